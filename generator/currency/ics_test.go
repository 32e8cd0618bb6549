package currency

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/isms-project/isms/generator/model"
)

func sampleReport(t testing.TB) *Report {
	asOf := date(t, "2026-11-27")
	docs := []*model.Document{
		{Path: "a.md", ID: "POL-A", Title: `Access; control, "policy" \ and a very long title that goes on and on past the line limit — über`, Owner: "CISO", Type: "policy", Reviewed: date(t, "2025-12-15")},
		{Path: "b.md", ID: "POL-B", Title: "Backup", Owner: "IT", Type: "policy", Reviewed: date(t, "2025-09-25")},
		{Path: "c.md", ID: "STD-C", Title: "Never", Owner: "IT", Type: "standard"},
	}
	info := map[string]Info{}
	for _, d := range docs {
		info[d.Path] = Of(d, model.DefaultConfig(), asOf)
	}
	return NewReport(asOf, docs, info, nil)
}

// unfold reverses RFC 5545 folding and checks each physical line.
func unfold(t *testing.T, b []byte) []string {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatal("feed does not end in CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	var out []string
	for _, l := range phys {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("bare CR or LF in %q", l)
		}
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("fold split a UTF-8 sequence: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

func TestICS(t *testing.T) {
	feed := ICS(sampleReport(t), FeedOptions{Name: "Acme, Ltd", Domain: "isms.example.org", URL: func(r Row) string {
		return "https://isms.example.org/" + strings.TrimSuffix(r.Path, ".md") + "/"
	}})
	lines := unfold(t, feed)
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Fatalf("not a VCALENDAR: %q … %q", lines[0], lines[len(lines)-1])
	}
	has := func(ls []string, prefix string) string {
		for _, l := range ls {
			if strings.HasPrefix(l, prefix) {
				return l
			}
		}
		return ""
	}
	for _, p := range []string{"VERSION:2.0", "PRODID:", "X-WR-CALNAME:Acme\\, Ltd"} {
		if has(lines, p) == "" {
			t.Errorf("calendar lacks %s", p)
		}
	}
	// Split into events and check each has the required properties.
	var events [][]string
	for _, l := range lines {
		switch {
		case l == "BEGIN:VEVENT":
			events = append(events, nil)
		case len(events) > 0:
			events[len(events)-1] = append(events[len(events)-1], l)
		}
	}
	if len(events) != 2 {
		t.Fatalf("%d events, want 2 (the never-reviewed document has no date)", len(events))
	}
	uids := map[string]bool{}
	for _, ev := range events {
		for _, p := range []string{"UID:", "DTSTAMP:20261127T000000Z", "DTSTART;VALUE=DATE:", "DTEND;VALUE=DATE:", "SUMMARY:", "DESCRIPTION:", "URL:https://", "END:VEVENT"} {
			if has(ev, p) == "" {
				t.Errorf("event lacks %s: %q", p, ev)
			}
		}
		uids[has(ev, "UID:")] = true
	}
	if len(uids) != 2 {
		t.Errorf("UIDs not unique: %v", uids)
	}
	// Overdue first (sorted by date), then the upcoming one.
	if got := has(events[0], "DTSTART"); got != "DTSTART;VALUE=DATE:20260925" {
		t.Errorf("first event %s", got)
	}
	if got := has(events[0], "SUMMARY:"); got != "SUMMARY:Review overdue: Backup (POL-B)" {
		t.Errorf("overdue summary %q", got)
	}
	if got := has(events[1], "DTEND"); got != "DTEND;VALUE=DATE:20261216" {
		t.Errorf("all-day event ends the next day: %s", got)
	}
	wantSummary := `SUMMARY:Review due: Access\; control\, "policy" \\ and a very long title that goes on and on past the line limit — über (POL-A)`
	if got := has(events[1], "SUMMARY:"); got != wantSummary {
		t.Errorf("escaping:\n got %s\nwant %s", got, wantSummary)
	}
	if d := has(events[1], "DESCRIPTION:"); !strings.Contains(d, `\nOwner: CISO\n`) {
		t.Errorf("newlines in DESCRIPTION must be \\n: %q", d)
	}
	if !bytes.Equal(feed, ICS(sampleReport(t), FeedOptions{Name: "Acme, Ltd", Domain: "isms.example.org", URL: func(r Row) string {
		return "https://isms.example.org/" + strings.TrimSuffix(r.Path, ".md") + "/"
	}})) {
		t.Error("feed is not deterministic")
	}
}

func TestFold(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("a", 75),
		strings.Repeat("a", 76),
		strings.Repeat("a", 300),
		strings.Repeat("é", 100), // 2-octet runes land on the boundary
		"x" + strings.Repeat("€", 60),
	} {
		f := Fold(s)
		var back strings.Builder
		for i, l := range strings.Split(f, "\r\n") {
			if len(l) > 75 || !utf8.ValidString(l) {
				t.Errorf("bad physical line %q", l)
			}
			if i > 0 {
				if !strings.HasPrefix(l, " ") {
					t.Errorf("continuation without a space: %q", l)
				}
				l = l[1:]
			}
			back.WriteString(l)
		}
		if back.String() != s {
			t.Errorf("fold does not round-trip %q", s)
		}
	}
	if got := escapeText("a\\b;c,d\ne\rf\x01"); got != `a\\b\;c\,d\nef` {
		t.Errorf("escapeText = %q", got)
	}
}

func TestTimelineAndSVG(t *testing.T) {
	r := sampleReport(t)
	tl := NewTimeline(r, date(t, "2026-11-27"))
	if tl.Overdue != 1 || len(tl.Months) != 12 || tl.Months[0].Month.String() != "November" {
		t.Fatalf("timeline %+v", tl)
	}
	if tl.Months[1].Due != 1 || tl.Months[1].DueSoon != 1 { // POL-A due 2026-12-15, within 30 days
		t.Errorf("December: %+v", tl.Months[1])
	}
	svg := tl.SVG()
	for _, want := range []string{`role="img"`, `<title id="timeline-title">`, `<desc id="timeline-desc">1 review overdue now. Reviews due by month: December 2026: 1.</desc>`, `>Overdue</text>`, `>Dec</text>`, `>2027</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	if strings.Contains(svg, "style=") {
		t.Error("inline style in SVG (CSP forbids it)")
	}
}

func TestReportJSON(t *testing.T) {
	js := string(sampleReport(t).JSON())
	for _, want := range []string{`"as_of": "2026-11-27"`, `"reviewed": null`, `"next_review": null`, `"status": "never-reviewed"`, `"days_overdue": 63`, `"findings": []`, `"never-reviewed": 1`, `"due-soon": 1`} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
}
