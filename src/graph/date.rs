//! Dates that keep their precision: `2024`, `2024-03` or `2024-03-15`.
//!
//! A date names a period: a year, a month or a day. A relation with
//! `since: "2024"` holds from the period's first day (2024-01-01); one with
//! `until: "2024-03"` holds through the period's last day (2024-03-31).

use std::cmp::Ordering;
use std::fmt;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// `2024`
    Year,
    /// `2024-03`
    Month,
    /// `2024-03-15`
    Day,
}

/// A calendar date at year, month or day precision.
///
/// Ordering compares the first days of the periods, then the coarser date
/// first: `2024 < 2024-01 < 2024-01-01 < 2024-01-02`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    year: i32,
    /// 1-12, or 0 at year precision.
    month: u8,
    /// 1-31, or 0 at year or month precision.
    day: u8,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateError(String);

/// A day as a number, for comparing periods: days since 0000-03-01 in the
/// proleptic Gregorian calendar.
pub type DayNumber = i64;

impl Date {
    /// A date at year precision.
    pub fn year(year: i32) -> Date {
        Date {
            year,
            month: 0,
            day: 0,
        }
    }

    /// A date at month precision, if `month` is 1-12.
    pub fn month(year: i32, month: u8) -> Option<Date> {
        (1..=12).contains(&month).then_some(Date {
            year,
            month,
            day: 0,
        })
    }

    /// A date at day precision, if it exists in the calendar.
    pub fn day(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (four-digit years).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let bad = || {
            DateError(format!(
                "`{text}` is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. \"2024\", \"2024-03\" or \"2024-03-15\""
            ))
        };
        let parts: Vec<&str> = text.split('-').collect();
        let num = |s: &str, len: usize| -> Result<u32, DateError> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        match parts.as_slice() {
            [y] => Ok(Date::year(num(y, 4)? as i32)),
            [y, m] => {
                let (y, m) = (num(y, 4)? as i32, num(m, 2)? as u8);
                Date::month(y, m)
                    .ok_or_else(|| DateError(format!("`{text}`: there is no month {m}")))
            }
            [y, m, d] => {
                let (y, m, d) = (num(y, 4)? as i32, num(m, 2)? as u8, num(d, 2)? as u8);
                if !(1..=12).contains(&m) {
                    return Err(DateError(format!("`{text}`: there is no month {m}")));
                }
                Date::day(y, m, d).ok_or_else(|| {
                    DateError(format!(
                        "`{text}`: {y}-{m:02} has {} days",
                        days_in_month(y, m)
                    ))
                })
            }
            _ => Err(bad()),
        }
    }

    /// How much of the date is known.
    pub fn precision(self) -> Precision {
        if self.day != 0 {
            Precision::Day
        } else if self.month != 0 {
            Precision::Month
        } else {
            Precision::Year
        }
    }

    /// The year.
    pub fn year_number(self) -> i32 {
        self.year
    }

    /// The year, the month (0 at year precision) and the day (0 at year
    /// or month precision): the inverse of [`Date::year`], [`Date::month`]
    /// and [`Date::day`], for compact storage.
    pub fn parts(self) -> (i32, u8, u8) {
        (self.year, self.month, self.day)
    }

    /// The first day of the period.
    pub fn first_day(self) -> DayNumber {
        let m = if self.month == 0 { 1 } else { self.month };
        let d = if self.day == 0 { 1 } else { self.day };
        day_number(self.year, m, d)
    }

    /// The first period at `precision` within this one (`2024` at month
    /// precision is `2024-01`); itself when it is as precise already.
    pub fn first_at(self, precision: Precision) -> Date {
        if precision <= self.precision() {
            return self;
        }
        let month = if self.month == 0 { 1 } else { self.month };
        match precision {
            Precision::Month => Date {
                month,
                day: 0,
                ..self
            },
            _ => Date {
                month,
                day: if self.day == 0 { 1 } else { self.day },
                ..self
            },
        }
    }

    /// The last period at `precision` within this one (`2024` at month
    /// precision is `2024-12`); itself when it is as precise already.
    pub fn last_at(self, precision: Precision) -> Date {
        if precision <= self.precision() {
            return self;
        }
        let month = if self.month == 0 { 12 } else { self.month };
        match precision {
            Precision::Month => Date {
                month,
                day: 0,
                ..self
            },
            _ => Date {
                month,
                day: if self.day == 0 {
                    days_in_month(self.year, month)
                } else {
                    self.day
                },
                ..self
            },
        }
    }

    /// The period right after this one, at the same precision: `2024` ->
    /// `2025`, `2024-12` -> `2025-01`, `2024-12-31` -> `2025-01-01`.
    pub fn next(self) -> Date {
        match self.precision() {
            Precision::Year => Date::year(self.year + 1),
            Precision::Month if self.month == 12 => Date {
                year: self.year + 1,
                month: 1,
                day: 0,
            },
            Precision::Month => Date {
                month: self.month + 1,
                ..self
            },
            Precision::Day if self.day < days_in_month(self.year, self.month) => Date {
                day: self.day + 1,
                ..self
            },
            Precision::Day if self.month == 12 => Date {
                year: self.year + 1,
                month: 1,
                day: 1,
            },
            Precision::Day => Date {
                month: self.month + 1,
                day: 1,
                ..self
            },
        }
    }

