//! A deck as an Anki package, and an Anki package as rows to import.

use chrono::{DateTime, Utc};
use repositories::RepoError;
use repositories::anki::read::{ApkgError, read_notes};
use repositories::anki::{AnkiNote, write_apkg};

use super::columns::{ColumnHints, MAX_COLUMNS};
use super::html;
use super::table::{MAX_IMPORT_ROWS, Table, TableRow};
use crate::cards::Card;

/// The package's notes as rows (row = the note's position, oldest first), each field as plain
/// text. The note type's field names name the columns; otherwise the first field is the front
/// and the second the back.
pub(super) async fn read_package(package: Vec<u8>) -> Result<Table, ApkgError> {
    let notes = read_notes(package, MAX_IMPORT_ROWS).await?;
    let rows = notes
        .notes
        .iter()
        .enumerate()
        .map(|(index, fields)| TableRow {
            row: index + 1,
            cells: fields.iter().take(MAX_COLUMNS).map(|field| html::to_text(field)).collect(),
        })
        .collect();
    Ok(Table {
        rows,
        errors: Vec::new(),
        hints: ColumnHints { names: notes.field_names, positional: true, ignored: Vec::new() },
        may_have_header: false,
        truncated: notes.truncated,
    })
}

/// The deck as an Anki package: one note per card (front; back with the example, forms and
/// notes), all new in Anki, since Anki schedules with its own state.
pub(super) async fn to_apkg(deck_name: &str, cards: &[Card], now: DateTime<Utc>) -> Result<Vec<u8>, RepoError> {
    let notes: Vec<AnkiNote> = cards
        .iter()
        .map(|card| {
            let c = &card.content;
            let mut back = escape(&c.back);
            if let Some(forms) = c.forms.as_ref().and_then(|f| f.as_object()).filter(|f| !f.is_empty()) {
                let list: Vec<String> = forms
                    .iter()
                    .map(|(k, v)| format!("{}: {}", escape(k), escape(v.as_str().unwrap_or(&v.to_string()))))
                    .collect();
                back.push_str(&format!("<br><small>{}</small>", list.join(", ")));
            }
            if let Some(example) = &c.example {
                back.push_str(&format!("<br><i>{}</i>", escape(example)));
                if let Some(translation) = &c.example_translation {
                    back.push_str(&format!(" — {}", escape(translation)));
                }
            }
            if let Some(notes) = &c.notes {
                back.push_str(&format!("<br>{}", escape(notes)));
            }
            AnkiNote {
                guid: card.id.simple().to_string(),
                front: escape(&c.front),
                back,
                tags: vec!["lang-agent".to_owned()],
            }
        })
        .collect();
    write_apkg(deck_name, &notes, now).await
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[tokio::test]
    async fn a_packages_cloze_notes_come_in_as_their_answers() {
        let note = |guid: &str, front: &str, back: &str| AnkiNote {
            guid: guid.to_owned(),
            front: front.to_owned(),
            back: back.to_owned(),
            tags: Vec::new(),
        };
        let notes = [
            note("a", "Der {{c1::Hund}} bellt.", "{{c2::собака::животное}}"),
            note("b", "{{c1::die <b>Katze</b>::Tier}}<br>[sound:katze.mp3]", "кошка"),
            note("c", "{{Front}} {{c1::offen", "как есть"),
        ];
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default();
        let package = write_apkg("Deutsch", &notes, now).await.unwrap();
        let table = read_package(package).await.unwrap();
        let cells: Vec<Vec<&str>> = table.rows.iter().map(|r| r.cells.iter().map(String::as_str).collect()).collect();
        assert_eq!(
            cells,
            vec![
                vec!["Der Hund bellt.", "собака"],
                vec!["die Katze", "кошка"],
                vec!["{{Front}} {{c1::offen", "как есть"]
            ]
        );
    }
}
