//! The two tables read as bytes. Records are cut at line ends found by memchr (a record
//! with a quote as the csv reader reads it), each member is matched to its group by the
//! bytes of its group cell, and a chunk's records are copied together into two buffers,
//! which workers cut into cells ([`Cutter`]).

use crate::simulate::table::blocks;
use crate::simulate::table::cells::Line;
use std::borrow::Cow;
use std::hash::BuildHasher;
use std::io::Read;
use std::ops::Range;

/// Bytes asked of a file at once.
const READ: usize = 1 << 20;

/// A table read record by record from a buffer of its bytes.
pub struct Source<R> {
    file: R,
    buf: Vec<u8>,
    /// Where the next record starts in `buf`, and its line in the file.
    start: usize,
    line: u64,
    /// The first quote in the buffer at or after where it was last looked for (`buf.len()`
    /// when there is none; `None` when not looked for): records before it are cut at
    /// memchr speed.
    quote: Option<usize>,
    eof: bool,
    /// The record at `start`, once found: its bytes (without the line end), the lines it
    /// spans and whether it is plain.
    found: Option<(Range<usize>, u64, bool)>,
    line_ends: LineEnds,
}

/// Finds line ends. On x86-64 with AVX2, memchr's searcher is made once: the crate's
/// `memchr` picks one at every call, through three calls, which for records of a few
/// dozen bytes cost as much as the search.
#[derive(Clone, Copy)]
struct LineEnds {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::One>,
}

impl LineEnds {
    fn new() -> Self {
        LineEnds {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::One::new(b'\n'),
        }
    }

    #[inline(always)]
    fn find(&self, bytes: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(one) = &self.avx2 {
            return one.find(bytes);
        }
        memchr::memchr(b'\n', bytes)
    }
}

/// A record: its first line in the file and its bytes.
pub type Record<'a> = (u64, &'a [u8]);

/// A record as read, and whether it is plain (holds no quote, so its cells are cut at
/// every comma).
pub type Found<'a> = (u64, &'a [u8], bool);

impl<R: Read> Source<R> {
    pub fn new(file: R) -> Self {
        let line_ends = LineEnds::new();
        Source { file, buf: Vec::new(), start: 0, line: 1, quote: None, eof: false, found: None, line_ends }
    }

