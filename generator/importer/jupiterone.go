package importer

// JupiterOne's security policy templates: config.json lists policies,
// procedures and references (id, file, name, adopted) and the
// organisation's variables; each file is a Mustache template (file +
// ".tmpl"). JupiterOne's builder renders every template with the
// organisation's variables merged with the template's own entry, then
// assembles each adopted policy as its text followed by a "Controls and
// Procedures" section holding its adopted procedures, in config order.
// This reader does the same, so each policy is one document here too, and
// rewrites the links (written for one flat output folder) to the new
// layout: policies/, procedures/ (for procedures no policy lists) and
// references/.

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

type j1Config struct {
	Organization map[string]any `json:"organization"`
	Standards    []j1Element    `json:"standards"`
	Policies     []j1Element    `json:"policies"`
	Procedures   []j1Element    `json:"procedures"`
	References   []j1Element    `json:"references"`
}

// j1Element is one policy, procedure or reference; raw keeps every key
// for the template's variables.
type j1Element struct {
	ID         string   `json:"id"`
	File       string   `json:"file"`
	Name       string   `json:"name"`
	Adopted    bool     `json:"adopted"`
	Procedures []string `json:"procedures"`
	raw        map[string]any
}

func (e *j1Element) UnmarshalJSON(b []byte) error {
	type plain j1Element
	if err := json.Unmarshal(b, (*plain)(e)); err != nil {
		return err
	}
	return json.Unmarshal(b, &e.raw)
}

func importJupiterOne(src fs.FS, o Options) (*Site, error) {
	b, err := fs.ReadFile(src, "config.json")
	if err != nil {
		return nil, fmt.Errorf("jupiterone: %w (the templates folder holds config.json)", err)
	}
	var c j1Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("jupiterone: config.json: %w", err)
	}
	if c.Organization == nil {
		c.Organization = map[string]any{}
	}
	org := c.Organization
	for _, k := range []string{"companyFullName", "companyShortName"} {
		if s, _ := org[k].(string); s == "" && o.Org != "" {
			org[k] = o.Org
		}
	}
	org["defaultRevision"] = strconv.Itoa(o.Today.Time().Year()) + ".1"
	s := &Site{Files: map[string][]byte{}}
	for _, k := range []string{"companyFullName", "companyShortName"} {
		if v, _ := org[k].(string); v != "" && s.Organization == "" {
			s.Organization = v
		}
	}
	j := &j1{src: src, site: s, org: org, dest: map[string]string{}, used: map[string]bool{"config.json": true}}

	byID := map[string]*j1Element{}
	for _, list := range [][]j1Element{c.Procedures, c.References} {
		for i := range list {
			byID[list[i].ID] = &list[i]
		}
	}
	// Where each template's text ends up, by the base name the builder's
	// flat output gave it: links are rewritten through this.
	attached := map[string]bool{}
	for _, p := range c.Policies {
		j.dest[path.Base(p.File)] = "policies/" + path.Base(p.File)
		if !p.Adopted {
			continue
		}
		for _, id := range p.Procedures {
			if e, ok := byID[id]; ok && e.Adopted && strings.HasPrefix(e.File, "procedures/") {
				j.dest[path.Base(e.File)] = "policies/" + path.Base(p.File) + "#" + slug(e.Name)
				attached[id] = true
			}
		}
	}
	for _, e := range c.Procedures {
		if !attached[e.ID] {
			j.dest[path.Base(e.File)] = "procedures/" + path.Base(e.File)
		}
	}
	for _, e := range c.References {
		j.dest[path.Base(e.File)] = "references/" + path.Base(e.File)
	}
	// Files that are not templates (a PDF in ref/) are copied beside the
	// references so that links to them still work.
	_ = fs.WalkDir(src, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || strings.HasSuffix(p, ".tmpl") || strings.HasPrefix(e.Name(), ".") || !strings.Contains(p, "/") {
			return nil
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return nil
		}
		s.Files["references/"+path.Base(p)] = data
		j.dest[path.Base(p)] = "references/" + path.Base(p)
		j.used[p] = true
		return nil
	})

	for _, p := range c.Policies {
		d, err := j.doc(p, "policies/"+path.Base(p.File), "policy")
		if err != nil {
			return nil, err
		}
		if d == nil {
			continue
		}
		var procs []string
		for _, id := range p.Procedures {
			e, ok := byID[id]
			switch {
			case !ok:
				s.note(KindNote, "config.json", 0, true, "policy %q lists procedure %q, which config.json does not define", p.ID, id)
				continue
			case !attached[id]:
				continue // not adopted, or a reference: imported on its own
			}
			text, err := j.render(e, "policies/"+path.Base(p.File))
			if err != nil {
				return nil, err
			}
			procs = append(procs, strings.TrimRight(text, "\n"))
		}
		if len(procs) > 0 && p.Adopted {
			d.Body = strings.TrimRight(d.Body, "\n") + "\n\n## Controls and Procedures\n\n" + strings.Join(procs, "\n\n") + "\n"
		}
	}
	for _, e := range c.Procedures {
		if attached[e.ID] {
			continue
		}
		if _, err := j.doc(e, "procedures/"+path.Base(e.File), "procedure"); err != nil {
			return nil, err
		}
	}
	for _, e := range c.References {
		if _, err := j.doc(e, "references/"+path.Base(e.File), referenceType(e.Name)); err != nil {
			return nil, err
		}
	}
	if len(c.Standards) > 0 {
		s.note(KindSkipped, "config.json", 0, true, "%d standards: the builder does not render them either", len(c.Standards))
	}
	_ = fs.WalkDir(src, ".", func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && !j.used[p] && !strings.HasPrefix(e.Name(), ".") {
			why := "not listed in config.json"
			if p == "index.md.tmpl" {
				why = "the builder's table of contents: isms makes its own home page"
			} else if !strings.HasSuffix(p, ".tmpl") {
				why = "not a template"
			}
			s.note(KindSkipped, p, 0, true, "%s", why)
		}
		return nil
	})
	s.uniqueIDs()
	return s, nil
}

