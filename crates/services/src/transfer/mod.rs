//! Moving a deck's cards in and out as files: CSV/TSV import with a per-row report (and a
//! dry-run preview), CSV and Anki package export.

mod apkg;
mod csv;

use std::sync::Arc;

use domain::{CardContent, DeckId, UserId};
use serde::Serialize;

pub use self::csv::{MAX_IMPORT_ROWS, Parsed, RowError, parse, to_csv};
use crate::Clock;
use crate::cards::{CardError, CardService, ImportDuplicate};

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub duplicates: Vec<ImportDuplicate>,
    pub errors: Vec<RowError>,
    /// The first rows that are (or would be) created, for the preview.
    pub preview: Vec<CardContent>,
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

    /// Imports CSV or TSV text into a deck: bad rows and duplicates are reported per row and
    /// skipped; the rest are created together (or, when `dry_run`, only reported). The plan's
    /// card limit applies to the whole file: either everything valid fits or nothing is created.
    pub async fn import(
        &self,
        user_id: UserId,
        deck_id: DeckId,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport, TransferError> {
        let parsed = parse(text);
        let outcome = self.cards.import_contents(user_id, deck_id, parsed.rows, dry_run).await?;
        Ok(ImportReport {
            dry_run,
            created: outcome.created,
            duplicates: outcome.duplicates,
            errors: parsed.errors,
            preview: outcome.preview,
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
