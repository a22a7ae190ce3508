#!/usr/bin/env python3
"""Builds the test resumes that are documents rather than text: PDFs made by the tools people use
(reportlab two-column layout, LibreOffice from a Word document, typst, groff, fpdf2) and DOCX files
made the way Word lays them out (paragraphs with tabs, a table layout).

Not run by the tests or CI: its outputs are committed. Rerun after editing a person here:

    pip install reportlab python-docx fpdf2 typst
    apt-get install -y libreoffice-writer-nogui groff
    python3 scripts/make-test-resumes.py

Every person is invented (see README.md).
"""
import datetime
import os
import subprocess
import tempfile

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "resumes")


def out(name):
    return os.path.join(HERE, name)


# --- A two-column PDF (reportlab): a sidebar with contact, skills and education beside the jobs.
def cv_engineer_two_column():
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, FrameBreak

    styles = getSampleStyleSheet()
    h, p, small = styles["Heading2"], styles["BodyText"], styles["BodyText"]
    w, hgt = A4
    side = Frame(30, 40, 170, hgt - 80, id="side")
    main = Frame(215, 40, w - 245, hgt - 80, id="main")
    doc = BaseDocTemplate(out("cv-engineer-twocol.pdf"), pagesize=A4, invariant=1,
                          title="Kenji Watanabe - Resume", author="Kenji Watanabe")
    doc.addPageTemplates([PageTemplate(id="two", frames=[side, main])])
    s = []
    s += [Paragraph("<b>Kenji Watanabe</b>", styles["Title"]), Paragraph("Tokyo, Japan", small),
          Paragraph("kenji.watanabe@example.com", small), Spacer(1, 12)]
    s += [Paragraph("Skills", h)]
    for k in ["Python", "C++", "PyTorch", "OpenCV", "CUDA", "TensorRT", "ROS 2", "point clouds", "object detection",
              "semantic segmentation", "Docker", "Linux"]:
        s.append(Paragraph(k, small))
    s += [Spacer(1, 12), Paragraph("Education", h),
          Paragraph("M.S. Information Science and Technology, University of Tokyo, 2018", small),
          Paragraph("B.Eng. Mechanical Engineering, Osaka University, 2016", small),
          Spacer(1, 12), Paragraph("Languages", h), Paragraph("Japanese (native), English (fluent)", small),
          FrameBreak()]
    s += [Paragraph("Perception Engineer", styles["Heading1"]),
          Paragraph("Eight years building computer vision that runs on robots and cars, from the camera "
                    "driver to the detector to the tracker.", p), Spacer(1, 8),
          Paragraph("Experience", h),
          Paragraph("<b>Perception Engineer</b>, Shinkai Autonomy Inc., Tokyo — Apr 2021 – Present", p),
          Paragraph("• 3D object detection from lidar point clouds and cameras (PyTorch, CUDA); "
                    "runs at 20 Hz on the vehicle with TensorRT", p),
          Paragraph("• Multi-object tracking and sensor fusion in C++ under ROS 2; simulation tests in CI", p),
          Paragraph("<b>Computer Vision Engineer</b>, Nagoya Precision Works, Nagoya — Apr 2018 – Mar 2021", p),
          Paragraph("• Defect detection on a factory line with OpenCV and a segmentation CNN; cut misses by 40 %", p),
          Paragraph("• Camera calibration and image processing pipelines in C++", p),
          Spacer(1, 8), Paragraph("Publications", h),
          Paragraph("Two papers at IROS on lidar-camera calibration.", p)]
    doc.build(s)


