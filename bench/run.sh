#!/usr/bin/env bash
# bench/run.sh — build the same synthetic Markdown with isms and with Hugo,
# runs interleaved (isms, hugo, isms, hugo, …) so that load on the machine
# hits both alike, and print a Markdown table of medians, the ratio
# isms/hugo and peak RSS.
#
#   bench/run.sh                      # N = 1000 and 10000, with and without git history
#   SIZES="1000" RUNS=3 bench/run.sh  # fewer, faster
#   COMMITS=0 bench/run.sh            # skip the runs with git history
#   SIZES= GIT_SIZES=1000 bench/run.sh # only the run with git history
#
# Environment: SIZES (default "1000 10000"), RUNS (runs per tool, default
# 5, and 3 above 5,000 documents), COMMITS (git history for the runs with
# history, default 2000; 0 = none), GIT_SIZES (sizes with history, default
# "1000 10000"), IMPORT_PACK (1 = keep the pack git fast-import wrote,
# as the runs up to c2854dd did, instead of repacking it as a repository
# grown commit by commit is packed; see bench/synth's WriteSite), REBUILD (1 = build into the previous run's output instead
# of an empty folder), TRASH_AT_END (0 = delete the previous output just
# before each run instead of moving it aside), COLD_HISTORY (1 = empty
# isms's history cache before each isms run, outside the timing, as on a
# machine's first build of the site; by default the untimed first run
# fills it and the timed runs read it, as every later build does; the
# caches live in WORK/cache, so no earlier run's are used), WORK (scratch folder, default a new one under /tmp, removed at
# the end unless KEEP=1), ISMS (an isms binary to use instead of building
# this checkout).
#
# Needs Go, hugo (Debian: apt-get install -y hugo), git and GNU time
# (apt-get install -y time) for peak RSS.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${SIZES-"1000 10000"}
GIT_SIZES=${GIT_SIZES-"1000 10000"}
COMMITS=${COMMITS:-2000}
AS_OF=2026-11-27

for tool in go hugo git; do
	command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install -y $tool)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench: GNU time not found at /usr/bin/time (apt-get install -y time)" >&2; exit 2; }

WORK=${WORK:-$(mktemp -d /tmp/isms-bench.XXXXXX)}
mkdir -p "$WORK"
# Deleted files are written back at once (sync): on ext4 without a
# journal a freed inode counts as just freed for 60 s after that, but for
# 360 s while its inode table block is unwritten, and every new inode
# walks those (see measure): a benchmark run within minutes of this one
# would measure the deletion.
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"; sync' EXIT

label="isms $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ -n "${ISMS:-}" ]; then
	label="isms binary $ISMS"
else
	ISMS=$WORK/isms
	(cd "$repo" && go build -o "$ISMS" ./cmd/isms)
fi
(cd "$repo" && go build -o "$WORK/gensite" ./bench/gensite)

# measure TOOL SITE: one timed run; appends "seconds rss_kb" to
# $WORK/TOOL.times. The output folder (and the previous build isms keeps
# beside it, .out-isms.spare) is moved out of the way before, outside the
# timing, unless REBUILD=1: then each tool rebuilds into its own existing
# output. Moved, not deleted: ext4 does not reuse an inode freed in the
# last half minute, and finding a free one then walks every recently
# freed one — quadratic in the files of the folder just deleted (measured
# here: 1,000 documents, 2.5 s of system time where a fresh disk takes
# 0.45 s, for either tool, more for the one writing more files). The
# moved folders are deleted when the benchmark ends (TRASH_AT_END=0
# deletes them before each run, as this script did up to 7833493).
trash=0
measure() {
	local tool=$1 site=$2 extra=$3 out=$WORK/out-$1
	if [ "${REBUILD:-0}" != 1 ]; then
		if [ "${TRASH_AT_END:-1}" = 1 ]; then
			mkdir -p "$WORK/trash"
			for f in "$out" "$WORK/.out-$1.spare"; do
				[ -e "$f" ] && mv "$f" "$WORK/trash/$((trash += 1))"
			done
		else
			rm -rf "$out" "$WORK/.out-$1.spare"
		fi
	fi
	# Write back what earlier runs left dirty, so that neither tool pays
	# for the other's output (isms syncs its own before publishing).
	sync
	local cmd
	if [ "$tool" = isms ] && [ "${COLD_HISTORY:-0}" = 1 ]; then
		rm -rf "$WORK/cache/isms/history"
	fi
	case $tool in
	isms) cmd=(env XDG_CACHE_HOME="$WORK/cache" "$ISMS" build -q -s "$site" -d "$out" --as-of "$AS_OF") ;;
	hugo) cmd=(hugo --quiet --minify=false -s "$site" -d "$out") ;;
	esac
	if [ "$extra" = git ] && [ "$tool" = hugo ]; then
		cmd+=(--enableGitInfo)
	fi
	if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.txt" "${cmd[@]}" >"$WORK/log.txt" 2>&1; then
		echo "bench: $tool failed on $site:" >&2
		tail -20 "$WORK/log.txt" >&2
		exit 1
	fi
	cat "$WORK/time.txt" >>"$WORK/$tool.times"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

