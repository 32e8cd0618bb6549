package history

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	git "github.com/isms-project/isms/generator/history"
	"github.com/isms-project/isms/internal/testmode"
)

// TestVersionViewsKeepNoContent: versionViews reads the bodies in place
// (no copy), so nothing it returns may point into the contents it was
// given. Overwriting them afterwards must leave every view as it was:
// the same as views made from contents no one touches.
func TestVersionViewsKeepNoContent(t *testing.T) {
	version := func(n int, lines ...string) []byte {
		return fmt.Appendf(nil, "---\nid: POL-1\ntitle: Access control\nversion: \"1.%d\"\nstatus: approved\n---\n%s", n, strings.Join(lines, "\n")+"\n")
	}
	long := func(tag string) []string {
		var ls []string
		for i := range 40 {
			ls = append(ls, fmt.Sprintf("Line %d of the policy, %s.", i, tag))
		}
		return ls
	}
	// Newest first, as git gives them.
	texts := [][]byte{
		version(3, append(long("kept"), "A closing line, added.")...),
		version(2, long("kept")...),
		version(1, append([]string{"# Access", "An opening line, later removed."}, long("first")...)...),
		[]byte("no front-matter at all\r\nwith CRLF\r\n"),
		version(0),
	}
	revs := make([]git.Rev, len(texts))
	for i := range revs {
		revs[i] = git.Rev{Hash: fmt.Sprintf("%040d", i), Short: fmt.Sprintf("%07d", i), Date: "2026-01-0" + fmt.Sprint(i+1), Author: "A. Author", Subject: "change", Path: "policies/pol-1.md"}
	}
	fresh := func() [][]byte {
		out := make([][]byte, len(texts))
		for i, b := range texts {
			out[i] = bytes.Clone(b)
		}
		return out
	}
	want := versionViews("policies/pol-1.md", revs, fresh())
	given := fresh()
	got := versionViews("policies/pol-1.md", revs, given)
	for _, b := range given {
		for i := range b {
			b[i] = 'X'
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the views changed when the contents they were made from were overwritten:\n got %+v\nwant %+v", got, want)
	}
	// The test has teeth only if the views hold text from the bodies.
	var kept int
	for _, v := range want {
		for _, h := range v.Hunks {
			kept += len(h.Lines)
		}
	}
	if kept == 0 || len(want[0].Changes) == 0 {
		t.Fatalf("no diff lines or field changes to check: %+v", want)
	}
}

// TestDiffVersionsBounded: the versions read and not yet diffed stay
// within the bound, past one path read whole (a path whose versions
// alone are over it must not stop the reading), and the views are the
// same as without a bound.
func TestDiffVersionsBounded(t *testing.T) {
	revs := map[string][]git.Rev{}
	blobs := map[string][]byte{}
	var paths []string
	biggest := 0
	for p := range testmode.Rounds(50, 120) {
		path := fmt.Sprintf("policies/pol-%03d.md", p)
		paths = append(paths, path)
		size := 0
		for v := range 2 + p%5 { // newest first
			n := 6 - v
			id := fmt.Sprintf("%040x", p*10+v)
			b := fmt.Appendf(nil, "---\nid: POL-%d\ntitle: Policy %d\nversion: \"1.%d\"\n---\n", p, p, n)
			for l := range 60 + p {
				b = fmt.Appendf(b, "Line %d of policy %d, as of version %d.\n", l, p, n-l%2*v)
			}
			blobs[id] = b
			size += len(b)
			revs[path] = append(revs[path], git.Rev{Hash: id, Short: id[:7], Blob: id, Date: "2026-01-01", Author: "A. Author", Subject: "edit", Path: path})
		}
		biggest = max(biggest, size)
	}
	log := git.Memory("head", revs, blobs)
	want, err := diffWithin(t.Context(), log, paths, 1<<40, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 16 << 10, 64 << 10} {
		peak := 0
		got, err := diffWithin(t.Context(), log, paths, limit, &peak)
		if err != nil {
			t.Fatal(err)
		}
		if peak > limit+biggest {
			t.Errorf("limit %d: held %d bytes not yet diffed, over the limit and the largest path (%d)", limit, peak, biggest)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("limit %d: the views differ from those made without a limit", limit)
		}
	}
}

// TestDiffVersionsBoundedSharedBlob: git hands a blob shared by many
// revisions to all of them at once. Here 60 documents start from the
// same text, and that text must count once against the bound, not once
// per document: counted 60 times, it kept the reader over the bound and
// waiting each time a path was ready (a review measured reading and
// diffing taking turns, 15 % slower on 400 such documents).
func TestDiffVersionsBoundedSharedBlob(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(testmode.GitEnviron(),
			"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.org", "GIT_COMMITTER_NAME=A", "GIT_COMMITTER_EMAIL=a@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q", "-b", "main")
	template := "---\nid: POL-0\ntitle: Policy\nversion: \"1.0\"\n---\n" + strings.Repeat("A line of the template every policy starts from.\n", 160)
	var paths []string
	for edit := range 3 {
		for d := range 60 {
			path := fmt.Sprintf("policies/pol-%02d.md", d)
			if edit == 0 {
				paths = append(paths, path)
			}
			text := template
			if edit > 0 {
				text += fmt.Sprintf("Edit %d of policy %d.\n", edit, d)
			}
			if err := os.MkdirAll(filepath.Join(dir, "content", "policies"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "content", path), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		run("add", "-A")
		run("commit", "-q", "-m", fmt.Sprintf("edit %d", edit))
	}
	log, err := git.Read(t.Context(), dir, "content")
	if err != nil || !log.Available {
		t.Fatalf("reading the history: %v", err)
	}
	want, err := diffWithin(t.Context(), log, paths, 1<<40, nil)
	if err != nil {
		t.Fatal(err)
	}
	biggest := 3 * (len(template) + 40) // a document's three versions
	for _, limit := range []int{1, 16 << 10} {
		peak := 0
		got, err := diffWithin(t.Context(), log, paths, limit, &peak)
		if err != nil {
			t.Fatal(err)
		}
		if peak > limit+biggest+len(template) {
			t.Errorf("limit %d: held %d bytes not yet diffed; the limit, the largest document and the shared text are %d", limit, peak, limit+biggest+len(template))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("limit %d: the views differ from those made without a limit", limit)
		}
	}
}
