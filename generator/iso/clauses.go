package iso

import (
	"cmp"
	"strings"
)

// Clauses are the clauses of ISO/IEC 27001 that carry requirements, 4–10,
// with their titles.
var Clauses = []struct{ Number, Title string }{
	{"4", "Context of the organization"},
	{"5", "Leadership"},
	{"6", "Planning"},
	{"7", "Support"},
	{"8", "Operation"},
	{"9", "Performance evaluation"},
	{"10", "Improvement"},
}

// Phases are the PDCA phases in cycle order.
var Phases = []string{"plan", "do", "check", "act"}

// MainClause is the top-level clause of "6.1.2" → "6".
func MainClause(c string) string {
	if i := strings.IndexByte(c, '.'); i >= 0 {
		return c[:i]
	}
	return c
}

// ClauseTitle names the main clause a clause number belongs to ("" for
// none of 4–10).
func ClauseTitle(c string) string {
	mc := MainClause(c)
	for _, t := range Clauses {
		if t.Number == mc {
			return t.Title
		}
	}
	return ""
}

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
