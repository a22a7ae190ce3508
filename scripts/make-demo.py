#!/usr/bin/env python3
"""Writes data/demo/mljobs-demo-sample-postings.jsonl: invented, coherent sample postings for
`mljobs serve --demo`.

Every posting is written for one role at one level in one industry: the company blurb names its
industry, the tasks and requirements are the role's, the skills asked come from the role's tool
pool, the pay is in the country's currency and in line with the level (stated in most US postings,
as pay-transparency laws make employers do, and in fewer elsewhere, in the forms employers use).
Dates are relative to REFERENCE (2026-12-01): the demo loader shifts them so the newest posting is
from the day the demo is loaded. Deterministic: the same seed writes the same file byte for byte.

Usage: scripts/make-demo.py [--docs 2000] [--seed 2026] [--out data/demo/mljobs-demo-sample-postings.jsonl]
"""

import argparse
import datetime
import json
import os
import random

REFERENCE = datetime.date(2026, 12, 1)
SAMPLE_NOTE = "Sample posting: invented for the mljobs demo. The company and the job do not exist."

# role id -> (weight, title stems, team focuses, tasks, required tools, nice-to-have tools, concepts)
ROLES = {
    "machine-learning-engineer": (18, ["Machine Learning Engineer", "ML Engineer", "Software Engineer, Machine Learning"],
        ["ranking", "recommendations", "fraud detection", "demand forecasting", "search relevance", "pricing"],
        ["Design, train and ship machine learning models for {focus} that serve millions of requests a day.",
         "Build feature pipelines and training jobs, and own them in production.",
         "Run offline evaluations and online A/B tests, and decide with product which models launch.",
         "Deploy models as low-latency services and monitor their quality and drift.",
         "Work with data engineers on the data our {focus} models learn from.",
         "Review code and mentor engineers on machine learning practice."],
        ["Python", "PyTorch", "scikit-learn", "SQL", "Docker", "Kubernetes", "AWS", "XGBoost", "Spark", "TensorFlow"],
        ["Ray", "Kubeflow", "MLflow", "Go", "Scala", "Airflow"],
        ["machine learning", "feature engineering", "model evaluation"]),
    "data-scientist": (17, ["Data Scientist", "Product Data Scientist", "Data Scientist, Analytics"],
        ["pricing", "customer retention", "marketing effectiveness", "risk", "growth", "operations"],
        ["Answer the questions that shape our {focus} strategy with data, experiments and models.",
         "Design and analyse A/B tests and explain the results to product and leadership.",
         "Build statistical and machine learning models for {focus}.",
         "Define the metrics we run the business on and keep them honest.",
         "Turn messy data into clear analyses, dashboards and recommendations.",
         "Partner with engineers to put models into production."],
        ["Python", "SQL", "pandas", "scikit-learn", "statistics", "A/B testing", "Tableau", "R"],
        ["Spark", "dbt", "Looker", "causal inference", "Bayesian statistics"],
        ["statistics", "hypothesis testing", "regression"]),
    "data-engineer": (14, ["Data Engineer", "Analytics Engineer", "Data Platform Engineer"],
        ["our data platform", "the analytics warehouse", "streaming data", "customer data", "the lakehouse"],
        ["Build and run the batch and streaming pipelines behind {focus}.",
         "Model data in the warehouse so analysts and scientists can trust it.",
         "Own data quality: tests, monitoring, lineage and on-call.",
         "Work with ML engineers on feature pipelines and training data.",
         "Automate infrastructure as code and keep costs in check.",
         "Improve the performance and reliability of {focus}."],
        ["SQL", "Python", "Spark", "Airflow", "dbt", "Kafka", "Snowflake", "AWS"],
        ["Databricks", "Terraform", "Flink", "BigQuery", "Scala"],
        ["data modeling", "ETL", "data warehousing"]),
    "data-analyst": (11, ["Data Analyst", "BI Analyst", "Product Analyst"],
        ["sales", "marketing", "product usage", "operations", "finance"],
        ["Build the dashboards and reports the {focus} teams use every day.",
         "Analyse {focus} data to find what drives our results and explain it simply.",
         "Write SQL that others can reuse, and document our metrics.",
         "Support experiments with clean data and sound analysis.",
         "Work with stakeholders to turn questions into analyses."],
        ["SQL", "Excel", "Tableau", "Power BI", "Python", "Looker"],
        ["dbt", "R", "statistics", "Google Analytics"],
        ["data analysis", "data visualization", "reporting"]),
    "ai-engineer": (12, ["AI Engineer", "Generative AI Engineer", "LLM Engineer"],
        ["customer support", "internal search", "document processing", "coding assistants", "sales"],
        ["Build LLM-powered features for {focus}: retrieval-augmented generation, agents and tool use.",
         "Evaluate LLM outputs with offline test sets and online feedback, and make them better.",
         "Design prompts, retrieval over vector databases and guardrails.",
         "Ship production services around hosted and open-weight models.",
         "Measure latency, cost and quality, and trade them off with product."],
        ["Python", "LLMs", "RAG", "LangChain", "vector databases", "FastAPI", "OpenAI API", "Docker"],
        ["PyTorch", "Hugging Face", "Kubernetes", "TypeScript", "fine-tuning"],
        ["prompt engineering", "large language models"]),
    "mlops-engineer": (8, ["MLOps Engineer", "ML Platform Engineer", "Machine Learning Infrastructure Engineer"],
        ["model training", "model serving", "feature store", "GPU infrastructure"],
        ["Build the platform our ML engineers use for {focus}.",
         "Run training and serving on Kubernetes with GPUs, and keep it reliable and cheap.",
         "Automate CI/CD for models: testing, registry, deployment and rollback.",
         "Give teams monitoring of model quality, drift and cost.",
         "Write infrastructure as code and on-call runbooks."],
        ["Kubernetes", "Docker", "Python", "Terraform", "AWS", "MLflow", "CI/CD"],
        ["Kubeflow", "Ray", "Prometheus", "Go", "Argo"],
        ["MLOps", "model deployment", "monitoring"]),
    "research-scientist": (7, ["Research Scientist", "Applied Scientist", "Machine Learning Researcher"],
        ["foundation models", "reinforcement learning", "representation learning", "efficient training", "multimodal models"],
        ["Do research on {focus} and turn it into products.",
         "Design experiments, train large models and analyse what they learn.",
         "Publish at top venues (NeurIPS, ICML, ICLR) and work with the research community.",
         "Work with engineers to bring research results to production.",
         "Mentor interns and junior researchers."],
        ["Python", "PyTorch", "deep learning", "JAX", "CUDA"],
        ["distributed training", "TensorFlow", "C++"],
        ["deep learning", "reinforcement learning", "optimization"]),
    "computer-vision-engineer": (6, ["Computer Vision Engineer", "Perception Engineer", "Computer Vision Scientist"],
        ["object detection", "3D perception", "visual inspection", "medical imaging", "video understanding"],
        ["Build computer vision models for {focus} that run in real time.",
         "Collect and curate image and video datasets, and design the labelling.",
         "Train, evaluate and optimise detection and segmentation models.",
         "Deploy models to edge devices and the cloud with TensorRT and ONNX.",
         "Work with hardware and product teams on cameras and sensors."],
        ["Python", "PyTorch", "OpenCV", "C++", "computer vision", "CUDA"],
        ["TensorRT", "ONNX", "ROS", "point clouds"],
        ["image segmentation", "object detection"]),
    "nlp-engineer": (6, ["NLP Engineer", "Natural Language Processing Scientist", "Speech Recognition Engineer"],
        ["search", "document understanding", "conversational AI", "translation", "speech recognition"],
        ["Build natural language processing models for {focus}.",
         "Fine-tune transformers and evaluate them on real user data.",
         "Build text pipelines: tokenization, named entity recognition and classification.",
         "Ship models to production and measure their quality with users.",
         "Work with linguists and product managers on languages beyond English."],
        ["Python", "PyTorch", "NLP", "transformers", "Hugging Face", "spaCy"],
        ["LLMs", "Elasticsearch", "Kubernetes"],
        ["natural language processing", "text classification"]),
}

