package jsonw

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encoded is s as encoding/json writes it, with or without HTML escaping.
func encoded(t *testing.T, s string, html bool) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

var seeds = []string{
	"", "plain", `"quoted" \ back\slash`, "tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f",
	"<script>&amp;</script>", "line\u2028para\u2029end", "bad \xff\xfe utf-8 \xe2\x82", "ünïcödé — «»",
	"emoji 🙂", "\u00ad\u200b\ufeff", `\u0000`, "end\\", "\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 past U+10FFFF",
}

func TestMatchesEncoding(t *testing.T) {
	for _, s := range seeds {
		if got, want := AppendString(nil, s), encoded(t, s, false); !bytes.Equal(got, want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
		if got, want := AppendHTMLString([]byte("x"), s), append([]byte("x"), encoded(t, s, true)...); !bytes.Equal(got, want) {
			t.Errorf("AppendHTMLString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzMatchesEncoding(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := AppendString(nil, s), encoded(t, s, false); !bytes.Equal(got, want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
		if got, want := AppendHTMLString(nil, s), encoded(t, s, true); !bytes.Equal(got, want) {
			t.Fatalf("AppendHTMLString(%q) = %s, want %s", s, got, want)
		}
	})
}
