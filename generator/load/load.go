// Package load is the first stage: it walks the site's content fs.FS and
// returns the Markdown sources and the other files (assets) it holds, in
// lexical order. It splits front-matter from the body but does not decode
// it; that is the model stage's job.
package load

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/isms-project/isms/generator/diag"
)

// Source is one Markdown document as read from the content tree.
type Source struct {
	Path string // slash path relative to the content root, e.g. "policies/access.md"
	Data []byte
}

// Content is what the content tree holds.
type Content struct {
	Docs   []Source
	Assets []string // non-Markdown files, copied as they are
}

// Ignored reports whether a file or folder name is an editor's or the
// system's scratch file (vim's swap files and its 4913 probe, backups
// ending in ~, Emacs's #autosave#, JetBrains' safe-write files, dot
// files), never published and never a reason for the preview to rebuild.
func Ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") ||
		strings.HasSuffix(name, "~") || strings.HasSuffix(name, ".swp") ||
		strings.HasSuffix(name, ".swx") || strings.HasSuffix(name, ".tmp") ||
		strings.HasSuffix(name, "___jb_tmp___") || strings.HasSuffix(name, "___jb_old___") ||
		name == "4913"
}

// Default per-file size limits (isms.yaml: max_markdown_size, max_file_size).
const (
	DefaultMarkdownLimit int64 = 20 << 20
	DefaultFileLimit     int64 = 100 << 20
)

// Limits bound the size of one file. Zero means the default.
type Limits struct {
	Markdown int64 // a .md document
	File     int64 // any other file
}

// ActiveTypes are the extensions of files a browser runs script in when
// it opens them (or that such a file can load as script). They are served
// and published under the headers of netlify.toml that keep their script
// from running on the portal's origin; those headers match these
// extensions in lower case only, so another case is refused.
var ActiveTypes = []string{".html", ".htm", ".xhtml", ".svg", ".xml", ".js", ".mjs"}

// Read walks fsys and reads every Markdown file, with the default limits.
// Paths are reported relative to fsys; prefix (e.g. "content/") is put in
// front of them in diagnostics.
func Read(fsys fs.FS, prefix string) (Content, diag.List) {
	return ReadLimited(fsys, prefix, Limits{})
}

// ReadLimited is Read with the given size limits.
//
// Only regular files are taken. A symbolic link is skipped with a warning
// and never followed, wherever it points: it could publish /etc/passwd or
// the build's environment. Named pipes, sockets and devices are skipped
// with a warning and never opened (opening a pipe waits for a writer).
// The kind of every entry comes from the folder listing (an lstat), before
// anything is opened. A file over its limit, a name with control or
// invisible (bidirectional, zero-width) characters, and an active type
// whose extension is not in lower case are errors.
func ReadLimited(fsys fs.FS, prefix string, lim Limits) (Content, diag.List) {
	c, diags := ListLimited(fsys, prefix, lim)
	f := c.Fetch(fsys, prefix, lim)
	docs := c.Docs[:0]
	for i, s := range c.Docs {
		data, d := f.Doc(i)
		if d != nil {
			diags = append(diags, d...)
			continue
		}
		s.Data = data
		docs = append(docs, s)
	}
	c.Docs = docs
	return c, diags
}

