//! The decision tree of a service: whether it applies, every criterion and refusal ground,
//! each with its result and the values it read, as reports and `evaluate --explain` show
//! it.

use super::eval::Frame;
use crate::model::{Expr, ExprKind, Local, Model, ParamId, Service, Value};
use crate::vocabulary::closed_set;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

closed_set! {
    /// What a check of a decision is.
    pub enum CheckKind {
        /// The service's `applies when`.
        Applies = "applies",
        Criterion = "criterion",
        Refusal = "refusal",
    }
}

closed_set! {
    /// A condition's value in three-valued logic.
    pub enum Truth {
        True = "true",
        False = "false",
        Unknown = "unknown",
    }
}

impl Truth {
    pub fn of(b: Option<bool>) -> Truth {
        match b {
            Some(true) => Truth::True,
            Some(false) => Truth::False,
            None => Truth::Unknown,
        }
    }
}

#[derive(Serialize, Debug)]
pub struct Check {
    pub kind: CheckKind,
    pub name: String,
    pub title: Option<String>,
    pub result: Truth,
    /// The values it read.
    pub reads: BTreeMap<String, String>,
}

/// What each criterion and refusal ground of a service reads, found once for all the
/// cases it explains.
pub struct Explainer {
    reads: Vec<Reads>,
    /// Facts of roles and keyed parameters the checks read, evaluated when shown.
    exprs: Vec<Expr>,
    /// The same trees as JSON text, for writing many: each check's fixed part up to its
    /// result, and what it reads under its JSON key, in the order of the keys.
    json: Vec<(String, Vec<(String, Read)>)>,
    service: String,
    /// The checks, in order: `applies when`, the criteria, the refusal grounds.
    checks: Vec<Source>,
}

/// A check of the decision tree.
#[derive(Clone, Copy)]
enum Source {
    Applies,
    Criterion(usize),
    Refusal(usize),
}

impl Source {
    /// Every check of a service, in the order the tree shows them.
    fn all(service: &Service) -> Vec<Source> {
        let applies = service.applies.iter().map(|_| Source::Applies);
        let criteria = (0..service.criteria.len()).map(Source::Criterion);
        applies.chain(criteria).chain((0..service.refusals.len()).map(Source::Refusal)).collect()
    }

    fn condition(self, service: &Service) -> &Expr {
        match self {
            Source::Applies => service.applies.as_ref().expect("a service that says when it applies"),
            Source::Criterion(i) => &service.criteria[i].condition,
            Source::Refusal(i) => &service.refusals[i].condition,
        }
    }

    /// Kind, name and title, as the tree shows them.
    fn label(self, service: &Service) -> (CheckKind, &str, Option<&str>) {
        match self {
            Source::Applies => (CheckKind::Applies, "when", None),
            Source::Criterion(i) => {
                (CheckKind::Criterion, &service.criteria[i].name.text, service.criteria[i].title.as_deref())
            }
            Source::Refusal(i) => {
                (CheckKind::Refusal, &service.refusals[i].name.text, service.refusals[i].title.as_deref())
            }
        }
    }

    fn result(self, service: &Service, frame: &mut Frame) -> Option<bool> {
        match self {
            Source::Criterion(i) => frame.criterion(i),
            other => frame.eval(other.condition(service)).and_then(|v| v.as_bool()),
        }
    }
}

/// What a check reads, as the explanation shows it.
#[derive(Clone, Copy)]
enum Read {
    Input(usize),
    Derived(usize),
    Param(ParamId),
    /// A fact of a role (`household.region`) or a keyed parameter
    /// (`minimum(household.region)`), by its place among the explainer's expressions.
    Expr(usize),
}

#[derive(Default)]
struct Reads {
    inputs: BTreeSet<usize>,
    derived: BTreeSet<usize>,
    params: BTreeSet<ParamId>,
    /// As written → place among the explainer's expressions.
    exprs: BTreeMap<String, usize>,
}

impl Explainer {
    pub fn new(model: &Model, service: &Service) -> Explainer {
        let checks = Source::all(service);
        let mut exprs = Vec::new();
        let reads: Vec<Reads> = checks
            .iter()
            .map(|c| {
                let mut r = Reads::default();
                collect(c.condition(service), model, service, &mut r, &mut exprs);
                r
            })
            .collect();
        let quoted = |s: &str| serde_json::to_string(s).expect("a string serialises");
        let json = checks
            .iter()
            .map(|c| c.label(service))
            .zip(&reads)
            .map(|((kind, name, title), r)| {
                let title = title.map_or_else(|| "null".to_string(), quoted);
                let head =
                    format!("{{\"kind\":\"{kind}\",\"name\":{},\"title\":{title},\"result\":", quoted(name));
                // Keyed as `check` keys them: a later source of the same name wins.
                let mut keys = BTreeMap::new();
                for &i in &r.inputs {
                    keys.insert(&*service.inputs[i].name, Read::Input(i));
                }
                for &d in &r.derived {
                    keys.insert(&*service.derived[d].name, Read::Derived(d));
                }
                for &p in &r.params {
                    keys.insert(&*model.params[p].name, Read::Param(p));
                }
                for (written, &e) in &r.exprs {
                    keys.insert(written, Read::Expr(e));
                }
                (head, keys.into_iter().map(|(k, s)| (format!("{}:", quoted(k)), s)).collect())
            })
            .collect();
        Explainer { reads, exprs, json, service: quoted(&service.name), checks }
    }

