#!/usr/bin/env python3
"""Writes testdata/salary/devset.jsonl: the salary finder's development set (issue 14).

Pay statements in the layouts real postings use — a heading with the range on the next lines, a
range with no pay word, the pay sentence inside a long legal paragraph, amounts without a currency
symbol, bounds with their own units, zones and levels (several ranges), contract rates without
"per hour", other currencies and conventions — each embedded in a full invented description with
noise that is not pay (benefit amounts, funding, 401(k), learning budgets, EEO text, ZIP codes,
counts); plus descriptions whose amounts are none of them pay. Every statement is written for this
project (paraphrases of the layouts, no posting copied); companies are invented.

Each record: id, title, company, location, description, and `expect` — {min, max, currency,
period} as the posting states it (several ranges: their span, lowest min to highest max), or null
when the posting states no pay — plus `class` (the layout) and `split`: `dev` or `test`. The split
is by phrasing: within each class, a third of the phrasings appear only in `test`, so the test
figures are on wordings the finder was not tuned on.

    python3 scripts/make-salary-devset.py > testdata/salary/devset.jsonl
    python3 scripts/eval-salary.py            # exact / none / wrong / false rates per split
"""
import json
import random

R = random.Random(14)

COMPANIES = ["Northwind Labs", "Quillfeather AI", "Brightline Health", "Harborview Analytics", "Lumen Freight", "Cobalt Ridge",
             "Tessellate Robotics", "Orchard Bank", "Kestrel Media", "Fathom Bio", "Ironbark Insurance", "Meridian Retail",
             "Saltmarsh Energy", "Vantage Mobility", "Juniper Learning", "Polaris Payments", "Granite Security", "Aster Games"]
TITLES = ["Machine Learning Engineer", "Senior Data Scientist", "Applied Scientist, NLP", "MLOps Engineer", "Staff ML Engineer",
          "Data Scientist II", "Computer Vision Engineer", "AI Engineer", "Research Scientist", "Data Engineer",
          "Principal Machine Learning Scientist", "Junior Data Analyst", "Lead AI Engineer, LLM Platform"]
US_PLACES = ["San Francisco, CA", "New York, NY", "Seattle, WA", "Austin, TX", "Costa Mesa, CA", "Boston, MA", "Remote (US)",
             "Chicago, IL", "Denver, CO", "Atlanta, GA", "Newport Beach, CA", "Raleigh, NC"]

BLURBS = [
    "{c} builds software that helps hospitals schedule staff and predict patient demand. We have raised $85M from leading investors and serve more than 400 customers.",
    "At {c}, we move 2 million parcels a day across 30 countries, and our models decide how.",
    "{c} is a Series C company (total funding $210 million) on a mission to make insurance fair for 12 million households.",
    "Founded in 2014, {c} now employs 1,200 people in 9 offices and processes $4B in payments every year.",
    "{c} is an AI-first company. Our platform answers 50,000 questions per minute for teams at 3,000 companies.",
    "We are {c}: a small team of 40 engineers and scientists building the data platform of a 150-year-old bank.",
]
ROLE = [
    "You will design, train and ship models that rank millions of items, working with product managers and engineers.",
    "In this role you will own our forecasting models end to end: data pipelines, training, evaluation and deployment on Kubernetes.",
    "You will build retrieval-augmented generation services on top of large language models and measure them with offline and online evaluation.",
    "You will turn messy sensor data into features, train computer vision models in PyTorch and run them on edge devices.",
]
REQUIREMENTS = [
    ["3+ years of experience with Python and SQL", "Experience with PyTorch or TensorFlow", "A degree in Computer Science, Statistics or a related field"],
    ["5+ years building machine learning systems in production", "Strong software engineering in Python, Go or Java", "Experience with Spark and Airflow"],
    ["Experience with LLMs, embeddings and vector databases", "Comfort with A/B testing and statistics", "Clear written communication"],
]
BENEFITS_NOISE = [
    "401(k) with a 4% company match",
    "Up to $500 per year for learning and conferences",
    "$1,200/year toward fitness and wellness",
    "Tuition reimbursement up to $5,250 per year",
    "A $2,000 home office stipend",
    "Medical, dental and vision insurance with 100% of premiums covered for you and 75% for dependants",
    "20 days of paid time off plus 11 holidays",
    "Commuter benefits of up to $300 per month",
    "$10,000 relocation package for eligible candidates",
    "Referral bonus of $3,000",
    "16 weeks of paid parental leave",
]
EEO = [
    "{c} is an equal opportunity employer. We do not discriminate on the basis of race, religion, color, national origin, gender, sexual orientation, age, marital status, veteran status, or disability status. We will consider for employment qualified applicants with arrest and conviction records in accordance with the San Francisco Fair Chance Ordinance.",
    "We are committed to providing reasonable accommodations for qualified individuals with disabilities and disabled veterans in our job application procedures. If you need assistance or an accommodation due to a disability, you may contact us at accommodations@example.com or 1-800-555-0100.",
    "Applicants must be authorized to work in the country of the job. {c} participates in E-Verify. Our offices are at 500 Harbor Blvd, Suite 210, CA 94105.",
]


