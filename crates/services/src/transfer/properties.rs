//! Import over arbitrary input: cards written by our CSV export or our `.apkg` export come back
//! as they were (less surrounding spaces, which import trims); any text or bytes at all are
//! read or refused with a typed error, never a panic, and never past the row limit.

use chrono::TimeZone;
use domain::{CardContent, DeckId, ProfileId};
use proptest::prelude::*;
use uuid::Uuid;

use super::apkg::{read_package, to_apkg};
use super::csv::{read_table, to_csv};
use super::table::MAX_IMPORT_ROWS;
use crate::cards::Card;

/// A cell as people type them: any printable text, quotes and separators of every kind, line
/// breaks, a leading `=`/`+`/`-`/`@`/`'` (spreadsheet formulas), Cyrillic, emoji.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof!["[\\PC]{1,30}", "[a-zA-Zа-яё0-9 ,;\t\"'\n\r=+@-]{1,30}", "[=+@'-][\\PC]{0,10}",]
        .prop_filter("a card needs a front", |s| !s.trim().is_empty())
}

fn content(front: String, back: String) -> CardContent {
    CardContent { front, back, ..CardContent::default() }
}

/// Words of any script and the characters HTML escapes, single spaces between them: text the
/// `.apkg` round trip (HTML inside) keeps exactly.
fn field() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-zA-Zа-яёÄÖÜäöüß0-9&<>\"'.,!?😀-]{1,12}", 1..6).prop_map(|words| words.join(" "))
}

fn card(front: String, back: String) -> Card {
    let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default();
    Card {
        id: Uuid::new_v4(),
        deck_id: DeckId::from_uuid(Uuid::nil()),
        profile_id: ProfileId::from_uuid(Uuid::nil()),
        content: content(front, back),
        source: "manual".to_owned(),
        created_at: now,
        updated_at: now,
        progress: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn our_csv_export_reads_back_the_same_cards(rows in proptest::collection::vec((cell(), cell()), 1..30)) {
        let cards: Vec<CardContent> = rows.into_iter().map(|(f, b)| content(f, b)).collect();
        let csv = to_csv(&cards).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let text = String::from_utf8(csv).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let table = read_table(&text);
        prop_assert!(table.errors.is_empty(), "{:?}", table.errors);
        // The header row, then one row per card, front and back first.
        prop_assert_eq!(table.rows.len(), cards.len() + 1);
        for (row, card) in table.rows.iter().skip(1).zip(&cards) {
            prop_assert_eq!(row.cells.first().map(String::as_str), Some(card.front.trim()));
            prop_assert_eq!(row.cells.get(1).map(String::as_str), Some(card.back.trim()));
        }
    }

    #[test]
    fn any_text_is_read_as_rows_or_errors_within_the_limit(text in "\\PC{0,2000}") {
        let table = read_table(&text);
        prop_assert!(table.rows.len() + table.errors.len() <= MAX_IMPORT_ROWS + 2);
        for row in &table.rows {
            prop_assert!(row.row >= 1);
            prop_assert!(row.cells.iter().any(|c| !c.trim().is_empty()), "a blank row was kept");
        }
    }
}

proptest! {
    // Each case writes and reads a SQLite collection inside a zip: slower.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn our_apkg_export_reads_back_the_same_cards(rows in proptest::collection::vec((field(), field()), 1..8)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let cards: Vec<Card> = rows.iter().map(|(f, b)| card(f.clone(), b.clone())).collect();
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default();
        let table = runtime.block_on(async {
            let package = to_apkg("Deck", &cards, now).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
            read_package(package).await.map_err(|e| TestCaseError::fail(e.to_string()))
        })?;
        prop_assert_eq!(table.rows.len(), rows.len());
        for (row, (front, back)) in table.rows.iter().zip(&rows) {
            prop_assert_eq!(row.cells.first(), Some(front));
            prop_assert_eq!(row.cells.get(1), Some(back));
        }
    }

    #[test]
    fn a_damaged_apkg_is_refused_with_an_error_never_a_panic(cut in any::<prop::sample::Index>(), flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default();
        let cards = vec![card("Hund".to_owned(), "собака".to_owned()), card("Katze".to_owned(), "кошка".to_owned())];
        let package = runtime.block_on(to_apkg("Deck", &cards, now)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Truncated somewhere, then a few bytes overwritten.
        let mut damaged = package[..cut.index(package.len())].to_vec();
        for (at, byte) in flips {
            if !damaged.is_empty() {
                let i = at.index(damaged.len());
                damaged[i] = byte;
            }
        }
        // Read or refused, both fine; a panic or a hang is not.
        let _ = runtime.block_on(read_package(damaged));
    }
}
