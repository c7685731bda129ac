//! Exact numbers of the columnar evaluator: a value is `num / den` in 64-bit integers.
//! `den == 0` is unknown; `den > 0` is a decimal the interpreter holds exactly (the
//! denominator divides 10^18 and the digits fit `rust_decimal`'s 96 bits); `den < 0` is a
//! quotient `num / -den` that may have no finite decimal form (`1 / 3`), which the
//! interpreter rounds to 28 digits. Such a quotient is compared or rounded as it is only
//! where both ways must agree; otherwise it is first settled (is it a decimal after all?)
//! and, if it is not, the row goes to the interpreter, so the two never differ. Settling
//! costs divisions, so a division leaves it to the few rows that need it.

use crate::vocabulary::BinOp;
use std::cell::Cell;
use std::cmp::Ordering;

pub const POW18: i64 = 1_000_000_000_000_000_000;
/// Largest mantissa `rust_decimal` holds.
const MANTISSA: u128 = (1 << 96) - 1;
/// Bounds within which an inexact quotient compares and rounds as its 28-digit decimal
/// does: denominators up to 10^6 keep distinct values 10^-12 apart, magnitudes below 10^12
/// leave the decimal at least 16 digits after the point.
pub const INEXACT_DEN: i64 = 1_000_000;
const INEXACT_MAGNITUDE: u64 = 1_000_000_000_000;

/// What a row needs next: a value, unknown, or the interpreter.
pub enum Exact {
    Value(i64, i64),
    Unknown,
    Redo,
}

/// `num / den` (den > 0) as an exact decimal, or else as an inexact quotient. The quotient
/// terminates when the part of `den` prime to 10 divides `num`; no gcd is needed.
pub fn quotient(num: i64, den: i64) -> Exact {
    // Rows in a column mostly share their denominator: its odd part is worked out once.
    thread_local! {
        static LAST: Cell<Odd> = const { Cell::new(Odd::of_one()) };
    }
    LAST.with(|last| {
        let mut odd = last.get();
        let e = quotient_by(&mut odd, num, den);
        last.set(odd);
        e
    })
}

/// `quotient` with the last denominator's odd part kept by the caller (a step over rows).
#[inline(always)]
fn quotient_by(odd: &mut Odd, num: i64, den: i64) -> Exact {
    if odd.den != den {
        *odd = Odd::of(den);
    }
    if let Some(n) = odd.divide(num)
        && odd.decimal
        && fits(n, odd.reduced)
    {
        return Exact::Value(n, odd.reduced);
    }
    Exact::Value(num, -den)
}

/// `+` or `-` of a decimal `a / b` (b > 0) and a known value `c / d` of any form, in
/// either order (`swapped`: `c/d ∓ a/b`), as `Arith` finds it, for the rows of a column
/// whose denominators `memo` keeps.
#[inline(always)]
pub fn add_mixed(memo: &mut Mixed, sub: bool, swapped: bool, a: i64, b: i64, c: i64, d: i64) -> Exact {
    let (c, d) = match d {
        d if d > 0 => (c, d),
        d => match quotient_by(&mut memo.odd, c, -d) {
            Exact::Value(c, d) if d > 0 => (c, d),
            // A decimal and a quotient with no decimal form.
            _ => {
                let op = if sub { BinOp::Sub } else { BinOp::Add };
                return if swapped { add_inexact(op, c, d, a, b) } else { add_inexact(op, a, b, c, d) };
            }
        },
    };
    let Some((a, c, den)) = align(a, b, c, d) else { return Exact::Redo };
    let (x, y) = if swapped { (c, a) } else { (a, c) };
    exact(if sub { x.checked_sub(y) } else { x.checked_add(y) }, Some(den))
}

/// What `add_mixed` keeps from row to row.
pub struct Mixed {
    odd: Odd,
}

impl Default for Mixed {
    fn default() -> Self {
        Mixed { odd: Odd::of_one() }
    }
}

