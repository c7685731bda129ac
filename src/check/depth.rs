//! Evaluating a fact recurses through the expressions and the facts it reads. The parser
//! bounds each expression's depth; this bounds whole chains (a derived fact computed from
//! one computed from another …), so that any set that checks can be evaluated, explained
//! and compiled to columns on an ordinary thread stack.

use super::Checker;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Expr, ExprKind, Local, Service, ServiceId};
use foldhash::{HashMap, HashMapExt};

/// The deepest evaluation accepted: expression levels plus facts read through, in a row.
pub const MAX_EVALUATION_DEPTH: u32 = 1000;

impl Checker<'_> {
    /// Reports the first fact, criterion, output or refusal ground of a service whose
    /// evaluation would go deeper than the limit.
    pub(super) fn evaluation_depth(&mut self, id: ServiceId) {
        let service = &self.model.services[id];
        let mut depths = Depths { service, memo: HashMap::new() };
        let locals = (0..service.derived.len())
            .map(Local::Derived)
            .chain((0..service.criteria.len()).map(Local::Criterion))
            .chain((0..service.outputs.len()).map(Local::Output));
        let mut too_deep = None;
        for local in locals {
            if depths.local(local) > MAX_EVALUATION_DEPTH {
                let name = match local {
                    Local::Derived(i) => &service.derived[i].name,
                    Local::Criterion(i) => &service.criteria[i].name,
                    Local::Output(i) => &service.outputs[i].name,
                    Local::Input(i) => &service.inputs[i].name,
                };
                too_deep = Some(name.clone());
                break;
            }
        }
        if too_deep.is_none() {
            too_deep = service
                .refusals
                .iter()
                .find(|r| depths.expr(&r.condition) > MAX_EVALUATION_DEPTH)
                .map(|r| r.name.clone());
        }
        if let Some(name) = too_deep {
            let d = Diagnostic::new(
                Code::TooDeep,
                format!("`{name}` is computed through too long a chain of facts"),
                name.span,
                format!("more than {MAX_EVALUATION_DEPTH} steps to evaluate"),
            )
            .with_help(format!(
                "a fact, criterion or output may read others, but evaluating it may not take more than {MAX_EVALUATION_DEPTH} steps in a row: shorten the chain"
            ));
            self.report(d);
        }
    }
}

struct Depths<'m> {
    service: &'m Service,
    /// `None` while a local is being measured (a cycle, reported elsewhere or harmless).
    memo: HashMap<Local, Option<u32>>,
}

impl Depths<'_> {
    fn local(&mut self, local: Local) -> u32 {
        match self.memo.get(&local) {
            Some(Some(d)) => return *d,
            Some(None) => return 0,
            None => {}
        }
        self.memo.insert(local, None);
        let service = self.service;
        let depth = service.local(local).map_or(1, |e| self.expr(e));
        self.memo.insert(local, Some(depth));
        depth
    }

    fn expr(&mut self, e: &Expr) -> u32 {
        let mut deepest = 0;
        let mut children = Vec::new();
        match &e.kind {
            ExprKind::Local(local) => deepest = self.local(*local),
            ExprKind::Field(x, _) | ExprKind::Not(x) | ExprKind::Neg(x) => children.push(&**x),
            ExprKind::Binary(_, l, r) | ExprKind::Aggregate(_, l, r) => children.extend([&**l, &**r]),
            ExprKind::In(x, set) => {
                children.push(&**x);
                children.extend(set);
            }
            ExprKind::If(c, t, f) => children.extend([&**c, &**t, &**f]),
            ExprKind::Call(_, args) => children.extend(args),
            _ => {}
        }
        for child in children {
            deepest = deepest.max(self.expr(child));
        }
        deepest.saturating_add(1)
    }
}
