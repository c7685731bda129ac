//! CSV cells straight into columns: the common forms parse from bytes; anything else goes
//! through the interpreter's parser, which accepts exactly what profiles accept and words
//! the errors.

use super::sheet::SLOT;
use crate::model::{Model, Type, Value};
use crate::simulate::columnar::{self, Kind};
use crate::simulate::scalar::parse_scalar;

/// The cells of one row, by column.
pub trait Cells {
    fn cell(&self, column: usize) -> &[u8];
    /// How many cells the row has.
    fn count(&self) -> usize;
    /// `SLOT` bytes from the start of a cell no longer than that, when the input has them:
    /// a copy of fixed size is faster than one of the cell's length.
    fn window(&self, _column: usize) -> Option<&[u8; SLOT]> {
        None
    }
    /// How long a cell is once written out (quoted if it must be).
    fn written_len(&self, column: usize) -> usize {
        super::write::cell_len(self.cell(column))
    }
}

/// A csv reader of whole records that ends them at `\n` alone, as the pieces are cut
/// ([`super::blocks`]); the carriage return of a `\r\n` is left on the last cell, which
/// [`Cells::cell`] takes off.
pub fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(bytes)
}

/// Whether a record is a blank line (nothing, or a carriage return alone).
pub fn blank(record: &csv::ByteRecord) -> bool {
    record.len() == 1 && record.cell(0).is_empty()
}

impl Cells for csv::ByteRecord {
    fn cell(&self, column: usize) -> &[u8] {
        let cell = self.get(column).unwrap_or(b"");
        match column + 1 == self.len() {
            true => cell.strip_suffix(b"\r").unwrap_or(cell),
            false => cell,
        }
    }

    fn count(&self) -> usize {
        self.len()
    }
}

/// A row cut in place: each cell a span of the input bytes.
pub struct Line<'a> {
    pub bytes: &'a [u8],
    pub spans: &'a [(usize, usize)],
}

impl Cells for Line<'_> {
    fn cell(&self, column: usize) -> &[u8] {
        self.spans.get(column).map_or(b"", |&(from, to)| &self.bytes[from..to])
    }

    fn count(&self) -> usize {
        self.spans.len()
    }

    /// A cell cut in place holds no separator, quote or line end: written as it is.
    fn written_len(&self, column: usize) -> usize {
        self.cell(column).len()
    }

    #[inline(always)]
    fn window(&self, column: usize) -> Option<&[u8; SLOT]> {
        let (from, to) = *self.spans.get(column)?;
        if to - from > SLOT {
            return None;
        }
        self.bytes.get(from..from + SLOT)?.try_into().ok()
    }
}

/// A parser of a form at a position, moving past it: `(num, den)` as the columns hold it.
pub type InPlace = fn(&[u8], &mut usize) -> Option<(i64, i64)>;

/// A parsed cell: `(num, den)` as the columns hold it (`den` 0: unknown), or a value the
/// columns cannot hold exactly, for which the row goes to the interpreter.
pub enum Cell {
    Column(i64, i64),
    Redo,
}

/// Parses one non-empty cell of an input of type `ty` (`kind` when a column holds it).
pub fn parse(cell: &[u8], ty: &Type, kind: Option<Kind>, model: &Model) -> Result<Cell, String> {
    // The common forms from bytes; anything else (a sign `+`, more digits, decimals of a
    // `decimal`) through the interpreter's parser.
    let whole = |f: InPlace| {
        let mut p = 0;
        f(cell, &mut p).filter(|_| p == cell.len())
    };
    let fast = match kind {
        Some(Kind::Bool) => whole(boolean),
        Some(Kind::Int | Kind::Term(_)) => whole(integer),
        // Decimals written with up to two places, as amounts are.
        Some(Kind::Money | Kind::Decimal) => whole(kopecks),
        Some(Kind::Date) => date(cell),
        Some(Kind::Enum(e)) => {
            let variants = &model.enums[e].variants;
            variants.iter().position(|v| v.text.as_bytes() == cell).map(|v| (v as i64, 1))
        }
        _ => None,
    };
    if let Some((n, d)) = fast {
        return Ok(Cell::Column(n, d));
    }
    let text = std::str::from_utf8(cell).map_err(|_| "is not UTF-8".to_string())?;
    let value = parse_scalar(ty, text, model)?;
    if kind.is_none() {
        return Ok(Cell::Redo);
    }
    Ok(match value {
        Value::Bool(b) => Cell::Column(i64::from(b), 1),
        Value::Int(n) | Value::Term(n, _) => Cell::Column(n, 1),
        Value::Date(d) => Cell::Column(d.day_number(), 1),
        Value::Enum(_, v) => Cell::Column(i64::from(v), 1),
        Value::Money(d) => columnar::money_parts(d).map_or(Cell::Redo, |(n, den)| Cell::Column(n, den)),
        Value::Decimal(d) => columnar::decimal_parts(d).map_or(Cell::Redo, |(n, den)| Cell::Column(n, den)),
        _ => Cell::Redo,
    })
}

