//! How type expressions resolve to the model's types.

use super::Checker;
use super::symbols::DeclKind;
use crate::model::{EnumId, Id, RecordId, Type};
use crate::syntax::ast::TypeExpr;
use crate::vocabulary::Builtin;

impl Checker<'_> {
    pub fn resolve_type(&mut self, ty: &TypeExpr) -> Type {
        match ty {
            TypeExpr::List(inner, _) => Type::List(Box::new(self.resolve_type(inner))),
            TypeExpr::Scale(t, v, _) => {
                Type::Scale(Box::new(self.resolve_type(t)), Box::new(self.resolve_type(v)))
            }
            TypeExpr::Named(ident) => {
                if let Some(b) = Builtin::from_word(&ident.name) {
                    return Type::of_builtin(b);
                }
                match self.symbols.get(&ident.name) {
                    Some(symbol) if symbol.kind == DeclKind::Enum => {
                        self.mark_used(&ident.name);
                        Type::Enum(EnumId::new(symbol.id))
                    }
                    Some(symbol) if symbol.kind == DeclKind::Record => {
                        self.mark_used(&ident.name);
                        Type::Record(RecordId::new(symbol.id))
                    }
                    Some(symbol) => {
                        self.report(super::errors::not_a_type(ident, symbol.kind));
                        Type::Error
                    }
                    None if self.symbols.is_broken(&ident.name) => Type::Error,
                    None => {
                        let mut names: Vec<&str> = Builtin::all_words().collect();
                        names.extend(self.symbols.names_of(&[DeclKind::Enum, DeclKind::Record]));
                        let suggestion = super::symbols::suggest(&ident.name, names);
                        self.report(super::errors::unknown_type(ident, suggestion));
                        Type::Error
                    }
                }
            }
        }
    }
}
