//! How right the candidate side is on the labelled test resumes (issue 16, `testdata/resumes`).
//!
//! `mljobs-resumes eval --data DIR [--labels FILE] [--month 2026-12] [--json]` reads every resume of
//! the labels file as `mljobs profile` does (the month stands for "present", so the figures do not
//! drift with the calendar) and matches it over the store in `--data` as `mljobs match` does, then:
//! - **years**: the share of files whose total years are within one year of the label, and the mean
//!   absolute error;
//! - **degree**: the share whose highest degree is the label's (`none` = no degree found);
//! - **role fit**: for the people of the data professions, the share of their top-10 jobs whose role is
//!   one the labels say fits them (all slots of all people pooled);
//! - **AUC**: how well the best match score tells a data person from anyone else — the chance that a
//!   data person's best score is above a non-data person's (ties count half).
//!
//! The same ranking figures are computed for plain TF-IDF cosine between the resume's text and
//! each open posting's title and description (the baseline the issue names: ~0.76 on real resumes).
//!
//! Ranking figures count each person once (the first of their files in the labels); extraction figures
//! count every file, so a person sent as text and as PDF counts twice there.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use mljobs_core::Taxonomy;
use mljobs_core::matching::MatchOptions;
use mljobs_core::profile::YearMonth;
use mljobs_store::matching::{MatchRequest, match_profile, skill_weights};
use mljobs_store::{SearchIndex, Store};

const USAGE: &str = "usage: mljobs-resumes eval --data DIR [--labels testdata/resumes/labels.tsv] [--month 2026-12] [--json]";

struct Label {
    file: String,
    person: String,
    set: String,
    data: bool,
    years: f32,
    degree: Option<String>,
    fits: BTreeSet<String>,
}

fn labels(path: &std::path::Path) -> Result<Vec<Label>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let at = |what: &str| format!("{}:{}: {what}", path.display(), n + 1);
        if f.len() < 6 {
            bail!("{}", at(&format!("expected file, person, set, group, years, degree, fits; got {} fields", f.len())));
        }
        let set = match f[2] {
            s @ ("dev" | "test") => s.to_string(),
            s => bail!("{}", at(&format!("set {s:?} is neither dev nor test"))),
        };
        let data = match f[3] {
            "data" => true,
            "other" => false,
            g => bail!("{}", at(&format!("group {g:?} is neither data nor other"))),
        };
        let years = f[4].parse().with_context(|| at(&format!("years {:?}", f[4])))?;
        let degree = match f[5] {
            "none" => None,
            d @ ("associate" | "bachelor" | "master" | "phd") => Some(d.to_string()),
            d => bail!("{}", at(&format!("degree {d:?} is not none, associate, bachelor, master or phd"))),
        };
        let fits: BTreeSet<String> = f.get(6).map(|s| s.split(',').filter(|r| !r.is_empty()).map(str::to_string).collect()).unwrap_or_default();
        if data && fits.is_empty() {
            bail!("{}", at("a data person needs the roles that fit them"));
        }
        out.push(Label { file: f[0].into(), person: f[1].into(), set, data, years, degree, fits });
    }
    Ok(out)
}

