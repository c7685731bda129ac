//! Batch simulation of populations: CSV or JSON Lines in, JSON Lines out, one report per
//! row. Rows are read and simulated in chunks spread over all cores (rayon), written in
//! input order, so memory stays bounded and output is deterministic. A malformed row is
//! reported with its line number and skipped (or stops the run, when strict).

use super::decision::Report;
use super::engine;
use super::profile::{self, Act, Person, Profile, ProfileEvent, Statement};
use super::scalar::parse_scalar;
use crate::date::Date;
use crate::model::{EventId, Model, ServiceId, Type, Value};
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

/// Rows simulated together; bounds memory whatever the input size.
const CHUNK: usize = 8192;

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// Counts per service and outcome, over all rows.
#[derive(Default, Debug)]
pub struct Summary {
    pub rows: usize,
    pub malformed: usize,
    pub outcomes: BTreeMap<(String, String), usize>,
    pub stops: BTreeMap<String, usize>,
    /// Per service: the stops with months overpaid, the months, and their sum.
    pub overpaid: BTreeMap<String, (usize, i64, Decimal)>,
}

impl Summary {
    fn add(&mut self, report: &Report) {
        self.rows += 1;
        for d in &report.decisions {
            *self.outcomes.entry((d.service.clone(), d.outcome.to_string())).or_default() += 1;
        }
        for s in &report.stops {
            *self.stops.entry(s.service.clone()).or_default() += 1;
            if s.overpaid_months > 0 {
                let o = self.overpaid.entry(s.service.clone()).or_default();
                o.0 += 1;
                o.1 += s.overpaid_months;
                o.2 += s.overpaid_amount.as_deref().and_then(|a| a.parse().ok()).unwrap_or(Decimal::ZERO);
            }
        }
    }

    pub fn human(&self) -> String {
        let mut out = format!("{} rows simulated, {} malformed\n", self.rows, self.malformed);
        for ((service, outcome), n) in &self.outcomes {
            out.push_str(&format!("  {service}  {outcome}  {n}\n"));
        }
        for (service, n) in &self.stops {
            out.push_str(&format!("  {service}  stopped  {n}\n"));
        }
        for (service, (stops, months, amount)) in &self.overpaid {
            out.push_str(&format!(
                "  {service}  overpaid  {stops} recipients, {months} monthly payments, {amount:.2} rub\n"
            ));
        }
        out
    }
}

/// How a CSV column fills a profile.
enum Column {
    Id,
    ConsentGiven,
    OptOut,
    /// A fact of the person, and for a monthly fact the months the column gives.
    Fact(usize, Option<(i64, i64)>),
    EventDate(EventId),
    EventRecorded(EventId),
    EventField(EventId, usize),
    PeriodFrom,
    PeriodTo,
    /// A payment in progress of a service to the row's person: amount, since, months paid.
    Payment(ServiceId, PaymentPart),
}

/// A payment's cells as read so far: amount, since, months paid.
type PaymentCells = (Option<Decimal>, Option<Date>, Option<i64>);

#[derive(Clone, Copy)]
enum PaymentPart {
    Amount,
    Since,
    MonthsPaid,
}

