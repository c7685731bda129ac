//! The regulation set compiled for evaluation: every name resolved to an index once, so
//! that evaluating a profile does no string look-ups.

use super::value::Value;
use crate::date::Date;
use crate::graph::Declarations;
use crate::syntax::ast::{self, DayKind, Decl, Module};
use crate::vocabulary::{Builtin, Consent, EventKind, Function, IdKind};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

/// The type of a value read from a profile.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    Int,
    Decimal,
    Money,
    Date,
    Days(DayKind),
    Text,
    Id(IdKind),
    Document,
    Enum(u32),
    Record(u32),
    List(Box<Ty>),
}

#[derive(Clone, Debug)]
pub enum Ir {
    Const(Value),
    Input(usize),
    Derived(usize),
    Criterion(usize),
    /// An output with a value, used by name like a derived fact.
    Output(usize),
    Param(usize),
    /// A comprehension variable, by depth from the outermost.
    Var(usize),
    EventField(usize),
    Today,
    Field(Box<Ir>, usize),
    Not(Box<Ir>),
    Neg(Box<Ir>),
    Binary(ast::BinOp, Box<Ir>, Box<Ir>),
    In(Box<Ir>, Vec<Ir>),
    If(Box<Ir>, Box<Ir>, Box<Ir>),
    Call(Function, Vec<Ir>),
    Aggregate(Function, Box<Ir>, Box<Ir>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Src {
    Applicant,
    Registry(usize, usize),
    Event(usize, usize),
    Service(usize, usize),
}

pub struct Input {
    pub name: String,
    pub ty: Ty,
    pub source: Src,
}

pub struct Rule {
    pub name: String,
    pub title: Option<String>,
    pub ir: Ir,
}

pub struct Output {
    pub name: String,
    pub ty: Ty,
    pub value: Option<Ir>,
    pub writes: Option<(usize, usize)>,
}

pub struct Service {
    pub name: String,
    pub title: String,
    pub periodic: bool,
    pub inputs: Vec<Input>,
    pub derived: Vec<(String, Ir)>,
    pub criteria: Vec<Rule>,
    pub refusals: Vec<Rule>,
    pub outputs: Vec<Output>,
}

pub struct Param {
    pub name: String,
    /// Periods sorted by start: `(from, to inclusive, value)`.
    pub periods: Vec<(Date, Option<Date>, Value)>,
}

impl Param {
    pub fn at(&self, date: Date) -> Option<&Value> {
        let i = self.periods.partition_point(|(from, _, _)| *from <= date).checked_sub(1)?;
        let (_, to, value) = &self.periods[i];
        to.is_none_or(|to| date <= to).then_some(value)
    }
}

pub struct Event {
    pub name: String,
    pub death: bool,
    pub fields: Vec<(String, Ty)>,
}

pub struct Registry {
    pub name: String,
    pub fields: Vec<(String, Ty)>,
}

pub struct Record {
    pub name: String,
    pub fields: Vec<(String, Ty)>,
}

pub struct Enum {
    pub name: String,
    pub variants: Vec<String>,
}

pub enum Action {
    Start(usize),
    Stop(usize),
}

pub struct Trigger {
    pub name: String,
    pub event: usize,
    pub condition: Option<Ir>,
    pub action: Action,
    pub consent: Consent,
    pub notify: Vec<String>,
}

pub struct Situation {
    pub name: String,
    pub title: String,
    pub events: Vec<usize>,
    pub services: Vec<usize>,
}

#[derive(Default)]
pub struct Model {
    pub services: Vec<Service>,
    pub params: Vec<Param>,
    pub events: Vec<Event>,
    pub registries: Vec<Registry>,
    pub records: Vec<Record>,
    pub enums: Vec<Enum>,
    pub triggers: Vec<Trigger>,
    pub situations: Vec<Situation>,
}

/// Name tables used while compiling.
struct Names<'a> {
    services: HashMap<&'a str, usize>,
    params: HashMap<&'a str, usize>,
    events: HashMap<&'a str, usize>,
    registries: HashMap<&'a str, usize>,
    records: HashMap<&'a str, usize>,
    enums: HashMap<&'a str, usize>,
    /// Variant name → (enum, variant) when only one enum has it.
    variants: HashMap<&'a str, Option<(usize, usize)>>,
    /// Output names of each service, for `from service.output`.
    outputs: Vec<Vec<&'a str>>,
}

fn index<'a, T>(items: &[&'a T], name: impl Fn(&'a T) -> &'a str) -> HashMap<&'a str, usize> {
    items.iter().enumerate().map(|(i, x)| (name(x), i)).collect()
}

