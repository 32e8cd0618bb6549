package importer

// strongDM comply: one folder per kind of document (narratives, policies,
// procedures, standards); each document is YAML closed by a --- line, then
// Markdown that comply renders as a Go text/template with the project's
// comply.yml as data ({{.Name}} is the organisation).

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/isms-project/isms/generator/model"
	"go.yaml.in/yaml/v3"
)

// complyTypes maps comply's folders to document types. Narratives
// describe the organisation and its control environment: the manual.
var complyTypes = map[string]string{
	"policies": "policy", "procedures": "procedure", "standards": "standard", "narratives": "manual",
}

// goTemplate matches a Go template action; goName the one comply fills
// with the organisation's name.
var (
	goTemplate = regexp.MustCompile(`\{\{-?\s*([^{}]*?)\s*-?\}\}`)
	goName     = regexp.MustCompile(`^\.Name$`)
)

func importComply(src fs.FS, o Options) (*Site, error) {
	s := &Site{Files: map[string][]byte{}, Organization: o.Org}
	if s.Organization == "" {
		if b, err := fs.ReadFile(src, "comply.yml"); err == nil {
			var c struct {
				Name string `yaml:"name"`
			}
			if yaml.Unmarshal(b, &c) == nil {
				s.Organization = strings.TrimSpace(c.Name)
			}
		}
	}
	err := fs.WalkDir(src, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != "." && (strings.HasPrefix(e.Name(), ".") || p == "templates" || p == "output") {
				if p == "templates" || p == "output" {
					s.note(KindSkipped, p+"/", 0, true, "comply's %s folder (rendering, not content)", p)
				}
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(e.Name(), ".") {
			return nil
		}
		dir := strings.Split(p, "/")[0]
		typ, isDocFolder := complyTypes[dir]
		switch {
		case !isDocFolder || !strings.HasSuffix(p, ".md"):
			why := "not a comply document"
			if strings.HasSuffix(p, ".yml") && dir == "standards" {
				why = "a comply standard (its criteria are SOC 2's, not ISO/IEC 27001 Annex A's)"
			} else if p == "comply.yml" {
				why = "comply's project configuration (its name fills {{.Name}})"
			}
			s.note(KindSkipped, p, 0, true, "%s", why)
			return nil
		case strings.EqualFold(e.Name(), "README.md"):
			s.note(KindSkipped, p, 0, true, "a folder README, not a document")
			return nil
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		return s.complyDoc(p, typ, b)
	})
	s.uniqueIDs()
	return s, err
}

func (s *Site) complyDoc(p, typ string, b []byte) error {
	f, err := splitFront(b)
	if err != nil {
		s.note(KindSkipped, p, 1, true, "front-matter is not valid YAML: %v", err)
		return nil
	}
	if f.m == nil {
		s.note(KindSkipped, p, 1, true, "no YAML block before the first --- line")
		return nil
	}
	d := &Doc{Path: p, Source: p}
	var title, id, acronym string
	var notes []string
	for _, kv := range f.pairs() {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "name":
			title = strings.TrimSpace(v.Value)
		case "acronym":
			acronym = strings.TrimSpace(v.Value)
		case "id":
			id = strings.TrimSpace(v.Value)
		case "majorRevisions":
			d.Set("history", s.complyHistory(p, f, v), false)
		case "satisfies":
			var lines []string
			if v.Kind != yaml.MappingNode { // a bare list: one framework
				v = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "criteria"}, v}}
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				var ids []string
				for _, c := range v.Content[i+1].Content {
					ids = append(ids, c.Value)
				}
				if n := v.Content[i+1]; n.Kind == yaml.ScalarNode {
					ids = append(ids, n.Value)
				}
				lines = append(lines, fmt.Sprintf("- %s: %s", v.Content[i].Value, strings.Join(ids, ", ")))
			}
			if len(lines) > 0 {
				notes = append(notes, "## Compliance mapping (imported)\n\nIn comply this document satisfied these criteria:\n\n"+strings.Join(lines, "\n")+
					"\n\nThey are SOC 2 trust services criteria, not ISO/IEC 27001 Annex A controls, so they were not copied into `controls`.")
				s.note(KindNote, p, f.line(k), true, "satisfies %s: kept as a note in the body; set `controls` to the Annex A controls this document implements", yamlText(v))
			}
		case "cron":
			c := strings.TrimSpace(v.Value)
			notes = append(notes, fmt.Sprintf("## Schedule (imported)\n\ncomply opened a ticket for this procedure on the cron schedule `%s`.", c))
			s.note(KindNote, p, f.line(k), true, "cron %q: comply's ticket schedule is kept as a note in the body; isms does not open tickets", c)
		default:
			s.note(KindUnmapped, p, f.line(k), true, "%s: %s", k.Value, yamlText(v))
		}
	}
	body := f.body
	if len(notes) > 0 {
		body = strings.TrimRight(body, "\n") + "\n\n" + strings.Join(notes, "\n\n") + "\n"
	}
	d.Body = s.resolveGo(body)
	if acronym != "" {
		id = acronym
	}
	if id == "" {
		id = strings.TrimSuffix(path.Base(p), ".md")
	}
	if title == "" {
		title = firstHeading(f.body)
	}
	if title == "" {
		title = id
	}
	rest := d.Front
	d.Front = []Field{{"id", makeID(id), false}, {"title", title, false}, {"type", typ, true}}
	setOwner(d, "", DefaultOwner)
	d.Front = append(d.Front, rest...)
	s.Docs = append(s.Docs, d)
	return nil
}

// complyHistory turns majorRevisions ({date, comment}) into history rows.
func (s *Site) complyHistory(p string, f front, v *yaml.Node) [][][2]string {
	var out [][][2]string
	for _, e := range v.Content {
		if e.Kind != yaml.MappingNode {
			s.note(KindUnmapped, p, f.line(e), true, "majorRevisions entry: %s", yamlText(e))
			continue
		}
		var row [][2]string
		for i := 0; i+1 < len(e.Content); i += 2 {
			k, x := e.Content[i], e.Content[i+1]
			switch k.Value {
			case "date":
				if dt, ok := model.SuggestDate(x.Value); ok {
					row = append(row, [2]string{"date", dt.String()})
				} else {
					s.note(KindUnmapped, p, f.line(x), true, "majorRevisions date %q is not a date isms can read", x.Value)
				}
			case "comment":
				row = append(row, [2]string{"change", strings.TrimSpace(x.Value)})
			case "author":
				row = append(row, [2]string{"author", strings.TrimSpace(x.Value)})
			case "version":
				row = append(row, [2]string{"version", strings.TrimSpace(x.Value)})
			default:
				s.note(KindUnmapped, p, f.line(k), true, "majorRevisions %s: %s", k.Value, yamlText(x))
			}
		}
		if len(row) > 0 {
			out = append(out, row)
		}
	}
	return out
}

// resolveGo fills {{.Name}} with the organisation's name; every other
// action is left as written (the checklist lists it).
func (s *Site) resolveGo(body string) string {
	if s.Organization == "" {
		return body
	}
	return goTemplate.ReplaceAllStringFunc(body, func(m string) string {
		if goName.MatchString(goTemplate.FindStringSubmatch(m)[1]) {
			return s.Organization
		}
		return m
	})
}