/// Area under the ROC curve of `pos` over `neg` (ties half).
fn auc(pos: &[f64], neg: &[f64]) -> f64 {
    if pos.is_empty() || neg.is_empty() {
        return f64::NAN;
    }
    let wins: f64 = pos
        .iter()
        .map(|p| {
            neg.iter()
                .map(|n| {
                    if p > n {
                        1.0
                    } else if p == n {
                        0.5
                    } else {
                        0.0
                    }
                })
                .sum::<f64>()
        })
        .sum();
    wins / (pos.len() * neg.len()) as f64
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some("eval") {
        bail!("{USAGE}");
    }
    let (mut data, mut labels_path, mut month, mut json) =
        (None, PathBuf::from("testdata/resumes/labels.tsv"), YearMonth::new(2026, 12).expect("month"), false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = args.next().map(PathBuf::from),
            "--labels" => labels_path = args.next().map(PathBuf::from).context(USAGE)?,
            "--month" => {
                let m = args.next().context(USAGE)?;
                let (y, mo) = m.split_once('-').with_context(|| format!("--month {m}: YYYY-MM"))?;
                month = YearMonth::new(y.parse()?, mo.parse()?).with_context(|| format!("--month {m}: YYYY-MM"))?;
            }
            "--json" => json = true,
            other => bail!("unknown argument {other}; {USAGE}"),
        }
    }
    let data = data.context(USAGE)?;
    let labels = labels(&labels_path)?;
    let dir = labels_path.parent().unwrap_or(std::path::Path::new("."));
    let taxonomy = Taxonomy::embedded();
    let store = Store::open(&data).with_context(|| format!("opening {}", data.display()))?;
    let index = SearchIndex::open(&data.join("index"))?;
    let weights = skill_weights(&index)?;
    let today = chrono::Utc::now().date_naive();
    let baseline = Tfidf::of_store(&store)?;

    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for l in &labels {
        let path = dir.join(&l.file);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let read = mljobs_resume::to_profile(mljobs_resume::read(&l.file, &bytes)?, &taxonomy, month).with_context(|| l.file.clone())?;
        let p = &read.profile;
        let report = match_profile(
            &store,
            &index,
            &taxonomy,
            &weights,
            MatchRequest { profile: p.clone(), resume: read.text.as_deref(), options: MatchOptions::default(), limit: 10, today, salary: None },
        )?;
        let resume_text = read.text.clone().unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
        let (base_best, base_top) = baseline.rank(&resume_text, 10);
        rows.push(Row {
            base_best,
            base_fitting: base_top.iter().filter(|r| l.fits.contains(**r)).count(),
            set: l.set.clone(),
            data: l.data,
            first_of_person: seen.insert(l.person.clone()),
            years_off: (p.total_years - l.years).abs(),
            degree_right: p.highest_degree == l.degree,
            role_fits: l.fits.contains(&p.role),
            best: report.matches.first().map_or(0.0, |m| f64::from(m.score)),
            fitting: report.matches.iter().filter(|m| l.fits.contains(&m.role)).count(),
            shown: serde_json::json!({
                "file": l.file,
                "set": l.set,
                "group": if l.data { "data" } else { "other" },
                "role": p.role,
                "years": p.total_years,
                "years_label": l.years,
                "degree": p.highest_degree,
                "degree_label": l.degree,
                "best_score": report.matches.first().map(|m| m.score),
                "top10_roles": report.matches.iter().map(|m| m.role.as_str()).collect::<Vec<_>>(),
            }),
        });
    }
    let sets: serde_json::Map<String, serde_json::Value> =
        [("dev", Some("dev")), ("test", Some("test")), ("all", None)].into_iter().map(|(name, set)| (name.to_string(), figures(&rows, set))).collect();
    let summary = serde_json::json!({"postings": index.len(), "month": month.to_string(), "sets": sets});
    if json {
        let shown: Vec<&serde_json::Value> = rows.iter().map(|r| &r.shown).collect();
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"summary": summary, "resumes": shown}))?);
        return Ok(());
    }
    println!("{:<40} {:<4} {:<5} {:<26} {:>11} {:>18} {:>4}", "file", "set", "group", "role", "years/label", "degree/label", "best");
    for r in rows.iter().map(|r| &r.shown) {
        let s = |k: &str| r[k].as_str().unwrap_or("-").to_string();
        println!(
            "{:<40} {:<4} {:<5} {:<26} {:>5.1}/{:<5.1} {:>18} {:>4}",
            s("file"),
            s("set"),
            s("group"),
            s("role"),
            r["years"].as_f64().unwrap_or(0.0),
            r["years_label"].as_f64().unwrap_or(0.0),
            format!("{}/{}", s("degree"), s("degree_label")),
            r["best_score"],
        );
    }
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}

/// One labelled file, read and matched.
struct Row {
    set: String,
    data: bool,
    first_of_person: bool,
    years_off: f32,
    degree_right: bool,
    role_fits: bool,
    best: f64,
    fitting: usize,
    base_best: f64,
    base_fitting: usize,
    shown: serde_json::Value,
}

