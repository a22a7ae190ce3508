//! The candidate's commands: `mljobs profile FILE` and `mljobs match FILE`. The resume is read
//! into memory, made into a profile and dropped; nothing of it is stored or logged.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mljobs_core::matching::MatchOptions;
use mljobs_core::profile::YearMonth;
use mljobs_core::taxonomy::Taxonomy;
use mljobs_store::matching::{MatchReport, MatchRequest, match_profile, skill_weights};

use crate::config::Cli;

pub use mljobs_resume::ReadProfile;

fn today() -> (YearMonth, chrono::NaiveDate) {
    use chrono::Datelike;
    let now = chrono::Utc::now().date_naive();
    (YearMonth::new(now.year(), now.month()).expect("a calendar month"), now)
}

/// Reads a resume or profile file ("-": standard input) into a profile.
pub fn read_profile(file: &Path, taxonomy: &Taxonomy) -> Result<ReadProfile> {
    let name = file.display().to_string();
    let mut bytes = Vec::new();
    if name == "-" {
        std::io::stdin().take(mljobs_resume::MAX_BYTES as u64 + 1).read_to_end(&mut bytes).context("reading standard input")?;
    } else {
        let f = std::fs::File::open(file).with_context(|| format!("reading {name}"))?;
        f.take(mljobs_resume::MAX_BYTES as u64 + 1).read_to_end(&mut bytes).with_context(|| format!("reading {name}"))?;
    }
    let (month, _) = today();
    let doc = mljobs_resume::read(&name, &bytes)?;
    drop(bytes);
    mljobs_resume::to_profile(doc, taxonomy, month).with_context(|| name)
}

/// A file of a folder of resumes worth reading: a resume format, and not the folder's README.
fn is_resume_file(p: &Path) -> bool {
    let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    !name.starts_with("readme")
        && !name.starts_with('.')
        && matches!(ext.as_str(), "pdf" | "docx" | "txt" | "text" | "md" | "markdown" | "json" | "html" | "htm" | "")
}

