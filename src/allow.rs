//! Allow comments: `// allow W0401: reason` (or `# разрешить W0401: причина`) on the lines
//! right before a declaration keeps that warning of the declaration from being reported,
//! as clippy's `#[allow]` does. The reason is required; the warnings left out are kept,
//! with it, for the JSON and SARIF outputs.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::DECLARATION_WORDS;

/// A warning left out by an allow comment, and why.
#[derive(Clone, Debug)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub reason: String,
    /// Said in the regulation (an allow comment), or on the command line.
    pub in_source: bool,
}

/// One allow comment: the code it allows over a range of its file.
struct Allow {
    code: Code,
    reason: String,
    /// From the declaration's first line to the next declaration's.
    scope: std::ops::Range<usize>,
}

/// Splits the diagnostics of `files` into those reported and those allowed; a malformed or
/// misplaced allow comment is reported itself (`E0009`).
pub fn apply(
    sources: &SourceMap,
    files: impl Iterator<Item = FileId>,
    diagnostics: Vec<Diagnostic>,
) -> (Vec<Diagnostic>, Vec<Suppressed>) {
    let mut allows: Vec<(FileId, Allow)> = Vec::new();
    let mut reported = Vec::new();
    for file in files {
        for result in comments(file, sources.text(file)) {
            match result {
                Ok(allow) => allows.push((file, allow)),
                Err(d) => reported.push(d),
            }
        }
    }
    let mut suppressed = Vec::new();
    for d in diagnostics {
        let span = d.primary.span;
        let allowed = allows.iter().find(|(file, a)| {
            *file == span.file && a.code == d.code && a.scope.contains(&(span.start as usize))
        });
        match allowed {
            Some((_, a)) => {
                suppressed.push(Suppressed { diagnostic: d, reason: a.reason.clone(), in_source: true })
            }
            None => reported.push(d),
        }
    }
    (reported, suppressed)
}

/// The text of a line comment (`//` or `#`), if the line is one.
fn comment(line: &str) -> Option<&str> {
    let t = line.trim_start();
    t.strip_prefix("//").or_else(|| t.strip_prefix('#')).map(str::trim)
}

/// The words that begin an allow comment, in both languages.
const ALLOW: &[&str] = &["allow", "разрешить"];

fn comments(file: FileId, text: &str) -> Vec<Result<Allow, Diagnostic>> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        })
        .collect();
    let starts_declaration = |line: &str| {
        let word = line.trim_start().split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("");
        DECLARATION_WORDS.contains(&word)
    };
    let mut out = Vec::new();
    for (i, &(start, line)) in lines.iter().enumerate() {
        let Some(body) = comment(line) else { continue };
        let Some(rest) = ALLOW.iter().find_map(|w| body.strip_prefix(w).filter(|r| r.starts_with(' ')))
        else {
            continue;
        };
        let at =
            Span::new(file, start + (line.len() - line.trim_start().len()), start + line.trim_end().len());
        let (code_text, reason) = rest.trim().split_once(':').unwrap_or((rest.trim(), ""));
        let code = Code::find(code_text);
        // The declaration it stands before: past blank lines and other comments.
        let target = lines[i + 1..].iter().find(|(_, l)| !l.trim().is_empty() && comment(l).is_none());
        let problem = match (code, target) {
            (None, _) => Some(format!("`{}` is not a diagnostic code", code_text.trim())),
            (Some(c), _) if c.severity() == Severity::Error => {
                Some(format!("`{}` is an error; only warnings can be allowed", c.as_str()))
            }
            _ if reason.trim().is_empty() => Some("an allow comment needs a reason after `:`".to_string()),
            (_, Some((_, l))) if starts_declaration(l) => None,
            _ => Some("an allow comment must stand right before a declaration".to_string()),
        };
        if let Some(message) = problem {
            let d = Diagnostic::new(Code::AllowComment, message, at, "this allow comment").with_help(
                "write `// allow W0401: why the warning does not apply` on the line before the declaration",
            );
            out.push(Err(d));
            continue;
        }
        let (Some(code), Some(&(from, _))) = (code, target) else { continue };
        let to =
            lines.iter().find(|(s, l)| *s > from && starts_declaration(l) && !l.starts_with([' ', '\t']));
        let scope = from..to.map_or(text.len(), |(s, _)| *s);
        out.push(Ok(Allow { code, reason: reason.trim().to_string(), scope }));
    }
    out
}
