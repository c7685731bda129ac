//! One service evaluated over a table: each CSV row gives the service's inputs by column
//! name; each output column is a criterion, a derived fact or an output of the service, or
//! an input column copied as it is. For populations where every row is one decision.
//!
//! Rows are evaluated in batches by the columnar evaluator; a row it cannot take (or a
//! service it cannot compile) goes through the interpreter, which is also what evaluates
//! one case on its own.

pub mod blocks;
pub mod cells;
mod plain;
pub mod sheet;
pub mod write;

use super::columnar::{Batch, Kind, Program, Reg, Shape, input_kind};
use super::eval::Frame;
use super::explain::Explainer;
use super::scalar::parse_scalar;
use crate::date::Date;
use crate::model::{Local, Model, Service, ServiceId, Value};
use cells::{Cell, Cells};
use sheet::Sheet;
use std::time::{Duration, Instant};

/// Rows evaluated together: enough to make each step a long loop, few enough that the
/// batch's columns stay in cache.
const BATCH: usize = 512;

enum OutColumn {
    /// An input column, copied byte for byte.
    Copy(usize),
    /// A criterion, derived fact or output, with its place among the program's targets.
    Value(Local, usize),
}

pub struct Table<'m> {
    model: &'m Model,
    service: &'m Service,
    on: Date,
    /// The number of header columns every row must have.
    width: usize,
    /// For each service input, the CSV column holding it.
    inputs: Vec<Option<usize>>,
    /// How the one-pass reader takes each CSV column.
    plan: Vec<Plan>,
    columns: Vec<(String, OutColumn)>,
    program: Option<Program>,
    /// What each output cell is, for writing lines from a batch.
    puts: Vec<Put>,
    explainer: Explainer,
}

/// How the one-pass reader takes a CSV column: the form it parses in place, the byte that
/// ends the cell, and, when the column holds a service input, the input, its column type
/// if columns hold it and the register (with its shape) the program reads it from.
#[derive(Clone, Copy)]
struct Plan {
    form: Form,
    end: u8,
    input: Option<usize>,
    kind: Option<Kind>,
    slot: Option<(Reg, Shape)>,
}

#[derive(Clone, Copy)]
enum Form {
    Int,
    Money,
    Bool,
    Other,
}

/// An output cell written from a batch: an input cell copied, a truth value, or a value
/// formatted into the sheet's column of slots `k`.
#[derive(Clone, Copy)]
enum Put {
    Copy(usize),
    Truth(Reg),
    Text(Reg, Kind, usize),
}

/// A row that could not be read: its line and what is wrong.
pub type RowError = (u64, String);

/// Time spent in each phase, summed over the workers.
#[derive(Default, Clone, Copy)]
pub struct Times {
    pub parse: Duration,
    pub compute: Duration,
    pub format: Duration,
    /// Rows of batches that the interpreter evaluated instead.
    pub redone: usize,
    /// Rows whose lines were written (a copied cell may hold a line end).
    pub rows: usize,
}

impl std::ops::AddAssign for Times {
    fn add_assign(&mut self, o: Times) {
        self.parse += o.parse;
        self.compute += o.compute;
        self.format += o.format;
        self.redone += o.redone;
        self.rows += o.rows;
    }
}

/// One worker's reusable buffers.
pub struct Work {
    records: Vec<csv::ByteRecord>,
    spans: Vec<(usize, usize)>,
    batch: Option<Batch>,
    sheet: Sheet,
}

