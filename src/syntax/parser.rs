//! From pest pairs to the AST. Positions become owned [`Span`]s here; literal values are
//! validated (dates, numbers, amounts) and properties that may appear once are checked.

use super::ast::*;
use super::errors::{duplicate_property, missing_property};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/reglament.pest"]
pub struct RglParser;

/// Expressions deeper than this (after parsing) become a diagnostic: the checker and the
/// simulator walk expressions recursively.
pub const MAX_EXPR_DEPTH: u32 = 200;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left))
        .op(Op::postfix(Rule::in_set))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::member))
});

pub struct Builder<'d> {
    pub file: FileId,
    /// Where the parsed text starts in the file (declarations may be parsed one by one).
    pub offset: usize,
    pub diagnostics: &'d mut Vec<Diagnostic>,
}

/// Children of a pair that carry meaning: keywords and punctuation are dropped.
fn parts(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_token(p.as_rule()))
}

fn is_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::lbrace
            | Rule::rbrace
            | Rule::lparen
            | Rule::rparen
            | Rule::langle
            | Rule::rangle
            | Rule::colon
            | Rule::comma
            | Rule::equals
            | Rule::dot
    ) || is_keyword(rule)
}

/// Keywords that only mark structure (`true`, `false`, `today` and `applicant` are values).
fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::k_and
            | Rule::k_or
            | Rule::k_not
            | Rule::k_if
            | Rule::k_then
            | Rule::k_else
            | Rule::k_in
            | Rule::k_agency
            | Rule::k_registry
            | Rule::k_record
            | Rule::k_enum
            | Rule::k_parameter
            | Rule::k_event
            | Rule::k_service
            | Rule::k_trigger
            | Rule::k_situation
            | Rule::k_title
            | Rule::k_level
            | Rule::k_territory
            | Rule::k_owner
            | Rule::k_field
            | Rule::k_from
            | Rule::k_to
            | Rule::k_legal
            | Rule::k_kind
            | Rule::k_recurs
            | Rule::k_input
            | Rule::k_source
            | Rule::k_output
            | Rule::k_writes
            | Rule::k_derived
            | Rule::k_criterion
            | Rule::k_refusal
            | Rule::k_when
            | Rule::k_deadline
            | Rule::k_fee
            | Rule::k_procedure
            | Rule::k_inputs
            | Rule::k_outputs
            | Rule::k_request
            | Rule::k_begin
            | Rule::k_end
            | Rule::k_on
            | Rule::k_provide
            | Rule::k_offer
            | Rule::k_applies
            | Rule::k_stop
            | Rule::k_consent
            | Rule::k_notify
            | Rule::k_services
            | Rule::k_list
            | Rule::k_person
            | Rule::k_scale
            | Rule::k_group
            | Rule::k_role
            | Rule::k_provides
            | Rule::k_subject
            | Rule::k_recipient
            | Rule::k_for
            | Rule::k_by
            | Rule::k_calendar
            | Rule::k_at
            | Rule::k_month
            | Rule::k_year
            | Rule::k_non_working
            | Rule::k_working
    )
}

fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    span: Span,
    what: &str,
    first: impl Fn(&T) -> Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match slot {
        Some(old) => diagnostics.push(duplicate_property(what, span, first(old))),
        None => *slot = Some(value),
    }
}

