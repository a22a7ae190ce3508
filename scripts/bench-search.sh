#!/usr/bin/env bash
# Search benchmark side by side with the peers (Xapian, SQLite FTS5, PostgreSQL) in one run, with
# the shared benchmark kit (README of $BENCH_KIT, default ../shared/bench next to this checkout).
#
#   scripts/bench-search.sh CORPUS [run-peers.sh options, e.g. --engines xapian,sqlite --passes 5]
#
# Builds `mljobs-search-bench` (release) first — compile time is not index time — then runs
# run-peers.sh with it as one more engine (`--also mljobs=...`) and Xapian as the baseline.
# Extra options for our engine go in MLJOBS_BENCH_ARGS (e.g. "--threads 2").
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kit=${BENCH_KIT:-$repo/../shared/bench}
[ $# -ge 1 ] || { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
corpus=$1; shift
[ -x "$kit/run-peers.sh" ] || { echo "bench-search: no benchmark kit at $kit (set BENCH_KIT)" >&2; exit 2; }
(cd "$repo" && cargo build --release --locked -p mljobs-cli --bin mljobs-search-bench)
bin=$repo/target/release/mljobs-search-bench
cd "$kit"
exec ./run-peers.sh "$corpus" "$@" --baseline xapian \
  --also "mljobs=$bin --corpus \"\$BENCH_CORPUS\" --queries \"\$BENCH_QUERIES\" --passes \"\$BENCH_PASSES\" --warmup \"\$BENCH_WARMUP\" --details \"\$BENCH_DETAILS\" ${MLJOBS_BENCH_ARGS:-}"
