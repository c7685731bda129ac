//! `reglament simulate`: what the regulation set does for citizen profiles.

use super::output::{self, Stdout};
use super::{Color, Exit, compile_clean, load};
use crate::date::Date;
use crate::model::Model;
use crate::simulate::{engine, profile, report};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Profile files: YAML, JSON (`.json`), or populations in JSON Lines (`.jsonl`) or CSV
    /// (`.csv`), which are simulated in batch and reported as JSON Lines; `-` reads YAML
    /// (or JSON) from standard input
    #[arg(required = true)]
    pub profiles: Vec<PathBuf>,

    /// In batch mode, stop at the first malformed row (by default it is reported and skipped)
    #[arg(long)]
    pub strict: bool,

    /// The regulation set: files or directories
    #[arg(long = "regulations", default_value = "regulations")]
    pub regulations: Vec<PathBuf>,

    /// Decide as of this date (YYYY-MM-DD); events after it are not applied [default: today]
    #[arg(long, value_parser = super::parse_date)]
    pub as_of: Option<Date>,

    /// Show every criterion and refusal ground with the values it read
    #[arg(long)]
    pub explain: bool,

    /// Also give each profile's personalised chain of this life situation: only the
    /// services that apply to the citizen, with their critical path and sequential days
    #[arg(long, value_name = "SITUATION")]
    pub chain: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = SimFormat::Human)]
    pub format: SimFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    /// A readable report per profile
    Human,
    /// A JSON array of reports (with the explanations when `--explain` is given)
    Json,
}

/// Simulates a population file row by row, JSON Lines to stdout, summary to stderr.
fn run_batch(model: &Model, path: &std::path::Path, jsonl: bool, as_of: Date, args: &SimulateArgs) -> Exit {
    use crate::simulate::batch::{self, Input};
    use std::io::IsTerminal;
    let shown = load::display(path);
    let file = match std::fs::File::open(path) {
        Ok(f) => std::io::BufReader::with_capacity(1 << 20, f),
        Err(e) => {
            eprintln!("error: cannot read `{shown}`: {e}");
            return Exit::Usage;
        }
    };
    let input = if jsonl { Input::JsonLines(file) } else { Input::Csv(file) };
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(format!("simulating {shown}"));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut report_error = |e: &batch::RowError| {
        bar.suspend(|| eprintln!("error: {shown}:{}: {}", e.line, e.message));
    };
    let progress = |rows: usize| bar.set_position(rows as u64);
    let result = batch::run(
        model,
        input,
        batch::Options { as_of, explain: args.explain, strict: args.strict },
        &mut out,
        &mut report_error,
        &progress,
    );
    use std::io::Write;
    let flushed = out.flush();
    bar.finish_and_clear();
    match result {
        Ok(summary) => {
            eprint!("{shown}: {}", summary.human());
            let exit = if summary.malformed > 0 { Exit::Problems } else { Exit::Clean };
            flushed.map_or_else(|e| output::failed_write(&e, exit), |()| exit)
        }
        // The row was reported as it was met.
        Err(batch::Failed::Row(_)) => Exit::Problems,
        Err(batch::Failed::Read(e)) => {
            eprintln!("error: cannot read `{shown}`: {e}");
            Exit::Usage
        }
        Err(batch::Failed::Write(e)) => output::failed_write(&e, Exit::Clean),
    }
}

pub fn run(args: &SimulateArgs, color: Color) -> Exit {
    let (_, model) = match compile_clean(&args.regulations, color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let graph = crate::graph::ServiceGraph::build(&model);
    if let Err(exit) = super::require_situation(&graph, args.chain.as_deref()) {
        return exit;
    }
    let as_of = args.as_of.unwrap_or_else(super::today);
    let mut reports = Vec::new();
    for path in &args.profiles {
        let shown = load::display(path);
        let batch = match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => Some(true),
            Some("csv") => Some(false),
            _ => None,
        };
        if let Some(jsonl) = batch {
            let exit = run_batch(&model, path, jsonl, as_of, args);
            if exit != Exit::Clean {
                return exit;
            }
            continue;
        }
        let text = match load::read_text(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::Usage;
            }
        };
        let json = path.extension().is_some_and(|e| e == "json");
        match profile::read(&model, &text, json) {
            Ok(profiles) => {
                for p in &profiles {
                    let mut report = engine::simulate(&model, p, as_of, args.explain);
                    if let Some(situation) = &args.chain {
                        match crate::simulate::personal::chain(&model, &graph, &report, situation) {
                            Ok(chain) => report.chain = Some(chain),
                            Err(e) => {
                                eprintln!("error: the chain of `{situation}`: {e:?}");
                                return Exit::Problems;
                            }
                        }
                    }
                    reports.push(report);
                }
            }
            Err(e) => {
                eprintln!("error: {shown}:{}:{}: {}", e.line, e.column, e.message);
                return Exit::Problems;
            }
        }
    }
    let mut out = Stdout::new();
    match args.format {
        SimFormat::Human => {
            let texts: Vec<String> = reports.iter().map(|r| report::human(r, args.explain)).collect();
            out.text(&texts.join("\n"));
        }
        SimFormat::Json => {
            out.line(&serde_json::to_string_pretty(&reports).expect("reports serialize"));
        }
    }
    out.finish(Exit::Clean)
}
