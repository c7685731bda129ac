//! Citizen profiles in YAML or JSON, read against the regulation set: every person,
//! group, fact, event, role, service and value is checked while reading, so an error names
//! the file, the line and the field. Persons and groups come before the events and
//! applications that name them.
//!
//! ```yaml
//! - id: ivanovy
//!   persons:
//!     - id: mother
//!       facts: { birth_date: 1990-05-01, income: { "2025-01..2025-12": "40000.00" } }
//!       consent: [{ date: 2026-01-01, given: [unified_allowance] }, { opt_out: [maternity_capital] }]
//!     - { id: son, facts: { birth_date: 2026-01-10 } }
//!   groups:
//!     - { id: family, type: household, roles: { parents: [mother], children: [son] } }
//!   applications:
//!     - { service: birth_registration, date: 2026-01-11, roles: { child: son, declarant: mother } }
//!   events:
//!     - event: birth_registered
//!       date: 2026-01-12
//!       roles: { child: son, mother: mother, declarant: mother, household: family }
//!       data: { child_order: 2 }
//! ```

mod consent;
mod payments;

pub use consent::{Act, Stand, Statement};
pub use payments::Payment;

use super::scalar::parse_scalar;
use crate::date::Date;
use crate::model::{EntityId, EventId, Field, Model, RoleMode, ServiceId, SituationId, Type, Value};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub id: String,
    pub persons: Vec<Person>,
    pub groups: Vec<Group>,
    pub applications: Vec<Application>,
    /// Applications for a whole life situation.
    pub requests: Vec<SituationRequest>,
    pub events: Vec<ProfileEvent>,
    /// Payments being made when the simulation starts.
    pub payments: Vec<Payment>,
    /// The simulated period, when the profile sets it: events before its start are
    /// history, after its end not applied.
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Profile {
    /// The id of a person or group value.
    pub fn name_of(&self, v: &Value) -> Option<&str> {
        match *v {
            Value::Person(i) => Some(&self.persons.get(i as usize)?.id),
            Value::Group(i) => Some(&self.groups.get(i as usize)?.id),
            _ => None,
        }
    }

    /// A fact of a person or group as the profile gives it (defaults not applied).
    pub fn fact(&self, entity: &Value, fact: usize) -> Option<&Value> {
        match *entity {
            Value::Person(i) => self.persons.get(i as usize)?.facts.get(fact),
            Value::Group(i) => self.groups.get(i as usize)?.facts.get(fact),
            _ => None,
        }
    }

    /// The members of a group in a role (all members for `None`), in the order given.
    pub fn members(&self, group: u32, role: Option<usize>) -> impl Iterator<Item = u32> + '_ {
        let members = self.groups.get(group as usize).map_or(&[][..], |g| &g.members[..]);
        members.iter().filter(move |(_, r)| role.is_none_or(|x| x == *r)).map(|(p, _)| *p)
    }

    /// The group of a type that a person belongs to.
    pub fn group_of(&self, person: u32, entity: EntityId) -> Option<u32> {
        let p = self.persons.get(person as usize)?;
        p.groups.iter().find(|(e, _)| *e == entity).map(|(_, g)| *g)
    }
}

/// The known facts of a person or group, by their place in the entity: few of an
/// entity's facts are known of one person, so only those are kept, in order.
#[derive(Clone, Debug, Default)]
pub struct Facts(Vec<(u32, Value)>);

impl Facts {
    pub fn get(&self, fact: usize) -> Option<&Value> {
        let i = self.0.binary_search_by_key(&(fact as u32), |(f, _)| *f).ok()?;
        Some(&self.0[i].1)
    }

    /// Sets a fact (`None`: unknown).
    pub fn set(&mut self, fact: usize, value: Option<Value>) {
        let key = fact as u32;
        match (self.0.binary_search_by_key(&key, |(f, _)| *f), value) {
            (Ok(i), Some(v)) => self.0[i].1 = v,
            (Ok(i), None) => {
                self.0.remove(i);
            }
            (Err(i), Some(v)) => self.0.insert(i, (key, v)),
            (Err(_), None) => {}
        }
    }

    /// From values by place, as a reader fills them.
    pub fn from_dense(values: Vec<Option<Value>>) -> Facts {
        Facts(values.into_iter().enumerate().filter_map(|(i, v)| Some((i as u32, v?))).collect())
    }
}

#[derive(Clone, Debug, Default)]
pub struct Person {
    pub id: String,
    /// The facts known of the person.
    pub facts: Facts,
    /// Consents and opt-outs, dated.
    pub consent: Vec<Statement>,
    /// The groups the person is a member of, one per group entity.
    pub groups: Vec<(EntityId, u32)>,
}

impl Person {
    /// The person's stand on a service on a date.
    pub fn stand(&self, s: ServiceId, on: Date) -> Stand {
        consent::stand(&self.consent, s, on)
    }
}

