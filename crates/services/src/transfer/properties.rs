//! Import over arbitrary input. Rows written by any CSV writer (every separator, CRLF, a BOM,
//! quotes, line breaks and separators inside cells, any script) and notes packed into an
//! `.apkg` come back as the same cards after the documented clean-up (cells trimmed, a
//! spreadsheet's protective `'` taken off; Anki's HTML, entities and clozes as text); a bad
//! row is reported under its own line number; the row limit holds; any bytes at all are read
//! or refused with a typed error, never a panic.

use chrono::{DateTime, TimeZone, Utc};
use domain::{CardContent, DeckId, ProfileId};
use proptest::prelude::*;
use repositories::anki::{AnkiNote, write_apkg};
use uuid::Uuid;

use super::apkg::{read_package, to_apkg};
use super::csv::{read_table, to_csv};
use super::table::{ImportOptions, MAX_IMPORT_ROWS, RowError, RowErrorCode, Settled, Table};
use super::{ApkgError, DeclaredType, ImportSource, TransferError, read_body};
use crate::cards::{Card, NumberedContent};

/// A cell as people type them: any printable text, quotes and separators of every kind, line
/// breaks, a leading `=`/`+`/`-`/`@`/`'` (spreadsheet formulas), Cyrillic, emoji.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\PC]{1,30}",
        "[a-zA-Zа-яё0-9 ,;\t\"'\n\r=+@-]{1,30}",
        "[=+@'-][\\PC]{0,10}",
        " *'[=+@'-]?[a-z]{1,5} *"
    ]
    .prop_filter("a card needs a front and a back", |s| !imported(s).is_empty())
}

fn content(front: String, back: String) -> CardContent {
    CardContent { front, back, ..CardContent::default() }
}

fn new_year() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default()
}

