package print

import (
	"bytes"
	"testing"
)

// A theme may print a section's documents anywhere, twice, or not at all.
func TestSplicePrint(t *testing.T) {
	frame := []byte("<a>" + printMarker(1) + "<b>" + printMarker(0) + printMarker(1) + "</b>")
	bodies := [][][]byte{{[]byte("x"), []byte("y")}, {[]byte("Z")}, {[]byte("unused")}}
	got := string(bytes.Join(splicePrint(frame, bodies), nil))
	if want := "<a>Z<b>xyZ</b>"; got != want {
		t.Errorf("splicePrint = %q, want %q", got, want)
	}
	if got := string(bytes.Join(splicePrint([]byte("plain"), bodies), nil)); got != "plain" {
		t.Errorf("splicePrint without markers = %q", got)
	}
}