# level id -> (weight, title prefix, years asked, salary factor vs mid)
LEVELS = [
    ("intern", 3, "{stem} Intern", None, 0.45),
    ("junior", 14, "Junior {stem}", 1, 0.72),
    ("mid", 34, "{stem}", 3, 1.0),
    ("senior", 30, "Senior {stem}", 5, 1.28),
    ("lead", 10, "Staff {stem}", 8, 1.5),
    ("principal", 4, "Principal {stem}", 10, 1.75),
    ("manager", 5, "{stem} Manager", 6, 1.55),
]

# country -> (weight, currency, mid-level US-dollar median, cities with regions, pay stated share, symbol format)
COUNTRIES = {
    "US": (38, "USD", 165000, [("San Francisco", "CA"), ("New York", "NY"), ("Seattle", "WA"), ("Austin", "TX"), ("Boston", "MA"), ("Chicago", "IL")], 0.8),
    "GB": (10, "GBP", 82000, [("London", None), ("Manchester", None), ("Edinburgh", None)], 0.5),
    "DE": (8, "EUR", 75000, [("Berlin", None), ("Munich", None), ("Hamburg", None)], 0.35),
    "CA": (6, "CAD", 115000, [("Toronto", "ON"), ("Montreal", "QC"), ("Vancouver", "BC")], 0.7),
    "FR": (5, "EUR", 62000, [("Paris", None), ("Lyon", None)], 0.4),
    "NL": (4, "EUR", 78000, [("Amsterdam", None), ("Rotterdam", None)], 0.4),
    "IN": (9, "INR", 30000, [("Bangalore", None), ("Hyderabad", None), ("Pune", None)], 0.3),
    "ES": (3, "EUR", 52000, [("Madrid", None), ("Barcelona", None)], 0.4),
    "PL": (3, "EUR", 48000, [("Warsaw", None), ("Krakow", None)], 0.5),
    "IE": (3, "EUR", 85000, [("Dublin", None)], 0.4),
    "CH": (2, "CHF", 130000, [("Zurich", None)], 0.4),
    "SG": (3, "SGD", 90000, [("Singapore", None)], 0.4),
    "AU": (3, "AUD", 110000, [("Sydney", "NSW"), ("Melbourne", "VIC")], 0.5),
    "SE": (2, "EUR", 68000, [("Stockholm", None)], 0.4),
}
USD_PER = {"USD": 1.0, "GBP": 1.27, "EUR": 1.08, "CAD": 0.73, "INR": 0.012, "CHF": 1.13, "SGD": 0.74, "AUD": 0.66}

