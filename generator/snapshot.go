package generator

import (
	"io/fs"

	"github.com/isms-project/isms/generator/publish"
)

// Snapshot adds manifest.json and the reproducible zip to a finished build.
func Snapshot(res *Result) (fs.FS, error) {
	st := publish.Stamp{Commit: res.Commit, Generator: "isms"}
	if e := res.Edition; e != nil {
		st.Edition, st.Max = e.Name, e.Max
	}
	out, _, err := publish.Snapshot(res.Tree.FS(), res.AsOf.Time(), st)
	return out, err
}
