//! `/api/stats`: the streak, the activity calendar and the stats screen, in the learner's study
//! days (time zone and rollover hour).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ProfileId;
use serde::{Deserialize, Serialize};
use services::exercises::accuracy;
use services::stats::{CalendarDay, Overview, Period, Streak};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::validated_json::validation_error;

#[derive(Debug, Serialize, ToSchema)]
pub struct StreakResponse {
    /// Consecutive study days with activity up to today (or yesterday while today is open).
    pub current: u32,
    pub best: u32,
    pub active_days: u32,
    /// Today already counts (a card reviewed, an exercise finished or a card added).
    pub today_done: bool,
    /// The learner's current study day.
    pub today: NaiveDate,
    /// The streak is lost unless the learner studies before this; `null` without a streak.
    pub safe_until: Option<DateTime<Utc>>,
}

impl From<Streak> for StreakResponse {
    fn from(s: Streak) -> Self {
        Self {
            current: s.facts.current,
            best: s.facts.best,
            active_days: s.facts.active_days,
            today_done: s.facts.today_done,
            today: s.today,
            safe_until: s.safe_until,
        }
    }
}

#[utoipa::path(get, path = "/api/stats/streak", tag = "stats", security(("bearer" = [])),
    responses((status = 200, body = StreakResponse)))]
pub async fn streak(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(StreakResponse::from(state.stats.streak(user.id()).await?)))
}

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    /// Calendar weeks, Monday first, up to today (default 12).
    #[validate(range(min = 1, max = 52))]
    #[param(minimum = 1, maximum = 52)]
    pub weeks: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDayResponse {
    pub date: NaiveDate,
    /// Cards reviewed, exercises finished and cards added that day.
    pub actions: u64,
    /// none (0), low (1–9), medium (10–29), high (30 or more).
    #[schema(value_type = crate::schemas::values::ActivityLevelValue)]
    pub level: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarResponse {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every day from `from` to `to`, oldest first.
    pub days: Vec<CalendarDayResponse>,
}

fn calendar_day(day: CalendarDay) -> CalendarDayResponse {
    CalendarDayResponse { date: day.date, actions: day.actions, level: day.level.as_str() }
}

#[utoipa::path(get, path = "/api/stats/calendar", tag = "stats", security(("bearer" = [])), params(CalendarQuery),
    responses((status = 200, body = CalendarResponse)))]
pub async fn calendar(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<CalendarQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(validation_error)?;
    let days = state.stats.calendar(user.id(), query.weeks.unwrap_or(12)).await?;
    let (Some(from), Some(to)) = (days.first().map(|d| d.date), days.last().map(|d| d.date)) else {
        return Err(ApiError::internal(anyhow::anyhow!("an empty calendar")));
    };
    Ok(HttpResponse::Ok().json(CalendarResponse { from, to, days: days.into_iter().map(calendar_day).collect() }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    pub profile_id: Option<Uuid>,
    /// week, month, 3months, year or all (default week).
    #[param(value_type = Option<crate::schemas::values::PeriodValue>)]
    pub period: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewStats {
    pub total: u64,
    pub again: u64,
    pub hard: u64,
    pub good: u64,
    pub easy: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardStateStats {
    pub new: u64,
    pub learning: u64,
    pub review: u64,
    pub relearning: u64,
    pub total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicAccuracy {
    /// `null` for exercises whose topic was deleted.
    pub topic_id: Option<Uuid>,
    pub name: Option<String>,
    pub attempts: u64,
    pub correct: u64,
    pub partial: u64,
    /// (correct + partial / 2) / attempts.
    pub accuracy: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExerciseStats {
    pub attempts: u64,
    pub correct: u64,
    pub partial: u64,
    pub accuracy: Option<f64>,
    pub by_topic: Vec<TopicAccuracy>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayStats {
    pub date: NaiveDate,
    pub reviews: u64,
    pub exercises: u64,
    pub cards_added: u64,
    pub seconds: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsResponse {
    #[schema(value_type = crate::schemas::values::PeriodValue)]
    pub period: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reviews: ReviewStats,
    /// Reviews of cards in review not rated Again, as a share; `null` without any.
    pub retention: Option<f64>,
    pub cards: CardStateStats,
    pub exercises: ExerciseStats,
    pub time_spent_seconds: u64,
    /// Days with activity, oldest first.
    pub days: Vec<DayStats>,
}

impl From<Overview> for StatsResponse {
    fn from(o: Overview) -> Self {
        let state = |name: &str| o.cards_by_state.iter().filter(|(s, _)| s == name).map(|(_, n)| n).sum::<u64>();
        let by_topic: Vec<TopicAccuracy> = o
            .exercises
            .iter()
            .map(|t| TopicAccuracy {
                topic_id: t.topic_id,
                name: t.name.clone(),
                attempts: t.attempts,
                correct: t.correct,
                partial: t.partial,
                // A topic's row counts at least one attempt.
                accuracy: accuracy(t.attempts, t.correct, t.partial).unwrap_or(0.0),
            })
            .collect();
        let (attempts, correct, partial) =
            by_topic.iter().fold((0, 0, 0), |(a, c, p), t| (a + t.attempts, c + t.correct, p + t.partial));
        Self {
            period: o.period.as_str(),
            from: o.from,
            to: o.to,
            reviews: ReviewStats {
                total: o.reviews.total,
                again: o.reviews.again,
                hard: o.reviews.hard,
                good: o.reviews.good,
                easy: o.reviews.easy,
            },
            retention: o.retention,
            cards: CardStateStats {
                new: state("new"),
                learning: state("learning"),
                review: state("review"),
                relearning: state("relearning"),
                total: o.cards_by_state.iter().map(|(_, n)| n).sum(),
            },
            exercises: ExerciseStats {
                attempts,
                correct,
                partial,
                accuracy: accuracy(attempts, correct, partial),
                by_topic,
            },
            time_spent_seconds: o.seconds,
            days: o
                .days
                .into_iter()
                .map(|d| DayStats {
                    date: d.date,
                    reviews: d.reviews,
                    exercises: d.exercises,
                    cards_added: d.cards_added,
                    seconds: d.seconds,
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/stats", tag = "stats", security(("bearer" = [])), params(StatsQuery),
    responses((status = 200, body = StatsResponse),
              (status = 404, description = "PROFILE_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn overview(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let period = match query.period.as_deref() {
        None => Period::Week,
        Some(text) => Period::parse(text).ok_or_else(|| {
            ApiError::new(ErrorCode::ValidationError)
                .with_details(serde_json::json!({ "period": ["week, month, 3months, year or all"] }))
        })?,
    };
    let overview = state.stats.overview(user.id(), query.profile_id.map(ProfileId::from_uuid), period).await?;
    Ok(HttpResponse::Ok().json(StatsResponse::from(overview)))
}
