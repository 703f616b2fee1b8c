//! An imported file as rows of cells, whatever it was (CSV, TSV, an Anki package), and how
//! its columns become cards: the header taken off, the roles settled, each row checked with a
//! stable code for what is wrong with it.

use std::collections::HashMap;

use domain::CardContent;

use super::columns::{self, ColumnHints, ColumnRole, Columns, MAX_COLUMNS};
use crate::cards::NumberedContent;

/// Rows of one file at most; the rest is reported (`TOO_MANY_ROWS`) and not read.
pub const MAX_IMPORT_ROWS: usize = 5000;
/// Rows of cells returned for the column picker.
pub const SAMPLE_ROWS: usize = 5;
/// Characters of a sample cell returned.
const SAMPLE_CHARS: usize = 100;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub rows: Vec<TableRow>,
    /// Rows that could not be read at all.
    pub errors: Vec<RowError>,
    pub hints: ColumnHints,
    /// The first row may be a header (plain CSV/TSV; Anki's files say what they hold).
    pub may_have_header: bool,
    /// More rows than were read (a package says so; a text file's extra row is in `rows`).
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// 1-based: the line in a text file, the note's position in a package.
    pub row: usize,
    pub cells: Vec<String>,
}

/// What is wrong with a row, as a stable code the client translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowErrorCode {
    EmptyFront,
    EmptyBack,
    TooLong,
    NulCharacter,
    BadForms,
    UnreadableRow,
    TooManyRows,
}

impl RowErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmptyFront => "EMPTY_FRONT",
            Self::EmptyBack => "EMPTY_BACK",
            Self::TooLong => "TOO_LONG",
            Self::NulCharacter => "NUL_CHARACTER",
            Self::BadForms => "BAD_FORMS",
            Self::UnreadableRow => "UNREADABLE_ROW",
            Self::TooManyRows => "TOO_MANY_ROWS",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub code: RowErrorCode,
    /// For `TOO_LONG`: the field and its maximum length in characters.
    pub field: Option<&'static str>,
    pub max: Option<usize>,
}

impl RowError {
    pub fn new(row: usize, code: RowErrorCode) -> Self {
        Self { row, code, field: None, max: None }
    }

    /// The same in English, for API clients that show it as it is.
    pub fn message(&self) -> String {
        match self.code {
            RowErrorCode::EmptyFront => "the front (word) is empty".to_owned(),
            RowErrorCode::EmptyBack => "the back (translation) is empty".to_owned(),
            RowErrorCode::TooLong => format!(
                "{} is longer than {} characters",
                self.field.unwrap_or("a field"),
                self.max.unwrap_or_default()
            ),
            RowErrorCode::NulCharacter => "a cell contains the NUL character".to_owned(),
            RowErrorCode::BadForms => "forms must be a JSON object such as {\"plural\": \"Hunde\"}".to_owned(),
            RowErrorCode::UnreadableRow => "the row could not be read (unbalanced quotes?)".to_owned(),
            RowErrorCode::TooManyRows => format!("more than {MAX_IMPORT_ROWS} rows; the rest was not read"),
        }
    }
}

/// How the learner wants the file read (from the column picker).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// One role per column from the left.
    pub mapping: Option<Vec<ColumnRole>>,
    /// Whether the first row is a header; detected when `None`. Packages have none.
    pub header: Option<bool>,
}

/// A file's rows with their columns settled.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    /// The first row was taken as the header.
    pub header: bool,
    /// Column names (header, Anki's `#columns:`, the note type's fields).
    pub names: Option<Vec<String>>,
    pub columns: Columns,
    pub rows: Vec<TableRow>,
    pub errors: Vec<RowError>,
}

