// Package wasmcache gives go-graphviz's compiled WebAssembly a private
// folder. go-graphviz (v0.2.10) compiles Graphviz's WebAssembly in a
// package init and keeps wazero's compilation cache in
// $TMPDIR/go-graphviz, created 0755 and used whoever owns it: on a
// shared machine one user's cache is read, as machine code, by every
// other user's isms. This package points TMPDIR at a folder of the
// user's own, 0700, for the length of that init, and Restore (called
// by package diagrams' init) puts TMPDIR back.
//
// That works only if this package is initialised before go-graphviz's
// internal/wasm. Go (1.21 and later) initialises packages in import-path
// order among those whose imports are all initialised. This package
// imports only os and syscall (which os imports): it is ready as soon as
// os is, and "github.com/isms-project/..." sorts before "path/filepath",
// which imports os and which internal/wasm imports. So this package is
// initialised before path/filepath, hence before internal/wasm. Adding an
// import here can break that: TestCacheIsPrivate (package diagrams)
// checks it in a real binary.
package wasmcache

import "os"

var (
	dir            string // where the cache went ("" = no cache)
	oldTMP         string
	hadTMP, active bool
)

func init() {
	oldTMP, hadTMP = os.LookupEnv("TMPDIR")
	dir = private()
	tmp := dir
	if tmp == "" {
		// No folder of our own: a path that cannot be created, so that
		// go-graphviz runs without a cache (0.2-1 s per start) rather
		// than with a shared one.
		tmp = os.DevNull + string(os.PathSeparator) + "no-cache"
	}
	if os.Setenv("TMPDIR", tmp) == nil {
		active = true
	}
}

// Restore puts TMPDIR back as it was before this package's init. Package
// diagrams calls it from its own init, which runs after go-graphviz's.
func Restore() {
	if !active {
		return
	}
	active = false
	if hadTMP {
		os.Setenv("TMPDIR", oldTMP)
	} else {
		os.Unsetenv("TMPDIR")
	}
}

// Dir is the folder go-graphviz was given as its TMPDIR (it keeps its
// cache in Dir()/go-graphviz), or "" when there was none of our own and
// the WebAssembly is compiled on every start.
func Dir() string { return dir }

// private is isms/wasm in the user's cache folder ($XDG_CACHE_HOME or
// ~/.cache on Linux) or, without one, isms-wasm-<uid> in the temporary
// folder; made 0700 and checked to be a folder (not a link) of this user,
// or "".
func private() string {
	sep := string(os.PathSeparator)
	var cands []string
	if base, err := os.UserCacheDir(); err == nil && base != "" {
		cands = append(cands, base+sep+"isms"+sep+"wasm")
	}
	if uid := os.Getuid(); uid >= 0 {
		cands = append(cands, os.TempDir()+sep+"isms-wasm-"+itoa(uid))
	}
	for _, d := range cands {
		if OwnFolder(d) {
			return d
		}
	}
	return ""
}

// OwnFolder makes d (mode 0700) if it is missing and reports whether it
// is a folder, not a link, owned by this user and closed to others (a
// folder of ours that others may enter is closed first): a cache whose
// contents are trusted. Other caches of isms use it too.
func OwnFolder(d string) bool {
	if err := os.MkdirAll(d, 0o700); err != nil {
		return false
	}
	st, err := os.Lstat(d)
	if err != nil || !st.IsDir() || st.Mode()&os.ModeSymlink != 0 || !ownedByMe(st) {
		return false
	}
	if st.Mode().Perm()&0o077 != 0 {
		if os.Chmod(d, 0o700) != nil {
			return false
		}
	}
	return true
}

// itoa is strconv.Itoa, which this package must not import (see the
// package comment).
func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
