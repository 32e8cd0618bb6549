package importer

import "io/fs"

func importFrontMatter(src fs.FS, o Options) (*Site, error) { return nil, nil }
