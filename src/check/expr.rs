//! Typing of expressions. Names resolve, innermost first: comprehension variables, the
//! event payload (in trigger conditions), the service's own inputs, outputs, derived facts
//! and criteria, then parameters and enum variants of the whole set.

use super::Checker;
use super::errors;
use super::service::ServiceEnv;
use super::symbols::{self, DeclKind};
use super::types::Type;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::*;
use crate::vocabulary::{Function, IdKind};

/// What names an expression can see besides the global ones.
pub struct Env<'a> {
    bound: Vec<(&'a str, Type)>,
    event: Vec<(&'a str, Type)>,
    pub service: Option<ServiceEnv<'a>>,
    /// Parameter values are literals: no parameter is visible there.
    constant: bool,
}

impl<'a> Env<'a> {
    pub fn constant() -> Self {
        Env { bound: Vec::new(), event: Vec::new(), service: None, constant: true }
    }

    /// Inside a declaration whose context failed to resolve: only globals are visible.
    pub fn broken() -> Self {
        Env { bound: Vec::new(), event: Vec::new(), service: None, constant: false }
    }

    pub fn event(checker: &mut Checker<'a>, event: &'a Event) -> Self {
        let fields =
            event.fields.iter().map(|f| (f.name.name.as_str(), checker.resolve_type(&f.ty))).collect();
        Env { bound: Vec::new(), event: fields, service: None, constant: false }
    }

    pub fn service(service: ServiceEnv<'a>) -> Self {
        Env { bound: Vec::new(), event: Vec::new(), service: Some(service), constant: false }
    }

    pub fn take_bound(&mut self) -> Vec<(&'a str, Type)> {
        std::mem::take(&mut self.bound)
    }

    pub fn restore_bound(&mut self, bound: Vec<(&'a str, Type)>) {
        self.bound = bound;
    }

    /// Every name visible here, for "did you mean".
    fn visible(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self.bound.iter().chain(&self.event).map(|(n, _)| *n).collect();
        if let Some(s) = &self.service {
            names.extend(s.names());
        }
        names
    }
}

impl<'a> Checker<'a> {
    pub fn type_of(&mut self, e: &'a Expr, env: &mut Env<'a>) -> Type {
        match &e.kind {
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::Int(_) => Type::Int,
            ExprKind::Decimal(_) => Type::Decimal,
            ExprKind::Money(_) => Type::Money,
            ExprKind::Date(_) | ExprKind::Today => Type::Date,
            ExprKind::Duration(_, unit) => Type::Days(*unit),
            ExprKind::Text(_) => Type::Text,
            ExprKind::Error => Type::Error,
            ExprKind::IdLiteral(kind, text) => self.id_literal(kind, text, e.span),
            ExprKind::Name(ident) => self.name(ident, env),
            ExprKind::Member(base, field) => self.member(base, field, env),
            ExprKind::Unary(op, inner) => {
                let t = self.type_of(inner, env);
                let ok = match op {
                    UnOp::Not => t.fits(&Type::Bool),
                    UnOp::Neg => {
                        t.is_error() || matches!(t, Type::Int | Type::Decimal | Type::Money | Type::Days(_))
                    }
                };
                if !ok {
                    let (word, wants) = match op {
                        UnOp::Not => ("not", "a `bool`"),
                        UnOp::Neg => ("-", "a number, an amount or days"),
                    };
                    let msg = format!("`{word}` cannot be applied to `{t}`");
                    self.report(errors::mismatch(
                        e.span,
                        msg,
                        format!("this is `{t}`"),
                        &format!("`{word}` needs {wants}"),
                    ));
                    return Type::Error;
                }
                t
            }
            ExprKind::Binary(op, l, r) => {
                let lt = self.type_of(l, env);
                let rt = self.type_of(r, env);
                self.binary(*op, &lt, &rt, e.span)
            }
            ExprKind::In(value, set) => {
                let vt = self.type_of(value, env);
                for item in set {
                    let it = self.type_of(item, env);
                    if !it.fits(&vt) && !vt.fits(&it) {
                        let msg = format!("`{vt}` is compared with a set member of type `{it}`");
                        self.report(errors::mismatch(
                            item.span,
                            msg,
                            format!("this is `{it}`"),
                            "every member of the set must have the type of the value tested",
                        ));
                    }
                }
                Type::Bool
            }
            ExprKind::If(c, t, f) => {
                let ct = self.type_of(c, env);
                if !ct.fits(&Type::Bool) {
                    self.report(errors::not_boolean(c.span, "the condition of `if`", &ct));
                }
                let tt = self.type_of(t, env);
                let ft = self.type_of(f, env);
                unify(&tt, &ft).unwrap_or_else(|| {
                    let msg = format!("the branches of `if` differ: `{tt}` and `{ft}`");
                    self.report(errors::mismatch(
                        f.span,
                        msg,
                        format!("this is `{ft}`"),
                        "both branches must give values of one type",
                    ));
                    Type::Error
                })
            }
            ExprKind::Call(func, args) => self.call(func, args, e.span, env),
            ExprKind::Comprehension { func, var, list, body } => {
                self.comprehension(func, var, list, body, e.span, env)
            }
        }
    }

    fn id_literal(&mut self, kind: &Ident, text: &str, span: Span) -> Type {
        let Some(k) = self.word(kind, "identifier kind", IdKind::from_word, IdKind::all_words()) else {
            return Type::Error;
        };
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
        match k {
            IdKind::Snils => Type::Snils,
            IdKind::Inn => Type::Inn,
            IdKind::Ogrn => Type::Ogrn,
        }
    }

    fn name(&mut self, ident: &'a Ident, env: &mut Env<'a>) -> Type {
        let name = ident.name.as_str();
        if let Some((_, t)) = env.bound.iter().rev().chain(env.event.iter()).find(|(n, _)| *n == name) {
            return t.clone();
        }
        if let Some(t) = self.service_name(ident, env) {
            return t;
        }
        match self.symbols.get(name) {
            Some(symbol) if symbol.kind == DeclKind::Parameter && !env.constant => {
                self.mark_used(name);
                match symbol.decl {
                    Decl::Parameter(p) => self.resolve_type(&p.ty),
                    _ => Type::Error,
                }
            }
            Some(symbol) => {
                let what = if env.constant { "a literal value" } else { "a value" };
                let mut d = errors::wrong_kind(ident, symbol.kind, what);
                if symbol.kind == DeclKind::Enum {
                    d = d.with_help(format!("name one of its variants: `{name}.variant`"));
                }
                self.report(d);
                Type::Error
            }
            None if self.symbols.is_broken(name) => Type::Error,
            None => match self.symbols.variant_owners(name).to_vec().as_slice() {
                [owner] => {
                    self.mark_used(owner);
                    Type::Enum(owner.to_string())
                }
                [] => {
                    let mut candidates = env.visible();
                    if !env.constant {
                        candidates.extend(self.symbols.names_of(&[DeclKind::Parameter]));
                    }
                    let suggestion = self.suggest_used(name, candidates);
                    let how = "declare it as an input, a derived fact or a parameter".to_string();
                    self.report(errors::undefined(ident, "value", suggestion, how));
                    Type::Error
                }
                owners => {
                    self.report(errors::ambiguous_variant(ident, owners));
                    Type::Error
                }
            },
        }
    }

    fn member(&mut self, base: &'a Expr, field: &'a Ident, env: &mut Env<'a>) -> Type {
        // `Enum.variant`, unless the name is shadowed by a value.
        if let ExprKind::Name(n) = &base.kind {
            let shadowed = env.bound.iter().chain(&env.event).any(|(b, _)| *b == n.name)
                || env.service.as_ref().is_some_and(|s| s.has(&n.name));
            if let (false, Some(symbol)) = (shadowed, self.symbols.get(&n.name)) {
                if let Decl::Enum(en) = symbol.decl {
                    self.mark_used(&n.name);
                    if !en.variants.iter().any(|v| v.name.name == field.name) {
                        let names: Vec<&str> = en.variants.iter().map(|v| v.name.name.as_str()).collect();
                        let suggestion = symbols::suggest(&field.name, names.iter().copied());
                        self.report(errors::unknown_variant(field, &n.name, names, suggestion));
                    }
                    return Type::Enum(n.name.clone());
                }
            }
        }
        let t = self.type_of(base, env);
        match &t {
            Type::Error => Type::Error,
            Type::Record(r) => {
                let Some(symbols::Symbol { decl: Decl::Record(rec), .. }) = self.symbols.get(r) else {
                    return Type::Error;
                };
                match rec.fields.iter().find(|f| f.name.name == field.name) {
                    Some(f) => self.resolve_type(&f.ty),
                    None => {
                        let names: Vec<&str> = rec.fields.iter().map(|f| f.name.name.as_str()).collect();
                        let suggestion = symbols::suggest(&field.name, names.iter().copied());
                        self.report(errors::unknown_field(field, r, names, suggestion));
                        Type::Error
                    }
                }
            }
            other => {
                let msg = format!("a value of type `{other}` has no fields");
                let help = "only records have fields: declare the type with `record`";
                self.report(errors::mismatch(
                    field.span,
                    msg,
                    format!("`.{}` on `{other}`", field.name),
                    help,
                ));
                Type::Error
            }
        }
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
                (a, b) if a.is_number() && b.is_number() => Some(unify(a, b).unwrap_or(T::Decimal)),
                (T::Money, T::Money) => Some(T::Money),
                (T::Date, T::Days(_)) => Some(T::Date),
                (T::Days(_), T::Date) if op == Add => Some(T::Date),
                (T::Date, T::Date) if op == Sub => Some(T::Days(DayKind::Calendar)),
                (T::Days(a), T::Days(b)) if a == b => Some(l.clone()),
                _ => None,
            },
            Mul => match (l, r) {
                (a, b) if a.is_number() && b.is_number() => Some(unify(a, b).unwrap_or(T::Decimal)),
                (T::Money, n) | (n, T::Money) if n.is_number() => Some(T::Money),
                (T::Days(_), T::Int) => Some(l.clone()),
                (T::Int, T::Days(_)) => Some(r.clone()),
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
            let msg = format!("`{}` cannot combine `{l}` and `{r}`", op.symbol());
            let help = match op {
                Or | And => "both sides of `and`/`or` must be conditions (`bool`)",
                Eq | Ne => "only values of the same type can be compared",
                Lt | Le | Gt | Ge => "order comparisons need two numbers, amounts, dates or day counts of one kind",
                Add | Sub => "add numbers to numbers, money to money, days to dates; working and calendar days do not mix",
                Mul | Div => "multiply or divide numbers, or money by a number",
            };
            self.report(errors::mismatch(span, msg, format!("`{l}` {} `{r}`", op.symbol()), help));
            T::Error
        })
    }

    fn call(&mut self, func: &'a Ident, args: &'a [Expr], span: Span, env: &mut Env<'a>) -> Type {
        let types: Vec<Type> = args.iter().map(|a| self.type_of(a, env)).collect();
        let Some(f) = self.word(func, "function", Function::from_word, Function::all_words()) else {
            return Type::Error;
        };
        if types.iter().any(Type::is_error) {
            return if f == Function::Any || f == Function::All { Type::Bool } else { Type::Error };
        }
        let bad = |c: &mut Self, help: &str| {
            let shown: Vec<String> = types.iter().map(ToString::to_string).collect();
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
                    .try_fold(first.clone(), |acc, t| unify(&acc, t))
                    .unwrap_or_else(|| bad(self, "all arguments of min/max must have one type"))
            }
            (Function::Min | Function::Max, [Type::List(inner)]) if inner.is_ordered() => (**inner).clone(),
            (Function::Age, [Type::Date]) | (Function::Age, [Type::Date, Type::Date]) => Type::Int,
            (Function::DaysBetween, [Type::Date, Type::Date]) => Type::Int,
            (Function::Round, [t @ (Type::Money | Type::Decimal)]) => t.clone(),
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
            (Function::Round, _) => {
                bad(self, "`round(x)` rounds money or a decimal to kopecks (two decimals, half up)")
            }
        }
    }

    fn comprehension(
        &mut self,
        func: &'a Ident,
        var: &'a Ident,
        list: &'a Expr,
        body: &'a Expr,
        span: Span,
        env: &mut Env<'a>,
    ) -> Type {
        let lt = self.type_of(list, env);
        let element = match &lt {
            Type::List(inner) => (**inner).clone(),
            Type::Error => Type::Error,
            other => {
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
        let bt = self.type_of(body, env);
        env.bound.pop();
        let f = self.word(func, "aggregate", Function::from_word, Function::all_words());
        let needs_bool = |c: &mut Self, what: &str| {
            if !bt.fits(&Type::Bool) {
                c.report(errors::not_boolean(body.span, what, &bt));
            }
        };
        match f {
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
                let msg = format!("`{}` cannot aggregate values of type `{bt}`", func.name);
                let help = "`count`, `sum`, `any`, `all`, `min` and `max` aggregate; sum numbers or money, count and test conditions";
                self.report(errors::bad_call(span, msg, help.into()));
                Type::Error
            }
        }
    }
}

/// The common type of two values, if any (an int widens to a decimal).
pub fn unify(a: &Type, b: &Type) -> Option<Type> {
    if a.fits(b) && !a.is_error() {
        Some(b.clone())
    } else if b.fits(a) {
        Some(a.clone())
    } else {
        None
    }
}
