// Command gensite writes a synthetic ISMS site for benchmarks (see package
// bench/synth): the same folder is an isms site and a Hugo site.
//
//	go run ./bench/gensite -n 1000 -out DIR [-commits M] [-hugo-nav full]
//
// With -commits the folder is a git repository of M commits whose last
// tree is the site (written with git fast-import). DIR is replaced.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/isms-project/isms/bench/synth"
)

func main() {
	n := flag.Int("n", 1000, "number of documents")
	out := flag.String("out", "", "site folder to write (replaced)")
	commits := flag.Int("commits", 0, "write a git history of this many commits (0 = no git)")
	hugoNav := flag.String("hugo-nav", "window", "Hugo navigation: window (like isms on large sites) or full (every page)")
	flag.Parse()
	if *out == "" || *n < 1 || (*hugoNav != "window" && *hugoNav != "full") {
		fmt.Fprintln(os.Stderr, "usage: gensite -n N -out DIR [-commits M] [-hugo-nav window|full]")
		os.Exit(2)
	}
	if err := run(*n, *out, *commits, *hugoNav == "full"); err != nil {
		fmt.Fprintln(os.Stderr, "gensite:", err)
		os.Exit(1)
	}
}

func run(n int, out string, commits int, fullNav bool) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	files := synth.Site(n, nil)
	if commits > 0 {
		var stream bytes.Buffer
		revs, err := synth.WriteHistory(&stream, n, commits)
		if err != nil {
			return err
		}
		if err := git(out, nil, "init", "-q", "-b", "main"); err != nil {
			return err
		}
		if err := git(out, &stream, "fast-import", "--quiet"); err != nil {
			return err
		}
		if err := git(out, nil, "reset", "-q", "--hard", "main"); err != nil {
			return err
		}
		files = synth.Site(n, func(i int) int { return revs[i] })
	}
	if fullNav {
		files = append(files, synth.HugoFullNav())
	}
	// Written even after a checkout: the files must equal the last commit
	// (git status stays clean), and -hugo-nav full overrides hugo.toml.
	for _, f := range files {
		p := filepath.Join(out, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %d documents (%d files) to %s", len(synth.Documents(n)), len(files), out)
	if commits > 0 {
		fmt.Printf(" with %d commits", commits)
	}
	fmt.Println()
	return nil
}

func git(dir string, stdin *bytes.Buffer, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if stdin != nil {
		cmd.Stdin = stdin
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %v: %v\n%s", args, err, b)
	}
	return nil
}
