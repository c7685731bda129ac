//! The steps of a batch of groups: a group's value spread over its members' rows, the
//! members' values gathered into their group's, and scales.

use super::exec::{Batch, Column, put};
use super::num::{self, Exact};
use super::{Gather, Program, Reg, Shape};
use crate::vocabulary::Function;

impl Batch {
    /// Lays out a batch of groups: `sizes[g]` member rows for group `g`, in order. The
    /// caller then sets group cells at rows `0..groups` and member cells at rows
    /// `offsets[g]..offsets[g + 1]`.
    pub fn groups(&mut self, program: &Program, sizes: impl Iterator<Item = u32>) {
        self.offsets.clear();
        self.owner.clear();
        self.offsets.push(0);
        let mut total = 0u32;
        for (g, n) in sizes.enumerate() {
            total += n;
            self.offsets.push(total);
            self.owner.extend(std::iter::repeat_n(g as u32, n as usize));
        }
        self.len = self.offsets.len() - 1;
        self.persons = total as usize;
        let rows = self.len.max(self.persons);
        if rows > self.redo.len() {
            self.grow(program, rows);
        }
        self.redo[..self.len].fill(false);
        self.redo_persons.clear();
        self.redo_persons.resize(self.persons.max(self.redo.len()), false);
    }

    /// Where group `g`'s members are.
    pub fn members(&self, g: usize) -> std::ops::Range<usize> {
        self.offsets[g] as usize..self.offsets[g + 1] as usize
    }

    /// Room for `rows` rows in every column, constants filled.
    fn grow(&mut self, program: &Program, rows: usize) {
        for (c, shape) in self.cols.iter_mut().zip(&self.shapes) {
            c.known.resize(rows, 0);
            match shape {
                Shape::Bool => c.truth.resize(rows, 0),
                Shape::Fixed(_) => c.num.resize(rows, 0),
                Shape::Dynamic => {
                    c.num.resize(rows, 0);
                    c.den.resize(rows, 0);
                }
            }
        }
        let from = self.redo.len();
        for &(r, n, d) in &program.consts {
            for row in from..rows {
                self.set(r, row, n, d);
            }
        }
        self.redo.resize(rows, false);
        self.then_mask.resize(rows, 0);
        self.else_mask.resize(rows, 0);
    }

    /// A member row the interpreter must redo makes its group's decision redone.
    pub(super) fn members_redone(&mut self) {
        for p in 0..self.persons.min(self.redo_persons.len()) {
            if std::mem::take(&mut self.redo_persons[p]) {
                self.redo[self.owner[p] as usize] = true;
            }
        }
    }

    /// Runs at the members' rows (`len` is theirs).
    pub(super) fn spread(&mut self, dst: Reg, src: Reg) {
        let mut o = self.take(dst);
        let shape = self.shapes[dst];
        for p in 0..self.len {
            let (n, d) = self.get(src, self.owner[p] as usize);
            put(&mut o, shape, p, n, d);
        }
        self.cols[dst] = o;
    }

    /// Runs at the groups' rows: one loop per reduction and per shape of the members'
    /// values, so that neither is looked at member by member.
    pub(super) fn gather(&mut self, dst: Reg, src: Option<Reg>, op: Gather, mask: Option<(Reg, i64)>) {
        macro_rules! by_op {
            ($src:expr, $value:expr) => {
                match op {
                    Gather::Members => self.reduce(dst, Gather::Members, mask, $src, $value),
                    Gather::Count => self.reduce(dst, Gather::Count, mask, $src, $value),
                    Gather::Any => self.reduce(dst, Gather::Any, mask, $src, $value),
                    Gather::All => self.reduce(dst, Gather::All, mask, $src, $value),
                    Gather::Sum(Some(limit)) => {
                        self.reduce(dst, Gather::Sum(Some(limit)), mask, $src, $value)
                    }
                    Gather::Sum(None) => self.reduce(dst, Gather::Sum(None), mask, $src, $value),
                }
            };
        }
        if self.reduce_plain(dst, src, op, mask) {
            return;
        }
        // Without values (a count of members), any column serves as the source: unread.
        let Some(src) = src else { return by_op!(dst, |_, _| (1, 1)) };
        match self.shapes[src] {
            Shape::Bool => by_op!(src, |c: &Column, p: usize| (i64::from(c.truth[p]), i64::from(c.known[p]))),
            Shape::Fixed(den) => {
                by_op!(src, move |c: &Column, p: usize| (c.num[p], den * i64::from(c.known[p])))
            }
            Shape::Dynamic => by_op!(src, |c: &Column, p: usize| (c.num[p], c.den[p])),
        }
    }

