#!/usr/bin/env python3
"""A second dev set for the required/preferred labels (issue 16): SkillSpan *train* postings
(CC BY 4.0, Zhang et al. 2022) laid out one sentence per line, as the held-out test set is.

The first dev set (testdata/needs/dev-postings.jsonl) happened to hold train postings whose text
runs together into long lines, so rules tuned on it met line-structured postings only in the test
set. This picks 16 more train postings (8 tech, 8 house; seeded) whose longest sentence is short
(≤ 45 tokens: line-structured), leaving out the 24 already used, and writes them rebuilt exactly as
scripts/skillspan_fixtures.py rebuilds postings.

Usage: scripts/needs-dev2.py [--data ../shared/data/skillspan] > testdata/needs/dev2-postings.jsonl
"""
import argparse, json, os, random, unicodedata
from collections import OrderedDict

ap = argparse.ArgumentParser()
ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "skillspan"))
args = ap.parse_args()
root = os.path.join(os.path.dirname(__file__), "..")
used = {json.loads(l)["id"] for l in open(os.path.join(root, "testdata", "needs", "dev-postings.jsonl"), encoding="utf-8")}
postings = OrderedDict()
for line in open(os.path.join(args.data, "train.json"), encoding="utf-8"):
    r = json.loads(line)
    postings.setdefault((r["source"], r["idx"]), []).append(r)
rng = random.Random(1616)
picked = []
for source in ("tech", "house"):
    pool = [k for k, s in postings.items() if k[0] == source and f"skillspan-train-{k[0]}-{k[1]}" not in used
            and max(len(x["tokens"]) for x in s) <= 45 and len(s) >= 8]
    picked += rng.sample(sorted(pool), 8)
for source, idx in picked:
    lines = [" ".join("_".join(unicodedata.normalize("NFKC", t).split()) or "_" for t in s["tokens"]) for s in postings[(source, idx)]]
    text = "\n".join(lines)
    print(json.dumps({"id": f"skillspan-train-{source}-{idx}", "title": lines[0][:120], "description": text, "source": f"skillspan/{source}"}, ensure_ascii=False))
