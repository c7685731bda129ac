//! Regulation tests (`reglament test`): YAML files beside the regulations, each test a
//! profile, an as-of date and the expected outcome per service, in the spirit of
//! OpenFisca's YAML tests and `opa test`.
//!
//! ```yaml
//! - name: второй ребёнок в Кирове, места в саду нет
//!   as_of: 2026-03-01
//!   profile: { persons: [ … ], groups: [ … ], events: [ … ] }
//!   expect:                              # `service[subject]`: a decision per subject
//!     kirov_second_child_payment[мама]: granted
//!     unified_allowance[семья]: refused by income_too_high    # every ground, in order
//!     kindergarten_queue[сын]: not started
//!     survivor_pension[дочь]: { outcome: insufficient data, missing: [папа.pension_coefficient] }
//!     old_age_pension[дед]: { outcome: granted, outputs: { monthly_amount: "26463.35" } }
//! ```

pub mod coverage;
pub mod junit;

use crate::date::Date;
use crate::model::{Model, ServiceId};
use crate::simulate::decision::{Decision, Outcome as Decided, Report};
use crate::simulate::engine;
use crate::simulate::profile;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// An expectation as written: an outcome, or a mapping with the outcome and more.
#[derive(Deserialize)]
#[serde(try_from = "serde_yaml::Value")]
enum RawExpectation {
    Outcome(String),
    Detailed(Detailed),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Detailed {
    outcome: String,
    #[serde(default)]
    outputs: BTreeMap<String, Amount>,
    #[serde(default)]
    missing: Vec<String>,
}

/// An output's value as the report writes it: text, so that amounts stay exact.
#[derive(Deserialize)]
#[serde(try_from = "serde_yaml::Value")]
struct Amount(String);

impl TryFrom<serde_yaml::Value> for Amount {
    type Error = String;
    fn try_from(value: serde_yaml::Value) -> Result<Self, String> {
        match value {
            serde_yaml::Value::String(s) => Ok(Amount(s)),
            serde_yaml::Value::Bool(b) => Ok(Amount(b.to_string())),
            other => Err(format!(
                "write an output's value in quotes, as the report writes it (`\"11000.00\"`), not {}",
                kind(&other)
            )),
        }
    }
}

fn kind(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Null => "nothing",
        serde_yaml::Value::Bool(_) => "a truth value",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "text",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

impl TryFrom<serde_yaml::Value> for RawExpectation {
    type Error = String;
    fn try_from(value: serde_yaml::Value) -> Result<Self, String> {
        match value {
            serde_yaml::Value::String(s) => Ok(RawExpectation::Outcome(s)),
            value @ serde_yaml::Value::Mapping(_) => {
                serde_yaml::from_value(value).map(RawExpectation::Detailed).map_err(|e| e.to_string())
            }
            other => Err(format!(
                "an expectation is an outcome (`granted`, `refused by NAME` …) or a mapping with `outcome`, `outputs` and `missing`, not {}",
                kind(&other)
            )),
        }
    }
}

/// What a test expects of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// `granted`, `provided`, `offered`, `eligible`, `refused`, `not applicable`,
    /// `insufficient data`, `regulation gap`, `suppressed`, `stopped`, `not decided`.
    pub outcome: String,
    /// With `refused by a, b`: every ground the refusal must state, in declared order.
    pub refused_by: Option<Vec<String>>,
    pub outputs: BTreeMap<String, String>,
    pub missing: Vec<String>,
}

const OUTCOMES: &[&str] = &[
    "granted",
    "provided",
    "offered",
    "eligible",
    "refused",
    "not applicable",
    "insufficient data",
    "regulation gap",
    "suppressed",
    "stopped",
    "not decided",
];

impl Expectation {
    fn parse(raw: RawExpectation) -> Result<Self, String> {
        let (text, outputs, missing) = match raw {
            RawExpectation::Outcome(t) => (t, BTreeMap::new(), Vec::new()),
            RawExpectation::Detailed(d) => {
                (d.outcome, d.outputs.into_iter().map(|(k, v)| (k, v.0)).collect(), d.missing)
            }
        };
        let (outcome, refused_by) = match text.split_once(" by ") {
            Some((o, by)) if o.trim() == "refused" => {
                let grounds = by.split(',').map(|g| g.trim().to_string()).collect();
                ("refused".to_string(), Some(grounds))
            }
            _ => (text.trim().replace('_', " "), None),
        };
        if !OUTCOMES.contains(&outcome.as_str()) {
            return Err(format!(
                "`{text}` is not an outcome; expected one of: {}, or `refused by NAME`",
                OUTCOMES.join(", ")
            ));
        }
        Ok(Expectation { outcome, refused_by, outputs, missing })
    }

