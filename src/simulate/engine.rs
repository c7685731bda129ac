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
use super::eval::{Frame, Gap, Missing, World, round_kopecks};
use super::explain::Explainer;
use super::profile::{Profile, ProfileEvent};
use crate::date::Date;
use crate::model::{
    Action, Expr, ExprKind, FactRef, Form, Local, Model, RoleMode, Rule, Service, ServiceId, Source, Trigger,
    Type, Value,
};
use crate::vocabulary::Consent;
use std::collections::{BTreeMap, BTreeSet};

/// A person or group as a key: kind (0 none, 1 person, 2 group) and place.
type EntityKey = (u8, u32);

fn key_of(v: Option<&Value>) -> EntityKey {
    match v {
        Some(Value::Person(i)) => (1, *i),
        Some(Value::Group(i)) => (2, *i),
        _ => (0, 0),
    }
}

/// What the simulation knows of one service for one subject.
#[derive(Default)]
struct State {
    /// The date, the output values and the roles bound.
    granted: Option<Grant>,
    /// For a payment in progress when the simulation starts: the first month paid and
    /// the months paid so far.
    paid: Option<(Date, i64)>,
    stopped: Option<Date>,
    decided: bool,
}

/// A grant: its date, its output values and the entities its roles bound.
type Grant = (Date, Vec<Option<Value>>, Vec<Option<Value>>);

impl State {
    fn active(&self) -> bool {
        self.granted.is_some() && self.stopped.is_none()
    }
}

/// One decision to make: a service for the entities its roles bind, on a date, by a route.
pub struct Request<'p> {
    pub service: ServiceId,
    pub date: Date,
    /// For each role of the service, the person or group bound.
    pub binding: Vec<Option<Value>>,
    /// The event that started it, whose payload it may read.
    pub event: Option<&'p ProfileEvent>,
    pub route: Route,
    pub trigger: Option<&'p Trigger>,
}

impl Request<'_> {
    fn subject(&self, s: &Service) -> Option<&Value> {
        self.binding.get(s.subject?)?.as_ref()
    }
}

/// Something that happens to a profile: an application or an event, by index.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Happening {
    Application(usize),
    /// An application for a whole life situation.
    Request(usize),
    Event(usize),
    /// An event the regulations schedule (an age reached), made for this profile.
    Scheduled(usize),
}

type States = BTreeMap<(ServiceId, EntityKey), State>;

/// The states of one service, whatever the subject.
fn of_service(state: &States, s: ServiceId) -> impl Iterator<Item = (&(ServiceId, EntityKey), &State)> {
    state.range((s, (0, 0))..=(s, (u8::MAX, u32::MAX)))
}

/// A simulation of one profile in progress.
struct Run<'m> {
    model: &'m Model,
    profile: &'m Profile,
    as_of: Date,
    /// The first day of the simulated period: what happened before is history.
    from: Date,
    explain: bool,
    state: States,
    /// The events applied, for the situations they enter.
    entered: Vec<&'m ProfileEvent>,
    report: Report,
}

/// Simulates one profile as of a date; with `explain`, every decision lists its criteria
/// and refusal grounds with the values they read.
pub fn simulate(model: &Model, profile: &Profile, as_of: Date, explain: bool) -> Report {
    let as_of = profile.to.unwrap_or(as_of);
    // Without a start of its own, the period starts with the profile's first happening.
    let dated = profile.events.iter().map(|e| e.date).chain(profile.applications.iter().map(|a| a.date));
    let from = profile.from.unwrap_or_else(|| dated.min().unwrap_or(as_of).min(as_of));
    let scheduled = scheduled_events(model, profile, from, as_of);
    let mut run = Run {
        model,
        profile,
        as_of,
        explain,
        state: BTreeMap::new(),
        entered: Vec::new(),
        from,
        report: Report {
            profile: profile.id.clone(),
            from: from.to_string(),
            as_of: as_of.to_string(),
            events: Vec::new(),
            warnings: Vec::new(),
            decisions: Vec::new(),
            stops: Vec::new(),
            chain: None,
        },
    };
    run.payments_in_progress();
    // On one day, applications come first (`Happening` orders them so).
    let mut happenings: Vec<(Date, Happening)> =
        profile.events.iter().enumerate().map(|(i, e)| (e.date, Happening::Event(i))).collect();
    happenings.extend(scheduled.iter().enumerate().map(|(i, e)| (e.date, Happening::Scheduled(i))));
    happenings
        .extend(profile.applications.iter().enumerate().map(|(i, a)| (a.date, Happening::Application(i))));
    happenings.extend(profile.requests.iter().enumerate().map(|(i, r)| (r.date, Happening::Request(i))));
    happenings.sort();
    for (date, happening) in happenings {
        match happening {
            Happening::Application(i) => run.application(i, date),
            Happening::Event(i) => run.event(&profile.events[i]),
            Happening::Scheduled(i) => run.event(&scheduled[i]),
            Happening::Request(i) => run.request(i, date),
        }
    }
    run.offer_situations();
    run.report
}

