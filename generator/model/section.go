package model

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
)

// Section is a top-level front-matter key that a report owns (the SoA's
// applicability:, a register's risks:): the decoder accepts the key,
// suggests it for near misses, and hands its YAML to Decode with the
// strict decoder's helpers, so every value keeps its position. What
// Decode returns is kept as the document's section, unchanged after.
type Section struct {
	Key    string
	Decode func(v Values, n *yaml.Node) any
	// Records lists the records a decoded value declares (optional), for
	// the site-wide index that other reports check references against.
	Records func(decoded any) []Record
	// RecordsAsOf, when given, is used instead of Records by a build, which
	// knows its date: for records whose status depends on it (an objective
	// is missed once its due date has passed without the target met).
	RecordsAsOf func(decoded any, asOf Date) []Record
}

// Record is one record a section declares: its kind ("risk", "action"),
// its id, unique across the site for its kind, a title, and where its
// id was written.
type Record struct {
	Kind, ID, Title string
	Status          string // where the kind has one (an action's open, done, …), for others to show
	Pos             diag.Pos
	// Refs are what the record points at, by kind: {"control": ["8.7"],
	// "action": ["CA-1"]}, so another view (the SoA) can list the records
	// citing a control without knowing their types.
	Refs map[string][]string
}

// Schema is the front-matter schema of a build: the document's own keys
// plus the sections its reports own.
type Schema struct {
	sections map[string]Section
	known    []string // every key, for did-you-mean hints
	config   map[string]Section
	cknown   []string
	classes  []string // the site's classification scheme (isms.yaml), if it has its own
}

// NewSchema returns the schema with sections added to the document's
// keys. A section may not take a document key or another section's.
func NewSchema(sections ...Section) *Schema {
	s := &Schema{sections: map[string]Section{}, known: slices.Clone(Keys)}
	for _, sec := range sections {
		if slices.Contains(s.known, sec.Key) {
			panic("model: front-matter key " + sec.Key + " is owned twice") // a programming error in the report list
		}
		s.sections[sec.Key] = sec
		s.known = append(s.known, sec.Key)
	}
	return s
}

// WithConfig adds isms.yaml sections that reports own (a risk: block):
// DecodeConfig hands their YAML to Decode and keeps the result in
// Config.Sections.
func (s *Schema) WithConfig(sections ...Section) *Schema {
	s.config = map[string]Section{}
	s.cknown = slices.Clone(ConfigKeys)
	for _, sec := range sections {
		if slices.Contains(s.cknown, sec.Key) {
			panic("model: isms.yaml key " + sec.Key + " is owned twice") // a programming error in the report list
		}
		s.config[sec.Key] = sec
		s.cknown = append(s.cknown, sec.Key)
	}
	return s
}

// DecodeConfig decodes isms.yaml with this schema (see the package-level
// DecodeConfig).
func (s *Schema) DecodeConfig(display string, src []byte) (Config, diag.List) {
	return decodeConfig(display, src, s)
}

// ConfigKeys are every key isms.yaml may have with this schema.
func (s *Schema) ConfigKeys() []string {
	if s == nil || s.cknown == nil {
		return ConfigKeys
	}
	return s.cknown
}

func (s *Schema) configSection(key string) (Section, bool) {
	if s == nil {
		return Section{}, false
	}
	sec, ok := s.config[key]
	return sec, ok
}

// Keys are every key the schema knows, document keys first.
func (s *Schema) Keys() []string {
	if s == nil {
		return Keys
	}
	return s.known
}

// Decode decodes one document's front-matter with this schema (see the
// package-level Decode).
func (s *Schema) Decode(path, display string, src []byte) (*Document, diag.List) {
	return decode(path, display, src, s)
}

// Records are the records the decoded value of section key declares.
func (s *Schema) Records(key string, decoded any) []Record {
	return s.RecordsAsOf(key, decoded, Date{})
}

// RecordsAsOf are the records the decoded value of section key declares,
// their status as of asOf where the section knows how.
func (s *Schema) RecordsAsOf(key string, decoded any, asOf Date) []Record {
	sec, ok := s.section(key)
	switch {
	case !ok:
		return nil
	case sec.RecordsAsOf != nil && !asOf.IsZero():
		return sec.RecordsAsOf(decoded, asOf)
	case sec.Records != nil:
		return sec.Records(decoded)
	}
	return nil
}