fn card(front: String, back: String) -> Card {
    Card {
        id: Uuid::new_v4(),
        deck_id: DeckId::from_uuid(Uuid::nil()),
        profile_id: ProfileId::from_uuid(Uuid::nil()),
        content: content(front, back),
        source: "manual".to_owned(),
        created_at: new_year(),
        updated_at: new_year(),
        progress: None,
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, TestCaseError> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| TestCaseError::fail(e.to_string()))
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// What import makes of a cell: a leading `'` that protects a formula (or another `'`) from a
/// spreadsheet is taken off, then surrounding whitespace.
fn imported(cell: &str) -> String {
    let unprotected = match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['\'', '=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    };
    unprotected.trim().to_owned()
}

/// How a spreadsheet or a script might write CSV.
#[derive(Debug, Clone)]
struct Dialect {
    delimiter: u8,
    crlf: bool,
    bom: bool,
    quote_all: bool,
    header: (&'static str, &'static str),
}

fn dialect() -> impl Strategy<Value = Dialect> {
    let header = prop::sample::select(vec![("front", "back"), ("Word", "Translation"), ("Слово", "Перевод")]);
    (prop::sample::select(vec![b',', b';', b'\t']), any::<bool>(), any::<bool>(), any::<bool>(), header)
        .prop_map(|(delimiter, crlf, bom, quote_all, header)| Dialect { delimiter, crlf, bom, quote_all, header })
}

/// `rows` written in `dialect` after its header, and the line each row starts on.
fn write_csv(dialect: &Dialect, rows: &[(String, String)]) -> Result<(Vec<u8>, Vec<usize>), TestCaseError> {
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(dialect.delimiter)
        .terminator(if dialect.crlf { ::csv::Terminator::CRLF } else { ::csv::Terminator::Any(b'\n') })
        .quote_style(if dialect.quote_all { ::csv::QuoteStyle::Always } else { ::csv::QuoteStyle::Necessary })
        .from_writer(if dialect.bom { "\u{feff}".as_bytes().to_vec() } else { Vec::new() });
    writer.write_record([dialect.header.0, dialect.header.1]).map_err(fail)?;
    let mut lines = Vec::with_capacity(rows.len());
    let (mut counted, mut line) = (0, 1);
    for (front, back) in rows {
        writer.flush().map_err(fail)?;
        let written = writer.get_ref();
        line += written.get(counted..).unwrap_or_default().iter().filter(|b| **b == b'\n').count();
        counted = written.len();
        lines.push(line);
        writer.write_record([front, back]).map_err(fail)?;
    }
    Ok((writer.into_inner().map_err(fail)?, lines))
}

/// A text body imported as far as the database: read, columns settled, rows made cards.
fn import_text(body: Vec<u8>) -> Result<(Settled, Vec<NumberedContent>, Vec<RowError>), TestCaseError> {
    let (source, table) = runtime()?.block_on(read_body(body, DeclaredType::Unknown)).map_err(fail)?;
    prop_assert_eq!(source, ImportSource::Csv);
    let settled = Settled::new(table, &ImportOptions::default());
    let (contents, errors) = settled.contents();
    Ok((settled, contents, errors))
}

/// What is wrong with a row, and a row that has it.
fn bad_row() -> impl Strategy<Value = (RowErrorCode, (String, String))> {
    prop_oneof![
        Just((RowErrorCode::EmptyFront, (" ".to_owned(), "собака".to_owned()))),
        Just((RowErrorCode::EmptyBack, ("Hund".to_owned(), String::new()))),
        Just((RowErrorCode::NulCharacter, ("Hu\0nd".to_owned(), "собака".to_owned()))),
        Just((RowErrorCode::TooLong, ("ж".repeat(501), "собака".to_owned()))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn our_csv_export_reads_back_the_same_cards(rows in proptest::collection::vec((cell(), cell()), 1..30)) {
        let cards: Vec<CardContent> = rows.into_iter().map(|(f, b)| content(f, b)).collect();
        let csv = to_csv(&cards).map_err(fail)?;
        let text = String::from_utf8(csv).map_err(fail)?;
        let table = read_table(&text);
        prop_assert!(table.errors.is_empty(), "{:?}", table.errors);
        // The header row, then one row per card, front and back first; our export protects
        // formulas with a `'` that import takes off again, so only spaces around go.
        prop_assert_eq!(table.rows.len(), cards.len() + 1);
        for (row, card) in table.rows.iter().skip(1).zip(&cards) {
            prop_assert_eq!(row.cells.first().map(String::as_str), Some(card.front.trim()));
            prop_assert_eq!(row.cells.get(1).map(String::as_str), Some(card.back.trim()));
        }
    }

    #[test]
    fn csv_from_any_writer_imports_as_the_same_cards_on_their_lines(
        dialect in dialect(),
        rows in proptest::collection::vec((cell(), cell()), 1..25),
    ) {
        let (body, lines) = write_csv(&dialect, &rows)?;
        let (settled, contents, errors) = import_text(body)?;
        prop_assert!(settled.header, "the header was taken for a card");
        prop_assert!(errors.is_empty(), "{errors:?}");
        let got: Vec<(usize, &str, &str)> =
            contents.iter().map(|c| (c.row, c.content.front.as_str(), c.content.back.as_str())).collect();
        let expected: Vec<(usize, String, String)> =
            rows.iter().zip(&lines).map(|((f, b), line)| (*line, imported(f), imported(b))).collect();
        let expected: Vec<(usize, &str, &str)> = expected.iter().map(|(l, f, b)| (*l, f.as_str(), b.as_str())).collect();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn a_bad_row_is_reported_under_its_own_line_and_the_rest_imported(
        dialect in dialect(),
        rows in proptest::collection::vec((cell(), cell()), 0..15),
        (code, bad) in bad_row(),
        at in any::<prop::sample::Index>(),
    ) {
        let at = at.index(rows.len() + 1);
        let mut all = rows.clone();
        all.insert(at, bad);
        let (body, lines) = write_csv(&dialect, &all)?;
        let (_, contents, errors) = import_text(body)?;
        prop_assert_eq!(errors.iter().map(|e| (e.row, e.code)).collect::<Vec<_>>(), vec![(lines[at], code)]);
        let mut good_lines = lines.clone();
        good_lines.remove(at);
        prop_assert_eq!(contents.iter().map(|c| c.row).collect::<Vec<_>>(), good_lines);
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
    // Each case reads 5000 rows or opens a zip: slower.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn at_most_the_row_limit_is_imported_and_the_first_row_left_out_is_named(
        extra in -3_isize..4,
        dialect in dialect(),
    ) {
        let count = MAX_IMPORT_ROWS.saturating_add_signed(extra);
        let rows: Vec<(String, String)> = (0..count).map(|i| (format!("w{i}"), format!("п{i}"))).collect();
        let (body, lines) = write_csv(&dialect, &rows)?;
        let (_, contents, errors) = import_text(body)?;
        prop_assert_eq!(contents.len(), count.min(MAX_IMPORT_ROWS));
        if count > MAX_IMPORT_ROWS {
            prop_assert_eq!(errors, vec![RowError::new(lines[MAX_IMPORT_ROWS], RowErrorCode::TooManyRows)]);
        } else {
            prop_assert!(errors.is_empty(), "{errors:?}");
        }
    }
}

/// Words of any script and the characters HTML escapes.
fn word() -> impl Strategy<Value = String> {
    "[a-zA-Zа-яёÄÖÜäöüß0-9&<>\"'.,!?😀-]{1,12}"
}

/// Text as Anki's editor stores it: the characters HTML needs escaped as entities (some as
/// numeric ones), words in `<b>`/`<i>`/`<span style>` or a cloze, `&nbsp;` between words,
/// `<br>` or `<div>` between lines.
#[derive(Debug, Clone)]
struct AnkiField {
    html: String,
    /// What the learner sees, and so what must be imported.
    text: String,
}

fn anki_field() -> impl Strategy<Value = AnkiField> {
    let styled = (word(), 0_u8..7, any::<bool>()).prop_map(|(word, style, numeric)| {
        let escaped: String = if numeric {
            word.chars().map(|c| format!("&#{};", u32::from(c))).collect()
        } else {
            word.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
        };
        let html = match style {
            0 => format!("<b>{escaped}</b>"),
            1 => format!("<i>{escaped}</i>"),
            2 => format!("<span style=\"color: rgb(0, 0, 0);\">{escaped}</span>"),
            3 => format!("{{{{c1::{escaped}}}}}"),
            4 => format!("{{{{c2::{escaped}::Hinweis}}}}"),
            _ => escaped,
        };
        (html, word)
    });
    let line = (proptest::collection::vec(styled, 1..5), any::<bool>()).prop_map(|(words, nbsp)| {
        let space = if nbsp { "&nbsp;" } else { " " };
        let html = words.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>().join(space);
        let text = words.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>().join(" ");
        (html, text)
    });
    (proptest::collection::vec(line, 1..4), any::<bool>()).prop_map(|(lines, divs)| {
        let html = if divs {
            lines.iter().map(|(h, _)| format!("<div>{h}</div>")).collect::<String>()
        } else {
            lines.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>().join("<br>")
        };
        let text = lines.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n");
        AnkiField { html, text }
    })
}

async fn pack_notes(fields: &[(AnkiField, AnkiField)]) -> Result<Vec<u8>, TestCaseError> {
    let notes: Vec<AnkiNote> = fields
        .iter()
        .enumerate()
        .map(|(i, (front, back))| AnkiNote {
            guid: format!("g{i}"),
            front: front.html.clone(),
            back: back.html.clone(),
            tags: Vec::new(),
        })
        .collect();
    write_apkg("Deck", &notes, new_year()).await.map_err(fail)
}

fn cells(table: &Table) -> Vec<Vec<String>> {
    table.rows.iter().map(|r| r.cells.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn anki_notes_import_as_the_text_anki_shows(fields in proptest::collection::vec((anki_field(), anki_field()), 1..6)) {
        let table = runtime()?.block_on(async {
            let package = pack_notes(&fields).await?;
            read_package(package).await.map_err(fail)
        })?;
        let expected: Vec<Vec<String>> = fields.iter().map(|(f, b)| vec![f.text.clone(), b.text.clone()]).collect();
        prop_assert_eq!(cells(&table), expected);
        prop_assert_eq!(table.rows.iter().map(|r| r.row).collect::<Vec<_>>(), (1..=fields.len()).collect::<Vec<_>>());
    }

    #[test]
    fn our_apkg_export_reads_back_the_same_cards(
        rows in proptest::collection::vec((proptest::collection::vec(word(), 1..6), proptest::collection::vec(word(), 1..6)), 1..8)
    ) {
        let rows: Vec<(String, String)> = rows.into_iter().map(|(f, b)| (f.join(" "), b.join(" "))).collect();
        let cards: Vec<Card> = rows.iter().map(|(f, b)| card(f.clone(), b.clone())).collect();
        let table = runtime()?.block_on(async {
            let package = to_apkg("Deck", &cards, new_year()).await.map_err(fail)?;
            read_package(package).await.map_err(fail)
        })?;
        let expected: Vec<Vec<String>> = rows.iter().map(|(f, b)| vec![f.clone(), b.clone()]).collect();
        prop_assert_eq!(cells(&table), expected);
    }

    #[test]
    fn a_damaged_apkg_is_refused_with_a_typed_error_or_read_intact(
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let runtime = runtime()?;
        let cards = vec![card("Hund".to_owned(), "собака".to_owned()), card("Katze".to_owned(), "кошка".to_owned())];
        let package = runtime.block_on(to_apkg("Deck", &cards, new_year())).map_err(fail)?;
        // Truncated somewhere (but still a zip by its first bytes), then a few bytes overwritten.
        let mut damaged = package[..4 + cut.index(package.len() - 4)].to_vec();
        if damaged.len() > 4 {
            for (at, byte) in flips {
                let i = 4 + at.index(damaged.len() - 4);
                damaged[i] = byte;
            }
        }
        match runtime.block_on(read_body(damaged, DeclaredType::Unknown)) {
            // Damage outside what is read (a header field, the central directory's padding):
            // the collection is checked by its CRC, so whatever is read is what was packed.
            Ok((source, table)) => {
                prop_assert_eq!(source, ImportSource::Apkg);
                prop_assert_eq!(cells(&table), vec![vec!["Hund".to_owned(), "собака".to_owned()], vec!["Katze".to_owned(), "кошка".to_owned()]]);
            }
            // Refused as the file's fault. `Storage` is ours (a temporary file), and is also
            // what a panic in the unpacking thread would come back as.
            Err(TransferError::Package(ApkgError::NotZip | ApkgError::NoCollection | ApkgError::Corrupt(_) | ApkgError::TooLarge { .. })) => {}
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any body, whatever it declares itself to be: read, or refused with a typed error.
    #[test]
    fn any_bytes_are_read_or_refused_never_a_panic(
        prefix in prop::sample::select(vec![&b""[..], b"\xef\xbb\xbf", b"PK\x03\x04", b"PK\x05\x06", b"#separator:tab\n"]),
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        declared in prop::sample::select(vec![DeclaredType::Text, DeclaredType::Package, DeclaredType::Unknown]),
    ) {
        let body = [prefix, &bytes[..]].concat();
        let text = std::str::from_utf8(&body).is_ok();
        let zip = prefix.starts_with(b"PK");
        match runtime()?.block_on(read_body(body, declared)) {
            Ok((ImportSource::Csv, table)) => {
                prop_assert!(text && !zip && declared != DeclaredType::Package);
                let _ = Settled::new(table, &ImportOptions::default()).contents();
            }
            Ok((ImportSource::Apkg, _)) => prop_assert!(false, "random bytes read as a package"),
            Err(TransferError::NotText) => prop_assert!(!text && !zip && declared != DeclaredType::Package),
            Err(TransferError::Package(ApkgError::NotZip)) => prop_assert!(zip || declared == DeclaredType::Package),
            Err(TransferError::Package(ApkgError::NoCollection | ApkgError::Corrupt(_))) => prop_assert!(zip),
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}
