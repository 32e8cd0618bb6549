package model

// The vocabulary real ISMS repositories use: review cycles written as
// words, explicit next-review dates, capitalised enum values, status words
// of other tools, dates in local forms, placeholders. The decoder accepts
// what has one meaning, and for what it cannot accept it names the form it
// wants. Each rule here is reached through a one-line hook in decode.go.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// intervalWords are review cycles written as words, by their lower-case,
// space-separated spelling.
var intervalWords = map[string]Interval{
	"annual": {12, 'm'}, "annually": {12, 'm'}, "yearly": {12, 'm'}, "every year": {12, 'm'},
	"semi annual": {6, 'm'}, "semi annually": {6, 'm'}, "semiannual": {6, 'm'}, "semiannually": {6, 'm'},
	"biannual": {6, 'm'}, "biannually": {6, 'm'}, "half yearly": {6, 'm'},
	"quarterly": {3, 'm'}, "monthly": {1, 'm'}, "weekly": {1, 'w'},
}

// IntervalWord reads a review cycle written as a word ("Annual",
// "semi-annually", "Quarterly") as the interval it means.
func IntervalWord(s string) (Interval, bool) {
	w := strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "-", " "))), " ")
	i, ok := intervalWords[w]
	return i, ok
}

// StatusAliases are other tools' document statuses and the isms status
// each means.
var StatusAliases = map[string]string{
	"published": "approved", "active": "approved", "in force": "approved",
	"superseded": "retired", "obsolete": "retired", "withdrawn": "retired",
	"in review": "draft",
}

// MatchEnum finds s in allowed ignoring case ("Internal" is internal); for
// document statuses it also accepts StatusAliases.
func MatchEnum(s string, allowed []string) (string, bool) {
	l := strings.ToLower(strings.Join(strings.Fields(s), " "))
	for _, a := range allowed { // as the list writes it: a site's scheme may capitalise
		if strings.EqualFold(a, l) {
			return a, true
		}
	}
	if a, ok := StatusAliases[l]; ok && slices.Equal(allowed, Statuses) {
		return a, true
	}
	return "", false
}

// IsPlaceholder reports whether a value stands for "not decided yet":
// TBD, [TBD], TODO, N/A (any case).
func IsPlaceholder(s string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(s), "[]")) {
	case "tbd", "todo", "n/a":
		return true
	}
	return false
}

// placeholderValue is the placeholder text of v, which may be a scalar or,
// as YAML reads an unquoted [TBD], a list of one scalar.
func placeholderValue(v *yaml.Node) (string, bool) {
	if v.Kind == yaml.SequenceNode && len(v.Content) == 1 && v.Content[0].Kind == yaml.ScalarNode && IsPlaceholder(v.Content[0].Value) {
		return "[" + v.Content[0].Value + "]", true
	}
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" && IsPlaceholder(v.Value) {
		return v.Value, true
	}
	return "", false
}

// placeholder warns about a key whose value is a placeholder and reports
// whether it was one: the key is then treated as not given. A required key
// left as a placeholder is still missing, which is an error.
func (d *decoder) placeholder(key string, v *yaml.Node) bool {
	p, ok := placeholderValue(v)
	if !ok {
		return false
	}
	d.diags.Warnf(d.pos(v), "placeholder", "%s is the placeholder %q: treated as not given", key, p)
	if slices.Contains([]string{"id", "title", "type", "owner"}, key) {
		d.errorf(v, "missing-field", "required key %q has only the placeholder %q: give a real value", key, p)
	}
	return true
}

var (
	isoPrefix = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:[T ].*|\s*\(.*\))$`)
	ymdSep    = regexp.MustCompile(`^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$`)
	dmyDots   = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})$`)
	slashes   = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
)

// wordDateLayouts are dates with month names, as written in English.
var wordDateLayouts = []string{
	"Jan 2 2006", "Jan 2, 2006", "January 2 2006", "January 2, 2006",
	"2 Jan 2006", "2 January 2006", "Jan 02 2006", "02 Jan 2006",
	"Monday, January 2, 2006", "Mon, 2 Jan 2006", "Jan 2006", "January 2006",
}

