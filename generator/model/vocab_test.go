package model_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/model"
)

// decodeWith decodes a document whose front-matter is the four required
// keys (lines 2–5) followed by extra (from line 6).
func decodeWith(t *testing.T, extra string) (*model.Document, []string) {
	t.Helper()
	src := "---\nid: POL-1\ntitle: T\ntype: policy\nowner: CISO\n" + extra + "---\nBody.\n"
	doc, diags := model.Decode("p.md", "content/p.md", []byte(src))
	var out []string
	for _, d := range diags {
		out = append(out, d.String())
	}
	return doc, out
}

// TestVocabulary: every vocabulary rule, with the value it yields and the
// exact message (line:col) it prints.
func TestVocabulary(t *testing.T) {
	type want struct {
		field string // "review_every", "status", "classification", "type", "phase", "reviewed", "next_review", "owner", "controls"
		value string
	}
	cases := []struct {
		name  string
		extra string
		want  *want
		diags []string
	}{
		{"annual", "review_every: Annual\n", &want{"review_every", "12m"}, nil},
		{"annually", "review_every: annually\n", &want{"review_every", "12m"}, nil},
		{"yearly", "review_every: Yearly\n", &want{"review_every", "12m"}, nil},
		{"semi-annual", "review_every: Semi-Annual\n", &want{"review_every", "6m"}, nil},
		{"semi-annually", "review_every: semi-annually\n", &want{"review_every", "6m"}, nil},
		{"biannual", "review_every: biannual\n", &want{"review_every", "6m"}, nil},
		{"quarterly", "review_every: Quarterly\n", &want{"review_every", "3m"}, nil},
		{"monthly", "review_every: MONTHLY\n", &want{"review_every", "1m"}, nil},
		{"weekly", "review_every: weekly\n", &want{"review_every", "1w"}, nil},
		{"interval still strict", "review_every: fortnightly\n", nil,
			[]string{`content/p.md:6:15: error: "fortnightly" is not an interval such as 90d, 2w, 12m or 1y (bad-interval)`}},
		{"status capitalised", "status: Approved\n", &want{"status", "approved"}, nil},
		{"published", "status: published\n", &want{"status", "approved"}, nil},
		{"active", "status: Active\n", &want{"status", "approved"}, nil},
		{"in force", "status: In Force\n", &want{"status", "approved"}, nil},
		{"superseded", "status: superseded\n", &want{"status", "retired"}, nil},
		{"obsolete", "status: Obsolete\n", &want{"status", "retired"}, nil},
		{"withdrawn", "status: withdrawn\n", &want{"status", "retired"}, nil},
		{"in review", "status: in review\n", &want{"status", "draft"}, nil},
		{"status still strict", "status: aproved\n", nil,
			[]string{`content/p.md:6:9: error: status "aproved" is not one of draft, approved, retired: did you mean "approved"? (bad-status)`}},
		{"classification capitalised", "classification: Internal\n", &want{"classification", "internal"}, nil},
		{"phase capitalised", "phase: Plan\n", &want{"phase", "plan"}, nil},
		{"alias only for status", "classification: published\n", nil,
			[]string{`content/p.md:6:17: error: classification "published" is not one of public, internal, confidential, restricted (bad-classification)`}},
		{"dotted date", "reviewed: 30.01.2023\n", nil,
			[]string{`content/p.md:6:11: error: "30.01.2023" is not a date of the form YYYY-MM-DD: did you mean 2023-01-30? (bad-date)`}},
		{"month name date", "reviewed: Jun 1 2018\n", nil,
			[]string{`content/p.md:6:11: error: "Jun 1 2018" is not a date of the form YYYY-MM-DD: did you mean 2018-06-01? (bad-date)`}},
		{"date with zone", "reviewed: 2026-01-25 (UTC)\n", nil,
			[]string{`content/p.md:6:11: error: "2026-01-25 (UTC)" is not a date of the form YYYY-MM-DD: did you mean 2026-01-25? (bad-date)`}},
		{"timestamp", "approved: 2026-01-25T10:00:00Z\n", nil,
			[]string{`content/p.md:6:11: error: "2026-01-25T10:00:00Z" is not a date of the form YYYY-MM-DD: did you mean 2026-01-25? (bad-date)`}},
		{"ambiguous slashes", "reviewed: 01/02/2023\n", nil,
			[]string{`content/p.md:6:11: error: "01/02/2023" is not a date of the form YYYY-MM-DD (day and month cannot be told apart: write YYYY-MM-DD) (bad-date)`}},
		{"us slashes", "reviewed: 01/30/2023\n", nil,
			[]string{`content/p.md:6:11: error: "01/30/2023" is not a date of the form YYYY-MM-DD: did you mean 2023-01-30? (bad-date)`}},
		{"impossible date", "reviewed: 31.02.2023\n", nil,
			[]string{`content/p.md:6:11: error: "31.02.2023" is not a date of the form YYYY-MM-DD (bad-date)`}},
		{"placeholder TBD", "approved_by: TBD\n", &want{"approved_by", ""},
			[]string{`content/p.md:6:14: warning: approved_by is the placeholder "TBD": treated as not given (placeholder)`}},
		{"placeholder [TBD]", "reviewed: [TBD]\n", &want{"reviewed", ""},
			[]string{`content/p.md:6:11: warning: reviewed is the placeholder "[TBD]": treated as not given (placeholder)`}},
		{"placeholder TODO", "version: TODO\n", &want{"version", ""},
			[]string{`content/p.md:6:10: warning: version is the placeholder "TODO": treated as not given (placeholder)`}},
		{"placeholder N/A", "classification: N/A\n", &want{"classification", ""},
			[]string{`content/p.md:6:17: warning: classification is the placeholder "N/A": treated as not given (placeholder)`}},
		{"placeholder quoted [TBD]", "review_every: \"[TBD]\"\n", &want{"review_every", ""},
			[]string{`content/p.md:6:15: warning: review_every is the placeholder "[TBD]": treated as not given (placeholder)`}},
		{"next_review accepted", "reviewed: 2026-01-10\nnext_review: 2026-07-10\n", &want{"next_review", "2026-07-10"}, nil},
		{"next_review late", "reviewed: 2026-01-10\nnext_review: 2027-03-01\n", nil,
			[]string{`content/p.md:7:14: warning: next_review 2027-03-01 is later than reviewed + 12m (2027-01-10, the default review interval): the review cycle is not kept (next-review-late)`}},
		{"next_review late own interval", "reviewed: 2026-01-10\nreview_every: Quarterly\nnext_review: 2026-05-01\n", nil,
			[]string{`content/p.md:8:14: warning: next_review 2026-05-01 is later than reviewed + 3m (2026-04-10, review_every): the review cycle is not kept (next-review-late)`}},
		{"next_review bad date", "next_review: 30.01.2027\n", nil,
			[]string{`content/p.md:6:14: error: "30.01.2027" is not a date of the form YYYY-MM-DD: did you mean 2027-01-30? (bad-date)`}},
		{"hint last_updated", "last_updated: 2026-01-01\n", nil,
			[]string{`content/p.md:6:1: warning: unknown key "last_updated": did you mean "reviewed" (the date of the last review)? (unknown-key)`}},
		{"hint comment", "comment: reviewed by Bob\n", nil,
			[]string{`content/p.md:6:1: warning: unknown key "comment" is ignored: put comments in the body, where readers see them (unknown-key)`}},
		{"hint satisfies", "satisfies: [CC6.1]\n", nil,
			[]string{`content/p.md:6:1: warning: unknown key "satisfies" is ignored: controls takes ISO/IEC 27001:2022 Annex A ids; SOC 2 criteria such as CC6.1 are not Annex A controls, keep them as a note in the body (unknown-key)`}},
		{"soc2 in controls", "controls: [\"5.15\", CC6.1]\n", &want{"controls", "5.15"},
			[]string{`content/p.md:6:20: error: CC6.1 is a SOC 2 criterion, not an Annex A control: controls takes ISO/IEC 27001:2022 Annex A ids; keep the SOC 2 mapping as a note in the body (unknown-control)`}},
		{"soc2 availability criterion", "controls: A1.2\n", &want{"controls", ""},
			[]string{`content/p.md:6:11: error: A1.2 is a SOC 2 criterion, not an Annex A control: controls takes ISO/IEC 27001:2022 Annex A ids; keep the SOC 2 mapping as a note in the body (unknown-control)`}},
		{"annex a with prefix untouched", "controls: A.5.1\n", &want{"controls", "A.5.1"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, diags := decodeWith(t, c.extra)
			if !slices.Equal(diags, c.diags) {
				t.Errorf("diagnostics:\n got %q\nwant %q", diags, c.diags)
			}
			if c.want == nil {
				return
			}
			var got string
			switch c.want.field {
			case "review_every":
				got = doc.ReviewEvery.String()
			case "status":
				got = doc.Status
			case "classification":
				got = doc.Classification
			case "phase":
				got = doc.Phase
			case "reviewed":
				got = doc.Reviewed.String()
			case "next_review":
				got = doc.NextReview.String()
			case "approved_by":
				got = doc.ApprovedBy
			case "version":
				got = doc.Version
			case "controls":
				got = strings.Join(doc.Controls, ",")
			default:
				t.Fatalf("test names unknown field %q", c.want.field)
			}
			if got != c.want.value {
				t.Errorf("%s = %q, want %q", c.want.field, got, c.want.value)
			}
		})
	}
}