/// Every binding of an event's roles: one per entity an `each` role binds (the product
/// when there are several such roles); an unbound optional role is `None`. An `each` role
/// the profile leaves empty is drawn from its list, when the event declares one: every
/// person of it but those of the roles it is read of (the deceased's household, the
/// deceased aside).
fn bindings(model: &Model, profile: &Profile, ev: &ProfileEvent) -> Vec<Vec<Option<Value>>> {
    let event = &model.events[ev.event];
    let base: Vec<Option<Value>> = event
        .roles
        .iter()
        .zip(&ev.roles)
        .map(|(role, bound)| if role.mode == RoleMode::Each { None } else { bound.first().cloned() })
        .collect();
    let mut out = vec![base.clone()];
    for (r, _) in event.roles.iter().enumerate().filter(|(_, role)| role.mode == RoleMode::Each) {
        let mut each = ev.roles.get(r).cloned().unwrap_or_default();
        if let (true, Some(Some(list))) = (each.is_empty(), event.drawn.get(r)) {
            let mut frame = Frame::new(model, None, &[], &ev.data, ev.date);
            frame.world = Some(World { profile, binding: &base });
            // The roles the list is read of are not in it: the deceased is no survivor.
            let mut of = Vec::new();
            list.walk(&mut |x| {
                if let ExprKind::Role(i) = x.kind {
                    of.extend(base.get(i).cloned().flatten());
                }
            });
            if let Some(Value::List(items)) = frame.eval(list) {
                each = items.iter().filter(|v| !of.contains(v)).cloned().collect();
            }
        }
        // An `each` role that binds no one still lets the triggers that do not need it
        // fire, once.
        if each.is_empty() {
            continue;
        }
        out = out
            .into_iter()
            .flat_map(|b| {
                each.iter().map(move |v| {
                    let mut b = b.clone();
                    b[r] = Some(v.clone());
                    b
                })
            })
            .collect();
    }
    out
}

/// The scheduled events of the regulations that fall in the period for this profile: each
/// for every person or group its one role may bind, on the date its `at` gives.
fn scheduled_events(model: &Model, profile: &Profile, from: Date, to: Date) -> Vec<ProfileEvent> {
    let mut out = Vec::new();
    for (id, event) in model.events.enumerate() {
        let Some(at) = &event.at else { continue };
        let Some(r) = event.roles.iter().position(|r| r.mode == RoleMode::One) else { continue };
        let entity = event.roles[r].entity;
        let candidates: Vec<Value> = if model.entities[entity].group {
            (0..profile.groups.len())
                .filter(|&g| profile.groups[g].entity == entity)
                .map(|g| Value::Group(g as u32))
                .collect()
        } else {
            (0..profile.persons.len()).map(|p| Value::Person(p as u32)).collect()
        };
        for who in candidates {
            let mut binding = vec![None; event.roles.len()];
            binding[r] = Some(who.clone());
            let mut frame = Frame::new(model, None, &[], &[], to);
            frame.world = Some(World { profile, binding: &binding });
            let Some(Value::Date(date)) = frame.eval(at) else { continue };
            // Given by the profile already (a registry's record of it): not made twice.
            let given =
                profile.events.iter().any(|e| e.event == id && e.date == date && e.roles[r].contains(&who));
            if (from..=to).contains(&date) && !given {
                let mut roles = vec![Vec::new(); event.roles.len()];
                roles[r].push(who.clone());
                let data = vec![None; event.fields.len()];
                out.push(ProfileEvent { event: id, date, recorded: None, roles, data });
            }
        }
    }
    out
}

