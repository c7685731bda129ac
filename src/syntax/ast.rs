//! The abstract syntax tree. Every node carries its [`Span`]; English and Russian keywords
//! give the same tree. Names of closed-list values (levels, kinds, types …) are kept as
//! written: the checker validates them against [`crate::vocabulary`].

use crate::date::Date;
use crate::source::{FileId, Span};
pub use crate::vocabulary::{BinOp, RoleMode, UnOp, Unit};
use rust_decimal::Decimal;

#[derive(Clone, Debug)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

/// One parsed file.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub file: FileId,
    pub decls: Vec<Decl>,
    /// Names of declarations that did not parse: references to them are not errors of
    /// their own, the syntax error already explains them.
    pub broken: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum Decl {
    Agency(Agency),
    Entity(Entity),
    Registry(Registry),
    Record(Record),
    Enum(Enum),
    Parameter(Parameter),
    Event(Event),
    Service(Box<Service>),
    Trigger(Trigger),
    Situation(Situation),
    Calendar(Calendar),
}

impl Decl {
    pub fn name(&self) -> &Ident {
        match self {
            Decl::Agency(d) => &d.name,
            Decl::Entity(d) => &d.name,
            Decl::Registry(d) => &d.name,
            Decl::Record(d) => &d.name,
            Decl::Enum(d) => &d.name,
            Decl::Parameter(d) => &d.name,
            Decl::Event(d) => &d.name,
            Decl::Service(d) => &d.name,
            Decl::Trigger(d) => &d.name,
            Decl::Situation(d) => &d.name,
            Decl::Calendar(d) => &d.name,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Agency {
    pub name: Ident,
    pub title: Option<Text>,
    pub level: Option<Ident>,
    pub territory: Option<Text>,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: Ident,
    pub ty: TypeExpr,
}

/// `person` (the persons of the set) or `group` (households, families …) with its roles.
#[derive(Clone, Debug)]
pub struct Entity {
    pub name: Ident,
    pub title: Option<Text>,
    pub group: bool,
    pub roles: Vec<GroupRole>,
    pub facts: Vec<FactDecl>,
}

/// A fact an entity carries; the default is what a registry's silence means.
#[derive(Clone, Debug)]
pub struct FactDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    /// `by month`: a value for each month.
    pub monthly: bool,
    pub default: Option<Expr>,
}

/// A role of a group with how many members it may hold (`min..max`, no max: any).
#[derive(Clone, Debug)]
pub struct GroupRole {
    pub name: Ident,
    pub cardinality: Option<Cardinality>,
}

#[derive(Clone, Copy, Debug)]
pub struct Cardinality {
    pub min: u32,
    pub max: Option<u32>,
    pub span: Span,
}

/// The production calendar, year by year.
#[derive(Clone, Debug)]
pub struct Calendar {
    pub name: Ident,
    pub title: Option<Text>,
    pub years: Vec<CalendarYear>,
}

#[derive(Clone, Debug)]
pub struct CalendarYear {
    pub year: i32,
    pub span: Span,
    pub legal: Vec<Text>,
    /// Weekdays that are not working (holidays, days off moved to them).
    pub non_working: Vec<(Date, Span)>,
    /// Weekend days that are working (days off moved from them).
    pub working: Vec<(Date, Span)>,
}

#[derive(Clone, Debug)]
pub struct Registry {
    pub name: Ident,
    pub title: Option<Text>,
    pub owner: Option<Ident>,
    /// `entity.fact` paths.
    pub provides: Vec<Path>,
}

#[derive(Clone, Debug)]
pub struct Record {
    pub name: Ident,
    pub title: Option<Text>,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: Ident,
    pub title: Option<Text>,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Debug)]
pub struct Variant {
    pub name: Ident,
    pub title: Option<Text>,
}

#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: Ident,
    pub ty: TypeExpr,
    /// The enumeration whose variants key the values.
    pub keyed_by: Option<Ident>,
    pub title: Option<Text>,
    pub periods: Vec<Period>,
}

