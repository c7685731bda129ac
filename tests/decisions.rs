//! Decision semantics on a small regulation set (`tests/decisions/rules.rgl`): a grant
//! computes its outputs, `missing` names only what left a check unknown, a parameter
//! without a value is a gap in the regulation, and a refusal states every ground.

mod common;

use reglament::date::Date;
use reglament::model::Model;
use reglament::simulate::decision::{Decision, Outcome};
use reglament::simulate::engine::simulate;
use reglament::simulate::profile;
use std::path::Path;

fn rules() -> Model {
    common::model_of(Path::new("tests/decisions/rules.rgl"))
}

/// The decision on `service`, applied for on `date` by citizen `p` with these facts.
fn decide(service: &str, date: &str, facts: &str) -> Decision {
    let model = rules();
    let yaml = format!(
        "- id: p\n  persons: [{{ id: p, facts: {{ {facts} }} }}]\n  applications: [{{ service: {service}, date: {date}, roles: {{ citizen: p }} }}]\n"
    );
    let profiles = profile::read(&model, &yaml, false).expect("the profile reads");
    let as_of = Date::parse(date).unwrap();
    let mut report = simulate(&model, &profiles[0], as_of, false);
    assert_eq!(report.decisions.len(), 1, "{:?}", report.decisions);
    report.decisions.remove(0)
}

#[test]
fn a_grant_whose_output_needs_an_unknown_fact_is_insufficient_data() {
    let d = decide("allowance", "2026-03-01", "adult: true");
    assert_eq!(d.outcome, Outcome::InsufficientData);
    assert_eq!(d.missing, ["p.income"]);
    assert!(d.outputs.is_empty());
    assert_eq!(d.reason.as_deref(), Some("an output needs facts the profile lacks"));

    let d = decide("allowance", "2026-03-01", "adult: true, income: \"12345.00\"");
    assert_eq!(d.outcome, Outcome::Granted);
    assert_eq!(d.outputs["amount"], "1234.50");
}

#[test]
fn missing_lists_only_facts_that_left_a_check_unknown() {
    // `c1 = not a or b == 0` holds with `b` = 0 whatever `a` is; `c2 = c` is unknown.
    let d = decide("precise", "2026-03-01", "b: 0");
    assert_eq!(d.outcome, Outcome::InsufficientData);
    assert_eq!(d.missing, ["p.c"]);

    let d = decide("precise", "2026-03-01", "b: 1");
    assert_eq!(d.missing, ["p.a", "p.c"]);
}

#[test]
fn a_parameter_with_no_value_in_force_is_a_regulation_gap() {
    let d = decide("early", "2024-06-01", "income: \"100.00\"");
    assert_eq!(d.outcome, Outcome::RegulationGap);
    assert_eq!(d.regulation_gaps, ["rate"]);
    assert!(d.missing.is_empty());
    let reason = d.reason.unwrap();
    assert!(reason.contains("`rate`") && reason.contains("2024-06-01"), "{reason}");

    // The same decision once the parameter is in force.
    let d = decide("early", "2025-06-01", "income: \"100.00\"");
    assert_eq!(d.outcome, Outcome::Granted);
    assert_eq!(d.outputs["amount"], "1000.00");
}

#[test]
fn a_refusal_states_every_ground_in_declared_order() {
    let d = decide("strict", "2026-03-01", "adult: false, resident: false, income: \"90000.00\"");
    assert_eq!(d.outcome, Outcome::Refused);
    assert_eq!(d.refused_by, ["too_rich", "minor", "is_adult", "is_resident"]);
    assert_eq!(
        d.reason.as_deref(),
        Some(
            "refusal ground too_rich «Доход выше порога»; refusal ground minor «Несовершеннолетний»; \
             criterion is_adult «Совершеннолетний» does not hold; \
             criterion is_resident «Проживает в регионе» does not hold"
        )
    );

    // One ground: one reason.
    let d = decide("strict", "2026-03-01", "adult: true, resident: false, income: \"100.00\"");
    assert_eq!(d.refused_by, ["is_resident"]);
}
