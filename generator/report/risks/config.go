package risks

import (
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/model"
)

// Method is the risk method declared in isms.yaml's risk: block (6.1.2 a:
// the criteria for accepting risks and for assessing them).
type Method struct {
	Likelihood, Impact []string // scale labels, lowest first
	Appetite           int      // the highest score that may be retained without an acceptance
	ReassessEvery      model.Interval
}

// DefaultMethod is the method of a site whose isms.yaml has no risk: block
// (or leaves keys out): 5 × 5 scales, appetite 8, reassessment yearly.
func DefaultMethod() Method {
	return Method{
		Likelihood:    []string{"Rare", "Unlikely", "Possible", "Likely", "Almost certain"},
		Impact:        []string{"Negligible", "Minor", "Moderate", "Major", "Severe"},
		Appetite:      8,
		ReassessEvery: model.Interval{N: 12, Unit: 'm'},
	}
}

// ConfigSections gives the report isms.yaml's risk: block.
func (*Report) ConfigSections() []model.Section {
	return []model.Section{{Key: "risk", Decode: decodeMethod}}
}

// method is the site's method: isms.yaml's, or the defaults.
func method(c model.Config) Method {
	if m, ok := c.Sections["risk"].(Method); ok {
		return m
	}
	return DefaultMethod()
}

// maxScale is the longest scale accepted: a heat map of more rows or
// columns is not one anybody reads.
const maxScale = 10

func decodeMethod(v model.Values, n *yaml.Node) any {
	m := DefaultMethod()
	f := v.Fields(n, "risk", []string{"likelihood", "impact", "appetite", "reassess_every"})
	if f == nil {
		return m
	}
	for key, dst := range map[string]*[]string{"likelihood": &m.Likelihood, "impact": &m.Impact} {
		x := f[key]
		if x == nil {
			continue
		}
		var labels []string
		for _, l := range v.List(x, key) {
			s := v.Str(l)
			if s == "" {
				v.Errorf(l, "bad-value", "a %s label may not be empty", key)
			}
			labels = append(labels, s)
		}
		switch {
		case x.Kind != yaml.SequenceNode:
		case len(labels) < 2 || len(labels) > maxScale:
			v.Errorf(x, "bad-value", "the %s scale needs 2 to %d labels, lowest first; found %d", key, maxScale, len(labels))
		default:
			*dst = labels
		}
	}
	if x := f["appetite"]; x != nil {
		s := v.Str(x)
		a, err := strconv.Atoi(s)
		switch {
		case x.Kind != yaml.ScalarNode: // reported by Str
		case err != nil || a < 1:
			v.Errorf(x, "bad-value", "appetite must be a whole number from 1 (the highest likelihood × impact that may be retained), found %q", s)
		default:
			m.Appetite = a
		}
	}
	if x := f["reassess_every"]; x != nil {
		if i := v.Interval(x); !i.IsZero() {
			m.ReassessEvery = i
		}
	}
	return m
}

// describe names a scale for messages: "likelihood scale 1–5 (Rare … Almost certain)".
func describe(what string, labels []string) string {
	return fmt.Sprintf("%s scale 1–%d (%s … %s)", what, len(labels), labels[0], labels[len(labels)-1])
}

// label is the label of score n on a scale, or "" outside it.
func label(labels []string, n int) string {
	if n < 1 || n > len(labels) {
		return ""
	}
	return labels[n-1]
}
