//! What the server answers: diagnostics, hover, definitions, references, symbols,
//! completion and formatting, all from one analysis of the set.

use super::position::{offset, range, word_at};
use super::workspace::Analysis;
use crate::diagnostic::Severity;
use lsp_types::{
    Diagnostic, DiagnosticSeverity, DocumentSymbol, Hover, HoverContents, Location, MarkupContent,
    MarkupKind, NumberOrString, Position, SymbolKind, TextEdit, Url,
};

/// The diagnostics of every file of the set, by file (an empty list clears a file's).
pub fn diagnostics(a: &Analysis) -> Vec<(Url, Vec<Diagnostic>)> {
    let mut out: Vec<(Url, Vec<Diagnostic>)> = a.urls.iter().map(|u| (u.clone(), Vec::new())).collect();
    for d in &a.compiled.diagnostics {
        let file = d.primary.span.file;
        out[file.0 as usize].1.push(diagnostic(a.sources.text(file), d));
    }
    out
}

/// A diagnostic in the editor's terms; `text` is its file's.
pub fn diagnostic(text: &str, d: &crate::diagnostic::Diagnostic) -> Diagnostic {
    let (start, end) = (d.primary.span.start as usize, d.primary.span.end as usize);
    let mut message = format!("{}: {}", d.message, d.primary.message);
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    Diagnostic {
        range: range(text, start, end),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("reglament".into()),
        message,
        ..Diagnostic::default()
    }
}

/// The name under the cursor.
fn name_at<'a>(a: &'a Analysis, url: &Url, at: Position) -> Option<&'a str> {
    let file = a.file_of(url)?;
    let text = a.sources.text(file);
    word_at(text, offset(text, at)).map(|(_, w)| w)
}

pub fn definition(a: &Analysis, url: &Url, at: Position) -> Option<Location> {
    let d = a.declaration(name_at(a, url, at)?)?;
    let text = a.sources.text(d.file);
    Some(Location { uri: a.urls[d.file.0 as usize].clone(), range: range(text, d.start, d.end) })
}

/// Every place a declared name is written, its declaration included.
pub fn references(a: &Analysis, url: &Url, at: Position) -> Vec<Location> {
    let Some(name) = name_at(a, url, at).filter(|n| a.declaration(n).is_some()) else { return Vec::new() };
    let mut out = Vec::new();
    for id in a.sources.ids() {
        let text = a.sources.text(id);
        let comments = crate::format::comment_ranges(text);
        let mut from = 0;
        while let Some(i) = text[from..].find(name) {
            let start = from + i;
            let end = start + name.len();
            from = end;
            let whole = word_at(text, start).is_some_and(|(s, w)| s == start && w.len() == name.len());
            let in_comment = comments.iter().any(|&(s, e)| s <= start && start < e);
            let in_string =
                text[..start].rsplit('\n').next().is_some_and(|l| l.matches('"').count() % 2 == 1);
            if whole && !in_comment && !in_string {
                out.push(Location { uri: a.urls[id.0 as usize].clone(), range: range(text, start, end) });
            }
        }
    }
    out
}

pub fn hover(a: &Analysis, url: &Url, at: Position) -> Option<Hover> {
    let name = name_at(a, url, at)?;
    let d = a.declaration(name)?;
    let mut text = format!("**{} `{}`**", d.keyword, d.name);
    if let Some(title) = &d.title {
        text.push_str(&format!("\n\n{title}"));
    }
    // From the model, when the set checks: types, legal bases, a parameter's values.
    if let Some(model) = a.compiled.model() {
        if let Some(s) = model.service(name) {
            for legal in &model.services[s].legal {
                text.push_str(&format!("\n\n— {legal}"));
            }
        }
        if let Some(p) = model.params.iter().find(|p| p.name.text == name) {
            text.push_str(&format!("\n\n`{}`", p.ty.display(model)));
            let today = crate::cli::today();
            if let Some(v) = p.at(today, 0).filter(|_| p.key.is_none()) {
                text.push_str(&format!("\n\nin force on {today}: {}", model.show(v)));
            }
            for period in &p.periods {
                let to = period.to.map(|t| format!(" to {t}")).unwrap_or_default();
                let values: Vec<String> = period.values.iter().map(|v| model.show(v)).collect();
                text.push_str(&format!("\n- from {}{to}: {}", period.from, values.join(", ")));
            }
        }
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }),
        range: None,
    })
}

#[allow(deprecated)]
pub fn symbols(a: &Analysis, url: &Url) -> Vec<DocumentSymbol> {
    let Some(file) = a.file_of(url) else { return Vec::new() };
    let text = a.sources.text(file);
    a.declared
        .iter()
        .filter(|d| d.file == file)
        .map(|d| DocumentSymbol {
            name: d.name.clone(),
            detail: d.title.clone(),
            kind: match d.keyword {
                "service" => SymbolKind::FUNCTION,
                "event" => SymbolKind::EVENT,
                "parameter" => SymbolKind::CONSTANT,
                "enum" => SymbolKind::ENUM,
                "record" | "person or group" => SymbolKind::STRUCT,
                _ => SymbolKind::OBJECT,
            },
            tags: None,
            deprecated: None,
            range: range(text, d.start, d.end),
            selection_range: range(text, d.start, d.end),
            children: None,
        })
        .collect()
}

/// The whole document in the canonical layout, or nothing when it cannot be formatted.
pub fn formatting(a: &Analysis, url: &Url) -> Option<Vec<TextEdit>> {
    let text = a.sources.text(a.file_of(url)?);
    let formatted = crate::format::format(text, None).ok()?;
    (formatted != text).then(|| vec![TextEdit { range: range(text, 0, text.len()), new_text: formatted }])
}

/// Quick fixes: a name the checker suggests another for (`did you mean `x`?`) is replaced
/// by the suggestion.
pub fn quick_fixes(url: &Url, diagnostics: &[Diagnostic]) -> Vec<lsp_types::CodeActionOrCommand> {
    diagnostics
        .iter()
        .filter_map(|d| {
            let after = d.message.split("did you mean `").nth(1)?;
            let suggestion = after.split('`').next()?;
            let edit = TextEdit { range: d.range, new_text: suggestion.to_string() };
            let changes = std::collections::HashMap::from([(url.clone(), vec![edit])]);
            Some(lsp_types::CodeActionOrCommand::CodeAction(lsp_types::CodeAction {
                title: format!("Replace with `{suggestion}`"),
                kind: Some(lsp_types::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lsp_types::WorkspaceEdit { changes: Some(changes), ..Default::default() }),
                is_preferred: Some(true),
                ..Default::default()
            }))
        })
        .collect()
}
