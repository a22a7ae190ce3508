#!/usr/bin/env python3
"""Salary estimation peers: LightGBM, XGBoost and CatBoost on the bundled AI/ML salary survey, in one
run, with the split and metrics of issue 4 (train = work_year <= 2023, test = 2024).

    scripts/salary-peers.py [--data data/salaries/aijobs-salaries-2020-2024.csv] [--json]
                            [--ours PREDICTIONS.csv] [--train-until YEAR | --train FILE --test FILE]

Creates a venv in /tmp/salary-peers and pip-installs the three libraries on first use (PyPI only).
Every model sees the same features — the survey's columns for the five factors: experience level,
employment type, job title, employee residence, company location, remote ratio, company size, and
the year — and predicts log(salary_in_usd); the median estimate is exp(prediction). P10/P90 come
from each library's quantile objective (alpha 0.1 / 0.9) on the same features.

Metrics on the 2024 rows (USD): MAE, RMSE, R² (of USD), median absolute % error, P10-P90 coverage
(share of true salaries inside the interval) and mean interval width.
`--ours FILE` adds a row from a CSV of `p10,p50,p90` predictions for the test rows in file order
(what `mljobs salary eval` will write), so our estimator is compared in the same run.
`--train-until YEAR` moves the split (train work_year <= YEAR, test YEAR + 1; `mljobs salary eval
--train-until YEAR` is the same split): 2022 is the validation year that changes are chosen on
before they are measured on 2024. `--train FILE --test FILE` (survey-format CSVs) is any other
split, the same as `mljobs salary eval --train FILE --test FILE`.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

VENV = "/tmp/salary-peers"
PACKAGES = ["lightgbm", "xgboost", "catboost", "numpy", "pandas", "scikit-learn"]
CATEGORICAL = ["experience_level", "employment_type", "job_title", "employee_residence", "company_location", "company_size"]
NUMERIC = ["remote_ratio", "work_year"]
SEED = 42


def ensure_venv():
    py = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(py):
        print(f"salary-peers: creating {VENV} and installing {' '.join(PACKAGES)}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", *PACKAGES], check=True)
    os.execv(py, [py, *sys.argv])


def metrics(y, p10, p50, p90):
    import numpy as np

    y, p10, p50, p90 = map(np.asarray, (y, p10, p50, p90))
    err = p50 - y
    ss_res = float((err ** 2).sum())
    ss_tot = float(((y - y.mean()) ** 2).sum())
    return {
        "mae": round(float(np.abs(err).mean()), 1),
        "rmse": round(math.sqrt(ss_res / len(y)), 1),
        "r2": round(1 - ss_res / ss_tot, 4),
        "mdape": round(float(np.median(np.abs(err) / y)) * 100, 2),
        "coverage_p10_p90": round(float(((y >= p10) & (y <= p90)).mean()), 4),
        "mean_width": round(float((p90 - p10).mean()), 1),
    }


def main():
    ensure_venv()
    import numpy as np
    import pandas as pd

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--data", default=os.path.join(here, "data/salaries/aijobs-salaries-2020-2024.csv"))
    ap.add_argument("--json", action="store_true", help="one JSON object per engine instead of the table")
    ap.add_argument("--ours", help="CSV of p10,p50,p90 for the test rows, in file order")
    ap.add_argument("--train-until", type=int, default=2023, help="train on work_year <= this, test on the year after")
    ap.add_argument("--train", help="training CSV (survey columns); with --test, instead of the year split")
    ap.add_argument("--test", help="test CSV (survey columns)")
    a = ap.parse_args()

    if (a.train is None) != (a.test is None):
        sys.exit("--train and --test go together")
    if a.train:
        parts = [pd.read_csv(a.train), pd.read_csv(a.test)]
        df = pd.concat(parts, ignore_index=True)
        split = f"train: {a.train} ({len(parts[0]):,} rows); test: {a.test} ({len(parts[1]):,} rows); USD"
    else:
        df = pd.read_csv(a.data)
    for c in CATEGORICAL:  # one category set for both parts
        df[c] = df[c].astype("category")
    if a.train:
        train, test = df.iloc[: len(parts[0])], df.iloc[len(parts[0]) :]
    else:
        train, test = df[df.work_year <= a.train_until], df[df.work_year == a.train_until + 1]
        split = f"train: work_year <= {a.train_until} ({len(train):,} rows); test: {a.train_until + 1} ({len(test):,} rows); USD"
    features = CATEGORICAL + NUMERIC
    xtr, xte = train[features], test[features]
    ytr, yte = np.log(train.salary_in_usd.values), test.salary_in_usd.values
    results = []

    def record(name, version, fit_s, p10, p50, p90, config):
        m = metrics(yte, p10, p50, p90)
        m.update({"engine": name, "version": version, "fit_s": round(fit_s, 2), "train_rows": len(train), "test_rows": len(test), "config": config})
        results.append(m)

    import lightgbm as lgb

    common = dict(n_estimators=600, learning_rate=0.05, num_leaves=31, min_child_samples=20, random_state=SEED, verbose=-1, n_jobs=2)
    t = time.perf_counter()
    preds = {}
    for name, obj in (("p50", dict(objective="regression")), ("p10", dict(objective="quantile", alpha=0.1)), ("p90", dict(objective="quantile", alpha=0.9))):
        preds[name] = np.exp(lgb.LGBMRegressor(**common, **obj).fit(xtr, ytr).predict(xte))
    record("lightgbm", lgb.__version__, time.perf_counter() - t, preds["p10"], preds["p50"], preds["p90"], "600 trees, lr 0.05, 31 leaves, native categoricals; L2 / quantile 0.1, 0.9 on log salary")

    import xgboost as xgb

    t = time.perf_counter()
    preds = {}
    base = dict(n_estimators=600, learning_rate=0.05, max_depth=6, tree_method="hist", enable_categorical=True, random_state=SEED, n_jobs=2)
    preds["p50"] = np.exp(xgb.XGBRegressor(**base, objective="reg:squarederror").fit(xtr, ytr).predict(xte))
    q = xgb.XGBRegressor(**base, objective="reg:quantileerror", quantile_alpha=np.array([0.1, 0.9])).fit(xtr, ytr).predict(xte)
    preds["p10"], preds["p90"] = np.exp(q[:, 0]), np.exp(q[:, 1])
    record("xgboost", xgb.__version__, time.perf_counter() - t, preds["p10"], preds["p50"], preds["p90"], "600 trees, lr 0.05, depth 6, hist, native categoricals; L2 / quantile 0.1, 0.9 on log salary")

    import catboost as cb

    t = time.perf_counter()
    preds = {}
    for name, loss in (("p50", "RMSE"), ("p10", "Quantile:alpha=0.1"), ("p90", "Quantile:alpha=0.9")):
        model = cb.CatBoostRegressor(iterations=600, learning_rate=0.05, depth=6, loss_function=loss, random_seed=SEED, verbose=False, thread_count=2, allow_writing_files=False)
        model.fit(xtr, ytr, cat_features=CATEGORICAL)
        preds[name] = np.exp(model.predict(xte))
    record("catboost", cb.__version__, time.perf_counter() - t, preds["p10"], preds["p50"], preds["p90"], "600 iterations, lr 0.05, depth 6, ordered target statistics for categoricals; RMSE / quantile 0.1, 0.9 on log salary")

    if a.ours:
        o = pd.read_csv(a.ours)
        if len(o) != len(test):
            sys.exit(f"--ours {a.ours}: {len(o)} rows, the test split has {len(test)}")
        record("mljobs", "", float("nan"), o.p10.values, o.p50.values, o.p90.values, "mljobs salary eval")

    if a.json:
        for r in results:
            print(json.dumps(r))
        return
    best = min(r["mae"] for r in results if r["engine"] != "mljobs")
    print(split)
    print("| engine | version | fit s | MAE | RMSE | R² | MdAPE % | P10-P90 coverage | mean width | MAE / best peer |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['engine']} | {r['version']} | {r['fit_s']} | {r['mae']:,.0f} | {r['rmse']:,.0f} | {r['r2']} | {r['mdape']} | {r['coverage_p10_p90']} | {r['mean_width']:,.0f} | {r['mae'] / best:.3f} |")


if __name__ == "__main__":
    main()
