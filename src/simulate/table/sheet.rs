//! The output lines of a batch, written column by column: each number column is formatted
//! in one loop into fixed-size slots, then every line is assembled from the slots, truth
//! values and copied input cells with fixed-size copies into a reused line buffer (no
//! capacity check or call per cell), which is appended to the output at once.

use super::cells::Cells;
use super::{Put, Table, write};
use crate::model::Model;
use crate::simulate::columnar::{Batch, Kind, Reg, View, num};

/// Room for one formatted value (an `i64` takes 20 bytes, kopecks with a sign and a point
/// 21), written at its end (digits come from the right, so their count need not be known
/// first) and copied as `SLOT` bytes from its start: a line may be written up to `SLOT`
/// bytes past its end.
pub const SLOT: usize = 32;
/// The most a formatted value moves a line on.
const VALUE: usize = 24;

/// One worker's buffers for writing batches.
#[derive(Default)]
pub struct Sheet {
    /// Formatted cells of the number columns, `BATCH` rows per column, and one more slot
    /// that the copy of the last one may read into.
    slots: Vec<[u8; SLOT]>,
    lens: Vec<u8>,
    /// Rows only the interpreter can write exactly.
    fallback: Vec<bool>,
    /// Lines being assembled, with room for a whole batch: filled once, not per batch.
    lines: Vec<u8>,
}

impl Sheet {
    pub fn new(columns: usize, rows: usize) -> Sheet {
        Sheet {
            slots: vec![[0; SLOT]; columns * rows + 1],
            lens: vec![0; columns * rows],
            fallback: vec![false; rows],
            lines: Vec::new(),
        }
    }
}

impl Table<'_> {
    /// Appends the output lines of the batch's rows; how many rows the interpreter wrote
    /// instead (values the columns cannot write exactly, or rows the batch could not decide).
    pub(super) fn write_batch(
        &self,
        rows: &[impl Cells],
        batch: &Batch,
        sheet: &mut Sheet,
        out: &mut Vec<u8>,
    ) -> usize {
        let n = rows.len();
        let cap = sheet.fallback.len();
        sheet.fallback[..n].copy_from_slice(&batch.redo[..n]);
        // The widest line of the batch, commas included.
        let mut widest = 1;
        for p in &self.puts {
            widest += 1 + match *p {
                Put::Copy(c) => rows.iter().map(|r| r.written_len(c)).max().unwrap_or(0),
                Put::Truth(_) => 5,
                Put::Text(reg, kind, k) => {
                    let (slots, lens) = (&mut sheet.slots[k * cap..][..n], &mut sheet.lens[k * cap..][..n]);
                    format(self.model, batch.view(reg), kind, slots, lens, &mut sheet.fallback[..n]);
                    VALUE
                }
            };
        }
        if sheet.lines.len() < n * widest + SLOT {
            sheet.lines.resize(n * widest + SLOT, 0);
        }
        let lines = &mut sheet.lines;
        let (mut pos, mut redone) = (0, 0);
        for (i, row) in rows.iter().enumerate() {
            if sheet.fallback[i] {
                out.extend_from_slice(&lines[..pos]);
                pos = 0;
                let inputs = self.parse(row).expect("the row parsed before");
                self.evaluate(row, &inputs, out);
                redone += 1;
                continue;
            }
            for p in &self.puts {
                match *p {
                    Put::Copy(c) => {
                        // A cell of a row cut in place has no separator, quote or line end.
                        pos += match row.window(c) {
                            Some(w) => {
                                lines[pos..pos + SLOT].copy_from_slice(w);
                                row.cell(c).len()
                            }
                            None => write::cell(&mut lines[pos..], row.cell(c)),
                        };
                    }
                    Put::Truth(reg) => {
                        // Without a branch: random truth values would mispredict one.
                        const WORDS: [[u8; 8]; 2] = [*b"false\0\0\0", *b"true\0\0\0\0"];
                        let (t, k) = batch.truth(reg, i);
                        lines[pos..pos + 8].copy_from_slice(&WORDS[usize::from(t & 1)]);
                        pos += usize::from(5 - t) * usize::from(k);
                    }
                    Put::Text(_, _, k) => {
                        let len = usize::from(sheet.lens[k * cap + i]);
                        let start = (k * cap + i + 1) * SLOT - len;
                        lines[pos..pos + SLOT]
                            .copy_from_slice(&sheet.slots.as_flattened()[start..start + SLOT]);
                        pos += len;
                    }
                }
                lines[pos] = b',';
                pos += 1;
            }
            lines[pos - 1] = b'\n';
        }
        out.extend_from_slice(&lines[..pos]);
        redone
    }
}

/// Number columns of a batch formatted into slots, column by column, for lines assembled
/// after (the lines of a batch of groups).
#[derive(Default)]
pub struct Slots {
    slots: Vec<[u8; SLOT]>,
    lens: Vec<u8>,
    rows: usize,
}

impl Slots {
    /// Formats the `columns` over the batch's rows, marking in `fallback` the rows whose
    /// values only the interpreter writes exactly.
    pub fn format(&mut self, model: &Model, batch: &Batch, columns: &[(Reg, Kind)], fallback: &mut [bool]) {
        let rows = fallback.len();
        self.rows = rows;
        // One slot more: `copy` reads a whole slot's width from where a text starts.
        self.slots.resize(columns.len() * rows + 1, [0; SLOT]);
        self.lens.resize(columns.len() * rows, 0);
        for (k, &(reg, kind)) in columns.iter().enumerate() {
            let (slots, lens) = (&mut self.slots[k * rows..][..rows], &mut self.lens[k * rows..][..rows]);
            format(model, batch.view(reg), kind, slots, lens, fallback);
        }
    }

