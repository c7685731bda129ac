//! Personalised chains (the Concept, IV.2): a life situation's chain with only the
//! services that apply to this citizen — those the simulation did not refuse.

use super::decision::{Outcome, Report};
use crate::graph::ServiceGraph;
use crate::graph::chains::{Chain, ChainError, chain_of};
use crate::model::{Model, ServiceId};

/// The chain of `situation` for the profile of `report`. A service refused by its latest
/// decision is left out; one not decided, or undecidable for lack of data, stays in.
pub fn chain(
    model: &Model,
    graph: &ServiceGraph,
    report: &Report,
    situation: &str,
) -> Result<Chain, ChainError> {
    let refused = |i: ServiceId| {
        let name = &model.services[i].name.text;
        report
            .decisions
            .iter()
            .rev()
            .find(|d| d.service == *name)
            .is_some_and(|d| d.outcome == Outcome::Refused)
    };
    chain_of(graph, situation, &|i| !refused(i))
}
