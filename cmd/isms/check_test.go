package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/iso"
	"golang.org/x/tools/txtar"
)

// checkSite is healthy as of 2026-11-27 except what each test adds: a
// management review, an internal audit, one current policy.
const checkSite = `
-- content/minutes/mr.md --
---
id: MIN-MR
title: Management review
type: minutes
owner: MD
clause: "9.3"
date: 2026-10-20
reviewed: 2026-10-27
---
Minutes.
-- content/records/audit.md --
---
id: REC-AUDIT
title: Internal audit 2026
type: record
owner: Head of Risk
clause: "9.2"
date: 2026-09-16
reviewed: 2026-09-23
---
Report.
-- content/policies/is.md --
---
id: POL-IS
title: Information security policy
type: policy
owner: CISO
approved_by: MD
approved: 2026-03-09
reviewed: 2026-03-02
---
Policy.
`

// soaRegister decides every Annex A control (excluded, with a reason), so
// the SoA rules find nothing and the tests see only currency findings.
func soaRegister() string {
	var b strings.Builder
	b.WriteString("-- content/registers/soa.md --\n---\nid: REG-SOA\ntitle: SoA\ntype: register\nowner: CISO\nreviewed: 2026-10-01\napplicability:\n")
	for _, c := range iso.All() {
		fmt.Fprintf(&b, "  - { control: %q, applicable: false, justification: \"test site\" }\n", c.ID)
	}
	b.WriteString("---\nSoA.\n")
	return b.String()
}

// writeSite writes checkSite plus extra txtar files into a temp folder.
func writeSite(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(checkSite + soaRegister() + extra)).Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, f.Data, 0o644))
	}
	return dir
}

const dueSoonDoc = `
-- content/policies/soon.md --
---
id: POL-SOON
title: Due soon policy
type: policy
owner: CISO
approved_by: MD
approved: 2025-12-10
reviewed: 2025-12-10
---
Soon.
`

const overdueDoc = `
-- content/policies/late.md --
---
id: POL-LATE
title: Late policy
type: policy
owner: CISO
approved_by: MD
approved: 2025-09-25
reviewed: 2025-09-25
---
Late.
`

const shelfWareDoc = `
-- content/registers/risk.md --
---
id: REG-RISK
title: Risk register
type: register
owner: Head of Risk
reviewed: 2024-01-10
---
Risks.
`

const unapprovedDoc = `
-- content/policies/unapproved.md --
---
id: POL-UNAPP
title: Unapproved policy
type: policy
owner: CISO
reviewed: 2026-08-01
---
Text.
`

func TestCheckExitCodes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, extra, failOn string
		want                int
	}{
		{"healthy, no threshold", "", "", 0},
		{"healthy, strictest threshold", "", "minor", 0},
		{"due soon passes overdue", dueSoonDoc, "overdue", 0},
		{"due soon fails due-soon", dueSoonDoc, "due-soon", 1},
		{"due soon is no finding", dueSoonDoc, "minor", 0},
		{"overdue fails overdue", overdueDoc, "overdue", 1},
		{"overdue fails due-soon", overdueDoc, "due-soon", 1},
		{"overdue is a minor finding", overdueDoc, "major", 0},
		{"overdue fails minor", overdueDoc, "minor", 1},
		{"shelf-ware fails major", shelfWareDoc, "major", 1},
		{"unapproved policy fails minor", unapprovedDoc, "minor", 1},
		{"unapproved policy passes major", unapprovedDoc, "major", 0},
		{"findings without threshold pass", shelfWareDoc + overdueDoc, "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"check", "-s", writeSite(t, c.extra), "--as-of", "2026-11-27"}
			if c.failOn != "" {
				args = append(args, "--fail-on", c.failOn)
			}
			code, out, errOut := runCLI(t, args...)
			if code != c.want {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.want, out, errOut)
			}
		})
	}
}

func TestCheckContentErrors(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, "-- content/policies/bad.md --\n---\nid: POL-BAD\ntype: policy\nowner: X\n---\n")
	code, out, errOut := runCLI(t, "check", "-s", dir, "--as-of", "2026-11-27")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut, `content/policies/bad.md:1:1: error: required key "title" is missing`) || !strings.Contains(errOut, "1 error") {
		t.Errorf("stderr:\n%s", errOut)
	}
	if out != "" {
		t.Errorf("a failed check printed a report:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(err) {
		t.Error("check wrote a site")
	}
}

