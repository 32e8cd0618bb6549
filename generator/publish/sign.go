package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// SignatureName is the detached signature of manifest.json in a signed
// snapshot, in the format of `ssh-keygen -Y sign` (an SSH signature), so
// an auditor can check it with OpenSSH alone:
//
//	ssh-keygen -Y verify -f allowed_signers -I NAME -n isms-manifest -s manifest.json.sig < manifest.json
const SignatureName = ManifestName + ".sig"

// SignatureNamespace is the namespace (-n) the signature is made in, so that
// it cannot be passed off as a signature of anything else.
const SignatureNamespace = "isms-manifest"

// RootHash returns the SHA-256 of files' manifest.json in lowercase hex:
// the one value that pins a whole snapshot.
func RootHash(files fs.FS) (string, error) {
	data, err := fs.ReadFile(files, ManifestName)
	if err != nil {
		return "", fmt.Errorf("root hash: %w", err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// Sign returns files with manifest.json.sig added: the signature of its
// manifest.json by the SSH private key in keyFile (or, for a public key
// file, by the matching key in ssh-agent), made by `ssh-keygen -Y sign`.
func Sign(files fs.FS, keyFile string) (fs.FS, error) {
	data, err := fs.ReadFile(files, ManifestName)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	tmp, err := os.MkdirTemp("", "isms-sign-")
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	defer os.RemoveAll(tmp)
	p := filepath.Join(tmp, ManifestName)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	if _, err := sshKeygen(nil, "-Y", "sign", "-f", keyFile, "-n", SignatureNamespace, p); err != nil {
		return nil, fmt.Errorf("sign manifest.json with %s: %w", keyFile, err)
	}
	sig, err := os.ReadFile(p + ".sig")
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return overlay{base: files, extra: map[string][]byte{SignatureName: sig}}, nil
}

// errNoSSHKeygen is returned when ssh-keygen is not installed.
var errNoSSHKeygen = errors.New("ssh-keygen not found (install openssh-client)")

// sshKeygen runs ssh-keygen with args and stdin, returning its standard
// output; a failure carries what it printed.
func sshKeygen(stdin []byte, args ...string) ([]byte, error) {
	bin, err := exec.LookPath("ssh-keygen")
	if err != nil {
		return nil, errNoSSHKeygen
	}
	cmd := exec.Command(bin, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String() + " " + stdout.String())
		if msg == "" {
			return nil, err
		}
		return nil, fmt.Errorf("%v: %s", err, msg)
	}
	return stdout.Bytes(), nil
}

// checkSignature checks manifest.json.sig under root against o.Signers,
// noting the outcome in r. Only a missing ssh-keygen or an unreadable
// signers file is an error: a bad or missing signature is a problem of
// the snapshot.
func (o VerifyOptions) checkSignature(root *os.Root, manifest []byte, r *Report) error {
	sig, why, err := readRegular(root, SignatureName, maxManifest)
	if o.Signers == "" {
		r.Unchecked = err == nil && why == ""
		return nil
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.Missing = append(r.Missing, SignatureName)
		r.Why[SignatureName] = "a signature was asked for"
		return nil
	case why != "":
		r.Changed = append(r.Changed, SignatureName)
		r.Why[SignatureName] = why
		return nil
	case err != nil:
		return err
	}
	if _, err := os.Stat(o.Signers); err != nil {
		return fmt.Errorf("signers file: %w", err)
	}
	// ssh-keygen reads the signature from a file: a copy, so that it never
	// opens anything inside the folder being checked.
	tmp, err := os.MkdirTemp("", "isms-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	sigPath := filepath.Join(tmp, SignatureName)
	if err := os.WriteFile(sigPath, sig, 0o600); err != nil {
		return err
	}
	identity := o.Identity
	if identity == "" {
		out, err := sshKeygen(nil, "-Y", "find-principals", "-s", sigPath, "-f", o.Signers)
		if errors.Is(err, errNoSSHKeygen) {
			return err
		}
		if err != nil {
			r.Problems = append(r.Problems, "signature: made by no key in "+o.Signers)
			return nil
		}
		identity, _, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
	}
	if _, err := sshKeygen(manifest, "-Y", "verify", "-f", o.Signers, "-I", identity, "-n", SignatureNamespace, "-s", sigPath); err != nil {
		if errors.Is(err, errNoSSHKeygen) {
			return err
		}
		r.Problems = append(r.Problems, fmt.Sprintf("signature: not a good signature of manifest.json by %s (%v)", identity, err))
		return nil
	}
	r.Signer = identity
	return nil
}
