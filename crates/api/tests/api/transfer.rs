//! CSV/TSV import with a preview and a per-row report; CSV and Anki package export.

use std::io::Read;

use reqwest::Method;
use sea_orm::sqlx::{Connection, Row, SqliteConnection};
use serde_json::{Value, json};

use crate::cards::{add_card, learner};
use crate::helpers::{TestApp, assert_contract, spawn_app, spawn_app_with};
use crate::session::User;

async fn import(app: &TestApp, user: &User, deck: &Value, body: &str, dry_run: bool) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/decks/{}/import?dry_run={dry_run}", deck["id"].as_str().unwrap())))
        .bearer_auth(&user.access_token)
        .header("content-type", "text/tab-separated-values")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

const FILE: &str = "front\tback\tlemma\texample\n\
der Hund\tсобака\tHund\tDer Hund schläft.\n\
die Katze\t\tKatze\t\n\
das Haus\tдом\tHaus\t\n\
HAUS\tздание\thaus\t\n\
der Baum\tдерево\tBaum\t\n";

#[tokio::test]
async fn a_dry_run_previews_and_reports_without_storing_then_the_import_creates_the_valid_rows() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 50).await;
    add_card(&app, &user, json!({"front": "der Baum", "back": "дерево", "lemma": "Baum"})).await;

    let preview: Value = import(&app, &user, &deck, FILE, true).await.json().await.unwrap();
    assert_eq!(preview["dry_run"], true);
    assert_eq!(preview["created"], 2, "{preview}");
    assert_eq!(preview["errors"], json!([{"row": 3, "message": "the back (translation) is empty"}]));
    let duplicates = preview["duplicates"].as_array().unwrap();
    assert_eq!(duplicates.len(), 2);
    assert_eq!(
        (duplicates[0]["row"].as_u64(), duplicates[0]["existing_card_id"].is_null()),
        (Some(5), true),
        "within the file"
    );
    assert_eq!(duplicates[1]["row"], 6);
    assert!(duplicates[1]["existing_card_id"].is_string(), "already in the profile");
    assert_eq!(preview["preview"][0]["example"], "Der Hund schläft.");
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM cards WHERE deck_id = '{}'", deck["id"].as_str().unwrap())).await,
        1
    );

    let done: Value = import(&app, &user, &deck, FILE, false).await.json().await.unwrap();
    assert_eq!(done["created"], 2);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM cards WHERE deck_id = '{}' AND source = 'import'",
            deck["id"].as_str().unwrap()
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn an_import_over_the_plan_limit_creates_nothing() {
    let app = spawn_app_with(&[("FREE_MAX_CARDS", "2")]).await;
    let (user, deck) = learner(&app, 51).await;
    assert_contract(import(&app, &user, &deck, "a\tб\nc\tд\ne\tж\n", false).await, 402, "LIMIT_REACHED").await;
    assert_eq!(app.count("SELECT count(*) FROM cards").await, 0);
    let wrong_type = app
        .client
        .post(app.url(&format!("/api/decks/{}/import", deck["id"].as_str().unwrap())))
        .bearer_auth(&user.access_token)
        .header("content-type", "application/pdf")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_contract(wrong_type, 415, "UNSUPPORTED_MEDIA_TYPE").await;
}

#[tokio::test]
async fn csv_export_reads_back_as_the_same_cards() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 52).await;
    add_card(
        &app,
        &user,
        json!({"front": "Hund, der", "back": "собака \"Рекс\"", "forms": {"plural": "Hunde"}, "notes": "a\nb"}),
    )
    .await;
    let response = app
        .call(
            Method::GET,
            format!("/api/decks/{}/export?format=csv", deck["id"].as_str().unwrap()),
            &user.access_token,
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
    let csv = response.text().await.unwrap();
    let (other, other_deck) = learner(&app, 53).await;
    let report: Value = import(&app, &other, &other_deck, &csv, false).await.json().await.unwrap();
    assert_eq!(report["created"], 1, "{report}");
    let cards: Value = app.call(Method::GET, "/api/cards", &other.access_token, None).await.json().await.unwrap();
    let card = &cards["data"][0];
    assert_eq!((card["front"].as_str(), card["back"].as_str()), (Some("Hund, der"), Some("собака \"Рекс\"")));
    assert_eq!((card["forms"].clone(), card["notes"].as_str()), (json!({"plural": "Hunde"}), Some("a\nb")));
}

#[tokio::test]
async fn the_anki_package_holds_a_collection_anki_can_open() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 54).await;
    for (front, back) in [("der Hund", "собака <3"), ("die Katze", "кошка")] {
        add_card(&app, &user, json!({"front": front, "back": back, "example": "Beispiel"})).await;
    }
    let response = app
        .call(
            Method::GET,
            format!("/api/decks/{}/export?format=apkg", deck["id"].as_str().unwrap()),
            &user.access_token,
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip file");
    let mut media = String::new();
    archive.by_name("media").unwrap().read_to_string(&mut media).unwrap();
    assert_eq!(media, "{}");
    let mut collection = Vec::new();
    archive.by_name("collection.anki2").unwrap().read_to_end(&mut collection).unwrap();
    let path = std::env::temp_dir().join(format!("la-apkg-test-{}.anki2", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, collection).unwrap();

    let mut db = SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let check: String = sea_orm::sqlx::query("PRAGMA integrity_check").fetch_one(&mut db).await.unwrap().get(0);
    assert_eq!(check, "ok");
    let col = sea_orm::sqlx::query("SELECT ver, models, decks, dconf, conf FROM col").fetch_one(&mut db).await.unwrap();
    assert_eq!(col.get::<i64, _>("ver"), 11);
    let models: Value = serde_json::from_str(&col.get::<String, _>("models")).unwrap();
    let decks: Value = serde_json::from_str(&col.get::<String, _>("decks")).unwrap();
    let (model_id, model) = models.as_object().unwrap().iter().next().unwrap();
    assert_eq!(model["flds"].as_array().unwrap().len(), 2);
    assert_eq!(model["tmpls"][0]["qfmt"], "{{Front}}");
    assert!(decks.as_object().unwrap().values().any(|d| d["name"] == "Мои слова"), "{decks}");
    serde_json::from_str::<Value>(&col.get::<String, _>("dconf")).unwrap();
    serde_json::from_str::<Value>(&col.get::<String, _>("conf")).unwrap();

    let notes =
        sea_orm::sqlx::query("SELECT id, mid, flds, sfld FROM notes ORDER BY id").fetch_all(&mut db).await.unwrap();
    assert_eq!(notes.len(), 2);
    for note in &notes {
        assert_eq!(note.get::<i64, _>("mid").to_string(), *model_id);
        assert_eq!(note.get::<String, _>("flds").split('\u{1f}').count(), 2);
    }
    assert!(notes[0].get::<String, _>("flds").contains("собака &lt;3"), "HTML is escaped");
    let cards = sea_orm::sqlx::query("SELECT nid, did, type, queue FROM cards").fetch_all(&mut db).await.unwrap();
    assert_eq!(cards.len(), 2);
    for card in &cards {
        assert!(notes.iter().any(|n| n.get::<i64, _>("id") == card.get::<i64, _>("nid")));
        assert!(decks.get(card.get::<i64, _>("did").to_string()).is_some());
        assert_eq!((card.get::<i64, _>("type"), card.get::<i64, _>("queue")), (0, 0), "new in Anki");
    }
    for table in ["revlog", "graves"] {
        sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(&mut db)
            .await
            .unwrap();
    }
    db.close().await.unwrap();
    std::fs::remove_file(path).unwrap();
}