/// Maps a CSV header to profile slots: `id`, a fact of the person, `event.date`,
/// `event.recorded`, `event.field`, `consent.given` / `consent.opt_out` (service names
/// separated by `;`), `period.from` / `period.to`, and a payment in progress to the person
/// as `payment.SERVICE.amount`, `.since` and `.months_paid`. A row is one person: its
/// events and payments bind every person role to them.
fn columns(model: &Model, header: &csv::StringRecord) -> Result<Vec<Column>, String> {
    header
        .iter()
        .map(|name| {
            match name {
                "id" => return Ok(Column::Id),
                "consent.given" => return Ok(Column::ConsentGiven),
                "consent.opt_out" | "consent.withdrawn" => return Ok(Column::OptOut),
                "period.from" => return Ok(Column::PeriodFrom),
                "period.to" => return Ok(Column::PeriodTo),
                _ => {}
            }
            if let Some(rest) = name.strip_prefix("payment.") {
                let (service, part) = rest.rsplit_once('.').unwrap_or((rest, ""));
                let s =
                    model.service(service).filter(|&s| model.services[s].is_periodic()).ok_or_else(|| {
                        format!("column `{name}`: `{service}` is not a periodic payment of the regulations")
                    })?;
                let part = match part {
                    "amount" => PaymentPart::Amount,
                    "since" => PaymentPart::Since,
                    "months_paid" => PaymentPart::MonthsPaid,
                    _ => {
                        return Err(format!(
                            "column `{name}`: a payment has `.amount`, `.since` and `.months_paid`"
                        ));
                    }
                };
                return Ok(Column::Payment(s, part));
            }
            let scalar = |ty: &Type| !matches!(ty, Type::List(_) | Type::Record(_) | Type::Entity(_));
            let person = model.person().map(|p| &model.entities[p]);
            // A monthly fact's column: `income.2025-01..2025-12`.
            if let Some((fact, _)) = name.split_once('.')
                && let Some(p) = person
                && p.fact(fact).is_some_and(|f| matches!(p.facts[f].ty, Type::Monthly(_)))
            {
                let (f, months) = super::scalar::fact_column(p, name)?;
                return Ok(Column::Fact(f, months));
            }
            let Some((owner, field)) = name.split_once('.') else {
                return match person.and_then(|p| Some((p, p.fact(name)?))) {
                    Some((p, f)) if matches!(p.facts[f].ty, Type::Monthly(_)) => {
                        super::scalar::fact_column(p, name).map(|(f, m)| Column::Fact(f, m))
                    }
                    Some((p, f)) if scalar(&p.facts[f].ty) => Ok(Column::Fact(f, None)),
                    Some(_) => Err(format!(
                        "column `{name}`: lists and records do not fit a CSV cell; use JSON Lines"
                    )),
                    None => {
                        let facts = person.iter().flat_map(|p| p.facts.iter().map(|f| f.name.as_str()));
                        let hint = crate::check::symbols::suggest(name, facts).map_or_else(
                            || "name a fact of the person, `event.field` or `id`".to_string(),
                            |s| format!("did you mean `{s}`?"),
                        );
                        Err(format!("column `{name}`: the person has no fact `{name}`; {hint}"))
                    }
                };
            };
            if let Some(e) = model.event(owner) {
                return match field {
                    "date" => Ok(Column::EventDate(e)),
                    "recorded" => Ok(Column::EventRecorded(e)),
                    _ => match model.events[e].fields.iter().position(|f| f.name.text == field) {
                        Some(f) if scalar(&model.events[e].fields[f].ty) => Ok(Column::EventField(e, f)),
                        Some(_) => Err(format!(
                            "column `{name}`: lists and records do not fit a CSV cell; use JSON Lines"
                        )),
                        None => Err(format!("column `{name}`: event `{owner}` has no field `{field}`")),
                    },
                };
            }
            Err(format!("column `{name}`: no registry or event `{owner}`"))
        })
        .collect()
}

