//! The second pass over the declarations other than services: parameter values, trigger
//! conditions and actions, situations.

use super::Checker;
use super::errors;
use super::expr::Env;
use super::symbols::{DeclKind, Symbol};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, EventId, Id, ParamId, RoleMode, SituationId, TriggerId, Type, Value};
use crate::syntax::ast::*;
use crate::vocabulary::{Channel, Consent};

impl<'a> Checker<'a> {
    pub(super) fn decl(&mut self, symbol: Symbol<'a>) {
        match symbol.decl {
            Decl::Parameter(p) => self.parameter(p, ParamId::new(symbol.id)),
            Decl::Service(s) => self.service(s, model::ServiceId::new(symbol.id)),
            Decl::Trigger(t) => self.trigger(t, TriggerId::new(symbol.id)),
            Decl::Registry(r) => self.provides(r, model::RegistryId::new(symbol.id)),
            Decl::Event(e) => self.event_body(e, EventId::new(symbol.id)),
            Decl::Situation(s) => {
                let on = s.on.iter().filter_map(|e| self.resolve(e, DeclKind::Event)).collect();
                let services = s.services.iter().filter_map(|x| self.resolve(x, DeclKind::Service)).collect();
                let situation = &mut self.model.situations[SituationId::new(symbol.id)];
                situation.on = on;
                situation.services = services;
            }
            // Declared in full by the first pass.
            Decl::Agency(_) | Decl::Entity(_) | Decl::Record(_) | Decl::Enum(_) | Decl::Calendar(_) => {}
        }
    }

    /// A literal value of a declared type: a parameter's value, a fact's default.
    pub(super) fn literal(&mut self, e: &'a Expr, ty: &Type, what: &str) -> Option<Value> {
        if !is_literal(e) {
            let d = Diagnostic::new(
                Code::NotConstant,
                format!("{what} must be a literal"),
                e.span,
                "not a literal",
            )
            .with_help("write the value itself, e.g. `15453.00 rub`; compute with it in derived facts");
            self.report(d);
            return None;
        }
        let value = self.expr(e, &mut Env::constant());
        if !value.ty.fits(ty) {
            let (expected, found) = (self.shown(ty), self.shown(&value.ty));
            self.report(errors::expected_type(e.span, what, &expected, &found));
        }
        constant(value.kind)
    }

