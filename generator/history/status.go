package history

import (
	"bytes"
	"context"
	"fmt"
	"strings"
)

// Uncommitted returns the content files (paths relative to the content
// folder) whose working copy differs from HEAD: modified, staged, added,
// deleted or untracked, for the preview's "uncommitted changes" mark.
// Outside a repository, or without git, it returns an empty map.
func Uncommitted(ctx context.Context, siteDir, contentDir string) (map[string]bool, error) {
	r, _, err := locate(ctx, siteDir, contentDir)
	if err != nil || r == nil {
		return map[string]bool{}, err
	}
	out, err := runGit(ctx, r.git, r.dir, "status", "--porcelain=v1", "-z",
		"--untracked-files=all", "--no-renames", "--ignore-submodules=all", "--", ".")
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return parseStatus(out, r.prefix), nil
}

// parseStatus reads `git status --porcelain=v1 -z --no-renames`: one
// "XY path" per NUL-terminated record, path relative to the repository root.
func parseStatus(out []byte, prefix string) map[string]bool {
	files := map[string]bool{}
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		if len(rec) < 4 || rec[2] != ' ' {
			continue
		}
		p, ok := strings.CutPrefix(string(rec[3:]), prefix)
		if ok && p != "" {
			files[p] = true
		}
	}
	return files
}
