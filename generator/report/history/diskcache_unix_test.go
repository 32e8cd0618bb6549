//go:build unix

package history

import (
	"syscall"
	"testing"
	"time"
)

// TestDiskCachePipe: a named pipe at the cache's path is not read: the
// build does not wait on it.
func TestDiskCachePipe(t *testing.T) {
	dir := t.TempDir()
	cacheDir := t.TempDir()
	c := openCache(cacheDir, dir, "content")
	if err := syscall.Mkfifo(c.path, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan int)
	go func() { done <- len(openCache(cacheDir, dir, "content").entries) }()
	select {
	case n := <-done:
		if n != 0 {
			t.Errorf("%d entries read from a pipe", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading the cache waits on a pipe")
	}
}
