//! Streaks, the activity calendar and the stats screen, all counted in the learner's study
//! days (their time zone and rollover hour).

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::{ProfileId, StreakFacts, UserId};
use repositories::stats::{self, DayTotals, ReviewTotals, TopicResults};
use repositories::users::UserRow;
use repositories::{Database, RepoError};

use crate::Clock;
use crate::learner::{study_day_named, study_day_of};
use crate::profiles::{ProfileError, ProfileService};
use crate::user_cache::UserCache;

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("the user no longer exists")]
    UserGone,
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streak {
    pub facts: StreakFacts,
    /// The study day the streak is counted to.
    pub today: NaiveDate,
    /// When the streak is lost unless the learner studies: the end of today's study day, or of
    /// tomorrow's once today is done; `None` without a streak.
    pub safe_until: Option<DateTime<Utc>>,
}

/// How busy a day of the calendar was (reviews, exercises and cards added together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    None,
    Low,
    Medium,
    High,
}

impl Level {
    /// 1–9 actions low, 10–29 medium, 30 or more high.
    pub fn of(actions: u64) -> Self {
        match actions {
            0 => Self::None,
            1..=9 => Self::Low,
            10..=29 => Self::Medium,
            _ => Self::High,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub actions: u64,
    pub level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
    ThreeMonths,
    Year,
    All,
}

impl Period {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "week" => Self::Week,
            "month" => Self::Month,
            "3months" => Self::ThreeMonths,
            "year" => Self::Year,
            "all" => Self::All,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
            Self::ThreeMonths => "3months",
            Self::Year => "year",
            Self::All => "all",
        }
    }

    /// Study days in the period, today included; `None` for all time.
    fn days(self) -> Option<i64> {
        match self {
            Self::Week => Some(7),
            Self::Month => Some(30),
            Self::ThreeMonths => Some(91),
            Self::Year => Some(365),
            Self::All => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Overview {
    pub period: Period,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reviews: ReviewTotals,
    /// Share of reviews of cards in review that were not forgotten; `None` without such reviews.
    pub retention: Option<f64>,
    pub cards_by_state: Vec<(String, u64)>,
    pub exercises: Vec<TopicResults>,
    pub seconds: u64,
    pub days: Vec<DayTotals>,
}

/// Before any activity: the first study date `all` starts from.
const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

#[derive(Debug, Clone)]
pub struct StatsService {
    db: Database,
    clock: Arc<dyn Clock>,
    users: UserCache,
    profiles: ProfileService,
}

impl StatsService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, users: UserCache, profiles: ProfileService) -> Self {
        Self { db, clock, users, profiles }
    }

    async fn user(&self, user_id: UserId) -> Result<UserRow, StatsError> {
        Ok(self.users.get(user_id).await?.ok_or(StatsError::UserGone)?.user.clone())
    }

    pub async fn streak(&self, user_id: UserId) -> Result<Streak, StatsError> {
        let user = self.user(user_id).await?;
        let today = study_day_of(&user, self.clock.now());
        let facts = stats::study_runs(self.db.conn(), user_id).await?.facts(today.date);
        let safe_until = (facts.current > 0)
            .then(|| if facts.today_done { study_day_named(&user, today.next_date()).ends_at } else { today.ends_at });
        Ok(Streak { facts, today: today.date, safe_until })
    }

    /// Today's totals of the active profile (zeros before any activity): the bot's `/stats`.
    pub async fn today(&self, user_id: UserId) -> Result<DayTotals, StatsError> {
        let user = self.user(user_id).await?;
        let profile = self.profiles.resolve(user_id, None).await?;
        let today = study_day_of(&user, self.clock.now()).date;
        let totals = stats::day_totals(self.db.conn(), user_id, Some(profile.id), today, today).await?;
        Ok(totals.into_iter().next().unwrap_or(DayTotals {
            date: today,
            reviews: 0,
            exercises: 0,
            cards_added: 0,
            seconds: 0,
        }))
    }

    /// The last `weeks` calendar weeks (Monday first) up to today, every day listed.
    pub async fn calendar(&self, user_id: UserId, weeks: u32) -> Result<Vec<CalendarDay>, StatsError> {
        let user = self.user(user_id).await?;
        let today = study_day_of(&user, self.clock.now()).date;
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let from = monday - Duration::weeks(i64::from(weeks.clamp(1, 52)) - 1);
        let totals = stats::day_totals(self.db.conn(), user_id, None, from, today).await?;
        let mut totals = totals.into_iter().peekable();
        let mut days = Vec::new();
        let mut date = from;
        while date <= today {
            let actions = match totals.peek() {
                Some(day) if day.date == date => totals.next().map_or(0, |d| d.reviews + d.exercises + d.cards_added),
                _ => 0,
            };
            days.push(CalendarDay { date, actions, level: Level::of(actions) });
            date = date.succ_opt().unwrap_or(today + Duration::days(1));
        }
        Ok(days)
    }

    /// The stats screen of one profile over a period of study days ending today.
    pub async fn overview(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        period: Period,
    ) -> Result<Overview, StatsError> {
        let user = self.user(user_id).await?;
        let profile = self.profiles.resolve(user_id, profile_id).await?;
        let today = study_day_of(&user, self.clock.now());
        let from = period.days().map_or(EPOCH, |n| today.date - Duration::days(n - 1));
        let conn = self.db.conn();
        let reviews = stats::review_totals(conn, user_id, profile.id, from, today.date).await?;
        let cards_by_state = stats::card_states(conn, user_id, profile.id).await?;
        let starts = study_day_named(&user, from).starts_at;
        let exercises = stats::exercise_results(conn, user_id, profile.id, starts, today.ends_at).await?;
        let days = stats::day_totals(conn, user_id, Some(profile.id), from, today.date).await?;
        let from = if period == Period::All { days.first().map_or(today.date, |d| d.date) } else { from };
        #[allow(clippy::cast_precision_loss)] // review counts far below 2^52
        let retention = (reviews.mature > 0).then(|| reviews.mature_passed as f64 / reviews.mature as f64);
        Ok(Overview {
            period,
            from,
            to: today.date,
            seconds: days.iter().map(|d| d.seconds).sum(),
            reviews,
            retention,
            cards_by_state,
            exercises,
            days,
        })
    }
}
