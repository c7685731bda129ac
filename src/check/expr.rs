//! Typing and lowering of expressions. Names resolve, innermost first: comprehension
//! variables, the event payload (in trigger conditions), the service's own inputs,
//! outputs, derived facts and criteria, then parameters and enum variants of the whole set.

use super::Checker;
use super::errors;
use super::service::ServiceEnv;
use super::symbols::{self, DeclKind};
use crate::diagnostic::Diagnostic;
use crate::model::{self, EntityId, EnumId, FactRef, Id, ParamId, Type, Value};
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, Ident, UnOp, Unit};
use crate::vocabulary::{Function, IdKind};
use model::{Expr, ExprKind as K};

/// What names an expression can see besides the global ones.
pub struct Env<'a> {
    bound: Vec<(&'a str, Type)>,
    event: Vec<(String, Type)>,
    /// The roles of the service, or of the event a trigger condition is evaluated on.
    roles: Vec<(String, EntityId)>,
    pub service: Option<ServiceEnv<'a>>,
    /// Parameter values are literals: no parameter is visible there.
    constant: bool,
}

impl<'a> Env<'a> {
    pub fn constant() -> Self {
        Env { bound: Vec::new(), event: Vec::new(), roles: Vec::new(), service: None, constant: true }
    }

    /// Inside a declaration whose context failed to resolve: only globals are visible.
    pub fn broken() -> Self {
        Env { bound: Vec::new(), event: Vec::new(), roles: Vec::new(), service: None, constant: false }
    }

    pub fn event(event: &model::Event) -> Self {
        let fields = event.fields.iter().map(|f| (f.name.text.clone(), f.ty.clone())).collect();
        let roles = event.roles.iter().map(|r| (r.name.text.clone(), r.entity)).collect();
        Env { bound: Vec::new(), event: fields, roles, service: None, constant: false }
    }

    pub fn service(service: ServiceEnv<'a>, roles: &[model::Role]) -> Self {
        let roles = roles.iter().map(|r| (r.name.text.clone(), r.entity)).collect();
        Env { bound: Vec::new(), event: Vec::new(), roles, service: Some(service), constant: false }
    }

    pub fn take_bound(&mut self) -> Vec<(&'a str, Type)> {
        std::mem::take(&mut self.bound)
    }

