//! CSV/TSV import with a preview and a per-row report; CSV and Anki package export.

use std::io::Read;

use reqwest::Method;
use sea_orm::sqlx::{Connection, Row, SqliteConnection};
use serde_json::{Value, json};

use crate::cards::{add_card, learner};
use crate::helpers::{TestApp, assert_contract, spawn_app, spawn_app_with};
use crate::session::User;

async fn import(app: &TestApp, user: &User, deck: &Value, body: &str, dry_run: bool) -> reqwest::Response {
    send(app, user, deck, body.as_bytes().to_vec(), "text/tab-separated-values", &format!("dry_run={dry_run}")).await
}

async fn send(
    app: &TestApp,
    user: &User,
    deck: &Value,
    body: Vec<u8>,
    content_type: &str,
    query: &str,
) -> reqwest::Response {
    let path = format!("/api/decks/{}/import?{query}", deck["id"].as_str().unwrap());
    app.post_bytes(&path, &user.access_token, content_type, body).await
}

async fn report(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/data").join(name)).unwrap()
}

/// Front, back and example of the user's cards, by front.
async fn cards_of(app: &TestApp, user: &User) -> Vec<(String, String, Option<String>)> {
    let cards: Value =
        app.call(Method::GET, "/api/cards?limit=100", &user.access_token, None).await.json().await.unwrap();
    let mut list: Vec<(String, String, Option<String>, String)> = cards["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["front"].as_str().unwrap().to_owned(),
                c["back"].as_str().unwrap().to_owned(),
                c["example"].as_str().map(str::to_owned),
                c["created_at"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    list.into_iter().map(|(f, b, e, _)| (f, b, e)).collect()
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
    assert_eq!(
        preview["errors"],
        json!([{"row": 3, "code": "EMPTY_BACK", "message": "the back (translation) is empty"}])
    );
    let duplicates = preview["duplicates"].as_array().unwrap();
    assert_eq!(duplicates.len(), 2);
    assert_eq!(
        duplicates[0],
        json!({"row": 5, "code": "DUPLICATE_IN_FILE", "front": "HAUS", "existing_card_id": null, "first_row": 4}),
        "within the file: reported like a card already there"
    );
    assert_eq!((&duplicates[1]["row"], &duplicates[1]["code"]), (&json!(6), &json!("DUPLICATE_EXISTING")));
    assert!(duplicates[1]["existing_card_id"].is_string(), "already in the profile");
    assert_eq!(
        (&preview["source"], &preview["header"], &preview["needs_mapping"]),
        (&json!("csv"), &json!(true), &json!(false))
    );
    let roles: Vec<&str> = preview["columns"].as_array().unwrap().iter().map(|c| c["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["front", "back", "lemma", "example"]);
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

#[tokio::test]
async fn a_russian_header_names_the_columns_and_is_no_card() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 55).await;
    let file = "Слово;Перевод;Пример\nder Hund;собака;Der Hund schläft.\ndie Katze;кошка;\n";
    let done = report(send(&app, &user, &deck, file.into(), "text/csv", "dry_run=false").await).await;
    assert_eq!((&done["created"], &done["header"], &done["needs_mapping"]), (&json!(2), &json!(true), &json!(false)));
    let names: Vec<&str> = done["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Слово", "Перевод", "Пример"]);
    assert_eq!(
        cards_of(&app, &user).await,
        vec![
            ("der Hund".to_owned(), "собака".to_owned(), Some("Der Hund schläft.".to_owned())),
            ("die Katze".to_owned(), "кошка".to_owned(), None),
        ]
    );
}

#[tokio::test]
async fn unclear_columns_are_shown_for_a_pick_and_the_pick_is_used() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 56).await;
    let file = "Hund,Substantiv,собака\nKatze,Substantiv,кошка\n";
    let preview = report(send(&app, &user, &deck, file.into(), "text/csv", "dry_run=true").await).await;
    assert_eq!((&preview["needs_mapping"], &preview["header"]), (&json!(true), &json!(false)));
    assert_eq!(preview["sample"][0], json!({"row": 1, "cells": ["Hund", "Substantiv", "собака"]}));
    assert_eq!(preview["columns"].as_array().unwrap().len(), 3);

    // No real import on a guess.
    let refused = send(&app, &user, &deck, file.into(), "text/csv", "dry_run=false").await;
    let body = assert_contract(refused, 400, "INVALID_FIELD_VALUE").await;
    assert_eq!(body["error"]["details"]["reason"], "columns_unclear");
    let bad = send(&app, &user, &deck, file.into(), "text/csv", "dry_run=true&columns=front,front,back").await;
    assert_contract(bad, 400, "INVALID_FIELD_VALUE").await;

    let query = "dry_run=false&columns=front,part_of_speech,back&header=false";
    let done = report(send(&app, &user, &deck, file.into(), "text/csv", query).await).await;
    assert_eq!((&done["created"], &done["needs_mapping"]), (&json!(2), &json!(false)));
    let cards: Value = app.call(Method::GET, "/api/cards", &user.access_token, None).await.json().await.unwrap();
    assert!(
        cards["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["part_of_speech"] == "Substantiv" && c["back"] != "Substantiv")
    );
}

#[tokio::test]
async fn ankis_text_export_and_quizlet_need_no_header() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 57).await;
    let anki = "#separator:tab\n#html:true\n#tags column:3\nder <b>Hund</b>\tсобака<br>пёс\tTiere\n";
    let done = report(send(&app, &user, &deck, anki.into(), "text/plain", "dry_run=false").await).await;
    assert_eq!((&done["created"], &done["needs_mapping"]), (&json!(1), &json!(false)), "{done}");
    let quizlet = "das Haus\tдом\ndie Tür\tдверь\n";
    let done =
        report(send(&app, &user, &deck, quizlet.into(), "text/tab-separated-values", "dry_run=false").await).await;
    assert_eq!(done["created"], 2);
    let cards = cards_of(&app, &user).await;
    assert_eq!(cards[1], ("der Hund".to_owned(), "собака\nпёс".to_owned(), None));
}

