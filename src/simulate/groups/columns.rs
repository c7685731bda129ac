//! Groups decided in columns: a part of a chunk laid out as one batch (the groups' rows,
//! their members' rows in runs), the service's program run once over it, each group's
//! line written from the columns. A group the batch cannot hold (a cell or a role it
//! cannot read, members outside the roles' bounds) or whose values only the interpreter
//! gets exactly is decided by the interpreter, which also reports what is wrong with it.

use super::read::{self, Chunk, Cutter};
use super::{FactColumn, Interpreter, Layout, Out, Part, Work};
use crate::model::{EntityId, FactRef, Local, Model, Type};
use crate::simulate::columnar::{Batch, FactInput, Kind, Level, Program, Reg, Shape, num};
use crate::simulate::scalar::parse_scalar;
use crate::simulate::table::cells::{self, Cell, Cells};
use crate::simulate::table::sheet::{SLOT, Slots};
use crate::simulate::table::write;
use std::collections::HashMap;
use std::ops::Range;
use std::time::{Duration, Instant};

/// The program and where its facts are in the two tables.
pub struct Columns<'m> {
    pub model: &'m Model,
    pub program: Program,
    /// For each fact the program reads: its level, its column (if the table has one).
    facts: Vec<Option<usize>>,
    /// For each output column, the program's target (for a local).
    targets: Vec<Option<usize>>,
    /// How the one-pass reader takes each column of a persons and of a groups record.
    person_plan: Vec<Take>,
    group_plan: Vec<Take>,
    /// The types of the facts no rule here reads, whose cells are only checked.
    checked: Vec<Type>,
    /// The kind of group.
    entity: EntityId,
}

/// What the one-pass reader does with a column of a record: by the form it parses in
/// place (an amount or decimal, a whole number, a truth value, a date; anything else
/// through the general parser), one choice per cell.
#[derive(Clone, Copy, PartialEq)]
enum Take {
    Skip,
    Role,
    /// An id, or a text fact no rule here reads: checked to be text, as the interpreter
    /// reads it.
    Text,
    /// A fact no rule here reads: checked to be of its type (the `checked` one of this
    /// index), as the interpreter reads every cell.
    Check(usize),
    Amount(Put),
    Whole(Put),
    Truth(Put),
    Day(Put),
    Other(Put),
}

/// Where a fact's cell goes: the program's fact of this index, its register and shape.
#[derive(Clone, Copy, PartialEq)]
struct Put {
    fact: usize,
    reg: Reg,
    shape: Shape,
}

