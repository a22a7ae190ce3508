//! Required / preferred / mentioned: how well enrichment tells what a posting asks of each skill,
//! on postings labelled by hand (`testdata/needs/`, see its README).
//!
//! `sheet FILE…` prints, for every skill enrichment finds in every posting, the lines where it is
//! named and the short lines above them (the headings a reader would see) — without the
//! prediction — for a person to label. `eval` reads the labels and prints the accuracy of the
//! predicted need per labelled skill, overall and per set (`dev`: what the rules were tuned on;
//! `test`: held out), with the confusion matrix and every miss.
//!
//! Usage: `mljobs-needs sheet FILE… | mljobs-needs eval [--dir testdata/needs] [--json] [--min-accuracy 0.9]`

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use mljobs_core::enrich::{Field, Need};
use mljobs_core::ingest::{self, DecodeOptions};
use mljobs_core::{Enrichment, JobPosting, Taxonomy, enrich};

#[derive(Parser)]
#[command(name = "mljobs-needs", about = "Accuracy of the required/preferred label of posting skills (testdata/needs)")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A labelling sheet for postings files (any format `mljobs ingest` reads).
    Sheet {
        /// Postings files.
        files: Vec<PathBuf>,
        /// Print the sections read and the predicted need too (for tuning on the dev set; a
        /// labeller should not see them).
        #[arg(long)]
        predicted: bool,
    },
    /// Accuracy against the labels.
    Eval {
        /// The labelled set: `sets.tsv` (set, file) and `labels.tsv`.
        #[arg(long, default_value = "testdata/needs")]
        dir: PathBuf,
        /// Exit 1 when the held-out accuracy is below this.
        #[arg(long)]
        min_accuracy: Option<f64>,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

struct Doc {
    file: String,
    posting: JobPosting,
    enrichment: Enrichment,
}

/// Decodes and enriches a file as `mljobs ingest` does (auto-detected format), with a fixed clock.
fn load(path: &Path, taxonomy: &Taxonomy) -> Result<Vec<Doc>> {
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").expect("valid date").to_utc();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let label = path.display().to_string();
    let items: Vec<ingest::Item> = match ingest::detect_format(&label, text.as_bytes()) {
        ingest::Format::Jsonl => ingest::decode_jsonl(BufReader::new(text.as_bytes()), &label, &DecodeOptions::default()).collect(),
        _ => ingest::decode_text(&text, &label, &DecodeOptions::default()),
    };
    let mut out = Vec::new();
    for item in items {
        let Ok(raw) = item else { continue };
        let Ok(posting) = JobPosting::from_raw(raw, now) else { continue };
        let enrichment = enrich(&posting, taxonomy);
        out.push(Doc { file: label.clone(), posting, enrichment });
    }
    Ok(out)
}

/// The key a label names a posting by: its source id when it has one, else its posting id.
fn key(d: &Doc) -> String {
    d.posting.provenance.source_id.clone().unwrap_or_else(|| d.posting.id.as_str().to_string())
}

fn sheet(files: &[PathBuf], predicted: bool) -> Result<()> {
    let taxonomy = Taxonomy::embedded();
    for f in files {
        for d in load(f, &taxonomy)? {
            let text = &d.posting.description;
            let lines: Vec<(usize, &str)> = text
                .split_inclusive('\n')
                .scan(0, |pos, l| {
                    let at = *pos;
                    *pos += l.len();
                    Some((at, l.trim_end()))
                })
                .collect();
            println!("## {}\t{}\t{}", key(&d), d.posting.title, d.file);
            if predicted {
                for sec in mljobs_core::enrich::sections::sections(text) {
                    let head: String = text[sec.start..sec.end].chars().take(60).collect();
                    println!("#\t{:?}\t{}..{}\t{}", sec.kind, sec.start, sec.end, head.replace('\n', " / "));
                }
            }
            for s in &d.enrichment.skills {
                let in_title = s.mentions.iter().any(|m| m.field == Field::Title);
                let shown_need = if predicted { format!("\t=> {}", s.need.as_str()) } else { String::new() };
                println!("?\t{}\t{}\t{}{shown_need}", key(&d), s.id, if in_title { "(in title)" } else { "" });
                for m in s.mentions.iter().filter(|m| m.field == Field::Description).take(3) {
                    let Some(i) = lines.iter().rposition(|(at, _)| *at <= m.start) else { continue };
                    // Up to two short lines above (headings as a reader sees them).
                    let above: Vec<&str> =
                        lines[..i].iter().rev().map(|(_, l)| l.trim()).filter(|l| !l.is_empty() && l.split_whitespace().count() <= 8).take(2).collect();
                    // The line, or ±120 bytes of a long one, around the mention.
                    let (lo, hi) = (lines[i].0, lines[i].0 + lines[i].1.len());
                    let (lo, hi) = (m.start.saturating_sub(120).max(lo), (m.end + 120).min(hi));
                    let (lo, hi) = (mljobs_core::text::floor_char_boundary(text, lo), mljobs_core::text::ceil_char_boundary(text, hi));
                    let shown = format!("{}[[{}]]{}", &text[lo..m.start], &text[m.start..m.end], &text[m.end..hi]);
                    println!("\t\t[{}] {}", above.iter().rev().cloned().collect::<Vec<_>>().join(" / "), shown.trim());
                }
            }
        }
    }
    Ok(())
}

fn parse_need(s: &str) -> Option<Need> {
    match s {
        "required" | "r" => Some(Need::Required),
        "preferred" | "p" => Some(Need::Preferred),
        "mentioned" | "m" => Some(Need::Mentioned),
        _ => None,
    }
}

fn eval(dir: &Path, min_accuracy: Option<f64>, json: bool) -> Result<()> {
    let taxonomy = Taxonomy::embedded();
    // sets.tsv: set \t file (relative to the repository root).
    let sets_path = dir.join("sets.tsv");
    let sets = std::fs::read_to_string(&sets_path).with_context(|| format!("reading {}", sets_path.display()))?;
    let mut docs: BTreeMap<String, (String, Doc)> = BTreeMap::new();
    for line in sets.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (set, file) = line.split_once('\t').with_context(|| format!("{}: expected set<TAB>file: {line:?}", sets_path.display()))?;
        for d in load(Path::new(file.trim()), &taxonomy)? {
            docs.insert(key(&d), (set.to_string(), d));
        }
    }
    let labels_path = dir.join("labels.tsv");
    let labels = std::fs::read_to_string(&labels_path).with_context(|| format!("reading {}", labels_path.display()))?;
    // Per set: (right, labelled); confusion (gold, predicted) → n; misses.
    let mut per_set: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut confusion: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut misses = Vec::new();
    let (mut wrong_skill, mut unlabelled_postings) = (0u32, std::collections::BTreeSet::new());
    let mut labelled_postings = std::collections::BTreeSet::new();
    for (n, line) in labels.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [label, posting, skill, ..] = cols[..] else { bail!("{}:{}: expected label<TAB>posting<TAB>skill", labels_path.display(), n + 1) };
        if label == "x" {
            // The skill itself was read wrongly: not a need question.
            wrong_skill += 1;
            continue;
        }
        let gold = parse_need(label).with_context(|| format!("{}:{}: label {label:?} is not r, p, m or x", labels_path.display(), n + 1))?;
        let Some((set, d)) = docs.get(posting) else { bail!("{}:{}: no posting {posting:?} in the sets", labels_path.display(), n + 1) };
        labelled_postings.insert(posting.to_string());
        let Some(hit) = d.enrichment.skills.iter().find(|s| &*s.id == skill) else {
            // Extraction changed since labelling: the skill is no longer found.
            unlabelled_postings.insert(posting.to_string());
            continue;
        };
        let e = per_set.entry(set.clone()).or_default();
        e.1 += 1;
        if hit.need == gold {
            e.0 += 1;
        } else {
            misses.push(format!("{set}\t{posting}\t{skill}\tgold {}\tpredicted {}", gold.as_str(), hit.need.as_str()));
        }
        *confusion.entry((gold.as_str().to_string(), hit.need.as_str().to_string())).or_default() += 1;
    }
    // Skills found now that nobody labelled (extraction changed, or the sheet was not finished).
    let mut unlabelled = 0;
    for (k, (_, d)) in &docs {
        if !labelled_postings.contains(k) {
            continue;
        }
        for s in &d.enrichment.skills {
            if !labels.lines().any(|l| {
                let c: Vec<&str> = l.split('\t').collect();
                c.len() >= 3 && c[1] == k && c[2] == &*s.id
            }) {
                unlabelled += 1;
            }
        }
    }
    let acc = |(r, n): (u32, u32)| if n == 0 { 0.0 } else { r as f64 / n as f64 };
    let total = per_set.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    if json {
        let sets: serde_json::Map<String, serde_json::Value> =
            per_set.iter().map(|(k, v)| (k.clone(), serde_json::json!({"right": v.0, "labelled": v.1, "accuracy": acc(*v)}))).collect();
        let conf: Vec<serde_json::Value> = confusion.iter().map(|((g, p), n)| serde_json::json!({"gold": g, "predicted": p, "n": n})).collect();
        println!(
            "{}",
            serde_json::json!({"postings": labelled_postings.len(), "labelled": total.1, "accuracy": acc(total), "sets": sets, "confusion": conf,
                "wrong_skills": wrong_skill, "unlabelled_skills": unlabelled, "misses": misses})
        );
    } else {
        println!(
            "{} postings, {} labelled skills ({} wrongly read skills left out, {} found now but unlabelled)",
            labelled_postings.len(),
            total.1,
            wrong_skill,
            unlabelled
        );
        for (set, v) in &per_set {
            println!("{set:<6} accuracy {:.3} ({} of {})", acc(*v), v.0, v.1);
        }
        println!("all    accuracy {:.3} ({} of {})", acc(total), total.0, total.1);
        println!("confusion (gold → predicted):");
        for ((g, p), n) in &confusion {
            println!("  {g:<9} → {p:<9} {n}");
        }
        for m in &misses {
            println!("miss\t{m}");
        }
    }
    if let Some(min) = min_accuracy {
        let test = per_set.get("test").copied().unwrap_or((0, 0));
        if acc(test) < min {
            bail!("held-out accuracy {:.3} is below {min}", acc(test));
        }
    }
    Ok(())
}

fn main() -> Result<()> {
    match Args::parse().command {
        Command::Sheet { files, predicted } => sheet(&files, predicted),
        Command::Eval { dir, min_accuracy, json } => eval(&dir, min_accuracy, json),
    }
}
