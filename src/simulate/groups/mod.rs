//! Populations of groups: a table of groups (households, families …) and a table of their
//! members, read together, one group at a time, and a service decided for each group.
//! When the members of each group stand together in the persons table, in the order of
//! the groups table, both files stream: memory holds a chunk of groups, whatever the size
//! of the population; otherwise the persons table is held whole, indexed by group. Chunks
//! are decided over all cores and written in input order.

mod columns;

use super::batch::{Failed, RowError};
use super::columnar::Program;
use super::engine::{Request, decide_alone};
use super::profile::{Facts, Group, Person, Profile};
use super::scalar::{fact_column, put_cell};
use crate::date::Date;
use crate::model::{EntityId, Local, Model, ServiceId, Value};
use rayon::prelude::*;
use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

/// Groups decided together; bounds memory whatever the population.
const CHUNK: usize = 4096;
/// Groups in one columnar batch: long loops, columns in cache.
const PART: usize = 256;

/// The column names that say which person is which, and where.
pub struct Keys {
    /// The groups table's id column.
    pub group_id: String,
    /// The persons table's id, group and role columns.
    pub person_id: String,
    pub person_group: String,
    pub role: String,
}

/// What a population run decides and writes: a service, for every group, on a date.
pub struct Population<'a> {
    pub service: ServiceId,
    pub keys: &'a Keys,
    /// The output columns.
    pub columns: &'a [String],
    pub as_of: Date,
    /// Hold the persons table whole (any row order) rather than stream it.
    pub whole: bool,
    /// Decide groups in columns where the service compiles to them (otherwise, and for
    /// explanations, one at a time through the interpreter).
    pub columnar: bool,
}

/// What one output column holds.
enum Out {
    GroupId,
    Outcome,
    Local(Local),
}

/// How the two tables map onto the model.
struct Layout {
    entity: EntityId,
    group_id: usize,
    /// Column → fact of the group (and the months of a monthly fact's column).
    group_facts: Vec<(usize, FactColumn)>,
    person_id: usize,
    person_group: usize,
    role: usize,
    person_facts: Vec<(usize, FactColumn)>,
}

/// What a population run did.
#[derive(Default, Debug)]
pub struct Summary {
    pub groups: usize,
    pub malformed: usize,
    /// Groups decided in columns.
    pub columnar: usize,
    /// Time spent reading the tables, deciding and writing. Reading the next chunk overlaps
    /// deciding the current one, so on several cores the three add up to more than the run.
    pub read: Duration,
    pub compute: Duration,
    pub write: Duration,
}

fn position(header: &csv::StringRecord, name: &str, file: &str) -> Result<usize, String> {
    header.iter().position(|h| h == name).ok_or_else(|| format!("{file}: no column `{name}` in the header"))
}

/// A column's fact, and for a monthly fact the months it gives.
type FactColumn = (usize, Option<(i64, i64)>);

/// Maps the headers: the key columns, then every other column to a fact of its name.
fn layout(
    model: &Model,
    entity: EntityId,
    groups: &csv::StringRecord,
    persons: &csv::StringRecord,
    keys: &Keys,
) -> Result<Layout, String> {
    let group_id = position(groups, &keys.group_id, "groups")?;
    let person_id = position(persons, &keys.person_id, "persons")?;
    let person_group = position(persons, &keys.person_group, "persons")?;
    let role = position(persons, &keys.role, "persons")?;
    let facts = |header: &csv::StringRecord, e: EntityId, skip: &[usize], file: &str| {
        let entity = &model.entities[e];
        header
            .iter()
            .enumerate()
            .filter(|(i, _)| !skip.contains(i))
            .map(|(i, name)| match fact_column(entity, name) {
                Ok(target) => Ok((i, target)),
                Err(e) if entity.fact(name.split('.').next().unwrap_or(name)).is_some() => {
                    Err(format!("{file}: {e}"))
                }
                Err(_) => {
                    let names = entity.facts.iter().map(|f| f.name.as_str());
                    let hint = crate::check::symbols::suggest(name, names)
                        .map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
                    Err(format!("{file}: column `{name}`: `{}` has no fact `{name}`{hint}", entity.name.text))
                }
            })
            .collect::<Result<Vec<_>, String>>()
    };
    let person = model.person().ok_or("the regulation set declares no `person`")?;
    Ok(Layout {
        entity,
        group_id,
        group_facts: facts(groups, entity, &[group_id], "groups")?,
        person_id,
        person_group,
        role,
        person_facts: facts(persons, person, &[person_id, person_group, role], "persons")?,
    })
}

