//! Evaluation of compiled expressions in three-valued logic: a value that depends on a
//! fact the profile lacks is unknown (`None`), never false. `and`/`or` follow Kleene:
//! `false and unknown` is false, `true or unknown` is true.

use super::profile::Profile;
use crate::date::Date;
use crate::model::{Expr, ExprKind, FactRef, Local, Model, ParamId, Series, Service, Type, Value};
use crate::vocabulary::{BinOp, Function, Unit};
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;

/// A fact found unknown: an input or event field by place, or a fact of a person or group
/// of the profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Missing {
    Input(usize),
    EventField(usize),
    Fact { group: bool, index: u32, fact: FactRef },
}

/// What the regulations lack for a value: a parameter with no value in force on the
/// decision date, or a year the production calendar does not declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gap {
    Param(ParamId),
    Calendar(i32),
}

impl Gap {
    /// As decisions list it: the parameter's name, or `calendar YEAR`.
    pub fn name(self, model: &Model) -> String {
        match self {
            Gap::Param(p) => model.params[p].name.text.clone(),
            Gap::Calendar(year) => format!("calendar {year}"),
        }
    }

    /// What is lacking, in a sentence's words.
    pub fn describe(self, model: &Model, on: Date) -> String {
        match self {
            Gap::Param(p) => {
                format!("parameter `{}` has no value in force on {on}", model.params[p].name.text)
            }
            Gap::Calendar(year) => match &model.calendar {
                Some(c) => format!("the production calendar `{}` does not declare {year}", c.name.text),
                None => {
                    format!("working days of {year} need a production calendar, and the set declares none")
                }
            },
        }
    }
}

/// The persons and groups a decision is about: the profile, and the entity each role
/// binds (a service's roles, or an event's in a trigger condition).
#[derive(Clone, Copy)]
pub struct World<'p> {
    pub profile: &'p Profile,
    pub binding: &'p [Option<Value>],
}

#[derive(Clone)]
enum Slot {
    Todo,
    Busy,
    /// The value, with the facts it found unknown and the gaps it met (read again with it).
    Done(Option<Value>, Vec<Missing>, Vec<Gap>),
}

/// One evaluation: a service's inputs (or an event's fields) on a decision date.
pub struct Frame<'m> {
    pub model: &'m Model,
    pub service: Option<&'m Service>,
    pub inputs: &'m [Option<Value>],
    pub event: &'m [Option<Value>],
    pub world: Option<World<'m>>,
    pub today: Date,
    derived: Vec<Slot>,
    criteria: Vec<Slot>,
    outputs: Vec<Slot>,
    vars: Vec<Value>,
    /// Facts read while unknown.
    pub missing: Vec<Missing>,
    /// What the regulations lack: parameters read on a date no period of theirs covers,
    /// years the production calendar does not declare.
    pub gaps: Vec<Gap>,
}

impl<'m> Frame<'m> {
    pub fn new(
        model: &'m Model,
        service: Option<&'m Service>,
        inputs: &'m [Option<Value>],
        event: &'m [Option<Value>],
        today: Date,
    ) -> Self {
        let (d, c, o) = service.map_or((0, 0, 0), |s| (s.derived.len(), s.criteria.len(), s.outputs.len()));
        Frame {
            model,
            service,
            inputs,
            event,
            world: None,
            today,
            derived: vec![Slot::Todo; d],
            criteria: vec![Slot::Todo; c],
            outputs: vec![Slot::Todo; o],
            vars: Vec::new(),
            missing: Vec::new(),
            gaps: Vec::new(),
        }
    }

    pub fn criterion(&mut self, i: usize) -> Option<bool> {
        self.local(Local::Criterion(i)).and_then(|v| v.as_bool())
    }

    pub fn derived(&mut self, i: usize) -> Option<Value> {
        self.local(Local::Derived(i))
    }

    pub fn output(&mut self, i: usize) -> Option<Value> {
        self.local(Local::Output(i))
    }