impl<'m> Columns<'m> {
    /// The columnar plan, when the service compiles to a program of groups that needs no
    /// service inputs.
    pub fn new(
        model: &'m Model,
        program: Program,
        layout: &Layout,
        outs: &[Out],
        locals: &[Local],
    ) -> Option<Self> {
        program.inputs.iter().all(Option::is_none).then_some(())?;
        // A table with a column by month is the interpreter's (it checks that no month is
        // given twice).
        let monthly = |c: &[(usize, FactColumn)]| c.iter().any(|(_, (_, months))| months.is_some());
        (!monthly(&layout.person_facts) && !monthly(&layout.group_facts)).then_some(())?;
        let facts = program
            .facts
            .iter()
            .map(|f| {
                let columns =
                    if f.level == Level::Person { &layout.person_facts } else { &layout.group_facts };
                let entity = if f.level == Level::Person { model.person()? } else { layout.entity };
                (f.fact.entity == entity).then_some(())?;
                // A monthly fact's columns are the interpreter's.
                Some(
                    columns
                        .iter()
                        .find(|(_, (fact, months))| *fact == f.fact.fact && months.is_none())
                        .map(|c| c.0),
                )
            })
            .collect::<Option<Vec<_>>>()?;
        let mut targets = Vec::with_capacity(outs.len());
        let mut next = 0;
        for o in outs {
            match o {
                Out::Local(l) => {
                    (locals.get(next) == Some(l)).then_some(())?;
                    targets.push(Some(next));
                    next += 1;
                }
                Out::GroupId => targets.push(None),
                Out::Outcome => return None,
            }
        }
        let mut checked = Vec::new();
        let mut plan = |width: usize, level: Level, role: Option<usize>, id: usize| {
            let mut plan = vec![Take::Skip; width];
            plan[id] = Take::Text;
            if let Some(r) = role {
                plan[r] = Take::Role;
            }
            let (columns, entity) = match level {
                Level::Person => (&layout.person_facts, model.person().expect("members are persons")),
                _ => (&layout.group_facts, layout.entity),
            };
            for &(c, (fact, _)) in columns {
                let ty = &model.entities[entity].facts[fact].ty;
                plan[c] = if *ty == Type::Text { Take::Text } else { Take::Check(checked.len()) };
                checked.push(ty.clone());
            }
            for (i, (f, column)) in program.facts.iter().zip(&facts).enumerate() {
                if let Some(c) = *column
                    && (f.level == Level::Person) == (level == Level::Person)
                {
                    let put = Put { fact: i, reg: f.reg, shape: program.shape(f.reg) };
                    plan[c] = match f.kind {
                        // Amounts parse in place as kopecks: a decimal column of another
                        // fixed denominator takes its cells through the general parser.
                        Kind::Decimal if !matches!(put.shape, Shape::Fixed(100) | Shape::Dynamic) => {
                            Take::Other(put)
                        }
                        Kind::Money | Kind::Decimal => Take::Amount(put),
                        Kind::Int | Kind::Term(_) => Take::Whole(put),
                        Kind::Bool => Take::Truth(put),
                        Kind::Date => Take::Day(put),
                        Kind::Enum(_) => Take::Other(put),
                    };
                }
            }
            plan
        };
        let person_plan = plan(layout.person_width, Level::Person, Some(layout.role), layout.person_id);
        let group_plan = plan(layout.group_width, Level::Group, None, layout.group_id);
        Some(Columns {
            model,
            program,
            facts,
            targets,
            person_plan,
            group_plan,
            checked,
            entity: layout.entity,
        })
    }

    /// Decides groups `range` of a chunk into `part`; the interpreter decides the groups
    /// the columns cannot take.
    pub fn decide(
        &self,
        work: &mut Work,
        layout: &Layout,
        chunk: &Chunk,
        range: Range<usize>,
        interpreter: &Interpreter,
        part: &mut Part,
    ) {
        let p = &self.program;
        let started = Instant::now();
        // A worker's batch serves its parts one after another.
        let batch = work.batch.get_or_insert_with(|| Batch::new(p, range.len()));
        batch.groups(p, range.clone().map(|g| chunk.members(g).len() as u32));
        let fallback: Vec<bool> = range
            .clone()
            .map(|g| !self.fill(batch, layout, &mut work.member, chunk, g, g - range.start))
            .collect();
        let filled = Instant::now();
        part.read += filled - started;
        batch.run(p);
        let ran = Instant::now();
        part.compute += ran - filled;
        let mut fallback: Vec<bool> = fallback.iter().zip(&batch.redo).map(|(f, r)| *f || *r).collect();
        work.slots.format(self.model, batch, &p.targets, &mut fallback);
        let mut aside = Duration::ZERO;
        // The part's lines are assembled in the worker's buffer and appended at once (or
        // before a line written otherwise, to keep the order).
        let width = self.targets.len() * (SLOT + 1);
        if work.lines.len() < range.len() * width {
            work.lines.resize(range.len() * width, 0);
        }
        let mut pos = 0;
        for g in range.clone() {
            let i = g - range.start;
            if !fallback[i] {
                part.columnar += 1;
                part.decided += 1;
                match self.assemble(&work.slots, chunk, g, i, &mut work.lines[pos..pos + width]) {
                    Some(len) => pos += len,
                    None => {
                        part.out.extend_from_slice(&work.lines[..std::mem::take(&mut pos)]);
                        self.write_cells(&work.slots, layout, chunk, g, i, &mut part.out);
                    }
                }
                continue;
            }
            part.out.extend_from_slice(&work.lines[..std::mem::take(&mut pos)]);
            // The interpreter counts its own phases.
            let t = Instant::now();
            interpreter.one(chunk, g, &mut work.group, part);
            aside += t.elapsed();
        }
        part.out.extend_from_slice(&work.lines[..pos]);
        part.write += ran.elapsed() - aside;
    }