/// The output columns: `id` or the groups table's id column (the group's id), `outcome`,
/// or a criterion, derived fact or output of the service.
fn outputs(model: &Model, service: ServiceId, names: &[String], id: &str) -> Result<Vec<Out>, String> {
    let s = &model.services[service];
    names
        .iter()
        .map(|name| {
            let local = s
                .outputs
                .iter()
                .position(|o| o.name.text == *name)
                .map(Local::Output)
                .or_else(|| s.derived.iter().position(|d| d.name.text == *name).map(Local::Derived))
                .or_else(|| s.criteria.iter().position(|c| c.name.text == *name).map(Local::Criterion));
            match (name.as_str(), local) {
                (_, Some(l)) => Ok(Out::Local(l)),
                (n, None) if n == "id" || n == id => Ok(Out::GroupId),
                ("outcome", None) => Ok(Out::Outcome),
                _ => Err(format!(
                    "column `{name}`: `{}` has no criterion, derived fact or output of that name (or write `id`, `outcome`)",
                    s.name.text
                )),
            }
        })
        .collect()
}

/// A decided group: its output line, and its decision tree when asked for.
type Row = (String, Option<String>);

/// A group's line (from the groups table) and what deciding it gave.
type Decided = (u64, Result<Row, String>);

/// A group's decision explained: what `--explain` writes, one JSON line per group.
#[derive(serde::Serialize)]
struct Explained<'d> {
    line: u64,
    group: &'d str,
    service: &'d str,
    outcome: &'d str,
    explain: &'d [super::explain::Check],
}

/// One group as read: its line, its row and its members' rows (turned into a profile by a
/// worker), or why it could not be read.
type Read = (u64, Result<(csv::StringRecord, Vec<(u64, csv::StringRecord)>), String>);

/// Person rows by group id.
type Index = foldhash::HashMap<String, Vec<(u64, csv::StringRecord)>>;

/// Reads the next group and its members from both tables.
struct Reader<G: BufRead, P: BufRead> {
    /// Where the group id is in a groups row, and the group in a persons row.
    group_id: usize,
    person_group: usize,
    groups: csv::Reader<G>,
    persons: csv::Reader<P>,
    /// The next person row, read ahead: the first of the next group.
    ahead: Option<(u64, csv::StringRecord)>,
    /// Every person row by group, when the table is held whole (any row order).
    index: Option<Index>,
    /// Records of decided chunks, read into again, and their lists of members: no
    /// allocation per row.
    pool: Vec<csv::StringRecord>,
    lists: Vec<Vec<(u64, csv::StringRecord)>>,
}

impl<G: BufRead, P: BufRead> Reader<G, P> {
    /// Reads the whole persons table into an index by group.
    fn hold_whole(&mut self) -> Result<(), String> {
        let mut index: Index = Index::default();
        while let Some((line, p)) = self.next_person()? {
            let group = p.get(self.person_group).unwrap_or_default();
            // Most persons join a group already seen: no key is made for them.
            match index.get_mut(group) {
                Some(members) => members.push((line, p)),
                None => {
                    let group = group.to_string();
                    index.insert(group, vec![(line, p)]);
                }
            }
        }
        self.index = Some(index);
        Ok(())
    }

    fn record(&mut self) -> csv::StringRecord {
        self.pool.pop().unwrap_or_else(|| csv::StringRecord::with_capacity(64, 8))
    }

