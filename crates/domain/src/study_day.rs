//! The learner's day: it runs from the rollover hour (default 04:00) in their time zone to
//! the next one, so a session after midnight still counts for "today".

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone as _, Utc};

use crate::TimeZone;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudyDay {
    /// The calendar date the day is named after (the date on which it starts).
    pub date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl StudyDay {
    /// The study day containing `now` for a learner in `zone` whose day turns at `rollover_hour`.
    pub fn containing(now: DateTime<Utc>, zone: TimeZone, rollover_hour: u32) -> Self {
        let tz = zone.tz();
        let local = now.with_timezone(&tz);
        let shifted = local.naive_local() - Duration::hours(i64::from(rollover_hour.min(23)));
        let date = shifted.date();
        Self {
            date,
            starts_at: at_local_hour(date, zone, rollover_hour),
            ends_at: at_local_hour(date.succ_opt().unwrap_or(date), zone, rollover_hour),
        }
    }
}

impl StudyDay {
    /// The date of the next study day.
    pub fn next_date(&self) -> NaiveDate {
        self.date.succ_opt().unwrap_or(self.date)
    }

    /// The study day named `date` for a learner in `zone` whose day turns at `rollover_hour`.
    pub fn named(date: NaiveDate, zone: TimeZone, rollover_hour: u32) -> Self {
        Self {
            date,
            starts_at: at_local_hour(date, zone, rollover_hour),
            ends_at: at_local_hour(date.succ_opt().unwrap_or(date), zone, rollover_hour),
        }
    }
}

/// The instant it is `hour`:00 on `date` in `zone` (a study day begins at its rollover hour;
/// a reminder comes at its hour). On a DST gap the first valid instant after the hour is used;
/// on an overlap the earlier one.
pub fn at_local_hour(date: NaiveDate, zone: TimeZone, hour: u32) -> DateTime<Utc> {
    let tz = zone.tz();
    let time = NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or(NaiveTime::MIN);
    let mut local = date.and_time(time);
    for _ in 0..4 {
        if let Some(instant) = tz.from_local_datetime(&local).earliest() {
            return instant.with_timezone(&Utc);
        }
        local += Duration::minutes(30);
    }
    // No zone has a gap longer than two hours; fall back to reading the time as UTC.
    Utc.from_utc_datetime(&date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_night_session_belongs_to_the_previous_day() {
        let moscow = TimeZone::MOSCOW; // UTC+3
        let day = StudyDay::containing(at("2026-11-27T22:30:00Z"), moscow, 4); // 01:30 local, 28th
        assert_eq!(day.date.to_string(), "2026-11-27");
        assert_eq!(day.starts_at, at("2026-11-27T01:00:00Z"));
        assert_eq!(day.ends_at, at("2026-11-28T01:00:00Z"));
        let after_rollover = StudyDay::containing(at("2026-11-28T01:00:00Z"), moscow, 4);
        assert_eq!(after_rollover.date.to_string(), "2026-11-28");
    }

    #[test]
    fn days_around_a_dst_change_are_23_or_25_hours() {
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        let spring = StudyDay::containing(at("2026-03-28T12:00:00Z"), berlin, 4);
        assert_eq!(spring.ends_at - spring.starts_at, Duration::hours(23));
        let autumn = StudyDay::containing(at("2026-10-24T12:00:00Z"), berlin, 4);
        assert_eq!(autumn.ends_at - autumn.starts_at, Duration::hours(25));
    }
}
