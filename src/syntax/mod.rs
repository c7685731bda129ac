//! Stage 1: text → [`ast::Module`]. Never fails: what cannot be read becomes diagnostics,
//! and declarations after a broken one are still read.

pub mod ast;
mod depth;
mod errors;
mod parser;

use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use pest::Parser;
use parser::{Builder, RglParser, Rule};

pub use depth::MAX_NESTING;

/// Parses one file.
pub fn parse(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> ast::Module {
    // The parser recurses on nesting: refuse absurd nesting before it can exhaust the stack.
    if let Some(d) = depth::check(file, text) {
        diagnostics.push(d);
        return ast::Module { file, decls: Vec::new(), broken: Vec::new() };
    }
    match RglParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let root = pairs.next().expect("the file rule yields one pair");
            Builder { file, diagnostics }.module(root)
        }
        // Recovery swallows bad declarations, so this is left for malformed text at the top.
        Err(error) => {
            diagnostics.push(errors::syntax_error(&error, file, 0, text));
            ast::Module { file, decls: Vec::new(), broken: Vec::new() }
        }
    }
}
