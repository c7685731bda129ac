//! Ages on one date, found by comparing day numbers: the last birth day of each age is
//! worked out once from the calendar, so no row's birth date is turned into a calendar date.

use crate::date::Date;

/// The oldest age kept; older (and unborn) rows go through the calendar.
const OLDEST: i64 = 150;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ages {
    on: i64,
    /// `last[k]`: the last birth day on which one is `k` or older on `on`.
    last: Vec<i64>,
}

impl Ages {
    pub fn new(on: Date) -> Ages {
        let mut last = vec![on.day_number()];
        for k in 1..=OLDEST {
            let Some(birthday) = on.add_months(-12 * k) else { break };
            let mut day = birthday.day_number();
            // Born a day later, one may be as old (29 February, ГК РФ ст. 192 п. 3).
            while Date::from_day_number(day + 1).years_until(on) >= k {
                day += 1;
            }
            last.push(day);
        }
        Ages { on: on.day_number(), last }
    }

    /// The age on `on` of one born on day `birth`, as `Date::years_until` gives it.
    #[inline(always)]
    pub fn age(&self, birth: i64) -> i64 {
        let last = &self.last;
        let oldest = last.len() - 1;
        if birth > self.on || birth <= last[oldest] {
            return Date::from_day_number(birth).years_until(Date::from_day_number(self.on));
        }
        // Days over the mean year: the age or one off it, mended by one step each way
        // without a branch (the loops after are for safety and do not run).
        let mut k = (((self.on - birth) * 400 / 146_097) as usize).min(oldest);
        k += usize::from(k < oldest) & usize::from(birth <= last[(k + 1).min(oldest)]);
        k -= usize::from(birth > last[k]);
        while k < oldest && birth <= last[k + 1] {
            k += 1;
        }
        while birth > last[k] {
            k -= 1;
        }
        k as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every birth day of two centuries, on dates around 29 February and year ends.
    #[test]
    fn ages_are_the_calendars() {
        for on in ["2024-02-29", "2023-02-28", "2023-03-01", "2024-01-01", "2025-12-31", "2100-02-28"] {
            let on = Date::parse(on).unwrap();
            let ages = Ages::new(on);
            let from = on.day_number() - 160 * 366;
            for birth in from..on.day_number() + 400 {
                let expected = Date::from_day_number(birth).years_until(on);
                assert_eq!(ages.age(birth), expected, "{on} {}", Date::from_day_number(birth));
            }
        }
    }
}
