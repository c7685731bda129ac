//! Populations of groups: a table of groups (households, families …) and a table of their
//! members, read together as bytes (`read.rs`), and a service decided for each group.
//! When the members of each group stand together in the persons table, in the order of
//! the groups table, both files stream: memory holds a chunk of groups, whatever the size
//! of the population; otherwise the persons table is held whole, indexed by group. Chunks
//! are decided over all cores, in columns where the service compiles to them
//! (`columns.rs`), and written in input order.

mod columns;
mod read;

use super::batch::{Failed, RowError};
use super::columnar::{Batch, Program};
use super::engine::{Request, decide_alone};
use super::profile::{Facts, Group, Person, Profile};
use super::scalar::{fact_column, put_cell};
use super::table::cells::Cells;
use crate::date::Date;
use crate::model::{EntityId, Local, Model, ServiceId, Value};
use rayon::prelude::*;
use read::{Chunk, Cutter, Held, Reader, Source};
use std::io::{Read, Write};
use std::mem::take;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Groups decided together; bounds memory whatever the population.
const CHUNK: usize = 4096;
/// Groups in one columnar batch: long loops, columns in cache.
const PART: usize = 128;

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
    /// The cells of a groups and of a persons record.
    group_width: usize,
    person_width: usize,
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
    /// Time spent reading the tables (records cut, members matched, cells parsed into
    /// columns), deciding and writing, summed over the workers. Reading the next chunk
    /// overlaps deciding the current one, so on several cores the three add up to more than
    /// the run.
    pub read: Duration,
    pub compute: Duration,
    pub write: Duration,
}

fn position(header: &[String], name: &str, file: &str) -> Result<usize, String> {
    header.iter().position(|h| h == name).ok_or_else(|| format!("{file}: no column `{name}` in the header"))
}

/// A column's fact, and for a monthly fact the months it gives.
type FactColumn = (usize, Option<(i64, i64)>);

/// Maps the headers: the key columns, then every other column to a fact of its name.
fn layout(
    model: &Model,
    entity: EntityId,
    groups: &[String],
    persons: &[String],
    keys: &Keys,
) -> Result<Layout, String> {
    let group_id = position(groups, &keys.group_id, "groups")?;
    let person_id = position(persons, &keys.person_id, "persons")?;
    let person_group = position(persons, &keys.person_group, "persons")?;
    let role = position(persons, &keys.role, "persons")?;
    let facts = |header: &[String], e: EntityId, skip: &[usize], file: &str| {
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
        group_width: groups.len(),
        person_width: persons.len(),
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

/// What deciding a part of a chunk gave: its groups' lines (and decision trees), in
/// order, and the groups that could not be read.
#[derive(Default)]
struct Part {
    out: Vec<u8>,
    trees: Vec<u8>,
    errors: Vec<(u64, String)>,
    decided: usize,
    columnar: usize,
    read: Duration,
    compute: Duration,
    write: Duration,
}

/// A group's decision explained: what `--explain` writes, one JSON line per group.
#[derive(serde::Serialize)]
struct Explained<'d> {
    line: u64,
    group: &'d str,
    service: &'d str,
    outcome: &'d str,
    explain: &'d [super::explain::Check],
}

/// A worker's buffers, kept from part to part.
#[derive(Default)]
struct Work {
    batch: Option<Batch>,
    slots: super::table::sheet::Slots,
    /// A part's lines being assembled (see `Columns::decide`), zeroed once.
    lines: Vec<u8>,
    group: Cutter,
    member: Cutter,
}

/// A cell as text, or what is wrong with it.
fn text<'a>(cell: &'a [u8], what: &str) -> Result<&'a str, String> {
    std::str::from_utf8(cell).map_err(|_| format!("{what}: is not UTF-8"))
}

/// Turns a group's records into a profile.
struct Builder<'m> {
    model: &'m Model,
    layout: Layout,
    /// Whether the persons table is held whole (any order) rather than streamed.
    whole: bool,
}