fn csv_profile(
    model: &Model,
    columns: &[Column],
    record: &csv::StringRecord,
    row: usize,
) -> Result<Profile, String> {
    let mut person = Person { id: row.to_string(), ..Person::default() };
    let mut events: BTreeMap<EventId, ProfileEvent> = BTreeMap::new();
    let event = |e: EventId, events: &mut BTreeMap<EventId, ProfileEvent>| {
        events.entry(e).or_insert_with(|| ProfileEvent {
            event: e,
            date: Date::from_day_number(0),
            recorded: None,
            roles: model.events[e]
                .roles
                .iter()
                .map(|r| if model.entities[r.entity].group { Vec::new() } else { vec![Value::Person(0)] })
                .collect(),
            data: vec![None; model.events[e].fields.len()],
        });
    };
    let mut dated: Vec<EventId> = Vec::new();
    let (mut from, mut to) = (None, None);
    let mut payments: BTreeMap<ServiceId, PaymentCells> = BTreeMap::new();
    for (column, cell) in columns.iter().zip(record.iter()) {
        if cell.is_empty() {
            continue; // unknown
        }
        let date =
            |what: &str| Date::parse(cell).ok_or_else(|| format!("`{cell}` is not a date for `{what}`"));
        match column {
            Column::Id => person.id = cell.to_string(),
            Column::ConsentGiven | Column::OptOut => {
                for name in cell.split(';').map(str::trim).filter(|n| !n.is_empty()) {
                    let s = model
                        .service(name)
                        .ok_or_else(|| format!("unknown service `{name}` in a consent column"))?;
                    // Undated: in force for every event of the row.
                    let act = if matches!(column, Column::ConsentGiven) { Act::Given } else { Act::OptOut };
                    person.consent.push(Statement { date: None, act, services: Some(vec![s]) });
                }
            }
            Column::Fact(f, months) => {
                let entity = &model.entities[model.person().expect("a person entity")];
                super::scalar::put_cell(model, entity, &mut person.facts, (*f, *months), cell)?;
            }
            Column::EventDate(e) => {
                event(*e, &mut events);
                events.get_mut(e).expect("event").date = date("date")?;
                dated.push(*e);
            }
            Column::EventRecorded(e) => {
                event(*e, &mut events);
                events.get_mut(e).expect("event").recorded = Some(date("recorded")?);
            }
            Column::EventField(e, f) => {
                event(*e, &mut events);
                let field = &model.events[*e].fields[*f];
                let v = parse_scalar(&field.ty, cell, model)
                    .map_err(|err| format!("{}.{}: {err}", model.events[*e].name.text, field.name.text))?;
                events.get_mut(e).expect("event").data[*f] = Some(v);
            }
            Column::PeriodFrom => from = Some(date("period.from")?),
            Column::PeriodTo => to = Some(date("period.to")?),
            Column::Payment(s, part) => {
                let p = payments.entry(*s).or_default();
                match part {
                    PaymentPart::Amount => match parse_scalar(&Type::Money, cell, model) {
                        Ok(Value::Money(d)) => p.0 = Some(d),
                        _ => return Err(format!("`{cell}` is not an amount for a payment")),
                    },
                    PaymentPart::Since => p.1 = Some(date("since")?),
                    PaymentPart::MonthsPaid => {
                        p.2 = Some(
                            cell.parse()
                                .ok()
                                .filter(|n| (0..=2400).contains(n))
                                .ok_or_else(|| format!("`{cell}` is not a number of months paid"))?,
                        )
                    }
                }
            }
        }
    }
    let payments = payments
        .into_iter()
        .map(|(s, p)| {
            let name = &model.services[s].name.text;
            let (Some(amount), Some(since), Some(months_paid)) = p else {
                return Err(format!("payment `{name}` needs `.amount`, `.since` and `.months_paid`"));
            };
            let roles = model.services[s]
                .roles
                .iter()
                .map(|r| (!model.entities[r.entity].group).then_some(Value::Person(0)))
                .collect();
            Ok(profile::Payment { service: s, roles, amount, since, months_paid })
        })
        .collect::<Result<Vec<_>, String>>()?;
    // An event happened only if its date is given.
    let events = events.into_iter().filter(|(e, _)| dated.contains(e)).map(|(_, ev)| ev).collect();
    Ok(Profile {
        id: person.id.clone(),
        persons: vec![person],
        groups: Vec::new(),
        applications: Vec::new(),
        requests: Vec::new(),
        events,
        payments,
        from,
        to,
    })
}

/// Where the rows come from.
pub enum Input<R: BufRead> {
    JsonLines(R),
    Csv(R),
}

