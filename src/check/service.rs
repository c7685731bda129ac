//! Checks of a service: its agency, sources, outputs, derived facts, criteria, refusal
//! grounds, deadline, fee and procedures.

use super::Checker;
use super::errors;
use super::expr::Env;
use super::symbols::{self, DeclKind};
use super::types::Type;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::*;
use crate::vocabulary::{ProcedureKind, Recurrence, ServiceKind};
use std::collections::{HashMap, HashSet};

/// A name declared inside a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Local {
    Input(usize),
    Output(usize),
    Derived(usize),
    Criterion(usize),
}

/// The names of one service and their types; derived facts and criteria are typed on
/// first use, which also finds cycles between them.
pub struct ServiceEnv<'a> {
    service: &'a Service,
    names: HashMap<&'a str, Local>,
    /// `None` while a fact is being typed.
    types: HashMap<Local, Option<Type>>,
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

impl<'a> Checker<'a> {
    pub(super) fn service(&mut self, s: &'a Service) {
        if let Some(agency) = &s.agency {
            self.expect(agency, &[DeclKind::Agency]);
        }
        if let Some(kind) = &s.kind {
            self.word(kind, "service kind", ServiceKind::from_word, ServiceKind::all_words());
        }
        if let Some(recurs) = &s.recurs {
            self.word(recurs, "recurrence", Recurrence::from_word, Recurrence::all_words());
        }
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

        let mut env = Env::service(self.service_env(s));
        for (i, input) in s.inputs.iter().enumerate() {
            let declared = self.local_type(Local::Input(i), &input.name, &mut env);
            self.input_source(input, &declared);
        }
        for (i, output) in s.outputs.iter().enumerate() {
            let declared = self.local_type(Local::Output(i), &output.name, &mut env);
            if let Some(value) = &output.value {
                let found = self.type_of(value, &mut env);
                if !found.fits(&declared) {
                    self.report(errors::expected_type(
                        value.span,
                        &format!("output `{}`", output.name.name),
                        &declared,
                        &found,
                    ));
                }
            }
            if let Some(path) = &output.writes {
                self.writes(output, path, &declared);
            }
        }
        for (i, d) in s.derived.iter().enumerate() {
            self.local_type(Local::Derived(i), &d.name, &mut env);
        }
        for (i, c) in s.criteria.iter().enumerate() {
            self.local_type(Local::Criterion(i), &c.name, &mut env);
        }
        for r in &s.refusals {
            let t = self.type_of(&r.condition, &mut env);
            if !t.fits(&Type::Bool) {
                self.report(errors::not_boolean(
                    r.condition.span,
                    &format!("refusal ground `{}`", r.name.name),
                    &t,
                ));
            }
        }
        if let Some(fee) = &s.fee {
            let t = self.type_of(fee, &mut env);
            if !t.fits(&Type::Money) {
                self.report(errors::expected_type(fee.span, "a fee", &Type::Money, &t));
            }
        }
        if let Some(d) = &s.deadline {
            self.deadline(d);
        }
        for alternative in &s.alternatives {
            self.expect(alternative, &[DeclKind::Service]);
        }
        for event in &s.emits {
            self.expect(event, &[DeclKind::Event]);
        }
        for p in &s.procedures {
            self.procedure(p, s, &mut env);
        }
        self.procedures_fit(s);

        // Derived facts are for criteria and outputs: one no one reads is a leftover.
        let service_env = env.service.take().expect("service env");
        for (i, d) in s.derived.iter().enumerate() {
            if !service_env.used.contains(&Local::Derived(i)) {
                self.report(errors::unused(&d.name, "derived fact"));
            }
        }
    }

