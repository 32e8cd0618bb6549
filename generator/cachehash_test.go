package generator

import (
	"crypto/sha256"
	"encoding/json"
	"html/template"
	"testing"

	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/view"
)

func valueSum(t *testing.T, v any) ([32]byte, bool) {
	t.Helper()
	h := sha256.New()
	ok := hashValue(h, v)
	var s [32]byte
	h.Sum(s[:0])
	return s, ok
}

type hashInner struct {
	A, B string
}

type hashOuter struct {
	S      []string
	P      *hashInner
	M      map[string]int
	I      any
	H      template.HTML
	D      model.Date
	hidden string
	Skip   string `json:"-"`
	Dash   string `json:"-,"`
	hashInner
}

// TestHashValue: two memo parts hash alike only when their JSON is alike
// (a key never reuses a page made from other data), and always when they
// are equal (maps in any order).
func TestHashValue(t *testing.T) {
	t.Parallel()
	vals := []any{
		hashOuter{},
		hashOuter{S: []string{}},
		hashOuter{S: []string{"ab", "c"}},
		hashOuter{S: []string{"a", "bc"}},
		hashOuter{P: &hashInner{}},
		hashOuter{P: &hashInner{A: "x"}},
		hashOuter{P: &hashInner{B: "x"}},
		hashOuter{M: map[string]int{"a": 1, "b": 2}},
		hashOuter{M: map[string]int{"a": 2, "b": 1}},
		hashOuter{M: map[string]int{}},
		hashOuter{I: 1},
		hashOuter{I: "1"},
		hashOuter{I: []string{"1"}},
		hashOuter{H: "<b>x</b>"},
		hashOuter{D: model.DateOf(2026, 1, 2)},
		hashOuter{D: model.DateOf(2026, 2, 1)},
		hashOuter{Dash: "x"},
		hashOuter{hashInner: hashInner{A: "e"}},
		&view.PageData{Title: "a", Doc: &view.DocView{ID: "X-1", Controls: []view.ControlView{{ID: "5.1"}}}},
		&view.PageData{Title: "a", Doc: &view.DocView{ID: "X-1", Controls: []view.ControlView{{ID: "5.2"}}}},
		&view.PageData{Title: "a", Doc: &view.DocView{ID: "X-1"}},
	}
	sums := map[[32]byte]string{}
	for _, v := range vals {
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := valueSum(t, v)
		if !ok {
			t.Fatalf("%#v: not hashed", v)
		}
		if prev, dup := sums[s]; dup && prev != string(js) {
			t.Errorf("same hash, different JSON:\n%s\n%s", prev, js)
		}
		sums[s] = string(js)
		if again, _ := valueSum(t, v); again != s {
			t.Errorf("%s: hashed twice, two sums", js)
		}
	}
	// What JSON leaves out, the hash leaves out: a key is no weaker than
	// before, and no stronger than what the template data can show.
	a, _ := valueSum(t, hashOuter{hidden: "a", Skip: "a"})
	b, _ := valueSum(t, hashOuter{hidden: "b", Skip: "b"})
	if a != b {
		t.Error("an unexported or json:\"-\" field changed the hash")
	}
	m1, _ := valueSum(t, map[string]int{"a": 1, "b": 2, "c": 3})
	m2, _ := valueSum(t, map[string]int{"c": 3, "b": 2, "a": 1})
	if m1 != m2 {
		t.Error("a map hashed differently by insertion order")
	}
	type loop struct{ Next *loop }
	l := &loop{}
	l.Next = l
	if _, ok := valueSum(t, l); ok {
		t.Error("a cycle was hashed")
	}
	if _, ok := valueSum(t, struct{ F func() }{}); ok {
		t.Error("a func was hashed")
	}
}

// hashPtrMarshal encodes itself through a pointer receiver from state
// JSON cannot see otherwise (as *big.Int and *regexp.Regexp do).
type hashPtrMarshal struct{ n int }

func (m *hashPtrMarshal) MarshalJSON() ([]byte, error) {
	return json.Marshal(m.n)
}

type hashPtrText struct{ s string }

func (m *hashPtrText) MarshalText() ([]byte, error) { return []byte(m.s), nil }

type hashAddressable struct {
	V hashPtrMarshal // addressable when the outer value is reached by pointer: JSON calls the method
	P *hashPtrText
}

// TestHashValuePointerMarshalers: a type that marshals through a pointer
// receiver is hashed by its own encoding, as JSON encodes it.
func TestHashValuePointerMarshalers(t *testing.T) {
	pairs := [][2]any{
		{&hashPtrMarshal{1}, &hashPtrMarshal{2}},
		{&hashPtrText{"a"}, &hashPtrText{"b"}},
		{&hashAddressable{V: hashPtrMarshal{1}}, &hashAddressable{V: hashPtrMarshal{2}}},
		{&hashAddressable{P: &hashPtrText{"a"}}, &hashAddressable{P: &hashPtrText{"b"}}},
		{map[string]any{"k": &hashPtrMarshal{1}}, map[string]any{"k": &hashPtrMarshal{2}}},
	}
	for _, p := range pairs {
		ja, _ := json.Marshal(p[0])
		jb, _ := json.Marshal(p[1])
		if string(ja) == string(jb) {
			t.Fatalf("test values with equal JSON %s", ja)
		}
		a, okA := valueSum(t, p[0])
		b, okB := valueSum(t, p[1])
		if okA && okB && a == b {
			t.Errorf("same hash, different JSON: %s, %s", ja, jb)
		}
	}
	var nilPtr *hashPtrMarshal
	if _, ok := valueSum(t, map[string]any{"a": nilPtr, "b": (*hashPtrText)(nil)}); !ok {
		t.Error("nil pointers to marshalers: not hashed")
	}
}

func hashLocalA() any {
	type T struct {
		X int `json:"a"`
	}
	return T{1}
}

func hashLocalB() any {
	type T struct {
		X int `json:"b"`
	}
	return T{1}
}

// TestHashValueSameNamedTypes: two types of one name (declared in
// different functions, or in packages of one name) behind an interface
// are told apart, as their JSON may be.
func TestHashValueSameNamedTypes(t *testing.T) {
	a, b := hashLocalA(), hashLocalB()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) == string(jb) {
		t.Fatal("test values with equal JSON")
	}
	for _, v := range [][2]any{{a, b}, {[]any{a}, []any{b}}, {map[string]any{"k": a}, map[string]any{"k": b}}} {
		sa, _ := valueSum(t, v[0])
		sb, _ := valueSum(t, v[1])
		if sa == sb {
			t.Errorf("same hash, different JSON: %s, %s", ja, jb)
		}
	}
}
