//! Lints on the service graph: cycles, inputs never available, one record with two
//! producers, the applicant asked for what the state holds, unreachable services, periodic
//! payments that a death does not stop, proactive triggers without consent or notice.

use super::ServiceGraph;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::*;
use crate::vocabulary::EventKind;
use petgraph::algo::tarjan_scc;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Runs every graph lint on a regulation set that checked without errors.
pub fn lints(modules: &[Module]) -> Vec<Diagnostic> {
    lints_on(&ServiceGraph::build(modules))
}

/// The graph lints on a graph already built.
pub fn lints_on(g: &ServiceGraph) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    cycles(g, &mut out);
    event_inputs(g, &mut out);
    same_record(g, &mut out);
    asked_for_held_data(g, &mut out);
    unreachable(g, &mut out);
    death_stops(g, &mut out);
    consent_and_notice(g, &mut out);
    out
}

fn cycles(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    for mut scc in tarjan_scc(&g.deps) {
        let self_loop = scc.len() == 1 && g.deps.contains_edge(scc[0], scc[0]);
        if scc.len() < 2 && !self_loop {
            continue;
        }
        scc.sort();
        let members: HashSet<NodeIndex> = scc.iter().copied().collect();
        // Walk from the first service along edges inside the component back to it.
        let start = scc[0];
        let mut path = vec![start];
        let mut seen = HashSet::from([start]);
        let mut at = start;
        let mut labels = Vec::new();
        loop {
            let mut next_edges: Vec<_> = g.deps.edges(at).filter(|e| members.contains(&e.target())).collect();
            next_edges.sort_by_key(|e| (e.target() != start, e.target()));
            let Some(edge) =
                next_edges.into_iter().find(|e| e.target() == start || !seen.contains(&e.target()))
            else {
                break;
            };
            let needs = match edge.weight() {
                super::Dependency::Input(input) => format!("`{}`", source_text(&input.source)),
                super::Dependency::Event(event) => format!("the event `{}`", event.name),
            };
            labels.push((
                edge.weight().span(),
                g.decls.services[g.deps[edge.target()]].name.name.clone(),
                needs,
            ));
            if edge.target() == start {
                break;
            }
            at = edge.target();
            seen.insert(at);
            path.push(at);
        }
        let names: Vec<&str> = path.iter().map(|&n| g.decls.services[g.deps[n]].name.name.as_str()).collect();
        let shown = format!("{} → {}", names.join(" → "), names[0]);
        let first = g.decls.services[g.deps[start]];
        let mut d = Diagnostic::new(
            Code::Cycle,
            format!("services depend on each other in a cycle: {shown}"),
            first.name.span,
            "this service waits, through the cycle, for its own result",
        )
        .with_help("no service of a chain can start: break the cycle by taking one input from a registry or the applicant");
        for (span, service, needs) in labels {
            d = d.with_label(span, format!("`{service}` needs {needs} here"));
        }
        out.push(d);
    }
}

fn source_text(source: &Source) -> String {
    match source {
        Source::Applicant(_) => "applicant".into(),
        Source::Path(p) => p.parts.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("."),
    }
}

/// An input from an event's payload exists only when the service runs on that event.
fn event_inputs(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    for (i, s) in g.decls.services.iter().enumerate() {
        for input in &s.inputs {
            let Source::Path(path) = &input.source else { continue };
            let [event, _] = path.parts.as_slice() else { continue };
            if g.event(&event.name).is_none() {
                continue;
            }
            let started = g.started_by[i].contains(&event.name.as_str());
            let in_situation = g.situation_events[i].contains(&event.name.as_str());
            if !started && !in_situation {
                let d = Diagnostic::new(
                    Code::Unprovided,
                    format!("input `{}` comes from event `{}`, which never sets `{}` off", input.name.name, event.name, s.name.name),
                    path.span,
                    "this event's data never reaches the service",
                )
                .with_help(format!(
                    "add a trigger `on {}` that starts `{}`, list the service in a situation entered `on {}`, or take the input from a registry",
                    event.name, s.name.name, event.name
                ));
                out.push(d);
            }
        }
    }
}

fn are_alternatives(a: &Service, b: &Service) -> bool {
    a.alternatives.iter().any(|x| x.name == b.name.name)
        || b.alternatives.iter().any(|x| x.name == a.name.name)
}

fn same_record(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    let mut keys: Vec<_> = g.writers.keys().copied().collect();
    keys.sort();
    for key in keys {
        let writers = &g.writers[&key];
        let first = g.decls.services[writers[0]];
        for &w in &writers[1..] {
            let other = g.decls.services[w];
            if are_alternatives(first, other) {
                continue;
            }
            let span = |s: &Service| {
                s.outputs
                    .iter()
                    .filter_map(|o| o.writes.as_ref())
                    .find(|p| p.parts.len() == 2 && p.parts[0].name == key.0 && p.parts[1].name == key.1)
                    .map(|p| p.span)
            };
            let (Some(here), Some(there)) = (span(other), span(first)) else { continue };
            let d = Diagnostic::new(
                Code::SameRecord,
                format!("`{}` and `{}` both write `{}.{}`", first.name.name, other.name.name, key.0, key.1),
                here,
                "second producer of this record",
            )
            .with_label(there, "first producer")
            .with_help(format!(
                "in the registry model one record has one producer; if the services are alternative routes to one result, say so with `alternative {}` in `{}`",
                first.name.name, other.name.name
            ));
            out.push(d);
        }
    }
}