    fn show(&self) -> String {
        let mut s = self.outcome.clone();
        if let Some(by) = &self.refused_by {
            s.push_str(&format!(" by {}", by.join(", ")));
        }
        s
    }
}

pub struct Test {
    pub file: String,
    pub name: String,
    pub as_of: Date,
    pub profile: profile::Profile,
    pub expect: Vec<(String, ServiceId, Expectation)>,
}

/// The result of one test.
pub struct Outcome {
    pub file: String,
    pub name: String,
    /// One line per unmet expectation, with the explanation of the decision.
    pub failures: Vec<String>,
    /// For each unmet expectation, the service and what would expect what came, in the
    /// form the test wrote (for `test --reset`).
    pub actual: Vec<(String, String)>,
    pub report: Report,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Reads a test file against the model. The tests are read in place, so that an error
/// names the file, the line, the column and the field.
pub fn read(model: &Model, file: &str, text: &str) -> Result<Vec<Test>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    profile::check_nesting(text).map_err(|e| format!("{file}:{}:{}: {}", e.line, e.column, e.message))?;
    let tests =
        TestsSeed { model, file }.deserialize(serde_yaml::Deserializer::from_str(text)).map_err(|e| {
            let at = e.location().map_or(String::new(), |l| format!(":{}:{}", l.line(), l.column()));
            // The reader appends the position, which is given first already.
            let message = e.to_string();
            let message = message.rfind(" at line ").map_or(message.as_str(), |i| &message[..i]).to_string();
            format!("{file}{at}: {message}")
        })?;
    if tests.is_empty() {
        return Err(format!("{file}: no tests; a test file is a list of `- name: …` entries"));
    }
    Ok(tests)
}

#[derive(Clone, Copy)]
struct TestsSeed<'m> {
    model: &'m Model,
    file: &'m str,
}

impl<'de> DeserializeSeed<'de> for TestsSeed<'_> {
    type Value = Vec<Test>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Test>, D::Error> {
        // An empty file is no list at all: no tests.
        d.deserialize_option(self).map(Option::unwrap_or_default)
    }
}

impl<'de> Visitor<'de> for TestsSeed<'_> {
    type Value = Option<Vec<Test>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of tests, each `- name: …`")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut tests = Vec::new();
        while let Some(test) = seq.next_element_seed(TestSeed { model: self.model, file: self.file })? {
            tests.push(test);
        }
        Ok(Some(tests))
    }
}

struct TestSeed<'m> {
    model: &'m Model,
    file: &'m str,
}

impl<'de> DeserializeSeed<'de> for TestSeed<'_> {
    type Value = Test;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Test, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TestSeed<'_> {
    type Value = Test;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a test: a mapping with `name`, `as_of`, `profile` and `expect`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Test, A::Error> {
        let (mut name, mut as_of, mut profile, mut expect) = (None, None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            let twice = match key.as_str() {
                "name" => name.replace(map.next_value::<String>()?).is_some(),
                "as_of" => as_of.replace(map.next_value_seed(DateSeed)?).is_some(),
                "profile" => profile.replace(map.next_value_seed(profile::seed(self.model))?).is_some(),
                "expect" => expect.replace(map.next_value_seed(ExpectSeed { model: self.model })?).is_some(),
                other => {
                    return Err(de::Error::unknown_field(other, &["name", "as_of", "profile", "expect"]));
                }
            };
            if twice {
                return Err(de::Error::custom(format!("`{key}` is given twice; give each key once")));
            }
        }
        let (Some(name), Some(as_of), Some(mut profile), Some(expect)) = (name, as_of, profile, expect)
        else {
            return Err(de::Error::custom("a test needs `name`, `as_of`, `profile` and `expect`"));
        };
        if profile.id.is_empty() {
            profile.id = name.clone();
        }
        Ok(Test { file: self.file.to_string(), name, as_of, profile, expect })
    }
}

/// A date, read where it is written (an error points at it).
struct DateSeed;