impl Builder<'_> {
    fn profile(&self, chunk: &Chunk, g: usize, cutter: &mut Cutter) -> Result<Profile, String> {
        let m = self.model;
        let l = &self.layout;
        let entity = &m.entities[l.entity];
        let (line, record) = chunk.group(g);
        let at = |e: String| format!("groups:{line}: {e}");
        let cells = cutter.cut(record, chunk.plain);
        if cells.count() != l.group_width {
            return Err(at(format!("{} fields, but the header has {}", cells.count(), l.group_width)));
        }
        let id = text(cells.cell(l.group_id), "the id").map_err(at)?.to_string();
        if chunk.members(g).len() == 0 {
            let order = if self.whole {
                ""
            } else {
                " (the persons of each group stand together, in the order of the groups table)"
            };
            return Err(at(format!("`{id}` has no members in the persons table{order}")));
        }
        let mut facts = Facts::default();
        for &(c, target) in &l.group_facts {
            let cell = text(cells.cell(c), &entity.facts[target.0].name.text).map_err(at)?;
            put_cell(m, entity, &mut facts, target, cell).map_err(at)?;
        }
        let person = &m.entities[m.person().expect("a person entity")];
        let mut persons = Vec::with_capacity(chunk.members(g).len());
        let mut roles = Vec::with_capacity(persons.capacity());
        for (line, p) in chunk.members(g) {
            let at = |e: String| format!("persons:{line}: {e}");
            let cells = cutter.cut(p, chunk.plain);
            if cells.count() != l.person_width {
                return Err(at(format!("{} fields, but the header has {}", cells.count(), l.person_width)));
            }
            let role = text(cells.cell(l.role), "the role").map_err(at)?;
            let r = entity.role(role).ok_or_else(|| {
                let names: Vec<&str> = entity.roles.iter().map(|r| r.name.as_str()).collect();
                at(format!("`{role}` is not a role of `{}` ({})", entity.name.text, names.join(", ")))
            })?;
            let mut values = Facts::default();
            for &(c, target) in &l.person_facts {
                let cell = text(cells.cell(c), &person.facts[target.0].name.text).map_err(at)?;
                put_cell(m, person, &mut values, target, cell).map_err(at)?;
            }
            let index = persons.len() as u32;
            persons.push(Person {
                id: text(cells.cell(l.person_id), "the id").map_err(at)?.to_string(),
                facts: values,
                groups: vec![(l.entity, 0)],
                ..Person::default()
            });
            roles.push((index, r));
        }
        for (r, role) in entity.roles.iter().enumerate() {
            let n = roles.iter().filter(|(_, x)| *x == r).count();
            if n < role.min as usize || role.max.is_some_and(|max| n > max as usize) {
                return Err(at(format!(
                    "`{id}`: role `{}` of `{}` holds {}, and {n} are given",
                    role.name.text,
                    entity.name.text,
                    role.cardinality()
                )));
            }
        }
        let group = Group { id: id.clone(), entity: l.entity, facts, members: roles };
        Ok(Profile {
            id,
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

/// What decides a group through the interpreter: the explanations, and what the columns
/// cannot take.
struct Interpreter<'a> {
    builder: &'a Builder<'a>,
    service: ServiceId,
    as_of: Date,
    outs: &'a [Out],
    locals: &'a [Local],
    explainer: Option<&'a super::explain::Explainer>,
}

impl Interpreter<'_> {
    /// Decides group `g` of the chunk and appends its line (and tree) to the part.
    fn one(&self, chunk: &Chunk, g: usize, cutter: &mut Cutter, part: &mut Part) {
        let model = self.builder.model;
        let s = &model.services[self.service];
        let started = Instant::now();
        let profile = self.builder.profile(chunk, g, cutter);
        let read = started.elapsed();
        part.read += read;
        let p = match profile {
            Ok(p) => p,
            Err(e) => {
                part.errors.push((chunk.entries[g].line, e));
                return;
            }
        };
        let mut binding = vec![None; s.roles.len()];
        binding[s.subject.expect("a subject")] = Some(Value::Group(0));
        let request = Request {
            service: self.service,
            date: self.as_of,
            binding,
            event: None,
            route: super::decision::Route::Application,
            trigger: None,
        };
        let (decision, values) = decide_alone(model, &p, &request, self.locals, self.explainer);
        let decided = started.elapsed();
        part.compute += decided - read;
        if self.explainer.is_some() {
            let explained = Explained {
                line: chunk.entries[g].line,
                group: &p.id,
                service: &s.name.text,
                outcome: decision.outcome.as_str(),
                explain: &decision.explain,
            };
            serde_json::to_writer(&mut part.trees, &explained).expect("a tree serialises");
            part.trees.push(b'\n');
        }
        let mut values = values.into_iter();
        for (i, o) in self.outs.iter().enumerate() {
            if i > 0 {
                part.out.push(b',');
            }
            let cell = match o {
                Out::GroupId => quoted(&p.id),
                Out::Outcome => decision.outcome.as_str().to_string(),
                Out::Local(_) => {
                    values.next().flatten().map_or_else(String::new, |v| quoted(&model.show(&v)))
                }
            };
            part.out.extend_from_slice(cell.as_bytes());
        }
        part.out.push(b'\n');
        part.decided += 1;
        part.write += started.elapsed() - decided;
    }
}

/// Decides the service for every group of the tables and writes one CSV row per group.
/// With `whole`, the persons table is held in memory by group, so its rows may come in any
/// order; otherwise both tables stream, the members of each group together in group order.
pub fn run<G: Read + Send, P: Read + Send, W: Write + Send>(
    model: &Model,
    run: &Population,
    groups: G,
    persons: P,
    out: &mut W,
    mut explain: Option<&mut (dyn Write + Send)>,
    errors: &mut (dyn FnMut(&RowError) + Send),
) -> Result<Summary, Failed> {
    let Population { service, keys, columns, as_of, whole, columnar } = *run;
    let s = &model.services[service];
    let mut stop = |message: String| {
        let e = RowError { line: 1, message };
        errors(&e);
        Failed::Row(e)
    };
    let subject = s.subject.map(|i| s.roles[i].entity).filter(|&e| model.entities[e].group);
    let Some(entity) = subject else {
        return Err(stop(format!(
            "`{}` is not decided for a group: give its cases in one table (`--in`)",
            s.name.text
        )));
    };
    let started = Instant::now();
    let (mut groups, mut persons) = (Source::new(groups), Source::new(persons));
    let mapped = header(&mut groups, "groups").and_then(|g| Ok((g, header(&mut persons, "persons")?)));
    let (group_header, person_header) = match mapped {
        Ok(h) => h,
        Err(Failed::Row(e)) => return Err(stop(e.message)),
        Err(f) => return Err(f),
    };
    let mapped = layout(model, entity, &group_header, &person_header, keys)
        .and_then(|l| Ok((l, outputs(model, service, columns, &keys.group_id)?)));
    let (layout, outs) = mapped.map_err(&mut stop)?;
    writeln!(out, "{}", columns.join(",")).map_err(Failed::Write)?;
    let (group_id, person_group) = (layout.group_id, layout.person_group);
    let mut reader = Reader { groups, persons, group_id, person_group, held: None };
    if whole {
        reader.held = Some(Held::read(&mut reader.persons, person_group).map_err(Failed::Read)?);
    }
    let builder = Builder { model, layout, whole };
    let mut summary = Summary { read: started.elapsed(), ..Summary::default() };
    let locals: Vec<Local> =
        outs.iter().filter_map(|o| if let Out::Local(l) = o { Some(*l) } else { None }).collect();
    let explaining = explain.is_some();
    // What each check reads, found once for every group explained.
    let explainer = explaining.then(|| super::explain::Explainer::new(model, s));
    let interpreter = Interpreter {
        builder: &builder,
        service,
        as_of,
        outs: &outs,
        locals: &locals,
        explainer: explainer.as_ref(),
    };
    // The next chunk is read while the current one is decided: reading is serial.
    let read_chunk = |reader: &mut Reader<G, P>, chunk: &mut Chunk| {
        let start = Instant::now();
        reader.chunk(chunk, CHUNK).map(|()| start.elapsed())
    };
    // One worker's buffers per thread, and the parts' buffers, kept from chunk to chunk
    // (buffers allocated afresh for every chunk cost their pages again).
    let works: Vec<Mutex<Work>> = (0..rayon::current_num_threads()).map(|_| Mutex::default()).collect();
    let mut parts: Vec<Part> = Vec::new();
    let (mut current, mut next) = (Chunk::default(), Chunk::default());
    summary.read += read_chunk(&mut reader, &mut next).map_err(Failed::Read)?;
    // Without explanations, groups are decided in columns where the program compiles,
    // decimal facts at the places the first chunk writes them with.
    let columns = (columnar && !explaining)
        .then(|| {
            let dens = columns::decimal_dens(model, &builder.layout, &next);
            Program::compile(model, s, as_of, &locals, &dens)
        })
        .flatten()
        .and_then(|program| columns::Columns::new(model, program, &builder.layout, &outs, &locals));
    let decide_part = |work: &mut Work, chunk: &Chunk, from: usize, part: &mut Part| {
        let to = (from + PART).min(chunk.entries.len());
        // The part's buffers are the last chunk's, emptied.
        part.out.clear();
        part.trees.clear();
        part.errors.clear();
        let (out, trees, errors) = (take(&mut part.out), take(&mut part.trees), take(&mut part.errors));
        *part = Part { out, trees, errors, ..Part::default() };
        match &columns {
            Some(c) => c.decide(work, &builder.layout, chunk, from..to, &interpreter, part),
            None => (from..to).for_each(|g| interpreter.one(chunk, g, &mut work.group, part)),
        }
    };
    // A chunk's lines are written while the next chunk is decided: `done` holds the parts
    // decided last, `parts` those being decided.
    let mut done: Vec<Part> = Vec::new();
    let mut write = |parts: &mut [Part], summary: &mut Summary| -> Result<(), Failed> {
        let writing = Instant::now();
        for part in parts {
            summary.groups += part.decided;
            summary.columnar += part.columnar;
            summary.read += part.read;
            summary.compute += part.compute;
            summary.write += part.write;
            out.write_all(&part.out).map_err(Failed::Write)?;
            if let Some(w) = explain.as_mut() {
                w.write_all(&part.trees).map_err(Failed::Write)?;
            }
            for (line, message) in part.errors.drain(..) {
                summary.malformed += 1;
                errors(&RowError { line: line as usize, message });
            }
        }
        summary.write += writing.elapsed();
        Ok(())
    };
    let mut written = 0;
    loop {
        std::mem::swap(&mut current, &mut next);
        if current.entries.is_empty() {
            break;
        }
        let chunk = &current;
        let count = chunk.entries.len().div_ceil(PART);
        if parts.len() < count {
            parts.resize_with(count, Part::default);
        }
        let decide = |k: usize, part: &mut Part| {
            // Deciding a part calls no rayon: a thread holds its lock alone.
            let thread = rayon::current_thread_index().unwrap_or(0) % works.len();
            let mut work = works[thread].lock().unwrap_or_else(|e| e.into_inner());
            decide_part(&mut work, chunk, k * PART, part)
        };
        let mut write_read = || {
            write(&mut done[..written], &mut summary)?;
            read_chunk(&mut reader, &mut next).map_err(Failed::Read)
        };
        let reading = if works.len() == 1 {
            // On one thread, this one: handing each chunk to the pool's thread and waiting
            // for it would cost two thread switches a chunk.
            parts[..count].iter_mut().enumerate().for_each(|(k, part)| decide(k, part));
            write_read()
        } else {
            let decide_chunk =
                || parts[..count].par_iter_mut().enumerate().for_each(|(k, part)| decide(k, part));
            rayon::join(decide_chunk, write_read).1
        };
        summary.read += reading?;
        std::mem::swap(&mut parts, &mut done);
        written = count;
    }
    write(&mut done[..written], &mut summary)?;
    // Persons left over belong to no group read, or stand apart from their group.
    if let Some((line, group)) = reader.left().map_err(Failed::Read)? {
        let message = match reader.held {
            Some(_) => format!("persons:{line}: a member of `{group}`, which the groups table does not have"),
            None => format!(
                "persons:{line}: a member of `{group}`, which is not the group at this place of the groups table (the persons of each group stand together, in the order of the groups table)"
            ),
        };
        let e = RowError { line: line as usize, message };
        errors(&e);
        return Err(Failed::Row(e));
    }
    Ok(summary)
}

/// Whether the persons table lists the members of each group together, in the order of
/// the groups table (each group with one at least, no person left over), so that both can
/// stream: a table of any size in that order needs no index. `false` too when a header
/// cannot be read or lacks a key column (the run reports it).
pub fn in_group_order<G: Read, P: Read>(groups: G, persons: P, keys: &Keys) -> std::io::Result<bool> {
    let (mut groups, mut persons) = (Source::new(groups), Source::new(persons));
    let (Ok(group_header), Ok(person_header)) =
        (header(&mut groups, "groups"), header(&mut persons, "persons"))
    else {
        return Ok(false);
    };
    let at = |header: &[String], name: &str| header.iter().position(|h| h == name);
    match (at(&group_header, &keys.group_id), at(&person_header, &keys.person_group)) {
        (Some(id), Some(group)) => read::in_group_order(&mut groups, &mut persons, id, group),
        _ => Ok(false),
    }
}

/// A table's column names (none in an empty table); a header that cannot be read is
/// named by its table.
fn header<R: Read>(source: &mut Source<R>, file: &str) -> Result<Vec<String>, Failed> {
    match source.next_record().map_err(Failed::Read)? {
        Some((_, record)) => read::header(&record)
            .map_err(|message| Failed::Row(RowError { line: 1, message: format!("{file}: {message}") })),
        None => Ok(Vec::new()),
    }
}
