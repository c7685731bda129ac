//! Groups decided in columns: a part of a chunk laid out as one batch (the groups' rows,
//! their members' rows in runs), the service's program run once over it, each group's
//! line written from the columns. A group the batch cannot hold (a cell or a role it
//! cannot read, members outside the roles' bounds) or whose values only the interpreter
//! gets exactly is decided by the interpreter, which also reports what is wrong with it.

use super::{Decided, Layout, Out, Read};
use crate::model::{Local, Model};
use crate::simulate::columnar::{Batch, FactInput, Level, Program};
use crate::simulate::table::cells::{self, Cell};
use crate::simulate::table::write;

/// The program and where its facts are in the two tables.
pub struct Columns<'m> {
    pub model: &'m Model,
    pub program: Program,
    /// For each fact the program reads: its level, its column (if the table has one).
    facts: Vec<Option<usize>>,
    /// For each output column, the program's target (for a local).
    targets: Vec<Option<usize>>,
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
        Some(Columns { model, program, facts, targets })
    }

    /// Decides a part of a chunk; `one` decides a group through the interpreter.
    pub fn decide(
        &self,
        batch: &mut Option<Batch>,
        layout: &Layout,
        part: &[Read],
        one: &(dyn Fn(&Read) -> Decided + Sync),
    ) -> (Vec<Decided>, usize) {
        let p = &self.program;
        // A worker's batch serves its parts one after another.
        let batch = batch.get_or_insert_with(|| Batch::new(p, part.len()));
        let sizes = part.iter().map(|(_, rows)| rows.as_ref().map_or(0, |(_, members)| members.len() as u32));
        batch.groups(p, sizes);
        let mut fallback: Vec<bool> = part.iter().map(|(_, rows)| rows.is_err()).collect();
        for (g, (_, rows)) in part.iter().enumerate() {
            let Ok((record, members)) = rows else { continue };
            if !self.fill(batch, layout, g, record, members) {
                fallback[g] = true;
            }
        }
        batch.run(p);
        let mut line = Vec::with_capacity(128);
        let mut columnar = 0;
        let rows = part
            .iter()
            .enumerate()
            .map(|(g, read)| {
                if !(fallback[g] || batch.redo[g]) && self.write(batch, layout, g, read, &mut line) {
                    columnar += 1;
                    // A copy of the line's size; the buffer stays for the next line.
                    let text = String::from_utf8(line.clone()).expect("written as UTF-8");
                    line.clear();
                    return (read.0, Ok((text, None)));
                }
                line.clear();
                one(read)
            })
            .collect();
        (rows, columnar)
    }

    /// Puts one group's cells into the batch; `false` when only the interpreter can take
    /// the group (or say what is wrong with it).
    fn fill(
        &self,
        batch: &mut Batch,
        layout: &Layout,
        g: usize,
        record: &csv::StringRecord,
        members: &[(u64, csv::StringRecord)],
    ) -> bool {
        let m = self.model;
        let entity = &m.entities[layout.entity];
        if members.is_empty() {
            return false;
        }
        let rows = batch.members(g);
        // Members in each role, for the roles' bounds (a group of many roles: the
        // interpreter's).
        let mut counts = [0u32; 8];
        if entity.roles.len() > counts.len() {
            return false;
        }
        // One pass over the members, each row read once while it is in cache: its role,
        // then its facts.
        let facts = || self.program.facts.iter().zip(&self.facts);
        for (row, (_, p)) in rows.zip(members) {
            let Some(r) = entity.role(p.get(layout.role).unwrap_or_default()) else { return false };
            counts[r] += 1;
            if let Some(reg) = self.program.roles {
                batch.set(reg, row, r as i64, 1);
            }
            for (f, column) in facts().filter(|(f, _)| f.level == Level::Person) {
                if !self.put(batch, f, row, cell(p, *column)) {
                    return false;
                }
            }
        }
        let bounds = entity
            .roles
            .iter()
            .zip(&counts)
            .all(|(role, &n)| n >= role.min && role.max.is_none_or(|max| n <= max));
        bounds
            && facts()
                .filter(|(f, _)| f.level != Level::Person)
                .all(|(f, c)| self.put(batch, f, g, cell(record, *c)))
    }

    /// Puts one cell of a fact into its row; `false` when only the interpreter can read it.
    fn put(&self, batch: &mut Batch, f: &FactInput, row: usize, text: &str) -> bool {
        let (n, d) = if text.is_empty() {
            f.default.map_or((0, 0), |(n, d, _)| (n, d))
        } else {
            match cells::parse(text.as_bytes(), &self.model.fact(f.fact).ty, Some(f.kind), self.model) {
                Ok(Cell::Column(n, d)) => (n, d),
                _ => return false,
            }
        };
        batch.set(f.reg, row, n, d);
        true
    }

    /// Writes one group's line; `false` when a value is only the interpreter's to write.
    fn write(&self, batch: &Batch, layout: &Layout, g: usize, read: &Read, line: &mut Vec<u8>) -> bool {
        let Ok((record, _)) = &read.1 else { return false };
        for (i, target) in self.targets.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            match target {
                None => write::push_cell(line, record.get(layout.group_id).unwrap_or_default().as_bytes()),
                Some(t) => {
                    let (reg, kind) = self.program.targets[*t];
                    let (n, d) = batch.get(reg, g);
                    if !write::column(self.model, line, kind, n, d) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

fn cell(record: &csv::StringRecord, column: Option<usize>) -> &str {
    column.and_then(|c| record.get(c)).unwrap_or_default()
}
