// Package model holds the typed documents and site configuration, and the
// strict front-matter decoder that produces them. map[string]any never
// leaves this package: every field has a Go type and every value keeps the
// position it came from, so later stages can report problems at the value
// that causes them.
package model

import (
	"fmt"
	"github.com/isms-project/isms/generator/iso"
	"strconv"
	"strings"
	"time"

	"github.com/isms-project/isms/generator/diag"
)

// Document types, statuses and the other closed vocabularies.
var (
	Types           = []string{"manual", "policy", "process", "procedure", "standard", "plan", "register", "record", "minutes", "evidence"}
	Statuses        = []string{"draft", "approved", "retired"}
	Classifications = []string{"public", "internal", "confidential", "restricted"}
	Phases          = iso.Phases
)

// TypeTitle is the plural heading a document type is listed under.
func TypeTitle(t string) string {
	switch t {
	case "manual":
		return "Manual"
	case "policy":
		return "Policies"
	case "process":
		return "Processes"
	case "procedure":
		return "Procedures"
	case "standard":
		return "Standards"
	case "plan":
		return "Plans"
	case "register":
		return "Registers"
	case "record":
		return "Records"
	case "minutes":
		return "Minutes"
	case "evidence":
		return "Evidence"
	}
	return t
}

// Date is a calendar date with no time of day and no zone. The zero value
// means "not given".
type Date struct{ t time.Time }

// ParseDate accepts exactly YYYY-MM-DD and rejects impossible dates.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || len(s) != 10 {
		return Date{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// DateOf makes a Date from a civil year, month and day.
func DateOf(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Today is the caller's calendar date in its local zone, for use at the edge
// (the CLI) only.
func Today(now time.Time) Date { return DateOf(now.Date()) }

func (d Date) IsZero() bool    { return d.t.IsZero() }
func (d Date) Time() time.Time { return d.t }
func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format("2006-01-02")
}
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }

// DaysUntil is the number of calendar days from d to o (negative if o is earlier).
func (d Date) DaysUntil(o Date) int { return int(o.t.Sub(d.t).Hours() / 24) }

// AddDays moves d by n calendar days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Interval is a review interval such as 12m: a count and a unit
// d (days), w (weeks), m (months) or y (years).
type Interval struct {
	N    int
	Unit byte
}

// ParseInterval reads "90d", "2w", "12m", "1y".
func ParseInterval(s string) (Interval, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 {
		return Interval{}, fmt.Errorf("%q is not an interval such as 90d, 2w, 12m or 1y", s)
	}
	unit := s[len(s)-1]
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || n > 10000 || strings.IndexByte("dwmy", unit) < 0 || s[0] == '+' {
		return Interval{}, fmt.Errorf("%q is not an interval such as 90d, 2w, 12m or 1y", s)
	}
	return Interval{N: n, Unit: unit}, nil
}

func (i Interval) IsZero() bool { return i.N == 0 }
func (i Interval) String() string {
	if i.N == 0 {
		return ""
	}
	return strconv.Itoa(i.N) + string(i.Unit)
}

