//! Source files and spans. Positions for machine output (line and column) come from
//! codespan-reporting's file index; the terminal renderer (miette) reads the same text.

use codespan_reporting::files::{Files, SimpleFiles};
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one file. Owned, so the AST carries no parser lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start: start as u32, end: end as u32 }
    }

    /// The smallest span covering both (same file).
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Text as part of a URI: every byte but letters, digits, `-._~` and those in `keep`
/// percent-encoded (names and paths may be Cyrillic).
pub fn percent_encoded(text: &str, keep: &[u8]) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One file's name and text, as miette reads it.
pub struct SourceFile {
    name: String,
    text: Arc<str>,
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_bytes().read_span(span, before, after)?;
        // miette counts the column of the location header in bytes; authors count characters.
        let start = span.offset().min(self.text.len());
        let line_start = self.text.get(..start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let column = if before == 0 {
            self.text.get(line_start..start).map_or(inner.column(), |t| t.chars().count())
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// All files of one run.
#[derive(Default)]
pub struct SourceMap {
    files: SimpleFiles<String, Arc<str>>,
    named: Vec<SourceFile>,
    /// Files that are not UTF-8, with the offset of their first bad byte (a `�` in the
    /// text kept).
    undecodable: Vec<(FileId, usize)>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let (name, text): (String, Arc<str>) = (name.into(), text.into());
        self.named.push(SourceFile { name: name.clone(), text: text.clone() });
        FileId(self.files.add(name, text) as u32)
    }

    /// Adds a file's bytes: text if they are UTF-8, else the text with each byte that is
    /// not replaced by `�` (for showing), remembered as undecodable.
    pub fn add_bytes(&mut self, name: impl Into<String>, bytes: Vec<u8>) -> FileId {
        match String::from_utf8(bytes) {
            Ok(text) => self.add(name, text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let id = self.add(name, String::from_utf8_lossy(e.as_bytes()).into_owned());
                self.undecodable.push((id, at));
                id
            }
        }
    }

    /// The files that are not UTF-8, and where their first bad byte is.
    pub fn undecodable(&self) -> &[(FileId, usize)] {
        &self.undecodable
    }

    pub fn len(&self) -> usize {
        self.named.len()
    }

    pub fn is_empty(&self) -> bool {
        self.named.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> + use<> {
        (0..self.named.len() as u32).map(FileId)
    }

    pub fn name(&self, file: FileId) -> &str {
        &self.named[file.0 as usize].name
    }

    pub fn text(&self, file: FileId) -> &str {
        &self.named[file.0 as usize].text
    }

    /// A file's text, shared.
    pub fn shared_text(&self, file: FileId) -> Arc<str> {
        self.named[file.0 as usize].text.clone()
    }

    pub fn named(&self, file: FileId) -> &SourceFile {
        &self.named[file.0 as usize]
    }

    /// Line and column of a byte offset, from codespan-reporting's line index.
    pub fn position(&self, file: FileId, offset: usize) -> Position {
        let id = file.0 as usize;
        let text = self.text(file);
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        match self.files.location(id, offset) {
            Ok(loc) => Position { line: loc.line_number, column: loc.column_number },
            Err(_) => Position { line: 1, column: 1 },
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }
}