#[tokio::test]
async fn a_package_from_genanki_is_imported_by_position_without_html_or_media() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 58).await;
    let package = fixture("genanki-basic.apkg");
    let preview =
        report(send(&app, &user, &deck, package.clone(), "application/octet-stream", "dry_run=true").await).await;
    assert_eq!(
        (&preview["source"], &preview["created"], &preview["needs_mapping"]),
        (&json!("apkg"), &json!(4), &json!(false))
    );
    let roles: Vec<&str> = preview["columns"].as_array().unwrap().iter().map(|c| c["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["front", "back", "ignore"], "{preview}");
    assert_eq!(preview["columns"][1]["name"], "Übersetzung");
    assert_eq!(
        preview["duplicates"],
        json!([{"row": 4, "code": "DUPLICATE_IN_FILE", "front": "DER HUND", "existing_card_id": null, "first_row": 1}])
    );
    assert_eq!(preview["errors"][0]["row"], 5);
    assert_eq!(preview["errors"][0]["code"], "EMPTY_BACK");

    report(send(&app, &user, &deck, package, "application/zip", "dry_run=false").await).await;
    assert_eq!(
        cards_of(&app, &user).await,
        vec![
            ("café-Haus <3".to_owned(), "кофейня".to_owned(), None),
            ("das Pferd".to_owned(), "лошадь".to_owned(), None),
            ("der Hund".to_owned(), "собака\nпёс".to_owned(), None),
            ("die Katze".to_owned(), "кошка & кот".to_owned(), None),
        ]
    );
}

#[tokio::test]
async fn a_packages_fields_take_the_learners_columns() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 62).await;
    let package = fixture("genanki-basic.apkg");
    // One role per note field from the left, as for a text file; `header` means nothing here.
    let query = "dry_run=true&columns=back,front,ignore&header=true";
    let preview = report(send(&app, &user, &deck, package.clone(), "application/zip", query).await).await;
    assert_eq!(
        (&preview["source"], &preview["header"], &preview["needs_mapping"]),
        (&json!("apkg"), &json!(false), &json!(false))
    );
    assert_eq!(
        preview["columns"],
        json!([
            {"index": 0, "name": "Wort", "role": "back"},
            {"index": 1, "name": "Übersetzung", "role": "front"},
            {"index": 2, "name": "Audio", "role": "ignore"}
        ])
    );
    assert_eq!(preview["sample"][0], json!({"row": 1, "cells": ["der Hund", "собака\nпёс", ""]}));
    assert_eq!(preview["errors"], json!([{"row": 5, "code": "EMPTY_FRONT", "message": "the front (word) is empty"}]));

    let bad = send(&app, &user, &deck, package.clone(), "application/zip", "dry_run=true&columns=front,front").await;
    assert_contract(bad, 400, "INVALID_FIELD_VALUE").await;

    let query = "dry_run=false&columns=back,front";
    let done = report(send(&app, &user, &deck, package, "application/octet-stream", query).await).await;
    assert_eq!(done["created"], 5, "{done}");
    assert_eq!(
        cards_of(&app, &user).await,
        vec![
            ("кофейня".to_owned(), "café-Haus <3".to_owned(), None),
            ("кошка & кот".to_owned(), "die Katze".to_owned(), None),
            ("лошадь".to_owned(), "das Pferd".to_owned(), None),
            ("собака\nпёс".to_owned(), "der Hund".to_owned(), None),
            ("собака (снова)".to_owned(), "DER HUND".to_owned(), None),
        ]
    );
}

