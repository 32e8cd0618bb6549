// Package synth writes synthetic ISMS sites for benchmarks: N documents of
// 800–1,500 words with headings, lists, a table, fenced code in about one
// in five, complete front-matter (ids, types, owners, clauses, Annex A
// controls, review dates, processes with a phase and input edges forming a
// connected graph) and relative links that resolve. Everything is derived
// from a fixed seed, so the same N gives byte-identical files on every
// machine, and a benchmark run today compares with one run next year.
//
// The same folder is also a Hugo site (hugo.toml and layouts/ beside
// content/), so both generators read exactly the same Markdown. Process
// edges are declared only from their target end (inputs): Hugo reserves
// the front-matter key outputs for its output formats and refuses our
// edge maps there, and our link stage merges an edge the same way from
// either end.
package synth

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path"
	"strings"
)

// File is one file of a generated site, path relative to the site root.
type File struct {
	Path string
	Data []byte
}

// Seed is the fixed seed every site is generated from.
const Seed = 27001

// docType is one document type, how it is named and how common it is.
type docType struct {
	typ, dir, prefix string
	share            int // out of 100
}

// types are in schema order; the shares make a mature ISMS, where records,
// minutes and evidence outnumber the policies they prove.
var types = []docType{
	{"manual", "manual", "MAN", 0}, // always exactly one
	{"policy", "policies", "POL", 8},
	{"process", "processes", "PRC", 4},
	{"procedure", "procedures", "PRO", 14},
	{"standard", "standards", "STD", 8},
	{"plan", "plans", "PLN", 4},
	{"register", "registers", "REG", 2},
	{"record", "records", "REC", 30},
	{"minutes", "minutes", "MIN", 6},
	{"evidence", "evidence", "EVI", 24},
}

var owners = []string{
	"Head of Information Security", "Head of IT Operations", "Head of Engineering",
	"Head of Risk and Compliance", "HR Director", "Finance Director", "Operations Director",
	"Facilities Manager", "Data Protection Officer", "Managing Director", "Service Desk Lead",
	"Head of Procurement",
}

var authors = []string{"R. Osei", "G. Lloyd", "M. Varga", "J. Doe", "A. Nowak", "S. Tanaka", "L. Moreau"}

var clauses = []string{
	"4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1.1", "6.1.2", "6.1.3", "6.2", "6.3",
	"7.1", "7.2", "7.3", "7.4", "7.5", "8.1", "8.2", "8.3", "9.1", "9.2", "9.3", "10.1", "10.2",
}

// Controls are the 93 Annex A 2022 control ids.
var Controls = func() []string {
	var ids []string
	for _, t := range []struct{ theme, n int }{{5, 37}, {6, 8}, {7, 14}, {8, 34}} {
		for i := 1; i <= t.n; i++ {
			ids = append(ids, fmt.Sprintf("%d.%d", t.theme, i))
		}
	}
	return ids
}()

var words = strings.Fields(`access account accountable activity administrator agreement
alert approval archive asset assurance audit authentication authority availability backup
baseline boundary breach business capacity certificate change classification client cloud
compliance confidentiality configuration consignment contract control criteria customer
data database decision depot device dispatch document driver encryption endpoint escalation
event evidence exception exercise failure firewall handover haulier identity impact incident
information integrity interface inventory key laptop legal licence likelihood log maintenance
management measurement media monitoring network objective obligation owner partner password
patch performance personnel plan policy portal privilege procedure process record recovery
register release requirement residual resilience responsibility restore retention review
risk role rotation schedule scope secret segregation server service shipment site software
staff standard supplier system target test threat training transfer treatment user
vendor vulnerability warehouse workstation`)

var verbs = strings.Fields(`approves assesses checks confirms documents escalates
identifies logs monitors records reports restores reviews revokes schedules tests tracks
updates validates verifies`)

var headings = []string{
	"Scope", "Responsibilities", "Requirements", "Method", "Records", "Exceptions",
	"Monitoring", "Escalation", "Roles", "Frequency", "Inputs and outputs", "Criteria",
	"Training", "Suppliers", "Retention",
}

// doc is one planned document: what the links and edges need to know
// before any text is written.
type doc struct {
	i     int
	t     docType
	id    string
	path  string // under content/
	title string
	file  string // evidence artefact under content/, "" for none
}

// maxProcesses caps the process count (see plan).
const maxProcesses = 40

func typeIndex(typ string) int {
	for k, t := range types {
		if t.typ == typ {
			return k
		}
	}
	return 0
}

