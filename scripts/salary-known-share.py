#!/usr/bin/env python3
"""What knowing a few of the test year's salaries is worth: the split of issue 4 (train work_year
<= 2023, test 2024) with a seeded random share of the 2024 rows moved into training — as the
postings of the current year that state pay would add — for ours and the peers in one run.

    scripts/salary-known-share.py [--share 0.01] [--bin ./target/release/mljobs]

Writes the two survey-format CSVs into a temporary directory, runs `mljobs salary eval --train
--test --predictions` and `scripts/salary-peers.py --train --test --ours` on them, and prints the
peers' table with our row. Reads data/salaries/aijobs-salaries-2020-2024.csv (standard library
only; the peers script makes its own venv).
"""
import argparse
import csv
import os
import random
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SURVEY = os.path.join(HERE, "..", "data", "salaries", "aijobs-salaries-2020-2024.csv")
SEED = 42


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--share", type=float, default=0.01, help="share of the 2024 rows moved into training")
    ap.add_argument("--bin", default="./target/release/mljobs")
    a = ap.parse_args()
    if not 0.0 < a.share < 1.0:
        ap.error(f"--share {a.share}: must be between 0 and 1")
    with open(SURVEY, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    year = header.index("work_year")
    rnd = random.Random(SEED)
    train = [r for r in rows if int(r[year]) <= 2023]
    test = []
    for r in rows:
        if int(r[year]) == 2024:
            (train if rnd.random() < a.share else test).append(r)
    print(f"{len(train) - sum(int(r[year]) <= 2023 for r in rows):,} salaries of 2024 known ({a.share:.0%}), {len(test):,} to test")
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, part in (("train", train), ("test", test)):
            files[name] = os.path.join(tmp, f"{name}.csv")
            with open(files[name], "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(header)
                w.writerows(part)
        ours = os.path.join(tmp, "ours.csv")
        split = ["--train", files["train"], "--test", files["test"]]
        subprocess.run([a.bin, "salary", "eval", *split, "--predictions", ours], check=True)
        subprocess.run([os.path.join(HERE, "salary-peers.py"), *split, "--ours", ours], check=True)


if __name__ == "__main__":
    main()
