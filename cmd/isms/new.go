package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/isms-project/isms"
)

// starterIgnore keeps what isms writes into the site folder out of git:
// the output, the previous build kept beside it, and the lock a killed
// build may leave.
const starterIgnore = `# written by isms build and isms serve
/public/
/.public.spare/
/.public.lock
`

// cmdNew writes the starter site into DIR, which must not exist or be empty.
func cmdNew(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("new", stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: isms new DIR")
		return errUsage
	}
	dir := pos[0]
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		fmt.Fprintf(stderr, "isms new: %s exists and is not empty; choose a new folder\n", dir)
		return errFailed
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return err
	}
	if err := os.CopyFS(dir, isms.Starter()); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(starterIgnore), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created a starter ISMS in %s\nNext: cd %s && isms serve\n", dir, dir)
	return nil
}
