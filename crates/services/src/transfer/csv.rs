//! Cards as CSV/TSV: parsing with a per-row report, and writing (cells that a spreadsheet
//! would run as a formula are neutralised, and read back as they were).

use csv::{ReaderBuilder, WriterBuilder};
use domain::CardContent;
use serde::Serialize;

use crate::cards::NumberedContent;

/// Columns in the order of a file without a header row, and the names a header may use.
const COLUMNS: [&str; 10] = [
    "front",
    "back",
    "lemma",
    "part_of_speech",
    "gender",
    "transcription",
    "example",
    "example_translation",
    "notes",
    "forms",
];
pub const MAX_IMPORT_ROWS: usize = 5000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line number in the file, as a spreadsheet shows it.
    pub row: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub rows: Vec<NumberedContent>,
    pub errors: Vec<RowError>,
}

/// The delimiter a file most likely uses, judged on its first lines with quotes respected:
/// tab, then semicolon (Excel in Russian locales writes those, with commas inside
/// translations), then comma.
fn sniff_delimiter(text: &str) -> u8 {
    let sample: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
    let columns = |delimiter: u8| -> Vec<usize> {
        ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample.as_bytes())
            .records()
            .map_while(Result::ok)
            .map(|r| r.len())
            .collect()
    };
    // The delimiter that splits the most sample rows into two or more columns wins; ties go
    // to the earlier one in this order.
    let mut best = (0, b',');
    for delimiter in [b'\t', b';', b','] {
        let score = columns(delimiter).iter().filter(|&&c| c >= 2).count();
        if score > best.0 {
            best = (score, delimiter);
        }
    }
    best.1
}

/// Parses CSV or TSV. A first row naming `front` and `back` is a header (any column order,
/// unknown columns ignored); otherwise columns are taken in the order of [`COLUMNS`].
pub fn parse(text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut parsed = Parsed::default();
    let mut mapping: Vec<Option<usize>> = (0..COLUMNS.len()).map(Some).collect();
    for (index, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map_or(index + 1, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                parsed.errors.push(RowError { row, message: format!("unreadable row: {e}") });
                continue;
            }
        };
        // The line the record starts on, as an editor shows it (blank lines and quoted
        // newlines included).
        let row = record.position().map_or(index + 1, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
        if index == 0 && is_header(&record) {
            mapping =
                record.iter().map(|name| COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name.trim()))).collect();
            continue;
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if parsed.rows.len() + parsed.errors.len() >= MAX_IMPORT_ROWS {
            parsed
                .errors
                .push(RowError { row, message: format!("more than {MAX_IMPORT_ROWS} rows; the rest was not read") });
            break;
        }
        match to_content(&record, &mapping) {
            Ok(content) => parsed.rows.push(NumberedContent { row, content }),
            Err(message) => parsed.errors.push(RowError { row, message }),
        }
    }
    parsed
}

fn is_header(record: &csv::StringRecord) -> bool {
    let has = |name: &str| record.iter().any(|f| f.trim().eq_ignore_ascii_case(name));
    has("front") && has("back")
}

fn to_content(record: &csv::StringRecord, mapping: &[Option<usize>]) -> Result<CardContent, String> {
    let mut fields: [Option<String>; COLUMNS.len()] = Default::default();
    for (position, value) in record.iter().enumerate() {
        if let Some(Some(column)) = mapping.get(position)
            && let Some(slot) = fields.get_mut(*column)
        {
            let value = restore(value).trim();
            *slot = (!value.is_empty()).then(|| value.to_owned());
        }
    }
    let [front, back, lemma, part_of_speech, gender, transcription, example, example_translation, notes, forms] =
        fields;
    if record.iter().any(|field| field.contains('\0')) {
        return Err("a cell contains the NUL character".to_owned());
    }
    let front = front.ok_or("the front (word) is empty")?;
    let back = back.ok_or("the back (translation) is empty")?;
    if front.chars().count() > 500 || back.chars().count() > 1000 {
        return Err("the front is over 500 or the back over 1000 characters".to_owned());
    }
    let forms = match forms {
        None => None,
        Some(text) => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value @ serde_json::Value::Object(_)) => Some(value),
            _ => {
                return Err("forms must be a JSON object such as {\"plural\": \"Hunde\"}".to_owned());
            }
        },
    };
    Ok(CardContent {
        front,
        back,
        lemma,
        part_of_speech,
        gender,
        forms,
        transcription,
        example,
        example_translation,
        notes,
    })
}

