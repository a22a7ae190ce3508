#!/usr/bin/env python3
"""One-at-a-time latency of every endpoint and page on a given store, with the answer cache off
(`serve --cache 0`) and parameters that change per request (a random salary_min, random job ids,
result pages), so nothing is answered from memory that a real visitor's request would miss.

    scripts/endpoint-latency.py DATA_DIR [--requests 50] [--bin target/release/mljobs]

Prints the median and the 99th percentile (ms, server and loopback, one keep-alive connection)
per endpoint. Issue 13's goal: every endpoint ≤ 20 ms p99 at 100k postings, one at a time.
"""
import argparse, http.client, json, random, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("data_dir")
ap.add_argument("--requests", type=int, default=50)
ap.add_argument("--bin", default="target/release/mljobs")
ap.add_argument("--port", type=int, default=18191)
a = ap.parse_args()

log = tempfile.NamedTemporaryFile("w+", suffix=".log")
server = subprocess.Popen([a.bin, "--data-dir", a.data_dir, "serve", "--bind", f"127.0.0.1:{a.port}", "--cache", "0"], stderr=log)
try:
    for _ in range(600):
        log.seek(0)
        if "open http" in log.read():
            break
        time.sleep(0.1)
    conn = http.client.HTTPConnection("127.0.0.1", a.port)

    def get(path):
        t = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return r.status, body, (time.perf_counter() - t) * 1000

    rng = random.Random(13)
    ids = []
    for page in (1, 2):
        _, body, _ = get(f"/api/v1/jobs?per_page=100&page={page}&sort=date")
        ids += [h["id"] for h in json.loads(body)["hits"]]
    endpoints = [
        ("/healthz", lambda: "/healthz"),
        ("/api/v1/stats", lambda: "/api/v1/stats"),
        ("/api/v1/jobs?q=pytorch", lambda: "/api/v1/jobs?q=pytorch"),
        ("/api/v1/jobs?q=machine+learning&country=US&work_mode=remote&facets=true&salary_min=…",
         lambda: f"/api/v1/jobs?q=machine+learning&country=US&work_mode=remote&facets=true&salary_min={rng.randrange(50_000, 200_000)}"),
        ("/api/v1/jobs/{random id}", lambda: f"/api/v1/jobs/{rng.choice(ids)}"),
        ("/jobs?q=pytorch&page=…", lambda: f"/jobs?q=pytorch&page={rng.randrange(1, 6)}"),
        ("/jobs/{random id}", lambda: f"/jobs/{rng.choice(ids)}"),
        ("/", lambda: "/"),
        ("/roles", lambda: "/roles"),
        ("/roles/data-scientist", lambda: "/roles/data-scientist"),
        ("/skills", lambda: "/skills"),
        ("/salaries", lambda: "/salaries"),
    ]
    print(f"{'endpoint':<92} {'median ms':>9} {'p99 ms':>8}")
    for name, make in endpoints:
        get(make())  # first use (memos of the generation)
        times = []
        for _ in range(a.requests):
            status, _, ms = get(make())
            if status != 200:
                sys.exit(f"{name}: HTTP {status}")
            times.append(ms)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{name:<92} {times[len(times) // 2]:>9.1f} {p99:>8.1f}")
finally:
    server.terminate()
    server.wait()
