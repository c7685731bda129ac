//! Parameter periods: sorted by start, they must neither overlap nor leave gaps. A period
//! without `to` lasts until the next one starts (or for ever, if it is the last).

use super::Checker;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::{Parameter, Period};

impl Checker<'_> {
    pub(super) fn periods(&mut self, p: &Parameter) {
        let mut periods: Vec<&Period> = p.periods.iter().collect();
        periods.sort_by_key(|period| period.from.0);
        for period in &periods {
            if let Some((to, span)) = period.to
                && to < period.from.0
            {
                let d = Diagnostic::new(
                    Code::PeriodReversed,
                    format!("this period of `{}` ends before it starts", p.name.name),
                    span,
                    format!("{to} is before {}", period.from.0),
                )
                .with_help("swap the dates, or fix the year");
                self.report(d);
            }
        }
        for pair in periods.windows(2) {
            let (prev, next) = (pair[0], pair[1]);
            let overlap = |c: &mut Self, why: String| {
                let d = Diagnostic::new(Code::PeriodOverlap, format!("two periods of `{}` overlap", p.name.name), next.from.1, why)
                    .with_label(prev.from.1, "the earlier period starts here")
                    .with_help("a parameter has one value on any day: end the earlier period the day before the next starts");
                c.report(d);
            };
            match prev.to {
                _ if next.from.0 == prev.from.0 => {
                    overlap(self, format!("{} starts another period too", next.from.0))
                }
                Some((to, _)) if next.from.0 <= to => overlap(
                    self,
                    format!("starts on {}, before the earlier period ends on {to}", next.from.0),
                ),
                Some((to, _)) if next.from.0 > to.succ() => {
                    let gap_end = next.from.0.add_days(-1);
                    let d = Diagnostic::new(
                        Code::PeriodGap,
                        format!("the periods of `{}` leave a gap", p.name.name),
                        next.from.1,
                        format!("no value from {} to {gap_end}", to.succ()),
                    )
                    .with_label(
                        prev.to.map_or(prev.from.1, |t| t.1),
                        format!("the earlier period ends on {to}"),
                    )
                    .with_help(
                        "start this period the day after the earlier one ends, or add a period for the gap",
                    );
                    self.report(d);
                }
                _ => {}
            }
        }
    }
}
