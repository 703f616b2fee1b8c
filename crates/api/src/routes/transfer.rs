//! `/api/decks/{id}/import` (CSV/TSV or an Anki package, with a dry-run preview and a column
//! picker) and `/api/decks/{id}/export`.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use domain::CardContent;
use domain::DeckId;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use services::cards::ImportDuplicate;
use services::transfer::{
    ColumnRole, DeclaredType, ExportFormat, ImportColumn, ImportOptions, ImportReport, ImportSource, RowError,
};
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
    /// The column picker's answer: one role per column from the left (for an Anki package, per
    /// note field), comma-separated (`front,back,ignore,example`; columns past the list are
    /// ignored). Exactly one `front` and one `back`; any other field at most once. Without it,
    /// columns are recognised from the header or the file's format, and when they cannot be,
    /// the dry run says `needs_mapping` and a real import answers 400 (`columns_unclear`).
    #[param(
        max_length = 1000,
        pattern = "^ *(front|back|lemma|part_of_speech|gender|transcription|example|example_translation|notes|forms|ignore) *(, *(front|back|lemma|part_of_speech|gender|transcription|example|example_translation|notes|forms|ignore) *){0,49}$"
    )]
    pub columns: Option<String>,
    /// Whether the first row of a CSV/TSV file is a header (never a card); detected when left
    /// out. Ignored for Anki packages.
    pub header: Option<bool>,
}

/// A card field, or `ignore`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRoleValue {
    Front,
    Back,
    Lemma,
    PartOfSpeech,
    Gender,
    Transcription,
    Example,
    ExampleTranslation,
    Notes,
    Forms,
    Ignore,
}

impl From<ColumnRole> for ColumnRoleValue {
    fn from(role: ColumnRole) -> Self {
        match role {
            ColumnRole::Front => Self::Front,
            ColumnRole::Back => Self::Back,
            ColumnRole::Lemma => Self::Lemma,
            ColumnRole::PartOfSpeech => Self::PartOfSpeech,
            ColumnRole::Gender => Self::Gender,
            ColumnRole::Transcription => Self::Transcription,
            ColumnRole::Example => Self::Example,
            ColumnRole::ExampleTranslation => Self::ExampleTranslation,
            ColumnRole::Notes => Self::Notes,
            ColumnRole::Forms => Self::Forms,
            ColumnRole::Ignore => Self::Ignore,
        }
    }
}

/// What is wrong with a row.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportRowErrorCode {
    EmptyFront,
    EmptyBack,
    TooLong,
    NulCharacter,
    BadForms,
    UnreadableRow,
    TooManyRows,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowError {
    /// 1-based: the line of a text file (as an editor shows it), the note of a package.
    pub row: usize,
    pub code: ImportRowErrorCode,
    /// The same in English; clients show their own text for `code`.
    pub message: String,
    /// `TOO_LONG`: the field and its maximum in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
}

