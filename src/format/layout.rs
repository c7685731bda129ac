//! The canonical layout, printed from the parse tree: a declaration's header and each of
//! its properties on a line of their own, two spaces deeper per block, one blank line
//! between declarations (and where the author left one between properties), tokens
//! joined by single spaces, keywords in one language.

use super::Keywords;
use super::comments::{Comment, scan};
use crate::syntax::Rule;
use pest::iterators::Pair;
use pretty::RcDoc;

/// Lines longer than this are broken before `and` and `or`.
const WIDTH: usize = 100;

/// The language most of the file's keywords are written in.
pub fn language(root: Pair<'_, Rule>) -> Keywords {
    let (mut en, mut ru) = (0, 0);
    for p in root.into_inner().flatten() {
        if keyword(p.as_rule(), false).is_some() {
            if p.as_str().chars().next().is_some_and(|c| c.is_ascii()) {
                en += 1;
            } else {
                ru += 1;
            }
        }
    }
    if ru > en { Keywords::Ru } else { Keywords::En }
}

pub fn file(root: Pair<'_, Rule>, text: &str, lang: Keywords) -> String {
    let mut out = Out { text, lang, comments: scan(text), next: 0, lines: Vec::new(), depth: 0, prev_end: 0 };
    for decl in root.into_inner().filter(|p| p.as_rule() != Rule::EOI) {
        if !out.lines.is_empty() {
            out.blank();
        }
        out.block(decl);
    }
    out.flush(text.len());
    let mut s = out.lines.join("\n");
    s.push('\n');
    s
}

struct Out<'t> {
    text: &'t str,
    lang: Keywords,
    comments: Vec<Comment>,
    next: usize,
    lines: Vec<String>,
    depth: usize,
    /// Where the last thing printed ends in the source.
    prev_end: usize,
}

impl<'t> Out<'t> {
    fn indent(&self) -> String {
        "  ".repeat(self.depth)
    }

