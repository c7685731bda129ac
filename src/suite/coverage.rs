//! Coverage of the regulations by their tests, as `opa test --coverage` gives it: every
//! service decided by some test, and every criterion and refusal ground seen both true and
//! false.

use super::Outcome;
use crate::model::Model;
use crate::simulate::decision::Outcome as Decided;
use crate::simulate::explain::Truth;
use std::collections::BTreeSet;

pub struct Coverage {
    /// Items covered and in all.
    pub covered: usize,
    pub total: usize,
    /// What no test exercised, one line each.
    pub missing: Vec<String>,
}

impl Coverage {
    pub fn percent(&self) -> f64 {
        if self.total == 0 { 100.0 } else { self.covered as f64 * 100.0 / self.total as f64 }
    }
}

pub fn measure(model: &Model, outcomes: &[Outcome]) -> Coverage {
    let mut decided: BTreeSet<&str> = BTreeSet::new();
    let mut seen: BTreeSet<(&str, &str, Truth)> = BTreeSet::new();
    for o in outcomes {
        for d in &o.report.decisions {
            if d.outcome != Decided::Suppressed {
                decided.insert(&d.service);
            }
            for c in &d.explain {
                seen.insert((&d.service, &c.name, c.result));
            }
        }
    }
    let mut covered = 0;
    let mut total = 0;
    let mut missing = Vec::new();
    for s in model.services.iter() {
        total += 1;
        if decided.contains(s.name.as_str()) {
            covered += 1;
        } else {
            missing.push(format!("service {}: never decided", s.name));
        }
        let rules = s
            .criteria
            .iter()
            .map(|c| ("criterion", &c.name))
            .chain(s.refusals.iter().map(|r| ("refusal", &r.name)));
        for (kind, name) in rules {
            for result in [Truth::True, Truth::False] {
                total += 1;
                if seen.contains(&(s.name.as_str(), name.as_str(), result)) {
                    covered += 1;
                } else {
                    missing.push(format!("{kind} {}.{name}: never {result}", s.name));
                }
            }
        }
    }
    Coverage { covered, total, missing }
}