/// Why a row is skipped as a duplicate.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportDuplicateCode {
    /// The profile already has this word (`existing_card_id`).
    DuplicateExisting,
    /// An earlier row of the same file has it (`first_row`).
    DuplicateInFile,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDuplicateRow {
    pub row: usize,
    pub code: ImportDuplicateCode,
    pub front: String,
    pub existing_card_id: Option<Uuid>,
    pub first_row: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportPreviewRow {
    pub front: String,
    pub back: String,
    pub lemma: Option<String>,
    pub example: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImportSourceValue {
    Csv,
    Apkg,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportColumnInfo {
    /// 0-based, from the left (an Anki note's field number).
    pub index: usize,
    /// From the header, Anki's `#columns:` line or the note type's fields.
    pub name: Option<String>,
    pub role: ColumnRoleValue,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportSampleRow {
    pub row: usize,
    /// The cells as read (HTML already turned into text), each cut to 100 characters.
    pub cells: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    pub dry_run: bool,
    /// What the body turned out to be.
    pub source: ImportSourceValue,
    /// Cards created (or, in a dry run, that would be).
    pub created: usize,
    pub duplicates: Vec<ImportDuplicateRow>,
    pub errors: Vec<ImportRowError>,
    pub preview: Vec<ImportPreviewRow>,
    /// The first row was taken as a header (and is no card).
    pub header: bool,
    /// The columns are a guess: show `columns` with `sample` and send the learner's choice
    /// back as `?columns=`.
    pub needs_mapping: bool,
    pub columns: Vec<ImportColumnInfo>,
    /// The first rows (after a header), for the column picker.
    pub sample: Vec<ImportSampleRow>,
}

fn preview_row(c: CardContent) -> ImportPreviewRow {
    ImportPreviewRow { front: c.front, back: c.back, lemma: c.lemma, example: c.example }
}

fn row_error(e: RowError) -> ImportRowError {
    use services::transfer::RowErrorCode as C;
    let code = match e.code {
        C::EmptyFront => ImportRowErrorCode::EmptyFront,
        C::EmptyBack => ImportRowErrorCode::EmptyBack,
        C::TooLong => ImportRowErrorCode::TooLong,
        C::NulCharacter => ImportRowErrorCode::NulCharacter,
        C::BadForms => ImportRowErrorCode::BadForms,
        C::UnreadableRow => ImportRowErrorCode::UnreadableRow,
        C::TooManyRows => ImportRowErrorCode::TooManyRows,
    };
    ImportRowError { row: e.row, code, message: e.message(), field: e.field, max: e.max }
}

fn duplicate_row(d: ImportDuplicate) -> ImportDuplicateRow {
    let code = if d.existing_card_id.is_some() {
        ImportDuplicateCode::DuplicateExisting
    } else {
        ImportDuplicateCode::DuplicateInFile
    };
    ImportDuplicateRow {
        row: d.row,
        code,
        front: d.front,
        existing_card_id: d.existing_card_id,
        first_row: d.first_row,
    }
}

fn column_info(c: ImportColumn) -> ImportColumnInfo {
    ImportColumnInfo { index: c.index, name: c.name, role: c.role.into() }
}

impl From<ImportReport> for ImportResponse {
    fn from(report: ImportReport) -> Self {
        Self {
            dry_run: report.dry_run,
            source: match report.source {
                ImportSource::Csv => ImportSourceValue::Csv,
                ImportSource::Apkg => ImportSourceValue::Apkg,
            },
            created: report.created,
            duplicates: report.duplicates.into_iter().map(duplicate_row).collect(),
            errors: report.errors.into_iter().map(row_error).collect(),
            preview: report.preview.into_iter().map(preview_row).collect(),
            header: report.header,
            needs_mapping: report.needs_mapping,
            columns: report.columns.into_iter().map(column_info).collect(),
            sample: report.sample.into_iter().map(|r| ImportSampleRow { row: r.row, cells: r.cells }).collect(),
        }
    }
}

const TEXT_TYPES: [&str; 3] = ["text/csv", "text/tab-separated-values", "text/plain"];
const PACKAGE_TYPES: [&str; 3] = ["application/zip", "application/x-zip-compressed", "application/apkg"];

/// Imports a file into the deck: CSV or TSV (UTF-8; comma, semicolon or tab; a header row
/// names the columns in English or Russian: front/word/term/слово, back/translation/
/// definition/meaning/перевод/значение, example/sentence/пример, notes, …; Anki's "Notes in
/// Plain Text" with its `#separator:`/`#html:` lines; Quizlet's term-tab-definition) or an Anki
/// package (`.apkg`: `collection.anki21b`, `.anki21` or `.anki2`; the note's first field is
/// the front and the second the back unless `columns` says otherwise, HTML and media
/// references dropped, cloze deletions as their answers). A package is
/// recognised by its first bytes. Row problems and duplicates come with stable codes.
#[utoipa::path(post, path = "/api/decks/{id}/import", tag = "decks", security(("bearer" = [])), params(ImportQuery),
    request_body(description = "CSV or TSV (UTF-8), or an Anki package (.apkg, a zip); MAX_IMPORT_BYTES (32 MiB) at most",
        content((String = "text/csv"), (String = "text/tab-separated-values"), (String = "text/plain"),
            (Vec<u8> = "application/zip"), (Vec<u8> = "application/octet-stream"), (Vec<u8> = "application/x-zip-compressed"),
            (Vec<u8> = "application/apkg"))),
    responses((status = 200, body = ImportResponse),
        (status = 400, description = "INVALID_FIELD_VALUE: details.reason not_text, not_a_package, no_collection, \
            corrupt_package or columns_unclear; or details.columns when the roles in `columns` do not add up \
            (front and back exactly once, known roles only)", body = crate::error::ErrorBody),
        (status = 402, description = "LIMIT_REACHED", body = crate::error::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE: the body (details.max_bytes) or the unpacked Anki collection \
            (details.reason = collection_too_large) is too large", body = crate::error::ErrorBody)))]
pub async fn import(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ImportQuery>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let declared = declared_type(&req)?;
    let options = ImportOptions::parse(query.dry_run, query.columns.as_deref(), query.header)?;
    let server = &state.settings.server;
    let body = read_body(&mut payload, server.max_import_bytes.max(server.max_request_bytes)).await?;
    let report = state.transfer.import(user.id(), DeckId::from_uuid(*id), body, declared, options).await?;
    Ok(HttpResponse::Ok().json(ImportResponse::from(report)))
}

/// What the Content-Type says the body is; any other type is 415.
fn declared_type(req: &HttpRequest) -> Result<DeclaredType, ApiError> {
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match mime.as_str() {
        m if TEXT_TYPES.contains(&m) => Ok(DeclaredType::Text),
        m if PACKAGE_TYPES.contains(&m) => Ok(DeclaredType::Package),
        "application/octet-stream" => Ok(DeclaredType::Unknown),
        _ => {
            let expected: Vec<&str> =
                TEXT_TYPES.iter().chain(&PACKAGE_TYPES).copied().chain(["application/octet-stream"]).collect();
            Err(ApiError::new(ErrorCode::UnsupportedMediaType).with_details(json!({ "expected": expected })))
        }
    }
}

/// The whole body; the `body_limit` middleware has cut it off at `limit` already.
pub(crate) async fn read_body(payload: &mut web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| match e {
            actix_web::error::PayloadError::Overflow => {
                ApiError::new(ErrorCode::PayloadTooLarge).with_details(json!({ "max_bytes": limit }))
            }
            _ => ApiError::new(ErrorCode::InvalidFieldValue),
        })?;
        body.extend_from_slice(&chunk);
    }
    Ok(body)
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
