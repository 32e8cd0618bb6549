package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
)

// Stream is a Folder call whose files arrive one at a time, as a build
// renders them, so that no build holds its whole output in memory (10,000
// documents render 470 MB of pages). It keeps Folder's promises: the
// files go into the kept previous build (the spare) or a temporary folder
// beside dest, never into dest; dest is swapped only by Commit, with
// exactly the files written; Abort, or a process that dies, leaves dest
// as it was. Write may be called from several goroutines at once.
//
// Stream alone cannot start again in a fresh folder when the disk fills
// up while the spare is updated, as Folder does (the bytes are gone by
// then): Options.Stream does it by running the build once more. Commit
// checks dest again before the swap (Begin checked it before the build,
// which runs with the lock held): a file put into dest meanwhile is
// refused, not swapped into the spare.
type Stream struct {
	o            Options
	abs, dest    string
	parent, name string
	spare, work  string
	prev         string // dest, to hard-link unchanged files from (a fresh work folder only)
	reuse        bool   // work is the spare: an earlier build brought up to date
	chmod        bool   // new files and folders need their modes set (modesHold)
	sync         syncer // makes work durable at Commit
	foreign      bool
	unlock       func()

	mu    sync.Mutex
	dirs  map[string]bool // folders made or found, slash paths
	names map[string]bool
	err   error // the first failed Write
	ended bool

	// Early writeback: see wrote.
	every     int64                  // writebackEvery; tests make it smaller
	writeBack func(dir string) error // the package's writeBack; tests make it fail
	unflushed int64                  // bytes written since the last writeback began
	flushing  bool                   // a writeback is running
	flushes   sync.WaitGroup         // the writeback running, waited for before Commit syncs or Abort removes
	flushed   int                    // writebacks begun, for tests
	flushErr  error                  // the first writeback's error: Commit fails with it
}

// writebackEvery is how many bytes a stream writes before it asks the
// file system to start writing them to disk, in the background, while
// the build goes on. Commit must make every file durable before the swap
// (syncAll), and on Linux that is one syncfs that waits for the disk: at
// 1,000 documents (76 MB) it took 60–80 ms, at 10,000 (599 MB) 0.5 s,
// with both cores idle. Flushed as the build writes, that wait is spent
// while the build still renders, and Commit's syncfs finds a few
// megabytes left: 1–14 ms at 1,000 documents, 5 ms at 10,000 (strace -T).
const writebackEvery = 16 << 20

// Begin checks dest as Folder does, takes its lock and readies the folder
// the files will go into. The caller must end the stream with Commit or
// Abort (which releases the lock).
func (o Options) Begin(dest string) (*Stream, error) {
	abs, _, err := o.checkDest(dest, false)
	if err != nil {
		return nil, err
	}
	parent, name := filepath.Dir(abs), filepath.Base(abs)
	if err := os.MkdirAll(parent, dirMode); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	unlock, err := lockDest(parent, name, o.lockWait(), o.notify)
	if err != nil {
		return nil, err
	}
	s := &Stream{o: o, dest: dest, parent: parent, name: name, unlock: unlock,
		dirs: map[string]bool{".": true}, names: map[string]bool{}, every: writebackEvery, writeBack: writeBack}
	if err := s.begin(); err != nil {
		unlock()
		return nil, err
	}
	return s, nil
}

