package view

import "strings"

// MermaidScripts draw the ```mermaid fences of a page (see
// generator/markdown's mermaid.go), relative to the site root and in load
// order: the theme's copy of Mermaid, then the theme's mermaid.js, which
// renders each fence under the site's Content-Security-Policy. Only pages
// with a fence load them.
var MermaidScripts = []string{"assets/vendor/mermaid/mermaid.min.js", "assets/mermaid.js"}

// MermaidAsset reports whether a theme file, by its URL, only serves
// Mermaid drawings: a site publishes those only when a page has a fence
// (Mermaid is 5.5 MB).
func MermaidAsset(url string) bool {
	return url == "assets/mermaid.js" || strings.HasPrefix(url, "assets/vendor/mermaid/")
}

// WithMermaid returns scripts followed by MermaidScripts under root, in a
// new slice.
func WithMermaid(scripts []string, root string) []string {
	out := make([]string, 0, len(scripts)+len(MermaidScripts))
	out = append(out, scripts...)
	for _, s := range MermaidScripts {
		out = append(out, root+s)
	}
	return out
}
