//! Wording of syntax-stage diagnostics, in one place so the voice stays consistent.

use super::ast::Ident;
use super::parser::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

pub fn duplicate_property(what: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new(Code::DuplicateProperty, format!("`{what}` is given twice"), span, "given again here")
        .with_label(first, "first given here")
        .with_help(format!("keep one `{what}` and remove the other"))
}

pub fn missing_property(what: &str, decl: &str, name: &Ident, example: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MissingProperty,
        format!("{decl} `{}` has no {what}", name.name),
        name.span,
        format!("this {decl} needs {what}"),
    )
    .with_help(format!("add a line such as `{example}` to its body"))
}

pub fn bad_date(text: &str, span: Span) -> Diagnostic {
    Diagnostic::new(Code::InvalidLiteral, format!("`{text}` is not a valid date"), span, "no such day")
        .with_help("write dates as YYYY-MM-DD with a real month and day, e.g. `2026-03-01`")
}

pub fn not_whole(text: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidLiteral,
        format!("`{text}` is not a whole number"),
        span,
        "expected a whole number",
    )
    .with_help("a number of days is whole: write e.g. `10 days`")
}

pub fn too_large(text: &str, span: Span) -> Diagnostic {
    Diagnostic::new(Code::InvalidLiteral, format!("the number `{text}` is too large"), span, "out of range")
        .with_help("numbers must fit in 64 bits (amounts in 28 significant digits)")
}

pub fn kopecks(text: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidLiteral,
        format!("the amount `{text}` has more than two decimals"),
        span,
        "kopecks are the smallest unit",
    )
    .with_help("write money with at most two decimals, e.g. `15453.07 rub`")
}

pub fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::TooDeep,
        "this expression is nested too deeply",
        span,
        "nesting limit reached inside",
    )
    .with_help(format!(
        "split it into named derived facts; the limit is {} levels",
        super::parser::MAX_EXPR_DEPTH
    ))
}

pub fn too_deep_text(span: Span, limit: usize) -> Diagnostic {
    Diagnostic::new(
        Code::TooDeep,
        "brackets or conditions are nested too deeply",
        span,
        "nesting limit reached here",
    )
    .with_help(format!("the limit is {limit} levels; split the expression into named derived facts"))
}

/// Converts a pest error in a part of `file_text` starting at `offset` to a diagnostic.
pub fn syntax_error(
    error: &pest::error::Error<Rule>,
    file: FileId,
    offset: usize,
    file_text: &str,
) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // The token after the error is read from the whole file: a declaration re-parsed alone
    // ends where the next one begins.
    let at = skip_trivia(file_text, offset + pos);
    let found = found_at(file_text, at);
    let span = Span::new(file, at, at + found.len());
    if found == "\"" {
        return Diagnostic::new(
            Code::Syntax,
            "this string is not closed",
            span,
            "no closing `\"` on this line",
        )
        .with_help("close the string on the same line; write `\\\"` for a quote inside it");
    }
    let (expected, keywords) = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => describe(positives),
        ErrorVariant::CustomError { message } => (message.clone(), Vec::new()),
    };
    let (message, label) = if found.is_empty() {
        (format!("expected {expected}, found the end of the file"), "the file ends here".to_string())
    } else {
        (format!("expected {expected}, found `{found}`"), format!("unexpected `{found}`"))
    };

    let unclosed = expected.contains("`}`") && super::DECLARATION_WORDS.contains(&found);
    let help = if unclosed {
        "the block before this declaration is not closed: add its `}`".to_string()
    } else if keywords.is_empty() {
        help_for(&error.variant)
    } else {
        format!("the keywords allowed here are: {}", keywords.join(", "))
    };
    Diagnostic::new(Code::Syntax, message, span, label).with_help(help)
}

/// The position of the next token at or after `pos`, past whitespace and comments.
fn skip_trivia(text: &str, mut pos: usize) -> usize {
    loop {
        let rest = text.get(pos..).unwrap_or("");
        let trimmed = rest.trim_start();
        pos += rest.len() - trimmed.len();
        if trimmed.starts_with("//") || trimmed.starts_with('#') {
            pos += trimmed.find('\n').unwrap_or(trimmed.len());
        } else {
            return pos;
        }
    }
}

/// The token at `pos`: a word, a number, or one character.
fn found_at(text: &str, pos: usize) -> &str {
    let rest = text.get(pos..).unwrap_or("");
    let word =
        rest.char_indices().find(|(_, c)| !(c.is_alphanumeric() || *c == '_')).map_or(rest.len(), |(i, _)| i);
    if word > 0 {
        return &rest[..word];
    }
    rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
}