/// How a service of a situation is bound from its entry event: as a trigger on the event
/// that starts it binds it, else each role from the event's role of its name and entity.
pub fn offer_binds(model: &Model, event: crate::model::EventId, s: ServiceId) -> Vec<Option<usize>> {
    let started =
        model.triggers.iter().find(|t| t.on == Some(event) && t.action.and_then(Action::started) == Some(s));
    if let Some(t) = started {
        return t.binds.clone();
    }
    let roles = &model.events[event].roles;
    model.services[s]
        .roles
        .iter()
        .map(|r| crate::model::find_role(roles, &r.name).filter(|&i| roles[i].entity == r.entity))
        .collect()
}

fn subject_of(s: &Service, binding: &[Option<Value>]) -> EntityKey {
    key_of(s.subject.and_then(|i| binding.get(i)?.as_ref()))
}

impl<'m> Run<'m> {
    /// The payments the profile says are being made: active grants, as if granted on the
    /// first day paid.
    fn payments_in_progress(&mut self) {
        for p in &self.profile.payments {
            let service = &self.model.services[p.service];
            let mut values = vec![None; service.outputs.len()];
            if let Some(i) = service.outputs.iter().position(|o| o.ty == Type::Money) {
                values[i] = Some(Value::Money(p.amount));
            }
            let key = (p.service, subject_of(service, &p.roles));
            let st = self.state.entry(key).or_default();
            st.granted = Some((p.since, values, p.roles.clone()));
            st.paid = Some((p.since, p.months_paid));
        }
    }

    fn name(&self, v: Option<&Value>) -> Option<String> {
        v.and_then(|v| self.profile.name_of(v)).map(str::to_string)
    }

    fn application(&mut self, i: usize, date: Date) {
        if date > self.as_of {
            return;
        }
        let a = &self.profile.applications[i];
        let request = Request {
            service: a.service,
            date,
            binding: a.roles.clone(),
            event: None,
            route: Route::Application,
            trigger: None,
        };
        self.decided(request);
    }

    /// An application for a life situation: every service of it that no trigger on its
    /// entry events starts, each bound by role name (and entity), for each subject bound.
    fn request(&mut self, i: usize, date: Date) {
        if date > self.as_of {
            return;
        }
        let model = self.model;
        let r = &self.profile.requests[i];
        let situation = &model.situations[r.situation];
        for &s in &situation.services {
            let started = model.triggers.iter().any(|t| {
                t.on.is_some_and(|e| situation.on.contains(&e))
                    && t.action.and_then(Action::started) == Some(s)
            });
            if started {
                continue;
            }
            let service = &model.services[s];
            let binding: Vec<Option<Value>> = service
                .roles
                .iter()
                .map(|role| {
                    r.roles
                        .iter()
                        .find(|(n, v)| *n == role.name.text && self.entity_is(v, role.entity))
                        .map(|x| x.1.clone())
                })
                .collect();
            if service.subject.is_some_and(|i| binding[i].is_none()) {
                continue;
            }
            // What is being provided already needs no application.
            if self.state.get(&(s, subject_of(service, &binding))).is_some_and(State::active) {
                continue;
            }
            let request =
                Request { service: s, date, binding, event: None, route: Route::Application, trigger: None };
            self.decided(request);
        }
    }

    /// Whether a value is a person or group of an entity.
    fn entity_is(&self, v: &Value, entity: crate::model::EntityId) -> bool {
        match v {
            Value::Person(_) => !self.model.entities[entity].group,
            Value::Group(g) => self.profile.groups.get(*g as usize).is_some_and(|g| g.entity == entity),
            _ => false,
        }
    }

