package generator

import (
	"context"
	"os"
	"strings"
	"testing"
)

// 9.3.2 b and c list the commits that changed the context (4.1) and
// interested-party (4.2) documents since the latest management review,
// read from a real git repository; commits before the review are left out,
// and an input with no change says so.
func TestReviewPackFromGit(t *testing.T) {
	t.Parallel()
	dir, git, write := gitRepo(t)
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
