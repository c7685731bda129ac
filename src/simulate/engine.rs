//! What the regulation set does for one profile: events in date order up to the as-of
//! date, proactive starts and stops by triggers, applications, and eligibility for the
//! services of the life situations the profile entered.

use super::eval::{Frame, round_kopecks};
use super::model::{Action, Ir, Model, Service, Src, Ty};
use super::profile::Profile;
use super::value::Value;
use crate::date::Date;
use crate::vocabulary::Consent;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Serialize, Debug)]
pub struct Report {
    pub profile: String,
    pub as_of: String,
    pub events: Vec<EventNote>,
    pub decisions: Vec<Decision>,
    pub stops: Vec<Stop>,
    /// The personalised chain of a life situation, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<crate::graph::chains::Chain>,
}

#[derive(Serialize, Debug)]
pub struct EventNote {
    pub event: String,
    pub date: String,
    pub applied: bool,
    pub note: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct Decision {
    pub service: String,
    pub title: String,
    pub date: String,
    /// `proactive`, `application` or `eligibility` (what an application would give).
    pub route: &'static str,
    pub trigger: Option<String>,
    /// `granted`, `eligible` (on application), `refused`, `insufficient_data` or
    /// `not_started`.
    pub outcome: &'static str,
    pub reason: Option<String>,
    /// The refusal ground or criterion a refusal rests on.
    pub refused_by: Option<String>,
    /// Facts the decision needed and the profile lacks.
    pub missing: Vec<String>,
    pub outputs: BTreeMap<String, String>,
    pub notified: Vec<String>,
    /// With `--explain` only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<Check>,
    /// Output values of a granted service, for the services that use them.
    #[serde(skip)]
    pub values: Vec<Option<Value>>,
}

#[derive(Serialize, Debug)]
pub struct Check {
    /// `criterion` or `refusal`.
    pub kind: &'static str,
    pub name: String,
    pub title: Option<String>,
    /// `true`, `false` or `unknown`.
    pub result: &'static str,
    /// The values it read.
    pub reads: BTreeMap<String, String>,
}

#[derive(Serialize, Debug)]
pub struct Stop {
    pub service: String,
    pub date: String,
    pub trigger: String,
    /// Whether the service was active (a granted periodic payment, or a started service).
    pub active: bool,
    /// When the registry learned of the event, if later.
    pub recorded: Option<String>,
    /// Monthly payments made after the event before it was recorded.
    pub excess_months: i64,
    pub excess_amount: Option<String>,
}

struct State {
    granted: Option<(Date, Vec<Option<Value>>)>,
    stopped: Option<Date>,
    decided: bool,
}

fn label(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "unknown",
    }
}

