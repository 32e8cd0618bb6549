package main

import (
	"fmt"
	"io"

	"github.com/isms-project/isms/generator/publish"
)

func init() { commands["verify"] = cmdVerify }

// cmdVerify recomputes a snapshot's manifest.json over its folder and
// checks its zip, and, when asked, its root hash and signature. It exits 0
// when every listed file is present and unchanged, nothing was added and
// every expectation held, and 1 naming every problem otherwise.
func cmdVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", stderr)
	quiet := fs.Bool("q", false, "print problems only")
	var o publish.VerifyOptions
	fs.StringVar(&o.Expect, "expect", "", "the root hash (SHA-256 of manifest.json) the build printed; anything else fails")
	fs.StringVar(&o.Signers, "signer", "", "ssh-keygen allowed_signers file: manifest.json.sig must be a good signature by one of them")
	fs.StringVar(&o.Identity, "identity", "", "with --signer: the identity the signature must be from (default: the one the file names for the key)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (o.Identity != "" && o.Signers == "") {
		fmt.Fprintln(stderr, "usage: isms verify DIR [--expect SHA256] [--signer ALLOWED_SIGNERS [--identity NAME]]")
		return errUsage
	}
	dir := pos[0]
	r, err := o.Verify(dir)
	if err != nil {
		return err
	}
	if !r.OK() {
		fmt.Fprint(stdout, r.String())
		fmt.Fprintf(stderr, "isms verify: %s does not match its manifest: %d changed, %d missing, %d extra",
			dir, len(r.Changed), len(r.Missing), len(r.Extra))
		if len(r.Problems) > 0 {
			fmt.Fprintf(stderr, ", %d other", len(r.Problems))
		}
		fmt.Fprintln(stderr)
		return errFailed
	}
	if r.Unchecked {
		fmt.Fprintf(stderr, "isms verify: %s has %s, not checked: pass --signer ALLOWED_SIGNERS to check it\n", dir, publish.SignatureName)
	}
	if !*quiet {
		fmt.Fprintf(stdout, "%s matches its manifest.json\nroot hash (SHA-256 of manifest.json): %s\n", dir, r.Root)
		if r.Edition != "" {
			fmt.Fprintf(stdout, "edition: %s (holds nothing classified above %s)\n", r.Edition, r.Max)
		} else {
			fmt.Fprintln(stdout, "edition: the whole site (every classification)")
		}
		if o.Expect != "" {
			fmt.Fprintln(stdout, "root hash as expected")
		}
		if r.Signer != "" {
			fmt.Fprintf(stdout, "manifest.json signed by %s (good signature)\n", r.Signer)
		}
	}
	return nil
}
