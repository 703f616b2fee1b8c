//! `/api/me`: settings, plan and limits, export, and erasure of everything a user owns.

use reqwest::Method;
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::helpers::{TestApp, assert_contract, spawn_app};

#[tokio::test]
async fn me_shows_plan_limits_and_the_active_profile() {
    let app = spawn_app().await;
    let user = app.sign_in(10).await;
    let me: serde_json::Value = app.call(Method::GET, "/api/me", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(me["plan"]["name"], "free");
    assert_eq!(me["limits"]["profiles"], json!({"used": 0, "max": 1}));
    assert_eq!(me["active_profile_id"], serde_json::Value::Null);

    let profile: serde_json::Value = app.create_profile(&user, "en").await.json().await.unwrap();
    app.make_premium(&user).await;
    let me: serde_json::Value = app.call(Method::GET, "/api/me", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(me["plan"]["name"], "premium");
    assert_eq!(me["limits"]["profiles"], json!({"used": 1, "max": 10}));
    assert_eq!(me["active_profile_id"], profile["id"]);
}

#[tokio::test]
async fn settings_are_validated_and_saved() {
    let app = spawn_app().await;
    let user = app.sign_in(11).await;
    app.create_profile(&user, "en").await;
    let patch = |body: serde_json::Value| app.call(Method::PATCH, "/api/me", &user.access_token, Some(body));

    let body = assert_contract(patch(json!({"timezone": "Mars/Olympus"})).await, 422, "VALIDATION_ERROR").await;
    assert!(body["error"]["details"]["timezone"].is_array(), "{body}");
    let body =
        assert_contract(patch(json!({"rating_buttons": 5, "reminder_hour": 24})).await, 422, "VALIDATION_ERROR").await;
    assert!(
        body["error"]["details"]["rating_buttons"].is_array() && body["error"]["details"]["reminder_hour"].is_array(),
        "{body}"
    );
    assert_contract(patch(json!({"is_admin": true})).await, 422, "VALIDATION_ERROR").await;

    let response = patch(json!({
        "timezone": "America/New_York", "day_rollover_hour": 5, "reminders_enabled": false,
        "reminder_hour": 8, "rating_buttons": 4, "interface_language": "en"
    }))
    .await;
    assert_eq!(response.status(), 200);
    let me: serde_json::Value = response.json().await.unwrap();
    let u = &me["user"];
    assert_eq!(
        (&u["timezone"], &u["day_rollover_hour"], &u["reminders_enabled"], &u["reminder_hour"], &u["rating_buttons"]),
        (&json!("America/New_York"), &json!(5), &json!(false), &json!(8), &json!(4))
    );
    assert_eq!(u["interface_language"], "en");
    let profiles: serde_json::Value =
        app.call(Method::GET, "/api/profiles", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(profiles["data"][0]["interface_language"], "en", "stored on the active profile");
}

#[tokio::test]
async fn a_zone_picked_by_hand_is_kept_across_devices() {
    let app = spawn_app().await;
    let user = app.sign_in(13).await;
    let patch = |body: serde_json::Value| app.call(Method::PATCH, "/api/me", &user.access_token, Some(body));
    let zone = |me: serde_json::Value| (me["user"]["timezone"].clone(), me["user"]["timezone_source"].clone());

    // A learner who never chose follows the device.
    let me: serde_json::Value = patch(json!({"detected_timezone": "Asia/Tokyo"})).await.json().await.unwrap();
    assert_eq!(zone(me), (json!("Asia/Tokyo"), json!("device")));
    // Picked by hand: stored, and another device's zone no longer replaces it.
    let me: serde_json::Value = patch(json!({"timezone": "Europe/Madrid"})).await.json().await.unwrap();
    assert_eq!(zone(me), (json!("Europe/Madrid"), json!("manual")));
    let me: serde_json::Value = patch(json!({"detected_timezone": "America/Chicago"})).await.json().await.unwrap();
    assert_eq!(zone(me), (json!("Europe/Madrid"), json!("manual")));
    let me: serde_json::Value = app.call(Method::GET, "/api/me", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(zone(me), (json!("Europe/Madrid"), json!("manual")));
    // Until the learner asks to follow the device again.
    let body = json!({"detected_timezone": "America/Chicago", "follow_device_timezone": true});
    let me: serde_json::Value = patch(body).await.json().await.unwrap();
    assert_eq!(zone(me), (json!("America/Chicago"), json!("device")));
}

#[tokio::test]
async fn interface_language_needs_a_profile_to_live_on() {
    let app = spawn_app().await;
    let user = app.sign_in(12).await;
    let response =
        app.call(Method::PATCH, "/api/me", &user.access_token, Some(json!({"interface_language": "en"}))).await;
    assert_contract(response, 404, "PROFILE_NOT_FOUND").await;
}

/// Every table whose rows belong to a user: referring to `users` directly or through other such
/// tables, read from PostgreSQL's catalogue so a table added later cannot be forgotten.
async fn tables_owned_by_users(app: &TestApp) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.db().await;
    let sql = "WITH RECURSIVE owned(name) AS (
                 SELECT 'users'::text
                 UNION
                 SELECT c.conrelid::regclass::text FROM pg_constraint c JOIN owned o ON c.confrelid::regclass::text = o.name
                 WHERE c.contype = 'f'
               ) SELECT name FROM owned ORDER BY name";
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .collect()
}

/// The column that identifies a row of `table` (a membership has no id of its own).
fn key_of(table: &str) -> &'static str {
    match table {
        "group_members" => "group_id",
        "sent_notices" => "key",
        "profile_fsrs" => "profile_id",
        _ => "id",
    }
}

/// The export's section for each table.
fn section_of(table: &str) -> &'static str {
    match table {
        "users" => "user",
        "language_profiles" => "profiles",
        "decks" => "decks",
        "cards" => "cards",
        "card_progress" => "progress",
        "card_reviews" => "reviews",
        "daily_activity" => "activity",
        "messages" => "messages",
        "token_usage" => "token_usage",
        "refresh_sessions" => "sessions",
        "topics" => "topics",
        "exercise_attempts" => "exercise_attempts",
        "notifications" => "notifications",
        "reminder_log" => "reminders",
        "outbox" => "outbox",
        "groups" => "groups",
        "group_members" => "group_memberships",
        "group_invites" => "group_invites",
        "group_materials" => "group_materials",
        "payments" => "payments",
        "admin_actions" => "admin_actions",
        "sent_notices" => "sent_notices",
        "profile_fsrs" => "memory_parameters",
        "fsrs_fits" => "memory_fits",
        other => panic!("{other} holds users' rows but the export has no section for it"),
    }
}