/// Eight bytes from `p` as a little-endian word, when the input has them.
#[inline(always)]
fn word(bytes: &[u8], p: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(p..p + 8)?.try_into().ok()?))
}

/// The run of ASCII digits that `w` starts with, when it has 1 to 7 of them: their count
/// and value, found without a loop (eight bytes at a time, as in simdjson).
#[inline(always)]
fn digits(w: u64) -> Option<(usize, u64)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let d = w.wrapping_sub(b'0' as u64 * ONES);
    // A byte above 9 gets its high bit set here; borrows and carries only reach the bytes
    // after it, which are not used.
    let other = (d | d.wrapping_add(0x76 * ONES)) & (0x80 * ONES);
    let len = (other.trailing_zeros() / 8) as usize;
    if len == 0 || len == 8 {
        return None;
    }
    // The digits moved to the top, as if led by zeros, then combined pairwise.
    let v = d << (8 * (8 - len));
    let v = v.wrapping_mul(10 * 256 + 1) >> 8;
    let v = (v & 0x00FF_00FF_00FF_00FF).wrapping_mul(100 * 65536 + 1) >> 16;
    let v = (v & 0x0000_FFFF_0000_FFFF).wrapping_mul(10000 * (1 << 32) + 1) >> 32;
    Some((len, v))
}

/// `-?[0-9]{1,18}` at `*p`, moving past it; `None` (and `*p` anywhere) otherwise.
#[inline(always)]
pub fn integer(bytes: &[u8], p: &mut usize) -> Option<(i64, i64)> {
    if let Some((len, v)) = word(bytes, *p).and_then(digits) {
        *p += len;
        return Some((v as i64, 1));
    }
    let (negative, n) = signed(bytes, p, 18)?;
    Some((if negative { -n } else { n }, 1))
}

/// `-?[0-9]{1,most}` at `*p`, moving past it: whether it is negative, and the digits' value.
#[inline(always)]
fn signed(bytes: &[u8], p: &mut usize, most: usize) -> Option<(bool, i64)> {
    let negative = bytes.get(*p) == Some(&b'-');
    *p += usize::from(negative);
    let start = *p;
    let mut n: i64 = 0;
    while let Some(d) = bytes.get(*p).map(|b| b.wrapping_sub(b'0')).filter(|d| *d <= 9) {
        if *p - start == most {
            return None;
        }
        n = n * 10 + i64::from(d);
        *p += 1;
    }
    (*p > start).then_some((negative, n))
}

