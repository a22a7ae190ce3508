#!/usr/bin/env bash
# The issue-13 load benchmark: starts `mljobs serve` on DATA_DIR, waits until the market pages are
# rendered ahead (the server does it after every index commit), then runs `mljobs-load` — the site
# mix (API searches with random filters, facets and salary floors, HTML result pages, random job
# pages, stats, home, roles, skills and salaries pages, salary estimates) over CONNECTIONS
# keep-alive connections for DURATION seconds, with IDLE more connections held open sending
# nothing — and prints its report (latency per kind of request, errors, the server's RSS).
#
#   scripts/load-site.sh DATA_DIR [DURATION=30] [CONNECTIONS=64] [IDLE=0] [extra mljobs-load args…]
#
# WARMUP=SECONDS first runs the same mix that long, unreported: the measured run then sees the
# per-generation structures (score columns, range indexes, facet columns) a server that has run
# for a while has, not their first builds.
#
# Needs a release build: cargo build --release -p mljobs-cli
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${1:?usage: load-site.sh DATA_DIR [DURATION] [CONNECTIONS] [IDLE]}
duration=${2:-30}; conns=${3:-64}; idle=${4:-0}
shift $(( $# < 4 ? $# : 4 ))
bin=$repo/target/release
[ -x "$bin/mljobs" ] && [ -x "$bin/mljobs-load" ] || { echo "load-site: build first: cargo build --release -p mljobs-cli" >&2; exit 2; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
"$bin/mljobs" --data-dir "$data" serve --bind "127.0.0.1:$port" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
# The warmer renders /, /skills, /roles, /salaries and /api/v1/stats once the server is up: wait
# until the answer cache holds the four shared answers.
warm=""
for _ in $(seq 1 600); do
  entries=$(curl -fs "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cache"]["entries"])' 2>/dev/null || echo 0)
  [ "$entries" -ge 4 ] && { warm=1; break; }
  sleep 0.2
done
[ -n "$warm" ] || echo "load-site: the market pages were not rendered ahead within 120 s" >&2
if [ "${WARMUP:-0}" -gt 0 ]; then
  "$bin/mljobs-load" --url "http://127.0.0.1:$port" --duration "$WARMUP" --connections "$conns" --seed 1 "$@" >/dev/null
  echo "load-site: warmed up for ${WARMUP} s (a different seed: other requests than the measured run)" >&2
fi
echo "load-site: server RSS before the run: $(awk '/VmRSS/{print $2/1024 " MB"}' /proc/$pid/status)" >&2
"$bin/mljobs-load" --url "http://127.0.0.1:$port" --duration "$duration" --connections "$conns" --idle "$idle" --pid "$pid" "$@"
kill -TERM $pid; wait $pid && echo "load-site: server stopped cleanly on SIGTERM" >&2
