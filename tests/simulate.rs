//! Simulation of the profiles under `tests/simulate/` against the bundled library, as of
//! 2026-11-24: the human report with explanations and the JSON report in one snapshot;
//! bad profiles give an error naming the line and the field.

mod common;

use reglament::date::Date;
use reglament::model::Model;
use reglament::simulate::{engine, profile, report};

fn library() -> Model {
    common::library()
}

const AS_OF: &str = "2026-11-24";

#[test]
fn profiles() {
    let model = library();
    let as_of = Date::parse(AS_OF).unwrap();
    insta::glob!("simulate/*.{yaml,json}", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let json = path.extension().is_some_and(|e| e == "json");
        let profiles = profile::read(&model, &text, json).unwrap();
        let reports: Vec<_> = profiles.iter().map(|p| engine::simulate(&model, p, as_of, true)).collect();
        let human: Vec<String> = reports.iter().map(|r| report::human(r, true)).collect();
        let json = serde_json::to_string_pretty(&reports).unwrap();
        insta::assert_snapshot!(format!("{}\n--- json ---\n{json}", human.join("\n")));
    });
}

#[test]
fn bad_profiles() {
    let model = library();
    insta::glob!("simulate/bad/*", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let json = path.extension().is_some_and(|e| e == "json");
        let error = profile::read(&model, &text, json).expect_err("a bad profile");
        assert!(error.line > 0, "the error names a line: {error}");
        insta::assert_snapshot!(format!("{text}\n--- error ---\n{error}"));
    });
}

#[test]
fn late_death_reports_the_payments_made_in_excess() {
    let model = library();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/simulate/death_stops_pension_late.yaml"
    ))
    .unwrap();
    let profiles = profile::read(&model, &text, false).unwrap();
    let report = engine::simulate(&model, &profiles[0], Date::parse(AS_OF).unwrap(), false);
    let stop = report.stops.iter().find(|s| s.service == "old_age_pension").unwrap();
    assert!(stop.active);
    assert_eq!(stop.excess_months, 6);
}

#[test]
fn months_between_counts_whole_months() {
    let d = |s| Date::parse(s).unwrap();
    assert_eq!(engine::months_between(d("2026-05-10"), d("2026-11-15")), 6);
    assert_eq!(engine::months_between(d("2026-05-10"), d("2026-11-09")), 5);
    assert_eq!(engine::months_between(d("2026-05-10"), d("2026-05-10")), 0);
}

/// A byte order mark before a profile, in YAML or JSON, is not part of it.
#[test]
fn a_byte_order_mark_is_skipped() {
    let model = library();
    for (file, json) in [("birth_second_child.yaml", false), ("marriage.json", true)] {
        let text =
            std::fs::read_to_string(format!("{}/tests/simulate/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let as_of = Date::parse(AS_OF).unwrap();
        let report = |text: &str| {
            let profiles = profile::read(&model, text, json).unwrap();
            let reports: Vec<_> = profiles.iter().map(|p| engine::simulate(&model, p, as_of, true)).collect();
            serde_json::to_string(&reports).unwrap()
        };
        assert_eq!(report(&text), report(&format!("\u{feff}{text}")), "{file}");
    }
}