#[tokio::test]
async fn an_anki_21b_package_is_read_from_its_zstd_collection_with_field_names() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 59).await;
    let done =
        report(send(&app, &user, &deck, fixture("anki21b.apkg"), "application/zip", "dry_run=false").await).await;
    assert_eq!(done["created"], 3, "{done}");
    let roles: Vec<&str> = done["columns"].as_array().unwrap().iter().map(|c| c["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["front", "back", "example"]);
    assert_eq!(
        cards_of(&app, &user).await,
        vec![
            ("das Fenster".to_owned(), "окно".to_owned(), Some("Das Fenster ist offen.".to_owned())),
            ("der Stuhl".to_owned(), "стул\nтабурет".to_owned(), None),
            ("der Tisch".to_owned(), "стол".to_owned(), Some("Der Tisch ist neu.".to_owned())),
        ]
    );
}

#[tokio::test]
async fn an_anki_21_package_is_read_from_its_real_collection_not_the_stub_beside_it() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 63).await;
    let package = fixture("anki21.apkg");
    let preview =
        report(send(&app, &user, &deck, package.clone(), "application/octet-stream", "dry_run=true").await).await;
    // Two templates make two cards of each note; a note is one card here.
    assert_eq!(
        (&preview["source"], &preview["created"], &preview["needs_mapping"]),
        (&json!("apkg"), &json!(3), &json!(false)),
        "{preview}"
    );
    assert_eq!(
        preview["columns"],
        json!([
            {"index": 0, "name": "Front", "role": "front"},
            {"index": 1, "name": "Back", "role": "back"}
        ])
    );
    assert_eq!(app.count("SELECT count(*) FROM cards").await, 0);

    let done = report(send(&app, &user, &deck, package, "application/zip", "dry_run=false").await).await;
    assert_eq!((&done["created"], &done["errors"], &done["duplicates"]), (&json!(3), &json!([]), &json!([])));
    assert_eq!(
        cards_of(&app, &user).await,
        vec![
            ("el pan".to_owned(), "хлеб\nбатон".to_owned(), None),
            ("el queso".to_owned(), "сыр".to_owned(), None),
            ("la manzana".to_owned(), "яблоко".to_owned(), None),
        ],
        "the collection.anki21, never the 'requires a newer version' note of collection.anki2"
    );
}

#[tokio::test]
async fn an_anki_package_over_the_plan_limit_creates_nothing() {
    let app = spawn_app_with(&[("FREE_MAX_CARDS", "2")]).await;
    let (user, deck) = learner(&app, 64).await;
    // Four valid notes for a plan of two cards: all or nothing, as for a text file.
    let response = send(&app, &user, &deck, fixture("genanki-basic.apkg"), "application/zip", "dry_run=false").await;
    let body = assert_contract(response, 402, "LIMIT_REACHED").await;
    assert_eq!(body["error"]["details"]["max"], 2, "{body}");
    assert_eq!(app.count("SELECT count(*) FROM cards").await, 0);
    let response = send(&app, &user, &deck, fixture("anki21b.apkg"), "application/zip", "dry_run=false").await;
    assert_contract(response, 402, "LIMIT_REACHED").await;
    assert_eq!(app.count("SELECT count(*) FROM cards").await, 0);
}

