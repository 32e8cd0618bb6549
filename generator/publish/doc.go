// Package publish is the last stage of the build: it takes the rendered site
// as an fs.FS (slash paths → bytes, normally an in-memory tree) and puts it
// somewhere people can read it.
//
//   - Folder writes the tree to a destination folder atomically: everything
//     goes into a temporary folder beside the destination, is fsynced, and
//     then swapped into place, so readers and an interrupted build only
//     ever see the previous site or the new one, never half of each.
//   - BuildManifest lists every published file with its size and SHA-256;
//     Verify recomputes it over a folder and names what changed.
//   - Zip writes a byte-reproducible archive of the tree.
//   - Snapshot adds manifest.json and the zip to a tree for
//     `isms build --snapshot`.
//
// Nothing here reads a clock: the as-of time is passed in.
package publish
