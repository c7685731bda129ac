//! Chains: the services a life situation or an event sets off, in dependency order,
//! grouped into stages that can run in parallel, with the critical path and the
//! sequential sum in calendar days, beside the same figures if every service had to be
//! applied for.
//!
//! Days: a step lasts its deadline in calendar days; working days count as ⌈w × 7 / 5⌉
//! calendar days (a five-day week, public holidays aside). A step starts when the last
//! service it waits for has finished; the first steps start on the day of the event.

use super::ServiceGraph;
use crate::model::{EventId, Id, ServiceId, Source};
use crate::vocabulary::{Unit, closed_set};
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;
use std::collections::HashMap;

closed_set! {
    /// What a chain starts from.
    pub enum ChainKind {
        Situation = "situation",
        Event = "event",
    }
}

#[derive(Serialize, Debug)]
pub struct Chain {
    pub kind: ChainKind,
    pub name: String,
    pub title: Option<String>,
    pub entry_events: Vec<String>,
    pub steps: Vec<Step>,
    /// Services on the longest path, first to last.
    pub critical_path: Vec<String>,
    pub proactive: Totals,
    pub reactive: Totals,
    /// In a personalised chain, the services that could not be decided for the citizen,
    /// with what they miss: listed apart, not counted in the figures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<Undecided>,
}

#[derive(Serialize, Debug, Clone)]
pub struct Undecided {
    pub service: String,
    /// `insufficient_data`, `regulation_gap`, or `not_decided`.
    pub outcome: String,
    /// The facts (or the regulations' gaps) that kept it open.
    pub missing: Vec<String>,
}

#[derive(Serialize, Debug)]
pub struct Step {
    pub stage: usize,
    pub service: String,
    pub title: Option<String>,
    pub agency: Option<String>,
    pub deadline: Deadline,
    /// Day on which the step can start at the earliest, counted from the event.
    pub start_day: i64,
    pub finish_day: i64,
    /// Started by a trigger with no application.
    pub proactive: bool,
    /// Inputs the applicant must still provide.
    pub applicant_provides: Vec<String>,
    /// Services of the chain this step waits for.
    pub after: Vec<String>,
}

#[derive(Serialize, Clone, Copy, Debug)]
pub struct Deadline {
    pub days: i64,
    pub working: bool,
    pub calendar_days: i64,
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Totals {
    pub critical_path_days: i64,
    pub sequential_days: i64,
    pub agencies: usize,
    /// Applications and requests for data the applicant has to make.
    pub applicant_interactions: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ChainError {
    /// No situation or event of that name; the closest name if any.
    Unknown { name: String, suggestion: Option<String> },
    /// The services of the chain depend on each other in a cycle.
    Cycle(Vec<String>),
}

/// The chain of a situation or an event.
pub fn chain(g: &ServiceGraph, target: &str) -> Result<Chain, ChainError> {
    chain_of(g, target, &|_| true)
}

/// The chain with only the services `keep` accepts: a personalised chain leaves out what
/// does not apply to one citizen.
pub fn chain_of(
    g: &ServiceGraph,
    target: &str,
    keep: &dyn Fn(ServiceId) -> bool,
) -> Result<Chain, ChainError> {
    let m = g.model;
    let (kind, name, title, entry_events, members) = if let Some(id) = m.situation(target) {
        let s = &m.situations[id];
        (ChainKind::Situation, &s.name, &s.title, s.on.clone(), s.services.clone())
    } else if let Some(id) = m.event(target) {
        let e = &m.events[id];
        (ChainKind::Event, &e.name, &e.title, vec![id], downstream(g, g.started_on(id)))
    } else {
        let names = m.situations.iter().map(|s| &*s.name).chain(m.events.iter().map(|e| &*e.name));
        let suggestion = crate::check::symbols::suggest(target, names);
        return Err(ChainError::Unknown { name: target.to_string(), suggestion });
    };
    let mut members: Vec<ServiceId> = members.into_iter().filter(|&i| keep(i)).collect();
    members.sort_unstable();
    members.dedup();
    build(g, kind, &name.text, title.clone(), &entry_events, &members)
}

/// Events that start steps of a chain: its entry events and those its steps emit.
fn starting_events(g: &ServiceGraph, entry: &[EventId], members: &[ServiceId]) -> Vec<EventId> {
    let emitted = members.iter().flat_map(|&i| &g.model.services[i].emits).map(|&(e, _)| e);
    let mut events: Vec<EventId> = entry.iter().copied().chain(emitted).collect();
    events.sort_unstable();
    events.dedup();
    events
}

/// Services started on the event, and every service fed by them, transitively.
fn downstream(g: &ServiceGraph, mut stack: Vec<ServiceId>) -> Vec<ServiceId> {
    let mut seen = vec![false; g.model.services.len()];
    let mut out = Vec::new();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i.index()], true) {
            continue;
        }
        out.push(i);
        stack.extend(g.deps.neighbors(NodeIndex::new(i.index())).map(|n| g.deps[n]));
    }
    out
}

