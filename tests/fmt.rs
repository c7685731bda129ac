//! `reglament fmt`: the canonical layout. Every `.rgl` of the library and the examples is
//! kept in it; formatting is idempotent, keeps the syntax tree and every comment, and
//! converts keywords between the languages without loss.

use reglament::format::{Keywords, format};
use std::path::{Path, PathBuf};

fn rgl_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rgl") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut out);
    out
}

/// The library and every example are formatted: `reglament fmt --check` would pass.
#[test]
fn the_library_and_the_examples_are_formatted() {
    for dir in ["regulations", "examples"] {
        for file in rgl_files(dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            let formatted = format(&text, None).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert!(formatted == text, "{} is not formatted: run `reglament fmt {dir}`", file.display());
        }
    }
}

/// Formatting twice gives what formatting once gives, in both keyword languages, and a
/// file turned into the other language and back is the file formatted.
#[test]
fn formatting_is_idempotent_and_keywords_round_trip() {
    let files: Vec<PathBuf> = ["regulations", "examples", "tests/check/good", "tests/fmt", "tests/columnar"]
        .iter()
        .flat_map(|d| rgl_files(d))
        .collect();
    assert!(files.len() > 30);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let once = format(&text, None).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(format(&once, None).unwrap(), once, "{} is not stable", file.display());
        for (there, back) in [(Keywords::Ru, Keywords::En), (Keywords::En, Keywords::Ru)] {
            let other = format(&once, Some(there)).unwrap();
            let returned = format(&other, Some(back)).unwrap();
            assert_eq!(format(&returned, Some(back)).unwrap(), returned, "{}", file.display());
            assert_eq!(
                format(&returned, None).unwrap(),
                format(&once, Some(back)).unwrap(),
                "{}",
                file.display()
            );
        }
    }
}

/// A file with a syntax error is left alone.
#[test]
fn a_file_that_does_not_parse_is_refused() {
    let error = format("service s { title \"t\" deadline }", None).unwrap_err();
    assert_eq!(error, reglament::format::FormatError::Syntax);
}

/// How the layout looks: messy inputs, formatted and in the other language.
#[test]
fn layouts() {
    insta::glob!("fmt/*.rgl", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let formatted = format(&text, None).unwrap();
        let other = if formatted.contains("service") { Keywords::Ru } else { Keywords::En };
        let converted = format(&formatted, Some(other)).unwrap();
        insta::assert_snapshot!(format!("{formatted}\n--- in the other language ---\n{converted}"));
    });
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

    /// Generated regulation sets of any size format stably and turn Russian and back.
    #[test]
    fn generated_sets_format_stably(services in 1usize..40) {
        let text = reglament::synthetic::corpus(services);
        let once = format(&text, None).unwrap();
        proptest::prop_assert_eq!(&format(&once, None).unwrap(), &once);
        let ru = format(&once, Some(Keywords::Ru)).unwrap();
        proptest::prop_assert_eq!(&format(&ru, Some(Keywords::En)).unwrap(), &once);
    }
}
