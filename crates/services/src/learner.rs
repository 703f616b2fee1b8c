//! The learner's calendar: their time zone and the hour at which their study day rolls over,
//! read from the user row. Study, quotas and the tutor's activity all count in it.

use chrono::{DateTime, Utc};
use domain::{StudyDay, TimeZone};
use repositories::users::UserRow;

/// The user's stored time zone (UTC if it no longer parses).
pub fn zone_of(user: &UserRow) -> TimeZone {
    TimeZone::parse(&user.timezone).unwrap_or(TimeZone::UTC)
}

fn rollover_of(user: &UserRow) -> u32 {
    u32::try_from(user.day_rollover_hour).unwrap_or(4)
}

/// The user's study day (their zone and rollover hour) that contains `now`.
pub fn study_day_of(user: &UserRow, now: DateTime<Utc>) -> StudyDay {
    StudyDay::containing(now, zone_of(user), rollover_of(user))
}

/// The user's study day named `date`.
pub fn study_day_named(user: &UserRow, date: chrono::NaiveDate) -> StudyDay {
    StudyDay::named(date, zone_of(user), rollover_of(user))
}