    /// The next record, not consumed: skips blank lines.
    pub fn peek(&mut self) -> std::io::Result<Option<Found<'_>>> {
        Ok(self.peek_range()?.map(|(line, range, plain)| (line, &self.buf[range], plain)))
    }

    /// The next record as its line, its place in [`Source::bytes`] and whether it is plain.
    pub fn peek_range(&mut self) -> std::io::Result<Option<(u64, Range<usize>, bool)>> {
        loop {
            if self.found.is_none() {
                self.found = self.find()?;
            }
            let Some((range, lines, plain)) = self.found.clone() else { return Ok(None) };
            if !range.is_empty() {
                return Ok(Some((self.line, range, plain)));
            }
            self.advance_by(range.end, lines);
        }
    }

    /// The bytes read and not yet given up.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Reads the rest of the file at once: the places of the records found from here on
    /// stay put, and [`Source::take_bytes`] hands all of them over.
    pub fn read_rest(&mut self) -> std::io::Result<()> {
        self.buf.drain(..self.start);
        self.start = 0;
        self.found = None;
        self.quote = None;
        self.file.read_to_end(&mut self.buf)?;
        self.eof = true;
        Ok(())
    }

    /// The bytes read, once every record is consumed; the source is then empty.
    pub fn take_bytes(&mut self) -> Vec<u8> {
        self.start = 0;
        self.found = None;
        self.quote = None;
        std::mem::take(&mut self.buf)
    }

    /// Consumes the record `peek` gave.
    pub fn advance(&mut self) {
        if let Some((range, lines, _)) = self.found.take() {
            self.advance_by(range.end, lines);
        }
    }

    /// The next record, consumed.
    pub fn next_record(&mut self) -> std::io::Result<Option<(u64, Vec<u8>)>> {
        let record = self.peek()?.map(|(line, bytes, _)| (line, bytes.to_vec()));
        self.advance();
        Ok(record)
    }

    fn advance_by(&mut self, end: usize, lines: u64) {
        self.found = None;
        // Past the record's line end (and the carriage return before it).
        let rest = &self.buf[end..];
        let skip = match rest {
            [b'\r', b'\n', ..] => 2,
            [b'\n', ..] => 1,
            // The end of the file (or a lone carriage return, which ends the last record).
            _ => rest.len(),
        };
        self.start = end + skip;
        self.line += lines;
    }

    /// Finds the record at `start`, reading more of the file until it is whole.
    fn find(&mut self) -> std::io::Result<Option<(Range<usize>, u64, bool)>> {
        loop {
            if let Some(found) = self.cut() {
                return Ok(Some(found));
            }
            if self.eof {
                if self.start >= self.buf.len() {
                    return Ok(None);
                }
                // The last record, without a line end.
                let rest = &self.buf[self.start..];
                let lines = 1 + memchr::memchr_iter(b'\n', rest).count() as u64;
                let plain = memchr::memchr(b'"', rest).is_none();
                let end = strip_cr(&self.buf, self.start, self.buf.len());
                return Ok(Some((self.start..end, lines, plain)));
            }
            self.fill()?;
        }
    }

    /// The record at `start` if the buffer holds its line end.
    fn cut(&mut self) -> Option<(Range<usize>, u64, bool)> {
        let bytes = &self.buf[self.start..];
        let nl = self.start + self.line_ends.find(bytes)?;
        let quote = match self.quote {
            Some(q) if q >= self.start => q,
            _ => memchr::memchr(b'"', bytes).map_or(self.buf.len(), |q| self.start + q),
        };
        self.quote = Some(quote);
        if nl < quote {
            return Some((self.start..strip_cr(&self.buf, self.start, nl), 1, true));
        }
        // Quotes may hold line ends: the record ends at the first one outside them.
        let end = self.start + blocks::first_record(bytes)? - 1;
        let lines = 1 + memchr::memchr_iter(b'\n', &self.buf[self.start..end]).count() as u64;
        Some((self.start..strip_cr(&self.buf, self.start, end), lines, false))
    }

    /// Reads more of the file, keeping the bytes from `start` on.
    fn fill(&mut self) -> std::io::Result<()> {
        self.buf.drain(..self.start);
        self.start = 0;
        // A record longer than the buffer doubles what is asked.
        let want = READ.max(self.buf.len());
        let n = Read::by_ref(&mut self.file).take(want as u64).read_to_end(&mut self.buf)?;
        self.eof = n < want;
        // The quotes of the new bytes are looked for again.
        self.quote = None;
        Ok(())
    }
}

/// The end of a record's bytes without the carriage return of a `\r\n`.
fn strip_cr(buf: &[u8], start: usize, end: usize) -> usize {
    if end > start && buf[end - 1] == b'\r' { end - 1 } else { end }
}

/// Cuts records into cells, reusing its buffers.
#[derive(Default)]
pub struct Cutter {
    spans: Vec<(usize, usize)>,
    /// The cells of a quoted record, unquoted.
    unquoted: Vec<u8>,
    record: csv::ByteRecord,
}

impl Cutter {
    /// The cells of a record; a `plain` one (without quotes) is cut at every comma.
    pub fn cut<'a>(&'a mut self, record: &'a [u8], plain: bool) -> Line<'a> {
        self.spans.clear();
        if plain {
            // Records are short: a loop over their bytes beats a search per cell.
            let mut from = 0;
            for (i, &b) in record.iter().enumerate() {
                if b == b',' {
                    self.spans.push((from, i));
                    from = i + 1;
                }
            }
            self.spans.push((from, record.len()));
            return Line { bytes: record, spans: &self.spans };
        }
        let mut reader = crate::simulate::table::cells::reader(record);
        self.unquoted.clear();
        if !matches!(reader.read_byte_record(&mut self.record), Ok(true)) {
            self.record.clear();
        }
        for cell in &self.record {
            let from = self.unquoted.len();
            self.unquoted.extend_from_slice(cell);
            self.spans.push((from, self.unquoted.len()));
        }
        Line { bytes: &self.unquoted, spans: &self.spans }
    }
}

