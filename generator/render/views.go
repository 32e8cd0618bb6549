package render

import (
	"cmp"
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
}

// ControlAnchor is the fragment of a control's row on /soa/: ids with dots
// are valid HTML but awkward in CSS selectors and some PDF viewers.
func ControlAnchor(id string) string { return "control-" + strings.ReplaceAll(id, ".", "-") }

// CompareClause orders clause numbers numerically part by part: 9.1 before
// 9.1.2 before 10.1.
func CompareClause(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, y := as[i], bs[i]
		if c := cmp.Or(cmp.Compare(len(x), len(y)), cmp.Compare(x, y)); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}

// ClauseTitle names the main clause a clause number belongs to.
func ClauseTitle(c string) string {
	mc := MainClause(c)
	for _, t := range ClauseTitles {
		if t.Number == mc {
			return t.Title
		}
	}
	return ""
}

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