/// Simulates one profile as of a date; with `explain`, every decision lists its criteria
/// and refusal grounds with the values they read.
pub fn simulate(model: &Model, profile: &Profile, as_of: Date, explain: bool) -> Report {
    let mut state: Vec<State> =
        model.services.iter().map(|_| State { granted: None, stopped: None, decided: false }).collect();
    let mut report = Report {
        profile: profile.id.clone(),
        as_of: as_of.to_string(),
        events: Vec::new(),
        decisions: Vec::new(),
        stops: Vec::new(),
        chain: None,
    };

    // Events and applications in date order; on one day, applications come first (an
    // application such as a birth registration is what records the day's event).
    let mut happenings: Vec<(Date, u8, usize)> =
        profile.events.iter().enumerate().map(|(i, e)| (e.date, 1, i)).collect();
    happenings.extend(profile.applications.iter().enumerate().map(|(i, a)| (a.date, 0, i)));
    happenings.sort();
    let mut entered: BTreeSet<usize> = BTreeSet::new();

    for (date, kind, i) in happenings {
        if kind == 0 {
            if date > as_of {
                continue;
            }
            let s = profile.applications[i].service;
            let d = decide(model, profile, &state, s, date, None, "application", None, Vec::new(), explain);
            record(&mut state[s], &d, date);
            report.decisions.push(d);
            continue;
        }
        let ev = &profile.events[i];
        let name = model.events[ev.event].name.clone();
        if date > as_of {
            report.events.push(EventNote {
                event: name,
                date: date.to_string(),
                applied: false,
                note: Some("not applied: dated after the as-of date".into()),
            });
            continue;
        }
        report.events.push(EventNote { event: name, date: date.to_string(), applied: true, note: None });
        entered.insert(ev.event);
        for t in model.triggers.iter().filter(|t| t.event == ev.event) {
            let fire = match &t.condition {
                None => Some(true),
                Some(c) => Frame::new(model, None, &[], &ev.data, date).eval(c).and_then(|v| v.as_bool()),
            };
            match (&t.action, fire) {
                (_, Some(false)) => {}
                (Action::Start(s), None) => {
                    let missing = condition_missing(model, ev.event, t.condition.as_ref(), &ev.data);
                    report.decisions.push(not_started(
                        model,
                        *s,
                        date,
                        &t.name,
                        "insufficient_data",
                        "the trigger's condition needs event data the profile lacks".into(),
                        missing,
                    ));
                }
                (Action::Start(s), Some(true)) => {
                    let s = *s;
                    if state[s].granted.is_some() && state[s].stopped.is_none() {
                        continue; // already provided
                    }
                    let refused = match t.consent {
                        Consent::OptOut if profile.opt_out.contains(&s) => Some(
                            "the citizen opted out of proactive provision; the service stays available on application",
                        ),
                        Consent::Explicit if !profile.consent.contains(&s) => Some(
                            "explicit consent is required and was not given; the service stays available on application",
                        ),
                        _ => None,
                    };
                    if let Some(why) = refused {
                        report.decisions.push(not_started(
                            model,
                            s,
                            date,
                            &t.name,
                            "not_started",
                            why.into(),
                            Vec::new(),
                        ));
                        continue;
                    }
                    let d = decide(
                        model,
                        profile,
                        &state,
                        s,
                        date,
                        Some(ev),
                        "proactive",
                        Some(&t.name),
                        t.notify.clone(),
                        explain,
                    );
                    record(&mut state[s], &d, date);
                    report.decisions.push(d);
                }
                // An opt-out never blocks a stop, and an unknown condition does not either:
                // a death must stop payments.
                (Action::Stop(s), _) => {
                    let s = *s;
                    let st = &mut state[s];
                    let active = st.granted.is_some() && st.stopped.is_none();
                    let mut stop = Stop {
                        service: model.services[s].name.clone(),
                        date: date.to_string(),
                        trigger: t.name.clone(),
                        active,
                        recorded: ev.recorded.filter(|r| *r > date).map(|r| r.to_string()),
                        excess_months: 0,
                        excess_amount: None,
                    };
                    if active {
                        st.stopped = Some(date);
                        if let (Some(recorded), true) = (ev.recorded, model.services[s].periodic) {
                            let months = months_between(date, recorded.min(as_of));
                            stop.excess_months = months;
                            let amount =
                                monthly_amount(&model.services[s], st.granted.as_ref().map(|g| &g.1));
                            stop.excess_amount = amount.map(|a| {
                                format!("{:.2}", round_kopecks(a * rust_decimal::Decimal::from(months)))
                            });
                        }
                    }
                    // Only what was being provided is stopped; a stop trigger for a service
                    // this profile never had is not news.
                    if stop.active {
                        report.stops.push(stop);
                    }
                }
            }
        }
    }

    // What the situations the profile entered offer on application.
    let mut offered: Vec<usize> = model
        .situations
        .iter()
        .filter(|sit| sit.events.iter().any(|e| entered.contains(e)))
        .flat_map(|sit| sit.services.iter().copied())
        .collect();
    offered.sort_unstable();
    offered.dedup();
    for s in offered {
        if !state[s].decided {
            let d = decide(model, profile, &state, s, as_of, None, "eligibility", None, Vec::new(), explain);
            report.decisions.push(d);
        }
    }
    report
}

/// Whole months from one date to a later one: the monthly payments made in between.
pub fn months_between(from: Date, to: Date) -> i64 {
    if to <= from {
        return 0;
    }
    let mut months = i64::from(to.year - from.year) * 12 + i64::from(to.month) - i64::from(from.month);
    if to.day < from.day {
        months -= 1;
    }
    months.max(0)
}

fn monthly_amount(s: &Service, outputs: Option<&Vec<Option<Value>>>) -> Option<rust_decimal::Decimal> {
    let i = s.outputs.iter().position(|o| o.ty == Ty::Money)?;
    match outputs?.get(i)? {
        Some(Value::Money(d)) => Some(*d),
        _ => None,
    }
}

fn record(st: &mut State, d: &Decision, date: Date) {
    st.decided = true;
    if d.outcome == "granted" {
        st.granted = Some((date, d.values.clone()));
        st.stopped = None;
    }
}

fn output_value(frame: &mut Frame, s: &Service, i: usize) -> Option<Value> {
    match (&s.outputs[i].value, &s.outputs[i].ty) {
        (Some(_), _) => frame.output(i),
        (None, Ty::Document) => Some(Value::Document),
        (None, _) => None,
    }
}

