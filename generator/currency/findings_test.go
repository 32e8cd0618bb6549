package currency

import (
	"slices"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

// healthy is a site that triggers no finding as of 2026-11-27: a recent
// management review and internal audit, everything reviewed this year.
func healthy(t testing.TB) []*model.Document {
	return []*model.Document{
		{Path: "minutes/mr.md", ID: "MIN-MR", Type: "minutes", Clauses: []string{"9.3"}, Date: date(t, "2026-10-20"), Reviewed: date(t, "2026-10-27")},
		{Path: "records/audit.md", ID: "REC-AUDIT", Type: "record", Clauses: []string{"9.2"}, Date: date(t, "2026-09-16"), Reviewed: date(t, "2026-09-23")},
		{Path: "registers/risk.md", ID: "REG-RISK", Type: "register", Reviewed: date(t, "2026-10-14"), ReviewEvery: model.Interval{N: 3, Unit: 'm'}},
		{Path: "policies/is.md", ID: "POL-IS", Type: "policy", ApprovedBy: "MD", Approved: date(t, "2026-03-09"), Reviewed: date(t, "2026-03-02")},
	}
}

func findings(t testing.TB, docs []*model.Document, asOf string) []model.Finding {
	t.Helper()
	a := date(t, asOf)
	info := map[string]Info{}
	for _, d := range docs {
		if !d.IsRetired() {
			info[d.Path] = Of(d, model.DefaultConfig(), a)
		}
	}
	return Findings(docs, info, a)
}

func rules(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Severity+" "+f.Rule+" "+strings.Join(f.IDs, ","))
	}
	return out
}

func TestHealthySiteHasNoFindings(t *testing.T) {
	if got := findings(t, healthy(t), "2026-11-27"); len(got) != 0 {
		t.Fatalf("findings on a healthy site: %v", rules(got))
	}
}