impl Settled {
    pub fn new(table: Table, options: &ImportOptions) -> Self {
        let Table { mut rows, mut errors, mut hints, may_have_header, truncated } = table;
        let mut header = false;
        if may_have_header && hints.names.is_none() {
            header =
                options.header.unwrap_or_else(|| rows.first().is_some_and(|r| columns::looks_like_header(&r.cells)));
            if header && !rows.is_empty() {
                hints.names = Some(rows.remove(0).cells);
            }
        }
        if rows.len() > MAX_IMPORT_ROWS {
            let first_left_out = rows.get(MAX_IMPORT_ROWS).map_or(MAX_IMPORT_ROWS + 1, |r| r.row);
            rows.truncate(MAX_IMPORT_ROWS);
            errors.retain(|e| e.row < first_left_out);
            errors.push(RowError::new(first_left_out, RowErrorCode::TooManyRows));
        } else if truncated {
            let next = rows.last().map_or(1, |r| r.row + 1);
            errors.push(RowError::new(next, RowErrorCode::TooManyRows));
        }
        let count = rows
            .iter()
            .map(|r| r.cells.len())
            .chain(hints.names.as_ref().map(Vec::len))
            .max()
            .unwrap_or(0)
            .min(MAX_COLUMNS);
        let columns = match &options.mapping {
            Some(mapping) => {
                let mut roles: Vec<ColumnRole> = mapping.iter().copied().take(count).collect();
                roles.resize(count, ColumnRole::Ignore);
                Columns { roles, needs_mapping: false }
            }
            None => columns::detect(&hints, count),
        };
        Self { header, names: hints.names, columns, rows, errors }
    }

    /// The first rows as they are in the file, cut short, for the column picker.
    pub fn sample(&self) -> Vec<TableRow> {
        self.rows
            .iter()
            .take(SAMPLE_ROWS)
            .map(|r| TableRow {
                row: r.row,
                cells: r.cells.iter().map(|c| c.chars().take(SAMPLE_CHARS).collect()).collect(),
            })
            .collect()
    }

    /// Every row as a card, or what is wrong with it (unreadable rows included), by row.
    pub fn contents(&self) -> (Vec<NumberedContent>, Vec<RowError>) {
        let mut contents = Vec::with_capacity(self.rows.len());
        let mut errors = self.errors.clone();
        for row in &self.rows {
            match to_content(row, &self.columns.roles) {
                Ok(content) => contents.push(NumberedContent { row: row.row, content }),
                Err(e) => errors.push(e),
            }
        }
        errors.sort_by_key(|e| e.row);
        (contents, errors)
    }
}

/// The longest value of each field, in characters: what the card routes accept.
const MAX_CHARS: [(ColumnRole, usize); 9] = [
    (ColumnRole::Front, 500),
    (ColumnRole::Back, 1000),
    (ColumnRole::Lemma, 200),
    (ColumnRole::PartOfSpeech, 50),
    (ColumnRole::Gender, 50),
    (ColumnRole::Transcription, 200),
    (ColumnRole::Example, 1000),
    (ColumnRole::ExampleTranslation, 1000),
    (ColumnRole::Notes, 2000),
];

