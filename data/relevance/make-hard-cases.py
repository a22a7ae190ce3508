#!/usr/bin/env python3
"""Writes hard-cases.jsonl: hand-written postings of the kinds that trip a job-search ranker —
very short postings, non-ML jobs that mention an ML term in passing, managers whose posting
names a framework as a bonus, laboratory jobs in drug discovery, wall-of-text postings, shouting
titles. Invented companies (.example URLs). Deterministic: run it to rewrite the file."""
import json, sys, pathlib

P = []
def post(title, company, description, city="New York", region="NY", country="US", remote="onsite", date="2026-10-01"):
    n = len(P) + 1
    P.append({"id": f"hard-{n}", "title": title, "company": company, "description": description,
              "location": {"city": city, "region": region, "country": country}, "remote": remote,
              "employment_type": "FULL_TIME", "date_posted": date,
              "url": f"https://jobs.{company.lower().replace(' ', '-')}.example/{n}"})

post("Product Manager", "Quillfield", "Own the roadmap for our billing product. Work with engineering and design. Experience with MLOps is a plus. 5+ years of product management.")
post("Software Engineer", "Brightmoor", "Backend engineer for our payments API (Go, Postgres). You will occasionally help the ML team with MLOps chores. Hybrid in Austin.", city="Austin", region="TX")
post("Sr. MLOps Engineer", "Corvana Labs", """About the role
We are hiring a Senior MLOps Engineer to own the platform our data scientists use to train, deploy and monitor models.

What you'll do
- Build and run our model training and serving infrastructure on Kubernetes (Kubeflow, KServe).
- Own CI/CD for models: automated evaluation, canary releases and rollback.
- Run MLflow as the model registry and experiment tracker; monitor drift in production.
- Keep GPU clusters cost-efficient with Terraform and autoscaling.

What you need
- 5+ years in infrastructure or platform engineering, 2+ years in MLOps.
- Python, Docker, Kubernetes, Terraform, AWS.
- Experience with feature stores (Feast) is a plus.""", city="San Francisco", region="CA")
post("MLOps Engineer", "Tallgrass Health", "Tallgrass Health is looking for an MLOps Engineer. You will productionise clinical risk models: containerise them with Docker, deploy them on Azure ML, set up monitoring and retraining pipelines with Airflow, and make model releases auditable. Requirements: Python, SQL, Docker, CI/CD, 3+ years of ML engineering or MLOps.", city="Boston", region="MA")
post("Engineering Manager, Perception", "Nimbus Robotics", """Lead a team of 8 engineers building the perception stack of our warehouse robots. You will hire, coach and set the technical direction with the tech leads.

Requirements
- 3+ years managing software teams.
- Background in robotics or embedded systems.
- Bonus: hands-on experience with PyTorch or ROS.""", city="Pittsburgh", region="PA")
post("Machine Learning Engineer (PyTorch)", "Lumen Vision", """Train and ship deep learning models for document understanding.
- Write training code in PyTorch and PyTorch Lightning; profile and speed up training on multi-GPU nodes (DDP, FSDP).
- Export models with TorchScript / ONNX and serve them with Triton.
- Build evaluation suites and data pipelines.
Requirements: 3+ years of deep learning in production, expert PyTorch, Python, CUDA basics.""", city="Seattle", region="WA")
post("Data Science Manager", "Harbor Analytics", """Harbor Analytics is hiring a Data Science Manager to lead a team of six data scientists working on pricing and demand forecasting.
You will
- Hire, grow and manage data scientists; run planning and reviews.
- Set the team's modelling standards (experiment design, A/B testing, causal inference).
- Partner with product and finance leadership.
You have
- 7+ years in data science, 2+ managing a team.
- Python, SQL, statistics; experience with forecasting models.""", city="Chicago", region="IL")
post("Manager, Data Science", "Pellucid Bank", "Lead the fraud data science team (5 people). Own fraud detection models end to end, coach the team, report to the Director of Analytics. 6+ years of data science, 2+ years of people management, Python, SQL, gradient boosting.", city="Charlotte", region="NC")
post("Data Scientist", "Meadowlark", "Data scientist on the growth team. Our data science manager will be your mentor. Build churn models in Python and SQL, run A/B tests.", city="Denver", region="CO")
post("Medicinal Chemist, Drug Discovery", "Arbor Therapeutics", """Join our drug discovery chemistry team in the lab. Design and synthesise small molecules, run SAR campaigns, and work with biology on assay data.
Requirements: PhD in organic or medicinal chemistry; 3+ years of industrial drug discovery; synthesis and purification (HPLC, NMR).""", city="Cambridge", region="MA")
post("Senior Research Associate, In Vivo Pharmacology", "Halcyon Bio", "Support drug discovery programmes with in vivo studies: dosing, sample collection, PK/PD analysis. BS/MS in biology, 3+ years of animal work in a drug discovery setting. Familiarity with GraphPad Prism.", city="San Diego", region="CA")
post("Machine Learning Scientist, Drug Discovery", "Helixa AI", """Helixa uses machine learning to design medicines. As an ML Scientist you will build models of molecular properties and protein-ligand binding that decide which compounds our chemists make.
- Develop graph neural networks and generative models for molecules (PyTorch, RDKit).
- Train on assay and public data (ChEMBL); quantify uncertainty; run active-learning loops with the lab.
- PhD in machine learning, computational chemistry or related; publications in ML for drug discovery.""", city="Boston", region="MA")
post("Bioinformatics Scientist", "Genovo", "Analyse next-generation sequencing data (RNA-seq, single-cell) for our oncology programmes. Build and maintain pipelines in Nextflow, Python and R; work with biologists on target discovery. PhD in bioinformatics, computational biology or genomics.", city="South San Francisco", region="CA")
post("Computational Biologist (ML)", "Cellwise", "Apply machine learning to single-cell genomics: representation learning for cell states, perturbation modelling. Python, PyTorch, scanpy; bioinformatics background and experience with large omics datasets.", city="Cambridge", region="MA")
post("C++ Software Engineer, Inference Runtime", "Tensorforge", """Write the C++ runtime that runs our neural networks on edge devices.
- Modern C++ (17/20), SIMD, memory layout; CUDA and TensorRT kernels.
- Profile and optimise model inference latency on ARM and x86.
- 5+ years of C++ in performance-critical systems.""", city="Santa Clara", region="CA")
post("Embedded Software Engineer", "Voltaic", "Firmware for battery controllers in C on ARM Cortex-M microcontrollers. RTOS, CAN bus, hardware debugging. Some C++ is a plus.", city="Detroit", region="MI")
post("Recruiter, AI & Machine Learning", "Talentgrid", "Recruit machine learning engineers, data scientists and MLOps engineers for our AI clients. You will source candidates with PyTorch, TensorFlow, LLM and computer vision experience and manage the hiring process. 3+ years of technical recruiting.", remote="remote")
post("Account Executive, AI Platform", "Synthetica", "Sell our generative AI and LLM platform to enterprise customers. You will explain RAG, fine-tuning and MLOps to buyers. 5+ years of SaaS sales; technical curiosity.", city="San Francisco", region="CA")
post("Senior NLP Engineer", "Lexigram", """Build language understanding for contract review.
- Fine-tune transformer models (Hugging Face, PyTorch) for named entity recognition, classification and retrieval.
- Build retrieval-augmented generation (RAG) with LLMs and a vector database; evaluate it.
- Python, 5+ years in NLP.""", remote="remote")
post("LLM Engineer", "Promptly", "We build LLM agents for customer support. Own our RAG pipeline (embeddings, pgvector, reranking), evaluation harness and prompt tooling; fine-tune open models with LoRA. Python, PyTorch, vLLM.", remote="remote")
post("DATA ENGINEER", "Rivermill", "WE NEED A DATA ENGINEER!!! SPARK, AIRFLOW, KAFKA, SNOWFLAKE. BUILD PIPELINES. 3 YEARS EXPERIENCE. GREAT BENEFITS.", city="Dallas", region="TX")
post("Analytics Engineer", "Fernwood", "Model data in dbt and Snowflake for the finance team; write SQL; maintain Looker dashboards. Work closely with our data engineers.", city="Atlanta", region="GA")
post("Computer Vision Engineer", "Optic Farms", "Build computer vision models that count and grade fruit from drone images: detection and segmentation with PyTorch, OpenCV, dataset curation and labelling, deployment on Jetson devices.", city="Fresno", region="CA")
post("Office Manager", "Deepframe AI", "Deepframe AI builds computer vision for retail. We are looking for an office manager to run our San Francisco office: facilities, travel, events and onboarding. No technical experience needed.", city="San Francisco", region="CA")
post("Reinforcement Learning Researcher", "Gridmind", "Research reinforcement learning for power-grid control: policy optimisation, offline RL, simulation environments. Publish and ship. PhD in ML, strong PyTorch, JAX a plus.", city="London", region="ENG", country="GB")
post("Machine Learning Engineer, Recommendations", "Streamly", """Own the ranking models of our home feed.
- Recommender systems: candidate generation, two-tower retrieval, learning to rank.
- Feature pipelines in Spark; online experiments (A/B testing).
- Python, TensorFlow or PyTorch, 4+ years building recommendation systems.""", city="Los Angeles", region="CA")
post("Statistician", "Clearpath Research", "Design and analyse clinical trials: sample size, survival analysis, mixed models. SAS and R. MSc/PhD in statistics or biostatistics.", city="Raleigh", region="NC")
post("Forecasting Data Scientist", "Gridline Energy", "Build time series forecasting models for electricity demand and prices (Prophet, gradient boosting, deep learning). Python, SQL, statistics; energy experience a plus.", city="Houston", region="TX")
post("Speech Recognition Engineer", "Auralis", "Train and deploy automatic speech recognition (ASR) models: conformer/transducer architectures, data augmentation, streaming inference. PyTorch, Kaldi or ESPnet experience.", city="Boston", region="MA")
post("Machine Learning Intern", "Kestrel AI", "Summer internship on our applied ML team: train and evaluate models, write Python, present your results. For students in a CS or statistics degree.", city="Palo Alto", region="CA", date="2026-11-01")
post("Head of AI", "Northwind Insurance", "Build and lead our AI function: set the strategy for machine learning and generative AI across claims and underwriting, hire the team, own delivery and governance. 12+ years of experience, 5+ leading ML teams.", city="Hartford", region="CT")
post("Fraud Analyst", "Coinlane", "Review flagged transactions and investigate account takeovers. Work with the fraud detection models' alerts; SQL is a plus. No modelling required.", city="Miami", region="FL")
post("Applied Scientist", "Marketly", "Applied scientist on search relevance: learning to rank, query understanding, offline/online evaluation. PhD or MS with publications; Python, PyTorch, large-scale data.", city="Seattle", region="WA")
post("Autonomous Driving Software Engineer, Planning", "Roadwise", "Write motion planning and prediction software for our self-driving cars in C++ and Python; simulate, test on track. Robotics or autonomous driving experience.", city="Mountain View", region="CA")
post("Robotics Engineer", "Handly", "Build manipulation software for robotic arms: motion planning, ROS 2, C++, perception integration. Robotics degree and hands-on robot experience.", city="Boston", region="MA")
post("ML Platform Engineer", "Cirrus Data", "Build the internal ML platform: feature store, training orchestration on Kubernetes, model registry and serving. Go and Python, AWS SageMaker, Terraform.", city="Seattle", region="WA")
post("Data Analyst", "Pinecrest Retail", "SQL, Excel and Tableau reporting for our merchandising team; build weekly dashboards, answer ad-hoc questions.", city="Columbus", region="OH")

out = pathlib.Path(__file__).with_name("hard-cases.jsonl")
with out.open("w") as f:
    for p in P:
        f.write(json.dumps(p, ensure_ascii=False) + "\n")
print(f"{len(P)} postings -> {out}", file=sys.stderr)
