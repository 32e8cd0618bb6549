package actions

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/model"
)

// The closed vocabularies of actions: entries.
var (
	Kinds      = []string{"nonconformity", "observation", "opportunity", "action"}
	Severities = []string{"major", "minor"}
	Statuses   = []string{"open", "in-progress", "done", "verified", "cancelled"}
	Results    = []string{"effective", "not-effective"}
)

// Ref is an id written in an entry and where it was written.
type Ref struct {
	ID  string
	Pos diag.Pos
}

// Action is one actions: entry: a nonconformity, an audit observation,
// an opportunity for improvement or any other action (10.2, 9.2, 9.3).
type Action struct {
	ID, Title      string
	Kind, Severity string // severity only for nonconformities
	Source         Ref    // id of the document it was raised in
	Owner          string
	Raised, Due    model.Date
	Status         string
	RootCause      string
	Correction     string
	Done           model.Date
	Effectiveness  *Effectiveness
	Risks          []Ref
	Controls       []Ref // normalised ("A.8.9" → "8.9")
	Pos            diag.Pos
}

// Open reports whether the action is still to be done.
func (a *Action) Open() bool { return a.Status == "open" || a.Status == "in-progress" }

// Closed reports whether the action was done (verified or not).
func (a *Action) Closed() bool { return a.Status == "done" || a.Status == "verified" }

// Effectiveness is the review of a done action's effectiveness (10.2 d).
type Effectiveness struct {
	Checked model.Date
	By      string
	Result  string
}

// Exception is one exceptions: entry: a time-limited, approved departure
// from a policy or procedure.
type Exception struct {
	ID, Title       string
	Policy          Ref // the document departed from
	Controls, Risks []Ref
	ApprovedBy      string
	Granted         model.Date
	Expires         model.Date
	Compensating    string
	Pos             diag.Pos
}

var (
	actionKeys    = []string{"id", "title", "kind", "severity", "source", "raised", "owner", "due", "status", "root_cause", "correction", "done", "effectiveness", "risks", "controls"}
	effectKeys    = []string{"checked", "by", "result"}
	exceptionKeys = []string{"id", "title", "policy", "controls", "risks", "approved_by", "granted", "expires", "compensating"}
)

// Sections gives the actions report the front-matter key actions:, each
// entry a record (kind "action") other reports may reference.
func (*Report) Sections() []model.Section {
	return []model.Section{{Key: "actions", Decode: decodeActions, Records: actionRecords}}
}

// Sections gives the exceptions report the front-matter key exceptions:,
// each entry a record of kind "exception".
func (*Exceptions) Sections() []model.Section {
	return []model.Section{{Key: "exceptions", Decode: decodeExceptions, Records: exceptionRecords}}
}

// DocActions and DocExceptions are a document's decoded entries.
func DocActions(d *model.Document) []Action {
	as, _ := d.Sections["actions"].([]Action)
	return as
}
func DocExceptions(d *model.Document) []Exception {
	es, _ := d.Sections["exceptions"].([]Exception)
	return es
}

func actionRecords(decoded any) []model.Record {
	as, _ := decoded.([]Action)
	out := make([]model.Record, 0, len(as))
	for _, a := range as {
		refs := map[string][]string{"risk": ids(a.Risks), "control": ids(a.Controls)}
		if a.Source.ID != "" {
			refs["document"] = []string{a.Source.ID}
		}
		out = append(out, model.Record{Kind: "action", ID: a.ID, Title: a.Title, Status: a.Status, Pos: a.Pos, Refs: refs})
	}
	return out
}

func exceptionRecords(decoded any) []model.Record {
	es, _ := decoded.([]Exception)
	out := make([]model.Record, 0, len(es))
	for _, e := range es {
		refs := map[string][]string{"risk": ids(e.Risks), "control": ids(e.Controls)}
		if e.Policy.ID != "" {
			refs["document"] = []string{e.Policy.ID}
		}
		out = append(out, model.Record{Kind: "exception", ID: e.ID, Title: e.Title, Pos: e.Pos, Refs: refs})
	}
	return out
}

