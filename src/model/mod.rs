//! The checked model: what the checker makes of a regulation set and what every later
//! stage reads. Declarations live in arenas addressed by typed ids; every reference is
//! resolved to an id, every expression typed; spans are kept for diagnostics and
//! explanations. Nothing after the checker looks a name up again.

mod arena;
mod calendar;
mod entity;
mod expr;
mod types;
mod value;

pub use arena::{
    AgencyId, Arena, EntityId, EnumId, EventId, Id, ParamId, RecordId, RegistryId, ServiceId, SituationId,
    TriggerId,
};
pub use calendar::{Calendar, CalendarYear, is_weekend};
pub use entity::{Entity, Fact, FactRef, GroupRole, Role, RoleMode, find_role};
pub use expr::{Expr, ExprKind, Local};
pub use types::Type;
pub use value::{Series, Value};

use crate::date::Date;
use crate::source::Span;
use crate::vocabulary::{Channel, Consent, EventKind, Level, ProcedureKind, Recurrence, ServiceKind, Unit};

/// A declared name and where it is declared.
#[derive(Clone, Debug)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl Name {
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

#[derive(Clone, Debug)]
pub struct Agency {
    pub name: Name,
    pub title: Option<String>,
    pub level: Option<Level>,
    pub territory: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: Name,
    pub ty: Type,
}

#[derive(Clone, Debug)]
pub struct Registry {
    pub name: Name,
    pub title: Option<String>,
    pub owner: Option<AgencyId>,
    /// The facts it holds, each with where that is said.
    pub provides: Vec<(FactRef, Span)>,
}

#[derive(Clone, Debug)]
pub struct Record {
    pub name: Name,
    pub title: Option<String>,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: Name,
    pub title: Option<String>,
    pub variants: Vec<Name>,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Name,
    pub title: Option<String>,
    pub ty: Type,
    /// The enumeration whose variants key the values, if any.
    pub key: Option<EnumId>,
    /// Sorted by start; an open period ends the day before the next one starts.
    pub periods: Vec<Period>,
}

#[derive(Clone, Debug)]
pub struct Period {
    pub from: Date,
    /// Inclusive.
    pub to: Option<Date>,
    /// One value, or one per variant of the key in variant order.
    pub values: Vec<Value>,
}

impl Param {
    /// The value in force on a date for a key (0 when the parameter has none), if any
    /// period covers it.
    pub fn at(&self, date: Date, key: usize) -> Option<&Value> {
        let i = self.periods.partition_point(|p| p.from <= date).checked_sub(1)?;
        let p = &self.periods[i];
        p.to.is_none_or(|to| date <= to).then(|| p.values.get(key)).flatten()
    }
}

#[derive(Clone, Debug)]
pub struct Event {
    pub name: Name,
    pub title: Option<String>,
    pub kind: Option<EventKind>,
    pub registry: Option<RegistryId>,
    pub roles: Vec<Role>,
    /// For each role, the list it is drawn from when the event does not name its persons.
    pub drawn: Vec<Option<Expr>>,
    pub fields: Vec<Field>,
    /// For a scheduled event, the date it happens for the entity its one role binds.
    pub at: Option<Expr>,
}

impl Event {
    pub fn is_death(&self) -> bool {
        self.kind == Some(EventKind::Death)
    }
}

/// Where an input comes from: a fact of the entity a role of the service binds, stated
/// by the applicant or held by the state; a field of the event that started the service;
/// an output of another service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Applicant { role: usize, fact: FactRef },
    Fact { role: usize, fact: FactRef },
    Event(EventId, usize),
    Service(ServiceId, usize),
}

