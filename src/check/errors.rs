//! Wording of the checker's diagnostics, in one place so the voice stays consistent.

use super::symbols::DeclKind;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::Ident;

fn did_you_mean(suggestion: Option<String>, otherwise: String) -> String {
    match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => otherwise,
    }
}

pub fn undefined(ident: &Ident, expected: &str, suggestion: Option<String>, how: String) -> Diagnostic {
    Diagnostic::new(
        Code::Undefined,
        format!("cannot find {expected} `{}`", ident.name),
        ident.span,
        "not declared",
    )
    .with_help(did_you_mean(suggestion, how))
}

pub fn ambiguous_variant(ident: &Ident, owners: &[&str]) -> Diagnostic {
    let list = owners.iter().map(|o| format!("`{o}.{}`", ident.name)).collect::<Vec<_>>().join(" or ");
    Diagnostic::new(
        Code::Undefined,
        format!("`{}` is a variant of several enums", ident.name),
        ident.span,
        "ambiguous",
    )
    .with_help(format!("say which one: {list}"))
}

pub fn not_in_service(ident: &Ident, what: &str, service: &Ident, suggestion: Option<String>) -> Diagnostic {
    let how = format!("a procedure names the {what}s declared in its service");
    Diagnostic::new(
        Code::Undefined,
        format!("service `{}` has no {what} `{}`", service.name, ident.name),
        ident.span,
        format!("not an {what} of `{}`", service.name),
    )
    .with_help(did_you_mean(suggestion, how))
}

pub fn duplicate(ident: &Ident, kind: DeclKind, first: &Ident, first_kind: DeclKind) -> Diagnostic {
    Diagnostic::new(
        Code::Duplicate,
        format!("`{}` is declared twice", ident.name),
        ident.span,
        format!("{kind} named again here"),
    )
    .with_label(first.span, format!("first declared here as {first_kind}"))
    .with_help("every declaration of a regulation set needs its own name; rename one of them")
}

pub fn duplicate_local(ident: &Ident, what: &str, first: &Ident) -> Diagnostic {
    Diagnostic::new(
        Code::Duplicate,
        format!("`{}` is declared twice in this {what}", ident.name),
        ident.span,
        "declared again here",
    )
    .with_label(first.span, "first declared here")
    .with_help("names inside one declaration must differ; rename one of them")
}

pub fn wrong_kind(ident: &Ident, found: DeclKind, expected: &str) -> Diagnostic {
    Diagnostic::new(
        Code::WrongKind,
        format!("`{}` is {found}, not {expected}", ident.name),
        ident.span,
        format!("expected {expected} here"),
    )
    .with_help(format!("name {expected} declared in the regulation set"))
}

pub fn not_a_type(ident: &Ident, found: DeclKind) -> Diagnostic {
    wrong_kind(ident, found, "a type").with_help("types are built-in (int, money, date …), enums or records")
}

pub fn unknown_type(ident: &Ident, suggestion: Option<String>) -> Diagnostic {
    Diagnostic::new(Code::UnknownType, format!("unknown type `{}`", ident.name), ident.span, "not a type")
        .with_help(did_you_mean(
            suggestion,
            "use a built-in type (bool, int, decimal, money, date, days, working_days, text, snils, inn, ogrn, document), an enum or a record".into(),
        ))
}

pub fn unknown_value(ident: &Ident, what: &str, words: Vec<&str>, suggestion: Option<String>) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownValue,
        format!("`{}` is not a valid {what}", ident.name),
        ident.span,
        format!("unknown {what}"),
    )
    .with_help(did_you_mean(suggestion, format!("use one of: {}", words.join(", "))))
}

pub fn unknown_field(
    ident: &Ident,
    owner: &str,
    fields: Vec<&str>,
    suggestion: Option<String>,
) -> Diagnostic {
    let otherwise = if fields.is_empty() {
        format!("`{owner}` declares no fields")
    } else {
        format!("the fields of `{owner}` are: {}", fields.join(", "))
    };
    Diagnostic::new(
        Code::UnknownField,
        format!("`{owner}` has no field `{}`", ident.name),
        ident.span,
        "no such field",
    )
    .with_help(did_you_mean(suggestion, otherwise))
}

pub fn unknown_variant(
    ident: &Ident,
    owner: &str,
    variants: Vec<&str>,
    suggestion: Option<String>,
) -> Diagnostic {
    let otherwise = format!("the variants of `{owner}` are: {}", variants.join(", "));
    Diagnostic::new(
        Code::UnknownField,
        format!("enum `{owner}` has no variant `{}`", ident.name),
        ident.span,
        "no such variant",
    )
    .with_help(did_you_mean(suggestion, otherwise))
}

pub fn mismatch(span: Span, message: String, label: String, help: &str) -> Diagnostic {
    Diagnostic::new(Code::TypeMismatch, message, span, label).with_help(help.to_string())
}

pub fn expected_type(span: Span, what: &str, expected: &str, found: &str) -> Diagnostic {
    mismatch(
        span,
        format!("{what} must be `{expected}`, but this is `{found}`"),
        format!("this is `{found}`"),
        "change the expression or the declared type so that they agree",
    )
}

pub fn not_boolean(span: Span, what: &str, found: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NotBoolean,
        format!("{what} must be a yes/no condition, but this is `{found}`"),
        span,
        format!("this is `{found}`, not `bool`"),
    )
    .with_help("compare the value with something, e.g. `income < threshold`")
}

pub fn bad_call(span: Span, message: String, help: String) -> Diagnostic {
    Diagnostic::new(Code::BadCall, message, span, "wrong arguments").with_help(help)
}

pub fn cyclic(ident: &Ident) -> Diagnostic {
    Diagnostic::new(
        Code::CyclicFact,
        format!("`{}` depends on itself", ident.name),
        ident.span,
        "used in its own definition",
    )
    .with_help("a derived fact or criterion cannot refer back to itself, directly or through others")
}

pub fn source_mismatch(span: Span, input: &Ident, declared: &str, source: &str, found: &str) -> Diagnostic {
    Diagnostic::new(
        Code::SourceMismatch,
        format!("input `{}` is declared `{declared}`, but `{source}` is `{found}`", input.name),
        span,
        format!("this is `{found}`"),
    )
    .with_help(format!("declare the input as `{found}` or take it from another source"))
}

pub fn unused(ident: &Ident, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Unused,
        format!("{what} `{}` is never used", ident.name),
        ident.span,
        "declared here, never used",
    )
    .with_help("remove it, or refer to it where it is needed")
}
