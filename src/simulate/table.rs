//! One service evaluated over a table: each CSV row gives the service's inputs by column
//! name; each output column is a criterion, a derived fact or an output of the service, or
//! an input column copied as it is. For populations where every row is one decision.

use super::eval::{Frame, round_kopecks};
use super::model::{Model, Service, parse_scalar};
use super::value::Value;
use crate::date::Date;
use std::io::Write;

enum OutColumn {
    /// An input column, copied byte for byte.
    Copy(usize),
    Criterion(usize),
    Derived(usize),
    Output(usize),
}

pub struct Table<'m> {
    model: &'m Model,
    service: &'m Service,
    /// For each service input, the CSV column holding it.
    inputs: Vec<Option<usize>>,
    columns: Vec<(String, OutColumn)>,
}

/// Rows read from the CSV: raw cells and parsed inputs.
pub struct Rows {
    pub records: Vec<csv::ByteRecord>,
    pub inputs: Vec<Vec<Option<Value>>>,
}

impl<'m> Table<'m> {
    /// Maps the CSV header and the wanted output columns onto the service.
    pub fn new(
        model: &'m Model,
        service: usize,
        header: &csv::ByteRecord,
        wanted: &[String],
    ) -> Result<Self, String> {
        let service = &model.services[service];
        let names: Vec<&str> = header.iter().map(|h| std::str::from_utf8(h).unwrap_or("")).collect();
        let inputs = service.inputs.iter().map(|i| names.iter().position(|n| *n == i.name)).collect();
        let columns = wanted
            .iter()
            .map(|w| {
                let column = if let Some(i) = service.criteria.iter().position(|c| c.name == *w) {
                    OutColumn::Criterion(i)
                } else if let Some(i) = service.outputs.iter().position(|o| o.name == *w && o.value.is_some()) {
                    OutColumn::Output(i)
                } else if let Some(i) = service.derived.iter().position(|d| d.0 == *w) {
                    OutColumn::Derived(i)
                } else if let Some(i) = names.iter().position(|n| n == w) {
                    OutColumn::Copy(i)
                } else {
                    return Err(format!(
                        "column `{w}` is neither a criterion, derived fact or computed output of `{}` nor an input column",
                        service.name
                    ));
                };
                Ok((w.clone(), column))
            })
            .collect::<Result<_, _>>()?;
        Ok(Table { model, service, inputs, columns })
    }

    /// Parses one row's inputs; an empty cell is unknown.
    pub fn parse(&self, record: &csv::ByteRecord, line: u64) -> Result<Vec<Option<Value>>, String> {
        self.inputs
            .iter()
            .zip(&self.service.inputs)
            .map(|(column, input)| {
                let Some(c) = column else { return Ok(None) };
                let cell = record.get(*c).unwrap_or(b"");
                if cell.is_empty() {
                    return Ok(None);
                }
                let text = std::str::from_utf8(cell)
                    .map_err(|_| format!("line {line}: `{}` is not UTF-8", input.name))?;
                parse_scalar(&input.ty, text, self.model)
                    .map(Some)
                    .map_err(|e| format!("line {line}: {}: {e}", input.name))
            })
            .collect()
    }

    /// Evaluates one row and appends its output line.
    pub fn evaluate(&self, record: &csv::ByteRecord, inputs: &[Option<Value>], on: Date, out: &mut Vec<u8>) {
        let mut frame = Frame::new(self.model, Some(self.service), inputs, &[], on);
        for (k, (_, column)) in self.columns.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            let value = match column {
                OutColumn::Copy(c) => {
                    out.extend_from_slice(record.get(*c).unwrap_or(b""));
                    continue;
                }
                OutColumn::Criterion(i) => frame.criterion(*i).map(Value::Bool),
                OutColumn::Derived(i) => frame.derived(*i),
                OutColumn::Output(i) => frame.output(*i),
            };
            if let Some(v) = value {
                self.write_value(out, &v);
            }
        }
        out.push(b'\n');
    }

    /// Writes a value as the report shows it, without building a string first.
    fn write_value(&self, out: &mut Vec<u8>, v: &Value) {
        match v {
            Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Money(d) => {
                // Kopecks, rounded half up, as an integer: no decimal formatting needed.
                let r = round_kopecks(*d);
                let kopecks = r.mantissa() * 10i128.pow(2u32.saturating_sub(r.scale()));
                let sign = if kopecks < 0 { "-" } else { "" };
                let k = kopecks.unsigned_abs();
                let _ = write!(out, "{sign}{}.{:02}", k / 100, k % 100);
            }
            other => {
                let _ = write!(out, "{}", self.model.show(other));
            }
        }
    }

    pub fn header(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(n, _)| n.as_str()).collect();
        format!("{}\n", names.join(","))
    }
}
