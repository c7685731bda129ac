//! Lints on the service graph: cycles, inputs never available, one record with two
//! producers, the applicant asked for what the state holds, unreachable services, periodic
//! payments that a death does not stop, proactive triggers without consent or notice.

use super::{Dependency, ServiceGraph};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Action, Id, Model, Service, ServiceId, Source};
use foldhash::HashSet;
use petgraph::algo::tarjan_scc;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

/// Runs every graph lint on a checked model.
pub fn lints(model: &Model) -> Vec<Diagnostic> {
    lints_on(&ServiceGraph::build(model))
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
    situations_bind(g, &mut out);
    out
}

/// A service of a situation is offered, on the situation's entry event, to the subject the
/// event binds: one whose subject no role of the event binds is never offered.
fn situations_bind(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    let m = g.model;
    for sit in m.situations.iter() {
        for &s in &sit.services {
            let service = &m.services[s];
            let Some(subject) = service.subject else { continue };
            for &e in &sit.on {
                let binds = crate::simulate::engine::offer_binds(m, e, s);
                if binds.get(subject).copied().flatten().is_some() {
                    continue;
                }
                let (role, event) = (&service.roles[subject].name.text, &m.events[e].name.text);
                let d = Diagnostic::new(
                    Code::SituationUnbound,
                    format!(
                        "situation `{}` lists `{}`, whose subject `{role}` event `{event}` does not bind",
                        sit.name.text, service.name.text
                    ),
                    sit.name.span,
                    format!("`{}` is never offered on `{event}`", service.name.text),
                )
                .with_label(service.roles[subject].name.span, "the subject")
                .with_help(format!(
                    "name the subject like a role of `{event}`, or add a trigger on `{event}` that starts `{}` for the role that binds it",
                    service.name.text
                ));
                out.push(d);
            }
        }
    }
}

fn cycles(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    let m = g.model;
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
        let mut seen: HashSet<_> = [start].into_iter().collect();
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
            let needs = match *edge.weight() {
                Dependency::Input(s, i) => format!("`{}`", source_text(m, &m.services[s], i)),
                Dependency::Event(event, _) => format!("the event `{}`", m.events[event].name.text),
                Dependency::Fact(fact, _) => format!("the fact `{}`", m.fact_name(fact)),
            };
            labels.push((edge.weight().span(m), m.services[g.deps[edge.target()]].name.text.clone(), needs));
            if edge.target() == start {
                break;
            }
            at = edge.target();
            seen.insert(at);
            path.push(at);
        }
        let names: Vec<&str> = path.iter().map(|&n| &*m.services[g.deps[n]].name).collect();
        let shown = format!("{} → {}", names.join(" → "), names[0]);
        let first = &m.services[g.deps[start]];
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

fn source_text(m: &Model, s: &Service, input: usize) -> String {
    match s.inputs[input].source {
        Source::Applicant { .. } => format!("applicant {}", m.source_name(s, input)),
        _ => m.source_name(s, input),
    }
}

/// An input from an event's payload exists only when the service runs on that event.
fn event_inputs(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    for (i, s) in g.model.services.enumerate() {
        for input in &s.inputs {
            let Source::Event(e, _) = input.source else { continue };
            let started = g.started_by[i.index()].contains(&e);
            let in_situation = g.situation_events[i.index()].contains(&e);
            if !started && !in_situation {
                let event = &g.model.events[e].name;
                let d = Diagnostic::new(
                    Code::Unprovided,
                    format!("input `{}` comes from event `{}`, which never sets `{}` off", input.name.text, event.text, s.name.text),
                    input.source_span,
                    "this event's data never reaches the service",
                )
                .with_help(format!(
                    "add a trigger `on {}` that starts `{}`, list the service in a situation entered `on {}`, or take the input from a registry",
                    event.text, s.name.text, event.text
                ));
                out.push(d);
            }
        }
    }
}

fn are_alternatives(a: (ServiceId, &Service), b: (ServiceId, &Service)) -> bool {
    a.1.alternatives.contains(&b.0) || b.1.alternatives.contains(&a.0)
}

