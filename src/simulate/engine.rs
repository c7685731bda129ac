//! What the regulation set does for one profile, in the order of the documented
//! algorithm (docs/cli/simulate.md):
//!
//! 1. events and applications in date order up to the as-of date (on one day,
//!    applications first: an application such as a birth registration records the day's
//!    event); events after it are noted, not applied;
//! 2. on each event, its triggers: a start decides the service proactively (unless the
//!    citizen opted out or did not consent), a stop ends what was being provided;
//! 3. each application decides its service;
//! 4. the services of the life situations the profile entered that nothing decided yet
//!    are checked for eligibility on application.

use super::decision::{Decision, EventNote, Outcome, Report, Route, Stop};
use super::eval::{Frame, round_kopecks};
use super::profile::{Profile, ProfileEvent};
use crate::date::Date;
use crate::model::{
    Action, EventId, Expr, Id, Model, ParamId, Rule, Service, ServiceId, Trigger, Type, Value,
};
use crate::vocabulary::Consent;
use std::collections::{BTreeMap, BTreeSet};

/// What the simulation knows of one service.
#[derive(Default)]
struct State {
    granted: Option<(Date, Vec<Option<Value>>)>,
    stopped: Option<Date>,
    decided: bool,
}

impl State {
    fn active(&self) -> bool {
        self.granted.is_some() && self.stopped.is_none()
    }
}

/// One decision to make: a service, on a date, by a route.
pub struct Request<'p> {
    pub service: ServiceId,
    pub date: Date,
    /// The event that started it, whose payload it may read.
    pub event: Option<&'p ProfileEvent>,
    pub route: Route,
    pub trigger: Option<&'p Trigger>,
}

/// Something that happens to a profile: an application or an event, by index.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Happening {
    Application(usize),
    Event(usize),
}

/// A simulation of one profile in progress.
struct Run<'m> {
    model: &'m Model,
    profile: &'m Profile,
    as_of: Date,
    explain: bool,
    state: Vec<State>,
    entered: BTreeSet<EventId>,
    report: Report,
}

/// Simulates one profile as of a date; with `explain`, every decision lists its criteria
/// and refusal grounds with the values they read.
pub fn simulate(model: &Model, profile: &Profile, as_of: Date, explain: bool) -> Report {
    let mut run = Run {
        model,
        profile,
        as_of,
        explain,
        state: model.services.iter().map(|_| State::default()).collect(),
        entered: BTreeSet::new(),
        report: Report {
            profile: profile.id.clone(),
            as_of: as_of.to_string(),
            events: Vec::new(),
            decisions: Vec::new(),
            stops: Vec::new(),
            chain: None,
        },
    };
    // On one day, applications come first (`Happening` orders them so).
    let mut happenings: Vec<(Date, Happening)> =
        profile.events.iter().enumerate().map(|(i, e)| (e.date, Happening::Event(i))).collect();
    happenings
        .extend(profile.applications.iter().enumerate().map(|(i, a)| (a.date, Happening::Application(i))));
    happenings.sort();
    for (date, happening) in happenings {
        match happening {
            Happening::Application(i) => run.application(i, date),
            Happening::Event(i) => run.event(&profile.events[i]),
        }
    }
    run.offer_situations();
    run.report
}

impl<'m> Run<'m> {
    fn application(&mut self, i: usize, date: Date) {
        if date > self.as_of {
            return;
        }
        let service = self.profile.applications[i].service;
        let request = Request { service, date, event: None, route: Route::Application, trigger: None };
        self.decided(request);
    }