    fn event(&mut self, ev: &'m ProfileEvent) {
        let name = self.model.events[ev.event].name.text.clone();
        let date = ev.date.to_string();
        if ev.date > self.as_of {
            let note = Some("not applied: dated after the as-of date".into());
            let mut persons: Vec<String> = ev
                .roles
                .iter()
                .flatten()
                .filter_map(|v| self.profile.name_of(v))
                .map(str::to_string)
                .collect();
            persons.dedup();
            self.report.warnings.push(crate::simulate::decision::Warning {
                event: name.clone(),
                date: date.clone(),
                persons,
                message: format!("dated after the end of the simulated period ({}): not applied", self.as_of),
            });
            self.report.events.push(EventNote { event: name, date, applied: false, note });
            return;
        }
        if ev.date < self.from {
            let note = Some("history: before the simulated period, it sets nothing off".into());
            self.report.events.push(EventNote { event: name, date, applied: false, note });
            return;
        }
        self.report.events.push(EventNote { event: name, date, applied: true, note: None });
        self.entered.push(ev);
        let model = self.model;
        // A trigger acts once per binding of the roles its service reads: a death with
        // three survivors starts the burial allowance for the deceased once.
        let mut done: BTreeSet<(usize, Vec<EntityKey>)> = BTreeSet::new();
        for binding in bindings(model, self.profile, ev) {
            for (i, t) in model.triggers.iter().enumerate().filter(|(_, t)| t.on == Some(ev.event)) {
                // A condition may read any of the event's roles.
                let used: Vec<EntityKey> = match t.condition {
                    Some(_) => binding.iter().map(|v| key_of(v.as_ref())).collect(),
                    None => {
                        t.binds.iter().map(|b| key_of(b.and_then(|r| binding.get(r)?.as_ref()))).collect()
                    }
                };
                if done.insert((i, used)) {
                    self.fire(t, ev, &binding);
                }
            }
        }
    }

    /// One trigger for one binding of its event's roles.
    fn fire(&mut self, t: &'m Trigger, ev: &'m ProfileEvent, event_binding: &[Option<Value>]) {
        let model = self.model;
        let world = World { profile: self.profile, binding: event_binding };
        let fire = match &t.condition {
            None => Some(true),
            Some(c) => {
                let mut frame = Frame::new(model, None, &[], &ev.data, ev.date);
                frame.world = Some(world);
                frame.eval(c).and_then(|v| v.as_bool())
            }
        };
        let Some(action) = t.action else { return };
        let service = &model.services[action.service()];
        let binding: Vec<Option<Value>> =
            t.binds.iter().map(|b| b.and_then(|i| event_binding.get(i).cloned().flatten())).collect();
        // Nothing to start without the subject (an optional role left unbound).
        let no_subject = service.subject.is_some_and(|i| binding[i].is_none());
        match (action, fire) {
            (_, Some(false)) => {}
            (Action::Start(..), _) if no_subject => {}
            (Action::Start(s, _), None) => {
                let missing = condition_missing(model, ev, world, t.condition.as_ref(), self.profile);
                let why = "the trigger's condition needs data the profile lacks";
                let d = self.condition_unknown(s, ev.date, t, &binding, why, missing);
                self.report.decisions.push(d);
            }
            (Action::Start(s, _), Some(true)) => self.start(s, t, ev, binding),
            // An opt-out never blocks a stop, and an unknown condition does not either:
            // a death must stop payments.
            (Action::Stop(s), _) => self.stop(s, t, ev, &binding),
        }
    }

