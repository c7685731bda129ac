//! A person's consents and opt-outs, dated: each statement is in force for events on or
//! after its date, for every proactive service or for a list, and a later statement
//! overrides an earlier one (a consent withdrawn, an opt-out resumed).
//!
//! ```yaml
//! consent:
//!   - { date: 2025-01-01, given: all }                 # consents to every proactive service
//!   - { date: 2026-03-01, opt_out: [kindergarten_queue] }
//!   - { date: 2026-06-01, resume: [kindergarten_queue] }
//! ```

use super::{ListSeed, Scalar, ServiceName, date, next_key, suggest_in};
use crate::date::Date;
use crate::model::{Model, ServiceId};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// What a statement does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// Consent given (explicit consent, and no opt-out).
    Given,
    /// Proactive provision refused; a consent given before is withdrawn.
    OptOut,
    /// An opt-out withdrawn: back to what the trigger's policy presumes.
    Resume,
}

#[derive(Clone, Debug)]
pub struct Statement {
    /// In force for events on or after it; `None`: always.
    pub date: Option<Date>,
    pub act: Act,
    /// The services it is about; `None`: every proactive service.
    pub services: Option<Vec<ServiceId>>,
}

/// A person's stand on one service on a date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stand {
    pub consented: bool,
    pub opted_out: bool,
}

/// The stand the statements in force on `on` give for a service, in date order (undated
/// first, then as written).
pub fn stand(statements: &[Statement], s: ServiceId, on: Date) -> Stand {
    let mut order: Vec<&Statement> = statements.iter().filter(|st| st.date.is_none_or(|d| d <= on)).collect();
    order.sort_by_key(|st| st.date);
    let mut stand = Stand::default();
    for st in order.into_iter().filter(|st| st.services.as_ref().is_none_or(|l| l.contains(&s))) {
        match st.act {
            Act::Given => stand = Stand { consented: true, opted_out: false },
            Act::OptOut => stand = Stand { consented: false, opted_out: true },
            Act::Resume => stand.opted_out = false,
        }
    }
    stand
}

/// A list of statements.
pub struct StatementsSeed<'m> {
    pub model: &'m Model,
}

impl<'de> DeserializeSeed<'de> for StatementsSeed<'_> {
    type Value = Vec<Statement>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(ListSeed(StatementSeed { model: self.model }))
    }
}

#[derive(Clone, Copy)]
struct StatementSeed<'m> {
    model: &'m Model,
}

impl<'de> DeserializeSeed<'de> for StatementSeed<'_> {
    type Value = Statement;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Statement, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StatementSeed<'_> {
    type Value = Statement;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a consent statement: `{ date: YYYY-MM-DD, given | opt_out | resume: all | [services] }`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Statement, A::Error> {
        let mut when = None;
        let mut said: Option<(Act, Option<Vec<ServiceId>>)> = None;
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            let act = match key.as_str() {
                "date" => {
                    when = Some(date(&map.next_value::<Scalar>()?.0, "date")?);
                    continue;
                }
                "given" => Act::Given,
                "opt_out" | "withdrawn" => Act::OptOut,
                "resume" => Act::Resume,
                other => {
                    let keys = ["date", "given", "opt_out", "withdrawn", "resume"];
                    return Err(de::Error::custom(format!(
                        "unknown consent key `{other}`{}",
                        suggest_in(other, keys.into_iter())
                    )));
                }
            };
            if said.is_some() {
                return Err(de::Error::custom(
                    "one statement says one thing: `given`, `opt_out` or `resume`; write another for the next",
                ));
            }
            said = Some((act, map.next_value_seed(ScopeSeed { model: self.model })?));
        }
        let Some((act, services)) = said else {
            return Err(de::Error::custom("a consent statement says `given`, `opt_out` or `resume`"));
        };
        Ok(Statement { date: when, act, services })
    }
}

/// `all`, or a list of services.
struct ScopeSeed<'m> {
    model: &'m Model,
}

impl<'de> DeserializeSeed<'de> for ScopeSeed<'_> {
    type Value = Option<Vec<ServiceId>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScopeSeed<'_> {
    type Value = Option<Vec<ServiceId>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`all`, or a list of services")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v {
            "all" => Ok(None),
            other => Err(E::custom(format!("`{other}`: write `all`, or a list of services `[a, b]`"))),
        }
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let seed = ListSeed(ServiceName { model: self.model });
        seed.visit_seq(seq).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_statements_override_earlier_ones_from_their_date() {
        let (a, b) = (ServiceId(0), ServiceId(1));
        let d = |s: &str| Date::parse(s);
        let statements = vec![
            Statement { date: d("2026-03-01"), act: Act::OptOut, services: Some(vec![a]) },
            Statement { date: None, act: Act::Given, services: None },
            Statement { date: d("2026-06-01"), act: Act::Resume, services: Some(vec![a]) },
        ];
        let on = |s: ServiceId, day: &str| stand(&statements, s, d(day).unwrap());
        assert_eq!(on(a, "2026-02-28"), Stand { consented: true, opted_out: false });
        // In force on its own date.
        assert_eq!(on(a, "2026-03-01"), Stand { consented: false, opted_out: true });
        assert_eq!(on(b, "2026-03-01"), Stand { consented: true, opted_out: false });
        // Resumed: no opt-out, and the consent withdrawn stays withdrawn.
        assert_eq!(on(a, "2026-06-01"), Stand { consented: false, opted_out: false });
    }
}
