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
use mljobs_core::enrich::need_model::{NEEDS, NeedModel};
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
        /// Also leave-one-set-out: for each set, a model trained on the other sets' labels
        /// predicts it (the honest figure for postings the model has not seen).
        #[arg(long)]
        cv: bool,
        /// The model's L2 penalty for --cv.
        #[arg(long, default_value_t = TRAIN_L2)]
        l2: f32,
        /// A model table to measure instead of the one enrichment ships with.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Trains the need model on every labelled set and writes its table.
    Train {
        /// The labelled set: `sets.tsv` (set, file) and `labels.tsv`.
        #[arg(long, default_value = "testdata/needs")]
        dir: PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "data/models/needs.tsv")]
        out: PathBuf,
        /// L2 penalty.
        #[arg(long, default_value_t = TRAIN_L2)]
        l2: f32,
    },
}

/// The need model's training settings (chosen by leave-one-set-out, docs/quality.md).
const TRAIN_L2: f32 = 0.01;
const TRAIN_EPOCHS: usize = 300;

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

/// One labelled skill.
struct Item {
    set: String,
    posting: String,
    skill: String,
    gold: Need,
    /// What enrichment (the shipped model) says.
    predicted: Need,
    /// What the rules alone say.
    rule: Need,
    features: Vec<String>,
}

/// The labelled skills of the sets in `dir`, with the number of labels of wrongly read skills and
/// of skills found now that nobody labelled.
fn labelled(dir: &Path) -> Result<(Vec<Item>, u32, u32)> {
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
    let mut items = Vec::new();
    let mut wrong_skill = 0u32;
    let mut seen = std::collections::BTreeSet::new();
    let mut examples: BTreeMap<String, Vec<mljobs_core::enrich::need_model::NeedExample>> = BTreeMap::new();
    for (n, line) in labels.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [label, posting, skill, ..] = cols[..] else { bail!("{}:{}: expected label<TAB>posting<TAB>skill", labels_path.display(), n + 1) };
        let Some((set, d)) = docs.get(posting) else { bail!("{}:{}: no posting {posting:?} in the sets", labels_path.display(), n + 1) };
        seen.insert((posting.to_string(), skill.to_string()));
        if label == "x" {
            // The skill itself was read wrongly: not a need question.
            wrong_skill += 1;
            continue;
        }
        let gold = parse_need(label).with_context(|| format!("{}:{}: label {label:?} is not r, p, m or x", labels_path.display(), n + 1))?;
        // Extraction changed since labelling when the skill is no longer found.
        let Some(hit) = d.enrichment.skills.iter().find(|s| &*s.id == skill) else { continue };
        let ex = examples.entry(posting.to_string()).or_insert_with(|| mljobs_core::enrich::need_examples(&d.posting, &taxonomy));
        let Some(ex) = ex.iter().find(|e| &*e.skill == skill) else { continue };
        items.push(Item {
            set: set.clone(),
            posting: posting.to_string(),
            skill: skill.to_string(),
            gold,
            predicted: hit.need,
            rule: ex.rule.need,
            features: ex.features.clone(),
        });
    }
    // Skills found now that nobody labelled (extraction changed, or the sheet was not finished).
    let labelled_postings: std::collections::BTreeSet<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
    let unlabelled = docs
        .iter()
        .filter(|(k, _)| labelled_postings.contains(k.as_str()))
        .map(|(k, (_, d))| d.enrichment.skills.iter().filter(|s| !seen.contains(&(k.clone(), s.id.to_string()))).count())
        .sum::<usize>() as u32;
    Ok((items, wrong_skill, unlabelled))
}

/// For each set, the needs a model trained on the other sets predicts for its items (in order).
fn cross_validate(items: &[Item], l2: f32) -> Vec<Need> {
    let sets: std::collections::BTreeSet<&str> = items.iter().map(|i| i.set.as_str()).collect();
    let mut out = vec![Need::Required; items.len()];
    for set in sets {
        let train: Vec<(Vec<String>, Need)> = items.iter().filter(|i| i.set != set).map(|i| (i.features.clone(), i.gold)).collect();
        let model = NeedModel::train(&train, l2, TRAIN_EPOCHS);
        for (slot, item) in out.iter_mut().zip(items).filter(|(_, i)| i.set == set) {
            let p = model.probabilities(item.features.iter().map(String::as_str));
            *slot = NEEDS[(0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0)];
        }
    }
    out
}

