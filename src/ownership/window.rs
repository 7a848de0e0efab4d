//! Windows of time: when a relation, a chain of relations or an answer
//! held.
//!
//! A window runs from the first day of its `from` date to the last day of
//! its `to` date, each kept at the precision it was written (`2024`,
//! `2024-12`, `2024-12-15`); a missing end is open. A chain holds only
//! while all its relations hold at once: its window is the intersection of
//! theirs, and a chain whose window is empty is no chain.
//!
//! [`Slices`] cuts time at every date where one of a set of relations
//! starts or ends, so that within one slice the same relations hold
//! throughout: ownership is answered slice by slice and the answers are
//! joined back into windows.

use std::fmt;

use crate::graph::date::DayNumber;
use crate::graph::{Date, Relation};

/// A period of days, both ends included, open where an end is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// The first period of the window (`since`), or open.
    pub from: Option<Date>,
    /// The last period of the window (`until`), or open.
    pub to: Option<Date>,
}

impl Window {
    /// The window with no ends: always.
    pub const ALWAYS: Window = Window {
        from: None,
        to: None,
    };

    /// When `r` held: from its `since` to its `until`.
    pub fn of(r: &Relation) -> Window {
        Window {
            from: r.since,
            to: r.until,
        }
    }

    /// The whole of one period, such as `AS OF 2024`.
    pub fn during(d: Date) -> Window {
        Window {
            from: Some(d),
            to: Some(d),
        }
    }

    /// The first day, `DayNumber::MIN` when open.
    pub fn first_day(&self) -> DayNumber {
        self.from.map_or(DayNumber::MIN, Date::first_day)
    }

    /// The last day, `DayNumber::MAX` when open.
    pub fn last_day(&self) -> DayNumber {
        self.to.map_or(DayNumber::MAX, Date::last_day)
    }

    /// Whether no day is in the window.
    pub fn is_empty(&self) -> bool {
        self.first_day() > self.last_day()
    }

    /// Whether both ends are open.
    pub fn is_always(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// The days in both windows, or `None` when there are none. Of two
    /// ends on the same day, the one written more precisely is kept.
    pub fn intersect(&self, other: &Window) -> Option<Window> {
        let from = match (self.from, other.from) {
            (Some(a), Some(b)) => Some(
                if (b.first_day(), b.precision()) > (a.first_day(), a.precision()) {
                    b
                } else {
                    a
                },
            ),
            (a, b) => a.or(b),
        };
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(
                if (b.last_day(), std::cmp::Reverse(b.precision()))
                    < (a.last_day(), std::cmp::Reverse(a.precision()))
                {
                    b
                } else {
                    a
                },
            ),
            (a, b) => a.or(b),
        };
        let w = Window { from, to }.even();
        (!w.is_empty()).then_some(w)
    }

    /// The same days, with an end that contains the other end written at
    /// the other's precision (`2024-12 -> 2024` is `2024-12 -> 2024-12`),
    /// so that a window never reads as ending before it begins. Other
    /// windows keep the precision written (`2020 -> 2023-05`).
    pub fn even(self) -> Window {
        let (Some(a), Some(b)) = (self.from, self.to) else {
            return self;
        };
        let within = |outer: Date, inner: Date| {
            outer.first_day() <= inner.first_day() && inner.last_day() <= outer.last_day()
        };
        if a.precision() < b.precision() && within(a, b) {
            Window {
                from: Some(a.first_at(b.precision())),
                to: Some(b),
            }
        } else if b.precision() < a.precision() && within(b, a) {
            Window {
                from: Some(a),
                to: Some(b.last_at(a.precision())),
            }
        } else {
            self
        }
    }

    /// Whether the two windows share a day.
    pub fn overlaps(&self, other: &Window) -> bool {
        self.first_day() <= other.last_day() && other.first_day() <= self.last_day()
    }

    /// Whether every day of `other` is in this window.
    pub fn contains(&self, other: &Window) -> bool {
        self.first_day() <= other.first_day() && other.last_day() <= self.last_day()
    }
}

/// `2019 -> 2024`, `2024-12 ->`, `-> 2024`, or `always`.
impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.to) {
            (None, None) => write!(f, "always"),
            (Some(a), None) => write!(f, "{a} ->"),
            (None, Some(b)) => write!(f, "-> {b}"),
            (Some(a), Some(b)) => write!(f, "{a} -> {b}"),
        }
    }
}

/// Time cut at every date where some relation of a set starts or ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slices {
    /// The slices in order; together they cover all time without a gap.
    pub windows: Vec<Window>,
}

