//! Stage 3: the service graph of a checked regulation set (petgraph), and the analyses on
//! it: graph lints, chains of services by life situation or event, renderings.
//!
//! The full graph has services, events, registries and triggers as nodes; edges say who
//! reads, writes, starts and stops what. The dependency graph has services only: `a → b`
//! when `b` takes an input from an output of `a`, or reads a registry field that `a`
//! writes.

pub mod chains;
mod lints;
pub mod render;

use crate::syntax::ast::*;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;

pub use lints::{lints, lints_on};

#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    Service(&'a Service),
    Event(&'a Event),
    Registry(&'a Registry),
    Trigger(&'a Trigger),
}

impl<'a> Node<'a> {
    pub fn name(&self) -> &'a str {
        match self {
            Node::Service(s) => &s.name.name,
            Node::Event(e) => &e.name.name,
            Node::Registry(r) => &r.name.name,
            Node::Trigger(t) => &t.name.name,
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

    pub fn title(&self) -> Option<&'a str> {
        let title = match self {
            Node::Service(s) => &s.title,
            Node::Event(e) => &e.title,
            Node::Registry(r) => &r.title,
            Node::Trigger(t) => &t.title,
        };
        title.as_ref().map(|t| t.value.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edge<'a> {
    /// Registry → service: the service reads this field.
    Reads(&'a str),
    /// Service → registry: the service writes this field.
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
#[derive(Clone, Debug)]
pub enum Dependency<'a> {
    /// The later service takes this input from the earlier one (directly or via a registry).
    Input(&'a Input),
    /// The earlier service emits the event that starts the later one or feeds it.
    Event(&'a Ident),
}

impl Dependency<'_> {
    pub fn span(&self) -> crate::source::Span {
        match self {
            Dependency::Input(i) => i.name.span,
            Dependency::Event(e) => e.span,
        }
    }
}

/// The declarations of a regulation set, by kind, in declaration order.
#[derive(Default)]
pub struct Declarations<'a> {
    pub services: Vec<&'a Service>,
    pub events: Vec<&'a Event>,
    pub registries: Vec<&'a Registry>,
    pub triggers: Vec<&'a Trigger>,
    pub situations: Vec<&'a Situation>,
    pub agencies: Vec<&'a Agency>,
}

impl<'a> Declarations<'a> {
    pub fn of(modules: &'a [Module]) -> Self {
        let mut d = Declarations::default();
        for decl in modules.iter().flat_map(|m| &m.decls) {
            match decl {
                Decl::Service(s) => d.services.push(s),
                Decl::Event(e) => d.events.push(e),
                Decl::Registry(r) => d.registries.push(r),
                Decl::Trigger(t) => d.triggers.push(t),
                Decl::Situation(s) => d.situations.push(s),
                Decl::Agency(a) => d.agencies.push(a),
                _ => {}
            }
        }
        d
    }
}

pub struct ServiceGraph<'a> {
    pub decls: Declarations<'a>,
    /// Services, events, registries and triggers.
    pub full: DiGraph<Node<'a>, Edge<'a>>,
    /// Services only; node `i` is `decls.services[i]`.
    pub deps: DiGraph<usize, Dependency<'a>>,
    service_index: HashMap<&'a str, usize>,
    event_index: HashMap<&'a str, usize>,
    /// `(registry, field)` → the services that write it.
    pub writers: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Per service: the events on which a trigger starts it, and stops it.
    pub started_by: Vec<Vec<&'a str>>,
    pub stopped_by: Vec<Vec<&'a str>>,
    /// Per service: the entry events of the situations that list it.
    pub situation_events: Vec<Vec<&'a str>>,
}

impl<'a> ServiceGraph<'a> {
    /// Builds the graphs. Names that do not resolve are skipped: the checker reports them.
    pub fn build(modules: &'a [Module]) -> Self {
        let decls = Declarations::of(modules);
        let service_index: HashMap<&str, usize> =
            decls.services.iter().enumerate().map(|(i, s)| (s.name.name.as_str(), i)).collect();
        let event_index: HashMap<&str, usize> =
            decls.events.iter().enumerate().map(|(i, e)| (e.name.name.as_str(), i)).collect();
        let registry_index: HashMap<&str, usize> =
            decls.registries.iter().enumerate().map(|(i, r)| (r.name.name.as_str(), i)).collect();

        let mut full = DiGraph::new();
        let service_nodes: Vec<NodeIndex> =
            decls.services.iter().map(|s| full.add_node(Node::Service(s))).collect();
        let event_nodes: Vec<NodeIndex> =
            decls.events.iter().map(|e| full.add_node(Node::Event(e))).collect();
        let registry_nodes: Vec<NodeIndex> =
            decls.registries.iter().map(|r| full.add_node(Node::Registry(r))).collect();

        let mut writers: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, s) in decls.services.iter().enumerate() {
            for output in &s.outputs {
                let Some(path) = &output.writes else { continue };
                if let [registry, field] = path.parts.as_slice() {
                    if let Some(&r) = registry_index.get(registry.name.as_str()) {
                        writers.entry((&registry.name, &field.name)).or_default().push(i);
                        full.add_edge(service_nodes[i], registry_nodes[r], Edge::Writes(&field.name));
                    }
                }
            }
        }

        let mut fed_by_event: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut deps = DiGraph::new();
        for i in 0..decls.services.len() {
            deps.add_node(i);
        }
        for (b, s) in decls.services.iter().enumerate() {
            for input in &s.inputs {
                let Source::Path(path) = &input.source else { continue };
                let [owner, field] = path.parts.as_slice() else { continue };
                let (owner, field) = (owner.name.as_str(), field.name.as_str());
                if let Some(&a) = service_index.get(owner) {
                    full.add_edge(service_nodes[a], service_nodes[b], Edge::Feeds(field));
                    deps.add_edge(NodeIndex::new(a), NodeIndex::new(b), Dependency::Input(input));
                } else if let Some(&e) = event_index.get(owner) {
                    full.add_edge(event_nodes[e], service_nodes[b], Edge::Payload(field));
                    fed_by_event.entry(owner).or_default().push(b);
                } else if let Some(&r) = registry_index.get(owner) {
                    full.add_edge(registry_nodes[r], service_nodes[b], Edge::Reads(field));
                    for &a in writers.get(&(owner, field)).map_or(&[][..], Vec::as_slice) {
                        if a != b {
                            deps.add_edge(NodeIndex::new(a), NodeIndex::new(b), Dependency::Input(input));
                        }
                    }
                }
            }
        }

        let mut started_by: Vec<Vec<&str>> = vec![Vec::new(); decls.services.len()];
        let mut stopped_by: Vec<Vec<&str>> = vec![Vec::new(); decls.services.len()];
        for t in &decls.triggers {
            if let (Some(on), Some(action)) = (&t.on, &t.action) {
                if let Some(&s) = service_index.get(action.service().name.as_str()) {
                    let list =
                        if matches!(action, Action::Start(_)) { &mut started_by } else { &mut stopped_by };
                    list[s].push(on.name.as_str());
                }
            }
            let node = full.add_node(Node::Trigger(t));
            if let Some(&e) = t.on.as_ref().and_then(|on| event_index.get(on.name.as_str())) {
                full.add_edge(event_nodes[e], node, Edge::On);
            }
            if let Some(action) = &t.action {
                if let Some(&s) = service_index.get(action.service().name.as_str()) {
                    let edge = if matches!(action, Action::Start(_)) { Edge::Starts } else { Edge::Stops };
                    full.add_edge(node, service_nodes[s], edge);
                }
            }
        }

        // A service that emits an event comes before what the event starts or feeds.
        for (a, s) in decls.services.iter().enumerate() {
            for event in &s.emits {
                let Some(&e) = event_index.get(event.name.as_str()) else { continue };
                full.add_edge(service_nodes[a], event_nodes[e], Edge::Emits);
                let started =
                    (0..decls.services.len()).filter(|&b| started_by[b].contains(&event.name.as_str()));
                let fed = fed_by_event.get(event.name.as_str()).into_iter().flatten().copied();
                let mut later: Vec<usize> = started.chain(fed).filter(|&b| b != a).collect();
                later.sort_unstable();
                later.dedup();
                for b in later {
                    deps.add_edge(NodeIndex::new(a), NodeIndex::new(b), Dependency::Event(event));
                }
            }
        }

        let mut situation_events: Vec<Vec<&str>> = vec![Vec::new(); decls.services.len()];
        for s in &decls.situations {
            for member in &s.services {
                if let Some(&i) = service_index.get(member.name.as_str()) {
                    situation_events[i].extend(s.on.iter().map(|e| e.name.as_str()));
                }
            }
        }

        ServiceGraph {
            decls,
            full,
            deps,
            service_index,
            event_index,
            writers,
            started_by,
            stopped_by,
            situation_events,
        }
    }

    pub fn service(&self, name: &str) -> Option<usize> {
        self.service_index.get(name).copied()
    }

    pub fn event(&self, name: &str) -> Option<&'a Event> {
        self.event_index.get(name).map(|&i| self.decls.events[i])
    }

    /// Services a trigger on `event` starts.
    pub fn started_on(&self, event: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .decls
            .triggers
            .iter()
            .filter(|t| t.on.as_ref().is_some_and(|on| on.name == event))
            .filter_map(|t| match &t.action {
                Some(Action::Start(s)) => self.service(&s.name),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether some trigger starts service `i` without an application.
    pub fn is_proactive(&self, i: usize, on_events: &[&str]) -> bool {
        self.started_by[i].iter().any(|e| on_events.is_empty() || on_events.contains(e))
    }
}