    /// Puts group `g` of the chunk (group `i` of the batch) into the batch; `false` when
    /// only the interpreter can take the group (or say what is wrong with it).
    fn fill(
        &self,
        batch: &mut Batch,
        layout: &Layout,
        cutter: &mut Cutter,
        chunk: &Chunk,
        g: usize,
        i: usize,
    ) -> bool {
        let entity = &self.model.entities[layout.entity];
        let members = chunk.members(g);
        if members.len() == 0 {
            return false;
        }
        // Members in each role, for the roles' bounds (a group of many roles: the
        // interpreter's).
        let mut counts = [0u32; 8];
        if entity.roles.len() > counts.len() {
            return false;
        }
        let facts = || self.program.facts.iter().zip(&self.facts);
        // Facts no column gives are unknown (or their default) in every row.
        for (f, _) in facts().filter(|(_, c)| c.is_none()) {
            let rows = if f.level == Level::Person { batch.members(i) } else { i..i + 1 };
            for row in rows {
                self.put(batch, f, row, b"");
            }
        }
        // One pass over the members, each record read once: its role, then its facts.
        for (row, (_, record)) in batch.members(i).zip(members) {
            if chunk.plain
                && let Some(Some(r)) = self.fast(&self.person_plan, record, batch, row)
            {
                counts[r] += 1;
                if let Some(reg) = self.program.roles {
                    batch.set(reg, row, r as i64, 1);
                }
                continue;
            }
            let cells = cutter.cut(record, chunk.plain);
            if cells.count() != layout.person_width || !self.all_readable(&self.person_plan, &cells) {
                return false;
            }
            let role = cells.cell(layout.role);
            let Some(r) = entity.roles.iter().position(|r| r.name.text.as_bytes() == role) else {
                return false;
            };
            counts[r] += 1;
            if let Some(reg) = self.program.roles {
                batch.set(reg, row, r as i64, 1);
            }
            for (f, column) in facts().filter(|(f, _)| f.level == Level::Person) {
                if let Some(c) = column
                    && !self.put(batch, f, row, cells.cell(*c))
                {
                    return false;
                }
            }
        }
        let bounds = entity
            .roles
            .iter()
            .zip(&counts)
            .all(|(role, &n)| n >= role.min && role.max.is_none_or(|max| n <= max));
        if !bounds {
            return false;
        }
        let record = chunk.group(g).1;
        if chunk.plain && self.fast(&self.group_plan, record, batch, i).is_some() {
            return true;
        }
        let cells = cutter.cut(record, chunk.plain);
        cells.count() == layout.group_width
            && self.all_readable(&self.group_plan, &cells)
            && facts()
                .filter(|(f, c)| f.level != Level::Person && c.is_some())
                .all(|(f, c)| self.put(batch, f, i, c.map_or(&b""[..], |c| cells.cell(c))))
    }