impl Model {
    /// Compiles a regulation set that checked without errors.
    pub fn compile(modules: &[Module]) -> Model {
        let d = Declarations::of(modules);
        let mut records = Vec::new();
        let mut enums = Vec::new();
        let mut params = Vec::new();
        for decl in modules.iter().flat_map(|m| &m.decls) {
            match decl {
                Decl::Record(r) => records.push(r),
                Decl::Enum(e) => enums.push(e),
                Decl::Parameter(p) => params.push(p),
                _ => {}
            }
        }
        let mut variants: HashMap<&str, Option<(usize, usize)>> = HashMap::new();
        for (e, en) in enums.iter().enumerate() {
            for (v, var) in en.variants.iter().enumerate() {
                variants.entry(&var.name.name).and_modify(|x| *x = None).or_insert(Some((e, v)));
            }
        }
        let names = Names {
            services: index(&d.services, |s| &s.name.name),
            params: index(&params, |p| &p.name.name),
            events: index(&d.events, |e| &e.name.name),
            registries: index(&d.registries, |r| &r.name.name),
            records: index(&records, |r| &r.name.name),
            enums: index(&enums, |e| &e.name.name),
            variants,
            outputs: d
                .services
                .iter()
                .map(|s| s.outputs.iter().map(|o| o.name.name.as_str()).collect())
                .collect(),
        };
        let ty = |t: &ast::TypeExpr| names.ty(t);
        let fields =
            |fs: &[ast::Field]| fs.iter().map(|f| (f.name.name.clone(), ty(&f.ty))).collect::<Vec<_>>();
        let mut model = Model {
            records: records
                .iter()
                .map(|r| Record { name: r.name.name.clone(), fields: fields(&r.fields) })
                .collect(),
            enums: enums
                .iter()
                .map(|e| Enum {
                    name: e.name.name.clone(),
                    variants: e.variants.iter().map(|v| v.name.name.clone()).collect(),
                })
                .collect(),
            registries: d
                .registries
                .iter()
                .map(|r| Registry { name: r.name.name.clone(), fields: fields(&r.fields) })
                .collect(),
            events: d
                .events
                .iter()
                .map(|e| Event {
                    name: e.name.name.clone(),
                    death: e.kind.as_ref().and_then(|k| EventKind::from_word(&k.name))
                        == Some(EventKind::Death),
                    fields: fields(&e.fields),
                })
                .collect(),
            ..Model::default()
        };
        let compiled: Vec<Param> = params.iter().map(|p| names.param(p, &model)).collect();
        model.params = compiled;
        model.services = d.services.iter().map(|s| names.service(s, &model)).collect();
        model.triggers = d.triggers.iter().filter_map(|t| names.trigger(t, &model)).collect();
        model.situations = d
            .situations
            .iter()
            .map(|s| Situation {
                name: s.name.name.clone(),
                title: s.title.as_ref().map_or_else(|| s.name.name.clone(), |t| t.value.clone()),
                events: s.on.iter().filter_map(|e| names.events.get(e.name.as_str()).copied()).collect(),
                services: s
                    .services
                    .iter()
                    .filter_map(|x| names.services.get(x.name.as_str()).copied())
                    .collect(),
            })
            .collect();
        model
    }

    pub fn service(&self, name: &str) -> Option<usize> {
        self.services.iter().position(|s| s.name == name)
    }

