// Package isms embeds the two sites `isms new` writes out: the skeleton
// of a new ISMS (skeleton/) and the sample ISMS of this repository
// (content/ and isms.yaml, the fictional Harbourline Logistics).
package isms

import (
	"embed"
	"io/fs"
)

//go:embed isms.yaml content
var sample embed.FS

//go:embed all:skeleton
var skeleton embed.FS

// Starter is the sample site: isms.yaml and content/.
func Starter() fs.FS { return sample }

// Skeleton is a new ISMS with what to fill in marked: isms.yaml,
// README.md, .gitignore and content/, the processes of clauses 4–10
// already wired to each other.
func Skeleton() fs.FS {
	sub, _ := fs.Sub(skeleton, "skeleton") // fails only for an invalid path name
	return sub
}