func TestCheckUsage(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, "")
	for _, args := range [][]string{
		{"check", "-s", dir, "--format", "xml"},
		{"check", "-s", dir, "--fail-on", "critical"},
		{"check", "-s", dir, "--as-of", "27/11/2026"},
		{"check", "-s", dir, "extra"},
		{"check", "-s", filepath.Join(dir, "missing")},
		{"check", "--bogus"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("isms %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, shelfWareDoc+overdueDoc+dueSoonDoc)
	code, out, _ := runCLI(t, "check", "-s", dir, "--as-of", "2026-11-27", "--fail-on", "overdue")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes written to a non-terminal")
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	want := "7 documents as of 2026-11-27: 4 current, 1 due soon, 2 overdue, 0 never reviewed · 1 major finding, 1 minor finding · 0 errors, 0 warnings · FAIL (--fail-on overdue)"
	if last != want {
		t.Errorf("summary line:\n got %s\nwant %s", last, want)
	}
	// The table lists what needs attention, most urgent first, aligned.
	if !strings.HasPrefix(lines[0], "STATUS ") || !strings.HasPrefix(lines[1], "overdue ") || !strings.Contains(lines[1], "REG-RISK") ||
		!strings.Contains(lines[2], "POL-LATE") || !strings.HasPrefix(lines[3], "due-soon ") {
		t.Errorf("table:\n%s", out)
	}
	if strings.Index(lines[1], "REG-RISK") != strings.Index(lines[0], "ID") {
		t.Errorf("columns not aligned:\n%s\n%s", lines[0], lines[1])
	}
	if strings.Contains(out, "POL-IS ") {
		t.Error("current documents listed without --all")
	}
	if !strings.Contains(out, "major    shelf-ware") {
		t.Errorf("findings missing:\n%s", out)
	}
	_, all, _ := runCLI(t, "check", "-s", dir, "--as-of", "2026-11-27", "--all")
	if !strings.Contains(all, "POL-IS ") {
		t.Error("--all does not list current documents")
	}
}

func TestCheckJSON(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, overdueDoc)
	code, out, _ := runCLI(t, "check", "-s", dir, "--as-of", "2026-11-27", "--format", "json", "--fail-on", "overdue")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var rep struct {
		AsOf      string `json:"as_of"`
		Documents []struct {
			ID          string  `json:"id"`
			Status      string  `json:"status"`
			DaysOverdue int     `json:"days_overdue"`
			NextReview  *string `json:"next_review"`
		} `json:"documents"`
		Findings []struct {
			Severity, Rule, Message string
			IDs                     []string
		} `json:"findings"`
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if rep.AsOf != "2026-11-27" || len(rep.Documents) != 5 || rep.Summary["overdue"] != 1 || rep.Summary["current"] != 4 {
		t.Errorf("report: %+v", rep)
	}
	for _, d := range rep.Documents {
		if d.ID == "POL-LATE" && (d.Status != "overdue" || d.DaysOverdue != 63 || d.NextReview == nil || *d.NextReview != "2026-09-25") {
			t.Errorf("POL-LATE: %+v", d)
		}
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Rule != "overdue" || rep.Findings[0].IDs[0] != "POL-LATE" {
		t.Errorf("findings: %+v", rep.Findings)
	}
}

// TestCheckJSONWithErrors: content errors still give valid JSON on stdout,
// with each diagnostic located, and exit 1.
func TestCheckJSONWithErrors(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, "\n-- content/policies/bad.md --\n---\nid: POL-BAD\ntitle: Bad\ntype: polcy\nowner: CISO\n---\nBody.\n")
	code, out, _ := runCLI(t, "check", "-s", dir, "--as-of", "2026-11-27", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var rep struct {
		Documents   []any `json:"documents"`
		Diagnostics []struct {
			Path, Severity, Code, Message string
			Line, Col                     int
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%q", err, out)
	}
	if rep.Documents == nil {
		t.Error("documents is not an array")
	}
	found := false
	for _, d := range rep.Diagnostics {
		if d.Path == "content/policies/bad.md" && d.Line == 4 && d.Col == 7 && d.Severity == "error" && d.Code == "bad-type" {
			found = true
		}
	}
	if !found {
		t.Errorf("bad-type diagnostic missing: %+v", rep.Diagnostics)
	}
}

// TestCheckJSONDiagnosticsClean: a clean site's JSON has an empty
// diagnostics array, not null.
func TestCheckJSONDiagnosticsClean(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, "")
	_, out, _ := runCLI(t, "check", "-s", dir, "--as-of", "2026-11-27", "--format", "json")
	if !strings.Contains(out, `"diagnostics": [`) {
		t.Errorf("no diagnostics array:\n%s", out)
	}
}
