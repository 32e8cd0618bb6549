package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
)

// Records indexes every record that front-matter sections declare (a
// risk, an action, an exception, an objective) by kind and id, so that a
// report can check and link references to records another report owns
// without knowing its types.
type Records map[string]map[string]Record // kind → id → record

// Record is one declared record and the document it is written in.
type Record struct {
	model.Record
	Page *link.Page
}

// Get returns the record of kind with id.
func (rs Records) Get(kind, id string) (Record, bool) {
	r, ok := rs[kind][id]
	return r, ok
}

// Kinds are the kinds of record declared, sorted.
func (rs Records) Kinds() []string {
	var out []string
	for k := range rs {
		if !strings.HasPrefix(k, withheldKind("")) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// IDs are the ids of kind, sorted.
func (rs Records) IDs(kind string) []string {
	ids := make([]string, 0, len(rs[kind]))
	for id := range rs[kind] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// withheldKind is where the index keeps the ids of kind declared in
// documents the edition leaves out: Get and IDs never see them, Check
// and Withheld do.
func withheldKind(kind string) string { return "withheld\x00" + kind }

// Withheld reports whether id is a record of kind in a document this
// edition leaves out: a reference to it is shown as "not in this
// edition", without the id.
func (rs Records) Withheld(kind, id string) bool {
	_, ok := rs[withheldKind(kind)][id]
	return ok
}

// NotInEdition is what a page shows instead of a reference to a record or
// document this edition leaves out.
const NotInEdition = "not in this edition"

// WithheldIDs are the ids of every record of a document this edition
// leaves out, of any kind, sorted.
func (rs Records) WithheldIDs() []string {
	var out []string
	for k, ids := range rs {
		if strings.HasPrefix(k, withheldKind("")) {
			for id := range ids {
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Check reports a reference to a record of kind that does not exist as
// unknown-id at pos, naming the closest id of that kind; what names the
// reference in the message ("action", "risk").
func (rs Records) Check(kind, id, what string, pos diag.Pos, diags *diag.List) bool {
	if _, ok := rs[kind][id]; ok {
		return true
	}
	if rs.Withheld(kind, id) {
		return false // it exists, in another edition
	}
	if c := diag.Closest(id, rs.IDs(kind)); c != "" {
		diags.Errorf(pos, "unknown-id", "no %s has id %q: did you mean %q?", what, id, c)
	} else {
		diags.Errorf(pos, "unknown-id", "no %s has id %q", what, id)
	}
	return false
}

// IndexRecords collects the records of every page's sections. An id used
// twice for one kind is a duplicate-id error at the second, naming the
// first; the first is kept.
func IndexRecords(s *link.Site, schema *model.Schema) (Records, diag.List) {
	return IndexRecordsAsOf(s, schema, model.Date{})
}

// IndexRecordsAsOf is IndexRecords with each record's status as of asOf
// where its section knows how (model.Section.RecordsAsOf).
func IndexRecordsAsOf(s *link.Site, schema *model.Schema, asOf model.Date) (Records, diag.List) {
	var diags diag.List
	rs := Records{}
	for _, p := range s.Pages {
		keys := make([]string, 0, len(p.Doc.Sections))
		for k := range p.Doc.Sections {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			recs := schema.RecordsAsOf(k, p.Doc.Sections[k], asOf)
			slices.SortStableFunc(recs, func(a, b model.Record) int { return cmp.Compare(a.Pos.Line, b.Pos.Line) })
			for _, r := range recs {
				if rs[r.Kind] == nil {
					rs[r.Kind] = map[string]Record{}
				}
				if first, dup := rs[r.Kind][r.ID]; dup {
					diags.Errorf(r.Pos, "duplicate-id", "%s id %q is already used at %s", r.Kind, r.ID, first.Pos)
					continue
				}
				rs[r.Kind][r.ID] = Record{Record: r, Page: p}
			}
		}
	}
	for _, p := range s.WithheldPages() {
		for k, sec := range p.Doc.Sections {
			for _, r := range schema.RecordsAsOf(k, sec, asOf) {
				wk := withheldKind(r.Kind)
				if rs[wk] == nil {
					rs[wk] = map[string]Record{}
				}
				rs[wk][r.ID] = Record{}
			}
		}
	}
	return rs, diags
}