/// Cell `k` of a record (empty when it has fewer cells); see [`Cutter::cut`].
pub fn nth_cell(record: &[u8], k: usize, plain: bool) -> Cow<'_, [u8]> {
    if plain {
        return Cow::Borrowed(&record[plain_cell(record, k)]);
    }
    let mut cutter = Cutter::default();
    use crate::simulate::table::cells::Cells;
    Cow::Owned(cutter.cut(record, false).cell(k).to_vec())
}

/// A group's id as its members' group cells are matched against it: an id of up to
/// eight bytes also as one word, compared with one load.
struct Id<'a> {
    cell: &'a [u8],
    /// The id's bytes as a word, and the mask of them in a word read from a record.
    word: Option<(u64, u64)>,
}

impl<'a> Id<'a> {
    fn new(cell: &'a [u8]) -> Self {
        let word = (cell.len() <= 8).then(|| {
            let mut w = [0u8; 8];
            w[..cell.len()].copy_from_slice(cell);
            let mask = if cell.len() == 8 { u64::MAX } else { (1u64 << (8 * cell.len())) - 1 };
            (u64::from_le_bytes(w), mask)
        });
        Id { cell, word }
    }
}

/// Whether cell `k` of a record is `id`: for a plain record, without finding where it ends
/// first. Inlined at both its calls: a call per member costs as much as the compare.
#[inline(always)]
fn is_cell(record: &[u8], k: usize, plain: bool, id: &Id) -> bool {
    let cell = id.cell;
    if !plain {
        return nth_cell(record, k, plain).as_ref() == cell;
    }
    let Some(from) = plain_cell_start(record, k) else { return cell.is_empty() };
    let end = from + cell.len();
    if let (Some((word, mask)), Some(bytes)) = (id.word, record.get(from..from + 8)) {
        // The id's bytes alone; the byte after them, when there is one, ends the cell.
        let x = u64::from_le_bytes(bytes.try_into().expect("eight bytes")) ^ word;
        return x & mask == 0 && record.get(end).is_none_or(|&b| b == b',');
    }
    record.get(from..end) == Some(cell) && record.get(end).is_none_or(|&b| b == b',')
}

/// Where cell `k` of a plain record starts (`None` when it has fewer cells).
#[inline]
fn plain_cell_start(record: &[u8], k: usize) -> Option<usize> {
    let mut from = 0;
    for _ in 0..k {
        let end = next_comma(record, from);
        if end == record.len() {
            return None;
        }
        from = end + 1;
    }
    Some(from)
}

/// Cell `k` of a plain record (empty at its end when it has fewer cells).
fn plain_cell(record: &[u8], k: usize) -> Range<usize> {
    match plain_cell_start(record, k) {
        Some(from) => from..next_comma(record, from),
        None => record.len()..record.len(),
    }
}

