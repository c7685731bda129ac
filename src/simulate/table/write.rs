//! Output cells written straight into the line buffer, as the reports show values.

use crate::date::Date;
use crate::simulate::columnar::{Kind, num};
use crate::simulate::model::Model;
use crate::simulate::value::Value;
use rust_decimal::Decimal;
use std::io::Write;

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

/// One output line assembled on the stack and appended at once: no capacity check or
/// copy call per cell. Callers make sure the line fits.
pub struct LineBuf {
    /// Bytes beyond `SIZE` let a cell be stored as one fixed-size word.
    buf: [u8; LineBuf::SIZE + LineBuf::CELL],
    len: usize,
}

impl LineBuf {
    pub const SIZE: usize = 1024;
    /// The most a value cell takes (an `i64`, or kopecks with a sign and a point).
    pub const CELL: usize = 24;

    pub fn new() -> Self {
        LineBuf { buf: [0; Self::SIZE + Self::CELL], len: 0 }
    }

    #[inline]
    pub fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }

    #[inline]
    pub fn put(&mut self, s: &[u8]) {
        self.buf[self.len..self.len + s.len()].copy_from_slice(s);
        self.len += s.len();
    }

    /// The digits of `v`, then `tail`, two digits at a time straight into the line (the
    /// line has room for a whole cell past its end, so no check per digit is needed).
    #[inline(always)]
    fn uint(&mut self, v: u64, tail: &[u8]) {
        const PAIRS: &[u8; 200] = b"000102030405060708091011121314151617181920212223242526272829303132\
            33343536373839404142434445464748495051525354555657585960616263646566\
            676869707172737475767778798081828384858687888990919293949596979899";
        let count = v.checked_ilog10().map_or(1, |l| l as usize + 1);
        let cell = &mut self.buf[self.len..self.len + Self::CELL];
        let (mut v, mut i) = (v, count);
        while v >= 100 {
            let pair = (v % 100) as usize * 2;
            v /= 100;
            i -= 2;
            cell[i] = PAIRS[pair];
            cell[i + 1] = PAIRS[pair + 1];
        }
        if v >= 10 {
            cell[i - 2] = PAIRS[v as usize * 2];
            cell[i - 1] = PAIRS[v as usize * 2 + 1];
        } else {
            cell[i - 1] = b'0' + v as u8;
        }
        for (k, &b) in tail.iter().enumerate() {
            cell[count + k] = b;
        }
        self.len += count + tail.len();
    }

    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// A column value the way `column` writes it; `false` when only the interpreter can.
    #[inline(always)]
    pub fn value(&mut self, model: &Model, kind: Kind, n: i64, den: i64) -> bool {
        if den == 0 {
            return true;
        }
        match kind {
            Kind::Bool => {
                // Without a branch: random truth values would mispredict one.
                const WORDS: [[u8; 8]; 2] = [*b"false\0\0\0", *b"true\0\0\0\0"];
                let t = usize::from(n == 1);
                self.buf[self.len..self.len + 8].copy_from_slice(&WORDS[t]);
                self.len += 5 - t;
            }
            Kind::Int => {
                if n < 0 {
                    self.push(b'-');
                }
                self.uint(n.unsigned_abs(), &[]);
            }
            Kind::Money => {
                let Some(k) = num::kopecks(n, den) else { return false };
                if k < 0 {
                    self.push(b'-');
                }
                let k = k.unsigned_abs();
                let cents = (k % 100) as u8;
                self.uint(k / 100, &[b'.', b'0' + cents / 10, b'0' + cents % 10]);
            }
            _ => {
                let mut text = Vec::new();
                if !column(model, &mut text, kind, n, den) {
                    return false;
                }
                if text.len() > Self::CELL {
                    return false;
                }
                self.put(&text);
            }
        }
        true
    }

    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Writes one column value (`den` 0: unknown, an empty cell); `false` when only the
/// interpreter can write it exactly.
fn column(model: &Model, out: &mut Vec<u8>, kind: Kind, n: i64, den: i64) -> bool {
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
        Kind::Days(k) => value(model, out, &Value::Days(n, k)),
        Kind::Enum(e) => value(model, out, &Value::Enum(e, n as u32)),
    }
    true
}
