//! The first pass: every declaration gets its place in the model's arenas, with what can
//! be known without reading expressions (names, titles, declared types, closed-list words,
//! references to other declarations). Bodies are checked and lowered by the second pass.

use super::Checker;
use super::errors;
use super::symbols::DeclKind;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, Name};
use crate::syntax::ast::*;
use crate::vocabulary::{EventKind, Level};
use std::collections::HashMap;

pub fn name(ident: &Ident) -> Name {
    Name { text: ident.name.clone(), span: ident.span }
}

pub fn text(t: &Option<Text>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

impl<'a> Checker<'a> {
    pub(super) fn declare(&mut self) {
        for symbol in self.symbols.order.clone() {
            match symbol.decl {
                Decl::Agency(a) => {
                    let agency = self.agency(a);
                    self.model.agencies.push(agency);
                }
                Decl::Registry(r) => {
                    let owner = r.owner.as_ref().and_then(|o| self.resolve(o, DeclKind::Agency));
                    let fields = self.fields(&r.fields, "registry");
                    self.model.registries.push(model::Registry {
                        name: name(&r.name),
                        title: text(&r.title),
                        owner,
                        fields,
                    });
                }
                Decl::Record(r) => {
                    let fields = self.fields(&r.fields, "record");
                    self.model.records.push(model::Record {
                        name: name(&r.name),
                        title: text(&r.title),
                        fields,
                    });
                }
                Decl::Enum(e) => {
                    let mut seen: HashMap<&str, &Ident> = HashMap::new();
                    for v in &e.variants {
                        if let Some(first) = seen.insert(&v.name.name, &v.name) {
                            self.report(errors::duplicate_local(&v.name, "enum", first));
                        }
                    }
                    self.model.enums.push(model::Enum {
                        name: name(&e.name),
                        title: text(&e.title),
                        variants: e.variants.iter().map(|v| name(&v.name)).collect(),
                    });
                }
                Decl::Parameter(p) => {
                    let ty = self.resolve_type(&p.ty);
                    let param =
                        model::Param { name: name(&p.name), title: text(&p.title), ty, periods: Vec::new() };
                    self.model.params.push(param);
                }
                Decl::Event(e) => {
                    let kind = e.kind.as_ref().and_then(|k| {
                        self.word(k, "event kind", EventKind::from_word, EventKind::all_words())
                    });
                    let registry = e.registry.as_ref().and_then(|r| self.resolve(r, DeclKind::Registry));
                    let fields = self.fields(&e.fields, "event");
                    let event =
                        model::Event { name: name(&e.name), title: text(&e.title), kind, registry, fields };
                    self.model.events.push(event);
                }
                Decl::Service(s) => {
                    // Outputs are declared here: other services take inputs from them.
                    let outputs = s
                        .outputs
                        .iter()
                        .map(|o| model::Output {
                            name: name(&o.name),
                            ty: self.resolve_type(&o.ty),
                            value: None,
                            writes: None,
                        })
                        .collect();
                    self.model.services.push(model::Service {
                        name: name(&s.name),
                        title: text(&s.title),
                        agency: None,
                        legal: Vec::new(),
                        kind: None,
                        recurs: None,
                        inputs: Vec::new(),
                        outputs,
                        derived: Vec::new(),
                        criteria: Vec::new(),
                        refusals: Vec::new(),
                        deadline: None,
                        fee: None,
                        procedures: Vec::new(),
                        alternatives: Vec::new(),
                        emits: Vec::new(),
                    });
                }
                Decl::Trigger(t) => {
                    self.model.triggers.push(model::Trigger {
                        name: name(&t.name),
                        title: text(&t.title),
                        on: None,
                        condition: None,
                        action: None,
                        consent: None,
                        notify: Vec::new(),
                    });
                }
                Decl::Situation(s) => {
                    self.model.situations.push(model::Situation {
                        name: name(&s.name),
                        title: text(&s.title),
                        on: Vec::new(),
                        services: Vec::new(),
                    });
                }
            }
        }
    }

    fn agency(&mut self, a: &Agency) -> model::Agency {
        let level =
            a.level.as_ref().and_then(|l| self.word(l, "agency level", Level::from_word, Level::all_words()));
        if matches!(level, Some(Level::Regional | Level::Municipal)) && a.territory.is_none() {
            let d = Diagnostic::new(
                Code::NoTerritory,
                format!(
                    "agency `{}` is {} but has no territory",
                    a.name.name,
                    level.map_or("", |l| l.as_str())
                ),
                a.name.span,
                "its services apply only in its territory",
            )
            .with_help("add e.g. `territory \"Кировская область\"`");
            self.report(d);
        }
        model::Agency { name: name(&a.name), title: text(&a.title), level, territory: text(&a.territory) }
    }

    fn fields(&mut self, fields: &[Field], what: &str) -> Vec<model::Field> {
        let mut seen: HashMap<&str, &Ident> = HashMap::new();
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            if let Some(first) = seen.insert(&f.name.name, &f.name) {
                self.report(errors::duplicate_local(&f.name, what, first));
            }
            out.push(model::Field { name: name(&f.name), ty: self.resolve_type(&f.ty) });
        }
        out
    }
}