// TestPlaceholderRequired: a required key given only as a placeholder is
// a warning about the placeholder and an error that the key is missing.
func TestPlaceholderRequired(t *testing.T) {
	src := "---\nid: POL-1\ntitle: T\ntype: policy\nowner: [TBD]\n---\n"
	doc, diags := model.Decode("p.md", "content/p.md", []byte(src))
	want := []string{
		`content/p.md:5:8: warning: owner is the placeholder "[TBD]": treated as not given (placeholder)`,
		`content/p.md:5:8: error: required key "owner" has only the placeholder "[TBD]": give a real value (missing-field)`,
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if doc.Owner != "" {
		t.Errorf("owner = %q", doc.Owner)
	}
}

// TestConfigIntervalWord: isms.yaml's review_every takes words too.
func TestConfigIntervalWord(t *testing.T) {
	c, diags := model.DecodeConfig("isms.yaml", []byte("review_every: Semi-Annual\ndue_soon: monthly\n"))
	if len(diags) != 0 || c.ReviewEvery.String() != "6m" || c.DueSoon.String() != "1m" {
		t.Errorf("got %v %v %v", c.ReviewEvery, c.DueSoon, diags)
	}
}

// TestNextReviewWins: currency uses an explicit next_review instead of
// reviewed + review_every.
func TestNextReviewWins(t *testing.T) {
	doc, diags := decodeWith(t, "reviewed: 2026-01-10\nnext_review: 2026-06-30\n")
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	in := currency.Of(doc, model.DefaultConfig(), model.DateOf(2026, 7, 15))
	if in.NextReview.String() != "2026-06-30" || in.Status != currency.Overdue || in.DaysOverdue != 15 {
		t.Errorf("currency: %+v", in)
	}
}

// TestSuggestDate: the forms the importers and the hint read.
func TestSuggestDate(t *testing.T) {
	for in, want := range map[string]string{
		"Jun 1 2018": "2018-06-01", "June 1, 2018": "2018-06-01", "1 June 2018": "2018-06-01",
		"30.01.2023": "2023-01-30", "1.2.2023": "2023-02-01", "2026-01-25 (UTC)": "2026-01-25",
		"2026-01-25 10:00": "2026-01-25", "2023/01/30": "2023-01-30", "30/01/2023": "2023-01-30",
		"Sept 2018": "", "2026-13-01": "", "soon": "", "01/02/2023": "", "Jan. 5, 2020": "2020-01-05",
	} {
		d, ok := model.SuggestDate(in)
		if got := d.String(); got != want || ok != (want != "") {
			t.Errorf("SuggestDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestConfigNoDocumentHints: isms.yaml's unknown keys get the ordinary
// hint, not the document vocabulary's.
func TestConfigNoDocumentHints(t *testing.T) {
	_, diags := model.DecodeConfig("isms.yaml", []byte("comment: x\n"))
	if len(diags) != 1 || strings.Contains(diags[0].Msg, "body") {
		t.Errorf("got %v", diags)
	}
}
