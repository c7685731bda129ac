//! The one type language of the checked model: the checker infers these, the simulator
//! reads values of them from profiles, the columnar evaluator maps them to column kinds.

use super::Model;
use super::arena::{EntityId, EnumId, RecordId};
use crate::vocabulary::{Builtin, IdKind, Unit};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Decimal,
    Money,
    Date,
    Term(Unit),
    Text,
    Id(IdKind),
    Document,
    Enum(EnumId),
    Record(RecordId),
    /// A person or a group, as a role binds it.
    Entity(EntityId),
    List(Box<Type>),
    /// A scale: brackets of thresholds of the first type, each with a value of the second.
    Scale(Box<Type>, Box<Type>),
    /// A fact's value for each month (an income history).
    Monthly(Box<Type>),
    /// The type of something already reported; fits everywhere so one error does not
    /// cascade. A model without errors has none.
    Error,
}

impl Type {
    pub fn is_number(&self) -> bool {
        matches!(self, Type::Int | Type::Decimal)
    }

    pub fn is_error(&self) -> bool {
        *self == Type::Error
    }

    /// Types whose values have an order (`<`, `min`, `max`).
    pub fn is_ordered(&self) -> bool {
        matches!(self, Type::Int | Type::Decimal | Type::Money | Type::Date | Type::Term(_))
    }

    /// Whether a value of type `self` may stand where `expected` is wanted.
    pub fn fits(&self, expected: &Type) -> bool {
        self == expected
            || self.is_error()
            || expected.is_error()
            || (*self == Type::Int && *expected == Type::Decimal)
            || match (self, expected) {
                (Type::List(a), Type::List(b)) => a.fits(b),
                _ => false,
            }
    }

    /// The common type of two values, if any (an int widens to a decimal).
    pub fn unify(&self, other: &Type) -> Option<Type> {
        if self.fits(other) && !self.is_error() {
            Some(other.clone())
        } else if other.fits(self) {
            Some(self.clone())
        } else {
            None
        }
    }

    pub fn of_builtin(b: Builtin) -> Type {
        match b {
            Builtin::Bool => Type::Bool,
            Builtin::Int => Type::Int,
            Builtin::Decimal => Type::Decimal,
            Builtin::Money => Type::Money,
            Builtin::Date => Type::Date,
            Builtin::Days => Type::Term(Unit::Days),
            Builtin::WorkingDays => Type::Term(Unit::WorkingDays),
            Builtin::Months => Type::Term(Unit::Months),
            Builtin::Years => Type::Term(Unit::Years),
            Builtin::Text => Type::Text,
            Builtin::Snils => Type::Id(IdKind::Snils),
            Builtin::Inn => Type::Id(IdKind::Inn),
            Builtin::Ogrn => Type::Id(IdKind::Ogrn),
            Builtin::Document => Type::Document,
        }
    }

    /// The type as an author writes it: enums and records by name.
    pub fn display<'a>(&'a self, model: &'a Model) -> impl fmt::Display + 'a {
        Shown(self, model)
    }
}

struct Shown<'a>(&'a Type, &'a Model);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Decimal => f.write_str("decimal"),
            Type::Money => f.write_str("money"),
            Type::Date => f.write_str("date"),
            Type::Term(unit) => f.write_str(unit.type_name()),
            Type::Text => f.write_str("text"),
            Type::Id(kind) => f.write_str(kind.as_str()),
            Type::Document => f.write_str("document"),
            Type::Enum(e) => f.write_str(&self.1.enums[*e].name),
            Type::Record(r) => f.write_str(&self.1.records[*r].name),
            Type::Entity(e) => f.write_str(&self.1.entities[*e].name),
            Type::List(inner) => write!(f, "list<{}>", Shown(inner, self.1)),
            Type::Scale(t, v) => write!(f, "scale<{}, {}>", Shown(t, self.1), Shown(v, self.1)),
            Type::Monthly(t) => write!(f, "{} by month", Shown(t, self.1)),
            Type::Error => f.write_str("unknown"),
        }
    }
}
