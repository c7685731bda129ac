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
    let c = chain(&g, "marriage_surname_change", None).unwrap();
    assert_eq!(c.proactive.critical_path_days, 40);
    assert_eq!(c.proactive.sequential_days, 67);
    assert_eq!(c.critical_path, ["passport_replacement", "foreign_passport_replacement"]);
    let stages: Vec<(usize, &str)> = c.steps.iter().map(|s| (s.stage, s.service.as_str())).collect();
    assert_eq!(stages[0], (1, "passport_replacement"));
    assert!(stages[1..].iter().all(|(stage, _)| *stage == 2));
    assert!(c.proactive.applicant_interactions < c.reactive.applicant_interactions);
}

/// Working days are never added to calendar days: without a date they stand apart; from
/// a date they are counted on the production calendar (the May holidays of 2026).
#[test]
fn working_days_count_on_the_calendar_from_a_date() {
    let compiled = library();
    let g = ServiceGraph::build(&compiled);
    let apart = chain(&g, "birth_of_child", None).unwrap();
    assert_eq!((apart.proactive.critical_path_days, apart.proactive.critical_path_working_days), (0, 10));
    let dated =
        chain(&g, "birth_of_child", Some(reglament::date::Date::parse("2026-04-28").unwrap())).unwrap();
    // Ten working days from Tuesday 28 April end on 14 May: 1–3 and 9–11 May are days off.
    assert_eq!((dated.proactive.critical_path_days, dated.proactive.critical_path_working_days), (16, 0));
    let last = dated.steps.iter().find(|s| s.service == "unified_allowance").unwrap();
    assert_eq!(last.finish_date.as_deref(), Some("2026-05-14"));
    // A year the calendar does not declare is an error, never a guess.
    let late = chain(&g, "birth_of_child", Some(reglament::date::Date::parse("2027-03-01").unwrap()));
    assert_eq!(late.err(), Some(ChainError::Calendar(2027)));
}

#[test]
fn an_event_chain_follows_triggers_and_outputs() {
    let compiled = library();
    let g = ServiceGraph::build(&compiled);
    let c = chain(&g, "birth_registered", None).unwrap();
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
    let err = chain(&g, "marriage_surname_chnge", None).err().unwrap();
    assert_eq!(
        err,
        ChainError::Unknown {
            name: "marriage_surname_chnge".into(),
            suggestion: Some("marriage_surname_change".into())
        }
    );
}
