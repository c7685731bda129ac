//! A lexical pre-scan that bounds nesting (brackets, `if`, `not`, unary minus, `list<`)
//! so that deeply nested input gets a diagnostic instead of overflowing the parser's stack.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// Deepest nesting accepted, far beyond anything a regulation needs.
pub const MAX_NESTING: usize = 100;

pub fn check(file: FileId, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    let mut prefix_run: usize = 0;
    let mut open_angles: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                prefix_run = 0;
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
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' => prefix_run += 1,
            b'>' if open_angles > 0 => {
                open_angles -= 1;
                depth = depth.saturating_sub(1);
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ if b == b'_' || b.is_ascii_alphabetic() || b >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric() || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                match &text[start..i] {
                    "if" | "если" => {
                        depth += 1;
                        prefix_run = 0;
                    }
                    "list" | "список" => {
                        depth += 1;
                        open_angles += 1;
                        prefix_run = 0;
                    }
                    "else" | "иначе" => depth = depth.saturating_sub(1),
                    "not" | "не" => prefix_run += 1,
                    _ => prefix_run = 0,
                }
                if depth > MAX_NESTING || prefix_run > MAX_NESTING {
                    return Some(too_deep(file, start, i));
                }
                continue;
            }
            _ => prefix_run = 0,
        }
        i += 1;
        if depth > MAX_NESTING || prefix_run > MAX_NESTING {
            return Some(too_deep(file, start, i));
        }
    }
    None
}

fn skip_line(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] != b'\n' {
        i += 1;
    }
    i
}

fn too_deep(file: FileId, start: usize, end: usize) -> Diagnostic {
    super::errors::too_deep_text(Span::new(file, start, end), MAX_NESTING)
}