    /// The common reductions in one pass over the members, each adding into its group's
    /// row (no loop per group): a count of members (in a role), a sum of one denominator,
    /// `any` and `all` of truth values. `false` when the reduction is another, or a sum
    /// might overflow 64 bits.
    fn reduce_plain(&mut self, dst: Reg, src: Option<Reg>, op: Gather, mask: Option<(Reg, i64)>) -> bool {
        let (n, persons) = (self.len, self.persons);
        let mut o = self.take(dst);
        let offsets = &self.offsets[..=n];
        let owner = &self.owner[..persons];
        let empty = |g: usize| offsets[g] == offsets[g + 1];
        let shapes = (src.map(|s| self.shapes[s]), self.shapes[dst]);
        let (on, ot, ok) = (&mut o.num, &mut o.truth, &mut o.known[..n]);
        match (op, mask, shapes) {
            (Gather::Members, _, (_, Shape::Fixed(1))) => {
                let on = &mut on[..n];
                ok.fill(1);
                match mask {
                    Some((r, role)) => {
                        on.fill(0);
                        for (&g, &r) in owner.iter().zip(&self.cols[r].num[..persons]) {
                            on[g as usize] += i64::from(r == role);
                        }
                    }
                    None => {
                        for (g, count) in on.iter_mut().enumerate() {
                            *count = i64::from(offsets[g + 1] - offsets[g]);
                        }
                    }
                }
            }
            (Gather::Sum(Some(limit)), None, (Some(Shape::Fixed(_)), Shape::Fixed(_))) => {
                let on = &mut on[..n];
                let c = &self.cols[src.expect("a sum's values")];
                on.fill(0);
                ok.fill(1);
                let mut widest = 0;
                for ((&g, &v), &known) in owner.iter().zip(&c.num[..persons]).zip(&c.known[..persons]) {
                    let g = g as usize;
                    on[g] = on[g].wrapping_add(v);
                    ok[g] &= known;
                    widest = widest.max(v.unsigned_abs());
                }
                // No sum wrapped if the largest value times the most members fits.
                let most = offsets.windows(2).map(|r| u64::from(r[1] - r[0])).max().unwrap_or(0);
                if widest.checked_mul(most).is_none_or(|m| m > i64::MAX as u64) {
                    self.cols[dst] = o;
                    return false;
                }
                for g in 0..n {
                    // An empty sum is a whole 0 to the interpreter; a sum beyond the bound is
                    // its own.
                    let redo = ok[g] == 1 && (empty(g) || on[g].unsigned_abs() > limit);
                    self.redo[g] |= redo;
                    ok[g] &= u8::from(!redo);
                    on[g] *= i64::from(ok[g]);
                }
            }
            (Gather::Any | Gather::All, None, (Some(Shape::Bool), Shape::Bool)) => {
                let ot = &mut ot[..n];
                let c = &self.cols[src.expect("a condition")];
                // `any` looks for a known true value, `all` for a known false one.
                let sought = u8::from(op == Gather::Any);
                ot.fill(0);
                ok.fill(1);
                for ((&g, &t), &known) in owner.iter().zip(&c.truth[..persons]).zip(&c.known[..persons]) {
                    let g = g as usize;
                    ot[g] |= !(t ^ sought) & known & 1;
                    ok[g] &= known;
                }
                for (found, known) in ot.iter_mut().zip(ok.iter_mut()) {
                    (*found, *known) = match (*found, *known) {
                        (1, _) => (sought, 1),
                        (_, 0) => (0, 0),
                        _ => (sought ^ 1, 1),
                    };
                }
            }
            _ => {
                self.cols[dst] = o;
                return false;
            }
        }
        self.cols[dst] = o;
        true
    }

