package report

import (
	"cmp"
	"slices"

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

// IDs are the ids of kind, sorted.
func (rs Records) IDs(kind string) []string {
	ids := make([]string, 0, len(rs[kind]))
	for id := range rs[kind] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Check reports a reference to a record of kind that does not exist as
// unknown-id at pos, naming the closest id of that kind; what names the
// reference in the message ("action", "risk").
func (rs Records) Check(kind, id, what string, pos diag.Pos, diags *diag.List) bool {
	if _, ok := rs[kind][id]; ok {
		return true
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
	return rs, diags
}
