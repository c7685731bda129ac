//! `reglament simulate`: what the regulation set does for citizen profiles.

use super::{Color, Exit, compile_clean, load};
use crate::date::Date;
use crate::simulate::{engine, model::Model, profile, report};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Profile files (YAML, or JSON with a `.json` extension)
    #[arg(required = true)]
    pub profiles: Vec<PathBuf>,

    /// The regulation set: files or directories
    #[arg(long = "regulations", default_value = "regulations")]
    pub regulations: Vec<PathBuf>,

    /// Decide as of this date (YYYY-MM-DD); events after it are not applied [default: today]
    #[arg(long, value_parser = parse_date)]
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

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

/// Today's date from the system clock (UTC).
fn today() -> Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Date::from_day_number((secs / 86_400) as i64)
}

pub fn run(args: &SimulateArgs, color: Color) -> Exit {
    let (_, compiled) = match compile_clean(&args.regulations, color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let model = Model::compile(&compiled.modules);
    let graph = crate::graph::ServiceGraph::build(&compiled.modules);
    if let Some(s) = &args.chain {
        if !crate::graph::render::has_situation(&graph, s) {
            let names = graph.decls.situations.iter().map(|x| x.name.name.as_str());
            let hint = crate::check::symbols::suggest(s, names)
                .map(|x| format!("; did you mean `{x}`?"))
                .unwrap_or_default();
            eprintln!("error: no life situation named `{s}`{hint}");
            return Exit::Usage;
        }
    }
    let as_of = args.as_of.unwrap_or_else(today);
    let mut reports = Vec::new();
    for path in &args.profiles {
        let shown = load::display(path);
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{shown}`: {e}");
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
    match args.format {
        SimFormat::Human => {
            let texts: Vec<String> = reports.iter().map(|r| report::human(r, args.explain)).collect();
            print!("{}", texts.join("\n"));
        }
        SimFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&reports).expect("reports serialize"));
        }
    }
    Exit::Clean
}