    /// The text of column `k` at row `row` (empty: unknown).
    pub fn text(&self, k: usize, row: usize) -> &[u8] {
        let at = k * self.rows + row;
        &self.slots[at][SLOT - usize::from(self.lens[at])..]
    }

    /// Copies the text of column `k` at row `row` to the start of `to`, as a whole slot's
    /// width (one fixed-size copy rather than a call per cell); its length.
    #[inline(always)]
    pub fn copy(&self, k: usize, row: usize, to: &mut [u8; SLOT]) -> usize {
        let at = k * self.rows + row;
        let len = usize::from(self.lens[at]);
        let start = (at + 1) * SLOT - len;
        to.copy_from_slice(&self.slots.as_flattened()[start..start + SLOT]);
        len
    }
}

/// Formats one column into slots (length 0: unknown, an empty cell), marking the rows
/// whose value only the interpreter can write exactly.
fn format(
    model: &Model,
    view: View,
    kind: Kind,
    slots: &mut [[u8; SLOT]],
    lens: &mut [u8],
    fallback: &mut [bool],
) {
    match (kind, view) {
        (Kind::Int, View::Fixed { num, known, den: 1 }) => {
            for i in 0..num.len() {
                lens[i] = if known[i] != 0 { int(&mut slots[i], num[i]) } else { 0 };
            }
        }
        (Kind::Money, View::Fixed { num, known, den: 100 }) => {
            for i in 0..num.len() {
                lens[i] = if known[i] != 0 { money(&mut slots[i], num[i]) } else { 0 };
            }
        }
        (Kind::Money, view) => {
            let mut divisor = num::Divisor::new(1);
            for i in 0..lens.len() {
                let (a, d) = view.get(i);
                let k = if d == 0 { None } else { Some(num::kopecks_by(&mut divisor, a, d)) };
                lens[i] = match k {
                    None => 0,
                    Some(Some(k)) => money(&mut slots[i], k),
                    Some(None) => {
                        fallback[i] = true;
                        0
                    }
                };
            }
        }
        (kind, view) => {
            let mut text = Vec::new();
            for i in 0..lens.len() {
                let (a, d) = view.get(i);
                text.clear();
                if write::column(model, &mut text, kind, a, d) && text.len() <= VALUE {
                    slots[i][SLOT - text.len()..].copy_from_slice(&text);
                    lens[i] = text.len() as u8;
                } else {
                    fallback[i] = true;
                    lens[i] = 0;
                }
            }
        }
    }
}

/// A whole number, at the end of the slot; its length.
#[inline(always)]
fn int(slot: &mut [u8; SLOT], v: i64) -> u8 {
    let start = digits(slot, SLOT, v.unsigned_abs());
    sign(slot, start, v < 0)
}

/// Kopecks as roubles with two decimals, at the end of the slot; its length.
#[inline(always)]
fn money(slot: &mut [u8; SLOT], kopecks: i64) -> u8 {
    let k = kopecks.unsigned_abs();
    let cents = (k % 100) as usize * 2;
    slot[SLOT - 2..].copy_from_slice(&PAIRS[cents..cents + 2]);
    slot[SLOT - 3] = b'.';
    let start = digits(slot, SLOT - 3, k / 100);
    sign(slot, start, kopecks < 0)
}

/// A minus before `start` if `negative`; the length from there to the end.
#[inline(always)]
fn sign(slot: &mut [u8; SLOT], start: usize, negative: bool) -> u8 {
    slot[start - 1] = b'-';
    (SLOT - start + usize::from(negative)) as u8
}

const PAIRS: &[u8; 200] = b"000102030405060708091011121314151617181920212223242526272829303132\
    33343536373839404142434445464748495051525354555657585960616263646566\
    676869707172737475767778798081828384858687888990919293949596979899";

/// The digits of `v` ending before `slot[end]`, two at a time from the right; where they
/// start.
#[inline(always)]
fn digits(slot: &mut [u8; SLOT], end: usize, v: u64) -> usize {
    let (mut v, mut i) = (v, end);
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        slot[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        slot[i - 2..i].copy_from_slice(&PAIRS[v as usize * 2..v as usize * 2 + 2]);
        i - 2
    } else {
        slot[i - 1] = b'0' + v as u8;
        i - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: fn(&mut [u8; SLOT], i64) -> u8, v: i64) -> String {
        let mut slot = [0; SLOT];
        let len = f(&mut slot, v);
        String::from_utf8(slot[SLOT - usize::from(len)..].to_vec()).unwrap()
    }

    #[test]
    fn numbers_format_like_the_interpreter() {
        for v in [0, 7, 10, 99, 100, 12345, -1, -100, i64::MAX, i64::MIN] {
            assert_eq!(text(int, v), v.to_string());
        }
        assert_eq!(text(money, 0), "0.00");
        assert_eq!(text(money, 5), "0.05");
        assert_eq!(text(money, -5), "-0.05");
        assert_eq!(text(money, 1545300), "15453.00");
        assert_eq!(text(money, i64::MIN), "-92233720368547758.08");
    }
}
