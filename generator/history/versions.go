package history

import "bytes"

// Version is one revision of a document with what it changed, ready for a
// history page.
type Version struct {
	Rev
	// Fields are the top-level front-matter fields the file had at this
	// revision (version, status, …) as canonical text; nil if unreadable.
	Fields map[string]string
	// Changes and Body are what this revision changed compared with the
	// next older one; both empty for the oldest revision.
	Changes []Change
	Body    []Hunk
	// Note explains a version shown without its changes: its content is
	// missing (a shallow or partial clone), binary, or has front-matter
	// that does not parse. "" when all is well.
	Note string
}

// Versions pairs each revision (newest first, as Revisions returns them)
// with its content (index-aligned, as Contents returns it) and works out
// what every revision changed against the one before it.
func Versions(revs []Rev, contents [][]byte) []Version {
	out := make([]Version, len(revs))
	type parsed struct {
		front, body []byte
		fields      map[string]string
		note        string
	}
	ps := make([]parsed, len(revs))
	for i, r := range revs {
		out[i].Rev = r
		var c []byte
		if i < len(contents) {
			c = contents[i]
		}
		switch {
		case c == nil:
			ps[i].note = "content not in this clone"
		case bytes.IndexByte(c, 0) >= 0:
			ps[i].note = "binary file"
		default:
			ps[i].front, ps[i].body = SplitFrontMatter(c)
			f, err := Fields(ps[i].front)
			if err != nil {
				ps[i].note = "front-matter does not parse: " + err.Error()
			}
			ps[i].fields = f
		}
		out[i].Fields, out[i].Note = ps[i].fields, ps[i].note
	}
	for i := 0; i+1 < len(revs); i++ {
		cur, prev := ps[i], ps[i+1]
		if cur.note != "" || prev.note != "" {
			if out[i].Note == "" {
				out[i].Note = "older version unavailable: " + prev.note
			}
			continue
		}
		out[i].Changes, _ = FieldChanges(prev.front, cur.front) // both parsed above
		out[i].Body = BodyDiff(string(prev.body), string(cur.body))
	}
	return out
}