fn help_for(variant: &pest::error::ErrorVariant<Rule>) -> String {
    let pest::error::ErrorVariant::ParsingError { positives, .. } = variant else {
        return "see docs/language.md for the syntax".into();
    };
    if positives.contains(&Rule::decl_one)
        || positives.contains(&Rule::k_service) && positives.contains(&Rule::k_agency)
    {
        "a file holds declarations: agency, registry, record, enum, parameter, event, service, trigger, situation"
            .into()
    } else if positives.contains(&Rule::k_source) {
        "an input names its source: `from role.fact`, `from applicant role.fact`, `from event.field`, `from service.output`".into()
    } else {
        "see docs/language.md for the syntax of this construct".into()
    }
}

/// What was expected, in words; with many keywords possible (the properties of a block),
/// they are summed up as "a property" and listed separately for the help.
fn describe(positives: &[Rule]) -> (String, Vec<String>) {
    let declaration = positives.contains(&Rule::k_service) && positives.contains(&Rule::k_agency);
    let properties: Vec<Rule> = positives.iter().copied().filter(|r| is_property(*r)).collect();
    let collapse = !declaration && properties.len() > 3;
    let mut names: Vec<String> = Vec::new();
    for rule in positives {
        let name = if declaration && is_decl_keyword(*rule) {
            "a declaration".to_string()
        } else if collapse && is_property(*rule) {
            "a property".to_string()
        } else {
            rule_name(*rule)
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let expected = match names.len() {
        0 => "something else".into(),
        1 => names.remove(0),
        n => format!("{} or {}", names[..n - 1].join(", "), names[n - 1]),
    };
    let keywords = if collapse { properties.iter().map(|r| rule_name(*r)).collect() } else { Vec::new() };
    (expected, keywords)
}

/// Rules that start a property line inside a block.
fn is_property(rule: Rule) -> bool {
    rule_name(rule).contains("`/`")
        && !matches!(
            rule,
            Rule::k_and | Rule::k_or | Rule::k_in | Rule::k_then | Rule::k_else | Rule::k_if | Rule::k_not
        )
}

fn is_decl_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::k_agency
            | Rule::k_registry
            | Rule::k_person
            | Rule::k_group
            | Rule::k_record
            | Rule::k_enum
            | Rule::k_parameter
            | Rule::k_event
            | Rule::k_service
            | Rule::k_trigger
            | Rule::k_situation
    )
}

