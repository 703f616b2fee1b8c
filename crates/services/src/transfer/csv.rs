//! Cards as CSV/TSV: reading a file into rows of cells (the delimiter sniffed, or named by
//! Anki's `#separator:` line; Anki's other `#key:value` lines understood), and writing (cells
//! that a spreadsheet would run as a formula are neutralised, and read back as they were).

use csv::{ReaderBuilder, WriterBuilder};
use domain::CardContent;

use super::columns::{ColumnHints, MAX_COLUMNS};
use super::html;
use super::table::{MAX_IMPORT_ROWS, RowError, RowErrorCode, Table, TableRow};

/// Columns of our own export, in order; its header names them, and [`super::columns`] knows
/// each name.
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

/// The delimiter a file most likely uses, judged on its first records with quotes respected:
/// the one whose records have the same number of columns as the first (two or more) most
/// often, then the one that splits most records at all; ties go to tab, then semicolon (Excel in
/// Russian locales writes those, with commas inside translations), then comma. Records, not
/// lines: a quoted cell may hold line breaks, and a line-based sample would cut it open and
/// read the separators inside it as columns (our own export of a card with ";" on two lines
/// read back as semicolon-separated; found by a property test).
fn sniff_delimiter(text: &str) -> u8 {
    const SAMPLE_RECORDS: usize = 5;
    let score = |delimiter: u8| -> (usize, usize) {
        let widths: Vec<usize> = ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .take(SAMPLE_RECORDS)
            .map_while(Result::ok)
            .map(|r| r.len())
            .collect();
        let first = widths.first().copied().unwrap_or(0);
        let consistent = if first >= 2 { widths.iter().filter(|&&w| w == first).count() } else { 0 };
        (consistent, widths.iter().filter(|&&w| w >= 2).count())
    };
    let mut best = ((0, 0), b',');
    for delimiter in [b'\t', b';', b','] {
        let candidate = score(delimiter);
        if candidate > best.0 {
            best = (candidate, delimiter);
        }
    }
    best.1
}

/// What Anki's "Notes in Plain Text" export says about itself in its first lines
/// (`#separator:tab`, `#html:true`, `#columns:…`, `#tags column:3`, …).
#[derive(Debug, Default)]
struct AnkiHeader {
    /// Lines taken by the header, for row numbers.
    lines: usize,
    separator: Option<u8>,
    html: bool,
    columns: Option<String>,
    /// 1-based columns of tags, deck, note type and guid.
    meta_columns: Vec<usize>,
}

fn anki_header(text: &str) -> AnkiHeader {
    let mut header = AnkiHeader::default();
    for line in text.lines() {
        let Some((key, value)) = line.strip_prefix('#').and_then(|l| l.split_once(':')) else { break };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
            break;
        }
        let value = value.trim_end_matches(['\r', '\n']);
        match key.as_str() {
            "separator" => {
                header.separator = match value.trim().to_ascii_lowercase().as_str() {
                    "tab" => Some(b'\t'),
                    "comma" => Some(b','),
                    "semicolon" => Some(b';'),
                    "pipe" => Some(b'|'),
                    "colon" => Some(b':'),
                    "space" => Some(b' '),
                    other => other.bytes().next().filter(|_| other.len() == 1),
                }
            }
            "html" => header.html = value.trim().eq_ignore_ascii_case("true"),
            "columns" => header.columns = Some(value.to_owned()),
            "tags column" | "deck column" | "notetype column" | "guid column" => {
                if let Ok(column) = value.trim().parse::<usize>() {
                    header.meta_columns.push(column);
                }
            }
            _ => {}
        }
        header.lines += 1;
    }
    header
}

/// Reads CSV or TSV into rows of cells (blank rows skipped; at most one header row plus
/// [`MAX_IMPORT_ROWS`] rows and one more, which tells that the file is longer).
pub fn read_table(text: &str) -> Table {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let anki = anki_header(text);
    let body: String = text.split_inclusive('\n').skip(anki.lines).collect();
    let delimiter = anki.separator.unwrap_or_else(|| sniff_delimiter(&body));
    let mut reader =
        ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(body.as_bytes());
    let mut table = Table { may_have_header: anki.lines == 0, ..Table::default() };
    if anki.lines > 0 {
        table.hints = ColumnHints {
            names: anki.columns.as_ref().map(|c| c.split(delimiter as char).map(|n| n.trim().to_owned()).collect()),
            positional: true,
            ignored: anki.meta_columns.iter().filter_map(|c| c.checked_sub(1)).collect(),
        };
    }
    // The line a record starts on, as an editor shows it (blank lines, quoted newlines and
    // Anki's header lines included). The reader's own line is that of the blank lines it
    // skipped before the record, so lines are counted from its byte offset instead.
    let mut lines = LineCounter { text: body.as_bytes(), offset: 0, line: 1 };
    let mut line_of = |position: Option<&csv::Position>, index: usize| {
        position
            .and_then(|p| usize::try_from(p.byte()).ok())
            .map_or(index + 1, |byte| lines.line_at(byte))
            .saturating_add(anki.lines)
    };
    for (index, record) in reader.records().enumerate() {
        if table.rows.len() + table.errors.len() > MAX_IMPORT_ROWS + 1 {
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let row = line_of(e.position(), index);
                table.errors.push(RowError::new(row, RowErrorCode::UnreadableRow));
                continue;
            }
        };
        let row = line_of(record.position(), index);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cells = record
            .iter()
            .take(MAX_COLUMNS)
            .map(|cell| {
                let cell = restore(cell);
                if anki.html {
                    html::to_text(cell)
                } else if anki.lines > 0 {
                    // Anki's export without HTML still carries its cloze markup.
                    html::uncloze(cell).trim().to_owned()
                } else {
                    cell.trim().to_owned()
                }
            })
            .collect();
        table.rows.push(TableRow { row, cells });
    }
    table
}

