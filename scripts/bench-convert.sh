#!/usr/bin/env bash
# bench-convert.sh BIN [RUNS]: the whole-process cost users see of
# `wxarchive convert --out` over the article fixtures (the shared originals
# beside the checkout, else the trimmed copies of testdata/wechat): wall and
# CPU (user+sys) milliseconds per page, median of RUNS runs, for one process
# converting every page (on every core) and for one process per page.
set -euo pipefail
bin=$1
runs=${2:-5}
dir=../shared/fixtures/wechat
[ -d "$dir" ] || dir=testdata/wechat
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The article fixtures are the pages convert turns into Markdown.
"$bin" convert --out "$tmp/probe" "$dir"/*.html >/dev/null 2>&1 || true
pages=()
for f in "$dir"/*.html; do
	[ -f "$tmp/probe/$(basename "$f" .html).md" ] && pages+=("$f")
done
n=${#pages[@]}
[ "$n" -gt 0 ] || { echo "bench-convert: no article fixtures in $dir" >&2; exit 1; }

TIMEFORMAT='%R %U %S'
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
report() { # label, then lines "wall user sys" per run on stdin
	local label=$1 lines
	lines=$(cat)
	printf '%-44s %8.2f ms/page wall %8.2f ms/page CPU (median of %d runs)\n' "$label" \
		"$(awk -v n="$n" '{ print $1 * 1000 / n }' <<<"$lines" | median)" \
		"$(awk -v n="$n" '{ print ($2 + $3) * 1000 / n }' <<<"$lines" | median)" "$runs"
}

for _ in $(seq "$runs"); do
	{ time "$bin" convert --out "$tmp/out" "${pages[@]}" >/dev/null 2>&1; } 2>&1
done | report "convert --out, one process, $n pages:"

for _ in $(seq "$runs"); do
	{ time for f in "${pages[@]}"; do "$bin" convert --out "$tmp/one" "$f" >/dev/null 2>&1; done; } 2>&1
done | report "convert --out, one process per page:"