fn same_record(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    let m = g.model;
    // In the order of the names, as the messages show them.
    let mut keys: Vec<_> = g.writers.keys().copied().collect();
    keys.sort_by_key(|&f| m.fact_name(f));
    for key in keys {
        let writers: Vec<ServiceId> = g.writers[&key].iter().map(|(s, _)| *s).collect();
        let first = &m.services[writers[0]];
        let fact = m.fact_name(key);
        for &w in &writers[1..] {
            let other = &m.services[w];
            if are_alternatives((writers[0], first), (w, other)) {
                continue;
            }
            let span = |s: &Service| {
                s.outputs.iter().filter_map(|o| o.writes).find(|&(_, f, _)| f == key).map(|(_, _, span)| span)
            };
            let (Some(here), Some(there)) = (span(other), span(first)) else { continue };
            let d = Diagnostic::new(
                Code::SameRecord,
                format!("`{}` and `{}` both record `{fact}`", first.name.text, other.name.text),
                here,
                "second producer of this record",
            )
            .with_label(there, "first producer")
            .with_help(format!(
                "in the registry model one record has one producer; if the services are alternative routes to one result, say so with `alternative {}` in `{}`",
                first.name.text, other.name.text
            ));
            out.push(d);
        }
    }
}

/// The Concept (IV.1) forbids asking citizens for data agencies already hold: a fact a
/// registry provides, or another service records, whatever the input is called.
fn asked_for_held_data(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    let m = g.model;
    for (id, s) in m.services.enumerate() {
        for (i, input) in s.inputs.iter().enumerate() {
            let Source::Applicant { fact, .. } = input.source else { continue };
            let registry =
                m.providers(fact).next().map(|r| format!("registry `{}`", m.registries[r].name.text));
            let service = || {
                let writers = g.writers.get(&fact)?;
                let (w, _) = writers.iter().find(|&&(w, _)| w != id)?;
                Some(format!("service `{}` records it", m.services[*w].name.text))
            };
            let Some(holder) = registry.map(|r| format!("{r} holds it")).or_else(service) else { continue };
            let d = Diagnostic::new(
                Code::AskedForHeldData,
                format!(
                    "the applicant is asked for `{}` (input `{}`), and {holder}",
                    m.fact_name(fact),
                    input.name.text
                ),
                input.source_span,
                "asked of the applicant",
            )
            .with_help(format!(
                "take it from the state instead: `from {}` (Concept of continuous-mode services, IV.1)",
                m.source_name(s, i)
            ));
            out.push(d);
        }
    }
}

/// Reachable: started by a trigger, listed in a situation, or fed by a reachable service.
fn unreachable(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    let m = g.model;
    let mut reached = vec![false; m.services.len()];
    let mut stack: Vec<ServiceId> = m
        .triggers
        .iter()
        .filter_map(|t| match t.action {
            Some(Action::Start(s, _)) => Some(s),
            _ => None,
        })
        .chain(m.situations.iter().flat_map(|s| s.services.iter().copied()))
        .collect();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut reached[i.index()], true) {
            continue;
        }
        stack.extend(g.deps.neighbors(NodeIndex::new(i.index())).map(|n| g.deps[n]));
    }
    for (i, s) in m.services.enumerate() {
        if !reached[i.index()] {
            let d = Diagnostic::new(
                Code::Unreachable,
                format!("nothing ever reaches service `{}`", s.name.text),
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
    let m = g.model;
    let deaths: Vec<_> = m.events.enumerate().filter(|(_, e)| e.is_death()).map(|(id, _)| id).collect();
    for (i, s) in m.services.enumerate() {
        let Some((_, recurs_span)) = s.recurs else { continue };
        let stopped = g.stopped_by[i.index()].iter().any(|e| deaths.contains(e));
        if !stopped {
            let help = match deaths.first() {
                Some(&death) => {
                    format!("add `trigger … {{ on {} stop {} }}`", m.events[death].name.text, s.name.text)
                }
                None => format!(
                    "declare the death event with `kind death` and add a trigger on it that stops `{}`",
                    s.name.text
                ),
            };
            let d = Diagnostic::new(
                Code::NoDeathStop,
                format!("periodic payment `{}` does not stop on the holder's death", s.name.text),
                recurs_span,
                "paid periodically, never stopped by a death",
            )
            .with_help(help);
            out.push(d);
        }
    }
}

fn consent_and_notice(g: &ServiceGraph, out: &mut Vec<Diagnostic>) {
    for t in g.model.triggers.iter() {
        if !matches!(t.action, Some(Action::Start(..))) {
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
            format!("proactive trigger `{}` has no {}", t.name.text, missing.join(" and no ")),
            t.name.span,
            "starts a service without an application",
        )
        .with_help("add `consent opt_out` or `consent explicit`, and `notify portal` (or other channels): the citizen must be able to refuse and must be told");
        out.push(d);
    }
}
