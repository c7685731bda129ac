//! The types of the language and how type expressions resolve to them.

use super::Checker;
use super::symbols::DeclKind;
use crate::syntax::ast::{DayKind, TypeExpr};
use crate::vocabulary::Builtin;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Decimal,
    Money,
    Date,
    Days(DayKind),
    Text,
    Snils,
    Inn,
    Ogrn,
    Document,
    Enum(String),
    Record(String),
    List(Box<Type>),
    /// The type of something already reported; fits everywhere so one error does not cascade.
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
        matches!(self, Type::Int | Type::Decimal | Type::Money | Type::Date | Type::Days(_))
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

    fn from_builtin(b: Builtin) -> Type {
        match b {
            Builtin::Bool => Type::Bool,
            Builtin::Int => Type::Int,
            Builtin::Decimal => Type::Decimal,
            Builtin::Money => Type::Money,
            Builtin::Date => Type::Date,
            Builtin::Days => Type::Days(DayKind::Calendar),
            Builtin::WorkingDays => Type::Days(DayKind::Working),
            Builtin::Text => Type::Text,
            Builtin::Snils => Type::Snils,
            Builtin::Inn => Type::Inn,
            Builtin::Ogrn => Type::Ogrn,
            Builtin::Document => Type::Document,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Decimal => f.write_str("decimal"),
            Type::Money => f.write_str("money"),
            Type::Date => f.write_str("date"),
            Type::Days(DayKind::Calendar) => f.write_str("days"),
            Type::Days(DayKind::Working) => f.write_str("working_days"),
            Type::Text => f.write_str("text"),
            Type::Snils => f.write_str("snils"),
            Type::Inn => f.write_str("inn"),
            Type::Ogrn => f.write_str("ogrn"),
            Type::Document => f.write_str("document"),
            Type::Enum(name) | Type::Record(name) => f.write_str(name),
            Type::List(inner) => write!(f, "list<{inner}>"),
            Type::Error => f.write_str("unknown"),
        }
    }
}

impl Checker<'_> {
    pub fn resolve_type(&mut self, ty: &TypeExpr) -> Type {
        match ty {
            TypeExpr::List(inner, _) => Type::List(Box::new(self.resolve_type(inner))),
            TypeExpr::Named(ident) => {
                if let Some(b) = Builtin::from_word(&ident.name) {
                    return Type::from_builtin(b);
                }
                match self.symbols.get(&ident.name).map(|s| s.kind) {
                    Some(DeclKind::Enum) => {
                        self.mark_used(&ident.name);
                        Type::Enum(ident.name.clone())
                    }
                    Some(DeclKind::Record) => {
                        self.mark_used(&ident.name);
                        Type::Record(ident.name.clone())
                    }
                    Some(kind) => {
                        self.report(super::errors::not_a_type(ident, kind));
                        Type::Error
                    }
                    None if self.symbols.is_broken(&ident.name) => Type::Error,
                    None => {
                        let mut names: Vec<&str> = Builtin::all_words().collect();
                        names.extend(self.symbols.names_of(&[DeclKind::Enum, DeclKind::Record]));
                        let suggestion = super::symbols::suggest(&ident.name, names);
                        self.report(super::errors::unknown_type(ident, suggestion));
                        Type::Error
                    }
                }
            }
        }
    }
}