/// A denominator's part prime to 10, and what dividing by it takes: its inverse modulo
/// 2^64, with which a multiplication both tests divisibility and divides (Granlund and
/// Montgomery), instead of a hardware division per row.
#[derive(Clone, Copy)]
struct Odd {
    den: i64,
    odd: u64,
    inverse: u64,
    /// `den / odd`, and whether it divides 10^18 (at most 18 twos and fives).
    reduced: i64,
    decimal: bool,
}

impl Odd {
    const fn of_one() -> Odd {
        Odd { den: 1, odd: 1, inverse: 1, reduced: 1, decimal: true }
    }

    fn of(den: i64) -> Odd {
        let twos = den.trailing_zeros();
        let mut odd = den >> twos;
        let mut fives = 0;
        while odd % 5 == 0 {
            odd /= 5;
            fives += 1;
        }
        let odd = odd as u64;
        // Newton's iteration doubles the correct low bits; an odd number is its own
        // inverse modulo 8.
        let mut inverse = odd;
        for _ in 0..5 {
            inverse = inverse.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(inverse)));
        }
        Odd { den, odd, inverse, reduced: den / odd as i64, decimal: twos <= 18 && fives <= 18 }
    }

    /// `num / odd` when it divides exactly.
    #[inline]
    fn divide(&self, num: i64) -> Option<i64> {
        let q = num.unsigned_abs().wrapping_mul(self.inverse);
        (q <= u64::MAX / self.odd).then(|| if num < 0 { (q as i64).wrapping_neg() } else { q as i64 })
    }
}

/// A known value as an exact decimal, settling a quotient; `None` for a quotient that is
/// not one.
#[inline]
pub fn settled(num: i64, den: i64) -> Option<(i64, i64)> {
    if den > 0 {
        return Some((num, den));
    }
    match quotient(num, -den) {
        Exact::Value(n, d) if d > 0 => Some((n, d)),
        _ => None,
    }
}

/// Whether `num / den` (den > 0) is a decimal the interpreter holds exactly.
#[inline]
pub fn fits(num: i64, den: i64) -> bool {
    match den {
        1 => true,
        // Kopecks, the common case, without a division.
        100 => u128::from(num.unsigned_abs()) * (POW18 / 100) as u128 <= MANTISSA,
        _ => {
            // Rows in a column mostly share their denominator: its bound is found once.
            thread_local! {
                static LAST: Cell<(i64, u64)> = const { Cell::new((1, i64::MAX as u64)) };
            }
            let (last, bound) = LAST.get();
            let bound = if last == den {
                bound
            } else {
                let bound = if POW18 % den == 0 { limit(den) } else { 0 };
                LAST.set((den, bound));
                bound
            };
            // A bound of 0: no divisor of 10^18.
            bound > 0 && num.unsigned_abs() <= bound
        }
    }
}

/// The largest numerator that `fits` over `den` (a divisor of 10^18).
pub fn limit(den: i64) -> u64 {
    if den == 1 {
        return i64::MAX as u64;
    }
    (MANTISSA / (POW18 / den) as u128).min(i64::MAX as u128) as u64
}

/// The result of an arithmetic step, checked for exactness.
pub fn exact(num: Option<i64>, den: Option<i64>) -> Exact {
    match (num, den) {
        (Some(n), Some(d)) if d > 0 && fits(n, d) => Exact::Value(n, d),
        _ => Exact::Redo,
    }
}

/// Brings two exact values to one denominator: `(a', c', den)`.
pub fn align(a: i64, b: i64, c: i64, d: i64) -> Option<(i64, i64, i64)> {
    if b == d {
        Some((a, c, b))
    } else if d % b == 0 {
        Some((a.checked_mul(d / b)?, c, d))
    } else if b % d == 0 {
        Some((a, c.checked_mul(b / d)?, b))
    } else {
        Some((a.checked_mul(d)?, c.checked_mul(b)?, b.checked_mul(d)?))
    }
}

