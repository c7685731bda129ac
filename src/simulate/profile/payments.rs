//! Payments in progress: what a registry of payments says is being paid, so that a stop
//! acts on it (a death recorded late, and the months paid to the dead).
//!
//! ```yaml
//! payments:
//!   - { service: old_age_pension, roles: { pensioner: ded }, amount: "26463.35", since: 2021-03-01, months_paid: 68 }
//! ```

use super::{BindingSeed, Profile, Scalar, ServiceName, date, next_key};
use crate::date::Date;
use crate::model::{Model, ServiceId, Value};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

#[derive(Clone, Debug)]
pub struct Payment {
    pub service: ServiceId,
    /// For each role of the service, the person or group bound.
    pub roles: Vec<Option<Value>>,
    /// The monthly amount.
    pub amount: Decimal,
    /// The first month paid (its date's month).
    pub since: Date,
    /// Months paid so far, from `since` on.
    pub months_paid: i64,
}

#[derive(Clone, Copy)]
pub struct PaymentSeed<'m, 'p> {
    pub model: &'m Model,
    pub profile: &'p Profile,
}

impl<'de> DeserializeSeed<'de> for PaymentSeed<'_, '_> {
    type Value = Payment;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Payment, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PaymentSeed<'_, '_> {
    type Value = Payment;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a payment in progress: `{ service, roles: { … }, amount, since, months_paid }`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Payment, A::Error> {
        let m = self.model;
        let (mut service, mut roles, mut amount, mut since, mut months) = (None, None, None, None, None);
        let mut seen = HashSet::new();
        while let Some(key) = next_key(&mut map, &mut seen)? {
            match key.as_str() {
                "service" => {
                    let s = map.next_value_seed(ServiceName { model: m })?;
                    if !m.services[s].is_periodic() {
                        return Err(de::Error::custom(format!(
                            "`{}` is not a periodic payment (`recurs`): nothing of it is in progress",
                            m.services[s].name.text
                        )));
                    }
                    service = Some(s);
                }
                "roles" => {
                    let Some(s) = service else {
                        return Err(de::Error::custom("write `service:` before `roles:`"));
                    };
                    let bound = map.next_value_seed(BindingSeed::of_service(m, self.profile, s))?;
                    roles = Some(bound.into_iter().map(|mut b| b.pop()).collect::<Vec<_>>());
                }
                "amount" => {
                    let text = map.next_value::<Scalar>()?.0;
                    match crate::simulate::scalar::parse_scalar(&crate::model::Type::Money, &text, m) {
                        Ok(Value::Money(d)) => amount = Some(d),
                        _ => {
                            return Err(de::Error::custom(format!(
                                "`{text}` is not an amount (`\"26463.35\"`)"
                            )));
                        }
                    }
                }
                "since" => since = Some(date(&map.next_value::<Scalar>()?.0, "since")?),
                "months_paid" => {
                    let text = map.next_value::<Scalar>()?.0;
                    match text.parse::<i64>() {
                        Ok(n) if (0..=12 * 200).contains(&n) => months = Some(n),
                        _ => {
                            return Err(de::Error::custom(format!(
                                "`{text}` is not a number of months paid"
                            )));
                        }
                    }
                }
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown payment key `{other}`; expected `service`, `roles`, `amount`, `since` and `months_paid`"
                    )));
                }
            }
        }
        let (Some(service), Some(amount), Some(since), Some(months_paid)) = (service, amount, since, months)
        else {
            return Err(de::Error::custom(
                "a payment in progress needs `service`, `amount`, `since` and `months_paid`",
            ));
        };
        let s = &m.services[service];
        let roles = roles.unwrap_or_else(|| vec![None; s.roles.len()]);
        for r in [s.subject, s.recipient].into_iter().flatten() {
            if roles[r].is_none() {
                return Err(de::Error::custom(format!(
                    "a payment of `{}` names its subject and recipient: `roles: {{ {}: … }}`",
                    s.name.text, s.roles[r].name.text
                )));
            }
        }
        Ok(Payment { service, roles, amount, since, months_paid })
    }
}
