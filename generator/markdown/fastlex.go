package markdown

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/dlclark/regexp2/v2/syntax"
)

// fastLexer tokenises as a chroma RegexLexer does, with the same compiled
// rules, mutators and emitters, taking the first rule of the state that
// matches at each position; but it does not try a rule whose pattern
// cannot begin with the character there. chroma tries every rule in turn,
// each try a regexp2 call that allocates a match: about 1,200 calls for
// five lines of shell, most of them failing on the first character.
//
// Whether a pattern can begin with a character is regexp2's own answer,
// the first-character set it computes for every pattern
// (syntax.Code.FcPrefix) and scans with in an unanchored search: a
// character outside it cannot start a match. Where regexp2 has no set
// (a pattern that can match the empty string, or one it cannot bound),
// the rule is always tried. TestFastLexerMatchesChroma and FuzzFastLexer
// hold the tokens to chroma's own, lexer by lexer.
type fastLexer struct {
	*chroma.RegexLexer                       // a copy of the lexer, compiled: what UsingSelf tokenises with
	rules              chroma.CompiledRules  // its compiled rules
	first              map[string][]firstSet // by state, index-aligned with rules as compiled
	registry           *chroma.LexerRegistry // for Using emitters
}

// firstSet is the characters a rule's pattern can begin with (nil: any).
// A mutator may put another rule in the rule's place while the lexer runs
// (chroma's Raku lexer does): the set holds for that rule only.
type firstSet struct {
	rule *chroma.CompiledRule
	set  *syntax.CharSet
}

// captureRules is a rule that hands over the compiled rules of the lexer
// being compiled (chroma calls every LexerMutator with them) and takes
// itself out.
type captureRules struct{ out *chroma.CompiledRules }

const captureState = "__isms_capture"

func (c *captureRules) Mutate(*chroma.LexerState) error {
	return errors.New("captureRules runs only while the lexer is compiled")
}

func (c *captureRules) MutateLexer(rules chroma.CompiledRules, state string, _ int) error {
	*c.out = rules
	delete(rules, state)
	return nil
}

func newFastLexer(orig *chroma.RegexLexer, registry *chroma.LexerRegistry) (*fastLexer, error) {
	raw, err := orig.Rules()
	if err != nil {
		return nil, err
	}
	rules := make(chroma.Rules, len(raw)+1)
	for state, rs := range raw {
		rules[state] = slices.Clone(rs)
	}
	var compiled chroma.CompiledRules
	rules[captureState] = []chroma.Rule{{Mutator: &captureRules{&compiled}}}
	clone, err := chroma.NewLexer(orig.Config(), func() chroma.Rules { return rules })
	if err != nil {
		return nil, err
	}
	clone.SetRegistry(registry)
	if _, err := clone.Tokenise(nil, ""); err != nil { // compiles it
		return nil, err
	}
	if compiled == nil {
		return nil, errors.New("the lexer's rules were not handed over")
	}
	cfg := orig.Config()
	flags := ""
	if !cfg.NotMultiline {
		flags += "m"
	}
	if cfg.CaseInsensitive {
		flags += "i"
	}
	if cfg.DotAll {
		flags += "s"
	}
	f := &fastLexer{RegexLexer: clone, rules: compiled, first: make(map[string][]firstSet, len(compiled)), registry: registry}
	for state, rs := range compiled {
		sets := make([]firstSet, len(rs))
		for i, r := range rs {
			sets[i] = firstSet{r, firstChars(r.Pattern, flags)}
		}
		f.first[state] = sets
	}
	return f, nil
}

// firstChars is the set of characters a match of pattern (compiled as
// chroma compiles it, less its \G) begins with, as regexp2 works it out;
// nil when it has none.
func firstChars(pattern, flags string) *syntax.CharSet {
	p := "(?:" + pattern + ")"
	if flags != "" {
		p = "(?" + flags + ")" + p
	}
	tree, err := syntax.Parse(p, syntax.ParseOptions{})
	if err != nil {
		return nil
	}
	code, err := syntax.Write(tree)
	if err != nil || code.FcPrefix == nil || code.RightToLeft {
		return nil
	}
	code.PrepareCharSetASCIIBitmaps()
	set := code.FcPrefix.PrefixSet
	return &set
}

// Tokenise is chroma's RegexLexer.Tokenise on the same text and options.
func (f *fastLexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	return f.start(options, text).next, nil
}

func (f *fastLexer) start(options *chroma.TokeniseOptions, text string) *fastState {
	if options == nil {
		options = &chroma.TokeniseOptions{State: "root", EnsureLF: true} // chroma's default
	}
	if options.EnsureLF {
		text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	}
	s := &fastState{f: f, options: options}
	if !options.Nested && f.Config().EnsureNL && !strings.HasSuffix(text, "\n") {
		text += "\n"
		s.newlineAdded = true
	}
	s.LexerState = chroma.LexerState{
		Registry:       f.registry,
		Lexer:          f.RegexLexer,
		Text:           []rune(text),
		Stack:          []string{options.State},
		Rules:          f.rules,
		MutatorContext: map[any]any{},
	}
	return s
}

// fastState is one tokenisation: chroma's LexerState, which the rules'
// mutators and emitters act on, and the iterator's own state.
type fastState struct {
	chroma.LexerState
	f            *fastLexer
	options      *chroma.TokeniseOptions
	newlineAdded bool
	emitted      []chroma.Iterator // what emitters returned, innermost last
	stacks       map[string]bool   // the stacks seen at Pos while rules matched nothing
	gaveUp       bool              // looping: the rest of the text went out as one error token
}