    /// A value as an author writes it (enum variants by name).
    pub fn show(&self, value: &Value) -> String {
        match value {
            // The commonest values without the formatting machinery: explanations show many.
            Value::Bool(b) => (if *b { "true" } else { "false" }).to_string(),
            Value::Int(i) => itoa::Buffer::new().format(*i).to_string(),
            Value::Enum(e, v) => {
                let en = &self.enums[*e as usize];
                en.variants.get(*v as usize).cloned().unwrap_or_default()
            }
            Value::List(items) => {
                let shown: Vec<String> = items.iter().map(|i| self.show(i)).collect();
                format!("[{}]", shown.join(", "))
            }
            Value::Record(r, fields) => {
                let names = &self.records[*r as usize].fields;
                let shown: Vec<String> = names
                    .iter()
                    .zip(fields.iter())
                    .filter_map(|((n, _), v)| v.as_ref().map(|v| format!("{n}: {}", self.show(v))))
                    .collect();
                format!("{{{}}}", shown.join(", "))
            }
            other => other.to_string(),
        }
    }
}

/// Where names resolve inside one expression.
struct Scope<'s> {
    service: Option<&'s ast::Service>,
    event_fields: &'s [(String, Ty)],
    vars: Vec<(String, Ty)>,
    model: &'s Model,
}

impl<'a> Names<'a> {
    fn ty(&self, t: &ast::TypeExpr) -> Ty {
        match t {
            ast::TypeExpr::List(inner, _) => Ty::List(Box::new(self.ty(inner))),
            ast::TypeExpr::Named(i) => match Builtin::from_word(&i.name) {
                Some(Builtin::Bool) => Ty::Bool,
                Some(Builtin::Int) => Ty::Int,
                Some(Builtin::Decimal) => Ty::Decimal,
                Some(Builtin::Money) => Ty::Money,
                Some(Builtin::Date) => Ty::Date,
                Some(Builtin::Days) => Ty::Days(DayKind::Calendar),
                Some(Builtin::WorkingDays) => Ty::Days(DayKind::Working),
                Some(Builtin::Text) => Ty::Text,
                Some(Builtin::Snils) => Ty::Id(IdKind::Snils),
                Some(Builtin::Inn) => Ty::Id(IdKind::Inn),
                Some(Builtin::Ogrn) => Ty::Id(IdKind::Ogrn),
                Some(Builtin::Document) => Ty::Document,
                None => match (self.enums.get(i.name.as_str()), self.records.get(i.name.as_str())) {
                    (Some(&e), _) => Ty::Enum(e as u32),
                    (_, Some(&r)) => Ty::Record(r as u32),
                    _ => Ty::Text,
                },
            },
        }
    }

    fn param(&self, p: &ast::Parameter, model: &Model) -> Param {
        let mut periods: Vec<(Date, Option<Date>, Value)> = p
            .periods
            .iter()
            .filter_map(|period| {
                let mut scope = Scope { service: None, event_fields: &[], vars: Vec::new(), model };
                let value = match self.expr(&period.value, &mut scope) {
                    Ir::Const(v) => v,
                    Ir::Neg(inner) => match *inner {
                        Ir::Const(Value::Int(i)) => Value::Int(-i),
                        Ir::Const(Value::Decimal(d)) => Value::Decimal(-d),
                        Ir::Const(Value::Money(d)) => Value::Money(-d),
                        _ => return None,
                    },
                    _ => return None,
                };
                Some((period.from.0, period.to.map(|t| t.0), value))
            })
            .collect();
        periods.sort_by_key(|(from, _, _)| *from);
        // An open period ends the day before the next one starts.
        for i in 0..periods.len().saturating_sub(1) {
            if periods[i].1.is_none() {
                periods[i].1 = Some(periods[i + 1].0.add_days(-1));
            }
        }
        Param { name: p.name.name.clone(), periods }
    }