# industry -> (weight, company name parts, blurb)
INDUSTRIES = {
    "technology": (20, ["Cloudline", "Stackwise", "Brightbyte", "Nimbus Labs", "Vectorforge"], "{c} is a software company building a cloud platform for developer tools and B2B software teams."),
    "finance": (16, ["Northbeam Capital", "Ledgerly", "Harbor Bank", "Quantive Insurance", "Paywell"], "{c} is a fintech company in financial services: payments, lending and fraud prevention for banking customers."),
    "healthcare": (12, ["Cardia Health", "Helix Bio", "Medora", "Clinova", "Genepath"], "{c} works in healthcare and life sciences: clinical tools that help hospitals and patients."),
    "ecommerce-retail": (12, ["Basketly", "Shopwave", "Marketcrate", "Threadline", "Grocerly"], "{c} runs an e-commerce marketplace where shoppers find retail brands, from fashion to grocery."),
    "manufacturing": (6, ["Forgeworks", "Ironclad Industrial", "Precisa Manufacturing"], "{c} is an industrial manufacturing company: factories, production lines and predictive maintenance of machinery."),
    "automotive": (6, ["Drivelane", "Autonomo", "Fleetwise"], "{c} builds autonomous driving and mobility software for vehicles and fleets."),
    "media-entertainment": (7, ["Streamly", "Playforge Games", "Newsbeat Media"], "{c} is a media and entertainment company: a streaming service, video games and news for millions."),
    "telecommunications": (4, ["Telwave", "Signalnet"], "{c} is a telecom network operator serving mobile network and broadband subscribers."),
    "energy": (5, ["Gridwise Energy", "Solarion", "Voltara"], "{c} is an energy company: renewables, solar and wind power and a smarter electricity grid."),
    "education": (4, ["Learnloop", "Campusly"], "{c} is an edtech company whose learning platform serves students, schools and universities."),
    "government-defence": (3, ["Civic Analytics Agency", "Sentinel Defence Systems"], "{c} works for the public sector and government agencies on national security and defence."),
    "consulting": (5, ["Meridian Advisory", "Clearpath Consulting"], "{c} is a consulting firm: our consultants deliver data and AI projects for our clients in client engagements across industries."),
}

