//! The second pass over the declarations other than services: parameter values, trigger
//! conditions and actions, situations.

use super::Checker;
use super::errors;
use super::expr::Env;
use super::symbols::{DeclKind, Symbol};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, EventId, Id, ParamId, SituationId, TriggerId, Type, Value};
use crate::syntax::ast::*;
use crate::vocabulary::{Channel, Consent};

impl<'a> Checker<'a> {
    pub(super) fn decl(&mut self, symbol: Symbol<'a>) {
        match symbol.decl {
            Decl::Parameter(p) => self.parameter(p, ParamId::new(symbol.id)),
            Decl::Service(s) => self.service(s, model::ServiceId::new(symbol.id)),
            Decl::Trigger(t) => self.trigger(t, TriggerId::new(symbol.id)),
            Decl::Situation(s) => {
                let on = s.on.iter().filter_map(|e| self.resolve(e, DeclKind::Event)).collect();
                let services = s.services.iter().filter_map(|x| self.resolve(x, DeclKind::Service)).collect();
                let situation = &mut self.model.situations[SituationId::new(symbol.id)];
                situation.on = on;
                situation.services = services;
            }
            // Declared in full by the first pass.
            Decl::Agency(_) | Decl::Registry(_) | Decl::Record(_) | Decl::Enum(_) | Decl::Event(_) => {}
        }
    }

    fn parameter(&mut self, p: &'a Parameter, id: ParamId) {
        let ty = self.model.params[id].ty.clone();
        let mut periods = Vec::new();
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
            let value = self.expr(&period.value, &mut Env::constant());
            if !value.ty.fits(&ty) {
                let (expected, found) = (self.shown(&ty), self.shown(&value.ty));
                self.report(errors::expected_type(
                    period.value.span,
                    "a value of this parameter",
                    &expected,
                    &found,
                ));
            }
            if let Some(value) = constant(value.kind) {
                periods.push(model::Period { from: period.from.0, to: period.to.map(|t| t.0), value });
            }
        }
        self.periods(p);
        periods.sort_by_key(|period| period.from);
        // An open period ends the day before the next one starts.
        for i in 1..periods.len() {
            if periods[i - 1].to.is_none() {
                periods[i - 1].to = Some(periods[i].from.add_days(-1));
            }
        }
        self.model.params[id].periods = periods;
    }

    fn trigger(&mut self, t: &'a Trigger, id: TriggerId) {
        let on: Option<EventId> = t.on.as_ref().and_then(|on| self.resolve(on, DeclKind::Event));
        let condition = t.condition.as_ref().map(|condition| {
            let mut env = match on {
                Some(e) => Env::event(&self.model.events[e]),
                None => Env::broken(),
            };
            let condition = self.expr(condition, &mut env);
            if !condition.ty.fits(&Type::Bool) {
                let found = self.shown(&condition.ty);
                self.report(errors::not_boolean(condition.span, "a trigger condition", &found));
            }
            condition
        });
        let action = t.action.as_ref().and_then(|action| {
            let service = self.resolve(action.service(), DeclKind::Service)?;
            Some(match action {
                Action::Start(_) => model::Action::Start(service),
                Action::Stop(_) => model::Action::Stop(service),
            })
        });
        let consent = t
            .consent
            .as_ref()
            .and_then(|c| self.word(c, "consent policy", Consent::from_word, Consent::all_words()));
        let notify = t
            .notify
            .iter()
            .filter_map(|c| self.word(c, "notification channel", Channel::from_word, Channel::all_words()))
            .collect();
        let trigger = &mut self.model.triggers[id];
        trigger.on = on;
        trigger.condition = condition;
        trigger.action = action;
        trigger.consent = consent;
        trigger.notify = notify;
    }
}

/// The value of a literal as lowered (a negated number is a literal too).
fn constant(kind: model::ExprKind) -> Option<Value> {
    use model::ExprKind as K;
    match kind {
        K::Const(v) => Some(v),
        K::Neg(inner) => match inner.kind {
            K::Const(Value::Int(i)) => i.checked_neg().map(Value::Int),
            K::Const(Value::Decimal(d)) => Some(Value::Decimal(-d)),
            K::Const(Value::Money(d)) => Some(Value::Money(-d)),
            _ => None,
        },
        _ => None,
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
