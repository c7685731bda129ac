//! Rows without quotes or carriage returns, cut into cells in place. On the common path a
//! row is cut and its numbers parsed in one pass, left to right; a row with anything
//! unusual in it (a date, a long number, a stray character, a wrong number of cells) is
//! cut first and parsed cell by cell, which also words its errors.

use super::cells::{self, Cell, Line};
use super::{BATCH, Plan, RowError, Table, Times, Work};
use crate::simulate::columnar::{Batch, Kind};
use std::time::Instant;

impl Table<'_> {
    pub(super) fn evaluate_plain(
        &self,
        bytes: &[u8],
        line: u64,
        work: &mut Work,
        out: &mut Vec<u8>,
        errors: &mut Vec<RowError>,
        times: &mut Times,
    ) {
        let w = self.width;
        let mut spans = std::mem::take(&mut work.spans);
        spans.clear();
        let (mut len, mut at, mut pos) = (0, line, 0);
        let mut t = Instant::now();
        while pos < bytes.len() {
            at += 1;
            if bytes[pos] == b'\n' {
                // An empty line is skipped, as the csv reader does.
                pos += 1;
                continue;
            }
            let first = spans.len();
            let fast =
                work.batch.as_mut().and_then(|batch| self.fast_row(bytes, pos, &mut spans, batch, len));
            let result = match fast {
                Some(next) => {
                    pos = next;
                    Ok(())
                }
                None => {
                    spans.truncate(first);
                    let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
                    let mut from = pos;
                    for comma in memchr::memchr_iter(b',', &bytes[pos..end]) {
                        spans.push((from, pos + comma));
                        from = pos + comma + 1;
                    }
                    spans.push((from, end));
                    pos = end + 1;
                    if spans.len() - first != w {
                        Err(format!("{} fields, but the header has {w}", spans.len() - first))
                    } else {
                        self.load_row(&Line { bytes, spans: &spans[first..] }, work.batch.as_mut(), len)
                    }
                }
            };
            if let Err(e) = result {
                errors.push((at - 1, e));
                spans.truncate(first);
                continue;
            }
            len += 1;
            if len == BATCH {
                times.parse += t.elapsed();
                let rows: Vec<Line> = spans.chunks_exact(w).map(|s| Line { bytes, spans: s }).collect();
                self.finish(&rows, work.batch.as_mut(), out, times);
                spans.clear();
                len = 0;
                t = Instant::now();
            }
        }
        times.parse += t.elapsed();
        if len > 0 {
            let rows: Vec<Line> = spans.chunks_exact(w).map(|s| Line { bytes, spans: s }).collect();
            self.finish(&rows, work.batch.as_mut(), out, times);
        }
        work.spans = spans;
    }

    /// Cuts and parses the row at `pos` into row `row` of the batch in one pass; the
    /// position after its line end, or `None` when the row needs the general path.
    fn fast_row(
        &self,
        bytes: &[u8],
        pos: usize,
        spans: &mut Vec<(usize, usize)>,
        batch: &mut Batch,
        row: usize,
    ) -> Option<usize> {
        self.program.as_ref()?;
        let w = self.width;
        let mut p = pos;
        batch.redo[row] = false;
        for (j, plan) in self.plan.iter().enumerate() {
            let start = p;
            let parsed = match plan.and_then(|p| p.kind) {
                Some(Kind::Int | Kind::Days(_)) => integer(bytes, &mut p),
                Some(Kind::Money) => kopecks(bytes, &mut p),
                Some(Kind::Bool) => boolean(bytes, &mut p),
                _ => {
                    while p < bytes.len() && bytes[p] != b',' && bytes[p] != b'\n' {
                        p += 1;
                    }
                    None
                }
            };
            let end = bytes.get(p).copied();
            let ok = if j + 1 == w { end.is_none() || end == Some(b'\n') } else { end == Some(b',') };
            if !ok {
                return None;
            }
            spans.push((start, p));
            p += 1;
            let Some(Plan { input, kind, slot }) = *plan else { continue };
            let value = match parsed {
                Some(v) => v,
                None if start == p - 1 => (0, 0),
                None => {
                    match cells::parse(&bytes[start..p - 1], &self.service.inputs[input].ty, kind, self.model)
                    {
                        Ok(Cell::Column(n, d)) => (n, d),
                        Ok(Cell::Redo) => {
                            batch.redo[row] |= slot.is_some();
                            (0, 0)
                        }
                        Err(_) => return None,
                    }
                }
            };
            if let Some((reg, shape)) = slot {
                batch.set_shaped(reg, shape, row, value.0, value.1);
            }
        }
        Some(p)
    }
}

/// `-?[0-9]{1,18}` at `*p`, moving past it; `None` (and `*p` anywhere) otherwise.
#[inline]
fn integer(bytes: &[u8], p: &mut usize) -> Option<(i64, i64)> {
    let negative = bytes.get(*p) == Some(&b'-');
    *p += usize::from(negative);
    let start = *p;
    let mut n: i64 = 0;
    while let Some(d) = bytes.get(*p).map(|b| b.wrapping_sub(b'0')).filter(|d| *d <= 9) {
        if *p - start == 18 {
            return None;
        }
        n = n * 10 + i64::from(d);
        *p += 1;
    }
    (*p > start).then_some((if negative { -n } else { n }, 1))
}

/// `-?[0-9]{1,10}(\.[0-9]{1,2})?` at `*p` as kopecks.
#[inline]
fn kopecks(bytes: &[u8], p: &mut usize) -> Option<(i64, i64)> {
    let negative = bytes.get(*p) == Some(&b'-');
    *p += usize::from(negative);
    let start = *p;
    let mut n: i64 = 0;
    while let Some(d) = bytes.get(*p).map(|b| b.wrapping_sub(b'0')).filter(|d| *d <= 9) {
        if *p - start == 10 {
            return None;
        }
        n = n * 10 + i64::from(d);
        *p += 1;
    }
    if *p == start {
        return None;
    }
    n *= 100;
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

/// `true` or `false` at `*p`.
#[inline]
fn boolean(bytes: &[u8], p: &mut usize) -> Option<(i64, i64)> {
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
    fn numbers_parse_in_place() {
        assert_eq!(at(integer, b"-42,"), (Some((-42, 1)), 3));
        assert_eq!(at(integer, b"999999999999999999,"), (Some((999_999_999_999_999_999, 1)), 18));
        assert_eq!(at(integer, b"9223372036854775807,").0, None); // left to the general path
        assert_eq!(at(kopecks, b"46358.99,"), (Some((4635899, 100)), 8));
        assert_eq!(at(kopecks, b"5.5\n"), (Some((550, 100)), 3));
        assert_eq!(at(kopecks, b"7,"), (Some((700, 100)), 1));
        assert_eq!(at(kopecks, b"7.,").0, None);
        assert_eq!(at(boolean, b"false,"), (Some((0, 1)), 5));
    }
}
