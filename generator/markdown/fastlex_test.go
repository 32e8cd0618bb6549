package markdown

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/isms-project/isms/internal/testmode"
	"github.com/yuin/goldmark"
)

// tokens is every token lexer gives for text, coalesced as the
// highlighter asks for them.
func tokens(t testing.TB, lexer chroma.Lexer, text string) []chroma.Token {
	t.Helper()
	it, err := chroma.Coalesce(lexer).Tokenise(nil, text)
	if err != nil {
		t.Fatalf("%s: %v", lexer.Config().Name, err)
	}
	return it.Tokens()
}

// chromaSamples are the sample sources chroma's own lexer tests use
// (lexers/testdata/*.actual in its module), by lexer name; nil when the
// module's folder cannot be found.
func chromaSamples(t testing.TB) map[string]string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		return nil
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "lexers", "testdata")
	files, _ := filepath.Glob(filepath.Join(dir, "*.actual"))
	samples := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		samples[strings.TrimSuffix(filepath.Base(f), ".actual")] = string(b)
	}
	return samples
}

// lexerNamesForTest is every registered lexer chroma tokenises with
// rules, by name.
func lexerNamesForTest() []string {
	var names []string
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		if _, ok := l.(*chroma.RegexLexer); ok {
			names = append(names, l.Config().Name)
		}
	}
	slices.Sort(names)
	return names
}

// fastPair is the registered lexer called name and its fast form, made
// once for the test binary.
func fastPair(t testing.TB, name string) (orig, fast chroma.Lexer) {
	t.Helper()
	orig = lexers.GlobalLexerRegistry.Get(name)
	rl, ok := orig.(*chroma.RegexLexer)
	if !ok {
		t.Fatalf("%s is not a RegexLexer", name)
	}
	if f, ok := testFast.Load(rl); ok {
		return rl, f.(chroma.Lexer)
	}
	f, err := newFastLexer(rl, lexers.GlobalLexerRegistry)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	testFast.Store(rl, f)
	return rl, f
}

var testFast sync.Map

// TestFastLexerMatchesChroma: for every lexer chroma registers, the fast
// lexer gives chroma's own tokens, on chroma's sample for that language
// (its lexer tests' sources) and on a few texts of other languages.
func TestFastLexerMatchesChroma(t *testing.T) {
	t.Parallel()
	samples := chromaSamples(t)
	if samples == nil {
		t.Log("chroma's module folder not found (go list -m): only the texts below are used")
	}
	names := lexerNamesForTest()
	if len(names) < 100 {
		t.Fatalf("only %d lexers", len(names))
	}
	others := []string{
		"sudo systemctl restart firewall-0 && journalctl -u x --since \"-28h\" | grep -c error\n",
		"schedule:\n  - name: recovery-0\n    every: 22h\n    owner: \"Finance Director\"\n",
		"func main() {\n\tfmt.Println(\"<&>\") // é\n}\n\r\nx = `a\r\nb`\n",
		"<html><body class=\"x\">a &amp; b<script>var x = 1 < 2;</script></body></html>",
		"SELECT * FROM t WHERE a = 'b' -- c\n/* d */",
		"", "\n", "\t\x00\xff unclosed \"string\n(",
	}
	limit := 4096 // of each sample, in the quick suite; the full suite's -race makes whole samples take a minute
	if testmode.Full() {
		limit = 8 << 10
	}
	// Texts of other languages go through the lexers an ISMS uses; some
	// of chroma's lexers backtrack for seconds on a foreign text.
	common := map[string]bool{}
	for _, s := range []string{"bash", "yaml", "go", "json", "python", "html", "sql", "powershell", "docker", "ini", "markdown", "javascript", "toml", "xml", "diff", "console", "plaintext"} {
		if l := lexers.Get(s); l != nil {
			common[l.Config().Name] = true
		}
	}
	checked, tried := 0, 0
	for k, name := range names {
		if !testmode.Full() && !common[name] && k%4 != 0 {
			continue // the quick suite: a quarter of the others
		}
		orig, fast := fastPair(t, name)
		tried++
		var texts []string
		if common[name] {
			texts = slices.Clone(others)
		}
		for _, key := range []string{strings.ToLower(name), strings.ReplaceAll(strings.ToLower(name), " ", "")} {
			if s, ok := samples[key]; ok {
				texts = append(texts, s[:min(len(s), limit)])
				checked++
				break
			}
		}
		for i, text := range texts {
			start := time.Now()
			want, got := tokens(t, orig, text), tokens(t, fast, text)
			if d := time.Since(start); d > time.Second {
				t.Logf("%s, text %d: %v", name, i, d)
			}
			if !reflect.DeepEqual(got, want) {
				n := 0
				for n < len(got) && n < len(want) && got[n] == want[n] {
					n++
				}
				t.Errorf("%s, text %d: tokens differ from chroma's at token %d: got %v, want %v", name, i, n, got[n:min(len(got), n+3)], want[n:min(len(want), n+3)])
			}
		}
	}
	if samples != nil && checked < tried/4 {
		t.Errorf("only %d of %d lexers had a sample of chroma's", checked, tried)
	}
}