// ListLimited is ReadLimited without reading the documents: their Data
// is nil until Fetch reads it.
func ListLimited(fsys fs.FS, prefix string, lim Limits) (Content, diag.List) {
	lim = lim.withDefaults()
	var c Content
	var diags diag.List
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		pos := diag.Pos{Path: prefix + p}
		if err != nil {
			diags.Errorf(pos, "read", "%v", err)
			return nil
		}
		if p == "." {
			return nil
		}
		if Ignored(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if msg := BadName(d.Name()); msg != "" {
			diags.Errorf(pos, "bad-name", "%s", msg)
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		t := d.Type()
		switch {
		case d.IsDir():
			return nil
		case t&fs.ModeSymlink != 0:
			diags.Warnf(pos, "symlink", "symbolic link skipped: only regular files are published, and links are never followed")
			return nil
		case !t.IsRegular():
			diags.Warnf(pos, "special-file", "%s skipped: only regular files are published", kind(t))
			return nil
		}
		ext := path.Ext(p)
		if lower := strings.ToLower(ext); lower != ext && slices.Contains(ActiveTypes, lower) {
			diags.Errorf(pos, "bad-name", "extension %q must be written %q: the headers that keep an active file's script from running match lower-case names only", ext, lower)
			return nil
		}
		md := strings.EqualFold(ext, ".md")
		limit, key := lim.File, "max_file_size"
		if md {
			limit, key = lim.Markdown, "max_markdown_size"
		}
		info, err := d.Info()
		if err != nil {
			diags.Errorf(pos, "read", "%v", err)
			return nil
		}
		if info.Size() > limit {
			diags.Errorf(pos, "too-large", "file is %s, over the limit of %s (%s in isms.yaml)", size(info.Size()), size(limit), key)
			return nil
		}
		if md {
			c.Docs = append(c.Docs, Source{Path: p})
			return nil
		}
		if tool := templateSource(p); tool != "" {
			diags.Warnf(diag.Pos{Path: pos.Path, Line: 1, Col: 1}, "template-source", "%s is a %s template, not a document: it is published as a download as it is; render it into Markdown, or keep it outside content/", path.Base(p), tool)
		}
		c.Assets = append(c.Assets, p)
		return nil
	})
	if err != nil {
		diags.Errorf(diag.Pos{Path: prefix}, "read", "%v", err)
	}
	return c, diags
}

func (lim Limits) withDefaults() Limits {
	if lim.Markdown <= 0 {
		lim.Markdown = DefaultMarkdownLimit
	}
	if lim.File <= 0 {
		lim.File = DefaultFileLimit
	}
	return lim
}

// Fetching is the documents of a listing being read in the background.
type Fetching struct {
	prefix string
	lim    Limits
	docs   []Source
	data   [][]byte
	errs   []error
	ready  []chan struct{}
	// readers are the goroutines reading.
	readers sync.WaitGroup
}

// Fetch starts reading the text of c's documents in the background, a
// few at a time and in order, so that a caller can do other work while
// they are read, or parse the first ones while the rest are read (on a
// cold cache the time goes into waiting for the disk; see Wait for a
// warm one). Each read fills only its own slot. It does not change c.
func (c Content) Fetch(fsys fs.FS, prefix string, lim Limits) *Fetching {
	f := &Fetching{prefix: prefix, lim: lim.withDefaults(), docs: c.Docs,
		data: make([][]byte, len(c.Docs)), errs: make([]error, len(c.Docs)), ready: make([]chan struct{}, len(c.Docs))}
	for i := range f.ready {
		f.ready[i] = make(chan struct{})
	}
	var next atomic.Int64
	for range min(8, len(c.Docs)) {
		f.readers.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(c.Docs); i = int(next.Add(1)) - 1 {
				f.data[i], f.errs[i] = fs.ReadFile(fsys, c.Docs[i].Path)
				close(f.ready[i])
			}
		})
	}
	return f
}

// Wait waits until every document has been read. From a warm page cache
// (the usual case: a checkout or an editor just wrote the files) reading
// everything first and parsing after is faster than parsing while the
// readers run: each reader holds a processor through its system calls,
// and on two cores the parsers then got about 1.4 of them (10,000
// documents: 11.95 → 11.06 s, CPU 21.8 → 20.0 s; reading took 0.3 s).
func (f *Fetching) Wait() { f.readers.Wait() }

// Doc waits for the text of document i and returns it, or why it is
// not there: it could not be read, or it grew over the limit after the
// listing.
func (f *Fetching) Doc(i int) ([]byte, diag.List) {
	<-f.ready[i]
	var diags diag.List
	pos := diag.Pos{Path: f.prefix + f.docs[i].Path}
	switch data := f.data[i]; {
	case f.errs[i] != nil:
		diags.Errorf(pos, "read", "%v", f.errs[i])
	case int64(len(data)) > f.lim.Markdown:
		diags.Errorf(pos, "too-large", "file is %s, over the limit of %s (max_markdown_size in isms.yaml)", size(int64(len(data))), size(f.lim.Markdown))
	default:
		f.data[i] = nil // the caller holds it now
		return data, nil
	}
	return nil, diags
}

