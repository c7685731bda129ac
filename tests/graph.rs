//! The service graph and chains on the bundled library: the figures the seeds give.

mod common;

use common::library;
use reglament::graph::ServiceGraph;
use reglament::graph::chains::{ChainError, chain};

/// Seeds [S1]: after a marriage with a change of surname, the passport first (10 days),
/// then INN, SNILS, driving licence and foreign passport in parallel: 40 and 67 days.
#[test]
fn marriage_with_surname_change_takes_40_days_not_67() {
    let compiled = library();
    let g = ServiceGraph::build(&compiled);
    let c = chain(&g, "marriage_surname_change").unwrap();
    assert_eq!(c.proactive.critical_path_days, 40);
    assert_eq!(c.proactive.sequential_days, 67);
    assert_eq!(c.critical_path, ["passport_replacement", "foreign_passport_replacement"]);
    let stages: Vec<(usize, &str)> = c.steps.iter().map(|s| (s.stage, s.service.as_str())).collect();
    assert_eq!(stages[0], (1, "passport_replacement"));
    assert!(stages[1..].iter().all(|(stage, _)| *stage == 2));
    assert!(c.proactive.applicant_interactions < c.reactive.applicant_interactions);
}

#[test]
fn an_event_chain_follows_triggers_and_outputs() {
    let compiled = library();
    let g = ServiceGraph::build(&compiled);
    let c = chain(&g, "birth_registered").unwrap();
    let names: Vec<&str> = c.steps.iter().map(|s| s.service.as_str()).collect();
    // SNILS is started by a trigger; the OMS policy waits for the SNILS.
    let snils = names.iter().position(|n| *n == "snils_assignment").unwrap();
    let oms = names.iter().position(|n| *n == "oms_policy").unwrap();
    assert!(snils < oms);
    assert!(!names.contains(&"birth_registration"), "the event's own producer comes before it");
}

#[test]
fn unknown_targets_get_a_suggestion() {
    let compiled = library();
    let g = ServiceGraph::build(&compiled);
    let err = chain(&g, "marriage_surname_chnge").err().unwrap();
    assert_eq!(
        err,
        ChainError::Unknown {
            name: "marriage_surname_chnge".into(),
            suggestion: Some("marriage_surname_change".into())
        }
    );
}
