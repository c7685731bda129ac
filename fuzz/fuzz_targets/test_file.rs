//! Any text as a regulation test file against the bundled library.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use reglament::suite;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let model = &*common::LIBRARY;
    if let Ok(tests) = suite::read(model, "fuzz.test.yaml", text) {
        for t in tests {
            let _ = suite::run(model, t);
        }
    }
});
