//! The study loop over HTTP, with the clock moved instead of slept.

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::cards::{add_card, learner};
use crate::helpers::{TestApp, assert_contract, spawn_app};
use crate::session::User;

async fn queue(app: &TestApp, user: &User) -> Value {
    let response = app.call(Method::GET, "/api/study/queue", &user.access_token, None).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn review(app: &TestApp, user: &User, card_id: &Value, rating: u8, client_id: &str) -> reqwest::Response {
    let body = json!({"card_id": card_id, "rating": rating, "duration_ms": 4000, "client_review_id": client_id});
    app.call(Method::POST, "/api/study/review", &user.access_token, Some(body)).await
}

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn due(result: &Value) -> DateTime<Utc> {
    result["progress"]["due"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_card_is_learned_day_after_day_with_growing_fsrs_intervals() {
    let app = spawn_app().await;
    let (mut user, _) = learner(&app, 40).await;
    let card: Value = add_card(&app, &user, json!({"front": "lernen", "back": "учить"})).await.json().await.unwrap();
    let id = &card["id"];

    let q = queue(&app, &user).await;
    assert_eq!(q["counts"], json!({"new": 1, "learning": 0, "due": 0, "waiting": 0}));
    assert_eq!(
        q["cards"][0]["intervals"],
        json!({"again": 60, "hard": 330, "good": 600, "easy": q["cards"][0]["intervals"]["easy"]})
    );

    // Good on a new card: the 10-minute step, still today.
    let first: Value = review(&app, &user, id, 3, &uuid()).await.json().await.unwrap();
    assert_eq!(first["progress"]["state"], "learning");
    assert_eq!(first["scheduled_seconds"], 600);
    assert_eq!(first["counts"], json!({"new": 0, "learning": 1, "due": 0, "waiting": 0}));
    // Nothing else is left, so the step due in ten minutes is shown ahead (learn-ahead limit).
    let ahead = queue(&app, &user).await;
    assert_eq!(ahead["cards"][0]["card"]["id"], *id);
    assert_eq!(ahead["counts"], json!({"new": 0, "learning": 1, "due": 0, "waiting": 0}));

    app.clock.advance(Duration::minutes(10));
    let graduated: Value = review(&app, &user, id, 3, &uuid()).await.json().await.unwrap();
    assert_eq!(graduated["progress"]["state"], "review");
    let mut interval = graduated["scheduled_seconds"].as_i64().unwrap() / 86_400;
    assert!(interval >= 1, "{graduated}");

    // Each on-time Good review lengthens the interval.
    let mut next_due = due(&graduated);
    for _ in 0..3 {
        app.clock.set(next_due);
        user = app.sign_in(40).await; // days later the access token has expired
        let q = queue(&app, &user).await;
        assert_eq!(q["counts"]["due"], 1, "due again on its day");
        let intervals = &q["cards"][0]["intervals"];
        let result: Value = review(&app, &user, id, 3, &uuid()).await.json().await.unwrap();
        assert_eq!(result["scheduled_seconds"], intervals["good"], "the button showed what the review gave");
        let days = result["scheduled_seconds"].as_i64().unwrap() / 86_400;
        assert!(days > interval, "{days} after {interval}");
        interval = days;
        next_due = due(&result);
    }

    // A lapse: relearning for ten minutes, one lapse counted.
    app.clock.set(next_due);
    user = app.sign_in(40).await;
    let lapse: Value = review(&app, &user, id, 1, &uuid()).await.json().await.unwrap();
    assert_eq!(
        (lapse["progress"]["state"].as_str(), lapse["progress"]["lapses"].as_i64()),
        (Some("relearning"), Some(1))
    );
    assert_eq!(lapse["scheduled_seconds"], 600);
    assert_eq!(app.count(&format!("SELECT count(*) FROM card_reviews WHERE user_id = '{}'", user.id)).await, 6);
}

#[tokio::test]
async fn a_replayed_client_review_id_records_one_review() {
    let app = spawn_app().await;
    let (user, _) = learner(&app, 41).await;
    let card: Value = add_card(&app, &user, json!({"front": "Zeit", "back": "время"})).await.json().await.unwrap();
    let client_id = uuid();
    let first: Value = review(&app, &user, &card["id"], 3, &client_id).await.json().await.unwrap();
    let replays = futures_util::future::join_all((0..3).map(|_| review(&app, &user, &card["id"], 3, &client_id))).await;
    for replay in replays {
        assert_eq!(replay.status(), 200);
        let body: Value = replay.json().await.unwrap();
        assert_eq!(body["progress"], first["progress"]);
    }
    assert_eq!(app.count(&format!("SELECT count(*) FROM card_reviews WHERE user_id = '{}'", user.id)).await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT coalesce(sum(cards_reviewed), 0) FROM daily_activity WHERE user_id = '{}'",
            user.id
        ))
        .await,
        1
    );
    assert_eq!(app.count(&format!("SELECT reps::bigint FROM card_progress WHERE user_id = '{}'", user.id)).await, 1);
}

#[tokio::test]
async fn undo_walks_back_one_review_at_a_time() {
    let app = spawn_app().await;
    let (user, _) = learner(&app, 42).await;
    let card: Value = add_card(&app, &user, json!({"front": "Baum", "back": "дерево"})).await.json().await.unwrap();
    review(&app, &user, &card["id"], 3, &uuid()).await;
    app.clock.advance(Duration::minutes(10));
    review(&app, &user, &card["id"], 1, &uuid()).await;

    let undo = || app.call(Method::POST, "/api/study/undo", &user.access_token, None);
    let once: Value = undo().await.json().await.unwrap();
    assert_eq!(once["progress"]["state"], "learning");
    assert_eq!(once["progress"]["reps"], 1, "back to after the first review");
    let twice: Value = undo().await.json().await.unwrap();
    assert_eq!(twice["progress"], Value::Null, "the card is new again");
    let body = assert_contract(undo().await, 409, "CONFLICT").await;
    assert_eq!(body["error"]["details"]["reason"], "nothing_to_undo");

    assert_eq!(
        queue(&app, &user).await["counts"],
        json!({"new": 1, "learning": 0, "due": 0, "waiting": 0}),
        "the new-card allowance is given back"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT coalesce(sum(cards_reviewed), 0) FROM daily_activity WHERE user_id = '{}'",
            user.id
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn reviewing_someone_elses_card_is_not_found() {
    let app = spawn_app().await;
    let (owner, _) = learner(&app, 43).await;
    let (intruder, _) = learner(&app, 44).await;
    let card: Value = add_card(&app, &owner, json!({"front": "Geld", "back": "деньги"})).await.json().await.unwrap();
    assert_contract(review(&app, &intruder, &card["id"], 3, &uuid()).await, 404, "CARD_NOT_FOUND").await;
    let bad = review(&app, &owner, &card["id"], 5, &uuid()).await;
    assert_contract(bad, 422, "VALIDATION_ERROR").await;
    assert_eq!(app.count("SELECT count(*) FROM card_reviews").await, 0);
}

#[tokio::test]
async fn the_day_turns_at_the_rollover_hour_in_the_learners_zone() {
    let app = spawn_app().await;
    let (user, _) = learner(&app, 45).await;
    let token = &user.access_token.clone();
    // Tokyo is UTC+9; the day turns at 05:00 local = 20:00 UTC.
    let settings = json!({"timezone": "Asia/Tokyo", "day_rollover_hour": 5});
    assert_eq!(app.call(Method::PATCH, "/api/me", token, Some(settings)).await.status(), 200);
    let profile: Value = app.call(Method::GET, "/api/profiles", token, None).await.json().await.unwrap();
    let path = format!("/api/profiles/{}", profile["data"][0]["id"].as_str().unwrap());
    app.call(Method::PATCH, &path, token, Some(json!({"new_cards_per_day": 2}))).await;
    for word in ["eins", "zwei", "drei", "vier"] {
        add_card(&app, &user, json!({"front": word, "back": "число"})).await;
    }

    // 04:30 local on the 28th is still the study day of the 27th.
    app.clock.set("2026-11-27T19:30:00Z".parse().unwrap());
    let user = app.sign_in(45).await;
    let q = queue(&app, &user).await;
    assert_eq!(q["day"]["date"], "2026-11-27");
    assert_eq!(q["day"]["ends_at"], "2026-11-27T20:00:00Z");
    assert_eq!(q["counts"]["new"], 2, "the daily new-card limit");
    for item in q["cards"].as_array().unwrap() {
        review(&app, &user, &item["card"]["id"], 4, &uuid()).await;
    }
    assert_eq!(queue(&app, &user).await["counts"]["new"], 0, "today's new cards are used up");

    // 05:00 local: a new day with a fresh allowance.
    app.clock.set("2026-11-27T20:00:00Z".parse().unwrap());
    let user = app.sign_in(45).await;
    let q = queue(&app, &user).await;
    assert_eq!(q["day"]["date"], "2026-11-28");
    assert_eq!(q["counts"]["new"], 2);
    let days: Vec<String> = {
        let db = app.db().await;
        use sea_orm::{ConnectionTrait, Statement};
        db.query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT local_date::text AS d FROM daily_activity WHERE user_id = '{}' AND cards_reviewed > 0",
                user.id
            ),
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.try_get::<String>("", "d").unwrap())
        .collect()
    };
    assert_eq!(days, vec!["2026-11-27".to_string()], "the reviews at 04:30 local counted for the 27th");
}

#[tokio::test]
async fn archived_decks_are_left_out_of_the_profile_queue() {
    let app = spawn_app().await;
    let (user, _) = learner(&app, 46).await;
    let token = &user.access_token;
    add_card(&app, &user, json!({"front": "Sonne", "back": "солнце"})).await;
    let shelf: Value =
        app.call(Method::POST, "/api/decks", token, Some(json!({"name": "Später"}))).await.json().await.unwrap();
    add_card(&app, &user, json!({"deck_id": shelf["id"], "front": "Mond", "back": "луна"})).await;
    assert_eq!(queue(&app, &user).await["counts"]["new"], 2);

    let path = format!("/api/decks/{}", shelf["id"].as_str().unwrap());
    app.call(Method::PATCH, &path, token, Some(json!({"archived": true}))).await;
    let q = queue(&app, &user).await;
    assert_eq!(q["counts"]["new"], 1);
    assert_eq!(q["cards"].as_array().unwrap().len(), 1);
    let deck_only: Value = app
        .call(Method::GET, format!("/api/study/queue?deck_id={}", shelf["id"].as_str().unwrap()), token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(deck_only["counts"]["new"], 1, "an archived deck opened on its own still studies");
}

#[tokio::test]
async fn concurrent_reviews_of_one_card_all_count_and_work_with_a_single_connection_pool() {
    let app = crate::helpers::spawn_app_with(&[("DATABASE_MAX_CONNECTIONS", "1")]).await;
    let (user, _) = learner(&app, 47).await;
    let card: Value = add_card(&app, &user, json!({"front": "Wasser", "back": "вода"})).await.json().await.unwrap();
    let ids: Vec<String> = (0..4).map(|_| uuid()).collect();
    let answers = futures_util::future::join_all(ids.iter().map(|id| review(&app, &user, &card["id"], 3, id))).await;
    assert!(
        answers.iter().all(|r| r.status() == 200),
        "{:?}",
        answers.iter().map(reqwest::Response::status).collect::<Vec<_>>()
    );
    assert_eq!(app.count(&format!("SELECT reps::bigint FROM card_progress WHERE user_id = '{}'", user.id)).await, 4);
    assert_eq!(app.count(&format!("SELECT count(*) FROM card_reviews WHERE user_id = '{}'", user.id)).await, 4);
    let new_studied = format!("SELECT new_cards_studied::bigint FROM daily_activity WHERE user_id = '{}'", user.id);
    assert_eq!(app.count(&new_studied).await, 1, "only the first answer met the card as new");
    let undo = app.call(Method::POST, "/api/study/undo", &user.access_token, None).await;
    assert_eq!(undo.status(), 200);
}

#[tokio::test]
async fn a_replay_answers_the_first_result_even_after_undo_and_a_reused_id_is_refused() {
    let app = spawn_app().await;
    let (user, _) = learner(&app, 48).await;
    let a: Value = add_card(&app, &user, json!({"front": "Brot", "back": "хлеб"})).await.json().await.unwrap();
    let b: Value = add_card(&app, &user, json!({"front": "Milch", "back": "молоко"})).await.json().await.unwrap();
    let client_id = uuid();
    let first: Value = review(&app, &user, &a["id"], 4, &client_id).await.json().await.unwrap();
    assert_eq!(first["progress"]["state"], "review");
    app.call(Method::POST, "/api/study/undo", &user.access_token, None).await;
    let replay: Value = review(&app, &user, &a["id"], 4, &client_id).await.json().await.unwrap();
    assert_eq!(
        (replay["progress"].clone(), replay["scheduled_seconds"].clone()),
        (first["progress"].clone(), first["scheduled_seconds"].clone())
    );
    let body = assert_contract(review(&app, &user, &b["id"], 4, &client_id).await, 409, "CONFLICT").await;
    assert_eq!(body["error"]["details"]["reason"], "client_review_id_reused");
    assert_eq!(
        app.count("SELECT count(*) FROM card_progress").await,
        0,
        "the undone card is still new; B was not reviewed"
    );
}

#[tokio::test]
async fn a_foreign_deck_queue_is_deck_not_found() {
    let app = spawn_app().await;
    let (_, owner_deck) = learner(&app, 49).await;
    let (intruder, _) = learner(&app, 60).await;
    let path = format!("/api/study/queue?deck_id={}", owner_deck["id"].as_str().unwrap());
    assert_contract(app.call(Method::GET, path, &intruder.access_token, None).await, 404, "DECK_NOT_FOUND").await;
    let blank = app.call(Method::POST, "/api/decks", &intruder.access_token, Some(json!({"name": "   "}))).await;
    assert_contract(blank, 422, "VALIDATION_ERROR").await;
}