# --- A Word document (python-docx) and the PDF LibreOffice exports from it.
def data_scientist_word():
    import docx
    from docx.shared import Pt

    d = docx.Document()
    d.core_properties.author = "Fatima Al-Sayed"
    d.add_heading("Fatima Al-Sayed", 0)
    d.add_paragraph("Data Scientist · Dubai, United Arab Emirates · fatima.alsayed@example.com")
    d.add_heading("Professional Summary", 1)
    d.add_paragraph("Data scientist with ten years in telecom and banking: churn, customer lifetime value and "
                    "network forecasting, from SQL to production models.")
    d.add_heading("Experience", 1)
    d.add_paragraph("Senior Data Scientist, Emirates Telecom Group\tJan 2019 – Present").runs[0].bold = True
    for b in ["Churn and next-best-offer models for 9M subscribers with Python, scikit-learn and LightGBM",
              "Network traffic forecasting with Prophet and LSTMs; models deployed on Azure ML",
              "Lead a squad of 3 data scientists; present results to the CMO"]:
        d.add_paragraph(b, style="List Bullet")
    d.add_paragraph("Data Analyst, Gulf Commercial Bank\tJul 2016 – Dec 2018").runs[0].bold = True
    for b in ["SQL and SAS reporting on retail banking products; customer segmentation with k-means",
              "Power BI dashboards for branch performance"]:
        d.add_paragraph(b, style="List Bullet")
    d.add_heading("Education", 1)
    d.add_paragraph("MSc Data Science, University of Edinburgh, 2016")
    d.add_paragraph("BSc Statistics, American University of Sharjah, 2015")
    d.add_heading("Skills", 1)
    d.add_paragraph("Python, R, SQL, scikit-learn, LightGBM, TensorFlow, Prophet, Azure ML, Power BI, SAS, "
                    "statistics, A/B testing, Arabic and English")
    for p in d.paragraphs:
        for r in p.runs:
            r.font.size = Pt(11)
    path = out("data-scientist-word.docx")
    d.save(path)
    libreoffice_pdf(path, "data-scientist-word.pdf")


# --- A Word document laid out as a table (a common template): dates left, jobs right.
def data_engineer_table():
    import docx

    d = docx.Document()
    d.add_heading("Noah Williams", 0)
    d.add_paragraph("Data Engineer | Sydney NSW, Australia | noah.williams@example.com")
    d.add_heading("Career history", 1)
    t = d.add_table(rows=0, cols=2)
    rows = [
        ("Jun 2020 – Present", "Data Engineer, Harbour Bank, Sydney\n"
         "Batch and streaming pipelines on AWS (Glue, Kinesis, Redshift) and Spark; Airflow; dbt; "
         "data contracts with the risk team; Python and SQL."),
        ("Jan 2018 – May 2020", "BI Developer, Coastal Insurance, Parramatta\n"
         "SSIS packages and a SQL Server data warehouse; Power BI reports; T-SQL stored procedures."),
    ]
    for left, right in rows:
        cells = t.add_row().cells
        cells[0].text = left
        cells[1].text = right
    d.add_heading("Education", 1)
    d.add_paragraph("Bachelor of Information Technology, University of Technology Sydney, 2017")
    d.add_heading("Technical skills", 1)
    d.add_paragraph("Python, SQL, Spark, AWS, Redshift, Kinesis, Airflow, dbt, Terraform, Docker, SQL Server, Power BI")
    d.save(out("data-engineer-table.docx"))


def libreoffice_pdf(src, name):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, src], check=True,
                       stdout=subprocess.DEVNULL)
        produced = os.path.join(tmp, os.path.splitext(os.path.basename(src))[0] + ".pdf")
        os.replace(produced, out(name))


# --- typst, a LaTeX-like academic template: dates right-aligned on the title line.
TYPST = r"""
#set page(paper: "a4", margin: 1.6cm)
#set text(font: "DejaVu Sans", size: 10pt)
#let job(title, org, dates, body) = [
  #grid(columns: (1fr, auto), [*#title*, #org], [#dates])
  #body
]
#align(center)[#text(size: 18pt)[*Pablo Ortega Ruiz*] \ Machine Learning Engineer · Madrid, Spain · pablo.ortega\@example.com]

== Experience
#job("Machine Learning Engineer", "Pagos Rápidos S.L., Madrid", "Sep 2022 – present")[
- Credit-scoring and fraud models in production: Python, PyTorch and XGBoost, served with BentoML on Kubernetes
- Feature pipelines in Spark and dbt; model monitoring with Evidently; CI/CD with GitLab
]
#job("Data Scientist", "Consultora Analítica Ibérica, Madrid", "Feb 2020 – Aug 2022")[
- Demand forecasting and pricing models for retail clients (scikit-learn, statsmodels, SQL)
- Delivered dashboards in Power BI and trained client analysts
]

== Education
- M.Sc. Artificial Intelligence, Universidad Politécnica de Madrid, 2019
- B.Sc. Telecommunications Engineering, Universidad Carlos III de Madrid, 2017

== Skills
Python, PyTorch, XGBoost, scikit-learn, Spark, dbt, SQL, Docker, Kubernetes, BentoML, MLflow, GCP, Git, Spanish (native), English (C1)
"""


