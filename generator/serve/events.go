package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/isms-project/isms/generator/diag"
)

// event is what a browser learns after each build, as the data of one
// Server-Sent Event named "build". Each event carries the whole error
// state, so a browser that connects late or misses one still draws the
// right overlay.
type event struct {
	Boot    string    `json:"boot"`              // differs after a server restart
	Gen     int       `json:"gen"`               // good builds so far; a page built before a missed build reloads
	OK      bool      `json:"ok"`                // the latest build succeeded
	Hello   bool      `json:"hello,omitempty"`   // the first event of a connection: the current state
	Changed []string  `json:"changed,omitempty"` // URLs whose bytes changed, sorted
	Removed []string  `json:"removed,omitempty"` // URLs no longer served
	CSSOnly bool      `json:"cssOnly,omitempty"` // only stylesheets changed: swap them, no reload
	All     bool      `json:"all,omitempty"`     // a file every page may use changed: every page reloads
	Errors  []message `json:"errors,omitempty"`  // the latest build's diagnostics, for the overlay
}

// message is one diagnostic for the overlay; the client prints every
// field with textContent.
type message struct {
	Pos      string `json:"pos"` // path:line:col
	Severity string `json:"severity"`
	Code     string `json:"code,omitempty"`
	Text     string `json:"text"`
}

func messages(l diag.List) []message {
	var out []message
	for _, d := range l {
		out = append(out, message{Pos: d.Pos.String(), Severity: d.Severity.String(), Code: d.Code, Text: d.Msg})
	}
	return out
}

// hub fans events out to the open event streams.
type hub struct {
	mu   sync.Mutex
	subs map[chan event]bool
}

func (h *hub) init() { h.subs = map[chan event]bool{} }

func (h *hub) subscribe() chan event {
	ch := make(chan event, 16)
	h.mu.Lock()
	h.subs[ch] = true
	h.mu.Unlock()
	return ch
}

func (h *hub) unsubscribe(ch chan event) {
	h.mu.Lock()
	if h.subs[ch] {
		delete(h.subs, ch)
		close(ch)
	}
	h.mu.Unlock()
}

// publish never blocks a build: a browser too slow to take its events is
// disconnected, and on reconnecting it compares generations and reloads.
func (h *hub) publish(ev event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- ev:
		default:
			delete(h.subs, ch)
			close(ch)
		}
	}
}

// Clients returns how many event streams are open (for tests and logs).
func (s *Server) Clients() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return len(s.hub.subs)
}

// events streams build events. The first one describes the current state.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	ch := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)

	st := s.current()
	ok, diags := st.status()
	hello := event{Boot: s.boot, Gen: st.gen, OK: ok, Hello: true, Errors: messages(diags)}
	if err := writeEvent(w, hello); err != nil {
		return
	}
	fl.Flush()
	// A comment now and then keeps proxies and idle timeouts from
	// closing a quiet stream.
	tick := time.NewTicker(20 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.quit:
			return
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		case ev, open := <-ch:
			if !open {
				return
			}
			if err := writeEvent(w, ev); err != nil {
				return
			}
		}
		fl.Flush()
	}
}

func writeEvent(w http.ResponseWriter, ev event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	// JSON has no raw newlines, so the data fits on one "data:" line.
	_, err = fmt.Fprintf(w, "event: build\ndata: %s\n\n", b)
	return err
}
