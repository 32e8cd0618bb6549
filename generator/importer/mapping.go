package importer

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Mapping is the --map file of the frontmatter importer:
//
//	root: docs                 # where the documents are (default: found from
//	                           # mkdocs.yml, Hugo's or Docusaurus' config, else all)
//	keys:                      # source key → isms key; "" drops a key silently
//	  doc_owner: owner
//	  sidebar_position: ""
//	values:                    # per isms key: source value → isms value
//	  status: { Live: approved }
//	  classification: { "Company Confidential": confidential }
//	defaults:                  # for documents that do not say
//	  owner: Head of Information Security
//	  type: manual
//	folders:                   # defaults by folder (under root); the longest match wins
//	  policies: { type: policy, owner: CISO }
//	  sops: { type: procedure }
type Mapping struct {
	Root     string                       `yaml:"root"`
	Keys     map[string]string            `yaml:"keys"`
	Values   map[string]map[string]string `yaml:"values"`
	Defaults map[string]string            `yaml:"defaults"`
	Folders  map[string]map[string]string `yaml:"folders"`

	path string // the file's name, for messages
}

// defaultKeys are the keys other tools use for isms keys, lower-case.
var defaultKeys = map[string]string{
	"id": "id", "doc_id": "id", "document_id": "id", "docid": "id",
	"title": "title", "name": "title",
	"type": "type", "doc_type": "type", "document_type": "type",
	"owner": "owner", "owners": "owner", "author": "owner", "authors": "owner", "document_owner": "owner", "policy_owner": "owner",
	"reviewed": "reviewed", "last_reviewed": "reviewed", "review_date": "reviewed", "last_review": "reviewed",
	"last_updated": "reviewed", "lastmod": "reviewed", "last_modified": "reviewed", "updated": "reviewed", "date": "reviewed",
	"next_review": "next_review", "next_review_date": "next_review", "review_due": "next_review",
	"review_every": "review_every", "review_cycle": "review_every", "review_frequency": "review_every",
	"review_period": "review_every", "review_interval": "review_every",
	"status": "status", "draft": "draft",
	"classification": "classification", "confidentiality": "classification", "sensitivity": "classification",
	"version": "version", "revision": "version", "doc_version": "version",
	"approved_by": "approved_by", "approver": "approved_by",
	"approved": "approved", "approval_date": "approved", "effective": "approved", "effective_date": "approved",
	"clause": "clause", "clauses": "clause", "controls": "controls", "annex_a": "controls",
	"phase": "phase", "inputs": "inputs", "outputs": "outputs", "history": "history",
	"file": "file", "applicability": "applicability",
}

// reviewedRank orders the keys that all give the last review date: the
// most specific wins when a document has several.
var reviewedRank = []string{"reviewed", "last_reviewed", "review_date", "last_review", "last_updated", "lastmod", "last_modified", "updated", "date"}

// mappingKeys are the keys a mapping file may have.
var mappingKeys = []string{"root", "keys", "values", "defaults", "folders"}

// parseMapping reads a mapping file strictly: a typo in it would silently
// change an import.
func parseMapping(name string, b []byte) (*Mapping, error) {
	m := &Mapping{}
	if len(strings.TrimSpace(string(b))) == 0 {
		return m, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(root.Content) == 1 && root.Content[0].Kind == yaml.MappingNode {
		c := root.Content[0].Content
		for i := 0; i+1 < len(c); i += 2 {
			if !slices.Contains(mappingKeys, c[i].Value) {
				return nil, fmt.Errorf("%s:%d:%d: unknown key %q (known: %s)", name, c[i].Line, c[i].Column, c[i].Value, strings.Join(mappingKeys, ", "))
			}
		}
	}
	if err := root.Decode(m); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	for k, v := range m.Keys {
		if v != "" && !slices.Contains(isKeys, v) {
			return nil, fmt.Errorf("%s: keys: %s maps to %q, which is not an isms key (%s)", name, k, v, strings.Join(isKeys, ", "))
		}
	}
	m.Root = strings.Trim(m.Root, "/")
	m.path = name
	return m, nil
}

// isKeys are the isms front-matter keys a mapping may name.
var isKeys = []string{"id", "title", "type", "owner", "clause", "controls", "version", "status", "classification",
	"approved_by", "approved", "reviewed", "next_review", "review_every", "phase", "inputs", "outputs", "history", "date", "file", "applicability"}

// target is the isms key a source key maps to, and whether it is dropped
// silently (the mapping says "").
func (m *Mapping) target(key string) (to string, drop bool) {
	if t, ok := m.Keys[key]; ok {
		return t, t == ""
	}
	return defaultKeys[strings.ToLower(key)], false
}

// value applies the mapping's value map for an isms key.
func (m *Mapping) value(key, v string) string {
	if vm, ok := m.Values[key]; ok {
		if x, ok := vm[v]; ok {
			return x
		}
		for k, x := range vm {
			if strings.EqualFold(k, v) {
				return x
			}
		}
	}
	return v
}

// folderDefault is the default for key of a document at p (relative to
// root): the longest matching folder's, else the mapping's.
func (m *Mapping) folderDefault(p, key string) string {
	if v := m.folderValue(p, key); v != "" {
		return v
	}
	return m.Defaults[key]
}

// folderValue is the longest matching folder's value for key, or "".
func (m *Mapping) folderValue(p, key string) string {
	best, val := -1, ""
	for f, kv := range m.Folders {
		f = strings.Trim(f, "/")
		if (strings.HasPrefix(p, f+"/") || f == "" || f == ".") && len(f) > best {
			if v, ok := kv[key]; ok {
				best, val = len(f), v
			}
		}
	}
	return val
}