MODES = [("onsite", 35), ("hybrid", 40), ("remote", 25)]
BENEFITS = [
    "Health, dental and vision insurance.", "A learning budget for courses and conferences.", "Flexible working hours.",
    "Parental leave and support for families.", "A home-office setup budget.", "Generous paid time off.",
    "Equity in the company.", "A pension plan with employer contributions.",
]
DEGREE_LINES = [
    "A degree in Computer Science, Statistics, Mathematics or a related field, or equivalent experience.",
    "BS/MS in a quantitative field such as Computer Science, Physics or Engineering.",
    "MS or PhD in Computer Science, Machine Learning or a related field.",
]


def pick(rng, weighted):
    items = list(weighted)
    return rng.choices([i[0] for i in items], weights=[i[1] for i in items])[0]


def money(amount, currency):
    rounded = int(round(amount / 1000.0)) * 1000
    if currency == "USD":
        return f"${rounded:,}"
    if currency == "GBP":
        return f"£{rounded:,}"
    if currency == "EUR":
        return f"€{rounded:,}"
    if currency == "INR":
        return f"INR {rounded:,}"
    return f"{currency} {rounded:,}"


def posting(rng, n):
    role = pick(rng, [(r, v[0]) for r, v in ROLES.items()])
    _, stems, focuses, tasks, tools, nice, concepts = ROLES[role]
    level, _, pattern, years, factor = rng.choices(LEVELS, weights=[lv[1] for lv in LEVELS])[0]
    if level == "manager" and role in ("data-analyst", "ai-engineer"):
        level, _, pattern, years, factor = LEVELS[3]
    stem = rng.choice(stems)
    if level == "intern":
        stem = stem.replace("Software Engineer, Machine Learning", "Machine Learning")
    title = pattern.format(stem=stem)
    focus = rng.choice(focuses)
    if rng.random() < 0.25 and "," not in title and level not in ("intern", "manager"):
        title = f"{title}, {focus[0].upper()}{focus[1:]}"
    country = pick(rng, [(c, v[0]) for c, v in COUNTRIES.items()])
    _, currency, mid_usd, cities, stated_share = COUNTRIES[country]
    city, region = rng.choice(cities)
    industry = pick(rng, [(i, v[0]) for i, v in INDUSTRIES.items()])
    company = rng.choice(INDUSTRIES[industry][1])
    blurb = INDUSTRIES[industry][2].format(c=company)
    mode = pick(rng, MODES)
    age = int(rng.expovariate(1 / 25.0)) % 120
    posted = REFERENCE - datetime.timedelta(days=age)

    mode_line = {
        "onsite": f"This role is on site in our {city} office.",
        "hybrid": f"Hybrid: we meet in the {city} office {rng.choice(['two', 'three'])} days a week.",
        "remote": f"Fully remote within {country_name(country)}.",
    }[mode]
    k = min(len(tools), rng.randint(4, 6))
    asked = rng.sample(tools, k)
    extra = rng.sample(nice, min(len(nice), rng.randint(1, 3)))
    lines = [
        f"About {company}", blurb, "",
        "The role",
        f"We are looking for a {title} to join the team working on {focus}. {mode_line}", "",
        "What you will do",
    ]
    lines += ["- " + t.format(focus=focus) for t in rng.sample(tasks, min(len(tasks), rng.randint(4, 5)))]
    lines += ["", "What you need"]
    if years is not None:
        lines.append(f"- {years}+ years of experience in a similar role." if level != "junior" else "- Up to 2 years of experience, internships included.")
    elif level == "intern":
        lines.append("- You are a student in your final years of a degree, available for 3 to 6 months.")
    lines.append(f"- Strong skills in {', '.join(asked[:-1])} and {asked[-1]}.")
    lines.append(f"- A solid grasp of {rng.choice(concepts)}.")
    if level in ("manager", "lead", "principal"):
        lines.append("- Experience leading a team and setting technical direction.")
    if rng.random() < 0.6:
        lines.append("- " + rng.choice(DEGREE_LINES))
    lines += ["", "Nice to have"] + [f"- Experience with {x}." for x in extra]

    salary_obj = None
    if rng.random() < stated_share:
        usd = mid_usd * factor * rng.uniform(0.9, 1.12)
        local = usd / USD_PER[currency]
        lo, hi = local * 0.88, local * 1.14
        if level == "intern" and country == "US":
            hourly = rng.choice([38, 42, 45, 50, 55])
            pay = f"${hourly} - ${hourly + 8} per hour"
        elif rng.random() < 0.5:
            salary_obj = {"min": int(round(lo, -3)), "max": int(round(hi, -3)), "currency": currency, "period": "YEAR"}
            pay = None
        else:
            pay = f"{money(lo, currency)} - {money(hi, currency)} per year"
        if pay:
            lines += ["", "Compensation", f"The base salary range for this role is {pay}, depending on experience and location."]
    lines += ["", "What we offer"] + ["- " + b for b in rng.sample(BENEFITS, 3)]
    lines += ["", SAMPLE_NOTE]
    d = {
        "id": f"sample-{n}",
        "title": title,
        "company": company,
        "description": "\n".join(lines),
        "location": {"city": city, "region": region, "country": country} if region else {"city": city, "country": country},
        "remote": mode,
        "employment_type": "INTERN" if level == "intern" else rng.choices(["FULL_TIME", "CONTRACTOR"], weights=[92, 8])[0],
        "date_posted": posted.isoformat(),
        "url": f"https://careers.{company.lower().replace(' ', '')}.example/jobs/{n}",
    }
    if salary_obj:
        d["salary"] = salary_obj
    return d


