//! Chains: the services a life situation or an event sets off, in dependency order,
//! grouped into stages that can run in parallel, with the critical path and the
//! sequential sum, beside the same figures if every service had to be applied for.
//!
//! Time: a step lasts its deadline and starts when the last service it waits for has
//! finished; the first steps start on the day of the event. Calendar and working days are
//! never added together silently: from a start date, working days are counted on the
//! production calendar and every figure is in calendar days from that date; without one,
//! each figure is given in both units (`40 days + 10 working days`).

use super::ServiceGraph;
use crate::date::Date;
use crate::model::{Duration, EventId, Id, Model, ServiceId, Source};
use crate::vocabulary::{Unit, closed_set};
use foldhash::HashMap;
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

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
    /// The date the chain is counted from, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
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
    /// When the step can start at the earliest and when it finishes, counted from the
    /// event: calendar days, and (without a start date) working days beside them.
    pub start_day: i64,
    pub finish_day: i64,
    pub start_working_days: i64,
    pub finish_working_days: i64,
    /// The dates, when the chain is counted from a start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_date: Option<String>,
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
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Totals {
    /// Calendar days, and the working days beside them when there is no start date.
    pub critical_path_days: i64,
    pub critical_path_working_days: i64,
    pub sequential_days: i64,
    pub sequential_working_days: i64,
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
    /// Working days from the start date need a year the production calendar lacks.
    Calendar(i32),
}

/// The chain of a situation or an event, counted from a date if one is given.
pub fn chain(g: &ServiceGraph, target: &str, from: Option<Date>) -> Result<Chain, ChainError> {
    chain_of(g, target, from, &|_| true)
}

/// The chain with only the services `keep` accepts: a personalised chain leaves out what
/// does not apply to one citizen.
pub fn chain_of(
    g: &ServiceGraph,
    target: &str,
    from: Option<Date>,
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
    build(g, kind, &name.text, title.clone(), &entry_events, &members, from)
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
    from: Option<Date>,
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
    // Longest paths over the topological order: in stages (edges) and in time.
    let clock = Clock { model: m, from };
    let count = sub.node_count();
    let (mut stage, mut start, mut finish) =
        (vec![0usize; count], vec![At::default(); count], vec![At::default(); count]);
    for &n in &order {
        let preds = sub.neighbors_directed(n, petgraph::Incoming);
        let (s, begin) = preds.fold((1, At::default()), |(s, b), p| {
            (
                s.max(stage[p.index()] + 1),
                if clock.key(finish[p.index()]) > clock.key(b) { finish[p.index()] } else { b },
            )
        });
        stage[n.index()] = s;
        start[n.index()] = begin;
        finish[n.index()] = clock.after(begin, services[sub[n]].deadline)?;
    }

    // Steps by stage, then by declaration order.
    let mut nodes: Vec<NodeIndex> = order.clone();
    nodes.sort_by_key(|n| (stage[n.index()], sub[*n]));
    let steps: Vec<Step> = nodes
        .iter()
        .map(|&n| {
            let s = &services[sub[n]];
            let deadline = s.deadline.map_or(Deadline { days: 0, working: false }, |d| Deadline {
                days: d.days,
                working: d.unit == Unit::WorkingDays,
            });
            let mut after: Vec<ServiceId> =
                sub.neighbors_directed(n, petgraph::Incoming).map(|p| sub[p]).collect();
            after.sort_unstable();
            let (begin, end) = (clock.shown(start[n.index()]), clock.shown(finish[n.index()]));
            Step {
                stage: stage[n.index()],
                service: s.name.text.clone(),
                title: s.title.clone(),
                agency: s.agency.map(|a| m.agencies[a].name.text.clone()),
                deadline,
                start_day: begin.0,
                finish_day: end.0,
                start_working_days: begin.1,
                finish_working_days: end.1,
                start_date: begin.2,
                finish_date: end.2,
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
    let mut at =
        order.iter().copied().max_by_key(|n| (clock.key(finish[n.index()]), std::cmp::Reverse(sub[*n])));
    let last = at.map_or(At::default(), |n| finish[n.index()]);
    while let Some(n) = at {
        critical.push(services[sub[n]].name.text.clone());
        at = sub
            .neighbors_directed(n, petgraph::Incoming)
            .filter(|p| finish[p.index()] == start[n.index()])
            .min_by_key(|p| sub[*p]);
    }
    critical.reverse();

    // All deadlines one after another, in the order of the steps.
    let mut sequential = At::default();
    for &n in &nodes {
        sequential = clock.after(sequential, services[sub[n]].deadline)?;
    }
    let (critical_days, sequential_days) = (clock.shown(last), clock.shown(sequential));
    let mut agencies: Vec<&str> = steps.iter().filter_map(|s| s.agency.as_deref()).collect();
    agencies.sort_unstable();
    agencies.dedup();
    let totals = |interactions| Totals {
        critical_path_days: critical_days.0,
        critical_path_working_days: critical_days.1,
        sequential_days: sequential_days.0,
        sequential_working_days: sequential_days.1,
        agencies: agencies.len(),
        applicant_interactions: interactions,
    };
    let proactive_interactions =
        steps.iter().filter(|s| !s.proactive || !s.applicant_provides.is_empty()).count();
    Ok(Chain {
        kind,
        name: name.to_string(),
        title,
        from: from.map(|d| d.to_string()),
        entry_events: events.iter().map(|&e| m.events[e].name.text.clone()).collect(),
        proactive: totals(proactive_interactions),
        reactive: totals(steps.len()),
        critical_path: critical,
        steps,
        undecided: Vec::new(),
    })
}

/// A moment of a chain: calendar and working days since the start, or (from a start date)
/// calendar days since it, working days counted on the production calendar.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct At {
    days: i64,
    working: i64,
}

struct Clock<'m> {
    model: &'m Model,
    from: Option<Date>,
}

impl Clock<'_> {
    /// The moment a deadline after `at` ends.
    fn after(&self, at: At, deadline: Option<Duration>) -> Result<At, ChainError> {
        let Some(d) = deadline.filter(|d| d.days > 0) else { return Ok(at) };
        match (self.from, d.unit) {
            (Some(from), Unit::WorkingDays) => {
                let calendar = self.model.calendar.as_ref().ok_or(ChainError::Calendar(from.year))?;
                let start = from.add_days(at.days);
                let end = calendar.add_working_days(start, d.days).map_err(ChainError::Calendar)?;
                let end = end.ok_or(ChainError::Calendar(start.year))?;
                Ok(At { days: end.day_number() - from.day_number(), working: 0 })
            }
            (_, Unit::WorkingDays) => Ok(At { days: at.days, working: at.working + d.days }),
            _ => Ok(At { days: at.days + d.calendar_days(), working: at.working }),
        }
    }

    /// The order of moments: exact from a start date; without one, working days weigh as
    /// a five-day week would (⌈w × 7 / 5⌉), only to choose the longer of two paths — the
    /// figures keep both units.
    fn key(&self, at: At) -> i64 {
        at.days + (at.working * 7 + 4) / 5
    }

    /// Calendar days, working days, and the date when there is a start date.
    fn shown(&self, at: At) -> (i64, i64, Option<String>) {
        (at.days, at.working, self.from.map(|f| f.add_days(at.days).to_string()))
    }
}