/// `from D1 [to D2] = value` or `from D1 [to D2] { key = value … }`; `to` is inclusive.
#[derive(Clone, Debug)]
pub struct Period {
    pub from: (Date, Span),
    pub to: Option<(Date, Span)>,
    pub value: PeriodValue,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PeriodValue {
    One(Expr),
    Keyed(Vec<(Ident, Expr)>),
    /// A scale's brackets: threshold, value.
    Scale(Vec<(Expr, Expr)>),
}

#[derive(Clone, Debug)]
pub struct Event {
    pub name: Ident,
    pub title: Option<Text>,
    /// What the event is (`death` …): the analyses treat some kinds specially.
    pub kind: Option<Ident>,
    pub registry: Option<Ident>,
    pub roles: Vec<EventRole>,
    pub fields: Vec<Field>,
    /// The date a scheduled event happens, from a fact of its role.
    pub at: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct EventRole {
    pub name: Ident,
    pub mode: RoleMode,
    pub entity: Ident,
    /// The list an `each` role is drawn from, when the event does not name its persons.
    pub drawn: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub name: Ident,
    pub title: Option<Text>,
    pub agency: Option<Ident>,
    pub legal: Vec<Text>,
    pub kind: Option<Ident>,
    pub recurs: Option<Ident>,
    /// Roles the service is decided over, with their entities, in the order written.
    pub roles: Vec<(Ident, Ident)>,
    pub subject: Option<Ident>,
    pub applicant: Option<Ident>,
    pub recipient: Option<Ident>,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    pub derived: Vec<Derived>,
    /// `applies when`: whether the service applies at all, apart from its criteria.
    pub applies: Option<Expr>,
    pub criteria: Vec<Criterion>,
    pub refusals: Vec<Refusal>,
    pub deadline: Option<Duration>,
    pub fee: Option<Expr>,
    pub procedures: Vec<Procedure>,
    /// Services this one is an alternative route to: they may write the same records.
    pub alternatives: Vec<Ident>,
    /// Events whose record this service makes (a birth registration emits the birth).
    pub emits: Vec<Ident>,
}

#[derive(Clone, Debug)]
pub struct Input {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub source: Source,
}

/// Where an input comes from: the applicant stating a fact of a role (`applicant
/// role.fact`), or a dotted path to a role's fact, an event payload field or another
/// service's output.
#[derive(Clone, Debug)]
pub enum Source {
    Applicant(Span, Path),
    Path(Path),
}

#[derive(Clone, Debug)]
pub struct Path {
    pub parts: Vec<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Output {
    pub name: Ident,
    pub ty: TypeExpr,
    pub value: Option<Expr>,
    pub writes: Option<Path>,
}

#[derive(Clone, Debug)]
pub struct Derived {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct Criterion {
    pub name: Ident,
    pub title: Option<Text>,
    pub condition: Expr,
}

#[derive(Clone, Debug)]
pub struct Refusal {
    pub name: Ident,
    pub title: Option<Text>,
    pub condition: Expr,
}

/// A number of calendar or working days; may be negative as written (the checker rejects it).
#[derive(Clone, Copy, Debug)]
pub struct Duration {
    pub days: i64,
    pub unit: Unit,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Procedure {
    pub name: Ident,
    pub title: Option<Text>,
    pub kind: Option<Ident>,
    pub uses: Vec<Ident>,
    pub produces: Vec<Ident>,
    pub request: Option<Ident>,
    pub start_when: Option<Expr>,
    pub end_when: Option<Expr>,
    pub deadline: Option<Duration>,
}

/// `start service [for role]` or `stop service [for role]`: the event role that binds the
/// service's subject (a start) or recipient (a stop), when it is not named like it.
#[derive(Clone, Debug)]
pub struct Action {
    pub kind: ActionKind,
    pub service: Ident,
    pub role: Option<Ident>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    Provide,
    Offer,
    Stop,
}

#[derive(Clone, Debug)]
pub struct Trigger {
    pub name: Ident,
    pub title: Option<Text>,
    pub on: Option<Ident>,
    pub condition: Option<Expr>,
    pub action: Option<Action>,
    pub consent: Option<Ident>,
    pub notify: Vec<Ident>,
}

#[derive(Clone, Debug)]
pub struct Situation {
    pub name: Ident,
    pub title: Option<Text>,
    pub on: Vec<Ident>,
    pub services: Vec<Ident>,
}

#[derive(Clone, Debug)]
pub enum TypeExpr {
    Named(Ident),
    List(Box<TypeExpr>, Span),
    /// `scale<threshold, value>`.
    Scale(Box<TypeExpr>, Box<TypeExpr>, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(i) => i.span,
            TypeExpr::List(_, s) | TypeExpr::Scale(_, _, s) => *s,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Money(Decimal),
    Date(Date),
    Duration(i64, Unit),
    Text(String),
    /// A typed identifier literal such as `snils "112-233-445 95"`.
    IdLiteral(Ident, String),
    Today,
    Name(Ident),
    Member(Box<Expr>, Ident),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Ident, Vec<Expr>),
    /// `count(x in list: condition)`, `sum(x in list: value)` …
    Comprehension {
        func: Ident,
        var: Ident,
        list: Box<Expr>,
        body: Box<Expr>,
    },
    /// A literal that failed to parse; already reported.
    Error,
}
