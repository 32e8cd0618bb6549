package generator

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// gitRepo is an empty folder in which git commits with fixed names and
// the given dates, and files are written; it skips without a git binary.
func gitRepo(t *testing.T) (string, func(date string, args ...string), func(p, s string)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary; skipping tests on a git repository")
	}
	return gitRepoIn(t, t.TempDir())
}

// gitRepoIn is gitRepo in the given empty folder.
func gitRepoIn(t *testing.T, dir string) (string, func(date string, args ...string), func(p, s string)) {
	t.Helper()
	git := func(date string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=Ada Auditor", "-c", "user.email=ada@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(testmode.GitEnviron(), "GIT_AUTHOR_DATE="+date+"T10:00:00+00:00", "GIT_COMMITTER_DATE="+date+"T10:00:00+00:00", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(p, s string) {
		t.Helper()
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, git, write
}

// gitSite makes a real repository in a temp folder with fixed authors and
// dates: a document created, edited with a version bump, renamed, then
// edited without a version bump.
func gitSite(t *testing.T) string {
	t.Helper()
	dir, git, write := gitRepo(t)
	fm := func(version, status string) string {
		return "---\nid: POL-AC-01\ntitle: Access <control>\ntype: policy\nowner: CISO\nversion: \"" + version + "\"\nstatus: " + status + "\nhistory:\n  - { version: \"1.0\", date: 2025-01-10, author: Ada, change: First issue }\n---\n"
	}
	git("2025-01-10", "init", "-q", "-b", "main")
	write("content/policies/access.md", fm("1.0", "draft")+"# Purpose\n\nKeep data safe.\n")
	git("2025-01-10", "add", "-A")
	git("2025-01-10", "commit", "-q", "-m", "Add access policy")
	write("content/policies/access.md", fm("1.1", "approved")+"# Purpose\n\nKeep data safe & sound.\n\nNew <b>rule</b>.\n")
	git("2025-06-01", "commit", "-q", "-am", "Approve access policy")
	git("2025-07-01", "mv", "content/policies/access.md", "content/policies/access-control.md")
	git("2025-07-01", "commit", "-q", "-m", "Rename access policy")
	write("content/policies/access-control.md", fm("1.1", "approved")+"# Purpose\n\nKeep data safe & sound.\n\nNew <b>rule</b>, typo fixed.\n")
	git("2025-08-01", "commit", "-q", "--allow-empty-message", "-am", "")
	return dir
}

func TestHistoryFromGit(t *testing.T) {
	t.Parallel()
	dir := gitSite(t)
	res, err := Build(context.Background(), Options{Site: os.DirFS(dir), SiteDir: dir, Today: asOf})
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v\n%s", err, res.Diags)
	}
	page := string(res.Tree["policies/access-control/history/index.html"])
	for _, want := range []string{
		"Changes in git <span class=\"count\">4</span>",
		"Add access policy", "Approve access policy", "Rename access policy", "(no message)",
		"2025-01-10", "2025-06-01", "Ada Auditor",
		"then named <code>policies/access.md</code>", // history follows the rename
		"<del>1.0</del>", "<ins>1.1</ins>", // field change version: 1.0 → 1.1
		"<del>draft</del>", "<ins>approved</ins>",
		"Keep data safe &amp; sound.", // body diff, escaped
		"New &lt;b&gt;rule&lt;/b&gt;",
		"First issue", // the front-matter table beside the git log
	} {
		if !strings.Contains(page, want) {
			t.Errorf("history page lacks %q", want)
		}
	}
	if strings.Contains(page, "<b>rule</b>") {
		t.Error("diff text not escaped")
	}
	// Newest first.
	if strings.Index(page, "Rename access policy") > strings.Index(page, "Add access policy") {
		t.Error("history is not newest first")
	}
	doc := string(res.Tree["policies/access-control/index.html"])
	if !strings.Contains(doc, "2025-08-01 by Ada Auditor") || !strings.Contains(doc, `href="/policies/access-control/history/"`) {
		t.Error("document page lacks last change or history link")
	}
	var unrecorded, unchanged bool
	for _, f := range res.Findings {
		unrecorded = unrecorded || f.Rule == "history-version-unrecorded"
		unchanged = unchanged || f.Rule == "history-version-unchanged"
	}
	if !unrecorded || !unchanged {
		t.Errorf("findings: unrecorded=%v unchanged=%v, want both: %+v", unrecorded, unchanged, res.Findings)
	}
	if res.Commit == "" {
		t.Error("no source commit")
	}
	// Golden: the history article itself (fixed names and dates make the
	// commit ids reproducible). Rewrite with go test ./generator -update.
	start, end := strings.Index(page, `<article class="history">`), strings.Index(page, "</article>")
	if start < 0 || end < start {
		t.Fatal("no history article")
	}
	got := []byte(page[start:end+len("</article>")] + "\n")
	golden := filepath.Join("..", "testdata", "history", "access-control.golden.html")
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./generator -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("history page differs from %s:\n%s", golden, firstDiff(string(want), string(got)))
	}
}

func TestHistoryOutsideGit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte(doc("", "Hi.\n")), 0o644)
	res, err := Build(context.Background(), Options{Site: os.DirFS(dir), SiteDir: dir, Today: asOf})
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v\n%s", err, res.Diags)
	}
	page := string(res.Tree["a/history/index.html"])
	if !strings.Contains(page, "No git history") {
		t.Errorf("history page outside git lacks the note:\n%s", page)
	}
}

