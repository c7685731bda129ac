//! Resolved, typed expressions: every name is an index, every node has its type and span.

use super::Type;
use super::arena::{EntityId, ParamId};
use super::entity::FactRef;
use super::value::Value;
use crate::source::Span;
use crate::vocabulary::{BinOp, Function};

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

/// A name declared inside a service, by its place in the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Local {
    Input(usize),
    Output(usize),
    Derived(usize),
    Criterion(usize),
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A literal, or an enum variant.
    Const(Value),
    Today,
    /// An input, output with a value, derived fact or criterion of the service.
    Local(Local),
    Param(ParamId),
    /// A parameter keyed by an enumeration, at the key's value.
    ParamAt(ParamId, Box<Expr>),
    /// The entity a role binds: a service's role, or an event's in a trigger condition.
    Role(usize),
    /// A fact of a person or a group.
    Fact(Box<Expr>, FactRef),
    /// The members of a group in a role (all members when `None`), as a list of persons.
    Members(Box<Expr>, Option<usize>),
    /// The one member of a group in a role that holds at most one.
    Member(Box<Expr>, usize),
    /// The group of an entity type that a person belongs to.
    GroupOf(Box<Expr>, EntityId),
    /// A comprehension variable, by depth from the outermost.
    Var(usize),
    /// A field of the event a trigger condition is evaluated on.
    EventField(usize),
    /// A field of a record value.
    Field(Box<Expr>, usize),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Function, Vec<Expr>),
    /// `count(x in list: body)` and the other aggregates over a list.
    Aggregate(Function, Box<Expr>, Box<Expr>),
    /// Something already reported; a model without errors has none.
    Error,
}

impl Expr {
    pub fn new(kind: ExprKind, ty: Type, span: Span) -> Expr {
        Expr { kind, ty, span }
    }

    /// Every sub-expression, outermost first.
    pub fn walk(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Field(x, _)
            | ExprKind::Not(x)
            | ExprKind::Neg(x)
            | ExprKind::ParamAt(_, x)
            | ExprKind::Fact(x, _)
            | ExprKind::Members(x, _)
            | ExprKind::Member(x, _)
            | ExprKind::GroupOf(x, _) => x.walk(f),
            ExprKind::Binary(_, l, r) | ExprKind::Aggregate(_, l, r) => {
                l.walk(f);
                r.walk(f);
            }
            ExprKind::In(x, set) => {
                x.walk(f);
                set.iter().for_each(|i| i.walk(f));
            }
            ExprKind::If(c, t, e) => {
                c.walk(f);
                t.walk(f);
                e.walk(f);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
            ExprKind::Const(_)
            | ExprKind::Today
            | ExprKind::Local(_)
            | ExprKind::Param(_)
            | ExprKind::Role(_)
            | ExprKind::Var(_)
            | ExprKind::EventField(_)
            | ExprKind::Error => {}
        }
    }
}
