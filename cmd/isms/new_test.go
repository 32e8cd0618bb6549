package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/model"
)

// TestNewSkeleton: `isms new DIR` writes the skeleton of a new ISMS, not
// the sample. It builds with no error; its warnings are the list of what
// to fill in (the organisation's name, each document's approval, the 93
// undecided SoA entries); its processes form one connected map covering
// clauses 4–10; its SoA has a row for every Annex A control, awaiting a
// decision.
func TestNewSkeleton(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "site")
	code, out, errOut := runCLI(t, "new", dir)
	if code != 0 {
		t.Fatalf("new: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "skeleton") || !strings.Contains(out, "README.md") {
		t.Errorf("new says %q; want it to name the skeleton and its README", out)
	}
	for _, p := range []string{"isms.yaml", "README.md", ".gitignore",
		"content/manual/isms-manual.md", "content/policies/information-security-policy.md",
		"content/registers/statement-of-applicability.md", "content/registers/risk-register.md",
		"content/plans/objectives.md", "content/plans/internal-audit-programme.md",
		"content/minutes/management-review.md", "content/processes/risk-assessment.md"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("skeleton lacks %s: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "policies", "access-control.md")); err == nil {
		t.Error("the skeleton holds the Harbourline sample's access-control policy")
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".gitignore")); err != nil || !strings.Contains(string(b), "/public/\n/.public.spare/\n") {
		t.Errorf("skeleton .gitignore = %q, %v", b, err)
	}

	res, err := generator.Build(context.Background(), generator.Options{Site: os.DirFS(dir), Today: model.DateOf(2027, 1, 15)})
	if err != nil {
		t.Fatal(err)
	}
	if nerr, _ := res.Diags.Count(); nerr > 0 || res.Tree == nil {
		t.Fatalf("the skeleton does not build:\n%s", res.Diags.String())
	}
	byCode := map[string][]diag.Diagnostic{}
	for _, d := range res.Diags {
		byCode[d.Code] = append(byCode[d.Code], d)
	}
	var placeholders []string
	for _, d := range byCode["placeholder"] {
		placeholders = append(placeholders, d.Pos.Path)
	}
	for _, want := range []string{"isms.yaml", "content/policies/information-security-policy.md", "content/processes/internal-audit.md", "content/registers/risk-register.md", "content/minutes/management-review.md"} {
		if !slices.Contains(placeholders, want) {
			t.Errorf("no placeholder warning in %s: what to fill in there is not listed", want)
		}
	}
	if u := byCode["soa-undecided"]; len(u) != 1 || !strings.Contains(u[0].Msg, "93 of 93 Annex A controls await a decision") {
		t.Errorf("soa-undecided warnings: %v", u)
	}
	for code := range byCode {
		if code != "placeholder" && code != "soa-undecided" {
			t.Errorf("unexpected warning %s: %v", code, byCode[code])
		}
	}

	var rules []string
	for _, f := range res.Findings {
		rules = append(rules, f.Rule)
		if strings.HasPrefix(f.Rule, "process-") || f.Rule == "clause-uncovered" {
			t.Errorf("process map finding on a new skeleton: %s %v: %s", f.Rule, f.IDs, f.Message)
		}
	}
	if !slices.Contains(rules, "soa-undecided") {
		t.Errorf("findings %v: no soa-undecided for the SoA awaiting decisions", rules)
	}
	processes := 0
	for _, p := range res.Site.Pages {
		if p.Doc.Type == "process" {
			processes++
		}
	}
	if processes < 10 {
		t.Errorf("%d processes, want one per clause area of 4–10", processes)
	}
	soa := string(res.Tree["soa/index.html"])
	if n := strings.Count(soa, `class="soa-row decision-undecided`); n != 93 {
		t.Errorf("/soa/ has %d rows awaiting a decision, want 93", n)
	}
	if _, ok := res.Tree["processes/index.html"]; !ok {
		t.Error("no process map page")
	}

	// isms check lists the same: exit 0, the to-do warnings on stderr,
	// the undecided SoA and the never-reviewed documents on stdout.
	code, out, errOut = runCLI(t, "check", "-s", dir, "--as-of", "2027-01-15")
	if code != 0 || !strings.Contains(errOut, "organization is the placeholder") || !strings.Contains(out, "soa-undecided") || !strings.Contains(out, "never-reviewed") {
		t.Errorf("check: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}

// TestNewSample: --sample writes the Harbourline sample with the same
// .gitignore; DIR must be new or empty; -h explains both.
func TestNewSample(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "site")
	if code, out, errOut := runCLI(t, "new", "--sample", dir); code != 0 || !strings.Contains(out, "Harbourline") {
		t.Fatalf("new --sample: exit %d: %s %s", code, out, errOut)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "isms.yaml")); err != nil || !strings.Contains(string(b), "Harbourline") {
		t.Errorf("sample isms.yaml = %q, %v", b, err)
	}
	for _, p := range []string{"content/policies/access-control.md", ".gitignore"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("sample lacks %s: %v", p, err)
		}
	}
	for _, args := range [][]string{{"new", dir}, {"new", "--sample", dir}} {
		if code, _, errOut := runCLI(t, args...); code != 1 || !strings.Contains(errOut, "not empty") {
			t.Errorf("%v into a non-empty folder: exit %d, %q; want 1", args, code, errOut)
		}
	}
	code, _, errOut := runCLI(t, "new", "-h")
	for _, want := range []string{"--sample", "93", "9.3.2", "TBD", "isms check", "Harbourline"} {
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("isms new -h: exit %d, does not mention %q:\n%s", code, want, errOut)
		}
	}
}
