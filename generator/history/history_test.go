package history

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustRead(t *testing.T, site, content string) *Log {
	t.Helper()
	l, err := Read(context.Background(), site, content)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestReadLinear(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("README.md", "outside the site\n")
	r.write("site/content/policy.md", "v1\n")
	r.write("site/notes.md", "outside the content folder\n")
	r.commit("Add policy")
	r.write("site/content/policy.md", "v2\n")
	r.write("site/content/sub/proc.md", "p\n")
	r.commit("Revise policy, add procedure")
	r.write("README.md", "only outside\n")
	r.commit("Touch readme")
	r.write("site/content/policy.md", "v3\n")
	head := r.commit("Annual review")

	l := mustRead(t, filepath.Join(r.root, "site"), "content")
	if !l.Available || l.Reason != "" || l.Shallow || l.Head != head {
		t.Fatalf("Log = %+v, want available, not shallow, head %s", l, head)
	}
	want := "M 2024-03-04 policy.md \"Annual review\" by Ann Author\n" +
		"M 2024-03-02 policy.md \"Revise policy, add procedure\" by Ann Author\n" +
		"A 2024-03-01 policy.md \"Add policy\" by Ann Author\n"
	if got := summary(l.Revisions("policy.md")); got != want {
		t.Errorf("policy.md:\n%s\nwant:\n%s", got, want)
	}
	if got := summary(l.Revisions("sub/proc.md")); got != "A 2024-03-02 sub/proc.md \"Revise policy, add procedure\" by Ann Author\n" {
		t.Errorf("sub/proc.md:\n%s", got)
	}
	for _, p := range []string{"README.md", "notes.md", "../notes.md", "site/content/policy.md"} {
		if revs := l.Revisions(p); revs != nil {
			t.Errorf("Revisions(%q) = %v, want none", p, revs)
		}
	}
	last, ok := l.LastChanged("policy.md")
	if !ok || last.Hash != head || !strings.HasPrefix(head, last.Short) || len(last.Short) != 10 {
		t.Errorf("LastChanged = %+v, %v; want head %s", last, ok, head)
	}
	if _, ok := l.LastChanged("missing.md"); ok {
		t.Error("LastChanged(missing.md) found something")
	}
	// With the content folder at the repository root, paths start there,
	// and files outside the site are in the history too.
	top := mustRead(t, r.root, ".")
	if got := summary(top.Revisions("site/content/sub/proc.md")); got != "A 2024-03-02 site/content/sub/proc.md \"Revise policy, add procedure\" by Ann Author\n" {
		t.Errorf("from the root, site/content/sub/proc.md:\n%s", got)
	}
	if got := len(top.Revisions("README.md")); got != 2 {
		t.Errorf("from the root, README.md has %d revisions, want 2", got)
	}
	// An absolute content folder and a site folder below it read the same.
	abs := mustRead(t, t.TempDir(), filepath.Join(r.root, "site", "content"))
	if !reflect.DeepEqual(abs.revs, l.revs) {
		t.Errorf("absolute content folder read differently:\n%v\n%v", abs.revs, l.revs)
	}
}

func TestReadRenames(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("drafts/moved-in.md", strings.Repeat("Entirely different text.\n", 20))
	r.write("content/a.md", long("A"))
	r.write("content/x.md", "first x\n")
	r.write("content/p.md", long("P"))
	r.write("content/q.md", long("Q"))
	r.commit("Add")
	r.write("content/a.md", long("A2"))
	r.git("rm", "-q", "content/x.md")
	r.commit("Edit a, drop x")
	if err := os.Mkdir(filepath.Join(r.root, "content/policies"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("mv", "content/a.md", "content/policies/b.md")
	r.git("mv", "drafts/moved-in.md", "content/moved-in.md")
	r.write("content/policies/b.md", long("B"))
	r.write("content/x.md", "second x\n")
	r.commit("Move a to policies/b, new x")
	// Swap two names in one commit.
	r.git("mv", "content/p.md", "content/tmp.md")
	r.git("mv", "content/q.md", "content/p.md")
	r.git("mv", "content/tmp.md", "content/q.md")
	r.commit("Swap p and q")
	r.write("content/policies/b.md", long("B2"))
	r.commit("Edit b")

	l := mustRead(t, r.root, "content")
	want := "M 2024-03-05 policies/b.md \"Edit b\" by Ann Author\n" +
		"R 2024-03-03 policies/b.md \"Move a to policies/b, new x\" by Ann Author\n" +
		"M 2024-03-02 a.md \"Edit a, drop x\" by Ann Author\n" +
		"A 2024-03-01 a.md \"Add\" by Ann Author\n"
	if got := summary(l.Revisions("policies/b.md")); got != want {
		t.Errorf("policies/b.md:\n%s\nwant:\n%s", got, want)
	}
	// A file moved in from outside the content folder starts there.
	if got := summary(l.Revisions("moved-in.md")); got != "A 2024-03-03 moved-in.md \"Move a to policies/b, new x\" by Ann Author\n" {
		t.Errorf("moved-in.md:\n%s", got)
	}
	if revs := l.Revisions("a.md"); revs != nil {
		t.Errorf("a.md still has a history: %v", revs)
	}
	// The re-created x.md does not inherit the deleted one's history.
	if got := summary(l.Revisions("x.md")); got != "A 2024-03-03 x.md \"Move a to policies/b, new x\" by Ann Author\n" {
		t.Errorf("x.md:\n%s", got)
	}
	// Without break detection (-B, which would read every modified blob)
	// git sees two names swapped in one commit as two edits in place.
	if got, want := summary(l.Revisions("p.md")), "M 2024-03-04 p.md \"Swap p and q\" by Ann Author\nA 2024-03-01 p.md \"Add\" by Ann Author\n"; got != want {
		t.Errorf("p.md:\n%s\nwant:\n%s", got, want)
	}

	// Contents follows the file across the rename, one blob per revision.
	got, err := l.Contents(context.Background(), l.Revisions("policies/b.md"))
	if err != nil {
		t.Fatal(err)
	}
	wantContents := []string{long("B2"), long("B"), long("A2"), long("A")}
	if len(got) != len(wantContents) {
		t.Fatalf("Contents gave %d blobs, want %d", len(got), len(wantContents))
	}
	for i := range wantContents {
		if string(got[i]) != wantContents[i] {
			t.Errorf("Contents[%d] = %q, want %q", i, got[i], wantContents[i])
		}
	}
}

// TestWalkSwap feeds the walk a commit that swaps two names (as git reports
// it with -B): each change must land on the file that now has the name.
func TestWalkSwap(t *testing.T) {
	w := newWalk()
	w.commit(Rev{Subject: "edit"}, []entry{{status: 'M', dst: "p.md"}})
	w.commit(Rev{Subject: "swap"}, []entry{
		{status: 'R', src: "q.md", dst: "p.md"},
		{status: 'R', src: "p.md", dst: "q.md"},
	})
	w.commit(Rev{Subject: "add"}, []entry{{status: 'A', dst: "p.md"}, {status: 'A', dst: "q.md"}})
	if got, want := summary(w.revs["p.md"]), "M  p.md \"edit\" by \nR  p.md \"swap\" by \nA  q.md \"add\" by \n"; got != want {
		t.Errorf("p.md:\n%s\nwant:\n%s", got, want)
	}
	if got, want := summary(w.revs["q.md"]), "R  q.md \"swap\" by \nA  p.md \"add\" by \n"; got != want {
		t.Errorf("q.md:\n%s\nwant:\n%s", got, want)
	}
}

func TestReadMergeFirstParent(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("content/a.md", "a1\n")
	r.write("content/b.md", "b1\n")
	r.commit("Start")
	r.git("checkout", "-q", "-b", "side")
	r.write("content/a.md", "a2\n")
	r.commit("Side one")
	r.write("content/a.md", "a3\n")
	r.write("content/s.md", "s\n")
	r.commit("Side two")
	r.git("checkout", "-q", "main")
	r.write("content/b.md", "b2\n")
	r.commit("Main edit")
	r.git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
	r.day++

	l := mustRead(t, r.root, "content")
	want := "M 2024-03-05 a.md \"Merge side\" by Ann Author\n" +
		"A 2024-03-01 a.md \"Start\" by Ann Author\n"
	if got := summary(l.Revisions("a.md")); got != want {
		t.Errorf("a.md:\n%s\nwant:\n%s", got, want)
	}
	want = "M 2024-03-04 b.md \"Main edit\" by Ann Author\nA 2024-03-01 b.md \"Start\" by Ann Author\n"
	if got := summary(l.Revisions("b.md")); got != want {
		t.Errorf("b.md:\n%s\nwant:\n%s", got, want)
	}
	if got := summary(l.Revisions("s.md")); got != "A 2024-03-05 s.md \"Merge side\" by Ann Author\n" {
		t.Errorf("s.md:\n%s", got)
	}
}

func TestReadShallowClone(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("content/a.md", "a1\n")
	r.commit("One")
	r.write("content/a.md", "a2\n")
	r.write("content/b.md", "b\n")
	r.commit("Two")
	r.write("content/a.md", "a3\n")
	head := r.commit("Three")
	clone := filepath.Join(t.TempDir(), "clone")
	r.git("clone", "-q", "--depth", "1", "file://"+filepath.ToSlash(r.root), clone)

	l := mustRead(t, clone, "content")
	if !l.Available || !l.Shallow || l.Head != head {
		t.Fatalf("Log = %+v, want available, shallow, head %s", l, head)
	}
	// The one commit there is shows every file as added.
	for _, p := range []string{"a.md", "b.md"} {
		if got := summary(l.Revisions(p)); got != "A 2024-03-03 "+p+" \"Three\" by Ann Author\n" {
			t.Errorf("%s:\n%s", p, got)
		}
	}
	if revs := l.Revisions("a.md"); len(revs) != 1 || !revs[0].Truncated {
		t.Errorf("the cut commit is not marked Truncated: %+v", revs)
	}
	got, err := l.Contents(context.Background(), l.Revisions("a.md"))
	if err != nil || len(got) != 1 || string(got[0]) != "a3\n" {
		t.Errorf("Contents = %q, %v", got, err)
	}
	full := mustRead(t, r.root, "content")
	if full.Shallow {
		t.Error("full repository read as shallow")
	}
	for _, rev := range full.Revisions("a.md") {
		if rev.Truncated {
			t.Errorf("revision %s of a full repository marked Truncated", rev.Subject)
		}
	}

	// A clone two commits deep keeps the older revision, and only the
	// cut commit is marked.
	clone2 := filepath.Join(t.TempDir(), "clone2")
	r.git("clone", "-q", "--depth", "2", "file://"+filepath.ToSlash(r.root), clone2)
	revs := mustRead(t, clone2, "content").Revisions("a.md")
	if len(revs) != 2 || revs[0].Truncated || !revs[1].Truncated || revs[1].Status != 'A' || revs[1].Subject != "Two" {
		t.Errorf("depth 2: %+v", revs)
	}
}

func TestReadUnavailable(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	l := mustRead(t, dir, "content")
	if l.Available || !strings.Contains(l.Reason, "not in a git repository") {
		t.Errorf("outside a repository: %+v", l)
	}
	if l.Revisions("a.md") != nil {
		t.Error("revisions outside a repository")
	}
	if got, err := l.Contents(context.Background(), []Rev{{Blob: strings.Repeat("a", 40)}}); err != nil || got[0] != nil {
		t.Errorf("Contents outside a repository = %v, %v", got, err)
	}

	if _, err := Read(context.Background(), dir, "nope"); err == nil {
		t.Error("a missing content folder is not an error")
	}

	r := newRepo(t)
	r.write("content/a.md", "a\n")
	r.commit("One")
	t.Setenv("PATH", t.TempDir())
	l = mustRead(t, r.root, "content")
	if l.Available || !strings.Contains(l.Reason, "git is not installed") {
		t.Errorf("without git: %+v", l)
	}
}

func TestReadNoCommits(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("content/a.md", "draft\n")
	l := mustRead(t, r.root, "content")
	if !l.Available || l.Head != "" || len(l.revs) != 0 {
		t.Errorf("empty repository: %+v", l)
	}
	// The first commit arrives while the preview runs.
	r.commit("First")
	n, err := l.Update(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(n.Revisions("a.md")); got != "A 2024-03-01 a.md \"First\" by Ann Author\n" {
		t.Errorf("after first commit:\n%s", got)
	}
}

func TestReadOddCommits(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write(".mailmap", "Ann Author <ann@example.org> <ann.old@example.org>\n")
	r.write("content/img.bin", "\x00\x01\x02binary\xff")
	r.write("content/sub dir/Résumé ü.md", "unicode\n")
	r.write("content/bad\xff.md", "latin-1 name\n")
	r.git("add", "-A")
	r.git("-c", "user.name=A. Author (old laptop)", "-c", "user.email=ann.old@example.org", "commit", "-q", "-m", "Add odd files")
	r.day++
	r.write("content/img.bin", "\x00\x01\x03binary\xfe")
	r.git("add", "-A")
	r.git("-c", "user.name=Zoë \"Z\" O'Brien & Co", "-c", "user.email=weird+tag@[127.0.0.1]",
		"commit", "-q", "--allow-empty-message", "-m", "")
	r.day++
	// git commit would convert a Latin-1 message to UTF-8; write the commit
	// object by hand so the bytes reach git log as they are.
	r.write("content/sub dir/Résumé ü.md", "unicode 2\n")
	r.git("add", "-A")
	tree := r.git("write-tree")
	obj := "tree " + tree + "\nparent " + r.git("rev-parse", "HEAD") +
		"\nauthor Ann Author <ann@example.org> 1709490600 +0500" +
		"\ncommitter Ann Author <ann@example.org> 1709490600 +0500" +
		"\n\ncaf\xe9 <b>fix</b>\n\nbody\n"
	msg := filepath.Join(t.TempDir(), "commit")
	if err := os.WriteFile(msg, []byte(obj), 0o644); err != nil {
		t.Fatal(err)
	}
	r.git("update-ref", "HEAD", r.git("hash-object", "-t", "commit", "-w", msg))

	l := mustRead(t, r.root, "content")
	want := "M 2024-03-02 img.bin \"\" by Zoë \"Z\" O'Brien & Co\nA 2024-03-01 img.bin \"Add odd files\" by Ann Author\n"
	if got := summary(l.Revisions("img.bin")); got != want {
		t.Errorf("img.bin:\n%s\nwant:\n%s", got, want)
	}
	want = "M 2024-03-03 sub dir/Résumé ü.md \"caf\uFFFD <b>fix</b>\" by Ann Author\nA 2024-03-01 sub dir/Résumé ü.md \"Add odd files\" by Ann Author\n"
	if got := summary(l.Revisions("sub dir/Résumé ü.md")); got != want {
		t.Errorf("unicode path:\n%s\nwant:\n%s", got, want)
	}
	// The key is the name as on disk; the displayed path is valid UTF-8.
	bad := l.Revisions("bad\xff.md")
	if len(bad) != 1 || bad[0].Path != "bad\uFFFD.md" {
		t.Errorf("non-UTF-8 name: %+v", bad)
	}
	got, err := l.Contents(context.Background(), l.Revisions("img.bin"))
	if err != nil || string(got[0]) != "\x00\x01\x03binary\xfe" || string(got[1]) != "\x00\x01\x02binary\xff" {
		t.Errorf("binary contents = %q, %v", got, err)
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("content/a.md", long("A"))
	r.write("content/b.md", long("B"))
	r.write("content/gone.md", "g\n")
	r.commit("Start")
	r.write("content/a.md", long("A2"))
	r.commit("Edit a")
	ctx := context.Background()
	l := mustRead(t, r.root, "content")
	before := maps.Clone(l.revs)

	same, err := l.Update(ctx)
	if err != nil || !reflect.DeepEqual(same.revs, l.revs) || same.Head != l.Head {
		t.Fatalf("Update with no new commits changed the log: %v", err)
	}

	r.write("README", "outside first\n")
	r.commit("Outside content first")
	r.write("content/a.md", long("A3"))
	r.commit("Edit a again")
	r.git("mv", "content/b.md", "content/c.md")
	r.git("rm", "-q", "content/gone.md")
	r.write("content/d.md", "new\n")
	r.commit("Rename b, drop gone, add d")
	r.write("README", "outside\n")
	r.commit("Outside content only")
	// The new commits continue the old head's line: no full read needed.
	loc, _, err := locate(ctx, r.root, "content")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := l.extendTo(ctx, loc); !ok || err != nil {
		t.Errorf("extendTo = %v, %v; want an incremental update", ok, err)
	}
	n, err := l.Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	full := mustRead(t, r.root, "content")
	if n.Head != full.Head || !reflect.DeepEqual(n.revs, full.revs) {
		t.Errorf("incremental update differs from a full read:\n%v\n%v", n.revs, full.revs)
	}
	if !reflect.DeepEqual(l.revs, before) {
		t.Error("Update modified the old Log")
	}
	if got := len(n.Revisions("c.md")); got != 2 {
		t.Errorf("c.md has %d revisions, want 2 (rename and start)", got)
	}

	// Rewritten history: amend the last commit, then update.
	r.write("content/a.md", long("A4"))
	r.git("add", "-A")
	r.git("commit", "-q", "--amend", "-m", "Outside content, and a")
	r.day++
	loc, _, err = locate(ctx, r.root, "content")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := n.extendTo(ctx, loc); ok || err != nil {
		t.Errorf("extendTo after a rewrite = %v, %v; want a full read", ok, err)
	}
	m, err := n.Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	full = mustRead(t, r.root, "content")
	if m.Head != full.Head || !reflect.DeepEqual(m.revs, full.revs) {
		t.Errorf("update after a rewrite differs from a full read:\n%v\n%v", m.revs, full.revs)
	}
	if got := summary(m.Revisions("a.md")[:1]); !strings.Contains(got, "Outside content, and a") {
		t.Errorf("a.md after amend: %s", got)
	}

	// Moving HEAD back reads the older state.
	r.git("reset", "-q", "--hard", "HEAD~3")
	back, err := m.Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	full = mustRead(t, r.root, "content")
	if back.Head != full.Head || !reflect.DeepEqual(back.revs, full.revs) || len(back.Revisions("c.md")) != 0 {
		t.Errorf("update after a reset differs from a full read:\n%v\n%v", back.revs, full.revs)
	}
}

// TestContentsFunc: every revision asked for is handed over exactly once,
// with its content (nil for a blob the repository lacks or an id that is
// not one), a blob several revisions share (a revert) read once for all.
func TestContentsFunc(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("content/a.md", "a1\n")
	r.commit("One")
	r.write("content/a.md", "a2\n")
	r.write("content/b.md", "")
	r.commit("Two")
	r.write("content/a.md", "a1\n") // back to the first text: the same blob
	r.commit("Three")
	l := mustRead(t, r.root, "content")
	revs := append(append([]Rev{}, l.Revisions("a.md")...), l.Revisions("b.md")...)
	revs = append(revs, Rev{Blob: strings.Repeat("b", 40)}, Rev{Blob: "not\nan id"}, revs[0])
	want := []string{"a1\n", "a2\n", "a1\n", "", "<nil>", "<nil>", "a1\n"}
	got := make([]string, len(revs))
	calls := make([]int, len(revs))
	err := l.ContentsFunc(context.Background(), revs, func(i int, b []byte) {
		calls[i]++
		got[i] = string(b)
		if b == nil {
			got[i] = "<nil>"
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range revs {
		if calls[i] != 1 || got[i] != want[i] {
			t.Errorf("revision %d: %d calls, content %q, want one call, %q", i, calls[i], got[i], want[i])
		}
	}
	all, err := l.Contents(context.Background(), revs)
	if err != nil || len(all) != len(revs) || string(all[1]) != "a2\n" || all[3] == nil || all[4] != nil {
		t.Errorf("Contents = %q, %v", all, err)
	}
}

// TestLocateAsksOnce runs locate through a git that logs its calls: one
// git process says where the repository is and what HEAD is, whether
// HEAD is on a branch whose ref is a file or packed, or detached; before
// the first commit a second asks for HEAD again. The head is git's own
// answer and the stamp names it.
func TestLocateAsksOnce(t *testing.T) {
	real, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git binary")
	}
	r := newRepo(t)
	r.write("content/a.md", "one\n")
	calls := filepath.Join(t.TempDir(), "calls")
	bin := t.TempDir()
	shim := "#!/bin/sh\necho \"$*\" >> '" + calls + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	check := func(state string, wantCalls int) {
		t.Helper()
		os.Remove(calls)
		loc, reason, err := locate(context.Background(), r.root, "content")
		if err != nil || loc == nil {
			t.Fatalf("%s: locate: %v (%s)", state, err, reason)
		}
		b, _ := os.ReadFile(calls)
		if n := strings.Count(string(b), "rev-parse"); n != wantCalls {
			t.Errorf("%s: git rev-parse ran %d times, want %d:\n%s", state, n, wantCalls, b)
		}
		head := exec.Command(real, "rev-parse", "-q", "--verify", "HEAD^{commit}")
		head.Dir = r.root
		out, _ := head.Output()
		if want := strings.TrimSpace(string(out)); loc.head != want {
			t.Errorf("%s: head %q, want %q", state, loc.head, want)
		}
		if loc.head != "" && !stampNames(loc.stamp, loc.head) {
			t.Errorf("%s: stamp %q does not name head %s", state, loc.stamp, loc.head)
		}
		if loc.prefix != "content/" {
			t.Errorf("%s: prefix %q", state, loc.prefix)
		}
	}
	check("before the first commit", 2)
	first := r.commit("One")
	check("a loose ref", 1)
	r.git("pack-refs", "--all")
	check("a packed ref", 1)
	r.write("content/a.md", "two\n")
	r.commit("Two")
	check("a loose ref over a packed one", 1)
	r.git("checkout", "-q", "--detach", first)
	check("detached", 1)
}