/// Line numbers of byte offsets, for offsets that only grow.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    /// The line of the first character at or after `byte` that is not a line break.
    fn line_at(&mut self, byte: usize) -> usize {
        let mut start = byte.max(self.offset);
        while matches!(self.text.get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        let passed = self.text.get(self.offset..start).unwrap_or_default();
        self.line += passed.iter().filter(|b| **b == b'\n').count();
        self.offset = start;
        self.line
    }
}

/// Cards as CSV with a header row, in [`COLUMNS`] order, readable by [`read_table`].
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

    /// Found by the property test: a quoted cell holding a line break and semicolons made the
    /// line-based sniffer pick ';' for our own comma-separated export.
    #[test]
    fn our_export_with_separators_inside_quoted_lines_reads_back() {
        let card = CardContent { front: "!".into(), back: ";\n;".into(), ..CardContent::default() };
        let text = String::from_utf8(to_csv([&card]).unwrap()).unwrap();
        let table = read_table(&text);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].cells[..2], ["!".to_owned(), ";\n;".to_owned()]);
    }

    fn cells(table: &Table) -> Vec<Vec<&str>> {
        table.rows.iter().map(|r| r.cells.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn semicolon_files_with_commas_inside_and_line_numbers_with_blank_and_multiline_rows() {
        let table = read_table("Hund;собака, пёс, псина\nKatze;кошка\n");
        assert_eq!(cells(&table), vec![vec!["Hund", "собака, пёс, псина"], vec!["Katze", "кошка"]]);

        let table = read_table("\u{feff}front,back\n\n\"Tisch\",\"стол\nмебель\"\nStuhl,\n");
        assert_eq!(cells(&table)[1], vec!["Tisch", "стол\nмебель"]);
        assert_eq!(table.rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![1, 3, 5]);
        assert!(table.may_have_header);
    }

    #[test]
    fn ankis_plain_text_export_says_how_to_read_it() {
        let text = "#separator:tab\n#html:true\n#tags column:3\nder <b>Hund</b>\tсобака<br>пёс\tanimals\n";
        let table = read_table(text);
        assert_eq!(cells(&table), vec![vec!["der Hund", "собака\nпёс", "animals"]]);
        assert_eq!(table.rows[0].row, 4);
        assert!(!table.may_have_header);
        assert_eq!(table.hints, ColumnHints { names: None, positional: true, ignored: vec![2] });

        let table = read_table("#separator:Semicolon\n#columns:Front;Back\nHund;собака\n");
        assert_eq!(cells(&table), vec![vec!["Hund", "собака"]]);
        assert_eq!(table.hints.names, Some(vec!["Front".to_owned(), "Back".to_owned()]));
    }

    #[test]
    fn clozes_in_ankis_export_are_their_answers_with_or_without_html() {
        let text = "#separator:tab\n#html:true\nDer {{c1::<b>Hund</b>::Tier}} bellt\tсобака\n";
        assert_eq!(cells(&read_table(text)), vec![vec!["Der Hund bellt", "собака"]]);
        let text = "#separator:tab\n#html:false\n{{c1::die Katze}} \t{{c2::кошка::животное}}\n";
        assert_eq!(cells(&read_table(text)), vec![vec!["die Katze", "кошка"]]);
        // A file that is no Anki export is taken as it is.
        assert_eq!(cells(&read_table("{{c1::x}}\ty\n")), vec![vec!["{{c1::x}}", "y"]]);
    }

    #[test]
    fn a_hash_that_is_no_anki_header_is_data() {
        let table = read_table("#hashtag\tхештег\n");
        assert_eq!(cells(&table), vec![vec!["#hashtag", "хештег"]]);
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
        let table = read_table(&csv);
        assert_eq!(table.rows[1].cells[0], content.front);
        assert_eq!(table.rows[1].cells[8], "'quoted' stays");
        assert_eq!(table.rows[1].cells[7], "''");
    }
}