    fn event(&mut self, ev: &'m ProfileEvent) {
        let name = self.model.events[ev.event].name.text.clone();
        let date = ev.date.to_string();
        if ev.date > self.as_of {
            let note = Some("not applied: dated after the as-of date".into());
            self.report.events.push(EventNote { event: name, date, applied: false, note });
            return;
        }
        self.report.events.push(EventNote { event: name, date, applied: true, note: None });
        self.entered.insert(ev.event);
        let model = self.model;
        for t in model.triggers.iter().filter(|t| t.on == Some(ev.event)) {
            let fire = match &t.condition {
                None => Some(true),
                Some(c) => Frame::new(model, None, &[], &ev.data, ev.date).eval(c).and_then(|v| v.as_bool()),
            };
            match (t.action, fire) {
                (None, _) | (_, Some(false)) => {}
                (Some(Action::Start(s)), None) => {
                    let missing = condition_missing(model, ev, t.condition.as_ref());
                    let why = "the trigger's condition needs event data the profile lacks";
                    let d = self.not_started(s, ev.date, t, Outcome::InsufficientData, why, missing);
                    self.report.decisions.push(d);
                }
                (Some(Action::Start(s)), Some(true)) => self.start(s, t, ev),
                // An opt-out never blocks a stop, and an unknown condition does not either:
                // a death must stop payments.
                (Some(Action::Stop(s)), _) => self.stop(s, t, ev),
            }
        }
    }

    /// A proactive start, unless the service is being provided or the citizen said no.
    fn start(&mut self, s: ServiceId, t: &'m Trigger, ev: &'m ProfileEvent) {
        if self.state[s.index()].active() {
            return;
        }
        let refused = match t.consent.unwrap_or(Consent::OptOut) {
            Consent::OptOut if self.profile.opt_out.contains(&s) => Some(
                "the citizen opted out of proactive provision; the service stays available on application",
            ),
            Consent::Explicit if !self.profile.consent.contains(&s) => Some(
                "explicit consent is required and was not given; the service stays available on application",
            ),
            _ => None,
        };
        if let Some(why) = refused {
            let d = self.not_started(s, ev.date, t, Outcome::NotStarted, why, Vec::new());
            self.report.decisions.push(d);
            return;
        }
        let request =
            Request { service: s, date: ev.date, event: Some(ev), route: Route::Proactive, trigger: Some(t) };
        self.decided(request);
    }

    /// Ends what was being provided; a periodic payment made after a death recorded late
    /// counts as made in excess.
    fn stop(&mut self, s: ServiceId, t: &Trigger, ev: &ProfileEvent) {
        let service = &self.model.services[s];
        let st = &mut self.state[s.index()];
        // Only what was being provided is stopped; a stop trigger for a service this
        // profile never had is not news.
        if !st.active() {
            return;
        }
        st.stopped = Some(ev.date);
        let mut stop = Stop {
            service: service.name.text.clone(),
            date: ev.date.to_string(),
            trigger: t.name.text.clone(),
            active: true,
            recorded: ev.recorded.filter(|r| *r > ev.date).map(|r| r.to_string()),
            excess_months: 0,
            excess_amount: None,
        };
        if let (Some(recorded), true) = (ev.recorded, service.is_periodic()) {
            let months = months_between(ev.date, recorded.min(self.as_of));
            stop.excess_months = months;
            let amount = monthly_amount(service, st.granted.as_ref().map(|g| &g.1));
            stop.excess_amount =
                amount.map(|a| format!("{:.2}", round_kopecks(a * rust_decimal::Decimal::from(months))));
        }
        self.report.stops.push(stop);
    }

    /// What the situations the profile entered offer on application.
    fn offer_situations(&mut self) {
        let mut offered: Vec<ServiceId> = self
            .model
            .situations
            .iter()
            .filter(|sit| sit.on.iter().any(|e| self.entered.contains(e)))
            .flat_map(|sit| sit.services.iter().copied())
            .collect();
        offered.sort_unstable();
        offered.dedup();
        for s in offered {
            if !self.state[s.index()].decided {
                let request = Request {
                    service: s,
                    date: self.as_of,
                    event: None,
                    route: Route::Eligibility,
                    trigger: None,
                };
                let d = decide(self.model, self.profile, &self.state, &request, self.explain);
                self.report.decisions.push(d);
            }
        }
    }

    /// Decides a request and records what it gives.
    fn decided(&mut self, request: Request) {
        let d = decide(self.model, self.profile, &self.state, &request, self.explain);
        let st = &mut self.state[request.service.index()];
        st.decided = true;
        if d.outcome == Outcome::Granted {
            st.granted = Some((request.date, d.values.clone()));
            st.stopped = None;
        }
        self.report.decisions.push(d);
    }

