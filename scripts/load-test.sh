#!/usr/bin/env bash
# HTTP load test of `mljobs serve` with wrk: the benchmark kit's 207 queries turned into
# /api/v1/jobs requests (text, facet filters, salary floor, date, relevance/date sort; 20 per page),
# cycled by every connection. Prints wrk's report, a JSON summary line and the server's RSS.
#
#   scripts/load-test.sh DATA_DIR [DURATION=30s] [CONNECTIONS=64] [THREADS=2]
#
# DATA_DIR is an mljobs data directory (e.g. `mljobs --data-dir D ingest corpus.jsonl`). Needs wrk
# (apt-get install -y wrk) and a release build (cargo build --release -p mljobs-cli).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kit=${BENCH_KIT:-$repo/../shared/bench}
data=${1:?usage: load-test.sh DATA_DIR [DURATION] [CONNECTIONS] [THREADS]}
duration=${2:-30s}; conns=${3:-64}; threads=${4:-2}
bin=$repo/target/release/mljobs
[ -x "$bin" ] || { echo "load-test: build first: cargo build --release -p mljobs-cli" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load-test: wrk not found (apt-get install -y wrk)" >&2; exit 2; }
paths=$(mktemp); log=$(mktemp)
python3 - "$kit/queries.jsonl" > "$paths" <<'PY'
import json, sys, urllib.parse
for line in open(sys.argv[1]):
    r = json.loads(line); f = r.get("filters") or {}
    p = [("q", r["q"])] if r["q"] else []
    for k, name in (("country", "country"), ("remote", "work_mode"), ("employment_type", "employment_type")):
        for v in f.get(k, []): p.append((name, v))
    if "salary_min_usd" in f: p.append(("salary_floor", str(f["salary_min_usd"])))
    if "date_posted_gte" in f: p.append(("posted_after", f["date_posted_gte"]))
    p += [("sort", r.get("sort", "relevance")), ("per_page", str(r.get("limit", 20)))]
    print("/api/v1/jobs?" + urllib.parse.urlencode(p))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$paths"' EXIT
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/healthz"; echo
# Every request must answer 200 before the timed run.
while read -r p; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$p")
  [ "$code" = 200 ] || { echo "load-test: $p answered $code" >&2; exit 1; }
done < "$paths"
echo "load-test: $(wc -l < "$paths") request paths answer 200; wrk -t$threads -c$conns -d$duration" >&2
MLJOBS_PATHS=$paths wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$repo/scripts/load-mix.lua" "http://127.0.0.1:$port"
echo "server RSS after the run: $(awk '/VmRSS/{print $2/1024 " MB"}' /proc/$pid/status), peak $(awk '/VmHWM/{print $2/1024 " MB"}' /proc/$pid/status)"
kill -TERM $pid; wait $pid && echo "server stopped cleanly on SIGTERM"
