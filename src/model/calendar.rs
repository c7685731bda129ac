//! The production calendar: which days are working, year by year, as the regulations
//! declare it (ТК РФ ст. 112: public holidays, and days off moved by the Government).
//! Working-day terms count on it; a year it does not declare is a gap in the regulations,
//! never silently a five-day week.

use super::Name;
use crate::date::Date;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Calendar {
    pub name: Name,
    pub title: Option<String>,
    pub years: BTreeMap<i32, CalendarYear>,
}

#[derive(Clone, Debug, Default)]
pub struct CalendarYear {
    pub legal: Vec<String>,
    /// Weekdays that are not working, sorted.
    pub non_working: Vec<Date>,
    /// Saturdays and Sundays that are working, sorted.
    pub working: Vec<Date>,
}

/// Saturday or Sunday (1970-01-01 was a Thursday).
pub fn is_weekend(d: Date) -> bool {
    (d.day_number() + 3).rem_euclid(7) >= 5
}

impl Calendar {
    /// Whether a day is working; `Err(year)` when the calendar does not declare its year.
    pub fn is_working(&self, d: Date) -> Result<bool, i32> {
        let year = self.years.get(&d.year).ok_or(d.year)?;
        Ok(if is_weekend(d) {
            year.working.binary_search(&d).is_ok()
        } else {
            year.non_working.binary_search(&d).is_err()
        })
    }

    /// The day `n` working days after `date` (before it when negative): the term's last
    /// day, counted from the day after the date (ГК РФ ст. 191). `Err(year)` when it needs
    /// a year the calendar does not declare; `Ok(None)` beyond the years 1 to 9999.
    pub fn add_working_days(&self, date: Date, n: i64) -> Result<Option<Date>, i32> {
        let step = n.signum();
        let mut d = date;
        let mut left = n.unsigned_abs();
        while left > 0 {
            let Some(next) = d.checked_add_days(step) else { return Ok(None) };
            d = next;
            // Each step is within a declared year, so the walk ends within them.
            left -= u64::from(self.is_working(d)?);
        }
        Ok(Some(d))
    }

    /// The day itself when it is working, else the next working day: where a term ends
    /// on a day off, it ends on the next working day (ГК РФ ст. 193).
    pub fn first_working_day(&self, date: Date) -> Result<Option<Date>, i32> {
        let mut d = date;
        while !self.is_working(d)? {
            let Some(next) = d.checked_add_days(1) else { return Ok(None) };
            d = next;
        }
        Ok(Some(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// 2026 as the Government set it: the New Year break to 11 January, 9 March and
    /// 11 May for holidays on a weekend, 31 December for 4 January.
    fn russia_2026() -> Calendar {
        let off = [
            "2026-01-01",
            "2026-01-02",
            "2026-01-05",
            "2026-01-06",
            "2026-01-07",
            "2026-01-08",
            "2026-01-09",
            "2026-02-23",
            "2026-03-09",
            "2026-05-01",
            "2026-05-11",
            "2026-06-12",
            "2026-11-04",
            "2026-12-31",
        ];
        let year = CalendarYear { legal: Vec::new(), non_working: off.map(d).to_vec(), working: Vec::new() };
        let name = Name { text: "russia".into(), span: Span::new(crate::source::FileId(0), 0, 0) };
        Calendar { name, title: None, years: BTreeMap::from([(2026, year)]) }
    }

    #[test]
    fn counts_working_days_over_holidays() {
        let c = russia_2026();
        assert_eq!(c.is_working(d("2026-01-09")), Ok(false));
        assert_eq!(c.is_working(d("2026-01-12")), Ok(true));
        // From 30 December 2025 there is no 2025 to count on.
        assert_eq!(c.add_working_days(d("2025-12-30"), 1), Err(2025));
        // The break: the first working day after 31 December 2025 is 12 January.
        assert_eq!(c.add_working_days(d("2026-01-01"), 1), Ok(Some(d("2026-01-12"))));
        assert_eq!(c.add_working_days(d("2026-01-12"), 5), Ok(Some(d("2026-01-19"))));
        assert_eq!(c.add_working_days(d("2026-01-19"), -5), Ok(Some(d("2026-01-12"))));
        // Ten working days from 30 April cross 1 and 11 May.
        assert_eq!(c.add_working_days(d("2026-04-30"), 10), Ok(Some(d("2026-05-18"))));
        assert_eq!(c.add_working_days(d("2026-12-30"), 2), Err(2027));
        assert_eq!(c.add_working_days(d("2026-12-30"), 0), Ok(Some(d("2026-12-30"))));
    }

    #[test]
    fn a_term_ending_on_a_day_off_ends_on_the_next_working_day() {
        let c = russia_2026();
        assert_eq!(c.first_working_day(d("2026-03-07")), Ok(Some(d("2026-03-10"))));
        assert_eq!(c.first_working_day(d("2026-03-10")), Ok(Some(d("2026-03-10"))));
        assert_eq!(c.first_working_day(d("2026-12-31")), Err(2027));
    }
}