// plan assigns every document its type, id, path and title.
func plan(n int) []doc {
	docs := []doc{{i: 0, t: types[0], id: "MAN-00001", path: "manual/isms-manual.md", title: "Information security manual"}}
	// Largest-remainder split of n-1 documents over the shares, so every
	// N gives the same proportions and at least a few processes.
	rest := n - 1
	counts := make([]int, len(types))
	total := 0
	for k, t := range types[1:] {
		counts[k+1] = rest * t.share / 100
		total += counts[k+1]
	}
	// An ISMS has a few dozen processes however many records it keeps
	// (clause 4.4 asks for the processes, not one per document); the
	// rest of the share goes to records.
	if p := typeIndex("process"); counts[p] > maxProcesses {
		total -= counts[p] - maxProcesses
		counts[p] = maxProcesses
		counts[typeIndex("record")] += rest - total
		total = rest
	}
	for k := 1; total < rest; k = k%(len(types)-1) + 1 {
		counts[k]++
		total++
	}
	for k, t := range types[1:] {
		for j := 1; j <= counts[k+1]; j++ {
			i := len(docs)
			slug := fmt.Sprintf("%s-%05d", strings.ToLower(t.prefix), j)
			d := doc{i: i, t: t, id: fmt.Sprintf("%s-%05d", t.prefix, j), path: t.dir + "/" + slug + ".md",
				title: fmt.Sprintf("%s %s %d", titleWord(i), model(t.typ), j)}
			if t.typ == "evidence" {
				d.file = "evidence/files/" + slug + ".csv"
			}
			docs = append(docs, d)
		}
	}
	return docs
}

func titleWord(i int) string {
	w := words[(i*7919)%len(words)]
	return strings.ToUpper(w[:1]) + w[1:]
}

func model(t string) string {
	switch t {
	case "minutes":
		return "meeting minutes"
	case "evidence":
		return "evidence"
	}
	return t
}

// Site returns the files of a site with n documents (n ≥ 1) at revision
// rev of each document: rev(i) is how often document i was edited (the
// git history writer passes increasing values; nil means 0 for all).
func Site(n int, rev func(i int) int) []File {
	if n < 1 {
		n = 1
	}
	if rev == nil {
		rev = func(int) int { return 0 }
	}
	docs := plan(n)
	files := []File{{Path: "isms.yaml", Data: []byte(config)}}
	files = append(files, Hugo()...)
	procs := byType(docs, "process")
	for _, d := range docs {
		files = append(files, File{Path: "content/" + d.path, Data: Document(docs, procs, d.i, rev(d.i))})
		if d.file != "" {
			files = append(files, File{Path: "content/" + d.file, Data: artefact(d)})
		}
	}
	return files
}

// Documents is how many documents Site(n) writes, and their content paths.
func Documents(n int) []string {
	var out []string
	for _, d := range plan(max(n, 1)) {
		out = append(out, d.path)
	}
	return out
}

const config = `title: Synthetic ISMS
organization: Benchmark Ltd
base_url: /
review_every: 12m
due_soon: 30d
as_of: 2026-11-27
`

func byType(docs []doc, t string) []doc {
	var out []doc
	for _, d := range docs {
		if d.t.typ == t {
			out = append(out, d)
		}
	}
	return out
}

func artefact(d doc) []byte {
	var b bytes.Buffer
	b.WriteString("date,check,result\n")
	for k := range 5 {
		fmt.Fprintf(&b, "2026-0%d-1%d,%s,%s\n", k+1, k, words[(d.i+k)%len(words)], []string{"pass", "pass", "fail"}[(d.i+k)%3])
	}
	return b.Bytes()
}

