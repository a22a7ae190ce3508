#!/usr/bin/env python3
"""Builds data/ats-boards/starter-ml.csv: the curated default set of ML/AI employers' boards that
`mljobs crawl --starter` crawls. Reproducible: it reads only the bundled board lists and this file.

The rule (documented in data/ats-boards/README.md):
  1. a board whose slug is one of KNOWN (AI/ML-first companies: model labs, ML platforms and
     tooling, AI chips and clouds, autonomy and robotics, applied-AI product companies), or
  2. a board whose company name or slug names AI as a word: the word "AI" or "ML", a slug ending
     in "ai" after a separator or a ".ai" domain style ("1mind-ai", "hebbia.ai"), or a name word
     among AI_WORDS ("Intelligence", "Neural", "Robotics", "Autonomous", "LLM", ...).
Only boards on systems mljobs has a connector for are kept (SUPPORTED). Names are the lists' own.

Usage: python3 scripts/starter-set.py [--check]   (--check: fail if the file is out of date)
"""
import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOARDS = ROOT / "data" / "ats-boards"
OUT = BOARDS / "starter-ml.csv"
SUPPORTED = ["greenhouse", "lever", "ashby", "workable", "smartrecruiters", "workday", "rippling"]
KEY_SHAPES = {"greenhouse": r"[a-z0-9_-]+", "workable": r"[a-z0-9_-]+", "lever": r"[a-z0-9._-]+", "ashby": r"[a-z0-9._%-]+",
              "smartrecruiters": r"[a-z0-9_-]+", "workday": r"[a-z0-9_-]+", "rippling": r"[a-z0-9_-]+"}

# AI/ML-first employers, by board slug (lower case). Chosen from public knowledge of what the
# company sells or builds (its product is a model, an ML platform, ML infrastructure or hardware,
# or an autonomy/robotics stack), not from their postings. Slugs that are also common words and
# belong to other companies on these lists ("scale", "figure", "rain", "plus", "applied",
# "magic", "vast", "agility", "kodiak", "together") are left out: the AI company's own slug is
# listed instead.
KNOWN = {
    # model labs and foundation models
    "openai", "anthropic", "cohere", "mistral", "perplexity", "perplexityai", "xai", "adept", "inflectionai", "characterai",
    "reka", "aleph-alpha", "sakana", "liquid-ai", "liquidai", "poolside", "cognition", "anysphere", "thinkingmachines",
    "safe-superintelligence", "ssi", "deepmind", "ai21", "ai21labs", "stabilityai", "stability", "runwayml", "runway", "midjourney",
    "elevenlabs", "synthesia", "suno", "pika", "luma-ai", "lumaai", "ideogram", "black-forest-labs", "h-company", "physicalintelligence",
    "skild", "1x", "1x-technologies", "apptronik", "sanctuary", "covariant", "world-labs", "worldlabs",
    "imbue", "essentialai", "nous-research", "eleutherai", "allenai", "togetherai", "fireworks", "fireworks-ai",
    # ML platforms, data-for-ML and MLOps
    "scaleai", "snorkelai", "snorkel", "labelbox", "datarobot", "h2oai", "dataiku", "c3iot", "c3-ai", "databricks",
    "anyscale", "wandb", "weightsandbiases", "comet", "cometml", "neptuneai", "arize", "arizeai", "fiddler", "fiddlerai", "tecton",
    "featureform", "modal", "replicate", "baseten", "octoml", "octoai", "lamini", "predibase", "mosaicml", "determined-ai",
    "pinecone", "weaviate", "qdrant", "chroma", "trychroma", "vectara", "zilliz", "langchain", "llamaindex", "contextualai",
    "hebbia", "glean", "harvey", "cresta", "deepgram", "assemblyai", "speechmatics", "rev", "writer", "jasper", "typeface",
    "hume", "humeai", "sierra", "decagon", "abridge", "ambience", "nabla", "tempus", "recursion", "insitro", "inceptive",
    "genesis-therapeutics", "isomorphic", "generate-biomedicines", "cradle", "profluent", "chai-discovery", "unlearn",
    "pathai", "paige", "owkin", "viz", "aidoc", "qure", "gleamer", "hugging-face", "huggingface",
    # AI chips and clouds
    "cerebras", "cerebrassystems", "sambanova", "sambanovasystems", "groq", "graphcore", "lambda", "lambdalabs", "coreweave",
    "nvidia", "crusoe", "crusoeenergy", "etched", "tenstorrent", "lightmatter", "d-matrix", "extropic", "runpod", "nscale",
    # autonomy and robotics
    "nuro", "waymo", "aurora", "auroratech", "zoox", "wayve", "appliedintuition", "motional", "gatik", "kodiakrobotics", "pony", "ponyai", "weride", "waabi", "stackav", "torc", "torcrobotics", "mobileye", "oxa",
    "shield-ai", "shieldai", "anduril", "skydio", "zipline", "bostondynamics", "dexterity", "ambirobotics", "nimble", "machina-labs",
    "bright-machines", "formic", "locus", "locusrobotics", "symbotic", "vicarious", "intrinsic", "mujin", "plus-one-robotics",
}
AI_WORDS = {"ai", "ml", "llm", "llms", "gpt", "intelligence", "neural", "robotics", "robot", "robots", "autonomous", "autonomy",
            "machine", "learning", "deep", "cognitive", "genai", "vision"}