#[derive(Clone, Debug)]
pub struct Group {
    pub id: String,
    pub entity: EntityId,
    pub facts: Facts,
    /// Persons (by place) with their role (by place in the group entity).
    pub members: Vec<(u32, usize)>,
}

#[derive(Clone, Debug)]
pub struct Application {
    pub service: ServiceId,
    pub date: Date,
    /// For each role of the service, the person or group the application binds.
    pub roles: Vec<Option<Value>>,
}

/// One application for a whole life situation (the Concept, IV.2): it covers every
/// service of the situation that no trigger on its entry events starts, each bound by
/// role name.
#[derive(Clone, Debug)]
pub struct SituationRequest {
    pub situation: SituationId,
    pub date: Date,
    /// The roles named, with the person or group each binds.
    pub roles: Vec<(String, Value)>,
}

#[derive(Clone, Debug)]
pub struct ProfileEvent {
    pub event: EventId,
    pub date: Date,
    /// When the registry learned of it, if later than `date` (a late death record).
    pub recorded: Option<Date>,
    /// For each role of the event, the persons or groups it binds (several for `each`).
    pub roles: Vec<Vec<Value>>,
    pub data: Vec<Option<Value>>,
}

/// The deepest nesting of YAML or JSON accepted in profiles and tests: far beyond what a
/// profile needs, and small enough that reading stays fast (the YAML reader slows down
/// more than linearly with nesting).
pub const MAX_NESTING: usize = 64;

/// Checks, before parsing, that YAML or JSON text nests no deeper than [`MAX_NESTING`]:
/// flow brackets, block indentation and `- ` items opened on one line all count.
pub fn check_nesting(text: &str) -> Result<(), ProfileError> {
    // Columns in characters, as the YAML reader counts them.
    let too_deep = |n: usize, line: &str, byte: usize| ProfileError {
        line: n + 1,
        column: line[..byte].chars().count() + 1,
        message: format!("nested more than {MAX_NESTING} levels deep; a profile needs far fewer"),
    };
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (n, line) in text.lines().enumerate() {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if flow == 0 {
            let indent = line.len() - content.len();
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        // Items opened on one line (`- - x`) nest as deep as indented ones.
        let mut depth = indents.len();
        let mut rest = content;
        while let Some(r) =
            rest.strip_prefix("- ").or_else(|| rest.strip_prefix('-').filter(|r| r.is_empty()))
        {
            depth += 1;
            if depth + flow > MAX_NESTING {
                return Err(too_deep(n, line, line.len() - rest.len()));
            }
            rest = r.trim_start_matches(' ');
        }
        let (mut quote, mut escaped) = (None, false);
        for (col, c) in rest.char_indices() {
            match (quote, c) {
                _ if escaped => escaped = false,
                (Some('"'), '\\') => escaped = true,
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') if rest[..col].ends_with(' ') => break,
                (None, '[' | '{') => flow += 1,
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
            if depth + flow > MAX_NESTING {
                return Err(too_deep(n, line, line.len() - rest.len() + col));
            }
        }
    }
    Ok(())
}

/// Reads profiles from YAML (JSON is YAML too, but is read by serde_json for exact
/// positions): a list of profiles, or a mapping with a `profiles` list.
pub fn read(model: &Model, text: &str, json: bool) -> Result<Vec<Profile>, ProfileError> {
    // A byte order mark, which some editors write, is not part of the text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_nesting(text)?;
    let seed = ProfilesSeed { model };
    if json {
        let mut de = serde_json::Deserializer::from_str(text);
        let profiles = json_at_path(seed, &mut de)?;
        de.end().map_err(|e| ProfileError::at(e.line(), e.column(), e.to_string()))?;
        Ok(profiles)
    } else {
        let de = serde_yaml::Deserializer::from_str(text);
        seed.deserialize(de).map_err(|e| {
            let (line, column) =
                e.location().map_or_else(|| whole_text_position(text), |l| (l.line(), l.column()));
            ProfileError::at(line, column, e.to_string())
        })
    }
}

/// Where to point for an error of the whole text, which the YAML reader gives no place:
/// the second document when there are several, else the start.
fn whole_text_position(text: &str) -> (usize, usize) {
    let mut separators = text.lines().enumerate().filter(|(_, l)| l.starts_with("---")).map(|(n, _)| n + 1);
    let starts_with_one = text.trim_start().starts_with("---");
    separators.nth(usize::from(starts_with_one)).map_or((1, 1), |line| (line, 1))
}

/// A profile inside another document (a regulation test), read in place so that errors
/// keep their position; its `id` may be left out (it is then empty).
pub fn seed(model: &Model) -> impl for<'de> DeserializeSeed<'de, Value = Profile> + '_ {
    ProfileSeed { model, id_required: false }
}

/// Reads JSON with a seed; an error names the field, as the YAML reader's do.
fn json_at_path<'de, S: DeserializeSeed<'de>>(
    seed: S,
    de: &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
) -> Result<S::Value, ProfileError> {
    let mut track = serde_path_to_error::Track::new();
    seed.deserialize(serde_path_to_error::Deserializer::new(&mut *de, &mut track)).map_err(|e| {
        let path = track.path().to_string();
        let message = if path == "." { e.to_string() } else { format!("{path}: {e}") };
        ProfileError::at(e.line(), e.column(), message)
    })
}

/// Reads one profile (a line of JSON Lines).
pub fn read_one(model: &Model, text: &str) -> Result<Profile, ProfileError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let profile = json_at_path(ProfileSeed { model, id_required: true }, &mut de)?;
    de.end().map_err(|e| ProfileError::at(e.line(), e.column(), e.to_string()))?;
    Ok(profile)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ProfileError {
    fn at(line: usize, column: usize, message: String) -> Self {
        // serde appends " at line L column C"; the position is given separately.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        ProfileError { line, column, message }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// The next key of a mapping; a key given twice is an error (the second would silently
/// replace the first).
fn next_key<'de, A: MapAccess<'de>>(
    map: &mut A,
    seen: &mut HashSet<String>,
) -> Result<Option<String>, A::Error> {
    let key = map.next_key::<String>()?;
    match key {
        Some(k) if !seen.insert(k.clone()) => {
            Err(de::Error::custom(format!("`{k}` is given twice; give each key once")))
        }
        key => Ok(key),
    }
}

fn suggest_in<'a>(name: &str, names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    match crate::check::symbols::suggest(name, names.iter().copied()) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => format!("; expected one of: {}", names.join(", ")),
    }
}

struct ProfilesSeed<'m> {
    model: &'m Model,
}