    fn not_started(
        &self,
        s: ServiceId,
        date: Date,
        trigger: &Trigger,
        outcome: Outcome,
        reason: &str,
        missing: Vec<String>,
    ) -> Decision {
        let service = &self.model.services[s];
        Decision {
            service: service.name.text.clone(),
            title: service.title().to_string(),
            date: date.to_string(),
            route: Route::Proactive,
            trigger: Some(trigger.name.text.clone()),
            outcome,
            reason: Some(reason.to_string()),
            refused_by: Vec::new(),
            missing,
            parameter_gaps: Vec::new(),
            outputs: BTreeMap::new(),
            notified: Vec::new(),
            explain: Vec::new(),
            values: Vec::new(),
        }
    }
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
    let i = s.outputs.iter().position(|o| o.ty == Type::Money)?;
    match outputs?.get(i)? {
        Some(Value::Money(d)) => Some(*d),
        _ => None,
    }
}

fn condition_missing(model: &Model, ev: &ProfileEvent, condition: Option<&Expr>) -> Vec<String> {
    let Some(c) = condition else { return Vec::new() };
    let mut frame = Frame::new(model, None, &[], &ev.data, ev.date);
    frame.eval(c);
    let event = &model.events[ev.event];
    let mut out: Vec<String> =
        frame.missing.iter().map(|&i| format!("{}.{}", event.name.text, event.fields[i].name.text)).collect();
    out.sort();
    out
}

/// The inputs of a service from the profile and what earlier decisions produced.
fn inputs_for(model: &Model, profile: &Profile, state: &[State], request: &Request) -> Vec<Option<Value>> {
    use crate::model::Source;
    let service = &model.services[request.service];
    service
        .inputs
        .iter()
        .map(|input| match input.source {
            Source::Applicant => profile.applicant.get(&input.name.text).cloned(),
            Source::Registry(r, f) => {
                // A record made in this simulation is newer than the profile's.
                let made = state.iter().zip(model.services.iter()).find_map(|(st, service)| {
                    let (_, outputs) = st.granted.as_ref()?;
                    let o = service
                        .outputs
                        .iter()
                        .position(|o| o.writes.is_some_and(|w| (w.0, w.1) == (r, f)))?;
                    outputs.get(o).cloned().flatten()
                });
                made.or_else(|| profile.facts.get(r.index())?.get(f).cloned().flatten())
            }
            Source::Event(e, f) => {
                let from = match request.event {
                    Some(ev) if ev.event == e => Some(ev),
                    _ => profile.events.iter().filter(|ev| ev.event == e).max_by_key(|ev| ev.date),
                };
                from.and_then(|ev| ev.data.get(f).cloned().flatten())
            }
            Source::Service(k, o) => state.get(k.index())?.granted.as_ref()?.1.get(o).cloned().flatten(),
        })
        .collect()
}

/// What a decision found unknown: the facts missing and the parameters without a value.
#[derive(Default)]
struct Unknowns {
    inputs: BTreeSet<usize>,
    params: BTreeSet<ParamId>,
}

impl Unknowns {
    fn take(&mut self, frame: &mut Frame) {
        self.inputs.extend(frame.missing.drain(..));
        self.params.extend(frame.gaps.drain(..));
    }
}

/// A rule's name with its title, as refusals cite it.
fn titled(rule: &Rule) -> String {
    match &rule.title {
        Some(t) => format!("{} «{t}»", rule.name.text),
        None => rule.name.text.clone(),
    }
}

