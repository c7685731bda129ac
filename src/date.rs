//! Civil dates (proleptic Gregorian) as day numbers, and terms as the Civil Code counts
//! them (ГК РФ ст. 190–193): validation of literals, ordering, adding days, months and
//! years, ages in full years.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// A valid date, or `None` (month 13, 30 February, year 0 …).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
        Date::new(num(0..4)? as i32, num(5..7)?, num(8..10)?)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn day_number(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_day_number(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` later, if it is within years 1 to 9999.
    pub fn checked_add_days(self, days: i64) -> Option<Date> {
        let first = Date { year: 1, month: 1, day: 1 }.day_number();
        let last = Date { year: 9999, month: 12, day: 31 }.day_number();
        let n = self.day_number().checked_add(days)?;
        (first..=last).contains(&n).then(|| Date::from_day_number(n))
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_day_number(self.day_number() + days)
    }

    /// The next day.
    pub fn succ(self) -> Date {
        self.add_days(1)
    }

    /// The date's month as a number, `year × 12 + month − 1`: months count by subtraction.
    pub fn month_number(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The date `months` later (or earlier, when negative), within years 1 to 9999: the
    /// same day of the month, or the month's last day when it has no such day (ГК РФ ст.
    /// 192 п. 3: 31 January + 1 month is 28 or 29 February).
    pub fn add_months(self, months: i64) -> Option<Date> {
        let index = self.month_number().checked_add(months)?;
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = index.rem_euclid(12) as u32 + 1;
        if !(1..=9999).contains(&year) {
            return None;
        }
        Some(Date { year, month, day: self.day.min(days_in_month(year, month)) })
    }

    /// Full years from `self` (a birth date) to `on`: the age, reached on the day that
    /// the birth date plus so many years falls on (ГК РФ ст. 192 п. 3: born on 29
    /// February, one comes of age on 28 February of a common year).
    pub fn years_until(self, on: Date) -> i64 {
        let years = i64::from(on.year - self.year);
        match self.add_months(years * 12) {
            Some(anniversary) if anniversary > on => years - 1,
            _ => years,
        }
    }
}

/// The day number of a calendar date, `None` when there is no such date: what
/// `Date::new(..)?.day_number()` gives, in unsigned arithmetic (the years are positive),
/// for readers of many dates.
#[inline]
pub fn day_number(year: u32, month: u32, day: u32) -> Option<i64> {
    let valid = (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year as i32, month);
    if !valid {
        return None;
    }
    let y = year - u32::from(month <= 2);
    let (era, yoe) = (y / 400, y % 400);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(i64::from(era) * 146_097 + i64::from(doe) - 719_468)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_of_parts_are_the_dates() {
        for z in Date::new(1, 1, 1).unwrap().day_number()..=Date::new(2400, 12, 31).unwrap().day_number() {
            let d = Date::from_day_number(z);
            assert_eq!(day_number(d.year as u32, d.month, d.day), Some(z), "{d}");
        }
        assert_eq!(day_number(9999, 12, 31), Some(Date::new(9999, 12, 31).unwrap().day_number()));
        for (y, m, d) in [
            (2023, 2, 29),
            (1900, 2, 29),
            (2024, 4, 31),
            (2024, 13, 1),
            (2024, 0, 1),
            (0, 1, 1),
            (2024, 1, 0),
        ] {
            assert_eq!(day_number(y, m, d), None, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn round_trips_day_numbers() {
        for z in [-800_000, -1, 0, 1, 19_000, 20_000, 2_000_000] {
            assert_eq!(Date::from_day_number(z).day_number(), z);
        }
        assert_eq!(Date::parse("1970-01-01").unwrap().day_number(), 0);
        assert_eq!(Date::parse("2024-03-01").unwrap().add_days(-1).to_string(), "2024-02-29");
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("0000-01-01").is_none());
    }

    #[test]
    fn adds_months_to_the_same_day_or_the_last_of_the_month() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("2026-01-31").add_months(1), Some(d("2026-02-28")));
        assert_eq!(d("2028-01-31").add_months(1), Some(d("2028-02-29")));
        assert_eq!(d("2026-01-31").add_months(2), Some(d("2026-03-31")));
        assert_eq!(d("2026-03-31").add_months(-1), Some(d("2026-02-28")));
        assert_eq!(d("2026-05-15").add_months(-17), Some(d("2024-12-15")));
        assert_eq!(d("2024-02-29").add_months(12), Some(d("2025-02-28")));
        assert_eq!(d("9999-12-01").add_months(1), None);
        assert_eq!(d("0001-01-01").add_months(-1), None);
        assert_eq!(d("2026-01-01").add_months(i64::MAX), None);
    }

    #[test]
    fn leap_day_birthdays_come_of_age_on_the_last_day_of_february() {
        let birth = Date::parse("2008-02-29").unwrap();
        assert_eq!(birth.years_until(Date::parse("2026-02-27").unwrap()), 17);
        assert_eq!(birth.years_until(Date::parse("2026-02-28").unwrap()), 18);
        assert_eq!(birth.years_until(Date::parse("2028-02-28").unwrap()), 19);
        assert_eq!(birth.years_until(Date::parse("2028-02-29").unwrap()), 20);
    }

    #[test]
    fn counts_full_years() {
        let birth = Date::parse("2008-03-15").unwrap();
        assert_eq!(birth.years_until(Date::parse("2026-03-14").unwrap()), 17);
        assert_eq!(birth.years_until(Date::parse("2026-03-15").unwrap()), 18);
    }
}
