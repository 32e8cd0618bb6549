package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
)

// Contents returns the file content at each of revs, index-aligned with
// revs. All blobs come through one `git cat-file --batch` process however
// many revisions are asked for, so callers should gather the revisions of
// every page they build and ask once (see BenchmarkContents for why). A blob
// the repository does not have (a shallow or partial clone) comes back nil;
// an empty file comes back as an empty, non-nil slice.
func (l *Log) Contents(ctx context.Context, revs []Rev) ([][]byte, error) {
	out := make([][]byte, len(revs))
	err := l.ContentsFunc(ctx, revs, func(i int, b []byte) { out[i] = b })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ContentsFunc is Contents handing each content over as it arrives:
// each(i, content) is called once for every index of revs, from the
// calling goroutine, as git answers (revisions sharing a blob together, when it
// arrives), so that the caller can work on what came while git reads the
// rest. Revisions are asked for in the order given. A content is shared
// (by the revisions of one blob, and with a memory log that holds it) and
// must not be written to.
func (l *Log) ContentsFunc(ctx context.Context, revs []Rev, each func(i int, content []byte)) error {
	if l != nil && l.mem != nil {
		for i, b := range l.memContents(revs) {
			each(i, b)
		}
		return nil
	}
	if l == nil || !l.Available || len(revs) == 0 {
		for i := range revs {
			each(i, nil)
		}
		return nil
	}
	// Ask for each distinct blob once; renames and reverts repeat them.
	var order []string
	users := map[string][]int{}
	for i, r := range revs {
		if !validOID(r.Blob) {
			each(i, nil)
			continue
		}
		if _, ok := users[r.Blob]; !ok {
			order = append(order, r.Blob)
		}
		users[r.Blob] = append(users[r.Blob], i)
	}
	if len(order) == 0 {
		return nil
	}
	return catBlobs(ctx, l.repo, order, func(oid string, content []byte) {
		for _, i := range users[oid] {
			each(i, content)
		}
	})
}

// validOID keeps anything but a hexadecimal object id out of cat-file's
// input, where a newline would desynchronise requests and answers.
func validOID(s string) bool {
	if len(s) < 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// catBlobs reads oids through one git cat-file process, handing each to
// got in order as it arrives (nil content: git does not have it, or it
// is not a blob).
func catBlobs(ctx context.Context, r *repo, oids []string, got func(oid string, content []byte)) (err error) {
	// Old versions are stored as chains of deltas, whose bases git keeps
	// in a cache of 96 MB by default; a cache too small for the versions
	// asked for inflates the same bases again. Measured on bench/gensite
	// with 2,000 commits at 10,000 documents (14,345 versions, 147 MB, in
	// the order diffVersions asks, document by document): git's CPU 1.30
	// -> 1.13 s with 256 MB, its peak RSS 163 -> 202 MB (in random order
	// 2.45 -> 0.82 s); at 1,000 documents 0.30 s either way. A ceiling,
	// not an allocation.
	cmd := exec.CommandContext(ctx, r.git, gitArgs(r.dir, "-c", "core.deltaBaseCacheLimit=256m", "cat-file", "--batch")...)
	cmd.Env = gitEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	growPipe(stdout)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("history: git cat-file: %w", err)
	}
	// Requests are written while answers are read: with both pipes full
	// git and we would wait for each other.
	werr := make(chan error, 1)
	go func() {
		bw := bufio.NewWriter(stdin)
		for _, oid := range oids {
			bw.WriteString(oid)
			bw.WriteByte('\n')
		}
		err := bw.Flush()
		stdin.Close()
		werr <- err
	}()
	rerr := readBatch(bufio.NewReaderSize(stdout, 64<<10), oids, got)
	if rerr != nil {
		io.Copy(io.Discard, stdout)
	}
	waitErr := cmd.Wait()
	<-werr
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case rerr != nil:
		return fmt.Errorf("history: git cat-file: %w", rerr)
	case waitErr != nil:
		return &gitError{args: []string{"cat-file", "--batch"}, stderr: stderr.String(), err: waitErr}
	}
	return nil
}

// readBatch reads one answer per requested oid, in request order:
// "<oid> <type> <size>\n<content>\n" or "<oid> missing\n".
func readBatch(br *bufio.Reader, oids []string, got func(oid string, content []byte)) error {
	for _, oid := range oids {
		hdr, err := br.ReadString('\n')
		if err != nil {
			return err
		}
		f := bytes.Fields([]byte(hdr))
		if len(f) == 2 && string(f[1]) == "missing" {
			got(oid, nil)
			continue
		}
		if len(f) != 3 || string(f[0]) != oid {
			return fmt.Errorf("unexpected answer %q for %s", hdr, oid)
		}
		size, err := strconv.Atoi(string(f[2]))
		if err != nil || size < 0 {
			return fmt.Errorf("unexpected answer %q", hdr)
		}
		buf := make([]byte, size+1)
		if _, err := io.ReadFull(br, buf); err != nil {
			return err
		}
		if buf[size] != '\n' {
			return errors.New("answer not terminated by a newline")
		}
		if string(f[1]) == "blob" {
			got(oid, buf[:size:size])
		} else {
			got(oid, nil)
		}
	}
	return nil
}