impl<'de> DeserializeSeed<'de> for ProfilesSeed<'_> {
    type Value = Vec<Profile>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ProfilesSeed<'_> {
    type Value = Vec<Profile>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of profiles, or a mapping with a `profiles` list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(p) = seq.next_element_seed(ProfileSeed { model: self.model, id_required: true })? {
            out.push(p);
        }
        Ok(out)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = None;
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            if key != "profiles" {
                return Err(de::Error::custom(format!(
                    "unknown key `{key}`; a profile file holds `profiles: [...]` or a list"
                )));
            }
            out = Some(map.next_value_seed(ProfilesSeed { model: self.model })?);
        }
        out.ok_or_else(|| de::Error::custom("no `profiles` list"))
    }
}

#[derive(Clone, Copy)]
struct ProfileSeed<'m> {
    model: &'m Model,
    id_required: bool,
}

impl<'de> DeserializeSeed<'de> for ProfileSeed<'_> {
    type Value = Profile;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ProfileSeed<'_> {
    type Value = Profile;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a profile: a mapping with `id`, `persons`, `groups`, `applications`, `events`, `payments`, `period`",
        )
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Profile, A::Error> {
        let m = self.model;
        let mut p = Profile::default();
        let mut has_id = false;
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            match key.as_str() {
                "id" => {
                    p.id = map.next_value::<Scalar>()?.0;
                    has_id = true;
                }
                "persons" => p.persons = map.next_value_seed(PersonsSeed { model: m })?,
                "groups" => {
                    let groups = map.next_value_seed(GroupsSeed { model: m, persons: &mut p.persons })?;
                    p.groups = groups;
                }
                "applications" => {
                    let seed = ApplicationSeed { model: m, profile: &p };
                    for a in map.next_value_seed(ListSeed(seed))? {
                        match a {
                            Applied::Service(a) => p.applications.push(a),
                            Applied::Situation(r) => p.requests.push(r),
                        }
                    }
                }
                "events" => p.events = map.next_value_seed(ListSeed(EventSeed { model: m, profile: &p }))?,
                "period" => (p.from, p.to) = map.next_value_seed(PeriodSeed)?,
                "payments" => {
                    let seed = payments::PaymentSeed { model: m, profile: &p };
                    p.payments = map.next_value_seed(ListSeed(seed))?
                }
                other => {
                    let keys = ["id", "period", "persons", "groups", "applications", "events", "payments"];
                    return Err(de::Error::custom(format!(
                        "unknown profile key `{other}`{}",
                        suggest_in(other, keys.into_iter())
                    )));
                }
            }
        }
        if !has_id && self.id_required {
            return Err(de::Error::custom("a profile needs an `id`"));
        }
        Ok(p)
    }
}

/// `period: { from: DATE, to: DATE }`, either may be left out.
struct PeriodSeed;

impl<'de> DeserializeSeed<'de> for PeriodSeed {
    type Value = (Option<Date>, Option<Date>);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PeriodSeed {
    type Value = (Option<Date>, Option<Date>);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the simulated period: `{ from: YYYY-MM-DD, to: YYYY-MM-DD }`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut from, mut to) = (None, None);
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            let d = date(&map.next_value::<Scalar>()?.0, &key)?;
            match key.as_str() {
                "from" => from = Some(d),
                "to" => to = Some(d),
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown period key `{other}`; expected `from` and `to`"
                    )));
                }
            }
        }
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(de::Error::custom(format!("the period ends ({t}) before it starts ({f})")));
        }
        Ok((from, to))
    }
}

