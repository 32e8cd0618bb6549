//go:build !linux

package publish

func swap(fresh, dest string) (string, error) { return swapAside(fresh, dest) }