fn not_started(
    model: &Model,
    s: usize,
    date: Date,
    trigger: &str,
    outcome: &'static str,
    reason: String,
    missing: Vec<String>,
) -> Decision {
    Decision {
        service: model.services[s].name.clone(),
        title: model.services[s].title.clone(),
        date: date.to_string(),
        route: "proactive",
        trigger: Some(trigger.to_string()),
        outcome,
        reason: Some(reason),
        refused_by: None,
        missing,
        outputs: BTreeMap::new(),
        notified: Vec::new(),
        explain: Vec::new(),
        values: Vec::new(),
    }
}

fn condition_missing(
    model: &Model,
    event: usize,
    condition: Option<&Ir>,
    data: &[Option<Value>],
) -> Vec<String> {
    let Some(c) = condition else { return Vec::new() };
    let mut frame = Frame::new(model, None, &[], data, Date::from_day_number(0));
    frame.eval(c);
    let fields = &model.events[event].fields;
    let mut out: Vec<String> =
        frame.missing.iter().map(|&i| format!("{}.{}", model.events[event].name, fields[i].0)).collect();
    out.sort();
    out
}

/// The inputs of a service from the profile and what earlier decisions produced.
fn inputs_for(
    model: &Model,
    profile: &Profile,
    state: &[State],
    s: usize,
    event: Option<&super::profile::ProfileEvent>,
) -> Vec<Option<Value>> {
    let service = &model.services[s];
    service
        .inputs
        .iter()
        .map(|input| match &input.source {
            Src::Applicant => profile.applicant.get(&input.name).cloned(),
            Src::Registry(r, f) => {
                // A record made in this simulation is newer than the profile's.
                let made = state.iter().enumerate().find_map(|(k, st)| {
                    let (_, outputs) = st.granted.as_ref()?;
                    let o = model.services[k].outputs.iter().position(|o| o.writes == Some((*r, *f)))?;
                    outputs.get(o).cloned().flatten()
                });
                made.or_else(|| profile.facts.get(*r)?.get(*f).cloned().flatten())
            }
            Src::Event(e, f) => {
                let from = match event {
                    Some(ev) if ev.event == *e => Some(ev),
                    _ => profile.events.iter().filter(|ev| ev.event == *e).max_by_key(|ev| ev.date),
                };
                from.and_then(|ev| ev.data.get(*f).cloned().flatten())
            }
            Src::Service(k, o) => state.get(*k)?.granted.as_ref()?.1.get(*o).cloned().flatten(),
        })
        .collect()
}

fn source_name(model: &Model, service: &Service, i: usize) -> String {
    let input = &service.inputs[i];
    match &input.source {
        Src::Applicant => format!("applicant.{}", input.name),
        Src::Registry(r, f) => format!("{}.{}", model.registries[*r].name, model.registries[*r].fields[*f].0),
        Src::Event(e, f) => format!("{}.{}", model.events[*e].name, model.events[*e].fields[*f].0),
        Src::Service(k, o) => format!("{}.{}", model.services[*k].name, model.services[*k].outputs[*o].name),
    }
}