    fn service_env(&mut self, s: &'a Service) -> ServiceEnv<'a> {
        let mut names: HashMap<&'a str, Local> = HashMap::new();
        let mut first: HashMap<&'a str, &'a Ident> = HashMap::new();
        let locals = s
            .inputs
            .iter()
            .enumerate()
            .map(|(i, x)| (&x.name, Local::Input(i)))
            .chain(s.outputs.iter().enumerate().map(|(i, x)| (&x.name, Local::Output(i))))
            .chain(s.derived.iter().enumerate().map(|(i, x)| (&x.name, Local::Derived(i))))
            .chain(s.criteria.iter().enumerate().map(|(i, x)| (&x.name, Local::Criterion(i))));
        for (ident, local) in locals.chain(s.refusals.iter().map(|r| (&r.name, Local::Criterion(usize::MAX))))
        {
            if let Some(previous) = first.get(ident.name.as_str()) {
                self.report(errors::duplicate_local(ident, "service", previous));
                continue;
            }
            first.insert(&ident.name, ident);
            if local != Local::Criterion(usize::MAX) {
                names.insert(&ident.name, local);
            }
        }
        ServiceEnv { service: s, names, types: HashMap::new(), used: HashSet::new() }
    }

    /// The type of a service-local name, typing it now if needed.
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
        let service = s.service;
        let bound = env.take_bound();
        let t = match local {
            Local::Input(i) => self.resolve_type(&service.inputs[i].ty),
            Local::Output(i) => self.resolve_type(&service.outputs[i].ty),
            Local::Derived(i) => {
                let d = &service.derived[i];
                let found = self.type_of(&d.value, env);
                match &d.ty {
                    Some(ty) => {
                        let declared = self.resolve_type(ty);
                        if !found.fits(&declared) {
                            self.report(errors::expected_type(
                                d.value.span,
                                &format!("derived fact `{}`", d.name.name),
                                &declared,
                                &found,
                            ));
                        }
                        declared
                    }
                    None => found,
                }
            }
            Local::Criterion(i) => {
                let c = &service.criteria[i];
                let found = self.type_of(&c.condition, env);
                if !found.fits(&Type::Bool) {
                    self.report(errors::not_boolean(
                        c.condition.span,
                        &format!("criterion `{}`", c.name.name),
                        &found,
                    ));
                }
                Type::Bool
            }
        };
        env.restore_bound(bound);
        env.service.as_mut().expect("inside a service").types.insert(local, Some(t.clone()));
        t
    }

    /// Resolves a service-local name used in an expression.
    pub(super) fn service_name(&mut self, ident: &'a Ident, env: &mut Env<'a>) -> Option<Type> {
        let s = env.service.as_mut()?;
        let local = *s.names.get(ident.name.as_str())?;
        s.used.insert(local);
        Some(self.local_type(local, ident, env))
    }

    /// The type of `decl.field` for a registry or event field, or a service output.
    fn field_type(&mut self, symbol: symbols::Symbol<'a>, owner: &Ident, field: &Ident) -> Option<Type> {
        let fields: Vec<(&'a Ident, &'a TypeExpr)> = match symbol.decl {
            Decl::Registry(r) => r.fields.iter().map(|f| (&f.name, &f.ty)).collect(),
            Decl::Event(e) => e.fields.iter().map(|f| (&f.name, &f.ty)).collect(),
            Decl::Service(s) => s.outputs.iter().map(|o| (&o.name, &o.ty)).collect(),
            _ => return None,
        };
        match fields.iter().find(|(n, _)| n.name == field.name) {
            Some((_, ty)) => Some(self.resolve_type(ty)),
            None => {
                let names: Vec<&str> = fields.iter().map(|(n, _)| n.name.as_str()).collect();
                let suggestion = symbols::suggest(&field.name, names.iter().copied());
                self.report(errors::unknown_field(field, &owner.name, names, suggestion));
                None
            }
        }
    }

    fn input_source(&mut self, input: &'a Input, declared: &Type) {
        let Source::Path(path) = &input.source else { return };
        let [owner, field] = path.parts.as_slice() else {
            let d = Diagnostic::new(
                Code::UnknownField,
                format!("the source of input `{}` must name one field", input.name.name),
                path.span,
                "expected `name.field`",
            )
            .with_help(
                "write `from registry.field`, `from event.field`, `from service.output` or `from applicant`",
            );
            self.report(d);
            return;
        };
        let kinds = [DeclKind::Registry, DeclKind::Event, DeclKind::Service];
        let Some(symbol) = self.expect(owner, &kinds) else { return };
        if let Some(found) = self.field_type(symbol, owner, field) {
            if !found.fits(declared) {
                let source = format!("{}.{}", owner.name, field.name);
                self.report(errors::source_mismatch(path.span, &input.name, declared, &source, &found));
            }
        }
    }

