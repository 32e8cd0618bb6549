package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// parseNetlifyHeaders reads the [[headers]] blocks of a netlify.toml: the
// small part of TOML they use (for = "…", [headers.values], Name = "…").
func parseNetlifyHeaders(t testing.TB, path string) []HeaderRule {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rules []HeaderRule
	in := false
	for n, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case line == "[[headers]]":
			rules = append(rules, HeaderRule{})
			in = true
			continue
		case line == "[headers.values]":
			continue
		case strings.HasPrefix(line, "["):
			in = false
			continue
		}
		if !in {
			continue
		}
		k, v, ok := strings.Cut(line, " = ")
		if !ok {
			t.Fatalf("netlify.toml:%d: cannot read %q", n+1, line)
		}
		val, err := strconv.Unquote(v)
		if err != nil {
			t.Fatalf("netlify.toml:%d: %v", n+1, err)
		}
		r := &rules[len(rules)-1]
		if k == "for" {
			r.For = val
		} else {
			r.Values = append(r.Values, [2]string{k, val})
		}
	}
	return rules
}

// The preview's table and netlify.toml are the same headers, in order.
func TestNetlifyHeaders(t *testing.T) {
	t.Parallel()
	got := parseNetlifyHeaders(t, "../../netlify.toml")
	if !reflect.DeepEqual(got, SiteHeaders) {
		t.Errorf("netlify.toml's [[headers]] differ from serve.SiteHeaders:\nnetlify.toml: %q\nSiteHeaders:  %q", got, SiteHeaders)
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/*", "/", true},
		{"/*", "/a/b.html", true},
		{"/*.svg", "/evidence/files/x.svg", true},
		{"/*.svg", "/x.svg", true},
		{"/*.svg", "/x.svg/", false},
		{"/*.svg", "/x.svgz", false},
		{"/*.htm", "/x.html", false},
		{"/*.html", "/policies/access/", false},
		{"/manifest.json", "/manifest.json", true},
		{"/manifest.json", "/a/manifest.json", false},
	} {
		if got := Match(c.pattern, c.path); got != c.want {
			t.Errorf("Match(%q, %q) = %v", c.pattern, c.path, got)
		}
	}
}

// The preview sends the site's security headers, and the sandbox policy
// on active artefacts, on every answer.
func TestServeSecurityHeaders(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	for k, v := range smallSite {
		files[k] = v
	}
	files["content/evidence/report.html"] = "<script>document.title='ran'</script>"
	files["content/evidence/logo.svg"] = `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`
	files["content/evidence/x.js"] = "alert(1)"
	_, hs := newServer(t, writeSite(t, files))
	for _, c := range []struct {
		path        string
		csp         []string
		disposition string
	}{
		{"/", []string{SiteCSP}, ""},
		{"/policies/access/", []string{SiteCSP}, ""},
		{"/evidence/report.html", []string{SiteCSP, "sandbox"}, ""},
		{"/evidence/logo.svg", []string{SiteCSP, "sandbox"}, ""},
		{"/evidence/x.js", []string{SiteCSP, "sandbox"}, "attachment"},
		{"/no/such.svg", []string{SiteCSP, "sandbox"}, ""},
	} {
		res, _ := get(t, hs.URL+c.path)
		if got := res.Header.Values("Content-Security-Policy"); !reflect.DeepEqual(got, c.csp) {
			t.Errorf("%s: CSP %q, want %q", c.path, got, c.csp)
		}
		if got := res.Header.Get("Content-Disposition"); got != c.disposition {
			t.Errorf("%s: Content-Disposition %q", c.path, got)
		}
		for _, h := range []string{"X-Frame-Options", "Referrer-Policy", "Permissions-Policy", "X-Content-Type-Options"} {
			if res.Header.Get(h) == "" {
				t.Errorf("%s: no %s", c.path, h)
			}
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", c.path, res.Header.Get("Cache-Control"))
		}
	}
}

// A file with "%" in its name is served at its percent-encoded URL.
func TestServePercentInName(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	for k, v := range smallSite {
		files[k] = v
	}
	files["content/evidence/100%.txt"] = "full"
	files["content/evidence/a%20b.txt"] = "literal"
	files["content/evidence/50%off/index.md"] = "---\nid: E-1\ntitle: Half\ntype: evidence\nowner: X\nfile: evidence/100%.txt\n---\nx\n"
	_, hs := newServer(t, writeSite(t, files))
	addr := strings.TrimPrefix(hs.URL, "http://")
	for path, want := range map[string]string{
		"/evidence/100%25.txt":   "full",
		"/evidence/a%2520b.txt":  "literal",
		"/evidence/50%25off/":    "Half",
		"/evidence/%2e%2e/x.txt": "",
	} {
		code, body := rawGet(t, addr, path)
		if want == "" {
			if code == http.StatusOK {
				t.Errorf("%s: %d", path, code)
			}
			continue
		}
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: %d %q", path, code, body[:min(len(body), 80)])
		}
	}
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.Get(hs.URL + "/evidence/50%25off")
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/evidence/50%25off/" {
		t.Errorf("redirect: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// rawHost sends a request with the given Host header, as a DNS-rebinding
// page would make the browser send it.
func rawHost(t *testing.T, addr, host string) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	must(t, err)
	defer c.Close()
	fmt.Fprintf(c, "GET /policies/access/ HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	must(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusForbidden && strings.Contains(string(b), "Access policy") {
		t.Errorf("Host %s: the page is in the 403 body", host)
	}
	return res.StatusCode
}

func TestHostGuard(t *testing.T) {
	t.Parallel()
	s, err := New(Config{Dir: writeSite(t, smallSite)})
	must(t, err)
	defer s.Close()
	// Each case listens on a port of its own: listening again on one
	// port let a parallel test take it in between.
	for _, c := range []struct {
		bind  string
		hosts func(port string) map[string]int
	}{
		{"127.0.0.1", func(port string) map[string]int {
			next, _ := strconv.Atoi(port)
			return map[string]int{
				"evil.example": 403, "evil.example:" + port: 403, "127.0.0.1.nip.io:" + port: 403,
				"127.0.0.1:" + port: 200, "localhost:" + port: 200, "LOCALHOST:" + port: 200,
				"[::1]:" + port: 200, "127.0.0.1:" + strconv.Itoa(next+1): 403, "127.0.0.1": 403, "": 403,
				"192.168.1.5:" + port: 403,
			}
		}},
		{"isms.lan", func(port string) map[string]int {
			return map[string]int{"isms.lan:" + port: 200, "evil.example:" + port: 403, "localhost:" + port: 200}
		}},
		{"0.0.0.0", func(port string) map[string]int {
			return map[string]int{"192.168.1.5:" + port: 200, "evil.example:" + port: 403}
		}},
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		must(t, err)
		port := ln.Addr().(*net.TCPAddr).Port
		hs := httptest.NewUnstartedServer(HostGuard(s, c.bind, port))
		hs.Listener.Close()
		hs.Listener = ln
		hs.Start()
		for host, want := range c.hosts(strconv.Itoa(port)) {
			if got := rawHost(t, ln.Addr().String(), host); got != want {
				t.Errorf("--bind %s, Host %q: %d, want %d", c.bind, host, got, want)
			}
		}
		hs.Close()
	}
}

// The preview reads content/ through load.DirFS: a file the build listed
// and that is then replaced by a link to /etc/passwd or by a named pipe is
// refused, without waiting on the pipe.
func TestMemoFSRefusesSwappedFiles(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, map[string]string{"content/a.txt": "a", "content/b.txt": "b", "themes/x.txt": "x"})
	m := newMemoFS(dir)
	must(t, os.Remove(filepath.Join(dir, "content/a.txt")))
	must(t, os.Symlink("/etc/passwd", filepath.Join(dir, "content/a.txt")))
	must(t, os.Remove(filepath.Join(dir, "content/b.txt")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "content/b.txt"), 0o644))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, n := range []string{"content/a.txt", "content/b.txt"} {
			if b, err := m.ReadFile(n); err == nil {
				t.Errorf("%s: read %q", n, b)
			}
		}
		if b, err := m.ReadFile("themes/x.txt"); err != nil || string(b) != "x" {
			t.Errorf("themes/x.txt: %q %v", b, err)
		}
		if es, err := m.ReadDir("content"); err != nil || len(es) != 2 {
			t.Errorf("ReadDir(content): %v %v", es, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the preview blocks on a named pipe")
	}
}