impl Slices {
    /// The slices of the windows `of`: within one slice, each of those
    /// windows either holds on every day or on none.
    pub fn cut(of: impl IntoIterator<Item = Window>) -> Slices {
        // (day a slice starts, how that start is written, how the day
        // before it is written).
        let mut cuts: Vec<(DayNumber, Date, Date)> = Vec::new();
        for w in of {
            if let Some(d) = w.from {
                cuts.push((d.first_day(), d, d.previous()));
            }
            if let Some(d) = w.to {
                cuts.push((d.last_day() + 1, d.next(), d));
            }
        }
        // Of several cuts on one day, the most precise writing is kept.
        cuts.sort_by_key(|(day, start, _)| (*day, std::cmp::Reverse(start.precision())));
        cuts.dedup_by_key(|(day, _, _)| *day);
        let mut windows = Vec::with_capacity(cuts.len() + 1);
        let mut from: Option<Date> = None;
        for (_, start, before) in cuts {
            windows.push(Window {
                from,
                to: Some(before),
            });
            from = Some(start);
        }
        windows.push(Window { from, to: None });
        Slices { windows }
    }
}

impl Slices {
    /// The slices that share a day with `w`, as a range of indexes
    /// (empty when none does).
    pub fn range(&self, w: &Window) -> std::ops::Range<usize> {
        let lo = self
            .windows
            .partition_point(|s| s.last_day() < w.first_day());
        let hi = self
            .windows
            .partition_point(|s| s.first_day() <= w.last_day());
        lo..hi.max(lo)
    }

    /// The window from the start of slice `first` to the end of slice
    /// `last`.
    pub fn span(&self, first: usize, last: usize) -> Window {
        Window {
            from: self.windows.get(first).and_then(|w| w.from),
            to: self.windows.get(last).and_then(|w| w.to),
        }
        .even()
    }
}

/// A value that changes over time, slice by slice: `(first slice, value)`
/// pairs in order, the first at slice 0, each value holding until the
/// next pair begins. Neighbouring pairs never hold the same value.
#[derive(Debug, Clone, PartialEq)]
pub struct Steps<T>(Vec<(usize, T)>);

impl<T: Copy + PartialEq> Steps<T> {
    /// The same value at all times.
    pub fn constant(v: T) -> Steps<T> {
        Steps(vec![(0, v)])
    }

    /// `inside` on the slices of `range`, `outside` elsewhere.
    pub fn on(range: std::ops::Range<usize>, inside: T, outside: T) -> Steps<T> {
        let mut s = Steps(Vec::with_capacity(3));
        s.push(0, outside);
        s.push(range.start, inside);
        s.push(range.end.max(range.start), outside);
        s
    }

    fn push(&mut self, at: usize, v: T) {
        match self.0.last_mut() {
            Some(last) if last.0 == at => {
                last.1 = v;
                // The value may now equal the one before it.
                let n = self.0.len();
                if n >= 2 && self.0[n - 2].1 == v {
                    self.0.pop();
                }
            }
            Some(last) if last.1 == v => {}
            _ => self.0.push((at, v)),
        }
    }

    /// The value in slice `at`.
    pub fn at(&self, at: usize) -> T {
        let i = self.0.partition_point(|(s, _)| *s <= at);
        self.0[i.saturating_sub(1)].1
    }

    /// The slices where the value changes (and 0).
    pub fn starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().map(|(s, _)| *s)
    }

    /// The runs of equal values: `(first slice, value)`, in order.
    pub fn runs(&self) -> &[(usize, T)] {
        &self.0
    }

    /// `f` of this value and `other`'s, slice by slice.
    pub fn zip<U: Copy + PartialEq, V: Copy + PartialEq>(
        &self,
        other: &Steps<U>,
        f: impl Fn(T, U) -> V,
    ) -> Steps<V> {
        let mut out = Steps(Vec::with_capacity(self.0.len().max(other.0.len())));
        let (mut i, mut j) = (0, 0);
        while i < self.0.len() && j < other.0.len() {
            let at = self.0[i].0.max(other.0[j].0);
            out.push(at, f(self.0[i].1, other.0[j].1));
            let next_a = self.0.get(i + 1).map_or(usize::MAX, |x| x.0);
            let next_b = other.0.get(j + 1).map_or(usize::MAX, |x| x.0);
            if next_a == usize::MAX && next_b == usize::MAX {
                break;
            }
            if next_a <= next_b {
                i += 1;
            }
            if next_b <= next_a {
                j += 1;
            }
        }
        out
    }

    /// Builds a value from the values it takes at the given starts, in
    /// order (the first at slice 0).
    pub fn from_starts(values: impl IntoIterator<Item = (usize, T)>) -> Steps<T> {
        let mut out = Steps(Vec::new());
        for (at, v) in values {
            out.push(at, v);
        }
        out
    }
}