func ids(rs []Ref) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// idPattern is what a record id may hold, as for document ids: it
// becomes a URL fragment and a calendar UID.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// recordID reads an entry's id, reporting one that would not make a
// clean anchor (bad-id).
func recordID(v model.Values, n *yaml.Node) string {
	id := v.Str(n)
	if id != "" && !idPattern.MatchString(id) {
		v.Errorf(n, "bad-id", "id %q may hold only letters, digits, '.', '_' and '-'", id)
	}
	return id
}

// required reads the fields of an entry and reports each of need that is
// missing or empty, at the entry; ok is false when any is.
func required(v model.Values, e *yaml.Node, f map[string]*yaml.Node, what string, need ...string) bool {
	ok := true
	for _, k := range need {
		x, given := f[k]
		if !given || blank(x) {
			v.Errorf(e, "missing-field", "%s entry needs %q", what, k)
			ok = false
		}
	}
	return ok
}

// refs reads one id or a list of ids.
func refs(v model.Values, n *yaml.Node) []Ref {
	var out []Ref
	for _, x := range v.StrList(n) {
		if s := v.Str(x); s != "" {
			out = append(out, Ref{ID: s, Pos: v.Pos(x)})
		}
	}
	return out
}

// controls reads Annex A control ids, normalised, naming the closest
// control for one that is not in Annex A.
func controls(v model.Values, n *yaml.Node) []Ref {
	var out []Ref
	for _, x := range v.StrList(n) {
		if v.Str(x) == "" {
			continue
		}
		if c, ok := v.Control(x); ok {
			out = append(out, Ref{ID: c, Pos: v.Pos(x)})
		}
	}
	return out
}

// decodeActions reads actions: entries and rejects the states an action
// cannot be in, each at the value that contradicts the others.
func decodeActions(v model.Values, n *yaml.Node) any {
	var out []Action
	for _, e := range v.List(n, "actions") {
		f := v.Fields(e, "actions", actionKeys)
		if f == nil {
			continue
		}
		if !required(v, e, f, "actions", "id", "title", "kind", "status") {
			continue
		}
		a := Action{ID: recordID(v, f["id"]), Pos: v.Pos(f["id"]), Title: v.Str(f["title"])}
		a.Kind = v.Enum(f["kind"], "kind", Kinds)
		a.Status = v.Enum(f["status"], "status", Statuses)
		if x, ok := f["severity"]; ok {
			a.Severity = v.Enum(x, "severity", Severities)
			if a.Kind != "" && a.Kind != "nonconformity" {
				v.Errorf(x, "bad-severity", "severity is graded for nonconformities only; %s is %s %s", a.ID, article(a.Kind), a.Kind)
			}
		} else if a.Kind == "nonconformity" {
			v.Errorf(e, "missing-field", "nonconformity %s needs \"severity\": major or minor", a.ID)
		}
		if x, ok := f["source"]; ok {
			a.Source = Ref{ID: v.Str(x), Pos: v.Pos(x)}
		}
		for _, s := range []struct {
			key string
			to  *string
		}{{"owner", &a.Owner}, {"root_cause", &a.RootCause}, {"correction", &a.Correction}} {
			if x, ok := f[s.key]; ok {
				*s.to = v.Str(x)
			}
		}
		for _, d := range []struct {
			key string
			to  *model.Date
		}{{"raised", &a.Raised}, {"due", &a.Due}, {"done", &a.Done}} {
			if x, ok := f[d.key]; ok {
				*d.to = v.Date(x)
			}
		}
		if x, ok := f["risks"]; ok {
			a.Risks = refs(v, x)
		}
		if x, ok := f["controls"]; ok {
			a.Controls = controls(v, x)
		}
		if x, ok := f["effectiveness"]; ok {
			a.Effectiveness = decodeEffect(v, x, a.ID)
		}
		checkAction(v, e, f, &a)
		out = append(out, a)
	}
	return out
}

