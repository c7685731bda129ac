//! A JSON Schema (draft 2020-12) of the profiles a regulation set accepts, so that other
//! tools can validate profile files. `null` stands for an unknown fact everywhere.

use super::model::{Model, Src, Ty};
use crate::vocabulary::IdKind;
use serde_json::{Map, Value, json};

fn ty(model: &Model, t: &Ty) -> Value {
    match t {
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Int | Ty::Days(_) => json!({"type": "integer"}),
        Ty::Decimal => json!({"type": ["number", "string"], "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}),
        Ty::Money => json!({"type": ["number", "string"], "pattern": "^-?[0-9]+(\\.[0-9]{1,2})?$"}),
        Ty::Date => json!({"type": "string", "format": "date"}),
        Ty::Text => json!({"type": "string"}),
        Ty::Id(IdKind::Snils) => {
            json!({"type": "string", "pattern": "^([0-9]{3}-[0-9]{3}-[0-9]{3} [0-9]{2}|[0-9]{11})$"})
        }
        Ty::Id(IdKind::Inn) => json!({"type": "string", "pattern": "^[0-9]{10}([0-9]{2})?$"}),
        Ty::Id(IdKind::Ogrn) => json!({"type": "string", "pattern": "^[0-9]{13}([0-9]{2})?$"}),
        Ty::Document => json!({"enum": [true, "present"], "description": "a document or record that exists"}),
        Ty::Enum(e) => json!({"enum": model.enums[*e as usize].variants}),
        Ty::Record(r) => object(model, &model.records[*r as usize].fields),
        Ty::List(inner) => json!({"type": "array", "items": ty(model, inner)}),
    }
}

fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "null"}]})
}

fn object(model: &Model, fields: &[(String, Ty)]) -> Value {
    let properties: Map<String, Value> =
        fields.iter().map(|(n, t)| (n.clone(), nullable(ty(model, t)))).collect();
    json!({"type": "object", "properties": properties, "additionalProperties": false})
}

pub fn profiles(model: &Model) -> Value {
    let date = json!({"type": "string", "format": "date"});
    let services: Vec<&str> = model.services.iter().map(|s| s.name.as_str()).collect();
    let facts: Map<String, Value> =
        model.registries.iter().map(|r| (r.name.clone(), object(model, &r.fields))).collect();
    let mut applicant = Map::new();
    for input in model.services.iter().flat_map(|s| &s.inputs).filter(|i| i.source == Src::Applicant) {
        applicant.entry(input.name.clone()).or_insert_with(|| nullable(ty(model, &input.ty)));
    }
    let events: Vec<Value> = model
        .events
        .iter()
        .map(|e| {
            json!({
                "type": "object",
                "properties": {
                    "event": {"const": e.name},
                    "date": date,
                    "recorded": date,
                    "data": object(model, &e.fields),
                },
                "required": ["event", "date"],
                "additionalProperties": false,
            })
        })
        .collect();
    let service_list = json!({"type": "array", "items": {"enum": services}});
    let profile = json!({
        "type": "object",
        "properties": {
            "id": {"type": ["string", "integer"]},
            "facts": {"type": "object", "properties": facts, "additionalProperties": false},
            "applicant": {"type": "object", "properties": applicant, "additionalProperties": false},
            "consent": {
                "type": "object",
                "properties": {"opt_out": service_list, "withdrawn": service_list, "given": service_list},
                "additionalProperties": false,
            },
            "applications": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"service": {"enum": services}, "date": date},
                    "required": ["service", "date"],
                    "additionalProperties": false,
                },
            },
            "events": {"type": "array", "items": {"oneOf": events}},
        },
        "required": ["id"],
        "additionalProperties": false,
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "reglament citizen profiles",
        "description": "A list of profiles, or an object with a `profiles` list; JSON Lines hold one profile per line.",
        "oneOf": [
            {"type": "array", "items": {"$ref": "#/$defs/profile"}},
            {"type": "object", "properties": {"profiles": {"type": "array", "items": {"$ref": "#/$defs/profile"}}}, "required": ["profiles"], "additionalProperties": false},
        ],
        "$defs": {"profile": profile},
    })
}