#[allow(clippy::too_many_arguments)]
fn decide(
    model: &Model,
    profile: &Profile,
    state: &[State],
    s: usize,
    date: Date,
    event: Option<&super::profile::ProfileEvent>,
    route: &'static str,
    trigger: Option<&str>,
    notified: Vec<String>,
    explain_it: bool,
) -> Decision {
    let service = &model.services[s];
    let inputs = inputs_for(model, profile, state, s, event);
    let mut frame = Frame::new(model, Some(service), &inputs, &[], date);
    let criteria: Vec<Option<bool>> = (0..service.criteria.len()).map(|i| frame.criterion(i)).collect();
    let refusals: Vec<Option<bool>> =
        service.refusals.iter().map(|r| frame.eval(&r.ir).and_then(|v| v.as_bool())).collect();

    let explain = if explain_it { explain(model, service, &mut frame) } else { Vec::new() };

    let titled = |name: &str, title: &Option<String>| match title {
        Some(t) => format!("{name} «{t}»"),
        None => name.to_string(),
    };
    let mut refused_by = None;
    let (outcome, reason) = if let Some(i) = refusals.iter().position(|r| *r == Some(true)) {
        refused_by = Some(service.refusals[i].name.clone());
        (
            "refused",
            Some(format!("refusal ground {}", titled(&service.refusals[i].name, &service.refusals[i].title))),
        )
    } else if let Some(i) = criteria.iter().position(|c| *c == Some(false)) {
        refused_by = Some(service.criteria[i].name.clone());
        (
            "refused",
            Some(format!(
                "criterion {} does not hold",
                titled(&service.criteria[i].name, &service.criteria[i].title)
            )),
        )
    } else if criteria.iter().chain(&refusals).any(Option::is_none) {
        ("insufficient_data", Some("a criterion needs facts the profile lacks".to_string()))
    } else if route == "eligibility" {
        ("eligible", Some("available on application".to_string()))
    } else {
        ("granted", None)
    };
    let mut missing: Vec<String> = if outcome == "insufficient_data" {
        frame.missing.iter().map(|&i| source_name(model, service, i)).collect()
    } else {
        Vec::new()
    };
    missing.sort();
    missing.dedup();
    let mut outputs = BTreeMap::new();
    let mut values = Vec::new();
    if outcome == "granted" {
        values = (0..service.outputs.len()).map(|i| output_value(&mut frame, service, i)).collect();
        for (o, v) in service.outputs.iter().zip(&values) {
            if o.value.is_some() {
                outputs
                    .insert(o.name.clone(), v.as_ref().map_or_else(|| "unknown".into(), |v| model.show(v)));
            }
        }
    }
    Decision {
        service: service.name.clone(),
        title: service.title.clone(),
        date: date.to_string(),
        route,
        trigger: trigger.map(str::to_string),
        outcome,
        reason,
        refused_by,
        missing,
        outputs,
        notified: if outcome == "granted" { notified } else { Vec::new() },
        explain,
        values,
    }
}

/// The decision tree of a service in a frame: every criterion and refusal ground, the
/// values it read and its result.
pub fn explain(model: &Model, service: &Service, frame: &mut Frame) -> Vec<Check> {
    Explainer::new(model, service).explain(model, service, frame)
}

/// What each criterion and refusal ground of a service reads, found once for all the
/// cases it explains.
pub struct Explainer {
    reads: Vec<Reads>,
    /// The same trees as JSON text, for writing many: each check's fixed part up to its
    /// result, and what it reads under its JSON key, in the order of the keys.
    json: Vec<(String, Vec<(String, Source)>)>,
    service: String,
}

#[derive(Clone, Copy)]
enum Source {
    Input(usize),
    Derived(usize),
    Param(usize),
}

#[derive(Default)]
struct Reads {
    inputs: BTreeSet<usize>,
    derived: BTreeSet<usize>,
    params: BTreeSet<usize>,
}

impl Explainer {
    pub fn new(model: &Model, service: &Service) -> Explainer {
        let irs = service.criteria.iter().map(|c| &c.ir).chain(service.refusals.iter().map(|r| &r.ir));
        let reads: Vec<Reads> = irs
            .map(|ir| {
                let mut r = Reads::default();
                collect(ir, service, &mut r.inputs, &mut r.derived, &mut r.params);
                r
            })
            .collect();
        let quoted = |s: &str| serde_json::to_string(s).expect("a string serialises");
        let names = service.criteria.iter().map(|c| ("criterion", &c.name, &c.title));
        let names = names.chain(service.refusals.iter().map(|r| ("refusal", &r.name, &r.title)));
        let json = names
            .zip(&reads)
            .map(|((kind, name, title), r)| {
                let title = title.as_deref().map_or_else(|| "null".to_string(), quoted);
                let head =
                    format!("{{\"kind\":\"{kind}\",\"name\":{},\"title\":{title},\"result\":", quoted(name));
                // Keyed as `check` keys them: a later source of the same name wins.
                let mut keys = BTreeMap::new();
                for &i in &r.inputs {
                    keys.insert(service.inputs[i].name.as_str(), Source::Input(i));
                }
                for &d in &r.derived {
                    keys.insert(service.derived[d].0.as_str(), Source::Derived(d));
                }
                for &p in &r.params {
                    keys.insert(model.params[p].name.as_str(), Source::Param(p));
                }
                (head, keys.into_iter().map(|(k, s)| (format!("{}:", quoted(k)), s)).collect())
            })
            .collect();
        Explainer { reads, json, service: quoted(&service.name) }
    }

