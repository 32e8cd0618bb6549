package generator

import (
	"io/fs"

	"github.com/isms-project/isms/generator/publish"
)

// Snapshot adds manifest.json and the reproducible zip to a finished build.
func Snapshot(res *Result) (fs.FS, error) {
	out, _, err := publish.Snapshot(res.Tree.FS(), res.AsOf.Time(), res.Commit, "isms")
	return out, err
}