// Document writes document i at revision rev. Everything but a few
// revision-dependent lines comes from a generator seeded by (Seed, i), so
// a later revision differs from an earlier one only where an editor would
// have changed it: version, review date, the revision table, one line.
func Document(docs []doc, procs []doc, i, rev int) []byte {
	d := docs[i]
	r := rand.New(rand.NewPCG(Seed, uint64(i)))
	var b bytes.Buffer
	b.WriteString("---\n")
	fmt.Fprintf(&b, "id: %s\ntitle: %s\ntype: %s\nowner: %s\n", d.id, d.title, d.t.typ, owners[r.IntN(len(owners))])
	cl := pick(r, clauses, 1+r.IntN(3))
	fmt.Fprintf(&b, "clause: [%s]\n", quoteList(cl))
	if ctl := pick(r, Controls, r.IntN(5)); len(ctl) > 0 {
		fmt.Fprintf(&b, "controls: [%s]\n", quoteList(ctl))
	}
	fmt.Fprintf(&b, "version: \"%d.%d\"\n", 1+r.IntN(4), rev)
	status := "approved"
	if r.IntN(20) == 0 {
		status = "draft"
	}
	fmt.Fprintf(&b, "status: %s\nclassification: %s\n", status, []string{"public", "internal", "internal", "confidential", "restricted"}[r.IntN(5)])
	// Review dates spread over 2024-06 … 2026-11 so that the currency
	// report has current, due-soon and overdue documents.
	day := r.IntN(880) + rev*3
	reviewed := dateAt(2024, 6, 1, min(day, 909))
	fmt.Fprintf(&b, "approved_by: Managing Director\napproved: %s\nreviewed: %s\nreview_every: %s\n",
		reviewed, reviewed, []string{"12m", "12m", "6m", "24m"}[r.IntN(4)])
	switch d.t.typ {
	case "process":
		writeProcess(&b, r, procs, d)
	case "minutes", "record":
		fmt.Fprintf(&b, "date: %s\n", dateAt(2024, 1, 1, r.IntN(1000)))
	case "evidence":
		fmt.Fprintf(&b, "date: %s\nfile: %s\n", dateAt(2024, 1, 1, r.IntN(1000)), d.file)
	}
	if d.t.typ == "register" && d.i == firstOf(docs, "register") {
		writeApplicability(&b, r)
	}
	b.WriteString("history:\n")
	for k := rev; k >= 0 && k > rev-3; k-- {
		fmt.Fprintf(&b, "  - { version: \"%d\", date: %s, author: \"%s\", change: \"%s\" }\n",
			k, dateAt(2023, 1, 1, k*7+i%30), authors[(i+k)%len(authors)], []string{"First issue", "Annual review", "Owner changed", "Scope clarified"}[k%4])
	}
	b.WriteString("---\n\n")
	writeBody(&b, r, docs, d, rev)
	return b.Bytes()
}

func firstOf(docs []doc, t string) int {
	for _, d := range docs {
		if d.t.typ == t {
			return d.i
		}
	}
	return -1
}

// writeProcess gives process k a PDCA phase and inputs from process k-1
// (a chain through all processes, so the graph is connected) and from one
// random earlier process, the way real processes feed each other.
func writeProcess(b *bytes.Buffer, r *rand.Rand, procs []doc, d doc) {
	k := 0
	for j, p := range procs {
		if p.i == d.i {
			k = j
		}
	}
	fmt.Fprintf(b, "phase: %s\n", []string{"plan", "do", "check", "act"}[k%4])
	if k == 0 {
		return
	}
	b.WriteString("inputs:\n")
	fmt.Fprintf(b, "  - { from: %s, what: \"%s %s\" }\n", procs[k-1].id, upper(words[r.IntN(len(words))]), words[r.IntN(len(words))])
	if k > 1 {
		if j := r.IntN(k - 1); j != k-1 {
			fmt.Fprintf(b, "  - %s\n", procs[j].id)
		}
	}
}

func writeApplicability(b *bytes.Buffer, r *rand.Rand) {
	b.WriteString("applicability:\n")
	for _, c := range Controls {
		if r.IntN(10) == 0 {
			fmt.Fprintf(b, "  - { control: \"%s\", applicable: false, justification: \"No %s in scope\" }\n", c, words[r.IntN(len(words))])
			continue
		}
		fmt.Fprintf(b, "  - { control: \"%s\", applicable: true, status: implemented, justification: \"Protects %s %s\" }\n",
			c, words[r.IntN(len(words))], words[r.IntN(len(words))])
	}
}