    #[inline(always)]
    fn reduce(
        &mut self,
        dst: Reg,
        op: Gather,
        mask: Option<(Reg, i64)>,
        src: Reg,
        value: impl Fn(&Column, usize) -> (i64, i64),
    ) {
        let mut o = self.take(dst);
        let shape = self.shapes[dst];
        let (cols, offsets, redo) = (&self.cols, &self.offsets[..=self.len], &mut self.redo);
        let roles = mask.map(|(r, role)| (&cols[r].num, role));
        let c = &cols[src];
        for (g, run) in offsets.windows(2).enumerate() {
            let mut acc = Acc::new(op);
            for p in run[0] as usize..run[1] as usize {
                if roles.is_some_and(|(roles, role)| roles[p] != role) {
                    continue;
                }
                acc.add(value(c, p));
            }
            let (n, d) = match acc.finish() {
                Exact::Value(n, d) => (n, d),
                Exact::Unknown => (0, 0),
                Exact::Redo => {
                    redo[g] = true;
                    (0, 0)
                }
            };
            put(&mut o, shape, g, n, d);
        }
        self.cols[dst] = o;
    }

    /// Runs at the rows of the base.
    pub(super) fn scale(
        &mut self,
        dst: Reg,
        x: Reg,
        f: Function,
        thresholds: &[i64],
        values: &[i64],
        limit: u64,
    ) {
        let mut o = self.take(dst);
        let shape = self.shapes[dst];
        let scale = Scale::new(f, thresholds, values);
        // A base and a result of fixed denominators (amounts): their columns read directly.
        if let (Shape::Fixed(_), Shape::Fixed(_)) = (self.shapes[x], shape) {
            let n = self.len;
            let c = &self.cols[x];
            let (xn, xk) = (&c.num[..n], &c.known[..n]);
            let (on, ok, redo) = (&mut o.num[..n], &mut o.known[..n], &mut self.redo[..n]);
            // One loop per function: each row's work is then a few compares and one entry.
            #[inline(always)]
            fn rows(
                xn: &[i64],
                xk: &[u8],
                on: &mut [i64],
                ok: &mut [u8],
                redo: &mut [bool],
                at: impl Fn(i64) -> Exact,
            ) {
                for i in 0..xn.len() {
                    let e = if xk[i] == 0 { Exact::Unknown } else { at(xn[i]) };
                    (on[i], ok[i]) = match e {
                        Exact::Value(v, _) => (v, 1),
                        Exact::Unknown => (0, 0),
                        Exact::Redo => {
                            redo[i] = true;
                            (0, 0)
                        }
                    };
                }
            }
            match f {
                Function::Bracket => rows(xn, xk, on, ok, redo, |x| scale.bracket(x)),
                Function::ScaleRate => rows(xn, xk, on, ok, redo, |x| scale.rate(x, limit)),
                _ => rows(xn, xk, on, ok, redo, |x| scale.amount(x, limit)),
            }
            self.cols[dst] = o;
            return;
        }
        for i in 0..self.len {
            let (a, b) = self.get(x, i);
            let e = if b == 0 { Exact::Unknown } else { scale.at(a, limit) };
            let (n, d) = self.settle(i, e);
            put(&mut o, shape, i, n, d);
        }
        self.cols[dst] = o;
    }
}

/// A scale on a base `x` (over the thresholds' denominator), worked out once for a column:
/// each row then counts the thresholds below it and takes one entry (and, for a marginal
/// rate, one product). The result's numerator is over the values' denominator (times the
/// base's for rates), which the register's shape fixes (so the `Exact` carries 1).
struct Scale<'a> {
    f: Function,
    thresholds: &'a [i64],
    values: &'a [i64],
    /// Before each threshold's bracket: for amounts, the sum of the amounts passed (`None`
    /// past an overflow); for a marginal rate, the total of the brackets below it less the
    /// threshold at the bracket's rate, so that the total on `x` is this plus `x` at the
    /// rate, exact in 128 bits.
    below: Vec<Option<i128>>,
}

