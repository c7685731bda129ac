//! Groups in columns: a batch holds groups (households) and, beside them, their members
//! in contiguous runs. Facts of the group are columns of group rows, facts of members
//! columns of member rows; an aggregate over the members is a segment reduction, and a
//! group's value read for its members is spread over their rows.

use super::compile::{Col, Compiler, constant};
use super::{FactInput, Gather, Kind, Level, Step, input_kind, num};
use crate::model::{Expr, ExprKind, FactRef, Value};
use crate::vocabulary::Function;

impl Compiler<'_> {
    /// A column at the rows being compiled: a group's spread over its members if need be.
    pub(super) fn here(&mut self, col: Col) -> Col {
        if self.at != Level::Person || self.levels[col.reg] != Level::Group {
            return col;
        }
        if let Some(done) = self.spread.get(&col.reg) {
            return *done;
        }
        let src = col.reg;
        let reg = self.reg(col.kind, col.den);
        self.steps.push(Step::Spread { dst: reg, src });
        let spread = Col { reg, ..col };
        self.spread.insert(src, spread);
        spread
    }

    /// The subject's role, when the service is decided for a group.
    fn subject(&self, base: &Expr) -> Option<()> {
        let s = self.service.subject?;
        let group = self.model.entities[self.service.roles[s].entity].group;
        (group && matches!(base.kind, ExprKind::Role(r) if r == s)).then_some(())
    }

    /// A fact of the subject group, or of the member an aggregate is at.
    pub(super) fn fact(&mut self, base: &Expr, fact: FactRef) -> Option<Col> {
        let person = match base.kind {
            ExprKind::Var(0) if self.at == Level::Person => true,
            _ => {
                self.subject(base)?;
                false
            }
        };
        let level = if person { Level::Person } else { Level::Group };
        if let Some(f) = self.facts.iter().find(|f| f.fact == fact && f.level == level) {
            let den = match self.shapes[f.reg] {
                super::Shape::Fixed(d) => Some(d),
                _ => None,
            };
            let col = Col { reg: f.reg, kind: f.kind, den };
            return Some(self.here(col));
        }
        let declared = self.model.fact(fact);
        let kind = input_kind(&declared.ty)?;
        // A default stands for an empty cell; one columns cannot hold leaves it to the
        // interpreter.
        let default = match &declared.default {
            None => None,
            Some(v) => Some(constant(v)?),
        };
        let at = std::mem::replace(&mut self.at, level);
        let den = match kind {
            Kind::Decimal => self.decimal_dens.get(&fact).copied(),
            _ => super::compile::natural_den(kind),
        };
        let reg = self.reg(kind, den);
        self.at = at;
        self.facts.push(FactInput { reg, kind, fact, level, default });
        Some(self.here(Col { reg, kind, den }))
    }

    /// `count(list)`, or `f(p in list: body)`, over the subject group's members (in a role).
    pub(super) fn aggregate(&mut self, f: Function, list: &Expr, body: Option<&Expr>) -> Option<Col> {
        let ExprKind::Members(base, role) = &list.kind else { return None };
        self.subject(base)?;
        // One level of members: a group's aggregate, not a member's.
        (self.at == Level::Group).then_some(())?;
        let mask = match role {
            Some(r) => Some((self.roles()?, *r as i64)),
            None => None,
        };
        let (src, kind, den) = match body {
            None => (None, Kind::Int, Some(1)),
            Some(body) => {
                self.at = Level::Person;
                let b = self.expr(body);
                self.at = Level::Group;
                let b = b?;
                match f {
                    Function::Count => (b.kind == Kind::Bool).then_some((Some(b.reg), Kind::Int, Some(1)))?,
                    Function::Any | Function::All => {
                        (b.kind == Kind::Bool).then_some((Some(b.reg), Kind::Bool, Some(1)))?
                    }
                    Function::Sum => match b.kind {
                        Kind::Int | Kind::Money | Kind::Decimal | Kind::Term(_) => {
                            (Some(b.reg), b.kind, b.den)
                        }
                        _ => return None,
                    },
                    _ => return None,
                }
            }
        };
        let op = match f {
            Function::Count if src.is_none() => Gather::Members,
            Function::Count => Gather::Count,
            Function::Any => Gather::Any,
            Function::All => Gather::All,
            Function::Sum => Gather::Sum(den.map(num::limit)),
            _ => return None,
        };
        self.step(kind, den, |dst| Step::Gather { dst, src, op, mask })
    }

    /// The members' roles, read once.
    fn roles(&mut self) -> Option<super::Reg> {
        if self.roles.is_none() {
            let at = std::mem::replace(&mut self.at, Level::Person);
            let reg = self.reg(Kind::Int, Some(1));
            self.at = at;
            self.roles = Some(reg);
        }
        self.roles
    }

    /// `scale_rate`, `scale_amount` and `bracket` of a scale parameter in force on the
    /// decision date, on a base whose values are whole kopecks (or whole numbers).
    pub(super) fn scale(&mut self, f: Function, scale: &Expr, base: &Expr) -> Option<Col> {
        let ExprKind::Param(p) = scale.kind else { return None };
        let Some(Value::Scale(brackets)) = self.model.params.get(p)?.at(self.on, 0) else { return None };
        let x = self.expr(base)?;
        let xden = x.den?;
        let money = x.kind == Kind::Money;
        // Thresholds over the base's denominator; values (rates, amounts) over one of theirs.
        let mut thresholds = Vec::with_capacity(brackets.len());
        let mut values = Vec::with_capacity(brackets.len());
        for (t, v) in brackets.iter() {
            let (tn, td, _) = constant(t)?;
            thresholds.push(tn.checked_mul(xden)?.checked_div(td).filter(|q| q * td == tn * xden)?);
            values.push(constant(v)?);
        }
        let vden = values.iter().try_fold(1i64, |d, (_, vd, _)| lcm(d, *vd))?;
        let values: Vec<i64> =
            values.iter().map(|(n, d, _)| n.checked_mul(vden / d)).collect::<Option<Vec<_>>>()?;
        let value_kind = match brackets.first()?.1 {
            Value::Money(_) => Kind::Money,
            Value::Decimal(_) => Kind::Decimal,
            Value::Int(_) => Kind::Int,
            _ => return None,
        };
        let (kind, den) = match f {
            Function::ScaleRate => (if money { Kind::Money } else { Kind::Decimal }, xden.checked_mul(vden)?),
            _ => (value_kind, vden),
        };
        num::fits(0, den).then_some(())?;
        if value_kind == Kind::Int && f != Function::ScaleRate && den != 1 {
            return None;
        }
        let limit = num::limit(den);
        self.step(kind, Some(den), |dst| Step::Scale { dst, x: x.reg, f, thresholds, values, limit })
    }
}

fn lcm(a: i64, b: i64) -> Option<i64> {
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    (a / gcd(a, b)).checked_mul(b)
}
