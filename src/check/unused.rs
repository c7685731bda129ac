//! Warnings for declarations nothing refers to. Services, triggers and situations are the
//! roots of a regulation set and never count as unused here (reachability is a graph lint).

use super::Checker;
use super::errors;
use super::symbols::DeclKind;
use crate::syntax::ast::Module;

impl Checker<'_> {
    pub(super) fn unused(&mut self, modules: &[&Module]) {
        let groups = modules
            .iter()
            .flat_map(|m| &m.decls)
            .any(|d| matches!(d, crate::syntax::ast::Decl::Entity(e) if e.group));
        for decl in modules.iter().flat_map(|m| &m.decls) {
            let kind = DeclKind::of(decl);
            let root = matches!(
                kind,
                DeclKind::Service | DeclKind::Trigger | DeclKind::Situation | DeclKind::Calendar
            );
            let name = decl.name();
            let is_first = self.symbols.get(&name.name).is_some_and(|s| std::ptr::eq(s.decl, decl));
            // The persons of a set are what its groups hold: in use wherever a group is.
            let what = match decl {
                crate::syntax::ast::Decl::Entity(e) if e.group => "group",
                crate::syntax::ast::Decl::Entity(_) if groups => continue,
                crate::syntax::ast::Decl::Entity(_) => "person",
                _ => kind.keyword(),
            };
            if !root && is_first && !self.used.contains(&name.name) {
                self.report(errors::unused(name, what));
            }
        }
    }
}