#[tokio::test]
async fn our_own_package_reads_back() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 60).await;
    for (front, back) in [("der Hund", "собака <3 & co"), ("die Katze", "кошка")] {
        add_card(&app, &user, json!({"front": front, "back": back})).await;
    }
    let path = format!("/api/decks/{}/export?format=apkg", deck["id"].as_str().unwrap());
    let package = app.call(Method::GET, path, &user.access_token, None).await.bytes().await.unwrap().to_vec();
    let (other, other_deck) = learner(&app, 61).await;
    let done = report(send(&app, &other, &other_deck, package, "application/apkg", "dry_run=false").await).await;
    assert_eq!(done["created"], 2, "{done}");
    assert_eq!(cards_of(&app, &other).await, cards_of(&app, &user).await);
}

#[tokio::test]
async fn hostile_or_broken_bodies_get_a_clear_4xx() {
    let app = spawn_app_with(&[("MAX_REQUEST_BYTES", "1024"), ("MAX_IMPORT_BYTES", "65536")]).await;
    let (user, deck) = learner(&app, 62).await;
    let reason = |body: Value| body["error"]["details"]["reason"].as_str().unwrap_or_default().to_owned();
    let zip_of = |entries: &[(&str, &[u8])]| {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut zip, bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    };
    let cases: Vec<(Vec<u8>, &str, u16, &str)> = vec![
        (b"not a zip".to_vec(), "application/zip", 400, "not_a_package"),
        (vec![0xff, 0xfe, 0x00, 0x81], "application/octet-stream", 400, "not_text"),
        (b"PK\x03\x04 truncated".to_vec(), "application/zip", 400, "not_a_package"),
        (zip_of(&[("media", b"{}")]), "application/zip", 400, "no_collection"),
        (
            zip_of(&[("collection.anki2", b"SQLite format 3\0 and then garbage")]),
            "application/zip",
            400,
            "corrupt_package",
        ),
        (zip_of(&[("collection.anki21b", b"not zstd")]), "application/zip", 400, "corrupt_package"),
    ];
    for (body, content_type, status, expected) in cases {
        let response = send(&app, &user, &deck, body, content_type, "dry_run=true").await;
        let code = if status == 400 { "INVALID_FIELD_VALUE" } else { "PAYLOAD_TOO_LARGE" };
        assert_eq!(reason(assert_contract(response, status, code).await), expected);
    }

    // A zstd bomb: a few kilobytes that unpack to more than 128 MiB.
    let mut bomb = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    std::io::copy(&mut std::io::repeat(0).take(129 * 1024 * 1024), &mut bomb).unwrap();
    let bomb = zip_of(&[("collection.anki21b", &bomb.finish().unwrap())]);
    assert!(bomb.len() < 65536);
    let response = send(&app, &user, &deck, bomb, "application/zip", "dry_run=true").await;
    let body = assert_contract(response, 413, "PAYLOAD_TOO_LARGE").await;
    assert_eq!(
        (reason(body.clone()), &body["error"]["details"]["max_bytes"]),
        ("collection_too_large".to_owned(), &json!(134217728))
    );

    // The import may be larger than other requests, up to its own limit.
    let csv = "Hund\tсобака\n".repeat(200);
    assert!(csv.len() > 1024);
    assert_eq!(report(import(&app, &user, &deck, &csv, true).await).await["created"], 1);
    let response = import(&app, &user, &deck, &"x\ty\n".repeat(20_000), true).await;
    let body = assert_contract(response, 413, "PAYLOAD_TOO_LARGE").await;
    assert_eq!(body["error"]["details"]["max_bytes"], 65536);
    assert_eq!(app.count("SELECT count(*) FROM cards").await, 0);
}
