//! Stage 1: text → [`ast::Module`]. Never fails: what cannot be read becomes diagnostics,
//! and declarations after a broken one are still read.

pub mod ast;
mod depth;
mod errors;
mod parser;

pub(crate) use parser::{RglParser, Rule};

use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use parser::Builder;
use pest::Parser;

pub use depth::MAX_NESTING;

/// Parses one file.
pub fn parse(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> ast::Module {
    // The parser recurses on nesting: refuse absurd nesting before it can exhaust the stack.
    if let Some(d) = depth::check(file, text) {
        diagnostics.push(d);
        return ast::Module { file, decls: Vec::new(), broken: Vec::new() };
    }
    if let Some(module) = parse_by_declaration(file, text, diagnostics) {
        return module;
    }
    match RglParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let root = pairs.next().expect("the file rule yields one pair");
            Builder { file, offset: 0, diagnostics }.module(root)
        }
        // Recovery swallows bad declarations, so this is left for malformed text at the top.
        Err(error) => {
            diagnostics.push(errors::syntax_error(&error, file, 0, text));
            ast::Module { file, decls: Vec::new(), broken: Vec::new() }
        }
    }
}

/// The words that start a declaration, in both languages.
pub const DECLARATION_WORDS: &[&str] = &[
    "agency",
    "registry",
    "record",
    "enum",
    "parameter",
    "event",
    "service",
    "trigger",
    "situation",
    "ведомство",
    "реестр",
    "структура",
    "перечисление",
    "параметр",
    "событие",
    "услуга",
    "триггер",
    "ситуация",
];

/// Parses a well-formed file one declaration at a time, which keeps the parser's token
/// queue small (a large file parses much faster). Chunks start at lines that begin with a
/// declaration keyword. If any chunk has a syntax error, returns `None` and the caller
/// parses the whole file at once, so that errors and recovery never depend on chunking.
fn parse_by_declaration(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<ast::Module> {
    let mut module = ast::Module { file, decls: Vec::new(), broken: Vec::new() };
    let mut found = Vec::new();
    let starts = declaration_starts(text);
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let root = RglParser::parse(Rule::file, &text[start..end]).ok()?.next()?;
        if root.clone().into_inner().any(|p| p.as_rule() == Rule::bad_item) {
            return None;
        }
        let chunk = Builder { file, offset: start, diagnostics: &mut found }.module(root);
        module.decls.extend(chunk.decls);
    }
    diagnostics.extend(found);
    Some(module)
}

/// Offsets of the chunks: 0, then every line start where a declaration keyword stands.
fn declaration_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    let mut line = 0;
    while let Some(n) = memchr_newline(&bytes[line..]) {
        line += n + 1;
        let rest = &text[line..];
        let word_end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        if word_end > 0 && DECLARATION_WORDS.contains(&&rest[..word_end]) {
            starts.push(line);
        }
    }
    starts
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}