    fn service(&self, s: &ast::Service, model: &Model) -> Service {
        let source = |i: &ast::Input| match &i.source {
            ast::Source::Applicant(_) => Src::Applicant,
            ast::Source::Path(p) => {
                let (owner, field) = (&p.parts[0].name, &p.parts[p.parts.len() - 1].name);
                let find = |fields: &[(String, Ty)]| fields.iter().position(|(n, _)| n == field).unwrap_or(0);
                if let Some(&r) = self.registries.get(owner.as_str()) {
                    Src::Registry(r, find(&model.registries[r].fields))
                } else if let Some(&e) = self.events.get(owner.as_str()) {
                    Src::Event(e, find(&model.events[e].fields))
                } else {
                    let svc = self.services.get(owner.as_str()).copied().unwrap_or(0);
                    let out =
                        self.outputs.get(svc).and_then(|o| o.iter().position(|n| n == field)).unwrap_or(0);
                    Src::Service(svc, out)
                }
            }
        };
        let mut scope = Scope { service: Some(s), event_fields: &[], vars: Vec::new(), model };
        let inputs = s
            .inputs
            .iter()
            .map(|i| Input { name: i.name.name.clone(), ty: self.ty(&i.ty), source: source(i) })
            .collect();
        let rule = |r: (&ast::Ident, &Option<ast::Text>, &ast::Expr), scope: &mut Scope| Rule {
            name: r.0.name.clone(),
            title: r.1.as_ref().map(|t| t.value.clone()),
            ir: self.expr(r.2, scope),
        };
        Service {
            name: s.name.name.clone(),
            title: s.title.as_ref().map_or_else(|| s.name.name.clone(), |t| t.value.clone()),
            periodic: s.recurs.is_some(),
            inputs,
            derived: s
                .derived
                .iter()
                .map(|d| (d.name.name.clone(), self.expr(&d.value, &mut scope)))
                .collect(),
            criteria: s
                .criteria
                .iter()
                .map(|c| rule((&c.name, &c.title, &c.condition), &mut scope))
                .collect(),
            refusals: s
                .refusals
                .iter()
                .map(|c| rule((&c.name, &c.title, &c.condition), &mut scope))
                .collect(),
            outputs: s
                .outputs
                .iter()
                .map(|o| Output {
                    name: o.name.name.clone(),
                    ty: self.ty(&o.ty),
                    value: o.value.as_ref().map(|v| self.expr(v, &mut scope)),
                    writes: o.writes.as_ref().and_then(|p| {
                        let r = *self.registries.get(p.parts.first()?.name.as_str())?;
                        let field = &p.parts.last()?.name;
                        let f = model.registries[r].fields.iter().position(|(n, _)| n == field)?;
                        Some((r, f))
                    }),
                })
                .collect(),
        }
    }

    fn trigger(&self, t: &ast::Trigger, model: &Model) -> Option<Trigger> {
        let event = *self.events.get(t.on.as_ref()?.name.as_str())?;
        let action = match t.action.as_ref()? {
            ast::Action::Start(s) => Action::Start(*self.services.get(s.name.as_str())?),
            ast::Action::Stop(s) => Action::Stop(*self.services.get(s.name.as_str())?),
        };
        let mut scope =
            Scope { service: None, event_fields: &model.events[event].fields, vars: Vec::new(), model };
        Some(Trigger {
            name: t.name.name.clone(),
            event,
            condition: t.condition.as_ref().map(|c| self.expr(c, &mut scope)),
            action,
            consent: t.consent.as_ref().and_then(|c| Consent::from_word(&c.name)).unwrap_or(Consent::OptOut),
            notify: t.notify.iter().map(|n| n.name.clone()).collect(),
        })
    }