/// Any scalar, as text.
struct Scalar(String);

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor).map(Scalar)
    }
}

struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a single value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// A value of a declared type; `null` means unknown.
struct ValueSeed<'m> {
    model: &'m Model,
    ty: &'m Type,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Option<Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl ValueSeed<'_> {
    fn scalar<E: de::Error>(&self, text: &str) -> Result<Option<Value>, E> {
        parse_scalar(self.ty, text, self.model).map(Some).map_err(E::custom)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Option<Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.ty {
            Type::List(_) => f.write_str("a list"),
            Type::Record(_) => f.write_str("a mapping of fields"),
            Type::Monthly(_) => f.write_str("a mapping of months to values (`\"2025-01\": …`)"),
            _ => f.write_str("a single value"),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.scalar(v)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.scalar(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.scalar(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.scalar(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // A number was read as binary floating point: take it only when its shortest form
        // holds no more digits than such a number keeps exactly.
        let text = v.to_string();
        let digits = text.trim_start_matches(['-', '0', '.']).chars().filter(char::is_ascii_digit).count();
        if !v.is_finite() || digits > 15 {
            return Err(E::custom(format!(
                "`{text}` cannot be read exactly as a number; write it in quotes, as text"
            )));
        }
        self.scalar(&text)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let Type::List(inner) = self.ty else {
            return Err(de::Error::custom("expected a single value, found a list"));
        };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ValueSeed { model: self.model, ty: inner })? {
            items.push(item.ok_or_else(|| de::Error::custom("a list element cannot be null"))?);
        }
        Ok(Some(Value::List(items.into())))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if let Type::Monthly(inner) = self.ty {
            return monthly(self.model, inner, map).map(Some);
        }
        let Type::Record(r) = self.ty else {
            return Err(de::Error::custom("expected a single value, found a mapping"));
        };
        let record = &self.model.records[*r];
        let mut fields: Vec<Option<Value>> = vec![None; record.fields.len()];
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            let Some(i) = record.fields.iter().position(|f| f.name.text == key) else {
                let names = record.fields.iter().map(|f| &*f.name.text);
                return Err(de::Error::custom(format!(
                    "record `{}` has no field `{key}`{}",
                    record.name.text,
                    suggest_in(&key, names)
                )));
            };
            fields[i] = map.next_value_seed(ValueSeed { model: self.model, ty: &record.fields[i].ty })?;
        }
        Ok(Some(Value::Record(*r, fields.into())))
    }
}

/// A fact's values by month: `{ "2025-01": v, "2025-02..2025-12": v }` (a range gives every
/// month of it the value); a month given twice is an error.
fn monthly<'de, A: MapAccess<'de>>(model: &Model, inner: &Type, mut map: A) -> Result<Value, A::Error> {
    let mut months: Vec<(i64, Value)> = Vec::new();
    let mut seen = HashSet::new();
    while let Some(key) = next_key(&mut map, &mut seen)? {
        let Some((first, last)) = super::scalar::month_range(&key) else {
            return Err(de::Error::custom(format!(
                "`{key}` is not a month (`2025-01`) or a forward range of months (`2025-01..2025-12`)"
            )));
        };
        let value = map.next_value_seed(ValueSeed { model, ty: inner })?.ok_or_else(|| {
            de::Error::custom(format!("`{key}`: a month's value cannot be null; leave the month out"))
        })?;
        months.extend((first..=last).map(|m| (m, value.clone())));
    }
    months.sort_by_key(|(m, _)| *m);
    if let Some(w) = months.windows(2).find(|w| w[0].0 == w[1].0) {
        let m = w[0].0;
        return Err(de::Error::custom(format!(
            "month {:04}-{:02} is given twice",
            m.div_euclid(12),
            m.rem_euclid(12) + 1
        )));
    }
    Ok(Value::Monthly(std::sync::Arc::new(crate::model::Series { months, default: None })))
}

/// The facts of a person or group, or an event's data.
struct FieldsSeed<'m, 'p> {
    model: &'m Model,
    owner: &'m str,
    fields: Vec<(&'m str, &'m Type)>,
    values: &'p mut Vec<Option<Value>>,
}

impl<'m, 'p> FieldsSeed<'m, 'p> {
    fn of_fields(
        model: &'m Model,
        owner: &'m str,
        fields: &'m [Field],
        values: &'p mut Vec<Option<Value>>,
    ) -> Self {
        let fields = fields.iter().map(|f| (f.name.as_str(), &f.ty)).collect();
        FieldsSeed { model, owner, fields, values }
    }

    fn of_entity(model: &'m Model, entity: EntityId, values: &'p mut Vec<Option<Value>>) -> Self {
        let e = &model.entities[entity];
        let fields = e.facts.iter().map(|f| (f.name.as_str(), &f.ty)).collect();
        FieldsSeed { model, owner: e.name.as_str(), fields, values }
    }
}

impl<'de> DeserializeSeed<'de> for FieldsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a mapping of the fields of `{}`", self.owner)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            let Some(i) = self.fields.iter().position(|f| f.0 == key) else {
                let names = self.fields.iter().map(|f| f.0);
                return Err(de::Error::custom(format!(
                    "`{}` has no field `{key}`{}",
                    self.owner,
                    suggest_in(&key, names)
                )));
            };
            self.values[i] = map.next_value_seed(ValueSeed { model: self.model, ty: self.fields[i].1 })?;
        }
        Ok(())
    }
}