    /// The value of a service-local, each computed once per frame.
    pub fn local(&mut self, local: Local) -> Option<Value> {
        let (slots, i) = match local {
            Local::Input(i) => {
                let v = self.inputs.get(i).cloned().flatten();
                if v.is_none() {
                    self.note(&[Missing::Input(i)], &[]);
                }
                return v;
            }
            Local::Derived(i) => (&mut self.derived, i),
            Local::Criterion(i) => (&mut self.criteria, i),
            Local::Output(i) => (&mut self.outputs, i),
        };
        match slots.get(i)? {
            Slot::Done(v, missing, gaps) => {
                let v = v.clone();
                let (missing, gaps) = (missing.clone(), gaps.clone());
                self.note(&missing, &gaps);
                return v;
            }
            Slot::Busy => return None, // a cycle; the checker rejects these
            Slot::Todo => {}
        }
        slots[i] = Slot::Busy;
        let saved = std::mem::take(&mut self.vars);
        let outer = (std::mem::take(&mut self.missing), std::mem::take(&mut self.gaps));
        let value = self.service?.local(local).and_then(|e| self.eval(e));
        self.vars = saved;
        let missing = std::mem::replace(&mut self.missing, outer.0);
        let gaps = std::mem::replace(&mut self.gaps, outer.1);
        self.note(&missing, &gaps);
        let slots = match local {
            Local::Derived(_) => &mut self.derived,
            Local::Criterion(_) => &mut self.criteria,
            _ => &mut self.outputs,
        };
        slots[i] = Slot::Done(value.clone(), missing, gaps);
        value
    }

    /// Records inputs and parameters found unknown, once each.
    fn note(&mut self, missing: &[Missing], gaps: &[Gap]) {
        for i in missing {
            if !self.missing.contains(i) {
                self.missing.push(*i);
            }
        }
        for p in gaps {
            if !self.gaps.contains(p) {
                self.gaps.push(*p);
            }
        }
    }

