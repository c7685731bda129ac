//! `reglament list`: the situations, services, events, persons and groups, and parameters
//! of a set, with their titles (for a group, its roles; for a parameter, its value in force
//! on a date).

use super::output::Stdout;
use super::{Color, Exit, compile_clean};
use crate::date::Date;
use crate::graph::render::printable;
use crate::model::Model;
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Files or directories of the regulation set
    #[arg(default_value = "regulations")]
    pub paths: Vec<PathBuf>,

    /// Only declarations of these kinds (all by default)
    #[arg(long, value_enum)]
    pub kind: Vec<Kind>,

    /// The date on which parameters are shown (today by default)
    #[arg(long, value_parser = super::parse_date)]
    pub on: Option<Date>,

    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Situation,
    Service,
    Event,
    Person,
    Group,
    Parameter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One line per declaration: kind, name, title
    Human,
    /// A JSON list of `{ kind, name, title, value }`
    Json,
}

#[derive(Serialize)]
struct Item {
    kind: Kind,
    name: String,
    title: Option<String>,
    /// A parameter's value in force on the date, or a group's roles.
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

fn items(model: &Model, kinds: &[Kind], on: Date) -> Vec<Item> {
    let wanted = |k: Kind| kinds.is_empty() || kinds.contains(&k);
    let mut items = Vec::new();
    let mut add = |kind, name: &str, title: &Option<String>, value| {
        if wanted(kind) {
            items.push(Item { kind, name: name.to_string(), title: title.clone(), value });
        }
    };
    for s in model.situations.iter() {
        add(Kind::Situation, &s.name, &s.title, None);
    }
    for s in model.services.iter() {
        add(Kind::Service, &s.name, &s.title, None);
    }
    for e in model.events.iter() {
        add(Kind::Event, &e.name, &e.title, None);
    }
    for e in model.entities.iter() {
        let roles: Vec<String> =
            e.roles.iter().map(|r| format!("{} {}", r.name.text, r.cardinality())).collect();
        let (kind, value) =
            if e.group { (Kind::Group, Some(roles.join(", "))) } else { (Kind::Person, None) };
        add(kind, &e.name, &e.title, value);
    }
    for p in model.params.iter() {
        let value = Some(match p.key {
            None => p.at(on, 0).map_or_else(|| format!("no value on {on}"), |v| model.show(v)),
            Some(key) => {
                let keyed: Vec<String> = model.enums[key]
                    .variants
                    .iter()
                    .enumerate()
                    .map(|(k, v)| {
                        format!(
                            "{v}: {}",
                            p.at(on, k).map_or_else(|| format!("no value on {on}"), |x| model.show(x))
                        )
                    })
                    .collect();
                keyed.join(", ")
            }
        });
        add(Kind::Parameter, &p.name, &p.title, value);
    }
    items
}

pub fn run(args: &ListArgs, color: Color) -> Exit {
    let (_, model) = match compile_clean(&args.paths, color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let items = items(&model, &args.kind, args.on.unwrap_or_else(super::today));
    let mut out = Stdout::new();
    match args.format {
        ListFormat::Human => {
            let width = items.iter().map(|i| i.name.chars().count()).max().unwrap_or(0);
            let mut text = String::new();
            for i in &items {
                let kind = format!("{:?}", i.kind).to_lowercase();
                let pad = " ".repeat(width - i.name.chars().count());
                text.push_str(&format!("{kind:<9}  {}{pad}  {}", i.name, i.title.as_deref().unwrap_or("")));
                if let Some(v) = &i.value {
                    text.push_str(&format!(" = {v}"));
                }
                text.push('\n');
            }
            out.text(&printable(text));
        }
        ListFormat::Json => out.line(&serde_json::to_string_pretty(&items).expect("items serialize")),
    }
    out.finish(Exit::Clean)
}
