package synth

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// WriteSite writes Site(n) into dir (which must exist). With commits > 0,
// dir is first made a git repository whose history is WriteHistory's and
// whose work tree is clean: the files written are the last commit's.
func WriteSite(dir string, n, commits int) ([]File, error) {
	files := Site(n, nil)
	if commits > 0 {
		var stream bytes.Buffer
		revs, err := WriteHistory(&stream, n, commits)
		if err != nil {
			return nil, err
		}
		for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"fast-import", "--quiet"}, {"reset", "-q", "--hard", "main"}} {
			cmd := exec.Command("git", args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
			if args[0] == "fast-import" {
				cmd.Stdin = &stream
			}
			if b, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("git %v: %v\n%s", args, err, b)
			}
		}
		files = Site(n, func(i int) int { return revs[i] })
	}
	return files, WriteFiles(dir, files)
}

// WriteFiles writes files under dir, making folders as needed.
func WriteFiles(dir string, files []File) error {
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