/// `mljobs profile FILE [--json | --text]`.
pub fn profile(cli: &Cli, file: &Path, json: bool, text: bool) -> Result<ExitCode> {
    let (taxonomy, _) = cli.load_taxonomy()?;
    let read = read_profile(file, &taxonomy)?;
    let p = &read.profile;
    let mut out = std::io::stdout().lock();
    if text {
        writeln!(out, "{}", read.text.as_deref().unwrap_or("(a JSON document: no text)"))?;
        return Ok(ExitCode::SUCCESS);
    }
    if json {
        serde_json::to_writer_pretty(&mut out, p)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let role = taxonomy.role(&p.role).map_or("not an ML or data role", |r| r.name.as_str());
    writeln!(out, "name        {}", p.name.as_deref().unwrap_or("-"))?;
    writeln!(out, "headline    {}", p.headline.as_deref().unwrap_or("-"))?;
    writeln!(out, "role        {role}{}", p.seniority.as_deref().map(|s| format!(", {s}")).unwrap_or_default())?;
    writeln!(out, "experience  {:.1} years, {:.1} in ML and data roles", p.total_years, p.relevant_years)?;
    for e in &p.experience {
        let span = format!(
            "{} – {}",
            e.start.map_or("?".into(), |s| s.to_string()),
            if e.current { "present".into() } else { e.end.map_or("?".into(), |s| s.to_string()) }
        );
        writeln!(
            out,
            "  {span:<19} {}{}{}",
            e.title,
            e.employer.as_deref().map(|x| format!(", {x}")).unwrap_or_default(),
            if e.relevant { "" } else { " (not counted as ML/data)" }
        )?;
    }
    let degrees: Vec<String> =
        p.education.iter().map(|d| format!("{}{}", d.level, d.field.as_deref().map(|f| format!(" in {f}")).unwrap_or_default())).collect();
    writeln!(out, "education   {}", if degrees.is_empty() { "-".into() } else { degrees.join("; ") })?;
    let place: Vec<&str> = [p.location.city.as_deref(), p.location.country.as_deref()].into_iter().flatten().collect();
    writeln!(out, "location    {}", if place.is_empty() { "-".into() } else { place.join(", ") })?;
    writeln!(out, "skills      {}", p.skills.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "))?;
    if p.preferences.remote == Some(true) {
        writeln!(out, "prefers     remote")?;
    }
    for n in &p.notes {
        writeln!(out, "note        {n}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `mljobs match FILE [--role R] [--remote] [--country CC] [--limit N] [--json]`.
pub fn matches(cli: &Cli, file: &Path, options: MatchOptions, limit: usize, json: bool) -> Result<ExitCode> {
    let (taxonomy, _) = cli.load_taxonomy()?;
    if let Some(r) = &options.role
        && taxonomy.role(r).is_none()
    {
        let ids: Vec<&str> = taxonomy.roles.iter().map(|r| r.id.as_str()).collect();
        bail!("--role {r:?} is not a role; roles are: {}", ids.join(", "));
    }
    let read = read_profile(file, &taxonomy)?;
    let store = crate::commands::open_existing(cli)?;
    let index = mljobs_store::SearchIndex::open(&cli.index_dir())?;
    match mljobs_store::sync(&store, &index) {
        Ok(_) | Err(mljobs_store::SearchError::Busy { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let (_, today) = today();
    // The salary model when one is saved (training one is `mljobs salary train`'s job).
    let model = mljobs_store::salary::load(&cli.data_dir())?.ok();
    let weights = skill_weights(&index)?;
    let report = match_profile(
        &store,
        &index,
        &taxonomy,
        &weights,
        MatchRequest { profile: read.profile, resume: read.text.as_deref(), options, limit, today, salary: model.as_ref() },
    )?;
    print_report(&report, &taxonomy, json)?;
    Ok(ExitCode::SUCCESS)
}

/// `mljobs match --job ID DIR`: the resumes and profiles in DIR ranked for one posting.
pub fn candidates(cli: &Cli, id: &str, dir: &Path, options: MatchOptions, limit: usize, json: bool) -> Result<ExitCode> {
    let (taxonomy, _) = cli.load_taxonomy()?;
    let store = crate::commands::open_existing(cli)?;
    let pid = crate::commands::resolve_id(cli, &store, id)?;
    let Some(posting) = store.get(&pid)? else { bail!("no posting with id {id:?} in {}", cli.data_dir().display()) };
    let index = mljobs_store::SearchIndex::open(&cli.index_dir())?;
    match mljobs_store::sync(&store, &index) {
        Ok(_) | Err(mljobs_store::SearchError::Busy { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("--job ranks the resumes in a directory: reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && is_resume_file(p))
        .collect();
    files.sort();
    let (_, today) = today();
    let weights = skill_weights(&index)?;
    let mut ranked = Vec::new();
    let mut unread = Vec::new();
    for f in &files {
        match read_profile(f, &taxonomy) {
            Ok(read) => {
                let req = MatchRequest { profile: read.profile, resume: read.text.as_deref(), options: options.clone(), limit: 1, today, salary: None };
                if let Some(m) = mljobs_store::matching::score_job(&store, &taxonomy, &weights, &req, &pid)? {
                    ranked.push((f.display().to_string(), req.profile.name.clone(), m));
                }
            }
            Err(e) => unread.push(format!("{e:#}")),
        }
    }
    ranked.sort_by(|a, b| b.2.score.cmp(&a.2.score).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(limit);
    let mut out = std::io::stdout().lock();
    if json {
        let candidates: Vec<serde_json::Value> =
            ranked.iter().map(|(file, name, m)| serde_json::json!({"file": file, "name": name, "score": m.score, "explanation": m.explanation})).collect();
        let job = serde_json::json!({"id": pid.as_str(), "title": posting.posting.title, "company": posting.posting.company});
        serde_json::to_writer_pretty(&mut out, &serde_json::json!({"job": job, "candidates": candidates, "unread": unread}))?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{} candidates for {} — {}", ranked.len(), posting.posting.title, posting.posting.company.as_deref().unwrap_or("-"))?;
    writeln!(out, "{:>5}  {:<24} {:<32} why", "SCORE", "NAME", "FILE")?;
    for (file, name, m) in &ranked {
        let e = &m.explanation;
        let have: Vec<&str> = e.matched_required.iter().take(4).map(|s| s.name.as_str()).collect();
        let miss: Vec<&str> = e.missing_required.iter().take(3).map(|s| s.name.as_str()).collect();
        let short = Path::new(file).file_name().map_or(file.clone(), |n| n.to_string_lossy().to_string());
        writeln!(
            out,
            "{:>5}  {:<24} {:<32} has {}; lacks {}",
            m.score,
            clip(name.as_deref().unwrap_or("-"), 24),
            clip(&short, 32),
            if have.is_empty() { "none".into() } else { have.join(", ") },
            if miss.is_empty() { "nothing required".into() } else { miss.join(", ") }
        )?;
    }
    for u in &unread {
        writeln!(out, "not read: {u}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &MatchReport, taxonomy: &Taxonomy, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, r)?;
        writeln!(out)?;
        return Ok(());
    }
    let role = taxonomy.role(&r.target_role).map_or("profile outside ML and data roles", |x| x.name.as_str());
    writeln!(out, "{} matches for a {role} ({} postings scored)", r.matches.len(), r.considered)?;
    writeln!(out, "{:>5}  {:<44} {:<24} why", "SCORE", "TITLE", "COMPANY")?;
    for m in &r.matches {
        let e = &m.explanation;
        let have: Vec<&str> = e.matched_required.iter().take(4).map(|s| s.name.as_str()).collect();
        let miss: Vec<&str> = e.missing_required.iter().take(3).map(|s| s.name.as_str()).collect();
        let mut why = format!("has {}", if have.is_empty() { "none of its skills".into() } else { have.join(", ") });
        if !miss.is_empty() {
            why.push_str(&format!("; lacks {}", miss.join(", ")));
        }
        writeln!(out, "{:>5}  {:<44} {:<24} {why}", m.score, clip(&m.title, 44), clip(m.company.as_deref().unwrap_or("-"), 24))?;
    }
    if !r.gap.is_empty() {
        writeln!(out, "\nskills to learn (across the best {} matches)", r.gap_over)?;
        for g in &r.gap {
            writeln!(out, "  {:<24} asked by {:>2}, required by {:>2}, +{:.1} points  [{}]", g.name, g.jobs, g.required_by, g.gain, g.stage)?;
        }
    }
    if !r.path.is_empty() {
        writeln!(out, "\npath")?;
        for (i, step) in r.path.iter().enumerate() {
            writeln!(out, "  {}. {}", i + 1, step.stage)?;
            for s in &step.steps {
                writeln!(out, "     - {s}")?;
            }
        }
    }
    if let Some(p) = &r.pay {
        writeln!(out, "\npay ({})", p.basis)?;
        writeln!(out, "  now         {:.0}–{:.0} USD a year, median {:.0}", p.now.p10, p.now.p90, p.now.p50)?;
        if let (Some(lv), Some(n)) = (&p.next_level, &p.next) {
            writeln!(out, "  level {lv:<5} {:.0}–{:.0} USD a year, median {:.0}", n.p10, n.p90, n.p50)?;
        }
    }
    if !r.certifications.is_empty() {
        writeln!(out, "\ncertifications")?;
        for c in &r.certifications {
            writeln!(out, "  {} — {} ({})", c.name, c.issuer, c.why)?;
        }
    }
    Ok(())
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}
