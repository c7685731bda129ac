//! A JSON Schema (draft 2020-12) of the profiles a regulation set accepts, so that other
//! tools can validate profile files. `null` stands for an unknown fact everywhere. Each
//! record is defined once under `$defs` and referred to, so a record that contains itself
//! (a chain of nodes) has a finite schema.

use crate::model::{Field, Model, RecordId, RoleMode, Type};
use crate::vocabulary::IdKind;
use serde_json::{Map, Value, json};

fn ty(model: &Model, t: &Type) -> Value {
    match t {
        Type::Bool => json!({"type": "boolean"}),
        Type::Int | Type::Term(_) => json!({"type": "integer"}),
        Type::Decimal => json!({"type": ["number", "string"], "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}),
        Type::Money => json!({"type": ["number", "string"], "pattern": "^-?[0-9]+(\\.[0-9]{1,2})?$"}),
        Type::Date => json!({"type": "string", "format": "date"}),
        Type::Text => json!({"type": "string"}),
        Type::Id(IdKind::Snils) => {
            json!({"type": "string", "pattern": "^([0-9]{3}-[0-9]{3}-[0-9]{3} [0-9]{2}|[0-9]{11})$"})
        }
        Type::Id(IdKind::Inn) => json!({"type": "string", "pattern": "^[0-9]{10}([0-9]{2})?$"}),
        Type::Id(IdKind::Ogrn) => json!({"type": "string", "pattern": "^[0-9]{13}([0-9]{2})?$"}),
        Type::Document => {
            json!({"enum": [true, "present"], "description": "a document or record that exists"})
        }
        Type::Enum(e) => {
            let variants: Vec<&str> = model.enums[*e].variants.iter().map(|v| &*v.text).collect();
            json!({"enum": variants})
        }
        Type::Record(r) => json!({"$ref": format!("#/$defs/{}", fragment(&record_key(model, *r)))}),
        Type::List(inner) => json!({"type": "array", "items": ty(model, inner)}),
        // Persons and groups are named by their ids.
        Type::Entity(_) => json!({"type": ["string", "integer"]}),
        // Months (`2025-01`, or a range `2025-01..2025-12`) to values.
        Type::Monthly(inner) => json!({
            "type": "object",
            "patternProperties": {"^[0-9]{4}-[0-9]{1,2}(\\.\\.[0-9]{4}-[0-9]{1,2})?$": ty(model, inner)},
            "additionalProperties": false,
        }),
        // Scales are parameters, never facts of a profile.
        Type::Scale(..) => json!({}),
        // A model without errors has no error types.
        Type::Error => json!({}),
    }
}

fn record_key(model: &Model, r: RecordId) -> String {
    format!("record.{}", model.records[r].name.text)
}

/// A `$defs` key as a URI fragment: names may be Cyrillic, which a fragment percent-encodes.
fn fragment(key: &str) -> String {
    crate::source::percent_encoded(key, b"")
}

fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "null"}]})
}

fn object(model: &Model, fields: &[Field]) -> Value {
    facts(model, fields.iter().map(|f| (f.name.as_str(), &f.ty)))
}

fn facts<'m>(model: &Model, fields: impl Iterator<Item = (&'m str, &'m Type)>) -> Value {
    let properties: Map<String, Value> =
        fields.map(|(n, t)| (n.to_string(), nullable(ty(model, t)))).collect();
    json!({"type": "object", "properties": properties, "additionalProperties": false})
}

/// `roles: { role: id | [ids] }`; several ids (at most `max`) where the role takes several.
fn roles<'m>(roles: impl Iterator<Item = (&'m str, bool, Option<u32>)>) -> Value {
    let id = json!({"type": ["string", "integer"]});
    let properties: Map<String, Value> = roles
        .map(|(n, several, max)| {
            let mut list = json!({"type": "array", "items": id});
            if let Some(max) = max {
                list["maxItems"] = json!(max);
            }
            let schema = if several { json!({"anyOf": [id, list]}) } else { id.clone() };
            (n.to_string(), schema)
        })
        .collect();
    json!({"type": "object", "properties": properties, "additionalProperties": false})
}