    /// One blank line, unless there is one already or a block has just opened.
    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty() && !l.ends_with('{')) {
            self.lines.push(String::new());
        }
    }

    /// Keeps a blank line the author left in the source before `start`.
    fn keep_blank(&mut self, start: usize) {
        let gap = self.text.get(self.prev_end.min(start)..start).unwrap_or("");
        let mut lines = gap.split('\n');
        lines.next();
        if gap.matches('\n').count() >= 2 && lines.any(|l| l.trim().is_empty()) {
            self.blank();
        }
    }

    /// The comments before `offset`: one after code stays at the end of the line printed
    /// last, one on its own line gets a line of its own.
    fn flush(&mut self, offset: usize) {
        while let Some(c) = self.comments.get(self.next).filter(|c| c.offset < offset) {
            let c = c.clone();
            self.next += 1;
            match self.lines.last_mut() {
                Some(last) if c.trailing && !last.is_empty() => {
                    last.push_str("  ");
                    last.push_str(&c.text);
                }
                _ => {
                    self.keep_blank(c.offset);
                    let line = format!("{}{}", self.indent(), c.text);
                    self.lines.push(line);
                }
            }
            self.prev_end = c.offset + c.text.len();
        }
    }

    /// A line printed for the source from `start` to `end`.
    fn line(&mut self, start: usize, end: usize, text: String) {
        self.flush(start);
        self.keep_blank(start);
        self.lines.push(format!("{}{text}", self.indent()));
        self.prev_end = end;
    }

    /// A declaration, a procedure, a period with values, a calendar year: its header, each
    /// item, the closing brace.
    fn block(&mut self, pair: Pair<'t, Rule>) {
        let span = pair.as_span();
        let (start, end) = (span.start(), span.end());
        let mut header = Vec::new();
        let mut items = Vec::new();
        let mut open = false;
        let mut close = end;
        let enumeration = pair.as_rule() == Rule::enum_decl;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::lbrace => open = true,
                Rule::rbrace => close = p.as_span().start(),
                _ if !open => header.push(p),
                // A variant's comma is printed with it.
                Rule::comma => {}
                _ => items.push(p),
            }
        }
        let head = self.tokens(header.into_iter());
        self.line(start, start, format!("{head} {{"));
        self.depth += 1;
        for item in items {
            let rule = item.as_rule();
            let nested = matches!(rule, Rule::procedure | Rule::cal_year)
                || (rule == Rule::period && item.clone().into_inner().any(|q| q.as_rule() == Rule::lbrace));
            if nested {
                self.block(item);
            } else if enumeration && rule == Rule::variant {
                let (s, e) = extent(&item);
                let text = self.tokens(std::iter::once(item));
                self.line(s, e, format!("{text},"));
            } else {
                self.item(item);
            }
        }
        self.flush(close);
        self.depth -= 1;
        self.lines.push(format!("{}}}", self.indent()));
        self.prev_end = end;
        // A comment after the closing brace, on its line, stays there.
        let text = self.text;
        if let Some(c) = self.comments.get(self.next)
            && c.trailing
            && !text.get(end.min(c.offset)..c.offset).unwrap_or("\n").contains('\n')
        {
            let offset = c.offset;
            self.flush(offset + 1);
        }
    }

    /// A property on one line, or, when too long, its condition broken over the next lines.
    fn item(&mut self, pair: Pair<'t, Rule>) {
        let (start, end) = extent(&pair);
        let whole = self.tokens(std::iter::once(pair.clone()));
        if self.indent().len() + whole.chars().count() <= WIDTH {
            return self.line(start, end, whole);
        }
        let parts: Vec<Pair<'t, Rule>> = pair.clone().into_inner().collect();
        let Some(e) = parts.iter().position(|p| p.as_rule() == Rule::expr) else {
            return self.wrapped(start, end, pair);
        };
        let head = self.tokens(parts[..e].iter().cloned());
        let tail = self.tokens(parts[e + 1..].iter().cloned());
        let value = self.tokens(std::iter::once(parts[e].clone()));
        // What follows the value (`writes …`) goes on a line of its own first.
        if !tail.is_empty() && self.indent().len() + head.chars().count() + 1 + value.chars().count() <= WIDTH
        {
            self.line(start, start, format!("{head} {value}"));
            self.lines.push(format!("{}  {tail}", self.indent()));
            self.prev_end = end;
            return;
        }
        self.line(start, start, head);
        self.depth += 1;
        let width = WIDTH.saturating_sub(self.indent().len()).max(40);
        let mut rendered = String::new();
        self.expr_doc(parts[e].clone())
            .nest(2)
            .render_fmt(width, &mut rendered)
            .expect("a string takes any text");
        for l in rendered.lines() {
            self.lines.push(format!("{}{}", self.indent(), l.trim_end()));
        }
        if !tail.is_empty() {
            self.lines.push(format!("{}{tail}", self.indent()));
        }
        self.depth -= 1;
        self.prev_end = end;
    }

    /// A long list (`services a, b, …`) filled up to the width, the rest two spaces deeper:
    /// broken only after its commas.
    fn wrapped(&mut self, start: usize, end: usize, pair: Pair<'t, Rule>) {
        let mut leaves = Vec::new();
        leaves_of(pair, &mut leaves);
        let mut segments: Vec<Vec<Pair<'t, Rule>>> = vec![Vec::new()];
        for leaf in leaves {
            let comma = leaf.as_rule() == Rule::comma;
            segments.last_mut().expect("a segment").push(leaf);
            if comma {
                segments.push(Vec::new());
            }
        }
        let texts: Vec<String> = segments
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(|s| format!("{} ", self.tokens_of(s)))
            .collect();
        let mut pieces = texts.iter().map(String::as_str);
        let mut current = pieces.next().unwrap_or_default().to_string();
        let mut first = true;
        for piece in pieces {
            let indent = self.indent().len() + if first { 0 } else { 2 };
            if indent + current.trim_end().chars().count() + piece.trim_end().chars().count() > WIDTH {
                let text = current.trim_end().to_string();
                if first {
                    self.line(start, start, text);
                    first = false;
                } else {
                    self.lines.push(format!("{}  {text}", self.indent()));
                }
                current = String::new();
            }
            current.push_str(piece);
        }
        let text = current.trim_end().to_string();
        if first {
            self.line(start, end, text);
        } else {
            self.lines.push(format!("{}  {text}", self.indent()));
            self.prev_end = end;
        }
    }

    /// An expression that may break onto new lines before its weakest operators (`or`,
    /// `and`, else `+` and `-`), and an `if` before `then` and `else`; each parenthesis
    /// and branch breaks on its own.
    fn expr_doc(&self, pair: Pair<'t, Rule>) -> RcDoc<'static, ()> {
        let parts: Vec<Pair<'t, Rule>> = pair.into_inner().collect();
        let is = |p: &Pair<'t, Rule>, rules: &[Rule]| rules.contains(&p.as_rule());
        let logical = [Rule::op_and, Rule::op_or];
        let additive = [Rule::op_add, Rule::op_sub];
        let breaks: &[Rule] = if parts.iter().any(|p| is(p, &logical)) {
            &logical
        } else if parts.iter().any(|p| is(p, &additive)) {
            &additive
        } else {
            &[]
        };
        // Operands between the operators broken at, each with the operator before it.
        let mut operands: Vec<(Option<String>, Vec<Pair<'t, Rule>>)> = vec![(None, Vec::new())];
        for p in parts {
            if breaks.contains(&p.as_rule()) {
                operands.push((Some(self.tokens(std::iter::once(p))), Vec::new()));
            } else {
                operands.last_mut().expect("an operand").1.push(p);
            }
        }
        let fill = breaks == additive;
        let mut doc = RcDoc::nil();
        for (op, run) in operands {
            let operand = self.run_doc(run);
            doc = match op {
                None => doc.append(operand),
                // A sum fills its lines; `and`/`or` put each condition on a line of its own.
                Some(op) if fill => doc.append(
                    RcDoc::line().append(RcDoc::text(op)).append(RcDoc::space()).append(operand).group(),
                ),
                Some(op) => {
                    doc.append(RcDoc::line()).append(RcDoc::text(op)).append(RcDoc::space()).append(operand)
                }
            };
        }
        doc.group()
    }

    /// An operand: a parenthesis or an `if` breaks inside on its own, the rest is one run.
    fn run_doc(&self, run: Vec<Pair<'t, Rule>>) -> RcDoc<'static, ()> {
        match run.as_slice() {
            [single] if single.as_rule() == Rule::paren => {
                match single.clone().into_inner().find(|q| q.as_rule() == Rule::expr) {
                    Some(inner) => {
                        RcDoc::text("(").append(self.expr_doc(inner).nest(1)).append(RcDoc::text(")"))
                    }
                    None => RcDoc::text(self.tokens(run.into_iter())),
                }
            }
            [single] if single.as_rule() == Rule::if_expr => self.if_doc(single.clone()),
            _ => RcDoc::text(self.tokens(run.into_iter())),
        }
    }

    /// `if C then A else if … else B`, broken before `then` and each `else`.
    fn if_doc(&self, pair: Pair<'t, Rule>) -> RcDoc<'static, ()> {
        let mut doc = RcDoc::nil();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::expr => doc = doc.append(self.expr_doc(p)),
                Rule::k_if => doc = doc.append(RcDoc::text(self.word(&p, None))).append(RcDoc::space()),
                _ => {
                    let word = self.word(&p, None);
                    doc = doc.append(RcDoc::line()).append(RcDoc::text(word)).append(RcDoc::space());
                }
            }
        }
        doc.group()
    }

    /// The tokens of some pairs joined as the layout writes them.
    fn tokens(&self, pairs: impl Iterator<Item = Pair<'t, Rule>>) -> String {
        let mut leaves = Vec::new();
        for p in pairs {
            leaves_of(p, &mut leaves);
        }
        self.tokens_of(leaves)
    }

    fn tokens_of(&self, leaves: Vec<Pair<'t, Rule>>) -> String {
        let mut out = String::new();
        let mut prev: Option<(Rule, String)> = None;
        for (i, p) in leaves.iter().enumerate() {
            let rule = p.as_rule();
            // The count a unit word agrees with: the number just before it, or before `working`.
            let count = leaves[..i].iter().rev().take(2).find(|q| q.as_rule() == Rule::number);
            let word = self.word(p, count);
            if let Some((prev_rule, prev_word)) = &prev
                && spaced(*prev_rule, prev_word, rule, &word)
            {
                out.push(' ');
            }
            out.push_str(&word);
            prev = Some((rule, word));
        }
        out
    }

    /// A token as printed: keywords and units in the layout's language, the rest as written.
    fn word(&self, p: &Pair<'t, Rule>, number: Option<&Pair<'t, Rule>>) -> String {
        let written = p.as_str();
        let count = || number.and_then(|b| b.as_str().replace('_', "").parse::<i64>().ok());
        let ru = self.lang == Keywords::Ru;
        match p.as_rule() {
            Rule::working => {
                let calendar = written.starts_with(['c', 'к']);
                match (ru, calendar) {
                    (false, true) => "calendar".into(),
                    (false, false) => "working".into(),
                    (true, true) => russian(count(), ["календарный", "календарных", "календарных"]).into(),
                    (true, false) => russian(count(), ["рабочий", "рабочих", "рабочих"]).into(),
                }
            }
            Rule::days => unit(ru, count(), ("day", "days"), ["день", "дня", "дней"]),
            Rule::months => unit(ru, count(), ("month", "months"), ["месяц", "месяца", "месяцев"]),
            Rule::years => unit(ru, count(), ("year", "years"), ["год", "года", "лет"]),
            Rule::currency => (if ru { "руб" } else { "rub" }).into(),
            rule => keyword(rule, ru).map_or_else(|| written.to_string(), str::to_string),
        }
    }
}

/// Where a pair's text starts and ends, without the spaces and comments it may end with.
fn extent(pair: &Pair<'_, Rule>) -> (usize, usize) {
    let start = pair.as_span().start();
    let mut text = pair.as_str();
    // Trailing comments are skipped as whitespace is; the code ends before them.
    loop {
        let trimmed = text.trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let last_line = &trimmed[line_start..];
        let cut = super::comments::scan(last_line).into_iter().next().map(|c| line_start + c.offset);
        match cut {
            Some(c) if c < trimmed.len() => text = &trimmed[..c],
            _ => return (start, start + trimmed.len()),
        }
    }
}

/// Whether a space stands between two tokens.
fn spaced(prev: Rule, prev_word: &str, next: Rule, word: &str) -> bool {
    let tight_after = matches!(prev, Rule::lparen | Rule::langle | Rule::dot | Rule::op_neg)
        || (prev == Rule::lbrace && word != "}");
    let tight_before = matches!(next, Rule::comma | Rule::colon | Rule::rparen | Rule::rangle | Rule::dot)
        || (next == Rule::rbrace && prev_word != "{")
        // A call: `count(…)`; a type: `list<…>`.
        || (next == Rule::lparen && matches!(prev, Rule::ident))
        || (next == Rule::langle && matches!(prev, Rule::k_list | Rule::k_scale));
    !(tight_after || tight_before)
}

/// The leaves of a pair: the tokens printed one after another.
fn leaves_of<'t>(p: Pair<'t, Rule>, out: &mut Vec<Pair<'t, Rule>>) {
    let atomic = matches!(
        p.as_rule(),
        Rule::string
            | Rule::ident
            | Rule::date
            | Rule::number
            | Rule::cardinality
            | Rule::year_number
            | Rule::currency
            | Rule::working
            | Rule::days
            | Rule::months
            | Rule::years
    );
    let mut inner = p.clone().into_inner().peekable();
    if atomic || inner.peek().is_none() {
        out.push(p);
    } else {
        for q in inner {
            leaves_of(q, out);
        }
    }
}