impl<'a> Scale<'a> {
    fn new(f: Function, thresholds: &'a [i64], values: &'a [i64]) -> Self {
        let mut sums = vec![Some(0i128)];
        for i in 0..thresholds.len() {
            let part = match f {
                Function::ScaleRate => thresholds
                    .get(i + 1)
                    .map(|next| (i128::from(*next) - i128::from(thresholds[i])) * i128::from(values[i])),
                _ => Some(i128::from(values[i])),
            };
            // Totals beyond 64 bits are the interpreter's.
            let sum = sums[i].zip(part).map(|(t, b)| t + b).filter(|s| i64::try_from(*s).is_ok());
            sums.push(sum);
        }
        let below = match f {
            Function::ScaleRate => (0..thresholds.len())
                .map(|i| sums[i].map(|s| s - i128::from(thresholds[i]) * i128::from(values[i])))
                .collect(),
            _ => sums,
        };
        Scale { f, thresholds, values, below }
    }

    /// The scale's value on `x`.
    #[inline(always)]
    fn at(&self, x: i64, limit: u64) -> Exact {
        match self.f {
            Function::Bracket => self.bracket(x),
            Function::ScaleRate => self.rate(x, limit),
            _ => self.amount(x, limit),
        }
    }

    /// Thresholds `x` has passed (strictly, or `inclusive`ly), counted without a branch:
    /// scales are short.
    #[inline(always)]
    fn passed(&self, x: i64, inclusive: bool) -> usize {
        self.thresholds.iter().map(|&t| usize::from(t < x || (inclusive && t == x))).sum()
    }

    /// `bracket`: the value of the bracket `x` is in (from its threshold on).
    #[inline(always)]
    fn bracket(&self, x: i64) -> Exact {
        match self.passed(x, true).checked_sub(1) {
            Some(i) => Exact::Value(self.values[i], 1),
            None => Exact::Unknown,
        }
    }

    /// `scale_rate`: the brackets below `x` at their rates, and `x`'s own at its rate.
    #[inline(always)]
    fn rate(&self, x: i64, limit: u64) -> Exact {
        let Some(i) = self.passed(x, false).checked_sub(1) else { return Exact::Value(0, 1) };
        Self::within(self.below[i].map(|below| below + i128::from(x) * i128::from(self.values[i])), limit)
    }

    /// `scale_amount`: the amounts of every bracket `x` is above.
    #[inline(always)]
    fn amount(&self, x: i64, limit: u64) -> Exact {
        Self::within(self.below[self.passed(x, false)], limit)
    }

    #[inline(always)]
    fn within(total: Option<i128>, limit: u64) -> Exact {
        match total.and_then(|t| i64::try_from(t).ok()) {
            Some(total) if total.unsigned_abs() <= limit => Exact::Value(total, 1),
            _ => Exact::Redo,
        }
    }
}

/// A reduction under way: the members' values, one at a time.
struct Acc {
    op: Gather,
    count: i64,
    /// Sum: numerator and denominator so far; Any/All: whether one was true/false.
    num: i64,
    den: i64,
    unknown: bool,
    redo: bool,
}

impl Acc {
    #[inline(always)]
    fn new(op: Gather) -> Acc {
        Acc { op, count: 0, num: 0, den: 1, unknown: false, redo: false }
    }

    #[inline(always)]
    fn add(&mut self, (n, d): (i64, i64)) {
        self.count += 1;
        if d == 0 {
            self.unknown = true;
            return;
        }
        match self.op {
            Gather::Members => {}
            Gather::Count => self.num += i64::from(n == 1),
            Gather::Any => self.num |= i64::from(n == 1),
            Gather::All => self.num |= i64::from(n != 1),
            Gather::Sum(Some(_)) => match self.num.checked_add(n) {
                Some(s) => self.num = s,
                None => self.redo = true,
            },
            Gather::Sum(None) => {
                let Some((n, d)) = num::settled(n, d) else {
                    self.redo = true;
                    return;
                };
                match num::align(self.num, self.den, n, d) {
                    Some((a, c, den)) => match a.checked_add(c) {
                        Some(s) => (self.num, self.den) = (s, den),
                        None => self.redo = true,
                    },
                    None => self.redo = true,
                }
            }
        }
    }

