//! Streaks: runs of consecutive study days with activity. Which actions make a day active is
//! decided where the days are read (`repositories::stats::ACTIVE_DAY`); this is the counting.

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreakFacts {
    /// Consecutive active days up to today, or up to yesterday while today is still open.
    pub current: u32,
    pub best: u32,
    pub active_days: u32,
    pub today_done: bool,
}

/// The streak facts of `active` study dates (ascending, distinct) as of the study day `today`.
/// A day later than `today` (a clock or zone change) counts like today.
pub fn streak_of(active: &[NaiveDate], today: NaiveDate) -> StreakFacts {
    let mut best = 0u32;
    let mut run = 0u32;
    let mut previous: Option<NaiveDate> = None;
    for &day in active {
        run = match previous {
            Some(before) if before.succ_opt() == Some(day) => run + 1,
            Some(before) if before == day => run,
            _ => 1,
        };
        best = best.max(run);
        previous = Some(day);
    }
    let last = previous;
    let today_done = last.is_some_and(|day| day >= today);
    let yesterday = today.pred_opt();
    let alive = today_done || (last.is_some() && last == yesterday);
    StreakFacts {
        current: if alive { run } else { 0 },
        best,
        active_days: u32::try_from(active.len()).unwrap_or(u32::MAX),
        today_done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(list: &[&str]) -> Vec<NaiveDate> {
        list.iter().map(|d| d.parse().unwrap()).collect()
    }

    fn today(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    #[test]
    fn a_run_to_today_or_yesterday_is_current() {
        let active = days(&["2026-11-20", "2026-11-25", "2026-11-26", "2026-11-27"]);
        let open = streak_of(&active, today("2026-11-28"));
        assert_eq!(open, StreakFacts { current: 3, best: 3, active_days: 4, today_done: false });
        let done = streak_of(&days(&["2026-11-26", "2026-11-27", "2026-11-28"]), today("2026-11-28"));
        assert_eq!((done.current, done.today_done), (3, true));
    }

    #[test]
    fn a_missed_day_breaks_it_but_the_best_stays() {
        let active = days(&["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-26"]);
        let facts = streak_of(&active, today("2026-11-28"));
        assert_eq!(facts, StreakFacts { current: 0, best: 4, active_days: 5, today_done: false });
        assert_eq!(streak_of(&[], today("2026-11-28")), StreakFacts::default());
    }

    #[test]
    fn month_and_year_ends_are_consecutive() {
        let active = days(&["2026-12-30", "2026-12-31", "2027-01-01"]);
        assert_eq!(streak_of(&active, today("2027-01-01")).current, 3);
        let leap = days(&["2028-02-28", "2028-02-29", "2028-03-01"]);
        assert_eq!(streak_of(&leap, today("2028-03-02")).current, 3);
    }
}
