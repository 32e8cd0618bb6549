package risks

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/model"
)

// Treatments are the risk treatment options of ISO/IEC 27005 (8.5).
var Treatments = []string{"modify", "retain", "avoid", "share"}

// treatmentWords are the names other tools (eramba, CISO Assistant) and
// the 2013 vocabulary give the treatment options, for a hint.
var treatmentWords = map[string]string{
	"mitigate": "modify", "reduce": "modify", "treat": "modify",
	"accept": "retain", "tolerate": "retain",
	"transfer": "share", "insure": "share",
	"terminate": "avoid", "eliminate": "avoid",
}

// Score is a position on a scale as written (1-based), and where.
// N is 0 when it was not a whole number (already reported).
type Score struct {
	N   int
	Pos diag.Pos
}

// Rating is a likelihood and an impact.
type Rating struct {
	Likelihood, Impact Score
}

// Value is likelihood × impact (0 when either is unknown).
func (r Rating) Value() int { return r.Likelihood.N * r.Impact.N }

// Acceptance is the record of a retained (residual) risk being accepted.
type Acceptance struct {
	By        string
	On, Until model.Date
	Pos       diag.Pos // the until: value, where an expiry is reported
}

// Ref is an id another record has, and where it was written.
type Ref struct {
	ID  string
	Pos diag.Pos
}

// Risk is one entry of a risks: list (6.1.2 assessment, 6.1.3 treatment).
type Risk struct {
	ID, Title, Owner string
	Inherent         Rating
	Residual         *Rating // nil when not given
	Treatment        string
	Plan             string // what the treatment does, in the owner's words
	Controls         []Ref  // normalised Annex A ids
	Actions          []Ref
	Assessed         model.Date
	Acceptance       *Acceptance
	Pos              diag.Pos // the id
}

// Score is the residual rating's value, or the inherent one's when no
// residual is given: what is retained once the treatment is done.
func (r *Risk) Score() int {
	if r.Residual != nil {
		return r.Residual.Value()
	}
	return r.Inherent.Value()
}

var riskKeys = []string{"id", "title", "owner", "likelihood", "impact", "treatment", "plan", "controls", "residual", "assessed", "acceptance", "actions"}

// Sections gives the risk register the front-matter key risks:.
func (*Report) Sections() []model.Section {
	return []model.Section{{Key: "risks", Decode: decodeRisks, Records: riskRecords}}
}

// risksOf is a document's risks (none when it has none).
func risksOf(d *model.Document) []Risk {
	rs, _ := d.Sections["risks"].([]Risk)
	return rs
}

func riskRecords(decoded any) []model.Record {
	rs, _ := decoded.([]Risk)
	out := make([]model.Record, 0, len(rs))
	for _, r := range rs {
		refs := map[string][]string{}
		for _, c := range r.Controls {
			refs["control"] = append(refs["control"], c.ID)
		}
		for _, a := range r.Actions {
			refs["action"] = append(refs["action"], a.ID)
		}
		out = append(out, model.Record{Kind: "risk", ID: r.ID, Title: r.Title, Pos: r.Pos, Refs: refs})
	}
	return out
}

// decodeRisks reads risks: entries. Scores are checked against the
// scales of isms.yaml in Analyze, which knows them; here they need only
// be whole numbers.
func decodeRisks(v model.Values, n *yaml.Node) any {
	var out []Risk
	for _, e := range v.List(n, "risks") {
		f := v.Fields(e, "risks", riskKeys)
		if f == nil {
			continue
		}
		r := Risk{Pos: v.Pos(e)}
		ok := true
		for _, k := range []string{"id", "title", "likelihood", "impact"} {
			if f[k] == nil {
				v.Errorf(e, "missing-field", "risk entry needs %q", k)
				ok = false
			}
		}
		if x := f["id"]; x != nil {
			r.ID, r.Pos = v.Str(x), v.Pos(x)
			if r.ID == "" {
				v.Errorf(x, "missing-field", "risk id is empty")
				ok = false
			}
		}
		if !ok {
			continue
		}
		r.Title = v.Str(f["title"])
		if x := f["owner"]; x != nil {
			r.Owner = v.Str(x)
		}
		r.Inherent = Rating{score(v, f["likelihood"], "likelihood"), score(v, f["impact"], "impact")}
		if x := f["treatment"]; x != nil {
			if w, ok := treatmentWords[strings.ToLower(v.Str(x))]; ok {
				v.Errorf(x, "bad-treatment", "treatment %q is not one of %s: ISO/IEC 27005 calls it %q", v.Str(x), strings.Join(Treatments, ", "), w)
			} else {
				r.Treatment = v.Enum(x, "treatment", Treatments)
			}
		}
		if x := f["plan"]; x != nil {
			r.Plan = v.Str(x)
		}
		if x := f["controls"]; x != nil {
			for _, c := range v.StrList(x) {
				if n, ok := v.Control(c); ok {
					r.Controls = append(r.Controls, Ref{n, v.Pos(c)})
				}
			}
		}
		if x := f["actions"]; x != nil {
			for _, a := range v.StrList(x) {
				if id := v.Str(a); id != "" {
					r.Actions = append(r.Actions, Ref{id, v.Pos(a)})
				}
			}
		}
		if x := f["residual"]; x != nil {
			if rf := v.Fields(x, "residual", []string{"likelihood", "impact"}); rf != nil {
				if rf["likelihood"] == nil || rf["impact"] == nil {
					v.Errorf(x, "missing-field", "residual needs both \"likelihood\" and \"impact\"")
				} else {
					r.Residual = &Rating{score(v, rf["likelihood"], "likelihood"), score(v, rf["impact"], "impact")}
				}
			}
		}
		if x := f["assessed"]; x != nil {
			r.Assessed = v.Date(x)
		}
		if x := f["acceptance"]; x != nil {
			if af := v.Fields(x, "acceptance", []string{"by", "on", "until"}); af != nil {
				a := &Acceptance{Pos: v.Pos(x)}
				if af["by"] == nil || af["until"] == nil {
					v.Errorf(x, "missing-field", "acceptance needs \"by\" (who accepted the risk) and \"until\" (when the acceptance ends)")
				}
				if y := af["by"]; y != nil {
					a.By = v.Str(y)
				}
				if y := af["on"]; y != nil {
					a.On = v.Date(y)
				}
				if y := af["until"]; y != nil {
					a.Until, a.Pos = v.Date(y), v.Pos(y)
				}
				r.Acceptance = a
			}
		}
		out = append(out, r)
	}
	return out
}

// score reads a likelihood or an impact: a whole number from 1.
func score(v model.Values, n *yaml.Node, what string) Score {
	s := v.Str(n)
	if n.Kind != yaml.ScalarNode {
		return Score{Pos: v.Pos(n)} // reported by Str
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 1 {
		v.Errorf(n, "bad-score", "%s must be a whole number from 1 (a position on the %s scale), found %q", what, what, s)
		return Score{Pos: v.Pos(n)}
	}
	return Score{N: i, Pos: v.Pos(n)}
}
