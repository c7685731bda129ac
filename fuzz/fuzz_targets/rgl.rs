//! Any text as a regulation file: the compiler answers with a model or diagnostics, and
//! the formatter with the text laid out or a refusal, never a panic, a hang or an
//! overflow; what checks can be simulated (its profile schema too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use reglament::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = SourceMap::new();
    sources.add("fuzz.rgl", text);
    let compiled = reglament::compile(&sources);
    // The formatter refuses what it cannot keep the meaning of; it never panics.
    let _ = reglament::format::format(text, None);
    let _ = reglament::diagnostic::render_human(&compiled.diagnostics, &sources, false);
    if let Some(model) = compiled.model() {
        let _ = reglament::simulate::schema::profiles(model);
        let graph = reglament::graph::ServiceGraph::build(model);
        for situation in model.situations.iter() {
            let _ = reglament::graph::chains::chain(&graph, &situation.name, None);
        }
    }
});