impl Steps<bool> {
    /// The slices in which the value is true, as ranges (the last ending
    /// at `end`).
    pub fn true_ranges(&self, end: usize) -> Vec<std::ops::Range<usize>> {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, (_, v))| *v)
            .map(|(r, (start, _))| *start..self.0.get(r + 1).map_or(end, |x| x.0))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn w(from: Option<&str>, to: Option<&str>) -> Window {
        Window {
            from: from.map(d),
            to: to.map(d),
        }
    }

    #[test]
    fn intersections_keep_the_precision_written() {
        let ended = w(None, Some("2024"));
        let began = w(Some("2024-12"), None);
        assert_eq!(
            ended.intersect(&began),
            Some(w(Some("2024-12"), Some("2024-12")))
        );
        assert_eq!(
            w(None, Some("2024-06")).intersect(&w(Some("2024-07"), None)),
            None
        );
        assert_eq!(
            w(Some("2024"), None).intersect(&w(Some("2024-01-01"), None)),
            Some(w(Some("2024-01-01"), None))
        );
        assert_eq!(Window::ALWAYS.intersect(&ended), Some(ended));
        assert_eq!(
            w(Some("2024"), Some("2024-03")).even(),
            w(Some("2024-01"), Some("2024-03"))
        );
        assert_eq!(
            w(Some("2020"), Some("2023-05")).even(),
            w(Some("2020"), Some("2023-05"))
        );
        assert_eq!(ended.to_string(), "-> 2024");
        assert_eq!(began.to_string(), "2024-12 ->");
        assert_eq!(Window::ALWAYS.to_string(), "always");
        assert_eq!(w(Some("2019"), Some("2024")).to_string(), "2019 -> 2024");
    }

    #[test]
    fn slices_cover_all_time_and_are_cut_at_every_end() {
        let s = Slices::cut([w(None, Some("2024")), w(Some("2024-12"), None)]);
        let text: Vec<String> = s.windows.iter().map(|w| w.to_string()).collect();
        assert_eq!(text, ["-> 2024-11", "2024-12 -> 2024", "2025 ->"]);
        assert_eq!(s.span(1, 1).to_string(), "2024-12 -> 2024-12");
        assert_eq!(s.span(0, 1).to_string(), "-> 2024");
        for pair in s.windows.windows(2) {
            assert_eq!(pair[0].last_day() + 1, pair[1].first_day());
        }
        assert_eq!(Slices::cut([]).windows, [Window::ALWAYS]);
        // Two cuts on one day are one cut.
        let s = Slices::cut([w(Some("2025"), None), w(None, Some("2024-12-31"))]);
        assert_eq!(s.windows.len(), 2);
        assert_eq!(s.windows[1].from, Some(d("2025-01-01")));
    }

    #[test]
    fn steps_combine_slice_by_slice() {
        let a = Steps::on(2..5, 1, 0);
        let b = Steps::on(4..8, 10, 0);
        let sum = a.zip(&b, |x, y| x + y);
        assert_eq!(sum.runs(), [(0, 0), (2, 1), (4, 11), (5, 10), (8, 0)]);
        assert_eq!(sum.at(3), 1);
        assert_eq!(sum.at(100), 0);
        let both = a.zip(&b, |x, y| x > 0 && y > 0);
        assert_eq!(both.runs(), [(0, false), (4, true), (5, false)]);
        assert_eq!(both.true_ranges(9), vec![(4..5)]);
        assert_eq!(Steps::on(3..9, true, false).true_ranges(9), vec![(3..9)]);
        assert_eq!(Steps::on(0..0, 1, 0).runs(), [(0, 0)]);
        assert_eq!(Steps::on(0..3, 1, 0).runs(), [(0, 1), (3, 0)]);
        let s = Slices::cut([w(Some("2020"), Some("2021")), w(Some("2023"), None)]);
        // -> 2019, 2020 -> 2021, 2022 -> 2022, 2023 ->
        assert_eq!(s.range(&w(Some("2021-06"), Some("2023-02"))), 1..4);
        assert_eq!(s.range(&Window::ALWAYS), 0..4);
        assert_eq!(s.span(1, 2).to_string(), "2020 -> 2022");
    }
}