// FuzzFastLexer: on any text, any registered lexer's fast form gives
// chroma's own tokens.
func FuzzFastLexer(f *testing.F) {
	names := lexerNamesForTest()
	f.Add("ls -l | grep x\n", uint16(0))
	f.Add("a: [1, 2]\n# c\n", uint16(1))
	f.Add("func f() {}\n", uint16(2))
	for i, s := range []string{"bash", "yaml", "go", "json", "python", "html", "sql", "powershell", "docker", "ini"} {
		if l := lexers.Get(s); l != nil {
			f.Add("x = \"y\" # z\n"+s, uint16(slices.Index(names, l.Config().Name)+i*len(names)))
		}
	}
	f.Fuzz(func(t *testing.T, text string, which uint16) {
		name := names[int(which)%len(names)]
		start := time.Now()
		orig, fast := fastPair(t, name)
		st := fast.(*fastLexer).start(nil, text)
		for st.next() != chroma.EOF {
		}
		if st.gaveUp {
			return // chroma would loop for ever here
		}
		got := tokens(t, fast, text)
		want := tokens(t, orig, text)
		if !reflect.DeepEqual(got, want) {
			if time.Since(start) > 100*time.Millisecond {
				return // a regular expression may have run out of chroma's 250 ms in one and not the other
			}
			t.Fatalf("%s on %q: got %v, want %v", name, text, got, want)
		}
	})
}

// TestFastLexerDoesNotHang: chroma's Jungle lexer loops for ever on `"0"`
// (a rule that matches nothing and changes no state); the highlighter
// shows the text and goes on.
func TestFastLexerDoesNotHang(t *testing.T) {
	t.Parallel()
	if lexers.Get("jungle") == nil {
		t.Skip("this chroma has no Jungle lexer")
	}
	done := make(chan string, 1)
	go func() {
		var out strings.Builder
		_ = goldmark.New(goldmark.WithExtensions(newHighlighter())).Convert([]byte("```jungle\n\"0\"\n```\n\n```jungle\nx = \"0\" <b>\n```\n"), &out)
		done <- out.String()
	}()
	select {
	case html := <-done:
		for _, want := range []string{"&#34;0&#34;", "&lt;b&gt;"} {
			if !strings.Contains(html, want) {
				t.Errorf("the code is not shown (%s):\n%s", want, html)
			}
		}
	case <-time.After(20 * time.Second):
		t.Fatal("highlighting a Jungle fence did not end")
	}
	// Rules that push and pop without moving on, for ever.
	cycle := chroma.MustNewLexer(&chroma.Config{Name: "cycle"}, func() chroma.Rules {
		return chroma.Rules{
			"root":  {{Pattern: `a`, Type: chroma.Name}, {Pattern: ``, Type: chroma.Text, Mutator: chroma.Push("inner")}},
			"inner": {{Pattern: `b`, Type: chroma.Name}, {Pattern: ``, Type: chroma.Text, Mutator: chroma.Pop(1)}},
		}
	})
	fast, err := newFastLexer(cycle, lexers.GlobalLexerRegistry)
	if err != nil {
		t.Fatal(err)
	}
	st := fast.start(nil, "aab<c>")
	var got []chroma.Token
	for tok := st.next(); tok != chroma.EOF; tok = st.next() {
		got = append(got, tok)
	}
	var text strings.Builder
	for _, tok := range got {
		text.WriteString(tok.Value)
	}
	if last := got[len(got)-1]; !st.gaveUp || last != (chroma.Token{Type: chroma.Error, Value: "<c>"}) || text.String() != "aab<c>" {
		t.Errorf("push and pop for ever: %v (gave up %v), want the text whole, ending in an error token <c>", got, st.gaveUp)
	}
}

