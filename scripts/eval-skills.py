#!/usr/bin/env python3
"""Tech-skill extraction quality on the SkillSpan dev set (knowledge spans = technologies/tools).

Runs `mljobs enrich` on testdata/skillspan/dev-postings.jsonl (rebuilt by
scripts/skillspan_fixtures.py, CC BY 4.0) and compares the skill mentions found in each description
with the gold knowledge spans (byte offsets) in testdata/skillspan/dev-knowledge.jsonl.

  precision        predicted mentions that overlap a gold knowledge span / predicted mentions
  precision (k+s)  the same, counting an overlap with a gold *skill* span as correct too
  precision (adjudicated)  the same after the disagreements reviewed by hand
                   (testdata/skillspan/dev-mention-review.tsv) count as correct
  recall (covered) gold knowledge spans the taxonomy covers (one of its surface forms appears in the
                   span as a whole word, any case) that overlap a predicted mention
  recall (all)     the same over every gold knowledge span

and the same at posting level — the skill list a user sees: a predicted skill id is correct when a
gold knowledge span of that posting maps to the same id (through the taxonomy's surface forms);
recall over the ids the gold spans map to. SkillSpan annotators tag a technology in some sentences
and not in others and never inside role names ("Java Developer"), so the mention-level precision
counts many real mentions as errors; the posting level is not affected by that.

Usage: scripts/eval-skills.py [--bin target/release/mljobs] [--json] [--errors N]
"""
import argparse, json, os, re, subprocess, sys
from collections import Counter

root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
ap = argparse.ArgumentParser()
ap.add_argument("--bin", default=os.path.join(root, "target", "release", "mljobs"))
ap.add_argument("--postings", default=os.path.join(root, "testdata", "skillspan", "dev-postings.jsonl"))
ap.add_argument("--gold", default=os.path.join(root, "testdata", "skillspan", "dev-knowledge.jsonl"))
ap.add_argument("--adjudication", default=os.path.join(root, "testdata", "skillspan", "dev-adjudicated.jsonl"),
                help="posting-level disagreements checked by hand (verdict correct = a real, unannotated mention)")
ap.add_argument("--mention-review", default=os.path.join(root, "testdata", "skillspan", "dev-mention-review.tsv"),
                help="mention-level disagreements checked by hand (posting id, skill, byte range, verdict)")
ap.add_argument("--json", action="store_true")
ap.add_argument("--errors", type=int, default=0, help="print N false positives and misses")
ap.add_argument("--kind", choices=["all", "tool", "concept"], default="all", help="evaluate only skills of this kind (tool = named technologies)")
args = ap.parse_args()

adjudicated = set()
if os.path.exists(args.adjudication):
    for line in open(args.adjudication, encoding="utf-8"):
        a = json.loads(line)
        if a["verdict"] == "correct":
            adjudicated.add((a["id"], a["skill"]))
reviewed = set()
if os.path.exists(args.mention_review):
    for line in open(args.mention_review, encoding="utf-8").read().splitlines()[1:]:
        f = line.split("\t")
        if f[-1] == "correct":
            reviewed.add((f[0], f[1], int(f[2]), int(f[3])))
texts = {}
for line in open(args.postings, encoding="utf-8"):
    r = json.loads(line)
    texts[r["id"]] = r["description"].encode("utf-8")
gold = {json.loads(l)["id"]: json.loads(l) for l in open(args.gold, encoding="utf-8")}

out = subprocess.run([args.bin, "enrich", args.postings], check=True, capture_output=True, text=True).stdout
tax = json.loads(subprocess.run([args.bin, "taxonomy", "skills", "--json"], check=True, capture_output=True, text=True).stdout)
forms = []  # (form, case_sensitive, skill id)
for s in tax:
    weak_lower = {w.lower() for w in s["weak"]}
    for f in [s["name"], *s["aliases"]]:
        if f.lower() not in weak_lower:
            forms.append((f.lower(), False, s["id"]))
    for f in s["weak"]:
        forms.append((f, True, s["id"]))  # weak forms keep their case
kind_of = {s["id"]: s["kind"] for s in tax}
def keep(sid):
    return args.kind == "all" or kind_of[sid] == args.kind