/// How a batch is simulated.
#[derive(Clone, Copy)]
pub struct Options {
    pub as_of: Date,
    pub explain: bool,
    /// Stop at the first malformed row.
    pub strict: bool,
}

/// Why a batch stopped before its end.
#[derive(Debug)]
pub enum Failed {
    /// The first malformed row, when strict (reported already).
    Row(RowError),
    /// The input could not be read.
    Read(std::io::Error),
    /// The output could not be written (a closed pipe, a full disk).
    Write(std::io::Error),
}

/// Simulates every row and writes one JSON report per line to `out`. Returns the summary,
/// or why it stopped: everything before is written. A malformed row, a line that is not
/// UTF-8 among them, is reported with its number and left out.
pub fn run<R: BufRead + Send, W: Write>(
    model: &Model,
    input: Input<R>,
    options: Options,
    out: &mut W,
    errors: &mut dyn FnMut(&RowError),
    progress: &dyn Fn(usize),
) -> Result<Summary, Failed> {
    let mut summary = Summary::default();
    let mut flush =
        |rows: Vec<(usize, Result<Profile, String>)>, summary: &mut Summary| -> Result<(), Failed> {
            let results: Vec<(usize, Result<String, String>, Option<Report>)> = rows
                .into_par_iter()
                .map(|(line, p)| match p {
                    Ok(p) => {
                        let r = engine::simulate(model, &p, options.as_of, options.explain);
                        let json = serde_json::to_string(&r).expect("reports serialize");
                        (line, Ok(json), Some(r))
                    }
                    Err(e) => (line, Err(e), None),
                })
                .collect();
            for (line, result, report) in results {
                match result {
                    Ok(json) => {
                        writeln!(out, "{json}").map_err(Failed::Write)?;
                        summary.add(&report.expect("a report"));
                    }
                    Err(message) => {
                        summary.malformed += 1;
                        let error = RowError { line, message };
                        errors(&error);
                        if options.strict {
                            return Err(Failed::Row(error));
                        }
                    }
                }
            }
            progress(summary.rows + summary.malformed);
            Ok(())
        };
    match input {
        Input::JsonLines(reader) => {
            let mut chunk = Vec::with_capacity(CHUNK);
            for (i, line) in reader.split(b'\n').enumerate() {
                let line = line.map_err(Failed::Read)?;
                let line = line.strip_suffix(b"\r").unwrap_or(&line);
                let line =
                    if i == 0 { line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line) } else { line };
                let parsed = match std::str::from_utf8(line) {
                    Ok(text) if text.trim().is_empty() => continue,
                    Ok(text) => profile::read_one(model, text)
                        .map_err(|e| format!("column {}: {}", e.column, e.message)),
                    Err(e) => Err(format!("not UTF-8 text (byte {} of the line)", e.valid_up_to() + 1)),
                };
                chunk.push((i + 1, parsed));
                if chunk.len() == CHUNK {
                    flush(std::mem::take(&mut chunk), &mut summary)?;
                }
            }
            flush(chunk, &mut summary)?;
        }
        Input::Csv(reader) => {
            let mut csv = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
            let header = csv.headers().cloned().map_err(|e| e.to_string());
            let columns = match header.and_then(|h| columns(model, &h)) {
                Ok(c) => c,
                Err(message) => {
                    let error = RowError { line: 1, message };
                    errors(&error);
                    return Err(Failed::Row(error));
                }
            };
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut record = csv::StringRecord::new();
            loop {
                let line = csv.position().line() as usize;
                match csv.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => chunk.push((line, csv_profile(model, &columns, &record, line))),
                    Err(e) => chunk.push((line, Err(e.to_string()))),
                }
                if chunk.len() == CHUNK {
                    flush(std::mem::take(&mut chunk), &mut summary)?;
                }
            }
            flush(chunk, &mut summary)?;
        }
    }
    Ok(summary)
}