    pub fn eval(&mut self, e: &Expr) -> Option<Value> {
        match &e.kind {
            ExprKind::Const(v) => Some(v.clone()),
            ExprKind::Today => Some(Value::Date(self.today)),
            ExprKind::Local(local) => self.local(*local),
            ExprKind::Error => None,
            ExprKind::EventField(i) => {
                let v = self.event.get(*i).cloned().flatten();
                if v.is_none() {
                    self.note(&[Missing::EventField(*i)], &[]);
                }
                v
            }
            ExprKind::Param(p) => self.param(*p, 0),
            ExprKind::ParamAt(p, key) => match self.eval(key)? {
                Value::Enum(_, k) => self.param(*p, k as usize),
                _ => None,
            },
            ExprKind::Role(i) => self.world?.binding.get(*i).cloned().flatten(),
            ExprKind::Fact(base, fact) => {
                let entity = self.eval(base)?;
                let world = self.world?;
                let (group, index) = match entity {
                    Value::Person(i) => (false, i),
                    Value::Group(i) => (true, i),
                    _ => return None,
                };
                let declared = self.model.fact(*fact);
                let v = match (&declared.ty, world.profile.fact(&entity, fact.fact)) {
                    // A month the registry is silent on means the fact's default.
                    (Type::Monthly(_), given) => {
                        let months = match given {
                            Some(Value::Monthly(s)) => s.months.clone(),
                            _ => Vec::new(),
                        };
                        let default = declared.default.clone();
                        (given.is_some() || default.is_some())
                            .then(|| Value::Monthly(std::sync::Arc::new(Series { months, default })))
                    }
                    (_, given) => given.or(declared.default.as_ref()).cloned(),
                };
                if v.is_none() {
                    self.note(&[Missing::Fact { group, index, fact: *fact }], &[]);
                }
                v
            }
            ExprKind::Members(base, role) => {
                let Value::Group(g) = self.eval(base)? else { return None };
                let members: Vec<Value> = self.world?.profile.members(g, *role).map(Value::Person).collect();
                Some(Value::List(members.into()))
            }
            ExprKind::Member(base, role) => {
                let Value::Group(g) = self.eval(base)? else { return None };
                self.world?.profile.members(g, Some(*role)).next().map(Value::Person)
            }
            ExprKind::GroupOf(base, entity) => {
                let Value::Person(p) = self.eval(base)? else { return None };
                self.world?.profile.group_of(p, *entity).map(Value::Group)
            }
            ExprKind::Var(depth) => self.vars.get(*depth).cloned(),
            ExprKind::Field(base, i) => match self.eval(base)? {
                Value::Record(_, fields) => fields.get(*i).cloned().flatten(),
                _ => None,
            },
            ExprKind::Not(x) => Some(Value::Bool(!self.eval(x)?.as_bool()?)),
            ExprKind::Neg(x) => match self.eval(x)? {
                Value::Int(i) => i.checked_neg().map(Value::Int),
                Value::Decimal(d) => Some(Value::Decimal(-d)),
                Value::Money(d) => Some(Value::Money(-d)),
                Value::Term(n, k) => n.checked_neg().map(|n| Value::Term(n, k)),
                _ => None,
            },
            ExprKind::Binary(BinOp::And, l, r) => {
                let l = self.eval(l).and_then(|v| v.as_bool());
                if l == Some(false) {
                    return Some(Value::Bool(false));
                }
                let r = self.eval(r).and_then(|v| v.as_bool());
                match (l, r) {
                    (_, Some(false)) => Some(Value::Bool(false)),
                    (Some(true), Some(true)) => Some(Value::Bool(true)),
                    _ => None,
                }
            }
            ExprKind::Binary(BinOp::Or, l, r) => {
                let l = self.eval(l).and_then(|v| v.as_bool());
                if l == Some(true) {
                    return Some(Value::Bool(true));
                }
                let r = self.eval(r).and_then(|v| v.as_bool());
                match (l, r) {
                    (_, Some(true)) => Some(Value::Bool(true)),
                    (Some(false), Some(false)) => Some(Value::Bool(false)),
                    _ => None,
                }
            }
            ExprKind::Binary(op, l, r) => {
                let l = self.eval(l);
                let r = self.eval(r);
                match (op, l?, r?) {
                    (BinOp::Add, Value::Date(d), Value::Term(n, Unit::WorkingDays))
                    | (BinOp::Add, Value::Term(n, Unit::WorkingDays), Value::Date(d)) => {
                        self.working(d, Some(n))
                    }
                    (BinOp::Sub, Value::Date(d), Value::Term(n, Unit::WorkingDays)) => {
                        self.working(d, Some(n.checked_neg()?))
                    }
                    (op, l, r) => binary(*op, &l, &r),
                }
            }
            ExprKind::In(x, set) => {
                let x = self.eval(x);
                let items: Vec<Option<Value>> = set.iter().map(|i| self.eval(i)).collect();
                let x = x?;
                if items.iter().flatten().any(|i| compare(&x, i) == Some(Ordering::Equal)) {
                    return Some(Value::Bool(true));
                }
                items.iter().all(Option::is_some).then_some(Value::Bool(false))
            }
            ExprKind::If(c, t, f) => match self.eval(c)?.as_bool()? {
                true => self.eval(t),
                false => self.eval(f),
            },
            ExprKind::Call(Function::FirstWorkingDay, args) => match self.eval(args.first()?)? {
                Value::Date(d) => self.working(d, None),
                _ => None,
            },
            ExprKind::Call(f, args) => {
                let values: Vec<Option<Value>> = args.iter().map(|a| self.eval(a)).collect();
                let v = call(*f, &values, self.today);
                // A month the history lacks (and no default covers) leaves the fact missing.
                if v.is_none()
                    && matches!(f, Function::Total | Function::ValueOn)
                    && values.iter().all(Option::is_some)
                    && let Some(ExprKind::Fact(base, fact)) = args.first().map(|a| &a.kind)
                {
                    match self.eval(base) {
                        Some(Value::Person(i)) => {
                            self.note(&[Missing::Fact { group: false, index: i, fact: *fact }], &[])
                        }
                        Some(Value::Group(i)) => {
                            self.note(&[Missing::Fact { group: true, index: i, fact: *fact }], &[])
                        }
                        _ => {}
                    }
                }
                v
            }
            ExprKind::Aggregate(f, list, body) => {
                // Over a group's members, straight from the profile: no list is built.
                if let ExprKind::Members(group, role) = &list.kind {
                    let Value::Group(g) = self.eval(group)? else { return None };
                    let profile = self.world?.profile;
                    let mut results = Vec::with_capacity(8);
                    for p in profile.members(g, *role) {
                        self.vars.push(Value::Person(p));
                        results.push(self.eval(body));
                        self.vars.pop();
                    }
                    return aggregate(*f, &results);
                }
                let Value::List(items) = self.eval(list)? else { return None };
                let mut results = Vec::with_capacity(items.len());
                for item in items.iter() {
                    self.vars.push(item.clone());
                    results.push(self.eval(body));
                    self.vars.pop();
                }
                aggregate(*f, &results)
            }
        }
    }
}

