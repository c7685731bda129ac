//! Evaluation of compiled expressions in three-valued logic: a value that depends on a
//! fact the profile lacks is unknown (`None`), never false. `and`/`or` follow Kleene:
//! `false and unknown` is false, `true or unknown` is true.

use super::model::{Ir, Model, Service};
use super::value::Value;
use crate::date::Date;
use crate::syntax::ast::{BinOp, DayKind};
use crate::vocabulary::Function;
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;

#[derive(Clone)]
enum Slot {
    Todo,
    Busy,
    Done(Option<Value>),
}

/// One evaluation: a service's inputs (or an event's fields) on a decision date.
pub struct Frame<'m> {
    pub model: &'m Model,
    pub service: Option<&'m Service>,
    pub inputs: &'m [Option<Value>],
    pub event: &'m [Option<Value>],
    pub today: Date,
    derived: Vec<Slot>,
    criteria: Vec<Slot>,
    outputs: Vec<Slot>,
    vars: Vec<Value>,
    /// Inputs (by index) or event fields read while unknown.
    pub missing: Vec<usize>,
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
            today,
            derived: vec![Slot::Todo; d],
            criteria: vec![Slot::Todo; c],
            outputs: vec![Slot::Todo; o],
            vars: Vec::new(),
            missing: Vec::new(),
        }
    }

    pub fn criterion(&mut self, i: usize) -> Option<bool> {
        self.slot(SlotKind::Criterion, i).and_then(|v| v.as_bool())
    }

    pub fn derived(&mut self, i: usize) -> Option<Value> {
        self.slot(SlotKind::Derived, i)
    }

    pub fn output(&mut self, i: usize) -> Option<Value> {
        self.slot(SlotKind::Output, i)
    }

    fn slot(&mut self, kind: SlotKind, i: usize) -> Option<Value> {
        let service = self.service?;
        let slots = match kind {
            SlotKind::Derived => &mut self.derived,
            SlotKind::Criterion => &mut self.criteria,
            SlotKind::Output => &mut self.outputs,
        };
        match slots.get(i)? {
            Slot::Done(v) => return v.clone(),
            Slot::Busy => return None, // a cycle; the checker rejects these
            Slot::Todo => {}
        }
        slots[i] = Slot::Busy;
        let saved = std::mem::take(&mut self.vars);
        let ir = match kind {
            SlotKind::Derived => Some(&service.derived[i].1),
            SlotKind::Criterion => Some(&service.criteria[i].ir),
            SlotKind::Output => service.outputs[i].value.as_ref(),
        };
        let value = ir.and_then(|ir| self.eval(ir));
        self.vars = saved;
        let slots = match kind {
            SlotKind::Derived => &mut self.derived,
            SlotKind::Criterion => &mut self.criteria,
            SlotKind::Output => &mut self.outputs,
        };
        slots[i] = Slot::Done(value.clone());
        value
    }

    pub fn eval(&mut self, ir: &Ir) -> Option<Value> {
        match ir {
            Ir::Const(v) => Some(v.clone()),
            Ir::Today => Some(Value::Date(self.today)),
            Ir::Input(i) => {
                let v = self.inputs.get(*i).cloned().flatten();
                if v.is_none() && !self.missing.contains(i) {
                    self.missing.push(*i);
                }
                v
            }
            Ir::EventField(i) => {
                let v = self.event.get(*i).cloned().flatten();
                if v.is_none() && !self.missing.contains(i) {
                    self.missing.push(*i);
                }
                v
            }
            Ir::Derived(i) => self.derived(*i),
            Ir::Criterion(i) => self.criterion(*i).map(Value::Bool),
            Ir::Output(i) => self.output(*i),
            Ir::Param(p) => self.model.params.get(*p)?.at(self.today).cloned(),
            Ir::Var(depth) => self.vars.get(*depth).cloned(),
            Ir::Field(base, i) => match self.eval(base)? {
                Value::Record(_, fields) => fields.get(*i).cloned().flatten(),
                _ => None,
            },
            Ir::Not(x) => Some(Value::Bool(!self.eval(x)?.as_bool()?)),
            Ir::Neg(x) => match self.eval(x)? {
                Value::Int(i) => i.checked_neg().map(Value::Int),
                Value::Decimal(d) => Some(Value::Decimal(-d)),
                Value::Money(d) => Some(Value::Money(-d)),
                Value::Days(n, k) => n.checked_neg().map(|n| Value::Days(n, k)),
                _ => None,
            },
            Ir::Binary(BinOp::And, l, r) => {
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
            Ir::Binary(BinOp::Or, l, r) => {
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
            Ir::Binary(op, l, r) => {
                let l = self.eval(l);
                let r = self.eval(r);
                binary(*op, &l?, &r?)
            }
            Ir::In(x, set) => {
                let x = self.eval(x);
                let items: Vec<Option<Value>> = set.iter().map(|i| self.eval(i)).collect();
                let x = x?;
                if items.iter().flatten().any(|i| compare(&x, i) == Some(Ordering::Equal)) {
                    return Some(Value::Bool(true));
                }
                items.iter().all(Option::is_some).then_some(Value::Bool(false))
            }
            Ir::If(c, t, f) => match self.eval(c)?.as_bool()? {
                true => self.eval(t),
                false => self.eval(f),
            },
            Ir::Call(f, args) => {
                let values: Vec<Option<Value>> = args.iter().map(|a| self.eval(a)).collect();
                call(*f, &values, self.today)
            }
            Ir::Aggregate(f, list, body) => {
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

#[derive(Clone, Copy)]
enum SlotKind {
    Derived,
    Criterion,
    Output,
}

/// Order of two values of one type (numbers of any kind compare as decimals).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Days(x, _), Value::Days(y, _)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Enum(e1, v1), Value::Enum(e2, v2)) => Some((e1, v1).cmp(&(e2, v2))),
        (Value::Document, Value::Document) => Some(Ordering::Equal),
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
            (Value::Date(d), Value::Days(n, k)) => {
                add_days(*d, if op == Add { *n } else { n.checked_neg()? }, *k).map(Value::Date)
            }
            (Value::Days(n, k), Value::Date(d)) if op == Add => add_days(*d, *n, *k).map(Value::Date),
            (Value::Date(a), Value::Date(b)) if op == Sub => {
                Some(Value::Days(a.day_number() - b.day_number(), DayKind::Calendar))
            }
            (Value::Days(a, k), Value::Days(b, _)) => {
                if op == Add { a.checked_add(*b) } else { a.checked_sub(*b) }.map(|n| Value::Days(n, *k))
            }
            _ => {
                let (a, b) = (l.as_decimal()?, r.as_decimal()?);
                let v = if op == Add { a.checked_add(b) } else { a.checked_sub(b) }?;
                Some(if is_money(l) || is_money(r) { Value::Money(v) } else { Value::Decimal(v) })
            }
        },
        Mul => match (l, r) {
            (Value::Int(a), Value::Int(b)) => a.checked_mul(*b).map(Value::Int),
            (Value::Days(n, k), Value::Int(m)) | (Value::Int(m), Value::Days(n, k)) => {
                n.checked_mul(*m).map(|n| Value::Days(n, *k))
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

/// Adds calendar days, or working days skipping Saturdays and Sundays; `None` beyond the
/// years 1 to 9999.
pub fn add_days(date: Date, days: i64, kind: DayKind) -> Option<Date> {
    if kind == DayKind::Calendar {
        return date.checked_add_days(days);
    }
    // 1970-01-01 was a Thursday: weekday 0 is Monday.
    let weekday = |d: Date| (d.day_number() + 3).rem_euclid(7) < 5;
    let step = days.signum();
    let mut d = date;
    let mut left = days.unsigned_abs();
    // From a weekday, five working days are a week: jump whole weeks, walk the rest.
    while left > 0 && !weekday(d) {
        d = d.checked_add_days(step)?;
        left -= u64::from(weekday(d));
    }
    if left > 5 {
        let weeks = (left - 1) / 5;
        d = d.checked_add_days(step * i64::try_from(weeks.checked_mul(7)?).ok()?)?;
        left -= weeks * 5;
    }
    while left > 0 {
        d = d.checked_add_days(step)?;
        left -= u64::from(weekday(d));
    }
    Some(d)
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
        Function::DaysBetween => match (args.first()?, args.get(1)?) {
            (Some(Value::Date(a)), Some(Value::Date(b))) => Some(Value::Int(b.day_number() - a.day_number())),
            _ => None,
        },
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

    /// Working days one at a time, the definition the week jumps must agree with.
    fn walk(date: Date, days: i64) -> Date {
        let mut d = date;
        for _ in 0..days.abs() {
            d = d.add_days(days.signum());
            while (d.day_number() + 3).rem_euclid(7) >= 5 {
                d = d.add_days(days.signum());
            }
        }
        d
    }

    #[test]
    fn working_days_jump_whole_weeks_as_walking_would() {
        let start = Date::parse("2024-03-01").unwrap();
        for offset in 0..14 {
            let date = start.add_days(offset);
            for days in -23..=23 {
                assert_eq!(add_days(date, days, DayKind::Working), Some(walk(date, days)), "{date} {days}");
            }
        }
        assert_eq!(add_days(start, i64::MAX, DayKind::Working), None);
        assert_eq!(add_days(start, i64::MIN, DayKind::Calendar), None);
    }
}
