//! Citizen profiles in YAML or JSON, read against the regulation set: every registry,
//! field, event, service and value is checked while reading, so an error names the file,
//! the line and the field.
//!
//! ```yaml
//! - id: ivanova
//!   facts:                      # registry → field → value, as the registries hold them
//!     civil_status: { birth_date: 1990-05-01, sex: female }
//!     incomes: { annual_income: "480000.00" }
//!   applicant: { photo: true }  # what the applicant provides, by input name
//!   consent: { opt_out: [maternity_capital], given: [unified_allowance] }
//!   applications: [{ service: birth_registration, date: 2026-01-11 }]
//!   events:
//!     - { event: birth_registered, date: 2026-01-12, data: { child_order: 2 } }
//!     - { event: death_registered, date: 2026-06-01, recorded: 2026-12-01 }
//! ```

use super::scalar::parse_scalar;
use crate::date::Date;
use crate::model::{EventId, Field, Id, Model, ServiceId, Source, Type, Value};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::{HashMap, HashSet};
use std::fmt;

#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub id: String,
    /// `facts[registry][field]`.
    pub facts: Vec<Vec<Option<Value>>>,
    /// Applicant-provided data by input name.
    pub applicant: HashMap<String, Value>,
    pub opt_out: Vec<ServiceId>,
    pub consent: Vec<ServiceId>,
    pub applications: Vec<Application>,
    pub events: Vec<ProfileEvent>,
}

#[derive(Clone, Debug)]
pub struct Application {
    pub service: ServiceId,
    pub date: Date,
}

#[derive(Clone, Debug)]
pub struct ProfileEvent {
    pub event: EventId,
    pub date: Date,
    /// When the registry learned of it, if later than `date` (a late death record).
    pub recorded: Option<Date>,
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
            "a profile: a mapping with `id`, `facts`, `applicant`, `consent`, `applications`, `events`",
        )
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Profile, A::Error> {
        let m = self.model;
        let mut p = Profile {
            facts: m.registries.iter().map(|r| vec![None; r.fields.len()]).collect(),
            ..Profile::default()
        };
        let mut has_id = false;
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            match key.as_str() {
                "id" => {
                    p.id = map.next_value::<Scalar>()?.0;
                    has_id = true;
                }
                "facts" => map.next_value_seed(FactsSeed { model: m, facts: &mut p.facts })?,
                "applicant" => map.next_value_seed(ApplicantSeed { model: m, data: &mut p.applicant })?,
                "consent" => map.next_value_seed(ConsentSeed {
                    model: m,
                    opt_out: &mut p.opt_out,
                    given: &mut p.consent,
                })?,
                "applications" => {
                    p.applications = map.next_value_seed(ListSeed(ApplicationSeed { model: m }))?
                }
                "events" => p.events = map.next_value_seed(ListSeed(EventSeed { model: m }))?,
                other => {
                    let keys = ["id", "facts", "applicant", "consent", "applications", "events"];
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

struct FactsSeed<'m, 'p> {
    model: &'m Model,
    facts: &'p mut Vec<Vec<Option<Value>>>,
}

impl<'de> DeserializeSeed<'de> for FactsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FactsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of registries to their fields")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            let Some(r) = self.model.registries.find(|x| x.name.text == key) else {
                let names = self.model.registries.iter().map(|x| &*x.name.text);
                return Err(de::Error::custom(format!(
                    "unknown registry `{key}`{}",
                    suggest_in(&key, names)
                )));
            };
            map.next_value_seed(FieldsSeed {
                model: self.model,
                owner: &self.model.registries[r].name,
                fields: &self.model.registries[r].fields,
                values: &mut self.facts[r.index()],
            })?;
        }
        Ok(())
    }
}

/// The fields of a registry or an event's data.
struct FieldsSeed<'m, 'p> {
    model: &'m Model,
    owner: &'m str,
    fields: &'m [Field],
    values: &'p mut Vec<Option<Value>>,
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
            let Some(i) = self.fields.iter().position(|f| f.name.text == key) else {
                let names = self.fields.iter().map(|f| &*f.name.text);
                return Err(de::Error::custom(format!(
                    "`{}` has no field `{key}`{}",
                    self.owner,
                    suggest_in(&key, names)
                )));
            };
            self.values[i] = map.next_value_seed(ValueSeed { model: self.model, ty: &self.fields[i].ty })?;
        }
        Ok(())
    }
}

