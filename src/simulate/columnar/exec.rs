//! Running a program over a batch: each step is one tight loop over the rows.

use super::num::{self, Exact};
use super::{Level, Program, Reg, Shape, Step};
use crate::date::Date;
use crate::simulate::eval::add_days;
use crate::vocabulary::BinOp;
use std::cmp::Ordering;

/// One register's column. Every shape has `known` (0 or 1 per row); truth values live in
/// `truth` (0 when unknown, so that bit operations give Kleene's logic), numbers with a
/// fixed denominator in `num`, others in `num` and `den` (`den` 0 when unknown).
#[derive(Default)]
pub(super) struct Column {
    pub(super) num: Vec<i64>,
    pub(super) den: Vec<i64>,
    pub(super) truth: Vec<u8>,
    pub(super) known: Vec<u8>,
}

/// The first `len` rows of one register's column, by shape (see `Column`).
pub enum View<'a> {
    Bool { truth: &'a [u8], known: &'a [u8] },
    Fixed { num: &'a [i64], known: &'a [u8], den: i64 },
    Dynamic { num: &'a [i64], den: &'a [i64] },
}

impl View<'_> {
    /// One row as `(num, den)`, `den` 0 when unknown.
    #[inline(always)]
    pub fn get(&self, row: usize) -> (i64, i64) {
        match *self {
            View::Bool { truth, known } => (i64::from(truth[row]), i64::from(known[row])),
            View::Fixed { num, known, den } => (num[row], den * i64::from(known[row])),
            View::Dynamic { num, den } => (num[row], den[row]),
        }
    }
}

/// The columns of one batch of rows, reused from batch to batch.
pub struct Batch {
    pub(super) cols: Vec<Column>,
    pub(super) shapes: Vec<Shape>,
    pub(super) levels: Vec<Level>,
    /// Rows the interpreter must evaluate instead.
    pub redo: Vec<bool>,
    pub len: usize,
    /// For a batch of groups: how many member rows there are, where each group's members
    /// start (one more entry than groups), whose each member row is, and the members'
    /// rows the interpreter must redo (their group's, in the end).
    pub(super) persons: usize,
    pub(super) offsets: Vec<u32>,
    pub(super) owner: Vec<u32>,
    pub(super) redo_persons: Vec<bool>,
    /// An `if`'s choice per row as byte masks (all ones where it takes that branch).
    pub(super) then_mask: Vec<u8>,
    pub(super) else_mask: Vec<u8>,
}

fn holds(op: BinOp, o: Ordering) -> bool {
    match op {
        BinOp::Eq => o == Ordering::Equal,
        BinOp::Ne => o != Ordering::Equal,
        BinOp::Lt => o == Ordering::Less,
        BinOp::Le => o != Ordering::Greater,
        BinOp::Gt => o == Ordering::Greater,
        _ => o != Ordering::Less,
    }
}

fn truth(b: bool) -> Exact {
    Exact::Value(i64::from(b), 1)
}

impl Batch {
    pub fn new(program: &Program, capacity: usize) -> Batch {
        let cols = program
            .shapes
            .iter()
            .map(|shape| {
                let mut c = Column { known: vec![0; capacity], ..Column::default() };
                match shape {
                    Shape::Bool => c.truth = vec![0; capacity],
                    Shape::Fixed(_) => c.num = vec![0; capacity],
                    Shape::Dynamic => (c.num, c.den) = (vec![0; capacity], vec![0; capacity]),
                }
                c
            })
            .collect();
        let mut batch = Batch {
            cols,
            shapes: program.shapes.clone(),
            levels: program.levels.clone(),
            redo: vec![false; capacity],
            len: 0,
            persons: 0,
            offsets: Vec::new(),
            owner: Vec::new(),
            redo_persons: Vec::new(),
            then_mask: vec![0; capacity],
            else_mask: vec![0; capacity],
        };
        for &(r, n, d) in &program.consts {
            for row in 0..capacity {
                batch.set(r, row, n, d);
            }
        }
        batch
    }

    /// Sets one cell (`den` 0: unknown); a known value of a fixed-denominator column has
    /// that denominator.
    #[inline(always)]
    pub fn set(&mut self, reg: Reg, row: usize, num: i64, den: i64) {
        put(&mut self.cols[reg], self.shapes[reg], row, num, den);
    }

    /// `set` with the register's shape known to the caller.
    #[inline(always)]
    pub fn set_shaped(&mut self, reg: Reg, shape: Shape, row: usize, num: i64, den: i64) {
        put(&mut self.cols[reg], shape, row, num, den);
    }

