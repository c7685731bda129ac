//! From the interpreter's expressions to columnar steps, with the type of every column
//! worked out as the interpreter would find it at run time.

use super::{FactInput, Kind, Level, Program, Reg, Shape, Step, num};
use crate::date::Date;
use crate::model::{Expr, ExprKind, FactRef, Local, Model, Service, Type, Value};
use crate::vocabulary::{BinOp, Function, Unit};
use std::collections::HashMap;

/// A compiled expression: its register, type and, when every known value has the same
/// denominator (whole numbers 1, money 100), that denominator, which lets steps work
/// without looking at denominators row by row.
#[derive(Clone, Copy)]
pub(super) struct Col {
    pub(super) reg: Reg,
    pub(super) kind: Kind,
    pub(super) den: Option<i64>,
}

pub(super) struct Compiler<'m> {
    pub(super) model: &'m Model,
    pub(super) service: &'m Service,
    pub(super) on: Date,
    /// The denominator a decimal fact's cells are read at, where one is given (see
    /// [`Program::compile`]).
    pub(super) decimal_dens: &'m HashMap<FactRef, i64>,
    pub(super) steps: Vec<Step>,
    consts: Vec<(Reg, i64, i64)>,
    pub(super) shapes: Vec<Shape>,
    inputs: Vec<Option<(Reg, Kind)>>,
    /// `None` while a slot is being compiled (a cycle, which the checker rejects).
    slots: HashMap<Local, Option<Col>>,
    /// The rows new registers are of: the subject group's, or (inside an aggregate over its
    /// members) the members'.
    pub(super) at: Level,
    pub(super) levels: Vec<Level>,
    pub(super) facts: Vec<FactInput>,
    /// A group's register spread over its members, once per register.
    pub(super) spread: HashMap<Reg, Col>,
    /// The members' roles in the group, when a rule reads them.
    pub(super) roles: Option<Reg>,
    /// Each constant's register, and each step's destination by what it computes from
    /// which registers at which rows: an expression written twice (`age(p.birth)` in two
    /// rules) is computed once.
    known: HashMap<(i64, i64, Kind), Col>,
    done: HashMap<(Step, Level, Kind, Option<i64>), Reg>,
    /// Registers whose known rows are all quotients over one denominator (a fixed
    /// denominator divided by a constant, and sums of those with amounts).
    quotients: HashMap<Reg, i64>,
}

impl Program {
    /// Compiles the targets (criteria, derived facts or outputs of `service`) for
    /// decisions on `on`; `None` when one needs what columns do not hold. A decimal fact
    /// of `decimal_dens` is a column of that one denominator (its rows with more places
    /// are the interpreter's), so the rules over it work on numerators alone; other
    /// decimal facts have a denominator per row.
    pub fn compile(
        model: &Model,
        service: &Service,
        on: Date,
        targets: &[Local],
        decimal_dens: &HashMap<FactRef, i64>,
    ) -> Option<Program> {
        let mut c = Compiler {
            model,
            service,
            on,
            decimal_dens,
            steps: Vec::new(),
            consts: Vec::new(),
            shapes: Vec::new(),
            inputs: vec![None; service.inputs.len()],
            slots: HashMap::new(),
            at: Level::Group,
            levels: Vec::new(),
            facts: Vec::new(),
            spread: HashMap::new(),
            roles: None,
            known: HashMap::new(),
            done: HashMap::new(),
            quotients: HashMap::new(),
        };
        let targets =
            targets.iter().map(|t| c.local(*t).map(|c| (c.reg, c.kind))).collect::<Option<Vec<_>>>()?;
        Some(Program {
            steps: c.steps,
            consts: c.consts,
            shapes: c.shapes,
            levels: c.levels,
            inputs: c.inputs,
            facts: c.facts,
            roles: c.roles,
            targets,
        })
    }
}

