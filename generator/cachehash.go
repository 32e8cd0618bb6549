package generator

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"encoding/json"
	"hash"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// valueHasher writes a memo part into a hash: what json.Marshal would
// see of it (exported fields and embedded structs, not fields tagged
// json:"-"; a json.Marshaler or encoding.TextMarshaler by its own
// output), each value with its length or kind, so that two values hash
// alike only when their JSON would be alike too. It is four to five times
// quicker than hashing the JSON: no escaping, no intermediate document.
// It reports false for what JSON cannot encode either (a func, a
// channel, a cycle).
type valueHasher struct {
	h   hash.Hash
	buf []byte
}

const maxHashDepth = 64

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	hashTypes     sync.Map // reflect.Type → *typeInfo
)

type typeInfo struct {
	marshals    bool  // by its own JSON or text encoding
	ptrMarshals bool  // by the encoding of its pointer's methods, when addressable
	fields      []int // a struct's fields JSON encodes
}

func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := hashTypes.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{}
	if t.Kind() != reflect.Interface {
		ti.marshals = t.Implements(jsonMarshaler) || t.Implements(textMarshaler)
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && !ti.marshals {
		pt := reflect.PointerTo(t)
		ti.ptrMarshals = pt.Implements(jsonMarshaler) || pt.Implements(textMarshaler)
	}
	if t.Kind() == reflect.Struct {
		ti.fields = fieldsOf(t)
	}
	hashTypes.Store(t, ti)
	return ti
}

// hashBufs are valueHasher's buffers, kept between calls: a build hashes
// three parts a page, and a new 4 KB buffer for each was 120 MB a build
// at 10,000 documents (BenchmarkRebuild).
var hashBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func hashValue(h hash.Hash, v any) bool {
	bp := hashBufs.Get().(*[]byte)
	w := valueHasher{h: h, buf: (*bp)[:0]}
	rv := reflect.ValueOf(v)
	if rv.IsValid() {
		w.typ(rv.Type())
	}
	ok := w.value(rv, 0)
	w.flush()
	*bp = w.buf[:0]
	hashBufs.Put(bp)
	return ok
}

func (w *valueHasher) flush() {
	w.h.Write(w.buf)
	w.buf = w.buf[:0]
}

func (w *valueHasher) tag(b byte) { w.buf = append(w.buf, b) }

// typ writes a dynamic type: its name and, since two types may share one
// (declared in two functions, or in two packages of one name) and differ
// in JSON, its identity, which lasts as long as the process, as the
// cache does.
func (w *valueHasher) typ(t reflect.Type) {
	w.str(t.String())
	w.uint(uint64(reflect.ValueOf(t).Pointer()))
}

func (w *valueHasher) uint(u uint64) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, u)
}

func (w *valueHasher) str(s string) {
	w.uint(uint64(len(s)))
	if len(s) > 1024 {
		w.flush()
		w.h.Write([]byte(s))
		return
	}
	w.buf = append(w.buf, s...)
	if len(w.buf) > 32<<10 {
		w.flush()
	}
}

func (w *valueHasher) value(v reflect.Value, depth int) bool {
	if depth > maxHashDepth {
		return false
	}
	if !v.IsValid() {
		w.tag(0)
		return true
	}
	t := v.Type()
	var ti *typeInfo
	if t.Kind() == reflect.Struct || t.NumMethod() > 0 || t.PkgPath() != "" { // others have neither fields nor a marshaler
		ti = infoOf(t)
		switch {
		case !v.CanInterface():
		case ti.marshals && !(t.Kind() == reflect.Pointer && v.IsNil()): // JSON writes null for a nil pointer
			return w.marshaled(v)
		case ti.ptrMarshals && v.CanAddr(): // JSON calls a pointer receiver's method on what it can address
			return w.marshaled(v.Addr())
		}
	}
	switch t.Kind() {
	case reflect.Bool:
		if v.Bool() {
			w.tag(2)
		} else {
			w.tag(1)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.tag(3)
		w.uint(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		w.tag(4)
		w.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		w.tag(5)
		w.uint(math.Float64bits(v.Float()))
	case reflect.String:
		w.tag(6)
		w.str(v.String())
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && v.IsNil() {
			w.tag(0)
			return true
		}
		w.tag(7)
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			w.str(string(v.Bytes()))
			return true
		}
		w.uint(uint64(v.Len()))
		for i := range v.Len() {
			if !w.value(v.Index(i), depth+1) {
				return false
			}
		}
	case reflect.Map:
		if v.IsNil() {
			w.tag(0)
			return true
		}
		w.tag(8)
		return w.mapValue(v, depth)
	case reflect.Struct:
		w.tag(9)
		for _, i := range ti.fields {
			if !w.value(v.Field(i), depth+1) {
				return false
			}
		}
	case reflect.Pointer:
		if v.IsNil() {
			w.tag(0)
			return true
		}
		w.tag(10)
		return w.value(v.Elem(), depth+1)
	case reflect.Interface:
		if v.IsNil() {
			w.tag(0)
			return true
		}
		w.tag(11)
		w.typ(v.Elem().Type())
		return w.value(v.Elem(), depth+1)
	default: // func, channel, complex, unsafe pointer: JSON has no encoding either
		return false
	}
	return true
}

// mapValue hashes a map's entries in the order of their keys' encodings.
func (w *valueHasher) mapValue(v reflect.Value, depth int) bool {
	type entry struct{ k, v []byte }
	entries := make([]entry, 0, v.Len())
	enc := func(x reflect.Value) ([]byte, bool) {
		var b bufHash
		sub := valueHasher{h: &b}
		ok := sub.value(x, depth+1)
		sub.flush()
		return b.Bytes(), ok
	}
	for it := v.MapRange(); it.Next(); {
		k, ok := enc(it.Key())
		if !ok {
			return false
		}
		val, ok := enc(it.Value())
		if !ok {
			return false
		}
		entries = append(entries, entry{k, val})
	}
	slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.k, b.k) })
	w.uint(uint64(len(entries)))
	for _, e := range entries {
		w.str(string(e.k))
		w.str(string(e.v))
	}
	return true
}

// bufHash is a hash.Hash that keeps what is written: a map's keys and
// values are encoded whole, then sorted.
type bufHash struct{ bytes.Buffer }

func (b *bufHash) Sum(p []byte) []byte { return append(p, b.Bytes()...) }
func (*bufHash) Size() int             { return 0 }
func (*bufHash) BlockSize() int        { return 1 }

// marshaled hashes a value by its own JSON or text encoding.
func (w *valueHasher) marshaled(v reflect.Value) bool {
	var b []byte
	var err error
	switch m := v.Interface().(type) {
	case json.Marshaler:
		b, err = m.MarshalJSON()
	case encoding.TextMarshaler:
		b, err = m.MarshalText()
	}
	if err != nil {
		return false
	}
	w.tag(12)
	w.str(string(b))
	return true
}

// fieldsOf lists the fields of a struct type that JSON encodes: exported
// ones and embedded structs, less those tagged json:"-".
func fieldsOf(t reflect.Type) []int {
	var out []int
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == "-" && !strings.HasPrefix(f.Tag.Get("json"), "-,") {
			continue
		}
		out = append(out, i)
	}
	return out
}
