package history

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// TestReadAgainstModel writes a random history of adds, edits, renames
// (to fresh names and to names freed earlier) and deletions with git
// fast-import while tracking, outside git, which file each change belongs
// to. Read must give every surviving file exactly the tracked revisions,
// and Update from every earlier head must give the same as a full Read.
func TestReadAgainstModel(t *testing.T) {
	t.Parallel()
	for seed := range uint64(testmode.Rounds(1, 2)) { // both seeds in the full suite
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { checkModel(t, seed) })
	}
}

type modelFile struct {
	id, version int
	path        string
	revs        []string // "c<commit> <status> <path>", oldest first
}

func checkModel(t *testing.T, seed uint64) {
	r := newRepo(t)
	rng := rand.New(rand.NewPCG(seed, 99))
	const commits = 40
	live := map[string]*modelFile{} // by current path
	var freed []string              // paths used before, free now
	var dead []*modelFile
	nextID, nextName := 0, 0
	fresh := func() string {
		nextName++
		return fmt.Sprintf("d%d/f%d.md", nextName%3, nextName)
	}

	var stream strings.Builder
	w := bufio.NewWriter(&stream)
	for c := range commits {
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\nauthor A <a@x> %d +0000\ncommitter A <a@x> %d +0000\ndata %d\nc%d\n",
			c+1, 1_700_000_000+c*60, 1_700_000_000+c*60, len(fmt.Sprint("c", c)), c)
		touched := map[string]bool{} // paths used in this commit, either side
		var freedNow []string
		content := func(f *modelFile) string {
			f.version++
			return fmt.Sprintf("file %d version %d\n%s", f.id, f.version, strings.Repeat(fmt.Sprintf("line of file %d\n", f.id), 8))
		}
		ops := 1 + rng.IntN(4)
		if c == 0 {
			ops = 6
		}
		for range ops {
			paths := slices.Sorted(func(yield func(string) bool) {
				for p := range live {
					if !touched[p] && !yield(p) {
						return
					}
				}
			})
			op := rng.IntN(10)
			if len(paths) < 3 {
				op = 0
			}
			switch {
			case op <= 2: // add, sometimes under a name a deleted file had
				p := fresh()
				if len(freed) > 0 && rng.IntN(2) == 0 {
					i := rng.IntN(len(freed))
					p = freed[i]
					freed = slices.Delete(freed, i, i+1)
				}
				if touched[p] || live[p] != nil {
					continue
				}
				f := &modelFile{id: nextID, path: p}
				nextID++
				body := content(f)
				fmt.Fprintf(w, "M 100644 inline content/%s\ndata %d\n%s\n", p, len(body), body)
				f.revs = append(f.revs, fmt.Sprintf("c%d A %s", c, p))
				live[p], touched[p] = f, true
			case op <= 6: // edit
				f := live[paths[rng.IntN(len(paths))]]
				body := content(f)
				fmt.Fprintf(w, "M 100644 inline content/%s\ndata %d\n%s\n", f.path, len(body), body)
				f.revs = append(f.revs, fmt.Sprintf("c%d M %s", c, f.path))
				touched[f.path] = true
			case op <= 8: // exact rename
				f := live[paths[rng.IntN(len(paths))]]
				to := fresh()
				if len(freed) > 0 && rng.IntN(2) == 0 {
					i := rng.IntN(len(freed))
					to = freed[i]
					freed = slices.Delete(freed, i, i+1)
				}
				if touched[to] || live[to] != nil {
					continue
				}
				fmt.Fprintf(w, "R content/%s content/%s\n", f.path, to)
				delete(live, f.path)
				touched[f.path], touched[to] = true, true
				freedNow = append(freedNow, f.path)
				f.path = to
				f.revs = append(f.revs, fmt.Sprintf("c%d R %s", c, to))
				live[to] = f
			default: // delete
				f := live[paths[rng.IntN(len(paths))]]
				fmt.Fprintf(w, "D content/%s\n", f.path)
				delete(live, f.path)
				touched[f.path] = true
				freedNow = append(freedNow, f.path)
				dead = append(dead, f)
			}
		}
		freed = append(freed, freedNow...)
		// Some changes outside the content folder, which must not count.
		fmt.Fprintf(w, "M 100644 inline outside/o%d.md\ndata 2\no\n\n", c%3)
	}
	w.Flush()
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = r.root
	cmd.Stdin = strings.NewReader(stream.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	r.git("checkout", "-q", "-f", "main")
	final := r.git("rev-parse", "HEAD")

	l := mustRead(t, r.root, "content")
	if got, want := len(l.revs), len(live); got != want {
		t.Errorf("read %d files, model has %d", got, want)
	}
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for p := range live {
			if !yield(p) {
				return
			}
		}
	}) {
		var got []string
		for _, rev := range l.Revisions(p) {
			got = append(got, fmt.Sprintf("%s %c %s", rev.Subject, rev.Status, rev.Path))
		}
		want := slices.Clone(live[p].revs)
		slices.Reverse(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", p, got, want)
		}
	}

	// Update from every eighth commit on the way.
	ctx := context.Background()
	for k := 1; k < commits; k += 8 {
		r.git("update-ref", "refs/heads/main", fmt.Sprintf("%s~%d", final, commits-k))
		old := mustRead(t, r.root, "content")
		r.git("update-ref", "refs/heads/main", final)
		n, err := old.Update(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n.Head != final || fmt.Sprint(n.revs) != fmt.Sprint(l.revs) {
			t.Errorf("Update from commit %d differs from a full read", k)
		}
	}
}