impl Builder<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
    }

    /// The span of a pair without the whitespace an optional tail may have skipped.
    fn tight_span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = self.span(pair);
        match pair.clone().into_inner().last() {
            Some(last) if matches!(pair.as_rule(), Rule::name_like | Rule::number_like) => {
                Span { end: (self.offset + last.as_span().end()) as u32, ..span }
            }
            _ => span,
        }
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident { name: pair.as_str().to_string(), span: self.span(&pair) }
    }

    fn text(&self, pair: Pair<'_, Rule>) -> Text {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
        Text { value: unescape(raw), span }
    }

    fn first_ident(&self, pair: Pair<'_, Rule>) -> Ident {
        let inner = parts(pair).find(|p| p.as_rule() == Rule::ident);
        inner.map(|p| self.ident(p)).unwrap_or_else(|| Ident { name: String::new(), span: Span::default() })
    }

    fn idents(&self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        parts(pair).filter(|p| p.as_rule() == Rule::ident).map(|p| self.ident(p)).collect()
    }

    fn title(&mut self, slot: &mut Option<Text>, pair: Pair<'_, Rule>) {
        let span = self.span(&pair);
        let value = self.text(parts(pair).next().expect("title has a string"));
        set_once(slot, value, span, "title", |t| t.span, self.diagnostics);
    }

    fn once_ident(&mut self, slot: &mut Option<Ident>, pair: Pair<'_, Rule>, what: &str) {
        let span = self.span(&pair);
        let value = self.first_ident(pair);
        set_once(slot, value, span, what, |t| t.span, self.diagnostics);
    }

    fn require<T>(&mut self, slot: &Option<T>, what: &str, decl: &str, name: &Ident, example: &str) {
        if slot.is_none() {
            self.diagnostics.push(missing_property(what, decl, name, example));
        }
    }

    pub fn module(&mut self, file: Pair<'_, Rule>) -> Module {
        let mut decls = Vec::new();
        let mut broken = Vec::new();
        for pair in file.into_inner() {
            match pair.as_rule() {
                Rule::bad_item => {
                    broken.extend(declared_name(pair.as_str()));
                    self.bad_item(pair)
                }
                Rule::EOI => {}
                _ => {
                    if let Some(d) = self.decl(pair) {
                        decls.push(d)
                    }
                }
            }
        }
        Module { file: self.file, decls, broken }
    }

    /// Re-parses a swallowed declaration alone to report where exactly it went wrong.
    fn bad_item(&mut self, pair: Pair<'_, Rule>) {
        use pest::Parser;
        let offset = self.offset + pair.as_span().start();
        let diagnostic = match RglParser::parse(Rule::decl_one, pair.as_str()) {
            Err(error) => super::errors::syntax_error(&error, self.file, offset, pair.get_input()),
            // Cannot happen: the text did not parse as a declaration in place.
            Ok(_) => {
                Diagnostic::new(Code::Syntax, "this declaration could not be read", self.span(&pair), "here")
            }
        };
        self.diagnostics.push(diagnostic);
    }

    pub fn decl(&mut self, pair: Pair<'_, Rule>) -> Option<Decl> {
        Some(match pair.as_rule() {
            Rule::agency => Decl::Agency(self.agency(pair)),
            Rule::registry => Decl::Registry(self.registry(pair)),
            Rule::person_decl | Rule::group_decl => Decl::Entity(self.entity(pair)),
            Rule::record_decl => Decl::Record(self.record(pair)),
            Rule::enum_decl => Decl::Enum(self.enumeration(pair)),
            Rule::parameter => Decl::Parameter(self.parameter(pair)),
            Rule::event => Decl::Event(self.event(pair)),
            Rule::service => Decl::Service(Box::new(self.service(pair))),
            Rule::trigger => Decl::Trigger(self.trigger(pair)),
            Rule::situation => Decl::Situation(self.situation(pair)),
            Rule::calendar => Decl::Calendar(self.calendar(pair)),
            _ => return None,
        })
    }

    fn agency(&mut self, pair: Pair<'_, Rule>) -> Agency {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut a = Agency { name, title: None, level: None, territory: None };
        for p in it {
            match p.as_rule() {
                Rule::title => self.title(&mut a.title, p),
                Rule::level => self.once_ident(&mut a.level, p, "level"),
                Rule::territory => {
                    let span = self.span(&p);
                    let t = self.text(parts(p).next().expect("string"));
                    set_once(&mut a.territory, t, span, "territory", |t| t.span, self.diagnostics);
                }
                _ => {}
            }
        }
        self.require(&a.title, "title", "agency", &a.name, "title \"Федеральная налоговая служба\"");
        self.require(&a.level, "level", "agency", &a.name, "level federal");
        a
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> Field {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let ty = self.type_expr(it.next().expect("type"));
        Field { name, ty }
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::list_type => {
                let inner = parts(pair).next().expect("element type");
                TypeExpr::List(Box::new(self.type_expr(inner)), span)
            }
            Rule::scale_type => {
                let mut it = parts(pair);
                let threshold = self.type_expr(it.next().expect("threshold type"));
                let value = self.type_expr(it.next().expect("value type"));
                TypeExpr::Scale(Box::new(threshold), Box::new(value), span)
            }
            _ => TypeExpr::Named(self.first_ident(pair)),
        }
    }

    fn registry(&mut self, pair: Pair<'_, Rule>) -> Registry {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut r = Registry { name, title: None, owner: None, provides: Vec::new() };
        for p in it {
            match p.as_rule() {
                Rule::title => self.title(&mut r.title, p),
                Rule::owner => self.once_ident(&mut r.owner, p, "owner"),
                Rule::provides => {
                    for path in parts(p) {
                        let path = self.path(path);
                        r.provides.push(path);
                    }
                }
                _ => {}
            }
        }
        self.require(&r.owner, "owner", "registry", &r.name, "owner zags");
        r
    }

    fn entity(&mut self, pair: Pair<'_, Rule>) -> Entity {
        let group = pair.as_rule() == Rule::group_decl;
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut e = Entity { name, title: None, group, roles: Vec::new(), facts: Vec::new() };
        for p in it {
            match p.as_rule() {
                Rule::title => self.title(&mut e.title, p),
                Rule::fact => {
                    let mut q = parts(p);
                    let name = self.ident(q.next().expect("name"));
                    let ty = self.type_expr(q.next().expect("type"));
                    let mut rest = q.peekable();
                    let monthly = rest.next_if(|x| x.as_rule() == Rule::by_month).is_some();
                    let default = rest.next().map(|v| self.expr(v));
                    e.facts.push(FactDecl { name, ty, monthly, default });
                }
                Rule::group_role => {
                    let mut q = parts(p);
                    let name = self.ident(q.next().expect("name"));
                    let cardinality = q.next().and_then(|c| self.cardinality(c));
                    e.roles.push(GroupRole { name, cardinality });
                }
                _ => {}
            }
        }
        e
    }

    /// `n`, `n..` or `n..m`.
    fn cardinality(&mut self, pair: Pair<'_, Rule>) -> Option<Cardinality> {
        let span = self.span(&pair);
        let text = pair.as_str();
        let number = |t: &str| t.parse::<u32>().ok();
        let parsed = match text.split_once("..") {
            None => number(text).map(|n| (n, Some(n))),
            Some((min, "")) => number(min).map(|n| (n, None)),
            Some((min, max)) => number(min).zip(number(max)).map(|(a, b)| (a, Some(b))),
        };
        if parsed.is_none() {
            let d =
                Diagnostic::new(Code::Syntax, format!("`{text}` is too large a count"), span, "too large")
                    .with_help(
                        "a role holds at most 4294967295 members; leave the maximum out for any number",
                    );
            self.diagnostics.push(d);
        }
        parsed.map(|(min, max)| Cardinality { min, max, span })
    }

    fn record(&mut self, pair: Pair<'_, Rule>) -> Record {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut r = Record { name, title: None, fields: Vec::new() };
        for p in it {
            match p.as_rule() {
                Rule::title => self.title(&mut r.title, p),
                Rule::field => r.fields.push(self.field(p)),
                _ => {}
            }
        }
        r
    }

    fn enumeration(&mut self, pair: Pair<'_, Rule>) -> Enum {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut e = Enum { name, title: None, variants: Vec::new() };
        for p in it {
            match p.as_rule() {
                Rule::title => self.title(&mut e.title, p),
                Rule::variant => {
                    let mut v = parts(p);
                    let name = self.ident(v.next().expect("variant"));
                    let title = v.next().map(|s| self.text(s));
                    e.variants.push(Variant { name, title });
                }
                _ => {}
            }
        }
        e
    }

    fn parameter(&mut self, pair: Pair<'_, Rule>) -> Parameter {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let ty = self.type_expr(it.next().expect("type"));
        let mut param = Parameter { name, ty, keyed_by: None, title: None, periods: Vec::new() };
        for p in it {
            match p.as_rule() {
                Rule::title => self.title(&mut param.title, p),
                Rule::keyed_by => param.keyed_by = Some(self.first_ident(p)),
                Rule::period => {
                    let span = self.span(&p);
                    let mut dates = Vec::new();
                    let mut value = None;
                    let mut keyed = Vec::new();
                    let mut brackets = Vec::new();
                    let mut braced = false;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::date => dates.push(self.date(q)),
                            Rule::expr => value = Some(self.expr(q)),
                            Rule::lbrace => braced = true,
                            Rule::scale_bracket => {
                                let mut b = parts(q);
                                let threshold = self.expr(b.next().expect("threshold"));
                                let value = self.expr(b.next().expect("value"));
                                brackets.push((threshold, value));
                            }
                            Rule::keyed_value => {
                                let mut kv = parts(q);
                                let key = self.ident(kv.next().expect("key"));
                                let v = self.expr(kv.next().expect("value"));
                                keyed.push((key, v));
                            }
                            _ => {}
                        }
                    }
                    let mut dates = dates.into_iter().flatten();
                    let Some(from) = dates.next() else { continue };
                    let value = match value {
                        Some(v) if !braced => PeriodValue::One(v),
                        _ if !brackets.is_empty() => PeriodValue::Scale(brackets),
                        _ => PeriodValue::Keyed(keyed),
                    };
                    param.periods.push(Period { from, to: dates.next(), value, span });
                }
                _ => {}
            }
        }
        if param.periods.is_empty() {
            let what = "a value period";
            self.diagnostics.push(missing_property(what, "parameter", &param.name, "from 2026-01-01 = 100"));
        }
        param
    }

    fn event(&mut self, pair: Pair<'_, Rule>) -> Event {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut e = Event {
            name,
            title: None,
            kind: None,
            registry: None,
            roles: Vec::new(),
            fields: Vec::new(),
            at: None,
        };
        for p in it {
            match p.as_rule() {
                Rule::title => self.title(&mut e.title, p),
                Rule::kind => self.once_ident(&mut e.kind, p, "kind"),
                Rule::event_registry => self.once_ident(&mut e.registry, p, "registry"),
                Rule::field => e.fields.push(self.field(p)),
                Rule::event_at => {
                    let span = self.span(&p);
                    let at = self.expr(parts(p).next().expect("date"));
                    set_once(&mut e.at, at, span, "at", |e| e.span, self.diagnostics);
                }
                Rule::event_role => {
                    let mut mode = RoleMode::One;
                    let mut idents = Vec::new();
                    let mut drawn = None;
                    for q in parts(p) {
                        match q.as_rule() {
                            Rule::role_mode => {
                                let each = q.into_inner().any(|k| k.as_rule() == Rule::k_each);
                                mode = if each { RoleMode::Each } else { RoleMode::Optional };
                            }
                            Rule::expr => drawn = Some(self.expr(q)),
                            _ => idents.push(self.ident(q)),
                        }
                    }
                    let mut idents = idents.into_iter();
                    let name = idents.next().expect("role name");
                    let entity = idents.next().expect("role entity");
                    e.roles.push(EventRole { name, mode, entity, drawn });
                }
                _ => {}
            }
        }
        e
    }

    fn service(&mut self, pair: Pair<'_, Rule>) -> Service {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut s = Service {
            name,
            title: None,
            agency: None,
            legal: Vec::new(),
            kind: None,
            recurs: None,
            roles: Vec::new(),
            subject: None,
            applicant: None,
            recipient: None,
            inputs: Vec::new(),
            outputs: Vec::new(),
            derived: Vec::new(),
            applies: None,
            criteria: Vec::new(),
            refusals: Vec::new(),
            deadline: None,
            fee: None,
            procedures: Vec::new(),
            alternatives: Vec::new(),
            emits: Vec::new(),
        };
        for p in it {
            let span = self.span(&p);
            match p.as_rule() {
                Rule::title => self.title(&mut s.title, p),
                Rule::provider => self.once_ident(&mut s.agency, p, "agency"),
                Rule::legal => s.legal.push(self.text(parts(p).next().expect("string"))),
                Rule::kind => self.once_ident(&mut s.kind, p, "kind"),
                Rule::recurs => self.once_ident(&mut s.recurs, p, "recurs"),
                Rule::input => s.inputs.push(self.input(p)),
                Rule::subject | Rule::applicant_role | Rule::recipient | Rule::service_role => {
                    let rule = p.as_rule();
                    // `applicant` is a value keyword elsewhere, so not dropped by `parts`.
                    let mut q = p.into_inner().filter(|q| q.as_rule() == Rule::ident);
                    let role = self.ident(q.next().expect("role"));
                    if let Some(entity) = q.next() {
                        s.roles.push((role.clone(), self.ident(entity)));
                    }
                    let (slot, what) = match rule {
                        Rule::subject => (&mut s.subject, "subject"),
                        Rule::applicant_role => (&mut s.applicant, "applicant"),
                        Rule::recipient => (&mut s.recipient, "recipient"),
                        _ => continue,
                    };
                    set_once(slot, role, span, what, |r| r.span, self.diagnostics);
                }
                Rule::output => s.outputs.push(self.output(p)),
                Rule::derived => {
                    let mut it = parts(p).peekable();
                    let name = self.ident(it.next().expect("name"));
                    let mut ty = None;
                    let mut value = None;
                    for q in it {
                        match q.as_rule() {
                            Rule::expr => value = Some(self.expr(q)),
                            _ => ty = Some(self.type_expr(q)),
                        }
                    }
                    s.derived.push(Derived { name, ty, value: value.expect("value") });
                }
                Rule::applies => {
                    let e = self.expr(parts(p).next().expect("condition"));
                    set_once(&mut s.applies, e, span, "applies when", |e| e.span, self.diagnostics);
                }
                Rule::criterion => {
                    let (name, title, condition) = self.named_condition(p);
                    s.criteria.push(Criterion { name, title, condition });
                }
                Rule::refusal => {
                    let (name, title, condition) = self.named_condition(p);
                    s.refusals.push(Refusal { name, title, condition });
                }
                Rule::deadline => {
                    let d = self.duration(parts(p).next().expect("duration"));
                    set_once(&mut s.deadline, d, span, "deadline", |d| d.span, self.diagnostics);
                }
                Rule::fee => {
                    let e = self.expr(parts(p).next().expect("fee"));
                    set_once(&mut s.fee, e, span, "fee", |e| e.span, self.diagnostics);
                }
                Rule::procedure => s.procedures.push(self.procedure(p)),
                Rule::alternative => s.alternatives.push(self.first_ident(p)),
                Rule::emits => s.emits.push(self.first_ident(p)),
                _ => {}
            }
        }
        let n = &s.name.clone();
        self.require(&s.title, "title", "service", n, "title \"Выдача сертификата\"");
        self.require(&s.agency, "agency", "service", n, "agency sfr");
        self.require(&s.kind, "kind", "service", n, "kind document");
        self.require(&s.deadline, "deadline", "service", n, "deadline 10 working days");
        s
    }

    fn named_condition(&mut self, pair: Pair<'_, Rule>) -> (Ident, Option<Text>, Expr) {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut title = None;
        let mut condition = None;
        for q in it {
            match q.as_rule() {
                Rule::string => title = Some(self.text(q)),
                Rule::expr => condition = Some(self.expr(q)),
                _ => {}
            }
        }
        (name, title, condition.expect("condition"))
    }

    fn input(&mut self, pair: Pair<'_, Rule>) -> Input {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut ty = None;
        let mut source = None;
        for q in it {
            match q.as_rule() {
                Rule::source => {
                    let mut inner = parts(q);
                    let first = inner.next().expect("source kind");
                    source = Some(match first.as_rule() {
                        Rule::applicant => {
                            let span = self.span(&first);
                            Source::Applicant(span, self.path(inner.next().expect("fact")))
                        }
                        _ => Source::Path(self.path(first)),
                    });
                }
                _ => ty = Some(self.type_expr(q)),
            }
        }
        Input { name, ty, source: source.expect("source") }
    }

    fn path(&mut self, pair: Pair<'_, Rule>) -> Path {
        let span = self.span(&pair);
        Path { parts: self.idents(pair), span }
    }

    fn output(&mut self, pair: Pair<'_, Rule>) -> Output {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let ty = self.type_expr(it.next().expect("type"));
        let mut out = Output { name, ty, value: None, writes: None };
        for q in it {
            match q.as_rule() {
                Rule::expr => out.value = Some(self.expr(q)),
                Rule::path => out.writes = Some(self.path(q)),
                _ => {}
            }
        }
        out
    }

    fn procedure(&mut self, pair: Pair<'_, Rule>) -> Procedure {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut pr = Procedure {
            name,
            title: None,
            kind: None,
            uses: Vec::new(),
            produces: Vec::new(),
            request: None,
            start_when: None,
            end_when: None,
            deadline: None,
        };
        for p in it {
            let span = self.span(&p);
            match p.as_rule() {
                Rule::title => self.title(&mut pr.title, p),
                Rule::kind => self.once_ident(&mut pr.kind, p, "kind"),
                Rule::uses => pr.uses.extend(self.idents(p)),
                Rule::produces => pr.produces.extend(self.idents(p)),
                Rule::request => self.once_ident(&mut pr.request, p, "request"),
                Rule::start_when | Rule::end_when => {
                    let what = if p.as_rule() == Rule::start_when { "start when" } else { "end when" };
                    let slot =
                        if p.as_rule() == Rule::start_when { &mut pr.start_when } else { &mut pr.end_when };
                    let e = self.expr(parts(p).next().expect("condition"));
                    set_once(slot, e, span, what, |e| e.span, self.diagnostics);
                }
                Rule::deadline => {
                    let d = self.duration(parts(p).next().expect("duration"));
                    set_once(&mut pr.deadline, d, span, "deadline", |d| d.span, self.diagnostics);
                }
                _ => {}
            }
        }
        let n = &pr.name.clone();
        self.require(&pr.kind, "kind", "procedure", n, "kind intake");
        self.require(&pr.deadline, "deadline", "procedure", n, "deadline 1 working day");
        pr
    }

    fn trigger(&mut self, pair: Pair<'_, Rule>) -> Trigger {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut t = Trigger {
            name,
            title: None,
            on: None,
            condition: None,
            action: None,
            consent: None,
            notify: Vec::new(),
        };
        for p in it {
            let span = self.span(&p);
            match p.as_rule() {
                Rule::title => self.title(&mut t.title, p),
                Rule::on => self.once_ident(&mut t.on, p, "on"),
                Rule::condition => {
                    let e = self.expr(parts(p).next().expect("condition"));
                    set_once(&mut t.condition, e, span, "when", |e| e.span, self.diagnostics);
                }
                Rule::provide | Rule::offer | Rule::stop => {
                    let kind = match p.as_rule() {
                        Rule::provide => ActionKind::Provide,
                        Rule::offer => ActionKind::Offer,
                        _ => ActionKind::Stop,
                    };
                    let mut names = self.idents(p).into_iter();
                    let service = names.next().expect("service");
                    let action = Action { kind, service, role: names.next() };
                    let first = |a: &Action| a.service.span;
                    set_once(&mut t.action, action, span, "provide, offer or stop", first, self.diagnostics);
                }
                Rule::consent => self.once_ident(&mut t.consent, p, "consent"),
                Rule::notify => t.notify.extend(self.idents(p)),
                _ => {}
            }
        }
        let n = &t.name.clone();
        self.require(&t.on, "on", "trigger", n, "on birth_registered");
        self.require(&t.action, "provide, offer or stop", "trigger", n, "provide snils_assignment");
        t
    }

    fn situation(&mut self, pair: Pair<'_, Rule>) -> Situation {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut s = Situation { name, title: None, on: Vec::new(), services: Vec::new() };
        for p in it {
            match p.as_rule() {
                Rule::title => self.title(&mut s.title, p),
                Rule::on => s.on.push(self.first_ident(p)),
                Rule::services => s.services.extend(self.idents(p)),
                _ => {}
            }
        }
        let n = &s.name.clone();
        self.require(&s.title, "title", "situation", n, "title \"Рождение ребёнка\"");
        if s.services.is_empty() {
            self.diagnostics.push(missing_property("services", "situation", n, "services a, b"));
        }
        s
    }

    fn calendar(&mut self, pair: Pair<'_, Rule>) -> Calendar {
        let mut it = parts(pair);
        let name = self.ident(it.next().expect("name"));
        let mut c = Calendar { name, title: None, years: Vec::new() };
        for p in it {
            match p.as_rule() {
                Rule::title => self.title(&mut c.title, p),
                Rule::cal_year => c.years.push(self.calendar_year(p)),
                _ => {}
            }
        }
        c
    }

    fn calendar_year(&mut self, pair: Pair<'_, Rule>) -> CalendarYear {
        let mut it = parts(pair);
        let number = it.next().expect("year");
        let span = self.span(&number);
        let year = number.as_str().parse().unwrap_or(0);
        let mut y =
            CalendarYear { year, span, legal: Vec::new(), non_working: Vec::new(), working: Vec::new() };
        for p in it {
            let rule = p.as_rule();
            if rule == Rule::legal {
                y.legal.push(self.text(parts(p).next().expect("string")));
                continue;
            }
            let dates: Vec<(Date, Span)> = parts(p).filter_map(|q| self.date(q)).collect();
            match rule {
                Rule::non_working => y.non_working.extend(dates),
                _ => y.working.extend(dates),
            }
        }
        y
    }

    fn date(&mut self, pair: Pair<'_, Rule>) -> Option<(Date, Span)> {
        let span = self.span(&pair);
        match Date::parse(pair.as_str()) {
            Some(d) => Some((d, span)),
            None => {
                self.diagnostics.push(super::errors::bad_date(pair.as_str(), span));
                None
            }
        }
    }

    fn duration(&mut self, pair: Pair<'_, Rule>) -> Duration {
        let span = self.span(&pair);
        let mut negative = false;
        let mut days = 0;
        let mut unit = Unit::Days;
        for q in pair.into_inner() {
            match q.as_rule() {
                Rule::op_neg => negative = true,
                Rule::number => days = self.integer(&q).unwrap_or(0),
                Rule::working if q.as_str().starts_with(['w', 'р']) => unit = Unit::WorkingDays,
                Rule::months => unit = Unit::Months,
                Rule::years => unit = Unit::Years,
                _ => {}
            }
        }
        Duration { days: if negative { -days } else { days }, unit, span }
    }

    fn integer(&mut self, pair: &Pair<'_, Rule>) -> Option<i64> {
        let text = pair.as_str().replace('_', "");
        if text.contains('.') {
            let d = super::errors::not_whole(pair.as_str(), self.span(pair));
            self.diagnostics.push(d);
            return None;
        }
        match text.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let d = super::errors::too_large(pair.as_str(), self.span(pair));
                self.diagnostics.push(d);
                None
            }
        }
    }

    pub fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        self.pratt(pair.into_inner()).0
    }

    /// An expression of a depth, cut when it is too deep (reported once, where it first
    /// reaches the limit), so that no later stage recurses deeper than the limit.
    fn limited(&mut self, e: Expr, depth: u32) -> (Expr, u32) {
        if depth == MAX_EXPR_DEPTH {
            self.diagnostics.push(super::errors::too_deep(e.span));
            (Expr { kind: ExprKind::Error, span: e.span }, MAX_EXPR_DEPTH + 1)
        } else if depth > MAX_EXPR_DEPTH {
            (Expr { kind: ExprKind::Error, span: e.span }, depth)
        } else {
            (e, depth)
        }
    }

    /// Builds an expression and its depth; a too deep one is reported once and cut.
    fn pratt(&mut self, pairs: Pairs<'_, Rule>) -> (Expr, u32) {
        let this = std::cell::RefCell::new(self);
        let limit = |e: Expr, depth: u32| -> (Expr, u32) { this.borrow_mut().limited(e, depth) };
        PRATT
            .map_primary(|p| {
                let (e, d) = this.borrow_mut().primary(p);
                limit(e, d)
            })
            .map_prefix(|op, (rhs, d)| {
                let span = this.borrow().span(&op).to(rhs.span);
                let op = if op.as_rule() == Rule::op_not { UnOp::Not } else { UnOp::Neg };
                limit(Expr { kind: ExprKind::Unary(op, Box::new(rhs)), span }, d + 1)
            })
            .map_postfix(|(lhs, d), op| {
                let span = lhs.span.to(this.borrow().span(&op));
                match op.as_rule() {
                    Rule::member => {
                        let field = this.borrow().first_ident(op);
                        limit(Expr { kind: ExprKind::Member(Box::new(lhs), field), span }, d + 1)
                    }
                    _ => {
                        let mut depth = d;
                        let mut set = Vec::new();
                        for q in parts(op) {
                            let (e, qd) = this.borrow_mut().pratt(q.into_inner());
                            depth = depth.max(qd);
                            set.push(e);
                        }
                        limit(Expr { kind: ExprKind::In(Box::new(lhs), set), span }, depth + 1)
                    }
                }
            })
            .map_infix(|(lhs, ld), op, (rhs, rd)| {
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::op_or => BinOp::Or,
                    Rule::op_and => BinOp::And,
                    Rule::op_eq => BinOp::Eq,
                    Rule::op_ne => BinOp::Ne,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_le => BinOp::Le,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    _ => BinOp::Div,
                };
                let kind = ExprKind::Binary(op, Box::new(lhs), Box::new(rhs));
                limit(Expr { kind, span }, ld.max(rd) + 1)
            })
            .parse(pairs)
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> (Expr, u32) {
        let span = self.tight_span(&pair);
        let leaf = |kind| (Expr { kind, span }, 1);
        match pair.as_rule() {
            Rule::paren => {
                let inner = parts(pair).next().expect("expression in parentheses");
                let (mut e, d) = self.pratt(inner.into_inner());
                e.span = span; // the parentheses belong to the span
                (e, d)
            }
            Rule::if_expr => {
                // `if c1 then t1 else if c2 then t2 … else e`, folded from the last `else`;
                // each `if` spans from its keyword to the end.
                let mut ifs: Vec<Span> = pair
                    .clone()
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::k_if)
                    .map(|p| self.span(&p).to(span))
                    .collect();
                let mut parts: Vec<(Expr, u32)> = parts(pair).map(|q| self.pratt(q.into_inner())).collect();
                let (mut folded, mut depth) = parts.pop().expect("else");
                while let (Some((t, td)), Some((c, cd))) = (parts.pop(), parts.pop()) {
                    let span = ifs.pop().filter(|_| !parts.is_empty()).unwrap_or(span);
                    let kind = ExprKind::If(Box::new(c), Box::new(t), Box::new(folded));
                    (folded, depth) = self.limited(Expr { kind, span }, cd.max(td).max(depth) + 1);
                }
                (folded, depth)
            }
            Rule::name_like => {
                let mut it = parts(pair);
                let ident = self.ident(it.next().expect("name"));
                match it.next() {
                    None => leaf(ExprKind::Name(ident)),
                    Some(q) if q.as_rule() == Rule::string => {
                        leaf(ExprKind::IdLiteral(ident, self.text(q).value))
                    }
                    Some(q) => self.call(ident, q, span),
                }
            }
            Rule::number_like => {
                let mut it = pair.clone().into_inner();
                let number = it.next().expect("number");
                match it.next().map(|q| q.as_rule()) {
                    None => self.number(&number, span),
                    Some(Rule::currency) => self.money(&number, span),
                    Some(_) => {
                        let d = self.duration(pair);
                        leaf(ExprKind::Duration(d.days, d.unit))
                    }
                }
            }
            Rule::date => match self.date(pair) {
                Some((d, _)) => leaf(ExprKind::Date(d)),
                None => leaf(ExprKind::Error),
            },
            Rule::string => {
                let t = self.text(pair);
                leaf(ExprKind::Text(t.value))
            }
            Rule::k_true => leaf(ExprKind::Bool(true)),
            Rule::k_false => leaf(ExprKind::Bool(false)),
            Rule::k_today => leaf(ExprKind::Today),
            other => unreachable!("not a primary expression: {other:?}"),
        }
    }

    fn call(&mut self, func: Ident, args: Pair<'_, Rule>, span: Span) -> (Expr, u32) {
        match parts(args).next() {
            None => (Expr { kind: ExprKind::Call(func, Vec::new()), span }, 1),
            Some(q) if q.as_rule() == Rule::comprehension => {
                let mut c = parts(q);
                let var = self.ident(c.next().expect("variable"));
                let (list, ld) = self.pratt(c.next().expect("list").into_inner());
                let (body, bd) = self.pratt(c.next().expect("body").into_inner());
                let kind = ExprKind::Comprehension { func, var, list: Box::new(list), body: Box::new(body) };
                (Expr { kind, span }, ld.max(bd) + 1)
            }
            Some(q) => {
                let mut depth = 0;
                let mut args = Vec::new();
                for a in parts(q) {
                    let (e, d) = self.pratt(a.into_inner());
                    depth = depth.max(d);
                    args.push(e);
                }
                (Expr { kind: ExprKind::Call(func, args), span }, depth + 1)
            }
        }
    }

    fn money(&mut self, number: &Pair<'_, Rule>, span: Span) -> (Expr, u32) {
        let text = number.as_str().replace('_', "");
        let kind = match Decimal::from_str(&text) {
            Ok(d) if d.scale() <= 2 => ExprKind::Money(d),
            Ok(_) => {
                self.diagnostics.push(super::errors::kopecks(number.as_str(), span));
                ExprKind::Error
            }
            Err(_) => {
                self.diagnostics.push(super::errors::too_large(number.as_str(), span));
                ExprKind::Error
            }
        };
        (Expr { kind, span }, 1)
    }

    fn number(&mut self, number: &Pair<'_, Rule>, span: Span) -> (Expr, u32) {
        let text = number.as_str().replace('_', "");
        let kind = if text.contains('.') {
            match Decimal::from_str(&text) {
                Ok(d) => ExprKind::Decimal(d),
                Err(_) => {
                    self.diagnostics.push(super::errors::too_large(number.as_str(), span));
                    ExprKind::Error
                }
            }
        } else {
            self.integer(number).map_or(ExprKind::Error, ExprKind::Int)
        };
        (Expr { kind, span }, 1)
    }
}

/// The name a broken declaration was meant to declare: the word after its keyword.
fn declared_name(text: &str) -> Option<String> {
    use pest::Parser;
    let mut words = text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty());
    let keyword = words.next()?;
    let name = words.next()?;
    let is_keyword = RglParser::parse(Rule::decl_start_only, keyword).is_ok();
    is_keyword.then(|| name.to_string())
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}