    /// Reads a plain record into row `row` in one pass, each number parsed where it
    /// stands: the member's role, if the plan reads one; `None` when the record needs the
    /// general path (a cell of another form, or not as many cells as the header).
    #[inline(always)]
    fn fast(&self, plan: &[Take], record: &[u8], batch: &mut Batch, row: usize) -> Option<Option<usize>> {
        let entity = &self.model.entities[self.entity];
        let mut p = 0;
        let mut role = None;
        let end_of_cell = |p: &mut usize| *p = read::next_comma(record, *p);
        for (c, take) in plan.iter().enumerate() {
            if c > 0 {
                (record.get(p) == Some(&b',')).then_some(())?;
                p += 1;
            }
            let start = p;
            let (put, parsed) = match *take {
                Take::Skip => {
                    end_of_cell(&mut p);
                    continue;
                }
                Take::Text => {
                    let ascii;
                    (p, ascii) = read::next_comma_ascii(record, p);
                    (ascii || std::str::from_utf8(&record[start..p]).is_ok()).then_some(())?;
                    continue;
                }
                Take::Check(_) => {
                    end_of_cell(&mut p);
                    self.readable(take, &record[start..p]).then_some(())?;
                    continue;
                }
                Take::Amount(put) => (put, cells::kopecks(record, &mut p)),
                Take::Whole(put) => (put, cells::integer(record, &mut p)),
                Take::Truth(put) => (put, cells::boolean(record, &mut p)),
                Take::Day(put) => (put, record.get(p..p + 10).and_then(cells::date).inspect(|_| p += 10)),
                Take::Other(put) => (put, None),
                Take::Role => {
                    end_of_cell(&mut p);
                    let name = &record[start..p];
                    // Role names are short: compared byte by byte, without a call.
                    let same = |r: &[u8]| {
                        r.len() == name.len() && r.iter().zip(name).fold(true, |same, (a, b)| same & (a == b))
                    };
                    role = Some(entity.roles.iter().position(|r| same(r.name.text.as_bytes()))?);
                    continue;
                }
            };
            let (n, d) = match parsed {
                Some(v) if p == record.len() || record[p] == b',' => v,
                _ => {
                    p = start;
                    end_of_cell(&mut p);
                    let f = &self.program.facts[put.fact];
                    let (n, d) = match &record[start..p] {
                        [] => f.default.map_or((0, 0), |(n, d, _)| (n, d)),
                        cell => {
                            match cells::parse(cell, &self.model.fact(f.fact).ty, Some(f.kind), self.model) {
                                Ok(Cell::Column(n, d)) => (n, d),
                                _ => return None,
                            }
                        }
                    };
                    shaped(put.shape, n, d)?
                }
            };
            batch.set_shaped(put.reg, put.shape, row, n, d);
        }
        (p == record.len()).then_some(role)
    }

    /// Whether the interpreter reads a cell of a column the rules do not read: an id as
    /// text, a fact's cell as a value of its type. The common forms are checked in place.
    fn readable(&self, take: &Take, cell: &[u8]) -> bool {
        let ty = match *take {
            Take::Text => return cell.is_ascii() || std::str::from_utf8(cell).is_ok(),
            Take::Check(k) => &self.checked[k],
            _ => return true,
        };
        let whole = |parse: cells::InPlace| {
            let mut p = 0;
            parse(cell, &mut p).is_some() && p == cell.len()
        };
        let fast = match ty {
            _ if cell.is_empty() => true,
            Type::Money | Type::Decimal => whole(cells::kopecks),
            Type::Int | Type::Term(_) => whole(cells::integer),
            Type::Date => cells::date(cell).is_some(),
            Type::Text => return cell.is_ascii() || std::str::from_utf8(cell).is_ok(),
            _ => false,
        };
        fast || std::str::from_utf8(cell).is_ok_and(|text| parse_scalar(ty, text, self.model).is_ok())
    }

    /// Whether every checked cell of a record cut in cells is readable.
    fn all_readable(&self, plan: &[Take], cells: &impl Cells) -> bool {
        plan.iter().enumerate().all(|(c, take)| self.readable(take, cells.cell(c)))
    }

    /// Puts one cell of a fact into its row; `false` when only the interpreter can read it.
    fn put(&self, batch: &mut Batch, f: &FactInput, row: usize, cell: &[u8]) -> bool {
        let (n, d) = if cell.is_empty() {
            f.default.map_or((0, 0), |(n, d, _)| (n, d))
        } else {
            match cells::parse(cell, &self.model.fact(f.fact).ty, Some(f.kind), self.model) {
                Ok(Cell::Column(n, d)) => (n, d),
                _ => return false,
            }
        };
        let Some((n, d)) = shaped(self.program.shape(f.reg), n, d) else { return false };
        batch.set(f.reg, row, n, d);
        true
    }

