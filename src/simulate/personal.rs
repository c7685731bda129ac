//! Personalised chains (the Concept, IV.2): a life situation's chain with the services
//! the citizen gets or would get on application — granted, provided, offered or eligible
//! — and, apart, those that could not be decided, with what they miss.

use super::decision::{Decision, Outcome, Report};
use crate::graph::ServiceGraph;
use crate::graph::chains::{Chain, ChainError, Undecided, chain_of};
use crate::model::{Model, ServiceId};

/// What a service's latest decision says of it: in the chain, apart, or out (refused, not
/// applicable).
fn standing(d: Option<&Decision>) -> Result<bool, Undecided> {
    let Some(d) = d else {
        return Err(Undecided { service: String::new(), outcome: "not_decided".into(), missing: Vec::new() });
    };
    // A suppressed start stands as an application would.
    let outcome = d.on_application.unwrap_or(d.outcome);
    match outcome {
        Outcome::Granted | Outcome::Provided | Outcome::Offered | Outcome::Eligible => Ok(true),
        Outcome::Refused | Outcome::NotApplicable => Ok(false),
        Outcome::InsufficientData | Outcome::RegulationGap | Outcome::Suppressed => {
            let mut missing = d.missing.clone();
            missing.extend(d.regulation_gaps.iter().cloned());
            Err(Undecided { service: String::new(), outcome: outcome.to_string(), missing })
        }
    }
}

/// The chain of `situation` for the profile of `report`.
pub fn chain(
    model: &Model,
    graph: &ServiceGraph,
    report: &Report,
    situation: &str,
) -> Result<Chain, ChainError> {
    let latest = |i: ServiceId| {
        let name = &model.services[i].name.text;
        report.decisions.iter().rev().find(|d| d.service == *name)
    };
    // Counted from the day the citizen entered the situation, on the production calendar.
    let entry = model.situation(situation).map(|id| &model.situations[id].on);
    let from = report
        .events
        .iter()
        .filter(|e| {
            e.applied && entry.is_some_and(|on| on.iter().any(|&x| model.events[x].name.text == e.event))
        })
        .find_map(|e| crate::date::Date::parse(&e.date));
    let mut chain = chain_of(graph, situation, from, &|i| matches!(standing(latest(i)), Ok(true)))?;
    if let Some(id) = model.situation(situation) {
        for &s in &model.situations[id].services {
            if let Err(mut u) = standing(latest(s)) {
                u.service = model.services[s].name.text.clone();
                chain.undecided.push(u);
            }
        }
    }
    Ok(chain)
}
