package history

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"sync"

	git "github.com/isms-project/isms/generator/history"
)

// A diskLog keeps a site's git log between builds (git.LogStore), in a
// file beside its diskCache (name.log): at 1,000 documents with 2,000
// commits, 0.8 MB that git takes 60-80 ms of CPU to print. What git
// prints does not depend on the isms binary reading it, so any isms may
// use the file another wrote; it is git's output under the key of the
// setting it was read in (git.settingKey), used only under the same key.
//
// The file holds the magic, the key, the commit the log goes up to, the
// log, and the SHA-256 of all that: a torn or edited file is not used.
type diskLog struct {
	path string

	mu      sync.Mutex
	pending *loggedOutput // what Store was given, written by flush
}

type loggedOutput struct {
	key  [32]byte
	head string
	out  []byte
}

// logMagic starts a log file; its number changes with the encoding.
const logMagic = "isms-git-log 1\n"

// openLog is the log store of the site at siteDir (its content folder
// content) in dir, nil for dir "".
func openLog(dir, siteDir, content string) *diskLog {
	name, ok := cacheName(dir, siteDir, content)
	if !ok {
		return nil
	}
	return &diskLog{path: name + ".log"}
}

// Load reads the file; a missing, damaged or foreign one holds nothing.
func (d *diskLog) Load() (key [32]byte, head string, out []byte, ok bool) {
	data, err := readRegular(d.path)
	if err != nil {
		return key, "", nil, false
	}
	lo, err := decodeLog(data)
	if err != nil {
		return key, "", nil, false
	}
	keepFresh(d.path)
	return lo.key, lo.head, lo.out, true
}

// Store keeps what to write at flush.
func (d *diskLog) Store(key [32]byte, head string, out []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending = &loggedOutput{key, head, out}
}

// flush writes what Store was last given, if anything: off the build's
// way, once the log is in use.
func (d *diskLog) flush() {
	if d == nil {
		return
	}
	d.mu.Lock()
	lo := d.pending
	d.pending = nil
	d.mu.Unlock()
	if lo == nil {
		return
	}
	writeWhole(d.path, func(w *bufio.Writer) {
		h := sha256.New()
		all := io.MultiWriter(w, h)
		all.Write(encodeLogHead(lo))
		all.Write(lo.out)
		w.Write(h.Sum(nil))
	})
}

// encodeLogHead is a log file up to the log itself.
func encodeLogHead(lo *loggedOutput) []byte {
	b := append([]byte(logMagic), lo.key[:]...)
	b = appendStr(b, lo.head)
	return binary.AppendUvarint(b, uint64(len(lo.out)))
}

// decodeLog reads a log file, if it is whole. The log is a window on
// data.
func decodeLog(data []byte) (*loggedOutput, error) {
	if len(data) < len(logMagic)+32+sha256.Size || !bytes.HasPrefix(data, []byte(logMagic)) {
		return nil, errors.New("not an isms git log")
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("damaged")
	}
	lo := &loggedOutput{key: [32]byte(body[len(logMagic):])}
	r := reader{b: body[len(logMagic)+32:]}
	lo.head = r.str()
	n := r.uint()
	if r.bad || n != uint64(len(r.b)) {
		return nil, errors.New("truncated")
	}
	lo.out = r.b[:n:n]
	return lo, nil
}

var _ git.LogStore = (*diskLog)(nil)