fn build(
    g: &ServiceGraph,
    kind: ChainKind,
    name: &str,
    title: Option<String>,
    events: &[EventId],
    members: &[ServiceId],
) -> Result<Chain, ChainError> {
    let m = g.model;
    // The dependency graph restricted to the chain's services.
    let mut sub: DiGraph<ServiceId, ()> = DiGraph::new();
    let local: HashMap<ServiceId, NodeIndex> = members.iter().map(|&i| (i, sub.add_node(i))).collect();
    for edge in g.deps.raw_edges() {
        let (a, b) = (g.deps[edge.source()], g.deps[edge.target()]);
        if let (Some(&x), Some(&y)) = (local.get(&a), local.get(&b))
            && !sub.contains_edge(x, y)
        {
            sub.add_edge(x, y, ());
        }
    }
    let order = toposort(&sub, None).map_err(|cycle| {
        let at = sub[cycle.node_id()];
        ChainError::Cycle(vec![m.services[at].name.text.clone()])
    })?;

    let services = &m.services;
    let starting = starting_events(g, events, members);
    // Longest paths over the topological order: in stages (edges) and in days.
    let count = sub.node_count();
    let (mut stage, mut start, mut finish) = (vec![0usize; count], vec![0i64; count], vec![0i64; count]);
    for &n in &order {
        let preds = sub.neighbors_directed(n, petgraph::Incoming);
        let (s, begin) =
            preds.fold((1, 0), |(s, b), p| (s.max(stage[p.index()] + 1), b.max(finish[p.index()])));
        let days = services[sub[n]].deadline.map_or(0, |d| d.calendar_days().max(0));
        stage[n.index()] = s;
        start[n.index()] = begin;
        finish[n.index()] = begin + days;
    }

    // Steps by stage, then by declaration order.
    let mut nodes: Vec<NodeIndex> = order.clone();
    nodes.sort_by_key(|n| (stage[n.index()], sub[*n]));
    let steps: Vec<Step> = nodes
        .iter()
        .map(|&n| {
            let s = &services[sub[n]];
            let deadline =
                s.deadline.map_or(Deadline { days: 0, working: false, calendar_days: 0 }, |d| Deadline {
                    days: d.days,
                    working: d.unit == Unit::WorkingDays,
                    calendar_days: d.calendar_days().max(0),
                });
            let mut after: Vec<ServiceId> =
                sub.neighbors_directed(n, petgraph::Incoming).map(|p| sub[p]).collect();
            after.sort_unstable();
            Step {
                stage: stage[n.index()],
                service: s.name.text.clone(),
                title: s.title.clone(),
                agency: s.agency.map(|a| m.agencies[a].name.text.clone()),
                deadline,
                start_day: start[n.index()],
                finish_day: finish[n.index()],
                proactive: g.is_proactive(sub[n], &starting),
                applicant_provides: s
                    .inputs
                    .iter()
                    .filter(|i| matches!(i.source, Source::Applicant { .. }))
                    .map(|i| i.name.text.clone())
                    .collect(),
                after: after.into_iter().map(|i| services[i].name.text.clone()).collect(),
            }
        })
        .collect();

    // The critical path: from the step finishing last, back through the predecessor that
    // finishes when it starts.
    let mut critical = Vec::new();
    let mut at = order.iter().copied().max_by_key(|n| (finish[n.index()], std::cmp::Reverse(sub[*n])));
    while let Some(n) = at {
        critical.push(services[sub[n]].name.text.clone());
        at = sub
            .neighbors_directed(n, petgraph::Incoming)
            .filter(|p| finish[p.index()] == start[n.index()])
            .min_by_key(|p| sub[*p]);
    }
    critical.reverse();

    let critical_days = finish.iter().copied().max().unwrap_or(0);
    let sequential: i64 = steps.iter().map(|s| s.deadline.calendar_days).sum();
    let mut agencies: Vec<&str> = steps.iter().filter_map(|s| s.agency.as_deref()).collect();
    agencies.sort_unstable();
    agencies.dedup();
    let totals = |interactions| Totals {
        critical_path_days: critical_days,
        sequential_days: sequential,
        agencies: agencies.len(),
        applicant_interactions: interactions,
    };
    let proactive_interactions =
        steps.iter().filter(|s| !s.proactive || !s.applicant_provides.is_empty()).count();
    Ok(Chain {
        kind,
        name: name.to_string(),
        title,
        entry_events: events.iter().map(|&e| m.events[e].name.text.clone()).collect(),
        proactive: totals(proactive_interactions),
        reactive: totals(steps.len()),
        critical_path: critical,
        steps,
        undecided: Vec::new(),
    })
}
