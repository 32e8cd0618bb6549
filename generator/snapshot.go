package generator

import (
	"bytes"
	_ "embed"
	"io/fs"
	"net/url"
	"strings"
	"text/template"

	"github.com/isms-project/isms/generator/publish"
	"github.com/isms-project/isms/generator/relink"
	"github.com/isms-project/isms/generator/view"
)

// Snapshot adds manifest.json and the reproducible zip to a finished build.
// A snapshot is made to be unzipped and opened from disk, so its pages use
// relative links (see package relink), its search index is also a script
// (search-index.js: a browser may not fetch a local JSON file) and it
// carries a README.txt saying how to open and verify it. The result is a
// new tree: res.Tree is left as it is.
func Snapshot(res *Result) (fs.FS, error) {
	tree, err := offline(res)
	if err != nil {
		return nil, err
	}
	st := publish.Stamp{Commit: res.Commit, Generator: "isms"}
	if e := res.Edition; e != nil {
		st.Edition, st.Max = e.Name, e.Max
	}
	out, _, err := publish.Snapshot(tree.FS(), res.AsOf.Time(), st)
	return out, err
}

//go:embed snapshot-readme.txt
var snapshotReadme string

var readmeTemplate = template.Must(template.New("README.txt").Parse(snapshotReadme))

// offline is res.Tree made to work from file://: relative URLs, the search
// index as search-index.js, and README.txt. A file of the site with one of
// those names is kept.
func offline(res *Result) (view.Tree, error) {
	root := "/"
	if res.Site != nil && res.Site.Root != "" {
		root = res.Site.Root
	}
	abs := ""
	if u, err := url.Parse(res.Config.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		abs = strings.TrimSuffix(res.Config.BaseURL, "/") + "/"
	}
	tree, err := relink.Tree(res.Tree, root, abs)
	if err != nil {
		return nil, err
	}
	if idx, ok := tree["search-index.json"]; ok {
		if _, taken := tree["search-index.js"]; !taken {
			// JSON is a JavaScript expression: search.js loads this with a
			// <script> element where it cannot fetch the JSON.
			js := append([]byte("window.ISMS_SEARCH_INDEX = "), bytes.TrimSpace(idx)...)
			tree["search-index.js"] = append(js, ";\n"...)
		}
	}
	if _, taken := tree["README.txt"]; !taken {
		var b bytes.Buffer
		err := readmeTemplate.Execute(&b, map[string]string{
			"Title": res.Config.Title, "Organization": res.Config.Organization,
			"AsOf": res.AsOf.String(), "Commit": res.Commit, "Folder": "snapshot-" + res.AsOf.String(),
		})
		if err != nil {
			return nil, err
		}
		tree["README.txt"] = b.Bytes()
	}
	return tree, nil
}
