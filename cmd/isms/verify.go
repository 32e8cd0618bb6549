package main

import (
	"fmt"
	"io"

	"github.com/isms-project/isms/generator/publish"
)

func init() { commands["verify"] = cmdVerify }

// cmdVerify recomputes a snapshot's manifest.json over its folder. It exits
// 0 when every listed file is present and unchanged and nothing was added,
// and 1 naming every changed, missing and extra file otherwise.
func cmdVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", stderr)
	quiet := fs.Bool("q", false, "print problems only")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: isms verify DIR")
		return errUsage
	}
	dir := pos[0]
	r, err := publish.Verify(dir)
	if err != nil {
		return err
	}
	if !r.OK() {
		fmt.Fprint(stdout, r.String())
		fmt.Fprintf(stderr, "isms verify: %s does not match its manifest: %d changed, %d missing, %d extra\n",
			dir, len(r.Changed), len(r.Missing), len(r.Extra))
		return errFailed
	}
	if !*quiet {
		fmt.Fprintf(stdout, "%s matches its manifest.json\n", dir)
	}
	return nil
}