func decodeEffect(v model.Values, n *yaml.Node, id string) *Effectiveness {
	f := v.Fields(n, "effectiveness", effectKeys)
	if f == nil {
		return nil
	}
	if !required(v, n, f, "effectiveness", "checked", "result") {
		return nil
	}
	ef := &Effectiveness{Checked: v.Date(f["checked"]), Result: v.Enum(f["result"], "result", Results)}
	if x, ok := f["by"]; ok {
		ef.By = v.Str(x)
	}
	return ef
}

// checkAction reports impossible states: a done date on an action still
// open, a done or verified action without one, dates out of order, and an
// effectiveness check before the action was done.
func checkAction(v model.Values, e *yaml.Node, f map[string]*yaml.Node, a *Action) {
	switch {
	case a.Open() && !a.Done.IsZero():
		v.Errorf(f["done"], "impossible-state", "%s is %s but has a done date: set status to done, or remove done", a.ID, a.Status)
	case a.Closed() && a.Done.IsZero() && blank(f["done"]):
		v.Errorf(f["status"], "impossible-state", "%s is %s but has no done date: add done: YYYY-MM-DD", a.ID, a.Status)
	}
	if !a.Raised.IsZero() && !a.Due.IsZero() && a.Due.Before(a.Raised) {
		v.Errorf(f["due"], "impossible-state", "%s is due on %s, before it was raised on %s", a.ID, a.Due, a.Raised)
	}
	if !a.Raised.IsZero() && !a.Done.IsZero() && a.Done.Before(a.Raised) {
		v.Errorf(f["done"], "impossible-state", "%s was done on %s, before it was raised on %s", a.ID, a.Done, a.Raised)
	}
	if ef := a.Effectiveness; ef != nil && !ef.Checked.IsZero() {
		ck := f["effectiveness"]
		if x := findKey(ck, "checked"); x != nil {
			ck = x
		}
		switch {
		case a.Done.IsZero():
			v.Errorf(ck, "impossible-state", "%s has an effectiveness check but was never done: only a done action's effectiveness can be checked", a.ID)
		case ef.Checked.Before(a.Done):
			v.Errorf(ck, "impossible-state", "%s's effectiveness was checked on %s, before it was done on %s", a.ID, ef.Checked, a.Done)
		}
	}
}

// blank reports whether n is absent or an empty or null scalar (an
// invalid date has been reported already).
func blank(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || strings.TrimSpace(n.Value) == "")
}

// findKey is the value of key in mapping n, or nil.
func findKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// decodeExceptions reads exceptions: entries; an exception that expires
// before it was granted is an error at expires.
func decodeExceptions(v model.Values, n *yaml.Node) any {
	var out []Exception
	for _, e := range v.List(n, "exceptions") {
		f := v.Fields(e, "exceptions", exceptionKeys)
		if f == nil {
			continue
		}
		if !required(v, e, f, "exceptions", "id", "title", "policy", "expires") {
			continue
		}
		x := Exception{ID: recordID(v, f["id"]), Pos: v.Pos(f["id"]), Title: v.Str(f["title"])}
		x.Policy = Ref{ID: v.Str(f["policy"]), Pos: v.Pos(f["policy"])}
		x.Expires = v.Date(f["expires"])
		if y, ok := f["granted"]; ok {
			x.Granted = v.Date(y)
		}
		if y, ok := f["approved_by"]; ok {
			x.ApprovedBy = v.Str(y)
		}
		if y, ok := f["compensating"]; ok {
			x.Compensating = v.Str(y)
		}
		if y, ok := f["controls"]; ok {
			x.Controls = controls(v, y)
		}
		if y, ok := f["risks"]; ok {
			x.Risks = refs(v, y)
		}
		if !x.Granted.IsZero() && !x.Expires.IsZero() && x.Expires.Before(x.Granted) {
			v.Errorf(f["expires"], "impossible-state", "%s expires on %s, before it was granted on %s", x.ID, x.Expires, x.Granted)
		}
		out = append(out, x)
	}
	return out
}

// article is "an" before a vowel, else "a".
func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an"
	}
	return "a"
}