/// The figures over the rows of one set (all with `None`).
fn figures(rows: &[Row], set: Option<&str>) -> serde_json::Value {
    let rows: Vec<&Row> = rows.iter().filter(|r| set.is_none_or(|s| r.set == s)).collect();
    let files = rows.len().max(1) as f64;
    let share = |n: usize, of: usize| if of == 0 { serde_json::Value::Null } else { serde_json::json!(n as f64 / of as f64) };
    let people: Vec<&&Row> = rows.iter().filter(|r| r.first_of_person).collect();
    let data: Vec<&&&Row> = people.iter().filter(|r| r.data).collect();
    let best_data: Vec<f64> = data.iter().map(|r| r.best).collect();
    let best_other: Vec<f64> = people.iter().filter(|r| !r.data).map(|r| r.best).collect();
    serde_json::json!({
        "files": rows.len(),
        "data_people": best_data.len(),
        "other_people": best_other.len(),
        "years_within_1": share(rows.iter().filter(|r| r.years_off <= 1.0).count(), rows.len()),
        "years_mean_abs_error": rows.iter().map(|r| f64::from(r.years_off)).sum::<f64>() / files,
        "degree_accuracy": share(rows.iter().filter(|r| r.degree_right).count(), rows.len()),
        "profile_role_fits": share(data.iter().filter(|r| r.role_fits).count(), data.len()),
        "role_fit_top10": share(data.iter().map(|r| r.fitting).sum(), data.len() * 10),
        "auc_best_score": auc(&best_data, &best_other),
        "best_score_data_min": best_data.iter().copied().reduce(f64::min),
        "best_score_other_max": best_other.iter().copied().reduce(f64::max),
        "baseline_tfidf": {
            "role_fit_top10": share(data.iter().map(|r| r.base_fitting).sum(), data.len() * 10),
            "auc_best_score": auc(&data.iter().map(|r| r.base_best).collect::<Vec<_>>(), &people.iter().filter(|r| !r.data).map(|r| r.base_best).collect::<Vec<_>>()),
        },
    })
}

/// Plain TF-IDF over the open canonical postings (title and description; words of two or more
/// letters or digits, lower case; idf = ln((1 + N) / (1 + df)) + 1; vectors L2-normalised), as
/// scikit-learn's `TfidfVectorizer` defaults do it.
struct Tfidf {
    idf: std::collections::HashMap<String, f64>,
    docs: Vec<(std::collections::HashMap<String, f64>, String)>,
}

impl Tfidf {
    fn words(text: &str) -> std::collections::HashMap<String, f64> {
        let mut tf = std::collections::HashMap::new();
        for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 2) {
            *tf.entry(w.to_lowercase()).or_insert(0.0) += 1.0;
        }
        tf
    }

    fn of_store(store: &Store) -> Result<Tfidf> {
        let mut raw = Vec::new();
        store.for_each_changed_since(0, 1000, |chunk| {
            for c in chunk.iter().filter(|c| !c.closed && c.canonical_id == c.posting.id.as_str()) {
                raw.push((Self::words(&format!("{}\n{}", c.posting.title, c.posting.description)), c.enrichment.role.id.clone()));
            }
            Ok(())
        })?;
        let mut df: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
        for (tf, _) in &raw {
            for w in tf.keys() {
                *df.entry(w.clone()).or_insert(0.0) += 1.0;
            }
        }
        let n = raw.len() as f64;
        let idf: std::collections::HashMap<String, f64> = df.into_iter().map(|(w, d)| (w, ((1.0 + n) / (1.0 + d)).ln() + 1.0)).collect();
        let docs = raw.into_iter().map(|(tf, role)| (Self::weigh(tf, &idf), role)).collect();
        Ok(Tfidf { idf, docs })
    }

    fn weigh(tf: std::collections::HashMap<String, f64>, idf: &std::collections::HashMap<String, f64>) -> std::collections::HashMap<String, f64> {
        let mut v: std::collections::HashMap<String, f64> = tf.into_iter().filter_map(|(w, c)| idf.get(&w).map(|i| (w, c * i))).collect();
        let norm = v.values().map(|x| x * x).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
        v.values_mut().for_each(|x| *x /= norm);
        v
    }

    /// The best cosine and the roles of the `k` most similar postings.
    fn rank(&self, text: &str, k: usize) -> (f64, Vec<&str>) {
        let q = Self::weigh(Self::words(text), &self.idf);
        let mut scored: Vec<(f64, &str)> =
            self.docs.iter().map(|(d, role)| (q.iter().map(|(w, x)| x * d.get(w).unwrap_or(&0.0)).sum::<f64>(), role.as_str())).collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        (scored.first().map_or(0.0, |s| s.0), scored.iter().take(k).map(|s| s.1).collect())
    }
}
