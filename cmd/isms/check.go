package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
)

func init() { commands["check"] = cmdCheck }

// failOns are the --fail-on thresholds, mildest last.
var failOns = []string{"overdue", "due-soon", "major", "minor"}

// cmdCheck validates the site and reports currency and findings without
// writing anything, for CI gating. Diagnostics go to stderr; the report
// (a table, or the currency.json document) to stdout.
func cmdCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	var sf siteFlags
	sf.register(fs)
	format := fs.String("format", "text", "output format: text or json (the currency.json document)")
	failOn := fs.String("fail-on", "", "exit 1 when reached: overdue | due-soon | major | minor")
	all := fs.Bool("all", false, "list every document in the text table, not only those needing attention")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		fmt.Fprintf(stderr, "isms check: unexpected argument %q\n", pos[0])
		return errUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "isms check: --format %q: use text or json\n", *format)
		return errUsage
	}
	if *failOn != "" && !slices.Contains(failOns, *failOn) {
		fmt.Fprintf(stderr, "isms check: --fail-on %q: use one of %s\n", *failOn, strings.Join(failOns, ", "))
		return errUsage
	}
	opts, err := sf.options(stderr)
	if err != nil {
		return err
	}
	res, err := generator.Check(context.Background(), opts)
	if err != nil {
		return err
	}
	fmt.Fprint(stderr, res.Diags.String())
	nerr, nwarn := res.Diags.Count()
	rep := generator.CurrencyReport(res)
	if nerr > 0 || rep == nil {
		if *format == "json" {
			// CI parses stdout: give it the diagnostics as JSON too.
			if _, err := stdout.Write(checkJSON(res, nil)); err != nil {
				return err
			}
		}
		fmt.Fprintf(stderr, "isms check: %s, %s: fix the errors first\n", plural(nerr, "error"), plural(nwarn, "warning"))
		return errFailed
	}
	reached := thresholdReached(rep, *failOn)
	if *format == "json" {
		if _, err := stdout.Write(checkJSON(res, rep)); err != nil {
			return err
		}
		if reached {
			fmt.Fprintf(stderr, "isms check: --fail-on %s reached\n", *failOn)
			return errFailed
		}
		return nil
	}
	p := painter(isTerminal(stdout))
	writeTable(stdout, rep, *all, p)
	major, minor := rep.Counts()
	s := rep.Summary
	line := fmt.Sprintf("%s as of %s: %d current, %s, %s, %s · %s, %s · %s, %s",
		plural(s.Total(), "document"), rep.AsOf, s.Current,
		p.paint(s.DueSoon > 0, yellow, fmt.Sprintf("%d due soon", s.DueSoon)),
		p.paint(s.Overdue > 0, red, fmt.Sprintf("%d overdue", s.Overdue)),
		p.paint(s.NeverReviewed > 0, red, fmt.Sprintf("%d never reviewed", s.NeverReviewed)),
		p.paint(major > 0, red, plural(major, "major finding")),
		p.paint(minor > 0, yellow, plural(minor, "minor finding")),
		plural(nerr, "error"), plural(nwarn, "warning"))
	if reached {
		line += " · " + p.paint(true, red, "FAIL (--fail-on "+*failOn+")")
	} else if *failOn != "" {
		line += " · " + p.paint(true, green, "ok (--fail-on "+*failOn+")")
	}
	fmt.Fprintln(stdout, line)
	if reached {
		return errFailed
	}
	return nil
}

// jsonDiag is one diagnostic in `isms check --format json`.
type jsonDiag struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

// checkJSON is the currency.json document plus a "diagnostics" array,
// always valid JSON: when the site has errors (rep is nil) the report
// part is empty and the diagnostics say why.
func checkJSON(res *generator.Result, rep *currency.Report) []byte {
	if rep == nil {
		rep = currency.NewReport(res.AsOf, nil, nil, nil)
	}
	out := struct {
		*currency.Report
		Diagnostics []jsonDiag `json:"diagnostics"`
	}{Report: rep, Diagnostics: []jsonDiag{}}
	for _, d := range res.Diags {
		out.Diagnostics = append(out.Diagnostics, jsonDiag{d.Pos.Path, d.Pos.Line, d.Pos.Col, d.Severity.String(), d.Code, d.Msg})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out) // strings, ints and slices only: cannot fail
	return b.Bytes()
}

// thresholdReached applies --fail-on: each threshold includes the worse
// states of its kind (due-soon also fails on overdue).
func thresholdReached(rep *currency.Report, failOn string) bool {
	major, minor := rep.Counts()
	switch failOn {
	case "overdue":
		return rep.Summary.Overdue > 0
	case "due-soon":
		return rep.Summary.Overdue+rep.Summary.DueSoon > 0
	case "major":
		return major > 0
	case "minor":
		return major+minor > 0
	}
	return false
}

// writeTable prints the documents needing attention (or all of them),
// most urgent first, then the findings.
func writeTable(w io.Writer, rep *currency.Report, all bool, p painter) {
	var rows []currency.Row
	for _, r := range rep.ByUrgency() {
		if all || r.Status != currency.Current {
			rows = append(rows, r)
		}
	}
	if len(rows) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "STATUS\tWHEN\tNEXT REVIEW\tID\tOWNER\tTITLE")
		for _, r := range rows {
			next := string(r.NextReview)
			if next == "" {
				next = "—"
			}
			// Every status cell is painted (or none is), so the escape
			// codes add the same width to each and the columns still line up.
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.paint(true, statusColour(r.Status), r.Status), when(r), next, diag.Escape(r.ID), diag.Escape(r.Owner), diag.Escape(r.Title))
		}
		tw.Flush()
	} else {
		fmt.Fprintln(w, "Every document is current.")
	}
	if len(rep.Findings) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FINDING\tRULE\tIDS\tMESSAGE")
		for _, f := range rep.Findings {
			c := yellow
			if f.Severity == currency.Major {
				c = red
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.paint(true, c, f.Severity), f.Rule, diag.Escape(strings.Join(f.IDs, ",")), diag.Escape(f.Message))
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
}

func when(r currency.Row) string {
	switch {
	case r.Status == currency.NeverReviewed:
		return "never"
	case r.Status == currency.Overdue:
		return plural(r.DaysOverdue, "day") + " late"
	case r.DaysLeft == 0:
		return "today"
	}
	return "in " + plural(r.DaysLeft, "day")
}

// ANSI colours, used only when stdout is a terminal.
const (
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	green  = "\x1b[32m"
	reset  = "\x1b[0m"
)

func statusColour(s string) string {
	switch s {
	case currency.Overdue, currency.NeverReviewed:
		return red
	case currency.DueSoon:
		return yellow
	}
	return green
}

// painter colours text when enabled.
type painter bool

func (p painter) paint(on bool, colour, s string) string {
	if !bool(p) || !on {
		return s
	}
	return colour + s + reset
}

// isTerminal reports whether w is a character device and colour is not
// turned off (https://no-color.org).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