def country_name(code):
    return {"US": "the United States", "GB": "the United Kingdom", "DE": "Germany", "CA": "Canada", "FR": "France", "NL": "the Netherlands",
            "IN": "India", "ES": "Spain", "PL": "Poland", "IE": "Ireland", "CH": "Switzerland", "SG": "Singapore", "AU": "Australia",
            "SE": "Sweden"}[code]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default=os.path.join(root, "data", "demo", "mljobs-demo-sample-postings.jsonl"))
    a = ap.parse_args()
    if a.docs < 100:
        ap.error("--docs must be at least 100 (the demo needs every role and country)")
    rng = random.Random(a.seed)
    postings = [posting(rng, n) for n in range(1, a.docs + 1)]
    # Reposts: every 97th posting again on an invented job board a week later, so the demo shows
    # near-duplicate groups.
    for k, i in enumerate(range(3, a.docs, 97), start=1):
        d = dict(postings[i], id=f"sample-repost-{k}", url=f"https://jobs.board.example/postings/{k}")
        d["date_posted"] = min(REFERENCE, datetime.date.fromisoformat(d["date_posted"]) + datetime.timedelta(days=7)).isoformat()
        d["description"] = d["description"].replace("\n\n" + SAMPLE_NOTE, "\n\nReposted on a job board.\n\n" + SAMPLE_NOTE)
        postings.append(d)
    with open(a.out, "w", encoding="utf-8") as out:
        for d in postings:
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"wrote {len(postings)} postings to {a.out}")


if __name__ == "__main__":
    main()
