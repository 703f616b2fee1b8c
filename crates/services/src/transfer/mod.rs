//! Moving a deck's cards in and out as files: import of CSV/TSV (header names in English and
//! Russian, Anki's and Quizlet's text exports) and of Anki packages, with a per-row report and
//! a dry-run preview that shows the columns when they need the learner's word; CSV and Anki
//! package export.

mod apkg;
mod columns;
mod csv;
mod html;
#[cfg(test)]
mod properties;
mod table;

use std::sync::Arc;

use domain::{CardContent, DeckId, UserId};
pub use repositories::anki::read::{ApkgError, MAX_COLLECTION_BYTES};
use serde::Serialize;

pub use self::columns::{ColumnRole, MAX_COLUMNS};
pub use self::csv::to_csv;
pub use self::table::{ImportOptions, MAX_IMPORT_ROWS, RowError, RowErrorCode, SAMPLE_ROWS, TableRow};
use self::table::{Settled, Table};
use crate::Clock;
use crate::cards::{CardError, CardService, ImportDuplicate};

/// What the body of an import says it is (its Content-Type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclaredType {
    /// `text/csv`, `text/tab-separated-values`, `text/plain`.
    Text,
    /// `application/zip` and the like: must be an Anki package.
    Package,
    /// `application/octet-stream`: either, told apart by the first bytes.
    Unknown,
}

/// What the file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportSource {
    Csv,
    Apkg,
}

/// One column of the file as the import reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportColumn {
    pub index: usize,
    /// Its name in the header, Anki's `#columns:` or the note type.
    pub name: Option<String>,
    pub role: ColumnRole,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub dry_run: bool,
    pub source: ImportSource,
    pub created: usize,
    pub duplicates: Vec<ImportDuplicate>,
    pub errors: Vec<RowError>,
    /// The first rows that are (or would be) created, for the preview.
    pub preview: Vec<CardContent>,
    /// The first row was a header (and so no card).
    pub header: bool,
    /// The columns are a guess: the learner should pick them before importing.
    pub needs_mapping: bool,
    pub columns: Vec<ImportColumn>,
    /// The first rows as they are, for the column picker.
    pub sample: Vec<TableRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Apkg,
}

/// A file to download.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub format: ExportFormat,
    /// The deck's name, for the file name.
    pub deck_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    Card(#[from] CardError),
    #[error("the file could not be written: {0}")]
    Write(String),
    #[error("the file is neither UTF-8 text nor an Anki package")]
    NotText,
    #[error(transparent)]
    Package(#[from] ApkgError),
    #[error("bad column mapping: {0}")]
    BadMapping(String),
    /// The columns need the learner's choice and none was sent (a dry run shows them).
    #[error("the columns are unclear: pick them (`columns`) after a dry run")]
    ColumnsUnclear,
}

#[derive(Debug, Clone)]
pub struct TransferService {
    cards: CardService,
    clock: Arc<dyn Clock>,
}

impl TransferService {
    pub fn new(cards: CardService, clock: Arc<dyn Clock>) -> Self {
        Self { cards, clock }
    }

    /// Imports a CSV/TSV file or an Anki package into a deck: bad rows and duplicates are
    /// reported per row and skipped; the rest are created together (or, when `dry_run`, only
    /// reported). The plan's card limit applies to the whole file: either everything valid
    /// fits or nothing is created. A package is told apart by its first bytes, whatever its
    /// declared type.
    pub async fn import(
        &self,
        user_id: UserId,
        deck_id: DeckId,
        body: Vec<u8>,
        declared: DeclaredType,
        options: ImportOptions,
    ) -> Result<ImportReport, TransferError> {
        let (source, table) = read_body(body, declared).await?;
        let settled = Settled::new(table, &options);
        if settled.columns.needs_mapping && !options.dry_run {
            return Err(TransferError::ColumnsUnclear);
        }
        let (rows, errors) = settled.contents();
        let outcome = self.cards.import_contents(user_id, deck_id, rows, options.dry_run).await?;
        let columns = settled
            .columns
            .roles
            .iter()
            .enumerate()
            .map(|(index, role)| ImportColumn {
                index,
                name: settled.names.as_ref().and_then(|n| n.get(index)).cloned(),
                role: *role,
            })
            .collect();
        Ok(ImportReport {
            dry_run: options.dry_run,
            source,
            created: outcome.created,
            duplicates: outcome.duplicates,
            errors,
            preview: outcome.preview,
            header: settled.header,
            needs_mapping: settled.columns.needs_mapping,
            columns,
            sample: settled.sample(),
        })
    }

    pub async fn export(
        &self,
        user_id: UserId,
        deck_id: DeckId,
        format: ExportFormat,
    ) -> Result<ExportFile, TransferError> {
        let (deck_name, cards) = self.cards.deck_cards(user_id, deck_id).await?;
        let bytes = match format {
            ExportFormat::Csv => {
                to_csv(cards.iter().map(|c| &c.content)).map_err(|e| TransferError::Write(e.to_string()))?
            }
            ExportFormat::Apkg => apkg::to_apkg(&deck_name, &cards, self.clock.now())
                .await
                .map_err(|e| TransferError::Write(e.to_string()))?,
        };
        Ok(ExportFile { format, deck_name, bytes })
    }
}

impl ImportOptions {
    /// The options of a request: `columns` as `front,back,ignore,…` (see [`ColumnRole`]).
    pub fn parse(dry_run: bool, columns: Option<&str>, header: Option<bool>) -> Result<Self, TransferError> {
        let mapping = columns.map(columns::parse_mapping).transpose().map_err(TransferError::BadMapping)?;
        Ok(Self { dry_run, mapping, header })
    }
}

/// Zip's local-file and empty-archive signatures: every `.apkg` starts with one.
fn is_zip(body: &[u8]) -> bool {
    body.starts_with(b"PK\x03\x04") || body.starts_with(b"PK\x05\x06")
}

async fn read_body(body: Vec<u8>, declared: DeclaredType) -> Result<(ImportSource, Table), TransferError> {
    if is_zip(&body) {
        return Ok((ImportSource::Apkg, apkg::read_package(body).await?));
    }
    if declared == DeclaredType::Package {
        return Err(ApkgError::NotZip.into());
    }
    let text = std::str::from_utf8(&body).map_err(|_| TransferError::NotText)?;
    Ok((ImportSource::Csv, csv::read_table(text)))
}
