package model

import (
	"net/url"
	"strings"
	"testing"
)

func TestCheckBaseURL(t *testing.T) {
	for _, ok := range []string{
		"/", "/isms/", "/isms", "/a/b-c/d_e.f~g/",
		"https://intranet.example.com/isms/", "https://example.com", "https://example.com/",
		"http://localhost:8080/", "https://[::1]:8443/x/", "https://10.0.0.1/isms/", "https://example.com./",
	} {
		if err := CheckBaseURL(ok); err != nil {
			t.Errorf("CheckBaseURL(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{
		"", "//evil.example/", "//evil", "https://host//evil.example/", "/\\evil.example/", "/a\\b/",
		"javascript:alert(1)", "javascript://x/%0aalert(1)", "data:text/html,x", "ftp://host/",
		"/%2e%2e/", "/a/%2e%2e/", "/../", "/a/./b/", "/a b/", "https://host/a b/", " /x/",
		"/x/\x1b[2J", "/x\n/", "/x\u202e/", "https://exämple.com/", "HTTPS://host/",
		"https://user@host/", "https://host:0/", "https://host:99999/", "https://host:x/", "https://:80/",
		"https:///x/", "https://host/?q=1", "/x/#frag", "isms/", "https://ho_st/", "https://[1.2.3.4]/",
	} {
		if err := CheckBaseURL(bad); err == nil {
			t.Errorf("CheckBaseURL(%q) = nil, want an error", bad)
		}
	}
}

// A bad base_url in isms.yaml is an error at the value's line and column,
// and the configuration keeps the default.
func TestDecodeConfigBaseURL(t *testing.T) {
	for _, bad := range []string{`"https://host//evil.example/"`, `"/\\evil.example/"`, `javascript:alert(1)`, `"%2e%2e/"`, `"//evil"`} {
		c, d := DecodeConfig("isms.yaml", []byte("title: T\n\nbase_url:   "+bad+"\n"))
		if len(d) != 1 || d[0].Code != "bad-base-url" || d[0].Pos.Line != 3 || d[0].Pos.Col != 13 || d[0].Pos.Path != "isms.yaml" {
			t.Errorf("%s: %s", bad, d)
		}
		if c.BaseURL != "" {
			t.Errorf("%s: BaseURL = %q, want the default", bad, c.BaseURL)
		}
	}
	c, d := DecodeConfig("isms.yaml", []byte("base_url: https://intranet.example.com/isms/\n"))
	if len(d) != 0 || c.BaseURL != "https://intranet.example.com/isms/" {
		t.Errorf("good base_url: %q %s", c.BaseURL, d)
	}
}

func TestDecodeConfigSizes(t *testing.T) {
	c, d := DecodeConfig("isms.yaml", []byte("max_markdown_size: 5MB\nmax_file_size: 1 GiB\n"))
	if len(d) != 0 || c.MaxMarkdownSize != 5<<20 || c.MaxFileSize != 1<<30 {
		t.Errorf("%d %d %s", c.MaxMarkdownSize, c.MaxFileSize, d)
	}
	c, d = DecodeConfig("isms.yaml", []byte("max_file_size: 2048\nmax_markdown_size: 512kb\n"))
	if len(d) != 0 || c.MaxFileSize != 2048 || c.MaxMarkdownSize != 512<<10 {
		t.Errorf("%d %d %s", c.MaxMarkdownSize, c.MaxFileSize, d)
	}
	for _, bad := range []string{"lots", "0", "-5MB", "20 TB", "2000000GB", "[1]"} {
		_, d := DecodeConfig("isms.yaml", []byte("title: x\nmax_file_size: "+bad+"\n"))
		if len(d) != 1 || d[0].Pos.Line != 2 || d[0].Pos.Col != 16 || !strings.Contains(d[0].String(), "error") {
			t.Errorf("max_file_size %s: %s", bad, d)
		}
	}
}

// Ids refuse bidirectional and zero-width characters; titles and owners
// holding them are decoded with a warning at the value.
func TestDecodeHiddenCharacters(t *testing.T) {
	src := "---\nid: \"POL\u202e10\"\ntitle: \"Access \u202egnp.exe\"\ntype: policy\nowner: \"C\u200bISO\"\n---\nbody\n"
	doc, d := Decode("a.md", "content/a.md", []byte(src))
	want := map[string][2]int{"bad-id": {2, 5}, "hidden-char/title": {3, 8}, "hidden-char/owner": {5, 8}}
	got := map[string][2]int{}
	for _, x := range d {
		k := x.Code
		if k == "hidden-char" {
			k += "/" + strings.Fields(x.Msg)[0]
			if x.Severity != 0 {
				t.Errorf("%s is not a warning", x)
			}
		}
		got[k] = [2]int{x.Pos.Line, x.Pos.Col}
	}
	if len(d) != 3 || got["bad-id"] != want["bad-id"] || got["hidden-char/title"] != want["hidden-char/title"] || got["hidden-char/owner"] != want["hidden-char/owner"] {
		t.Errorf("diagnostics:\n%s", d)
	}
	if doc == nil || doc.Title != "Access \u202egnp.exe" {
		t.Errorf("doc %+v", doc)
	}
	if strings.Contains(d.String(), "\u202e") {
		t.Errorf("printed raw: %q", d.String())
	}
}

// FuzzCheckBaseURL: whatever CheckBaseURL accepts parses as a URL with no
// other host than the one written after http(s)://, no empty or dot
// segment, no query, fragment, user or escape.
func FuzzCheckBaseURL(f *testing.F) {
	for _, s := range []string{"/", "/isms/", "https://a.example/x/", "//evil", "https://h//evil/", "/\\evil/", "javascript:x", "/%2e%2e/", "http://[::1]:80/a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckBaseURL(s) != nil {
			return
		}
		u, err := url.Parse(s)
		if err != nil {
			t.Fatalf("%q accepted but does not parse: %v", s, err)
		}
		if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" || u.Opaque != "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.RawPath != "" {
			t.Fatalf("%q accepted: %#v", s, u)
		}
		if u.Scheme == "" && u.Host != "" || u.Scheme != "" && u.Host == "" {
			t.Fatalf("%q accepted with host %q", s, u.Host)
		}
		if !strings.HasPrefix(u.Path, "/") && u.Path != "" || strings.Contains(u.Path, "//") || strings.Contains(u.Path+"/", "/../") || strings.Contains(u.Path+"/", "/./") {
			t.Fatalf("%q accepted with path %q", s, u.Path)
		}
		for _, r := range s {
			if r <= ' ' || r >= 0x7F || r == '\\' || r == '%' {
				t.Fatalf("%q accepted with %q", s, r)
			}
		}
	})
}

// A placeholder in isms.yaml (a new site's organization: TBD) is a
// warning at the value, and the key keeps its default.
func TestDecodeConfigPlaceholder(t *testing.T) {
	c, d := DecodeConfig("isms.yaml", []byte("title: Manual\norganization: TBD   # your name\n"))
	want := `isms.yaml:2:15: warning: organization is the placeholder "TBD": treated as not given (placeholder)`
	if len(d) != 1 || d[0].String() != want {
		t.Errorf("diagnostics = %s, want %s", d, want)
	}
	if c.Organization != "" || c.Title != "Manual" {
		t.Errorf("organization %q, title %q", c.Organization, c.Title)
	}
}
