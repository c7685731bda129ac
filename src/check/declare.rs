//! The first pass: every declaration gets its place in the model's arenas, with what can
//! be known without reading expressions (names, titles, declared types, closed-list words,
//! references to other declarations). Bodies are checked and lowered by the second pass.

use super::Checker;
use super::errors;
use super::symbols::DeclKind;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, Id, Name, Type};
use crate::syntax::ast::*;
use crate::vocabulary::{EventKind, Level};
use foldhash::{HashMap, HashMapExt};

/// A role's entity type, for a role declared with one.
pub fn role(role: &Ident, entity: model::EntityId, mode: model::RoleMode) -> model::Role {
    model::Role { name: name(role), entity, mode }
}

pub fn name(ident: &Ident) -> Name {
    Name { text: ident.name.clone(), span: ident.span }
}

pub fn text(t: &Option<Text>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

impl<'a> Checker<'a> {
    pub(super) fn declare(&mut self) {
        // Entities first: the roles of events and services read whether they are groups.
        let order = self.symbols.order.clone();
        let (entities, rest): (Vec<_>, Vec<_>) =
            order.into_iter().partition(|s| matches!(s.decl, Decl::Entity(_)));
        let mut person: Option<&Ident> = None;
        for symbol in &entities {
            let Decl::Entity(e) = symbol.decl else { continue };
            if !e.group {
                if let Some(first) = person {
                    let d = Diagnostic::new(
                        Code::PersonEntity,
                        format!("`{}` is a second `person` of the set", e.name.name),
                        e.name.span,
                        "a second person entity",
                    )
                    .with_label(first.span, "the persons of the set are declared here")
                    .with_help("a set has one kind of person; declare its facts there, and groups of persons with `group`");
                    self.report(d);
                }
                person.get_or_insert(&e.name);
            }
            let entity = self.entity(e);
            self.model.entities.push(entity);
        }
        for symbol in rest {
            self.declare_one(symbol);
        }
        // Defaults may name enum variants, declared by now.
        for symbol in entities {
            let Decl::Entity(e) = symbol.decl else { continue };
            for (i, f) in e.facts.iter().enumerate() {
                // A monthly fact's default is what a month the registry is silent on means.
                let ty = match &self.model.entities[model::EntityId::new(symbol.id)].facts[i].ty {
                    Type::Monthly(inner) => (**inner).clone(),
                    other => other.clone(),
                };
                let default = f.default.as_ref().and_then(|d| self.literal(d, &ty, "a default"));
                self.model.entities[model::EntityId::new(symbol.id)].facts[i].default = default;
            }
        }
    }

    fn declare_one(&mut self, symbol: super::symbols::Symbol<'a>) {
        match symbol.decl {
            Decl::Agency(a) => {
                let agency = self.agency(a);
                self.model.agencies.push(agency);
            }
            Decl::Entity(_) => {}
            Decl::Registry(r) => {
                let owner = r.owner.as_ref().and_then(|o| self.resolve(o, DeclKind::Agency));
                // What it provides is resolved by the second pass, when every entity
                // has its facts.
                self.model.registries.push(model::Registry {
                    name: name(&r.name),
                    title: text(&r.title),
                    owner,
                    provides: Vec::new(),
                });
            }
            Decl::Record(r) => {
                let fields = self.fields(&r.fields, "record");
                self.model.records.push(model::Record { name: name(&r.name), title: text(&r.title), fields });
            }
            Decl::Enum(e) => {
                let mut seen: HashMap<&str, &Ident> = HashMap::new();
                for v in &e.variants {
                    if let Some(first) = seen.insert(&v.name.name, &v.name) {
                        self.report(errors::duplicate_local(&v.name, "enum", first));
                    }
                }
                self.model.enums.push(model::Enum {
                    name: name(&e.name),
                    title: text(&e.title),
                    variants: e.variants.iter().map(|v| name(&v.name)).collect(),
                });
            }
            Decl::Parameter(p) => {
                let ty = self.resolve_type(&p.ty);
                let key = p.keyed_by.as_ref().and_then(|k| self.resolve(k, DeclKind::Enum));
                let param =
                    model::Param { name: name(&p.name), title: text(&p.title), ty, key, periods: Vec::new() };
                self.model.params.push(param);
            }
            Decl::Event(e) => {
                let kind = e
                    .kind
                    .as_ref()
                    .and_then(|k| self.word(k, "event kind", EventKind::from_word, EventKind::all_words()));
                let registry = e.registry.as_ref().and_then(|r| self.resolve(r, DeclKind::Registry));
                let fields = self.fields(&e.fields, "event");
                let roles = self.event_roles(e);
                let event = model::Event {
                    name: name(&e.name),
                    title: text(&e.title),
                    kind,
                    registry,
                    drawn: vec![None; roles.len()],
                    roles,
                    fields,
                    at: None,
                };
                self.model.events.push(event);
            }
            Decl::Service(s) => {
                // Outputs are declared here: other services take inputs from them.
                let outputs = s
                    .outputs
                    .iter()
                    .map(|o| model::Output {
                        name: name(&o.name),
                        ty: self.resolve_type(&o.ty),
                        value: None,
                        writes: None,
                    })
                    .collect();
                let roles = self.service_roles(s);
                self.model.services.push(model::Service {
                    name: name(&s.name),
                    title: text(&s.title),
                    agency: None,
                    legal: Vec::new(),
                    kind: None,
                    recurs: None,
                    roles: roles.roles,
                    subject: roles.subject,
                    applicant: roles.applicant,
                    recipient: roles.recipient,
                    inputs: Vec::new(),
                    outputs,
                    derived: Vec::new(),
                    applies: None,
                    criteria: Vec::new(),
                    refusals: Vec::new(),
                    deadline: None,
                    fee: None,
                    procedures: Vec::new(),
                    alternatives: Vec::new(),
                    emits: Vec::new(),
                });
            }
            Decl::Trigger(t) => {
                self.model.triggers.push(model::Trigger {
                    name: name(&t.name),
                    title: text(&t.title),
                    on: None,
                    condition: None,
                    action: None,
                    binds: Vec::new(),
                    consent: None,
                    notify: Vec::new(),
                });
            }
            Decl::Situation(s) => {
                self.model.situations.push(model::Situation {
                    name: name(&s.name),
                    title: text(&s.title),
                    on: Vec::new(),
                    services: Vec::new(),
                });
            }
            Decl::Calendar(c) => self.calendar(c),
        }
    }

    fn agency(&mut self, a: &Agency) -> model::Agency {
        let level =
            a.level.as_ref().and_then(|l| self.word(l, "agency level", Level::from_word, Level::all_words()));
        if matches!(level, Some(Level::Regional | Level::Municipal)) && a.territory.is_none() {
            let d = Diagnostic::new(
                Code::NoTerritory,
                format!(
                    "agency `{}` is {} but has no territory",
                    a.name.name,
                    level.map_or("", |l| l.as_str())
                ),
                a.name.span,
                "its services apply only in its territory",
            )
            .with_help("add e.g. `territory \"Кировская область\"`");
            self.report(d);
        }
        model::Agency { name: name(&a.name), title: text(&a.title), level, territory: text(&a.territory) }
    }

    fn event_roles(&mut self, e: &Event) -> Vec<model::Role> {
        let mut seen: HashMap<&str, &Ident> = HashMap::new();
        let mut roles = Vec::new();
        for r in &e.roles {
            let taken = seen.insert(&r.name.name, &r.name);
            if let Some(first) =
                taken.or_else(|| e.fields.iter().map(|f| &f.name).find(|f| f.name == r.name.name))
            {
                self.report(errors::duplicate_local(&r.name, "event", first));
            }
            let Some(entity) = self.resolve(&r.entity, DeclKind::Entity) else { continue };
            roles.push(role(&r.name, entity, r.mode));
        }
        roles
    }

    fn entity(&mut self, e: &'a Entity) -> model::Entity {
        let mut seen: HashMap<&str, &Ident> = HashMap::new();
        let names = e.roles.iter().map(|r| &r.name).chain(e.facts.iter().map(|f| &f.name));
        for ident in names {
            if let Some(first) = seen.insert(&ident.name, ident) {
                self.report(errors::duplicate_local(ident, if e.group { "group" } else { "person" }, first));
            }
        }
        let roles = e
            .roles
            .iter()
            .map(|r| {
                let (min, max) = r.cardinality.map_or((0, None), |c| (c.min, c.max));
                if let Some(c) = r.cardinality {
                    self.cardinality(&r.name, c);
                }
                model::GroupRole { name: name(&r.name), min, max }
            })
            .collect();
        let facts = e
            .facts
            .iter()
            .map(|f| {
                let ty = self.resolve_type(&f.ty);
                let ty = if f.monthly { Type::Monthly(Box::new(ty)) } else { ty };
                model::Fact { name: name(&f.name), ty, default: None }
            })
            .collect();
        model::Entity { name: name(&e.name), title: text(&e.title), group: e.group, roles, facts }
    }

    /// A role's count of members that no group could meet.
    fn cardinality(&mut self, role: &Ident, c: Cardinality) {
        let why = match c.max {
            Some(0) => Some("a role that holds no one".to_string()),
            Some(max) if max < c.min => Some(format!("at least {} but at most {max}", c.min)),
            _ => None,
        };
        if let Some(why) = why {
            let d = Diagnostic::new(
                Code::Cardinality,
                format!("role `{}` can never be filled as written", role.name),
                c.span,
                why,
            )
            .with_help("write `min..max` with min ≤ max and max ≥ 1 (`0..2`, `1`, `1..`); leave it out for any number");
            self.report(d);
        }
    }

    fn fields(&mut self, fields: &[Field], what: &str) -> Vec<model::Field> {
        let mut seen: HashMap<&str, &Ident> = HashMap::new();
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            if let Some(first) = seen.insert(&f.name.name, &f.name) {
                self.report(errors::duplicate_local(&f.name, what, first));
            }
            out.push(model::Field { name: name(&f.name), ty: self.resolve_type(&f.ty) });
        }
        out
    }
}
