#!/bin/sh
# Fetches the theme's copy of Mermaid (https://mermaid.js.org, MIT) from
# the npm registry: the release build dist/mermaid.min.js and the
# package's LICENSE, into default/static/vendor/mermaid/. The files are
# committed, so builds need no network; never edit them by hand. To move
# to another version, change VERSION, run this script from anywhere, look
# at the diff and run the Mermaid browser test:
#   go test ./generator/browsertest -run Mermaid
set -eu
VERSION=12.3.0
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/default/static/vendor/mermaid"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "mermaid@$VERSION" >/dev/null)
tar -xzf "$work/mermaid-$VERSION.tgz" -C "$work" package/dist/mermaid.min.js package/LICENSE package/package.json
got=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$work/package/package.json")
[ "$got" = "$VERSION" ] || { echo "fetch-mermaid: npm gave version $got, want $VERSION" >&2; exit 1; }
mkdir -p "$dest"
cp "$work/package/dist/mermaid.min.js" "$dest/mermaid.min.js"
cp "$work/package/LICENSE" "$dest/LICENSE"
printf '%s\n' "$VERSION" >"$dest/VERSION"
echo "mermaid $VERSION: $(wc -c <"$dest/mermaid.min.js") bytes in $dest"