func (s *Stream) begin() error {
	// Checked again, whole, under the lock: another build may have
	// published while this one waited.
	abs, foreign, err := s.o.checkDest(s.dest, true)
	if err != nil {
		return err
	}
	s.abs, s.foreign = abs, foreign
	s.o.removeLeftovers(s.parent, s.name)
	s.spare = filepath.Join(s.parent, spareName(s.name))
	if st, err := os.Lstat(s.spare); err == nil {
		if s.reuse = st.IsDir() && hasMarker(s.spare); !s.reuse {
			s.o.notify("left %s as it is: it is not a build isms kept (it has no %s); delete it to let isms keep the previous build there", s.spare, MarkerName)
		}
	}
	if s.reuse {
		s.work = s.spare
	} else {
		if s.work, err = os.MkdirTemp(s.parent, tmpPrefix(s.name)); err != nil {
			return err
		}
		// A marker at once, so that a folder a killed build left is
		// known to be isms's own and removed by the next build.
		if err := writeMarker(s.work, markerFor(nil)); err != nil {
			os.RemoveAll(s.work)
			return err
		}
		if st, err := os.Lstat(abs); err == nil && st.IsDir() {
			s.prev = abs
		}
	}
	if err := os.Chmod(s.work, dirMode); err != nil {
		if !s.reuse {
			os.RemoveAll(s.work)
		}
		return err
	}
	if s.chmod, err = needChmod(s.work, s.reuse); err != nil {
		os.RemoveAll(s.work) // a probe left behind: only a fresh folder is probed
		return err
	}
	// Opened now, so that Commit's sync reports any error writing back
	// since (see syncer).
	if s.sync, err = newSyncer(s.work); err != nil {
		if !s.reuse {
			os.RemoveAll(s.work)
		}
		return err
	}
	return nil
}

// Write puts one file of the build, name (a slash path, as in an fs.FS)
// with the bytes data, into the folder being built. A file that did not
// change from the earlier build is left (the spare) or hard-linked (from
// dest) rather than written. After the first error every Write fails.
func (s *Stream) Write(name string, data []byte) error {
	return s.write(oneFile{name: name, data: data})
}

// WriteStream is Write for a file made as it is written (render.StreamSink):
// stream hands write the file's bytes in order, and returns write's
// error or its own, which fails the file as a write error would. The
// print page is 135 MB at 10,000 documents: it is written as its
// documents are made, never held whole. A file written this way is
// always written anew, never compared with the earlier build's.
func (s *Stream) WriteStream(name string, stream func(write func([]byte) error) error) error {
	return s.write(oneFile{name: name, stream: stream})
}

func (s *Stream) write(one oneFile) error {
	name := one.name
	if err := s.claim(name); err != nil {
		return s.fail(err)
	}
	target := filepath.Join(s.work, filepath.FromSlash(name))
	streamed := one.stream != nil // made as it is written: nothing to compare it with
	switch {
	case s.reuse:
		if st, err := os.Lstat(target); err == nil && st.IsDir() {
			// A folder of the earlier build where this build has a file:
			// the spare is isms's own, so it goes.
			if err := os.RemoveAll(target); err != nil {
				return s.fail(err)
			}
		} else if !streamed && same(target, one, name) {
			return nil
		} else if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return s.fail(err)
		}
	case s.prev != "" && !streamed:
		old := filepath.Join(s.prev, filepath.FromSlash(name))
		if same(old, one, name) && os.Link(old, target) == nil {
			return nil
		}
	}
	if streamed {
		stream := one.stream
		one.stream = func(write func([]byte) error) error {
			return stream(func(b []byte) error {
				err := write(b)
				s.wrote(len(b))
				return err
			})
		}
	}
	if err := createFile(target, one, name, s.chmod); err != nil {
		return s.fail(err)
	}
	s.wrote(len(one.data))
	return nil
}

// wrote counts n bytes written and, every writebackEvery bytes, starts
// writing back what the stream wrote (see writebackEvery), one writeback
// at a time. A writeback that fails fails Commit: Linux reports an error
// writing back once to each open file, and the writeback's own may be
// the one it told (Commit's sync, through the folder opened at Begin,
// would see it too).
func (s *Stream) wrote(n int) {
	if !canWriteBack {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unflushed += int64(n)
	if s.unflushed < s.every || s.flushing || s.ended {
		return
	}
	s.unflushed, s.flushing = 0, true
	s.flushed++
	s.flushes.Add(1)
	go func() {
		defer s.flushes.Done()
		err := s.writeBack(s.work)
		s.mu.Lock()
		s.flushing = false
		if err != nil && s.flushErr == nil {
			s.flushErr = err
		}
		s.mu.Unlock()
	}()
}

// claim checks name, records it, and makes the folders above it.
func (s *Stream) claim(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.err != nil:
		return s.err
	case s.ended:
		return errors.New("publish: write after the end of the stream")
	case !fs.ValidPath(name) || name == ".":
		return fmt.Errorf("publish: invalid file name %q", name)
	case name == MarkerName:
		return fmt.Errorf("publish: the site has a file %s, a name isms keeps for itself", MarkerName)
	case s.names[name]:
		return fmt.Errorf("publish: %s written twice", name)
	case s.dirs[name]:
		return fmt.Errorf("publish: %s is both a file and a folder", name)
	}
	var missing []string
	for d := path.Dir(name); !s.dirs[d]; d = path.Dir(d) {
		if s.names[d] {
			return fmt.Errorf("publish: %s is both a file and a folder", d)
		}
		missing = append(missing, d)
	}
	for _, d := range slices.Backward(missing) {
		if err := s.mkdir(d); err != nil {
			return err
		}
		s.dirs[d] = true
	}
	s.names[name] = true
	return nil
}

