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
        Type::Record(_) | Type::List(_) | Type::Entity(_) | Type::Scale(..) | Type::Error => {
            bad("a single value")
        }
    }
}
