//! The columnar evaluator: a service's criteria, derived facts and outputs compiled once
//! into steps over columns of a batch of rows, so that a population is evaluated without
//! walking an expression tree per row. It covers the scalar types (truth values, numbers,
//! money, dates, days, enumerations); a service that needs more (texts, lists, records)
//! is left to the interpreter, and so is any row where exact 64-bit arithmetic would not
//! give what the interpreter gives (see `num`): both paths always agree.

mod ages;
mod compile;
mod exec;
mod members;
pub mod num;
mod segments;

pub use compile::{decimal_parts, input_kind, money_parts};
pub use exec::{Batch, View};

use crate::model::{EnumId, FactRef};
use crate::vocabulary::{BinOp, Function, Unit};

/// Whose rows a register has: the groups' (one decision each), their members', or any
/// (a constant, the same on every row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    Any,
    Group,
    Person,
}

/// A fact read from the batch: of each group, or of each member.
#[derive(Clone, Copy, Debug)]
pub struct FactInput {
    pub reg: Reg,
    pub kind: Kind,
    pub fact: FactRef,
    pub level: Level,
    /// What an empty cell means: `(num, den, kind)` of the fact's default.
    pub default: Option<(i64, i64, Kind)>,
}

/// How the members of a group are reduced to one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Gather {
    /// How many members there are (in the role).
    Members,
    /// How many members a condition holds for.
    Count,
    Any,
    All,
    /// The sum, within a bound when the values have one denominator.
    Sum(Option<u64>),
}

/// The static type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Bool,
    Int,
    Decimal,
    Money,
    Date,
    Term(Unit),
    Enum(EnumId),
}

impl Kind {
    fn numeric(self) -> bool {
        matches!(self, Kind::Int | Kind::Decimal | Kind::Money)
    }
}

/// How a column holds its values: truth values as bytes, numbers whose known values all
/// have one denominator as numerators alone, other numbers with a denominator per row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    Bool,
    Fixed(i64),
    Dynamic,
}

impl Shape {
    fn of(kind: Kind, den: Option<i64>) -> Shape {
        match (kind, den) {
            (Kind::Bool, _) => Shape::Bool,
            (_, Some(d)) => Shape::Fixed(d),
            (_, None) => Shape::Dynamic,
        }
    }
}

/// A register: one column of the batch.
pub type Reg = usize;

/// One step over all rows of a batch; `dst` never names an operand.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
    Not {
        dst: Reg,
        x: Reg,
    },
    /// Whole numbers: overflow is unknown, as in the interpreter.
    NegInt {
        dst: Reg,
        x: Reg,
    },
    Neg {
        dst: Reg,
        x: Reg,
    },
    And {
        dst: Reg,
        l: Reg,
        r: Reg,
    },
    Or {
        dst: Reg,
        l: Reg,
        r: Reg,
    },
    Cmp {
        dst: Reg,
        op: BinOp,
        l: Reg,
        r: Reg,
    },
    /// A comparison of a column of quotients (`l`, per-row denominators) with a column of
    /// fixed denominator `den`.
    CmpMixed {
        dst: Reg,
        op: BinOp,
        l: Reg,
        r: Reg,
        den: i64,
    },
    /// `/` of columns with fixed denominators `x` and `y`: `(a/x) / (c/y) = (a·y) / (x·c)`,
    /// left unsettled.
    DivFixed {
        dst: Reg,
        l: Reg,
        r: Reg,
        x: i64,
        y: i64,
    },
    /// A comparison of two columns with one fixed denominator: numerators compare.
    CmpSame {
        dst: Reg,
        op: BinOp,
        l: Reg,
        r: Reg,
    },
    /// `+ -` of decimals with one fixed denominator; a result beyond `limit` goes to the
    /// interpreter.
    AddSame {
        dst: Reg,
        sub: bool,
        l: Reg,
        r: Reg,
        limit: u64,
    },
    /// `+ -` of decimals with two fixed denominators, each numerator scaled to the larger.
    AddScaled {
        dst: Reg,
        sub: bool,
        l: Reg,
        r: Reg,
        scale_l: i64,
        scale_r: i64,
        limit: u64,
    },
    /// `+ -` of a column of fixed denominator `den` (`fixed`: `l` or, when `swapped`, `r`)
    /// and one of any.
    AddMixed {
        dst: Reg,
        sub: bool,
        fixed: Reg,
        other: Reg,
        den: i64,
        swapped: bool,
    },
    /// `AddMixed` where the other column's known rows are quotients over one denominator
    /// `den`, a multiple of the fixed column's by `scale` (an amount plus
    /// `housing_tax / 12`): numerators alone, the result again over `den`, kept within the
    /// bounds where it compares and rounds as the interpreter's 28-digit decimal does.
    AddQuotient {
        dst: Reg,
        sub: bool,
        fixed: Reg,
        other: Reg,
        scale: i64,
        den: i64,
        swapped: bool,
    },
    /// `*` of decimals with fixed denominators whose product `den` is exact.
    MulFixed {
        dst: Reg,
        l: Reg,
        r: Reg,
        limit: u64,
    },
    /// `+ - *` of whole numbers: overflow is unknown.
    IntArith {
        dst: Reg,
        op: BinOp,
        l: Reg,
        r: Reg,
    },
    /// `+ - *` of exact decimals.
    Arith {
        dst: Reg,
        op: BinOp,
        l: Reg,
        r: Reg,
    },
    Div {
        dst: Reg,
        l: Reg,
        r: Reg,
    },
    /// `+ -` of two day counts, or a day count (`l`) times a whole number.
    Days {
        dst: Reg,
        op: BinOp,
        l: Reg,
        r: Reg,
    },
    /// A date moved by a day count, forwards (`sign` 1) or back (-1).
    Shift {
        dst: Reg,
        date: Reg,
        days: Reg,
        sign: i64,
        kind: Unit,
    },
    DateDiff {
        dst: Reg,
        l: Reg,
        r: Reg,
    },
    If {
        dst: Reg,
        c: Reg,
        t: Reg,
        f: Reg,
    },
    In {
        dst: Reg,
        x: Reg,
        items: Vec<Reg>,
    },
    /// `in` of a fixed-denominator column and constants over that denominator.
    InSame {
        dst: Reg,
        x: Reg,
        values: Vec<i64>,
    },
    Age {
        dst: Reg,
        birth: Reg,
        on: Reg,
    },
    /// Ages on the decision date.
    AgeOn {
        dst: Reg,
        birth: Reg,
        ages: ages::Ages,
    },
    DaysBetween {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Round {
        dst: Reg,
        x: Reg,
    },
    Extreme {
        dst: Reg,
        args: Vec<Reg>,
        max: bool,
    },
    /// A group's value copied to each of its members' rows.
    Spread {
        dst: Reg,
        src: Reg,
    },
    /// The members' values reduced to their group's (those in a role, when `mask` gives
    /// the register of the members' roles and the role).
    Gather {
        dst: Reg,
        src: Option<Reg>,
        op: Gather,
        mask: Option<(Reg, i64)>,
    },
    /// A scale in force on a base of fixed denominator: thresholds over the base's
    /// denominator, values over the result's (for rates: the result's over the base's).
    Scale {
        dst: Reg,
        x: Reg,
        f: Function,
        thresholds: Vec<i64>,
        values: Vec<i64>,
        limit: u64,
    },
}