    /// The decision tree of `service` in a frame as one JSON line, exactly as `Tree`
    /// (the row's `line`, the service, `explain`'s checks) serialises, without building it.
    pub fn write_json(
        &self,
        model: &Model,
        service: &Service,
        frame: &mut Frame,
        line: u64,
        out: &mut Vec<u8>,
    ) {
        out.extend_from_slice(b"{\"line\":");
        out.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
        out.extend_from_slice(b",\"service\":");
        out.extend_from_slice(self.service.as_bytes());
        out.extend_from_slice(b",\"checks\":[");
        let criteria = service.criteria.len();
        for (k, (head, reads)) in self.json.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            let result = match k.checked_sub(criteria) {
                None => frame.criterion(k),
                Some(r) => frame.eval(&service.refusals[r].ir).and_then(|v| v.as_bool()),
            };
            out.extend_from_slice(head.as_bytes());
            out.push(b'"');
            out.extend_from_slice(label(result).as_bytes());
            out.extend_from_slice(b"\",\"reads\":{");
            for (r, (key, source)) in reads.iter().enumerate() {
                if r > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(key.as_bytes());
                let value = match *source {
                    Source::Input(i) => frame.inputs.get(i).cloned().flatten(),
                    Source::Derived(d) => frame.derived(d),
                    Source::Param(p) => model.params[p].at(frame.today).cloned(),
                };
                let shown = value.map_or_else(|| "unknown".to_string(), |v| model.show(&v));
                serde_json::to_writer(&mut *out, &shown).expect("a string serialises");
            }
            out.extend_from_slice(b"}}");
        }
        out.extend_from_slice(b"]}\n");
    }

    /// The decision tree of `service` (the one this was made for) in a frame.
    pub fn explain(&self, model: &Model, service: &Service, frame: &mut Frame) -> Vec<Check> {
        let mut checks = Vec::new();
        for (i, c) in service.criteria.iter().enumerate() {
            let result = frame.criterion(i);
            checks.push(check(model, service, frame, "criterion", &c.name, &c.title, &self.reads[i], result));
        }
        for (i, r) in service.refusals.iter().enumerate() {
            let result = frame.eval(&r.ir).and_then(|v| v.as_bool());
            let reads = &self.reads[service.criteria.len() + i];
            checks.push(check(model, service, frame, "refusal", &r.name, &r.title, reads, result));
        }
        checks
    }
}

#[allow(clippy::too_many_arguments)]
fn check(
    model: &Model,
    service: &Service,
    frame: &mut Frame,
    kind: &'static str,
    name: &str,
    title: &Option<String>,
    what: &Reads,
    result: Option<bool>,
) -> Check {
    let mut reads = BTreeMap::new();
    let show = |v: Option<Value>| v.map_or_else(|| "unknown".to_string(), |v| model.show(&v));
    for &i in &what.inputs {
        reads.insert(service.inputs[i].name.clone(), show(frame.inputs.get(i).cloned().flatten()));
    }
    for &d in &what.derived {
        let v = frame.derived(d);
        reads.insert(service.derived[d].0.clone(), show(v));
    }
    for &p in &what.params {
        reads.insert(model.params[p].name.clone(), show(model.params[p].at(frame.today).cloned()));
    }
    Check { kind, name: name.to_string(), title: title.clone(), result: label(result), reads }
}

/// The inputs, derived facts and parameters an expression reads, through derived facts.
fn collect(
    ir: &Ir,
    s: &Service,
    inputs: &mut BTreeSet<usize>,
    derived: &mut BTreeSet<usize>,
    params: &mut BTreeSet<usize>,
) {
    let mut go = |x: &Ir| collect(x, s, inputs, derived, params);
    match ir {
        Ir::Input(i) => {
            inputs.insert(*i);
        }
        Ir::Derived(i) => {
            if derived.insert(*i) {
                collect(&s.derived[*i].1, s, inputs, derived, params);
            }
        }
        Ir::Criterion(i) => collect(&s.criteria[*i].ir, s, inputs, derived, params),
        Ir::Output(i) => {
            if let Some(v) = &s.outputs[*i].value {
                collect(v, s, inputs, derived, params)
            }
        }
        Ir::Param(p) => {
            params.insert(*p);
        }
        Ir::Field(x, _) | Ir::Not(x) | Ir::Neg(x) => go(x),
        Ir::Binary(_, l, r) | Ir::Aggregate(_, l, r) => {
            go(l);
            go(r)
        }
        Ir::In(x, set) => {
            go(x);
            set.iter().for_each(go)
        }
        Ir::If(c, t, f) => {
            go(c);
            go(t);
            go(f)
        }
        Ir::Call(_, args) => args.iter().for_each(go),
        Ir::Const(_) | Ir::Var(_) | Ir::EventField(_) | Ir::Today => {}
    }
}