    /// Keeps a decided chunk's records for the chunks to come.
    fn recycle(&mut self, chunk: Vec<Read>) {
        for (_, rows) in chunk {
            if let Ok((record, mut members)) = rows {
                self.pool.push(record);
                self.pool.extend(members.drain(..).map(|(_, m)| m));
                self.lists.push(members);
            }
        }
    }

    fn next_person(&mut self) -> Result<Option<(u64, csv::StringRecord)>, String> {
        let line = self.persons.position().line();
        let mut record = self.record();
        match self.persons.read_record(&mut record) {
            Ok(true) => Ok(Some((line, record))),
            Ok(false) => Ok(None),
            Err(e) => Err(format!("persons:{line}: {e}")),
        }
    }

    fn next(&mut self) -> Option<Read> {
        let line = self.groups.position().line();
        let mut record = self.record();
        match self.groups.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => return Some((line, Err(format!("groups:{line}: {e}")))),
        }
        let id = record.get(self.group_id).unwrap_or_default();
        if let Some(index) = &mut self.index {
            let members = index.remove(id).unwrap_or_default();
            return Some((line, Ok((record, members))));
        }
        // The members: the person rows of this group, which stand together.
        let mut members = self.lists.pop().unwrap_or_else(|| Vec::with_capacity(8));
        loop {
            if self.ahead.is_none() {
                match self.next_person() {
                    Ok(p) => self.ahead = p,
                    Err(e) => return Some((line, Err(e))),
                }
            }
            match &self.ahead {
                Some((_, p)) if p.get(self.person_group) == Some(id) => {
                    members.push(self.ahead.take().expect("a person"));
                }
                _ => break,
            }
        }
        Some((line, Ok((record, members))))
    }
}

/// Turns a group's rows into a profile.
struct Builder<'m> {
    model: &'m Model,
    layout: Layout,
    /// Whether the persons table is held whole (any order) rather than streamed.
    whole: bool,
}

impl Builder<'_> {
    fn profile(
        &self,
        line: u64,
        record: &csv::StringRecord,
        members: &[(u64, csv::StringRecord)],
    ) -> Result<Profile, String> {
        let id = record.get(self.layout.group_id).unwrap_or_default();
        let m = self.model;
        let l = &self.layout;
        let entity = &m.entities[l.entity];
        if members.is_empty() {
            let order = if self.whole {
                ""
            } else {
                " (the persons of each group stand together, in the order of the groups table)"
            };
            return Err(format!("groups:{line}: `{id}` has no members in the persons table{order}"));
        }
        let mut facts = Facts::default();
        for &(c, target) in &l.group_facts {
            put_cell(m, entity, &mut facts, target, record.get(c).unwrap_or_default())
                .map_err(|e| format!("groups:{line}: {e}"))?;
        }
        let person = m.person().expect("a person entity");
        let mut persons = Vec::with_capacity(members.len());
        let mut roles = Vec::with_capacity(members.len());
        for (line, p) in members {
            let at = |e: String| format!("persons:{line}: {e}");
            let role = p.get(l.role).unwrap_or_default();
            let r = entity.role(role).ok_or_else(|| {
                let names: Vec<&str> = entity.roles.iter().map(|r| r.name.as_str()).collect();
                at(format!("`{role}` is not a role of `{}` ({})", entity.name.text, names.join(", ")))
            })?;
            let mut values = Facts::default();
            for &(c, target) in &l.person_facts {
                put_cell(m, &m.entities[person], &mut values, target, p.get(c).unwrap_or_default())
                    .map_err(at)?;
            }
            let index = persons.len() as u32;
            persons.push(Person {
                id: p.get(l.person_id).unwrap_or_default().to_string(),
                facts: values,
                groups: vec![(l.entity, 0)],
                ..Person::default()
            });
            roles.push((index, r));
        }
        for (r, role) in entity.roles.iter().enumerate() {
            let n = roles.iter().filter(|(_, x)| *x == r).count();
            if n < role.min as usize || role.max.is_some_and(|max| n > max as usize) {
                return Err(format!(
                    "groups:{line}: `{id}`: role `{}` of `{}` holds {}, and {n} are given",
                    role.name.text,
                    entity.name.text,
                    role.cardinality()
                ));
            }
        }
        let group = Group { id: id.to_string(), entity: l.entity, facts, members: roles };
        Ok(Profile {
            id: id.to_string(),
            persons,
            groups: vec![group],
            applications: Vec::new(),
            requests: Vec::new(),
            events: Vec::new(),
            payments: Vec::new(),
            from: None,
            to: None,
        })
    }
}

