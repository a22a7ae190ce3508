#!/usr/bin/env python3
"""Rebuild SkillSpan postings (CC BY 4.0, Zhang et al., NAACL 2022) from their sentences.

Reads shared/data/skillspan/{dev,train}.json (one sentence per line with BIO tags) and writes
  testdata/skillspan/dev-postings.jsonl   one posting per line: id, title, description, source
  testdata/skillspan/dev-knowledge.jsonl  gold knowledge spans per posting as character offsets into
                                          the description (UTF-8 byte offsets too), for eval-skills.py
Tokens are NFKC-normalised and joined with " ", sentences with "\n", so offsets are exact. The first sentence of a
posting is used as its title (SkillSpan postings start with the job title in most cases).

Usage: scripts/skillspan_fixtures.py [--data ../shared/data/skillspan] [--split dev]
"""
import argparse, json, os, sys, unicodedata
from collections import OrderedDict

ap = argparse.ArgumentParser()
ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "skillspan"))
ap.add_argument("--split", default="dev")
ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "testdata", "skillspan"))
args = ap.parse_args()
src = os.path.join(args.data, f"{args.split}.json")
if not os.path.exists(src):
    sys.exit(f"{src} not found: this script needs shared/data/skillspan (see DATA-LICENSES.md)")

postings = OrderedDict()
for line in open(src, encoding="utf-8"):
    r = json.loads(line)
    postings.setdefault((r["source"], r["idx"]), []).append(r)

def spans(tokens, tags):
    out, cur = [], None
    for i, t in enumerate(tags):
        if t == "B":
            if cur: out.append(cur)
            cur = [i, i + 1]
        elif t == "I" and cur:
            cur[1] = i + 1
        else:
            if cur: out.append(cur)
            cur = None
    if cur: out.append(cur)
    return out

os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, f"{args.split}-postings.jsonl"), "w", encoding="utf-8") as fp, \
     open(os.path.join(args.out, f"{args.split}-knowledge.jsonl"), "w", encoding="utf-8") as fk:
    for (source, idx), sents in postings.items():
        pid = f"skillspan-{args.split}-{source}-{idx}"
        text_parts, gold, skill_gold = [], [], []
        pos = 0
        for s in sents:
            # The text mljobs will see: NFKC-normalised, one space between tokens (tokens holding
            # whitespace or nothing get a placeholder), so gold offsets match its offsets.
            toks = ["_".join(unicodedata.normalize("NFKC", t).split()) or "_" for t in s["tokens"]]
            starts = []
            for j, t in enumerate(toks):
                starts.append(pos + sum(len(x) + 1 for x in toks[:j]))
            sent = " ".join(toks)
            for a, b in spans(toks, s["tags_knowledge"]):
                st = starts[a]; en = starts[b - 1] + len(toks[b - 1])
                gold.append([st, en])
            for a, b in spans(toks, s["tags_skill"]):
                st = starts[a]; en = starts[b - 1] + len(toks[b - 1])
                skill_gold.append([st, en])
            text_parts.append(sent)
            pos += len(sent) + 1
        text = "\n".join(text_parts)
        title = text_parts[0][:120]
        fp.write(json.dumps({"id": pid, "title": title, "description": text, "source": f"skillspan/{source}"}, ensure_ascii=False) + "\n")
        # byte offsets for the Rust side
        def b(i): return len(text[:i].encode("utf-8"))
        fk.write(json.dumps({"id": pid, "knowledge": [[b(s), b(e), text[s:e]] for s, e in gold],
                             "skill": [[b(s), b(e), text[s:e]] for s, e in skill_gold]}, ensure_ascii=False) + "\n")
print(f"wrote {len(postings)} postings of {args.split}", file=sys.stderr)
