package serve

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/model"

	"github.com/isms-project/isms/internal/testmode"
)

// hits records the requests an artefact's script makes to /__hit/….
type hits struct {
	mu   sync.Mutex
	seen []string
}

func (h *hits) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/__hit/") {
			h.mu.Lock()
			h.seen = append(h.seen, r.URL.Path)
			h.mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (h *hits) list() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}

// withRules serves next under header rules read from netlify.toml, as
// Netlify would.
func withRules(rules []HeaderRule, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, rule := range rules {
			if Match(rule.For, r.URL.Path) {
				for _, v := range rule.Values {
					w.Header().Add(v[0], v[1])
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

func listen(t *testing.T, h http.Handler) string {
	t.Helper()
	hs := httptest.NewUnstartedServer(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(hs.Close)
	return hs.URL
}

// TestBrowserArtefactsRunNoScript opens an HTML and an SVG artefact that
// carry script (and an HTML one that loads a script file that is also
// under content/) in real Chromium: on the preview, and on the built site
// served with netlify.toml's headers. The script would change the title
// and call back to the server; neither may happen. The same files served
// without the headers run their script, which shows the test can fail.
func TestBrowserArtefactsRunNoScript(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		bin, err = exec.LookPath("chromium-browser")
	}
	if err != nil {
		t.Skip("skipping: no chromium binary on PATH (apt-get install chromium to run this test)")
	}
	testmode.Slow(t) // a Chromium: the full suite (ISMS_TEST=full) has it
	files := map[string]string{}
	for k, v := range smallSite {
		files[k] = v
	}
	files["content/evidence/report.html"] = `<!DOCTYPE html><html><head><title>report</title>
<script>document.title = "ran"; fetch("/__hit/html");</script>
<script src="loader.js"></script></head><body><h1>Report</h1></body></html>`
	files["content/evidence/loader.js"] = `fetch("/__hit/js");`
	files["content/evidence/logo.svg"] = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
<script>fetch("/__hit/svg")</script><rect width="10" height="10"/></svg>`
	files["content/evidence/test.md"] = "---\nid: EV-1\ntitle: Test report\ntype: evidence\nowner: CISO\nfile: evidence/report.html\n---\nThe report.\n"
	dir := writeSite(t, files)

	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}})
	must(t, err)
	t.Cleanup(s.Close)
	if !s.current().ok {
		t.Fatalf("preview build failed:\n%s", s.current().diags)
	}
	res, err := generator.Build(context.Background(), generator.Options{Site: os.DirFS(dir), AsOf: model.DateOf(2026, 11, 27)})
	must(t, err)
	if res.Tree == nil {
		t.Fatalf("build failed:\n%s", res.Diags)
	}
	built := http.FileServerFS(res.Tree.FS())
	rules := parseNetlifyHeaders(t, "../../netlify.toml")

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoSandbox,
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	for _, c := range []struct {
		name    string
		handler http.Handler
		runs    bool
	}{
		{"preview", s, false},
		{"built site under netlify.toml headers", withRules(rules, built), false},
		{"control: built site without headers", built, true},
	} {
		var h hits
		base := listen(t, h.wrap(c.handler))
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/evidence/report.html"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		title := evalString(t, ctx, `document.title`)
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/evidence/logo.svg")); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// Load one more page after the artefacts, so a call they made has
		// surely arrived before the hits are read.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/evidence/test/"), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.runs {
			waitFor(t, func() bool { return len(h.list()) >= 3 })
			if title != "ran" {
				t.Errorf("%s: the control's script did not run (title %q): the test cannot tell", c.name, title)
			}
			continue
		}
		time.Sleep(300 * time.Millisecond)
		if title != "report" {
			t.Errorf("%s: the HTML artefact's script ran: title %q", c.name, title)
		}
		if got := h.list(); len(got) > 0 {
			t.Errorf("%s: artefact script called back: %q", c.name, got)
		}
		// The portal's own pages still run their scripts.
		if n := evalString(t, ctx, `String(document.scripts.length)`); n == "0" {
			t.Errorf("%s: the evidence page has no scripts", c.name)
		}
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