    fn writes(&mut self, output: &Output, path: &'a Path, declared: &Type) {
        let [owner, field] = path.parts.as_slice() else {
            let d = Diagnostic::new(
                Code::UnknownField,
                format!("output `{}` must write one registry field", output.name.name),
                path.span,
                "expected `registry.field`",
            )
            .with_help("write `writes registry.field`");
            self.report(d);
            return;
        };
        let Some(symbol) = self.expect(owner, &[DeclKind::Registry]) else { return };
        if let Some(found) = self.field_type(symbol, owner, field) {
            if !declared.fits(&found) {
                let msg = format!(
                    "output `{}` is `{declared}`, but registry field `{}.{}` is `{found}`",
                    output.name.name, owner.name, field.name
                );
                self.report(errors::mismatch(
                    path.span,
                    msg,
                    format!("this field is `{found}`"),
                    "an output writes a field of its own type",
                ));
            }
        }
    }

    fn deadline(&mut self, d: &Duration) {
        if d.days < 0 {
            let msg = format!("a deadline cannot be negative ({} days)", d.days);
            let diag = Diagnostic::new(Code::NegativeDeadline, msg, d.span, "negative deadline")
                .with_help("give the number of days the agency has; `0 days` means the result is instant");
            self.report(diag);
        }
    }

    fn procedure(&mut self, p: &'a Procedure, s: &'a Service, env: &mut Env<'a>) {
        if let Some(kind) = &p.kind {
            self.word(kind, "procedure kind", ProcedureKind::from_word, ProcedureKind::all_words());
        }
        let inputs: Vec<&str> = s.inputs.iter().map(|i| i.name.name.as_str()).collect();
        let outputs: Vec<&str> = s.outputs.iter().map(|o| o.name.name.as_str()).collect();
        for (names, list, what) in [(&p.uses, &inputs, "input"), (&p.produces, &outputs, "output")] {
            for ident in names {
                if !list.contains(&ident.name.as_str()) {
                    let suggestion = symbols::suggest(&ident.name, list.iter().copied());
                    self.report(errors::not_in_service(ident, what, &s.name, suggestion));
                } else if let Some(local) =
                    env.service.as_mut().and_then(|e| e.names.get(ident.name.as_str()).copied())
                {
                    env.service.as_mut().expect("service").used.insert(local);
                }
            }
        }
        if let Some(registry) = &p.request {
            self.expect(registry, &[DeclKind::Registry]);
        }
        for (cond, what) in [(&p.start_when, "a start criterion"), (&p.end_when, "an end criterion")] {
            if let Some(cond) = cond {
                let t = self.type_of(cond, env);
                if !t.fits(&Type::Bool) {
                    self.report(errors::not_boolean(cond.span, what, &t));
                }
            }
        }
        if let Some(d) = &p.deadline {
            self.deadline(d);
        }
    }

    /// Procedures run one after another inside the service's deadline.
    fn procedures_fit(&mut self, s: &Service) {
        let Some(limit) = s.deadline else { return };
        let deadlines: Vec<Duration> = s.procedures.iter().filter_map(|p| p.deadline).collect();
        if deadlines.is_empty() || limit.days < 0 {
            return;
        }
        let same_unit = deadlines.iter().all(|d| d.unit == limit.unit);
        let days = |d: &Duration| if same_unit { d.days } else { calendar_days(d) };
        let total: i64 = deadlines.iter().map(days).sum();
        let allowed = days(&limit);
        if total > allowed {
            let unit =
                if same_unit && limit.unit == DayKind::Working { "working days" } else { "calendar days" };
            let mut d = Diagnostic::new(
                Code::ProceduresTooLong,
                format!("the procedures of `{}` take {total} {unit}, more than its deadline of {allowed}", s.name.name),
                limit.span,
                format!("the deadline allows {allowed} {unit}"),
            )
            .with_help("shorten the procedures' deadlines or lengthen the service's; procedures run in the order written");
            for p in &s.procedures {
                if let Some(pd) = p.deadline {
                    d = d.with_label(pd.span, format!("`{}`: {} {unit}", p.name.name, days(&pd)));
                }
            }
            self.report(d);
        }
    }
}

/// Working days as calendar days in the worst case of a five-day week: ⌈w × 7 / 5⌉.
pub fn calendar_days(d: &Duration) -> i64 {
    match d.unit {
        DayKind::Calendar => d.days,
        DayKind::Working => (d.days * 7 + 4) / 5,
    }
}