impl<'de> DeserializeSeed<'de> for DateSeed {
    type Value = Date;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Date, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for DateSeed {
    type Value = Date;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date (YYYY-MM-DD)")
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Date, E> {
        Date::parse(text).ok_or_else(|| E::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
    }
}

/// What a test expects, service by service.
struct ExpectSeed<'m> {
    model: &'m Model,
}

impl<'de> DeserializeSeed<'de> for ExpectSeed<'_> {
    type Value = Vec<(String, ServiceId, Expectation)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ExpectSeed<'_> {
    type Value = Vec<(String, ServiceId, Expectation)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of services to the outcomes expected")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut expect: Vec<(String, ServiceId, Expectation)> = Vec::new();
        while let Some(service) = map.next_key::<String>()? {
            let (name, subject) = match service.strip_suffix(']').and_then(|k| k.split_once('[')) {
                Some((name, subject)) => (name, Some(subject)),
                None => (service.as_str(), None),
            };
            let Some(id) = self.model.service(name) else {
                let names = self.model.services.iter().map(|s| s.name.as_str());
                let hint = crate::check::symbols::suggest(name, names)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(de::Error::custom(format!("no service `{name}`{hint}")));
            };
            let has_subject = self.model.services[id].subject.is_some();
            if has_subject != subject.is_some() {
                let role = self.model.services[id]
                    .subject
                    .map(|i| self.model.services[id].roles[i].name.text.clone());
                return Err(de::Error::custom(match role {
                    Some(role) => format!(
                        "`{name}` is decided per {role}: write `{name}[ID]` with the id of the {role}"
                    ),
                    None => format!("`{name}` has no subject: write `{name}` alone"),
                }));
            }
            if expect.iter().any(|(s, _, _)| *s == service) {
                return Err(de::Error::custom(format!("`{service}` is given twice; give each key once")));
            }
            let raw = map.next_value::<RawExpectation>()?;
            let e = Expectation::parse(raw).map_err(|m| de::Error::custom(format!("{service}: {m}")))?;
            expect.push((service, id, e));
        }
        // In the order of the names, as the tests have always been run.
        expect.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(expect)
    }
}

/// `service[subject]` as written: the service and the subject's id.
fn key(written: &str) -> (&str, Option<&str>) {
    match written.strip_suffix(']').and_then(|k| k.split_once('[')) {
        Some((name, subject)) => (name, Some(subject)),
        None => (written, None),
    }
}

/// The outcome a report gives a service for a subject: stopped, or its latest decision.
fn actual<'r>(report: &'r Report, written: &str) -> (String, Option<&'r Decision>) {
    let (service, subject) = key(written);
    let stopped = |s: &crate::simulate::decision::Stop| {
        let whose = s.subject.as_deref().or(s.recipient.as_deref());
        s.service == service && whose == subject
    };
    if report.stops.iter().any(stopped) {
        return ("stopped".into(), None);
    }
    let mine = |d: &&Decision| d.service == service && d.subject.as_deref() == subject;
    match report.decisions.iter().rev().find(mine) {
        Some(d) => (d.outcome.text().to_string(), Some(d)),
        None => ("not decided".into(), None),
    }
}

fn explanation(d: &Decision) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(reason) = &d.reason {
        lines.push(format!("    {} ({}): {reason}", d.outcome.text(), d.route));
    }
    for c in &d.explain {
        let reads: Vec<String> = c.reads.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        lines.push(format!("    {} {} = {}   [{}]", c.kind, c.name, c.result, reads.join("; ")));
    }
    lines
}