/// A step's destination, by reference or by mutable reference as the step is given.
macro_rules! dst_of {
    ($step:expr) => {
        match $step {
            Step::Not { dst, .. }
            | Step::NegInt { dst, .. }
            | Step::Neg { dst, .. }
            | Step::And { dst, .. }
            | Step::Or { dst, .. }
            | Step::Cmp { dst, .. }
            | Step::CmpMixed { dst, .. }
            | Step::DivFixed { dst, .. }
            | Step::CmpSame { dst, .. }
            | Step::AddSame { dst, .. }
            | Step::AddScaled { dst, .. }
            | Step::AddMixed { dst, .. }
            | Step::AddQuotient { dst, .. }
            | Step::MulFixed { dst, .. }
            | Step::IntArith { dst, .. }
            | Step::Arith { dst, .. }
            | Step::Div { dst, .. }
            | Step::Days { dst, .. }
            | Step::Shift { dst, .. }
            | Step::DateDiff { dst, .. }
            | Step::If { dst, .. }
            | Step::In { dst, .. }
            | Step::InSame { dst, .. }
            | Step::Age { dst, .. }
            | Step::AgeOn { dst, .. }
            | Step::DaysBetween { dst, .. }
            | Step::Round { dst, .. }
            | Step::Extreme { dst, .. }
            | Step::Spread { dst, .. }
            | Step::Gather { dst, .. }
            | Step::Scale { dst, .. } => dst,
        }
    };
}

impl Step {
    fn dst(&self) -> Reg {
        *dst_of!(self)
    }

    /// Where the step writes: set once the step is known to be new.
    fn dst_mut(&mut self) -> &mut Reg {
        dst_of!(self)
    }
}

/// A service compiled for one decision date.
#[derive(Debug)]
pub struct Program {
    steps: Vec<Step>,
    /// Constant registers: `(register, num, den)`.
    consts: Vec<(Reg, i64, i64)>,
    /// How each register holds its values.
    shapes: Vec<Shape>,
    /// Whose rows each register has.
    levels: Vec<Level>,
    /// The register and type of each service input the program reads.
    pub inputs: Vec<Option<(Reg, Kind)>>,
    /// The facts of groups and members the program reads.
    pub facts: Vec<FactInput>,
    /// The register of the members' roles (the role's index), when a rule reads them.
    pub roles: Option<Reg>,
    /// The register and type of each target asked for, in order.
    pub targets: Vec<(Reg, Kind)>,
}

impl Program {
    /// How a register holds its values.
    pub fn shape(&self, reg: Reg) -> Shape {
        self.shapes[reg]
    }

    /// Whether the program reads facts of groups or their members: it needs a batch of
    /// groups.
    pub fn reads_groups(&self) -> bool {
        !self.facts.is_empty() || self.steps.iter().any(|s| matches!(s, Step::Gather { .. }))
    }
}
