//! `reglament fmt`: one canonical layout for `.rgl` files. The formatter walks the parse
//! tree (which keeps every token in order, as written), prints each declaration and
//! property on its own line, keywords in one language, long conditions broken before
//! `and`/`or` by a pretty-printer, and puts every comment back beside the code it stood
//! beside. Before its output is used it is parsed again: the syntax tree must be the
//! original's and every comment must be there, or nothing is written.

mod comments;
mod layout;

/// The keywords of the language, in English and Russian.
pub fn keywords() -> impl Iterator<Item = (&'static str, &'static str)> {
    layout::KEYWORDS.iter().map(|k| (k.1, k.2))
}

/// Whether a token of the grammar is a keyword.
pub(crate) fn is_keyword(rule: Rule) -> bool {
    layout::KEYWORDS.iter().any(|k| k.0 == rule)
}

/// Where the comments of a text are (byte ranges).
pub fn comment_ranges(text: &str) -> Vec<(usize, usize)> {
    comments::scan(text).into_iter().map(|c| (c.offset, c.offset + c.text.len())).collect()
}

use crate::source::FileId;
use crate::syntax::{RglParser, Rule};
use pest::Parser;

/// The language keywords are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Keywords {
    /// English: `service`, `input`, `criterion` …
    En,
    /// Russian: `услуга`, `вход`, `критерий` …
    Ru,
}

#[derive(Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The text does not parse: `reglament check` says where.
    Syntax,
    /// The formatted text would not mean the same (a bug in the formatter): nothing is written.
    Changed(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax => f.write_str("the file has syntax errors; `reglament check` shows them"),
            FormatError::Changed(what) => {
                write!(f, "formatting would change the file's meaning ({what}); it is left as it is")
            }
        }
    }
}

/// The text in the canonical layout, keywords in `keywords` (or in the language most of
/// the file's keywords are in).
pub fn format(text: &str, keywords: Option<Keywords>) -> Result<String, FormatError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let root = parse(text)?;
    let lang = keywords.unwrap_or_else(|| layout::language(root.clone()));
    let out = layout::file(root, text, lang);
    verify(text, &out)?;
    Ok(out)
}

/// Whether the text does not follow the grammar (other problems are `check`'s to report;
/// the formatter keeps them as they are).
fn unreadable(diagnostics: &[crate::diagnostic::Diagnostic]) -> bool {
    use crate::diagnostic::Code;
    diagnostics.iter().any(|d| matches!(d.code, Code::Syntax | Code::TooDeep))
}

fn parse(text: &str) -> Result<pest::iterators::Pair<'_, Rule>, FormatError> {
    let mut diagnostics = Vec::new();
    crate::syntax::parse(FileId(0), text, &mut diagnostics);
    if unreadable(&diagnostics) {
        return Err(FormatError::Syntax);
    }
    RglParser::parse(Rule::file, text).ok().and_then(|mut p| p.next()).ok_or(FormatError::Syntax)
}

/// The formatted text parses to the same tree, with the same comments.
fn verify(before: &str, after: &str) -> Result<(), FormatError> {
    let tree = |text: &str| {
        let mut diagnostics = Vec::new();
        let module = crate::syntax::parse(FileId(0), text, &mut diagnostics);
        (!unreadable(&diagnostics)).then(|| without_spans(&format!("{:?}", module.decls)))
    };
    match (tree(before), tree(after)) {
        (Some(a), Some(b)) if a == b => {}
        (_, None) => return Err(FormatError::Changed("the output does not parse".into())),
        _ => return Err(FormatError::Changed("the syntax tree differs".into())),
    }
    let texts = |t: &str| {
        let mut c: Vec<String> = comments::scan(t).into_iter().map(|c| c.text).collect();
        c.sort();
        c
    };
    if texts(before) != texts(after) {
        return Err(FormatError::Changed("a comment would be lost".into()));
    }
    Ok(())
}

/// A `Debug` rendering with every `Span { … }` removed.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        rest = tail.find('}').map_or("", |j| &tail[j + 1..]);
    }
    out.push_str(rest);
    out
}