    /// The group's value, as the interpreter would find it.
    #[inline(always)]
    fn finish(self) -> Exact {
        match self.op {
            Gather::Members => Exact::Value(self.count, 1),
            // One unknown leaves a count or sum unknown; `any` is true with one true.
            Gather::Count if self.unknown => Exact::Unknown,
            Gather::Count => Exact::Value(self.num, 1),
            Gather::Any if self.num == 1 => Exact::Value(1, 1),
            Gather::All if self.num == 1 => Exact::Value(0, 1),
            Gather::Any | Gather::All if self.unknown => Exact::Unknown,
            Gather::Any => Exact::Value(0, 1),
            Gather::All => Exact::Value(1, 1),
            Gather::Sum(_) if self.unknown => Exact::Unknown,
            // An empty sum is a whole 0 to the interpreter, whatever the values' type.
            Gather::Sum(_) if self.redo || self.count == 0 => Exact::Redo,
            Gather::Sum(Some(limit)) if self.num.unsigned_abs() > limit => Exact::Redo,
            Gather::Sum(Some(_)) => Exact::Value(self.num, 1),
            Gather::Sum(None) => num::exact(Some(self.num), Some(self.den)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(e: Exact) -> Option<i64> {
        match e {
            Exact::Value(n, _) => Some(n),
            _ => None,
        }
    }

    /// The total of a marginal scale at its thresholds is the sum of its brackets.
    #[test]
    fn marginal_totals_are_the_brackets_summed() {
        let (t, r) = ([0, 600_000, 1_240_000], [2, 6, 12]);
        let marginal = Scale::new(Function::ScaleRate, &t, &r);
        for x in [-5, 0, 1, 599_999, 600_000, 600_001, 1_239_999, 1_240_000, 1_240_001, 99_999_999] {
            // Each bracket's part of `x` at its rate.
            let bracket = |i: usize| (x.min(*t.get(i + 1).unwrap_or(&i64::MAX)) - t[i]).max(0) * r[i];
            let summed: i64 = (0..t.len()).map(bracket).sum();
            assert_eq!(value(marginal.at(x, num::limit(10_000))), Some(summed), "{x}");
        }
        let huge = Scale::new(Function::ScaleRate, &[0, i64::MAX / 2], &[4, 1]);
        assert!(matches!(huge.at(i64::MAX / 2 + 1, u64::MAX), Exact::Redo));
    }

    /// The kit's scales in kopecks: rates over 100, amounts in kopecks.
    #[test]
    fn scales_on_their_thresholds() {
        let limit = num::limit(10_000);
        // Contribution: 2 % to 6000, 6 % to 12400, 12 % above (result over 100 × 100).
        let (t, r) = ([0, 600_000, 1_240_000], [2, 6, 12]);
        let rate = |x| value(Scale::new(Function::ScaleRate, &t, &r).at(x, limit));
        assert_eq!(rate(600_000), Some(1_200_000)); // 6000.00 × 2 % = 120.00
        assert_eq!(rate(600_001), Some(1_200_006));
        assert_eq!(rate(1_240_000), Some(1_200_000 + 640_000 * 6));
        assert_eq!(rate(0), Some(0));
        // Meal price: the bracket the income is in (thresholds inclusive).
        let (t, v) = ([0, 25_000, 50_000], [0, 100, 200]);
        let bracket = |x| value(Scale::new(Function::Bracket, &t, &v).at(x, limit));
        assert_eq!((bracket(24_999), bracket(25_000), bracket(50_000)), (Some(0), Some(100), Some(200)));
        assert_eq!(bracket(-1), None, "below the first threshold: unknown, as the interpreter says");
        // Swimming pool: the amounts of every threshold strictly passed.
        let (t, v) = ([0, 24_900, 49_900], [0, 100, 100]);
        let amount = |x| value(Scale::new(Function::ScaleAmount, &t, &v).at(x, limit));
        assert_eq!((amount(24_900), amount(24_901), amount(49_901)), (Some(0), Some(100), Some(200)));
    }
}
