// Package isms embeds the sample ISMS of this repository (content/ and
// isms.yaml), which `isms new DIR` writes out as a starter site.
package isms

import (
	"embed"
	"io/fs"
)

//go:embed isms.yaml content
var starter embed.FS

// Starter is the sample site: isms.yaml and content/.
func Starter() fs.FS { return starter }