pub fn run(model: &Model, test: Test) -> Outcome {
    let report = engine::simulate(model, &test.profile, test.as_of, true);
    let mut failures = Vec::new();
    let mut actuals = Vec::new();
    for (service, _, want) in &test.expect {
        let (mut got, mut decision) = actual(&report, service);
        // A suppressed start may still be eligible on application: "suppressed" is about
        // the proactive start, whatever came after.
        if want.outcome == "suppressed"
            && let Some(d) = report.decisions.iter().find(|d| {
                let (name, subject) = key(service);
                d.service == name && d.subject.as_deref() == subject && d.outcome == Decided::Suppressed
            })
        {
            (got, decision) = ("suppressed".into(), Some(d));
        }
        let mut wrong = Vec::new();
        if got != want.outcome {
            wrong.push(format!("expected {}, got {got}", want.show()));
        } else if let Some(by) = &want.refused_by {
            let actual_by = decision.map_or(&[][..], |d| d.refused_by.as_slice());
            if actual_by != by.as_slice() {
                wrong.push(format!(
                    "expected refused by {}, got refused by {}",
                    by.join(", "),
                    actual_by.join(", ")
                ));
            }
        }
        for (output, value) in &want.outputs {
            let got = decision.and_then(|d| d.outputs.get(output)).map_or("nothing", String::as_str);
            if got != value {
                wrong.push(format!("expected {output} = {value}, got {got}"));
            }
        }
        if !want.missing.is_empty() {
            let got: Vec<String> = decision.map(|d| d.missing.clone()).unwrap_or_default();
            if got != want.missing {
                wrong.push(format!(
                    "expected missing [{}], got [{}]",
                    want.missing.join(", "),
                    got.join(", ")
                ));
            }
        }
        if !wrong.is_empty() {
            actuals.push((service.clone(), written(want, &got, decision)));
            let mut text = format!("{service}: {}", wrong.join("; "));
            if let Some(d) = decision {
                for line in explanation(d) {
                    text.push('\n');
                    text.push_str(&line);
                }
            }
            failures.push(text);
        }
    }
    Outcome { file: test.file, name: test.name, failures, actual: actuals, report }
}

/// What a test would write to expect what came: the outcome (with the grounds of a
/// refusal), and the outputs and missing facts when the test names them.
fn written(want: &Expectation, got: &str, decision: Option<&Decision>) -> String {
    let mut outcome = got.to_string();
    if let Some(d) = decision.filter(|d| d.outcome == Decided::Refused && want.refused_by.is_some()) {
        outcome = format!("refused by {}", d.refused_by.join(", "));
    }
    if want.outputs.is_empty() && want.missing.is_empty() {
        return outcome;
    }
    let mut parts = vec![format!("outcome: {outcome}")];
    if !want.outputs.is_empty() {
        let outputs: Vec<String> = want
            .outputs
            .keys()
            .map(|k| {
                let v = decision.and_then(|d| d.outputs.get(k)).map_or("nothing", String::as_str);
                format!("{k}: {}", serde_json::to_string(v).expect("a string serializes"))
            })
            .collect();
        parts.push(format!("outputs: {{ {} }}", outputs.join(", ")));
    }
    if !want.missing.is_empty() {
        let missing = decision.map(|d| d.missing.join(", ")).unwrap_or_default();
        parts.push(format!("missing: [{missing}]"));
    }
    format!("{{ {} }}", parts.join(", "))
}

/// A test file's text with the failing expectations of its tests replaced by what came
/// (`test --reset`); each expectation written on one line is rewritten, others are named
/// in the second list, to be changed by hand.
pub fn reset(text: &str, outcomes: &[&Outcome]) -> (String, Vec<String>) {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut by_hand = Vec::new();
    for o in outcomes {
        let name_line = lines.iter().position(|l| {
            let l = l.trim_start().trim_start_matches("- ").trim();
            l.strip_prefix("name:").is_some_and(|n| n.trim().trim_matches(['"', '\'']) == o.name)
        });
        // The test's lines: from its name to the next test.
        let block = name_line.map(|start| {
            let next = lines[start + 1..].iter().position(|l| l.trim_start().starts_with("- name:"));
            start..next.map_or(lines.len(), |i| start + 1 + i)
        });
        for (service, value) in &o.actual {
            let found = block.clone().and_then(|mut block| {
                block.find(|&i| {
                    lines[i].trim_start().strip_prefix(service.as_str()).is_some_and(|r| r.starts_with(':'))
                })
            });
            let whole = found.filter(|&i| {
                let after = lines[i].split_once(':').map_or("", |(_, v)| v).trim();
                !after.is_empty() && (!after.starts_with('{') || after.ends_with('}'))
            });
            match whole {
                Some(i) => {
                    let indent = lines[i].len() - lines[i].trim_start().len();
                    lines[i] = format!("{}{service}: {value}", " ".repeat(indent));
                }
                None => by_hand.push(format!("{}: {service}", o.name)),
            }
        }
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    (out, by_hand)
}

/// Whether a path names a test file: `*.test.yaml` / `*.test.yml`.
pub fn is_test_file(path: &std::path::Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".test.yaml") || name.ends_with(".test.yml")
}