    /// The period right before this one, at the same precision: `2024` ->
    /// `2023`, `2024-01` -> `2023-12`, `2024-03-01` -> `2024-02-29`.
    pub fn previous(self) -> Date {
        match self.precision() {
            Precision::Year => Date::year(self.year - 1),
            Precision::Month if self.month == 1 => Date {
                year: self.year - 1,
                month: 12,
                day: 0,
            },
            Precision::Month => Date {
                month: self.month - 1,
                ..self
            },
            Precision::Day if self.day > 1 => Date {
                day: self.day - 1,
                ..self
            },
            Precision::Day if self.month == 1 => Date {
                year: self.year - 1,
                month: 12,
                day: 31,
            },
            Precision::Day => Date {
                month: self.month - 1,
                day: days_in_month(self.year, self.month - 1),
                ..self
            },
        }
    }

    /// The last day of the period.
    pub fn last_day(self) -> DayNumber {
        let m = if self.month == 0 { 12 } else { self.month };
        let d = if self.day == 0 {
            days_in_month(self.year, m)
        } else {
            self.day
        };
        day_number(self.year, m, d)
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Date) -> Ordering {
        (self.first_day(), self.precision()).cmp(&(other.first_day(), other.precision()))
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Date) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision() {
            Precision::Year => write!(f, "{:04}", self.year),
            Precision::Month => write!(f, "{:04}-{:02}", self.year, self.month),
            Precision::Day => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 0000-03-01 (a well-known civil-calendar formula).
fn day_number(year: i32, month: u8, day: u8) -> DayNumber {
    let (y, m) = if month <= 2 {
        (i64::from(year) - 1, i64::from(month) + 9)
    } else {
        (i64::from(year), i64::from(month) - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn parses_each_precision_and_prints_it_back() {
        for s in ["2024", "2024-03", "2024-03-15", "0999-12-31"] {
            assert_eq!(d(s).to_string(), s);
        }
        assert_eq!(d("2024").precision(), Precision::Year);
        assert_eq!(d("2024-03").precision(), Precision::Month);
        assert_eq!(d("2024-03-15").precision(), Precision::Day);
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for s in [
            "",
            "24",
            "2024-3",
            "2024-13",
            "2024-00",
            "2023-02-29",
            "2024-04-31",
            "2024/03",
            "2024-03-15T00",
            "+2024",
            "２０２４",
            "2024-",
        ] {
            assert!(Date::parse(s).is_err(), "{s:?} should be refused");
        }
        assert!(Date::parse("2024-02-29").is_ok());
        let e = Date::parse("2024-13").err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("`2024-13`: there is no month 13"));
    }

    #[test]
    fn periods_have_first_and_last_days() {
        assert_eq!(d("2024").first_day(), d("2024-01-01").first_day());
        assert_eq!(d("2024").last_day(), d("2024-12-31").last_day());
        assert_eq!(d("2024-02").last_day(), d("2024-02-29").first_day());
        assert_eq!(d("2023-02").last_day(), d("2023-02-28").first_day());
        assert_eq!(d("2024-03").last_day() + 1, d("2024-04-01").first_day());
        assert_eq!(d("2023-12-31").last_day() + 1, d("2024-01-01").first_day());
        assert_eq!(d("2000-03-01").first_day() - d("2000-02-28").first_day(), 2);
        assert_eq!(d("1900-03-01").first_day() - d("1900-02-28").first_day(), 1);
    }

    #[test]
    fn first_and_last_periods_at_a_finer_precision() {
        assert_eq!(d("2024").first_at(Precision::Month), d("2024-01"));
        assert_eq!(d("2024").last_at(Precision::Month), d("2024-12"));
        assert_eq!(d("2024").last_at(Precision::Day), d("2024-12-31"));
        assert_eq!(d("2024-02").last_at(Precision::Day), d("2024-02-29"));
        assert_eq!(d("2024-02").first_at(Precision::Day), d("2024-02-01"));
        assert_eq!(d("2024-02-10").last_at(Precision::Year), d("2024-02-10"));
    }

    #[test]
    fn next_and_previous_keep_the_precision() {
        let pairs = [
            ("2024", "2025"),
            ("2024-11", "2024-12"),
            ("2024-12", "2025-01"),
            ("2024-02-28", "2024-02-29"),
            ("2024-02-29", "2024-03-01"),
            ("2023-02-28", "2023-03-01"),
            ("2024-12-31", "2025-01-01"),
        ];
        for (a, b) in pairs {
            assert_eq!(d(a).next(), d(b), "{a} -> {b}");
            assert_eq!(d(b).previous(), d(a), "{b} <- {a}");
            assert_eq!(d(a).last_day() + 1, d(b).first_day());
        }
    }

    #[test]
    fn ordering_puts_coarser_dates_first_at_the_same_start() {
        assert!(d("2024") < d("2024-01"));
        assert!(d("2024-01") < d("2024-01-01"));
        assert!(d("2024-01-01") < d("2024-01-02"));
        assert!(d("2023-12-31") < d("2024"));
        assert!(d("2024-12") < d("2025"));
        assert_eq!(d("2024-03").cmp(&d("2024-03")), Ordering::Equal);
    }
}
