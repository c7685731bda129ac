//! CSV cells straight into columns: the common forms parse from bytes; anything else goes
//! through the interpreter's parser, which accepts exactly what profiles accept and words
//! the errors.

use crate::simulate::columnar::{self, Kind, num};
use crate::simulate::model::{Model, Ty, parse_scalar};
use crate::simulate::value::Value;

/// The cells of one row, by column.
pub trait Cells {
    fn cell(&self, column: usize) -> &[u8];
}

impl Cells for csv::ByteRecord {
    fn cell(&self, column: usize) -> &[u8] {
        self.get(column).unwrap_or(b"")
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
}

/// A parsed cell: `(num, den)` as the columns hold it (`den` 0: unknown), or a value the
/// columns cannot hold exactly, for which the row goes to the interpreter.
pub enum Cell {
    Column(i64, i64),
    Redo,
}

/// Parses one non-empty cell of an input of type `ty` (`kind` when a column holds it).
pub fn parse(cell: &[u8], ty: &Ty, kind: Option<Kind>, model: &Model) -> Result<Cell, String> {
    let fast = match kind {
        Some(Kind::Bool) => match cell {
            b"true" => Some((1, 1)),
            b"false" => Some((0, 1)),
            _ => None,
        },
        Some(Kind::Int | Kind::Days(_)) => integer(cell).map(|n| (n, 1)),
        Some(Kind::Money) => decimal(cell, 2).and_then(|(n, d)| Some((n.checked_mul(100 / d)?, 100))),
        Some(Kind::Decimal) => decimal(cell, 18),
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
        Value::Int(n) | Value::Days(n, _) => Cell::Column(n, 1),
        Value::Date(d) => Cell::Column(d.day_number(), 1),
        Value::Enum(_, v) => Cell::Column(i64::from(v), 1),
        Value::Money(d) => columnar::money_parts(d).map_or(Cell::Redo, |(n, den)| Cell::Column(n, den)),
        Value::Decimal(d) => columnar::decimal_parts(d).map_or(Cell::Redo, |(n, den)| Cell::Column(n, den)),
        _ => Cell::Redo,
    })
}

/// `-?[0-9]+` without overflow.
fn integer(cell: &[u8]) -> Option<i64> {
    let (negative, digits) = match cell {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, cell),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    if negative { 0i64.checked_sub_unsigned(n) } else { i64::try_from(n).ok() }
}

/// `-?[0-9]+(\.[0-9]{1,max})?` as `(mantissa, 10^decimals)`.
fn decimal(cell: &[u8], max: usize) -> Option<(i64, i64)> {
    let dot = cell.iter().position(|&b| b == b'.');
    let Some(dot) = dot else { return integer(cell).map(|n| (n, 1)) };
    let (whole, fraction) = (&cell[..dot], &cell[dot + 1..]);
    if fraction.is_empty() || fraction.len() > max || whole.is_empty() || whole == b"-" {
        return None;
    }
    let negative = whole[0] == b'-';
    let whole = integer(whole)?.unsigned_abs();
    let fraction_value = integer(fraction).filter(|_| fraction[0] != b'-')?.unsigned_abs();
    let den = 10i64.pow(fraction.len() as u32);
    let n = i64::try_from(whole.checked_mul(den as u64)?.checked_add(fraction_value)?).ok()?;
    let n = if negative { -n } else { n };
    num::fits(n, den).then_some((n, den))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_forms_parse_from_bytes() {
        assert_eq!(integer(b"-42"), Some(-42));
        assert_eq!(integer(b"+42"), None); // left to the interpreter's parser
        assert_eq!(integer(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(integer(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(integer(b"9223372036854775808"), None);
        assert_eq!(decimal(b"46358.99", 2), Some((4635899, 100)));
        assert_eq!(decimal(b"-0.5", 2), Some((-5, 10)));
        assert_eq!(decimal(b"1.234", 2), None);
        assert_eq!(decimal(b"1.", 2), None);
        assert_eq!(decimal(b".5", 2), None);
    }
}
