package view

import (
	"fmt"
	"strings"

	"github.com/isms-project/isms/generator/model"
)

// Tile is one figure in a summary row (the home page's health, a
// report's counts): a value, what it counts, a class for its colour
// ("ok", "warn", "bad") and where it leads.
type Tile struct {
	Label, Class, URL string
	Value             int
	// Phase puts a home-page tile in the PDCA panel ("plan", "do",
	// "check", "act"): the ISMS as an engine, each step's state from the
	// records. Tiles without one are the documents' health.
	Phase string
}

// ControlAnchor is the fragment of a control's row on /soa/: ids with dots
// are valid HTML but awkward in CSS selectors and some PDF viewers.
func ControlAnchor(id string) string { return "control-" + strings.ReplaceAll(id, ".", "-") }

// HumanInterval reads an interval aloud: 30d → "30 days".
func HumanInterval(i model.Interval) string {
	words := map[byte]string{'d': "day", 'w': "week", 'm': "month", 'y': "year"}
	w, ok := words[i.Unit]
	if !ok {
		return i.String()
	}
	if i.N == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", i.N, w)
}

// Slug makes an anchor of a name: lower-case ASCII letters and digits,
// runs of anything else as one hyphen; empty when the name has none of
// them.
func Slug(s, empty string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return empty
	}
	return b.String()
}
