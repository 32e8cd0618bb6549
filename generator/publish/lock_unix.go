//go:build unix

package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// lockDest takes an exclusive flock(2) on ".<name>.lock" in parent, so that
// two builds publishing to one destination run one after the other, never
// interleaved. It waits up to wait, telling notify once that it waits, and
// returns the function that releases the lock.
//
// The lock file is removed on release, so none is left beside DEST. That is
// safe because a waiter that gets the lock checks that the file it locked is
// still the one at the path (the holder before it may have removed it), and
// tries again if not.
func lockDest(parent, name string, wait time.Duration, notify func(string, ...any)) (func(), error) {
	p := filepath.Join(parent, lockName(name))
	deadline := time.Now().Add(wait)
	told := false
	for {
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, fileMode)
		if err != nil {
			return nil, fmt.Errorf("publish: lock: %w", err)
		}
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			held, herr := f.Stat()
			now, nerr := os.Lstat(p)
			if herr == nil && nerr == nil && os.SameFile(held, now) {
				return func() {
					os.Remove(p)
					f.Close()
				}, nil
			}
			f.Close()
			continue
		}
		f.Close()
		if !errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("publish: lock %s: %w", p, err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("publish: another build is still publishing to %s (it holds %s); gave up after %s",
				filepath.Join(parent, name), p, wait)
		}
		if !told {
			notify("another build is publishing to %s; waiting for it to finish", filepath.Join(parent, name))
			told = true
		}
		time.Sleep(20 * time.Millisecond)
	}
}
