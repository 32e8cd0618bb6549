package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// hostileSite is a starter site with a symbolic link to /etc/passwd, one
// to a folder outside the site, and a named pipe under content/.
func hostileSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errOut := runCLI(t, "new", dir); code != 0 {
		t.Fatalf("new: %s", errOut)
	}
	ev := filepath.Join(dir, "content", "evidence")
	if err := os.MkdirAll(ev, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"passwd.txt": "/etc/passwd", "etc": "/etc", "environ.txt": "/proc/self/environ"} {
		if err := os.Symlink(target, filepath.Join(ev, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(ev, "pipe.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// `isms build` publishes neither the link's target nor the pipe, warns
// about each with its path, and does not hang on the pipe.
func TestBuildSkipsSymlinksAndPipes(t *testing.T) {
	t.Parallel()
	dir := hostileSite(t)
	dest := filepath.Join(t.TempDir(), "out")
	type result struct {
		code   int
		errOut string
	}
	done := make(chan result, 1)
	go func() {
		code, _, errOut := runCLI(t, "build", "-s", dir, "-d", dest, "--as-of", "2026-11-27")
		done <- result{code, errOut}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("isms build hangs on a named pipe under content/")
	}
	if r.code != 0 {
		t.Fatalf("build: exit %d\n%s", r.code, r.errOut)
	}
	for _, want := range []string{
		"content/evidence/passwd.txt: warning: symbolic link skipped",
		"content/evidence/etc: warning: symbolic link skipped",
		"content/evidence/environ.txt: warning: symbolic link skipped",
		"content/evidence/pipe.csv: warning: named pipe skipped",
	} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
		}
	}
	for p, body := range readAll(t, dest) {
		if strings.Contains(body, "root:x:0:0") {
			t.Errorf("%s publishes /etc/passwd", p)
		}
	}
	for _, p := range []string{"evidence/passwd.txt", "evidence/etc", "evidence/pipe.csv", "evidence/environ.txt"} {
		if _, err := os.Lstat(filepath.Join(dest, p)); err == nil {
			t.Errorf("%s was published", p)
		}
	}
}

// `isms serve` answers 403 to a request whose Host is another name (DNS
// rebinding), serves its own names, and does not serve the link's target.
func TestServeRefusesForeignHost(t *testing.T) {
	dir := hostileSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	oldCtx, oldReady := serveContext, serveReady
	t.Cleanup(func() { serveContext, serveReady = oldCtx, oldReady })
	serveContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	urls := make(chan string, 1)
	serveReady = func(u string) { urls <- u }
	var wg sync.WaitGroup
	wg.Add(1)
	code := -1
	var errOut strings.Builder
	go func() {
		defer wg.Done()
		code = run([]string{"serve", "-s", dir, "--port", "0", "--as-of", "2026-11-27"}, io.Discard, &errOut)
	}()
	var u string
	select {
	case u = <-urls:
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("serve did not start (does it hang on the named pipe?)")
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/")
	_, port, _ := net.SplitHostPort(addr)
	for host, want := range map[string]int{
		"evil.example":         http.StatusForbidden,
		"evil.example:" + port: http.StatusForbidden,
		"127.0.0.1:" + port:    http.StatusOK,
		"localhost:" + port:    http.StatusOK,
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host)
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		c.Close()
		if res.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, res.StatusCode, want)
		}
	}
	res, err := http.Get(u + "evidence/passwd.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusOK || strings.Contains(string(b), "root:") {
		t.Errorf("the preview serves the symbolic link's target: %d", res.StatusCode)
	}
	cancel()
	wg.Wait()
	if code != 0 {
		t.Errorf("serve: exit %d\n%s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "content/evidence/passwd.txt: warning: symbolic link skipped") {
		t.Errorf("no warning for the link:\n%s", errOut.String())
	}
}
