package history

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// testRepo drives a real git repository in a temporary folder with fixed
// names, emails and dates, so hashes and dates are reproducible.
type testRepo struct {
	t    *testing.T
	root string
	day  int
}

func newRepo(t *testing.T) *testRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
	r := &testRepo{t: t, root: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

// git runs git in the repository root with a fixed identity and the next
// fixed date, and returns its trimmed output.
func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	return r.gitIn(r.root, args...)
}

func (r *testRepo) gitIn(dir string, args ...string) string {
	r.t.Helper()
	date := fmt.Sprintf("2024-03-%02dT23:30:00+05:00", r.day+1)
	cmd := exec.Command("git", append([]string{"-c", "user.name=Ann Author", "-c", "user.email=ann@example.org"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(testmode.GitEnviron(),
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *testRepo) write(path, content string) {
	r.t.Helper()
	p := filepath.Join(r.root, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything and commits it on the next day.
func (r *testRepo) commit(msg string, extra ...string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git(append([]string{"commit", "-q", "--allow-empty-message", "-m", msg}, extra...)...)
	r.day++
	return r.git("rev-parse", "HEAD")
}

// summary renders revisions compactly for comparison.
func summary(revs []Rev) string {
	var b strings.Builder
	for _, r := range revs {
		fmt.Fprintf(&b, "%c %s %s %q by %s\n", r.Status, r.Date, r.Path, r.Subject, r.Author)
	}
	return b.String()
}

// long is a text large enough for git's rename detection to pair an edited
// copy with its original.
func long(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\n---\n", title)
	for i := range 20 {
		fmt.Fprintf(&b, "Paragraph %d of the document body.\n", i)
	}
	return b.String()
}