impl<'m> Table<'m> {
    /// Maps the CSV header and the wanted output columns onto the service, and compiles
    /// them for decisions on `on`.
    pub fn new(
        model: &'m Model,
        service: ServiceId,
        header: &csv::ByteRecord,
        wanted: &[String],
        on: Date,
    ) -> Result<Self, String> {
        let service = &model.services[service];
        let names: Vec<&str> = header.iter().map(|h| std::str::from_utf8(h).unwrap_or("")).collect();
        let inputs: Vec<Option<usize>> =
            service.inputs.iter().map(|i| names.iter().position(|n| *n == i.name.text)).collect();
        let mut targets = Vec::new();
        let columns: Vec<(String, OutColumn)> = wanted
            .iter()
            .map(|w| {
                let target = if let Some(i) = service.criteria.iter().position(|c| c.name.text == *w) {
                    Local::Criterion(i)
                } else if let Some(i) =
                    service.outputs.iter().position(|o| o.name.text == *w && o.value.is_some())
                {
                    Local::Output(i)
                } else if let Some(i) = service.derived.iter().position(|d| d.name.text == *w) {
                    Local::Derived(i)
                } else if let Some(i) = names.iter().position(|n| n == w) {
                    return Ok((w.clone(), OutColumn::Copy(i)));
                } else {
                    return Err(format!(
                        "column `{w}` is neither a criterion, derived fact or computed output of `{}` nor an input column",
                        service.name
                    ));
                };
                targets.push(target);
                Ok((w.clone(), OutColumn::Value(target, targets.len() - 1)))
            })
            .collect::<Result<_, _>>()?;
        // One row is one decision here: rules that read facts of groups or members are
        // the interpreter's.
        // (Decimal facts are facts of persons and groups: none here.)
        let no_facts = std::collections::HashMap::new();
        let program = Program::compile(model, service, on, &targets, &no_facts).filter(|p| !p.reads_groups());
        let mut plan =
            vec![Plan { form: Form::Other, end: b',', input: None, kind: None, slot: None }; names.len()];
        if let Some(last) = plan.last_mut() {
            last.end = b'\n';
        }
        for (i, column) in inputs.iter().enumerate() {
            if let Some(c) = *column {
                let kind = input_kind(&service.inputs[i].ty);
                plan[c].form = match kind {
                    Some(Kind::Int | Kind::Term(_)) => Form::Int,
                    Some(Kind::Money) => Form::Money,
                    Some(Kind::Bool) => Form::Bool,
                    _ => Form::Other,
                };
                plan[c].input = Some(i);
                plan[c].kind = kind;
                plan[c].slot = program.as_ref().and_then(|p| p.inputs[i].map(|(reg, _)| (reg, p.shape(reg))));
            }
        }
        let mut puts = Vec::new();
        if let Some(p) = &program {
            let mut texts = 0;
            for (_, c) in &columns {
                puts.push(match *c {
                    OutColumn::Copy(i) => Put::Copy(i),
                    OutColumn::Value(_, t) => match p.targets[t] {
                        (reg, Kind::Bool) => Put::Truth(reg),
                        (reg, kind) => {
                            texts += 1;
                            Put::Text(reg, kind, texts - 1)
                        }
                    },
                });
            }
        }
        let explainer = Explainer::new(model, service);
        Ok(Table { model, service, on, width: names.len(), inputs, plan, columns, program, puts, explainer })
    }

    /// The same table evaluated by the interpreter alone (the reference the columnar
    /// evaluator is tested against).
    pub fn interpreted(mut self) -> Self {
        self.program = None;
        self.puts.clear();
        self
    }

    /// The service's inputs that no column of the header holds: unknown in every row.
    pub fn missing_inputs(&self) -> Vec<&str> {
        let names = self.service.inputs.iter().map(|i| i.name.as_str());
        names.zip(&self.inputs).filter(|(_, c)| c.is_none()).map(|(n, _)| n).collect()
    }

    /// Whether rows are evaluated by the columnar evaluator.
    pub fn columnar(&self) -> bool {
        self.program.is_some()
    }

