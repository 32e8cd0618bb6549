package generator

import (
	"strings"
	"testing"
	"testing/fstest"
)

// actionsSite is a policy and a record carrying front (actions: or
// exceptions: entries), and optionally a second record.
func actionsSite(front, other string) fstest.MapFS {
	rec := "---\nid: REC-AUDIT\ntitle: Audit report\ntype: record\nowner: CISO\nreviewed: 2026-06-01\n" + front + "---\nBody.\n"
	site := fstest.MapFS{
		"content/policies/a.md": {Data: []byte(policy)},
		"content/records/r.md":  {Data: []byte(rec)},
	}
	if other != "" {
		site["content/records/s.md"] = &fstest.MapFile{Data: []byte("---\nid: REC-2\ntitle: Other\ntype: record\nowner: CISO\nreviewed: 2026-06-01\n" + other + "---\nBody.\n")}
	}
	return site
}

// References from actions and exceptions are checked after every
// document is read: an unknown source or policy document, an unknown
// risk and a duplicate id are located errors naming what was meant, and
// nothing is built.
func TestActionReferences(t *testing.T) {
	for _, tc := range []struct{ name, front, other, want string }{
		{"unknown source names the closest document", "actions:\n  - { id: CA-1, title: T, kind: action, status: open, source: REC-AUDT }\n", "",
			`content/records/r.md:8:63: error: no document has id "REC-AUDT" (the source of CA-1): did you mean "REC-AUDIT"? (unknown-id)`},
		{"unknown policy names the closest document", "exceptions:\n  - { id: EX-1, title: T, policy: POL-2, expires: 2027-01-01 }\n", "",
			`content/records/r.md:8:35: error: no document has id "POL-2" (the policy of EX-1): did you mean "POL-1"? (unknown-id)`},
		{"unknown risk on an action", "actions:\n  - { id: CA-1, title: T, kind: action, status: open, risks: [R-01] }\n", "",
			`content/records/r.md:8:63: error: no risk has id "R-01" (unknown-id)`},
		{"unknown risk on an exception", "exceptions:\n  - { id: EX-1, title: T, policy: POL-1, expires: 2027-01-01, risks: R-05 }\n", "",
			`content/records/r.md:8:70: error: no risk has id "R-05" (unknown-id)`},
		{"duplicate action id across documents", "actions:\n  - { id: CA-1, title: T, kind: action, status: open }\n", "actions:\n  - { id: CA-1, title: U, kind: action, status: open }\n",
			`content/records/s.md:8:11: error: action id "CA-1" is already used at content/records/r.md:8:11 (duplicate-id)`},
		{"duplicate exception id in one document", "exceptions:\n  - { id: EX-1, title: T, policy: POL-1, expires: 2027-01-01 }\n  - { id: EX-1, title: U, policy: POL-1, expires: 2027-01-01 }\n", "",
			`content/records/r.md:9:11: error: exception id "EX-1" is already used at content/records/r.md:8:11 (duplicate-id)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Build(Options{Site: actionsSite(tc.front, tc.other), Today: asOf})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Diags.String(), tc.want) {
				t.Errorf("diagnostics:\n%s\nwant %s", res.Diags, tc.want)
			}
			if res.Tree != nil {
				t.Error("a site with errors was built")
			}
		})
	}
}