// SuggestDate reads a date written in another common form — "Jun 1 2018",
// "30.01.2023", "2026-01-25 (UTC)", "2026-01-25T10:00:00Z", "2023/01/30",
// "01/30/2023" when only one reading is possible — as the calendar date it
// names. Month-only forms ("June 2018") mean the first of the month.
func SuggestDate(s string) (Date, bool) {
	s = strings.TrimSpace(s)
	if d, err := ParseDate(s); err == nil {
		return d, true
	}
	ymd := func(y, m, d string) (Date, bool) {
		yi, _ := strconv.Atoi(y)
		mi, _ := strconv.Atoi(m)
		di, _ := strconv.Atoi(d)
		t := DateOf(yi, time.Month(mi), di)
		if mi < 1 || mi > 12 || di < 1 || t.t.Day() != di {
			return Date{}, false
		}
		return t, true
	}
	if m := isoPrefix.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if m := ymdSep.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if m := dmyDots.FindStringSubmatch(s); m != nil {
		return ymd(m[3], m[2], m[1])
	}
	if m := slashes.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		switch {
		case a > 12 && b <= 12:
			return ymd(m[3], m[2], m[1])
		case b > 12 && a <= 12:
			return ymd(m[3], m[1], m[2])
		}
		return Date{}, false // 01/02/2023: day and month cannot be told apart
	}
	norm := strings.Join(strings.Fields(strings.ReplaceAll(s, ".", "")), " ")
	for _, l := range wordDateLayouts {
		if t, err := time.Parse(l, norm); err == nil {
			return DateOf(t.Date()), true
		}
	}
	return Date{}, false
}

// dateHint completes a bad-date message: the ISO form when the value is a
// date in another form, or a word about ambiguous numeric dates.
func dateHint(s string) string {
	if d, ok := SuggestDate(s); ok {
		return ": did you mean " + d.String() + "?"
	}
	if slashes.MatchString(strings.TrimSpace(s)) {
		return " (day and month cannot be told apart: write YYYY-MM-DD)"
	}
	return ""
}

// vocabField decodes the keys this file adds to the schema; it reports
// whether key was one of them.
func (d *decoder) vocabField(doc *Document, key string, v *yaml.Node) bool {
	switch key {
	case "next_review":
		doc.NextReview = d.date(v)
		return true
	}
	return false
}

// checkNextReview warns when an explicit next_review is later than the
// review cycle allows. The interval is the document's own, else the
// default; a site-wide review_every is not known while decoding.
func (d *decoder) checkNextReview(doc *Document) {
	if doc.NextReview.IsZero() || doc.Reviewed.IsZero() {
		return
	}
	every, which := doc.ReviewEvery, "review_every"
	if every.IsZero() {
		every, which = DefaultConfig().ReviewEvery, "the default review interval"
	}
	if limit := every.AddTo(doc.Reviewed); doc.NextReview.After(limit) {
		d.diags.Warnf(doc.Pos["next_review"], "next-review-late",
			"next_review %s is later than reviewed + %s (%s, %s): the review cycle is not kept", doc.NextReview, every, limit, which)
	}
}

// soc2Criterion matches SOC 2 trust services criteria ids: CC1.1–CC9.x,
// A1.x, C1.x, PI1.x, P1.x–P8.x.
var soc2Criterion = regexp.MustCompile(`^(?i:CC[1-9]|A1|C1|PI1|P[1-8])\.[0-9]{1,2}$`)

// soc2Control reports a SOC 2 criterion written in controls, which takes
// Annex A ids: the two numbering schemes only look alike.
func (d *decoder) soc2Control(n *yaml.Node) bool {
	s := strings.TrimSpace(n.Value)
	if !soc2Criterion.MatchString(s) {
		return false
	}
	d.errorf(n, "unknown-control", "%s is a SOC 2 criterion, not an Annex A control: controls takes ISO/IEC 27001:2022 Annex A ids; keep the SOC 2 mapping as a note in the body", s)
	return true
}

// keyHint is the hint for an unknown key that spelling distance would get
// wrong: keys other tools use for something isms has under another name,
// or has not at all.
func keyHint(key string) (string, bool) {
	switch strings.ToLower(key) {
	case "last_updated", "lastmod", "last_modified", "updated", "last_review":
		return fmt.Sprintf("unknown key %q: did you mean \"reviewed\" (the date of the last review)?", key), true
	case "comment", "comments", "note", "notes":
		return fmt.Sprintf("unknown key %q is ignored: put comments in the body, where readers see them", key), true
	case "satisfies":
		return fmt.Sprintf("unknown key %q is ignored: controls takes ISO/IEC 27001:2022 Annex A ids; SOC 2 criteria such as CC6.1 are not Annex A controls, keep them as a note in the body", key), true
	case "review_cycle", "review_frequency", "review_period":
		return fmt.Sprintf("unknown key %q: did you mean \"review_every\" (12m, 6m, annual, quarterly…)?", key), true
	}
	return "", false
}
