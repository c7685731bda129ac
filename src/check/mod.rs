//! Stage 2: name resolution and type checking of a regulation set (all files together),
//! lowering it into the [`Model`] every later stage reads. Every independent error is
//! reported; a failed name or type becomes [`Type::Error`], which fits everywhere, so one
//! mistake does not cascade into many.
//!
//! Two passes: [`declare`] gives every declaration its place in the model's arenas with
//! its declared types, so that the bodies checked next can refer to any of them.

mod calendar;
mod declare;
mod decls;
mod depth;
mod errors;
mod expr;
pub mod identifiers;
mod periods;
mod roles;
mod service;
pub mod symbols;
mod types;
mod unused;

use crate::diagnostic::Diagnostic;
use crate::model::{Id, Model, Type};
use crate::source::FileId;
use crate::syntax::ast::{Ident, Module};
use foldhash::{HashSet, HashSetExt};
use symbols::{DeclKind, Symbols};

/// Checks parsed modules; returns the model and the diagnostics found (unsorted). The
/// model is complete only when no diagnostic is an error. `complete` is false when some
/// text could not be parsed: what it referred to is unknown, so no declaration is reported
/// as unused.
pub fn check(modules: &[&Module], complete: bool) -> (Model, Vec<Diagnostic>) {
    let mut checker = Checker::declared(modules, None);
    for symbol in checker.symbols.order.clone() {
        checker.decl(symbol);
    }
    if complete {
        checker.unused(modules);
    }
    (checker.model, checker.diagnostics)
}

/// The diagnostics of one file's declarations, checked against the whole set: its syntax
/// aside, what [`check`] would report in the file, except what needs every body read
/// (unused declarations) — enough for an editor to answer an edit at once in a large set.
pub fn check_file(modules: &[&Module], file: FileId) -> Vec<Diagnostic> {
    let mut checker = Checker::declared(modules, Some(file));
    for symbol in checker.symbols.order.clone() {
        if symbol.decl.name().span.file == file {
            checker.decl(symbol);
        }
    }
    checker.diagnostics.retain(|d| d.primary.span.file == file);
    checker.diagnostics
}

pub struct Checker<'a> {
    pub symbols: Symbols<'a>,
    used: HashSet<String>,
    diagnostics: Vec<Diagnostic>,
    /// The model as far as it is built.
    model: Model,
}

impl<'a> Checker<'a> {
    /// The first pass done: every declaration in the model with its declared types, names
    /// declared twice reported (those in `file` only, if given).
    fn declared(modules: &[&'a Module], file: Option<FileId>) -> Checker<'a> {
        let (symbols, duplicates) = Symbols::build(modules);
        let mut checker =
            Checker { symbols, used: HashSet::new(), diagnostics: Vec::new(), model: Model::default() };
        for (again, first) in duplicates {
            if file.is_none_or(|f| again.name().span.file == f) {
                let (kind, first_kind) = (DeclKind::of(again), DeclKind::of(first));
                checker.report(errors::duplicate(again.name(), kind, first.name(), first_kind));
            }
        }
        checker.declare();
        checker
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn mark_used(&mut self, name: &str) {
        if !self.used.contains(name) {
            self.used.insert(name.to_string());
        }
    }

    /// Resolves a reference that must name a declaration of one of `kinds`.
    pub fn expect(&mut self, ident: &Ident, kinds: &[DeclKind]) -> Option<symbols::Symbol<'a>> {
        let expected = kinds.iter().map(ToString::to_string).collect::<Vec<_>>().join(" or ");
        match self.symbols.get(&ident.name) {
            Some(symbol) if kinds.contains(&symbol.kind) => {
                self.mark_used(&ident.name);
                Some(symbol)
            }
            Some(symbol) => {
                self.report(errors::wrong_kind(ident, symbol.kind, &expected));
                None
            }
            None if self.symbols.is_broken(&ident.name) => None,
            None => {
                let suggestion = self.suggest_used(&ident.name, self.symbols.names_of(kinds));
                let how = format!("declare it with `{} {} {{ … }}`", kinds[0].keyword(), ident.name);
                let plain = kinds.iter().map(|k| k.keyword()).collect::<Vec<_>>().join(" or ");
                self.report(errors::undefined(ident, &plain, suggestion, how));
                None
            }
        }
    }

    /// Resolves a reference to a declaration of one kind to its id.
    pub fn resolve<I: Id>(&mut self, ident: &Ident, kind: DeclKind) -> Option<I> {
        self.expect(ident, &[kind]).map(|s| I::new(s.id))
    }

    /// A type as the author writes it, for messages.
    pub fn shown(&self, ty: &Type) -> String {
        ty.display(&self.model).to_string()
    }

    /// A suggestion for a misspelt name. The name suggested is what the author meant, so it
    /// no longer counts as unused.
    pub fn suggest_used<'c>(
        &mut self,
        name: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<String> {
        let suggestion = symbols::suggest(name, candidates);
        if let Some(s) = &suggestion {
            self.mark_used(s);
        }
        suggestion
    }

    /// Validates a closed-list word (level, kind, consent …) against its vocabulary.
    pub fn word<T: Copy>(
        &mut self,
        ident: &Ident,
        what: &str,
        from_word: fn(&str) -> Option<T>,
        words: impl Iterator<Item = &'static str>,
    ) -> Option<T> {
        let found = from_word(&ident.name);
        if found.is_none() {
            let words: Vec<&str> = words.collect();
            let suggestion = symbols::suggest(&ident.name, words.iter().copied());
            self.report(errors::unknown_value(ident, what, words, suggestion));
        }
        found
    }
}
