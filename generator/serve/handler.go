package serve

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

//go:embed reload.js
var reloadJS []byte

// types are the content types of what a site holds; anything else falls
// back to the system table, then to application/octet-stream. Browsers
// are told not to sniff (nosniff), so these must be right.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".ico":  "image/x-icon",
	".pdf":  "application/pdf",
	".txt":  "text/plain; charset=utf-8",
	".md":   "text/plain; charset=utf-8",
	".csv":  "text/csv; charset=utf-8",
	".xml":  "application/xml",
	".ics":  "text/calendar; charset=utf-8",
	".zip":  "application/zip",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// ServeHTTP serves the preview's endpoints and the latest good tree.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	setHeaders(h, r.URL.Path)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case Prefix + "events":
		s.events(w, r)
		return
	case Prefix + "reload.js":
		h.Set("Content-Type", contentType(".js"))
		http.ServeContent(w, r, "reload.js", time.Time{}, bytes.NewReader(reloadJS))
		return
	}
	key, ok := treeKey(r.URL.Path)
	if !ok {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	st := s.current()
	if st.tree == nil {
		s.noBuild(w, st)
		return
	}
	// The reload client reads this from the navigation timing entry to
	// learn which build its page came from.
	h.Set("Server-Timing", fmt.Sprintf(`isms;desc="%s:%d"`, s.boot, st.gen))
	if b, found := st.tree[key]; found {
		s.file(w, r, key, b, http.StatusOK)
		return
	}
	// A folder asked for without its slash: send the browser to the slash
	// form, so the page's relative links resolve. A document's page is
	// in the tree: asking the deferred pages first would make them all.
	folder := !strings.HasSuffix(key, "index.html")
	redirect := func() {
		http.Redirect(w, r, (&url.URL{Path: "/" + key + "/"}).EscapedPath(), http.StatusMovedPermanently)
	}
	if _, found := st.tree[key+"/index.html"]; found && folder {
		redirect()
		return
	}
	if b, found := s.lazyPage(st, key); found {
		s.file(w, r, key, b, http.StatusOK)
		return
	}
	if folder {
		if _, found := s.lazyPage(st, key+"/index.html"); found {
			redirect()
			return
		}
	}
	if b, found := st.tree["404.html"]; found {
		s.file(w, r, "404.html", b, http.StatusNotFound)
		return
	}
	http.NotFound(w, r)
}

func (s *Server) file(w http.ResponseWriter, r *http.Request, name string, b []byte, status int) {
	w.Header().Set("Content-Type", contentType(name))
	if status != http.StatusOK {
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(b)
		}
		return
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// treeKey maps a URL path (already percent-decoded once by net/http) to a
// tree path. It refuses anything that is not a plain path of clean
// segments: "..", ".", empty segments inside, backslashes and NUL. A "%"
// left after decoding is a file's own name ("100%.pdf", asked for as
// "100%25.pdf"): a double-encoded "%2e%2e" is only a name no file has.
// The tree is a map, so nothing outside it can be reached anyway;
// refusing early keeps the answers plain.
func treeKey(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	rest := p[1:]
	dir := rest == "" || strings.HasSuffix(rest, "/")
	rest = strings.TrimSuffix(rest, "/")
	if rest != "" {
		for _, seg := range strings.Split(rest, "/") {
			if seg == "" || seg == "." || seg == ".." {
				return "", false
			}
		}
	}
	switch {
	case rest == "":
		return "index.html", true
	case dir:
		return rest + "/index.html", true
	}
	return rest, true
}

// noBuild answers every page request while no build has succeeded yet:
// a page with the reload client, which draws the overlay and reloads
// once a build succeeds.
func (s *Server) noBuild(w http.ResponseWriter, st *state) {
	w.Header().Set("Content-Type", contentType(".html"))
	w.WriteHeader(http.StatusServiceUnavailable)
	_ = noBuildPage.Execute(w, st.diags.String())
}

var noBuildPage = template.Must(template.New("").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="isms-preview" content="no-build"><title>Build failed · isms preview</title>
<script src="` + Prefix + `reload.js" defer></script></head>
<body><h1>The site does not build yet</h1><pre>{{.}}</pre></body></html>
`))
