package model

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultClassification is what a document that gives no classification
// is, unless isms.yaml's default_classification says otherwise.
const DefaultClassification = "internal"

// Rank is the place of a classification in the site's scheme, lowest
// first (public 0 … restricted 3 by default), or -1 for none of them.
func (c Config) Rank(class string) int {
	return slices.IndexFunc(c.scheme(), func(s string) bool { return strings.EqualFold(s, class) })
}

// ClassificationOf is a document's classification, or the site's default
// when it gives none.
func (c Config) ClassificationOf(d *Document) string {
	if d.Classification != "" {
		return d.Classification
	}
	if c.DefaultClassification != "" {
		return c.DefaultClassification
	}
	return DefaultClassification
}

func (c Config) scheme() []string {
	if len(c.Classifications) > 0 {
		return c.Classifications
	}
	return Classifications
}

// classifications reads isms.yaml's classifications: a list of names,
// lowest first, each given once (in any case); names may hold spaces
// ("strictly confidential").
func (d *decoder) classifications(v *yaml.Node) []string {
	var out []string
	for _, n := range d.list(v, "classifications") {
		s := d.str(n)
		if s == "" {
			continue
		}
		if slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			d.errorf(n, "bad-value", "classification %q is listed twice", s)
			continue
		}
		out = append(out, s)
	}
	if v.Kind == yaml.SequenceNode && len(out) == 0 {
		d.errorf(v, "bad-value", "classifications must list at least one level, lowest first")
	}
	return out
}

// WithClassifications makes the schema check documents' classification
// against the site's own scheme (isms.yaml's classifications) instead
// of the default four.
func (s *Schema) WithClassifications(levels []string) *Schema {
	if len(levels) > 0 {
		s.classes = slices.Clone(levels)
	}
	return s
}

func (s *Schema) classificationLevels() []string {
	if s == nil || len(s.classes) == 0 {
		return Classifications
	}
	return s.classes
}