    pub fn header(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(n, _)| n.as_str()).collect();
        format!("{}\n", names.join(","))
    }

    pub fn work(&self) -> Work {
        Work {
            records: Vec::new(),
            spans: Vec::new(),
            batch: self.program.as_ref().map(|p| Batch::new(p, BATCH)),
            sheet: Sheet::new(self.puts.iter().filter(|p| matches!(p, Put::Text(..))).count(), BATCH),
        }
    }

    /// Evaluates the rows of `bytes` (whole CSV records without the header, the first on
    /// line `line`) and appends their output lines; a row that cannot be read is skipped
    /// and reported. Bytes without quotes or carriage returns are cut into cells in place;
    /// others go through the csv reader.
    pub fn evaluate_slice(
        &self,
        bytes: &[u8],
        line: u64,
        work: &mut Work,
        out: &mut Vec<u8>,
        errors: &mut Vec<RowError>,
    ) -> Times {
        let mut times = Times::default();
        if memchr::memchr2(b'"', b'\r', bytes).is_some() {
            self.evaluate_csv(bytes, line, work, out, errors, &mut times);
            return times;
        }
        self.evaluate_plain(bytes, line, work, out, errors, &mut times);
        times
    }

    /// The general path: cells as the csv reader finds them.
    fn evaluate_csv(
        &self,
        bytes: &[u8],
        line: u64,
        work: &mut Work,
        out: &mut Vec<u8>,
        errors: &mut Vec<RowError>,
        times: &mut Times,
    ) {
        let mut reader = cells::reader(bytes);
        loop {
            let t = Instant::now();
            let mut len = 0;
            let mut done = false;
            while len < BATCH {
                if len == work.records.len() {
                    work.records.push(csv::ByteRecord::new());
                }
                match reader.read_byte_record(&mut work.records[len]) {
                    Ok(true) => {}
                    Ok(false) => {
                        done = true;
                        break;
                    }
                    Err(e) => {
                        let at = e.position().map_or(line, |p| line + p.line() - 1);
                        errors.push((at, e.to_string()));
                        done = true;
                        break;
                    }
                }
                let record = &work.records[len];
                if cells::blank(record) {
                    continue;
                }
                let at = line + record.position().map_or(1, |p| p.line()) - 1;
                match self.load_row(record, work.batch.as_mut(), len) {
                    Ok(()) => len += 1,
                    Err(e) => errors.push((at, e)),
                }
            }
            times.parse += t.elapsed();
            self.finish(&work.records[..len], work.batch.as_mut(), &mut work.sheet, out, times);
            if done {
                return;
            }
        }
    }

    /// Checks a row's cells (as many as the header's, each of its type), and loads them
    /// into the batch when there is one.
    pub(super) fn load_row(
        &self,
        row: &impl Cells,
        batch: Option<&mut Batch>,
        at: usize,
    ) -> Result<(), String> {
        match batch {
            Some(batch) if row.count() == self.width => self.load(row, batch, at),
            _ => self.read_row(row).map(|_| ()),
        }
    }

    /// Evaluates loaded rows and writes their lines.
    pub(super) fn finish(
        &self,
        rows: &[impl Cells],
        batch: Option<&mut Batch>,
        sheet: &mut Sheet,
        out: &mut Vec<u8>,
        times: &mut Times,
    ) {
        times.rows += rows.len();
        match batch {
            Some(batch) => {
                let t = Instant::now();
                batch.len = rows.len();
                batch.run(self.program.as_ref().expect("a batch comes with its program"));
                times.compute += t.elapsed();
                let t = Instant::now();
                times.redone += self.write_batch(rows, batch, sheet, out);
                times.format += t.elapsed();
            }
            None => {
                let t = Instant::now();
                for row in rows {
                    let inputs = self.parse(row).expect("parsed before");
                    self.evaluate(row, &inputs, out);
                }
                times.compute += t.elapsed();
            }
        }
    }

    /// Parses one row's inputs into row `row` of the batch's input columns.
    fn load(&self, record: &impl Cells, batch: &mut Batch, row: usize) -> Result<(), String> {
        let program = self.program.as_ref().expect("a batch comes with its program");
        batch.redo[row] = false;
        for (i, input) in self.service.inputs.iter().enumerate() {
            let column = program.inputs[i];
            let cell = self.inputs[i].map_or(&b""[..], |c| record.cell(c));
            let (num, den) = if cell.is_empty() {
                (0, 0)
            } else {
                match cells::parse(cell, &input.ty, input_kind(&input.ty), self.model)
                    .map_err(|e| format!("{}: {e}", input.name))?
                {
                    Cell::Column(n, d) => (n, d),
                    Cell::Redo => {
                        batch.redo[row] |= column.is_some();
                        (0, 0)
                    }
                }
            };
            if let Some((reg, _)) = column {
                batch.set(reg, row, num, den);
            }
        }
        Ok(())
    }

    /// Checks a row's cell count and parses its inputs for the interpreter.
    pub fn read_row(&self, record: &impl Cells) -> Result<Vec<Option<Value>>, String> {
        if record.count() != self.width {
            return Err(format!("{} fields, but the header has {}", record.count(), self.width));
        }
        self.parse(record)
    }

    /// Parses one row's inputs for the interpreter; an empty cell is unknown.
    pub fn parse(&self, record: &impl Cells) -> Result<Vec<Option<Value>>, String> {
        self.inputs
            .iter()
            .zip(&self.service.inputs)
            .map(|(column, input)| {
                let Some(c) = column else { return Ok(None) };
                let cell = record.cell(*c);
                if cell.is_empty() {
                    return Ok(None);
                }
                let text = std::str::from_utf8(cell).map_err(|_| format!("{}: is not UTF-8", input.name))?;
                parse_scalar(&input.ty, text, self.model)
                    .map(Some)
                    .map_err(|e| format!("{}: {e}", input.name))
            })
            .collect()
    }

    /// Evaluates one row with the interpreter and appends its output line.
    pub fn evaluate(&self, record: &impl Cells, inputs: &[Option<Value>], out: &mut Vec<u8>) {
        let mut frame = Frame::new(self.model, Some(self.service), inputs, &[], self.on);
        self.write_values(&mut frame, record, out);
    }

    /// `evaluate`, and the row's decision tree as one JSON line: its line in the file, and
    /// every criterion and refusal ground with the values it read and its result.
    pub fn evaluate_explained(
        &self,
        record: &impl Cells,
        inputs: &[Option<Value>],
        line: u64,
        out: &mut Vec<u8>,
        explained: &mut Vec<u8>,
    ) {
        let mut frame = Frame::new(self.model, Some(self.service), inputs, &[], self.on);
        self.write_values(&mut frame, record, out);
        self.explainer.write_json(self.model, self.service, &mut frame, line, explained);
    }

    fn write_values(&self, frame: &mut Frame, record: &impl Cells, out: &mut Vec<u8>) {
        for (k, (_, column)) in self.columns.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            match column {
                OutColumn::Copy(c) => write::push_cell(out, record.cell(*c)),
                OutColumn::Value(local, _) => {
                    if let Some(v) = frame.local(*local) {
                        write::value(self.model, out, &v);
                    }
                }
            }
        }
        out.push(b'\n');
    }
}
