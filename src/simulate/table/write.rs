//! Output cells written straight into the line buffer, as the reports show values.

use crate::date::Date;
use crate::model::{Model, Value};
use crate::simulate::columnar::{Kind, num};
use rust_decimal::Decimal;
use std::io::Write;

/// The length of an input cell as written out: quoted, with its quotes doubled, when it
/// holds a separator, a quote or a line end (the csv reader took them out of quotes).
pub fn cell_len(cell: &[u8]) -> usize {
    match needs_quotes(cell) {
        true => cell.len() + 2 + cell.iter().filter(|&&b| b == b'"').count(),
        false => cell.len(),
    }
}

fn needs_quotes(cell: &[u8]) -> bool {
    memchr::memchr3(b',', b'"', b'\n', cell).is_some() || memchr::memchr(b'\r', cell).is_some()
}

/// Writes an input cell at the start of `to` (which has room for `cell_len`); its length.
pub fn cell(to: &mut [u8], cell: &[u8]) -> usize {
    if !needs_quotes(cell) {
        to[..cell.len()].copy_from_slice(cell);
        return cell.len();
    }
    let mut n = 0;
    let mut put = |b: u8| {
        to[n] = b;
        n += 1;
    };
    put(b'"');
    for &b in cell {
        if b == b'"' {
            put(b'"');
        }
        put(b);
    }
    put(b'"');
    n
}

/// Appends an input cell as written out (see `cell_len`).
pub fn push_cell(out: &mut Vec<u8>, text: &[u8]) {
    let at = out.len();
    out.resize(at + cell_len(text), 0);
    cell(&mut out[at..], text);
}

/// Writes a value as the report shows it, without building a string first.
pub fn value(model: &Model, out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
        Value::Money(d) => {
            let r = crate::simulate::eval::round_kopecks(*d);
            let kopecks = r.mantissa() * 10i128.pow(2u32.saturating_sub(r.scale()));
            money(out, kopecks);
        }
        other => {
            let _ = write!(out, "{}", model.show(other));
        }
    }
}

/// `kopecks` as roubles with two decimals.
fn money(out: &mut Vec<u8>, kopecks: i128) {
    if kopecks < 0 {
        out.push(b'-');
    }
    let k = kopecks.unsigned_abs();
    let cents = match u64::try_from(k) {
        Ok(k) => {
            out.extend_from_slice(itoa::Buffer::new().format(k / 100).as_bytes());
            (k % 100) as u8
        }
        Err(_) => {
            out.extend_from_slice(itoa::Buffer::new().format(k / 100).as_bytes());
            (k % 100) as u8
        }
    };
    out.extend_from_slice(&[b'.', b'0' + cents / 10, b'0' + cents % 10]);
}

/// Writes one column value (`den` 0: unknown, an empty cell); `false` when only the
/// interpreter can write it exactly.
pub fn column(model: &Model, out: &mut Vec<u8>, kind: Kind, n: i64, den: i64) -> bool {
    if den == 0 {
        return true;
    }
    match kind {
        Kind::Bool => out.extend_from_slice(if n == 1 { b"true" } else { b"false" }),
        Kind::Int => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        Kind::Money => match num::kopecks(n, den) {
            Some(k) => money(out, i128::from(k)),
            None => return false,
        },
        Kind::Decimal => {
            let Some((n, den)) = num::settled(n, den) else { return false };
            // The fewest decimals that hold it: `den` divides 10^18.
            let Some(scale) = (0..=18u32).find(|k| 10i64.pow(*k) % den == 0) else { return false };
            let mantissa = i128::from(n) * i128::from(10i64.pow(scale) / den);
            let Ok(d) = Decimal::try_from_i128_with_scale(mantissa, scale) else { return false };
            value(model, out, &Value::Decimal(d));
        }
        Kind::Date => value(model, out, &Value::Date(Date::from_day_number(n))),
        Kind::Term(k) => value(model, out, &Value::Term(n, k)),
        Kind::Enum(e) => value(model, out, &Value::Enum(e, n as u32)),
    }
    true
}
