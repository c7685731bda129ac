//! `reglament check`: parse and check regulation files, report every problem.

use super::output::Stdout;
use super::{Color, Exit, load};
use crate::diagnostic::{self, Diagnostic};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check (directories are searched for `.rgl` files)
    #[arg(default_value = "regulations")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat a class of diagnostics as errors (`warnings`: exit 1 on any warning)
    #[arg(long, value_enum)]
    pub deny: Vec<Deny>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics drawn with the source for a terminal
    Human,
    /// One JSON document with every diagnostic and its line and column
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Serialize)]
struct JsonReport {
    files: usize,
    services: usize,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<diagnostic::JsonDiagnostic>,
}

pub fn run(args: &CheckArgs, color: Color) -> Exit {
    let sources = match load::load(&args.paths) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            // A machine reading JSON gets JSON, even when nothing could be checked.
            if args.format == Format::Json {
                let error = serde_json::json!({ "error": message, "exit_code": Exit::Usage as u8 });
                let mut out = Stdout::new();
                out.line(&serde_json::to_string_pretty(&error).expect("an error serializes"));
                return out.finish(Exit::Usage);
            }
            return Exit::Usage;
        }
    };
    let compiled = crate::compile(&sources);
    let services = compiled.services();
    let (errors, warnings) = (compiled.errors(), compiled.warnings());
    let mut out = Stdout::new();
    match args.format {
        Format::Human => {
            out.text(&diagnostic::render_human(&compiled.diagnostics, &sources, color.enabled()));
            let denied =
                if warnings > 0 && args.deny.contains(&Deny::Warnings) { " (warnings denied)" } else { "" };
            out.line(&format!("{}{denied}", summary(sources.len(), services, errors, warnings)));
        }
        Format::Json => {
            let report = JsonReport {
                files: sources.len(),
                services,
                errors,
                warnings,
                diagnostics: compiled.diagnostics.iter().map(|d| diagnostic::to_json(d, &sources)).collect(),
            };
            out.line(&serde_json::to_string_pretty(&report).expect("diagnostics serialize"));
        }
    }
    out.finish(exit_code(&compiled.diagnostics, args.deny.contains(&Deny::Warnings)))
}

fn exit_code(diagnostics: &[Diagnostic], deny_warnings: bool) -> Exit {
    let failing = diagnostics.iter().any(|d| d.is_error() || deny_warnings);
    if failing { Exit::Problems } else { Exit::Clean }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

fn summary(files: usize, services: usize, errors: usize, warnings: usize) -> String {
    let checked = format!("checked {} ({})", plural(files, "file"), plural(services, "service"));
    match (errors, warnings) {
        (0, 0) => format!("{checked}: no problems"),
        _ => format!("{checked}: {}, {}", plural(errors, "error"), plural(warnings, "warning")),
    }
}
