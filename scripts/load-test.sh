#!/usr/bin/env bash
# HTTP load test of `mljobs serve` with wrk: /api/v1/jobs requests built from the benchmark kit's
# queries (text, facet filters, salary floor, date, relevance/date sort) plus a long tail of one-off
# searches (MIX=zipf, default; MIX=kit for the 207 kit queries alone), cycled by the connections.
# Prints wrk's report, a JSON summary line, the answer-cache counters and the server's RSS.
# MLJOBS_CACHE=0 turns the server's answer cache off.
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
python3 - "$kit/queries.jsonl" "$repo/taxonomy/skills.csv" "${MIX:-zipf}" > "$paths" <<'PY'
# The request mix. `MIX=kit`: the kit's 207 queries once each, cycled (every request repeats, so
# with the cache on this measures the cache). `MIX=zipf` (default), modelled on search logs: 70 %
# of requests are the kit's queries drawn by a Zipf law over their rank (s = 1.07), on page k with
# probability ∝ 1/2^k (1-10), 20 or 10 per page; 30 % are a long tail of one-off searches (two
# to three words from the skill taxonomy, a random country or work mode), which a cache cannot
# answer. 200,000 requests, fixed seed.
import csv, json, random, sys, urllib.parse
def path(q, f, sort, page=1, per_page=20):
    p = [("q", q)] if q else []
    for k, name in (("country", "country"), ("remote", "work_mode"), ("employment_type", "employment_type")):
        for v in f.get(k, []): p.append((name, v))
    if "salary_min_usd" in f: p.append(("salary_floor", str(f["salary_min_usd"])))
    if "date_posted_gte" in f: p.append(("posted_after", f["date_posted_gte"]))
    p += [("sort", sort), ("per_page", str(per_page))]
    if page > 1: p.append(("page", str(page)))
    return "/api/v1/jobs?" + urllib.parse.urlencode(p)
queries = [json.loads(l) for l in open(sys.argv[1])]
if sys.argv[3] == "kit":
    for r in queries: print(path(r["q"], r.get("filters") or {}, r.get("sort", "relevance")))
    sys.exit()
words = sorted({w.lower() for row in csv.DictReader(open(sys.argv[2])) for w in row["name"].split() if w.isalpha() and len(w) > 2})
rng = random.Random(42)
weights = [1 / (i + 1) ** 1.07 for i in range(len(queries))]
pages = list(range(1, 11)); page_w = [0.5 ** k for k in pages]
for _ in range(200_000):
    if rng.random() < 0.7:
        r = rng.choices(queries, weights)[0]
        print(path(r["q"], r.get("filters") or {}, r.get("sort", "relevance"), rng.choices(pages, page_w)[0], rng.choice((20, 20, 10))))
    else:
        f = {}
        if rng.random() < 0.5: f["country"] = [rng.choice(["US", "GB", "DE", "IN", "CA", "FR", "NL", "ES"])]
        if rng.random() < 0.3: f["remote"] = [rng.choice(["remote", "hybrid", "onsite"])]
        print(path(" ".join(rng.sample(words, rng.choice((2, 2, 3)))), f, rng.choice(("relevance", "relevance", "date"))))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$paths"' EXIT
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/healthz"; echo
# A sample of the requests must answer 200 before the timed run (wrk counts non-2xx as errors too).
while read -r p; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$p")
  [ "$code" = 200 ] || { echo "load-test: $p answered $code" >&2; exit 1; }
done < <(awk 'NR % 997 == 1' "$paths")
# The sample warmed the cache a little: restart the counters' meaning by reading them now.
before=$(curl -fs "http://127.0.0.1:$port/healthz")
echo "load-test: $(wc -l < "$paths") requests (${MIX:-zipf} mix, $(sort -u "$paths" | wc -l) distinct); wrk -t$threads -c$conns -d$duration" >&2
MLJOBS_PATHS=$paths wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$repo/scripts/load-mix.lua" "http://127.0.0.1:$port"
echo "cache before: $(echo "$before" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cache"])')"
echo "cache after:  $(curl -fs "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cache"])')"
echo "server RSS after the run: $(awk '/VmRSS/{print $2/1024 " MB"}' /proc/$pid/status), peak $(awk '/VmHWM/{print $2/1024 " MB"}' /proc/$pid/status)"
kill -TERM $pid; wait $pid && echo "server stopped cleanly on SIGTERM"