/// A cell as CSV writes it: quoted when it holds a separator, a quote or a line end.
fn quoted(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Decides the service for every group of the tables and writes one CSV row per group.
/// With `whole`, the persons table is held in memory by group, so its rows may come in any
/// order; otherwise both tables stream, the members of each group together in group order.
pub fn run<G: BufRead + Send, P: BufRead + Send, W: Write>(
    model: &Model,
    run: &Population,
    groups: G,
    persons: P,
    out: &mut W,
    mut explain: Option<&mut dyn Write>,
    errors: &mut dyn FnMut(&RowError),
) -> Result<Summary, Failed> {
    let Population { service, keys, columns, as_of, whole, columnar } = *run;
    let s = &model.services[service];
    let setup_error = |message: String| RowError { line: 1, message };
    let subject = s.subject.map(|i| s.roles[i].entity).filter(|&e| model.entities[e].group);
    let Some(entity) = subject else {
        let e = setup_error(format!(
            "`{}` is not decided for a group: give its cases in one table (`--in`)",
            s.name.text
        ));
        errors(&e);
        return Err(Failed::Row(e));
    };
    let mut groups = csv::ReaderBuilder::new().flexible(false).from_reader(groups);
    let mut persons = csv::ReaderBuilder::new().flexible(false).from_reader(persons);
    let headers = groups.headers().cloned().map_err(|e| format!("groups: {e}"));
    let mapped = headers.and_then(|g| {
        let p = persons.headers().cloned().map_err(|e| format!("persons: {e}"))?;
        Ok((layout(model, entity, &g, &p, keys)?, outputs(model, service, columns, &keys.group_id)?))
    });
    let (layout, outs) = match mapped {
        Ok(x) => x,
        Err(message) => {
            let e = setup_error(message);
            errors(&e);
            return Err(Failed::Row(e));
        }
    };
    writeln!(out, "{}", columns.join(",")).map_err(Failed::Write)?;
    let (group_id, person_group) = (layout.group_id, layout.person_group);
    let mut reader = Reader {
        group_id,
        person_group,
        groups,
        persons,
        ahead: None,
        index: None,
        pool: Vec::new(),
        lists: Vec::new(),
    };
    let holding = Instant::now();
    if whole && let Err(message) = reader.hold_whole() {
        let e = RowError { line: 1, message };
        errors(&e);
        return Err(Failed::Row(e));
    }
    let builder = Builder { model, layout, whole };
    let mut summary = Summary { read: holding.elapsed(), ..Summary::default() };
    let subject = s.subject.expect("a subject");
    let locals: Vec<Local> =
        outs.iter().filter_map(|o| if let Out::Local(l) = o { Some(*l) } else { None }).collect();
    let explaining = explain.is_some();
    // What each check reads, found once for every group explained.
    let explainer = explaining.then(|| super::explain::Explainer::new(model, s));
    // One group through the interpreter: what explains, and what the columns cannot take.
    let one = |(line, rows): &Read| -> Decided {
        let line = *line;
        let p = match rows
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|(record, members)| builder.profile(line, record, members))
        {
            Ok(p) => p,
            Err(e) => return (line, Err(e)),
        };
        let mut binding = vec![None; s.roles.len()];
        binding[subject] = Some(Value::Group(0));
        let request = Request {
            service,
            date: as_of,
            binding,
            event: None,
            route: super::decision::Route::Application,
            trigger: None,
        };
        let (decision, values) = decide_alone(model, &p, &request, &locals, explainer.as_ref());
        let tree = explaining.then(|| {
            let explained = Explained {
                line,
                group: &p.id,
                service: &s.name.text,
                outcome: decision.outcome.as_str(),
                explain: &decision.explain,
            };
            serde_json::to_string(&explained).expect("a tree serialises")
        });
        let outcome = decision.outcome.as_str();
        let mut values = values.into_iter();
        let cells: Vec<String> = outs
            .iter()
            .map(|o| match o {
                Out::GroupId => quoted(&p.id),
                Out::Outcome => outcome.to_string(),
                Out::Local(_) => {
                    values.next().flatten().map_or_else(String::new, |v| quoted(&model.show(&v)))
                }
            })
            .collect();
        (line, Ok((cells.join(","), tree)))
    };
    // Without explanations, groups are decided in columns where the program compiles.
    let columns = (columnar && !explaining)
        .then(|| Program::compile(model, s, as_of, &locals))
        .flatten()
        .and_then(|program| columns::Columns::new(model, program, &builder.layout, &outs, &locals));
    // The next chunk is read while the current one is decided: reading is serial.
    let read_chunk = |reader: &mut Reader<G, P>| {
        let start = Instant::now();
        let chunk: Vec<Read> = std::iter::from_fn(|| reader.next()).take(CHUNK).collect();
        (chunk, start.elapsed())
    };
    let (mut next, took) = read_chunk(&mut reader);
    summary.read += took;
    loop {
        let chunk = std::mem::take(&mut next);
        if chunk.is_empty() {
            break;
        }
        let decide_chunk = || -> (Vec<Decided>, usize, Duration) {
            let start = Instant::now();
            let (rows, n) = match &columns {
                Some(c) => {
                    let parts: Vec<_> = chunk
                        .par_chunks(PART)
                        .map_init(|| None, |batch, part| c.decide(batch, &builder.layout, part, &one))
                        .collect();
                    let n = parts.iter().map(|(_, n)| n).sum();
                    (parts.into_iter().flat_map(|(rows, _)| rows).collect(), n)
                }
                None => (chunk.par_iter().map(one).collect(), 0),
            };
            (rows, n, start.elapsed())
        };
        let ((rows, in_columns, computing), (read, reading)) =
            rayon::join(decide_chunk, || read_chunk(&mut reader));
        next = read;
        summary.read += reading;
        summary.compute += computing;
        reader.recycle(chunk);
        summary.columnar += in_columns;
        let writing = Instant::now();
        for (line, row) in rows {
            match row {
                Ok((text, tree)) => {
                    summary.groups += 1;
                    out.write_all(text.as_bytes())
                        .and_then(|()| out.write_all(b"\n"))
                        .map_err(Failed::Write)?;
                    if let (Some(w), Some(tree)) = (explain.as_mut(), tree) {
                        writeln!(w, "{tree}").map_err(Failed::Write)?;
                    }
                }
                Err(message) => {
                    summary.malformed += 1;
                    errors(&RowError { line: line as usize, message });
                }
            }
        }
        summary.write += writing.elapsed();
    }
    // Persons left over belong to no group read, or stand apart from their group.
    let left = reader.index.as_mut().and_then(|index| {
        let (group, rows) = index.iter_mut().min_by_key(|(_, rows)| rows.first().map(|r| r.0))?;
        let (line, _) = rows.first()?;
        Some((*line, group.clone()))
    });
    if let Some((line, group)) = left {
        let e = RowError {
            line: line as usize,
            message: format!("persons:{line}: a member of `{group}`, which the groups table does not have"),
        };
        errors(&e);
        return Err(Failed::Row(e));
    }
    if let Some((line, p)) = reader.ahead.take() {
        let group = p.get(person_group).unwrap_or_default().to_string();
        let e = RowError {
            line: line as usize,
            message: format!(
                "persons:{line}: a member of `{group}`, which is not the group at this place of the groups table (the persons of each group stand together, in the order of the groups table)"
            ),
        };
        errors(&e);
        return Err(Failed::Row(e));
    }
    Ok(summary)
}
