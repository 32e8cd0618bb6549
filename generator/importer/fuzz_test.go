package importer

import (
	"testing"
	"testing/fstest"
)

// FuzzImport feeds arbitrary bytes to each reader as a document (and as
// JupiterOne's template and config) and runs the whole import: nothing
// may panic, and every checklist item has a path.
func FuzzImport(f *testing.F) {
	for _, s := range []string{
		"name: A\nacronym: A\n---\n# A\n[x](y.md#z) {{.Name}}",
		"---\ntitle: T\nreviewed: Jun 1 2018\nstatus: Published\nowner: [TBD]\n---\n[a][1]\n\n[1]: b.md",
		"{{#a}}{{^b}}{{c}}{{/b}}{{/a}} [l]({{&u}}) ![i](/img/x.png)",
		"+++\ntitle = 'x'\n+++\n{{< ref \"a.md\" >}}",
		"[a [b](c)](d) [e][] [f]\n\n[f]: <g h>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		srcs := map[string]fstest.MapFS{
			"comply":      {"policies/a.md": {Data: doc}, "policies/b.md": {Data: []byte("name: B\n---\n")}},
			"frontmatter": {"policies/a.md": {Data: doc}, "b.md": {Data: []byte("---\ntitle: B\n---\n")}},
			"jupiterone": {
				"config.json":          {Data: []byte(`{"organization":{"a":true,"c":"C"},"policies":[{"id":"p","file":"policies/p.md","name":"P","adopted":true,"procedures":["q"]}],"procedures":[{"id":"q","file":"procedures/q.md","name":"Q","adopted":true}]}`)},
				"policies/p.md.tmpl":   {Data: doc},
				"procedures/q.md.tmpl": {Data: doc},
			},
		}
		for format, src := range srcs {
			s, err := Import(format, src, Options{Today: testToday})
			if err != nil {
				continue
			}
			r, err := Finish(s, testToday)
			if err != nil {
				continue
			}
			for _, n := range r.Notes {
				if n.Path == "" {
					t.Fatalf("%s: checklist item without a path: %+v", format, n)
				}
			}
		}
	})
}
