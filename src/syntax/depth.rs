//! A lexical pre-scan that bounds nesting (brackets, `if`, `not`, unary minus, `list<`)
//! so that deeply nested input gets a diagnostic instead of overflowing the parser's stack.
//!
//! Brackets nest until they close. An `if` holds the parser's stack until its `else`
//! branch ends, which no token marks: it counts until the bracket around it closes (an
//! over-estimate), except that `else if` continues a chain, which the grammar reads as a
//! repetition, not a recursion.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// Deepest bracket nesting accepted, far beyond anything a regulation needs.
pub const MAX_NESTING: usize = 100;

/// Open `if`s accepted at once; generous, since conditions written one after another in a
/// service all count until its closing brace.
pub const MAX_CONDITIONS: usize = 1000;

pub fn check(file: FileId, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    // Open `if`s in each open bracket, the outermost first, and in all.
    let mut brackets: Vec<usize> = vec![0];
    let mut conditions: usize = 0;
    let mut prefix_run: usize = 0;
    let mut open_angles: usize = 0;
    let mut after_else = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let mut word_else = false;
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                prefix_run = 0;
                after_else = false;
                continue;
            }
            b'#' => {
                i = skip_line(bytes, i);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = skip_line(bytes, i);
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' | b'[' | b'{' => brackets.push(0),
            b')' | b']' | b'}' => close(&mut brackets, &mut conditions),
            b'-' => prefix_run += 1,
            b'>' if open_angles > 0 => {
                open_angles -= 1;
                close(&mut brackets, &mut conditions);
            }
            _ if b == b'_' || b.is_ascii_alphabetic() || b >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric() || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                match &text[start..i] {
                    "if" | "если" => {
                        if !after_else {
                            *brackets.last_mut().expect("the file's level") += 1;
                            conditions += 1;
                        }
                        prefix_run = 0;
                    }
                    "list" | "список" => {
                        brackets.push(0);
                        open_angles += 1;
                        prefix_run = 0;
                    }
                    "else" | "иначе" => word_else = true,
                    "not" | "не" => prefix_run += 1,
                    _ => prefix_run = 0,
                }
                after_else = word_else;
                if let Some(d) = limit(file, start, i, &brackets, conditions, prefix_run) {
                    return Some(d);
                }
                continue;
            }
            _ => prefix_run = 0,
        }
        after_else = false;
        i += 1;
        if let Some(d) = limit(file, start, i, &brackets, conditions, prefix_run) {
            return Some(d);
        }
    }
    None
}

/// A closing bracket ends the `if`s opened inside it.
fn close(brackets: &mut Vec<usize>, conditions: &mut usize) {
    if brackets.len() > 1 {
        *conditions -= brackets.pop().unwrap_or(0);
    }
}

fn limit(
    file: FileId,
    start: usize,
    end: usize,
    brackets: &[usize],
    conditions: usize,
    prefix_run: usize,
) -> Option<Diagnostic> {
    let span = Span::new(file, start, end);
    if brackets.len() - 1 > MAX_NESTING || prefix_run > MAX_NESTING {
        Some(super::errors::too_deep_text(span, MAX_NESTING))
    } else if conditions > MAX_CONDITIONS {
        Some(super::errors::too_deep_text(span, MAX_CONDITIONS))
    } else {
        None
    }
}

fn skip_line(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] != b'\n' {
        i += 1;
    }
    i
}