def skill_ids(span_text):
    """Skill ids whose surface forms occur as whole words in the span."""
    low = span_text.lower()
    ids = set()
    for f, case, sid in forms:
        hay = span_text if case else low
        i = hay.find(f)
        while i >= 0:
            before = hay[i - 1] if i > 0 else " "
            after = hay[i + len(f)] if i + len(f) < len(hay) else " "
            if not (before.isalnum() or after.isalnum() or after in "+#"):
                if keep(sid):
                    ids.add(sid)
                break
            i = hay.find(f, i + 1)
    return ids
def covered(span_text):
    return bool(skill_ids(span_text))

def overlaps(a, spans):
    return any(a[0] < s[1] and s[0] < a[1] for s in spans)

tp = fp = tp_lenient = tp_reviewed = 0
g_all = g_cov = hit_all = hit_cov = 0
fps, misses = Counter(), Counter()
p_tp = p_pred = p_gold = p_hit = 0
p_fps = Counter()
p_adjudicated = 0
by_source_id = {}
for line in out.splitlines():
    r = json.loads(line)
    src = r["source"]
    # source is "file:line (record n)"; postings are in file order, so map by record number
    by_source_id[int(re.search(r"record (\d+)", src).group(1))] = r
ids = list(texts)
for n, pid in enumerate(ids, start=1):
    r = by_source_id[n]
    text = texts[pid]
    g = gold[pid]
    kspans = [(s, e) for s, e, _ in g["knowledge"]]
    sspans = [(s, e) for s, e, _ in g["skill"]]
    preds = [(m["start"], m["end"], sk["id"]) for sk in r["skills"] for m in sk["mentions"] if m["field"] == "description" and keep(sk["id"])]
    for s, e, sid in preds:
        if overlaps((s, e), kspans):
            tp += 1
            tp_lenient += 1
        else:
            if overlaps((s, e), sspans):
                tp_lenient += 1
            if (pid, sid, s, e) in reviewed:
                tp_reviewed += 1
            else:
                fps[(sid, text[s:e].decode())] += 1
    gold_ids = set().union(*[skill_ids(t) for _, _, t in g["knowledge"]]) if g["knowledge"] else set()
    pred_ids = {sid for _, _, sid in preds}
    p_pred += len(pred_ids)
    p_tp += len(pred_ids & gold_ids)
    p_gold += len(gold_ids)
    p_hit += len(pred_ids & gold_ids)
    for sid in pred_ids - gold_ids:
        if (pid, sid) in adjudicated:
            p_adjudicated += 1
        else:
            p_fps[sid] += 1
    for s, e, t in g["knowledge"]:
        hit = overlaps((s, e), [(a, b) for a, b, _ in preds])
        g_all += 1
        hit_all += hit
        if covered(t):
            g_cov += 1
            hit_cov += hit
            if not hit:
                misses[t] += 1
n_pred = tp + tp_reviewed + sum(fps.values())
res = {
    "kind": args.kind,
    "postings": len(ids),
    "predicted_mentions": n_pred,
    "precision": round(tp / n_pred, 3) if n_pred else None,
    "precision_knowledge_or_skill": round(tp_lenient / n_pred, 3) if n_pred else None,
    "precision_adjudicated": round((tp + tp_reviewed) / n_pred, 3) if n_pred else None,
    "mentions_reviewed_correct": tp_reviewed,
    "gold_knowledge_spans": g_all,
    "gold_spans_covered_by_taxonomy": g_cov,
    "recall_covered": round(hit_cov / g_cov, 3) if g_cov else None,
    "recall_all": round(hit_all / g_all, 3) if g_all else None,
    "posting_level_predicted_skills": p_pred,
    "posting_level_precision": round(p_tp / p_pred, 3) if p_pred else None,
    "posting_level_precision_adjudicated": round((p_tp + p_adjudicated) / p_pred, 3) if p_pred else None,
    "posting_level_adjudicated_correct": p_adjudicated,
    "posting_level_gold_skills": p_gold,
    "posting_level_recall": round(p_hit / p_gold, 3) if p_gold else None,
}
if args.json:
    print(json.dumps(res))
else:
    for k, v in res.items():
        print(f"{k:32} {v}")
if args.errors:
    print("\nfalse positives (skill id, text): count")
    for (sid, t), c in fps.most_common(args.errors):
        print(f"  {c:3}  {sid:24} {t!r}")
    print("\nposting-level false positives (skill id: postings)")
    for sid, c in p_fps.most_common(args.errors):
        print(f"  {c:3}  {sid}")
    print("\nmissed covered spans: count")
    for t, c in misses.most_common(args.errors):
        print(f"  {c:3}  {t!r}")