/// A Russian word for a count: one, a few (2–4), many (`день`, `дня`, `дней`).
fn russian(count: Option<i64>, forms: [&'static str; 3]) -> &'static str {
    let n = count.unwrap_or(5).unsigned_abs();
    match (n % 10, n % 100) {
        (1, r) if r != 11 => forms[0],
        (2..=4, r) if !(12..=14).contains(&r) => forms[1],
        _ => forms[2],
    }
}

fn unit(ru: bool, count: Option<i64>, en: (&str, &str), forms: [&'static str; 3]) -> String {
    if ru {
        russian(count, forms).into()
    } else if count.is_some_and(|n| n.abs() == 1) {
        en.0.into()
    } else {
        en.1.into()
    }
}

/// Every keyword, in English and in Russian (the canonical spellings).
pub const KEYWORDS: &[(Rule, &str, &str)] = &[
    (Rule::k_and, "and", "и"),
    (Rule::k_or, "or", "или"),
    (Rule::k_not, "not", "не"),
    (Rule::k_if, "if", "если"),
    (Rule::k_then, "then", "то"),
    (Rule::k_else, "else", "иначе"),
    (Rule::k_true, "true", "истина"),
    (Rule::k_false, "false", "ложь"),
    (Rule::k_in, "in", "в"),
    (Rule::k_today, "today", "сегодня"),
    (Rule::k_agency, "agency", "ведомство"),
    (Rule::k_registry, "registry", "реестр"),
    (Rule::k_record, "record", "структура"),
    (Rule::k_enum, "enum", "перечисление"),
    (Rule::k_parameter, "parameter", "параметр"),
    (Rule::k_event, "event", "событие"),
    (Rule::k_service, "service", "услуга"),
    (Rule::k_trigger, "trigger", "триггер"),
    (Rule::k_situation, "situation", "ситуация"),
    (Rule::k_month, "month", "месяцам"),
    (Rule::k_at, "at", "наступает"),
    (Rule::k_calendar, "calendar", "календарь"),
    (Rule::k_year, "year", "год"),
    (Rule::k_non_working, "non_working", "нерабочие"),
    (Rule::k_working, "working", "рабочие"),
    (Rule::k_title, "title", "название"),
    (Rule::k_level, "level", "уровень"),
    (Rule::k_territory, "territory", "территория"),
    (Rule::k_owner, "owner", "владелец"),
    (Rule::k_field, "field", "поле"),
    (Rule::k_from, "from", "с"),
    (Rule::k_to, "to", "по"),
    (Rule::k_legal, "legal", "основание"),
    (Rule::k_kind, "kind", "вид"),
    (Rule::k_recurs, "recurs", "периодичность"),
    (Rule::k_input, "input", "вход"),
    (Rule::k_source, "from", "из"),
    (Rule::k_applicant, "applicant", "заявитель"),
    (Rule::k_output, "output", "выход"),
    (Rule::k_writes, "writes", "записывает"),
    (Rule::k_derived, "derived", "факт"),
    (Rule::k_criterion, "criterion", "критерий"),
    (Rule::k_refusal, "refusal", "отказ"),
    (Rule::k_when, "when", "когда"),
    (Rule::k_deadline, "deadline", "срок"),
    (Rule::k_fee, "fee", "пошлина"),
    (Rule::k_procedure, "procedure", "процедура"),
    (Rule::k_inputs, "inputs", "входы"),
    (Rule::k_outputs, "outputs", "выходы"),
    (Rule::k_request, "request", "запрос"),
    (Rule::k_begin, "start", "начало"),
    (Rule::k_end, "end", "окончание"),
    (Rule::k_on, "on", "при"),
    (Rule::k_provide, "provide", "предоставить"),
    (Rule::k_offer, "offer", "предложить"),
    (Rule::k_applies, "applies", "применяется"),
    (Rule::k_stop, "stop", "остановить"),
    (Rule::k_consent, "consent", "согласие"),
    (Rule::k_notify, "notify", "уведомить"),
    (Rule::k_services, "services", "услуги"),
    (Rule::k_alternative, "alternative", "альтернатива"),
    (Rule::k_emits, "emits", "порождает"),
    (Rule::k_list, "list", "список"),
    (Rule::k_person, "person", "лицо"),
    (Rule::k_scale, "scale", "шкала"),
    (Rule::k_group, "group", "группа"),
    (Rule::k_role, "role", "роль"),
    (Rule::k_provides, "provides", "предоставляет"),
    (Rule::k_subject, "subject", "субъект"),
    (Rule::k_recipient, "recipient", "получатель"),
    (Rule::k_for, "for", "для"),
    (Rule::k_by, "by", "по"),
    (Rule::k_optional, "optional", "необязательный"),
    (Rule::k_each, "each", "каждый"),
];

/// A keyword's spelling in a language; `None` for a token that is not a keyword.
fn keyword(rule: Rule, ru: bool) -> Option<&'static str> {
    KEYWORDS.iter().find(|k| k.0 == rule).map(|k| if ru { k.2 } else { k.1 })
}
