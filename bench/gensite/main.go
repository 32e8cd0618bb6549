// Command gensite writes a synthetic ISMS site for benchmarks (see package
// bench/synth): the same folder is an isms site and a Hugo site.
//
//	go run ./bench/gensite -n 1000 -out DIR [-commits M [-import-pack]] [-hugo-nav full]
//
// With -commits the folder is a git repository of M commits whose last
// tree is the site, written with git fast-import and repacked as a
// repository grown commit by commit would be (synth.WriteSite);
// -import-pack keeps fast-import's own pack. DIR is replaced.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/isms-project/isms/bench/synth"
)

func main() {
	n := flag.Int("n", 1000, "number of documents")
	out := flag.String("out", "", "site folder to write (replaced)")
	commits := flag.Int("commits", 0, "write a git history of this many commits (0 = no git)")
	importPack := flag.Bool("import-pack", false, "keep the pack git fast-import wrote instead of repacking (slower to read: its deltas join versions of different documents)")
	hugoNav := flag.String("hugo-nav", "window", "Hugo navigation: window (like isms on large sites) or full (every page)")
	flag.Parse()
	if *out == "" || *n < 1 || (*hugoNav != "window" && *hugoNav != "full") {
		fmt.Fprintln(os.Stderr, "usage: gensite -n N -out DIR [-commits M [-import-pack]] [-hugo-nav window|full]")
		os.Exit(2)
	}
	if err := run(*n, *out, *commits, *importPack, *hugoNav == "full"); err != nil {
		fmt.Fprintln(os.Stderr, "gensite:", err)
		os.Exit(1)
	}
}

func run(n int, out string, commits int, importPack, fullNav bool) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	write := synth.WriteSite
	if importPack {
		write = synth.WriteSiteImportPack
	}
	files, err := write(out, n, commits)
	if err != nil {
		return err
	}
	written := len(files)
	if fullNav {
		// Overrides hugo.toml.
		if err := synth.WriteFiles(out, []synth.File{synth.HugoFullNav()}); err != nil {
			return err
		}
		written++
	}
	fmt.Printf("wrote %d documents (%d files) to %s", len(synth.Documents(n)), written, out)
	if commits > 0 {
		fmt.Printf(" with %d commits", commits)
	}
	fmt.Println()
	return nil
}
