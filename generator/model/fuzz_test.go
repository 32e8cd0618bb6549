package model_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
)

// FuzzDocument runs split + strict decode + Markdown parse + link checks
// on arbitrary bytes. Nothing may panic; an error must be located in the
// file (line ≥ 1).
func FuzzDocument(f *testing.F) {
	seeds, _ := filepath.Glob("../../content/*/*.md")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "---", "---\n", "---\n---\n", "-----\n# x", "---\r\nid: a\r\n---\r\n",
		"---\nid: [\n---\n", "---\n- a\n---\n", "---\nid: &a x\nt: *a\n---\n",
		"---\ninputs: [{from: [x]}]\n---\n", "---\nreviewed: 2026-02-30\n---\n",
		"---\napplicability: [{control: 5.1, applicable: maybe}]\n---\n[x](y.md#z)",
	} {
		f.Add([]byte(s))
	}
	md := markdown.New(markdown.Options{})
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, diags := model.Decode("a.md", "content/a.md", src)
		for _, d := range diags {
			if d.Pos.Line < 1 || !strings.HasPrefix(d.Pos.Path, "content/a.md") {
				t.Fatalf("unlocated diagnostic: %v", d)
			}
		}
		if doc == nil {
			if !diags.HasErrors() {
				t.Fatal("no document and no error")
			}
			return
		}
		p := link.NewPage(doc, md.Parse(src), "content/a.md")
		_, ld := link.Link([]*link.Page{p}, nil, link.Options{NormalizeControl: iso.Normalize, ClosestControl: iso.Closest})
		for _, d := range ld {
			if d.Pos.Line < 1 {
				t.Fatalf("unlocated link diagnostic: %v", d)
			}
		}
		if _, err := md.Render(p.MD, p.Dests); err != nil {
			t.Fatal(err)
		}
	})
}

func TestIntervalArithmetic(t *testing.T) {
	for _, tc := range []struct{ from, every, want string }{
		{"2025-01-31", "1m", "2025-02-28"},
		{"2024-01-31", "1m", "2024-02-29"},
		{"2024-02-29", "1y", "2025-02-28"},
		{"2024-02-29", "4y", "2028-02-29"},
		{"2025-11-30", "3m", "2026-02-28"},
		{"2025-12-15", "12m", "2026-12-15"},
		{"2026-01-01", "90d", "2026-04-01"},
		{"2026-12-25", "2w", "2027-01-08"},
	} {
		d, err := model.ParseDate(tc.from)
		if err != nil {
			t.Fatal(err)
		}
		i, err := model.ParseInterval(tc.every)
		if err != nil {
			t.Fatal(err)
		}
		if got := i.AddTo(d).String(); got != tc.want {
			t.Errorf("%s + %s = %s, want %s", tc.from, tc.every, got, tc.want)
		}
	}
	for _, bad := range []string{"", "m", "12", "0m", "-1m", "1.5m", "12months", "+3d", "3x"} {
		if _, err := model.ParseInterval(bad); err == nil {
			t.Errorf("ParseInterval(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"2026-13-45", "2026-02-30", "26-01-01", "2026-1-1", "tomorrow"} {
		if _, err := model.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}
