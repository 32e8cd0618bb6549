package serve

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/isms-project/isms/generator/load"
)

// HeaderRule is one [[headers]] block of netlify.toml: the values sent
// with every response whose URL path matches For, where "*" matches any
// run of characters, "/" included.
type HeaderRule struct {
	For    string
	Values [][2]string // name, value; in netlify.toml's order
}

// SiteCSP is the published site's Content-Security-Policy: the theme uses
// no inline script or style and loads nothing from other hosts.
const SiteCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// SiteHeaders are the headers the site is served with, the one source for
// both the preview and the published site: netlify.toml holds the same
// blocks in the same order, and TestNetlifyHeaders fails when they part.
//
// Files of the active types under content/ (load.ActiveTypes: HTML, SVG,
// XML, scripts) are evidence, not part of the portal: a "sandbox" policy
// gives them an opaque origin with scripts disabled, so an artefact that
// carries script renders but cannot run it, let alone read other pages;
// scripts are sent as downloads when opened. A second
// Content-Security-Policy adds to the first: a browser enforces both.
var SiteHeaders = siteHeaders()

func siteHeaders() []HeaderRule {
	rules := []HeaderRule{{For: "/*", Values: [][2]string{
		{"Content-Security-Policy", SiteCSP},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "same-origin"},
		{"X-Frame-Options", "DENY"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
	}}}
	for _, ext := range load.ActiveTypes {
		v := [][2]string{{"Content-Security-Policy", "sandbox"}}
		if ext == ".js" || ext == ".mjs" {
			v = append(v, [2]string{"Content-Disposition", "attachment"})
		}
		rules = append(rules, HeaderRule{For: "/*" + ext, Values: v})
	}
	return append(rules, HeaderRule{For: "/manifest.json", Values: [][2]string{{"Cache-Control", "no-cache"}}})
}

// setHeaders adds the values of every rule that matches urlPath. The
// preview keeps its own Cache-Control (no-store): it is not a security
// header, and a preview must never be cached.
func setHeaders(h http.Header, urlPath string) {
	for _, r := range SiteHeaders {
		if !Match(r.For, urlPath) {
			continue
		}
		for _, v := range r.Values {
			if v[0] == "Cache-Control" {
				continue
			}
			h.Add(v[0], v[1])
		}
	}
}

// Match reports whether urlPath matches a netlify.toml "for" pattern, in
// which "*" matches any run of characters, "/" included.
func Match(pattern, urlPath string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == urlPath
	}
	if !strings.HasPrefix(urlPath, pattern[:star]) {
		return false
	}
	rest := pattern[star+1:]
	for i := star; i <= len(urlPath); i++ {
		if Match(rest, urlPath[i:]) {
			return true
		}
	}
	return false
}

// HostGuard answers 403 to every request whose Host header is not a name
// the preview is reached by: bind itself (its address, or the name given
// to --bind), localhost, 127.0.0.1 or [::1], each with the port it
// listens on (which may be left off only for port 80). It is what stops
// DNS rebinding: a web page on evil.example that re-points its name to
// 127.0.0.1 still sends "Host: evil.example". When bind is an unspecified
// address (0.0.0.0, ::), any IP address is accepted as Host too: such a
// Host cannot come from a rebound name.
func HostGuard(next http.Handler, bind string, port int) http.Handler {
	names := map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}
	anyIP := false
	if ip := net.ParseIP(bind); ip != nil {
		names[ip.String()] = true
		anyIP = ip.IsUnspecified()
	} else if bind != "" {
		names[strings.ToLower(strings.TrimSuffix(bind, "."))] = true
	}
	want := strconv.Itoa(port)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, p, err := net.SplitHostPort(r.Host)
		if err != nil { // no port
			host, p = strings.TrimSuffix(strings.TrimPrefix(r.Host, "["), "]"), "80"
		}
		host = strings.ToLower(strings.TrimSuffix(host, "."))
		ip := net.ParseIP(host)
		if ip != nil {
			host = ip.String()
		}
		if p != want || !(names[host] || anyIP && ip != nil) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte("isms serve answers only to the names it listens on (localhost, 127.0.0.1, [::1] or --bind's) with its port: this request's Host header is not one of them\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
