//! Any bytes as JSON Lines of profiles: every line is simulated or reported.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use reglament::date::Date;
use reglament::simulate::batch::{self, Input, Options};

fuzz_target!(|data: &[u8]| {
    let model = &*common::LIBRARY;
    let options = Options { as_of: Date::parse("2026-11-24").expect("a date"), explain: false, strict: false };
    let mut out = Vec::new();
    let mut reported = 0;
    let summary = batch::run(model, Input::JsonLines(data), options, &mut out, &mut |_| reported += 1, &|_| {})
        .expect("writing to memory does not fail");
    assert_eq!(summary.malformed, reported);
    assert_eq!(summary.rows, out.iter().filter(|&&b| b == b'\n').count());
});