// ListedDoc says whether the listing lists a document at rel (a slash
// path under the content folder) by its name alone: a Markdown file
// with no ignored or bad name on the way. What the file is (a regular
// one, its size) is for the reading to say.
func ListedDoc(rel string) bool {
	if !strings.EqualFold(path.Ext(rel), ".md") || !fs.ValidPath(rel) {
		return false
	}
	for _, seg := range strings.Split(rel, "/") {
		if Ignored(seg) || BadName(seg) != "" {
			return false
		}
	}
	return true
}

// BadName says what is wrong with a file or folder name that must not be
// published (the listing refuses it: bad-name), or "".
func BadName(name string) string {
	if !utf8.ValidString(name) {
		return "name is not valid UTF-8: rename the file"
	}
	for _, r := range name {
		switch {
		case diag.Control(r):
			return fmt.Sprintf("name holds the control character %U: rename the file", r)
		case diag.Hidden(r):
			return fmt.Sprintf("name holds the invisible character %U, which can make it read as another name: rename the file", r)
		}
	}
	return ""
}

func kind(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "named pipe"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&fs.ModeCharDevice != 0:
		return "character device"
	case t&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// size prints a byte count the way limits are written in isms.yaml.
func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// FrontMatter is the result of splitting a document.
type FrontMatter struct {
	YAML       []byte // the text between the delimiters
	Line       int    // file line of the first YAML line (2 when present)
	BodyOffset int    // byte offset of the body in the file
	BodyLine   int    // file line where the body starts
	Present    bool
}

// SplitError is a problem with the delimiters themselves.
type SplitError struct {
	Line int
	Msg  string
}

func (e *SplitError) Error() string { return e.Msg }

// Split separates YAML front-matter from the body. Front-matter opens with
// a first line that is exactly "---" and closes at the next line that is
// exactly "---" ("\r\n" endings accepted). The same rule is what goldmark-meta
// applies later, so both agree on where the body starts. A file that opens
// and never closes, or whose first line is another all-dash line (a thematic
// break goldmark-meta would swallow the document with), is an error.
func Split(src []byte) (FrontMatter, error) {
	first, rest, hasNL := bytes.Cut(src, []byte("\n"))
	first = bytes.TrimSuffix(first, []byte("\r"))
	if string(first) != "---" {
		if len(first) >= 3 && len(bytes.Trim(first, "-")) == 0 {
			return FrontMatter{}, &SplitError{Line: 1, Msg: "first line is a row of dashes but not exactly \"---\": front-matter must open with a line of three dashes"}
		}
		return FrontMatter{BodyLine: 1}, nil
	}
	if !hasNL {
		return FrontMatter{}, &SplitError{Line: 1, Msg: "front-matter opened with --- but never closed"}
	}
	start := len(first) + 1
	if bytes.HasPrefix(src, []byte("---\r\n")) {
		start = 5
	}
	line := 2
	for off := 0; off < len(rest); line++ {
		end := len(rest)
		if nl := bytes.IndexByte(rest[off:], '\n'); nl >= 0 {
			end = off + nl + 1
		}
		if string(bytes.TrimRight(rest[off:end], "\r\n")) == "---" {
			return FrontMatter{
				YAML: rest[:off], Line: 2, Present: true,
				BodyOffset: start + end, BodyLine: line + 1,
			}, nil
		}
		off = end
	}
	return FrontMatter{}, &SplitError{Line: 1, Msg: "front-matter opened with --- but never closed (no line of exactly \"---\" after it)"}
}

// templateSource names the templating a file is written for, from its
// extension ("page.md.tmpl" → "Go or Mustache"), or "": other tools' ISMS
// repositories keep their policies as templates, and copying one under
// content/ publishes the raw template.
func templateSource(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".tmpl", ".tpl", ".gotmpl":
		return "Go or Mustache"
	case ".mustache", ".hbs", ".handlebars":
		return "Mustache or Handlebars"
	case ".j2", ".jinja", ".jinja2", ".njk":
		return "Jinja or Nunjucks"
	case ".liquid":
		return "Liquid"
	case ".erb":
		return "ERB"
	}
	return ""
}