fn to_content(row: &TableRow, roles: &[ColumnRole]) -> Result<CardContent, RowError> {
    let mut fields: HashMap<ColumnRole, String> = HashMap::new();
    for (cell, role) in row.cells.iter().zip(roles).filter(|(_, role)| **role != ColumnRole::Ignore) {
        if cell.contains('\0') {
            return Err(RowError::new(row.row, RowErrorCode::NulCharacter));
        }
        let value = cell.trim();
        if !value.is_empty() {
            fields.insert(*role, value.to_owned());
        }
    }
    if !fields.contains_key(&ColumnRole::Front) {
        return Err(RowError::new(row.row, RowErrorCode::EmptyFront));
    }
    if !fields.contains_key(&ColumnRole::Back) {
        return Err(RowError::new(row.row, RowErrorCode::EmptyBack));
    }
    for (role, max) in MAX_CHARS {
        if fields.get(&role).is_some_and(|v| v.chars().count() > max) {
            return Err(RowError {
                row: row.row,
                code: RowErrorCode::TooLong,
                field: Some(role.as_str()),
                max: Some(max),
            });
        }
    }
    let forms = match fields.remove(&ColumnRole::Forms) {
        None => None,
        Some(text) => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value @ serde_json::Value::Object(_)) => Some(value),
            _ => return Err(RowError::new(row.row, RowErrorCode::BadForms)),
        },
    };
    let mut take = |role| fields.remove(&role);
    Ok(CardContent {
        front: take(ColumnRole::Front).unwrap_or_default(),
        back: take(ColumnRole::Back).unwrap_or_default(),
        lemma: take(ColumnRole::Lemma),
        part_of_speech: take(ColumnRole::PartOfSpeech),
        gender: take(ColumnRole::Gender),
        forms,
        transcription: take(ColumnRole::Transcription),
        example: take(ColumnRole::Example),
        example_translation: take(ColumnRole::ExampleTranslation),
        notes: take(ColumnRole::Notes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::csv::read_table;

    fn settle(text: &str, options: &ImportOptions) -> Settled {
        Settled::new(read_table(text), options)
    }

    #[test]
    fn a_header_row_is_never_a_card_and_names_its_columns() {
        for text in [
            "word,translation,example\nHund,собака,Der Hund schläft.\n",
            "Слово;Перевод;Пример\nHund;собака;Der Hund schläft.\n",
        ] {
            let settled = settle(text, &ImportOptions::default());
            assert!(settled.header);
            assert!(!settled.columns.needs_mapping);
            let (contents, errors) = settled.contents();
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(contents.len(), 1);
            let c = &contents[0].content;
            assert_eq!(
                (c.front.as_str(), c.back.as_str(), c.example.as_deref()),
                ("Hund", "собака", Some("Der Hund schläft."))
            );
            assert_eq!(c.lemma, None);
        }
    }

    #[test]
    fn bad_rows_get_codes() {
        let text =
            "front\tback\tforms\tnotes\nHund\t\t\t\n\tкот\t\t\nHaus\tдом\t[1]\t\nBaum\tдерево\t\tx\0y\nLang\tдлинно\t\t"
                .to_owned()
                + &"z".repeat(2001) + "\n";
        let (contents, errors) = settle(&text, &ImportOptions::default()).contents();
        assert!(contents.is_empty());
        let codes: Vec<(usize, RowErrorCode)> = errors.iter().map(|e| (e.row, e.code)).collect();
        assert_eq!(
            codes,
            vec![
                (2, RowErrorCode::EmptyBack),
                (3, RowErrorCode::EmptyFront),
                (4, RowErrorCode::BadForms),
                (5, RowErrorCode::NulCharacter),
                (6, RowErrorCode::TooLong)
            ]
        );
        assert_eq!((errors[4].field, errors[4].max), (Some("notes"), Some(2000)));
    }

    #[test]
    fn unclear_columns_take_the_learners_mapping_and_header_choice() {
        let text = "Wort,Wortart,Bedeutung\nHund,n,собака\n";
        let settled = settle(text, &ImportOptions::default());
        assert!(!settled.header);
        assert!(settled.columns.needs_mapping);
        assert_eq!(settled.sample().len(), 2);

        let options = ImportOptions {
            mapping: Some(vec![ColumnRole::Front, ColumnRole::PartOfSpeech, ColumnRole::Back]),
            header: Some(true),
            ..ImportOptions::default()
        };
        let settled = settle(text, &options);
        assert!(settled.header && !settled.columns.needs_mapping);
        let (contents, errors) = settled.contents();
        assert!(errors.is_empty());
        assert_eq!(contents[0].row, 2);
        let c = &contents[0].content;
        assert_eq!((c.front.as_str(), c.back.as_str(), c.part_of_speech.as_deref()), ("Hund", "собака", Some("n")));
    }

    #[test]
    fn rows_past_the_limit_are_one_error() {
        let text: String = (0..MAX_IMPORT_ROWS + 10).map(|i| format!("w{i}\tп{i}\n")).collect();
        let (contents, errors) = settle(&text, &ImportOptions::default()).contents();
        assert_eq!(contents.len(), MAX_IMPORT_ROWS);
        assert_eq!(errors, vec![RowError::new(MAX_IMPORT_ROWS + 1, RowErrorCode::TooManyRows)]);
    }
}
