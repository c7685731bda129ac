//! Source files and spans. Positions for machine output (line and column) come from
//! codespan-reporting's file index; the terminal renderer (miette) reads the same text.

use codespan_reporting::files::{Files, SimpleFiles};
use miette::NamedSource;

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

/// A 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// All files of one run.
#[derive(Default)]
pub struct SourceMap {
    files: SimpleFiles<String, String>,
    named: Vec<NamedSource<String>>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let (name, text) = (name.into(), text.into());
        self.named.push(NamedSource::new(name.clone(), text.clone()).with_language("rgl"));
        FileId(self.files.add(name, text) as u32)
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
        self.named[file.0 as usize].name()
    }

    pub fn text(&self, file: FileId) -> &str {
        self.named[file.0 as usize].inner()
    }

    pub fn named(&self, file: FileId) -> &NamedSource<String> {
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