    fn expr(&self, e: &ast::Expr, scope: &mut Scope) -> Ir {
        use ast::ExprKind as K;
        let b = |ir: Ir| Box::new(ir);
        match &e.kind {
            K::Bool(v) => Ir::Const(Value::Bool(*v)),
            K::Int(v) => Ir::Const(Value::Int(*v)),
            K::Decimal(v) => Ir::Const(Value::Decimal(*v)),
            K::Money(v) => Ir::Const(Value::Money(*v)),
            K::Date(v) => Ir::Const(Value::Date(*v)),
            K::Duration(n, k) => Ir::Const(Value::Days(*n, *k)),
            K::Text(t) => Ir::Const(Value::Text(t.as_str().into())),
            K::IdLiteral(_, t) => Ir::Const(Value::Text(t.as_str().into())),
            K::Today => Ir::Today,
            K::Error => Ir::Const(Value::Bool(false)),
            K::Name(i) => self.name(&i.name, scope),
            K::Member(base, field) => {
                if let K::Name(n) = &base.kind {
                    if let (false, Some(&en)) =
                        (self.is_local(&n.name, scope), self.enums.get(n.name.as_str()))
                    {
                        let v = scope
                            .model
                            .enums
                            .get(en)
                            .map_or(0, |x| x.variants.iter().position(|v| *v == field.name).unwrap_or(0));
                        return Ir::Const(Value::Enum(en as u32, v as u32));
                    }
                }
                let record = self.record_of(base, scope);
                let base = self.expr(base, scope);
                let idx = record
                    .and_then(|r| scope.model.records.get(r))
                    .and_then(|r| r.fields.iter().position(|(n, _)| *n == field.name))
                    .unwrap_or(0);
                Ir::Field(b(base), idx)
            }
            K::Unary(ast::UnOp::Not, x) => Ir::Not(b(self.expr(x, scope))),
            K::Unary(ast::UnOp::Neg, x) => Ir::Neg(b(self.expr(x, scope))),
            K::Binary(op, l, r) => Ir::Binary(*op, b(self.expr(l, scope)), b(self.expr(r, scope))),
            K::In(x, set) => {
                Ir::In(b(self.expr(x, scope)), set.iter().map(|i| self.expr(i, scope)).collect())
            }
            K::If(c, t, f) => Ir::If(b(self.expr(c, scope)), b(self.expr(t, scope)), b(self.expr(f, scope))),
            K::Call(f, args) => {
                let func = Function::from_word(&f.name).unwrap_or(Function::Count);
                Ir::Call(func, args.iter().map(|a| self.expr(a, scope)).collect())
            }
            K::Comprehension { func, var, list, body } => {
                let f = Function::from_word(&func.name).unwrap_or(Function::Count);
                let element = match self.type_of_list(list, scope) {
                    Some(Ty::List(inner)) => *inner,
                    _ => Ty::Text,
                };
                let list = self.expr(list, scope);
                scope.vars.push((var.name.clone(), element));
                let body = self.expr(body, scope);
                scope.vars.pop();
                Ir::Aggregate(f, b(list), b(body))
            }
        }
    }

    fn is_local(&self, name: &str, scope: &Scope) -> bool {
        scope.vars.iter().any(|(v, _)| *v == name)
            || scope.event_fields.iter().any(|(f, _)| f == name)
            || scope.service.is_some_and(|s| local(s, name).is_some())
    }

    fn name(&self, name: &str, scope: &Scope) -> Ir {
        if let Some(depth) = scope.vars.iter().rposition(|(v, _)| *v == name) {
            return Ir::Var(depth);
        }
        if let Some(i) = scope.event_fields.iter().position(|(f, _)| f == name) {
            return Ir::EventField(i);
        }
        if let Some(ir) = scope.service.and_then(|s| local(s, name)) {
            return ir;
        }
        if let Some(&p) = self.params.get(name) {
            return Ir::Param(p);
        }
        match self.variants.get(name) {
            Some(Some((e, v))) => Ir::Const(Value::Enum(*e as u32, *v as u32)),
            _ => Ir::Const(Value::Bool(false)),
        }
    }

    /// The record type of an expression used with `.field`, when it is a name or a variable.
    fn record_of(&self, e: &ast::Expr, scope: &Scope) -> Option<usize> {
        match self.static_type(e, scope)? {
            Ty::Record(r) => Some(r as usize),
            _ => None,
        }
    }

