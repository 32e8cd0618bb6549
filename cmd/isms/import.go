package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/isms-project/isms/generator/importer"
	"github.com/isms-project/isms/generator/model"
)

func init() { commands["import"] = cmdImport }

const importUsage = `usage: isms import FORMAT SRC DEST [--map mapping.yaml] [--org NAME]

Writes a new isms site into DEST (a new or empty folder) from a policy set
written for another tool. SRC is only read. FORMAT is one of:

  comply       strongDM comply: narratives/, policies/, procedures/ (and comply.yml)
  jupiterone   JupiterOne policy templates: config.json and *.md.tmpl
  frontmatter  any Markdown tree with YAML front-matter (Docusaurus, Hugo,
               MkDocs); --map renames keys, translates values and sets
               defaults by folder (see README, "Coming from another tool")

The new site is then checked as 'isms check' would. What is left for a
person to decide — placeholder owners, fields not mapped, template
expressions left unresolved, links cut down to their text — is printed and
written to DEST/IMPORT.md, each with its path:line.

Exit status: 0 imported, and the site builds; 1 imported, but the site has
errors (printed), or the source could not be read; 2 wrong usage (DEST not
empty, DEST inside SRC, unknown FORMAT).

Flags:
`

// cmdImport runs an importer and writes its site into an empty DEST.
func cmdImport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, importUsage)
		fs.PrintDefaults()
	}
	mapFile := fs.String("map", "", "mapping file for the frontmatter format (YAML: root, keys, values, defaults, folders)")
	org := fs.String("org", "", "the organisation's name, for isms.yaml and the templates that use it (default: from the source's config)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 3 {
		fs.Usage()
		return errUsage
	}
	format, src, dest := pos[0], pos[1], pos[2]
	if !slices.Contains(importer.Formats, format) {
		fmt.Fprintf(stderr, "isms import: unknown format %q: use one of %s\n", format, strings.Join(importer.Formats, ", "))
		return errUsage
	}
	if st, err := os.Stat(src); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "isms import: source folder %q does not exist\n", src)
		return errUsage
	}
	if entries, err := os.ReadDir(dest); err == nil && len(entries) > 0 {
		fmt.Fprintf(stderr, "isms import: %s exists and is not empty; choose a new folder\n", dest)
		return errUsage
	} else if err != nil && !os.IsNotExist(err) {
		fmt.Fprintf(stderr, "isms import: %s: %v\n", dest, err)
		return errUsage
	}
	if inside(dest, src) {
		fmt.Fprintf(stderr, "isms import: %s is inside the source %s; the source is never written to: choose a folder outside it\n", dest, src)
		return errUsage
	}
	o := importer.Options{Org: *org, Today: model.Today(time.Now())}
	if *mapFile != "" {
		if format != "frontmatter" {
			fmt.Fprintf(stderr, "isms import: --map is for the frontmatter format only\n")
			return errUsage
		}
		b, err := os.ReadFile(*mapFile)
		if err != nil {
			fmt.Fprintf(stderr, "isms import: --map: %v\n", err)
			return errUsage
		}
		o.Mapping, o.MappingPath = b, *mapFile
	}
	site, err := importer.Import(format, os.DirFS(src), o)
	if err != nil {
		return err
	}
	res, err := importer.Finish(site, o.Today)
	if err != nil {
		return err
	}
	files := res.Files
	if files[".gitignore"], err = starterIgnore(); err != nil {
		return err
	}
	if err := writeTree(dest, files); err != nil {
		return err
	}
	fmt.Fprint(stdout, res.Checklist)
	nerr, nwarn := res.Diags.Count()
	fmt.Fprintf(stderr, "isms import: wrote %s into %s (%s, %s); %s left to decide, listed in %s\n",
		plural(res.Documents, "document"), dest, plural(nerr, "error"), plural(nwarn, "warning"),
		plural(len(res.Notes), "item"), filepath.Join(dest, "IMPORT.md"))
	if nerr > 0 {
		return errFailed
	}
	return nil
}

// inside reports whether dest is src or a folder below it, following
// symbolic links in the part of dest that exists.
func inside(dest, src string) bool {
	s, err := filepath.Abs(src)
	if err != nil {
		return false
	}
	if r, err := filepath.EvalSymlinks(s); err == nil {
		s = r
	}
	d, err := filepath.Abs(dest)
	if err != nil {
		return false
	}
	// Resolve the longest existing prefix of dest.
	rest := ""
	for cur := d; ; cur = filepath.Dir(cur) {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			d = filepath.Join(r, rest)
			break
		}
		if filepath.Dir(cur) == cur {
			break
		}
		rest = filepath.Join(filepath.Base(cur), rest)
	}
	rel, err := filepath.Rel(s, d)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// writeTree writes files (slash paths) under dir.
func writeTree(dir string, files map[string][]byte) error {
	for _, p := range slices.Sorted(maps.Keys(files)) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}
