package render

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/isms-project/isms/generator/report"
)

// TestMainsMadeOnce: a report page's main block that the auditor's copy
// expects is executed once, whether the page or its part asks first or
// both at once, both get its bytes, and it is let go once both have it.
// One the copy did not expect is made by the copy alone (the page, asking
// first, executes main itself); one that failed is "" to both, which then
// execute main themselves.
func TestMainsMadeOnce(t *testing.T) {
	p := report.Page{Layout: "currency", URL: "currency/"}
	for _, order := range []string{"page first", "part first", "together"} {
		for range 50 {
			m := &mains{m: map[string]*mainBlock{}}
			m.expect(p)
			m.expect(p) // said twice: one entry still
			var runs atomic.Int32
			exec := func() ([]byte, error) { runs.Add(1); return []byte("<table>"), nil }
			var page, part string
			switch order {
			case "page first":
				page = string(m.take(p, exec))
				part = string(m.make(p, exec))
			case "part first":
				part = string(m.make(p, exec))
				page = string(m.take(p, exec))
			default:
				var wg sync.WaitGroup
				wg.Go(func() { page = string(m.take(p, exec)) })
				wg.Go(func() { part = string(m.make(p, exec)) })
				wg.Wait()
			}
			if runs.Load() != 1 || page != "<table>" || part != "<table>" {
				t.Fatalf("%s: main executed %d times; page %q, part %q", order, runs.Load(), page, part)
			}
			if len(m.m) != 0 {
				t.Fatalf("%s: %d blocks kept after both took them", order, len(m.m))
			}
		}
	}

	m := &mains{m: map[string]*mainBlock{}}
	var runs atomic.Int32
	exec := func() ([]byte, error) { runs.Add(1); return []byte("<table>"), nil }
	if got := m.take(p, exec); got != "" || runs.Load() != 0 {
		t.Errorf("not expected, page first: %q, %d runs; want it to execute main itself", got, runs.Load())
	}
	if got := m.make(p, exec); got != "<table>" || runs.Load() != 1 {
		t.Errorf("not expected, part after the page: %q, %d runs", got, runs.Load())
	}

	m = &mains{m: map[string]*mainBlock{}}
	m.expect(p)
	failed := func() ([]byte, error) { return []byte("<tab"), errors.New("no such field") }
	if got := m.take(p, failed); got != "" {
		t.Errorf("failed, page: %q", got)
	}
	if got := m.make(p, exec); got != "" {
		t.Errorf("failed, part: %q", got)
	}
}