/// Decides one request: refusal grounds and criteria, then the outputs of a grant.
fn decide(model: &Model, profile: &Profile, state: &[State], request: &Request, explain: bool) -> Decision {
    let service = &model.services[request.service];
    let inputs = inputs_for(model, profile, state, request);
    let mut frame = Frame::new(model, Some(service), &inputs, &[], request.date);
    // Only what left a check unknown is missing: a fact read by a check that held anyway
    // does not matter to the decision.
    let mut unknown = Unknowns::default();
    let mut failed = Vec::new();
    let mut grounds = Vec::new();
    let mut undecided = false;
    for (i, c) in service.criteria.iter().enumerate() {
        frame.missing.clear();
        frame.gaps.clear();
        match frame.criterion(i) {
            Some(true) => {}
            Some(false) => failed.push(c),
            None => {
                undecided = true;
                unknown.take(&mut frame);
            }
        }
    }
    for r in &service.refusals {
        frame.missing.clear();
        frame.gaps.clear();
        match frame.eval(&r.condition).and_then(|v| v.as_bool()) {
            Some(true) => grounds.push(r),
            Some(false) => {}
            None => {
                undecided = true;
                unknown.take(&mut frame);
            }
        }
    }
    let checks = if explain { super::explain::explain(model, service, &mut frame) } else { Vec::new() };

    let mut d = Decision {
        service: service.name.text.clone(),
        title: service.title().to_string(),
        date: request.date.to_string(),
        route: request.route,
        trigger: request.trigger.map(|t| t.name.text.clone()),
        outcome: Outcome::Granted,
        reason: None,
        refused_by: Vec::new(),
        missing: Vec::new(),
        parameter_gaps: Vec::new(),
        outputs: BTreeMap::new(),
        notified: Vec::new(),
        explain: checks,
        values: Vec::new(),
    };
    if !grounds.is_empty() || !failed.is_empty() {
        // An official refusal states every ground.
        let reasons = grounds
            .iter()
            .map(|r| format!("refusal ground {}", titled(r)))
            .chain(failed.iter().map(|c| format!("criterion {} does not hold", titled(c))));
        d.outcome = Outcome::Refused;
        d.reason = Some(reasons.collect::<Vec<_>>().join("; "));
        d.refused_by = grounds.iter().chain(&failed).map(|r| r.name.text.clone()).collect();
        return d;
    }
    if !undecided && request.route == Route::Eligibility {
        d.outcome = Outcome::Eligible;
        d.reason = Some("available on application".to_string());
        return d;
    }
    // What could not be known: a check, or (for a grant, which must be able to compute
    // what it gives) an output.
    let mut what = "a criterion";
    if !undecided {
        frame.missing.clear();
        frame.gaps.clear();
        d.values = (0..service.outputs.len()).map(|i| output_value(&mut frame, service, i)).collect();
        if service.outputs.iter().zip(&d.values).any(|(o, v)| o.value.is_some() && v.is_none()) {
            undecided = true;
            what = "an output";
            unknown.take(&mut frame);
            d.values.clear();
        }
    }
    if undecided {
        if unknown.params.is_empty() {
            d.outcome = Outcome::InsufficientData;
            d.reason = Some(format!("{what} needs facts the profile lacks"));
        } else {
            let names: Vec<String> =
                unknown.params.iter().map(|&p| format!("`{}`", model.params[p].name.text)).collect();
            d.outcome = Outcome::RegulationGap;
            let (noun, verb) = if names.len() == 1 { ("parameter", "has") } else { ("parameters", "have") };
            d.reason = Some(format!(
                "{what} needs {noun} {}, which {verb} no value in force on {}; the regulation must give one",
                names.join(", "),
                request.date
            ));
            d.parameter_gaps = unknown.params.iter().map(|&p| model.params[p].name.text.clone()).collect();
        }
        d.missing = unknown.inputs.iter().map(|&i| model.source_name(service, i)).collect();
        d.missing.sort();
        d.missing.dedup();
        return d;
    }
    for (o, v) in service.outputs.iter().zip(&d.values) {
        if let (Some(_), Some(v)) = (&o.value, v) {
            d.outputs.insert(o.name.text.clone(), model.show(v));
        }
    }
    d.notified =
        request.trigger.map_or_else(Vec::new, |t| t.notify.iter().map(|c| c.as_str().to_string()).collect());
    d
}

fn output_value(frame: &mut Frame, s: &Service, i: usize) -> Option<Value> {
    match (&s.outputs[i].value, &s.outputs[i].ty) {
        (Some(_), _) => frame.output(i),
        (None, Type::Document) => Some(Value::Document),
        (None, _) => None,
    }
}