/// A value as a constant column, if columns hold its type.
pub(super) fn constant(value: &Value) -> Option<(i64, i64, Kind)> {
    Some(match value {
        Value::Bool(b) => (i64::from(*b), 1, Kind::Bool),
        Value::Int(i) => (*i, 1, Kind::Int),
        Value::Money(d) => {
            let (n, den) = money_parts(*d)?;
            (n, den, Kind::Money)
        }
        Value::Decimal(d) => {
            let (n, den) = decimal_parts(*d)?;
            (n, den, Kind::Decimal)
        }
        Value::Date(d) => (d.day_number(), 1, Kind::Date),
        Value::Term(n, k) => (*n, 1, Kind::Term(*k)),
        Value::Enum(e, v) => (i64::from(*v), 1, Kind::Enum(*e)),
        _ => return None,
    })
}

/// An exact decimal as `num / den`, when it fits.
pub fn decimal_parts(d: rust_decimal::Decimal) -> Option<(i64, i64)> {
    let num = i64::try_from(d.mantissa()).ok()?;
    let den = 10i64.checked_pow(d.scale())?;
    num::fits(num, den).then_some((num, den))
}

/// An amount in kopecks (`num / 100`), when it has at most two decimals and fits.
pub fn money_parts(d: rust_decimal::Decimal) -> Option<(i64, i64)> {
    let (n, den) = decimal_parts(d)?;
    (den <= 100).then(|| n.checked_mul(100 / den)).flatten().filter(|n| num::fits(*n, 100)).map(|n| (n, 100))
}

/// The denominator every known value of a type has, when it is fixed.
pub(super) fn natural_den(kind: Kind) -> Option<i64> {
    match kind {
        Kind::Decimal => None,
        Kind::Money => Some(100),
        _ => Some(1),
    }
}

/// The column kind of a model type, if columns hold it: the one place where the model's
/// types become physical columns.
pub fn input_kind(ty: &Type) -> Option<Kind> {
    Some(match ty {
        Type::Bool => Kind::Bool,
        Type::Int => Kind::Int,
        Type::Decimal => Kind::Decimal,
        Type::Money => Kind::Money,
        Type::Date => Kind::Date,
        Type::Term(k) => Kind::Term(*k),
        Type::Enum(e) => Kind::Enum(*e),
        _ => return None,
    })
}

