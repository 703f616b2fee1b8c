//! Writes an Anki package (`.apkg`): a zip holding `collection.anki2`, an SQLite database in
//! the collection schema every Anki version imports (schema 11), and an empty `media` map.
//! The database is written through sqlx's SQLite driver, the one the workspace already links.
//! [`read`] reads the notes of any Anki package back (import).

pub mod read;

use std::io::Write;

use chrono::{DateTime, Utc};
use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::sqlx::{AssertSqlSafe, Connection, SqliteConnection};
use sha1::{Digest, Sha1};

use crate::RepoError;

/// One Anki note (and its single card): the front and the back as HTML.
#[derive(Debug, Clone)]
pub struct AnkiNote {
    pub guid: String,
    pub front: String,
    pub back: String,
    pub tags: Vec<String>,
}

const SCHEMA: &str = "
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
  ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
  models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
  usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
  flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
  mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
  ivl integer not null, factor integer not null, reps integer not null, lapses integer not null, left integer not null,
  odue integer not null, odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
  ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
";

/// Builds the package for one deck of notes, all as new cards.
pub async fn write_apkg(deck_name: &str, notes: &[AnkiNote], now: DateTime<Utc>) -> Result<Vec<u8>, RepoError> {
    let dir = std::env::temp_dir().join(format!("la-apkg-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(setup)?;
    let path = dir.join("collection.anki2");
    let result = async {
        write_collection(&path, deck_name, notes, now).await?;
        let collection = std::fs::read(&path).map_err(setup)?;
        zip_package(&collection)
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn setup(e: impl std::fmt::Display) -> RepoError {
    RepoError::Setup(format!("writing the Anki package failed: {e}"))
}

async fn write_collection(
    path: &std::path::Path,
    deck_name: &str,
    notes: &[AnkiNote],
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let options = SqliteConnectOptions::new().filename(path).create_if_missing(true);
    let mut conn = SqliteConnection::connect_with(&options).await.map_err(setup)?;
    for statement in SCHEMA.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        sea_orm::sqlx::query(AssertSqlSafe(statement.to_owned())).execute(&mut conn).await.map_err(setup)?;
    }
    let ms = now.timestamp_millis();
    let secs = now.timestamp();
    // Ids are millisecond timestamps in Anki; keep ours distinct and increasing.
    let model_id = ms;
    let deck_id = ms + 1;
    sea_orm::sqlx::query(
        "INSERT INTO col (id, crt, mod, scm, ver, dty, usn, ls, conf, models, decks, dconf, tags) \
         VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
    )
    .bind(secs - secs.rem_euclid(86_400))
    .bind(ms)
    .bind(ms)
    .bind(collection_conf(deck_id).to_string())
    .bind(serde_json::json!({ model_id.to_string(): basic_model(model_id, deck_id, secs) }).to_string())
    .bind(decks_json(deck_id, deck_name, secs).to_string())
    .bind(deck_options_json().to_string())
    .execute(&mut conn)
    .await
    .map_err(setup)?;

    for (index, note) in notes.iter().enumerate() {
        let offset = i64::try_from(index).unwrap_or(i64::MAX);
        let note_id = ms + 10 + offset;
        let sort_field = strip_html(&note.front);
        sea_orm::sqlx::query(
            "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data) VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
        )
        .bind(note_id)
        .bind(&note.guid)
        .bind(model_id)
        .bind(secs)
        .bind(if note.tags.is_empty() { String::new() } else { format!(" {} ", note.tags.join(" ")) })
        .bind(format!("{}\u{1f}{}", note.front, note.back))
        .bind(&sort_field)
        .bind(checksum(&sort_field))
        .execute(&mut conn)
        .await
        .map_err(setup)?;
        sea_orm::sqlx::query(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data) \
             VALUES (?, ?, ?, 0, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')",
        )
        .bind(note_id)
        .bind(note_id)
        .bind(deck_id)
        .bind(secs)
        .bind(offset + 1)
        .execute(&mut conn)
        .await
        .map_err(setup)?;
    }
    conn.close().await.map_err(setup)?;
    Ok(())
}

fn zip_package(collection: &[u8]) -> Result<Vec<u8>, RepoError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("collection.anki2", options).map_err(setup)?;
    zip.write_all(collection).map_err(setup)?;
    zip.start_file("media", options).map_err(setup)?;
    zip.write_all(b"{}").map_err(setup)?;
    Ok(zip.finish().map_err(setup)?.into_inner())
}

/// Anki's duplicate check: the first 8 hex digits of the SHA-1 of the sort field.
fn checksum(sort_field: &str) -> i64 {
    let digest = Sha1::digest(sort_field.as_bytes());
    let hex = hex::encode(digest);
    i64::from_str_radix(hex.get(..8).unwrap_or("0"), 16).unwrap_or(0)
}

fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

fn collection_conf(deck_id: i64) -> serde_json::Value {
    serde_json::json!({
        "activeDecks": [deck_id], "curDeck": deck_id, "newSpread": 0, "collapseTime": 1200,
        "timeLim": 0, "estTimes": true, "dueCounts": true, "curModel": null, "nextPos": 1,
        "sortType": "noteFld", "sortBackwards": false, "addToCur": true
    })
}

fn basic_model(model_id: i64, deck_id: i64, secs: i64) -> serde_json::Value {
    let field = |name: &str, ord: u32| serde_json::json!({"name": name, "ord": ord, "sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []});
    serde_json::json!({
        "id": model_id, "name": "Lang Agent", "type": 0, "mod": secs, "usn": -1, "sortf": 0, "did": deck_id,
        "tmpls": [{
            "name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}",
            "did": null, "bqfmt": "", "bafmt": ""
        }],
        "flds": [field("Front", 0), field("Back", 1)],
        "css": ".card { font-family: arial; font-size: 20px; text-align: center; color: black; background-color: white; }",
        "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}", "latexsvg": false,
        "req": [[0, "any", [0]]], "tags": [], "vers": []
    })
}

fn decks_json(deck_id: i64, name: &str, secs: i64) -> serde_json::Value {
    let deck = |id: i64, name: &str| {
        serde_json::json!({
            "id": id, "name": name, "mod": secs, "usn": -1, "desc": "", "dyn": 0, "conf": 1, "collapsed": false,
            "browserCollapsed": false, "extendNew": 10, "extendRev": 50,
            "lrnToday": [0, 0], "revToday": [0, 0], "newToday": [0, 0], "timeToday": [0, 0]
        })
    };
    serde_json::json!({ "1": deck(1, "Default"), deck_id.to_string(): deck(deck_id, name) })
}

fn deck_options_json() -> serde_json::Value {
    serde_json::json!({ "1": {
        "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
        "replayq": true, "dyn": false,
        "new": {"delays": [1, 10], "ints": [1, 4, 7], "initialFactor": 2500, "order": 1, "perDay": 20, "bury": false, "separate": true},
        "rev": {"perDay": 200, "ease4": 1.3, "fuzz": 0.05, "minSpace": 1, "ivlFct": 1, "maxIvl": 36500, "bury": false, "hardFactor": 1.2},
        "lapse": {"delays": [10], "mult": 0, "minInt": 1, "leechFails": 8, "leechAction": 1}
    }})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_ankis_rule() {
        // sha1("Hund") = 2a6b5ee1…
        assert_eq!(checksum("Hund"), i64::from_str_radix(&hex::encode(Sha1::digest(b"Hund"))[..8], 16).unwrap());
        assert_eq!(strip_html("<b>der</b> Hund &amp; Katze"), "der Hund & Katze");
    }
}