#[tokio::test]
async fn export_holds_a_row_of_every_table_the_user_owns_and_erasure_leaves_none() {
    let app = crate::fake_llm::llm_app(&[]).await;
    let user = crate::fake_llm::learner(&app, 13).await;
    let bystander = crate::fake_llm::learner(&app, 16).await;
    let token = &user.access_token;
    // A card by hand, a second deck, a review, a tutor turn (messages and token usage), a
    // second session.
    let card = json!({"front": "der Hund", "back": "собака", "forms": {"plural": "Hunde"}});
    let card: serde_json::Value = app.call(Method::POST, "/api/cards", token, Some(card)).await.json().await.unwrap();
    let deck = app.call(Method::POST, "/api/decks", token, Some(json!({"name": "Verben"}))).await;
    assert_eq!(deck.status(), 201);
    let review = json!({"card_id": card["id"], "rating": 3, "client_review_id": uuid::Uuid::now_v7()});
    assert_eq!(app.call(Method::POST, "/api/study/review", token, Some(review)).await.status(), 200);
    crate::fake_llm::chat_completions()
        .respond_with(
            ResponseTemplate::new(200).set_body_json(crate::fake_llm::completion(&crate::fake_llm::tutor_answer())),
        )
        .mount(&app.outbound)
        .await;
    assert_eq!(app.chat(&user, json!({"message": "Was heißt Hund?"})).await.status(), 200);
    assert_eq!(app.refresh(&user.refresh_token).await.status(), 200);
    // A topic, an exercise answered on it, and a notification.
    let topic = json!({"name": "Perfekt", "kind": "grammar"});
    let topic: serde_json::Value =
        app.call(Method::POST, "/api/topics", token, Some(topic)).await.json().await.unwrap();
    let me = app.me(&user).await;
    let (user_id, profile_id) = (me["user"]["id"].as_str().unwrap(), me["active_profile_id"].as_str().unwrap());
    let inserted = format!(
        "WITH a AS (INSERT INTO exercise_attempts (id, user_id, profile_id, topic_id, kind, question, prompt, \
         correct_answer, user_answer, result, feedback, used_hint, channel, completed_at) VALUES (gen_random_uuid(), \
         '{user_id}', '{profile_id}', '{topic}', 'translate', 'q', 'p', 'a', 'a', 'correct', '{{}}', false, 'bot', now()) \
         RETURNING 1), n AS (INSERT INTO notifications (id, user_id, kind, title, body, created_at) VALUES \
         (gen_random_uuid(), '{user_id}', 'streak_reminder', 't', 'b', now()) RETURNING 1), \
         r AS (INSERT INTO reminder_log (id, user_id, local_date, sent_at) VALUES (gen_random_uuid(), '{user_id}', \
         current_date, now()) RETURNING 1), o AS (INSERT INTO outbox (id, user_id, chat_id, kind, payload, status, \
         attempts, not_before, created_at) VALUES (gen_random_uuid(), '{user_id}', 13, 'streak_reminder', '{{}}', \
         'sent', 1, now(), now()) RETURNING 1) \
         SELECT (SELECT COUNT(*) FROM a) + (SELECT COUNT(*) FROM n) + (SELECT COUNT(*) FROM r) + (SELECT COUNT(*) FROM o)",
        topic = topic["id"].as_str().unwrap()
    );
    assert_eq!(app.count(&inserted).await, 4);
    // A group of theirs with an invite and the deck shared (their membership comes with it).
    let group = json!({"name": "Класс", "language": "de"});
    let group: serde_json::Value =
        app.call(Method::POST, "/api/groups", token, Some(group)).await.json().await.unwrap();
    let group_path = format!("/api/groups/{}", group["id"].as_str().unwrap());
    let invite = app.call(Method::POST, &format!("{group_path}/invites"), token, Some(json!({}))).await;
    assert_eq!(invite.status(), 201);
    let shared = json!({"deck_id": card["deck_id"]});
    assert_eq!(app.call(Method::POST, &format!("{group_path}/materials"), token, Some(shared)).await.status(), 201);
    // A payment (the trial), a premium-expiry notice and an admin's action about them.
    assert_eq!(app.call(Method::POST, "/api/billing/trial", token, None).await.status(), 200);
    let billing = format!(
        "WITH s AS (INSERT INTO sent_notices (user_id, kind, key, sent_at) VALUES ('{user_id}', 'premium_expiry_3d', \
         'until-13', now()) RETURNING 1), a AS (INSERT INTO admin_actions (id, admin_telegram_id, action, \
         target_user_id, details, created_at) VALUES (gen_random_uuid(), 1, 'premium_grant', '{user_id}', '{{}}', now()) \
         RETURNING 1) SELECT (SELECT COUNT(*) FROM s) + (SELECT COUNT(*) FROM a)"
    );
    assert_eq!(app.count(&billing).await, 2);
    // Personal FSRS parameters and a fit of them.
    let memory = format!(
        "WITH p AS (INSERT INTO profile_fsrs (profile_id, parameters, parameters_since) VALUES ('{profile_id}', \
         '[0.2]', now()) RETURNING 1), f AS (INSERT INTO fsrs_fits (id, profile_id, outcome, review_count, trained_on, \
         held_out, error, created_at) VALUES (gen_random_uuid(), '{profile_id}', 'failed', 1000, 0, 0, 'too few', now()) \
         RETURNING 1) SELECT (SELECT COUNT(*) FROM p) + (SELECT COUNT(*) FROM f)"
    );
    assert_eq!(app.count(&memory).await, 2);

    let response = app.call(Method::GET, "/api/me/export", token, None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let export: serde_json::Value = response.json().await.unwrap();
    let tables = tables_owned_by_users(&app).await;
    assert!(tables.len() >= 10, "{tables:?}");
    let mut owned_ids = Vec::new();
    for table in &tables {
        let section = &export[section_of(table)];
        let rows = match section.as_array() {
            Some(rows) => rows.clone(),
            None => vec![section.clone()],
        };
        let key = key_of(table);
        assert!(!rows.is_empty() && rows.iter().all(|r| r[key].is_string()), "{table}: {section}");
        owned_ids.extend(rows.iter().map(|r| (table.clone(), r[key].as_str().unwrap().to_owned())));
    }
    assert_eq!(export["user"]["telegram_id"], 13);
    assert_eq!(export["cards"][0]["forms"]["plural"], "Hunde");
    assert_eq!(export["reviews"][0]["rating"], 3);
    assert_eq!(export["activity"][0]["cards_added"], 1);
    assert_eq!(export["messages"].as_array().unwrap().len(), 2);
    assert_eq!(export["sessions"].as_array().unwrap().len(), 2, "the first was rotated, the second is live");
    let text = export.to_string();
    assert!(!text.contains("token_hash") && !text.contains(&user.refresh_token), "no session secrets");
    assert!(!text.contains("lemma_key") && !text.contains("search_key"), "no internal keys");

    assert_eq!(app.call(Method::DELETE, "/api/me", token, None).await.status(), 204);
    for (table, id) in &owned_ids {
        let key = key_of(table);
        // The audit log outlives the user: only its reference to them goes.
        let about_them = if table == "admin_actions" { " AND target_user_id IS NOT NULL" } else { "" };
        let sql = format!("SELECT count(*) FROM {table} WHERE {key} = '{id}'{about_them}");
        assert_eq!(app.count(&sql).await, 0, "{table} {id}");
    }
    let kept = app.call(Method::GET, "/api/me/export", &bystander.access_token, None).await;
    let kept: serde_json::Value = kept.json().await.unwrap();
    assert_eq!(kept["profiles"].as_array().unwrap().len(), 1, "another user's data is untouched");
}

#[tokio::test]
async fn deleting_the_account_removes_every_row_of_that_user_and_nothing_else() {
    let app = spawn_app().await;
    let leaving = app.sign_in(14).await;
    let staying = app.sign_in(15).await;
    app.make_premium(&leaving).await;
    for lang in ["en", "de"] {
        app.create_profile(&leaving, lang).await;
    }
    app.create_profile(&staying, "en").await;
    app.refresh(&leaving.refresh_token).await;

    assert_eq!(app.call(Method::DELETE, "/api/me", &leaving.access_token, None).await.status(), 204);
    let id = &leaving.id;
    for table in
        ["users WHERE id", "language_profiles WHERE user_id", "decks WHERE owner_id", "refresh_sessions WHERE user_id"]
    {
        assert_eq!(app.count(&format!("SELECT count(*) FROM {table} = '{id}'")).await, 0, "{table}");
    }
    let other = &staying.id;
    assert_eq!(app.count(&format!("SELECT count(*) FROM language_profiles WHERE user_id = '{other}'")).await, 1);
    assert_eq!(app.count(&format!("SELECT count(*) FROM decks WHERE owner_id = '{other}'")).await, 1);
    assert_eq!(app.call(Method::GET, "/api/me", &staying.access_token, None).await.status(), 200);
}

#[tokio::test]
async fn me_counts_cards_against_the_plan() {
    let app = spawn_app().await;
    let user = app.sign_in(17).await;
    app.create_profile(&user, "de").await;
    let card = json!({"front": "der Hund", "back": "собака"});
    assert_eq!(app.call(Method::POST, "/api/cards", &user.access_token, Some(card)).await.status(), 201);
    let me: serde_json::Value = app.call(Method::GET, "/api/me", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(me["limits"]["cards"], json!({"used": 1, "max": 200}));
    app.make_premium(&user).await;
    let me: serde_json::Value = app.call(Method::GET, "/api/me", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(me["limits"]["cards"], json!({"used": 1, "max": null}), "premium cards are unlimited");
}

#[tokio::test]
async fn errors_speak_the_signed_in_users_language_and_accept_language_only_before_sign_in() {
    let app = spawn_app().await;
    let user = app.sign_in(18).await;
    let english = json!({"language": "de", "current_level": "A2", "target_level": "B2", "interface_language": "en"});
    assert_eq!(app.call(Method::POST, "/api/profiles", &user.access_token, Some(english)).await.status(), 201);
    let missing = format!("/api/cards/{}", uuid::Uuid::now_v7());
    let response =
        app.client.get(app.url(&missing)).bearer_auth(&user.access_token).header("accept-language", "ru").send().await;
    let body = assert_contract(response.unwrap(), 404, "CARD_NOT_FOUND").await;
    assert_eq!(body["error"]["message"], "Card not found.", "the profile's English wins over the header");
    // Also when the request fails in an extractor, before the handler runs.
    let invalid = app
        .client
        .post(app.url("/api/cards"))
        .bearer_auth(&user.access_token)
        .header("accept-language", "ru")
        .json(&json!({"front": "", "back": "x"}))
        .send()
        .await
        .unwrap();
    let body = assert_contract(invalid, 422, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["message"], "Some fields are invalid.");

    let anonymous = app.client.get(app.url(&missing)).header("accept-language", "en").send().await.unwrap();
    let body = assert_contract(anonymous, 401, "AUTH_FAILED").await;
    assert_eq!(body["error"]["message"], "Authentication required.");
    let russian = app.client.get(app.url(&missing)).send().await.unwrap();
    let body = assert_contract(russian, 401, "AUTH_FAILED").await;
    assert_eq!(body["error"]["message"], "Требуется вход.");
}