// looping reports whether chroma would loop for ever at this place after
// rule matched the empty string: when the rule changes no state (Jungle on
// `"0"`), or when only pushes and pops ran since the lexer last moved on
// and the stack is one it had here before. The next rule depends only on
// the place and the state on top of the stack, so chroma would go round
// again, and again. (Other mutators may keep state of their own; there the
// fast lexer does as chroma does.)
func (s *fastState) looping(rule *chroma.CompiledRule) bool {
	if rule.Mutator == nil {
		return true
	}
	if m, ok := rule.Mutator.(chroma.SerialisableMutator); !ok || m.MutatorKind() != "push" && m.MutatorKind() != "pop" {
		s.stacks = nil
		return false
	}
	if s.stacks == nil {
		s.stacks = map[string]bool{}
	}
	key := strings.Join(s.Stack, "\x00")
	if s.stacks[key] {
		return true
	}
	s.stacks[key] = true
	return false
}

// fromEmitted returns the next token the emitters' iterators hold.
func (s *fastState) fromEmitted() (chroma.Token, bool) {
	for len(s.emitted) > 0 {
		n := len(s.emitted) - 1
		t := s.emitted[n]()
		if t.Type == chroma.Ignore {
			continue
		}
		if t == chroma.EOF {
			s.emitted = s.emitted[:n]
			continue
		}
		return t, true
	}
	return chroma.Token{}, false
}

func (s *fastState) next() chroma.Token {
	l := &s.LexerState
	end := len(l.Text)
	if s.newlineAdded {
		end--
	}
	for l.Pos < end && len(l.Stack) > 0 {
		if t, ok := s.fromEmitted(); ok {
			return t
		}
		l.State = l.Stack[len(l.Stack)-1]
		rules, ok := l.Rules[l.State]
		if !ok {
			panic("unknown state " + l.State)
		}
		i, rule, groups, named := s.f.match(l.Text, l.Pos, rules, s.f.first[l.State])
		if groups == nil {
			// No rule matches: a newline takes the lexer back to its
			// first state, anything else is an error token.
			if l.Text[l.Pos] == '\n' && l.State != s.options.State {
				l.Stack = []string{s.options.State}
				continue
			}
			l.Pos++
			s.stacks = nil
			return chroma.Token{Type: chroma.Error, Value: string(l.Text[l.Pos-1 : l.Pos])}
		}
		l.Rule, l.Groups, l.NamedGroups = i, groups, named
		if groups[0] == "" && s.looping(rule) {
			s.gaveUp = true
			s.emitted = nil
			value := string(l.Text[l.Pos:end])
			l.Pos = len(l.Text)
			return chroma.Token{Type: chroma.Error, Value: value}
		}
		if groups[0] != "" {
			s.stacks = nil
		}
		l.Pos += utf8.RuneCountInString(groups[0])
		if rule.Mutator != nil {
			if err := rule.Mutator.Mutate(l); err != nil {
				panic(err)
			}
		}
		if rule.Type != nil {
			s.emitted = append(s.emitted, rule.Type.Emit(l.Groups, l))
		}
	}
	if t, ok := s.fromEmitted(); ok {
		return t
	}
	if l.Pos != len(l.Text) && len(l.Stack) == 0 {
		value := string(l.Text[l.Pos:])
		l.Pos = len(l.Text)
		return chroma.Token{Type: chroma.Error, Value: value}
	}
	return chroma.EOF
}

// match returns the first of rules that matches at pos, its index, and
// its groups (nil: none matches).
//
// The sets are not used for a character above U+FFFF: regexp2 leaves those
// out of the set of a negated character at or above U+FFFF ([^\x{1F600}]
// could not match 😁), a set its own anchored matching never uses.
func (f *fastLexer) match(text []rune, pos int, rules []*chroma.CompiledRule, first []firstSet) (int, *chroma.CompiledRule, []string, map[string]string) {
	ch := text[pos]
	for i, rule := range rules {
		if i < len(first) && first[i].rule == rule && first[i].set != nil && ch <= 0xFFFF && !first[i].set.CharIn(ch) {
			continue
		}
		m, err := rule.Regexp.FindRunesMatchStartingAt(text, pos)
		if m == nil || err != nil || m.RuneIndex != pos {
			continue
		}
		groups := []string{}
		named := make(map[string]string)
		for _, g := range m.Groups() {
			named[g.Name] = g.String()
			groups = append(groups, g.String())
		}
		return i, rule, groups, named
	}
	return 0, &chroma.CompiledRule{}, nil, nil
}

// fastLexers holds each lexer's fast form, made once.
var fastLexers sync.Map // chroma.Lexer → chroma.Lexer

// fastOf returns lexer's fast form, made once a lexer; or lexer itself
// where it is not a RegexLexer or its rules cannot be taken apart (chroma
// tokenises it as before).
func fastOf(lexer chroma.Lexer) chroma.Lexer {
	if f, ok := fastLexers.Load(lexer); ok || lexer == nil {
		f, _ := f.(chroma.Lexer)
		return f
	}
	var f chroma.Lexer = lexer
	if rl, ok := lexer.(*chroma.RegexLexer); ok {
		if fl, err := newFastLexer(rl, lexers.GlobalLexerRegistry); err == nil {
			f = fl
		}
	}
	got, _ := fastLexers.LoadOrStore(lexer, f)
	return got.(chroma.Lexer)
}
