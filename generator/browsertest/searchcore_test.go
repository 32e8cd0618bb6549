package browsertest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The tokeniser, ranking and snippets of search.js, as table tests run on
// the script the theme ships (window.isms.search), in Chromium: the search
// runs in the reader's browser, so that is where it is tested.

// coreIndex is a small hand-made /search-index.json (version 2).
var coreIndex = map[string]any{"v": 2, "d": []map[string]any{
	{"i": "PRO-PATCH-01", "t": "Patch management", "y": "procedure", "u": "patch/", "c": []string{"8.8", "8.19"}, "k": []string{"8.1"},
		"b": "Monthly cycle for servers."},
	{"i": "POL-AC-01", "t": "Access control policy", "y": "policy", "u": "ac/", "c": []string{"5.15"}, "k": []string{"5.1"},
		"s": [][3]string{{"reviews", "Reviews", "Quarterly reviews; vulnerabilities as in 8.8 are out of scope here."}}},
	{"i": "REC-NUM-01", "t": "Numbers", "y": "record", "u": "num/", "b": "8 and 8, 8.80 and 8.30 are not 8.8 controls… only words."},
	{"i": "REC-TYPO-01", "t": "Log retention", "y": "record", "u": "logs/", "b": "The acess logs are kept a year."},
	{"i": "PRC-TREAT-01", "t": "Treatment process", "y": "process", "u": "treat/", "k": []string{"6.1.3"},
		"b": "Opening words about nothing much.",
		"s": [][3]string{
			{"purpose", "Purpose", "Why we do this."},
			{"risk-treatment", "Risk treatment", "Every risk above appetite gets a treatment option, an owner and a date, and the plan is approved by the risk owners before it is carried out in operation."},
		}},
	{"i": "R-05", "t": "Unpatched internet-facing service exploited", "y": "risk", "u": "risks/#R-05", "c": []string{"8.8"}},
	{"i": "REC-LONG-01", "t": "Long", "y": "record", "u": "long/", "b": "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega. Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega wanted here and then more words after it, many more words, so many that the snippet has to end somewhere before the end of this text."},
	{"i": "POL-LEAD-01", "t": "Leadership", "y": "policy", "u": "lead/", "k": []string{"5.1", "5.3"}, "b": "Top management restores trust."},
}}

