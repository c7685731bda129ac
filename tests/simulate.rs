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

/// The stops of a profile file: (effective date, months overpaid, amount) each.
fn stops_of(file: &str) -> Vec<(Option<String>, i64, Option<String>)> {
    let model = library();
    let text =
        std::fs::read_to_string(format!("{}/tests/simulate/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let profiles = profile::read(&model, &text, false).unwrap();
    profiles
        .iter()
        .flat_map(|p| engine::simulate(&model, p, Date::parse(AS_OF).unwrap(), false).stops)
        .map(|s| (s.effective, s.overpaid_months, s.overpaid_amount))
        .collect()
}

#[test]
fn a_late_death_reports_the_payments_made_to_the_dead() {
    // Granted in March 2025, stopped from June 2026, paid until the record in November.
    let stops = stops_of("death_stops_pension_late.yaml");
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0].0.as_deref(), Some("2026-06-01"));
    assert_eq!(stops[0].1, 6);
}

#[test]
fn a_stop_takes_effect_the_month_after_the_death() {
    let stops = stops_of("payments_in_progress.yaml");
    let pick = |s: &(Option<String>, i64, Option<String>)| (s.0.clone().unwrap(), s.1, s.2.clone());
    let got: Vec<_> = stops.iter().map(pick).collect();
    assert_eq!(
        got,
        [
            ("2026-06-01".to_string(), 6, Some("158780.10".to_string())),
            ("2026-07-01".to_string(), 5, Some("132316.75".to_string())),
            // Paid through May, stopped from June: nothing overpaid.
            ("2026-06-01".to_string(), 0, None),
        ]
    );
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
