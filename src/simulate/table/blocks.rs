//! Cutting CSV bytes at record boundaries, so that pieces of one file can be parsed on
//! different cores. A line end (`\n`) is a boundary unless it is inside a quoted field;
//! without any `"` in the bytes every line end is one, which is found at memchr speed.
//! Records end at `\n` alone: a carriage return before it belongs to the line end, one
//! anywhere else is data (the csv reader is set to read them so too).

use std::ops::Range;

/// Ends (just past the `\n`) of the records in `bytes`, in order, starting at the first
/// boundary at or after each multiple of `every` bytes; `bytes` starts a record.
fn boundaries(bytes: &[u8], every: usize, mut keep: impl FnMut(usize) -> bool) {
    if memchr::memchr(b'"', bytes).is_none() {
        let mut from = (every - 1).min(bytes.len());
        while from < bytes.len() {
            let Some(i) = memchr::memchr(b'\n', &bytes[from..]) else { return };
            if !keep(from + i + 1) {
                return;
            }
            from = (from + i + every).min(bytes.len());
        }
        return;
    }
    // As the csv reader reads quotes: a `"` opens a quoted field only where a field
    // starts; inside one, `""` is a quote and a lone `"` closes it; anywhere else it is
    // an ordinary byte.
    let (mut state, mut next) = (Quotes::FieldStart, every);
    for (i, &b) in bytes.iter().enumerate() {
        state = match (state, b) {
            (Quotes::FieldStart, b'"') => Quotes::Quoted,
            (Quotes::Quoted, b'"') => Quotes::QuoteInQuoted,
            (Quotes::Quoted, _) => Quotes::Quoted,
            (Quotes::QuoteInQuoted, b'"') => Quotes::Quoted,
            (_, b',') => Quotes::FieldStart,
            (_, b'\n') => {
                if i + 1 >= next {
                    if !keep(i + 1) {
                        return;
                    }
                    next = i + 1 + every;
                }
                Quotes::FieldStart
            }
            _ => Quotes::Unquoted,
        };
    }
}

#[derive(Clone, Copy)]
enum Quotes {
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: the field's end, or the first of `""`.
    QuoteInQuoted,
}

/// The end of the first record (its line end included), if `bytes` holds a whole one.
pub fn first_record(bytes: &[u8]) -> Option<usize> {
    records(bytes, 1)
}

/// The end of the first `k` records (k ≥ 1), if `bytes` holds them whole.
pub fn records(bytes: &[u8], k: usize) -> Option<usize> {
    let (mut end, mut seen) = (None, 0);
    boundaries(bytes, 1, |i| {
        seen += 1;
        end = Some(i);
        seen < k
    });
    end.filter(|_| seen == k)
}

/// The end of the last whole record in `bytes` (0 when there is none).
pub fn last_record(bytes: &[u8]) -> usize {
    if memchr::memchr(b'"', bytes).is_none() {
        return memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1);
    }
    let mut last = 0;
    boundaries(bytes, 1, |i| {
        last = i;
        true
    });
    last
}

/// `bytes` (whole records) cut into pieces of about `size` bytes.
pub fn pieces(bytes: &[u8], size: usize) -> Vec<Range<usize>> {
    let mut cuts = vec![0];
    boundaries(bytes, size, |i| {
        cuts.push(i);
        true
    });
    if *cuts.last().expect("starts with 0") < bytes.len() {
        cuts.push(bytes.len());
    }
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_cut_at_line_ends() {
        let text = b"a,1\nb,2\nc,3\n";
        assert_eq!(first_record(text), Some(4));
        assert_eq!(records(text, 2), Some(8));
        assert_eq!(records(text, 4), None);
        assert_eq!(last_record(b"a,1\nb,2\nc,"), 8);
        assert_eq!(pieces(text, 5), vec![0..8, 8..12]);
        assert_eq!(pieces(b"a,1\nb", 100), vec![0..5]);
    }

    #[test]
    fn a_quote_inside_an_unquoted_cell_is_an_ordinary_byte() {
        let text = b"a\"b,1\n\"x\ny\",2\nz,3\n";
        assert_eq!(pieces(text, 1), vec![0..6, 6..14, 14..18]);
        // A quoted field may go on after its closing quote, as the csv reader reads it.
        assert_eq!(pieces(b"\"a\"b\nc\n", 1), vec![0..5, 5..7]);
    }

    #[test]
    fn line_ends_inside_quotes_are_not_boundaries() {
        let text = b"\"x\ny\",1\n\"\"\"\",2\nz,3\n";
        assert_eq!(first_record(text), Some(8));
        assert_eq!(last_record(&text[..12]), 8);
        assert_eq!(pieces(text, 1), vec![0..8, 8..15, 15..19]);
    }
}
