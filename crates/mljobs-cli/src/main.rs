//! The `mljobs` binary: clap subcommands over mljobs-core and mljobs-store.

mod alerts;
mod candidate;
mod commands;
mod config;
mod crawl;
mod demo;
mod pipeline;
mod sources;
mod trends;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: enrichment allocates many small strings per posting; glibc malloc cost ~15% of the
/// enrichment benchmark's instructions (measured with callgrind, docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = config::Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("MLJOBS_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,pdf_extract=error"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) if e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
