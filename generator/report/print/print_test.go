package print

import (
	"strings"
	"testing"
)

// A theme may print a section's documents anywhere, twice, or not at all.
func TestSplicePrint(t *testing.T) {
	frame := []byte("<a>" + printMarker(1) + "<b>" + printMarker(0) + printMarker(1) + "</b>")
	bodies := []string{"xy", "Z", "unused"}
	join := func(ps []printPiece) string {
		var b strings.Builder
		for _, p := range ps {
			if p.sec < 0 {
				b.Write(p.frame)
			} else {
				b.WriteString(bodies[p.sec])
			}
		}
		return b.String()
	}
	if got, want := join(splicePrint(frame, len(bodies))), "<a>Z<b>xyZ</b>"; got != want {
		t.Errorf("splicePrint = %q, want %q", got, want)
	}
	if got := join(splicePrint([]byte("plain"), len(bodies))); got != "plain" {
		t.Errorf("splicePrint without markers = %q", got)
	}
}
