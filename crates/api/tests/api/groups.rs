//! Teacher groups: a teacher creates a group, invites, shares a deck; students join (once per
//! single-use invite however many try at once), study, copy the deck; the teacher sees their
//! progress. Every refusal of the contract: 402, 403, 404, 409, 400.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fake_llm::learner;
use crate::helpers::{TestApp, assert_contract, spawn_app_with};
use crate::session::User;

const LINKS: [(&str, &str); 2] = [("TELEGRAM_BOT_USERNAME", "LangAgentBot"), ("TELEGRAM_MINI_APP_NAME", "app")];

async fn call(app: &TestApp, user: &User, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
    app.call(method, path, &user.access_token, body).await
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "{body}");
    body
}

async fn create_group(app: &TestApp, teacher: &User, name: &str) -> Value {
    let body = json!({"name": name, "description": "Вторник и четверг", "language": "de"});
    json_of(call(app, teacher, Method::POST, "/api/groups", Some(body)).await, 201).await
}

async fn invite(app: &TestApp, teacher: &User, group: &str, body: Value) -> Value {
    json_of(call(app, teacher, Method::POST, &format!("/api/groups/{group}/invites"), Some(body)).await, 201).await
}

async fn join(app: &TestApp, user: &User, code: &str) -> reqwest::Response {
    call(app, user, Method::POST, "/api/groups/join", Some(json!({ "code": code }))).await
}

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_teacher_creates_a_group_and_a_student_joins_by_invite() {
    let app = spawn_app_with(&LINKS).await;
    let teacher = learner(&app, 1).await;
    let group = create_group(&app, &teacher, "Немецкий A2").await;
    assert_eq!((group["role"].clone(), group["is_owner"].clone()), (json!("teacher"), json!(true)));
    assert_eq!(group["max_members"], 5, "the free plan's limit by default");
    assert_eq!(group["members"].as_array().unwrap().len(), 1, "the owner is the first member");
    assert!(group["teacher_sees"][0].as_str().unwrap().contains("имя"), "told in the caller's language");
    let me = json_of(call(&app, &teacher, Method::GET, "/api/me", None).await, 200).await;
    assert_eq!(me["limits"]["groups"], json!({"used": 1, "max": 1}));
    let second = json!({"name": "Ещё одна", "language": "de"});
    let refused =
        assert_contract(call(&app, &teacher, Method::POST, "/api/groups", Some(second)).await, 402, "LIMIT_REACHED")
            .await;
    assert_eq!(refused["error"]["details"]["limit"], "groups");

    let group_id = id(&group);
    let created = invite(&app, &teacher, &group_id, json!({})).await;
    let code = created["code"].as_str().unwrap();
    assert_eq!(code.len(), 10);
    assert_eq!(created["payload"], format!("g_{code}"));
    assert_eq!(created["bot_link"], format!("https://t.me/LangAgentBot?start=g_{code}"));
    assert_eq!(created["app_link"], format!("https://t.me/LangAgentBot/app?startapp=g_{code}"));
    let week = chrono::DateTime::parse_from_rfc3339(created["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((week.with_timezone(&chrono::Utc) - app.clock_now()).num_hours(), 167);

    let student = app.sign_in(2).await;
    let preview =
        json_of(call(&app, &student, Method::GET, &format!("/api/groups/invites/{code}"), None).await, 200).await;
    assert_eq!(preview["group"]["name"], "Немецкий A2");
    assert_eq!(preview["group"]["member_count"], 1);
    assert_eq!(preview["teacher"]["first_name"], "Test");
    assert_eq!(preview["already_member"], false);
    assert_eq!(preview["teacher_sees"].as_array().unwrap().len(), 5);
    let joined = json_of(join(&app, &student, &format!("g_{code}")).await, 200).await;
    assert_eq!((joined["role"].clone(), joined["member_count"].clone()), (json!("student"), json!(2)));
    let members: Vec<&str> =
        joined["members"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(members, ["teacher"], "a student sees the teachers only");
    assert_contract(join(&app, &student, code).await, 409, "ALREADY_MEMBER").await;
    let detail = json_of(call(&app, &teacher, Method::GET, &format!("/api/groups/{group_id}"), None).await, 200).await;
    assert_eq!(detail["members"].as_array().unwrap().len(), 2, "a teacher sees everyone");
    let list = json_of(call(&app, &student, Method::GET, "/api/groups", None).await, 200).await;
    assert_eq!(list["data"][0]["owner"]["user_id"], json!(teacher.id));
    assert_eq!(list["pagination"]["total"], 1);

    // A student asking for a teacher's action, and a stranger asking for anything.
    let path = format!("/api/groups/{group_id}");
    let rename = Some(json!({"name": "Моя"}));
    assert_contract(call(&app, &student, Method::PATCH, &path, rename.clone()).await, 403, "FORBIDDEN").await;
    let invites = format!("{path}/invites");
    assert_contract(call(&app, &student, Method::POST, &invites, Some(json!({}))).await, 403, "FORBIDDEN").await;
    assert_contract(call(&app, &student, Method::GET, &format!("{path}/progress"), None).await, 403, "FORBIDDEN").await;
    assert_contract(call(&app, &student, Method::DELETE, &path, None).await, 403, "FORBIDDEN").await;
    let stranger = app.sign_in(3).await;
    assert_contract(call(&app, &stranger, Method::GET, &path, None).await, 404, "GROUP_NOT_FOUND").await;
    assert_contract(call(&app, &stranger, Method::PATCH, &path, rename).await, 404, "GROUP_NOT_FOUND").await;
    assert_contract(
        call(&app, &stranger, Method::GET, &format!("{path}/materials"), None).await,
        404,
        "GROUP_NOT_FOUND",
    )
    .await;
    let unknown = "/api/groups/invites/ZZZZZZZZZZ";
    assert_contract(call(&app, &stranger, Method::GET, unknown, None).await, 404, "GROUP_NOT_FOUND").await;
    assert_contract(join(&app, &stranger, "not a code").await, 404, "GROUP_NOT_FOUND").await;

    // Teachers edit; a cap above the plan is refused; the owner stays.
    let patch = json!({"name": "Немецкий A2+", "description": null, "max_members": 4});
    let edited = json_of(call(&app, &teacher, Method::PATCH, &path, Some(patch)).await, 200).await;
    assert_eq!((edited["name"].clone(), edited["description"].clone()), (json!("Немецкий A2+"), Value::Null));
    let too_big = Some(json!({"max_members": 50}));
    assert_contract(call(&app, &teacher, Method::PATCH, &path, too_big).await, 402, "LIMIT_REACHED").await;
    let unknown_field = Some(json!({"owner_id": student.id}));
    assert_contract(call(&app, &teacher, Method::PATCH, &path, unknown_field).await, 422, "VALIDATION_ERROR").await;
    let owner_leaves = call(&app, &teacher, Method::POST, &format!("{path}/leave"), None).await;
    assert_contract(owner_leaves, 409, "CONFLICT").await;
    let remove_owner = format!("{path}/members/{}", teacher.id);
    assert_contract(call(&app, &teacher, Method::DELETE, &remove_owner, None).await, 409, "CONFLICT").await;

    // Revoking ends the invite; the student leaves; the teacher removes a second student.
    let live = json_of(call(&app, &teacher, Method::GET, &invites, None).await, 200).await;
    assert_eq!(live["data"].as_array().unwrap().len(), 1);
    let revoke = format!("{invites}/{}", id(&created));
    assert_eq!(call(&app, &teacher, Method::DELETE, &revoke, None).await.status(), 204);
    let preview_path = format!("/api/groups/invites/{code}");
    assert_contract(call(&app, &stranger, Method::GET, &preview_path, None).await, 400, "INVITE_EXPIRED").await;
    assert_contract(join(&app, &stranger, code).await, 400, "INVITE_EXPIRED").await;
    assert_eq!(call(&app, &student, Method::POST, &format!("{path}/leave"), None).await.status(), 204);
    assert_contract(call(&app, &student, Method::GET, &path, None).await, 404, "GROUP_NOT_FOUND").await;
    let again = invite(&app, &teacher, &group_id, json!({"max_uses": 3})).await;
    json_of(join(&app, &stranger, again["code"].as_str().unwrap()).await, 200).await;
    let remove = format!("{path}/members/{}", stranger.id);
    assert_eq!(call(&app, &teacher, Method::DELETE, &remove, None).await.status(), 204);
    assert_contract(call(&app, &teacher, Method::DELETE, &remove, None).await, 404, "USER_NOT_FOUND").await;
}

#[tokio::test]
async fn concurrent_joins_on_a_single_use_invite_admit_exactly_one() {
    let app = spawn_app_with(&[]).await;
    let teacher = app.sign_in(10).await;
    let group = create_group(&app, &teacher, "Одно место").await;
    let created = invite(&app, &teacher, &id(&group), json!({"max_uses": 1})).await;
    let code = created["code"].as_str().unwrap().to_owned();
    let mut students = Vec::new();
    for n in 0..6 {
        students.push(app.sign_in(11 + n).await);
    }
    let joins = students.iter().map(|s| join(&app, s, &code));
    let statuses: Vec<u16> = futures_util::future::join_all(joins).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 400), "the others hear INVITE_EXPIRED: {statuses:?}");
    let group_id = id(&group);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM group_members WHERE group_id = '{group_id}'")).await, 2);
    assert_eq!(app.count(&format!("SELECT uses::bigint FROM group_invites WHERE code = '{code}'")).await, 1);
}

#[tokio::test]
async fn a_lapsed_owner_plan_freezes_joins_and_an_archived_group_takes_nobody() {
    let app = spawn_app_with(&[("FREE_MAX_GROUP_MEMBERS", "3")]).await;
    let teacher = app.sign_in(20).await;
    app.make_premium(&teacher).await;
    let group = create_group(&app, &teacher, "Премиум").await;
    assert_eq!(group["max_members"], 100, "the premium limit");
    let group_id = id(&group);
    let code =
        invite(&app, &teacher, &group_id, json!({"expires_in_hours": 2})).await["code"].as_str().unwrap().to_owned();
    for n in 0..3 {
        json_of(join(&app, &app.sign_in(21 + n).await, &code).await, 200).await;
    }
    let db = app.db().await;
    let lapse = format!("UPDATE users SET premium_until = now() - interval '1 day' WHERE id = '{}'", teacher.id);
    sea_orm::ConnectionTrait::execute_unprepared(&db, &lapse).await.unwrap();
    let late = app.sign_in(30).await;
    let refused = assert_contract(join(&app, &late, &code).await, 402, "LIMIT_REACHED").await;
    assert_eq!(refused["error"]["details"]["limit"], "group_members");
    assert_eq!(refused["error"]["details"]["max"], 3);
    let detail = json_of(call(&app, &teacher, Method::GET, &format!("/api/groups/{group_id}"), None).await, 200).await;
    assert_eq!(detail["member_count"], 4, "nobody is removed");

    // Expired: the invite's two hours are over.
    app.clock.advance(chrono::Duration::hours(3));
    // Signed in again: the access tokens of three hours ago have expired too.
    let (teacher, late) = (app.sign_in(20).await, app.sign_in(30).await);
    assert_contract(join(&app, &late, &code).await, 400, "INVITE_EXPIRED").await;
    // Archived: no invite works, members still read the materials.
    let fresh = invite(&app, &teacher, &group_id, json!({})).await["code"].as_str().unwrap().to_owned();
    assert_eq!(call(&app, &teacher, Method::DELETE, &format!("/api/groups/{group_id}"), None).await.status(), 204);
    assert_contract(join(&app, &late, &fresh).await, 404, "GROUP_NOT_FOUND").await;
    let materials = call(&app, &teacher, Method::GET, &format!("/api/groups/{group_id}/materials"), None).await;
    assert_eq!(materials.status(), 200);
    let live = json_of(call(&app, &teacher, Method::GET, "/api/groups", None).await, 200).await;
    assert_eq!(live["pagination"]["total"], 0);
    let all = json_of(call(&app, &teacher, Method::GET, "/api/groups?include_archived=true", None).await, 200).await;
    assert!(all["data"][0]["archived_at"].is_string());
}

/// A teacher of German with a deck of two cards, a group and a student who joined it.
async fn classroom(app: &TestApp) -> (User, User, String, String) {
    let teacher = learner(app, 40).await;
    let deck =
        json_of(call(app, &teacher, Method::POST, "/api/decks", Some(json!({"name": "Тiere"}))).await, 201).await;
    for (front, back) in [("der Hund", "собака"), ("die Katze", "кошка")] {
        let card = json!({"front": front, "back": back, "deck_id": deck["id"]});
        json_of(call(app, &teacher, Method::POST, "/api/cards", Some(card)).await, 201).await;
    }
    let group = create_group(app, &teacher, "Класс").await;
    let code = invite(app, &teacher, &id(&group), json!({})).await["code"].as_str().unwrap().to_owned();
    let student = learner(app, 41).await;
    json_of(join(app, &student, &code).await, 200).await;
    (teacher, student, id(&group), id(&deck))
}

#[tokio::test]
async fn teachers_share_decks_and_topics_and_students_copy_a_deck() {
    let app = spawn_app_with(&[("FREE_MAX_CARDS", "3")]).await;
    let (teacher, student, group, deck) = classroom(&app).await;
    let materials = format!("/api/groups/{group}/materials");
    let shared =
        json_of(call(&app, &teacher, Method::POST, &materials, Some(json!({"deck_id": deck}))).await, 201).await;
    assert_eq!(shared["kind"], "deck");
    assert_eq!(shared["deck"]["card_count"], 2);
    let again = call(&app, &teacher, Method::POST, &materials, Some(json!({"deck_id": deck}))).await;
    assert_contract(again, 409, "CONFLICT").await;
    let topic = json!({"name": "Perfekt", "kind": "grammar"});
    let topic = json_of(call(&app, &teacher, Method::POST, "/api/topics", Some(topic)).await, 201).await;
    let topic_material =
        json_of(call(&app, &teacher, Method::POST, &materials, Some(json!({"topic_id": topic["id"]}))).await, 201)
            .await;
    assert_eq!(topic_material["topic"]["name"], "Perfekt");
    let both = Some(json!({"deck_id": deck, "topic_id": topic["id"]}));
    assert_contract(call(&app, &teacher, Method::POST, &materials, both).await, 400, "INVALID_FIELD_VALUE").await;
    let neither = call(&app, &teacher, Method::POST, &materials, Some(json!({}))).await;
    assert_contract(neither, 400, "INVALID_FIELD_VALUE").await;
    let students_deck =
        json_of(call(&app, &student, Method::POST, "/api/decks", Some(json!({"name": "Мои"}))).await, 201).await;
    let not_mine = Some(json!({"deck_id": students_deck["id"]}));
    assert_contract(call(&app, &teacher, Method::POST, &materials, not_mine.clone()).await, 404, "DECK_NOT_FOUND")
        .await;
    assert_contract(call(&app, &student, Method::POST, &materials, not_mine).await, 403, "FORBIDDEN").await;

    let list = json_of(call(&app, &student, Method::GET, &materials, None).await, 200).await;
    let kinds: Vec<&str> = list["data"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["topic", "deck"], "newest first");
    assert_eq!(list["data"][1]["deck"]["new_available"], 2, "the student's own counts");
    assert_eq!(list["data"][1]["deck"]["due_now"], 0);
    assert_eq!(list["data"][1]["shared_by"]["user_id"], json!(teacher.id));

    // The student knows "der Hund" already: the copy skips it and takes one card.
    let own = json!({"front": "der Hund", "back": "пёс", "deck_id": students_deck["id"]});
    json_of(call(&app, &student, Method::POST, "/api/cards", Some(own)).await, 201).await;
    let copy = format!("{materials}/{}/copy", id(&shared));
    let copied = json_of(call(&app, &student, Method::POST, &copy, Some(json!({}))).await, 201).await;
    assert_eq!(copied["name"], "Тiere");
    let student_cards =
        format!("SELECT COUNT(*) FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.id = '{}'", id(&copied));
    assert_eq!(app.count(&student_cards).await, 1);
    let second = json_of(call(&app, &student, Method::POST, &copy, Some(json!({}))).await, 201).await;
    assert_eq!(second["name"], "Тiere (2)", "every word is known now: an empty copy under a free name");
    let topic_copy = format!("{materials}/{}/copy", id(&topic_material));
    assert_contract(call(&app, &student, Method::POST, &topic_copy, Some(json!({}))).await, 400, "INVALID_FIELD_VALUE")
        .await;
    // A third student at the card limit (3): two cards do not fit next to two of their own.
    let code = invite(&app, &teacher, &group, json!({})).await["code"].as_str().unwrap().to_owned();
    let full = learner(&app, 42).await;
    for word in ["eins", "zwei"] {
        json_of(call(&app, &full, Method::POST, "/api/cards", Some(json!({"front": word, "back": "x"}))).await, 201)
            .await;
    }
    json_of(join(&app, &full, &code).await, 200).await;
    let refused =
        assert_contract(call(&app, &full, Method::POST, &copy, Some(json!({}))).await, 402, "LIMIT_REACHED").await;
    assert_eq!(refused["error"]["details"]["limit"], "cards");

    let unshare = format!("{materials}/{}", id(&shared));
    assert_contract(call(&app, &student, Method::DELETE, &unshare, None).await, 403, "FORBIDDEN").await;
    assert_eq!(call(&app, &teacher, Method::DELETE, &unshare, None).await.status(), 204);
    assert_eq!(json_of(call(&app, &student, Method::GET, &materials, None).await, 200).await["pagination"]["total"], 1);
}

#[tokio::test]
async fn the_progress_table_shows_each_students_real_work() {
    let app = spawn_app_with(&[]).await;
    let (teacher, student, group, deck) = classroom(&app).await;
    let materials = format!("/api/groups/{group}/materials");
    json_of(call(&app, &teacher, Method::POST, &materials, Some(json!({"deck_id": deck}))).await, 201).await;
    // Reviews of the student's own cards (studying the shared deck lands with the study
    // queue's change): one remembered, one forgotten.
    for (front, rating) in [("eins", 3), ("zwei", 1)] {
        let card = json_of(
            call(&app, &student, Method::POST, "/api/cards", Some(json!({"front": front, "back": "x"}))).await,
            201,
        )
        .await;
        let review = json!({"card_id": card["id"], "rating": rating, "client_review_id": uuid::Uuid::now_v7()});
        assert_eq!(call(&app, &student, Method::POST, "/api/study/review", Some(review)).await.status(), 200);
    }
    // One exercise answered, partly right; one card of the shared deck overdue.
    let me = json_of(call(&app, &student, Method::GET, "/api/me", None).await, 200).await;
    let profile = me["active_profile_id"].as_str().unwrap();
    let arranged = format!(
        "WITH a AS (INSERT INTO exercise_attempts (id, user_id, profile_id, kind, question, prompt, correct_answer, \
         user_answer, result, feedback, used_hint, channel, completed_at) VALUES (gen_random_uuid(), '{s}', '{profile}', \
         'translate', 'q', 'p', 'a', 'b', 'partial', '{{}}', false, 'miniapp', now() - interval '1 minute') RETURNING 1), \
         g AS (INSERT INTO card_progress (id, user_id, card_id, state, due, reps, lapses, updated_at) \
         SELECT gen_random_uuid(), '{s}', c.id, 'review', now() - interval '1 day', 1, 0, now() FROM cards c \
         WHERE c.deck_id = '{deck}' LIMIT 1 RETURNING 1) SELECT (SELECT COUNT(*) FROM a) + (SELECT COUNT(*) FROM g)",
        s = student.id
    );
    assert_eq!(app.count(&arranged).await, 2);

    let path = format!("/api/groups/{group}/progress");
    let table = json_of(call(&app, &teacher, Method::GET, &path, None).await, 200).await;
    assert_eq!(table["period"], "week");
    assert!(table["from"].is_string());
    let row = &table["students"][0];
    assert_eq!(table["students"].as_array().unwrap().len(), 1, "students only, not the teacher");
    assert_eq!(row["user_id"], json!(student.id));
    assert_eq!((row["reviews"].clone(), row["retention"].clone()), (json!(2), json!(0.5)));
    assert_eq!((row["exercises"].clone(), row["accuracy"].clone()), (json!(1), json!(0.5)));
    assert_eq!(row["due_backlog"], 1);
    assert!(row["last_active_at"].is_string());

    app.clock.advance(chrono::Duration::days(8));
    let teacher = app.sign_in(40).await;
    let later = json_of(call(&app, &teacher, Method::GET, &path, None).await, 200).await;
    assert_eq!(
        (later["students"][0]["reviews"].clone(), later["students"][0]["retention"].clone()),
        (json!(0), Value::Null)
    );
    let all = json_of(call(&app, &teacher, Method::GET, &format!("{path}?period=all"), None).await, 200).await;
    assert_eq!((all["from"].clone(), all["students"][0]["reviews"].clone()), (Value::Null, json!(2)));
    let bad = call(&app, &teacher, Method::GET, &format!("{path}?period=year"), None).await;
    assert_contract(bad, 422, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn only_the_owner_names_teachers_and_removes_them() {
    let app = spawn_app_with(&[]).await;
    let owner = app.sign_in(50).await;
    let group = create_group(&app, &owner, "Роли").await;
    let group_id = id(&group);
    let code = invite(&app, &owner, &group_id, json!({})).await["code"].as_str().unwrap().to_owned();
    let (assistant, student) = (app.sign_in(51).await, app.sign_in(52).await);
    for user in [&assistant, &student] {
        json_of(join(&app, user, &code).await, 200).await;
    }
    let role = |user: &User| format!("/api/groups/{group_id}/members/{}", user.id);
    let teacher = Some(json!({"role": "teacher"}));
    assert_contract(call(&app, &student, Method::PATCH, &role(&assistant), teacher.clone()).await, 403, "FORBIDDEN")
        .await;
    let promoted = json_of(call(&app, &owner, Method::PATCH, &role(&assistant), teacher.clone()).await, 200).await;
    let roles: Vec<&str> =
        promoted["members"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["teacher", "teacher", "student"]);
    let demote_owner = Some(json!({"role": "student"}));
    assert_contract(call(&app, &owner, Method::PATCH, &role(&owner), demote_owner).await, 409, "CONFLICT").await;
    let bad = Some(json!({"role": "admin"}));
    assert_contract(call(&app, &owner, Method::PATCH, &role(&assistant), bad).await, 422, "VALIDATION_ERROR").await;

    // The new teacher invites, sees progress and removes a student, but not a teacher.
    invite(&app, &assistant, &group_id, json!({"max_uses": 1})).await;
    let progress = format!("/api/groups/{group_id}/progress");
    assert_eq!(
        json_of(call(&app, &assistant, Method::GET, &progress, None).await, 200).await["students"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_contract(call(&app, &assistant, Method::DELETE, &role(&owner), None).await, 409, "CONFLICT").await;
    assert_eq!(call(&app, &assistant, Method::DELETE, &role(&student), None).await.status(), 204);
    json_of(join(&app, &student, &code).await, 200).await;
    json_of(call(&app, &owner, Method::PATCH, &role(&student), teacher).await, 200).await;
    assert_contract(call(&app, &assistant, Method::DELETE, &role(&student), None).await, 403, "FORBIDDEN").await;
    assert_eq!(call(&app, &owner, Method::DELETE, &role(&student), None).await.status(), 204);
    // Only the owner archives.
    let path = format!("/api/groups/{group_id}");
    assert_contract(call(&app, &assistant, Method::DELETE, &path, None).await, 403, "FORBIDDEN").await;
}

#[tokio::test]
async fn concurrent_joins_never_pass_the_member_limit() {
    let app = spawn_app_with(&[("FREE_MAX_GROUP_MEMBERS", "3")]).await;
    let teacher = app.sign_in(60).await;
    let group = create_group(&app, &teacher, "Трое").await;
    let code = invite(&app, &teacher, &id(&group), json!({})).await["code"].as_str().unwrap().to_owned();
    let mut students = Vec::new();
    for n in 0..6 {
        students.push(app.sign_in(61 + n).await);
    }
    let joins = students.iter().map(|s| join(&app, s, &code));
    let statuses: Vec<u16> = futures_util::future::join_all(joins).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 402).count(), 4, "{statuses:?}");
    let group_id = id(&group);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM group_members WHERE group_id = '{group_id}'")).await, 3);
}
