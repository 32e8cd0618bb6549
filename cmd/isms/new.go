package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/isms-project/isms"
)

// cmdNew writes the skeleton of a new ISMS (or, with --sample, the
// Harbourline sample) into DIR, which must not exist or be empty.
func cmdNew(args []string, stdout, stderr io.Writer) error {
	flags := newFlags("new", stderr)
	sample := flags.Bool("sample", false, "write the sample ISMS of the fictional Harbourline Logistics instead of the skeleton")
	pos, err := parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: isms new [--sample] DIR")
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
	site := isms.Skeleton()
	if *sample {
		site = isms.Starter()
	}
	if err := os.CopyFS(dir, site); err != nil {
		return err
	}
	if *sample {
		// The sample has no .gitignore of its own: it is the skeleton's.
		ignore, err := starterIgnore()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, ".gitignore"), ignore, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Wrote the sample ISMS of the fictional Harbourline Logistics into %s\nNext: cd %s && isms serve\n", dir, dir)
		return nil
	}
	fmt.Fprintf(stdout, "Wrote a new ISMS skeleton into %s\nNext: read %s, then cd %s && isms serve (isms check lists what is still to fill in)\n",
		dir, filepath.Join(dir, "README.md"), dir)
	return nil
}

// starterIgnore is the skeleton's .gitignore, which keeps what isms writes
// into the site folder out of git: the output, the previous build kept
// beside it, and the lock a killed build may leave.
func starterIgnore() ([]byte, error) { return fs.ReadFile(isms.Skeleton(), ".gitignore") }