func TestHistoryShallowClone(t *testing.T) {
	t.Parallel()
	src := gitSite(t)
	dir := filepath.Join(t.TempDir(), "clone")
	clone := exec.Command("git", "clone", "-q", "--depth", "1", "file://"+src, dir)
	clone.Env = testmode.GitEnviron()
	if out, err := clone.CombinedOutput(); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	res, err := Build(context.Background(), Options{Site: os.DirFS(dir), SiteDir: dir, Today: asOf})
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v\n%s", err, res.Diags)
	}
	if !strings.Contains(res.Diags.String(), "shallow clone") {
		t.Errorf("no shallow-clone warning:\n%s", res.Diags)
	}
	if !strings.Contains(string(res.Tree["policies/access-control/history/index.html"]), "truncated") {
		t.Error("history page does not say it is truncated")
	}
}

// TestHistoryPreviewUpdate: with a cache (the preview), a save without a
// commit reuses the history, a new commit shows up, and every build equals
// a fresh one.
func TestHistoryPreviewUpdate(t *testing.T) {
	t.Parallel()
	dir := gitSite(t)
	c := NewCache()
	build := func(cache *Cache) *Result {
		t.Helper()
		res, err := Build(context.Background(), Options{Site: os.DirFS(dir), SiteDir: dir, Today: asOf, Cache: cache})
		if err != nil || res.Tree == nil {
			t.Fatalf("build: %v\n%s", err, res.Diags)
		}
		return res
	}
	same := func(step string) *Result {
		t.Helper()
		cached, fresh := build(c), build(nil)
		if d := treeDiff(cached.Tree, fresh.Tree); d != "" {
			t.Fatalf("%s: cached build differs from a fresh one at %s", step, d)
		}
		return cached
	}
	same("first")
	file := filepath.Join(dir, "content/policies/access-control.md")
	b, _ := os.ReadFile(file)
	os.WriteFile(file, append(b, []byte("\nUnsaved work.\n")...), 0o644)
	res := same("uncommitted edit")
	if !strings.Contains(string(res.Tree["policies/access-control/index.html"]), "uncommitted changes") {
		t.Error("an uncommitted edit is not shown")
	}
	cmd := exec.Command("git", "-c", "user.name=Bo Editor", "-c", "user.email=bo@example.com", "commit", "-q", "-am", "Add unsaved work")
	cmd.Dir = dir
	cmd.Env = append(testmode.GitEnviron(), "GIT_AUTHOR_DATE=2025-09-01T10:00:00+00:00", "GIT_COMMITTER_DATE=2025-09-01T10:00:00+00:00")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("commit: %v\n%s", err, out)
	}
	res = same("after a commit")
	page := string(res.Tree["policies/access-control/history/index.html"])
	if !strings.Contains(page, "Add unsaved work") || !strings.Contains(page, "Changes in git <span class=\"count\">5</span>") {
		t.Error("the new commit is not in the history after an incremental update")
	}
}