rows=()
bench() {
	local n=$1 commits=$2 site=$WORK/site-$1-$2 runs=${RUNS:-}
	if [ -z "$runs" ]; then runs=5; [ "$n" -gt 5000 ] && runs=3; fi
	if [ "$commits" -gt 0 ]; then
		"$WORK/gensite" -n "$n" -out "$site" -commits "$commits" ${IMPORT_PACK:+-import-pack} >/dev/null
	else
		"$WORK/gensite" -n "$n" -out "$site" >/dev/null
	fi
	rm -f "$WORK/isms.times" "$WORK/hugo.times"
	# One untimed run each first: both then read the site from the page cache.
	measure isms "$site" "$([ "$commits" -gt 0 ] && echo git || echo -)"; rm -f "$WORK/isms.times"
	measure hugo "$site" "$([ "$commits" -gt 0 ] && echo git || echo -)"; rm -f "$WORK/hugo.times"
	for ((i = 0; i < runs; i++)); do
		for tool in isms hugo; do
			measure "$tool" "$site" "$([ "$commits" -gt 0 ] && echo git || echo -)"
		done
		echo "bench: N=$n commits=$commits run $((i + 1))/$runs: isms $(tail -1 "$WORK/isms.times" | cut -d' ' -f1) s, hugo $(tail -1 "$WORK/hugo.times" | cut -d' ' -f1) s" >&2
	done
	local ti th ri rh
	ti=$(cut -d' ' -f1 "$WORK/isms.times" | median)
	th=$(cut -d' ' -f1 "$WORK/hugo.times" | median)
	ri=$(cut -d' ' -f2 "$WORK/isms.times" | sort -n | tail -1)
	rh=$(cut -d' ' -f2 "$WORK/hugo.times" | sort -n | tail -1)
	# CPU seconds (user + system) are steadier than wall time on a loaded machine.
	local ci ch
	ci=$(awk '{print $3 + $4}' "$WORK/isms.times" | median)
	ch=$(awk '{print $3 + $4}' "$WORK/hugo.times" | median)
	rows+=("$(awk -v n="$n" -v c="$commits" -v r="$runs" -v ti="$ti" -v th="$th" -v ri="$ri" -v rh="$rh" -v ci="$ci" -v ch="$ch" 'BEGIN {
		printf "| %d | %s | %d | %.2f s | %.2f s | %.2f× | %.2f | %.2f | %.2f s | %.2f s | %.2f× | %d MB | %d MB | %.2f× |",
			n, (c > 0 ? c " commits" : "no"), r, ti, th, (th > 0 ? ti / th : 0), ti * 1000 / n, th * 1000 / n,
			ci, ch, (ch > 0 ? ci / ch : 0), ri / 1024, rh / 1024, (rh > 0 ? ri / rh : 0) }')")
}

for n in $SIZES; do bench "$n" 0; done
if [ "$COMMITS" -gt 0 ]; then
	for n in $GIT_SIZES; do bench "$n" "$COMMITS"; done
fi

echo
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(hugo version | cut -d' ' -f1-2); $label"
echo
echo "| documents | git history | runs | isms wall (median) | Hugo wall (median) | wall isms/Hugo | isms ms/doc | Hugo ms/doc | isms CPU | Hugo CPU | CPU isms/Hugo | isms peak RSS | Hugo peak RSS | RSS isms/Hugo |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo; echo "output: $([ "${REBUILD:-0}" = 1 ] && echo "each run rebuilds into the previous run's output folder" || echo "each run writes into an empty output folder ($([ "${TRASH_AT_END:-1}" = 1 ] && echo "earlier outputs moved aside, deleted at the end" || echo "earlier outputs deleted just before"))")"
echo "history: $([ -n "${IMPORT_PACK:-}" ] && echo "the pack git fast-import wrote (IMPORT_PACK)" || echo "repacked as a repository grown commit by commit (git repack -a -d -f)"); isms's history cache $([ "${COLD_HISTORY:-0}" = 1 ] && echo "emptied before each run (COLD_HISTORY)" || echo "filled by the untimed run, read by the timed ones")"
rm -rf "$WORK/trash"
sync
