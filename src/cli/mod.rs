//! The command line: one file per subcommand, typed exit codes.

mod chains;
mod check;
mod completions;
mod evaluate;
mod evaluate_groups;
pub mod explain;
mod fmt;
mod graph;
mod list;
pub mod load;
mod man;
mod output;
mod sarif;
mod schema;
mod simulate;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Compiler and checker for digital administrative regulations (`.rgl` files).
#[derive(Parser, Debug)]
#[command(name = "reglament", version, about, long_about = None)]
pub struct Cli {
    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check regulation files and report every problem found
    Check(check::CheckArgs),
    /// Write regulation files in the canonical layout (`--check`: only list what would change)
    Fmt(fmt::FmtArgs),
    /// Show the chain of services a life situation or an event sets off
    Chains(chains::ChainsArgs),
    /// Draw the service graph (DOT, Mermaid or JSON)
    Graph(graph::GraphArgs),
    /// Simulate citizen profiles: what starts, what is granted or refused, what stops
    Simulate(simulate::SimulateArgs),
    /// Print the JSON Schema of the profiles a regulation set accepts
    Schema(schema::SchemaArgs),
    /// Evaluate one service for every row of a CSV table, or every group of a groups table
    /// and its members' table
    Evaluate(Box<evaluate::EvaluateArgs>),
    /// Run the regulation tests (`*.test.yaml`) beside the regulations
    Test(test::TestArgs),
    /// Explain a diagnostic code, with an example and how to fix it
    Explain(explain::ExplainArgs),
    /// List the situations, services, events and parameters of a set, with their titles
    List(list::ListArgs),
    /// Serve editors over the Language Server Protocol (standard input and output)
    Lsp,
    /// Print the manual page (roff: `reglament man > reglament.1; man ./reglament.1`)
    Man,
    /// Print a shell's completion script (`reglament completions bash > …`)
    Completions(completions::CompletionsArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when writing to a terminal and NO_COLOR is not set
    Auto,
    Always,
    Never,
}

impl Color {
    pub fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// How a run ended, as the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Nothing to report, or only warnings that were not denied.
    Clean = 0,
    /// Errors in the regulations (or denied warnings).
    Problems = 1,
    /// Bad usage or unreadable input.
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let exit = match &cli.command {
        Command::Check(args) => check::run(args, cli.color),
        Command::Fmt(args) => fmt::run(args),
        Command::Chains(args) => chains::run(args, cli.color),
        Command::Graph(args) => graph::run(args, cli.color),
        Command::Simulate(args) => simulate::run(args, cli.color),
        Command::Schema(args) => schema::run(args, cli.color),
        Command::Evaluate(args) => evaluate::run(args, cli.color),
        Command::Test(args) => test::run(args, cli.color),
        Command::Explain(args) => explain::run(args),
        Command::List(args) => list::run(args, cli.color),
        Command::Man => man::run(),
        Command::Lsp => match crate::lsp::run_stdio() {
            Ok(()) => Exit::Clean,
            Err(e) => {
                eprintln!("error: the language server stopped: {e}");
                Exit::Usage
            }
        },
        Command::Completions(args) => completions::run(args),
    };
    exit.into()
}

/// Today's date from the system clock (UTC).
pub fn today() -> crate::date::Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    crate::date::Date::from_day_number((secs / 86_400) as i64)
}

/// Loads and compiles a regulation set for a command that needs it clean: on errors, they
/// are shown on stderr and the command ends with exit code 1 (2 if files cannot be read).
fn compile_clean(
    paths: &[std::path::PathBuf],
    color: Color,
) -> Result<(crate::source::SourceMap, crate::model::Model), Exit> {
    let sources = load::load(paths).map_err(|message| {
        eprintln!("error: {message}");
        Exit::Usage
    })?;
    let compiled = crate::compile(&sources);
    if compiled.errors() > 0 {
        let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
        let enabled = color.enabled() && std::io::stderr().is_terminal();
        eprint!("{}", crate::diagnostic::render_human(&errors, &sources, enabled));
        eprintln!(
            "error: the regulation set has {} error(s); fix them first (`reglament check`)",
            compiled.errors()
        );
        return Err(Exit::Problems);
    }
    let model = compiled.into_model().expect("a set without errors has a model");
    Ok((sources, model))
}

/// Checks that a situation named on the command line exists (a usage error otherwise).
fn require_situation(graph: &crate::graph::ServiceGraph, name: Option<&str>) -> Result<(), Exit> {
    let Some(name) = name else { return Ok(()) };
    if crate::graph::render::has_situation(graph, name) {
        return Ok(());
    }
    let names = graph.model.situations.iter().map(|x| &*x.name.text);
    let hint = crate::check::symbols::suggest(name, names)
        .map(|x| format!("; did you mean `{x}`?"))
        .unwrap_or_default();
    eprintln!("error: no life situation named `{name}`{hint}");
    Err(Exit::Usage)
}

/// A date option's value (`YYYY-MM-DD`).
fn parse_date(text: &str) -> Result<crate::date::Date, String> {
    crate::date::Date::parse(text).ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
}