fn eval(dir: &Path, min_accuracy: Option<f64>, json: bool, cv: bool, l2: f32, model: Option<&Path>) -> Result<()> {
    let (items, wrong_skill, unlabelled) = labelled(dir)?;
    let mut items = items;
    if std::env::var_os("MLJOBS_NEEDS_NO_RULES").is_some() {
        for i in &mut items {
            i.features.retain(|f| {
                !f.starts_with("rule")
                    && !f.ends_with(":required")
                    && !f.ends_with(":preferred")
                    && !f.contains(":required:")
                    && !f.contains(":preferred:")
                    && !f.contains(":mentioned:")
                    && !f.ends_with(":mentioned")
            });
        }
    }
    if let Some(path) = model {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let model = NeedModel::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        for i in &mut items {
            let p = model.probabilities(i.features.iter().map(String::as_str));
            i.predicted = NEEDS[(0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0)];
        }
    }
    let cv_needs = if cv { Some(cross_validate(&items, l2)) } else { None };
    if let Ok(path) = std::env::var("MLJOBS_NEEDS_DUMP") {
        let rows: Vec<String> = items
            .iter()
            .map(|i| format!("{}\t{}\t{}\t{}\t{}\t{}", i.set, i.posting, i.skill, i.gold.as_str(), i.rule.as_str(), i.features.join(" ")))
            .collect();
        std::fs::write(path, rows.join("\n"))?;
    }
    // Per set: right (model, rules, leave-one-set-out), labelled.
    let mut per_set: BTreeMap<String, [u32; 4]> = BTreeMap::new();
    let mut confusion: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut misses = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let e = per_set.entry(item.set.clone()).or_default();
        e[0] += u32::from(item.predicted == item.gold);
        e[1] += u32::from(item.rule == item.gold);
        e[2] += u32::from(cv_needs.as_ref().is_some_and(|c| c[i] == item.gold));
        e[3] += 1;
        if item.predicted != item.gold {
            misses.push(format!(
                "{}\t{}\t{}\tgold {}\tpredicted {}\trules {}",
                item.set,
                item.posting,
                item.skill,
                item.gold.as_str(),
                item.predicted.as_str(),
                item.rule.as_str()
            ));
        }
        *confusion.entry((item.gold.as_str().to_string(), item.predicted.as_str().to_string())).or_default() += 1;
    }
    let postings = items.iter().map(|i| i.posting.as_str()).collect::<std::collections::BTreeSet<_>>().len();
    let acc = |r: u32, n: u32| if n == 0 { 0.0 } else { r as f64 / n as f64 };
    let total = per_set.values().fold([0; 4], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]);
    if json {
        let figures = |v: &[u32; 4]| {
            let mut o = serde_json::json!({"right": v[0], "labelled": v[3], "accuracy": acc(v[0], v[3]), "rules_accuracy": acc(v[1], v[3])});
            if cv {
                o["cross_validated_accuracy"] = serde_json::json!(acc(v[2], v[3]));
            }
            o
        };
        let sets: serde_json::Map<String, serde_json::Value> = per_set.iter().map(|(k, v)| (k.clone(), figures(v))).collect();
        let conf: Vec<serde_json::Value> = confusion.iter().map(|((g, p), n)| serde_json::json!({"gold": g, "predicted": p, "n": n})).collect();
        println!(
            "{}",
            serde_json::json!({"postings": postings, "labelled": total[3], "accuracy": acc(total[0], total[3]), "all": figures(&total), "sets": sets,
                "confusion": conf, "wrong_skills": wrong_skill, "unlabelled_skills": unlabelled, "misses": misses})
        );
    } else {
        println!("{postings} postings, {} labelled skills ({wrong_skill} wrongly read skills left out, {unlabelled} found now but unlabelled)", total[3]);
        println!("set    model  rules{}  labelled", if cv { "  left-out" } else { "" });
        for (set, v) in per_set.iter().chain([(&"all".to_string(), &total)]) {
            let left_out = if cv { format!("  {:>8.3}", acc(v[2], v[3])) } else { String::new() };
            println!("{set:<6} {:.3}  {:.3}{left_out}  {}", acc(v[0], v[3]), acc(v[1], v[3]), v[3]);
        }
        println!("confusion of the model (gold → predicted):");
        for ((g, p), n) in &confusion {
            println!("  {g:<9} → {p:<9} {n}");
        }
        for m in &misses {
            println!("miss\t{m}");
        }
    }
    if let Some(min) = min_accuracy {
        let test = per_set.get("test").copied().unwrap_or_default();
        if acc(test[0], test[3]) < min {
            bail!("held-out accuracy {:.3} is below {min}", acc(test[0], test[3]));
        }
    }
    Ok(())
}

fn train(dir: &Path, out: &Path, l2: f32) -> Result<()> {
    let (items, _, _) = labelled(dir)?;
    let examples: Vec<(Vec<String>, Need)> = items.iter().map(|i| (i.features.clone(), i.gold)).collect();
    let model = NeedModel::train(&examples, l2, TRAIN_EPOCHS);
    let header = format!(
        "# The need model (crates/mljobs-core/src/enrich/need_model.rs): written by `mljobs-needs train --l2 {l2}` from {} labelled skills of {}.\n",
        items.len(),
        dir.display()
    );
    std::fs::write(out, header + &model.to_tsv()).with_context(|| format!("writing {}", out.display()))?;
    println!("{}: {} labelled skills", out.display(), items.len());
    Ok(())
}

fn main() -> Result<()> {
    match Args::parse().command {
        Command::Sheet { files, predicted } => sheet(&files, predicted),
        Command::Eval { dir, min_accuracy, json, cv, l2, model } => eval(&dir, min_accuracy, json, cv, l2, model.as_deref()),
        Command::Train { dir, out, l2 } => train(&dir, &out, l2),
    }
}
