//! Helpers shared by the integration tests.
#![allow(dead_code)]

use reglament::model::Model;
use reglament::source::SourceMap;
use reglament::{Compiled, compile};
use std::path::Path;

/// Compiles one file, named by its file name so snapshots do not depend on the checkout.
pub fn compile_file(path: &Path) -> (SourceMap, Compiled) {
    let text = std::fs::read_to_string(path).expect("test input is readable");
    let name = path.file_name().expect("file name").to_string_lossy().to_string();
    compile_text(&name, &text)
}

pub fn compile_text(name: &str, text: &str) -> (SourceMap, Compiled) {
    let mut sources = SourceMap::new();
    sources.add(name, text);
    let compiled = compile(&sources);
    (sources, compiled)
}

/// The codes of the diagnostics, in order.
pub fn codes(compiled: &Compiled) -> Vec<&'static str> {
    compiled.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// A `{:#?}` dump with every span removed, to compare trees parsed from different text.
pub fn without_spans(debug: &str) -> String {
    let mut out = Vec::new();
    let mut skipping = 0usize;
    for line in debug.lines() {
        let trimmed = line.trim();
        if skipping > 0 {
            if trimmed.ends_with('{') {
                skipping += 1;
            } else if trimmed.starts_with('}') {
                skipping -= 1;
            }
            continue;
        }
        if trimmed.ends_with("Span {") {
            skipping = 1;
            continue;
        }
        out.push(line);
    }
    out.join("\n")
}

/// The bundled regulation library, read as the CLI reads it.
pub fn library_sources() -> SourceMap {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("regulations");
    reglament::cli::load::load(&[root]).expect("the library is readable")
}

/// The bundled library compiled, checking clean.
pub fn library() -> Model {
    let compiled = compile(&library_sources());
    assert!(compiled.diagnostics.is_empty(), "the library checks clean");
    compiled.into_model().expect("a model")
}

/// The model of one file that checks without errors.
pub fn model_of(path: &Path) -> Model {
    let (_, compiled) = compile_file(path);
    compiled.into_model().expect("the file checks without errors")
}