def money(v, sym="$", style="comma"):
    if style == "k":
        return f"{sym}{v // 1000}K" if R.random() < 0.5 else f"{sym}{v // 1000}k"
    if style == "plain":
        return f"{sym}{v}"
    if style == "dec":
        return f"{sym}{v:,.2f}"
    return f"{sym}{v:,}"


def annual_range():
    lo = R.randrange(80, 260) * 1000 + R.choice([0, 0, 0, 500, 100])
    hi = lo + R.randrange(20, 120) * 1000
    return lo, hi


def hourly_range():
    lo = R.randrange(25, 110)
    return lo, lo + R.randrange(3, 30)


def dash():
    return R.choice([" - ", " – ", "—", " to ", "-", " — "])


# Each layout: a list of phrasings; each phrasing returns (statement text, expect dict).
def layout_heading_next_line():
    lo, hi = annual_range()
    return [
        (f"California Pay Range:\n{money(lo)}{dash()}{money(hi)} USD", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"Annual Base Salary Range (SF/NY Hub):\n\n{money(lo)}{dash()}{money(hi)}", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"Compensation\n{money(lo, style='k')}{dash()}{money(hi, style='k')}", dict(min=lo // 1000 * 1000, max=hi // 1000 * 1000, currency="USD", period="YEAR")),
        (f"The base pay range for this role is:\n{money(lo)}{dash()}{money(hi)} per year", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"US Salary Range\n\n{money(lo)}{dash()}{money(hi)}\n\nThe range above reflects base salary only.", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"Pay Transparency\nHiring range: \n{money(lo)}{dash()}{money(hi)}", dict(min=lo, max=hi, currency="USD", period="YEAR")),
    ]


def layout_no_pay_word():
    lo, hi = annual_range()
    return [
        (f"{money(lo)}{dash()}{money(hi)} a year", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"{money(lo)}{dash()}{money(hi)} + BONUS", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"{money(lo // 2, '£')}{dash()}{money(hi // 2, '£')} (depending on experience)", dict(min=lo // 2, max=hi // 2, currency="GBP", period="YEAR", country="GB")),
        (f"{money(lo)}{dash()}{money(hi)} + equity + benefits", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"Expected: {money(lo)}{dash()}{money(hi)}/yr", dict(min=lo, max=hi, currency="USD", period="YEAR")),
    ]


def layout_long_paragraph():
    lo, hi = annual_range()
    legal = ("Our compensation reflects the cost of labor across several US geographic markets, and we pay differently based on those defined markets. "
             "Pay within the range is determined by job-related knowledge, skills, experience and location. ")
    return [
        (legal + f"The annual US base salary range for this role is {money(lo)}{dash()}{money(hi)}. " + legal + "Employees may also be eligible for equity and benefits.",
         dict(min=lo, max=hi, currency="USD", period="YEAR")),
        ("In accordance with pay transparency laws, " + legal.lower() + f"For this position we expect to offer a starting base salary between {money(lo)} and {money(hi)} annually, plus a discretionary bonus. " + legal,
         dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (legal * 2 + f"The salary for this position ranges from {money(lo)} to {money(hi)} per year.", dict(min=lo, max=hi, currency="USD", period="YEAR")),
    ]


def layout_no_symbol():
    lo, hi = annual_range()
    eur_lo, eur_hi = lo // 2 // 1000 * 1000, hi // 2 // 1000 * 1000
    return [
        (f"Salary: {lo // 1000}k - {hi // 1000}k", dict(min=lo // 1000 * 1000, max=hi // 1000 * 1000, currency="USD", period="YEAR")),
        (f"Base salary {lo // 1000}K-{hi // 1000}K plus equity", dict(min=lo // 1000 * 1000, max=hi // 1000 * 1000, currency="USD", period="YEAR")),
        (f"Salary Range:\n{lo:,} - {hi:,}", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"Gehalt: {eur_lo:,} - {eur_hi:,} yearly".replace(",", "."), dict(min=eur_lo, max=eur_hi, currency="EUR", period="YEAR", country="DE")),
        (f"Pay: US Dollar (USD) {lo:,} - {hi:,} per year", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"Compensation: {lo:,} to {hi:,} USD annually", dict(min=lo, max=hi, currency="USD", period="YEAR")),
    ]


def layout_own_units():
    lo, hi = annual_range()
    hlo, hhi = hourly_range()
    return [
        (f"Pay: ${hlo}/hr - ${hhi}/hr", dict(min=hlo, max=hhi, currency="USD", period="HOUR")),
        (f"Rate: ${hlo}hr - ${hhi}hr", dict(min=hlo, max=hhi, currency="USD", period="HOUR")),
        (f"Salary: {money(lo)}/year to {money(hi)}/year", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"Base pay: ${lo // 1000}- {money(hi)}", dict(min=lo // 1000 * 1000, max=hi, currency="USD", period="YEAR")),
        (f"Hourly rate: ${hlo}.00 - ${hhi}.00 per hour", dict(min=hlo, max=hhi, currency="USD", period="HOUR")),
    ]


def layout_zones():
    (a, b), (c, d) = annual_range(), annual_range()
    lo, hi = min(a, c), max(b, d)
    return [
        (f"Zone 1: {money(a)}{dash()}{money(b)}/year\nZone 2: {money(c)}{dash()}{money(d)}/year", dict(min=lo, max=hi, currency="USD", period="YEAR", multi=True)),
        (f"Salary ranges by location:\n- San Francisco Bay Area: {money(a)}{dash()}{money(b)}\n- All other US locations: {money(c)}{dash()}{money(d)}", dict(min=lo, max=hi, currency="USD", period="YEAR", multi=True)),
        (f"Level II: {money(a)} - {money(b)} | Level III: {money(c)} - {money(d)} (annual base)", dict(min=lo, max=hi, currency="USD", period="YEAR", multi=True)),
        (f"Pay Range on W2 Hourly: ${a // 2000} - ${b // 2000}", dict(min=a // 2000, max=b // 2000, currency="USD", period="HOUR")),
    ]


def layout_contract_rate():
    hlo, hhi = hourly_range()
    return [
        (f"Rate: ${hlo} on C2C", dict(min=hlo, max=hlo, currency="USD", period="HOUR")),
        (f"Pay rate: ${hlo}.87 on W2", dict(min=hlo + 0.87, max=hlo + 0.87, currency="USD", period="HOUR")),
        (f"Bill rate: ${hlo} - ${hhi}", dict(min=hlo, max=hhi, currency="USD", period="HOUR")),
        (f"Contract: 6 months, ${hlo}-${hhi} DOE", dict(min=hlo, max=hhi, currency="USD", period="HOUR")),
    ]


def layout_conventional():
    lo, hi = annual_range()
    return [
        (f"Salary: {money(lo)} - {money(hi)} per year.", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"Salary: {lo // 2:,} € - {hi // 2:,} € brutto/Jahr".replace(",", "."), dict(min=lo // 2, max=hi // 2, currency="EUR", period="YEAR", country="DE")),
        (f"£{lo // 2:,} - £{hi // 2:,} per annum", dict(min=lo // 2, max=hi // 2, currency="GBP", period="YEAR", country="GB")),
        (f"Compensation: CAD {lo:,} – {hi:,} annually", dict(min=lo, max=hi, currency="CAD", period="YEAR", country="CA")),
        (f"Salary: SGD {lo // 24:,} - {hi // 24:,} per month", dict(min=lo // 24, max=hi // 24, currency="SGD", period="MONTH", country="SG")),
        (f"The salary range for this role is {money(lo)} to {money(hi)}.", dict(min=lo, max=hi, currency="USD", period="YEAR")),
        (f"Pay: up to {money(hi)} per year", dict(min=None, max=hi, currency="USD", period="YEAR")),
    ]


LAYOUTS = {
    "heading-next-line": layout_heading_next_line,
    "no-pay-word": layout_no_pay_word,
    "long-paragraph": layout_long_paragraph,
    "no-symbol": layout_no_symbol,
    "own-units": layout_own_units,
    "zones-and-levels": layout_zones,
    "contract-rate": layout_contract_rate,
    "conventional": layout_conventional,
}

NOT_PAY = [
    "We raised a $120M Series B in 2024 and are growing fast.",
    "Our customers processed $2.5 billion in transactions last year.",
    "Competitive salary and benefits.",
    "Salary information is available upon request.",
    "Sign-on bonus of $10,000 for eligible candidates.",
    "Equity: 0.10% - 0.25% of the company.",
    "We handle 30,000 - 50,000 requests per second at peak.",
    "Budgets of $50,000 - $75,000 per campaign are managed by this team.",
    "Compensation: competitive, depending on experience, plus stock options.",
    "Our fund manages $3.2B in assets for 40,000 investors.",
    "The role supports a research budget of $250,000 per year.",
    "Candidates should have 5 - 8 years of experience and have shipped 2 - 3 products.",
    "Office: 1250 Market Street, San Francisco, CA 94103.",
    "Call 415-555-0199 to learn more about our 2025 - 2026 graduate program.",
]


# Written by hand after the finder was built, in wordings the generator above does not use, and
# measured once as split `wild` before any change for them (docs/quality.md says what changed after).
# (statement, min, max, currency, period, country); min/max None = not stated; currency None = expect none.
WILD = [
    ("The hiring range for this position is $96,000 to $120,000 annually. Actual pay depends on skills and location.", 96000, 120000, "USD", "YEAR", "US"),
    ("Salary Range: $120,000.00 - $145,000.00", 120000, 145000, "USD", "YEAR", "US"),
    ("The pay range for this role is $50.00 - $65.00 per hour.", 50, 65, "USD", "HOUR", "US"),
    ("Zone 1: $329,000 – $399,000/year", 329000, 399000, "USD", "YEAR", "US"),
    ("Pay Range on W2 Hourly: $92 - $97", 92, 97, "USD", "HOUR", "US"),
    ("Rate: $65 on C2C", 65, 65, "USD", "HOUR", "US"),
    ("$75.87 on W2", 75.87, 75.87, "USD", "HOUR", "US"),
    ("Base salary $150,000–$180,000; plus a $2,000 learning stipend.", 150000, 180000, "USD", "YEAR", "US"),
    ("150K-280K", 150000, 280000, "USD", "YEAR", "US"),
    ("Target compensation:\n98,100 - 171,398", 98100, 171398, "USD", "YEAR", "US"),
    ("Salary: 120.000 - 150.000 yearly", 120000, 150000, "EUR", "YEAR", "NL"),
    ("$55hr - $62hr", 55, 62, "USD", "HOUR", "US"),
    ("€65k–€80k + bonus", 65000, 80000, "EUR", "YEAR", "DE"),
    ("60-75k EUR depending on seniority", 60000, 75000, "EUR", "YEAR", "DE"),
    ("USD 140k–170k base", 140000, 170000, "USD", "YEAR", "US"),
    ("CTC: 18-24 LPA", 1800000, 2400000, "INR", "YEAR", "IN"),
    ("What we offer: a salary of £55,000 to £70,000, 25 days holiday and a pension.", 55000, 70000, "GBP", "YEAR", "GB"),
    ("For New York City based candidates, the base pay for this role is $185,000 – $230,000 USD.", 185000, 230000, "USD", "YEAR", "US"),
    ("Compensation Range: $162K - $198K", 162000, 198000, "USD", "YEAR", "US"),
    ("Annual salary: $110,000 to $135,000 (plus 10% target bonus)", 110000, 135000, "USD", "YEAR", "US"),
    ("Hourly pay: $28–$34", 28, 34, "USD", "HOUR", "US"),
    ("Starting at $95,000 per year", 95000, None, "USD", "YEAR", "US"),
    ("The expected salary for this role is between $140k and $175k.", 140000, 175000, "USD", "YEAR", "US"),
    ("Pay: $8,000 - $10,000 per month", 8000, 10000, "USD", "MONTH", "US"),
    ("We offer CHF 120'000 – 140'000 per year.", 120000, 140000, "CHF", "YEAR", "CH"),
    ("Salary band (L4): $145,000 - $170,000\nSalary band (L5): $170,000 - $205,000", 145000, 205000, "USD", "YEAR", "US"),
    ("Washington state applicants: the range is $131,200—$196,800 per year.", 131200, 196800, "USD", "YEAR", "US"),
    ("Base Pay Range\n$72,000 - $108,000 USD\nThis range reflects the minimum and maximum target for new hire salaries.", 72000, 108000, "USD", "YEAR", "US"),
    ("Salary: $130k+ DOE", 130000, None, "USD", "YEAR", "US"),
    ("Remuneration: €75.000 - €95.000 bruto per jaar", 75000, 95000, "EUR", "YEAR", "NL"),
    ("Pay rate: $40.50/hour", 40.5, 40.5, "USD", "HOUR", "US"),
    ("The salary for this position is $102,400 per year.", 102400, 102400, "USD", "YEAR", "US"),
    ("Salary range for Colorado: $118,000 - $140,000. Salary range for Bay Area: $140,000 - $166,000.", 118000, 166000, "USD", "YEAR", "US"),
    ("Up to $210,000 base, plus equity.", None, 210000, "USD", "YEAR", "US"),
    ("Total target cash: $250,000 – $300,000 (base + bonus)", 250000, 300000, "USD", "YEAR", "US"),
    ("A$140,000 – A$160,000 + super", 140000, 160000, "AUD", "YEAR", "AU"),
    ("Salary: C$95,000 to C$115,000", 95000, 115000, "CAD", "YEAR", "CA"),
    ("Gross salary from 4,500 EUR per month", 4500, None, "EUR", "MONTH", "DE"),
    ("The compensation for this role ranges from $160,000 to $190,000, and you'll also get stock options and 401(k) matching.", 160000, 190000, "USD", "YEAR", "US"),
    ("Pay: From $22.00 per hour", 22, None, "USD", "HOUR", "US"),
]
WILD_NONE = [
    "We're backed by $40M from top-tier VCs.",
    "Earn up to $1,000 in referral bonuses.",
    "Our ARR grew from $2M to $12M in 18 months.",
    "Salary: Competitive",
    "Pay: DOE",
    "Help 5,000,000 patients every year.",
    "Annual learning budget: $1,500",
    "We match 401(k) contributions up to $6,000 a year.",
    "Our 2,500-node Kubernetes cluster serves 120,000 requests per second.",
    "Ranked #1 of 500 startups to watch in 2024.",
    "Phone: (555) 013-2020, ext. 4400",
    "Travel: up to 25% of the time.",
    "Hardware: $3,000 to set up your home office.",
    "The team owns a $1.2M annual cloud budget.",
    "We pay 100% of health premiums and give $150/month for wellness.",
    "Experience: 7 - 10 years.",
    "Series A ($18 million) closed in March.",
    "Compensation: we pay at the 75th percentile of the market.",
    "You will manage vendor contracts worth $500,000 – $2,000,000.",
    "Bonus: up to 15% of base.",
]


def description(c, statement, noise_benefits, place_at):
    parts = [R.choice(BLURBS).format(c=c), R.choice(ROLE)]
    reqs = R.choice(REQUIREMENTS)
    parts.append("What you'll need:\n" + "\n".join(("• " if R.random() < 0.5 else "- ") + r for r in reqs))
    if noise_benefits:
        parts.append("Benefits:\n" + "\n".join("- " + b for b in R.sample(BENEFITS_NOISE, R.randrange(2, 5))))
    eeo = R.choice(EEO).format(c=c)
    if statement is not None:
        at = {"top": 1, "middle": 3, "bottom": len(parts)}[place_at]
        parts.insert(at, statement)
    parts.append(eeo)
    text = "\n\n".join(parts)
    if R.random() < 0.2:
        # Some boards send HTML.
        text = "".join(f"<p>{p}</p>".replace("\n", "<br>") for p in text.split("\n\n"))
    return text


def place():
    """Where in the description the statement goes."""
    return R.choice(["top", "middle", "bottom"])


def record(id_, title, company, location, text, expect, cls, split):
    return {"id": id_, "title": title, "company": company, "location": location, "description": text,
            "expect": expect, "class": cls, "split": split}


def main():
    records = []
    n = 0
    for cls, make in LAYOUTS.items():
        count = 0
        phrasings = len(make())
        test_phrasings = set(range(phrasings - max(1, phrasings // 3), phrasings))
        while count < 40:
            options = make()
            k = count % phrasings
            text, expect = options[k]
            country = expect.pop("country", "US")
            multi = expect.pop("multi", False)
            c = R.choice(COMPANIES)
            location = R.choice(US_PLACES) if country == "US" else {"GB": "London, UK", "DE": "Berlin, Germany", "CA": "Toronto, ON, Canada", "SG": "Singapore"}[country]
            n += 1
            records.append(record(f"pay-{n:03d}", R.choice(TITLES), c, location, description(c, text, R.random() < 0.6, place()),
                                  dict(expect, multi=multi), cls, "test" if k in test_phrasings else "dev"))
            count += 1
    for i in range(120):
        c = R.choice(COMPANIES)
        noise = R.sample(NOT_PAY, R.randrange(1, 4))
        n += 1
        records.append(record(f"none-{i + 1:03d}", R.choice(TITLES), c, R.choice(US_PLACES), description(c, "\n\n".join(noise), True, place()),
                              None, "no-pay", "test" if i % 3 == 2 else "dev"))
    places = {"US": US_PLACES, "GB": ["London, UK"], "DE": ["Berlin, Germany"], "NL": ["Amsterdam, Netherlands"], "IN": ["Bengaluru, India"],
              "CH": ["Zurich, Switzerland"], "AU": ["Sydney, Australia"], "CA": ["Toronto, ON, Canada"]}
    for i, (text, lo, hi, cur, period, country) in enumerate(WILD):
        c = R.choice(COMPANIES)
        expect = {"min": lo, "max": hi, "currency": cur, "period": period, "multi": False}
        records.append(record(f"wild-{i + 1:03d}", R.choice(TITLES), c, R.choice(places[country]),
                              description(c, text.replace("\\n", "\n"), R.random() < 0.6, place()), expect, "wild", "wild"))
    for i, text in enumerate(WILD_NONE):
        c = R.choice(COMPANIES)
        records.append(record(f"wild-none-{i + 1:03d}", R.choice(TITLES), c, R.choice(US_PLACES),
                              description(c, text, R.random() < 0.6, place()), None, "wild-no-pay", "wild"))
    for r in records:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
