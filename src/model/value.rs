//! Runtime values of the simulator. Money and decimals are exact (`rust_decimal`).

use super::arena::{EnumId, RecordId};
use crate::date::Date;
use crate::vocabulary::Unit;
use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Money(Decimal),
    Date(Date),
    Term(i64, Unit),
    Text(Arc<str>),
    /// A document or registry record that exists.
    Document,
    /// Enum index and variant index in the model.
    Enum(EnumId, u32),
    /// A record (by index in the model) and its fields in declaration order; a field
    /// may be unknown.
    Record(RecordId, Arc<[Option<Value>]>),
    List(Arc<[Value]>),
    /// A scale's brackets in force: thresholds in increasing order, each with its value.
    Scale(Arc<[(Value, Value)]>),
    /// A fact's values by month, and what a month without one means.
    Monthly(Arc<Series>),
    /// A person or a group of the profile, by its place there.
    Person(u32),
    Group(u32),
}

/// Values by month: months as numbers (`year × 12 + month − 1`), sorted, each once.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub months: Vec<(i64, Value)>,
    /// The fact's default: what a month the registry is silent on means.
    pub default: Option<Value>,
}

impl Series {
    /// The value of a month, or the default.
    pub fn at(&self, month: i64) -> Option<&Value> {
        match self.months.binary_search_by_key(&month, |(m, _)| *m) {
            Ok(i) => Some(&self.months[i].1),
            Err(_) => self.default.as_ref(),
        }
    }
}

impl Value {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A number as an exact decimal (ints widen).
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Int(i) => Some(Decimal::from(*i)),
            Value::Decimal(d) | Value::Money(d) => Some(*d),
            _ => None,
        }
    }
}

/// Money is shown with two decimals, other decimals as they are.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Decimal(d) => write!(f, "{}", d.normalize()),
            // Half up (away from zero), as amounts are written: 0.125 → 0.13.
            Value::Money(d) => write!(
                f,
                "{:.2}",
                d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            ),
            Value::Date(d) => write!(f, "{d}"),
            Value::Term(n, unit) => f.write_str(&unit.show(*n)),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Document => f.write_str("present"),
            Value::Enum(e, v) => write!(f, "#{}.{v}", e.0),
            Value::Record(_, fields) => write!(f, "record of {} fields", fields.len()),
            Value::List(items) => write!(f, "list of {}", items.len()),
            Value::Scale(b) => write!(f, "scale of {} brackets", b.len()),
            Value::Monthly(s) => write!(f, "values for {} months", s.months.len()),
            Value::Person(i) => write!(f, "person #{i}"),
            Value::Group(i) => write!(f, "group #{i}"),
        }
    }
}
