//go:build !linux

package publish

import "os"

func swap(fresh, dest string) (string, error) { return swapAside(fresh, dest) }

// syncAll fsyncs every written file, then every folder.
func syncAll(_ string, files, dirs []string) error {
	for _, p := range append(files, dirs...) {
		if err := syncPath(p); err != nil {
			return err
		}
	}
	return nil
}

// canWriteBack: syncAll fsyncs file by file here, and there is no one
// call that writes a folder's files back ahead of it.
const canWriteBack = false

func writeBack(string) error { return nil }

// syncer makes a stream's folder durable at Commit: every file and
// folder fsynced.
type syncer struct{}

func newSyncer(string) (syncer, error) { return syncer{}, nil }

func (syncer) sync(dir string, files, dirs []string) error { return syncAll(dir, files, dirs) }

func (syncer) close() {}

// createNew creates target, which must not exist, for writing.
func createNew(target string) (*os.File, error) {
	return os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
}
