//! The one diagnostic type of the compiler, its stable codes, and its two renderings:
//! miette for the terminal, JSON with positions from the source map's line index.

use crate::source::{FileId, SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;
use std::fmt::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// Stable diagnostic codes. `E…` are errors, `W…` warnings; a code is never reused.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }

            /// The code written as text, in either case (`w0401`).
            pub fn find(text: &str) -> Option<Code> {
                Self::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }

            /// One line for the reference table in `docs/language.md`.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }
        }
    };
}

codes! {
    Syntax = "E0001", Error, "the text does not follow the grammar";
    TooDeep = "E0002", Error, "expressions or blocks are nested too deeply";
    InvalidLiteral = "E0003", Error, "a date, number or amount literal is not valid";
    DuplicateProperty = "E0004", Error, "a property that may appear once is given twice";
    MissingProperty = "E0005", Error, "a required property is missing";
    UnknownValue = "E0006", Error, "a property value is not one of its allowed words";
    InvalidIdentifier = "E0007", Error, "a SNILS, INN or OGRN literal has a bad format or check digit";
    NotUtf8 = "E0008", Error, "a file is not UTF-8 text";
    AllowComment = "E0009", Error, "an allow comment is malformed or misplaced";
    Undefined = "E0101", Error, "a name is not declared";
    Duplicate = "E0102", Error, "a name is declared twice";
    WrongKind = "E0103", Error, "a name refers to the wrong kind of declaration";
    UnknownField = "E0104", Error, "a person, group, record or event has no such field";
    UnknownType = "E0105", Error, "a type name is not known";
    TypeMismatch = "E0201", Error, "operand or value types do not fit together";
    NotBoolean = "E0202", Error, "a criterion, refusal ground or condition is not boolean";
    BadCall = "E0203", Error, "a function is called with the wrong arguments";
    SourceMismatch = "E0204", Error, "an input's declared type differs from its source's type";
    NotConstant = "E0205", Error, "a parameter value is not a literal";
    CyclicFact = "E0206", Error, "derived facts depend on each other in a cycle";
    NegativeDeadline = "E0301", Error, "a deadline is negative";
    PeriodOverlap = "E0302", Error, "parameter periods overlap";
    PeriodGap = "E0303", Error, "parameter periods leave a gap";
    PeriodReversed = "E0304", Error, "a parameter period ends before it starts";
    ProceduresTooLong = "E0305", Error, "procedures take longer than the service deadline";
    MissingKey = "E0306", Error, "a keyed parameter's period does not give one value for every key";
    ScaleBrackets = "E0307", Error, "a scale's brackets do not start at zero or do not rise";
    CalendarDay = "E0308", Error, "a production calendar's day is outside its year, listed as both, or not a day it could move";
    SecondCalendar = "E0309", Error, "a set declares more than one production calendar";
    Cycle = "E0401", Error, "services depend on each other in a cycle";
    Unprovided = "E0402", Error, "an input's source is never available to its service";
    SameRecord = "E0403", Error, "two services record the same fact";
    UnboundRole = "E0501", Error, "a service reads a role the event that starts it does not bind";
    SeveralInRole = "E0502", Error, "a role that can hold several persons is read as one";
    WrongEntity = "E0503", Error, "a group's fact is read of a person, or a person's of a group";
    Cardinality = "E0504", Error, "a role's count of members can never hold";
    RoleKind = "E0505", Error, "a subject, applicant or recipient is not a fitting role";
    PersonEntity = "E0506", Error, "a set declares more than one `person`";
    ScheduledEvent = "E0507", Error, "a scheduled event does not bind exactly one role, or carries fields";
    Unused = "W0001", Warning, "a declaration is never used";
    NoTerritory = "W0002", Warning, "a regional or municipal agency has no territory";
    NoLegalBasis = "W0003", Warning, "a service cites no legal basis";
    AskedForHeldData = "W0401", Warning, "the applicant is asked for data the state already holds";
    Unreachable = "W0402", Warning, "no event, trigger or life situation reaches a service";
    NoDeathStop = "W0403", Warning, "a periodic payment does not stop on the holder's death";
    ProactiveWithoutConsent = "W0404", Warning, "a proactive trigger has no consent policy or notification channel";
    SituationUnbound = "W0405", Warning, "a life situation lists a service whose subject its entry event does not bind";
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's own severity.
    pub fn new(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Label { span, message: label.into() },
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label { span, message: message.into() });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, position and code so output never depends on check order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.primary.span.file, a.primary.span.start, a.code, &a.message).cmp(&(
            b.primary.span.file,
            b.primary.span.start,
            b.code,
            &b.message,
        ))
    });
}

