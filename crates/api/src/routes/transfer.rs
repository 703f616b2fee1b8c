//! `/api/decks/{id}/import` (CSV/TSV, with a dry-run preview) and `/api/decks/{id}/export`.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use domain::CardContent;
use domain::DeckId;
use serde::{Deserialize, Serialize};
use serde_json::json;
use services::transfer::{ExportFormat, RowError};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Report what would happen without creating anything.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowError {
    pub row: usize,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDuplicateRow {
    pub row: usize,
    pub front: String,
    pub existing_card_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportPreviewRow {
    pub front: String,
    pub back: String,
    pub lemma: Option<String>,
    pub example: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    pub dry_run: bool,
    /// Cards created (or, in a dry run, that would be).
    pub created: usize,
    pub duplicates: Vec<ImportDuplicateRow>,
    pub errors: Vec<ImportRowError>,
    pub preview: Vec<ImportPreviewRow>,
}

fn preview_row(c: CardContent) -> ImportPreviewRow {
    ImportPreviewRow { front: c.front, back: c.back, lemma: c.lemma, example: c.example }
}

fn row_error(e: RowError) -> ImportRowError {
    ImportRowError { row: e.row, message: e.message }
}

/// Imports a CSV or TSV file (the raw body; UTF-8). Columns: a header naming `front` and `back`
/// (plus any of lemma, part_of_speech, gender, transcription, example, example_translation,
/// notes, forms), or, without a header, that order.
#[utoipa::path(post, path = "/api/decks/{id}/import", tag = "decks", security(("bearer" = [])), params(ImportQuery),
    request_body(description = "CSV or TSV, UTF-8",
        content((String = "text/csv"), (String = "text/tab-separated-values"), (String = "text/plain"))),
    responses((status = 200, body = ImportResponse), (status = 402, description = "LIMIT_REACHED", body = crate::error::ErrorBody)))]
pub async fn import(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !matches!(mime.as_str(), "text/csv" | "text/tab-separated-values" | "text/plain") {
        return Err(ApiError::new(ErrorCode::UnsupportedMediaType)
            .with_details(json!({ "expected": ["text/csv", "text/tab-separated-values", "text/plain"] })));
    }
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(ErrorCode::ValidationError).with_details(json!({ "body": ["the file must be UTF-8 text"] }))
    })?;
    let report = state.transfer.import(user.id(), DeckId::from_uuid(*id), text, query.dry_run).await?;
    Ok(HttpResponse::Ok().json(ImportResponse {
        dry_run: report.dry_run,
        created: report.created,
        duplicates: report
            .duplicates
            .into_iter()
            .map(|d| ImportDuplicateRow { row: d.row, front: d.front, existing_card_id: d.existing_card_id })
            .collect(),
        errors: report.errors.into_iter().map(row_error).collect(),
        preview: report.preview.into_iter().map(preview_row).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` (default) or `apkg` (an Anki package).
    #[param(value_type = Option<ExportFormatParam>)]
    pub format: Option<ExportFormatParam>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormatParam {
    Csv,
    Apkg,
}

/// Downloads the deck's cards.
#[utoipa::path(get, path = "/api/decks/{id}/export", tag = "decks", security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, description = "the file: CSV with a header row, or an Anki package",
        content((String = "text/csv"), (Vec<u8> = "application/apkg")))))]
pub async fn export(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = match query.format {
        Some(ExportFormatParam::Apkg) => ExportFormat::Apkg,
        Some(ExportFormatParam::Csv) | None => ExportFormat::Csv,
    };
    let file = state.transfer.export(user.id(), DeckId::from_uuid(*id), format).await?;
    let (content_type, extension) = match file.format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::Apkg => ("application/apkg", "apkg"),
    };
    let disposition = format!("attachment; filename=\"{}.{extension}\"", safe_file_stem(&file.deck_name));
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CONTENT_DISPOSITION, disposition))
        .body(file.bytes))
}

/// A file name that survives every browser and file system: ASCII letters, digits, `-`, `_`.
fn safe_file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect::<String>()
        .trim_matches('_')
        .to_owned();
    if stem.is_empty() { "deck".to_owned() } else { stem }
}
