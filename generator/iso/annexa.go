// Package iso holds the tables of ISO/IEC 27001:2022 that the generator
// checks and shows, in one place: the main clauses 4–10 with their titles,
// the PDCA phases, and the catalogue of Annex A controls — the 93 control
// ids, their short titles and the theme each belongs to (5 Organizational,
// 6 People, 7 Physical, 8 Technological).
//
// Front-matter `controls:` values and the Statement of Applicability are
// checked against it. Authors write ids either bare ("5.15") or with the
// annex prefix ("A.5.15"); Normalize maps both to the bare form used
// everywhere in output. Only ids and titles live here, never ISO's control
// text.
package iso

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/isms-project/isms/generator/diag"
)

// The four themes of Annex A 2022, in the order the annex lists them.
const (
	Organizational = "Organizational"
	People         = "People"
	Physical       = "Physical"
	Technological  = "Technological"
)

// Control is one Annex A control.
type Control struct {
	ID    string // bare id, e.g. "5.15"
	Title string // short title, e.g. "Access control"
	Theme string // one of Themes()
}

// themes maps the first number of an id (5–8) to its theme and the number of
// controls in it; the index is the number minus firstTheme.
var themes = [...]struct {
	name  string
	count int
}{
	{Organizational, 37},
	{People, 8},
	{Physical, 14},
	{Technological, 34},
}

const firstTheme = 5

var byID = func() map[string]int {
	m := make(map[string]int, len(catalogue))
	for i, c := range catalogue {
		m[c.ID] = i
	}
	return m
}()

// All returns the 93 controls in catalogue order (numeric: 5.2 before 5.10).
// The slice is a copy; callers may keep or modify it.
func All() []Control {
	return append([]Control(nil), catalogue...)
}

// Themes returns the four theme names in Annex A order.
func Themes() []string {
	out := make([]string, len(themes))
	for i, t := range themes {
		out[i] = t.name
	}
	return out
}

// Lookup finds a control by id, accepting every spelling Normalize accepts.
func Lookup(id string) (Control, bool) {
	n, ok := Normalize(id)
	if !ok {
		return Control{}, false
	}
	return catalogue[byID[n]], true
}

// Normalize maps an author's spelling of a control id ("5.1", "A.5.1",
// "a.5.1", " 5.1 ", "A.05.01") to the bare catalogue form "5.1" and reports
// whether that control exists. For an id that is well formed but not in
// Annex A ("5.38") it returns the bare form and false, and for anything
// else the trimmed input and false, so a caller can quote it in a message.
func Normalize(id string) (string, bool) {
	theme, num, ok := parse(id)
	if !ok {
		return strings.TrimSpace(id), false
	}
	n := strconv.Itoa(theme) + "." + strconv.Itoa(num)
	_, known := byID[n]
	return n, known
}

// Closest suggests the catalogue id an author most likely meant, for
// "unknown control 5.38: did you mean 5.37?". A known id is returned as
// itself (normalized). A number past the end of a theme suggests the last
// control of that theme; other malformed ids fall back to edit distance.
// It returns "" when there is no plausible candidate, including for clause
// numbers such as "4.1" or "9.2", which belong in `clause:`, not `controls:`.
func Closest(id string) string {
	if n, ok := Normalize(id); ok {
		return n
	}
	if theme, num, ok := parse(id); ok {
		if theme < firstTheme || theme >= firstTheme+len(themes) {
			return ""
		}
		last := themes[theme-firstTheme].count
		return strconv.Itoa(theme) + "." + strconv.Itoa(min(max(num, 1), last))
	}
	ids := make([]string, len(catalogue))
	for i, c := range catalogue {
		ids[i] = c.ID
	}
	return diag.Closest(stripPrefix(strings.TrimSpace(id)), ids)
}

// Compare orders control ids numerically ("5.2" before "5.10"), accepting
// any spelling Normalize accepts. Ids that do not parse sort after those
// that do, by their text, so sorting a list that holds typos is still total.
func Compare(a, b string) int {
	at, an, aok := parse(a)
	bt, bn, bok := parse(b)
	switch {
	case aok && bok:
		return cmp.Or(cmp.Compare(at, bt), cmp.Compare(an, bn))
	case aok:
		return -1
	case bok:
		return 1
	}
	return strings.Compare(a, b)
}

// parse reads "[A.]N.M" with decimal N and M. It checks only the shape, not
// whether the control exists.
func parse(id string) (theme, num int, ok bool) {
	s := stripPrefix(strings.TrimSpace(id))
	left, right, found := strings.Cut(s, ".")
	if !found {
		return 0, 0, false
	}
	theme, ok1 := smallNumber(left)
	num, ok2 := smallNumber(right)
	return theme, num, ok1 && ok2
}

func stripPrefix(s string) string {
	if len(s) >= 2 && (s[0] == 'A' || s[0] == 'a') && s[1] == '.' {
		return s[2:]
	}
	return s
}

// smallNumber accepts one to three ASCII digits; strconv.Atoi alone would
// also take signs and "+5", which are no way to write a control id.
func smallNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
