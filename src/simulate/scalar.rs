//! Scalar values as profiles and population tables write them, read against their type.

use crate::date::Date;
use crate::model::{Model, Type, Value};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A number written out in digits (`-12.50`), exactly; no exponents, no spaces.
fn decimal(text: &str) -> Option<Decimal> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let plain = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    (plain(whole) && plain(fraction)).then(|| Decimal::from_str(text).ok()).flatten()
}

/// Parses a literal of a type, as profiles give them.
pub fn parse_scalar(ty: &Type, text: &str, model: &Model) -> Result<Value, String> {
    // A cell of megabytes is named by its beginning, not echoed whole.
    let shown = || match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    };
    let bad = |what: &str| Err(format!("`{}` is not {what}", shown()));
    match ty {
        Type::Bool => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => bad("`true` or `false`"),
        },
        Type::Int => text.parse().map(Value::Int).or_else(|_| bad("a whole number")),
        Type::Decimal => decimal(text).map(Value::Decimal).ok_or(()).or_else(|_| bad("a number")),
        Type::Money => match decimal(text).ok_or(()) {
            Ok(d) if d.scale() <= 2 => Ok(Value::Money(d)),
            Ok(_) => bad("an amount in roubles with at most two decimals"),
            Err(_) => bad("an amount in roubles"),
        },
        Type::Date => Date::parse(text).map(Value::Date).ok_or(()).or_else(|_| bad("a date (YYYY-MM-DD)")),
        Type::Term(k) => text.parse().map(|n| Value::Term(n, *k)).or_else(|_| bad("a whole number")),
        Type::Text => Ok(Value::Text(text.into())),
        Type::Id(kind) => match crate::check::identifiers::validate(*kind, text) {
            Ok(()) => Ok(Value::Text(text.into())),
            Err(why) => Err(format!("`{}`: {why}", shown())),
        },
        Type::Document => match text {
            "true" | "present" => Ok(Value::Document),
            _ => bad("`true` (a document that exists)"),
        },
        Type::Enum(e) => {
            let en = &model.enums[*e];
            match en.variants.iter().position(|v| *v == *text) {
                Some(v) => Ok(Value::Enum(*e, v as u32)),
                None => {
                    let variants: Vec<&str> = en.variants.iter().map(|v| &*v.text).collect();
                    Err(format!(
                        "`{}` is not a variant of `{}` ({})",
                        shown(),
                        en.name.text,
                        variants.join(", ")
                    ))
                }
            }
        }
        Type::Record(_)
        | Type::List(_)
        | Type::Entity(_)
        | Type::Scale(..)
        | Type::Monthly(_)
        | Type::Error => bad("a single value"),
    }
}

/// `2025-01` or a range `2025-01..2025-12`, as month numbers (`year × 12 + month − 1`): the
/// months a monthly fact's value is given for; a range runs forward, for at most a century.
pub fn month_range(text: &str) -> Option<(i64, i64)> {
    let month = |t: &str| -> Option<i64> {
        let (y, m) = t.split_once('-')?;
        let ok = y.len() == 4
            && (1..=2).contains(&m.len())
            && (y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit());
        let (y, m): (i64, i64) = (y.parse().ok()?, m.parse().ok()?);
        (ok && (1..=12).contains(&m) && y >= 1).then_some(y * 12 + m - 1)
    };
    let (first, last) = match text.split_once("..") {
        Some((a, b)) => (month(a)?, month(b)?),
        None => (month(text)?, month(text)?),
    };
    (first <= last && last - first < 1200).then_some((first, last))
}

/// A table column of a fact: `fact`, or for a monthly fact `fact.2025-01` or
/// `fact.2025-01..2025-12` (each month of the range gets the cell's value).
pub fn fact_column(entity: &crate::model::Entity, name: &str) -> Result<(usize, Option<(i64, i64)>), String> {
    if let Some(f) = entity.fact(name) {
        return match entity.facts[f].ty {
            Type::Monthly(_) => Err(format!(
                "column `{name}`: a monthly fact takes a column per month or range of months: `{name}.2025-01..2025-12`"
            )),
            _ => Ok((f, None)),
        };
    }
    if let Some((fact, months)) = name.split_once('.')
        && let Some(f) = entity.fact(fact)
        && matches!(entity.facts[f].ty, Type::Monthly(_))
    {
        return month_range(months).map(|m| (f, Some(m))).ok_or_else(|| {
            format!("column `{name}`: `{months}` is not a month (`2025-01`) or a range (`2025-01..2025-12`)")
        });
    }
    Err(format!("column `{name}`: `{}` has no fact `{name}`", entity.name.text))
}

/// Reads a cell into the facts: a monthly fact's months join its series (a month given
/// by two columns is an error).
pub fn put_cell(
    model: &Model,
    entity: &crate::model::Entity,
    facts: &mut super::profile::Facts,
    (fact, months): (usize, Option<(i64, i64)>),
    text: &str,
) -> Result<(), String> {
    if text.is_empty() {
        return Ok(()); // unknown
    }
    let declared = &entity.facts[fact];
    let named = |e: String| format!("{}: {e}", declared.name.text);
    let Some((first, last)) = months else {
        return parse_scalar(&declared.ty, text, model).map(|v| facts.set(fact, Some(v))).map_err(named);
    };
    let Type::Monthly(inner) = &declared.ty else { unreachable!("only monthly facts take months") };
    let value = parse_scalar(inner, text, model).map_err(named)?;
    let mut series = match facts.get(fact) {
        Some(Value::Monthly(s)) => (**s).clone(),
        _ => crate::model::Series { months: Vec::new(), default: None },
    };
    for m in first..=last {
        match series.months.binary_search_by_key(&m, |(x, _)| *x) {
            Ok(_) => return Err(named(format!("month {:04}-{:02} is given twice", m / 12, m % 12 + 1))),
            Err(i) => series.months.insert(i, (m, value.clone())),
        }
    }
    facts.set(fact, Some(Value::Monthly(std::sync::Arc::new(series))));
    Ok(())
}