    /// The decision tree of `service` in a frame as one JSON line, exactly as `Tree`
    /// (the row's `line`, the service, `explain`'s checks) serialises, without building it.
    pub fn write_json(
        &self,
        model: &Model,
        service: &Service,
        frame: &mut Frame,
        line: u64,
        out: &mut Vec<u8>,
    ) {
        out.extend_from_slice(b"{\"line\":");
        out.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
        out.extend_from_slice(b",\"service\":");
        out.extend_from_slice(self.service.as_bytes());
        out.extend_from_slice(b",\"checks\":[");
        for (k, (head, reads)) in self.json.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            let result = self.checks[k].result(service, frame);
            out.extend_from_slice(head.as_bytes());
            out.push(b'"');
            out.extend_from_slice(Truth::of(result).as_str().as_bytes());
            out.extend_from_slice(b"\",\"reads\":{");
            for (r, (key, source)) in reads.iter().enumerate() {
                if r > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(key.as_bytes());
                let value = match *source {
                    Read::Input(i) => frame.inputs.get(i).cloned().flatten(),
                    Read::Derived(d) => frame.derived(d),
                    Read::Param(p) => model.params[p].at(frame.today, 0).cloned(),
                    Read::Expr(e) => frame.eval(&self.exprs[e]),
                };
                let shown = value.map_or_else(|| "unknown".to_string(), |v| model.show(&v));
                serde_json::to_writer(&mut *out, &shown).expect("a string serialises");
            }
            out.extend_from_slice(b"}}");
        }
        out.extend_from_slice(b"]}\n");
    }

    fn check(&self, model: &Model, service: &Service, frame: &mut Frame, k: usize) -> Check {
        let source = self.checks[k];
        let result = source.result(service, frame);
        let what = &self.reads[k];
        let mut reads = BTreeMap::new();
        let show = |v: Option<Value>| v.map_or_else(|| "unknown".to_string(), |v| model.show(&v));
        for &i in &what.inputs {
            reads.insert(service.inputs[i].name.text.clone(), show(frame.inputs.get(i).cloned().flatten()));
        }
        for &d in &what.derived {
            let v = frame.derived(d);
            reads.insert(service.derived[d].name.text.clone(), show(v));
        }
        for &p in &what.params {
            reads
                .insert(model.params[p].name.text.clone(), show(model.params[p].at(frame.today, 0).cloned()));
        }
        for (written, &e) in &what.exprs {
            let v = frame.eval(&self.exprs[e]);
            reads.insert(written.clone(), show(v));
        }
        let (kind, name, title) = source.label(service);
        Check {
            kind,
            name: name.to_string(),
            title: title.map(str::to_string),
            result: Truth::of(result),
            reads,
        }
    }

    /// The decision tree of `service` (the one this was made for) in a frame.
    pub fn explain(&self, model: &Model, service: &Service, frame: &mut Frame) -> Vec<Check> {
        (0..self.checks.len()).map(|k| self.check(model, service, frame, k)).collect()
    }
}

/// The inputs, derived facts, parameters, facts of roles and keyed parameters an
/// expression reads, through derived facts.
fn collect(e: &Expr, m: &Model, s: &Service, reads: &mut Reads, exprs: &mut Vec<Expr>) {
    e.walk(&mut |x| match &x.kind {
        ExprKind::Local(Local::Input(i)) => {
            reads.inputs.insert(*i);
        }
        ExprKind::Local(Local::Derived(i)) if reads.derived.insert(*i) => {
            collect(&s.derived[*i].value, m, s, reads, exprs);
        }
        ExprKind::Local(local @ (Local::Criterion(_) | Local::Output(_))) => {
            if let Some(value) = s.local(*local) {
                collect(value, m, s, reads, exprs)
            }
        }
        ExprKind::Param(p) => {
            reads.params.insert(*p);
        }
        ExprKind::Fact(..) | ExprKind::ParamAt(..) => {
            if let Some(w) = written(x, m, s)
                && !reads.exprs.contains_key(&w)
            {
                reads.exprs.insert(w, exprs.len());
                exprs.push(x.clone());
            }
        }
        _ => {}
    });
}

/// A fact of a role or a keyed parameter as the author wrote it: `household.region`,
/// `minimum(household.region)`; none for what a comprehension's variable reads.
fn written(e: &Expr, m: &Model, s: &Service) -> Option<String> {
    match &e.kind {
        ExprKind::Role(r) => Some(s.roles.get(*r)?.name.text.clone()),
        ExprKind::Fact(base, f) => Some(format!("{}.{}", written(base, m, s)?, m.fact(*f).name.text)),
        ExprKind::GroupOf(base, g) => Some(format!("{}.{}", written(base, m, s)?, m.entities[*g].name.text)),
        ExprKind::Member(base, r) => match &base.ty {
            crate::model::Type::Entity(g) => {
                Some(format!("{}.{}", written(base, m, s)?, m.entities[*g].roles[*r].name.text))
            }
            _ => None,
        },
        ExprKind::ParamAt(p, key) => Some(format!("{}({})", m.params[*p].name.text, written(key, m, s)?)),
        _ => None,
    }
}