/// `+` or `-` of a quotient with no decimal form and an exact decimal (in either order;
/// the caller has found which is which): again a quotient with no decimal form (a decimal
/// added to one never gives a decimal), kept while it is within the bounds where it
/// compares and rounds as the interpreter's 28-digit decimal does. (Two such quotients,
/// which may sum to a decimal, are the interpreter's.)
pub fn add_inexact(op: BinOp, a: i64, b: i64, c: i64, d: i64) -> Exact {
    // Rows in a column mostly share their two denominators: their common one (0 when too
    // large) and the factors to it are found once.
    thread_local! {
        static LAST: Cell<[i64; 5]> = const { Cell::new([1, 1, 1, 1, 1]) };
    }
    let (b, d) = (b.abs(), d.abs());
    let [lb, ld, den, fb, fd] = LAST.get();
    let [_, _, den, fb, fd] = if (lb, ld) == (b, d) {
        [lb, ld, den, fb, fd]
    } else {
        let den = (b / gcd(b, d)).checked_mul(d).filter(|&den| den <= INEXACT_DEN).unwrap_or(0);
        let found = if den == 0 { [b, d, 0, 0, 0] } else { [b, d, den, den / b, den / d] };
        LAST.set(found);
        found
    };
    if den == 0 {
        return Exact::Redo;
    }
    let (x, y) = (i128::from(a) * i128::from(fb), i128::from(c) * i128::from(fd));
    let n = if op == BinOp::Sub { x - y } else { x + y };
    match i64::try_from(n) {
        Ok(n) if safe_inexact(n, den) => Exact::Value(n, -den),
        _ => Exact::Redo,
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Orders two known values; `None` when one is a quotient with no decimal form outside
/// the bounds where its 28-digit decimal would order the same way.
#[inline]
pub fn compare(a: i64, b: i64, c: i64, d: i64) -> Option<Ordering> {
    if b == d && b > 0 {
        return Some(a.cmp(&c));
    }
    if (b > 0 && d > 0) || ((b > 0 || d > 0) && safe_inexact(a, b) && safe_inexact(c, d)) {
        return Some(cross(a, b.abs(), c, d.abs()));
    }
    let ((a, b), (c, d)) = (settled(a, b).unwrap_or((a, b)), settled(c, d).unwrap_or((c, d)));
    if (b > 0 && d > 0) || ((b > 0 || d > 0) && safe_inexact(a, b) && safe_inexact(c, d)) {
        return Some(cross(a, b.abs(), c, d.abs()));
    }
    None
}

/// `a / b` against `c / d` (b, d > 0), in 64 bits when the products fit.
#[inline]
fn cross(a: i64, b: i64, c: i64, d: i64) -> Ordering {
    match (a.checked_mul(d), c.checked_mul(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => (i128::from(a) * i128::from(d)).cmp(&(i128::from(c) * i128::from(b))),
    }
}

#[inline(always)]
pub fn safe_inexact(num: i64, den: i64) -> bool {
    // Within 64 bits: the bound is at most 10^12 · 10^6.
    let den = den.unsigned_abs();
    den <= INEXACT_DEN as u64 && num.unsigned_abs() < INEXACT_MAGNITUDE * den
}

/// A known value rounded to kopecks, half away from zero; `None` for an inexact quotient
/// outside the safe bounds.
#[inline]
pub fn kopecks(num: i64, den: i64) -> Option<i64> {
    kopecks_by(&mut Divisor::new(1), num, den)
}

/// `kopecks` for the rows of a column, which mostly share their denominator: `divisor`
/// keeps the last one's reciprocal.
#[inline(always)]
pub fn kopecks_by(divisor: &mut Divisor, num: i64, den: i64) -> Option<i64> {
    if den == 100 {
        return Some(num);
    }
    let (num, den) = if den > 0 || safe_inexact(num, den) { (num, den.abs()) } else { settled(num, den)? };
    if let Some(scaled) = num.checked_mul(100) {
        let den = den.unsigned_abs();
        if divisor.d != den {
            *divisor = Divisor::new(den);
        }
        let (q, r) = divisor.div_rem(scaled.unsigned_abs());
        let q = (q + u64::from(2 * u128::from(r) >= u128::from(den))) as i64;
        return Some(if scaled < 0 { -q } else { q });
    }
    let den = i128::from(den);
    let scaled = i128::from(num) * 100;
    let (q, r) = (scaled / den, scaled % den);
    let q = if 2 * r.abs() >= den { q + scaled.signum() } else { q };
    i64::try_from(q).ok()
}

/// Division of many numbers by one divisor: a multiplication by its reciprocal, corrected
/// by a step or two, in place of a hardware division each.
#[derive(Clone, Copy)]
pub struct Divisor {
    d: u64,
    /// `⌊(2^64 − 1) / d⌋`: the quotient it gives is short by at most two.
    reciprocal: u64,
}

impl Divisor {
    pub fn new(d: u64) -> Divisor {
        Divisor { d, reciprocal: u64::MAX / d }
    }

    /// `(n / d, n % d)`.
    #[inline(always)]
    pub fn div_rem(&self, n: u64) -> (u64, u64) {
        let mut q = ((u128::from(n) * u128::from(self.reciprocal)) >> 64) as u64;
        let mut r = n - q * self.d;
        while r >= self.d {
            q += 1;
            r -= self.d;
        }
        (q, r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotients_reduce_and_know_when_they_terminate() {
        assert!(matches!(quotient(300, 3), Exact::Value(100, 1)));
        assert!(matches!(quotient(300, 30), Exact::Value(100, 10)));
        assert!(matches!(quotient(100, 8), Exact::Value(100, 8)));
        assert!(matches!(quotient(4635899, 300), Exact::Value(4635899, -300)));
    }

    #[test]
    fn division_by_the_inverse_is_division() {
        for den in [1, 3, 7, 12, 75, 1200, 999_983, 1 << 40, 3 * (1 << 40), i64::MAX] {
            let odd = Odd::of(den);
            for num in [0, 1, 2, 3, 6, 7, 21, 1199, 1200, 3600, -3600, -7, i64::MAX, i64::MIN, i64::MIN + 1] {
                let expected = (num % odd.odd as i64 == 0).then(|| num / odd.odd as i64);
                assert_eq!(odd.divide(num), expected, "{num} / {}", odd.odd);
            }
        }
    }

    #[test]
    fn division_by_the_reciprocal_is_division() {
        for d in [1, 2, 3, 7, 10, 12, 100, 1200, 30_000, 999_983, 1 << 40, u64::MAX / 3, u64::MAX] {
            let divisor = Divisor::new(d);
            for n in [0, 1, 2, 99, 100, 101, 1199, 1200, 123_456_789, 1 << 63, u64::MAX - 1, u64::MAX] {
                assert_eq!(divisor.div_rem(n), (n / d, n % d), "{n} / {d}");
            }
        }
    }

    #[test]
    fn kopecks_round_half_away_from_zero() {
        assert_eq!(kopecks(1, 8), Some(13)); // 0.125
        assert_eq!(kopecks(-1, 8), Some(-13));
        assert_eq!(kopecks(3090599, 200), Some(1545300)); // 15452.995
        assert_eq!(kopecks(4635899, -300), Some(1545300)); // 15452.99666…
    }

    #[test]
    fn a_decimal_added_to_an_inexact_quotient_stays_one() {
        // 2003 / 1200 (no decimal form) + 0.01 = 2015 / 1200.
        assert!(matches!(add_inexact(BinOp::Add, 2003, -1200, 1, 100), Exact::Value(2015, -1200)));
        assert!(matches!(add_inexact(BinOp::Sub, 1, 100, 1, -3), Exact::Value(-97, -300)));
        assert!(matches!(add_inexact(BinOp::Add, 1, -999_983, 1, 7), Exact::Redo));
    }

    #[test]
    fn inexact_quotients_compare_only_within_bounds() {
        assert_eq!(compare(4635899, -300, 1545300, 100), Some(Ordering::Less));
        assert_eq!(compare(1, -3, 1, -3), None);
        assert_eq!(compare(3, -3, 1, -1), Some(Ordering::Equal)); // both settle to 1
        assert_eq!(compare(i64::MAX, -3, 1, 1), None);
    }
}
