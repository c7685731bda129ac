//! Stage 3: the service graph of a checked regulation set (petgraph), and the analyses on
//! it: graph lints, chains of services by life situation or event, renderings.
//!
//! The full graph has services, events, registries and triggers as nodes; edges say who
//! reads, writes, starts and stops what. The dependency graph has services only: `a → b`
//! when `b` takes an input from an output of `a`, or reads a fact that `a` records.

pub mod chains;
mod lints;
pub mod render;

use crate::model::{
    Action, EventId, ExprKind, FactRef, Id, Model, RegistryId, Service, ServiceId, Source, TriggerId,
};
use foldhash::{HashMap, HashMapExt};
use petgraph::graph::{DiGraph, NodeIndex};

pub use lints::{lints, lints_on};

#[derive(Clone, Copy, Debug)]
pub enum Node {
    Service(ServiceId),
    Event(EventId),
    Registry(RegistryId),
    Trigger(TriggerId),
}

impl Node {
    pub fn name<'m>(&self, m: &'m Model) -> &'m str {
        match *self {
            Node::Service(s) => &m.services[s].name,
            Node::Event(e) => &m.events[e].name,
            Node::Registry(r) => &m.registries[r].name,
            Node::Trigger(t) => &m.triggers[t].name,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Node::Service(_) => "service",
            Node::Event(_) => "event",
            Node::Registry(_) => "registry",
            Node::Trigger(_) => "trigger",
        }
    }

    pub fn title<'m>(&self, m: &'m Model) -> Option<&'m str> {
        match *self {
            Node::Service(s) => m.services[s].title.as_deref(),
            Node::Event(e) => m.events[e].title.as_deref(),
            Node::Registry(r) => m.registries[r].title.as_deref(),
            Node::Trigger(t) => m.triggers[t].title.as_deref(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edge<'a> {
    /// Registry → service: the service reads this fact.
    Reads(&'a str),
    /// Service → registry: the service records this fact.
    Writes(&'a str),
    /// Service → service: an output feeds an input.
    Feeds(&'a str),
    /// Event → service: the service takes this payload field.
    Payload(&'a str),
    /// Event → trigger.
    On,
    /// Trigger → service.
    Starts,
    Stops,
    /// Service → event: the service's record is the event.
    Emits,
}

impl Edge<'_> {
    pub fn kind(&self) -> &'static str {
        match self {
            Edge::Reads(_) => "reads",
            Edge::Writes(_) => "writes",
            Edge::Feeds(_) => "feeds",
            Edge::Payload(_) => "payload",
            Edge::On => "on",
            Edge::Starts => "starts",
            Edge::Stops => "stops",
            Edge::Emits => "emits",
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Edge::Reads(f) | Edge::Writes(f) | Edge::Feeds(f) | Edge::Payload(f) => f,
            Edge::On | Edge::Emits => "",
            Edge::Starts => "start",
            Edge::Stops => "stop",
        }
    }
}

/// Why one service depends on another.
#[derive(Clone, Copy, Debug)]
pub enum Dependency {
    /// The later service takes this input (by place) from the earlier one, directly or
    /// through a fact the earlier one records.
    Input(ServiceId, usize),
    /// The later service reads, where said, a fact the earlier one records.
    Fact(FactRef, crate::source::Span),
    /// The earlier service emits the event (said at the span) that starts the later one
    /// or feeds it.
    Event(EventId, crate::source::Span),
}

impl Dependency {
    pub fn span(&self, m: &Model) -> crate::source::Span {
        match *self {
            Dependency::Input(s, i) => m.services[s].inputs[i].name.span,
            Dependency::Event(_, span) | Dependency::Fact(_, span) => span,
        }
    }
}

pub struct ServiceGraph<'a> {
    pub model: &'a Model,
    /// Services, events, registries and triggers.
    pub full: DiGraph<Node, Edge<'a>>,
    /// Services only; node `i` is service `i`.
    pub deps: DiGraph<ServiceId, Dependency>,
    /// A fact → the services that record it, with the role whose entity's fact they record.
    pub writers: HashMap<FactRef, Vec<(ServiceId, usize)>>,
    /// Per service: the events on which a trigger starts it, and stops it.
    pub started_by: Vec<Vec<EventId>>,
    pub stopped_by: Vec<Vec<EventId>>,
    /// Per service: the entry events of the situations that list it.
    pub situation_events: Vec<Vec<EventId>>,
}

impl<'a> ServiceGraph<'a> {
    pub fn build(model: &'a Model) -> Self {
        let m = model;
        let count = m.services.len();
        let mut full = DiGraph::new();
        let service_nodes: Vec<NodeIndex> =
            m.services.ids().map(|s| full.add_node(Node::Service(s))).collect();
        let event_nodes: Vec<NodeIndex> = m.events.ids().map(|e| full.add_node(Node::Event(e))).collect();
        let registry_nodes: Vec<NodeIndex> =
            m.registries.ids().map(|r| full.add_node(Node::Registry(r))).collect();

        let mut writers: HashMap<FactRef, Vec<(ServiceId, usize)>> = HashMap::new();
        for (i, s) in m.services.enumerate() {
            for output in &s.outputs {
                let Some((role, f, _)) = output.writes else { continue };
                writers.entry(f).or_default().push((i, role));
                let field = &m.fact(f).name;
                for r in m.providers(f) {
                    full.add_edge(service_nodes[i.index()], registry_nodes[r.index()], Edge::Writes(field));
                }
            }
        }

        let mut fed_by_event: HashMap<EventId, Vec<ServiceId>> = HashMap::new();
        let mut deps = DiGraph::new();
        for s in m.services.ids() {
            deps.add_node(s);
        }
        for (b, s) in m.services.enumerate() {
            for (k, input) in s.inputs.iter().enumerate() {
                let dependency = Dependency::Input(b, k);
                match input.source {
                    Source::Applicant { .. } => {}
                    Source::Service(a, o) => {
                        let field = &m.services[a].outputs[o].name;
                        full.add_edge(service_nodes[a.index()], service_nodes[b.index()], Edge::Feeds(field));
                        deps.add_edge(NodeIndex::new(a.index()), NodeIndex::new(b.index()), dependency);
                    }
                    Source::Event(e, f) => {
                        let field = &m.events[e].fields[f].name;
                        full.add_edge(event_nodes[e.index()], service_nodes[b.index()], Edge::Payload(field));
                        fed_by_event.entry(e).or_default().push(b);
                    }
                    Source::Fact { fact, role } => {
                        let field = &m.fact(fact).name;
                        for r in m.providers(fact) {
                            full.add_edge(
                                registry_nodes[r.index()],
                                service_nodes[b.index()],
                                Edge::Reads(field),
                            );
                        }
                        for a in same_entity(m, &writers, fact, s, Some(role)) {
                            if a != b {
                                deps.add_edge(
                                    NodeIndex::new(a.index()),
                                    NodeIndex::new(b.index()),
                                    dependency,
                                );
                            }
                        }
                    }
                }
            }
            // Facts read through roles in expressions depend on whoever records them too.
            for (fact, role, span) in facts_read(s) {
                let field = &m.fact(fact).name;
                for r in m.providers(fact) {
                    full.add_edge(registry_nodes[r.index()], service_nodes[b.index()], Edge::Reads(field));
                }
                for a in same_entity(m, &writers, fact, s, role) {
                    if a != b {
                        deps.add_edge(
                            NodeIndex::new(a.index()),
                            NodeIndex::new(b.index()),
                            Dependency::Fact(fact, span),
                        );
                    }
                }
            }
        }

        let mut started_by: Vec<Vec<EventId>> = vec![Vec::new(); count];
        let mut stopped_by: Vec<Vec<EventId>> = vec![Vec::new(); count];
        for (id, t) in m.triggers.enumerate() {
            if let (Some(on), Some(action)) = (t.on, t.action) {
                let list =
                    if matches!(action, Action::Start(..)) { &mut started_by } else { &mut stopped_by };
                list[action.service().index()].push(on);
            }
            let node = full.add_node(Node::Trigger(id));
            if let Some(e) = t.on {
                full.add_edge(event_nodes[e.index()], node, Edge::On);
            }
            if let Some(action) = t.action {
                let edge = if matches!(action, Action::Start(..)) { Edge::Starts } else { Edge::Stops };
                full.add_edge(node, service_nodes[action.service().index()], edge);
            }
        }

        // A service that emits an event comes before what the event starts or feeds.
        for (a, s) in m.services.enumerate() {
            for &(event, span) in &s.emits {
                full.add_edge(service_nodes[a.index()], event_nodes[event.index()], Edge::Emits);
                let started = m.services.ids().filter(|&b| started_by[b.index()].contains(&event));
                let fed = fed_by_event.get(&event).into_iter().flatten().copied();
                let mut later: Vec<ServiceId> = started.chain(fed).filter(|&b| b != a).collect();
                later.sort_unstable();
                later.dedup();
                for b in later {
                    deps.add_edge(
                        NodeIndex::new(a.index()),
                        NodeIndex::new(b.index()),
                        Dependency::Event(event, span),
                    );
                }
            }
        }

        let mut situation_events: Vec<Vec<EventId>> = vec![Vec::new(); count];
        for s in m.situations.iter() {
            for member in &s.services {
                situation_events[member.index()].extend(s.on.iter().copied());
            }
        }

        ServiceGraph { model, full, deps, writers, started_by, stopped_by, situation_events }
    }

    /// Services a trigger on `event` starts.
    pub fn started_on(&self, event: EventId) -> Vec<ServiceId> {
        let mut out: Vec<ServiceId> = self
            .model
            .triggers
            .iter()
            .filter(|t| t.on == Some(event))
            .filter_map(|t| match t.action {
                Some(Action::Start(s, _)) => Some(s),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether some trigger starts service `s` without an application.
    pub fn is_proactive(&self, s: ServiceId, on_events: &[EventId]) -> bool {
        self.started_by[s.index()].iter().any(|e| on_events.is_empty() || on_events.contains(e))
    }
}

/// The services that record a fact of the entity a reader's role binds. Roles bind by
/// name along a chain (a trigger binds a service's roles from its event's of the same
/// name), so a fact recorded for the `child` feeds a reader of the `child`'s, not of the
/// `declarant`'s; a fact read of an entity reached otherwise (a household's member) may
/// come from any writer.
fn same_entity(
    m: &Model,
    writers: &HashMap<FactRef, Vec<(ServiceId, usize)>>,
    fact: FactRef,
    reader: &Service,
    role: Option<usize>,
) -> Vec<ServiceId> {
    let name = role.map(|r| reader.roles[r].name.as_str());
    let list = writers.get(&fact).map_or(&[][..], Vec::as_slice);
    list.iter()
        .filter(|(a, r)| name.is_none_or(|n| m.services[*a].roles[*r].name.text == n))
        .map(|(a, _)| *a)
        .collect()
}

/// The facts a service reads in its expressions, each once, where first read, with the
/// role read of when the fact is read of a role directly.
pub fn facts_read(s: &Service) -> Vec<(FactRef, Option<usize>, crate::source::Span)> {
    let mut out: Vec<(FactRef, Option<usize>, crate::source::Span)> = Vec::new();
    let exprs = s
        .derived
        .iter()
        .map(|d| &d.value)
        .chain(s.applies.iter())
        .chain(s.criteria.iter().map(|c| &c.condition))
        .chain(s.refusals.iter().map(|r| &r.condition))
        .chain(s.outputs.iter().filter_map(|o| o.value.as_ref()))
        .chain(s.fee.iter())
        .chain(s.procedures.iter().flat_map(|p| p.start_when.iter().chain(p.end_when.iter())));
    for e in exprs {
        e.walk(&mut |x| {
            if let ExprKind::Fact(base, f) = &x.kind {
                let role = match base.kind {
                    ExprKind::Role(r) => Some(r),
                    _ => None,
                };
                if !out.iter().any(|(g, r, _)| g == f && *r == role) {
                    out.push((*f, role, x.span));
                }
            }
        });
    }
    out
}