// mkdir makes the folder d (a slash path) in the work folder; in the
// spare, a folder of the earlier build is kept and a file in its place
// removed.
func (s *Stream) mkdir(d string) error {
	target := filepath.Join(s.work, filepath.FromSlash(d))
	err := os.Mkdir(target, dirMode)
	if s.reuse && errors.Is(err, fs.ErrExist) {
		st, serr := os.Lstat(target)
		switch {
		case serr != nil:
			return serr
		case st.IsDir() && st.Mode().Perm() == dirMode:
			return nil
		case st.IsDir():
			err = nil
		default:
			if err := os.Remove(target); err != nil {
				return err
			}
			err = os.Mkdir(target, dirMode)
		}
	}
	if err != nil || !s.chmod {
		return err
	}
	return os.Chmod(target, dirMode)
}

func (s *Stream) fail(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
	return s.err
}

// Commit makes the folder hold exactly the files written (the spare loses
// what this build did not write), writes the marker, makes it all
// durable and swaps it with dest. If a Write failed, it aborts and
// returns that error.
func (s *Stream) Commit() error {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return errors.New("publish: the stream has ended")
	}
	s.ended = true
	werr := s.err
	s.mu.Unlock()
	if werr != nil {
		s.abort()
		return fmt.Errorf("publish %s: %w", s.dest, werr)
	}
	s.flushes.Wait()
	if s.flushErr != nil {
		s.abort()
		return fmt.Errorf("publish %s: %w", s.dest, s.flushErr)
	}
	old, err := s.commit()
	if err != nil {
		s.abort()
		return fmt.Errorf("publish %s: %w", s.dest, err)
	}
	s.sync.close()
	if old != "" {
		s.o.keepReplaced(old, s.spare, s.name, s.foreign, s.dest)
	}
	syncPath(s.parent)
	s.unlock()
	s.unlock = nil
	return nil
}

func (s *Stream) commit() (string, error) {
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range s.names {
			if !yield(n) {
				return
			}
		}
	})
	dirs := make([]string, 0, len(s.dirs))
	for d := range s.dirs {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	if s.reuse {
		if err := prune(s.work, dirs, names); err != nil {
			return "", err
		}
	}
	if err := writeMarker(s.work, markerFor(names)); err != nil {
		return "", err
	}
	targets := make([]string, len(names))
	for i, n := range names {
		targets[i] = filepath.Join(s.work, filepath.FromSlash(n))
	}
	dirTargets := make([]string, len(dirs))
	for i, d := range dirs {
		dirTargets[i] = filepath.Join(s.work, filepath.FromSlash(d))
	}
	if err := s.sync.sync(s.work, targets, dirTargets); err != nil {
		return "", err
	}
	// Checked again before the swap: the build ran between Begin and
	// now, and a file put into dest meanwhile would be swapped into the
	// spare, whose next update deletes it.
	_, foreign, err := s.o.checkDest(s.dest, true)
	if err != nil {
		return "", err
	}
	s.foreign = s.foreign || foreign
	return swap(s.work, s.abs)
}

