//! No input makes the compiler panic or overflow its stack: random text, random token
//! soup, mutations of valid files, absurd nesting, and a 10 MB regulation set.

mod common;

use common::{codes, compile_text};
use proptest::prelude::*;

const GOOD: &[&str] = &[
    include_str!("check/good/all_constructs_en.rgl"),
    include_str!("check/good/all_constructs_ru.rgl"),
    include_str!("check/good/fully_russian.rgl"),
];

/// Words and marks the grammar knows, so random sequences reach deep into the parser.
const TOKENS: &[&str] = &[
    "agency",
    "registry",
    "person",
    "group",
    "role",
    "provides",
    "subject",
    "recipient",
    "optional",
    "each",
    "by",
    "for",
    "0..2",
    "1..",
    "лицо",
    "группа",
    "роль",
    "каждый",
    "record",
    "enum",
    "parameter",
    "event",
    "service",
    "trigger",
    "situation",
    "title",
    "level",
    "owner",
    "field",
    "from",
    "to",
    "legal",
    "kind",
    "recurs",
    "input",
    "applicant",
    "output",
    "writes",
    "derived",
    "criterion",
    "refusal",
    "when",
    "deadline",
    "fee",
    "procedure",
    "inputs",
    "outputs",
    "request",
    "start",
    "end",
    "on",
    "stop",
    "provide",
    "offer",
    "applies",
    "calendar",
    "year",
    "months",
    "consent",
    "notify",
    "services",
    "list",
    "and",
    "or",
    "not",
    "if",
    "then",
    "else",
    "true",
    "false",
    "in",
    "today",
    "услуга",
    "вход",
    "из",
    "критерий",
    "отказ",
    "когда",
    "если",
    "то",
    "иначе",
    "и",
    "не",
    "x",
    "income",
    "sfr",
    "money",
    "date",
    "int",
    "count",
    "age",
    "sum",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    ":",
    ",",
    "=",
    ".",
    "==",
    "!=",
    "<=",
    "+",
    "-",
    "*",
    "/",
    "\"текст\"",
    "\"",
    "1",
    "2026-01-01",
    "2026-02-30",
    "10 days",
    "5 working days",
    "100 rub",
    "0.5",
    "99999999999999999999",
    "snils \"112-233-445 95\"",
    "\n",
    "//",
    "#",
    "₽",
];

fn compiles_without_panic(text: &str) {
    // The formatter either lays the text out, checked by parsing it again, or refuses.
    if let Ok(formatted) = reglament::format::format(text, None) {
        assert_eq!(reglament::format::format(&formatted, None).as_ref(), Ok(&formatted), "not stable");
    }
    let (_, compiled) = compile_text("input.rgl", text);
    // Every diagnostic points inside the text.
    for d in &compiled.diagnostics {
        assert!(d.primary.span.end as usize <= text.len(), "span past the end: {d:?}");
        assert!(text.is_char_boundary(d.primary.span.start as usize));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(text in "\\PC{0,300}") {
        compiles_without_panic(&text);
    }

    #[test]
    fn token_soup(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..120)) {
        compiles_without_panic(&tokens.join(" "));
    }

    #[test]
    fn mutated_valid_files(file in 0..GOOD.len(), edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(TOKENS), 0..3u8), 1..8)) {
        let mut text = GOOD[file].to_string();
        for (at, token, op) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            match op {
                0 => text.insert_str(i, token),
                1 => {
                    let end = text[i..].char_indices().nth(token.chars().count()).map_or(text.len(), |(j, _)| i + j);
                    text.replace_range(i..end, "");
                }
                _ => text.replace_range(i..i, &format!(" {token} ")),
            }
        }
        compiles_without_panic(&text);
    }
}

fn nested(open: &str, middle: &str, close: &str, depth: usize) -> String {
    let expr = format!("{}{middle}{}", open.repeat(depth), close.repeat(depth));
    format!(
        "agency a {{ title \"A\" level federal }}\nperson p {{ field n: int }}\nservice s {{\n  title \"S\"\n  agency a\n  legal \"L\"\n  kind payment\n  subject p: p\n  input n from applicant p.n\n  criterion c = {expr}\n  deadline 1 day\n}}\nsituation x {{ title \"X\" services s }}\n"
    )
}