pub fn profiles(model: &Model) -> Value {
    let date = json!({"type": "string", "format": "date"});
    let services: Vec<&str> = model.services.iter().map(|s| &*s.name.text).collect();
    let events: Vec<Value> = model
        .events
        .iter()
        .map(|e| {
            json!({
                "type": "object",
                "properties": {
                    "event": {"const": e.name.text},
                    "date": date,
                    "recorded": date,
                    "roles": roles(e.roles.iter().map(|r| (r.name.as_str(), r.mode == RoleMode::Each, None))),
                    "data": object(model, &e.fields),
                },
                "required": ["event", "date"],
                "additionalProperties": false,
            })
        })
        .collect();
    let applications: Vec<Value> = model
        .services
        .iter()
        .map(|s| {
            json!({
                "type": "object",
                "properties": {
                    "service": {"const": s.name.text},
                    "date": date,
                    "roles": roles(s.roles.iter().map(|r| (r.name.as_str(), false, None))),
                },
                "required": ["service", "date"],
                "additionalProperties": false,
            })
        })
        .collect();
    // Applications for a whole life situation: the roles of its services, by name.
    let requests = model.situations.iter().map(|sit| {
        let mut names: Vec<&str> = Vec::new();
        for r in sit.services.iter().flat_map(|&s| &model.services[s].roles) {
            if !names.contains(&r.name.as_str()) {
                names.push(r.name.as_str());
            }
        }
        json!({
            "type": "object",
            "properties": {
                "situation": {"const": sit.name.text},
                "date": date,
                "roles": roles(names.into_iter().map(|n| (n, false, None))),
            },
            "required": ["situation", "date"],
            "additionalProperties": false,
        })
    });
    let applications: Vec<Value> = applications.into_iter().chain(requests).collect();
    let payments: Vec<Value> = model
        .services
        .iter()
        .filter(|s| s.is_periodic())
        .map(|s| {
            json!({
                "type": "object",
                "properties": {
                    "service": {"const": s.name.text},
                    "roles": roles(s.roles.iter().map(|r| (r.name.as_str(), false, None))),
                    "amount": {"type": ["string", "number"]},
                    "since": date,
                    "months_paid": {"type": "integer", "minimum": 0},
                },
                "required": ["service", "roles", "amount", "since", "months_paid"],
                "additionalProperties": false,
            })
        })
        .collect();
    let person_facts = match model.person() {
        Some(p) => facts(model, model.entities[p].facts.iter().map(|f| (f.name.as_str(), &f.ty))),
        None => json!({"type": "object", "additionalProperties": false}),
    };
    let groups: Vec<Value> = model
        .entities
        .iter()
        .filter(|g| g.group)
        .map(|g| {
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": ["string", "integer"]},
                    "type": {"const": g.name.text},
                    "roles": roles(g.roles.iter().map(|r| (r.name.as_str(), true, r.max))),
                    "facts": facts(model, g.facts.iter().map(|f| (f.name.as_str(), &f.ty))),
                },
                "required": ["id", "type"],
                "additionalProperties": false,
            })
        })
        .collect();
    let scope = json!({"oneOf": [{"const": "all"}, {"type": "array", "items": {"enum": services}}]});
    let statement = |act: &str| {
        json!({
            "type": "object",
            "properties": {"date": date, act: scope},
            "required": [act],
            "additionalProperties": false,
        })
    };
    let statements = ["given", "opt_out", "withdrawn", "resume"].map(statement);
    let profile = json!({
        "type": "object",
        "properties": {
            "id": {"type": ["string", "integer"]},
            "period": {
                "type": "object",
                "properties": {"from": date, "to": date},
                "additionalProperties": false,
            },
            "persons": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": ["string", "integer"]},
                        "facts": person_facts,
                        "consent": {
                            "type": "array",
                            "items": {"oneOf": statements},
                        },
                    },
                    "required": ["id"],
                    "additionalProperties": false,
                },
            },
            "groups": {"type": "array", "items": {"oneOf": groups}},
            "applications": {"type": "array", "items": {"oneOf": applications}},
            "events": {"type": "array", "items": {"oneOf": events}},
            "payments": {"type": "array", "items": {"oneOf": payments}},
        },
        "required": ["id"],
        "additionalProperties": false,
    });
    let mut defs = Map::new();
    defs.insert("profile".into(), profile);
    for (id, record) in model.records.enumerate() {
        defs.insert(record_key(model, id), object(model, &record.fields));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "reglament citizen profiles",
        "description": "A list of profiles, or an object with a `profiles` list; JSON Lines hold one profile per line.",
        "oneOf": [
            {"type": "array", "items": {"$ref": "#/$defs/profile"}},
            {"type": "object", "properties": {"profiles": {"type": "array", "items": {"$ref": "#/$defs/profile"}}}, "required": ["profiles"], "additionalProperties": false},
        ],
        "$defs": defs,
    })
}