impl Source {
    /// The fact an input reads, whoever provides it.
    pub fn fact(self) -> Option<FactRef> {
        match self {
            Source::Applicant { fact, .. } | Source::Fact { fact, .. } => Some(fact),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Input {
    pub name: Name,
    pub ty: Type,
    pub source: Source,
    /// The `from …` part.
    pub source_span: Span,
}

#[derive(Clone, Debug)]
pub struct Output {
    pub name: Name,
    pub ty: Type,
    pub value: Option<Expr>,
    /// The fact it records, of the entity a role binds, and where that is said.
    pub writes: Option<(usize, FactRef, Span)>,
}

#[derive(Clone, Debug)]
pub struct Derived {
    pub name: Name,
    pub value: Expr,
}

/// A criterion (holds for a grant) or a refusal ground (holds for a refusal).
#[derive(Clone, Debug)]
pub struct Rule {
    pub name: Name,
    pub title: Option<String>,
    pub condition: Expr,
}

/// A deadline: a number of calendar or working days (the grammar allows no other unit).
#[derive(Clone, Copy, Debug)]
pub struct Duration {
    pub days: i64,
    pub unit: Unit,
    pub span: Span,
}

impl Duration {
    /// Working days as calendar days in the worst case of a five-day week: ⌈w × 7 / 5⌉.
    pub fn calendar_days(&self) -> i64 {
        match self.unit {
            Unit::Days => self.days,
            Unit::WorkingDays => (self.days * 7 + 4) / 5,
            Unit::Months => self.days * 31,
            Unit::Years => self.days * 366,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Procedure {
    pub name: Name,
    pub title: Option<String>,
    pub kind: Option<ProcedureKind>,
    /// Inputs and outputs of the service, by place.
    pub uses: Vec<usize>,
    pub produces: Vec<usize>,
    pub request: Option<RegistryId>,
    pub start_when: Option<Expr>,
    pub end_when: Option<Expr>,
    pub deadline: Option<Duration>,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub name: Name,
    pub title: Option<String>,
    pub agency: Option<AgencyId>,
    pub legal: Vec<String>,
    pub kind: Option<ServiceKind>,
    /// How often a periodic payment repeats, and where that is said.
    pub recurs: Option<(Recurrence, Span)>,
    /// The roles it is decided over; a decision is made per subject, the applicant
    /// consents and is notified, the recipient receives the result.
    pub roles: Vec<Role>,
    pub subject: Option<usize>,
    pub applicant: Option<usize>,
    pub recipient: Option<usize>,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    pub derived: Vec<Derived>,
    /// Whether the service applies at all (`applies when`), decided before consent; one
    /// that does not apply is neither refused nor suppressed.
    pub applies: Option<Expr>,
    pub criteria: Vec<Rule>,
    pub refusals: Vec<Rule>,
    pub deadline: Option<Duration>,
    pub fee: Option<Expr>,
    pub procedures: Vec<Procedure>,
    /// Services this one is an alternative route to: they may write the same records.
    pub alternatives: Vec<ServiceId>,
    /// Events whose record this service makes, and where that is said.
    pub emits: Vec<(EventId, Span)>,
}

impl Service {
    /// The title, or the name when it has none.
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.name)
    }

    pub fn is_periodic(&self) -> bool {
        self.recurs.is_some()
    }

    /// The expression a service-local name stands for, if it has one.
    pub fn local(&self, local: Local) -> Option<&Expr> {
        match local {
            Local::Input(_) => None,
            Local::Output(i) => self.outputs.get(i)?.value.as_ref(),
            Local::Derived(i) => Some(&self.derived.get(i)?.value),
            Local::Criterion(i) => Some(&self.criteria.get(i)?.condition),
        }
    }
}

/// A trigger's action: a proactive start, in one of the two forms of 210-ФЗ ст. 7.3, or
/// a stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Start(ServiceId, Form),
    Stop(ServiceId),
}

/// The forms of proactive provision: the result provided (part 2, the citizen asked in
/// advance), or prepared and offered (part 1, applying gets it at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Provide,
    Offer,
}

impl Action {
    pub fn service(self) -> ServiceId {
        match self {
            Action::Start(s, _) | Action::Stop(s) => s,
        }
    }

    /// The service it starts, if it starts one.
    pub fn started(self) -> Option<ServiceId> {
        match self {
            Action::Start(s, _) => Some(s),
            Action::Stop(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Trigger {
    pub name: Name,
    pub title: Option<String>,
    pub on: Option<EventId>,
    /// Evaluated on the event's fields and roles, once per binding.
    pub condition: Option<Expr>,
    pub action: Option<Action>,
    /// For each role of the service acted on, the event role that binds it.
    pub binds: Vec<Option<usize>>,
    pub consent: Option<Consent>,
    pub notify: Vec<Channel>,
}

#[derive(Clone, Debug)]
pub struct Situation {
    pub name: Name,
    pub title: Option<String>,
    pub on: Vec<EventId>,
    pub services: Vec<ServiceId>,
}

/// A checked regulation set.
#[derive(Default, Debug, Clone)]
pub struct Model {
    pub agencies: Arena<AgencyId, Agency>,
    pub entities: Arena<EntityId, Entity>,
    pub registries: Arena<RegistryId, Registry>,
    pub records: Arena<RecordId, Record>,
    pub enums: Arena<EnumId, Enum>,
    pub params: Arena<ParamId, Param>,
    pub events: Arena<EventId, Event>,
    pub services: Arena<ServiceId, Service>,
    pub triggers: Arena<TriggerId, Trigger>,
    pub situations: Arena<SituationId, Situation>,
    /// The production calendar working-day terms count on (one per set).
    pub calendar: Option<Calendar>,
}

impl Model {
    pub fn service(&self, name: &str) -> Option<ServiceId> {
        self.services.find(|s| s.name.text == name)
    }

    pub fn event(&self, name: &str) -> Option<EventId> {
        self.events.find(|e| e.name.text == name)
    }

    pub fn situation(&self, name: &str) -> Option<SituationId> {
        self.situations.find(|s| s.name.text == name)
    }

    /// The persons of the set: the entity that is not a group.
    pub fn person(&self) -> Option<EntityId> {
        self.entities.find(|e| !e.group)
    }

    pub fn fact(&self, f: FactRef) -> &Fact {
        &self.entities[f.entity].facts[f.fact]
    }

    /// `entity.fact`.
    pub fn fact_name(&self, f: FactRef) -> String {
        format!("{}.{}", self.entities[f.entity].name.text, self.fact(f).name.text)
    }

    /// The registries that hold a fact.
    pub fn providers(&self, f: FactRef) -> impl Iterator<Item = RegistryId> + '_ {
        self.registries
            .enumerate()
            .filter(move |(_, r)| r.provides.iter().any(|p| p.0 == f))
            .map(|(id, _)| id)
    }

    /// `role.fact`, `event.field` or `service.output` of an input's source, as written.
    pub fn source_name(&self, service: &Service, input: usize) -> String {
        let input = &service.inputs[input];
        match input.source {
            Source::Applicant { role, fact } | Source::Fact { role, fact } => {
                format!("{}.{}", service.roles[role].name.text, self.fact(fact).name.text)
            }
            Source::Event(e, f) => {
                format!("{}.{}", self.events[e].name.text, self.events[e].fields[f].name.text)
            }
            Source::Service(k, o) => {
                format!("{}.{}", self.services[k].name.text, self.services[k].outputs[o].name.text)
            }
        }
    }

    /// A value as an author writes it (enum variants by name).
    pub fn show(&self, value: &Value) -> String {
        match value {
            // The commonest values without the formatting machinery: explanations show many.
            Value::Bool(b) => (if *b { "true" } else { "false" }).to_string(),
            Value::Int(i) => itoa::Buffer::new().format(*i).to_string(),
            Value::Enum(e, v) => {
                self.enums[*e].variants.get(*v as usize).map(|v| v.text.clone()).unwrap_or_default()
            }
            Value::List(items) => {
                let shown: Vec<String> = items.iter().map(|i| self.show(i)).collect();
                format!("[{}]", shown.join(", "))
            }
            Value::Record(r, fields) => {
                let names = &self.records[*r].fields;
                let shown: Vec<String> = names
                    .iter()
                    .zip(fields.iter())
                    .filter_map(|(f, v)| v.as_ref().map(|v| format!("{}: {}", f.name.text, self.show(v))))
                    .collect();
                format!("{{{}}}", shown.join(", "))
            }
            other => other.to_string(),
        }
    }
}