/// Where the cell at `p` ends: the next comma, or the end of the record. Eight bytes at a
/// time: a comma is a zero byte of the word xor commas (the lowest one found is exact).
#[inline(always)]
pub fn next_comma(record: &[u8], mut p: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    while let Some(word) = record.get(p..p + 8) {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes")) ^ (b',' as u64 * ONES);
        let zero = x.wrapping_sub(ONES) & !x & (0x80 * ONES);
        if zero != 0 {
            return p + (zero.trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    p + record[p.min(record.len())..]
        .iter()
        .position(|&b| b == b',')
        .unwrap_or(record.len().saturating_sub(p))
}

/// `next_comma`, and whether the bytes from `p` to it are ASCII (the common form of an id
/// or a text, which is then UTF-8 without a look at it).
#[inline(always)]
pub fn next_comma_ascii(record: &[u8], mut p: usize) -> (usize, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut high = 0;
    while let Some(word) = record.get(p..p + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let x = w ^ (b',' as u64 * ONES);
        let zero = x.wrapping_sub(ONES) & !x & (0x80 * ONES);
        if zero != 0 {
            let before = zero.trailing_zeros() / 8;
            // The bytes before the comma.
            high |= w & ((1u64 << (8 * before)) - 1);
            return (p + before as usize, high & (0x80 * ONES) == 0);
        }
        high |= w;
        p += 8;
    }
    let end = next_comma(record, p);
    (end, high & (0x80 * ONES) == 0 && record[p.min(end)..end].is_ascii())
}

/// The header's column names.
pub fn header(record: &[u8]) -> Result<Vec<String>, String> {
    use crate::simulate::table::cells::Cells;
    let mut cutter = Cutter::default();
    let line = cutter.cut(record, memchr::memchr(b'"', record).is_none());
    (0..line.count())
        .map(|i| {
            String::from_utf8(line.cell(i).to_vec())
                .map_err(|_| format!("column {} of the header is not UTF-8", i + 1))
        })
        .collect()
}

/// Groups and their members as read: whole records copied into two buffers.
#[derive(Default)]
pub struct Chunk {
    pub groups: Vec<u8>,
    pub persons: Vec<u8>,
    pub entries: Vec<Entry>,
    pub members: Vec<Member>,
    /// Whether no record holds a quote.
    pub plain: bool,
}

/// A group: its line, its record in `groups` (and, in a plain chunk, its id's cell there)
/// and its members in `members`.
pub struct Entry {
    pub line: u64,
    pub record: Range<usize>,
    pub id: Range<usize>,
    pub members: Range<usize>,
}

/// A member: its line and its record in `persons`.
#[derive(Clone)]
pub struct Member {
    pub line: u64,
    pub record: Range<usize>,
}

impl Chunk {
    pub fn group(&self, g: usize) -> Record<'_> {
        let e = &self.entries[g];
        (e.line, &self.groups[e.record.clone()])
    }

    /// The id cell of group `g` of a plain chunk.
    pub fn plain_id(&self, g: usize) -> &[u8] {
        &self.groups[self.entries[g].id.clone()]
    }

    pub fn members(&self, g: usize) -> impl ExactSizeIterator<Item = Record<'_>> {
        self.members[self.entries[g].members.clone()]
            .iter()
            .map(|m| (m.line, &self.persons[m.record.clone()]))
    }
}

/// Appends a record to a buffer and its place to a list.
fn copy(bytes: &mut Vec<u8>, records: &mut Vec<Member>, line: u64, record: &[u8]) {
    let from = bytes.len();
    bytes.extend_from_slice(record);
    records.push(Member { line, record: from..bytes.len() });
}

/// The persons table held whole: records by group, in any order. Group ids go into one
/// hash table once per run of records of one group (not per record; no allocation per
/// group); a group asked for in the order the runs stand is found without it, and when
/// every group is one run its records are copied into a chunk at once.
pub struct Held {
    /// The whole table; records are places in it.
    bytes: Vec<u8>,
    records: Vec<Member>,
    /// Each record's group, numbered in order of first appearance.
    group_of: Vec<u32>,
    /// Each group's id (in `keys`), where its records start in `order` (in `records` when
    /// `order` is empty: each group's records stand together), and whether a group of the
    /// groups table has taken them.
    keys: Vec<u8>,
    ids: Vec<Range<usize>>,
    starts: Vec<u32>,
    order: Vec<u32>,
    taken: Vec<bool>,
    /// The group after the last one taken: the one asked for next when both tables list
    /// the groups in one order.
    next: usize,
    table: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::FixedState,
    plain: bool,
}

impl Held {
    pub fn read<R: Read>(persons: &mut Source<R>, group: usize) -> std::io::Result<Self> {
        persons.read_rest()?;
        let mut held = Held {
            bytes: Vec::new(),
            records: Vec::new(),
            group_of: Vec::new(),
            keys: Vec::new(),
            ids: Vec::new(),
            starts: Vec::new(),
            order: Vec::new(),
            taken: Vec::new(),
            next: 0,
            table: hashbrown::HashTable::new(),
            hasher: foldhash::fast::FixedState::default(),
            plain: true,
        };
        // Whether no group's records are split into several runs.
        let mut together = true;
        let mut key = Vec::new();
        while let Some((_, first, plain)) = persons.peek_range()? {
            // A run of records of one group: its first record names the group.
            key.clear();
            key.extend_from_slice(&nth_cell(&persons.bytes()[first], group, plain));
            let (slot, new) = held.slot(&key);
            together &= new;
            let id = Id::new(&key);
            let mut record = persons.peek_range()?;
            while let Some((line, range, plain)) = record {
                held.plain &= plain;
                held.records.push(Member { line, record: range });
                held.group_of.push(slot);
                persons.advance();
                record = persons
                    .peek_range()?
                    .filter(|(_, r, p)| is_cell(&persons.bytes()[r.clone()], group, *p, &id));
            }
        }
        held.bytes = persons.take_bytes();
        // Records by group, in line order within each (a counting sort, unless they stand
        // together already).
        let groups = held.ids.len();
        let mut starts = vec![0u32; groups + 1];
        for &g in &held.group_of {
            starts[g as usize + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        if !together {
            let mut next = starts.clone();
            held.order = vec![0; held.records.len()];
            for (r, &g) in held.group_of.iter().enumerate() {
                held.order[next[g as usize] as usize] = r as u32;
                next[g as usize] += 1;
            }
        }
        held.starts = starts;
        held.taken = vec![false; groups];
        Ok(held)
    }

    /// The group of id `key`, numbered anew (`true`) the first time it is seen.
    fn slot(&mut self, key: &[u8]) -> (u32, bool) {
        if let Some(slot) = self.find(key) {
            return (slot, false);
        }
        let slot = self.ids.len() as u32;
        let from = self.keys.len();
        self.keys.extend_from_slice(key);
        self.ids.push(from..self.keys.len());
        let (ids, keys, hasher) = (&self.ids, &self.keys, &self.hasher);
        self.table
            .insert_unique(hasher.hash_one(key), slot, |&s| hasher.hash_one(&keys[ids[s as usize].clone()]));
        (slot, true)
    }

    fn find(&self, key: &[u8]) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        self.table.find(hash, |&s| &self.keys[self.ids[s as usize].clone()] == key).copied()
    }

    /// Copies the records of group `id` into a chunk's buffers, the first time it is asked
    /// for (none after).
    fn copy_group(&mut self, id: &[u8], persons: &mut Vec<u8>, members: &mut Vec<Member>) {
        let next =
            self.ids.get(self.next).filter(|k| self.keys[(*k).clone()] == *id).map(|_| self.next as u32);
        let Some(slot) = next.or_else(|| self.find(id)).map(|s| s as usize) else { return };
        if std::mem::replace(&mut self.taken[slot], true) {
            return;
        }
        self.next = slot + 1;
        let range = self.starts[slot] as usize..self.starts[slot + 1] as usize;
        if !self.order.is_empty() {
            for &r in &self.order[range] {
                let m = &self.records[r as usize];
                copy(persons, members, m.line, &self.bytes[m.record.clone()]);
            }
            return;
        }
        // The group's records stand together: their bytes are copied at once.
        let records = &self.records[range];
        let (Some(first), Some(last)) = (records.first(), records.last()) else { return };
        let (from, to) = (first.record.start, last.record.end);
        let base = persons.len();
        persons.extend_from_slice(&self.bytes[from..to]);
        members.extend(records.iter().map(|m| Member {
            line: m.line,
            record: base + m.record.start - from..base + m.record.end - from,
        }));
    }

    /// The first person (by line) of a group no group of the groups table took: a member of
    /// a group the groups table does not have.
    pub fn left(&self) -> Option<(u64, String)> {
        let (record, &g) =
            self.records.iter().zip(&self.group_of).find(|(_, g)| !self.taken[**g as usize])?;
        Some((record.line, String::from_utf8_lossy(&self.keys[self.ids[g as usize].clone()]).into_owned()))
    }
}

/// Reads chunks of groups with their members from the two tables.
pub struct Reader<G, P> {
    pub groups: Source<G>,
    pub persons: Source<P>,
    /// Where the group id is in a groups record, and the group in a persons record.
    pub group_id: usize,
    pub person_group: usize,
    /// The persons table, when held whole.
    pub held: Option<Held>,
}

impl<G: Read, P: Read> Reader<G, P> {
    /// Up to `n` groups and their members into `chunk` (emptied first).
    pub fn chunk(&mut self, chunk: &mut Chunk, n: usize) -> std::io::Result<()> {
        let Chunk { groups, persons, entries, members, plain } = chunk;
        for list in [&mut *groups, &mut *persons] {
            list.clear();
        }
        entries.clear();
        members.clear();
        *plain = self.held.as_ref().is_none_or(|h| h.plain);
        while entries.len() < n {
            let Some((line, record, is_plain)) = self.groups.peek()? else { break };
            *plain &= is_plain;
            let from = groups.len();
            groups.extend_from_slice(record);
            self.groups.advance();
            // A plain record's id is a cell of it, kept for the output.
            let (id, at) = match is_plain {
                true => {
                    let cell = plain_cell(&groups[from..], self.group_id);
                    let at = from + cell.start..from + cell.end;
                    (Cow::Borrowed(&groups[at.clone()]), at)
                }
                false => (nth_cell(&groups[from..], self.group_id, false), 0..0),
            };
            let first = members.len();
            match &mut self.held {
                Some(held) => held.copy_group(&id, persons, members),
                // The members: the person records of this group, which stand together.
                None => members_of(&mut self.persons, self.person_group, &id, |line, person, is_plain| {
                    *plain &= is_plain;
                    copy(persons, members, line, person);
                })?,
            }
            entries.push(Entry { line, record: from..groups.len(), id: at, members: first..members.len() });
        }
        Ok(())
    }

    /// A person left unread once the groups are all read: its line and group.
    pub fn left(&mut self) -> std::io::Result<Option<(u64, String)>> {
        if let Some(held) = &self.held {
            return Ok(held.left());
        }
        let group = self.person_group;
        let left = self.persons.peek()?;
        Ok(left
            .map(|(line, p, plain)| (line, String::from_utf8_lossy(&nth_cell(p, group, plain)).into_owned())))
    }
}

/// Consumes the persons records that stand next in `persons` and are members of group
/// `id` (cell `person_group`), giving each to `each` with its line and whether it is plain.
#[inline(always)]
fn members_of<P: Read>(
    persons: &mut Source<P>,
    person_group: usize,
    id: &[u8],
    mut each: impl FnMut(u64, &[u8], bool),
) -> std::io::Result<()> {
    let key = Id::new(id);
    while let Some((line, person, plain)) = persons.peek()? {
        if !is_cell(person, person_group, plain, &key) {
            break;
        }
        each(line, person, plain);
        persons.advance();
    }
    Ok(())
}

/// Whether the persons table lists the members of each group together, in the order of
/// the groups table, each group with at least one and no person left over: then both
/// tables stream, as a table too large to hold does. Cell `group_id` of a groups record is
/// its id, cell `person_group` of a persons record its group (headers already read).
pub fn in_group_order<G: Read, P: Read>(
    groups: &mut Source<G>,
    persons: &mut Source<P>,
    group_id: usize,
    person_group: usize,
) -> std::io::Result<bool> {
    let mut id = Vec::new();
    while let Some((_, record, plain)) = groups.peek()? {
        id.clear();
        id.extend_from_slice(&nth_cell(record, group_id, plain));
        groups.advance();
        let mut members = 0;
        members_of(persons, person_group, &id, |_, _, _| members += 1)?;
        if members == 0 {
            return Ok(false);
        }
    }
    Ok(persons.peek()?.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::table::cells::Cells;

    fn records(text: &[u8]) -> Vec<(u64, String)> {
        let mut s = Source::new(text);
        std::iter::from_fn(|| s.next_record().unwrap())
            .map(|(l, r)| (l, String::from_utf8(r).unwrap()))
            .collect()
    }

    #[test]
    fn records_end_at_line_ends_outside_quotes() {
        assert_eq!(
            records(b"a,b\r\n\nc,\"d\ne\"\nf"),
            vec![(1, "a,b".into()), (3, "c,\"d\ne\"".into()), (5, "f".into())]
        );
        assert_eq!(records(b""), vec![]);
        assert_eq!(records(b"\r\n\n"), vec![]);
    }

    #[test]
    fn cells_of_plain_and_quoted_records() {
        let mut c = Cutter::default();
        let line = c.cut(b"1,,x", true);
        assert_eq!(
            (line.count(), line.cell(0), line.cell(1), line.cell(2)),
            (3, &b"1"[..], &b""[..], &b"x"[..])
        );
        let line = c.cut(b"\"a,\"\"b\",c", false);
        assert_eq!((line.count(), line.cell(0), line.cell(1)), (2, &b"a,\"b"[..], &b"c"[..]));
        assert_eq!(nth_cell(b"1,2,3", 1, true).as_ref(), b"2");
        assert_eq!(nth_cell(b"1,2,3", 2, true).as_ref(), b"3");
        assert_eq!(nth_cell(b"1,2,3", 5, true).as_ref(), b"");
        assert_eq!(nth_cell(b"\"1,2\",3", 0, false).as_ref(), b"1,2");
    }

    #[test]
    fn commas_are_found_eight_bytes_at_a_time() {
        let record = b"12345678,a,,bcdefghijklmnop,\x80\xff,z";
        let mut cells = Vec::new();
        let mut p = 0;
        loop {
            let end = next_comma(record, p);
            cells.push(&record[p..end]);
            if end == record.len() {
                break;
            }
            p = end + 1;
        }
        let expected: Vec<&[u8]> = record.split(|&b| b == b',').collect();
        assert_eq!(cells, expected);
    }

    #[test]
    fn cells_are_found_ascii_or_not_as_they_end() {
        // Non-ASCII bytes before, at and after an eight-byte boundary, and in a short tail.
        let record = "12345678,ab,,очень,длинное имя,x€,z".as_bytes();
        let (mut p, mut found) = (0, Vec::new());
        loop {
            let (end, ascii) = next_comma_ascii(record, p);
            assert_eq!(end, next_comma(record, p));
            found.push((&record[p..end], ascii));
            if end == record.len() {
                break;
            }
            p = end + 1;
        }
        let expected: Vec<(&[u8], bool)> = record.split(|&b| b == b',').map(|c| (c, c.is_ascii())).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_members_group_cell_is_matched_as_cut() {
        for (record, k, cell, matched) in [
            (&b"1,17,adult"[..], 1, &b"17"[..], true),
            (b"1,17,adult", 1, b"1", false),
            (b"1,170,adult", 1, b"17", false),
            (b"1,17", 1, b"17", true),
            (b"1,17", 0, b"1", true),
            // Eight bytes from the cell: the id compared as one word.
            (b"1,17,adult,1990", 1, b"17", true),
            (b"1,170,adult,199", 1, b"17", false),
            (b"1,18,adult,1990", 1, b"17", false),
            (b"1,12345678,adult", 1, b"12345678", true),
            (b"1,12345679,adult", 1, b"12345678", false),
            (b"1,123456789,adult", 1, b"12345678", false),
            (b"1,,adult,1990-01", 1, b"", true),
            (b"1,,adult,1990-01", 1, b"a", false),
            (b"1,123456789,adult", 1, b"123456789", true),
            // Fewer cells: the cell is empty, as `nth_cell` reads it.
            (b"1", 2, b"", true),
            (b"1", 2, b"x", false),
        ] {
            assert_eq!(is_cell(record, k, true, &Id::new(cell)), matched, "{record:?} {k}");
            assert_eq!(is_cell(record, k, true, &Id::new(cell)), nth_cell(record, k, true).as_ref() == cell);
        }
        assert!(is_cell(b"1,\"a,b\",x", 1, false, &Id::new(b"a,b")));
    }

    #[test]
    fn tables_in_group_order_are_told_apart() {
        let ordered = |groups: &str, persons: &str| {
            let (mut g, mut p) = (Source::new(groups.as_bytes()), Source::new(persons.as_bytes()));
            in_group_order(&mut g, &mut p, 0, 1).unwrap()
        };
        let groups = "1,x\n\"2\",y\r\n3,z\n";
        assert!(ordered(groups, "a,1\nb,1\nc,\"2\"\r\n\nd,3\n"));
        // Apart, out of order, a group without members, a person of no group.
        assert!(!ordered(groups, "a,1\nc,2\nb,1\nd,3\n"));
        assert!(!ordered(groups, "c,2\na,1\nd,3\n"));
        assert!(!ordered(groups, "a,1\nd,3\n"));
        assert!(!ordered(groups, "a,1\nc,2\nd,3\ne,4\n"));
        assert!(ordered("", ""));
    }

    #[test]
    fn a_record_longer_than_a_read_is_read_whole() {
        let long = "x".repeat(3 * READ);
        let text = format!("{long},1\nb,2\n");
        let got = records(text.as_bytes());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1.len(), long.len() + 2);
        assert_eq!(got[1], (2, "b,2".into()));
    }
}
