//! Completion by what the cursor follows. After `x.`: a service's outputs, an event's
//! fields and roles, an enum's variants, or the facts (and, of a group, the roles) of the
//! role `x` of the declaration being written. After a word that names a kind of thing
//! (`agency`, `on`, `provide`, `:` …): the declarations or words of that kind. Elsewhere:
//! every declared name, the roles of the declaration, and the keywords of both languages.
//!
//! It reads the text around the cursor, not the syntax tree: while a line is being typed
//! its declaration does not parse. Declared things come from the model as far as the set
//! checked.

use super::position::offset;
use super::workspace::Analysis;
use crate::model::Model;
use crate::vocabulary::{
    Builtin, Channel, Consent, EventKind, Level, ProcedureKind, Recurrence, ServiceKind,
};
use lsp_types::{CompletionItem, CompletionItemKind, Position, Url};

pub fn completion(a: &Analysis, url: &Url, at: Position) -> Vec<CompletionItem> {
    let Some(file) = a.file_of(url) else { return everything(a, &[]) };
    let text = a.sources.text(file);
    let cursor = offset(text, at);
    let (start, end) = enclosing(text, cursor);
    let declaration = &text[start..end];
    let roles = roles(a.compiled.partial_model(), declaration);
    let line = &text[text[..cursor].rfind('\n').map_or(0, |i| i + 1)..cursor];
    let typed = line.len() - line.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_').len();
    let before = line[..line.len() - typed].trim_end();
    let model = a.compiled.partial_model();
    if let Some(owner) = before.strip_suffix('.') {
        let owner = last_word(owner);
        return members(model, owner, &roles);
    }
    if before.ends_with(':') && !line.starts_with(char::is_alphanumeric) {
        return types(a);
    }
    let previous = english(last_word(before));
    let indented = line.starts_with(char::is_whitespace);
    let names = |keywords: &[&str]| declared(a, keywords);
    let words = |words: &mut dyn Iterator<Item = &'static str>| words.map(word).collect();
    match previous {
        // At the start of a line these begin a declaration, whose name is new.
        "agency" | "registry" if !indented => Vec::new(),
        "agency" | "owner" => names(&["agency"]),
        "registry" => names(&["registry"]),
        "on" | "emits" => names(&["event"]),
        "provide" | "offer" | "stop" | "alternative" | "services" => names(&["service"]),
        "by" => names(&["enum"]),
        "for" => roles.iter().map(|(name, _)| role_item(name)).collect(),
        "level" => words(&mut Level::all_words()),
        "recurs" => words(&mut Recurrence::all_words()),
        "consent" => words(&mut Consent::all_words()),
        "notify" => words(&mut Channel::all_words()),
        "kind" => match english(first_word(declaration)) {
            "event" => words(&mut EventKind::all_words()),
            "service" if depth(&text[start..cursor]) > 1 => words(&mut ProcedureKind::all_words()),
            _ => words(&mut ServiceKind::all_words()),
        },
        "from" if english(first_word(declaration)) == "service" => {
            let mut items: Vec<CompletionItem> = roles.iter().map(|(name, _)| role_item(name)).collect();
            items.extend(names(&["event", "service"]));
            items.push(keyword("applicant"));
            items.push(keyword("заявитель"));
            items
        }
        _ => everything(a, &roles),
    }
}

/// Every declared name, the declaration's roles, and the keywords of both languages.
fn everything(a: &Analysis, roles: &[(String, Option<String>)]) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = roles.iter().map(|(name, _)| role_item(name)).collect();
    items.extend(declared(a, &[]));
    for (en, ru) in crate::format::keywords() {
        items.push(keyword(en));
        items.push(keyword(ru));
    }
    items
}

/// Declared names of the given kinds (all kinds if none), with their kind and title.
fn declared(a: &Analysis, keywords: &[&str]) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = a
        .declared
        .iter()
        .filter(|d| keywords.is_empty() || keywords.contains(&d.keyword))
        .map(|d| CompletionItem {
            label: d.name.clone(),
            kind: Some(CompletionItemKind::REFERENCE),
            detail: Some(match &d.title {
                Some(t) => format!("{} — {t}", d.keyword),
                None => d.keyword.to_string(),
            }),
            ..CompletionItem::default()
        })
        .collect();
    items.sort_by(|x, y| x.label.cmp(&y.label));
    items.dedup_by(|x, y| x.label == y.label);
    items
}