// AddTo adds the interval to d in calendar terms. Months and years clamp to
// the end of the target month: 2025-01-31 + 1m = 2025-02-28, and
// 2024-02-29 + 1y = 2025-02-28.
func (i Interval) AddTo(d Date) Date {
	switch i.Unit {
	case 'd':
		return d.AddDays(i.N)
	case 'w':
		return d.AddDays(7 * i.N)
	case 'm', 'y':
		months := i.N
		if i.Unit == 'y' {
			months *= 12
		}
		y, m, day := d.t.Date()
		total := int(m) - 1 + months
		ty, tm := y+total/12, time.Month(total%12+1)
		last := time.Date(ty, tm+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return DateOf(ty, tm, min(day, last))
	}
	return d
}

// Ref is one entry of inputs or outputs: the other document and what flows.
type Ref struct {
	ID   string
	What string
	Pos  diag.Pos // where the id was written
}

// Revision is one row of the front-matter document-control table.
type Revision struct {
	Version, Author, Change string
	Date                    Date
	Pos                     diag.Pos
}

// Document is one decoded Markdown document.
type Document struct {
	Path string // slash path relative to content/, e.g. "policies/access.md"
	// Src is the whole file. It is never changed in place to another
	// text, only let go (set to nil: link.Page.DropSource); a new text is
	// a new Document. The history report's uncommitted check relies on it.
	Src []byte

	ID, Title, Type, Owner string
	Clauses                []string
	Controls               []string // as written (normalised by the link stage)
	Version                string
	Status                 string // "" means not given (treated as approved)
	Classification         string
	ApprovedBy             string
	Approved, Reviewed     Date
	ReviewEvery            Interval
	NextReview             Date // explicit next_review; wins over reviewed + review_every
	Phase                  string
	Inputs, Outputs        []Ref
	History                []Revision
	Date                   Date
	File                   string

	// Sections are the decoded front-matter sections that reports own,
	// by key (see Section); absent keys are absent.
	Sections map[string]any

	// Pos is where each front-matter key was written, by key name; the
	// value's position for scalars. Controls and Clauses have one position
	// per item in ItemPos.
	Pos     map[string]diag.Pos
	ItemPos map[string][]diag.Pos
	// Undecided are the keys given only a placeholder (TBD), treated as
	// not given — except classification, which an edition reads as the
	// scheme's top level.
	Undecided []string

	BodyOffset int // byte offset of the body in Src
	BodyLine   int
}

// At returns the position of key, or the file's first line when the key
// was not written.
func (d *Document) At(key string) diag.Pos {
	if p, ok := d.Pos[key]; ok {
		return p
	}
	return diag.Pos{Path: d.Path, Line: 1, Col: 1}
}

// IsRetired reports whether the document is withdrawn from use.
func (d *Document) IsRetired() bool { return d.Status == "retired" }

// Config is the site configuration read from isms.yaml.
type Config struct {
	Title        string
	Organization string
	BaseURL      string
	ReviewEvery  Interval
	TypeReview   map[string]Interval // per-type defaults (review_every_by_type)
	DueSoon      Interval
	AsOf         Date
	Theme        string
	UnsafeHTML   bool // raw HTML in Markdown is dropped unless this is set
	// Per-file size limits in bytes (max_markdown_size, max_file_size);
	// zero means load's defaults.
	MaxMarkdownSize, MaxFileSize int64

	// Classifications is the site's scheme, lowest first (default: public,
	// internal, confidential, restricted); DefaultClassification is what a
	// document that gives none is (default internal).
	Classifications       []string
	DefaultClassification string
	// Editions are the audiences' sites (editions:), MarkingFrom the level
	// from which pages are marked (marking_from), Certification what a
	// public edition's home page says of the ISMS's certificate.
	Editions      []Edition
	MarkingFrom   string
	Certification *Certification

	// Sections are the decoded isms.yaml sections that reports own
	// (a risk register's risk: block), by key.
	Sections map[string]any
}

// DefaultConfig is what a site without isms.yaml gets.
func DefaultConfig() Config {
	return Config{
		Title:       "Information Security Manual",
		ReviewEvery: Interval{12, 'm'},
		DueSoon:     Interval{30, 'd'},
		Theme:       "default",
	}
}

// ReviewInterval is the document's own interval, else its type's, else the site's.
func (c Config) ReviewInterval(d *Document) Interval {
	if !d.ReviewEvery.IsZero() {
		return d.ReviewEvery
	}
	if i, ok := c.TypeReview[d.Type]; ok {
		return i
	}
	return c.ReviewEvery
}

// Finding is one ISMS health finding (currency, connectivity, SoA), in the
// shape of currency.json's "findings".
type Finding struct {
	Severity string   `json:"severity"` // "major" | "minor"
	Rule     string   `json:"rule"`     // stable id, documented in the README
	IDs      []string `json:"ids"`
	Message  string   `json:"message"`
}
