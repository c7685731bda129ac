//! `reglament check`: parse and check regulation files, report every problem.

use super::output::Stdout;
use super::{Color, Exit, load};
use crate::allow::Suppressed;
use crate::diagnostic::{self, Code, Severity};
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

    /// Fail on warnings: `warnings` for all of them, or a warning's code (`W0401`);
    /// a denied code is reported as an error
    #[arg(long, value_name = "warnings|CODE", value_parser = denied)]
    pub deny: Vec<Deny>,

    /// Do not report a warning's code (`W0001`); JSON counts what was left out
    #[arg(long, value_name = "CODE", value_parser = warning_code)]
    pub allow: Vec<Code>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics drawn with the source for a terminal
    Human,
    /// One JSON document with every diagnostic and its line and column
    Json,
    /// One line per diagnostic: `file:line:column: error[CODE]: message`
    Short,
    /// GitHub Actions workflow commands, which annotate the lines of a pull request
    Github,
    /// SARIF 2.1.0 for code-scanning services; allowed warnings listed as suppressed
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deny {
    Warnings,
    Code(Code),
}

/// A warning's code, as `--allow` and `--deny` take it: errors cannot be allowed, and
/// are denied already.
fn warning_code(text: &str) -> Result<Code, String> {
    match Code::find(text) {
        Some(c) if c.severity() == Severity::Warning => Ok(c),
        Some(c) => Err(format!("`{}` is an error; only warnings can be allowed or denied", c.as_str())),
        None => Err(format!("`{text}` is not a diagnostic code (they are listed in docs/language.md)")),
    }
}

fn denied(text: &str) -> Result<Deny, String> {
    if text == "warnings" { Ok(Deny::Warnings) } else { warning_code(text).map(Deny::Code) }
}

#[derive(Serialize)]
struct JsonReport {
    files: usize,
    services: usize,
    errors: usize,
    warnings: usize,
    /// Warnings left out with `--allow` or an allow comment.
    suppressed: usize,
    diagnostics: Vec<diagnostic::JsonDiagnostic>,
    /// The warnings left out, each with its reason.
    suppressed_diagnostics: Vec<JsonSuppressed>,
}

#[derive(Serialize)]
struct JsonSuppressed {
    #[serde(flatten)]
    diagnostic: diagnostic::JsonDiagnostic,
    reason: String,
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
    // Allowed warnings are left out; denied ones become errors.
    let (allowed, mut diagnostics): (Vec<_>, Vec<_>) =
        compiled.diagnostics.into_iter().partition(|d| args.allow.contains(&d.code));
    let mut allowed: Vec<Suppressed> = allowed
        .into_iter()
        .map(|diagnostic| Suppressed { diagnostic, reason: "allowed with --allow".into(), in_source: false })
        .collect();
    allowed.extend(compiled.suppressed);
    let suppressed = allowed.len();
    for d in &mut diagnostics {
        if args.deny.contains(&Deny::Code(d.code)) {
            d.severity = Severity::Error;
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let deny_warnings = args.deny.contains(&Deny::Warnings);
    let summary = summary(sources.len(), services, errors, warnings);
    let mut out = Stdout::new();
    match args.format {
        Format::Human => {
            out.text(&diagnostic::render_human(&diagnostics, &sources, color.enabled()));
            let denied = if warnings > 0 && deny_warnings { " (warnings denied)" } else { "" };
            out.line(&format!("{summary}{denied}"));
        }
        Format::Json => {
            let report = JsonReport {
                files: sources.len(),
                services,
                errors,
                warnings,
                suppressed,
                diagnostics: diagnostics.iter().map(|d| diagnostic::to_json(d, &sources)).collect(),
                suppressed_diagnostics: allowed
                    .iter()
                    .map(|s| JsonSuppressed {
                        diagnostic: diagnostic::to_json(&s.diagnostic, &sources),
                        reason: s.reason.clone(),
                    })
                    .collect(),
            };
            out.line(&serde_json::to_string_pretty(&report).expect("diagnostics serialize"));
        }
        Format::Short => {
            for d in diagnostics.iter().map(|d| diagnostic::to_json(d, &sources)) {
                out.line(&format!(
                    "{}:{}:{}: {}[{}]: {}",
                    d.file,
                    d.line,
                    d.column,
                    severity_word(d.severity),
                    d.code,
                    one_line(&d.message)
                ));
            }
            out.line(&summary);
        }
        Format::Sarif => out.line(&super::sarif::log(&diagnostics, &allowed, &sources)),
        Format::Github => {
            for d in diagnostics.iter().map(|d| diagnostic::to_json(d, &sources)) {
                let level = if d.severity == Severity::Error || deny_warnings { "error" } else { "warning" };
                // The title carries the code and the message; the body what is wrong here
                // and how to fix it.
                let message = match &d.help {
                    Some(help) => format!("{}\n{help}", d.label),
                    None => d.label.clone(),
                };
                out.line(&format!(
                    "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                    github_property(&d.file),
                    d.line,
                    d.column,
                    d.end_line,
                    d.end_column,
                    github_property(&format!("{} {}", d.code, d.message)),
                    github_data(&message)
                ));
            }
            out.line(&summary);
        }
    }
    let failing = errors > 0 || (deny_warnings && warnings > 0);
    out.finish(if failing { Exit::Problems } else { Exit::Clean })
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A message on one line (a title may not hold a line end, but a message quotes names).
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// Text as a workflow command's data: `%`, carriage returns and line feeds escaped.
fn github_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Text as a workflow command's property: its data escapes, and `:` and `,` too.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
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