/// What follows `owner.`.
fn members(model: &Model, owner: &str, roles: &[(String, Option<String>)]) -> Vec<CompletionItem> {
    let item = |label: &str, kind, detail: String| CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail),
        ..CompletionItem::default()
    };
    if let Some(s) = model.service(owner) {
        let outputs = &model.services[s].outputs;
        return outputs
            .iter()
            .map(|o| {
                item(&o.name.text, CompletionItemKind::FIELD, format!("output: {}", o.ty.display(model)))
            })
            .collect();
    }
    if let Some(e) = model.events.iter().find(|e| e.name.text == owner) {
        let fields = e.fields.iter().map(|f| {
            item(&f.name.text, CompletionItemKind::FIELD, format!("field: {}", f.ty.display(model)))
        });
        let event_roles = e.roles.iter().map(|r| {
            let entity = &model.entities[r.entity].name.text;
            item(&r.name.text, CompletionItemKind::VARIABLE, format!("role: {entity}"))
        });
        return fields.chain(event_roles).collect();
    }
    if let Some(e) = model.enums.iter().find(|e| e.name.text == owner) {
        return e
            .variants
            .iter()
            .map(|v| item(&v.text, CompletionItemKind::ENUM_MEMBER, owner.to_string()))
            .collect();
    }
    let entity = roles.iter().find(|(name, _)| name == owner).and_then(|(_, entity)| entity.as_deref());
    let Some(entity) = entity.and_then(|name| model.entities.iter().find(|e| e.name.text == name)) else {
        return Vec::new();
    };
    let mut items: Vec<CompletionItem> = entity
        .facts
        .iter()
        .map(|f| item(&f.name.text, CompletionItemKind::FIELD, format!("fact: {}", f.ty.display(model))))
        .collect();
    if entity.group {
        items.push(item("members", CompletionItemKind::VARIABLE, "every member".into()));
        items.extend(
            entity.roles.iter().map(|r| item(&r.name.text, CompletionItemKind::VARIABLE, "role".into())),
        );
    }
    items
}

/// Built-in types, enums, records, persons and groups.
fn types(a: &Analysis) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = Builtin::all_words()
        .map(|w| CompletionItem {
            label: w.to_string(),
            kind: Some(CompletionItemKind::TYPE_PARAMETER),
            ..CompletionItem::default()
        })
        .collect();
    items.extend(declared(a, &["enum", "record", "person or group"]));
    items
}

/// Where the declaration the cursor is in is: from the last line before it that starts at
/// the margin with a word, to the next such line.
fn enclosing(text: &str, cursor: usize) -> (usize, usize) {
    let starts_declaration = |line: &str| line.starts_with(char::is_alphabetic);
    let mut start = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if at > cursor {
            break;
        }
        if starts_declaration(line) {
            start = at;
        }
        at += line.len();
    }
    let mut end = text.len();
    let mut at = start;
    for line in text[start..].split_inclusive('\n') {
        if at > start && at > cursor && starts_declaration(line) {
            end = at;
            break;
        }
        at += line.len();
    }
    (start, end)
}

/// The roles a declaration binds, with their entity: those it declares (`subject`,
/// `applicant`, `recipient`, `role`), or, for a trigger, those of its event.
fn roles(model: &Model, declaration: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for line in declaration.lines() {
        let spaced = line.replace(':', " : ");
        let words: Vec<&str> = spaced.split_whitespace().collect();
        let Some((&first, rest)) = words.split_first() else { continue };
        match english(first) {
            "subject" | "applicant" | "recipient" | "role" => {
                let Some(&name) = rest.first().filter(|w| w.starts_with(char::is_alphabetic)) else {
                    continue;
                };
                let entity = rest
                    .iter()
                    .skip_while(|w| **w != ":")
                    .skip(1)
                    .find(|w| !matches!(english(w), "optional" | "each"))
                    .map(|w| w.to_string());
                out.push((name.to_string(), entity));
            }
            "on" => {
                let Some(event) = rest.first().and_then(|e| model.events.iter().find(|x| x.name.text == *e))
                else {
                    continue;
                };
                for r in &event.roles {
                    out.push((r.name.text.clone(), Some(model.entities[r.entity].name.text.clone())));
                }
            }
            _ => {}
        }
    }
    out
}

/// How many blocks are open at the end of a declaration's text.
fn depth(before: &str) -> usize {
    before.matches('{').count().saturating_sub(before.matches('}').count())
}

/// A keyword in English, whichever language it is written in.
fn english(word: &str) -> &str {
    crate::format::keywords().find(|(_, ru)| *ru == word).map_or(word, |(en, _)| en)
}

fn last_word(text: &str) -> &str {
    let trimmed = text.trim_end();
    let start = trimmed
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + trimmed[i..].chars().next().map_or(1, char::len_utf8));
    &trimmed[start..]
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

fn role_item(name: &str) -> CompletionItem {
    CompletionItem {
        label: name.to_string(),
        kind: Some(CompletionItemKind::VARIABLE),
        detail: Some("role".into()),
        ..CompletionItem::default()
    }
}

fn keyword(word: &str) -> CompletionItem {
    CompletionItem {
        label: word.to_string(),
        kind: Some(CompletionItemKind::KEYWORD),
        ..CompletionItem::default()
    }
}

fn word(word: &'static str) -> CompletionItem {
    CompletionItem {
        label: word.to_string(),
        kind: Some(CompletionItemKind::VALUE),
        ..CompletionItem::default()
    }
}