    fn parameter(&mut self, p: &'a Parameter, id: ParamId) {
        let ty = self.model.params[id].ty.clone();
        let key = self.model.params[id].key;
        let what = format!("the value of parameter `{}`", p.name.name);
        let mut periods = Vec::new();
        for period in &p.periods {
            let values = match (&period.value, key) {
                (PeriodValue::One(v), None) if matches!(ty, Type::Scale(..)) => {
                    let d = Diagnostic::new(
                        Code::ScaleBrackets,
                        format!("parameter `{}` is a scale: a period gives its brackets", p.name.name),
                        v.span,
                        "one value",
                    )
                    .with_help("write `from 2024-01-01 { from 0 = 0.02  from 6000 = 0.06 }`, one bracket per threshold");
                    self.report(d);
                    None
                }
                (PeriodValue::One(v), None) => self.literal(v, &ty, &what).map(|v| vec![v]),
                (PeriodValue::Keyed(values), Some(key)) => self.keyed_values(p, period, values, key, &ty),
                (PeriodValue::One(v), Some(key)) => {
                    let e = self.model.enums[key].name.text.clone();
                    let d = Diagnostic::new(
                        Code::MissingKey,
                        format!(
                            "parameter `{}` is keyed by `{e}`, but this period gives one value",
                            p.name.name
                        ),
                        v.span,
                        "one value for every key",
                    )
                    .with_help(format!(
                        "give a value per variant of `{e}`: `from … {{ variant = value … }}`"
                    ));
                    self.report(d);
                    None
                }
                (PeriodValue::Scale(brackets), None) => self.scale(p, period, brackets, &ty),
                (PeriodValue::Scale(_), Some(_)) => {
                    let d = Diagnostic::new(
                        Code::ScaleBrackets,
                        format!(
                            "parameter `{}` is keyed, and a keyed parameter has no brackets",
                            p.name.name
                        ),
                        period.span,
                        "brackets",
                    )
                    .with_help("declare one scale per key, or drop `by …`");
                    self.report(d);
                    None
                }
                (PeriodValue::Keyed(_), None) => {
                    let d = Diagnostic::new(
                        Code::MissingKey,
                        format!("parameter `{}` has no key, but this period gives values by key", p.name.name),
                        period.span,
                        "values by key",
                    )
                    .with_help("key the parameter by an enumeration (`parameter x: money by region { … }`) or give one value: `from … = value`");
                    self.report(d);
                    None
                }
            };
            if let Some(values) = values {
                periods.push(model::Period { from: period.from.0, to: period.to.map(|t| t.0), values });
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

    /// The brackets of one period of a scale: literal thresholds rising from zero, each
    /// with a literal value.
    fn scale(
        &mut self,
        p: &'a Parameter,
        period: &'a Period,
        brackets: &'a [(Expr, Expr)],
        ty: &Type,
    ) -> Option<Vec<Value>> {
        let Type::Scale(t, v) = ty else {
            let d = Diagnostic::new(
                Code::ScaleBrackets,
                format!("parameter `{}` gives brackets, but is not declared a scale", p.name.name),
                period.span,
                "brackets",
            )
            .with_help("declare it `parameter x: scale<money, decimal> { … }` (thresholds, then values)");
            self.report(d);
            return None;
        };
        let what = format!("a bracket of parameter `{}`", p.name.name);
        let mut out = Vec::with_capacity(brackets.len());
        let mut complete = true;
        for (threshold, value) in brackets {
            let (a, b) = (self.literal(threshold, t, &what), self.literal(value, v, &what));
            match (a, b) {
                (Some(a), Some(b)) => out.push((a, b, threshold.span)),
                _ => complete = false,
            }
        }
        if !complete {
            return None;
        }
        let number = |v: &Value| v.as_decimal();
        let starts_at_zero = out.first().and_then(|(a, _, _)| number(a)).is_some_and(|a| a.is_zero());
        let rising =
            out.windows(2).all(|w| matches!((number(&w[0].0), number(&w[1].0)), (Some(a), Some(b)) if a < b));
        if !starts_at_zero || !rising {
            let (span, label) = match out
                .windows(2)
                .find(|w| !matches!((number(&w[0].0), number(&w[1].0)), (Some(a), Some(b)) if a < b))
            {
                Some(w) if starts_at_zero => (w[1].2, "not above the threshold before it"),
                _ => (out.first().map_or(period.span, |b| b.2), "the first threshold is not zero"),
            };
            let d = Diagnostic::new(
                Code::ScaleBrackets,
                format!("the brackets of scale `{}` must start at zero and rise", p.name.name),
                span,
                label,
            )
            .with_help("give the brackets from zero up, each threshold above the one before: every base then falls in one bracket");
            self.report(d);
            return None;
        }
        let brackets: Vec<(Value, Value)> = out.into_iter().map(|(a, b, _)| (a, b)).collect();
        Some(vec![Value::Scale(brackets.into())])
    }

    /// The values of one period of a keyed parameter, in variant order: every variant
    /// once.
    fn keyed_values(
        &mut self,
        p: &'a Parameter,
        period: &'a Period,
        values: &'a [(Ident, Expr)],
        key: model::EnumId,
        ty: &Type,
    ) -> Option<Vec<Value>> {
        let variants: Vec<String> = self.model.enums[key].variants.iter().map(|v| v.text.clone()).collect();
        let mut out: Vec<Option<Value>> = vec![None; variants.len()];
        let mut seen: Vec<Option<&Ident>> = vec![None; variants.len()];
        let what = format!("the value of parameter `{}`", p.name.name);
        let mut complete = true;
        for (k, v) in values {
            let value = self.literal(v, ty, &what);
            let Some(i) = variants.iter().position(|n| *n == k.name) else {
                let suggestion = super::symbols::suggest(&k.name, variants.iter().map(String::as_str));
                let owner = self.model.enums[key].name.text.clone();
                let names = variants.iter().map(String::as_str).collect();
                self.report(errors::unknown_variant(k, &owner, names, suggestion));
                complete = false;
                continue;
            };
            if let Some(first) = seen[i] {
                self.report(errors::duplicate_local(k, "period", first));
            }
            seen[i] = Some(k);
            complete &= value.is_some();
            out[i] = value;
        }
        let absent: Vec<&str> =
            variants.iter().zip(&seen).filter(|(_, s)| s.is_none()).map(|(v, _)| v.as_str()).collect();
        if !absent.is_empty() {
            let list = absent.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
            let d = Diagnostic::new(
                Code::MissingKey,
                format!("this period of parameter `{}` gives no value for {list}", p.name.name),
                period.from.1,
                "a key without a value",
            )
            .with_help("every key needs a value in every period: a rule cannot be decided where it has none");
            self.report(d);
            return None;
        }
        if !complete {
            return None;
        }
        out.into_iter().collect()
    }

    /// The lists `each` roles are drawn from: lists of the role's entity, read of the
    /// event's other roles and fields.
    /// The lists `each` roles are drawn from, and the date of a scheduled event.
    fn event_body(&mut self, e: &'a Event, id: EventId) {
        for r in &e.roles {
            let Some(drawn) = &r.drawn else { continue };
            let Some(i) = model::find_role(&self.model.events[id].roles, &r.name.name) else { continue };
            let mut env = Env::event(&self.model.events[id]);
            let list = self.expr(drawn, &mut env);
            let role = &self.model.events[id].roles[i];
            let wanted = Type::List(Box::new(Type::Entity(role.entity)));
            if role.mode != RoleMode::Each {
                let d = Diagnostic::new(
                    Code::TypeMismatch,
                    format!("role `{}` binds one, and only an `each` role is drawn from a list", r.name.name),
                    drawn.span,
                    "a list for one role",
                )
                .with_help(format!(
                    "write `role {}: each {} in …`, or let the event name the person",
                    r.name.name, r.entity.name
                ));
                self.report(d);
            } else if !list.ty.fits(&wanted) {
                let (expected, found) = (self.shown(&wanted), self.shown(&list.ty));
                self.report(errors::expected_type(
                    drawn.span,
                    "the list an `each` role is drawn from",
                    &expected,
                    &found,
                ));
            }
            self.model.events[id].drawn[i] = Some(list);
        }
        if let Some(at) = &e.at {
            let mut env = Env::event(&self.model.events[id]);
            let date = self.expr(at, &mut env);
            if !date.ty.fits(&Type::Date) {
                let found = self.shown(&date.ty);
                self.report(errors::expected_type(at.span, "the date of a scheduled event", "date", &found));
            }
            self.scheduled(e, id, at.span);
            self.model.events[id].at = Some(date);
        }
    }

    /// A scheduled event binds one role, the entity its date is computed from (others may
    /// be optional, or drawn from a list), and carries no fields: nothing would give them.
    fn scheduled(&mut self, e: &Event, id: EventId, at: crate::source::Span) {
        let roles = &self.model.events[id].roles;
        let ones = roles.iter().filter(|r| r.mode == RoleMode::One).count();
        let each_named = e.roles.iter().any(|r| r.mode == RoleMode::Each && r.drawn.is_none());
        if ones != 1 || each_named {
            let d = Diagnostic::new(
                Code::ScheduledEvent,
                format!("scheduled event `{}` must bind exactly one role, the one its date is computed from", e.name.name),
                at,
                "computed for which entity?",
            )
            .with_help("keep one `role NAME: ENTITY` and compute the date from its facts (`at citizen.birth_date + 60 years`); other roles may be `optional` or `each … in` a list");
            self.report(d);
        }
        if let Some(f) = e.fields.first() {
            let d = Diagnostic::new(
                Code::ScheduledEvent,
                format!("scheduled event `{}` has a field, which nothing would fill", e.name.name),
                f.name.span,
                "no registry records this",
            )
            .with_label(at, "the event is scheduled here")
            .with_help("read facts of the event's role instead (`citizen.birth_date`); a scheduled event has no payload");
            self.report(d);
        }
    }

    /// The facts a registry holds: `entity.fact`.
    fn provides(&mut self, r: &'a Registry, id: model::RegistryId) {
        let mut provides = Vec::new();
        for path in &r.provides {
            let [entity, fact] = path.parts.as_slice() else {
                let d = Diagnostic::new(
                    Code::UnknownField,
                    "a registry provides facts as `entity.fact`",
                    path.span,
                    "expected `entity.fact`",
                )
                .with_help("name the person or group and its fact, e.g. `provides person.birth_date`");
                self.report(d);
                continue;
            };
            let Some(e) = self.resolve::<model::EntityId>(entity, DeclKind::Entity) else { continue };
            if let Some(f) = self.entity_fact(e, fact) {
                provides.push((model::FactRef { entity: e, fact: f }, path.span));
            }
        }
        // A registry that holds facts is the provenance the W0401 lint reads: in use.
        if !provides.is_empty() {
            self.mark_used(&r.name.name);
        }
        self.model.registries[id].provides = provides;
    }

    /// A fact of an entity by name, reported when it has none.
    pub(super) fn entity_fact(&mut self, e: model::EntityId, fact: &Ident) -> Option<usize> {
        let entity = &self.model.entities[e];
        if let Some(i) = entity.fact(&fact.name) {
            return Some(i);
        }
        let names: Vec<&str> = entity.facts.iter().map(|f| f.name.as_str()).collect();
        let suggestion = super::symbols::suggest(&fact.name, names.iter().copied());
        let owner = entity.name.text.clone();
        let d = errors::unknown_field(fact, &owner, names, suggestion);
        self.report(d);
        None
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
            let service = self.resolve(&action.service, DeclKind::Service)?;
            Some(match action.kind {
                ActionKind::Provide => model::Action::Start(service, model::Form::Provide),
                ActionKind::Offer => model::Action::Start(service, model::Form::Offer),
                ActionKind::Stop => model::Action::Stop(service),
            })
        });
        let binds = match (on, action, &t.action) {
            (Some(on), Some(a), Some(written)) => self.binds(on, a, written),
            _ => Vec::new(),
        };
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
        trigger.binds = binds;
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
