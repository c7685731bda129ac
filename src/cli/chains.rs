//! `reglament chains`: the chain of services a life situation or an event sets off.

use super::output::Stdout;
use super::{Color, Exit, compile_clean};
use crate::date::Date;
use crate::graph::ServiceGraph;
use crate::graph::chains::{ChainError, chain};
use crate::graph::render;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ChainsArgs {
    /// A life situation or an event
    pub target: String,

    /// Files or directories of the regulation set
    #[arg(default_value = "regulations")]
    pub paths: Vec<PathBuf>,

    /// Count from this date (YYYY-MM-DD): working days on the production calendar, every
    /// figure in calendar days and dates; without it, calendar and working days are shown
    /// apart
    #[arg(long, value_parser = super::parse_date)]
    pub from: Option<Date>,

    /// Output format
    #[arg(long, value_enum, default_value_t = ChainFormat::Human)]
    pub format: ChainFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChainFormat {
    /// A table of steps and the totals
    Human,
    /// The chain as JSON
    Json,
    /// A Mermaid Gantt chart of the stages
    Mermaid,
}

pub fn run(args: &ChainsArgs, color: Color) -> Exit {
    let (_, model) = match compile_clean(&args.paths, color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let graph = ServiceGraph::build(&model);
    match chain(&graph, &args.target, args.from) {
        Ok(chain) if args.format == ChainFormat::Mermaid && has_working_days(&chain) => {
            eprintln!(
                "error: `{}` has deadlines in working days: give `--from DATE` to place them on the production calendar",
                args.target
            );
            Exit::Usage
        }
        Ok(chain) => {
            let text = match args.format {
                ChainFormat::Human => render::chain_human(&chain),
                ChainFormat::Json => serde_json::to_string_pretty(&chain).expect("chain serializes") + "\n",
                ChainFormat::Mermaid => render::chain_mermaid(&chain),
            };
            let mut out = Stdout::new();
            out.text(&text);
            out.finish(Exit::Clean)
        }
        Err(ChainError::Unknown { name, suggestion }) => {
            let hint = suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
            eprintln!("error: no life situation or event named `{name}`{hint}");
            Exit::Usage
        }
        Err(ChainError::Calendar(year)) => {
            eprintln!(
                "error: the production calendar does not declare {year}: working days from {} cannot be counted; declare the year, or count from another date",
                args.from.map(|d| d.to_string()).unwrap_or_default()
            );
            Exit::Problems
        }
        Err(ChainError::Cycle(services)) => {
            eprintln!(
                "error: the services of `{}` depend on each other in a cycle (at `{}`)",
                args.target,
                services.join("`, `")
            );
            Exit::Problems
        }
    }
}

/// Whether a chain without a start date holds working days (a Gantt chart needs one axis).
fn has_working_days(chain: &crate::graph::chains::Chain) -> bool {
    chain.from.is_none() && chain.steps.iter().any(|s| s.finish_working_days > 0)
}
