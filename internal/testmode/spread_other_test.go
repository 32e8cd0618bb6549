//go:build !linux

package testmode

import "testing"

func hasTopDir(*testing.T, string) bool { return false }