/// The comparison with its operands swapped.
fn flipped(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

/// Whether the interpreter orders two values of these types.
fn comparable(l: Kind, r: Kind) -> bool {
    (l.numeric() && r.numeric())
        || matches!((l, r), (Kind::Term(_), Kind::Term(_)))
        || (l == r && matches!(l, Kind::Bool | Kind::Date | Kind::Enum(_)))
}

impl Compiler<'_> {
    pub(super) fn reg(&mut self, kind: Kind, den: Option<i64>) -> Reg {
        self.shapes.push(Shape::of(kind, den));
        self.levels.push(self.at);
        self.shapes.len() - 1
    }

    pub(super) fn constant(&mut self, num: i64, den: i64, kind: Kind) -> Col {
        if let Some(col) = self.known.get(&(num, den, kind)) {
            return *col;
        }
        let fixed = if den == 0 { natural_den(kind) } else { Some(den) };
        let reg = self.reg(kind, fixed);
        self.levels[reg] = Level::Any;
        self.consts.push((reg, num, den));
        let col = Col { reg, kind, den: fixed };
        self.known.insert((num, den, kind), col);
        col
    }

    pub(super) fn step(
        &mut self,
        kind: Kind,
        den: Option<i64>,
        make: impl FnOnce(Reg) -> Step,
    ) -> Option<Col> {
        // Made with no destination yet, to look it up among the steps made.
        let key = (make(Reg::MAX), self.at, kind, den);
        if let Some(&reg) = self.done.get(&key) {
            return Some(Col { reg, kind, den });
        }
        let reg = self.reg(kind, den);
        let mut step = key.0.clone();
        *step.dst_mut() = reg;
        self.steps.push(step);
        self.done.insert(key, reg);
        Some(Col { reg, kind, den })
    }

    fn local(&mut self, local: Local) -> Option<Col> {
        if let Local::Input(i) = local {
            return self.input(i);
        }
        if let Some(done) = self.slots.get(&local) {
            return *done;
        }
        self.slots.insert(local, None);
        // A fact of the service is the group's, wherever it is first read.
        let at = std::mem::replace(&mut self.at, Level::Group);
        let compiled = self.service.local(local).and_then(|e| self.expr(e));
        self.at = at;
        let compiled = match local {
            Local::Criterion(_) => compiled.filter(|c| c.kind == Kind::Bool),
            _ => compiled,
        };
        self.slots.insert(local, compiled);
        compiled.map(|c| self.here(c))
    }

    fn input(&mut self, i: usize) -> Option<Col> {
        if let Some((reg, kind)) = self.inputs.get(i)? {
            let col = Col { reg: *reg, kind: *kind, den: natural_den(*kind) };
            return Some(self.here(col));
        }
        let kind = input_kind(&self.service.inputs[i].ty)?;
        let at = std::mem::replace(&mut self.at, Level::Group);
        let reg = self.reg(kind, natural_den(kind));
        self.at = at;
        self.inputs[i] = Some((reg, kind));
        Some(self.here(Col { reg, kind, den: natural_den(kind) }))
    }

    fn value(&mut self, v: &Value) -> Option<Col> {
        let (n, d, k) = constant(v)?;
        Some(self.constant(n, d, k))
    }

    pub(super) fn expr(&mut self, e: &Expr) -> Option<Col> {
        match &e.kind {
            ExprKind::Const(v) => self.value(v),
            ExprKind::Today => Some(self.constant(self.on.day_number(), 1, Kind::Date)),
            ExprKind::Param(p) => {
                let param = self.model.params.get(*p)?;
                match param.at(self.on, 0) {
                    Some(v) => self.value(v),
                    None => {
                        let (_, _, k) = constant(param.periods.first()?.values.first()?)?;
                        Some(self.constant(0, 0, k))
                    }
                }
            }
            ExprKind::Local(local) => self.local(*local),
            ExprKind::Not(x) => {
                let x = self.expr(x)?;
                (x.kind == Kind::Bool).then_some(())?;
                self.step(Kind::Bool, Some(1), |dst| Step::Not { dst, x: x.reg })
            }
            ExprKind::Neg(x) => {
                let Col { reg: x, kind, den } = self.expr(x)?;
                match kind {
                    Kind::Int => self.step(kind, den, |dst| Step::NegInt { dst, x }),
                    Kind::Decimal | Kind::Money | Kind::Term(_) => {
                        self.step(kind, den, |dst| Step::Neg { dst, x })
                    }
                    _ => None,
                }
            }
            ExprKind::Binary(op, l, r) => {
                let l = self.expr(l)?;
                let r = self.expr(r)?;
                self.binary(*op, l, r)
            }
            ExprKind::In(x, items) => {
                let x = self.expr(x)?;
                let mut regs = Vec::with_capacity(items.len());
                for item in items {
                    let item = self.expr(item)?;
                    comparable(x.kind, item.kind).then_some(())?;
                    regs.push(item.reg);
                }
                // Constants of the value's own denominator (an enum's variants): numerators
                // compare.
                let same = |reg: Reg| {
                    self.consts.iter().find(|c| c.0 == reg).filter(|c| Some(c.2) == x.den).map(|c| c.1)
                };
                if let Some(values) = regs.iter().map(|&r| same(r)).collect::<Option<Vec<i64>>>() {
                    return self.step(Kind::Bool, Some(1), |dst| Step::InSame { dst, x: x.reg, values });
                }
                self.step(Kind::Bool, Some(1), |dst| Step::In { dst, x: x.reg, items: regs })
            }
            ExprKind::If(c, t, f) => {
                let (c, t, f) = (self.expr(c)?, self.expr(t)?, self.expr(f)?);
                (c.kind == Kind::Bool && t.kind == f.kind).then_some(())?;
                let [t, f] = self.common_den([t, f]);
                let den = if t.den == f.den { t.den } else { None };
                self.step(t.kind, den, |dst| Step::If { dst, c: c.reg, t: t.reg, f: f.reg })
            }
            ExprKind::Call(f, args) => self.call(*f, args),
            ExprKind::Fact(base, fact) => self.fact(base, *fact),
            ExprKind::Aggregate(f, list, body) => self.aggregate(*f, list, Some(body)),
            ExprKind::Var(_)
            | ExprKind::EventField(_)
            | ExprKind::ParamAt(..)
            | ExprKind::Role(_)
            | ExprKind::Members(..)
            | ExprKind::Member(..)
            | ExprKind::GroupOf(..)
            | ExprKind::Field(..)
            | ExprKind::Error => None,
        }
    }

    fn binary(&mut self, op: BinOp, lc: Col, rc: Col) -> Option<Col> {
        use BinOp::*;
        let (l, r, lk, rk) = (lc.reg, rc.reg, lc.kind, rc.kind);
        let number = if lk == Kind::Money || rk == Kind::Money { Kind::Money } else { Kind::Decimal };
        // Both sides with one fixed denominator: compare and add numerators directly.
        let same = lc.den.is_some() && lc.den == rc.den;
        match op {
            Eq | Ne | Lt | Le | Gt | Ge => {
                comparable(lk, rk).then_some(())?;
                match (lc.den, rc.den) {
                    _ if same => self.step(Kind::Bool, Some(1), |dst| Step::CmpSame { dst, op, l, r }),
                    (None, Some(den)) => {
                        self.step(Kind::Bool, Some(1), |dst| Step::CmpMixed { dst, op, l, r, den })
                    }
                    (Some(den), None) => {
                        let op = flipped(op);
                        self.step(Kind::Bool, Some(1), |dst| Step::CmpMixed { dst, op, l: r, r: l, den })
                    }
                    _ => self.step(Kind::Bool, Some(1), |dst| Step::Cmp { dst, op, l, r }),
                }
            }
            And | Or => {
                (lk == Kind::Bool && rk == Kind::Bool).then_some(())?;
                self.step(Kind::Bool, Some(1), |dst| {
                    if op == And { Step::And { dst, l, r } } else { Step::Or { dst, l, r } }
                })
            }
            Add | Sub | Mul => match (lk, rk) {
                (Kind::Int, Kind::Int) => {
                    self.step(Kind::Int, Some(1), |dst| Step::IntArith { dst, op, l, r })
                }
                // Working days count on the production calendar: the interpreter's.
                (Kind::Date, Kind::Term(kind)) if op != Mul && kind != Unit::WorkingDays => {
                    let sign = if op == Add { 1 } else { -1 };
                    self.step(Kind::Date, Some(1), |dst| Step::Shift { dst, date: l, days: r, sign, kind })
                }
                (Kind::Term(kind), Kind::Date) if op == Add && kind != Unit::WorkingDays => {
                    self.step(Kind::Date, Some(1), |dst| Step::Shift { dst, date: r, days: l, sign: 1, kind })
                }
                (Kind::Date, Kind::Date) if op == Sub => {
                    self.step(Kind::Term(Unit::Days), Some(1), |dst| Step::DateDiff { dst, l, r })
                }
                (Kind::Term(k), Kind::Term(_)) if op != Mul => {
                    self.step(Kind::Term(k), Some(1), |dst| Step::Days { dst, op, l, r })
                }
                (Kind::Term(k), Kind::Int) if op == Mul => {
                    self.step(Kind::Term(k), Some(1), |dst| Step::Days { dst, op, l, r })
                }
                (Kind::Int, Kind::Term(k)) if op == Mul => {
                    self.step(Kind::Term(k), Some(1), |dst| Step::Days { dst, op, l: r, r: l })
                }
                _ if lk.numeric() && rk.numeric() => match (op, lc.den, rc.den) {
                    (Add | Sub, Some(den), _) if same => {
                        let limit = num::limit(den);
                        self.step(number, Some(den), |dst| Step::AddSame { dst, sub: op == Sub, l, r, limit })
                    }
                    // Two fixed denominators, one a multiple of the other: the other's
                    // numerators scaled to it.
                    (Add | Sub, Some(x), Some(y)) if (x % y == 0 || y % x == 0) && num::fits(0, x.max(y)) => {
                        let den = x.max(y);
                        let (scale_l, scale_r, limit) = (den / x, den / y, num::limit(den));
                        self.step(number, Some(den), |dst| Step::AddScaled {
                            dst,
                            sub: op == Sub,
                            l,
                            r,
                            scale_l,
                            scale_r,
                            limit,
                        })
                    }
                    (Add | Sub, Some(d), None) | (Add | Sub, None, Some(d))
                        if self.quotient_over(if lc.den.is_some() { r } else { l }, d).is_some() =>
                    {
                        let swapped = lc.den.is_none();
                        let (fixed, other) = if swapped { (r, l) } else { (l, r) };
                        let den = self.quotient_over(other, d)?;
                        let col = self.step(number, None, |dst| Step::AddQuotient {
                            dst,
                            sub: op == Sub,
                            fixed,
                            other,
                            scale: den / d,
                            den,
                            swapped,
                        })?;
                        self.quotients.insert(col.reg, den);
                        Some(col)
                    }
                    (Add | Sub, Some(den), None) => self.step(number, None, |dst| Step::AddMixed {
                        dst,
                        sub: op == Sub,
                        fixed: l,
                        other: r,
                        den,
                        swapped: false,
                    }),
                    (Add | Sub, None, Some(den)) => self.step(number, None, |dst| Step::AddMixed {
                        dst,
                        sub: op == Sub,
                        fixed: r,
                        other: l,
                        den,
                        swapped: true,
                    }),
                    (Mul, Some(x), Some(y)) if x.checked_mul(y).is_some_and(|d| num::fits(0, d)) => {
                        let den = x * y;
                        let limit = num::limit(den);
                        self.step(number, Some(den), |dst| Step::MulFixed { dst, l, r, limit })
                    }
                    _ => self.step(number, None, |dst| Step::Arith { dst, op, l, r }),
                },
                _ => None,
            },
            Div => {
                (lk.numeric() && rk.numeric()).then_some(())?;
                let kind = if lk == Kind::Money && rk != Kind::Money { Kind::Money } else { Kind::Decimal };
                match (lc.den, rc.den) {
                    (Some(x), Some(y)) => {
                        let col = self.step(kind, None, |dst| Step::DivFixed { dst, l, r, x, y })?;
                        // By a known constant: every known quotient is over `x · |c|`.
                        let divisor = self.consts.iter().find(|c| c.0 == r && c.2 == y && c.1 != 0);
                        if let Some(den) = divisor.and_then(|c| x.checked_mul(c.1.checked_abs()?))
                            && den <= num::INEXACT_DEN
                        {
                            self.quotients.insert(col.reg, den);
                        }
                        Some(col)
                    }
                    _ => self.step(kind, None, |dst| Step::Div { dst, l, r }),
                }
            }
        }
    }

    /// The denominator of `reg`'s quotients, when it is a multiple of `den`.
    fn quotient_over(&self, reg: Reg, den: i64) -> Option<i64> {
        self.quotients.get(&reg).copied().filter(|q| den > 0 && q % den == 0)
    }

    /// Numbers of fixed denominators that all divide the largest (amounts in kopecks and
    /// their products with decimals): each brought to it, so that a choice between them
    /// (`if`, `min`, `max`) is of numerators alone. Others are left as they are.
    fn common_den<C: AsMut<[Col]>>(&mut self, mut cols: C) -> C {
        let all = cols.as_mut();
        let Some(dens) = all.iter().map(|c| c.den.filter(|_| c.kind.numeric())).collect::<Option<Vec<i64>>>()
        else {
            return cols;
        };
        let den = dens.iter().copied().max().unwrap_or(1);
        if dens.iter().all(|&d| d == den) || dens.iter().any(|&d| d <= 0 || den % d != 0) {
            return cols;
        }
        for col in all.iter_mut() {
            if let Some(scaled) = self.rescale(*col, den) {
                *col = scaled;
            }
        }
        cols
    }

    /// A column of fixed denominator `d` as one of denominator `den` (a multiple of `d`):
    /// a constant written over it, any other column multiplied by one written `k / k`.
    fn rescale(&mut self, col: Col, den: i64) -> Option<Col> {
        let d = col.den?;
        if d == den {
            return Some(col);
        }
        let k = den / d;
        if let Some(&(_, num, known)) = self.consts.iter().find(|c| c.0 == col.reg) {
            // An unknown constant (a parameter not in force) stays as it is.
            (known == d).then_some(())?;
            return Some(self.constant(num.checked_mul(k)?, den, col.kind));
        }
        num::fits(0, den).then_some(())?;
        let one = self.constant(k, k, Kind::Decimal);
        let limit = num::limit(den);
        self.step(col.kind, Some(den), |dst| Step::MulFixed { dst, l: col.reg, r: one.reg, limit })
    }

    fn call(&mut self, f: Function, args: &[Expr]) -> Option<Col> {
        match (f, args) {
            (Function::Count, [list]) => return self.aggregate(f, list, None),
            (Function::ScaleRate | Function::ScaleAmount | Function::Bracket, [scale, base]) => {
                return self.scale(f, scale, base);
            }
            _ => {}
        }
        let mut compiled = Vec::with_capacity(args.len());
        for a in args {
            compiled.push(self.expr(a)?);
        }
        let kinds: Vec<Kind> = compiled.iter().map(|c| c.kind).collect();
        let regs: Vec<Reg> = compiled.iter().map(|c| c.reg).collect();
        match (f, kinds.as_slice()) {
            (Function::Age, [Kind::Date]) => {
                let ages = super::ages::Ages::new(self.on);
                self.step(Kind::Int, Some(1), |dst| Step::AgeOn { dst, birth: regs[0], ages })
            }
            (Function::Age, [Kind::Date, Kind::Date]) => {
                self.step(Kind::Int, Some(1), |dst| Step::Age { dst, birth: regs[0], on: regs[1] })
            }
            (Function::DaysBetween, [Kind::Date, Kind::Date]) => {
                self.step(Kind::Int, Some(1), |dst| Step::DaysBetween { dst, a: regs[0], b: regs[1] })
            }
            (Function::Round, [k @ (Kind::Money | Kind::Decimal)]) => {
                let den = if *k == Kind::Money { Some(100) } else { None };
                self.step(*k, den, |dst| Step::Round { dst, x: regs[0] })
            }
            (Function::Min | Function::Max, [k, ..]) => {
                let k = *k;
                kinds.iter().all(|a| *a == k && comparable(k, k)).then_some(())?;
                let compiled = self.common_den(compiled);
                let regs: Vec<Reg> = compiled.iter().map(|c| c.reg).collect();
                let den = compiled[0].den.filter(|d| compiled.iter().all(|c| c.den == Some(*d)));
                self.step(k, den, |dst| Step::Extreme { dst, args: regs, max: f == Function::Max })
            }
            _ => None,
        }
    }
}
