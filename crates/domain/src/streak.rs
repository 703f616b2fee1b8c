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

/// What the streak needs of a learner's whole history of active days: how many there were,
/// the longest run of consecutive ones and the latest run. The database computes it in one
/// row (`repositories::stats::study_runs`) instead of sending every active date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StudyRuns {
    pub active_days: u32,
    pub best: u32,
    pub latest: Option<LatestRun>,
}

/// The run of consecutive active days that ends with the latest active day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatestRun {
    pub ends_on: NaiveDate,
    pub days: u32,
}

impl StudyRuns {
    /// The runs of `active` study dates (ascending, distinct).
    pub fn of(active: &[NaiveDate]) -> Self {
        let mut runs = Self::default();
        for &day in active {
            let days = match runs.latest {
                Some(run) if run.ends_on.succ_opt() == Some(day) => run.days + 1,
                Some(run) if run.ends_on == day => run.days,
                _ => 1,
            };
            runs.latest = Some(LatestRun { ends_on: day, days });
            runs.best = runs.best.max(days);
        }
        runs.active_days = u32::try_from(active.len()).unwrap_or(u32::MAX);
        runs
    }

    /// The streak as of the study day `today`. A day later than `today` (a clock or zone
    /// change) counts like today.
    pub fn facts(&self, today: NaiveDate) -> StreakFacts {
        let today_done = self.latest.is_some_and(|run| run.ends_on >= today);
        let alive = today_done || self.latest.is_some_and(|run| Some(run.ends_on) == today.pred_opt());
        StreakFacts {
            current: match self.latest {
                Some(run) if alive => run.days,
                _ => 0,
            },
            best: self.best,
            active_days: self.active_days,
            today_done,
        }
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

    fn streak_of(active: &[NaiveDate], today: NaiveDate) -> StreakFacts {
        StudyRuns::of(active).facts(today)
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
