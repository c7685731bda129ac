//! The global symbol table: one namespace for every declaration of a regulation set.

use crate::syntax::ast::{Decl, Module};
use foldhash::HashMap;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeclKind {
    Agency,
    Entity,
    Registry,
    Record,
    Enum,
    Parameter,
    Event,
    Service,
    Trigger,
    Situation,
    Calendar,
}

impl DeclKind {
    pub fn of(decl: &Decl) -> DeclKind {
        match decl {
            Decl::Agency(_) => DeclKind::Agency,
            Decl::Entity(_) => DeclKind::Entity,
            Decl::Registry(_) => DeclKind::Registry,
            Decl::Record(_) => DeclKind::Record,
            Decl::Enum(_) => DeclKind::Enum,
            Decl::Parameter(_) => DeclKind::Parameter,
            Decl::Event(_) => DeclKind::Event,
            Decl::Service(_) => DeclKind::Service,
            Decl::Trigger(_) => DeclKind::Trigger,
            Decl::Situation(_) => DeclKind::Situation,
            Decl::Calendar(_) => DeclKind::Calendar,
        }
    }

    /// The keyword that declares this kind, for help texts.
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::Agency => "agency",
            DeclKind::Entity => "person or group",
            DeclKind::Registry => "registry",
            DeclKind::Record => "record",
            DeclKind::Enum => "enum",
            DeclKind::Parameter => "parameter",
            DeclKind::Event => "event",
            DeclKind::Service => "service",
            DeclKind::Trigger => "trigger",
            DeclKind::Situation => "situation",
            DeclKind::Calendar => "calendar",
        }
    }
}

impl fmt::Display for DeclKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let article =
            if matches!(self, DeclKind::Agency | DeclKind::Enum | DeclKind::Event) { "an" } else { "a" };
        write!(f, "{article} {}", self.keyword())
    }
}

#[derive(Clone, Copy)]
pub struct Symbol<'a> {
    pub kind: DeclKind,
    pub decl: &'a Decl,
    /// The declaration's place among those of its kind: its id in the model's arena.
    pub id: usize,
}

#[derive(Default)]
pub struct Symbols<'a> {
    map: HashMap<&'a str, Symbol<'a>>,
    /// Enum variant name → the enums that declare it (for bare variant names).
    variants: HashMap<&'a str, Vec<&'a str>>,
    /// Names of declarations that failed to parse.
    broken: foldhash::HashSet<&'a str>,
    /// Every declaration in declaration order, with its place in the model (a name declared
    /// twice is the first's; the second has a place of its own, for checking).
    pub order: Vec<Symbol<'a>>,
}

impl<'a> Symbols<'a> {
    /// Builds the table; returns it with the declarations whose names were taken already.
    pub fn build(modules: &[&'a Module]) -> (Symbols<'a>, Vec<(&'a Decl, &'a Decl)>) {
        let mut symbols = Symbols::default();
        let mut duplicates = Vec::new();
        let mut counts = [0usize; 11];
        symbols.broken = modules.iter().flat_map(|m| &m.broken).map(String::as_str).collect();
        let count = modules.iter().map(|m| m.decls.len()).sum();
        symbols.map.reserve(count);
        symbols.order.reserve(count);
        for decl in modules.iter().flat_map(|m| &m.decls) {
            let name = decl.name().name.as_str();
            let kind = DeclKind::of(decl);
            let id = counts[kind as usize];
            counts[kind as usize] += 1;
            let symbol = Symbol { kind, decl, id };
            // A declaration whose name is taken is still checked, in a place of its own.
            symbols.order.push(symbol);
            match symbols.map.get(name) {
                Some(first) => duplicates.push((decl, first.decl)),
                None => {
                    symbols.map.insert(name, symbol);
                    if let Decl::Enum(e) = decl {
                        for v in &e.variants {
                            symbols.variants.entry(v.name.name.as_str()).or_default().push(name);
                        }
                    }
                }
            }
        }
        (symbols, duplicates)
    }

    pub fn get(&self, name: &str) -> Option<Symbol<'a>> {
        self.map.get(name).copied()
    }

    /// Whether the name belongs to a declaration that did not parse.
    pub fn is_broken(&self, name: &str) -> bool {
        self.broken.contains(name)
    }

    /// Enums declaring a variant of this name.
    pub fn variant_owners(&self, name: &str) -> &[&'a str] {
        self.variants.get(name).map_or(&[], Vec::as_slice)
    }

    /// Names of the given kinds, sorted.
    pub fn names_of(&self, kinds: &[DeclKind]) -> Vec<&'a str> {
        let mut names: Vec<&str> =
            self.map.iter().filter(|(_, s)| kinds.contains(&s.kind)).map(|(n, _)| *n).collect();
        names.sort_unstable();
        names
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'a str, Symbol<'a>)> + '_ {
        self.map.iter().map(|(n, s)| (*n, *s))
    }
}

/// The closest candidate to a misspelt name, if one is close enough.
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let score = strsim::normalized_damerau_levenshtein(&lower, &c.to_lowercase());
        if score >= 0.6 && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}
