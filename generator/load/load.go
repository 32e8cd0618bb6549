// Package load is the first stage: it walks the site's content fs.FS and
// returns the Markdown sources and the other files (assets) it holds, in
// lexical order. It splits front-matter from the body but does not decode
// it; that is the model stage's job.
package load

import (
	"bytes"
	"io/fs"
	"path"
	"strings"
	"sync"
	"sync/atomic"

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

// ignored reports whether a file or folder name is an editor's or the
// system's scratch file that must never be published.
func ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") ||
		strings.HasSuffix(name, ".swp") || strings.HasSuffix(name, ".tmp") ||
		name == "4913" || strings.HasPrefix(name, "#")
}

// Read walks fsys and reads every Markdown file. Paths are reported relative
// to fsys; prefix (e.g. "content/") is put in front of them in diagnostics.
func Read(fsys fs.FS, prefix string) (Content, diag.List) {
	var c Content
	var diags diag.List
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			diags.Errorf(diag.Pos{Path: prefix + p}, "read", "%v", err)
			return nil
		}
		if p != "." && ignored(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		if strings.EqualFold(path.Ext(p), ".md") {
			c.Docs = append(c.Docs, Source{Path: p})
			return nil
		}
		c.Assets = append(c.Assets, p)
		return nil
	})
	if err != nil {
		diags.Errorf(diag.Pos{Path: prefix}, "read", "%v", err)
	}
	// Read the documents a few at a time: on a cold cache the time goes
	// into waiting for the disk, and each read fills only its own slot.
	errs := make([]error, len(c.Docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(8, len(c.Docs)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(c.Docs); i = int(next.Add(1)) - 1 {
				c.Docs[i].Data, errs[i] = fs.ReadFile(fsys, c.Docs[i].Path)
			}
		})
	}
	wg.Wait()
	docs := c.Docs[:0]
	for i, s := range c.Docs {
		if errs[i] != nil {
			diags.Errorf(diag.Pos{Path: prefix + s.Path}, "read", "%v", errs[i])
			continue
		}
		docs = append(docs, s)
	}
	c.Docs = docs
	return c, diags
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
