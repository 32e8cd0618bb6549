package generator

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// 9.3.2 b and c list the commits that changed the context (4.1) and
// interested-party (4.2) documents since the latest management review,
// read from a real git repository; commits before the review are left out,
// and an input with no change says so.
func TestReviewPackFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary; skipping the git-backed review pack test")
	}
	dir := t.TempDir()
	git := func(date string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=Ada Auditor", "-c", "user.email=ada@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+date+"T10:00:00+00:00", "GIT_COMMITTER_DATE="+date+"T10:00:00+00:00", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
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
	ctxDoc := func(body string) string {
		return "---\nid: PRC-CTX\ntitle: Context\ntype: process\nowner: CISO\nphase: plan\nclause: [\"4.1\"]\nreviewed: 2026-01-10\n---\n" + body
	}
	write("content/processes/context.md", ctxDoc("Issues.\n"))
	write("content/processes/parties.md", "---\nid: PRC-PARTIES\ntitle: Interested parties\ntype: process\nowner: CISO\nphase: plan\nclause: [\"4.2\"]\nreviewed: 2026-01-10\n---\nParties.\n")
	write("content/minutes/mr.md", "---\nid: MIN-MR\ntitle: Management review\ntype: minutes\nowner: CEO\nclause: [\"9.3\"]\ndate: 2026-06-01\n---\nHeld.\n")
	git("2026-01-10", "init", "-q", "-b", "main")
	git("2026-01-10", "add", "-A")
	git("2026-01-10", "commit", "-q", "-m", "Start the ISMS")
	write("content/processes/context.md", ctxDoc("Issues, and a new regulator.\n"))
	git("2026-09-15", "commit", "-q", "-am", "Add the new regulator to external issues")

	res, err := Build(context.Background(), Options{Site: os.DirFS(dir), SiteDir: dir, Today: asOf})
	if err != nil || res.Tree == nil {
		t.Fatalf("%v\n%s", err, res.Diags)
	}
	page := string(res.Tree["management-review/index.html"])
	b := page[strings.Index(page, "9.3.2 b"):strings.Index(page, "9.3.2 c")]
	if !strings.Contains(b, "2026-09-15: Add the new regulator to external issues") {
		t.Errorf("9.3.2 b lacks the commit since the review:\n%s", b)
	}
	if strings.Contains(b, "Start the ISMS") {
		t.Error("9.3.2 b lists a commit from before the latest review")
	}
	c := page[strings.Index(page, "9.3.2 c"):strings.Index(page, "9.3.2 d")]
	if !strings.Contains(c, "Nothing recorded since 2026-06-01") {
		t.Errorf("9.3.2 c should say nothing changed:\n%s", c)
	}
}
