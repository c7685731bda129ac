//! Checks of a service: its agency, sources, outputs, derived facts, criteria, refusal
//! grounds, deadline, fee and procedures; lowered into the model's service.

use super::Checker;
use super::declare::{name, text};
use super::errors;
use super::expr::Env;
use super::symbols::{self, DeclKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, Expr, ExprKind, Id, Local, ServiceId, Type};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::vocabulary::{ProcedureKind, Recurrence, ServiceKind};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// The names of one service and their types; derived facts and criteria are typed (and
/// lowered) on first use, which also finds cycles between them.
pub struct ServiceEnv<'a> {
    service: &'a Service,
    id: ServiceId,
    names: HashMap<&'a str, Local>,
    /// `None` while a fact is being typed.
    types: HashMap<Local, Option<Type>>,
    /// Derived facts and criteria as lowered.
    lowered: HashMap<Local, Expr>,
    used: HashSet<Local>,
}

impl<'a> ServiceEnv<'a> {
    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.names.keys().copied()
    }

    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }
}

/// A duration as the model keeps it.
pub fn duration(d: &Duration) -> model::Duration {
    model::Duration { days: d.days, unit: d.unit, span: d.span }
}

impl<'a> Checker<'a> {
    pub(super) fn service(&mut self, s: &'a Service, id: ServiceId) {
        let agency = s.agency.as_ref().and_then(|a| self.resolve(a, DeclKind::Agency));
        let kind = s
            .kind
            .as_ref()
            .and_then(|k| self.word(k, "service kind", ServiceKind::from_word, ServiceKind::all_words()));
        let recurs = s.recurs.as_ref().and_then(|r| {
            self.word(r, "recurrence", Recurrence::from_word, Recurrence::all_words()).map(|x| (x, r.span))
        });
        if s.legal.is_empty() {
            let d = Diagnostic::new(
                Code::NoLegalBasis,
                format!("service `{}` cites no legal basis", s.name.name),
                s.name.span,
                "no `legal` line",
            )
            .with_help("cite the acts it rests on, e.g. `legal \"210-ФЗ от 27.07.2010, ст. 7.3\"`");
            self.report(d);
        }

        let roles = self.model.services[id].roles.clone();
        let mut env = Env::service(self.service_env(s, id), &roles);
        let mut inputs = Vec::with_capacity(s.inputs.len());
        for (i, input) in s.inputs.iter().enumerate() {
            let declared = self.local_type(Local::Input(i), &input.name, &mut env);
            let (source, source_span) = match &input.source {
                Source::Applicant(span, path) => (
                    self.input_source(input, path, &declared, id, true),
                    Span { end: path.span.end, ..*span },
                ),
                Source::Path(path) => (self.input_source(input, path, &declared, id, false), path.span),
            };
            // A source that failed is reported; the input stays, as an unknown fact.
            let source = source.unwrap_or(model::Source::Service(id, usize::MAX));
            inputs.push(model::Input { name: name(&input.name), ty: declared, source, source_span });
        }
        let mut outputs = Vec::with_capacity(s.outputs.len());
        for (i, output) in s.outputs.iter().enumerate() {
            let declared = self.local_type(Local::Output(i), &output.name, &mut env);
            let value = output.value.as_ref().map(|value| {
                let value = self.expr(value, &mut env);
                if !value.ty.fits(&declared) {
                    let (expected, found) = (self.shown(&declared), self.shown(&value.ty));
                    self.report(errors::expected_type(
                        value.span,
                        &format!("output `{}`", output.name.name),
                        &expected,
                        &found,
                    ));
                }
                value
            });
            let writes = output.writes.as_ref().and_then(|path| self.writes(output, path, &declared, id));
            outputs.push(model::Output { name: name(&output.name), ty: declared, value, writes });
        }
        for (i, d) in s.derived.iter().enumerate() {
            self.local_type(Local::Derived(i), &d.name, &mut env);
        }
        for (i, c) in s.criteria.iter().enumerate() {
            self.local_type(Local::Criterion(i), &c.name, &mut env);
        }
        let applies = s.applies.as_ref().map(|a| {
            let condition = self.expr(a, &mut env);
            if !condition.ty.fits(&Type::Bool) {
                let found = self.shown(&condition.ty);
                self.report(errors::not_boolean(a.span, "`applies when`", &found));
            }
            condition
        });
        let mut refusals = Vec::with_capacity(s.refusals.len());
        for r in &s.refusals {
            let condition = self.expr(&r.condition, &mut env);
            if !condition.ty.fits(&Type::Bool) {
                let found = self.shown(&condition.ty);
                self.report(errors::not_boolean(
                    r.condition.span,
                    &format!("refusal ground `{}`", r.name.name),
                    &found,
                ));
            }
            refusals.push(model::Rule { name: name(&r.name), title: text(&r.title), condition });
        }
        let fee = s.fee.as_ref().map(|fee| {
            let fee = self.expr(fee, &mut env);
            if !fee.ty.fits(&Type::Money) {
                let found = self.shown(&fee.ty);
                self.report(errors::expected_type(fee.span, "a fee", "money", &found));
            }
            fee
        });
        if let Some(d) = &s.deadline {
            self.deadline(d);
        }
        let alternatives = s.alternatives.iter().filter_map(|a| self.resolve(a, DeclKind::Service)).collect();
        let emits =
            s.emits.iter().filter_map(|e| Some((self.resolve(e, DeclKind::Event)?, e.span))).collect();
        let procedures = s.procedures.iter().map(|p| self.procedure(p, s, &mut env)).collect();
        self.procedures_fit(s);

        // Derived facts are for criteria and outputs: one no one reads is a leftover.
        let mut service_env = env.service.take().expect("service env");
        for (i, d) in s.derived.iter().enumerate() {
            if !service_env.used.contains(&Local::Derived(i)) {
                self.report(errors::unused(&d.name, "derived fact"));
            }
        }
        let mut lowered = |local: Local, span| {
            service_env
                .lowered
                .remove(&local)
                .unwrap_or_else(|| Expr::new(ExprKind::Error, Type::Error, span))
        };
        let derived = s
            .derived
            .iter()
            .enumerate()
            .map(|(i, d)| model::Derived {
                name: name(&d.name),
                value: lowered(Local::Derived(i), d.value.span),
            })
            .collect();
        let criteria = s
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| model::Rule {
                name: name(&c.name),
                title: text(&c.title),
                condition: lowered(Local::Criterion(i), c.condition.span),
            })
            .collect();
        let service = &mut self.model.services[id];
        service.agency = agency;
        service.legal = s.legal.iter().map(|l| l.value.clone()).collect();
        service.kind = kind;
        service.recurs = recurs;
        service.inputs = inputs;
        service.outputs = outputs;
        service.derived = derived;
        service.applies = applies;
        service.criteria = criteria;
        service.refusals = refusals;
        service.deadline = s.deadline.as_ref().map(duration);
        service.fee = fee;
        service.procedures = procedures;
        service.alternatives = alternatives;
        service.emits = emits;
        self.evaluation_depth(id);
    }

    fn service_env(&mut self, s: &'a Service, id: ServiceId) -> ServiceEnv<'a> {
        let mut names: HashMap<&'a str, Local> = HashMap::new();
        let mut first: HashMap<&'a str, &'a Ident> = HashMap::new();
        // Roles are the service's names too: an input cannot be called like one.
        for (role, _) in &s.roles {
            first.entry(role.name.as_str()).or_insert(role);
        }
        let locals = s
            .inputs
            .iter()
            .enumerate()
            .map(|(i, x)| (&x.name, Some(Local::Input(i))))
            .chain(s.outputs.iter().enumerate().map(|(i, x)| (&x.name, Some(Local::Output(i)))))
            .chain(s.derived.iter().enumerate().map(|(i, x)| (&x.name, Some(Local::Derived(i)))))
            .chain(s.criteria.iter().enumerate().map(|(i, x)| (&x.name, Some(Local::Criterion(i)))))
            // Refusal grounds are not values, but their names are the service's too.
            .chain(s.refusals.iter().map(|r| (&r.name, None)));
        for (ident, local) in locals {
            if let Some(previous) = first.get(ident.name.as_str()) {
                self.report(errors::duplicate_local(ident, "service", previous));
                continue;
            }
            first.insert(&ident.name, ident);
            if let Some(local) = local {
                names.insert(&ident.name, local);
            }
        }
        ServiceEnv {
            service: s,
            id,
            names,
            types: HashMap::new(),
            lowered: HashMap::new(),
            used: HashSet::new(),
        }
    }

    /// The type of a service-local name, typing (and lowering) it now if needed.
    pub(super) fn local_type(&mut self, local: Local, ident: &'a Ident, env: &mut Env<'a>) -> Type {
        let s = env.service.as_mut().expect("inside a service");
        match s.types.get(&local) {
            Some(Some(t)) => return t.clone(),
            Some(None) => {
                self.report(errors::cyclic(ident));
                return Type::Error;
            }
            None => {}
        }
        s.types.insert(local, None);
        let (service, id) = (s.service, s.id);
        let bound = env.take_bound();
        let (t, lowered) = match local {
            Local::Input(i) => {
                let input = &service.inputs[i];
                let ty = match &input.ty {
                    Some(ty) => self.resolve_type(ty),
                    None => self.source_type(&input.source, id),
                };
                (ty, None)
            }
            Local::Output(i) => (self.model.services[id].outputs[i].ty.clone(), None),
            Local::Derived(i) => {
                let d = &service.derived[i];
                let value = self.expr(&d.value, env);
                let ty = match &d.ty {
                    Some(ty) => {
                        let declared = self.resolve_type(ty);
                        if !value.ty.fits(&declared) {
                            let (expected, found) = (self.shown(&declared), self.shown(&value.ty));
                            self.report(errors::expected_type(
                                d.value.span,
                                &format!("derived fact `{}`", d.name.name),
                                &expected,
                                &found,
                            ));
                        }
                        declared
                    }
                    None => value.ty.clone(),
                };
                (ty, Some(value))
            }
            Local::Criterion(i) => {
                let c = &service.criteria[i];
                let condition = self.expr(&c.condition, env);
                if !condition.ty.fits(&Type::Bool) {
                    let found = self.shown(&condition.ty);
                    self.report(errors::not_boolean(
                        c.condition.span,
                        &format!("criterion `{}`", c.name.name),
                        &found,
                    ));
                }
                (Type::Bool, Some(condition))
            }
        };
        env.restore_bound(bound);
        let s = env.service.as_mut().expect("inside a service");
        s.types.insert(local, Some(t.clone()));
        if let Some(lowered) = lowered {
            s.lowered.insert(local, lowered);
        }
        t
    }

    /// Resolves a service-local name used in an expression.
    pub(super) fn service_name(&mut self, ident: &'a Ident, env: &mut Env<'a>) -> Option<(Local, Type)> {
        let s = env.service.as_mut()?;
        let local = *s.names.get(ident.name.as_str())?;
        s.used.insert(local);
        Some((local, self.local_type(local, ident, env)))
    }

    /// `owner.field` of an event or a service's outputs: the field's place and type.
    fn field(&mut self, symbol: symbols::Symbol<'a>, owner: &Ident, field: &Ident) -> Option<(usize, Type)> {
        let fields: Vec<(&str, &Type)> = match symbol.kind {
            DeclKind::Event => {
                self.model.events[Id::new(symbol.id)].fields.iter().map(|f| (&*f.name.text, &f.ty)).collect()
            }
            DeclKind::Service => self.model.services[Id::new(symbol.id)]
                .outputs
                .iter()
                .map(|o| (&*o.name.text, &o.ty))
                .collect(),
            _ => return None,
        };
        match fields.iter().position(|(n, _)| *n == field.name) {
            Some(i) => Some((i, fields[i].1.clone())),
            None => {
                let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
                let suggestion = symbols::suggest(&field.name, names.iter().copied());
                let d = errors::unknown_field(field, &owner.name, names, suggestion);
                self.report(d);
                None
            }
        }
    }

    /// The type of an input declared without one: its source's, quietly unknown when the
    /// source does not resolve (that is reported where the source is checked).
    fn source_type(&self, source: &Source, id: ServiceId) -> Type {
        let path = match source {
            Source::Applicant(_, p) | Source::Path(p) => p,
        };
        let [owner, field] = path.parts.as_slice() else { return Type::Error };
        let service = &self.model.services[id];
        if let Some(r) = model::find_role(&service.roles, &owner.name) {
            let Some(entity) = self.model.entities.get(service.roles[r].entity) else { return Type::Error };
            return entity.fact(&field.name).map_or(Type::Error, |f| entity.facts[f].ty.clone());
        }
        match self.symbols.get(&owner.name) {
            Some(s) if s.kind == DeclKind::Event => {
                let e = &self.model.events[Id::new(s.id)];
                e.fields.iter().find(|f| f.name.text == field.name).map_or(Type::Error, |f| f.ty.clone())
            }
            Some(s) if s.kind == DeclKind::Service => {
                let k = &self.model.services[Id::new(s.id)];
                k.outputs.iter().find(|o| o.name.text == field.name).map_or(Type::Error, |o| o.ty.clone())
            }
            _ => Type::Error,
        }
    }

    /// `role.fact` of a service: the role's place and the fact.
    fn role_fact(&mut self, id: ServiceId, role: &Ident, fact: &Ident) -> Option<(usize, model::FactRef)> {
        let service = &self.model.services[id];
        let r = model::find_role(&service.roles, &role.name)?;
        let entity = service.roles[r].entity;
        self.model.entities.get(entity)?;
        let f = match self.model.entities[entity].fact(&fact.name) {
            Some(f) => f,
            None => {
                self.wrong_entity_or_unknown(entity, fact, Some(&role.name));
                return None;
            }
        };
        Some((r, model::FactRef { entity, fact: f }))
    }

    fn input_source(
        &mut self,
        input: &'a Input,
        path: &'a Path,
        declared: &Type,
        id: ServiceId,
        applicant: bool,
    ) -> Option<model::Source> {
        let [owner, field] = path.parts.as_slice() else {
            let (expected, help) = if applicant {
                (
                    "expected `role.fact`",
                    "name the fact the applicant states: `from applicant declarant.bank_account`",
                )
            } else {
                (
                    "expected `name.field`",
                    "write `from role.fact`, `from event.field`, `from service.output` or `from applicant role.fact`",
                )
            };
            let d = Diagnostic::new(
                Code::UnknownField,
                format!("the source of input `{}` must name one field", input.name.name),
                path.span,
                expected,
            )
            .with_help(help);
            self.report(d);
            return None;
        };
        let is_role = model::find_role(&self.model.services[id].roles, &owner.name).is_some();
        let (source, found) = if is_role {
            let (role, fact) = self.role_fact(id, owner, field)?;
            let ty = self.model.fact(fact).ty.clone();
            let source = if applicant {
                model::Source::Applicant { role, fact }
            } else {
                model::Source::Fact { role, fact }
            };
            (source, ty)
        } else if applicant {
            let roles: Vec<&str> = self.model.services[id].roles.iter().map(|r| r.name.as_str()).collect();
            let suggestion = symbols::suggest(&owner.name, roles.iter().copied());
            let how = format!("declare it: `role {}: person`", owner.name);
            self.report(errors::undefined(owner, "role", suggestion, how));
            return None;
        } else {
            let symbol = self.expect(owner, &[DeclKind::Event, DeclKind::Service])?;
            let (i, found) = self.field(symbol, owner, field)?;
            let source = match symbol.kind {
                DeclKind::Event => model::Source::Event(Id::new(symbol.id), i),
                _ => model::Source::Service(Id::new(symbol.id), i),
            };
            (source, found)
        };
        if !found.fits(declared) {
            let source = format!("{}.{}", owner.name, field.name);
            let (declared, found) = (self.shown(declared), self.shown(&found));
            self.report(errors::source_mismatch(path.span, &input.name, &declared, &source, &found));
        }
        Some(source)
    }

    fn writes(
        &mut self,
        output: &Output,
        path: &'a Path,
        declared: &Type,
        id: ServiceId,
    ) -> Option<(usize, model::FactRef, Span)> {
        let [owner, field] = path.parts.as_slice() else {
            let d = Diagnostic::new(
                Code::UnknownField,
                format!("output `{}` must write one fact of a role", output.name.name),
                path.span,
                "expected `role.fact`",
            )
            .with_help("write `writes role.fact`, e.g. `writes child.birth_record`");
            self.report(d);
            return None;
        };
        if model::find_role(&self.model.services[id].roles, &owner.name).is_none() {
            let roles: Vec<&str> = self.model.services[id].roles.iter().map(|r| r.name.as_str()).collect();
            let suggestion = symbols::suggest(&owner.name, roles.iter().copied());
            let how = format!(
                "an output records a fact of one of the service's roles; declare it: `role {}: person`",
                owner.name
            );
            self.report(errors::undefined(owner, "role", suggestion, how));
            return None;
        }
        let (role, fact) = self.role_fact(id, owner, field)?;
        let found = self.model.fact(fact).ty.clone();
        if !declared.fits(&found) {
            let (declared, found) = (self.shown(declared), self.shown(&found));
            let msg = format!(
                "output `{}` is `{declared}`, but fact `{}.{}` is `{found}`",
                output.name.name, owner.name, field.name
            );
            self.report(errors::mismatch(
                path.span,
                msg,
                format!("this fact is `{found}`"),
                "an output writes a fact of its own type",
            ));
        }
        Some((role, fact, path.span))
    }

    fn deadline(&mut self, d: &Duration) {
        if d.days < 0 {
            let msg = format!("a deadline cannot be negative ({} days)", d.days);
            let diag = Diagnostic::new(Code::NegativeDeadline, msg, d.span, "negative deadline")
                .with_help("give the number of days the agency has; `0 days` means the result is instant");
            self.report(diag);
        }
    }

    fn procedure(&mut self, p: &'a Procedure, s: &'a Service, env: &mut Env<'a>) -> model::Procedure {
        let kind = p.kind.as_ref().and_then(|k| {
            self.word(k, "procedure kind", ProcedureKind::from_word, ProcedureKind::all_words())
        });
        let inputs: Vec<&str> = s.inputs.iter().map(|i| i.name.name.as_str()).collect();
        let outputs: Vec<&str> = s.outputs.iter().map(|o| o.name.name.as_str()).collect();
        let mut places = [Vec::new(), Vec::new()];
        for (k, (names, list, what)) in
            [(&p.uses, &inputs, "input"), (&p.produces, &outputs, "output")].into_iter().enumerate()
        {
            for ident in names {
                match list.iter().position(|n| *n == ident.name) {
                    None => {
                        let suggestion = symbols::suggest(&ident.name, list.iter().copied());
                        self.report(errors::not_in_service(ident, what, &s.name, suggestion));
                    }
                    Some(i) => {
                        places[k].push(i);
                        if let Some(local) =
                            env.service.as_mut().and_then(|e| e.names.get(ident.name.as_str()).copied())
                        {
                            env.service.as_mut().expect("service").used.insert(local);
                        }
                    }
                }
            }
        }
        let request = p.request.as_ref().and_then(|r| self.resolve(r, DeclKind::Registry));
        let mut condition = |c: &mut Self, cond: &'a Option<crate::syntax::ast::Expr>, what: &str| {
            let cond = c.expr(cond.as_ref()?, env);
            if !cond.ty.fits(&Type::Bool) {
                let found = c.shown(&cond.ty);
                c.report(errors::not_boolean(cond.span, what, &found));
            }
            Some(cond)
        };
        let start_when = condition(self, &p.start_when, "a start criterion");
        let end_when = condition(self, &p.end_when, "an end criterion");
        if let Some(d) = &p.deadline {
            self.deadline(d);
        }
        let [uses, produces] = places;
        model::Procedure {
            name: name(&p.name),
            title: text(&p.title),
            kind,
            uses,
            produces,
            request,
            start_when,
            end_when,
            deadline: p.deadline.as_ref().map(duration),
        }
    }

    /// Procedures run one after another inside the service's deadline.
    fn procedures_fit(&mut self, s: &Service) {
        let Some(limit) = s.deadline.as_ref().map(duration) else { return };
        let deadlines: Vec<model::Duration> =
            s.procedures.iter().filter_map(|p| p.deadline.as_ref()).map(duration).collect();
        if deadlines.is_empty() || limit.days < 0 {
            return;
        }
        let same_unit = deadlines.iter().all(|d| d.unit == limit.unit);
        let days = |d: &model::Duration| if same_unit { d.days } else { d.calendar_days() };
        let total: i64 = deadlines.iter().map(days).sum();
        let allowed = days(&limit);
        if total > allowed {
            let unit =
                if same_unit && limit.unit == Unit::WorkingDays { "working days" } else { "calendar days" };
            let mut d = Diagnostic::new(
                Code::ProceduresTooLong,
                format!("the procedures of `{}` take {total} {unit}, more than its deadline of {allowed}", s.name.name),
                limit.span,
                format!("the deadline allows {allowed} {unit}"),
            )
            .with_help("shorten the procedures' deadlines or lengthen the service's; procedures run in the order written");
            for p in &s.procedures {
                if let Some(pd) = p.deadline.as_ref().map(duration) {
                    d = d.with_label(pd.span, format!("`{}`: {} {unit}", p.name.name, days(&pd)));
                }
            }
            self.report(d);
        }
    }
}