#[test]
fn deep_nesting_is_a_diagnostic() {
    let cases = [
        nested("(", "true", ")", 100_000),
        nested("not ", "true", "", 100_000),
        nested("- ", "n > 0", "", 100_000),
        nested("if true then ", "true", " else false", 50_000),
        nested("{", "", "}", 100_000),
        nested("count(x in ", "[]", ": true)", 50_000),
        nested("", "n", "", 1)
            + &format!("record r {{ field f: {}int{} }}\n", "list<".repeat(50_000), ">".repeat(50_000)),
    ];
    for text in &cases {
        let (_, compiled) = compile_text("deep.rgl", text);
        assert!(codes(&compiled).contains(&"E0002"), "{:?}", codes(&compiled));
    }
}

#[test]
fn long_operator_chains_are_a_diagnostic() {
    // Not nested in the text, but a left-deep tree: cut at the depth limit.
    let chain = format!("n{}", " + n".repeat(300_000));
    let (_, compiled) = compile_text("chain.rgl", &nested("", &format!("{chain} > 0"), "", 1));
    assert_eq!(codes(&compiled), ["E0002"]);
}

#[test]
fn nesting_under_the_limit_is_fine() {
    let (_, compiled) = compile_text("ok.rgl", &nested("(", "n > 0", ")", 90));
    assert!(compiled.diagnostics.is_empty(), "{:?}", codes(&compiled));
}

#[test]
fn ten_megabytes_check_clean() {
    let mut services = 1;
    let text = loop {
        let text = reglament::synthetic::corpus(services);
        if text.len() >= 10 << 20 {
            break text;
        }
        services = services * 2 + 1;
    };
    let (_, compiled) = compile_text("big.rgl", &text);
    assert!(
        compiled.diagnostics.is_empty(),
        "{:?}",
        &compiled.diagnostics[..compiled.diagnostics.len().min(3)]
    );
    let model = compiled.model().expect("a model");
    let prelude = model.agencies.len()
        + model.enums.len()
        + model.entities.len()
        + model.registries.len()
        + model.params.len()
        + model.events.len();
    assert_eq!((prelude, model.services.len(), model.triggers.len()), (9, services, 2 * services));
}

#[test]
fn ten_megabytes_of_errors_are_all_reported() {
    let bad = "service s { title \"S\" agency nowhere legal \"L\" kind payment deadline -1 days }\n";
    let text = bad.repeat((10 << 20) / bad.len());
    let (_, compiled) = compile_text("bad.rgl", &text);
    // Duplicates of `s` aside, each copy has its own undefined agency and negative deadline.
    assert!(compiled.diagnostics.len() > 3 * (text.len() / bad.len()) - 10);
}

fn library_model() -> reglament::model::Model {
    common::library()
}

const PROFILE: &str = include_str!("simulate/opt_out_and_stop.yaml");
static MODEL: std::sync::LazyLock<reglament::model::Model> = std::sync::LazyLock::new(library_model);

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Mutated profiles are read or rejected with a position, and simulate without panic.
    #[test]
    fn mutated_profiles(cut in 0..PROFILE.len(), insert in prop::sample::select(&["", "x", ": ", "- ", "null", "\"", "{", "2026-13-01", "-1", "true", "9999999999999999999999"][..])) {
        let mut at = cut;
        while !PROFILE.is_char_boundary(at) {
            at -= 1;
        }
        let text = format!("{}{insert}{}", &PROFILE[..at], &PROFILE[at..]);
        let model = &*MODEL;
        let as_of = reglament::date::Date::parse("2026-11-24").unwrap();
        match reglament::simulate::profile::read(model, &text, false) {
            Ok(profiles) => {
                for p in &profiles {
                    reglament::simulate::engine::simulate(model, p, as_of, true);
                }
            }
            Err(e) => prop_assert!(e.line > 0 || text.trim().is_empty(), "{e}"),
        }
    }
}

/// Nesting that once overflowed the parser's stack or passed unbounded to later stages:
/// each is now `E0002`, whatever the depth.
#[test]
fn deep_nesting_of_every_kind_is_too_deep() {
    let cases = [
        // `else` closed no bracket; conditions count apart from brackets.
        format!("service s{{criterion c={}x{}}}", "(else+".repeat(84_375), ")".repeat(84_375)),
        // An else-if chain parses as a repetition, and counts toward the expression limit.
        format!("service s{{criterion c={}x}}", "if x then x else ".repeat(128_125)),
        format!("service s{{criterion c={}x}}", "if x then x else ".repeat(100_000)),
        format!("service s{{criterion c={}x}}", "1 + if x then x else ".repeat(100_000)),
        format!("service s{{criterion c={}x}}", "if ".repeat(100_000)),
    ];
    for text in cases {
        let (_, compiled) = compile_text("deep.rgl", &text);
        assert!(codes(&compiled).contains(&"E0002"), "{:?}", codes(&compiled));
    }
}