// TestFastLexerHardCases are texts on which a first version of the fast
// lexer differed from chroma (a hostile review): a rule Raku's lexer
// swaps in while it runs, chains of more than a thousand empty matches
// that chroma does finish, and a character above U+FFFF against a
// negated one.
func TestFastLexerHardCases(t *testing.T) {
	t.Parallel()
	cases := []struct{ lexer, text string }{
		{"raku", "#| B«bold» x\nmy $a = 1;\n"},
		{"raku", "=head1 B«bold» x\n=item B«bold» x\n"},
		{"promql", "sum" + strings.Repeat("(", 1001) + "x\n"},
		{"capnp", "struct Foo { a @0 :List" + strings.Repeat("(", 1001) + ";\n}\n"},
	}
	for _, c := range cases {
		l := lexers.Get(c.lexer)
		if l == nil {
			t.Errorf("no %s lexer", c.lexer)
			continue
		}
		orig, fast := fastPair(t, l.Config().Name)
		if got, want := tokens(t, fast, c.text), tokens(t, orig, c.text); !reflect.DeepEqual(got, want) {
			t.Errorf("%s on %q:\ngot  %v\nwant %v", c.lexer, c.text, got, want)
		}
	}
	custom := chroma.MustNewLexer(&chroma.Config{Name: "negated"}, func() chroma.Rules {
		return chroma.Rules{"root": {{Pattern: `[^😀]+`, Type: chroma.Name}, {Pattern: `.`, Type: chroma.Punctuation}}}
	})
	fast, err := newFastLexer(custom, lexers.GlobalLexerRegistry)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"😁b", "a😀b😁"} {
		if got, want := tokens(t, fast, text), tokens(t, custom, text); !reflect.DeepEqual(got, want) {
			t.Errorf("negated set on %q:\ngot  %v\nwant %v", text, got, want)
		}
	}
}

// TestNestedLoopIsCutOff: a Jungle block inside a ```markdown fence is
// lexed by chroma's own loop, which never ends on `"0"`; past the
// highlighter's limit the fence is written as plain code (and remembered
// so), and the page is made.
func TestNestedLoopIsCutOff(t *testing.T) {
	t.Parallel()
	if lexers.Get("jungle") == nil || lexers.Get("markdown") == nil {
		t.Skip("this chroma has no Jungle or Markdown lexer")
	}
	h := newHighlighter()
	h.limit = 300 * time.Millisecond
	src := "````markdown\n```jungle\n\"0\" <b>\n```\n````\n\n```sh\nls\n```\n"
	done := make(chan string, 1)
	go func() {
		var out strings.Builder
		_ = goldmark.New(goldmark.WithExtensions(h)).Convert([]byte(src), &out)
		done <- out.String()
	}()
	var html string
	select {
	case html = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("highlighting did not end")
	}
	want := "<pre><code class=\"language-markdown\">```jungle\n&quot;0&quot; &lt;b&gt;\n```\n</code></pre>\n"
	if !strings.HasPrefix(html, want) {
		t.Errorf("the nested fence is not written as plain code:\n%s\nwant it to begin with\n%s", html, want)
	}
	if !strings.Contains(html, `<span class="nb">ls</span>`) && !strings.Contains(html, `class="chroma"`) {
		t.Errorf("the next fence is not highlighted:\n%s", html)
	}
	// Remembered: the same fence again is written at once.
	start := time.Now()
	var again strings.Builder
	_ = goldmark.New(goldmark.WithExtensions(h)).Convert([]byte(src), &again)
	if again.String() != html || time.Since(start) > h.limit {
		t.Errorf("the second time took %v and gave\n%s", time.Since(start), again.String())
	}
}