    pub fn restore_bound(&mut self, bound: Vec<(&'a str, Type)>) {
        self.bound = bound;
    }

    fn shadows(&self, name: &str) -> bool {
        self.bound.iter().any(|(b, _)| *b == name)
            || self.event.iter().any(|(b, _)| b == name)
            || self.roles.iter().any(|(b, _)| b == name)
            || self.service.as_ref().is_some_and(|s| s.has(name))
    }

    /// Every name visible here, for "did you mean".
    fn visible(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.bound.iter().map(|(n, _)| *n).collect();
        names.extend(self.event.iter().map(|(n, _)| n.as_str()));
        names.extend(self.roles.iter().map(|(n, _)| n.as_str()));
        if let Some(s) = &self.service {
            names.extend(s.names());
        }
        names
    }
}

/// A name or a dotted path as written, if the expression is one.
fn written_path(e: &ast::Expr) -> Option<String> {
    match &e.kind {
        ast::ExprKind::Name(n) => Some(n.name.clone()),
        ast::ExprKind::Member(base, f) => Some(format!("{}.{}", written_path(base)?, f.name)),
        _ => None,
    }
}

/// The word for all members of a group, in either language.
const MEMBERS: [&str; 2] = ["members", "члены"];

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'a> Checker<'a> {
    /// Types an expression and lowers it into the model; what fails is reported and
    /// becomes an error node of type [`Type::Error`].
    pub fn expr(&mut self, e: &'a ast::Expr, env: &mut Env<'a>) -> Expr {
        let (kind, ty) = self.expr_kind(e, env);
        Expr::new(kind, ty, e.span)
    }

    fn expr_kind(&mut self, e: &'a ast::Expr, env: &mut Env<'a>) -> (K, Type) {
        use ast::ExprKind as A;
        match &e.kind {
            A::Bool(v) => (K::Const(Value::Bool(*v)), Type::Bool),
            A::Int(v) => (K::Const(Value::Int(*v)), Type::Int),
            A::Decimal(v) => (K::Const(Value::Decimal(*v)), Type::Decimal),
            A::Money(v) => (K::Const(Value::Money(*v)), Type::Money),
            A::Date(v) => (K::Const(Value::Date(*v)), Type::Date),
            A::Today => (K::Today, Type::Date),
            A::Duration(n, unit) => (K::Const(Value::Term(*n, *unit)), Type::Term(*unit)),
            A::Text(t) => (K::Const(Value::Text(t.as_str().into())), Type::Text),
            A::Error => (K::Error, Type::Error),
            A::IdLiteral(kind, text) => match self.id_literal(kind, text, e.span) {
                Some(ty) => (K::Const(Value::Text(text.as_str().into())), ty),
                None => (K::Error, Type::Error),
            },
            A::Name(ident) => self.name(ident, env),
            A::Member(base, field) => self.member(base, field, env),
            A::Unary(op, inner) => {
                let x = self.expr(inner, env);
                let t = &x.ty;
                let ok = match op {
                    UnOp::Not => t.fits(&Type::Bool),
                    UnOp::Neg => {
                        t.is_error() || matches!(t, Type::Int | Type::Decimal | Type::Money | Type::Term(_))
                    }
                };
                if !ok {
                    let (word, wants) = match op {
                        UnOp::Not => ("not", "a `bool`"),
                        UnOp::Neg => ("-", "a number, an amount or days"),
                    };
                    let t = self.shown(t);
                    let msg = format!("`{word}` cannot be applied to `{t}`");
                    self.report(errors::mismatch(
                        e.span,
                        msg,
                        format!("this is `{t}`"),
                        &format!("`{word}` needs {wants}"),
                    ));
                    return (K::Error, Type::Error);
                }
                let ty = x.ty.clone();
                match op {
                    UnOp::Not => (K::Not(boxed(x)), ty),
                    UnOp::Neg => (K::Neg(boxed(x)), ty),
                }
            }
            A::Binary(op, l, r) => {
                let l = self.expr(l, env);
                let r = self.expr(r, env);
                let ty = self.binary(*op, &l.ty, &r.ty, e.span);
                (K::Binary(*op, boxed(l), boxed(r)), ty)
            }
            A::In(value, set) => {
                let x = self.expr(value, env);
                let mut items = Vec::with_capacity(set.len());
                for item in set {
                    let lowered = self.expr(item, env);
                    let (it, vt) = (&lowered.ty, &x.ty);
                    if !it.fits(vt) && !vt.fits(it) {
                        let (it, vt) = (self.shown(it), self.shown(vt));
                        let msg = format!("`{vt}` is compared with a set member of type `{it}`");
                        self.report(errors::mismatch(
                            item.span,
                            msg,
                            format!("this is `{it}`"),
                            "every member of the set must have the type of the value tested",
                        ));
                    }
                    items.push(lowered);
                }
                (K::In(boxed(x), items), Type::Bool)
            }
            A::If(c, t, f) => {
                let c = self.expr(c, env);
                if !c.ty.fits(&Type::Bool) {
                    let found = self.shown(&c.ty);
                    self.report(errors::not_boolean(c.span, "the condition of `if`", &found));
                }
                let (t, f) = (self.expr(t, env), self.expr(f, env));
                let ty = t.ty.unify(&f.ty).unwrap_or_else(|| {
                    let (tt, ft) = (self.shown(&t.ty), self.shown(&f.ty));
                    let msg = format!("the branches of `if` differ: `{tt}` and `{ft}`");
                    self.report(errors::mismatch(
                        f.span,
                        msg,
                        format!("this is `{ft}`"),
                        "both branches must give values of one type",
                    ));
                    Type::Error
                });
                (K::If(boxed(c), boxed(t), boxed(f)), ty)
            }
            A::Call(func, args) => self.call(func, args, e.span, env),
            A::Comprehension { func, var, list, body } => {
                self.comprehension(func, var, list, body, e.span, env)
            }
        }
    }

    fn id_literal(&mut self, kind: &Ident, text: &str, span: Span) -> Option<Type> {
        let k = self.word(kind, "identifier kind", IdKind::from_word, IdKind::all_words())?;
        if let Err(why) = super::identifiers::validate(k, text) {
            let d = Diagnostic::new(
                crate::diagnostic::Code::InvalidIdentifier,
                format!("invalid {} `{text}`", k.as_str().to_uppercase()),
                span,
                why,
            )
            .with_help("check the number against the source document");
            self.report(d);
        }
        Some(Type::Id(k))
    }

    fn name(&mut self, ident: &'a Ident, env: &mut Env<'a>) -> (K, Type) {
        let name = ident.name.as_str();
        if let Some(depth) = env.bound.iter().rposition(|(n, _)| *n == name) {
            return (K::Var(depth), env.bound[depth].1.clone());
        }
        if let Some(i) = env.event.iter().position(|(n, _)| n == name) {
            return (K::EventField(i), env.event[i].1.clone());
        }
        if let Some(i) = env.roles.iter().position(|(n, _)| n == name) {
            // A role whose entity did not resolve (reported) reads as an error.
            let e = env.roles[i].1;
            let ty = if self.model.entities.get(e).is_some() { Type::Entity(e) } else { Type::Error };
            return (K::Role(i), ty);
        }
        if let Some((local, t)) = self.service_name(ident, env) {
            return (K::Local(local), t);
        }
        match self.symbols.get(name) {
            Some(symbol) if symbol.kind == DeclKind::Parameter && !env.constant => {
                self.mark_used(name);
                let id = ParamId::new(symbol.id);
                if let Some(key) = self.model.params[id].key {
                    let key = self.model.enums[key].name.text.clone();
                    let msg = format!("parameter `{name}` has a value per `{key}`: say for which");
                    let help = format!("give the key as an argument: `{name}(household.{key})`");
                    self.report(errors::bad_call(ident.span, msg, help));
                    return (K::Error, Type::Error);
                }
                (K::Param(id), self.model.params[id].ty.clone())
            }
            Some(symbol) => {
                let what = if env.constant { "a literal value" } else { "a value" };
                let mut d = errors::wrong_kind(ident, symbol.kind, what);
                if symbol.kind == DeclKind::Enum {
                    d = d.with_help(format!("name one of its variants: `{name}.variant`"));
                }
                self.report(d);
                (K::Error, Type::Error)
            }
            None if self.symbols.is_broken(name) => (K::Error, Type::Error),
            None => match self.symbols.variant_owners(name).to_vec().as_slice() {
                [owner] => {
                    self.mark_used(owner);
                    let id: EnumId = self.symbols.get(owner).map_or(EnumId(0), |s| EnumId::new(s.id));
                    (self.variant(id, name), Type::Enum(id))
                }
                [] => {
                    let mut candidates: Vec<String> = env.visible().into_iter().map(str::to_string).collect();
                    if !env.constant {
                        candidates.extend(
                            self.symbols.names_of(&[DeclKind::Parameter]).into_iter().map(str::to_string),
                        );
                    }
                    let suggestion = self.suggest_used(name, candidates.iter().map(String::as_str));
                    let how = "declare it as an input, a derived fact or a parameter".to_string();
                    self.report(errors::undefined(ident, "value", suggestion, how));
                    (K::Error, Type::Error)
                }
                owners => {
                    self.report(errors::ambiguous_variant(ident, owners));
                    (K::Error, Type::Error)
                }
            },
        }
    }

    /// A variant of an enum as a constant.
    fn variant(&self, id: EnumId, name: &str) -> K {
        match self.model.enums[id].variants.iter().position(|v| *v == *name) {
            Some(v) => K::Const(Value::Enum(id, v as u32)),
            None => K::Error,
        }
    }

    fn member(&mut self, base: &'a ast::Expr, field: &'a Ident, env: &mut Env<'a>) -> (K, Type) {
        // `Enum.variant`, unless the name is shadowed by a value.
        if let ast::ExprKind::Name(n) = &base.kind
            && let (false, Some(symbol)) = (env.shadows(&n.name), self.symbols.get(&n.name))
            && let ast::Decl::Enum(en) = symbol.decl
        {
            self.mark_used(&n.name);
            if !en.variants.iter().any(|v| v.name.name == field.name) {
                let names: Vec<&str> = en.variants.iter().map(|v| v.name.name.as_str()).collect();
                let suggestion = symbols::suggest(&field.name, names.iter().copied());
                self.report(errors::unknown_variant(field, &n.name, names, suggestion));
            }
            let id = EnumId::new(symbol.id);
            return (self.variant(id, &field.name), Type::Enum(id));
        }
        // How the author wrote the entity, for help texts: `mother`, `household.head`.
        let written = written_path(base);
        let base = self.expr(base, env);
        match &base.ty {
            Type::Error => (K::Error, Type::Error),
            Type::Entity(e) => {
                let e = *e;
                self.entity_member(base, e, field, written.as_deref())
            }
            Type::List(inner) if matches!(**inner, Type::Entity(_)) => {
                let (what, count) = match &base.kind {
                    K::Members(g, Some(r)) => match &g.ty {
                        Type::Entity(g) => {
                            let role = &self.model.entities[*g].roles[*r];
                            (format!("role `{}`", role.name.text), format!("holds {}", role.cardinality()))
                        }
                        _ => ("this list".to_string(), "holds several".to_string()),
                    },
                    _ => ("this list".to_string(), "holds several".to_string()),
                };
                let msg = format!("{what} can hold several persons, and `.{}` reads one", field.name);
                let d = Diagnostic::new(crate::diagnostic::Code::SeveralInRole, msg, field.span, format!("{what} {count}"))
                    .with_label(base.span, "several persons")
                    .with_help(format!(
                        "aggregate over them, e.g. `min(p in {1}: p.{0})` or `any(p in {1}: …p.{0}…)`; or make the role hold one (`0..1`)",
                        field.name,
                        written.as_deref().unwrap_or("…")
                    ));
                self.report(d);
                (K::Error, Type::Error)
            }
            Type::Record(r) => {
                let record = &self.model.records[*r];
                match record.fields.iter().position(|f| *f.name == *field.name) {
                    Some(i) => {
                        let ty = record.fields[i].ty.clone();
                        (K::Field(boxed(base), i), ty)
                    }
                    None => {
                        let names: Vec<&str> = record.fields.iter().map(|f| &*f.name.text).collect();
                        let suggestion = symbols::suggest(&field.name, names.iter().copied());
                        let owner = record.name.text.clone();
                        let d = errors::unknown_field(field, &owner, names, suggestion);
                        self.report(d);
                        (K::Error, Type::Error)
                    }
                }
            }
            other => {
                let other = self.shown(other);
                let msg = format!("a value of type `{other}` has no fields");
                let help = "only records, persons and groups have fields";
                self.report(errors::mismatch(
                    field.span,
                    msg,
                    format!("`.{}` on `{other}`", field.name),
                    help,
                ));
                (K::Error, Type::Error)
            }
        }
    }

    /// `x.fact`, `group.role`, `group.members` or `person.group`.
    fn entity_member(
        &mut self,
        base: Expr,
        e: EntityId,
        field: &'a Ident,
        written: Option<&str>,
    ) -> (K, Type) {
        let entity = &self.model.entities[e];
        if let Some(f) = entity.fact(&field.name) {
            let ty = entity.facts[f].ty.clone();
            return (K::Fact(boxed(base), FactRef { entity: e, fact: f }), ty);
        }
        // With a second `person` (reported), members have no one type: no cascade.
        let persons = self.model.entities.iter().filter(|e| !e.group).count();
        let person = self.model.person().filter(|_| persons == 1);
        if entity.group {
            let members = Type::List(Box::new(person.map_or(Type::Error, Type::Entity)));
            if let Some(r) = entity.role(&field.name) {
                return if entity.roles[r].single() {
                    (K::Member(boxed(base), r), person.map_or(Type::Error, Type::Entity))
                } else {
                    (K::Members(boxed(base), Some(r)), members)
                };
            }
            if MEMBERS.contains(&field.name.as_str()) {
                return (K::Members(boxed(base), None), members);
            }
        } else if let Some(g) = self.model.entities.find(|g| g.group && g.name.text == field.name) {
            self.mark_used(&field.name);
            return (K::GroupOf(boxed(base), g), Type::Entity(g));
        }
        self.wrong_entity_or_unknown(e, field, written);
        (K::Error, Type::Error)
    }

    /// A name that is no fact of an entity: another entity's fact (E0503) or unknown.
    pub(super) fn wrong_entity_or_unknown(&mut self, e: EntityId, field: &Ident, written: Option<&str>) {
        let x = written.unwrap_or("x");
        let entity = &self.model.entities[e];
        let owner =
            self.model.entities.iter().find(|o| o.group != entity.group && o.fact(&field.name).is_some());
        if let Some(owner) = owner {
            let help = if entity.group {
                format!(
                    "it is a fact of each person: aggregate over the members, e.g. `sum(m in x.members: m.{})`",
                    field.name
                )
            } else {
                format!("reach the person's group first: `{x}.{}.{}`", owner.name.text, field.name)
            };
            let d = Diagnostic::new(
                crate::diagnostic::Code::WrongEntity,
                format!(
                    "`{}` is a fact of `{}`, read here of a `{}`",
                    field.name, owner.name.text, entity.name.text
                ),
                field.span,
                format!("a `{}` has no `{}`", entity.name.text, field.name),
            )
            .with_label(owner.name.span, format!("`{}` is declared here", owner.name.text))
            .with_help(help);
            self.report(d);
            return;
        }
        let mut names: Vec<&str> = entity.facts.iter().map(|f| f.name.as_str()).collect();
        names.extend(entity.roles.iter().map(|r| r.name.as_str()));
        if entity.group {
            names.push(MEMBERS[0]);
        } else {
            names.extend(self.model.entities.iter().filter(|g| g.group).map(|g| g.name.as_str()));
        }
        let suggestion = symbols::suggest(&field.name, names.iter().copied());
        let owner = entity.name.text.clone();
        let d = errors::unknown_field(field, &owner, names, suggestion);
        self.report(d);
    }

    fn binary(&mut self, op: BinOp, l: &Type, r: &Type, span: Span) -> Type {
        use BinOp::*;
        use Type as T;
        if l.is_error() || r.is_error() {
            return match op {
                Or | And | Eq | Ne | Lt | Le | Gt | Ge => T::Bool,
                _ => T::Error,
            };
        }
        let result = match op {
            Or | And => (l == &T::Bool && r == &T::Bool).then_some(T::Bool),
            Eq | Ne => (l.fits(r) || r.fits(l)).then_some(T::Bool),
            Lt | Le | Gt | Ge => (l.is_ordered() && (l.fits(r) || r.fits(l))).then_some(T::Bool),
            Add | Sub => match (l, r) {
                (a, b) if a.is_number() && b.is_number() => Some(a.unify(b).unwrap_or(T::Decimal)),
                (T::Money, T::Money) => Some(T::Money),
                (T::Date, T::Term(_)) => Some(T::Date),
                (T::Term(_), T::Date) if op == Add => Some(T::Date),
                (T::Date, T::Date) if op == Sub => Some(T::Term(Unit::Days)),
                (T::Term(a), T::Term(b)) if a == b => Some(l.clone()),
                _ => None,
            },
            Mul => match (l, r) {
                (a, b) if a.is_number() && b.is_number() => Some(a.unify(b).unwrap_or(T::Decimal)),
                (T::Money, n) | (n, T::Money) if n.is_number() => Some(T::Money),
                (T::Term(_), T::Int) => Some(l.clone()),
                (T::Int, T::Term(_)) => Some(r.clone()),
                _ => None,
            },
            Div => match (l, r) {
                (a, b) if a.is_number() && b.is_number() => Some(T::Decimal),
                (T::Money, n) if n.is_number() => Some(T::Money),
                (T::Money, T::Money) => Some(T::Decimal),
                _ => None,
            },
        };
        result.unwrap_or_else(|| {
            let monthly = matches!(l, T::Monthly(_)) || matches!(r, T::Monthly(_));
            let (l, r) = (self.shown(l), self.shown(r));
            let msg = format!("`{}` cannot combine `{l}` and `{r}`", op.symbol());
            let help = match op {
                Or | And => "both sides of `and`/`or` must be conditions (`bool`)",
                Eq | Ne => "only values of the same type can be compared",
                Lt | Le | Gt | Ge => "order comparisons need two numbers, amounts, dates or terms of one unit (days, working days, months, years)",
                Add | Sub => "add numbers to numbers, money to money, days to dates; working and calendar days do not mix",
                Mul | Div => "multiply or divide numbers, or money by a number",
            };
            let help = if monthly {
                "a fact `by month` holds a value for each month: read it through a window, `total(fact, from_date, to_date)`, or on a date, `value_on(fact, date)`"
            } else {
                help
            };
            self.report(errors::mismatch(span, msg, format!("`{l}` {} `{r}`", op.symbol()), help));
            T::Error
        })
    }

    fn call(&mut self, func: &'a Ident, args: &'a [ast::Expr], span: Span, env: &mut Env<'a>) -> (K, Type) {
        let args: Vec<Expr> = args.iter().map(|a| self.expr(a, env)).collect();
        if let Some(symbol) =
            self.symbols.get(&func.name).filter(|s| s.kind == DeclKind::Parameter && !env.constant)
        {
            return self.keyed(func, ParamId::new(symbol.id), args, span);
        }
        let Some(f) = self.word(func, "function", Function::from_word, Function::all_words()) else {
            return (K::Error, Type::Error);
        };
        let ty = self.call_type(f, func, &args, span);
        (K::Call(f, args), ty)
    }

    /// `param(key)`: a parameter keyed by an enumeration, at a key.
    fn keyed(&mut self, func: &Ident, id: ParamId, mut args: Vec<Expr>, span: Span) -> (K, Type) {
        self.mark_used(&func.name);
        let param = &self.model.params[id];
        let ty = param.ty.clone();
        let Some(key) = param.key else {
            let msg = format!("parameter `{}` has one value at a time and takes no key", func.name);
            self.report(errors::bad_call(span, msg, format!("write `{}` without arguments", func.name)));
            return (K::Error, Type::Error);
        };
        match args.as_slice() {
            [arg] if arg.ty.fits(&Type::Enum(key)) => (K::ParamAt(id, boxed(args.remove(0))), ty),
            _ => {
                let shown: Vec<String> = args.iter().map(|a| self.shown(&a.ty)).collect();
                let key = self.model.enums[key].name.text.clone();
                let msg = format!("`{}` is keyed by `{key}`, and is given ({})", func.name, shown.join(", "));
                let help = format!("give one value of `{key}`: `{}(household.region)`", func.name);
                self.report(errors::bad_call(span, msg, help));
                (K::Error, Type::Error)
            }
        }
    }

    fn call_type(&mut self, f: Function, func: &Ident, args: &[Expr], span: Span) -> Type {
        let types: Vec<&Type> = args.iter().map(|a| &a.ty).collect();
        if types.iter().any(|t| t.is_error()) {
            return if f == Function::Any || f == Function::All { Type::Bool } else { Type::Error };
        }
        let bad = |c: &mut Self, help: &str| {
            let shown: Vec<String> = types.iter().map(|t| c.shown(t)).collect();
            let msg = format!("`{}` cannot be called with ({})", func.name, shown.join(", "));
            c.report(errors::bad_call(span, msg, help.to_string()));
            Type::Error
        };
        match (f, types.as_slice()) {
            (Function::Count, [Type::List(_)]) => Type::Int,
            (Function::Sum, [Type::List(inner)]) if inner.is_number() || **inner == Type::Money => {
                (**inner).clone()
            }
            (Function::Any | Function::All, [Type::List(inner)]) if **inner == Type::Bool => Type::Bool,
            (Function::Min | Function::Max, [first, rest @ ..]) if first.is_ordered() && !rest.is_empty() => {
                rest.iter()
                    .try_fold((*first).clone(), |acc, t| acc.unify(t))
                    .unwrap_or_else(|| bad(self, "all arguments of min/max must have one type"))
            }
            (Function::Min | Function::Max, [Type::List(inner)]) if inner.is_ordered() => (**inner).clone(),
            (Function::Age, [Type::Date]) | (Function::Age, [Type::Date, Type::Date]) => Type::Int,
            (Function::DaysBetween, [Type::Date, Type::Date]) => Type::Int,
            (Function::FirstWorkingDay, [Type::Date]) => Type::Date,
            (Function::Total, [Type::Monthly(t), Type::Date, Type::Date])
                if t.is_number() || **t == Type::Money =>
            {
                (**t).clone()
            }
            (Function::ValueOn, [Type::Monthly(t), Type::Date]) => (**t).clone(),
            (Function::Round, [t @ (Type::Money | Type::Decimal)]) => (*t).clone(),
            // Σ rate × the part of the base in each bracket: money at rates is money.
            (Function::ScaleRate, [Type::Scale(t, v), x]) if x.fits(t) && v.is_number() => (**t).clone(),
            (Function::ScaleAmount | Function::Bracket, [Type::Scale(t, v), x]) if x.fits(t) => (**v).clone(),
            (Function::Count | Function::Sum | Function::Any | Function::All, _) => bad(
                self,
                "aggregates take a list, or a comprehension: `count(c in children: age(c.birth_date) < 3)`",
            ),
            (Function::Min | Function::Max, _) => {
                bad(self, "min/max take two or more values of one ordered type, or a list")
            }
            (Function::Age, _) => bad(
                self,
                "`age(birth_date)` gives full years today; `age(birth_date, on_date)` on a given date",
            ),
            (Function::DaysBetween, _) => bad(self, "`days_between(from_date, to_date)` takes two dates"),
            (Function::Total, _) => bad(
                self,
                "`total(fact, from_date, to_date)` sums a monthly fact (`money by month`) over the months from the one `from_date` is in to the one `to_date` is in",
            ),
            (Function::ValueOn, _) => {
                bad(self, "`value_on(fact, date)` is a monthly fact's value for the month the date is in")
            }
            (Function::FirstWorkingDay, _) => bad(
                self,
                "`first_working_day(date)` takes a date: the date itself when it is a working day, else the next one",
            ),
            (Function::ScaleRate | Function::ScaleAmount | Function::Bracket, _) => bad(
                self,
                "`scale_rate(scale, base)` sums the rate of each bracket on the part of the base in it; `scale_amount(scale, base)` sums the amounts of the brackets the base is above; `bracket(scale, base)` is the value of the bracket the base is in",
            ),
            (Function::Round, _) => {
                bad(self, "`round(x)` rounds money or a decimal to kopecks (two decimals, half up)")
            }
        }
    }

    fn comprehension(
        &mut self,
        func: &'a Ident,
        var: &'a Ident,
        list: &'a ast::Expr,
        body: &'a ast::Expr,
        span: Span,
        env: &mut Env<'a>,
    ) -> (K, Type) {
        let list = self.expr(list, env);
        let element = match &list.ty {
            Type::List(inner) => (**inner).clone(),
            Type::Error => Type::Error,
            other => {
                let other = self.shown(other);
                let msg = format!("`{}` iterates over a list, but this is `{other}`", func.name);
                self.report(errors::mismatch(
                    list.span,
                    msg,
                    format!("this is `{other}`"),
                    "iterate over a `list<…>` input or field",
                ));
                Type::Error
            }
        };
        env.bound.push((var.name.as_str(), element));
        let body = self.expr(body, env);
        env.bound.pop();
        let f = self.word(func, "aggregate", Function::from_word, Function::all_words());
        let bt = body.ty.clone();
        let needs_bool = |c: &mut Self, what: &str| {
            if !bt.fits(&Type::Bool) {
                let found = c.shown(&bt);
                c.report(errors::not_boolean(body.span, what, &found));
            }
        };
        let ty = match f {
            None => Type::Error,
            Some(Function::Count) => {
                needs_bool(self, "the condition of `count`");
                Type::Int
            }
            Some(Function::Any | Function::All) => {
                needs_bool(self, "the condition of an `any`/`all`");
                Type::Bool
            }
            Some(Function::Sum) if bt.is_number() || bt == Type::Money || bt.is_error() => bt,
            Some(Function::Min | Function::Max) if bt.is_ordered() || bt.is_error() => bt,
            Some(_) => {
                let msg = format!("`{}` cannot aggregate values of type `{}`", func.name, self.shown(&bt));
                let help = "`count`, `sum`, `any`, `all`, `min` and `max` aggregate; sum numbers or money, count and test conditions";
                self.report(errors::bad_call(span, msg, help.into()));
                Type::Error
            }
        };
        match f {
            Some(f) => (K::Aggregate(f, boxed(list), boxed(body)), ty),
            None => (K::Error, ty),
        }
    }
}