/// A human name for a rule: `a name`, `` `{` ``, `` `service`/`услуга` ``.
fn rule_name(rule: Rule) -> String {
    let keyword = |en: &str, ru: &str| format!("`{en}`/`{ru}`");
    match rule {
        Rule::ident | Rule::named_type | Rule::path | Rule::name_like => "a name".into(),
        Rule::string | Rule::text => "a quoted string".into(),
        Rule::date => "a date".into(),
        Rule::number => "a number".into(),
        Rule::duration => "a number of days".into(),
        Rule::days => "`days`".into(),
        Rule::months => "`months`".into(),
        Rule::years => "`years`".into(),
        Rule::working => "`working`/`calendar`".into(),
        Rule::currency => "`rub`".into(),
        Rule::expr | Rule::paren | Rule::if_expr | Rule::number_like => "an expression".into(),
        Rule::list_type => "a type".into(),
        Rule::lbrace => "`{`".into(),
        Rule::rbrace => "`}`".into(),
        Rule::lparen | Rule::call_args => "`(`".into(),
        Rule::rparen => "`)`".into(),
        Rule::langle => "`<`".into(),
        Rule::rangle => "`>`".into(),
        Rule::colon => "`:`".into(),
        Rule::comma => "`,`".into(),
        Rule::equals => "`=`".into(),
        Rule::dot => "`.`".into(),
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::member
        | Rule::in_set => "an operator".into(),
        Rule::op_not | Rule::op_neg => "an expression".into(),
        Rule::EOI => "the end of the file".into(),
        Rule::k_agency | Rule::provider => keyword("agency", "ведомство"),
        Rule::k_registry | Rule::event_registry => keyword("registry", "реестр"),
        Rule::k_record => keyword("record", "структура"),
        Rule::k_enum => keyword("enum", "перечисление"),
        Rule::k_parameter => keyword("parameter", "параметр"),
        Rule::k_event => keyword("event", "событие"),
        Rule::k_service => keyword("service", "услуга"),
        Rule::k_trigger => keyword("trigger", "триггер"),
        Rule::k_situation => keyword("situation", "ситуация"),
        Rule::k_title | Rule::title => keyword("title", "название"),
        Rule::k_level | Rule::level => keyword("level", "уровень"),
        Rule::k_territory | Rule::territory => keyword("territory", "территория"),
        Rule::k_owner | Rule::owner => keyword("owner", "владелец"),
        Rule::k_field | Rule::field => keyword("field", "поле"),
        Rule::k_from | Rule::period => keyword("from", "с"),
        Rule::k_to => keyword("to", "по"),
        Rule::k_legal | Rule::legal => keyword("legal", "основание"),
        Rule::k_kind | Rule::kind => keyword("kind", "вид"),
        Rule::k_recurs | Rule::recurs => keyword("recurs", "периодичность"),
        Rule::k_input | Rule::input => keyword("input", "вход"),
        Rule::k_source => keyword("from", "из"),
        Rule::source | Rule::applicant => "a source (`role.fact` or `applicant role.fact`)".into(),
        Rule::k_applicant | Rule::applicant_role => keyword("applicant", "заявитель"),
        Rule::k_person | Rule::person_decl => keyword("person", "лицо"),
        Rule::k_scale | Rule::scale_type => keyword("scale", "шкала"),
        Rule::scale_bracket => "a bracket (`from THRESHOLD = VALUE`)".into(),
        Rule::k_group | Rule::group_decl => keyword("group", "группа"),
        Rule::k_role | Rule::group_role | Rule::event_role | Rule::service_role => keyword("role", "роль"),
        Rule::k_provides | Rule::provides => keyword("provides", "предоставляет"),
        Rule::k_subject | Rule::subject => keyword("subject", "субъект"),
        Rule::k_recipient | Rule::recipient => keyword("recipient", "получатель"),
        Rule::k_for => keyword("for", "для"),
        Rule::k_by | Rule::keyed_by => keyword("by", "по"),
        Rule::k_optional | Rule::k_each | Rule::role_mode => "`optional`/`each`".into(),
        Rule::fact => keyword("field", "поле"),
        Rule::cardinality => "a count of members (`0..2`, `1`, `1..`)".into(),
        Rule::keyed_value => "a key and its value".into(),
        Rule::k_output | Rule::output => keyword("output", "выход"),
        Rule::k_writes => keyword("writes", "записывает"),
        Rule::k_derived | Rule::derived => keyword("derived", "факт"),
        Rule::k_criterion | Rule::criterion => keyword("criterion", "критерий"),
        Rule::k_refusal | Rule::refusal => keyword("refusal", "отказ"),
        Rule::k_when | Rule::condition => keyword("when", "когда"),
        Rule::k_deadline | Rule::deadline => keyword("deadline", "срок"),
        Rule::k_fee | Rule::fee => keyword("fee", "пошлина"),
        Rule::k_procedure | Rule::procedure => keyword("procedure", "процедура"),
        Rule::k_inputs | Rule::uses => keyword("inputs", "входы"),
        Rule::k_outputs | Rule::produces => keyword("outputs", "выходы"),
        Rule::k_request | Rule::request => keyword("request", "запрос"),
        Rule::k_begin | Rule::start_when => keyword("start", "начало"),
        Rule::k_end | Rule::end_when => keyword("end", "окончание"),
        Rule::k_on | Rule::on => keyword("on", "при"),
        Rule::k_at | Rule::event_at => keyword("at", "наступает"),
        Rule::k_provide | Rule::provide => keyword("provide", "предоставить"),
        Rule::k_offer | Rule::offer => keyword("offer", "предложить"),
        Rule::k_applies | Rule::applies => keyword("applies when", "применяется когда"),
        Rule::k_stop | Rule::stop => keyword("stop", "остановить"),
        Rule::k_consent | Rule::consent => keyword("consent", "согласие"),
        Rule::k_notify | Rule::notify => keyword("notify", "уведомить"),
        Rule::k_services | Rule::services => keyword("services", "услуги"),
        Rule::k_list => keyword("list", "список"),
        Rule::k_alternative | Rule::alternative => keyword("alternative", "альтернатива"),
        Rule::k_emits | Rule::emits => keyword("emits", "порождает"),
        Rule::k_then => keyword("then", "то"),
        Rule::k_else => keyword("else", "иначе"),
        Rule::k_in => keyword("in", "в"),
        Rule::k_and => keyword("and", "и"),
        Rule::k_or => keyword("or", "или"),
        Rule::k_not => keyword("not", "не"),
        Rule::decl_one | Rule::file => "a declaration".into(),
        Rule::k_if => keyword("if", "если"),
        Rule::variant => "an enum variant".into(),
        other => format!("{other:?}").replace('_', " "),
    }
}
