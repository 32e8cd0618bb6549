package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A --base-url that could point links or scripts at another host is a
// usage error: exit 2, a message naming the flag, nothing written.
func TestBuildRejectsBadBaseURLFlag(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errOut := runCLI(t, "new", dir); code != 0 {
		t.Fatalf("new: exit %d: %s", code, errOut)
	}
	for _, bad := range []string{"//evil.example/", "https://host//evil.example/", `/\evil.example/`, "javascript:alert(1)", "/a/%2e%2e/"} {
		dest := filepath.Join(t.TempDir(), "out")
		code, _, errOut := runCLI(t, "build", "-q", "-s", dir, "-d", dest, "--base-url", bad)
		if code != 2 || !strings.Contains(errOut, "--base-url") {
			t.Errorf("--base-url %q: exit %d, stderr %q; want exit 2 naming the flag", bad, code, errOut)
		}
		if _, err := os.Stat(dest); err == nil {
			t.Errorf("--base-url %q: %s was written", bad, dest)
		}
	}
	dest := filepath.Join(t.TempDir(), "out")
	if code, _, errOut := runCLI(t, "build", "-q", "-s", dir, "-d", dest, "--base-url", "https://intranet.example/isms/"); code != 0 {
		t.Errorf("a good --base-url: exit %d: %s", code, errOut)
	}
}