impl Frame<'_> {
    /// A parameter's value in force today for a key; a gap is noted.
    fn param(&mut self, p: ParamId, key: usize) -> Option<Value> {
        let v = self.model.params.get(p)?.at(self.today, key).cloned();
        if v.is_none() {
            self.note(&[], &[Gap::Param(p)]);
        }
        v
    }

    /// `n` working days from a date, or (without `n`) its first working day, by the
    /// production calendar; a year it does not declare is noted as a gap.
    fn working(&mut self, date: Date, n: Option<i64>) -> Option<Value> {
        let result = match &self.model.calendar {
            None => Err(date.year),
            Some(c) => match n {
                Some(n) => c.add_working_days(date, n),
                None => c.first_working_day(date),
            },
        };
        match result {
            Ok(d) => d.map(Value::Date),
            Err(year) => {
                self.note(&[], &[Gap::Calendar(year)]);
                None
            }
        }
    }
}

/// Order of two values of one type (numbers of any kind compare as decimals).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Term(x, _), Value::Term(y, _)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Enum(e1, v1), Value::Enum(e2, v2)) => Some((e1, v1).cmp(&(e2, v2))),
        (Value::Document, Value::Document) => Some(Ordering::Equal),
        (Value::Person(x), Value::Person(y)) | (Value::Group(x), Value::Group(y)) => Some(x.cmp(y)),
        _ => Some(a.as_decimal()?.cmp(&b.as_decimal()?)),
    }
}

fn is_money(v: &Value) -> bool {
    matches!(v, Value::Money(_))
}

fn binary(op: BinOp, l: &Value, r: &Value) -> Option<Value> {
    use BinOp::*;
    let truth = |b: bool| Some(Value::Bool(b));
    match op {
        Eq => truth(compare(l, r)? == Ordering::Equal),
        Ne => truth(compare(l, r)? != Ordering::Equal),
        Lt => truth(compare(l, r)? == Ordering::Less),
        Le => truth(compare(l, r)? != Ordering::Greater),
        Gt => truth(compare(l, r)? == Ordering::Greater),
        Ge => truth(compare(l, r)? != Ordering::Less),
        Add | Sub => match (l, r) {
            (Value::Int(a), Value::Int(b)) => {
                if op == Add { a.checked_add(*b) } else { a.checked_sub(*b) }.map(Value::Int)
            }
            (Value::Date(d), Value::Term(n, k)) => {
                add_days(*d, if op == Add { *n } else { n.checked_neg()? }, *k).map(Value::Date)
            }
            (Value::Term(n, k), Value::Date(d)) if op == Add => add_days(*d, *n, *k).map(Value::Date),
            (Value::Date(a), Value::Date(b)) if op == Sub => {
                Some(Value::Term(a.day_number() - b.day_number(), Unit::Days))
            }
            (Value::Term(a, k), Value::Term(b, _)) => {
                if op == Add { a.checked_add(*b) } else { a.checked_sub(*b) }.map(|n| Value::Term(n, *k))
            }
            _ => {
                let (a, b) = (l.as_decimal()?, r.as_decimal()?);
                let v = if op == Add { a.checked_add(b) } else { a.checked_sub(b) }?;
                Some(if is_money(l) || is_money(r) { Value::Money(v) } else { Value::Decimal(v) })
            }
        },
        Mul => match (l, r) {
            (Value::Int(a), Value::Int(b)) => a.checked_mul(*b).map(Value::Int),
            (Value::Term(n, k), Value::Int(m)) | (Value::Int(m), Value::Term(n, k)) => {
                n.checked_mul(*m).map(|n| Value::Term(n, *k))
            }
            _ => {
                let v = l.as_decimal()?.checked_mul(r.as_decimal()?)?;
                Some(if is_money(l) || is_money(r) { Value::Money(v) } else { Value::Decimal(v) })
            }
        },
        Div => {
            let (a, b) = (l.as_decimal()?, r.as_decimal()?);
            let v = a.checked_div(b)?;
            Some(if is_money(l) && !is_money(r) { Value::Money(v) } else { Value::Decimal(v) })
        }
        And | Or => None,
    }
}

