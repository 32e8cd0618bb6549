package diagrams

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleISMS is a realistic 15-process ISMS: every PDCA phase, clauses 4–10,
// feedback loops (incidents back to risk assessment, management review back
// to context), documents that are not processes, every currency status, and
// one edge declared from both ends with two different labels. It is the
// fixture for the map golden file and for looking at the drawing.
func sampleISMS() Graph {
	proc := func(id, title, owner, phase, clause, status string) Node {
		return Node{
			ID: id, Label: title, Phase: phase, Order: clause, Status: status,
			URL:     "../" + strings.ToLower(id) + "/",
			Tooltip: title + " — owner: " + owner,
		}
	}
	doc := func(id, title string) Node {
		return Node{ID: id, Label: title, External: true, URL: "../../documents/" + strings.ToLower(id) + "/"}
	}
	nodes := []Node{
		proc("PRC-CONTEXT-01", "Context & scope", "CISO", "plan", "4.1", "current"),
		proc("PRC-LEAD-01", "Leadership & policy", "CEO", "plan", "5.1", "current"),
		proc("PRC-RISK-01", "Risk assessment", "Head of Risk", "plan", "6.1.2", "overdue"),
		proc("PRC-TREAT-01", "Risk treatment", "Head of Risk", "plan", "6.1.3", "current"),
		proc("PRC-OBJ-01", "Security objectives", "CISO", "plan", "6.2", "due-soon"),
		proc("PRC-RES-01", "Resources & competence", "HR Lead", "do", "7.1", "current"),
		proc("PRC-AWARE-01", "Awareness & communication", "HR Lead", "do", "7.3", "never-reviewed"),
		proc("PRC-DOC-01", "Documented information", "Quality Manager", "do", "7.5", "current"),
		proc("PRC-OPS-01", "Operational planning & control", "COO", "do", "8.1", "current"),
		proc("PRC-INC-01", "Incident management", "SOC Lead", "do", "8.1", "due-soon"),
		proc("PRC-MON-01", "Monitoring & measurement", "CISO", "check", "9.1", "current"),
		proc("PRC-AUDIT-01", "Internal audit", "Internal Auditor", "check", "9.2", "overdue"),
		proc("PRC-MR-01", "Management review", "CEO", "check", "9.3", "current"),
		proc("PRC-IMP-01", "Continual improvement", "CISO", "act", "10.1", "due-soon"),
		proc("PRC-NC-01", "Nonconformity & corrective action", "Quality Manager", "act", "10.2", "current"),
		doc("POL-ISMS-01", "Information security policy"),
		doc("REG-RISK-01", "Risk register"),
		doc("SOA-01", "Statement of Applicability"),
		doc("PLN-AUDIT-01", "Audit programme"),
	}
	e := func(from, to string, what ...string) Edge { return Edge{From: from, To: to, Labels: what} }
	edges := []Edge{
		e("PRC-CONTEXT-01", "PRC-RISK-01", "Scope & interested parties"),
		e("PRC-CONTEXT-01", "PRC-LEAD-01", "ISMS scope"),
		e("PRC-LEAD-01", "PRC-OBJ-01", "Security policy"),
		e("PRC-LEAD-01", "POL-ISMS-01", "Approved policy"),
		e("PRC-RISK-01", "PRC-TREAT-01", "Assessed risks"),
		e("PRC-RISK-01", "REG-RISK-01", "Risk register"),
		e("PRC-TREAT-01", "SOA-01", "Applicable controls"),
		e("PRC-TREAT-01", "PRC-OPS-01", "Treatment plan"),
		e("PRC-OBJ-01", "PRC-MON-01", "Objectives & metrics"),
		e("PRC-OBJ-01", "PRC-RES-01", "Resource needs"),
		e("PRC-RES-01", "PRC-AWARE-01", "Competence plan"),
		e("POL-ISMS-01", "PRC-AWARE-01", "Policy"),
		e("PRC-OPS-01", "PRC-INC-01", "Operating procedures"),
		e("PRC-OPS-01", "PRC-MON-01", "Control records"),
		e("PRC-INC-01", "PRC-NC-01", "Incident reports"),
		e("PRC-INC-01", "PRC-RISK-01", "New threats"),
		e("PRC-DOC-01", "PRC-AUDIT-01", "Records"),
		e("PRC-MON-01", "PRC-MR-01", "Metrics"),
		e("PRC-AUDIT-01", "PRC-MR-01", "Audit results"),
		e("PRC-AUDIT-01", "PRC-NC-01", "Audit findings"), // declared on AUDIT's outputs …
		e("PRC-AUDIT-01", "PRC-NC-01", "Audit findings"), // … and on NC's inputs: one edge
		e("PLN-AUDIT-01", "PRC-AUDIT-01", "Audit programme"),
		e("PRC-MR-01", "PRC-IMP-01", "Improvement decisions"),
		e("PRC-MR-01", "PRC-CONTEXT-01", "Changes to context"),
		e("PRC-NC-01", "PRC-IMP-01", "Corrective actions"),
		e("PRC-NC-01", "PRC-MR-01", "Status of actions"),
		e("PRC-NC-01", "PRC-MR-01", "Nonconformities"),
		e("PRC-IMP-01", "PRC-RISK-01", "Updated risk criteria"),
		e("PRC-AWARE-01", "PRC-DOC-01", "Training records"),
	}
	return New(nodes, edges)
}

// TestWriteSample writes the sample map and a neighbourhood as an HTML page
// for a person to look at, when DIAGRAMS_SAMPLE_DIR is set:
//
//	DIAGRAMS_SAMPLE_DIR=/tmp/sample go test ./diagrams -run TestWriteSample
//	chromium --headless --no-sandbox --disable-gpu --screenshot=/tmp/sample/map.png \
//	    --window-size=1400,1000 /tmp/sample/map.html
func TestWriteSample(t *testing.T) {
	dir := os.Getenv("DIAGRAMS_SAMPLE_DIR")
	if dir == "" {
		t.Skip("DIAGRAMS_SAMPLE_DIR not set")
	}
	r := NewRenderer("")
	g := sampleISMS()
	pages := map[string][]byte{
		"map":           DOT(g, Options{Title: "ISMS process map", Legend: true}),
		"neighbourhood": DOT(g.Neighbourhood("PRC-RISK-01"), Options{Focus: "PRC-RISK-01"}),
	}
	if os.Getenv("DIAGRAMS_SAMPLE_100") != "" { // about a second more
		pages["map100"] = DOT(generatedISMS(100), Options{Title: "100 processes", Legend: true})
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, dot := range pages {
		svg, err := r.SVG(context.Background(), dot)
		if err != nil {
			t.Fatal(err)
		}
		page := "<!doctype html><meta charset=utf-8><style>body{font-family:sans-serif;margin:16px}" +
			".diagram{overflow-x:auto;margin:0}.diagram svg{max-width:100%;height:auto}</style>" +
			"<figure class=diagram>" + string(svg) + "</figure>"
		for file, data := range map[string][]byte{name + ".html": []byte(page), name + ".svg": svg, name + ".dot": dot} {
			if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
