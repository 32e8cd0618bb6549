package currency

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

// encoderJSON is what Report.JSON must write: encoding/json's Encoder
// without HTML escaping, indented by two spaces.
func encoderJSON(t testing.TB, r *Report) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hostile are strings that encoding/json escapes, each in its own way.
var hostile = []string{
	"", "plain", `"quoted" \ back\slash`, "tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f",
	"<script>&amp;</script>", "line\u2028para\u2029end", "bad \xff\xfe utf-8 \xe2\x82", "ünïcödé — «»",
	"emoji 🙂", "\u00ad\u200b\ufeff", `\u0000`, "end\\",
}

func jsonReport(s string, i int) *Report {
	r := &Report{AsOf: "2026-11-27", Documents: []Row{}, Findings: []model.Finding{}}
	r.Documents = append(r.Documents,
		Row{ID: s, Title: s + " title", Path: "p/" + s, Owner: s, Type: "policy", Reviewed: OptDate(s), ReviewEvery: "12m", NextReview: "", Status: Overdue, DaysOverdue: i},
		Row{ID: "B", Title: "b", Reviewed: "2025-01-01", NextReview: "2026-01-01", DaysOverdue: -i})
	r.Findings = append(r.Findings,
		model.Finding{Severity: "major", Rule: s, IDs: []string{s, "X"}, Message: s},
		model.Finding{Severity: "minor", Rule: "r"},
		model.Finding{Severity: "minor", Rule: "r", IDs: []string{}})
	r.Summary = Summary{Current: i, DueSoon: 2, Overdue: -3, NeverReviewed: 1 << 40}
	return r
}

// TestJSONMatchesEncoder: the report's JSON is encoding/json's, byte for
// byte, for hostile strings, empty and missing lists and dates, and a
// large report.
func TestJSONMatchesEncoder(t *testing.T) {
	var cases []*Report
	for i, s := range hostile {
		cases = append(cases, jsonReport(s, i))
	}
	cases = append(cases, &Report{}, &Report{Documents: []Row{}, Findings: []model.Finding{}})
	big := &Report{AsOf: "2026-11-27"}
	for i := range 500 {
		big.Documents = append(big.Documents, Row{ID: fmt.Sprintf("POL-%03d", i), Title: hostile[i%len(hostile)], Status: Current})
		big.Findings = append(big.Findings, model.Finding{Severity: "minor", Rule: "overdue", IDs: []string{fmt.Sprint(i)}, Message: hostile[(i+3)%len(hostile)]})
	}
	cases = append(cases, big)
	for i, r := range cases {
		if got, want := r.JSON(), encoderJSON(t, r); !bytes.Equal(got, want) {
			t.Errorf("case %d:\n%s\nwant\n%s", i, got, want)
		}
	}
}

func FuzzJSONMatchesEncoder(f *testing.F) {
	for i, s := range hostile {
		f.Add(s, i)
	}
	f.Fuzz(func(t *testing.T, s string, i int) {
		r := jsonReport(s, i)
		if got, want := r.JSON(), encoderJSON(t, r); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n%s\nwant\n%s", s, got, want)
		}
	})
}

func BenchmarkJSON(b *testing.B) {
	r := &Report{AsOf: "2026-11-27"}
	for i := range 1000 {
		r.Documents = append(r.Documents, Row{ID: fmt.Sprintf("POL-%05d", i), Title: fmt.Sprintf("Site policy %d", i),
			Path: fmt.Sprintf("policies/pol-%05d.md", i), Owner: "HR Director", Type: "policy", Reviewed: "2025-10-01",
			ReviewEvery: "12m", NextReview: "2026-10-01", Status: Overdue, DaysOverdue: i % 90})
		r.Findings = append(r.Findings, model.Finding{Severity: "major", Rule: "overdue", IDs: []string{fmt.Sprintf("POL-%05d", i)},
			Message: fmt.Sprintf("POL-%05d is %d days past its review date", i, i%90)})
	}
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.JSON()
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encoderJSON(b, r)
		}
	})
}
