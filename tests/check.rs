//! The checker on one-file inputs: every bad input shows its exact diagnostics, every good
//! input checks clean.

mod common;

use common::{codes, compile_file, without_spans};
use reglament::diagnostic::render_human;

/// Each bad input starts with `// expect: CODE`; the snapshot holds the source and the
/// rendered diagnostics together, so a reviewer sees both.
#[test]
fn bad_inputs() {
    insta::glob!("check/bad/*.rgl", |path| {
        let (sources, compiled) = compile_file(path);
        let text = sources.text(sources.ids().next().unwrap());
        let expected = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// expect: "))
            .expect("first line names the code");
        let found = codes(&compiled);
        assert!(found.contains(&expected), "{}: expected {expected}, found {found:?}", path.display());
        let rendered = render_human(&compiled.diagnostics, &sources, false);
        insta::assert_snapshot!(format!("{text}\n--- diagnostics ---\n{rendered}"));
    });
}

#[test]
fn good_inputs_check_clean() {
    insta::glob!("check/good/*.rgl", |path| {
        let (sources, compiled) = compile_file(path);
        let rendered = render_human(&compiled.diagnostics, &sources, false);
        assert!(compiled.diagnostics.is_empty(), "{}:\n{rendered}", path.display());
    });
}

/// The same regulation written with English and with Russian keywords gives one model.
#[test]
fn english_and_russian_keywords_give_the_same_tree() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check/good");
    let (_, en) = compile_file(&dir.join("all_constructs_en.rgl"));
    let (_, ru) = compile_file(&dir.join("all_constructs_ru.rgl"));
    let en = without_spans(&format!("{:#?}", en.model().expect("checks")));
    let ru = without_spans(&format!("{:#?}", ru.model().expect("checks")));
    assert!(en.lines().count() > 300, "the files cover many constructs");
    assert_eq!(en, ru);
}

/// Every diagnostic code is documented in the language reference.
#[test]
fn every_code_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md")).unwrap();
    for code in reglament::diagnostic::Code::ALL {
        assert!(
            doc.contains(&format!("| {} |", code.as_str())),
            "{} is not in docs/language.md",
            code.as_str()
        );
    }
}

/// The bundled library checks clean, warnings included.
#[test]
fn bundled_regulations_check_clean() {
    let sources = common::library_sources();
    let compiled = reglament::compile(&sources);
    let rendered = render_human(&compiled.diagnostics, &sources, false);
    assert!(compiled.diagnostics.is_empty(), "{rendered}");
}
