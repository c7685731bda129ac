//! Rows without quotes or carriage returns, cut into cells in place. On the common path a
//! row is cut and its numbers parsed in one pass, left to right; a row with anything
//! unusual in it (a date, a long number, a stray character, a wrong number of cells) is
//! cut first and parsed cell by cell, which also words its errors.

use super::cells::{self, Cell, Line, boolean, integer, kopecks};
use super::{BATCH, Form, Plan, RowError, Table, Times, Work};
use crate::simulate::columnar::Batch;
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
        // The cells of the batch's rows, `w` per row, written in place.
        let mut spans = std::mem::take(&mut work.spans);
        spans.resize(BATCH * w, (0, 0));
        let mut cut = Vec::new();
        let (mut len, mut at, mut pos) = (0, line, 0);
        let mut t = Instant::now();
        while pos < bytes.len() {
            at += 1;
            if bytes[pos] == b'\n' {
                // An empty line is skipped, as the csv reader does.
                pos += 1;
                continue;
            }
            let row = &mut spans[len * w..(len + 1) * w];
            let fast = work.batch.as_mut().and_then(|batch| self.fast_row(bytes, pos, row, batch, len));
            let result = match fast {
                Some(next) => {
                    pos = next;
                    Ok(())
                }
                None => {
                    let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
                    cut.clear();
                    let mut from = pos;
                    for comma in memchr::memchr_iter(b',', &bytes[pos..end]) {
                        cut.push((from, pos + comma));
                        from = pos + comma + 1;
                    }
                    cut.push((from, end));
                    pos = end + 1;
                    // The cell count is checked first: a row that loads has `w` cells.
                    let loaded = self.load_row(&Line { bytes, spans: &cut }, work.batch.as_mut(), len);
                    if loaded.is_ok() {
                        row.copy_from_slice(&cut);
                    }
                    loaded
                }
            };
            if let Err(e) = result {
                errors.push((at - 1, e));
                continue;
            }
            len += 1;
            if len == BATCH {
                times.parse += t.elapsed();
                let rows: Vec<Line> = spans.chunks_exact(w).map(|s| Line { bytes, spans: s }).collect();
                self.finish(&rows, work.batch.as_mut(), &mut work.sheet, out, times);
                len = 0;
                t = Instant::now();
            }
        }
        times.parse += t.elapsed();
        if len > 0 {
            let rows: Vec<Line> =
                spans[..len * w].chunks_exact(w).map(|s| Line { bytes, spans: s }).collect();
            self.finish(&rows, work.batch.as_mut(), &mut work.sheet, out, times);
        }
        work.spans = spans;
    }

    /// Cuts and parses the row at `pos` into row `row` of the batch in one pass; the
    /// position after its line end, or `None` when the row needs the general path.
    fn fast_row(
        &self,
        bytes: &[u8],
        pos: usize,
        spans: &mut [(usize, usize)],
        batch: &mut Batch,
        row: usize,
    ) -> Option<usize> {
        self.program.as_ref()?;
        let mut p = pos;
        batch.redo[row] = false;
        for (plan, span) in self.plan.iter().zip(spans) {
            let start = p;
            let parsed = match plan.form {
                Form::Int => integer(bytes, &mut p),
                Form::Money => kopecks(bytes, &mut p),
                Form::Bool => boolean(bytes, &mut p),
                Form::Other => {
                    while p < bytes.len() && bytes[p] != b',' && bytes[p] != b'\n' {
                        p += 1;
                    }
                    None
                }
            };
            // The input may end without a line end.
            if bytes.get(p).copied().unwrap_or(b'\n') != plan.end {
                return None;
            }
            *span = (start, p);
            p += 1;
            let Plan { input: Some(input), kind, slot, .. } = *plan else { continue };
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