/// A diagnostic joined with its file, in the shape miette renders.
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    sources: &'a SourceMap,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = self.diagnostic;
        // Labels in other files cannot be drawn in this file's snippet: they become notes.
        let elsewhere: Vec<String> = d
            .secondary
            .iter()
            .filter(|l| l.span.file != d.primary.span.file)
            .map(|l| {
                let p = self.sources.position(l.span.file, l.span.start as usize);
                format!("{} ({}:{}:{})", l.message, self.sources.name(l.span.file), p.line, p.column)
            })
            .collect();
        let text: Vec<String> = d.help.iter().cloned().chain(elsewhere).collect();
        (!text.is_empty()).then(|| Box::new(text.join("\n")) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.sources.named(self.diagnostic.primary.span.file))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let file = d.primary.span.file;
        let primary =
            LabeledSpan::new_primary_with_span(Some(d.primary.message.clone()), d.primary.span.range());
        let others = d
            .secondary
            .iter()
            .filter(move |l| l.span.file == file)
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), l.span.range()));
        Some(Box::new(std::iter::once(primary).chain(others)))
    }
}

/// Renders diagnostics for a terminal with miette, with or without colour.
/// The diagnostics of one file shown in a terminal; the rest are counted. Rendering one
/// reads the file up to it, so a cap keeps a file of thousands of errors linear.
pub const MAX_SHOWN_PER_FILE: usize = 100;

pub fn render_human(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    let mut shown: std::collections::BTreeMap<FileId, usize> = Default::default();
    for diagnostic in diagnostics {
        let count = shown.entry(diagnostic.primary.span.file).or_default();
        *count += 1;
        if *count > MAX_SHOWN_PER_FILE {
            continue;
        }
        let rendered = Rendered { diagnostic, sources };
        if handler.render_report(&mut out, &rendered).is_err() {
            out.push_str(&diagnostic.message);
        }
        out.push('\n');
    }
    for (file, count) in shown {
        if let Some(more) = count.checked_sub(MAX_SHOWN_PER_FILE).filter(|&n| n > 0) {
            let _ = writeln!(
                out,
                "… and {more} more in `{}` (`--format json` lists every one)\n",
                sources.name(file)
            );
        }
    }
    out
}

#[derive(Serialize)]
pub struct JsonLabel {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    pub related: Vec<JsonLabel>,
}

fn json_label(label: &Label, sources: &SourceMap) -> JsonLabel {
    let file = label.span.file;
    let start = sources.position(file, label.span.start as usize);
    let end = sources.position(file, label.span.end as usize);
    JsonLabel {
        file: sources.name(file).to_string(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: label.message.clone(),
    }
}

pub fn to_json(d: &Diagnostic, sources: &SourceMap) -> JsonDiagnostic {
    let at = json_label(&d.primary, sources);
    JsonDiagnostic {
        file: at.file,
        line: at.line,
        column: at.column,
        end_line: at.end_line,
        end_column: at.end_column,
        code: d.code.as_str(),
        severity: d.severity,
        message: d.message.clone(),
        label: at.message,
        help: d.help.clone(),
        related: d.secondary.iter().map(|l| json_label(l, sources)).collect(),
    }
}
