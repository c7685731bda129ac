//! Warnings for declarations nothing refers to. Services, triggers and situations are the
//! roots of a regulation set and never count as unused here (reachability is a graph lint).

use super::Checker;
use super::errors;
use super::symbols::DeclKind;
use crate::syntax::ast::Module;

impl Checker<'_> {
    pub(super) fn unused(&mut self, modules: &[Module]) {
        for decl in modules.iter().flat_map(|m| &m.decls) {
            let kind = DeclKind::of(decl);
            let root = matches!(kind, DeclKind::Service | DeclKind::Trigger | DeclKind::Situation);
            let name = decl.name();
            let is_first = self.symbols.get(&name.name).is_some_and(|s| std::ptr::eq(s.decl, decl));
            if !root && is_first && !self.used.contains(&name.name) {
                self.report(errors::unused(name, kind.keyword()));
            }
        }
    }
}
