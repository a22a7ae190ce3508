#!/usr/bin/env python3
"""Where the salary estimator's error on the 2024 survey rows comes from (docs/quality.md).

    scripts/salary-errors.py [--bin ./target/release/mljobs]

Runs `mljobs salary eval` on the default split (train work_year <= 2023, test 2024) and once
in-sample (train = test = the <= 2023 rows), then prints, from the predictions:
  1. P10-P90 coverage by experience level and by company country;
  2. the MAE an oracle would reach that removed each country's / level's / title's median 2024
     error (an upper bound on what any per-group correction could gain), and the title oracle
     for the titles seen before 2024 and the titles new in 2024 apart;
  3. the titles first seen in 2024 that cost the most: what they were paid and what we estimated;
  4. a blend of the estimate with the median salary of the narrowest group of training rows;
  5. a median correction: estimates shifted by each group's median in-sample residual.
Standard library only; reads data/salaries/aijobs-salaries-2020-2024.csv.
"""
import argparse
import collections
import csv
import math
import os
import re
import statistics
import subprocess
import tempfile

SURVEY = os.path.join(os.path.dirname(__file__), "..", "data", "salaries", "aijobs-salaries-2020-2024.csv")


def predictions(binary, args, out):
    subprocess.run([binary, "salary", "eval", *args, "--predictions", out], check=True, stdout=subprocess.DEVNULL)
    return [float(r["p50"]) for r in csv.DictReader(open(out))], list(csv.DictReader(open(out)))


def mae(y, p):
    return sum(abs(a - b) for a, b in zip(y, p)) / len(y)


def norm(title):
    return " ".join(w for w in re.split(r"[^a-z0-9]+", title.lower()) if w and w not in ("senior", "sr", "junior", "jr", "mid"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="./target/release/mljobs")
    a = ap.parse_args()
    rows = list(csv.DictReader(open(SURVEY)))
    train = [r for r in rows if int(r["work_year"]) <= 2023]
    test = [r for r in rows if r["work_year"] == "2024"]
    with tempfile.TemporaryDirectory() as tmp:
        p50, pred = predictions(a.bin, ["--train-until", "2023"], os.path.join(tmp, "test.csv"))
        train_file = os.path.join(tmp, "train.csv")
        with open(train_file, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(train)
        insample, _ = predictions(a.bin, ["--train", train_file, "--test", train_file], os.path.join(tmp, "insample.csv"))
    y = [float(r["salary_in_usd"]) for r in test]
    base = mae(y, p50)
    print(f"MAE {base:,.0f} on {len(y):,} salaries of 2024")

    print("\n1. P10-P90 coverage")
    for name, key in [("level", lambda r: r["experience_level"]), ("country", lambda r: r["company_location"] if r["company_location"] in ("US", "CA", "GB", "DE") else "other")]:
        g = collections.defaultdict(lambda: [0, 0])
        for r, p in zip(test, pred):
            v = float(r["salary_in_usd"])
            g[key(r)][0] += 1
            g[key(r)][1] += float(p["p10"]) <= v <= float(p["p90"])
        print(f"   by {name}: " + ", ".join(f"{k} {c / n:.3f} ({n:,})" for k, (n, c) in sorted(g.items())))

    print("\n2. oracle: each group's median 2024 error removed")

    def oracle(key):
        """MAE after shifting each group of >= 30 test rows by its median log error (key None: row left out)."""
        groups = collections.defaultdict(list)
        for i, r in enumerate(test):
            if key(r) is not None:
                groups[key(r)].append(i)
        q = list(p50)
        for idx in groups.values():
            if len(idx) >= 30:
                shift = math.exp(statistics.median(math.log(y[i] / p50[i]) for i in idx))
                for i in idx:
                    q[i] = p50[i] * shift
        return mae(y, q)

    for name, key in [("country", lambda r: r["company_location"]), ("level", lambda r: r["experience_level"]), ("title", lambda r: r["job_title"])]:
        print(f"   by {name}: MAE {oracle(key):,.0f}")
    seen = {r["job_title"] for r in train}
    for name, keep in [("titles seen before 2024", lambda t: t in seen), ("titles new in 2024", lambda t: t not in seen)]:
        print(f"   by title, {name} only: MAE {oracle(lambda r: r['job_title'] if keep(r['job_title']) else None):,.0f}")

    print("\n3. titles first seen in 2024 that cost the most (MAE an oracle shift of the title would save)")
    new = collections.defaultdict(list)
    for i, r in enumerate(test):
        if r["job_title"] not in seen:
            new[r["job_title"]].append(i)
    costs = []
    for title, idx in new.items():
        if len(idx) >= 30:
            shift = math.exp(statistics.median(math.log(y[i] / p50[i]) for i in idx))
            saved = sum(abs(y[i] - p50[i]) - abs(y[i] - p50[i] * shift) for i in idx) / len(y)
            costs.append((saved, title, idx))
    print(f"   {sum(len(i) for i in new.values()):,} of {len(y):,} test rows have a title the training years never had")
    for saved, title, idx in sorted(costs, reverse=True)[:4]:
        paid = statistics.median(y[i] for i in idx)
        est = statistics.median(p50[i] for i in idx)
        print(f"   {title}: {len(idx):,} rows, paid median ${paid:,.0f}, estimated median ${est:,.0f} (oracle saves {saved:,.0f} of MAE)")

    print("\n4. blend with the median log salary of the narrowest training group (title x level x country > title x level > level x country > level)")
    keys = [
        lambda r: (norm(r["job_title"]), r["experience_level"], r["company_location"]),
        lambda r: (norm(r["job_title"]), r["experience_level"]),
        lambda r: (r["experience_level"], r["company_location"]),
        lambda r: (r["experience_level"],),
    ]
    tables = [collections.defaultdict(list) for _ in keys]
    for r in train:
        for t, k in zip(tables, keys):
            t[k(r)].append(math.log(float(r["salary_in_usd"])))
    for kmin in (10, 30, 100):
        def group(r):
            for t, k in zip(tables, keys):
                v = t.get(k(r))
                if v and len(v) >= kmin:
                    return statistics.median(v)
            return None
        g = [group(r) for r in test]
        cells = []
        for w in (0.8, 0.6, 0.5):
            q = [math.exp(w * math.log(p) + (1 - w) * (m if m is not None else math.log(p))) for p, m in zip(p50, g)]
            cells.append(f"weight {w}: {mae(y, q):,.0f}")
        print(f"   groups of {kmin}+: " + ", ".join(cells))

    print("\n5. median correction: each group's median in-sample residual, shrunk with k pseudo-rows")
    res = [math.log(float(r["salary_in_usd"]) / p) for r, p in zip(train, insample)]
    overall = statistics.median(res)
    for name, key in [("level", lambda r: r["experience_level"]), ("country", lambda r: r["company_location"]), ("title", lambda r: r["job_title"])]:
        g = collections.defaultdict(list)
        for r, e in zip(train, res):
            g[key(r)].append(e)
        cells = []
        for k in (30, 100):
            corr = {kk: (statistics.median(v) * len(v) + overall * k) / (len(v) + k) for kk, v in g.items()}
            cells.append(f"k {k}: {mae(y, [p * math.exp(corr.get(key(r), overall)) for r, p in zip(test, p50)]):,.0f}")
        print(f"   by {name}: " + ", ".join(cells))


if __name__ == "__main__":
    main()