    /// The applicant's person, whose consent and opt-out count.
    fn applicant(&self, s: &Service, binding: &[Option<Value>]) -> Option<&'m super::profile::Person> {
        match binding.get(s.applicant?)? {
            Some(Value::Person(i)) => self.profile.persons.get(*i as usize),
            _ => None,
        }
    }

    /// A proactive start, unless the service is being provided: whether it applies, then
    /// the applicant's consent (a suppressed start says what applying would give), then
    /// the decision, provided or offered as the trigger says.
    fn start(&mut self, s: ServiceId, t: &'m Trigger, ev: &'m ProfileEvent, binding: Vec<Option<Value>>) {
        let service = &self.model.services[s];
        let key = (s, subject_of(service, &binding));
        if self.state.get(&key).is_some_and(State::active) {
            return;
        }
        let request = Request {
            service: s,
            date: ev.date,
            binding,
            event: Some(ev),
            route: Route::Proactive,
            trigger: Some(t),
        };
        let binding = &request.binding;
        let applicant = self.applicant(service, binding);
        let stand = applicant.map(|p| p.stand(s, ev.date)).unwrap_or_default();
        let refused = match t.consent.unwrap_or(Consent::OptOut) {
            Consent::OptOut if stand.opted_out => Some(
                "the applicant opted out of proactive provision; the service stays available on application",
            ),
            Consent::Explicit if !stand.consented => Some(
                "explicit consent is required and the applicant did not give it; the service stays available on application",
            ),
            _ => None,
        };
        let applies = applicable(self.model, self.profile, &self.state, &request);
        if let (Some(why), Some(true)) = (refused, applies) {
            let application = Request { route: Route::Application, trigger: None, ..request };
            let mut d = decide(self.model, self.profile, &self.state, &application, self.explain);
            let on_application = d.outcome;
            d.route = Route::Proactive;
            d.trigger = Some(t.name.text.clone());
            d.outcome = Outcome::Suppressed;
            d.on_application = Some(on_application);
            d.reason = Some(why.to_string());
            d.notified.clear();
            d.notice_to = None;
            self.report.decisions.push(d);
            return;
        }
        self.decided(request);
    }

    /// Ends what was being provided to the recipient the trigger binds. A periodic payment
    /// stops from the first day of the month after the event; the months paid from then on
    /// are overpaid: those the profile's payment in progress counts, or (for one granted
    /// in this simulation) those paid until the registry learned of the event.
    fn stop(&mut self, s: ServiceId, t: &Trigger, ev: &ProfileEvent, binding: &[Option<Value>]) {
        let service = &self.model.services[s];
        let recipient = service.recipient.map(|i| (i, binding.get(i).cloned().flatten()));
        // Only what was being provided to that recipient is stopped; a stop for a service
        // this profile never had is not news.
        let keys: Vec<(ServiceId, EntityKey)> = of_service(&self.state, s)
            .filter(|(_, st)| st.active())
            .filter(|(_, st)| match &recipient {
                Some((i, r)) => {
                    r.is_some() && st.granted.as_ref().is_some_and(|g| g.2.get(*i).is_some_and(|b| b == r))
                }
                None => true,
            })
            .map(|(k, _)| *k)
            .collect();
        for key in keys {
            let as_of = self.as_of;
            let profile = self.profile;
            let st = self.state.get_mut(&key).expect("a state");
            st.stopped = Some(ev.date);
            let (_, values, bound) = st.granted.as_ref().expect("granted");
            let name = |i: Option<usize>| {
                i.and_then(|i| bound.get(i)?.as_ref()).and_then(|v| profile.name_of(v)).map(str::to_string)
            };
            let recipient = name(service.recipient);
            let subject = name(service.subject).filter(|s| Some(s) != recipient.as_ref());
            let mut stop = Stop {
                service: service.name.text.clone(),
                recipient,
                subject,
                date: ev.date.to_string(),
                trigger: t.name.text.clone(),
                active: true,
                recorded: ev.recorded.filter(|r| *r > ev.date).map(|r| r.to_string()),
                effective: None,
                overpaid_months: 0,
                overpaid_amount: None,
            };
            if service.is_periodic() {
                let first = Date { year: ev.date.year, month: ev.date.month, day: 1 };
                let effective = first.add_months(1).unwrap_or(first);
                let from = effective.month_number();
                let (start, last) = match st.paid {
                    Some((since, months)) => (since.month_number(), since.month_number() + months - 1),
                    None => {
                        let learned = ev.recorded.unwrap_or(ev.date).max(ev.date).min(as_of);
                        (st.granted.as_ref().map_or(first, |g| g.0).month_number(), learned.month_number())
                    }
                };
                let months = (last - from.max(start) + 1).max(0);
                stop.effective = Some(effective.to_string());
                stop.overpaid_months = months;
                if months > 0 {
                    stop.overpaid_amount = monthly_amount(service, Some(values))
                        .map(|a| format!("{:.2}", round_kopecks(a * rust_decimal::Decimal::from(months))));
                }
            }
            self.report.stops.push(stop);
        }
    }

    /// What the situations the profile entered offer on application, for the roles their
    /// events bound (a service's role is bound by the event role of its name).
    fn offer_situations(&mut self) {
        let model = self.model;
        let mut offers: Vec<(ServiceId, Vec<Option<Value>>)> = Vec::new();
        for ev in std::mem::take(&mut self.entered) {
            for sit in model.situations.iter().filter(|sit| sit.on.contains(&ev.event)) {
                for &s in &sit.services {
                    let service = &model.services[s];
                    let binds = offer_binds(model, ev.event, s);
                    for b in bindings(model, self.profile, ev) {
                        let binding: Vec<Option<Value>> =
                            binds.iter().map(|x| x.and_then(|i| b.get(i).cloned().flatten())).collect();
                        if service.subject.is_some_and(|i| binding[i].is_none()) {
                            continue;
                        }
                        let subject = subject_of(service, &binding);
                        if !offers.iter().any(|(o, ob)| *o == s && subject_of(service, ob) == subject) {
                            offers.push((s, binding));
                        }
                    }
                }
            }
        }
        offers.sort_by_key(|(s, b)| (*s, subject_of(&model.services[*s], b)));
        for (s, binding) in offers {
            let key = (s, subject_of(&model.services[s], &binding));
            // Decided already, or being provided (a payment in progress).
            if self.state.get(&key).is_some_and(|st| st.decided || st.active()) {
                continue;
            }
            let request = Request {
                service: s,
                date: self.as_of,
                binding,
                event: None,
                route: Route::Eligibility,
                trigger: None,
            };
            let d = decide(model, self.profile, &self.state, &request, self.explain);
            self.report.decisions.push(d);
        }
    }

    /// Decides a request and records what it gives.
    fn decided(&mut self, request: Request) {
        let d = decide(self.model, self.profile, &self.state, &request, self.explain);
        let service = &self.model.services[request.service];
        let st = self.state.entry((request.service, key_of(request.subject(service)))).or_default();
        st.decided = true;
        if matches!(d.outcome, Outcome::Granted | Outcome::Provided) {
            st.granted = Some((request.date, d.values.clone(), request.binding));
            st.stopped = None;
        }
        self.report.decisions.push(d);
    }

    /// A start whose trigger condition could not be decided for lack of data.
    fn condition_unknown(
        &self,
        s: ServiceId,
        date: Date,
        trigger: &Trigger,
        binding: &[Option<Value>],
        reason: &str,
        missing: Vec<String>,
    ) -> Decision {
        let service = &self.model.services[s];
        let subject = self.name(service.subject.and_then(|i| binding[i].as_ref()));
        let mut d = Decision::new(service, subject, date.to_string(), Route::Proactive);
        d.trigger = Some(trigger.name.text.clone());
        d.outcome = Outcome::InsufficientData;
        d.reason = Some(reason.to_string());
        d.missing = missing;
        d
    }
}

