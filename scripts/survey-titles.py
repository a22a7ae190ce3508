#!/usr/bin/env python3
"""Role from title on every distinct job title of the CC0 AI/ML salary survey.

Runs `mljobs enrich` on one posting per distinct title (title only, no description) and prints
the share of survey rows per role and the most common titles of each role, so the mapping of
real titles can be reviewed. Needs ../shared/data/salaries (the survey is copied into the repo by
the salary issue).

Usage: scripts/survey-titles.py [--bin target/release/mljobs] [--top 15]
"""
import argparse, collections, csv, json, os, subprocess, tempfile

root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
ap = argparse.ArgumentParser()
ap.add_argument("--bin", default=os.path.join(root, "target", "release", "mljobs"))
ap.add_argument("--survey", default=os.path.join(root, "..", "shared", "data", "salaries", "aijobs-salaries-2020-2024.csv"))
ap.add_argument("--top", type=int, default=15)
args = ap.parse_args()

counts = collections.Counter(r["job_title"] for r in csv.DictReader(open(args.survey, encoding="utf-8")))
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    for title in counts:
        f.write(json.dumps({"id": title, "title": title, "description": "(title only)"}) + "\n")
out = subprocess.run([args.bin, "enrich", f.name], check=True, capture_output=True, text=True).stdout.splitlines()
os.unlink(f.name)
rows = sum(counts.values())
by_role, titles = collections.Counter(), collections.defaultdict(list)
for line in out:
    r = json.loads(line)
    n = counts[r["title"]]
    by_role[r["role"]] += n
    titles[r["role"]].append((n, r["title"]))
print(f"{len(counts)} distinct titles, {rows} survey rows")
for role, n in by_role.most_common():
    top = ", ".join(f"{t} ({c})" for c, t in sorted(titles[role], reverse=True)[: args.top])
    print(f"{role:26} {n:6} rows {100 * n / rows:5.1f}%  {top}")