/// `-?[0-9]{1,10}(\.[0-9]{1,2})?` at `*p` as kopecks.
#[inline(always)]
pub fn kopecks(bytes: &[u8], p: &mut usize) -> Option<(i64, i64)> {
    // Up to seven digits of roubles and two of kopecks, the common form, without a loop.
    if let Some((len, v)) = word(bytes, *p).and_then(digits) {
        let q = *p + len;
        match bytes.get(q..q + 3) {
            Some(&[b'.', a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
                *p = q + 3;
                return Some((v as i64 * 100 + i64::from((a - b'0') * 10 + (b - b'0')), 100));
            }
            Some(&[b'.', ..]) => {}
            _ if bytes.get(q) == Some(&b'.') => {}
            _ => {
                *p = q;
                return Some((v as i64 * 100, 100));
            }
        }
    }
    let (negative, n) = signed(bytes, p, 10)?;
    let mut n = n * 100;
    if bytes.get(*p) == Some(&b'.') {
        *p += 1;
        let digit = |i: usize| bytes.get(i).map(|b| b.wrapping_sub(b'0')).filter(|d| *d <= 9);
        match (digit(*p), digit(*p + 1)) {
            (Some(a), Some(b)) => {
                n += i64::from(a * 10 + b);
                *p += 2;
            }
            (Some(a), None) => {
                n += i64::from(a) * 10;
                *p += 1;
            }
            _ => return None,
        }
    }
    Some((if negative { -n } else { n }, 100))
}

/// A whole cell `YYYY-MM-DD` that is a date, as its day number.
#[inline(always)]
pub fn date(cell: &[u8]) -> Option<(i64, i64)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = cell else { return None };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1].map(|b| b.wrapping_sub(b'0'));
    // Eight digits at once: a byte above 9 sets its high bit here (see `digits`).
    let w = u64::from_le_bytes(digits);
    if (w | w.wrapping_add(0x76 * ONES)) & (0x80 * ONES) != 0 {
        return None;
    }
    let n = |ds: &[u8]| ds.iter().fold(0u32, |v, &d| v * 10 + u32::from(d));
    let day = crate::date::day_number(n(&digits[..4]), n(&digits[4..6]), n(&digits[6..]))?;
    Some((day, 1))
}

/// `true` or `false` at `*p`.
#[inline(always)]
pub fn boolean(bytes: &[u8], p: &mut usize) -> Option<(i64, i64)> {
    let rest = &bytes[*p..];
    if rest.starts_with(b"true") {
        *p += 4;
        Some((1, 1))
    } else if rest.starts_with(b"false") {
        *p += 5;
        Some((0, 1))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<T>(f: fn(&[u8], &mut usize) -> Option<T>, text: &[u8]) -> (Option<T>, usize) {
        let mut p = 0;
        (f(text, &mut p), p)
    }

    #[test]
    fn plain_forms_parse_in_place() {
        assert_eq!(at(integer, b"-42,"), (Some((-42, 1)), 3));
        assert_eq!(at(integer, b"999999999999999999,"), (Some((999_999_999_999_999_999, 1)), 18));
        assert_eq!(at(integer, b"9223372036854775807,").0, None); // left to the general path
        assert_eq!(at(integer, b"+42,").0, None); // left to the interpreter's parser
        assert_eq!(at(kopecks, b"46358.99,"), (Some((4635899, 100)), 8));
        assert_eq!(at(kopecks, b"5.5\n"), (Some((550, 100)), 3));
        assert_eq!(at(kopecks, b"7,"), (Some((700, 100)), 1));
        assert_eq!(at(kopecks, b"7.,").0, None);
        assert_eq!(at(boolean, b"false,"), (Some((0, 1)), 5));
        assert_eq!(date(b"1970-01-02"), Some((1, 1)));
        assert_eq!(date(b"2023-02-29"), None); // left to the interpreter's parser, which refuses it
        assert_eq!(at(integer, b"1234567,true,"), (Some((1234567, 1)), 7));
        assert_eq!(at(integer, b"12345678,true"), (Some((12345678, 1)), 8));
        assert_eq!(at(kopecks, b"46358.99,true"), (Some((4635899, 100)), 8));
        assert_eq!(at(kopecks, b"46358,true,x"), (Some((4635800, 100)), 5));
        assert_eq!(at(kopecks, b"46358.9,true"), (Some((4635890, 100)), 7));
        assert_eq!(at(kopecks, b"46358.,true,").0, None);
    }

    #[test]
    fn eight_bytes_at_a_time_read_what_the_loop_reads() {
        for n in (0..10_000_000u64).step_by(7919).chain([0, 9, 10, 99, 100, 1_000_000, 9_999_999]) {
            for tail in [&b","[..], b"\n", b".5,", b"x", b"/", b":"] {
                let mut text = n.to_string().into_bytes();
                text.extend_from_slice(tail);
                text.extend_from_slice(b"00000000");
                let w = word(&text, 0).unwrap();
                let len = n.to_string().len();
                assert_eq!(digits(w), (len < 8).then_some((len, n)), "{n}");
            }
        }
    }
}
