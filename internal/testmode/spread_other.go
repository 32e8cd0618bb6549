//go:build !linux

package testmode

import "errors"

// setTopDir: only Linux file systems have the flag.
func setTopDir(string) error { return errors.New("no top-directory flag here") }