type j1 struct {
	src  fs.FS
	site *Site
	org  map[string]any
	dest map[string]string // flat output base name → content path (#fragment for procedures)
	used map[string]bool   // source files read
}

// doc makes a document of a policy, an unattached procedure or a
// reference; nil for a policy that is not adopted.
func (j *j1) doc(e j1Element, at, typ string) (*Doc, error) {
	body, err := j.render(&e, at)
	if err != nil {
		return nil, err
	}
	d := &Doc{Path: at, Source: e.File + ".tmpl"}
	d.Set("id", makeID(e.ID), false)
	title := e.Name
	if title == "" {
		title = firstHeading(body)
	}
	d.Set("title", title, false)
	d.Set("type", typ, true)
	setOwner(d, "", DefaultOwner)
	status := "approved"
	if !e.Adopted {
		status = "draft"
		j.site.note(KindNote, "content/"+at, 0, false, "not adopted in config.json: imported as a draft")
	}
	d.Set("status", status, true)
	if v, _ := j.org["defaultRevision"].(string); v != "" {
		d.Set("version", v, false)
	}
	d.Body = body
	j.site.Docs = append(j.site.Docs, d)
	return d, nil
}

// render renders one template with the organisation's variables merged
// with the element's own, and rewrites its links for a document at at.
func (j *j1) render(e *j1Element, at string) (string, error) {
	name := e.File + ".tmpl"
	b, err := fs.ReadFile(j.src, name)
	if err != nil {
		j.site.note(KindSkipped, name, 0, true, "listed in config.json as %q but missing", e.ID)
		return "", nil
	}
	j.used[name] = true
	vars := map[string]any{}
	for k, v := range j.org {
		vars[k] = v
	}
	for k, v := range e.raw {
		vars[k] = v
	}
	out, missing := renderMustache(string(b), vars)
	for _, m := range missing {
		j.site.note(KindNote, name, 0, true, "section {{#%s}} left out: %s is not set in config.json", m, m)
	}
	return j.links(inlineRefLinks(out), at), nil
}

// links rewrites relative links written for the flat output folder.
func (j *j1) links(body, at string) string {
	return mdLink.ReplaceAllStringFunc(body, func(m string) string {
		sub := mdLink.FindStringSubmatch(m)
		dest := sub[1]
		if dest == "" || strings.Contains(dest, ":") || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "#") || strings.Contains(dest, "{{") {
			return m
		}
		p, frag, _ := strings.Cut(dest, "#")
		to, ok := j.dest[path.Base(p)]
		if !ok {
			return m
		}
		if strings.Contains(to, "#") && frag == "" {
			to, frag, _ = strings.Cut(to, "#")
		} else {
			to, _, _ = strings.Cut(to, "#")
		}
		rel := relPath(path.Dir(at), to)
		if frag != "" {
			rel += "#" + frag
		}
		return "](" + rel + sub[2] + ")"
	})
}

// referenceType guesses a reference document's type from its name.
func referenceType(name string) string {
	l := strings.ToLower(name)
	switch {
	case strings.Contains(l, "policy"):
		return "policy"
	case strings.Contains(l, "approved"):
		return "register"
	}
	return "manual"
}

// slug is the heading id goldmark gives a heading of plain words.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == ' ' || r == '-':
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// relPath is the relative slash path from folder dir to the file to.
func relPath(dir, to string) string {
	if dir == "." {
		return to
	}
	from := strings.Split(dir, "/")
	parts := strings.Split(to, "/")
	i := 0
	for i < len(from) && i < len(parts)-1 && from[i] == parts[i] {
		i++
	}
	return strings.Repeat("../", len(from)-i) + strings.Join(parts[i:], "/")
}