/// The Concept (IV.1) forbids asking citizens for data agencies already hold.
fn asked_for_held_data(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    // Only names the applicant is asked for can match: index just those.
    let asked: HashSet<&str> = g
        .decls
        .services
        .iter()
        .flat_map(|s| &s.inputs)
        .filter(|i| matches!(i.source, Source::Applicant(_)))
        .map(|i| i.name.name.as_str())
        .collect();
    if asked.is_empty() {
        return;
    }
    // (name, type) → who holds such a datum, in a stable order, with the producing service.
    let mut held: HashMap<(&str, String), BTreeSet<(String, &str)>> = HashMap::new();
    for r in &g.decls.registries {
        for f in r.fields.iter().filter(|f| asked.contains(f.name.name.as_str())) {
            let holder = format!("registry field `{}.{}`", r.name.name, f.name.name);
            held.entry((&f.name.name, type_name(&f.ty))).or_default().insert((holder, ""));
        }
    }
    for other in &g.decls.services {
        for o in other.outputs.iter().filter(|o| asked.contains(o.name.name.as_str())) {
            let holder = format!("output `{}.{}`", other.name.name, o.name.name);
            held.entry((&o.name.name, type_name(&o.ty))).or_default().insert((holder, &other.name.name));
        }
    }
    for s in &g.decls.services {
        for input in &s.inputs {
            let Source::Applicant(span) = &input.source else { continue };
            let Some(holders) = held.get(&(input.name.name.as_str(), type_name(&input.ty))) else { continue };
            // A service's own output is not held elsewhere.
            let holder = holders.iter().find(|(_, service)| *service != s.name.name).map(|(h, _)| h);
            if let Some(holder) = holder {
                let source = holder.split('`').nth(1).unwrap_or("").to_string();
                let d = Diagnostic::new(
                    Code::AskedForHeldData,
                    format!("the applicant is asked for `{}`, which {holder} already holds", input.name.name),
                    *span,
                    "asked of the applicant",
                )
                .with_help(format!("take it from the state instead: `from {source}` (Concept of continuous-mode services, IV.1)"));
                out.push(d);
            }
        }
    }
}

fn type_name(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Named(i) => i.name.clone(),
        TypeExpr::List(inner, _) => format!("list<{}>", type_name(inner)),
    }
}

/// Reachable: started by a trigger, listed in a situation, or fed by a reachable service.
fn unreachable(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    let mut reached = vec![false; g.decls.services.len()];
    let mut stack: Vec<usize> = Vec::new();
    let roots = g
        .decls
        .triggers
        .iter()
        .filter_map(|t| match &t.action {
            Some(Action::Start(s)) => Some(s),
            _ => None,
        })
        .chain(g.decls.situations.iter().flat_map(|s| &s.services));
    for name in roots {
        if let Some(i) = g.service(&name.name) {
            stack.push(i);
        }
    }
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        stack.extend(g.deps.neighbors(NodeIndex::new(i)).map(|n| g.deps[n]));
    }
    for (i, s) in g.decls.services.iter().enumerate() {
        if !reached[i] {
            let d = Diagnostic::new(
                Code::Unreachable,
                format!("nothing ever reaches service `{}`", s.name.name),
                s.name.span,
                "no trigger starts it, no situation lists it, no reached service feeds it",
            )
            .with_help("list it in a life situation, or add a trigger that starts it");
            out.push(d);
        }
    }
}

/// A robot once paid a dead person for six months: a payment must stop on a death.
fn death_stops(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    let deaths: Vec<&str> = g
        .decls
        .events
        .iter()
        .filter(|e| e.kind.as_ref().and_then(|k| EventKind::from_word(&k.name)) == Some(EventKind::Death))
        .map(|e| e.name.name.as_str())
        .collect();
    for (i, s) in g.decls.services.iter().enumerate() {
        if s.recurs.is_none() {
            continue;
        }
        let stopped = g.stopped_by[i].iter().any(|e| deaths.contains(e));
        if !stopped {
            let help = match deaths.first() {
                Some(death) => format!("add `trigger … {{ on {death} stop {} }}`", s.name.name),
                None => format!(
                    "declare the death event with `kind death` and add a trigger on it that stops `{}`",
                    s.name.name
                ),
            };
            let d = Diagnostic::new(
                Code::NoDeathStop,
                format!("periodic payment `{}` does not stop on the holder's death", s.name.name),
                s.recurs.as_ref().map_or(s.name.span, |r| r.span),
                "paid periodically, never stopped by a death",
            )
            .with_help(help);
            out.push(d);
        }
    }
}

fn consent_and_notice(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    for t in &g.decls.triggers {
        if !matches!(t.action, Some(Action::Start(_))) {
            continue;
        }
        let missing: Vec<&str> =
            [(t.consent.is_none(), "consent policy"), (t.notify.is_empty(), "notification channel")]
                .into_iter()
                .filter_map(|(m, what)| m.then_some(what))
                .collect();
        if missing.is_empty() {
            continue;
        }
        let d = Diagnostic::new(
            Code::ProactiveWithoutConsent,
            format!("proactive trigger `{}` has no {}", t.name.name, missing.join(" and no ")),
            t.name.span,
            "starts a service without an application",
        )
        .with_help("add `consent opt_out` or `consent explicit`, and `notify portal` (or other channels): the citizen must be able to refuse and must be told");
        out.push(d);
    }
}