fn monthly_amount(s: &Service, outputs: Option<&Vec<Option<Value>>>) -> Option<rust_decimal::Decimal> {
    let i = s.outputs.iter().position(|o| o.ty == Type::Money)?;
    match outputs?.get(i)? {
        Some(Value::Money(d)) => Some(*d),
        _ => None,
    }
}

fn condition_missing(
    model: &Model,
    ev: &ProfileEvent,
    world: World,
    condition: Option<&Expr>,
    profile: &Profile,
) -> Vec<String> {
    let Some(c) = condition else { return Vec::new() };
    let mut frame = Frame::new(model, None, &[], &ev.data, ev.date);
    frame.world = Some(world);
    frame.eval(c);
    let event = &model.events[ev.event];
    let mut out: Vec<String> = frame
        .missing
        .iter()
        .filter_map(|m| match *m {
            Missing::EventField(i) => Some(format!("{}.{}", event.name.text, event.fields[i].name.text)),
            Missing::Fact { group, index, fact } => Some(fact_missing(model, profile, group, index, fact)),
            Missing::Input(_) => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `id.fact` of a person or group.
fn fact_missing(model: &Model, profile: &Profile, group: bool, index: u32, fact: FactRef) -> String {
    let v = if group { Value::Group(index) } else { Value::Person(index) };
    format!("{}.{}", profile.name_of(&v).unwrap_or("?"), model.fact(fact).name.text)
}

/// A fact of an entity as the simulation knows it: recorded by a service granted in this
/// simulation (the newest), else the profile's, else (for a registry's fact) its default.
fn fact_value(
    model: &Model,
    profile: &Profile,
    state: &States,
    entity: &Value,
    fact: FactRef,
    default: bool,
) -> Option<Value> {
    let made = state
        .iter()
        .filter_map(|((s, _), st)| Some((*s, st.granted.as_ref()?)))
        .filter_map(|(s, (date, outputs, bound))| {
            model.services[s].outputs.iter().enumerate().find_map(|(o, out)| {
                let (role, f, _) = out.writes?;
                let mine = f == fact && bound.get(role)?.as_ref() == Some(entity);
                mine.then(|| (*date, outputs.get(o).cloned().flatten()))
            })
        })
        .max_by_key(|(date, _)| *date)
        .and_then(|(_, v)| v);
    made.or_else(|| profile.fact(entity, fact.fact).cloned())
        .or_else(|| if default { model.fact(fact).default.clone() } else { None })
}

/// The inputs of a service from the profile and what earlier decisions produced.
fn inputs_for(model: &Model, profile: &Profile, state: &States, request: &Request) -> Vec<Option<Value>> {
    let service = &model.services[request.service];
    service
        .inputs
        .iter()
        .map(|input| match input.source {
            Source::Applicant { role, fact } | Source::Fact { role, fact } => {
                let entity = request.binding.get(role)?.as_ref()?;
                // The applicant states a fact; a default is what a registry's silence means.
                let default = matches!(input.source, Source::Fact { .. });
                fact_value(model, profile, state, entity, fact, default)
            }
            Source::Event(e, f) => {
                let from = match request.event {
                    Some(ev) if ev.event == e => Some(ev),
                    _ => profile.events.iter().filter(|ev| ev.event == e).max_by_key(|ev| ev.date),
                };
                from.and_then(|ev| ev.data.get(f).cloned().flatten())
            }
            Source::Service(k, o) => {
                // The grant for an entity this decision binds, else the latest.
                let grants: Vec<&Grant> =
                    of_service(state, k).filter_map(|(_, st)| st.granted.as_ref()).collect();
                let shared = |g: &&&Grant| {
                    let subject = model.services[k].subject.and_then(|i| g.2.get(i)?.as_ref());
                    subject.is_some_and(|s| request.binding.iter().flatten().any(|b| b == s))
                };
                let chosen = grants.iter().find(shared).or_else(|| grants.iter().max_by_key(|g| g.0));
                chosen?.1.get(o).cloned().flatten()
            }
        })
        .collect()
}

/// What a decision found unknown: the facts missing and the parameters without a value.
#[derive(Default)]
struct Unknowns {
    facts: BTreeSet<Missing>,
    gaps: BTreeSet<Gap>,
}

impl Unknowns {
    fn take(&mut self, frame: &mut Frame) {
        self.facts.extend(frame.missing.drain(..));
        self.gaps.extend(frame.gaps.drain(..));
    }
}

/// A rule's name with its title, as refusals cite it.
fn titled(rule: &Rule) -> String {
    match &rule.title {
        Some(t) => format!("{} «{t}»", rule.name.text),
        None => rule.name.text.clone(),
    }
}

/// Decides one request on its own, with nothing granted before it (what a population run
/// asks of each subject), with the values of some of the service's criteria, derived facts
/// and outputs, computed once for both.
pub fn decide_alone(
    model: &Model,
    profile: &Profile,
    request: &Request,
    locals: &[Local],
    explain: Option<&Explainer>,
) -> (Decision, Vec<Option<Value>>) {
    let service = &model.services[request.service];
    let inputs = inputs_for(model, profile, &States::new(), request);
    let mut frame = Frame::new(model, Some(service), &inputs, &[], request.date);
    frame.world = Some(World { profile, binding: &request.binding });
    let decision = decide_in(&mut frame, profile, request, explain);
    let values = locals.iter().map(|&l| frame.local(l)).collect();
    (decision, values)
}

/// Decides one request: refusal grounds and criteria, then the outputs of a grant.
fn decide(model: &Model, profile: &Profile, state: &States, request: &Request, explain: bool) -> Decision {
    let service = &model.services[request.service];
    let inputs = inputs_for(model, profile, state, request);
    let mut frame = Frame::new(model, Some(service), &inputs, &[], request.date);
    frame.world = Some(World { profile, binding: &request.binding });
    let explainer = explain.then(|| Explainer::new(model, service));
    decide_in(&mut frame, profile, request, explainer.as_ref())
}

/// Decides a request in a frame made for it; the frame keeps every value computed.
fn decide_in(
    frame: &mut Frame,
    profile: &Profile,
    request: &Request,
    explain: Option<&Explainer>,
) -> Decision {
    let model = frame.model;
    let service = &model.services[request.service];
    let name = |i: Option<usize>| {
        i.and_then(|i| request.binding.get(i)?.as_ref()).and_then(|v| profile.name_of(v)).map(str::to_string)
    };
    let mut d = Decision::new(service, name(service.subject), request.date.to_string(), request.route);
    d.trigger = request.trigger.map(|t| t.name.text.clone());
    // Only what left a check unknown is missing: a fact read by a check that held anyway
    // does not matter to the decision.
    let mut unknown = Unknowns::default();
    if let Some(applies) = &service.applies {
        frame.missing.clear();
        frame.gaps.clear();
        match frame.eval(applies).and_then(|v| v.as_bool()) {
            Some(true) => {}
            Some(false) => {
                d.outcome = Outcome::NotApplicable;
                d.reason = Some("the service does not apply (`applies when` does not hold)".to_string());
                if let Some(e) = explain {
                    d.explain = e.explain(model, service, frame);
                }
                return d;
            }
            None => {
                unknown.take(frame);
                undecided_because(&mut d, model, profile, service, request, unknown, "whether it applies");
                if let Some(e) = explain {
                    d.explain = e.explain(model, service, frame);
                }
                return d;
            }
        }
    }
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
                unknown.take(frame);
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
                unknown.take(frame);
            }
        }
    }
    if let Some(e) = explain {
        d.explain = e.explain(model, service, frame);
    }
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
        d.values = (0..service.outputs.len()).map(|i| output_value(frame, service, i)).collect();
        if service.outputs.iter().zip(&d.values).any(|(o, v)| o.value.is_some() && v.is_none()) {
            undecided = true;
            what = "an output";
            unknown.take(frame);
            d.values.clear();
        }
    }
    if undecided {
        undecided_because(&mut d, model, profile, service, request, unknown, what);
        return d;
    }
    for (o, v) in service.outputs.iter().zip(&d.values) {
        if let (Some(_), Some(v)) = (&o.value, v) {
            d.outputs.insert(o.name.text.clone(), model.show(v));
        }
    }
    d.outcome = match request.trigger.and_then(|t| t.action) {
        Some(Action::Start(_, Form::Offer)) => Outcome::Offered,
        Some(Action::Start(_, Form::Provide)) => Outcome::Provided,
        _ => Outcome::Granted,
    };
    d.notified =
        request.trigger.map_or_else(Vec::new, |t| t.notify.iter().map(|c| c.as_str().to_string()).collect());
    if !d.notified.is_empty() {
        d.notice_to = name(service.applicant);
    }
    d
}