def ml_engineer_typst():
    import typst
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "cv.typ")
        with open(src, "w") as f:
            f.write(TYPST)
        typst.compile(src, output=out("ml-engineer-typst.pdf"))


# --- groff (ms macros) straight to PDF, as people who write in troff do.
GROFF = r""".nr PS 11
.nr VS 13
.TL
Ingrid Hansen
.AU
Product Analyst \[em] Oslo, Norway \[em] ingrid.hansen@example.com
.SH
Experience
.LP
\fBProduct Analyst\fP, Fjord Apps AS, Oslo \(em Aug 2021 \(en present
.IP \(bu 2
Funnel and retention analyses in SQL (BigQuery) and Python; experiment design and analysis for the product teams
.IP \(bu 2
Self-serve dashboards in Looker; defined the company's activation metric
.LP
\fBJunior Analyst\fP, Nordic Market Research, Bergen \(em Sep 2019 \(en Jul 2021
.IP \(bu 2
Survey analysis in R; reports for retail clients
.SH
Education
.LP
MSc Statistics, University of Oslo, 2019
.br
BSc Economics, University of Bergen, 2017
.SH
Skills
.LP
SQL, BigQuery, Python, R, Looker, A/B testing, statistics, product analytics, Amplitude
"""


def analyst_groff():
    pdf = subprocess.run(["groff", "-ms", "-Tpdf"], input=GROFF.encode(), check=True, stdout=subprocess.PIPE).stdout
    with open(out("product-analyst-groff.pdf"), "wb") as f:
        f.write(pdf)


# --- fpdf2, the generator many web apps use: a non-data resume and a data one.
def fpdf_documents():
    from fpdf import FPDF

    def write(name, lines):
        pdf = FPDF()
        pdf.set_creation_date(datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc))
        pdf.add_page()
        pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        pdf.add_font("DejaVu", "B", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
        for line in lines:
            bold = line.startswith("**")
            text = line.strip("*")
            pdf.set_font("DejaVu", "B" if bold else "", 14 if bold and text.isupper() else 10.5)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.output(out(name))

    write("support-lead-fpdf.pdf", [
        "**Maya Robinson**", "Customer Support Team Lead · Manchester, UK · maya.robinson@example.com", "",
        "**EXPERIENCE**",
        "**Customer Support Team Lead, Northern Broadband Ltd, Manchester — Mar 2019 – Present**",
        "• Lead 14 agents on phone, chat and email; CSAT up from 78 % to 91 %",
        "• Zendesk workflows and macros; weekly reports of ticket volumes in Excel",
        "**Customer Service Advisor, Northern Broadband Ltd, Manchester — Mar 2015 – Feb 2019**",
        "• Billing and fault calls; trained new starters", "",
        "**EDUCATION**", "Foundation Degree (FdA) in Business Management, Manchester Metropolitan University, 2014", "",
        "**SKILLS**", "Team leadership, coaching, Zendesk, Excel, complaint handling, workforce planning",
    ])
    here = os.path.join(HERE, "nlp-engineer.txt")
    with open(here, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f]
    write("nlp-engineer.pdf", ["**" + l + "**" if l in ("Experience", "Education", "Skills") else l for l in lines])


if __name__ == "__main__":
    cv_engineer_two_column()
    data_scientist_word()
    data_engineer_table()
    ml_engineer_typst()
    analyst_groff()
    fpdf_documents()
    print("written")