# A name word "machine", "learning", "deep" or "vision" alone is weak ("Deep Sea Co", "Vision Eyecare"): they count only
# together with another AI word, or as "machine learning" / "deep learning" / "computer vision".
WEAK = {"machine", "learning", "deep", "vision"}
PHRASES = ("machine learning", "deep learning", "computer vision")


def workday_site(url):
    """The career site of a Workday board URL, or None when it holds only a locale (as
    `SourceSpec::from_board_url` reads it: `https://TENANT.wdN.myworkdayjobs.com[/LOCALE]/SITE`)."""
    segs = [p for p in url.split("://", 1)[-1].split("?")[0].split("/")[1:] if p]
    if segs and re.fullmatch(r"[a-z]{2}(-[A-Za-z]{2})?", segs[0]):
        segs = segs[1:]
    return segs[0] if segs and re.fullmatch(r"[A-Za-z0-9_-]+", segs[0]) else None


def slug(url, kind):
    if kind == "workday":
        # The tenant: the host's first label.
        return url.split("://", 1)[-1].split(".", 1)[0].lower() if workday_site(url) else "%"
    parts = url.rstrip("/").split("/")
    if kind == "rippling":
        # ats.rippling.com[/LOCALE]/SLUG/jobs
        segs = [p for p in parts[3:] if p]
        if segs and re.fullmatch(r"[a-z]{2}(-[A-Za-z]{2})?", segs[0]):
            segs = segs[1:]
        return segs[0].lower() if segs else "%"
    # A SmartRecruiters URL is one posting: the company is the first path segment.
    return (parts[3] if kind == "smartrecruiters" and len(parts) > 3 else parts[-1]).lower()


def ai_named(name, s):
    lower = name.lower()
    if any(p in lower for p in PHRASES):
        return True
    words = set(re.findall(r"[a-z0-9]+", lower))
    strong = (words & AI_WORDS) - WEAK
    if strong:
        return True
    if len(words & WEAK) >= 2:
        return True
    # Slugs: "1mind-ai", "hebbia.ai", "acme_ai", "acmeml" is not enough (too many false hits).
    return bool(re.search(r"[-_.](ai|ml)$", s) or re.match(r"^(ai|ml)[-_.]", s))


def main():
    rows = []
    done = set()
    for kind in SUPPORTED:
        with open(BOARDS / f"{kind}.csv", newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                name, url = r["name"].strip(), r["url"].strip()
                s = slug(url, kind)
                # Rows `sources import` skips are left out here too: the key shapes of
                # `SourceSpec::new` (Ashby names may hold `.` and `%`, Lever sites `.`).
                if not re.fullmatch(KEY_SHAPES[kind], s):
                    continue
                why = "known" if s in KNOWN else ("named" if ai_named(name, s) else None)
                if why and (kind, s) not in done:
                    done.add((kind, s))
                    rows.append((kind, name, url, why))
    rows.sort(key=lambda r: (r[0], r[1].lower()))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["name", "url"])
    for _, name, url, _ in rows:
        w.writerow([name, url])
    text = out.getvalue()
    by_kind = {k: sum(1 for r in rows if r[0] == k) for k in SUPPORTED}
    by_rule = {w_: sum(1 for r in rows if r[3] == w_) for w_ in ("known", "named")}
    print(f"{len(rows)} boards: {by_kind}; by rule: {by_rule}", file=sys.stderr)
    if "--check" in sys.argv:
        if OUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUT} is out of date: run python3 scripts/starter-set.py")
        return
    if "--list" in sys.argv:
        for r in rows:
            print(*r, sep="\t")
        return
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