/// A list of items read by a seed that can be reused.
struct ListSeed<S>(S);

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for ListSeed<S> {
    type Value = Vec<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for ListSeed<S> {
    type Value = Vec<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element_seed(self.0)? {
            out.push(item);
        }
        Ok(out)
    }
}

#[derive(Clone, Copy)]
struct ServiceName<'m> {
    model: &'m Model,
}

impl<'de> DeserializeSeed<'de> for ServiceName<'_> {
    type Value = ServiceId;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ServiceId, D::Error> {
        let name = <Scalar as de::Deserialize>::deserialize(d)?.0;
        self.model.service(&name).ok_or_else(|| {
            let names = self.model.services.iter().map(|s| &*s.name.text);
            de::Error::custom(format!("unknown service `{name}`{}", suggest_in(&name, names)))
        })
    }
}

fn date<E: de::Error>(text: &str, what: &str) -> Result<Date, E> {
    Date::parse(text)
        .ok_or_else(|| E::custom(format!("`{text}` is not a valid date for `{what}` (YYYY-MM-DD)")))
}

/// The persons of a profile, each with its facts and consents.
struct PersonsSeed<'m> {
    model: &'m Model,
}

impl<'de> DeserializeSeed<'de> for PersonsSeed<'_> {
    type Value = Vec<Person>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PersonsSeed<'_> {
    type Value = Vec<Person>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of persons: `- { id: NAME, facts: { … }, consent: { … } }`")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out: Vec<Person> = Vec::new();
        while let Some(p) = seq.next_element_seed(PersonSeed { model: self.model, before: &out })? {
            out.push(p);
        }
        Ok(out)
    }
}

struct PersonSeed<'m, 'p> {
    model: &'m Model,
    before: &'p [Person],
}

impl<'de> DeserializeSeed<'de> for PersonSeed<'_, '_> {
    type Value = Person;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Person, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PersonSeed<'_, '_> {
    type Value = Person;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a person: `{ id: NAME, facts: { … }, consent: { … } }`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Person, A::Error> {
        let m = self.model;
        let Some(entity) = m.person() else {
            return Err(de::Error::custom(
                "the regulation set declares no `person`, so a profile has no persons",
            ));
        };
        let mut p = Person::default();
        let mut facts = vec![None; m.entities[entity].facts.len()];
        let mut has_id = false;
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            match key.as_str() {
                "id" => {
                    p.id = map.next_value::<Scalar>()?.0;
                    if self.before.iter().any(|q| q.id == p.id) {
                        return Err(de::Error::custom(format!("person `{}` is given twice", p.id)));
                    }
                    has_id = true;
                }
                "facts" => map.next_value_seed(FieldsSeed::of_entity(m, entity, &mut facts))?,
                "consent" => p.consent = map.next_value_seed(consent::StatementsSeed { model: m })?,
                other => {
                    let keys = ["id", "facts", "consent"];
                    return Err(de::Error::custom(format!(
                        "unknown person key `{other}`{}",
                        suggest_in(other, keys.into_iter())
                    )));
                }
            }
        }
        if !has_id {
            return Err(de::Error::custom("a person needs an `id`"));
        }
        p.facts = Facts::from_dense(facts);
        Ok(p)
    }
}

/// The groups of a profile; reading one records its members' membership.
struct GroupsSeed<'m, 'p> {
    model: &'m Model,
    persons: &'p mut Vec<Person>,
}

impl<'de> DeserializeSeed<'de> for GroupsSeed<'_, '_> {
    type Value = Vec<Group>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GroupsSeed<'_, '_> {
    type Value = Vec<Group>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of groups: `- { id: NAME, type: GROUP, roles: { … }, facts: { … } }`")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out: Vec<Group> = Vec::new();
        loop {
            let index = u32::try_from(out.len()).map_err(|_| de::Error::custom("too many groups"))?;
            let seed = GroupSeed { model: self.model, persons: &mut *self.persons, before: &out, index };
            match seq.next_element_seed(seed)? {
                Some(g) => out.push(g),
                None => return Ok(out),
            }
        }
    }
}

struct GroupSeed<'m, 'p> {
    model: &'m Model,
    persons: &'p mut Vec<Person>,
    before: &'p [Group],
    index: u32,
}