func TestSearchCoreTables(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.ID("search-input"))); err != nil {
		t.Fatal(err)
	}
	idx, _ := json.Marshal(coreIndex)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.P = isms.search.prepare(`+string(idx)+`)`)); err != nil {
		t.Fatal(err)
	}
	js := func(t *testing.T, expr string, out any) {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if err := json.Unmarshal(v, out); err != nil {
			t.Fatalf("%s: %s: %v", expr, v, err)
		}
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }

	t.Run("tokens", func(t *testing.T) {
		for _, tc := range []struct {
			in   string
			want []string
		}{
			{"8.8", []string{"8.8"}},
			{"A.8.8", []string{"8.8"}}, // an Annex A control as often written
			{"a.5.1 and 5.1.", []string{"5.1", "and", "5.1"}},
			{"clause 6.1.2, then 6.1", []string{"clause", "6.1.2", "then", "6.1"}},
			{"POL-AC-01", []string{"pol", "ac", "01"}},
			{"Version v2.3 ends.Here", []string{"version", "v2.3", "ends", "here"}},
			{"Zugriffsrechte für Ämter", []string{"zugriffsrechte", "für", "ämter"}},
			{"8 · 8 | 8", []string{"8", "8", "8"}},
		} {
			var got []string
			js(t, `isms.search.tokens(`+q(tc.in)+`).map(t => t.w)`, &got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("tokens(%q) = %q, want %q", tc.in, got, tc.want)
			}
		}
	})

	t.Run("distance", func(t *testing.T) {
		for _, tc := range []struct {
			a, b string
			max  int
			want int
		}{
			{"acess", "access", 1, 1},
			{"recieve", "receive", 1, 1}, // neighbours swapped: one typo
			{"tretmant", "treatment", 2, 2},
			{"risk", "risk", 1, 0},
			{"abcd", "wxyz", 1, 2}, // stops above max
		} {
			var got int
			js(t, fmt.Sprintf(`isms.search.distance(%s, %s, %d)`, q(tc.a), q(tc.b), tc.max), &got)
			if got != tc.want {
				t.Errorf("distance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
			}
		}
	})

	type result struct {
		ID, Href, Section string
		Typo, Code        int
	}
	rank := func(t *testing.T, query string) []result {
		t.Helper()
		var got []result
		js(t, `(() => { const r = isms.search.search(P, `+q(query)+`).results;
			return r.map(x => ({ID: x.e.d.i, Href: isms.search.href(x, x.sec), Section: x.sec ? x.e.secs[x.sec].t : "", Typo: x.typo, Code: x.code})) })()`, &got)
		return got
	}
	ids := func(rs []result) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}

	t.Run("ranking", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			want  []string // the results, in order
		}{
			// Controls first (documents before records), then the text
			// that names 8.8; "8", "8.80" and "8.30" are other words.
			{"8.8", []string{"PRO-PATCH-01", "R-05", "POL-AC-01", "REC-NUM-01"}},
			{"A.8.8", []string{"PRO-PATCH-01", "R-05", "POL-AC-01", "REC-NUM-01"}},
			// 5.1 is a clause (leadership) and a control; A.5.1 only the control.
			{"5.1", []string{"POL-AC-01", "POL-LEAD-01"}},
			{"A.5.1", nil},
			// A clause's parent finds it, below documents that have it.
			{"6.1", []string{"PRC-TREAT-01"}},
			// The exact word beats a typo of it, whatever the field.
			{"acess", []string{"REC-TYPO-01", "POL-AC-01"}},
			{"access", []string{"POL-AC-01", "REC-TYPO-01"}},
			// Prefixes; every word must match.
			{"restor", []string{"POL-LEAD-01"}},
			{"risk treatment", []string{"PRC-TREAT-01"}},
			{"rsk", nil}, // too short for a typo
			{"rusk", []string{"PRC-TREAT-01", "R-05"}}, // one typo from 4 letters (R-05 is a risk)
			{"tretmant", []string{"PRC-TREAT-01"}},     // two from 8
			{"accxxs", nil},                            // two typos in 6 letters: too many
			{"PRO-PATCH-01", []string{"PRO-PATCH-01"}},
		} {
			if got := ids(rank(t, tc.query)); !slices.Equal(got, tc.want) {
				t.Errorf("search(%q) = %q, want %q", tc.query, got, tc.want)
			}
		}
		if rs := rank(t, "acess"); len(rs) == 2 && (rs[0].Typo != 0 || rs[1].Typo != 1) {
			t.Errorf(`"acess": typo flags %+v, want the exact hit without and the other with`, rs)
		}
	})

	t.Run("sections", func(t *testing.T) {
		for _, tc := range []struct {
			query, href, section string
		}{
			{"risk treatment", "treat/#risk-treatment", "Risk treatment"}, // inside a section: its heading
			{"treatment process", "treat/", ""},                           // the title says it all: the document
			{"quarterly", "ac/#reviews", "Reviews"},
			{"monthly", "patch/", ""}, // the opening text
			{"unpatched", "risks/#R-05", ""},
		} {
			rs := rank(t, tc.query)
			if len(rs) == 0 || rs[0].Href != tc.href || rs[0].Section != tc.section {
				t.Errorf("search(%q)[0] = %+v, want href %q, section %q", tc.query, rs, tc.href, tc.section)
			}
		}
	})

	t.Run("snippets", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			want  string // [marked] pieces
		}{
			{"approved", "…option, an owner and a date, and the plan is [approved] by the risk owners before it is carried out in operation."},
			{"risk treatment", "Every [risk] above appetite gets a [treatment] option, an owner and a date, and the plan is approved by the [risk] owners before it is carried out in operation."},
			{"vulnerabilities 8.8", "Quarterly reviews; [vulnerabilities] as in [8.8] are out of scope here."},
			{"acess", "The [acess] logs are kept a year."},
			// Cut on word boundaries at both ends, with an ellipsis.
			{"wanted", "…pi rho sigma tau upsilon phi chi psi omega [wanted] here and then more words after it, many more words, so many that the snippet has to end somewhere before the…"},
		} {
			var pieces [][]any
			js(t, `(() => { const res = isms.search.search(P, `+q(tc.query)+`), r = res.results[0];
				return isms.search.snippet(r, res.marks, r.snip) })()`, &pieces)
			var b strings.Builder
			for _, p := range pieces {
				if p[1] == true {
					fmt.Fprintf(&b, "[%s]", p[0])
				} else {
					fmt.Fprint(&b, p[0])
				}
			}
			if b.String() != tc.want {
				t.Errorf("snippet for %q:\n got %s\nwant %s", tc.query, b.String(), tc.want)
			}
		}
	})
}
