package review

import (
	"github.com/isms-project/isms/generator/view"
)

// Tiles are the Check and Act figures of the home page's health summary
// (Plan and Do are the risk register's and the actions register's
// tiles): days since the latest internal audit record (clause 9.2) and
// since the latest management review, and objectives not yet measured
// when the site has objective records. A site without an audit or a
// review shows 0 "recorded" as a bad tile rather than nothing.
func (r *Report) Tiles() []view.Tile {
	if r.in == nil {
		return nil
	}
	asOf := r.in.AsOf
	var out []view.Tile
	var audit *view.Tile
	latest := -1
	for _, p := range r.in.Site.Pages {
		d := p.Doc
		if d.IsRetired() || d.Date.IsZero() || d.Date.After(asOf) {
			continue
		}
		for _, c := range d.Clauses {
			if c == "9.2" || len(c) > 4 && c[:4] == "9.2." {
				if n := d.Date.DaysUntil(asOf); latest < 0 || n < latest {
					latest = n
				}
				break
			}
		}
	}
	if latest < 0 {
		audit = &view.Tile{Label: "internal audits recorded", Class: "bad", URL: "management-review/#input-d", Value: 0, Phase: "check"}
	} else {
		audit = &view.Tile{Label: "days since the last internal audit", Class: ageClass(latest), URL: "management-review/#input-d", Value: latest, Phase: "check"}
	}
	out = append(out, *audit)
	if ids := r.in.Records.IDs("objective"); len(ids) > 0 {
		n := 0
		for _, id := range ids {
			if o, _ := r.in.Records.Get("objective", id); o.Status == "" || o.Status == "unmeasured" {
				n++
			}
		}
		t := view.Tile{Label: "objectives not measured", Class: "ok", URL: "management-review/#input-d", Value: n, Phase: "check"}
		if n > 0 {
			t.Class = "warn"
		}
		out = append(out, t)
	}
	if len(r.minutes) == 0 {
		out = append(out, view.Tile{Label: "management reviews recorded", Class: "bad", URL: "management-review/", Value: 0, Phase: "act"})
	} else {
		n := heldOn(r.minutes[0].Doc).DaysUntil(asOf)
		out = append(out, view.Tile{Label: "days since the last management review", Class: ageClass(n), URL: "management-review/", Value: n, Phase: "act"})
	}
	return out
}

// ageClass colours a number of days since a yearly event: ok within 11
// months, warn in the twelfth, bad after a year.
func ageClass(days int) string {
	switch {
	case days > 365:
		return "bad"
	case days > 334:
		return "warn"
	}
	return "ok"
}
