package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// gitEnv is the environment every git call runs with. Variables a parent
// git (a hook, an editor integration) may have set are dropped so they cannot
// point us at another repository; prompts, pagers, system config, lazy
// fetches of missing objects and optional locks are turned off so that reading
// history never blocks, never touches the network and never competes with the
// author's own git commands for the index lock.
func gitEnv() []string {
	env := make([]string, 0, len(os.Environ())+8)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(kv, "LC_ALL=") || strings.HasPrefix(kv, "LANGUAGE=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"GIT_TERMINAL_PROMPT=0",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_PAGER=cat",
		"PAGER=cat",
		"GIT_NO_LAZY_FETCH=1",
		"GIT_OPTIONAL_LOCKS=0",
		"GIT_ASKPASS=",
		"SSH_ASKPASS=",
		"LC_ALL=C", // stable messages for Reason
	)
}

// gitArgs prefixes every call with settings that must hold whatever the
// user's global config says: no pager, unquoted paths, no network transport
// (a partial clone would otherwise fetch missing blobs), no fsmonitor hook.
func gitArgs(dir string, args ...string) []string {
	return append([]string{
		"--no-pager", "-C", dir,
		"-c", "core.quotepath=off",
		"-c", "protocol.allow=never",
		"-c", "core.fsmonitor=false",
		"-c", "log.showSignature=false",
	}, args...)
}

// gitError carries git's own explanation, which is more useful in a build
// warning than "exit status 128".
type gitError struct {
	args   []string
	stderr string
	err    error
}

func (e *gitError) Error() string {
	msg := firstLine(e.stderr)
	if msg == "" {
		msg = e.err.Error()
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.args, " "), msg)
}

func (e *gitError) Unwrap() error { return e.err }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// runGit runs one git command to completion and returns its standard output.
func runGit(ctx context.Context, git, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, git, gitArgs(dir, args...)...)
	cmd.Env = gitEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return stdout.Bytes(), &gitError{args: args, stderr: stderr.String(), err: err}
	}
	return stdout.Bytes(), nil
}

// exitCode reports git's exit status, or -1 if it did not get to exit.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// repo is what every entry point needs to know about where the content
// folder sits in a repository.
type repo struct {
	git     string // the git binary
	dir     string // absolute content folder; git runs here
	prefix  string // content folder relative to the repository root, "" or ending in "/"
	shallow bool
	// boundary holds the commits a shallow clone was cut at: their
	// parents are missing, so their changes show as additions.
	boundary map[string]bool
	head     string // "" before the first commit
	// gitDir and commonDir locate HEAD and the refs, so Update can tell
	// without running git that nothing was committed (stamp unchanged).
	gitDir, commonDir string
	stamp             string
}

// locate finds the repository around the content folder. A missing git
// binary or a folder outside any repository is not an error: it returns a
// nil repo and the reason, so the build can degrade to the front-matter table.
func locate(ctx context.Context, siteDir, contentDir string) (r *repo, reason string, err error) {
	dir := contentDir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(siteDir, dir)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, "", err
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, "", fmt.Errorf("history: content folder: %w", err)
	} else if !fi.IsDir() {
		return nil, "", fmt.Errorf("history: content folder %s is not a folder", dir)
	}
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, "git is not installed (no git command on PATH)", nil
	}
	// One git process answers where the repository is and what HEAD
	// is (-q --verify: exit 1, the other lines printed, before the first
	// commit).
	out, err := runGit(ctx, git, dir, "rev-parse", "--show-prefix", "--is-shallow-repository", "--git-path", "shallow", "--absolute-git-dir", "--git-common-dir", "-q", "--verify", "HEAD^{commit}")
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	unborn := err != nil && ctx.Err() == nil && exitCode(err) == 1 && len(lines) == 5
	if err != nil && !unborn {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		var ge *gitError
		if errors.As(err, &ge) && strings.Contains(ge.stderr, "not a git repository") {
			return nil, "the site is not in a git repository", nil
		}
		if len(lines) >= 2 && lines[1] != "true" && lines[1] != "false" {
			return nil, tooOldReason, nil // git before 2.15 echoes options it does not know
		}
		// Anything else git refuses here (an unsafe owner, a broken
		// repository) also means "no history", with git's words as reason.
		return nil, err.Error(), nil
	}
	if !unborn && len(lines) != 6 {
		if len(lines) >= 2 && lines[1] != "true" && lines[1] != "false" {
			return nil, tooOldReason, nil
		}
		return nil, "", fmt.Errorf("history: unexpected git rev-parse output %q", out)
	}
	if lines[1] != "true" && lines[1] != "false" {
		// git before 2.15 echoes options it does not know.
		return nil, tooOldReason, nil
	}
	r = &repo{git: git, dir: dir, prefix: lines[0], shallow: lines[1] == "true", gitDir: lines[3], commonDir: lines[4]}
	if !filepath.IsAbs(r.commonDir) {
		r.commonDir = filepath.Join(dir, r.commonDir)
	}
	if r.shallow {
		if r.boundary, err = readShallow(dir, lines[2]); err != nil {
			return nil, "", fmt.Errorf("history: %w", err)
		}
	}
	// The stamp must not be newer than the head it stands for (a commit
	// in between would go unseen until the next): it is read after git
	// answered, and kept with that answer only when it names the same
	// commit; else HEAD is asked for again, after the stamp.
	r.stamp = headStamp(r.gitDir, r.commonDir)
	if !unborn && stampNames(r.stamp, lines[5]) {
		r.head = lines[5]
		return r, "", nil
	}
	head, err := runGit(ctx, git, dir, "rev-parse", "-q", "--verify", "HEAD^{commit}")
	switch {
	case err == nil:
		r.head = strings.TrimSpace(string(head))
	case ctx.Err() != nil:
		return nil, "", ctx.Err()
	case exitCode(err) == 1: // no commits yet
	default:
		return nil, "", err
	}
	return r, "", nil
}

// readShallow reads the commit ids listed in a shallow clone's
// $GIT_DIR/shallow file (path as git printed it, relative to dir).
func readShallow(dir, path string) (map[string]bool, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, f := range strings.Fields(string(b)) {
		ids[f] = true
	}
	return ids, nil
}

// stampNames says whether stamp (headStamp) says HEAD is at commit id.
func stampNames(stamp, id string) bool {
	if id == "" {
		return false
	}
	if _, at, ok := strings.Cut(stamp, " "); ok {
		return at == id
	}
	return strings.TrimSpace(stamp) == id // detached
}

// headStamp is what HEAD points at, read from the files git keeps it in:
// HEAD, then the branch's loose ref or its line in packed-refs. It changes
// whenever a commit, checkout, reset or rebase moves HEAD. "" means it
// could not be read (the caller then asks git).
func headStamp(gitDir, commonDir string) string {
	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	ref, ok := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: ")
	if !ok {
		return string(head) // detached: HEAD holds the commit id itself
	}
	if strings.Contains(ref, "..") {
		return ""
	}
	for _, d := range []string{gitDir, commonDir} {
		if b, err := os.ReadFile(filepath.Join(d, filepath.FromSlash(ref))); err == nil {
			return ref + " " + strings.TrimSpace(string(b))
		}
	}
	packed, err := os.ReadFile(filepath.Join(commonDir, "packed-refs"))
	if err != nil {
		return ref + " unborn"
	}
	for _, line := range strings.Split(string(packed), "\n") {
		if id, name, ok := strings.Cut(line, " "); ok && name == ref {
			return ref + " " + id
		}
	}
	return ref + " unborn"
}
