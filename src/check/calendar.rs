//! The production calendar: one per set, each year once, its days within the year, a
//! working weekend day only on a Saturday or Sunday, no day both working and not.

use super::Checker;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, CalendarYear, is_weekend};
use crate::source::Span;
use crate::syntax::ast::Calendar;
use std::collections::BTreeMap;

impl Checker<'_> {
    pub(super) fn calendar(&mut self, c: &Calendar) {
        if let Some(first) = &self.model.calendar {
            let d = Diagnostic::new(
                Code::SecondCalendar,
                format!("`{}` is a second production calendar of the set", c.name.name),
                c.name.span,
                "a second calendar",
            )
            .with_label(first.name.span, "the set's calendar is declared here")
            .with_help("working-day terms count on one calendar: declare every year in that one");
            self.report(d);
            return;
        }
        let mut years: BTreeMap<i32, CalendarYear> = BTreeMap::new();
        let mut spans: BTreeMap<i32, Span> = BTreeMap::new();
        for y in &c.years {
            if let Some(first) = spans.insert(y.year, y.span) {
                let d =
                    day_error(y.span, format!("year {} is declared twice", y.year), "a second declaration")
                        .with_label(first, "first declared here")
                        .with_help("declare each year once, with all its days");
                self.report(d);
                continue;
            }
            for &(date, span) in y.non_working.iter().chain(&y.working) {
                if date.year != y.year {
                    let d = day_error(span, format!("{date} is not in {}", y.year), "a day of another year")
                        .with_help(format!("list it under `year {}`", date.year));
                    self.report(d);
                }
            }
            for &(date, span) in &y.working {
                if !is_weekend(date) {
                    let d = day_error(span, format!("{date} is a weekday: it is working already"), "not a Saturday or Sunday")
                        .with_help("`working` lists the Saturdays and Sundays made working; holidays and days off go under `non_working`");
                    self.report(d);
                }
                if let Some((_, off)) = y.non_working.iter().find(|(d, _)| *d == date) {
                    let d = day_error(
                        span,
                        format!("{date} is listed as working and as not working"),
                        "listed as working",
                    )
                    .with_label(*off, "listed as not working")
                    .with_help("keep the day in one list");
                    self.report(d);
                }
            }
            let sorted = |days: &[(crate::date::Date, Span)]| {
                let mut v: Vec<_> = days.iter().map(|d| d.0).filter(|d| d.year == y.year).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let year = CalendarYear {
                legal: y.legal.iter().map(|t| t.value.clone()).collect(),
                non_working: sorted(&y.non_working),
                working: sorted(&y.working),
            };
            years.insert(y.year, year);
        }
        self.model.calendar = Some(model::Calendar {
            name: super::declare::name(&c.name),
            title: super::declare::text(&c.title),
            years,
        });
    }
}

fn day_error(span: Span, message: String, label: &str) -> Diagnostic {
    Diagnostic::new(Code::CalendarDay, message, span, label)
}
