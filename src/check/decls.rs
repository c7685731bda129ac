//! Checks of the declarations other than services.

use super::Checker;
use super::errors;
use super::expr::Env;
use super::symbols::DeclKind;
use super::types::Type;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::*;
use crate::vocabulary::{Channel, Consent, EventKind, Level};
use std::collections::HashMap;

impl<'a> Checker<'a> {
    pub(super) fn decl(&mut self, decl: &'a Decl) {
        match decl {
            Decl::Agency(a) => self.agency(a),
            Decl::Registry(r) => {
                if let Some(owner) = &r.owner {
                    self.expect(owner, &[DeclKind::Agency]);
                }
                self.fields(&r.fields, "registry");
            }
            Decl::Record(r) => self.fields(&r.fields, "record"),
            Decl::Enum(e) => {
                let mut seen: HashMap<&str, &Ident> = HashMap::new();
                for v in &e.variants {
                    if let Some(first) = seen.insert(&v.name.name, &v.name) {
                        self.report(errors::duplicate_local(&v.name, "enum", first));
                    }
                }
            }
            Decl::Parameter(p) => self.parameter(p),
            Decl::Event(e) => {
                if let Some(kind) = &e.kind {
                    self.word(kind, "event kind", EventKind::from_word, EventKind::all_words());
                }
                if let Some(registry) = &e.registry {
                    self.expect(registry, &[DeclKind::Registry]);
                }
                self.fields(&e.fields, "event");
            }
            Decl::Service(s) => self.service(s),
            Decl::Trigger(t) => self.trigger(t),
            Decl::Situation(s) => {
                for event in &s.on {
                    self.expect(event, &[DeclKind::Event]);
                }
                for service in &s.services {
                    self.expect(service, &[DeclKind::Service]);
                }
            }
        }
    }

    fn agency(&mut self, a: &Agency) {
        let Some(level) = &a.level else { return };
        let level = self.word(level, "agency level", Level::from_word, Level::all_words());
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
    }

    fn fields(&mut self, fields: &[Field], what: &str) {
        let mut seen: HashMap<&str, &Ident> = HashMap::new();
        for f in fields {
            if let Some(first) = seen.insert(&f.name.name, &f.name) {
                self.report(errors::duplicate_local(&f.name, what, first));
            }
            self.resolve_type(&f.ty);
        }
    }

    fn parameter(&mut self, p: &'a Parameter) {
        let ty = self.resolve_type(&p.ty);
        for period in &p.periods {
            if !is_literal(&period.value) {
                let d = Diagnostic::new(
                    Code::NotConstant,
                    format!("the value of parameter `{}` must be a literal", p.name.name),
                    period.value.span,
                    "not a literal",
                )
                .with_help("write the value itself, e.g. `15453.00 rub`; compute with it in derived facts");
                self.report(d);
                continue;
            }
            let found = self.type_of(&period.value, &mut Env::constant());
            if !found.fits(&ty) {
                self.report(errors::expected_type(
                    period.value.span,
                    "a value of this parameter",
                    &ty,
                    &found,
                ));
            }
        }
        self.periods(p);
    }

    fn trigger(&mut self, t: &'a Trigger) {
        let event = t.on.as_ref().and_then(|on| self.expect(on, &[DeclKind::Event]));
        let event = event.and_then(|s| match s.decl {
            Decl::Event(e) => Some(e),
            _ => None,
        });
        if let Some(condition) = &t.condition {
            let mut env = match event {
                Some(e) => Env::event(self, e),
                None => Env::broken(),
            };
            let ty = self.type_of(condition, &mut env);
            if !ty.fits(&Type::Bool) {
                self.report(errors::not_boolean(condition.span, "a trigger condition", &ty));
            }
        }
        if let Some(action) = &t.action {
            self.expect(action.service(), &[DeclKind::Service]);
        }
        if let Some(consent) = &t.consent {
            self.word(consent, "consent policy", Consent::from_word, Consent::all_words());
        }
        for channel in &t.notify {
            self.word(channel, "notification channel", Channel::from_word, Channel::all_words());
        }
    }
}

/// A value written out: a literal, a negated number, or an enum variant name.
fn is_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Decimal(_)
        | ExprKind::Money(_)
        | ExprKind::Date(_)
        | ExprKind::Duration(..)
        | ExprKind::Text(_)
        | ExprKind::IdLiteral(..)
        | ExprKind::Error => true,
        ExprKind::Unary(UnOp::Neg, inner) => {
            matches!(inner.kind, ExprKind::Int(_) | ExprKind::Decimal(_) | ExprKind::Money(_))
        }
        ExprKind::Name(_) => true,
        ExprKind::Member(base, _) => matches!(base.kind, ExprKind::Name(_)),
        _ => false,
    }
}
