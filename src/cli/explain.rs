//! `reglament explain CODE`: what a diagnostic code means, an example that gives it and how
//! to fix it — the code's section of `docs/codes.md`, which a test keeps true.

use super::Exit;
use super::output::Stdout;
use crate::diagnostic::Code;
use clap::Args;

const CODES: &str = include_str!("../../docs/codes.md");

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A diagnostic code, such as `E0101` or `W0401`
    pub code: String,
}

/// The section of `docs/codes.md` about a code, without its heading's `## `.
pub fn section(code: Code) -> Option<&'static str> {
    let heading = format!("## {}:", code.as_str());
    let start = CODES.find(&heading)? + 3;
    let end = CODES[start..].find("\n## ").map_or(CODES.len(), |i| start + i + 1);
    Some(CODES[start..end].trim_end())
}

pub fn run(args: &ExplainArgs) -> Exit {
    let Some(text) = Code::find(&args.code).and_then(section) else {
        let codes = Code::ALL.iter().map(|c| c.as_str());
        let hint = crate::check::symbols::suggest(&args.code.to_uppercase(), codes)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        eprintln!("error: `{}` is not a diagnostic code{hint}", args.code);
        return Exit::Usage;
    };
    let mut out = Stdout::new();
    out.line(text);
    out.finish(Exit::Clean)
}
