package generator

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// TestLazyRandomEdits: a lazy build through the preview's cache, with the
// pages it deferred made on request, is the fresh eager build byte for
// byte after every random edit — whether or not the previous build's
// deferred pages were asked for (their memos outlive one build only
// when they were). The quick suite runs one seed and half the steps.
func TestLazyRandomEdits(t *testing.T) {
	t.Parallel()
	seeds, steps := uint64(testmode.Rounds(1, 3)), testmode.Rounds(8, 16)
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			site := siteFromTxtar(t, "../testdata/sites/basic.txtar")
			r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
			c := NewCache()
			var did []string
			for step := range steps {
				did = append(did, editSite(site, r, step))
				lazy, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c, Lazy: true})
				if err != nil {
					t.Fatal(err)
				}
				fresh, err := Build(context.Background(), Options{Site: site, AsOf: asOf})
				if err != nil {
					t.Fatal(err)
				}
				if ld, fd := lazy.Diags.String(), fresh.Diags.String(); ld != fd {
					t.Fatalf("after %q: diagnostics differ\nlazy:\n%s\nfresh:\n%s", did, ld, fd)
				}
				if (lazy.Tree == nil) != (fresh.Tree == nil) {
					t.Fatalf("after %q: lazy ok=%v, fresh ok=%v", did, lazy.Tree != nil, fresh.Tree != nil)
				}
				if lazy.Tree == nil {
					continue
				}
				for _, u := range []string{"print/index.html", "search-index.json", "currency/index.html", "processes/index.html", "processes/map.svg"} {
					if _, ok := lazy.Tree[u]; ok {
						t.Fatalf("the lazy build rendered %s", u)
					}
				}
				if step%3 == 2 {
					continue // nobody asks: the next build must not rely on these memos
				}
				whole := maps.Clone(lazy.Tree)
				deferred, diags := lazy.lazy.pages()
				if len(diags) > 0 {
					t.Fatalf("making the deferred pages: %s", diags)
				}
				for u, b := range deferred {
					whole[u] = b
				}
				if p := treeDiff(whole, fresh.Tree); p != "" {
					t.Fatalf("after %q: lazy build differs from a fresh one at %s:\n%s", did, p, firstDiff(string(whole[p]), string(fresh.Tree[p])))
				}
				for _, u := range []string{"print/index.html", "processes/index.html"} {
					if b, _, ok := lazy.Page(u); !ok || string(b) != string(fresh.Tree[u]) {
						t.Fatalf("Page(%s) = %d bytes, %v", u, len(b), ok)
					}
				}
			}
		})
	}
}

// TestLazyEditionsRenderAll: an edition's tree is redacted whole, so a
// lazy build of an edition defers nothing and holds no canary.
func TestLazyEditionsRenderAll(t *testing.T) {
	t.Parallel()
	dir := canarySite(t)
	eager := buildCanary(t, dir, Options{Edition: "staff"})
	lazy := buildCanary(t, dir, Options{Edition: "staff", Lazy: true, Cache: NewCache()})
	if p := treeDiff(lazy.Tree, eager.Tree); p != "" {
		t.Fatalf("lazy edition differs at %s", p)
	}
	if _, _, ok := lazy.Page("print/index.html"); ok {
		t.Fatal("a lazy edition build deferred pages")
	}
	if l := leaks(t, lazy.Tree, canaries); len(l) > 0 {
		t.Fatalf("leaks: %v", l)
	}
}