// Abort ends the stream without touching dest: a temporary folder is
// removed; the spare, isms's own, is left half brought up to date for the
// next build to finish. Abort after Commit does nothing, so a caller may
// defer it.
func (s *Stream) Abort() {
	s.mu.Lock()
	s.ended = true
	s.mu.Unlock()
	s.abort()
}

func (s *Stream) abort() {
	if s.unlock == nil {
		return
	}
	s.flushes.Wait()
	s.sync.close()
	if !s.reuse {
		os.RemoveAll(s.work)
	}
	s.unlock()
	s.unlock = nil
}

// Written is how many files have been written.
func (s *Stream) Written() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.names)
}

// oneFile is an fs.FS of one file, for same and createFile.
type oneFile struct {
	name   string
	data   []byte
	stream func(write func([]byte) error) error // the file as it is made, when data is nil
}

func (f oneFile) Open(name string) (fs.File, error) {
	if name != f.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if f.stream != nil {
		return &streamFile{info: memInfo{name: path.Base(name), size: -1}, stream: f.stream}, nil
	}
	return &memFile{info: memInfo{name: path.Base(name), size: int64(len(f.data))}, r: bytes.NewReader(f.data)}, nil
}

// streamFile is a file made as it is written: it is only written
// (io.Copy calls WriteTo), once. Its size is not known (-1); write never
// compares it with an earlier build's.
type streamFile struct {
	info   memInfo
	stream func(write func([]byte) error) error
}

func (f *streamFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *streamFile) Close() error               { return nil }

func (f *streamFile) Read([]byte) (int, error) {
	return 0, errors.New("publish: a file made as it is written is read only through WriteTo")
}

// WriteTo runs the stream, its pieces gathered into writes of about
// 1 MiB: the print page's are ten thousand sections of a few kilobytes.
func (f *streamFile) WriteTo(w io.Writer) (int64, error) {
	if f.stream == nil {
		return 0, errors.New("publish: a file made as it is written is written once")
	}
	stream := f.stream
	f.stream = nil
	const chunk = 1 << 20
	var total int64
	buf := make([]byte, 0, chunk)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		n, err := w.Write(buf)
		total += int64(n)
		buf = buf[:0]
		return err
	}
	err := stream(func(p []byte) error {
		if len(p) >= chunk/4 {
			if err := flush(); err != nil {
				return err
			}
			n, err := w.Write(p)
			total += int64(n)
			return err
		}
		if len(buf)+len(p) > chunk {
			if err := flush(); err != nil {
				return err
			}
		}
		buf = append(buf, p...)
		return nil
	})
	if err != nil {
		return total, err
	}
	return total, flush()
}

// spareFull reports whether a Write failed because the disk filled up
// while the spare was brought up to date.
func (s *Stream) spareFull() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reuse && errors.Is(s.err, syscall.ENOSPC)
}

// abortDroppingSpare is Abort, deleting the spare (under the lock) and
// saying so.
func (s *Stream) abortDroppingSpare() {
	s.mu.Lock()
	s.ended = true
	s.mu.Unlock()
	if s.unlock == nil {
		return
	}
	s.flushes.Wait()
	s.sync.close()
	s.o.notify("the disk filled up while updating the previous build kept at %s: deleted it, and writing the build into a fresh folder once more", s.spare)
	os.RemoveAll(s.spare)
	s.unlock()
	s.unlock = nil
}

// Stream publishes a build that writes its files as it makes them: it
// begins a Stream into dest, runs fill with it, and commits it if fill
// says the build succeeded (else aborts it, leaving dest as it was). As
// with Folder, a disk that fills up while the spare is brought up to date
// drops the spare, says so, and runs fill once more into a fresh folder
// (the bytes of the first run are gone by then). A refused dest is an
// ErrRefused error before fill runs; fill's error is returned as it is.
func (o Options) Stream(dest string, fill func(*Stream) (ok bool, err error)) error {
	for attempt := 0; ; attempt++ {
		s, err := o.Begin(dest)
		if err != nil {
			return err
		}
		ok, err := fill(s)
		if attempt == 0 && s.spareFull() {
			s.abortDroppingSpare()
			continue
		}
		if err != nil || !ok {
			s.Abort()
			return err
		}
		return s.Commit()
	}
}
