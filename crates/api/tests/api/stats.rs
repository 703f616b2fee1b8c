//! Streaks, the calendar and the stats screen in the learner's study days, checked against
//! hand-computed cases around the rollover hour, midnight and a DST change.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::cards::{add_card, learner};
use crate::helpers::{TestApp, spawn_app};
use crate::session::User;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

async fn get(app: &TestApp, user: &User, path: &str) -> Value {
    let response = app.call(Method::GET, path, &user.access_token, None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// A day's activity written as the services write it: one row per profile and study date.
async fn active_on(app: &TestApp, user: &User, date: &str, reviews: i32, exercises: i32, messages: i32) {
    let me = app.me(user).await;
    let (user_id, profile) = (me["user"]["id"].as_str().unwrap(), me["active_profile_id"].as_str().unwrap());
    let inserted = app
        .count(&format!(
            "WITH ins AS (INSERT INTO daily_activity (id, user_id, profile_id, local_date, cards_reviewed, \
             new_cards_studied, cards_added, exercises_done, messages_sent, seconds_spent, extra_new_cards) \
             VALUES (gen_random_uuid(), '{user_id}', '{profile}', '{date}', {reviews}, 0, 0, {exercises}, {messages}, 60, 0) \
             RETURNING 1) SELECT COUNT(*) FROM ins"
        ))
        .await;
    assert_eq!(inserted, 1);
}

async fn in_zone(app: &TestApp, telegram_id: i64, zone: &str, now: &str) -> User {
    app.clock.set(at(now));
    let (user, _) = learner(app, telegram_id).await;
    let patch = json!({"timezone": zone, "day_rollover_hour": 4});
    assert_eq!(app.call(Method::PATCH, "/api/me", &user.access_token, Some(patch)).await.status(), 200);
    user
}

#[tokio::test]
async fn the_streak_counts_study_days_in_the_learners_zone_and_rollover() {
    let app = spawn_app().await;
    // 01:30 on the 28th in Yekaterinburg (UTC+5): before the 04:00 rollover, still the 27th.
    let user = in_zone(&app, 70, "Asia/Yekaterinburg", "2026-11-27T20:30:00Z").await;
    for date in ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-25", "2026-11-26"] {
        active_on(&app, &user, date, 5, 0, 0).await;
    }
    // A day with only tutor messages is not an active day.
    active_on(&app, &user, "2026-11-24", 0, 0, 7).await;
    let streak = get(&app, &user, "/api/stats/streak").await;
    assert_eq!(
        streak,
        json!({"current": 2, "best": 3, "active_days": 5, "today_done": false, "today": "2026-11-27",
               // The end of the study day of the 27th: 04:00 on the 28th local, 23:00 UTC.
               "safe_until": "2026-11-27T23:00:00Z"})
    );
    active_on(&app, &user, "2026-11-27", 0, 1, 0).await;
    let streak = get(&app, &user, "/api/stats/streak").await;
    assert_eq!((streak["current"].clone(), streak["today_done"].clone()), (json!(3), json!(true)));
    assert_eq!(streak["safe_until"], "2026-11-28T23:00:00Z", "done today: safe until tomorrow's end");

    // The 28th, not studied yet: still alive until its end at 04:00 on the 29th local.
    app.clock.set(at("2026-11-28T12:00:00Z"));
    let user = app.sign_in(70).await;
    let streak = get(&app, &user, "/api/stats/streak").await;
    assert_eq!((streak["current"].clone(), streak["today"].clone()), (json!(3), json!("2026-11-28")));
    assert_eq!(streak["safe_until"], "2026-11-28T23:00:00Z");
    // Past that rollover without studying the 28th: gone, the best kept.
    app.clock.set(at("2026-11-28T23:30:00Z"));
    let user = app.sign_in(70).await;
    let streak = get(&app, &user, "/api/stats/streak").await;
    assert_eq!(streak["today"], "2026-11-29");
    assert_eq!(
        (streak["current"].clone(), streak["best"].clone(), streak["safe_until"].clone()),
        (json!(0), json!(3), Value::Null)
    );
}

#[tokio::test]
async fn safe_until_follows_a_dst_change() {
    let app = spawn_app().await;
    // Berlin springs forward on 2026-03-29: the day after ends at 04:00 CEST, 02:00 UTC.
    let user = in_zone(&app, 71, "Europe/Berlin", "2026-03-28T12:00:00Z").await;
    active_on(&app, &user, "2026-03-27", 3, 0, 0).await;
    active_on(&app, &user, "2026-03-28", 3, 0, 0).await;
    let streak = get(&app, &user, "/api/stats/streak").await;
    assert_eq!(streak["current"], 2);
    assert_eq!(streak["safe_until"], "2026-03-30T02:00:00Z", "the 29th is 23 hours long");
}

#[tokio::test]
async fn the_calendar_lists_every_day_of_whole_weeks_with_levels() {
    let app = spawn_app().await;
    // Thursday 26 November 2026, 12:00 in Moscow.
    let user = in_zone(&app, 72, "Europe/Moscow", "2026-11-26T09:00:00Z").await;
    active_on(&app, &user, "2026-11-16", 3, 0, 0).await;
    active_on(&app, &user, "2026-11-20", 12, 3, 0).await;
    active_on(&app, &user, "2026-11-26", 40, 0, 0).await;
    let calendar = get(&app, &user, "/api/stats/calendar?weeks=2").await;
    assert_eq!((calendar["from"].clone(), calendar["to"].clone()), (json!("2026-11-16"), json!("2026-11-26")));
    let days = calendar["days"].as_array().unwrap();
    assert_eq!(days.len(), 11, "Monday of last week to today");
    let level = |date: &str| days.iter().find(|d| d["date"] == date).unwrap()["level"].clone();
    assert_eq!(level("2026-11-16"), "low");
    assert_eq!(level("2026-11-20"), "medium");
    assert_eq!(level("2026-11-21"), "none");
    assert_eq!(level("2026-11-26"), "high");
    let refused = app.call(Method::GET, "/api/stats/calendar?weeks=53", &user.access_token, None).await;
    assert_eq!(refused.status(), 422);
}

#[tokio::test]
async fn the_stats_screen_counts_reviews_cards_and_time_of_the_period() {
    let app = spawn_app().await;
    let user = in_zone(&app, 73, "Europe/Moscow", "2026-11-26T09:00:00Z").await;
    let card: Value = add_card(&app, &user, json!({"front": "lernen", "back": "учить"})).await.json().await.unwrap();
    add_card(&app, &user, json!({"front": "gehen", "back": "идти"})).await;
    let review =
        json!({"card_id": card["id"], "rating": 3, "duration_ms": 5000, "client_review_id": uuid::Uuid::now_v7()});
    assert_eq!(app.call(Method::POST, "/api/study/review", &user.access_token, Some(review)).await.status(), 200);
    active_on(&app, &user, "2026-10-01", 9, 0, 0).await;

    let week = get(&app, &user, "/api/stats?period=week").await;
    assert_eq!((week["from"].clone(), week["to"].clone()), (json!("2026-11-20"), json!("2026-11-26")));
    assert_eq!(week["reviews"], json!({"total": 1, "again": 0, "hard": 0, "good": 1, "easy": 0}));
    assert_eq!(week["cards"]["total"], 2);
    assert_eq!(week["cards"]["new"], 1);
    assert_eq!(week["retention"], Value::Null, "no card was in review yet");
    assert_eq!(week["days"].as_array().unwrap().len(), 1);
    assert_eq!(week["days"][0]["cards_added"], 2);
    let all = get(&app, &user, "/api/stats?period=all").await;
    assert_eq!(all["from"], "2026-10-01");
    assert_eq!(all["days"].as_array().unwrap().len(), 2);
    let refused = app.call(Method::GET, "/api/stats?period=decade", &user.access_token, None).await;
    assert_eq!(refused.status(), 422);
}
