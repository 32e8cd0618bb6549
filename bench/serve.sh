#!/usr/bin/env bash
# bench/serve.sh — what an author waits for in `isms serve` on a real
# site: start the preview, wait for its first build, then save one
# document five times (a line appended to its body) and twice more with a
# new title and three times with a new id (which the preview answers with
# a build of that page alone), and after each save poll the page with curl until it shows
# the change. Prints the time from the save to the page (the poll
# included) and the server's resident set after each, and its peak.
#
#   go run ./bench/gensite -n 10000 -out /tmp/b10k
#   bench/serve.sh /tmp/b10k            # builds this checkout's isms
#   ISMS=/path/to/isms PORT=18001 bench/serve.sh SITE
#
# Needs curl. The site's first policy is edited and restored at the end.
set -euo pipefail
site=${1:?usage: bench/serve.sh SITE}
repo=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-18001}
if [ -z "${ISMS:-}" ]; then
	ISMS=$(mktemp -d)/isms
	(cd "$repo" && go build -o "$ISMS" ./cmd/isms)
fi
log=$(mktemp)
"$ISMS" serve -s "$site" --port "$port" --as-of 2026-11-27 >"$log" 2>&1 &
pid=$!
docs=("$site"/content/policies/*.md) # not ls | head: with pipefail, ls killed by SIGPIPE ends the script
doc=${docs[0]}
rel=${doc#"$site"/content/}
url="/${rel%.md}/"
orig=$(mktemp)
cp "$doc" "$orig"
trap 'cp "$orig" "$doc"; kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$orig" "$log"' EXIT
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' /proc/$pid/status; }
until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.5; done
echo "first build: rss $(rss)"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
for i in 1 2 3 4 5; do
	start=$(date +%s%N)
	printf '\nEdit number %d.\n' "$i" >>"$doc"
	until curl -s "http://127.0.0.1:$port$url" | grep -q "Edit number $i"; do :; done
	t=$(ms "$start")
	sleep 3 # the build that follows the speculation
	echo "body save $i: page in $t ms; rss $(rss)"
done
for i in 1 2; do
	start=$(date +%s%N)
	sed -i "s/^title: \(.*\)$/title: \1 T$i/" "$doc"
	until curl -s "http://127.0.0.1:$port$url" | grep -q " T$i"; do :; done
	t=$(ms "$start")
	sleep 3
	echo "title save $i: page in $t ms; rss $(rss)"
done
for i in 1 2 3; do
	start=$(date +%s%N)
	sed -i "s/^id: \(.*\)$/id: \1-I$i/" "$doc"
	until curl -s "http://127.0.0.1:$port$url" | grep -q -- "-I$i<"; do :; done
	t=$(ms "$start")
	sleep 3
	echo "id save $i: page in $t ms; rss $(rss)"
done
awk '/VmHWM/ {printf "peak: %.0f MiB\n", $2 / 1024}' /proc/$pid/status