func (s *Schema) section(key string) (Section, bool) {
	if s == nil {
		return Section{}, false
	}
	sec, ok := s.sections[key]
	return sec, ok
}

// Values is the strict decoder lent to a section's Decode: the same
// checks and messages as the document's own keys, located at the value.
type Values struct{ d *decoder }

// Pos is where n was written in the file.
func (v Values) Pos(n *yaml.Node) diag.Pos { return v.d.pos(n) }

// Errorf and Warnf report a problem located at n.
func (v Values) Errorf(n *yaml.Node, code, format string, args ...any) {
	v.d.errorf(n, code, format, args...)
}
func (v Values) Warnf(n *yaml.Node, code, format string, args ...any) {
	v.d.diags.Warnf(v.d.pos(n), code, format, args...)
}

// Str is a scalar as written (1.10 stays "1.10"); a list or mapping is bad-value.
func (v Values) Str(n *yaml.Node) string { return v.d.str(n) }

// Enum is Str checked against allowed (bad-<key>, naming the closest).
func (v Values) Enum(n *yaml.Node, key string, allowed []string) string {
	return v.d.enum(n, key, allowed)
}

// Date is a YYYY-MM-DD date (bad-date); Interval a 90d / 2w / 12m / 1y interval.
func (v Values) Date(n *yaml.Node) Date         { return v.d.date(n) }
func (v Values) Interval(n *yaml.Node) Interval { return v.d.interval(n) }

// Bool is true or false (bad-value, naming key, otherwise).
func (v Values) Bool(n *yaml.Node, key string) bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil || (n.Value != "true" && n.Value != "false") {
		v.d.errorf(n, "bad-value", "%s must be true or false, found %q", key, n.Value)
	}
	return b
}

// Placeholder reports whether n is a placeholder that stands for "not
// decided yet" (TBD, [TBD], TODO, N/A), and its text.
func (v Values) Placeholder(n *yaml.Node) (string, bool) { return placeholderValue(n) }

// List is the entries of a list (key names it in messages); null is none.
func (v Values) List(n *yaml.Node, key string) []*yaml.Node { return v.d.list(n, key) }

// StrList is one value or a list of values.
func (v Values) StrList(n *yaml.Node) []*yaml.Node { return v.d.strList(n) }

// Fields reads a mapping entry of a list (what names it in messages),
// warning about unknown keys with the closest known one and reporting
// duplicates; it returns the value of each known key given. A value
// that is not a mapping is bad-value and gives nil.
func (v Values) Fields(n *yaml.Node, what string, known []string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		v.d.errorf(n, "bad-value", "%s entry must be { %s }, found %s", what, strings.Join(known, ", "), kindName(n))
		return nil
	}
	return v.d.fields(n, what, known)
}

// idLine is a front-matter line giving an id, for GuessID.
var idLine = regexp.MustCompile(`(?m)^id:[ \t]*["']?([A-Za-z0-9._-]+)["']?[ \t]*(?:#.*)?\r?$`)

// GuessID is the id a document that could not be decoded seems to have
// (its first "id:" line within the first 100 lines), or "": other
// documents' references to it are then not reported as unknown, since
// its own error says what is wrong.
func GuessID(src []byte) string {
	n := 0
	for i, b := range src {
		if b == '\n' {
			if n++; n == 100 {
				src = src[:i]
				break
			}
		}
	}
	if m := idLine.FindSubmatch(src); m != nil {
		return string(m[1])
	}
	return ""
}

// Control reads an Annex A control id, normalised ("A.5.15" → "5.15"); one
// that is not in Annex A is unknown-control, naming the closest, and comes
// back as written with false.
func (v Values) Control(n *yaml.Node) (string, bool) {
	s := v.Str(n)
	if c, ok := iso.Normalize(s); ok {
		return c, true
	}
	if hint := iso.Closest(s); hint != "" {
		v.Errorf(n, "unknown-control", "%q is not an Annex A control: did you mean %q?", s, hint)
	} else {
		v.Errorf(n, "unknown-control", "%q is not an Annex A control", s)
	}
	return s, false
}