// writeBody writes 800–1,500 words of Markdown: sections with paragraphs,
// one bulleted and one numbered list, a table, fenced code in about one
// document in five, and links to other documents (some with a #fragment
// to their "Purpose" heading, which every document has).
func writeBody(b *bytes.Buffer, r *rand.Rand, docs []doc, d doc, rev int) {
	target := 690 + r.IntN(561) // plus lists, tables and headings: 800–1,500 in all
	n := 0
	para := func(links int) {
		count := 40 + r.IntN(50)
		for k := range count {
			if k > 0 {
				b.WriteByte(' ')
			}
			if k == 0 {
				b.WriteString("The ")
			} else if k%11 == 0 {
				b.WriteString(verbs[r.IntN(len(verbs))])
				b.WriteByte(' ')
			}
			w := words[r.IntN(len(words))]
			switch {
			case links > 0 && k == count/2:
				links--
				t := docs[r.IntN(len(docs))]
				frag := ""
				if r.IntN(3) == 0 {
					frag = "#purpose"
				}
				fmt.Fprintf(b, "[%s](%s%s)", t.title, relPath(d.path, t.path), frag)
			case k%17 == 5:
				fmt.Fprintf(b, "**%s**", w)
			case k%29 == 7:
				fmt.Fprintf(b, "`%s-%d`", w, k)
			default:
				b.WriteString(w)
			}
		}
		b.WriteString(".\n\n")
		n += count + count/11
	}
	b.WriteString("## Purpose\n\n")
	para(1)
	fmt.Fprintf(b, "This is revision %d of %s.\n\n", rev, d.id)
	sections := pick(r, headings, 4+r.IntN(4))
	for s, h := range sections {
		fmt.Fprintf(b, "## %s\n\n", h)
		para(1)
		switch s {
		case 0:
			for k := range 4 + r.IntN(4) {
				fmt.Fprintf(b, "- the %s %s the %s %s;\n", words[r.IntN(len(words))], verbs[(k+r.IntN(4))%len(verbs)], words[r.IntN(len(words))], words[r.IntN(len(words))])
				n += 5
			}
			b.WriteString("\n")
		case 1:
			b.WriteString("| Step | Owner | Evidence | Frequency |\n|---|---|---|---|\n")
			for k := range 5 {
				fmt.Fprintf(b, "| %d | %s | %s %s | %s |\n", k+1, owners[r.IntN(len(owners))], words[r.IntN(len(words))], words[r.IntN(len(words))], []string{"daily", "weekly", "monthly", "yearly"}[r.IntN(4)])
				n += 6
			}
			b.WriteString("\n")
		case 2:
			for k := range 3 + r.IntN(3) {
				fmt.Fprintf(b, "%d. %s the %s and %s the %s.\n", k+1, upper(verbs[r.IntN(len(verbs))]), words[r.IntN(len(words))], verbs[r.IntN(len(verbs))], words[r.IntN(len(words))])
				n += 6
			}
			b.WriteString("\n")
		case 3:
			if d.i%5 == 2 {
				writeCode(b, r)
			}
		}
		if s < len(sections)-1 && r.IntN(2) == 0 {
			fmt.Fprintf(b, "### %s details\n\n", h)
		}
		for n < target*(s+1)/len(sections) {
			para(r.IntN(2))
		}
	}
}

func writeCode(b *bytes.Buffer, r *rand.Rand) {
	if r.IntN(2) == 0 {
		b.WriteString("```yaml\nschedule:\n")
		for k := range 4 {
			fmt.Fprintf(b, "  - name: %s-%d\n    every: %dh\n    owner: %q\n", words[r.IntN(len(words))], k, 1+r.IntN(24), owners[r.IntN(len(owners))])
		}
		b.WriteString("```\n\n")
		return
	}
	b.WriteString("```sh\n")
	for k := range 5 {
		fmt.Fprintf(b, "sudo systemctl restart %s-%d && journalctl -u %s --since \"-%dh\" | grep -c error\n", words[r.IntN(len(words))], k, words[r.IntN(len(words))], 1+r.IntN(48))
	}
	b.WriteString("```\n\n")
}

// relPath is the link from one content path to another.
func relPath(from, to string) string {
	if path.Dir(from) == path.Dir(to) {
		return path.Base(to)
	}
	return "../" + to
}

func pick(r *rand.Rand, from []string, k int) []string {
	idx := r.Perm(len(from))[:min(k, len(from))]
	out := make([]string, len(idx))
	for j, x := range idx {
		out[j] = from[x]
	}
	return out
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for k, x := range xs {
		q[k] = `"` + x + `"`
	}
	return strings.Join(q, ", ")
}

func upper(w string) string { return strings.ToUpper(w[:1]) + w[1:] }

func dateAt(y, m, d, plusDays int) string {
	// Proleptic month lengths are enough here: dates only need to be valid.
	days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	d += plusDays
	for {
		ml := days[m-1]
		if m == 2 && y%4 == 0 {
			ml = 29
		}
		if d <= ml {
			break
		}
		d -= ml
		m++
		if m > 12 {
			m, y = 1, y+1
		}
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}
