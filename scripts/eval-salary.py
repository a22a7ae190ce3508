#!/usr/bin/env python3
"""Measures the salary finder on testdata/salary/devset.jsonl (written by make-salary-devset.py).

Runs `mljobs enrich -` on every record (title, company, location, description) and compares the
salary read with the labelled one. For postings that state pay: exact (min, max, currency and
period all as labelled; several ranges: their span), none (no salary read) or wrong. For postings
that state none: a false salary when one is read. Per split (dev: tuned on; test: phrasings held
out) and per layout class.

    cargo build --release -p mljobs-cli
    python3 scripts/eval-salary.py [--bin target/release/mljobs] [--verbose] [--json]
"""
import argparse
import collections
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 0.01


def verdict(expect, got):
    if expect is None:
        return "false" if got else "ok"
    if not got:
        return "none"
    ok = same(got.get("min"), expect["min"]) and same(got.get("max"), expect["max"]) \
        and got.get("currency") == expect["currency"] and got.get("period") == expect["period"]
    return "exact" if ok else "wrong"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/mljobs"))
    ap.add_argument("--set", default=str(ROOT / "testdata/salary/devset.jsonl"))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    records = [json.loads(l) for l in open(args.set, encoding="utf-8")]
    feed = "".join(json.dumps({k: r[k] for k in ("title", "company", "location", "description")}) + "\n" for r in records)
    out = subprocess.run([args.bin, "enrich", "--format", "jsonl", "-"], input=feed, capture_output=True, text=True, check=True)
    enriched = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    if len(enriched) != len(records):
        sys.exit(f"eval-salary: {len(records)} records in, {len(enriched)} out:\n{out.stderr[-2000:]}")
    tally = collections.defaultdict(collections.Counter)
    misses = []
    for r, e in zip(records, enriched):
        got = e.get("salary")
        v = verdict(r["expect"], got)
        for key in (r["split"], "all", f"{r['split']}:{r['class']}"):
            tally[key][v] += 1
        if v not in ("exact", "ok"):
            misses.append((r, got, v))
    report = {}
    for split in ("dev", "test", "wild", "all"):
        t = tally[split]
        pay = t["exact"] + t["none"] + t["wrong"]
        nopay = t["ok"] + t["false"]
        report[split] = {
            "pay_postings": pay,
            "exact": round(t["exact"] / pay, 4) if pay else None,
            "none": round(t["none"] / pay, 4) if pay else None,
            "wrong": round(t["wrong"] / pay, 4) if pay else None,
            "no_pay_postings": nopay,
            "false_salary": round(t["false"] / nopay, 4) if nopay else None,
        }
    classes = sorted({k.split(":", 1)[1] for k in tally if ":" in k})
    by_class = {}
    for c in classes:
        row = {}
        for split in ("dev", "test", "wild"):
            t = tally[f"{split}:{c}"]
            n = sum(t.values())
            row[split] = f"{t['exact'] + t['ok']}/{n}" if n else "-"
        by_class[c] = row
    if args.json:
        print(json.dumps({"splits": report, "classes": by_class}, indent=2))
        return
    print(f"{'split':6} {'pay':>5} {'exact':>7} {'none':>7} {'wrong':>7} {'no pay':>7} {'false':>7}")
    for split, x in report.items():
        pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"
        print(f"{split:6} {x['pay_postings']:>5} {pct(x['exact']):>7} {pct(x['none']):>7} {pct(x['wrong']):>7} {x['no_pay_postings']:>7} {pct(x['false_salary']):>7}")
    print("\nright per class (dev / test / wild):")
    for c, row in by_class.items():
        print(f"  {c:20} {row['dev']:>7} {row['test']:>7} {row['wild']:>7}")
    if args.verbose:
        for r, got, v in misses:
            g = None if not got else {k: got.get(k) for k in ("min", "max", "currency", "period", "raw")}
            print(f"\n{r['id']} [{r['class']}/{r['split']}] {v}: expected {r['expect']} got {g}")


if __name__ == "__main__":
    main()