    /// A register's column as writers read it.
    pub fn view(&self, reg: Reg) -> View<'_> {
        let (c, n) = (&self.cols[reg], self.len);
        match self.shapes[reg] {
            Shape::Bool => View::Bool { truth: &c.truth[..n], known: &c.known[..n] },
            Shape::Fixed(den) => View::Fixed { num: &c.num[..n], known: &c.known[..n], den },
            Shape::Dynamic => View::Dynamic { num: &c.num[..n], den: &c.den[..n] },
        }
    }

    /// One row of a truth column: `(truth, known)`.
    #[inline(always)]
    pub fn truth(&self, reg: Reg, row: usize) -> (u8, u8) {
        let c = &self.cols[reg];
        (c.truth[row], c.known[row])
    }

    #[inline(always)]
    pub fn get(&self, reg: Reg, row: usize) -> (i64, i64) {
        let c = &self.cols[reg];
        let known = i64::from(c.known[row]);
        match self.shapes[reg] {
            Shape::Bool => (i64::from(c.truth[row]), known),
            Shape::Fixed(den) => (c.num[row], den * known),
            Shape::Dynamic => (c.num[row], c.den[row]),
        }
    }

    /// Runs every step over the first `len` rows.
    pub fn run(&mut self, program: &Program) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has just been found to support AVX2.
            unsafe { self.run_avx2(program) };
            return;
        }
        self.run_steps(program);
    }

    /// The same steps compiled for AVX2, whose 64-bit compares let the loops over 64-bit
    /// columns vectorise (the baseline x86-64 has none).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn run_avx2(&mut self, program: &Program) {
        self.run_steps(program);
    }

    #[inline(always)]
    fn run_steps(&mut self, program: &Program) {
        for step in &program.steps {
            if self.levels[step.dst()] == Level::Person {
                // The members' rows: the same loops, over them.
                std::mem::swap(&mut self.len, &mut self.persons);
                std::mem::swap(&mut self.redo, &mut self.redo_persons);
                self.step(step);
                std::mem::swap(&mut self.len, &mut self.persons);
                std::mem::swap(&mut self.redo, &mut self.redo_persons);
            } else {
                self.step(step);
            }
        }
        self.members_redone();
    }

    #[inline(always)]
    fn step(&mut self, step: &Step) {
        match *step {
            Step::Not { dst, x } => self.truth_of(dst, x, |c| &c.truth[..], |t| t ^ 1),
            Step::NegInt { dst, x } => self.unary(dst, x, |a, b| match (b, a.checked_neg()) {
                (1, Some(n)) => Exact::Value(n, 1),
                _ => Exact::Unknown,
            }),
            Step::Neg { dst, x } => self.unary(dst, x, |a, b| match (b, a.checked_neg()) {
                (0, _) | (_, None) => Exact::Unknown,
                (_, Some(n)) => Exact::Value(n, b),
            }),
            Step::And { dst, l, r } => self.logic(dst, l, r, |lt, lk, rt, rk| {
                let false_side = (lk & (lt ^ 1)) | (rk & (rt ^ 1));
                (lt & rt, false_side | (lk & rk))
            }),
            Step::Or { dst, l, r } => self.logic(dst, l, r, |lt, lk, rt, rk| (lt | rt, lt | rt | (lk & rk))),
            Step::CmpMixed { dst, op, l, r, den } => match op {
                BinOp::Eq => self.compare_mixed(dst, l, r, den, |o| o == Ordering::Equal),
                BinOp::Ne => self.compare_mixed(dst, l, r, den, |o| o != Ordering::Equal),
                BinOp::Lt => self.compare_mixed(dst, l, r, den, |o| o == Ordering::Less),
                BinOp::Le => self.compare_mixed(dst, l, r, den, |o| o != Ordering::Greater),
                BinOp::Gt => self.compare_mixed(dst, l, r, den, |o| o == Ordering::Greater),
                _ => self.compare_mixed(dst, l, r, den, |o| o != Ordering::Less),
            },
            Step::DivFixed { dst, l, r, x, y } => self.div_fixed(dst, l, r, x, y),
            Step::CmpSame { dst, op, l, r } => match op {
                BinOp::Eq => self.compare_same(dst, l, r, |a, c| a == c),
                BinOp::Ne => self.compare_same(dst, l, r, |a, c| a != c),
                BinOp::Lt => self.compare_same(dst, l, r, |a, c| a < c),
                BinOp::Le => self.compare_same(dst, l, r, |a, c| a <= c),
                BinOp::Gt => self.compare_same(dst, l, r, |a, c| a > c),
                _ => self.compare_same(dst, l, r, |a, c| a >= c),
            },
            // Overflow and the bound in signed comparisons, which vectorise.
            Step::AddSame { dst, sub, l, r, limit, .. } if sub => {
                let f = |a: i64, c: i64| {
                    let v = a.wrapping_sub(c);
                    let overflow = ((a ^ c) & (a ^ v)) < 0;
                    (v, !overflow & (v <= limit as i64) & (v >= -(limit as i64)))
                };
                self.fixed(dst, l, r, true, f, f)
            }
            Step::AddSame { dst, l, r, limit, .. } => {
                let f = |a: i64, c: i64| {
                    let v = a.wrapping_add(c);
                    let overflow = ((a ^ v) & (c ^ v)) < 0;
                    (v, !overflow & (v <= limit as i64) & (v >= -(limit as i64)))
                };
                self.fixed(dst, l, r, true, f, f)
            }
            Step::AddScaled { dst, sub, l, r, scale_l, scale_r, limit } => {
                let f = |a: i64, c: i64| {
                    let (a, over_a) = a.overflowing_mul(scale_l);
                    let (c, over_c) = c.overflowing_mul(scale_r);
                    let (v, over) = if sub { a.overflowing_sub(c) } else { a.overflowing_add(c) };
                    (v, !(over_a | over_c | over) & (v.unsigned_abs() <= limit))
                };
                self.fixed(dst, l, r, true, f, f)
            }
            Step::AddMixed { dst, sub, fixed, other, den, swapped } => {
                let mut memo = num::Mixed::default();
                self.fixed_and_other(dst, fixed, other, |a, c, d| {
                    num::add_mixed(&mut memo, sub, swapped, a, den, c, d)
                })
            }
            Step::AddQuotient { dst, sub, fixed, other, scale, den, swapped } => {
                self.fixed_and_other(dst, fixed, other, |a, c, d| {
                    // Not a quotient over `den` after all: the interpreter's.
                    if d != -den {
                        return Exact::Redo;
                    }
                    let (a, c) = (i128::from(a) * i128::from(scale), i128::from(c));
                    let (x, y) = if swapped { (c, a) } else { (a, c) };
                    match i64::try_from(if sub { x - y } else { x + y }) {
                        Ok(v) if num::safe_inexact(v, den) => Exact::Value(v, -den),
                        _ => Exact::Redo,
                    }
                })
            }
            Step::MulFixed { dst, l, r, limit, .. } => self.fixed(
                dst,
                l,
                r,
                true,
                |a, c| {
                    let v = mul32(a, c);
                    (v, small(a) & small(c) & (v <= limit as i64) & (v >= -(limit as i64)))
                },
                |a, c| {
                    let (v, overflow) = a.overflowing_mul(c);
                    (v, !overflow & (v.unsigned_abs() <= limit))
                },
            ),
            Step::Cmp { dst, op, l, r } => self.binary(dst, l, r, |a, b, c, d| {
                if b == 0 || d == 0 {
                    return Exact::Unknown;
                }
                match num::compare(a, b, c, d) {
                    Some(o) => truth(holds(op, o)),
                    None => Exact::Redo,
                }
            }),
            // Overflow of whole numbers is unknown, as in the interpreter.
            Step::IntArith { dst, op: BinOp::Add, l, r } => {
                let f = |a: i64, c: i64| {
                    let v = a.wrapping_add(c);
                    (v, ((a ^ v) & (c ^ v)) >= 0)
                };
                self.fixed(dst, l, r, false, f, f)
            }
            Step::IntArith { dst, op: BinOp::Sub, l, r } => {
                let f = |a: i64, c: i64| {
                    let v = a.wrapping_sub(c);
                    (v, ((a ^ c) & (a ^ v)) >= 0)
                };
                self.fixed(dst, l, r, false, f, f)
            }
            Step::IntArith { dst, l, r, .. } => self.fixed(
                dst,
                l,
                r,
                false,
                |a, c| (mul32(a, c), small(a) & small(c)),
                |a, c| {
                    let (v, overflow) = a.overflowing_mul(c);
                    (v, !overflow)
                },
            ),
            Step::Arith { dst, op, l, r } => self.binary(dst, l, r, |a, b, c, d| {
                if b == 0 || d == 0 {
                    return Exact::Unknown;
                }
                let ((a, b), (c, d)) = match (num::settled(a, b), num::settled(c, d)) {
                    (Some(x), Some(y)) => (x, y),
                    // A decimal and a quotient with no decimal form.
                    (Some((a, b)), None) if op != BinOp::Mul => return num::add_inexact(op, a, b, c, d),
                    (None, Some((c, d))) if op != BinOp::Mul => return num::add_inexact(op, a, b, c, d),
                    _ => return Exact::Redo,
                };
                if op == BinOp::Mul {
                    return num::exact(a.checked_mul(c), b.checked_mul(d));
                }
                let Some((a, c, den)) = num::align(a, b, c, d) else { return Exact::Redo };
                num::exact(if op == BinOp::Add { a.checked_add(c) } else { a.checked_sub(c) }, Some(den))
            }),
            Step::Div { dst, l, r } => self.binary(dst, l, r, |a, b, c, d| {
                if b == 0 || d == 0 || c == 0 {
                    return Exact::Unknown;
                }
                let (Some((a, b)), Some((c, d))) = (num::settled(a, b), num::settled(c, d)) else {
                    return Exact::Redo;
                };
                // Left unsettled: most quotients are only compared or rounded.
                match (a.checked_mul(d), b.checked_mul(c)) {
                    (Some(n), Some(m)) if m > 0 => Exact::Value(n, -m),
                    (Some(n), Some(m)) => match (n.checked_neg(), m.checked_neg()) {
                        (Some(n), Some(m)) => Exact::Value(n, -m),
                        _ => Exact::Redo,
                    },
                    _ => Exact::Redo,
                }
            }),
            Step::Days { dst, op, l, r } => self.binary(dst, l, r, |a, b, c, d| {
                if b == 0 || d == 0 {
                    return Exact::Unknown;
                }
                let v = match op {
                    BinOp::Add => a.checked_add(c),
                    BinOp::Sub => a.checked_sub(c),
                    _ => a.checked_mul(c),
                };
                v.map_or(Exact::Unknown, |v| Exact::Value(v, 1))
            }),
            Step::Shift { dst, date, days, sign, kind } => self.binary(dst, date, days, |a, b, c, d| {
                if b == 0 || d == 0 {
                    return Exact::Unknown;
                }
                match c.checked_mul(sign).and_then(|days| add_days(Date::from_day_number(a), days, kind)) {
                    Some(date) => Exact::Value(date.day_number(), 1),
                    None => Exact::Unknown,
                }
            }),
            Step::DateDiff { dst, l, r } => {
                self.binary(
                    dst,
                    l,
                    r,
                    |a, b, c, d| {
                        if b == 0 || d == 0 { Exact::Unknown } else { Exact::Value(a - c, 1) }
                    },
                )
            }
            Step::DaysBetween { dst, a, b } => {
                self.binary(
                    dst,
                    a,
                    b,
                    |a, b, c, d| {
                        if b == 0 || d == 0 { Exact::Unknown } else { Exact::Value(c - a, 1) }
                    },
                )
            }
            Step::AgeOn { dst, birth, ref ages } => self.ages(dst, birth, ages),
            Step::Age { dst, birth, on } => self.binary(dst, birth, on, |a, b, c, d| {
                if b == 0 || d == 0 {
                    return Exact::Unknown;
                }
                Exact::Value(Date::from_day_number(a).years_until(Date::from_day_number(c)), 1)
            }),
            Step::Round { dst, x } => self.unary(dst, x, |a, b| {
                if b == 0 {
                    return Exact::Unknown;
                }
                match num::kopecks(a, b) {
                    Some(k) => num::exact(Some(k), Some(100)),
                    None => Exact::Redo,
                }
            }),
            Step::If { dst, c, t, f } => self.choose(dst, c, t, f),
            Step::In { dst, x, ref items } => {
                let mut o = self.take(dst);
                for i in 0..self.len {
                    let (a, b) = self.get(x, i);
                    let (mut found, mut all, mut redo) = (false, true, false);
                    for &item in items {
                        let (c, d) = self.get(item, i);
                        if d == 0 {
                            all = false;
                        } else if b != 0 {
                            match num::compare(a, b, c, d) {
                                Some(o) => found |= o == Ordering::Equal,
                                None => redo = true,
                            }
                        }
                    }
                    let known = b != 0 && !redo && (found || all);
                    put(&mut o, Shape::Bool, i, i64::from(found), i64::from(known));
                    self.redo[i] |= redo;
                }
                self.cols[dst] = o;
            }
            Step::InSame { dst, x, ref values } => {
                self.truth_of(dst, x, |c| &c.num[..], |v| u8::from(values.contains(&v)))
            }
            Step::Spread { dst, src } => self.spread(dst, src),
            Step::Gather { dst, src, op, mask } => self.gather(dst, src, op, mask),
            Step::Scale { dst, x, f, ref thresholds, ref values, limit } => {
                self.scale(dst, x, f, thresholds, values, limit)
            }
            Step::Extreme { dst, ref args, max } => {
                let mut o = self.take(dst);
                for i in 0..self.len {
                    let (mut best, mut known) = (self.get(args[0], i), true);
                    for &arg in &args[1..] {
                        let (c, d) = self.get(arg, i);
                        if d == 0 || best.1 == 0 {
                            known = false;
                            continue;
                        }
                        match num::compare(c, d, best.0, best.1) {
                            Some(o) if o == if max { Ordering::Greater } else { Ordering::Less } => {
                                best = (c, d)
                            }
                            Some(_) => {}
                            None => {
                                self.redo[i] = true;
                                known = false;
                            }
                        }
                    }
                    let (n, d) = if known { best } else { (0, 0) };
                    put(&mut o, self.shapes[dst], i, n, d);
                }
                self.cols[dst] = o;
            }
        }
    }

    pub(super) fn take(&mut self, dst: Reg) -> Column {
        std::mem::take(&mut self.cols[dst])
    }

    /// A truth column from one column (its truth values or numerators, as `part` picks):
    /// `f` of each row's value where it is known.
    #[inline(always)]
    fn truth_of<T: Copy>(&mut self, dst: Reg, x: Reg, part: fn(&Column) -> &[T], f: impl Fn(T) -> u8) {
        let mut o = self.take(dst);
        let n = self.len;
        let c = &self.cols[x];
        let (xv, xk) = (&part(c)[..n], &c.known[..n]);
        let (ot, ok) = (&mut o.truth[..n], &mut o.known[..n]);
        for i in 0..n {
            ot[i] = f(xv[i]) & xk[i];
            ok[i] = xk[i];
        }
        self.cols[dst] = o;
    }

    /// A step over a column of fixed denominator and one of any, into a column of any:
    /// `f` takes the fixed column's numerator and the other's value, on rows where both are
    /// known.
    #[inline(always)]
    fn fixed_and_other(
        &mut self,
        dst: Reg,
        fixed: Reg,
        other: Reg,
        mut f: impl FnMut(i64, i64, i64) -> Exact,
    ) {
        let mut o = self.take(dst);
        let n = self.len;
        let (fc, gc) = (&self.cols[fixed], &self.cols[other]);
        let (fnum, fknown, gnum, gden) = (&fc.num[..n], &fc.known[..n], &gc.num[..n], &gc.den[..n]);
        let (onum, oden) = (&mut o.num[..n], &mut o.den[..n]);
        for i in 0..n {
            let e = match (fknown[i], gden[i]) {
                (0, _) | (_, 0) => Exact::Unknown,
                _ => f(fnum[i], gnum[i], gden[i]),
            };
            (onum[i], oden[i]) = match e {
                Exact::Value(n, d) => (n, d),
                Exact::Unknown => (0, 0),
                Exact::Redo => {
                    self.redo[i] = true;
                    (0, 0)
                }
            };
        }
        for i in 0..n {
            o.known[i] = u8::from(o.den[i] != 0);
        }
        self.cols[dst] = o;
    }

    /// `and`, `or` over truth columns: `f` gives the truth and whether it is known.
    #[inline(always)]
    fn logic(&mut self, dst: Reg, l: Reg, r: Reg, f: impl Fn(u8, u8, u8, u8) -> (u8, u8)) {
        let mut o = self.take(dst);
        let n = self.len;
        let (l, r) = (&self.cols[l], &self.cols[r]);
        let (lt, lk, rt, rk) = (&l.truth[..n], &l.known[..n], &r.truth[..n], &r.known[..n]);
        let (ot, ok) = (&mut o.truth[..n], &mut o.known[..n]);
        for i in 0..n {
            (ot[i], ok[i]) = f(lt[i], lk[i], rt[i], rk[i]);
        }
        self.cols[dst] = o;
    }

    /// A step over two columns of one fixed denominator into another. `fast` gives the
    /// numerator and whether it is surely valid (it keeps to bounds where it vectorises);
    /// when some row is not, `exact` decides every row. An invalid value is for the
    /// interpreter when `again`, else unknown.
    #[inline(always)]
    fn fixed(
        &mut self,
        dst: Reg,
        l: Reg,
        r: Reg,
        again: bool,
        fast: impl Fn(i64, i64) -> (i64, bool),
        exact: impl Fn(i64, i64) -> (i64, bool),
    ) {
        let mut o = self.take(dst);
        let n = self.len;
        let (l, r) = (&self.cols[l], &self.cols[r]);
        let (ln, lk, rn, rk) = (&l.num[..n], &l.known[..n], &r.num[..n], &r.known[..n]);
        let (on, ok) = (&mut o.num[..n], &mut o.known[..n]);
        // Separate loops over 64-bit and byte columns: each vectorises without packing.
        let mut rest = false;
        for i in 0..n {
            let (v, valid) = fast(ln[i], rn[i]);
            on[i] = v;
            rest |= !valid;
        }
        for i in 0..n {
            ok[i] = lk[i] & rk[i];
        }
        if rest {
            for i in 0..n {
                let (v, valid) = exact(ln[i], rn[i]);
                if !valid && ok[i] != 0 {
                    self.redo[i] |= again;
                    ok[i] = 0;
                }
                on[i] = v;
            }
        }
        self.cols[dst] = o;
    }

    /// `(a/x) / (c/y) = (a·y) / (x·c)` for fixed denominators `x`, `y`, left unsettled.
    #[inline(always)]
    fn div_fixed(&mut self, dst: Reg, l: Reg, r: Reg, x: i64, y: i64) {
        let mut o = self.take(dst);
        let n = self.len;
        let (lc, rc) = (&self.cols[l], &self.cols[r]);
        let (ln, lk, rn, rk) = (&lc.num[..n], &lc.known[..n], &rc.num[..n], &rc.known[..n]);
        let (on, od, ok) = (&mut o.num[..n], &mut o.den[..n], &mut o.known[..n]);
        // The sign goes to the numerator; the denominator is stored negated (unsettled).
        let quotient = |a: i64, c: i64| {
            let (num, den) = (mul32(a, y), mul32(c, x));
            let negative = -i64::from(den < 0);
            ((num ^ negative).wrapping_sub(negative), (den ^ negative).wrapping_sub(negative).wrapping_neg())
        };
        let mut rest = !small(x) | !small(y);
        for i in 0..n {
            let (num, den) = quotient(ln[i], rn[i]);
            on[i] = num;
            od[i] = den;
            rest |= !small(ln[i]) | !small(rn[i]);
        }
        for i in 0..n {
            ok[i] = lk[i] & rk[i];
        }
        // A zero divisor is unknown, and an unknown quotient has denominator 0 as well.
        for i in 0..n {
            let keep = (od[i] != 0) & (ok[i] != 0);
            ok[i] = u8::from(keep);
            od[i] &= -i64::from(keep);
        }
        if rest {
            // Every row again, exactly: the first pass's products hold only within 32 bits.
            for i in 0..n {
                let (num, o1) = ln[i].overflowing_mul(y);
                let (den, o2) = rn[i].overflowing_mul(x);
                let known = (lk[i] & rk[i] != 0) & (rn[i] != 0);
                let negative = -i64::from(den < 0);
                let (num, den) =
                    ((num ^ negative).wrapping_sub(negative), (den ^ negative).wrapping_sub(negative));
                let valid = !o1 & !o2 & (num != i64::MIN) & (den != i64::MIN);
                let keep = known & valid;
                on[i] = num;
                od[i] = den.wrapping_neg() & -i64::from(keep);
                ok[i] = u8::from(keep);
                self.redo[i] |= known & !valid;
            }
        }
        self.cols[dst] = o;
    }

    /// A comparison of numerators over one denominator, or of two truth columns.
    #[inline(always)]
    fn compare_same(&mut self, dst: Reg, l: Reg, r: Reg, holds: impl Fn(i64, i64) -> bool) {
        let mut o = self.take(dst);
        let n = self.len;
        let (lc, rc) = (&self.cols[l], &self.cols[r]);
        let (lk, rk) = (&lc.known[..n], &rc.known[..n]);
        let (ot, ok) = (&mut o.truth[..n], &mut o.known[..n]);
        if self.shapes[l] == Shape::Bool {
            let (lt, rt) = (&lc.truth[..n], &rc.truth[..n]);
            for i in 0..n {
                ot[i] = u8::from(holds(i64::from(lt[i]), i64::from(rt[i])));
            }
        } else {
            // 64-bit comparisons into bytes, then the known flags over bytes: two loops
            // that vectorise, rather than one that mixes widths.
            let (ln, rn) = (&lc.num[..n], &rc.num[..n]);
            for i in 0..n {
                ot[i] = u8::from(holds(ln[i], rn[i]));
            }
        }
        for i in 0..n {
            let known = lk[i] & rk[i];
            ot[i] &= known;
            ok[i] = known;
        }
        self.cols[dst] = o;
    }

    /// A column of quotients (`num`, `den` per row) against one of fixed denominator
    /// `den`: cross products of 32-bit operands in one vectorised pass (the quotient's
    /// denominator within the bounds where it orders as its 28-digit decimal does); the
    /// general comparison for the other rows.
    #[inline(always)]
    fn compare_mixed(&mut self, dst: Reg, l: Reg, r: Reg, den: i64, holds: impl Fn(Ordering) -> bool) {
        let mut o = self.take(dst);
        let n = self.len;
        let (lc, rc) = (&self.cols[l], &self.cols[r]);
        let (ln, ld, lk, rn, rk) = (&lc.num[..n], &lc.den[..n], &lc.known[..n], &rc.num[..n], &rc.known[..n]);
        let (ot, ok) = (&mut o.truth[..n], &mut o.known[..n]);
        let fits =
            |a: i64, b: i64, c: i64| small(a) & small(c) & (b.unsigned_abs() <= num::INEXACT_DEN as u64);
        let mut rest = den.unsigned_abs() > num::INEXACT_DEN as u64;
        for i in 0..n {
            let (a, b, c) = (ln[i], ld[i], rn[i]);
            ot[i] = u8::from(holds(mul32(a, den).cmp(&mul32(c, b.wrapping_abs()))));
            rest |= !fits(a, b, c);
        }
        for i in 0..n {
            let known = lk[i] & rk[i] & u8::from(ld[i] != 0);
            ot[i] &= known;
            ok[i] = known;
        }
        if rest {
            for i in 0..n {
                let (a, b, c) = (ln[i], ld[i], rn[i]);
                if ok[i] == 0 || fits(a, b, c) & (den.unsigned_abs() <= num::INEXACT_DEN as u64) {
                    continue;
                }
                let fast = b > 0 || num::safe_inexact(a, b) && num::safe_inexact(c, den);
                let order = if fast {
                    Some((i128::from(a) * i128::from(den)).cmp(&(i128::from(c) * i128::from(b.abs()))))
                } else {
                    let order = num::compare(a, b, c, den);
                    self.redo[i] |= order.is_none();
                    order
                };
                ot[i] = u8::from(order.is_some_and(&holds));
                ok[i] = u8::from(order.is_some());
            }
        }
        self.cols[dst] = o;
    }

    /// `if`: the chosen branch where the condition is known.
    #[inline(always)]
    fn choose(&mut self, dst: Reg, c: Reg, t: Reg, f: Reg) {
        let mut o = self.take(dst);
        let n = self.len;
        let (cc, tc, fc) = (&self.cols[c], &self.cols[t], &self.cols[f]);
        let (ct, ck) = (&cc.truth[..n], &cc.known[..n]);
        let (tk, fk, ok) = (&tc.known[..n], &fc.known[..n], &mut o.known[..n]);
        let shape = self.shapes[dst];
        if shape != self.shapes[t] || shape != self.shapes[f] {
            for i in 0..n {
                let (v, d) = match (ck[i], ct[i]) {
                    (0, _) => (0, 0),
                    (_, 1) => self.get(t, i),
                    _ => self.get(f, i),
                };
                put(&mut o, shape, i, v, d);
            }
            self.cols[dst] = o;
            return;
        }
        let (yes, no) = (&mut self.then_mask[..n], &mut self.else_mask[..n]);
        for i in 0..n {
            let (t, f) = (ct[i] & ck[i], (ct[i] ^ 1) & ck[i]);
            ok[i] = (tk[i] & t) | (fk[i] & f);
            (yes[i], no[i]) = (t.wrapping_neg(), f.wrapping_neg());
        }
        // The byte masks widened by sign: all ones or zeros, a vector at a time.
        let mask = |v: u8| i64::from(v as i8);
        match shape {
            Shape::Bool => {
                let (tt, ft, ot) = (&tc.truth[..n], &fc.truth[..n], &mut o.truth[..n]);
                for i in 0..n {
                    ot[i] = (tt[i] & ct[i] & ck[i]) | (ft[i] & (ct[i] ^ 1) & ck[i]);
                }
            }
            Shape::Fixed(_) => {
                let (tn, fnum, on) = (&tc.num[..n], &fc.num[..n], &mut o.num[..n]);
                for i in 0..n {
                    on[i] = (tn[i] & mask(yes[i])) | (fnum[i] & mask(no[i]));
                }
            }
            Shape::Dynamic => {
                let (tn, fnum, td, fd) = (&tc.num[..n], &fc.num[..n], &tc.den[..n], &fc.den[..n]);
                let (on, od) = (&mut o.num[..n], &mut o.den[..n]);
                for i in 0..n {
                    let (yes, no) = (mask(yes[i]), mask(no[i]));
                    on[i] = (tn[i] & yes) | (fnum[i] & no);
                    od[i] = (td[i] & yes) | (fd[i] & no);
                }
            }
        }
        self.cols[dst] = o;
    }

    /// Ages on the program's date; dates and ages of fixed denominators (whole numbers)
    /// read and written directly.
    fn ages(&mut self, dst: Reg, birth: Reg, ages: &super::ages::Ages) {
        let (Shape::Fixed(_), Shape::Fixed(_)) = (self.shapes[birth], self.shapes[dst]) else {
            return self.unary(dst, birth, |a, b| {
                if b == 0 { Exact::Unknown } else { Exact::Value(ages.age(a), 1) }
            });
        };
        let mut o = self.take(dst);
        let n = self.len;
        let c = &self.cols[birth];
        let born = c.num[..n].iter().zip(&c.known[..n]);
        for ((age, known), (&day, &k)) in o.num[..n].iter_mut().zip(&mut o.known[..n]).zip(born) {
            *age = if k == 0 { 0 } else { ages.age(day) };
            *known = k;
        }
        self.cols[dst] = o;
    }

    #[inline(always)]
    fn unary(&mut self, dst: Reg, x: Reg, f: impl Fn(i64, i64) -> Exact) {
        let mut o = self.take(dst);
        let shape = self.shapes[dst];
        for i in 0..self.len {
            let (a, b) = self.get(x, i);
            let (n, d) = self.settle(i, f(a, b));
            put(&mut o, shape, i, n, d);
        }
        self.cols[dst] = o;
    }

    #[inline(always)]
    fn binary(&mut self, dst: Reg, l: Reg, r: Reg, f: impl Fn(i64, i64, i64, i64) -> Exact) {
        let mut o = self.take(dst);
        let shape = self.shapes[dst];
        for i in 0..self.len {
            let ((a, b), (c, d)) = (self.get(l, i), self.get(r, i));
            let (n, d) = self.settle(i, f(a, b, c, d));
            put(&mut o, shape, i, n, d);
        }
        self.cols[dst] = o;
    }

    /// A value to store, marking the row for the interpreter when it must redo it.
    #[inline(always)]
    pub(super) fn settle(&mut self, row: usize, e: Exact) -> (i64, i64) {
        match e {
            Exact::Value(n, d) => (n, d),
            Exact::Unknown => (0, 0),
            Exact::Redo => {
                self.redo[row] = true;
                (0, 0)
            }
        }
    }
}

/// Whether a number lies within 32 bits, where products of two fit in 64 and the
/// vectorised passes take it.
#[inline(always)]
fn small(v: i64) -> bool {
    v.unsigned_abs() <= i32::MAX as u64
}

/// The product of two numbers that are `small`, as one 32-bit multiplication (one
/// instruction per four rows; a 64-bit one takes six). Other operands give a wrong value,
/// which the passes that use it never keep: they take such rows exactly.
#[inline(always)]
fn mul32(a: i64, b: i64) -> i64 {
    i64::from(a as i32) * i64::from(b as i32)
}

/// Stores one cell into a column of a shape.
#[inline(always)]
pub(super) fn put(c: &mut Column, shape: Shape, row: usize, num: i64, den: i64) {
    let known = u8::from(den != 0);
    c.known[row] = known;
    match shape {
        Shape::Bool => c.truth[row] = (num == 1) as u8 & known,
        Shape::Fixed(_) => c.num[row] = num,
        Shape::Dynamic => (c.num[row], c.den[row]) = (num, den),
    }
}
