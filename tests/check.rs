//! The checker on one-file inputs: every bad input shows its exact diagnostics, every good
//! input checks clean.

mod common;

use common::{codes, compile_file, without_spans};
use reglament::diagnostic::render_human;
use reglament::source::SourceMap;

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

/// What an editor is sent first after an edit: one file checked in its set reports what
/// the whole check reports in that file, but for what needs every body read (unused
/// declarations) and the graph lints, which run only on a set without errors.
#[test]
fn one_file_in_its_set_reports_what_the_whole_check_does() {
    use reglament::diagnostic::Code;
    let whole_set = [
        Code::AskedForHeldData,
        Code::Cycle,
        Code::NoDeathStop,
        Code::ProactiveWithoutConsent,
        Code::SameRecord,
        Code::SituationUnbound,
        Code::Unprovided,
        Code::Unreachable,
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sets: Vec<Vec<std::path::PathBuf>> = Vec::new();
    for dir in ["tests/check/bad", "tests/check/good"] {
        let mut files: Vec<_> =
            std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        sets.extend(files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "rgl")).map(|p| vec![p]));
    }
    let mut sets: Vec<SourceMap> = sets
        .into_iter()
        .map(|set| {
            let mut sources = SourceMap::new();
            for path in &set {
                sources.add(path.display().to_string(), std::fs::read_to_string(path).unwrap());
            }
            sources
        })
        .collect();
    sets.push(common::library_sources());
    for sources in sets {
        let whole = reglament::compile(&sources);
        let parsed: Vec<_> = sources.ids().map(|id| reglament::parse_file(&sources, id)).collect();
        let parsed: Vec<_> = parsed.iter().collect();
        for file in sources.ids() {
            let expected: Vec<_> = whole
                .diagnostics
                .iter()
                .filter(|d| d.primary.span.file == file && !whole_set.contains(&d.code))
                // An unused derived fact is the service's own business; a declaration is the set's.
                .filter(|d| d.code != Code::Unused || d.message.starts_with("derived fact"))
                .cloned()
                .collect();
            let found = reglament::on_compiler_stack(|| reglament::compile_file(&sources, &parsed, file));
            assert_eq!(found, expected, "{}", sources.name(file));
        }
    }
}