/// Adds calendar days, months or years (working days need the production calendar:
/// `Frame::working`); `None` beyond the years 1 to 9999.
pub fn add_days(date: Date, n: i64, unit: Unit) -> Option<Date> {
    match unit {
        Unit::Days => date.checked_add_days(n),
        Unit::Months => date.add_months(n),
        Unit::Years => date.add_months(n.checked_mul(12)?),
        Unit::WorkingDays => None,
    }
}

/// Money and decimals rounded to kopecks, half up (half away from zero).
pub fn round_kopecks(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn call(f: Function, args: &[Option<Value>], today: Date) -> Option<Value> {
    match f {
        Function::Age => {
            let Some(Value::Date(birth)) = args.first()? else { return None };
            let on = match args.get(1) {
                Some(Some(Value::Date(d))) => *d,
                Some(_) => return None,
                None => today,
            };
            Some(Value::Int(birth.years_until(on)))
        }
        // Needs the calendar: `Frame::working`.
        Function::FirstWorkingDay => None,
        Function::Total => match (args.first()?, args.get(1)?, args.get(2)?) {
            (Some(Value::Monthly(s)), Some(Value::Date(from)), Some(Value::Date(to))) => {
                let (first, last) = (from.month_number(), to.month_number());
                // A window runs forward; an empty one sums to zero of the values' kind.
                let mut total = s.at(first).and_then(|v| binary(BinOp::Sub, v, v)).unwrap_or(Value::Int(0));
                for m in first..=last {
                    total = binary(BinOp::Add, &total, s.at(m)?)?;
                }
                Some(total)
            }
            _ => None,
        },
        Function::ValueOn => match (args.first()?, args.get(1)?) {
            (Some(Value::Monthly(s)), Some(Value::Date(on))) => s.at(on.month_number()).cloned(),
            _ => None,
        },
        Function::DaysBetween => match (args.first()?, args.get(1)?) {
            (Some(Value::Date(a)), Some(Value::Date(b))) => Some(Value::Int(b.day_number() - a.day_number())),
            _ => None,
        },
        Function::ScaleRate | Function::ScaleAmount | Function::Bracket => {
            let (Some(Value::Scale(brackets)), Some(base)) = (args.first()?, args.get(1)?) else {
                return None;
            };
            scale(f, brackets, base)
        }
        Function::Round => match args.first()?.as_ref()? {
            Value::Money(d) => Some(Value::Money(round_kopecks(*d))),
            Value::Decimal(d) => Some(Value::Decimal(round_kopecks(*d))),
            _ => None,
        },
        Function::Min | Function::Max => {
            let values: Vec<Value> = match args {
                [Some(Value::List(items))] => items.to_vec(),
                _ => args.iter().cloned().collect::<Option<Vec<_>>>()?,
            };
            extreme(f, &values)
        }
        Function::Count => match args.first()?.as_ref()? {
            Value::List(items) => Some(Value::Int(items.len() as i64)),
            _ => None,
        },
        Function::Sum | Function::Any | Function::All => match args.first()?.as_ref()? {
            Value::List(items) => aggregate(f, &items.iter().cloned().map(Some).collect::<Vec<_>>()),
            _ => None,
        },
    }
}

/// A scale applied to a base, as OpenFisca's tax scales are: marginal rates (each rate on
/// the part of the base in its bracket), marginal amounts (the amounts of every bracket the
/// base is strictly above), or the single value of the bracket the base is in.
fn scale(f: Function, brackets: &[(Value, Value)], base: &Value) -> Option<Value> {
    let x = base.as_decimal()?;
    let money = matches!(base, Value::Money(_));
    match f {
        Function::ScaleRate => {
            let mut total = Decimal::ZERO;
            for (i, (threshold, rate)) in brackets.iter().enumerate() {
                let low = threshold.as_decimal()?;
                let high = brackets.get(i + 1).and_then(|(t, _)| t.as_decimal());
                let part = high.map_or(x, |h| x.min(h)) - low;
                if part > Decimal::ZERO {
                    total = total.checked_add(part.checked_mul(rate.as_decimal()?)?)?;
                }
            }
            Some(if money { Value::Money(total) } else { Value::Decimal(total) })
        }
        Function::ScaleAmount => {
            let passed = brackets.iter().filter(|(t, _)| t.as_decimal().is_some_and(|t| x > t));
            let mut total: Option<Value> = None;
            for (_, amount) in passed {
                total = Some(match total {
                    None => amount.clone(),
                    Some(t) => binary(BinOp::Add, &t, amount)?,
                });
            }
            // Above no threshold: zero of the amounts' kind.
            total.or_else(|| brackets.first().and_then(|(_, a)| binary(BinOp::Sub, a, a)))
        }
        _ => {
            let i = brackets.partition_point(|(t, _)| t.as_decimal().is_some_and(|t| t <= x));
            Some(brackets.get(i.checked_sub(1)?)?.1.clone())
        }
    }
}

fn extreme(f: Function, values: &[Value]) -> Option<Value> {
    let mut best = values.first()?.clone();
    for v in &values[1..] {
        let ord = compare(v, &best)?;
        if (f == Function::Min && ord == Ordering::Less) || (f == Function::Max && ord == Ordering::Greater) {
            best = v.clone();
        }
    }
    Some(best)
}

fn aggregate(f: Function, results: &[Option<Value>]) -> Option<Value> {
    let bools = || results.iter().map(|r| r.as_ref().and_then(Value::as_bool));
    match f {
        Function::Count => {
            let mut n = 0;
            for b in bools() {
                n += i64::from(b?);
            }
            Some(Value::Int(n))
        }
        Function::Any => {
            if bools().any(|b| b == Some(true)) {
                Some(Value::Bool(true))
            } else {
                bools().all(|b| b.is_some()).then_some(Value::Bool(false))
            }
        }
        Function::All => {
            if bools().any(|b| b == Some(false)) {
                Some(Value::Bool(false))
            } else {
                bools().all(|b| b.is_some()).then_some(Value::Bool(true))
            }
        }
        Function::Sum => {
            let values: Vec<Value> = results.iter().cloned().collect::<Option<_>>()?;
            let mut total = Value::Int(0);
            for v in &values {
                total = binary(BinOp::Add, &total, v)?;
            }
            // An empty sum of money is still money when the list declares it; zero either way.
            Some(total)
        }
        Function::Min | Function::Max => {
            let values: Vec<Value> = results.iter().cloned().collect::<Option<_>>()?;
            extreme(f, &values)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Value {
        Value::Money(text.parse().unwrap())
    }

    /// The contribution scale of the households workload (RULES.md 4.5) and its threshold
    /// scales (4.13, 4.14), on and beside every threshold.
    #[test]
    fn scales_on_their_thresholds() {
        let d = |t: &str| Value::Decimal(t.parse().unwrap());
        let rates = [(money("0"), d("0.02")), (money("6000"), d("0.06")), (money("12400"), d("0.12"))];
        let rate = |x: &str| scale(Function::ScaleRate, &rates, &money(x));
        assert_eq!(rate("0"), Some(money("0")));
        assert_eq!(rate("6000"), Some(money("120")));
        // 0.02 × 6000 + 0.06 × 6400 + 0.12 × 0.01
        assert_eq!(rate("12400.01"), Some(money("504.0012")));
        let amounts = [(money("0"), money("0")), (money("249"), money("1")), (money("499"), money("1"))];
        let amount = |x: &str| scale(Function::ScaleAmount, &amounts, &money(x));
        assert_eq!(amount("249"), Some(money("0")));
        assert_eq!(amount("249.01"), Some(money("1")));
        assert_eq!(amount("500"), Some(money("2")));
        let prices = [(money("0"), money("0")), (money("250"), money("1")), (money("500"), money("2"))];
        let bracket = |x: &str| scale(Function::Bracket, &prices, &money(x));
        assert_eq!(bracket("249.99"), Some(money("0")));
        assert_eq!(bracket("250"), Some(money("1")));
        assert_eq!(bracket("1000000"), Some(money("2")));
        // A base below the first threshold is in no bracket.
        assert_eq!(bracket("-1"), None);
    }

    #[test]
    fn terms_move_dates_as_the_civil_code_counts() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(add_days(d("2026-01-31"), 1, Unit::Months), Some(d("2026-02-28")));
        assert_eq!(add_days(d("2024-02-29"), 1, Unit::Years), Some(d("2025-02-28")));
        assert_eq!(add_days(d("2026-03-31"), -1, Unit::Months), Some(d("2026-02-28")));
        assert_eq!(add_days(d("2026-01-01"), i64::MAX, Unit::Years), None);
        assert_eq!(add_days(d("2026-01-01"), i64::MIN, Unit::Days), None);
    }
}