struct ApplicantSeed<'m, 'p> {
    model: &'m Model,
    data: &'p mut HashMap<String, Value>,
}

impl<'de> DeserializeSeed<'de> for ApplicantSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ApplicantSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of applicant inputs to values")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let inputs =
            || self.model.services.iter().flat_map(|s| &s.inputs).filter(|i| i.source == Source::Applicant);
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            let Some(input) = inputs().find(|i| i.name.text == key) else {
                let mut names: Vec<&str> = inputs().map(|i| &*i.name.text).collect();
                names.sort_unstable();
                names.dedup();
                return Err(de::Error::custom(format!(
                    "no service asks the applicant for `{key}`{}",
                    suggest_in(&key, names.into_iter())
                )));
            };
            if let Some(v) = map.next_value_seed(ValueSeed { model: self.model, ty: &input.ty })? {
                self.data.insert(key, v);
            }
        }
        Ok(())
    }
}

struct ConsentSeed<'m, 'p> {
    model: &'m Model,
    opt_out: &'p mut Vec<ServiceId>,
    given: &'p mut Vec<ServiceId>,
}

impl<'de> DeserializeSeed<'de> for ConsentSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ConsentSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping with `opt_out` and `given` lists of services")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            let list = match key.as_str() {
                "opt_out" | "withdrawn" => &mut *self.opt_out,
                "given" => &mut *self.given,
                other => {
                    let keys = ["opt_out", "withdrawn", "given"];
                    return Err(de::Error::custom(format!(
                        "unknown consent key `{other}`{}",
                        suggest_in(other, keys.into_iter())
                    )));
                }
            };
            list.extend(map.next_value_seed(ListSeed(ServiceName { model: self.model }))?);
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

#[derive(Clone, Copy)]
struct ApplicationSeed<'m> {
    model: &'m Model,
}

impl<'de> DeserializeSeed<'de> for ApplicationSeed<'_> {
    type Value = Application;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Application, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ApplicationSeed<'_> {
    type Value = Application;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an application: `{ service: NAME, date: YYYY-MM-DD }`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Application, A::Error> {
        let (mut service, mut when) = (None, None);
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            match key.as_str() {
                "service" => service = Some(map.next_value_seed(ServiceName { model: self.model })?),
                "date" => when = Some(date(&map.next_value::<Scalar>()?.0, "date")?),
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown application key `{other}`; expected `service` and `date`"
                    )));
                }
            }
        }
        match (service, when) {
            (Some(service), Some(date)) => Ok(Application { service, date }),
            _ => Err(de::Error::custom("an application needs `service` and `date`")),
        }
    }
}

#[derive(Clone, Copy)]
struct EventSeed<'m> {
    model: &'m Model,
}

impl<'de> DeserializeSeed<'de> for EventSeed<'_> {
    type Value = ProfileEvent;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ProfileEvent, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventSeed<'_> {
    type Value = ProfileEvent;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event: `{ event: NAME, date: YYYY-MM-DD, data: { … } }`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ProfileEvent, A::Error> {
        let m = self.model;
        let (mut event, mut when, mut recorded) = (None, None, None);
        let mut data: Option<Vec<Option<Value>>> = None;
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
                "data" => {
                    let Some(e) = event else {
                        return Err(de::Error::custom("write `event:` before `data:`"));
                    };
                    let fields = &m.events[e].fields;
                    let mut values = vec![None; fields.len()];
                    map.next_value_seed(FieldsSeed {
                        model: m,
                        owner: &m.events[e].name,
                        fields,
                        values: &mut values,
                    })?;
                    data = Some(values);
                }
                other => {
                    let keys = ["event", "date", "recorded", "data"];
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
        let data = data.unwrap_or_else(|| vec![None; m.events[event].fields.len()]);
        Ok(ProfileEvent { event, date, recorded, data })
    }
}
