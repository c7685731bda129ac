//! Any text as a profile file, YAML and JSON, against the bundled library: read or refused
//! with a position; what is read is simulated.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use reglament::date::Date;
use reglament::simulate::{engine, profile, report};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let model = &*common::LIBRARY;
    let as_of = Date::parse("2026-11-24").expect("a date");
    for json in [false, true] {
        if let Ok(profiles) = profile::read(model, text, json) {
            for p in &profiles {
                let r = engine::simulate(model, p, as_of, true);
                let _ = report::human(&r, true);
            }
        }
    }
});