impl<'de> DeserializeSeed<'de> for GroupSeed<'_, '_> {
    type Value = Group;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Group, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for GroupSeed<'_, '_> {
    type Value = Group;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a group: `{ id: NAME, type: GROUP, roles: { role: [persons] }, facts: { … } }`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Group, A::Error> {
        let m = self.model;
        let (mut id, mut entity) = (None, None);
        let mut facts = None;
        let mut members: Vec<(u32, usize)> = Vec::new();
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            match key.as_str() {
                "id" => {
                    let name = map.next_value::<Scalar>()?.0;
                    if self.before.iter().any(|g| g.id == name) || self.persons.iter().any(|p| p.id == name) {
                        return Err(de::Error::custom(format!("`{name}` names a person or group already")));
                    }
                    id = Some(name);
                }
                "type" => {
                    let name = map.next_value::<Scalar>()?.0;
                    let groups = || m.entities.iter().filter(|e| e.group).map(|e| e.name.as_str());
                    let found = m.entities.find(|e| e.group && e.name.text == name);
                    entity = Some(found.ok_or_else(|| {
                        de::Error::custom(format!(
                            "unknown group type `{name}`{}",
                            suggest_in(&name, groups())
                        ))
                    })?);
                }
                "facts" => {
                    let Some(e) = entity else {
                        return Err(de::Error::custom("write `type:` before `facts:`"));
                    };
                    let mut values = vec![None; m.entities[e].facts.len()];
                    map.next_value_seed(FieldsSeed::of_entity(m, e, &mut values))?;
                    facts = Some(values);
                }
                "roles" => {
                    let Some(e) = entity else {
                        return Err(de::Error::custom("write `type:` before `roles:`"));
                    };
                    members =
                        map.next_value_seed(MembersSeed { model: m, entity: e, persons: self.persons })?;
                }
                other => {
                    let keys = ["id", "type", "roles", "facts"];
                    return Err(de::Error::custom(format!(
                        "unknown group key `{other}`{}",
                        suggest_in(other, keys.into_iter())
                    )));
                }
            }
        }
        let (Some(id), Some(entity)) = (id, entity) else {
            return Err(de::Error::custom("a group needs an `id` and a `type`"));
        };
        for &(p, _) in &members {
            let person = &mut self.persons[p as usize];
            if let Some(&(_, other)) = person.groups.iter().find(|(e, _)| *e == entity) {
                let other = &self.before[other as usize].id;
                return Err(de::Error::custom(format!(
                    "person `{}` is a member of `{other}` already: a person belongs to one `{}`",
                    person.id, m.entities[entity].name.text
                )));
            }
            person.groups.push((entity, self.index));
        }
        let facts = facts.map(Facts::from_dense).unwrap_or_default();
        Ok(Group { id, entity, facts, members })
    }
}

/// `roles: { parents: [a, b], children: [c] }`: members by role, each role's count checked.
struct MembersSeed<'m, 'p> {
    model: &'m Model,
    entity: EntityId,
    persons: &'p [Person],
}

impl<'de> DeserializeSeed<'de> for MembersSeed<'_, '_> {
    type Value = Vec<(u32, usize)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for MembersSeed<'_, '_> {
    type Value = Vec<(u32, usize)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of roles to the persons in them")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let entity = &self.model.entities[self.entity];
        let mut out: Vec<(u32, usize)> = Vec::new();
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            let Some(r) = entity.role(&key) else {
                let names = entity.roles.iter().map(|r| r.name.as_str());
                return Err(de::Error::custom(format!(
                    "`{}` has no role `{key}`{}",
                    entity.name.text,
                    suggest_in(&key, names)
                )));
            };
            let ids = map.next_value_seed(IdsSeed)?;
            let role = &entity.roles[r];
            if role.max.is_some_and(|max| ids.len() > max as usize) {
                return Err(de::Error::custom(format!(
                    "role `{key}` of `{}` holds at most {} ({}), and {} are given",
                    entity.name.text,
                    role.max.unwrap_or_default(),
                    role.cardinality(),
                    ids.len()
                )));
            }
            for id in ids {
                let p = person_named(self.persons, &id)?;
                if out.iter().any(|(q, _)| *q == p) {
                    return Err(de::Error::custom(format!("person `{id}` has two roles in this group")));
                }
                out.push((p, r));
            }
        }
        for (r, role) in entity.roles.iter().enumerate() {
            let n = out.iter().filter(|(_, x)| *x == r).count();
            if n < role.min as usize {
                return Err(de::Error::custom(format!(
                    "role `{}` of `{}` holds at least {} ({}), and {n} are given",
                    role.name.text,
                    entity.name.text,
                    role.min,
                    role.cardinality()
                )));
            }
        }
        Ok(out)
    }
}

