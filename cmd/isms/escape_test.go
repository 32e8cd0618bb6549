package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isms check prints titles, owners and findings with control and
// invisible characters escaped: a document cannot drive the terminal.
func TestCheckEscapesTerminalControls(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "content", "policies", "a.md")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	doc := "---\nid: POL-1\ntitle: \"Access \\e[31mred\\u202e\"\ntype: policy\nowner: \"CISO\\e]0;pwned\\a\"\n---\nx\n"
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errOut := runCLI(t, "check", "-s", dir, "--all", "--as-of", "2026-11-27")
	all := out + errOut
	if strings.ContainsAny(all, "\x1b\a\u202e") {
		t.Errorf("raw control characters reach the terminal:\n%q", all)
	}
	if !strings.Contains(out, `\x1b[31m`) {
		t.Errorf("the title is not shown escaped:\n%s", out)
	}
}
