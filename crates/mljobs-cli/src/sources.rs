//! `mljobs sources …`: the boards to crawl, kept in the store.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mljobs_core::sources::{ListedBoard, SourceKind, SourceSpec, read_board_list};
use mljobs_store::Store;
use serde::Serialize;

use crate::config::{Cli, SourcesCommand};
use crate::outln;

/// Rejected rows printed in text mode before "… and N more".
const SHOWN_ERRORS: usize = 20;

pub fn run(cli: &Cli, command: &SourcesCommand) -> Result<ExitCode> {
    match command {
        SourcesCommand::Add { specs, json } => add(cli, specs, *json),
        SourcesCommand::Import { file, json } => import(cli, file, *json),
        SourcesCommand::List { kind, json } => list(cli, kind.as_deref(), *json),
        SourcesCommand::Remove { specs } => change(cli, specs, "removed", |store, specs| Ok(store.remove_sources(specs)?)),
        SourcesCommand::Disable { specs } => change(cli, specs, "disabled", |store, specs| Ok(store.set_sources_enabled(specs, false)?)),
        SourcesCommand::Enable { specs } => change(cli, specs, "enabled", |store, specs| Ok(store.set_sources_enabled(specs, true)?)),
    }
}

fn open(cli: &Cli) -> Result<Store> {
    let dir = cli.data_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating the data directory {}", dir.display()))?;
    Store::open(&dir).with_context(|| format!("opening the store in {}", dir.display()))
}

/// Every argument read as a spec or a board URL; all bad ones are named before anything changes.
fn parse_specs(args: &[String]) -> Result<Vec<SourceSpec>> {
    let (good, bad): (Vec<_>, Vec<_>) = args.iter().map(|a| SourceSpec::parse_or_url(a)).partition(Result::is_ok);
    if !bad.is_empty() {
        let reasons: Vec<String> = bad.into_iter().filter_map(Result::err).collect();
        bail!("{}", reasons.join("\n"));
    }
    Ok(good.into_iter().filter_map(Result::ok).collect())
}

#[derive(Serialize)]
struct Added<'a> {
    added: usize,
    already: usize,
    sources: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rejected: Vec<mljobs_core::sources::BoardListError>,
}

fn add(cli: &Cli, args: &[String], json: bool) -> Result<ExitCode> {
    let boards: Vec<ListedBoard> = parse_specs(args)?.into_iter().map(|spec| ListedBoard { spec, name: None }).collect();
    let mut store = open(cli)?;
    let done = store.add_sources(&boards, chrono::Utc::now())?;
    let sources = boards.iter().map(|b| b.spec.to_string()).collect();
    report(&Added { added: done.added, already: done.already, sources, file: None, rejected: Vec::new() }, json)
}

fn import(cli: &Cli, file: &std::path::Path, json: bool) -> Result<ExitCode> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {name}"))?;
    let (boards, rejected) = read_board_list(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let mut store = open(cli)?;
    let done = store.add_sources(&boards, chrono::Utc::now())?;
    let added = Added { added: done.added, already: done.already, sources: Vec::new(), file: Some(&name), rejected };
    if !json {
        for e in added.rejected.iter().take(SHOWN_ERRORS) {
            // The reason names the value when it is about the value.
            let value = if e.value.is_empty() || e.reason.contains(&e.value) { String::new() } else { format!(" {:?}", e.value) };
            eprintln!("{name}:{}: field `{}`{value}: {}", e.line, e.field, e.reason);
        }
        if added.rejected.len() > SHOWN_ERRORS {
            eprintln!("… and {} more rows skipped (--json lists every one)", added.rejected.len() - SHOWN_ERRORS);
        }
    }
    report(&added, json)
}

fn report(added: &Added<'_>, json: bool) -> Result<ExitCode> {
    if json {
        outln!("{}", serde_json::to_string_pretty(added)?);
    } else {
        let skipped = if added.rejected.is_empty() { String::new() } else { format!("; {} rows skipped", added.rejected.len()) };
        outln!("added {} ({} already present{skipped})", sources(added.added), added.already);
    }
    Ok(ExitCode::SUCCESS)
}

fn list(cli: &Cli, kind: Option<&str>, json: bool) -> Result<ExitCode> {
    let kind: Option<SourceKind> = kind.map(str::parse).transpose().map_err(anyhow::Error::msg)?;
    let dir = cli.data_dir();
    let rows = if Store::exists(&dir) { open(cli)?.sources()? } else { Vec::new() };
    let rows: Vec<_> = rows.into_iter().filter(|r| kind.is_none_or(|k| r.kind == k.name())).collect();
    if json {
        outln!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        outln!("no sources yet: add boards with `mljobs sources add greenhouse:TOKEN …` or `mljobs sources import FILE.csv`");
        return Ok(ExitCode::SUCCESS);
    }
    let day = |t: &Option<String>| t.as_deref().map_or("never".to_string(), |t| t.get(..16).unwrap_or(t).replace('T', " "));
    outln!(
        "{:<40} {:<22} {:<13} {:>6} {:>6} {:<17} {:<17} {:<17} {}",
        "SOURCE",
        "NAME",
        "STATE",
        "OPEN",
        "CLOSED",
        "LAST SUCCESS",
        "LAST ATTEMPT",
        "NEXT DUE",
        "STATUS"
    );
    for r in &rows {
        let state = match (r.enabled, r.consecutive_failures, r.failing) {
            (false, ..) => "disabled".to_string(),
            (true, 0, _) => "ok".to_string(),
            (true, n, true) => format!("FAILING ×{n}"),
            (true, n, false) => format!("failed ×{n}"),
        };
        let status = match (&r.last_http_status, &r.last_error) {
            (_, Some(e)) => e.clone(),
            (Some(s), None) => s.to_string(),
            (None, None) => "-".to_string(),
        };
        let name: String = r.name.as_deref().unwrap_or("-").chars().take(22).collect();
        let next = r.next_due_at.as_ref().map_or("next run".to_string(), |t| day(&Some(t.clone())));
        outln!(
            "{:<40} {:<22} {:<13} {:>6} {:>6} {:<17} {:<17} {:<17} {}",
            r.spec,
            name,
            state,
            r.open,
            r.closed,
            day(&r.last_success_at),
            day(&r.last_attempt_at),
            next,
            status
        );
    }
    let enabled = rows.iter().filter(|r| r.enabled).count();
    let failing = rows.iter().filter(|r| r.failing).count();
    outln!(
        "\n{}, {} enabled, {} failing ({}+ failed attempts in a row; they back off up to a day)",
        sources(rows.len()),
        enabled,
        failing,
        mljobs_store::FAILING_AFTER
    );
    Ok(ExitCode::SUCCESS)
}

fn change(cli: &Cli, args: &[String], done: &str, apply: impl FnOnce(&mut Store, &[SourceSpec]) -> Result<Vec<SourceSpec>>) -> Result<ExitCode> {
    let specs = parse_specs(args)?;
    if !Store::exists(&cli.data_dir()) {
        bail!("there are no sources in {}: nothing {done}", cli.data_dir().display());
    }
    let mut store = open(cli)?;
    let missing = apply(&mut store, &specs)?;
    for m in &missing {
        eprintln!("{m}: not a source (see mljobs sources list)");
    }
    outln!("{} {done}", sources(specs.len() - missing.len()));
    Ok(if missing.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// "1 source", "3 sources".
fn sources(n: usize) -> String {
    if n == 1 { "1 source".to_string() } else { format!("{n} sources") }
}
