package diagrams

import (
	_ "github.com/goccy/go-graphviz" // its init compiles Graphviz's WebAssembly: this package's init runs after it
	"github.com/isms-project/isms/diagrams/wasmcache"
)

// go-graphviz's init has compiled its WebAssembly with TMPDIR pointing at
// a private folder (package wasmcache): the rest of the process sees the
// TMPDIR it was started with.
func init() { wasmcache.Restore() }
