package currency

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/isms-project/isms/generator/model"
)

// FeedOptions say how the iCalendar feed names itself and its links.
type FeedOptions struct {
	Name   string             // calendar name, e.g. the site title
	Domain string             // right-hand side of every UID, e.g. the site's host
	URL    func(r Row) string // absolute URL of a document's page, "" for none
	Events []Event            // other dated items (due actions, expiring acceptances), after the reviews
}

// Event is a dated item in the review calendar other than a document's
// review: an action's due date, a risk acceptance's expiry. UID must be
// unique and stable ("action-CA-2026-09-01-due"); the feed adds the domain.
type Event struct {
	UID         string
	Date        model.Date
	Summary     string
	Description string
	URL         string // absolute, or ""
}

// ICS renders the review dates as an iCalendar feed (RFC 5545): one
// all-day event per document that has a next review date, overdue ones
// included so an owner's calendar shows what was missed. Everything is
// derived from the report, including DTSTAMP (the as-of date), so the
// same site and date give the same bytes.
func ICS(r *Report, o FeedOptions) []byte {
	domain := cmp.Or(o.Domain, "isms")
	stamp := strings.ReplaceAll(r.AsOf, "-", "") + "T000000Z"
	var b bytes.Buffer
	line := func(s string) {
		b.WriteString(Fold(s))
		b.WriteString("\r\n")
	}
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//isms//review calendar//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	if o.Name != "" {
		line("X-WR-CALNAME:" + escapeText(o.Name+" — reviews"))
	}
	rows := slices.Clone(r.Documents)
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.NextReview, b.NextReview), cmp.Compare(a.ID, b.ID))
	})
	for _, row := range rows {
		if row.NextReview == "" {
			continue
		}
		day, err := model.ParseDate(string(row.NextReview))
		if err != nil {
			continue
		}
		date := strings.ReplaceAll(string(row.NextReview), "-", "")
		url := ""
		if o.URL != nil {
			url = o.URL(row)
		}
		summary := "Review due: " + row.Title + " (" + row.ID + ")"
		status := row.Status
		if row.Status == Overdue {
			summary = "Review overdue: " + row.Title + " (" + row.ID + ")"
			status = fmt.Sprintf("overdue by %s", plural(row.DaysOverdue, "day"))
		}
		desc := fmt.Sprintf("The %s %s (%s) is due for review.\nOwner: %s\nLast reviewed: %s\nReview every: %s\nStatus as of %s: %s",
			row.Type, row.ID, row.Title, row.Owner, row.Reviewed, row.ReviewEvery, r.AsOf, status)
		if url != "" {
			desc += "\n" + url
		}
		line("BEGIN:VEVENT")
		line("UID:review-" + row.ID + "-" + date + "@" + domain)
		line("DTSTAMP:" + stamp)
		line("DTSTART;VALUE=DATE:" + date)
		line("DTEND;VALUE=DATE:" + strings.ReplaceAll(day.AddDays(1).String(), "-", ""))
		line("SUMMARY:" + escapeText(summary))
		line("DESCRIPTION:" + escapeText(desc))
		if url != "" {
			line("URL:" + stripControls(url))
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	events := slices.Clone(o.Events)
	slices.SortStableFunc(events, func(a, b Event) int {
		return cmp.Or(cmp.Compare(a.Date.String(), b.Date.String()), cmp.Compare(a.UID, b.UID))
	})
	for _, e := range events {
		if e.Date.IsZero() {
			continue
		}
		date := strings.ReplaceAll(e.Date.String(), "-", "")
		line("BEGIN:VEVENT")
		line("UID:" + stripControls(e.UID) + "@" + domain)
		line("DTSTAMP:" + stamp)
		line("DTSTART;VALUE=DATE:" + date)
		line("DTEND;VALUE=DATE:" + strings.ReplaceAll(e.Date.AddDays(1).String(), "-", ""))
		line("SUMMARY:" + escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION:" + escapeText(e.Description))
		}
		if e.URL != "" {
			line("URL:" + stripControls(e.URL))
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.Bytes()
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma and newline; other control characters are dropped.
func escapeText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// Fold splits a content line into lines of at most 75 octets (RFC 5545
// 3.1), continuation lines starting with a space, never inside a UTF-8
// sequence. It returns the folded text without the final CRLF.
func Fold(s string) string {
	if len(s) <= 75 {
		return s
	}
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	return b.String()
}