/// A decision left open: insufficient data, or a regulation gap when the regulations lack
/// what was needed; `what` says what could not be known.
fn undecided_because(
    d: &mut Decision,
    model: &Model,
    profile: &Profile,
    service: &Service,
    request: &Request,
    unknown: Unknowns,
    what: &str,
) {
    if unknown.gaps.is_empty() {
        d.outcome = Outcome::InsufficientData;
        d.reason = Some(format!("{what} needs facts the profile lacks"));
    } else {
        let lacks: Vec<String> = unknown.gaps.iter().map(|g| g.describe(model, request.date)).collect();
        d.outcome = Outcome::RegulationGap;
        d.reason = Some(format!("{what} needs what the regulation does not give: {}", lacks.join("; ")));
        d.regulation_gaps = unknown.gaps.iter().map(|g| g.name(model)).collect();
    }
    d.missing = unknown
        .facts
        .iter()
        .map(|m| match *m {
            Missing::Fact { group, index, fact } => fact_missing(model, profile, group, index, fact),
            Missing::Input(i) => match service.inputs[i].source {
                // A fact of a bound entity is named by the entity's id.
                Source::Applicant { role, fact } | Source::Fact { role, fact } => {
                    match request.binding.get(role).and_then(|v| v.as_ref()).and_then(|v| profile.name_of(v))
                    {
                        Some(id) => format!("{id}.{}", model.fact(fact).name.text),
                        None => model.source_name(service, i),
                    }
                }
                _ => model.source_name(service, i),
            },
            Missing::EventField(_) => String::new(),
        })
        .filter(|m| !m.is_empty())
        .collect();
    d.missing.sort();
    d.missing.dedup();
}

/// Whether a service applies to a request: its `applies when`, if any (`None`: unknown).
fn applicable(model: &Model, profile: &Profile, state: &States, request: &Request) -> Option<bool> {
    let service = &model.services[request.service];
    let Some(applies) = &service.applies else { return Some(true) };
    let inputs = inputs_for(model, profile, state, request);
    let mut frame = Frame::new(model, Some(service), &inputs, &[], request.date);
    frame.world = Some(World { profile, binding: &request.binding });
    frame.eval(applies).and_then(|v| v.as_bool())
}

fn output_value(frame: &mut Frame, s: &Service, i: usize) -> Option<Value> {
    match (&s.outputs[i].value, &s.outputs[i].ty) {
        (Some(_), _) => frame.output(i),
        (None, Type::Document) => Some(Value::Document),
        (None, _) => None,
    }
}