    fn type_of_list(&self, e: &ast::Expr, scope: &Scope) -> Option<Ty> {
        self.static_type(e, scope)
    }

    /// Enough typing to find record fields: names, variables and fields of records.
    fn static_type(&self, e: &ast::Expr, scope: &Scope) -> Option<Ty> {
        match &e.kind {
            ast::ExprKind::Name(i) => {
                if let Some((_, t)) = scope.vars.iter().rev().find(|(v, _)| *v == i.name) {
                    return Some(t.clone());
                }
                if let Some((_, t)) = scope.event_fields.iter().find(|(f, _)| *f == i.name) {
                    return Some(t.clone());
                }
                let s = scope.service?;
                if let Some(input) = s.inputs.iter().find(|x| x.name.name == i.name) {
                    return Some(self.ty(&input.ty));
                }
                let d = s.derived.iter().find(|x| x.name.name == i.name)?;
                match &d.ty {
                    Some(t) => Some(self.ty(t)),
                    None => self.static_type(&d.value, scope),
                }
            }
            ast::ExprKind::Member(base, field) => match self.static_type(base, scope)? {
                Ty::Record(r) => scope
                    .model
                    .records
                    .get(r as usize)?
                    .fields
                    .iter()
                    .find(|(n, _)| *n == field.name)
                    .map(|(_, t)| t.clone()),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A service-local name as an IR slot.
fn local(s: &ast::Service, name: &str) -> Option<Ir> {
    if let Some(i) = s.inputs.iter().position(|x| x.name.name == name) {
        return Some(Ir::Input(i));
    }
    if let Some(i) = s.derived.iter().position(|x| x.name.name == name) {
        return Some(Ir::Derived(i));
    }
    if let Some(i) = s.criteria.iter().position(|x| x.name.name == name) {
        return Some(Ir::Criterion(i));
    }
    s.outputs.iter().position(|x| x.name.name == name && x.value.is_some()).map(Ir::Output)
}

/// Parses a literal of a type, as profiles give them.
pub fn parse_scalar(ty: &Ty, text: &str, model: &Model) -> Result<Value, String> {
    // A cell of megabytes is named by its beginning, not echoed whole.
    let shown = || match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    };
    let bad = |what: &str| Err(format!("`{}` is not {what}", shown()));
    match ty {
        Ty::Bool => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => bad("`true` or `false`"),
        },
        Ty::Int => text.parse().map(Value::Int).or_else(|_| bad("a whole number")),
        Ty::Decimal => Decimal::from_str(text).map(Value::Decimal).or_else(|_| bad("a number")),
        Ty::Money => match Decimal::from_str(text) {
            Ok(d) if d.scale() <= 2 => Ok(Value::Money(d)),
            Ok(_) => bad("an amount in roubles with at most two decimals"),
            Err(_) => bad("an amount in roubles"),
        },
        Ty::Date => Date::parse(text).map(Value::Date).ok_or(()).or_else(|_| bad("a date (YYYY-MM-DD)")),
        Ty::Days(k) => text.parse().map(|n| Value::Days(n, *k)).or_else(|_| bad("a number of days")),
        Ty::Text => Ok(Value::Text(text.into())),
        Ty::Id(kind) => match crate::check::identifiers::validate(*kind, text) {
            Ok(()) => Ok(Value::Text(text.into())),
            Err(why) => Err(format!("`{}`: {why}", shown())),
        },
        Ty::Document => match text {
            "true" | "present" => Ok(Value::Document),
            _ => bad("`true` (a document that exists)"),
        },
        Ty::Enum(e) => {
            let en = &model.enums[*e as usize];
            match en.variants.iter().position(|v| v == text) {
                Some(v) => Ok(Value::Enum(*e, v as u32)),
                None => Err(format!(
                    "`{}` is not a variant of `{}` ({})",
                    shown(),
                    en.name,
                    en.variants.join(", ")
                )),
            }
        }
        Ty::Record(_) | Ty::List(_) => bad("a single value"),
    }
}
