//! Running a program over a batch: each step is one tight loop over the rows.

use super::num::{self, Exact};
use super::{Program, Reg, Step};
use crate::date::Date;
use crate::simulate::eval::add_days;
use crate::syntax::ast::BinOp;
use std::cmp::Ordering;

/// The columns of one batch of rows, reused from batch to batch.
pub struct Batch {
    num: Vec<Vec<i64>>,
    den: Vec<Vec<i64>>,
    /// Rows the interpreter must evaluate instead.
    pub redo: Vec<bool>,
    pub len: usize,
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
        let mut num = vec![vec![0; capacity]; program.registers];
        let mut den = vec![vec![0; capacity]; program.registers];
        for &(r, n, d) in &program.consts {
            num[r].fill(n);
            den[r].fill(d);
        }
        Batch { num, den, redo: vec![false; capacity], len: 0 }
    }

    pub fn capacity(&self) -> usize {
        self.redo.len()
    }

    /// Sets one cell of an input column.
    pub fn set(&mut self, reg: Reg, row: usize, num: i64, den: i64) {
        self.num[reg][row] = num;
        self.den[reg][row] = den;
    }

    pub fn get(&self, reg: Reg, row: usize) -> (i64, i64) {
        (self.num[reg][row], self.den[reg][row])
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
            self.step(step);
        }
    }

    #[inline(always)]
    fn step(&mut self, step: &Step) {
        match *step {
            // Truth values are 0 or 1 over 1, unknown is 0 over 0: Kleene's logic in bit
            // operations, without a branch.
            Step::Not { dst, x } => self.map2(dst, x, x, |a, b, _, _| ((a ^ 1) & b, b, false)),
            Step::NegInt { dst, x } => self.unary(dst, x, |a, b| match (b, a.checked_neg()) {
                (1, Some(n)) => Exact::Value(n, 1),
                _ => Exact::Unknown,
            }),
            Step::Neg { dst, x } => self.unary(dst, x, |a, b| match (b, a.checked_neg()) {
                (0, _) | (_, None) => Exact::Unknown,
                (_, Some(n)) => Exact::Value(n, b),
            }),
            Step::And { dst, l, r } => self.map2(dst, l, r, |a, b, c, d| {
                let false_side = (b & (a ^ 1)) | (d & (c ^ 1));
                (a & c, false_side | (b & d), false)
            }),
            Step::Or { dst, l, r } => self.map2(dst, l, r, |a, b, c, d| (a | c, a | c | (b & d), false)),
            Step::CmpSame { dst, op, l, r } => match op {
                BinOp::Eq => self.compare_same(dst, l, r, |a, c| a == c),
                BinOp::Ne => self.compare_same(dst, l, r, |a, c| a != c),
                BinOp::Lt => self.compare_same(dst, l, r, |a, c| a < c),
                BinOp::Le => self.compare_same(dst, l, r, |a, c| a <= c),
                BinOp::Gt => self.compare_same(dst, l, r, |a, c| a > c),
                _ => self.compare_same(dst, l, r, |a, c| a >= c),
            },
            Step::AddSame { dst, sub, l, r, den, limit } => self.map2(dst, l, r, |a, b, c, d| {
                let (v, overflow) = if sub { a.overflowing_sub(c) } else { a.overflowing_add(c) };
                let known = (b != 0) & (d != 0);
                let ok = known & !overflow & (v.unsigned_abs() <= limit);
                let keep = -i64::from(ok);
                (v & keep, den & keep, known & !ok)
            }),
            Step::MulFixed { dst, l, r, den, limit } => self.map2(dst, l, r, |a, b, c, d| {
                let (v, overflow) = a.overflowing_mul(c);
                let known = (b != 0) & (d != 0);
                let ok = known & !overflow & (v.unsigned_abs() <= limit);
                let keep = -i64::from(ok);
                (v & keep, den & keep, known & !ok)
            }),
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
            Step::IntArith { dst, op, l, r } => self.map2(dst, l, r, |a, b, c, d| {
                let (v, overflow) = match op {
                    BinOp::Add => a.overflowing_add(c),
                    BinOp::Sub => a.overflowing_sub(c),
                    _ => a.overflowing_mul(c),
                };
                let keep = -i64::from((b != 0) & (d != 0) & !overflow);
                (v & keep, keep & 1, false)
            }),
            Step::Arith { dst, op, l, r } => self.binary(dst, l, r, |a, b, c, d| {
                if b == 0 || d == 0 {
                    return Exact::Unknown;
                }
                let (Some((a, b)), Some((c, d))) = (num::settled(a, b), num::settled(c, d)) else {
                    return Exact::Redo;
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
            Step::If { dst, c, t, f } => {
                let (mut dn, mut dd) = self.take(dst);
                let n = self.len;
                let (cn, cd) = (&self.num[c][..n], &self.den[c][..n]);
                let (tn, td) = (&self.num[t][..n], &self.den[t][..n]);
                let (fnum, fd) = (&self.num[f][..n], &self.den[f][..n]);
                let (dn_, dd_) = (&mut dn[..n], &mut dd[..n]);
                for i in 0..n {
                    // All ones when the condition is known to hold, or known to fail.
                    let yes = -(cn[i] & cd[i]);
                    let no = -((cn[i] ^ 1) & cd[i]);
                    dn_[i] = (tn[i] & yes) | (fnum[i] & no);
                    dd_[i] = (td[i] & yes) | (fd[i] & no);
                }
                self.put(dst, dn, dd);
            }
            Step::In { dst, x, ref items } => {
                let (mut dn, mut dd) = self.take(dst);
                for i in 0..self.len {
                    let (a, b) = (self.num[x][i], self.den[x][i]);
                    let (mut found, mut all, mut redo) = (false, true, false);
                    for &item in items {
                        let (c, d) = (self.num[item][i], self.den[item][i]);
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
                    dn[i] = i64::from(found && known);
                    dd[i] = i64::from(known);
                    self.redo[i] |= redo;
                }
                self.put(dst, dn, dd);
            }
            Step::Extreme { dst, ref args, max } => {
                let (mut dn, mut dd) = self.take(dst);
                for i in 0..self.len {
                    let (mut best, mut known) = ((self.num[args[0]][i], self.den[args[0]][i]), true);
                    for &arg in &args[1..] {
                        let (c, d) = (self.num[arg][i], self.den[arg][i]);
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
                    (dn[i], dd[i]) = if known { best } else { (0, 0) };
                }
                self.put(dst, dn, dd);
            }
        }
    }

    fn take(&mut self, dst: Reg) -> (Vec<i64>, Vec<i64>) {
        (std::mem::take(&mut self.num[dst]), std::mem::take(&mut self.den[dst]))
    }

    fn put(&mut self, dst: Reg, num: Vec<i64>, den: Vec<i64>) {
        self.num[dst] = num;
        self.den[dst] = den;
    }

    /// A step that needs no branch per row: `f` gives the value, its denominator and
    /// whether the row goes to the interpreter.
    #[inline(always)]
    fn map2(&mut self, dst: Reg, l: Reg, r: Reg, f: impl Fn(i64, i64, i64, i64) -> (i64, i64, bool)) {
        let (mut dn, mut dd) = self.take(dst);
        let n = self.len;
        let (ln, ld) = (&self.num[l][..n], &self.den[l][..n]);
        let (rn, rd) = (&self.num[r][..n], &self.den[r][..n]);
        let (dn_, dd_, redo) = (&mut dn[..n], &mut dd[..n], &mut self.redo[..n]);
        for i in 0..n {
            let (v, d, again) = f(ln[i], ld[i], rn[i], rd[i]);
            dn_[i] = v;
            dd_[i] = d;
            redo[i] |= again;
        }
        self.put(dst, dn, dd);
    }

    /// A comparison of numerators over one denominator.
    #[inline(always)]
    fn compare_same(&mut self, dst: Reg, l: Reg, r: Reg, holds: impl Fn(i64, i64) -> bool) {
        self.map2(dst, l, r, |a, b, c, d| {
            let known = i64::from((b != 0) & (d != 0));
            (i64::from(holds(a, c)) & known, known, false)
        });
    }

    #[inline(always)]
    fn unary(&mut self, dst: Reg, x: Reg, f: impl Fn(i64, i64) -> Exact) {
        let (mut dn, mut dd) = self.take(dst);
        let (xn, xd) = (&self.num[x][..self.len], &self.den[x][..self.len]);
        for i in 0..self.len {
            (dn[i], dd[i]) = match f(xn[i], xd[i]) {
                Exact::Value(n, d) => (n, d),
                Exact::Unknown => (0, 0),
                Exact::Redo => {
                    self.redo[i] = true;
                    (0, 0)
                }
            };
        }
        self.put(dst, dn, dd);
    }

    #[inline(always)]
    fn binary(&mut self, dst: Reg, l: Reg, r: Reg, f: impl Fn(i64, i64, i64, i64) -> Exact) {
        let (mut dn, mut dd) = self.take(dst);
        let len = self.len;
        let (ln, ld) = (&self.num[l][..len], &self.den[l][..len]);
        let (rn, rd) = (&self.num[r][..len], &self.den[r][..len]);
        for i in 0..len {
            (dn[i], dd[i]) = match f(ln[i], ld[i], rn[i], rd[i]) {
                Exact::Value(n, d) => (n, d),
                Exact::Unknown => (0, 0),
                Exact::Redo => {
                    self.redo[i] = true;
                    (0, 0)
                }
            };
        }
        self.put(dst, dn, dd);
    }
}