func TestRules(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(docs []*model.Document) []*model.Document
		want   []string
		msg    string // a part of the first finding's message
	}{
		{"shelf-ware overdue", func(ds []*model.Document) []*model.Document {
			ds[2].Reviewed = date(t, "2026-05-01") // 3m → due 2026-08-01
			return ds
		}, []string{"major shelf-ware REG-RISK"}, "118 days overdue"},
		{"shelf-ware never reviewed", func(ds []*model.Document) []*model.Document {
			ds[2].Reviewed = model.Date{}
			return ds
		}, []string{"major shelf-ware REG-RISK"}, "never been reviewed"},
		{"register long overdue is one finding", func(ds []*model.Document) []*model.Document {
			ds[2].Reviewed = date(t, "2024-01-01")
			return ds
		}, []string{"major shelf-ware REG-RISK"}, "shelf-ware"},
		{"no management review: minutes too old", func(ds []*model.Document) []*model.Document {
			ds[0].Date = date(t, "2025-11-26") // one day outside the 12 months
			return ds
		}, []string{"major no-management-review "}, "since 2025-11-27"},
		{"management review exactly 12 months ago counts", func(ds []*model.Document) []*model.Document {
			ds[0].Date = date(t, "2025-11-27")
			return ds
		}, nil, ""},
		{"no management review: minutes without clause 9.3", func(ds []*model.Document) []*model.Document {
			ds[0].Clauses = []string{"9.1"}
			return ds
		}, []string{"major no-management-review "}, "clause 9.3"},
		{"management review sub-clause counts", func(ds []*model.Document) []*model.Document {
			ds[0].Clauses = []string{"9.3.2"}
			return ds
		}, nil, ""},
		{"no management review: dated after as-of", func(ds []*model.Document) []*model.Document {
			ds[0].Date = date(t, "2026-12-01")
			return ds
		}, []string{"major no-management-review "}, ""},
		{"no management review: retired minutes", func(ds []*model.Document) []*model.Document {
			ds[0].Status = "retired"
			return ds
		}, []string{"major no-management-review "}, ""},
		{"no internal audit", func(ds []*model.Document) []*model.Document {
			ds[1].Date = date(t, "2025-09-16")
			return ds
		}, []string{"major no-internal-audit "}, "clause 9.2"},
		{"internal audit process is not a record", func(ds []*model.Document) []*model.Document {
			ds[1].Type = "process"
			return ds
		}, []string{"major no-internal-audit "}, ""},
		{"overdue", func(ds []*model.Document) []*model.Document {
			ds[3].Reviewed = date(t, "2025-09-25")
			return ds
		}, []string{"minor overdue POL-IS"}, "63 days overdue"},
		{"overdue by exactly one interval is still minor", func(ds []*model.Document) []*model.Document {
			ds[3].Reviewed = date(t, "2024-11-27") // due 2025-11-27, a cycle later 2026-11-27
			return ds
		}, []string{"minor overdue POL-IS"}, "365 days overdue"},
		{"long overdue", func(ds []*model.Document) []*model.Document {
			ds[3].Reviewed = date(t, "2024-11-26")
			return ds
		}, []string{"major long-overdue POL-IS"}, "more than its whole review interval of 12m"},
		{"never reviewed", func(ds []*model.Document) []*model.Document {
			ds[3].Reviewed = model.Date{}
			return ds
		}, []string{"minor never-reviewed POL-IS"}, "no reviewed date"},
		{"stale draft by date", func(ds []*model.Document) []*model.Document {
			return append(ds, &model.Document{Path: "s/d.md", ID: "STD-D", Type: "standard", Status: "draft", Date: date(t, "2026-08-28")})
		}, []string{"minor stale-draft STD-D"}, "91 days (since its date, 2026-08-28)"},
		{"draft of exactly 90 days is not stale", func(ds []*model.Document) []*model.Document {
			return append(ds, &model.Document{Path: "s/d.md", ID: "STD-D", Type: "standard", Status: "draft", Date: date(t, "2026-08-29")})
		}, nil, ""},
		{"stale draft by approved, then reviewed, then history", func(ds []*model.Document) []*model.Document {
			return append(ds,
				&model.Document{Path: "s/a.md", ID: "STD-A", Type: "standard", Status: "draft", Approved: date(t, "2026-01-01"), Reviewed: date(t, "2026-11-01")},
				&model.Document{Path: "s/b.md", ID: "STD-B", Type: "standard", Status: "draft", Reviewed: date(t, "2026-01-01")},
				&model.Document{Path: "s/c.md", ID: "STD-C", Type: "standard", Status: "draft", History: []model.Revision{{Date: date(t, "2025-01-01")}, {Date: date(t, "2026-11-01")}}},
				&model.Document{Path: "s/e.md", ID: "STD-E", Type: "standard", Status: "draft"},
			)
		}, []string{"minor stale-draft STD-A", "minor stale-draft STD-B"}, "approved date"},
		{"policy unapproved", func(ds []*model.Document) []*model.Document {
			ds[3].ApprovedBy = ""
			return ds
		}, []string{"minor policy-unapproved POL-IS"}, "approved_by missing"},
		{"draft policy needs no approval", func(ds []*model.Document) []*model.Document {
			ds[3].ApprovedBy, ds[3].Approved, ds[3].Status, ds[3].Reviewed = "", model.Date{}, "draft", date(t, "2026-11-01")
			return ds
		}, nil, ""},
		{"retired documents are not judged", func(ds []*model.Document) []*model.Document {
			ds[2].Status, ds[2].Reviewed = "retired", date(t, "2020-01-01")
			ds[3].Status, ds[3].ApprovedBy = "retired", ""
			return ds
		}, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := findings(t, c.change(healthy(t)), "2026-11-27")
			if !slices.Equal(rules(got), c.want) {
				t.Fatalf("got %q, want %q", rules(got), c.want)
			}
			if c.msg != "" && !strings.Contains(got[0].Message, c.msg) {
				t.Errorf("message %q does not say %q", got[0].Message, c.msg)
			}
		})
	}
}

func TestFindingsSorted(t *testing.T) {
	fs := []model.Finding{
		{Severity: Minor, Rule: "b", IDs: []string{"Y"}},
		{Severity: Minor, Rule: "a", IDs: []string{"Z"}},
		{Severity: Major, Rule: "z", IDs: nil},
		{Severity: Minor, Rule: "a", IDs: []string{"X"}},
		{Severity: Major, Rule: "c", IDs: []string{"A"}},
	}
	SortFindings(fs)
	got := rules(fs)
	want := []string{"major c A", "major z ", "minor a X", "minor a Z", "minor b Y"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if fs[1].IDs == nil {
		t.Error("nil ids must become an empty list")
	}
}

func TestNaturalCompare(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"5.9", "5.10", -1}, {"5.10", "5.9", 1}, {"A-2", "A-10", -1}, {"A-02", "A-2", 0}, {"B", "A", 1}, {"A", "AB", -1}, {"", "", 0}, {"8.1", "8.1", 0}} {
		if got := naturalCompare(c.a, c.b); got != c.want {
			t.Errorf("naturalCompare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
