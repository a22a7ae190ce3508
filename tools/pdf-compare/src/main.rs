//! Compares pure-Rust PDF text extractors on the PDF test resumes (`testdata/resumes`, six
//! generators): for each file and extractor, whether it reads the file, how long it takes (median
//! of 20 runs), the share of the reference words it gives back (poppler's `pdftotext`, the de-facto
//! standard, as the reference) and what the profile reader makes of its text (years, degree, role
//! and skills against the labels).
//!
//! Usage (from the repository root):
//! `cargo run --release --manifest-path tools/pdf-compare/Cargo.toml -- testdata/resumes`

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

type Extractor = fn(&[u8]) -> Result<String, String>;

fn pdf_extract(b: &[u8]) -> Result<String, String> {
    pdf_extract::extract_text_from_mem(b).map_err(|e| e.to_string())
}

fn lopdf_text(b: &[u8]) -> Result<String, String> {
    let doc = lopdf::Document::load_mem(b).map_err(|e| e.to_string())?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).map_err(|e| e.to_string())
}

fn pdf_oxide_text(b: &[u8]) -> Result<String, String> {
    let doc = pdf_oxide::PdfDocument::from_bytes(b.to_vec()).map_err(|e| e.to_string())?;
    let n = doc.page_count().map_err(|e| e.to_string())?;
    let mut out = String::new();
    for p in 0..n {
        out.push_str(&doc.extract_text(p).map_err(|e| e.to_string())?);
        out.push('\n');
    }
    Ok(out)
}

fn words(t: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in t.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 1) {
        *m.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    m
}

fn recall(reference: &HashMap<String, usize>, got: &HashMap<String, usize>) -> f64 {
    let total: usize = reference.values().sum();
    let hit: usize = reference.iter().map(|(w, n)| (*n).min(*got.get(w).unwrap_or(&0))).sum();
    hit as f64 / total.max(1) as f64
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "testdata/resumes".into());
    let dir = Path::new(&dir);
    let labels: BTreeMap<String, Vec<String>> = std::fs::read_to_string(dir.join("labels.tsv"))
        .expect("labels.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<String> = l.split('\t').map(str::to_string).collect();
            (f[0].clone(), f)
        })
        .collect();
    let taxonomy = mljobs_core::Taxonomy::embedded();
    let month = mljobs_core::profile::YearMonth::new(2026, 12).unwrap();
    let extractors: [(&str, Extractor); 3] = [("pdf-extract 0.12", pdf_extract), ("lopdf 0.42 extract_text", lopdf_text), ("pdf_oxide 0.3", pdf_oxide_text)];
    let mut files: Vec<_> =
        std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
    files.sort();
    println!("| file | extractor | reads | median ms | word recall vs pdftotext | years / label | degree / label | role | skills |");
    println!("|---|---|---|---:|---:|---|---|---|---:|");
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(f).unwrap();
        let reference = std::process::Command::new("pdftotext")
            .args(["-layout", f.to_str().unwrap(), "-"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default();
        let reference = words(&reference);
        for (label, ex) in extractors {
            let run = || std::panic::catch_unwind(|| ex(&bytes)).unwrap_or_else(|_| Err("panicked".into()));
            let text = run();
            let mut ms: Vec<f64> = (0..20)
                .map(|_| {
                    let t = Instant::now();
                    let _ = std::hint::black_box(run());
                    t.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            ms.sort_by(f64::total_cmp);
            match text {
                Ok(t) if t.chars().filter(|c| c.is_alphanumeric()).count() >= 20 => {
                    let t = mljobs_core::text::nfkc(&t).into_owned();
                    let r = recall(&reference, &words(&t));
                    let (years, degree, role, skills) = match mljobs_core::profile::from_text(&t, &taxonomy, month) {
                        Ok(p) => (format!("{:.1}", p.total_years), p.highest_degree.unwrap_or_else(|| "none".into()), p.role, p.skills.len()),
                        Err(e) => (e.to_string(), "-".into(), "-".into(), 0),
                    };
                    let l = labels.get(&name);
                    let lab = |i: usize| l.and_then(|l| l.get(i)).cloned().unwrap_or_else(|| "-".into());
                    println!("| {name} | {label} | yes | {:.2} | {:.3} | {years} / {} | {degree} / {} | {role} | {skills} |", ms[10], r, lab(4), lab(5));
                }
                Ok(_) => println!("| {name} | {label} | no text | {:.2} | - | - | - | - | - |", ms[10]),
                Err(e) => println!("| {name} | {label} | error: {} | {:.2} | - | - | - | - | - |", e.chars().take(60).collect::<String>(), ms[10]),
            }
        }
    }
}
