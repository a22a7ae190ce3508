//! `mljobs profile` and `mljobs match` on the test resumes (`testdata/resumes`, invented people)
//! in every format people send: plain text, Markdown, a Chromium-printed PDF, a DOCX, a JSON
//! Resume — and the files that cannot be read.

use std::path::Path;

use super::{mljobs, ok, repo};

fn profile(file: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    serde_json::from_str(&ok(&mljobs(dir.path(), &["profile", file, "--json"]))).unwrap()
}

fn titles(p: &serde_json::Value) -> Vec<String> {
    p["experience"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap().to_string()).collect()
}

fn skills(p: &serde_json::Value) -> Vec<String> {
    p["skills"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn resumes_in_every_format_become_profiles() {
    let ds = profile("testdata/resumes/data-scientist.txt");
    assert_eq!(titles(&ds), ["Senior Data Scientist", "Data Scientist", "Data Analyst"]);
    assert_eq!((ds["role"].as_str(), ds["seniority"].as_str(), ds["highest_degree"].as_str()), (Some("data-scientist"), Some("senior"), Some("master")));
    assert_eq!(ds["location"]["country"], "IT");
    assert!((ds["total_years"].as_f64().unwrap() - 10.2).abs() < 0.05, "{}", ds["total_years"]);

    // The PDF printed from the same resume as the Markdown gives the same profile.
    let md = profile("testdata/resumes/ml-engineer.md");
    let pdf = profile("testdata/resumes/ml-engineer.pdf");
    assert_eq!(titles(&md), ["Machine Learning Engineer", "Backend Engineer"]);
    for key in ["role", "seniority", "total_years", "relevant_years", "highest_degree", "location"] {
        assert_eq!(md[key], pdf[key], "{key}");
    }
    assert_eq!(skills(&md), skills(&pdf));
    assert_eq!((md["total_years"].as_f64(), md["relevant_years"].as_f64()), (Some(10.0), Some(5.8)), "Jan 2017 – present; ML since Apr 2021");
    assert_eq!(md["experience"][1]["relevant"], false, "a backend engineer's years are not ML years");

    let lawyer = profile("testdata/resumes/lawyer.txt");
    assert_eq!(lawyer["role"], "other");
    assert_eq!(lawyer["experience"][0]["employer"], "Allen & Harcourt LLP");
    assert_eq!(lawyer["education"][0]["field"], "Law");

    // One run-together paragraph, as pasted from a PDF viewer.
    let nurse = profile("testdata/resumes/nurse.txt");
    assert_eq!(nurse["role"], "other");
    assert!(nurse["total_years"].as_f64().unwrap() >= 8.5, "{nurse}");
    assert_eq!(nurse["highest_degree"], "bachelor");

    let student = profile("testdata/resumes/student.json");
    assert_eq!((student["name"].as_str(), student["role"].as_str(), student["seniority"].as_str()), (Some("Lin Chen"), Some("data-scientist"), Some("intern")));
    assert!(skills(&student).contains(&"huggingface-transformers".to_string()));
}

/// A DOCX as Word writes its main part: paragraphs of runs, a tab between employer and dates.
fn write_docx(path: &Path) {
    let paragraphs = [
        "Amara Okafor",
        "Computer Vision Engineer",
        "Lagos, Nigeria",
        "Experience",
        "Computer Vision Engineer, Kobo360\tJun 2020 – Present",
        "Object detection for trucks with PyTorch and OpenCV; models served on AWS.",
        "Education",
        "BEng Electrical Engineering, University of Lagos, 2019",
        "Skills",
        "Python, C++, PyTorch, OpenCV, CUDA, Docker",
    ];
    let body: String = paragraphs
        .iter()
        .map(|p| {
            let runs: Vec<String> = p.split('\t').map(|r| format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", r.replace('&', "&amp;"))).collect();
            format!("<w:p>{}</w:p>", runs.join("<w:r><w:tab/></w:r>"))
        })
        .collect();
    let file = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(file);
    z.start_file("[Content_Types].xml", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut z, b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
    z.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    std::io::Write::write_all(&mut z, xml.as_bytes()).unwrap();
    z.finish().unwrap();
}

#[test]
fn a_docx_resume_and_files_that_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("amara.docx");
    write_docx(&docx);
    let p: serde_json::Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["profile", docx.to_str().unwrap(), "--json"]))).unwrap();
    assert_eq!((p["name"].as_str(), p["role"].as_str()), (Some("Amara Okafor"), Some("computer-vision-engineer")));
    assert_eq!(p["experience"][0]["employer"], "Kobo360");
    assert!(skills(&p).contains(&"opencv".to_string()) && skills(&p).contains(&"cpp".to_string()));

    let fails = |file: &Path| {
        let out = mljobs(dir.path(), &["profile", file.to_str().unwrap()]);
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let scan = repo().join("testdata/resumes/scan.pdf");
    assert!(fails(&scan).contains("this PDF has no text layer"), "{}", fails(&scan));
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n  \n").unwrap();
    assert!(fails(&empty).contains("empty.txt: the file is empty"));
    let doc = dir.path().join("old.doc");
    std::fs::write(&doc, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old word").unwrap();
    assert!(fails(&doc).contains("old Word (.doc) files are not read; use PDF, DOCX, plain text, Markdown or JSON"));
    let locked = dir.path().join("locked.pdf");
    std::fs::write(&locked, b"%PDF-1.7\n1 0 obj\n<< /Filter /Standard /V 2 >>\ntrailer << /Encrypt 1 0 R >>\n%%EOF").unwrap();
    assert!(fails(&locked).contains("this PDF is encrypted"));
    let broken = dir.path().join("broken.pdf");
    std::fs::write(&broken, b"%PDF-1.4\n1 0 obj << /Type /Catalog").unwrap();
    assert!(fails(&broken).contains("broken.pdf: not a readable PDF"), "{}", fails(&broken));
}

#[test]
fn match_ranks_fitting_jobs_explains_them_and_a_lawyer_scores_far_below() {
    let dir = tempfile::tempdir().unwrap();
    ok(&mljobs(dir.path(), &["ingest", "data/demo/mljobs-demo-sample-postings.jsonl"]));
    let run = |file: &str, extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["match", file, "--json", "--limit", "10"];
        args.extend_from_slice(extra);
        serde_json::from_str(&ok(&mljobs(dir.path(), &args))).unwrap()
    };
    let ds = run("testdata/resumes/data-scientist.txt", &[]);
    for key in ["profile", "matches", "gap", "path"] {
        assert!(!ds[key].is_null(), "{key} in the answer");
    }
    let matches = ds["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 10);
    // A data scientist's top 10: data science (and adjacent analyst/ML) roles, best first.
    let fitting = matches.iter().filter(|m| ["data-scientist", "data-analyst", "machine-learning-engineer"].contains(&m["role"].as_str().unwrap())).count();
    assert!(fitting >= 9, "{fitting} of 10: {:?}", matches.iter().map(|m| m["role"].as_str().unwrap()).collect::<Vec<_>>());
    let scores: Vec<u64> = matches.iter().map(|m| m["score"].as_u64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let top = &matches[0];
    for key in ["id", "score", "title", "company", "role", "explanation"] {
        assert!(!top[key].is_null(), "{key}");
    }
    let parts: Vec<&str> = top["explanation"]["parts"].as_array().unwrap().iter().map(|p| p["part"].as_str().unwrap()).collect();
    assert_eq!(parts, ["required_skills", "preferred_skills", "role", "seniority", "place"]);
    let matched = top["explanation"]["matched_required"].as_array().unwrap();
    assert!(matched.iter().any(|s| s["evidence"].is_string()), "the resume's words are the evidence: {matched:?}");
    assert!(!ds["path"].as_array().unwrap().is_empty());
    let certs = ds["certifications"].as_array().unwrap();
    assert!(!certs.is_empty() && certs.iter().all(|c| c["issuer"].is_string() && c["why"].is_string()), "{certs:?}");

    let lawyer = run("testdata/resumes/lawyer.txt", &[]);
    let best_lawyer = lawyer["matches"][0]["score"].as_u64().unwrap();
    assert!(best_lawyer + 40 <= scores[0], "lawyer {best_lawyer}, data scientist {}", scores[0]);

    // A career change: the ML engineer's profile matched as a data scientist.
    let as_ds = run("testdata/resumes/ml-engineer.md", &["--role", "data-scientist"]);
    assert_eq!(as_ds["target_role"], "data-scientist");
    let remote = run("testdata/resumes/ml-engineer.md", &["--remote"]);
    assert!(remote["matches"].as_array().unwrap().iter().all(|m| m["explanation"]["parts"][4]["note"].as_str().unwrap().starts_with("remote")));
    let bad = mljobs(dir.path(), &["match", "testdata/resumes/ml-engineer.md", "--role", "wizard"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--role \"wizard\" is not a role"));

    // The employer's side: the test resumes ranked for a data-science posting.
    let ds_job = ok(&mljobs(dir.path(), &["search", "data scientist", "--role", "data-scientist", "--limit", "1", "--json"]));
    let id = serde_json::from_str::<serde_json::Value>(&ds_job).unwrap()["hits"][0]["id"].as_str().unwrap().to_string();
    let c: serde_json::Value =
        serde_json::from_str(&ok(&mljobs(dir.path(), &["match", "--job", &id[..8], "testdata/resumes", "--limit", "100", "--json"]))).unwrap();
    let files: Vec<&str> = c["candidates"].as_array().unwrap().iter().map(|x| x["file"].as_str().unwrap().rsplit('/').next().unwrap()).collect();
    assert_eq!(files[0], "data-scientist.txt", "{files:?}");
    let pos = |f: &str| files.iter().position(|x| *x == f).unwrap();
    assert!(pos("lawyer.txt") > pos("ml-engineer.md") && pos("nurse.txt") > pos("student.json"), "{files:?}");
    assert!(c["unread"].as_array().unwrap().iter().any(|u| u.as_str().unwrap().contains("scan.pdf: this PDF has no text layer")));
    assert_eq!(c["job"]["id"], id.as_str());

    // The table.
    let table = ok(&mljobs(dir.path(), &["match", "testdata/resumes/data-scientist.txt", "--limit", "3"]));
    assert!(table.starts_with("3 matches for a Data Scientist"), "{table}");
    assert!(table.contains("skills to learn") && table.contains("\npath\n"), "{table}");
}
