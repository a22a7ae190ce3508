#!/usr/bin/env bash
# Server-side latency of the site's pages: starts `mljobs serve --demo` (release build) on a
# temporary data directory, warms each page once, then requests it N times (default 30) with curl
# and prints the median and the 90th percentile of curl's total time per page.
#   scripts/page-latency.sh [N]
# MLJOBS_BIN=path/to/mljobs measures that binary instead of building the release one (to compare
# two builds in one sitting).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-30}"
bin="${MLJOBS_BIN:-./target/release/mljobs}"
[ -n "${MLJOBS_BIN:-}" ] || cargo build --release --quiet
dir="$(mktemp -d)"
port=18123
"$bin" --data-dir "$dir" serve --demo --bind "127.0.0.1:$port" 2>"$dir/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
until grep -q "open http" "$dir/serve.log" 2>/dev/null; do sleep 0.2; done
id="$(curl -s "http://127.0.0.1:$port/api/v1/jobs?q=pytorch&per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["id"])')"
printf '%-60s %10s %10s\n' page "median ms" "p90 ms"
for page in / "/jobs" "/jobs?q=machine+learning&role=data-scientist&sort=date" "/jobs/$id" /roles "/roles/machine-learning-engineer" /salaries \
    "/salaries?title=Senior+ML+Engineer&country=US&level=SE&skills=pytorch" /skills /about; do
  curl -s -o /dev/null "http://127.0.0.1:$port$page"
  for _ in $(seq "$n"); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port$page"; done |
    sort -n | awk -v p="$page" '{ t[NR] = $1 * 1000 } END { printf "%-60s %10.1f %10.1f\n", p, t[int((NR + 1) / 2)], t[int(NR * 0.9)] }'
done
