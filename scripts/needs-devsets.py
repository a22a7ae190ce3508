#!/usr/bin/env python3
"""More dev sets for the required/preferred labels (issue 16): SkillSpan *train* postings
(CC BY 4.0, Zhang et al. 2022) laid out one sentence per line, as the held-out test set is.

The first dev set (testdata/needs/dev-postings.jsonl) happened to hold train postings whose text
runs together into long lines, so rules tuned on it met line-structured postings only in the test
set. These sets pick further train postings whose longest sentence is short (line-structured),
leaving out those already used, seeded, and rebuild them exactly as scripts/skillspan_fixtures.py
rebuilds postings. Each set was labelled before the rules were tuned on it.

  --set 2: 8 tech + 8 house postings (longest sentence ≤ 45 tokens), seed 1616
  --set 3: 10 tech (≤ 45 tokens) + 6 house (≤ 60: few house postings are shorter), seed 1617
  --set 4: 14 house postings of any sentence length (one long sentence a line, as the test
           set's house postings are), seed 1618
  --set 5: a second held-out set (testdata/needs/test2-postings.jsonl, added 2026-12-02 after
           the test set had guided fixes): 12 tech + 8 house postings of any sentence length,
           seed 1619; labelled before the rules were run on it, measured once (0.718)
  --set 6: a third held-out set (test3-postings.jsonl, added 2026-12-02 after fixes made on
           test2): 10 tech + 6 house postings of any sentence length, seed 1620
  --set 7: a fourth held-out set (test4-postings.jsonl, added 2026-12-02 after fixes made on
           test3): 8 tech + 6 house postings of any sentence length, seed 1621
  --set 8: a fifth held-out set (test5-postings.jsonl, added 2026-12-02 after fixes made on
           test4 and the need model): the remaining train postings of 8 sentences or more
           (tech and house), seed 1622
  --set 9: a sixth held-out set (test6-postings.jsonl, added 2026-12-02 after fixes made on
           test5): the last 6 train postings (fewer than 8 sentences), seed 1623

Usage: scripts/needs-devsets.py --set 2 [--data ../shared/data/skillspan] > testdata/needs/dev2-postings.jsonl
"""
import argparse, json, os, random, unicodedata
from collections import OrderedDict

ap = argparse.ArgumentParser()
ap.add_argument("--set", type=int, choices=(2, 3, 4, 5, 6, 7, 8, 9), required=True)
ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "skillspan"))
args = ap.parse_args()
root = os.path.join(os.path.dirname(__file__), "..", "testdata", "needs")
earlier = ["dev-postings.jsonl"] + [f"dev{n}-postings.jsonl" for n in range(2, min(args.set, 5))] + [f"test{n - 3}-postings.jsonl" for n in range(5, args.set)]
used = {json.loads(l)["id"] for f in earlier for l in open(os.path.join(root, f), encoding="utf-8")}
postings = OrderedDict()
for line in open(os.path.join(args.data, "train.json"), encoding="utf-8"):
    r = json.loads(line)
    postings.setdefault((r["source"], r["idx"]), []).append(r)
# set: (seed, [(source, longest sentence in tokens, how many; None = all left)], fewest sentences)
plan = {2: (1616, [("tech", 45, 8), ("house", 45, 8)], 8), 3: (1617, [("tech", 45, 10), ("house", 60, 6)], 8), 4: (1618, [("house", 10_000, 14)], 8),
        5: (1619, [("tech", 10_000, 12), ("house", 10_000, 8)], 8), 6: (1620, [("tech", 10_000, 10), ("house", 10_000, 6)], 8),
        7: (1621, [("tech", 10_000, 8), ("house", 10_000, 6)], 8), 8: (1622, [("tech", 10_000, None), ("house", 10_000, None)], 8),
        9: (1623, [("tech", 10_000, None), ("house", 10_000, None)], 1)}
seed, parts, fewest = plan[args.set]
rng = random.Random(seed)
picked = []
for source, longest, n in parts:
    pool = [k for k, s in postings.items() if k[0] == source and f"skillspan-train-{k[0]}-{k[1]}" not in used
            and max(len(x["tokens"]) for x in s) <= longest and len(s) >= fewest]
    picked += rng.sample(sorted(pool), len(pool) if n is None else n)
for source, idx in picked:
    lines = [" ".join("_".join(unicodedata.normalize("NFKC", t).split()) or "_" for t in s["tokens"]) for s in postings[(source, idx)]]
    text = "\n".join(lines)
    print(json.dumps({"id": f"skillspan-train-{source}-{idx}", "title": lines[0][:120], "description": text, "source": f"skillspan/{source}"}, ensure_ascii=False))
