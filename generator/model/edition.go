package model

import (
	"regexp"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"go.yaml.in/yaml/v3"
)

// Edition is one audience's site (isms.yaml's editions): it holds only
// what is classified at or below Max.
type Edition struct {
	Name  string // the folder --all-editions writes it to, and --edition's value
	Max   string // the highest classification it publishes, as the scheme spells it
	Title string // the site title in this edition ("" = isms.yaml's title)
	Pos   diag.Pos
}

// Certification is isms.yaml's certification block, which a public
// edition's home page shows as the ISMS's certification status.
type Certification struct {
	Standard, Number, Issuer, Scope string
	Issued, ValidUntil              Date
}

// Edition returns the declared edition called name.
func (c Config) Edition(name string) (Edition, bool) {
	for _, e := range c.Editions {
		if e.Name == name {
			return e, true
		}
	}
	return Edition{}, false
}

// EditionNames are the declared editions' names, in isms.yaml's order.
func (c Config) EditionNames() []string {
	var out []string
	for _, e := range c.Editions {
		out = append(out, e.Name)
	}
	return out
}

// MarkingRank is the rank from which pages are marked with their
// classification (marking_from; default confidential, else the scheme's
// top level when it has no such level).
func (c Config) MarkingRank() int {
	if c.MarkingFrom != "" {
		return c.Rank(c.MarkingFrom)
	}
	if r := c.Rank("confidential"); r >= 0 {
		return r
	}
	return len(c.scheme()) - 1
}

// Level is the scheme's level of rank r ("" out of range).
func (c Config) Level(r int) string {
	s := c.scheme()
	if r < 0 || r >= len(s) {
		return ""
	}
	return s[r]
}

// Top is the scheme's highest level.
func (c Config) Top() string { s := c.scheme(); return s[len(s)-1] }

var editionName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// editions reads isms.yaml's editions: a mapping of name to { max, title }.
// Levels are checked against the scheme once it is known (checkLevels).
func (d *decoder) editions(v *yaml.Node) ([]Edition, map[int]*yaml.Node) {
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "bad-value", "editions maps an edition name to its settings, e.g. staff: { max: internal }")
		return nil, nil
	}
	var out []Edition
	maxNodes := map[int]*yaml.Node{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, ev := v.Content[i], v.Content[i+1]
		name := k.Value
		if !editionName.MatchString(name) {
			d.errorf(k, "bad-value", "edition name %q must be lower-case letters, digits, - and _ (it names the edition's folder)", name)
			continue
		}
		dup := false
		for _, e := range out {
			dup = dup || e.Name == name
		}
		if dup {
			d.errorf(k, "duplicate-key", "edition %q is declared twice", name)
			continue
		}
		e := Edition{Name: name, Pos: d.pos(k)}
		if ev.Kind != yaml.MappingNode {
			d.errorf(ev, "bad-value", "edition %s must be a mapping such as { max: internal }", name)
			continue
		}
		for j := 0; j+1 < len(ev.Content); j += 2 {
			fk, fv := ev.Content[j], ev.Content[j+1]
			switch fk.Value {
			case "max":
				maxNodes[len(out)] = fv
			case "title":
				e.Title = d.short(fv, "title")
			default:
				d.unknownKey(fk, "editions", []string{"max", "title"}, nil)
			}
		}
		if maxNodes[len(out)] == nil {
			d.errorf(k, "bad-value", "edition %s needs max: the highest classification it may publish", name)
			continue
		}
		out = append(out, e)
	}
	return out, maxNodes
}

// certification reads isms.yaml's certification block.
func (d *decoder) certification(v *yaml.Node) *Certification {
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "bad-value", "certification is a mapping: standard, certificate, issuer, issued, valid_until, scope")
		return nil
	}
	c := &Certification{}
	for j := 0; j+1 < len(v.Content); j += 2 {
		k, fv := v.Content[j], v.Content[j+1]
		switch k.Value {
		case "standard":
			c.Standard = d.short(fv, "standard")
		case "certificate":
			c.Number = d.short(fv, "certificate")
		case "issuer":
			c.Issuer = d.short(fv, "issuer")
		case "scope":
			c.Scope = strings.TrimSpace(d.str(fv))
		case "issued":
			c.Issued = d.date(fv)
		case "valid_until":
			c.ValidUntil = d.date(fv)
		default:
			d.unknownKey(k, "certification", []string{"standard", "certificate", "issuer", "issued", "valid_until", "scope"}, nil)
		}
	}
	return c
}

// level matches a classification named in isms.yaml against the scheme.
func (d *decoder) level(v *yaml.Node, scheme []string) string {
	s := d.str(v)
	if s == "" {
		return ""
	}
	if m, ok := MatchEnum(s, scheme); ok {
		return m
	}
	d.enum(v, "classification", scheme) // the message, with the closest level
	return ""
}