fn person_named<E: de::Error>(persons: &[Person], id: &str) -> Result<u32, E> {
    match persons.iter().position(|p| p.id == id) {
        Some(i) => Ok(i as u32),
        None => Err(E::custom(format!(
            "unknown person `{id}`{}",
            if persons.is_empty() {
                "; list the persons under `persons`, before what names them".to_string()
            } else {
                suggest_in(id, persons.iter().map(|p| p.id.as_str()))
            }
        ))),
    }
}

/// One id or a list of them.
struct IdsSeed;

impl<'de> DeserializeSeed<'de> for IdsSeed {
    type Value = Vec<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for IdsSeed {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an id or a list of ids")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element::<Scalar>()? {
            out.push(s.0);
        }
        Ok(out)
    }
}

/// Role bindings of an event or an application: `roles: { child: son, survivors: [a, b] }`.
struct BindingSeed<'m, 'p> {
    model: &'m Model,
    profile: &'p Profile,
    /// The roles: name, entity and whether several may be bound.
    roles: Vec<(&'m str, EntityId, bool)>,
    owner: &'m str,
}

impl<'m, 'p> BindingSeed<'m, 'p> {
    /// The roles of a service, one entity each.
    fn of_service(model: &'m Model, profile: &'p Profile, s: ServiceId) -> Self {
        let service = &model.services[s];
        let roles = service.roles.iter().map(|r| (r.name.as_str(), r.entity, false)).collect();
        BindingSeed { model, profile, roles, owner: &service.name }
    }
}

impl<'de> DeserializeSeed<'de> for BindingSeed<'_, '_> {
    type Value = Vec<Vec<Value>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BindingSeed<'_, '_> {
    type Value = Vec<Vec<Value>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a mapping of the roles of `{}` to persons or groups", self.owner)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = vec![Vec::new(); self.roles.len()];
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            let Some(r) = self.roles.iter().position(|x| x.0 == key) else {
                let names = self.roles.iter().map(|x| x.0);
                return Err(de::Error::custom(format!(
                    "`{}` has no role `{key}`{}",
                    self.owner,
                    suggest_in(&key, names)
                )));
            };
            let (_, entity, several) = self.roles[r];
            let ids = map.next_value_seed(IdsSeed)?;
            if ids.len() > 1 && !several {
                return Err(de::Error::custom(format!("role `{key}` binds one; `each` roles bind several")));
            }
            let e = &self.model.entities[entity];
            for id in ids {
                let value = if e.group {
                    let g = self.profile.groups.iter().position(|g| g.id == id && g.entity == entity);
                    let g = g.ok_or_else(|| {
                        let names =
                            self.profile.groups.iter().filter(|g| g.entity == entity).map(|g| g.id.as_str());
                        de::Error::custom(format!(
                            "unknown `{}` `{id}`{}",
                            e.name.text,
                            suggest_in(&id, names)
                        ))
                    })?;
                    Value::Group(g as u32)
                } else {
                    Value::Person(person_named(&self.profile.persons, &id)?)
                };
                out[r].push(value);
            }
        }
        Ok(out)
    }
}

#[derive(Clone, Copy)]
struct ApplicationSeed<'m, 'p> {
    model: &'m Model,
    profile: &'p Profile,
}

/// An application for a service, or for a whole life situation.
pub enum Applied {
    Service(Application),
    Situation(SituationRequest),
}

impl<'de> DeserializeSeed<'de> for ApplicationSeed<'_, '_> {
    type Value = Applied;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Applied, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ApplicationSeed<'_, '_> {
    type Value = Applied;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an application: `{ service: NAME, date: YYYY-MM-DD, roles: { … } }`, or `{ situation: NAME, … }`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Applied, A::Error> {
        let m = self.model;
        let (mut service, mut when, mut roles) = (None, None, None);
        let mut situation: Option<SituationId> = None;
        let mut named: Vec<(String, Value)> = Vec::new();
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            match key.as_str() {
                "service" => service = Some(map.next_value_seed(ServiceName { model: m })?),
                "situation" => {
                    let name = map.next_value::<Scalar>()?.0;
                    situation = Some(m.situation(&name).ok_or_else(|| {
                        let names = m.situations.iter().map(|s| &*s.name.text);
                        de::Error::custom(format!(
                            "unknown life situation `{name}`{}",
                            suggest_in(&name, names)
                        ))
                    })?);
                }
                "date" => when = Some(date(&map.next_value::<Scalar>()?.0, "date")?),
                "roles" if situation.is_some() => {
                    let sit = &m.situations[situation.expect("a situation")];
                    // Every role of its services, by name, once.
                    let mut list: Vec<(&str, EntityId, bool)> = Vec::new();
                    for r in sit.services.iter().flat_map(|&s| &m.services[s].roles) {
                        if !list.iter().any(|x| x.0 == r.name.as_str()) {
                            list.push((r.name.as_str(), r.entity, false));
                        }
                    }
                    let names: Vec<&str> = list.iter().map(|x| x.0).collect();
                    let seed = BindingSeed { model: m, profile: self.profile, roles: list, owner: &sit.name };
                    let bound = map.next_value_seed(seed)?;
                    named = names
                        .iter()
                        .zip(bound)
                        .filter_map(|(n, mut b)| Some((n.to_string(), b.pop()?)))
                        .collect();
                }
                "roles" => {
                    let Some(s) = service else {
                        return Err(de::Error::custom("write `service:` or `situation:` before `roles:`"));
                    };
                    roles = Some(
                        map.next_value_seed(BindingSeed::of_service(m, self.profile, s))?
                            .into_iter()
                            .map(|mut b| b.pop())
                            .collect::<Vec<_>>(),
                    );
                }
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown application key `{other}`; expected `service` (or `situation`), `date` and `roles`"
                    )));
                }
            }
        }
        if let (Some(situation), Some(date)) = (situation, when) {
            if service.is_some() {
                return Err(de::Error::custom(
                    "an application is for a `service` or for a `situation`, not both",
                ));
            }
            return Ok(Applied::Situation(SituationRequest { situation, date, roles: named }));
        }
        let (Some(service), Some(date)) = (service, when) else {
            return Err(de::Error::custom("an application needs `service` (or `situation`) and `date`"));
        };
        let s = &m.services[service];
        let roles = roles.unwrap_or_else(|| vec![None; s.roles.len()]);
        if let Some(subject) = s.subject
            && roles[subject].is_none()
        {
            return Err(de::Error::custom(format!(
                "an application for `{}` names its subject: `roles: {{ {}: … }}`",
                s.name.text, s.roles[subject].name.text
            )));
        }
        Ok(Applied::Service(Application { service, date, roles }))
    }
}