    /// Assembles the line of group `g` of the chunk (group `i` of the batch) from the
    /// slots into `bytes` (room for a slot and a comma per column), a slot's width at a
    /// time; its length, or `None` when the group's id is not a plain cell no longer than a
    /// slot (`write_cells` writes the line).
    fn assemble(&self, slots: &Slots, chunk: &Chunk, g: usize, i: usize, bytes: &mut [u8]) -> Option<usize> {
        let id = chunk.plain_id(g);
        // Only a carriage return would need quotes in a plain cell.
        if !chunk.plain || id.len() > SLOT || self.targets.is_empty() || id.contains(&b'\r') {
            return None;
        }
        let mut pos = 0;
        for target in &self.targets {
            let slot: &mut [u8; SLOT] = (&mut bytes[pos..pos + SLOT]).try_into().expect("a slot");
            pos += match target {
                None => {
                    slot[..id.len()].copy_from_slice(id);
                    id.len()
                }
                Some(t) => slots.copy(*t, i, slot),
            };
            bytes[pos] = b',';
            pos += 1;
        }
        bytes[pos - 1] = b'\n';
        Some(pos)
    }

    /// A group's line, cell by cell.
    fn write_cells(
        &self,
        slots: &Slots,
        layout: &Layout,
        chunk: &Chunk,
        g: usize,
        i: usize,
        line: &mut Vec<u8>,
    ) {
        for (k, target) in self.targets.iter().enumerate() {
            if k > 0 {
                line.push(b',');
            }
            match target {
                None => {
                    // A plain cell has no comma, quote or line end: only a carriage return
                    // would need quotes.
                    match chunk.plain {
                        true if !chunk.plain_id(g).contains(&b'\r') => {
                            line.extend_from_slice(chunk.plain_id(g))
                        }
                        _ => write::push_cell(
                            line,
                            &read::nth_cell(chunk.group(g).1, layout.group_id, chunk.plain),
                        ),
                    }
                }
                Some(t) => line.extend_from_slice(slots.text(*t, i)),
            }
        }
        line.push(b'\n');
    }
}

/// A fact's value as a column of `shape` holds it: a decimal over a divisor of a fixed
/// denominator written over it; `None` when the column cannot (more decimal places than
/// the column's, or too large then).
#[inline(always)]
fn shaped(shape: Shape, n: i64, d: i64) -> Option<(i64, i64)> {
    match shape {
        Shape::Fixed(den) if d != den && d != 0 => {
            let n = (den % d == 0).then(|| n.checked_mul(den / d)).flatten()?;
            num::fits(n, den).then_some((n, den))
        }
        _ => Some((n, d)),
    }
}

/// The denominator each decimal fact of the tables is read at: `10^places` for the most
/// places its cells in `chunk` (the first read) or its default are written with, at least
/// two (as amounts are written), at most six; beyond, a denominator per row.
pub fn decimal_dens(model: &Model, layout: &Layout, chunk: &Chunk) -> HashMap<FactRef, i64> {
    let mut dens = HashMap::new();
    let groups: Vec<&[u8]> = (0..chunk.entries.len()).map(|g| chunk.group(g).1).collect();
    most_places(model, layout.entity, &layout.group_facts, &groups, chunk.plain, &mut dens);
    if let Some(person) = model.person() {
        let members: Vec<&[u8]> =
            (0..chunk.entries.len()).flat_map(|g| chunk.members(g).map(|(_, r)| r)).collect();
        most_places(model, person, &layout.person_facts, &members, chunk.plain, &mut dens);
    }
    dens
}

/// `decimal_dens` for the decimal facts of one table.
fn most_places(
    model: &Model,
    entity: EntityId,
    columns: &[(usize, FactColumn)],
    records: &[&[u8]],
    plain: bool,
    dens: &mut HashMap<FactRef, i64>,
) {
    let places = |cell: &[u8]| {
        let dot = cell.iter().position(|&b| b == b'.')?;
        let digits = &cell[dot + 1..];
        digits.iter().all(u8::is_ascii_digit).then_some(digits.len() as u32)
    };
    for &(c, (fact, _)) in columns {
        let declared = &model.entities[entity].facts[fact];
        if declared.ty != Type::Decimal {
            continue;
        }
        // The default an empty cell stands for is written over the column's denominator too.
        let default = match &declared.default {
            Some(crate::model::Value::Decimal(d)) => d.scale(),
            _ => 0,
        };
        let cells = records.iter().filter_map(|r| places(&read::nth_cell(r, c, plain)));
        let most = cells.max().unwrap_or(0).max(default);
        if most <= 6 {
            dens.insert(FactRef { entity, fact }, 10i64.pow(most.max(2)));
        }
    }
}