/// Cards as CSV with a header row, in [`COLUMNS`] order, readable by [`parse`].
pub fn to_csv<'a>(cards: impl IntoIterator<Item = &'a CardContent>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = WriterBuilder::new().from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for c in cards {
        let forms = c.forms.as_ref().map(|f| f.to_string()).unwrap_or_default();
        let opt = |v: &Option<String>| v.as_deref().unwrap_or_default().to_owned();
        let cells = [
            c.front.clone(),
            c.back.clone(),
            opt(&c.lemma),
            opt(&c.part_of_speech),
            opt(&c.gender),
            opt(&c.transcription),
            opt(&c.example),
            opt(&c.example_translation),
            opt(&c.notes),
            forms,
        ];
        writer.write_record(cells.iter().map(|cell| neutralise(cell).into_owned()))?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP
/// "CSV injection").
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet would run as a formula gets a leading `'`, which spreadsheets show as
/// text and [`restore`] takes off again on import. A cell that starts with `'` itself gets one
/// too, so that its own quote survives the round trip.
fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if first == '\'' || FORMULA_STARTS.contains(&first) => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Undoes [`neutralise`]: our own export reads back exactly.
fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with('\'') || rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headerless_tsv_with_bad_rows_is_reported_per_row() {
        let parsed = parse("Hund\tсобака\nKatze\t\n\t\nHaus\tдом\tHaus\n");
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[1].content.lemma.as_deref(), Some("Haus"));
        assert_eq!(parsed.errors, vec![RowError { row: 2, message: "the back (translation) is empty".into() }]);
    }

    #[test]
    fn semicolon_files_with_commas_inside_and_line_numbers_with_blank_and_multiline_rows() {
        let parsed = parse("Hund;собака, пёс, псина\nKatze;кошка\n");
        assert_eq!(parsed.rows.len(), 2, "{:?}", parsed.errors);
        assert_eq!(parsed.rows[0].content.back, "собака, пёс, псина");

        let parsed = parse("front,back\n\n\"Tisch\",\"стол\nмебель\"\nStuhl,\n");
        assert_eq!(parsed.rows[0].content.back, "стол\nмебель");
        assert_eq!(parsed.errors, vec![RowError { row: 5, message: "the back (translation) is empty".into() }]);
    }

    #[test]
    fn a_header_maps_columns_in_any_order_and_semicolons_are_understood() {
        let parsed = parse("\u{feff}back;notes;front;unknown\nсобака;pet;Hund;x\n");
        assert_eq!(parsed.rows.len(), 1);
        let c = &parsed.rows[0].content;
        assert_eq!((c.front.as_str(), c.back.as_str(), c.notes.as_deref()), ("Hund", "собака", Some("pet")));
    }

    #[test]
    fn quoted_fields_and_forms_round_trip_through_export() {
        let parsed =
            parse("front,back,forms\n\"Hund, der\",\"собака \"\"Рекс\"\"\",\"{\"\"plural\"\": \"\"Hunde\"\"}\"\n");
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let content = parsed.rows[0].content.clone();
        assert_eq!(content.front, "Hund, der");
        assert_eq!(content.back, "собака \"Рекс\"");
        let csv = String::from_utf8(to_csv([&content]).unwrap()).unwrap();
        assert_eq!(parse(&csv).rows[0].content, content);
        assert!(parse("front,back,forms\nHund,собака,[1]\n").errors[0].message.contains("JSON object"));
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised_and_read_back_as_they_were() {
        let content = CardContent {
            front: "=HYPERLINK(\"http://evil.example\",\"x\")".into(),
            back: "+7 дней".into(),
            lemma: Some("-ing".into()),
            example: Some("@SUM(A1)".into()),
            notes: Some("'quoted' stays".into()),
            transcription: Some("'-chen' = suffix".into()),
            example_translation: Some("''".into()),
            ..CardContent::default()
        };
        let csv = String::from_utf8(to_csv([&content]).unwrap()).unwrap();
        let data_line = csv.lines().nth(1).unwrap();
        for cell in data_line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell} would run as a formula in {data_line}");
        }
        assert!(data_line.starts_with("\"'=HYPERLINK"), "{data_line}");
        let parsed = parse(&csv);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.rows[0].content, content);
    }
}
