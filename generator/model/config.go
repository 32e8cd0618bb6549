package model

import (
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"go.yaml.in/yaml/v3"
)

// ConfigKeys are the keys isms.yaml may have.
var ConfigKeys = []string{"title", "organization", "base_url", "review_every", "review_every_by_type", "due_soon", "as_of", "theme", "unsafe_html"}

// DecodeConfig reads isms.yaml (display is its path for messages). Missing
// keys keep DefaultConfig's values.
func DecodeConfig(display string, src []byte) (Config, diag.List) {
	c := DefaultConfig()
	d := &decoder{path: display, line0: 1}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		d.yamlError(err, src)
		return c, d.diags
	}
	if len(root.Content) == 0 {
		return c, d.diags
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		d.errorf(m, "config", "isms.yaml must be a mapping of keys to values")
		return c, d.diags
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if seen[k.Value] {
			d.errorf(k, "duplicate-key", "key %q is given twice", k.Value)
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "title":
			c.Title = d.str(v)
		case "organization":
			c.Organization = d.str(v)
		case "base_url":
			c.BaseURL = d.str(v)
		case "theme":
			if s := d.str(v); s != "" {
				if strings.ContainsAny(s, `/\`) || s == "." || s == ".." {
					d.errorf(v, "config", "theme %q must be a folder name under themes/", s)
				} else {
					c.Theme = s
				}
			}
		case "review_every":
			if i := d.interval(v); !i.IsZero() {
				c.ReviewEvery = i
			}
		case "due_soon":
			if i := d.interval(v); !i.IsZero() {
				c.DueSoon = i
			}
		case "as_of":
			c.AsOf = d.date(v)
		case "unsafe_html":
			var b bool
			if v.Decode(&b) != nil {
				d.errorf(v, "bad-value", "unsafe_html must be true or false")
			}
			c.UnsafeHTML = b
		case "review_every_by_type":
			if v.Kind != yaml.MappingNode {
				d.errorf(v, "bad-value", "review_every_by_type maps a document type to an interval, e.g. { register: 6m }")
				continue
			}
			c.TypeReview = map[string]Interval{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				tk, tv := v.Content[j], v.Content[j+1]
				if !slices.Contains(Types, tk.Value) {
					d.errorf(tk, "bad-type", "%q is not a document type (%s)", tk.Value, strings.Join(Types, ", "))
					continue
				}
				if iv := d.interval(tv); !iv.IsZero() {
					c.TypeReview[tk.Value] = iv
				}
			}
		default:
			d.unknownKey(k, "", ConfigKeys, nil)
		}
	}
	return c, d.diags
}
