#!/usr/bin/env python3
"""How many of the technologies O*NET 29.2 lists for the data/ML occupations the skill taxonomy
recognises (an O*NET example matches when one of a skill's names/aliases equals it or occurs in
it as a whole word). Needs ../shared/data/onet.

Usage: scripts/onet-coverage.py [--bin target/release/mljobs] [--missing]
"""
import argparse, json, os, re, subprocess

root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
ap = argparse.ArgumentParser()
ap.add_argument("--bin", default=os.path.join(root, "target", "release", "mljobs"))
ap.add_argument("--onet", default=os.path.join(root, "..", "shared", "data", "onet", "Technology-Skills.txt"))
ap.add_argument("--missing", action="store_true")
args = ap.parse_args()

tax = json.loads(subprocess.run([args.bin, "taxonomy", "skills", "--json"], check=True, capture_output=True, text=True).stdout)
forms = {f.lower() for s in tax for f in [s["name"], *s["aliases"], *s["weak"]]}
patterns = [re.compile(r"(?<![a-z0-9])" + re.escape(f) + r"(?![a-z0-9+#])") for f in forms]
rows = [line.rstrip("\n").split("\t") for line in open(args.onet, encoding="utf-8")][1:]
for soc, name in [("15-2051.00", "Data Scientists"), ("15-2051.01", "Business Intelligence Analysts"), ("15-1221.00", "Computer and Information Research Scientists"), ("15-1243.00", "Database Architects")]:
    examples = sorted({r[1] for r in rows if r[0] == soc})
    hit = [e for e in examples if e.lower() in forms or any(p.search(e.lower()) for p in patterns)]
    print(f"{soc} {name}: {len(hit)} of {len(examples)} technologies recognised")
    if args.missing:
        print("  missing:", "; ".join(e for e in examples if e not in hit))
