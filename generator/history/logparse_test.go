package history

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// logRecord writes one commit of `git log -z --raw` output in logArgs's
// format: its header, then each raw line and its paths.
func logRecord(hash, author, date, subject string, raw ...string) []byte {
	var b bytes.Buffer
	b.WriteString("\x1e" + hash + "\x00" + author + "\x00" + date + "\x00" + subject + "\x00")
	for i, r := range raw {
		if i == 0 {
			b.WriteString("\n")
		}
		b.WriteString(r + "\x00")
	}
	return b.Bytes()
}

const (
	oidA = "1111111111111111111111111111111111111111"
	oidB = "2222222222222222222222222222222222222222"
	oid0 = "0000000000000000000000000000000000000000"
)

func logSeeds() [][]byte {
	return [][]byte{
		logRecord(oidA, "Ann", "2026-01-02", "Add",
			":000000 100644 "+oid0+" "+oidA+" A", "a.md"),
		append(logRecord(oidB, "Bo", "2026-01-03", "Move",
			":100644 100644 "+oidA+" "+oidB+" R090", "a.md", "b.md",
			":100644 000000 "+oidA+" "+oid0+" D", "c.md"),
			logRecord(oidA, "Ann", "2026-01-02", "Add",
				":000000 100644 "+oid0+" "+oidA+" A", "a.md",
				":000000 160000 "+oid0+" "+oidB+" A", "sub")...),
		logRecord(oidA, "Ann", "2026-01-02", "Only outside"),
		[]byte("\x1e" + oidA + "\x00Ann\x00"),
		[]byte(":100644"),
	}
}

// FuzzLogParse: walk.parse takes any bytes without panicking; and in a
// well-formed log (made from the same bytes: commits split at 0xff,
// fields at 0xfe, a change's two paths at 0xfd), a commit with no change
// lines, which git log --sparse lists for a commit that left the content
// folder as it was, changes nothing wherever it stands.
func FuzzLogParse(f *testing.F) {
	for _, s := range logSeeds() {
		f.Add(s, 0)
	}
	f.Add([]byte("Ann\xfeAdd\xfeAa.md\xffBo\xfeMove\xfeRa.md\xfdb.md\xfeDc.md\xffCy\xfeEdit\xfeMb.md"), 1)
	f.Fuzz(func(t *testing.T, data []byte, at int) {
		_ = newWalk().parse(data) // must not panic

		var commits [][]byte
		for i, c := range bytes.Split(data, []byte{0xff}) {
			fields := bytes.Split(c, []byte{0xfe})
			author, subject := string(fields[0]), ""
			if len(fields) > 1 {
				subject = string(fields[1])
			}
			var raw []string
			for _, ch := range fields[min(2, len(fields)):] {
				if len(ch) < 2 {
					continue
				}
				paths := strings.Split(string(ch[1:]), "\xfd")
				switch ch[0] {
				case 'A':
					raw = append(raw, ":000000 100644 "+oid0+" "+oidA+" A", paths[0])
				case 'D':
					raw = append(raw, ":100644 000000 "+oidA+" "+oid0+" D", paths[0])
				case 'R':
					if len(paths) < 2 {
						continue
					}
					raw = append(raw, ":100644 100644 "+oidA+" "+oidB+" R075", paths[0], paths[1])
				default:
					raw = append(raw, ":100644 100644 "+oidA+" "+oidB+" M", paths[0])
				}
			}
			hash := strings.Repeat(string(rune('a'+i%6)), 40)
			commits = append(commits, logRecord(hash, author, "2026-01-02", subject, raw...))
		}
		log := bytes.Join(commits, nil)
		w := newWalk()
		if err := w.parse(log); err != nil {
			return // a path or subject with a NUL in it: not what git writes
		}
		if at < 0 {
			at = -at
		}
		at %= len(commits) + 1
		empty := logRecord(strings.Repeat("f", 40), "Nobody", "2026-01-01", "outside the folder")
		in := bytes.Join(append(append(append([][]byte{}, commits[:at]...), empty), commits[at:]...), nil)
		w2 := newWalk()
		if err := w2.parse(in); err != nil {
			t.Fatalf("with an empty commit at %d: %v\n%q", at, err, in)
		}
		if !reflect.DeepEqual(w.revs, w2.revs) || !reflect.DeepEqual(w.alias, w2.alias) {
			t.Fatalf("an empty commit at %d changed the walk:\n%v\n%v", at, w.revs, w2.revs)
		}
	})
}

// TestLogParseSkipsEmptyCommits is the fuzz property on the seeds, in the
// quick suite.
func TestLogParseSkipsEmptyCommits(t *testing.T) {
	w := newWalk()
	var log []byte
	for _, s := range logSeeds()[:3] {
		log = append(log, s...)
	}
	if err := w.parse(log); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for p, revs := range w.revs {
		got[p] = len(revs)
		for _, r := range revs {
			if r.Subject == "Only outside" {
				t.Errorf("%s lists the commit that changed nothing in the folder", p)
			}
		}
	}
	if want := map[string]int{"a.md": 1, "b.md": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("revisions per path = %v, want %v", got, want)
	}
}