#[derive(Clone, Copy)]
struct EventSeed<'m, 'p> {
    model: &'m Model,
    profile: &'p Profile,
}

impl<'de> DeserializeSeed<'de> for EventSeed<'_, '_> {
    type Value = ProfileEvent;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ProfileEvent, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventSeed<'_, '_> {
    type Value = ProfileEvent;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event: `{ event: NAME, date: YYYY-MM-DD, roles: { … }, data: { … } }`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ProfileEvent, A::Error> {
        let m = self.model;
        let (mut event, mut when, mut recorded) = (None, None, None);
        let mut data: Option<Vec<Option<Value>>> = None;
        let mut roles: Option<Vec<Vec<Value>>> = None;
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            match key.as_str() {
                "event" => {
                    let name = map.next_value::<Scalar>()?.0;
                    let Some(e) = m.event(&name) else {
                        let names = m.events.iter().map(|x| &*x.name.text);
                        return Err(de::Error::custom(format!(
                            "unknown event `{name}`{}",
                            suggest_in(&name, names)
                        )));
                    };
                    event = Some(e);
                }
                "date" => when = Some(date(&map.next_value::<Scalar>()?.0, "date")?),
                "recorded" => recorded = Some(date(&map.next_value::<Scalar>()?.0, "recorded")?),
                "roles" => {
                    let Some(e) = event else {
                        return Err(de::Error::custom("write `event:` before `roles:`"));
                    };
                    let ev = &m.events[e];
                    let list = ev
                        .roles
                        .iter()
                        .map(|r| (r.name.as_str(), r.entity, r.mode == RoleMode::Each))
                        .collect();
                    let seed = BindingSeed { model: m, profile: self.profile, roles: list, owner: &ev.name };
                    roles = Some(map.next_value_seed(seed)?);
                }
                "data" => {
                    let Some(e) = event else {
                        return Err(de::Error::custom("write `event:` before `data:`"));
                    };
                    let mut values = vec![None; m.events[e].fields.len()];
                    map.next_value_seed(FieldsSeed::of_fields(
                        m,
                        &m.events[e].name,
                        &m.events[e].fields,
                        &mut values,
                    ))?;
                    data = Some(values);
                }
                other => {
                    let keys = ["event", "date", "recorded", "roles", "data"];
                    return Err(de::Error::custom(format!(
                        "unknown event key `{other}`{}",
                        suggest_in(other, keys.into_iter())
                    )));
                }
            }
        }
        let (Some(event), Some(date)) = (event, when) else {
            return Err(de::Error::custom("an event needs `event` and `date`"));
        };
        let ev = &m.events[event];
        let roles = roles.unwrap_or_else(|| vec![Vec::new(); ev.roles.len()]);
        let unbound: Vec<&str> = ev
            .roles
            .iter()
            .zip(&roles)
            .filter(|(r, b)| r.mode == RoleMode::One && b.is_empty())
            .map(|(r, _)| r.name.as_str())
            .collect();
        if !unbound.is_empty() {
            return Err(de::Error::custom(format!(
                "event `{}` binds {}: name who, e.g. `roles: {{ {}: … }}`",
                ev.name.text,
                unbound.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "),
                unbound[0]
            )));
        }
        let data = data.unwrap_or_else(|| vec![None; ev.fields.len()]);
        Ok(ProfileEvent { event, date, recorded, roles, data })
    }
}
