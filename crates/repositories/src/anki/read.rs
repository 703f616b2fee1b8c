//! Reads the notes of an Anki package (`.apkg`) of any Anki version: `collection.anki21b`
//! (Anki 2.1.50+: SQLite compressed with zstd, schema 18), `collection.anki21` (Anki 2.1,
//! schema 11) or `collection.anki2` (Anki 2.0). Newer packages also carry a legacy
//! `collection.anki2` that only says "please update Anki", so the newest collection present
//! wins. Media are not imported, so the `media` map (JSON, or zstd-compressed in new packages)
//! and the media files are never unpacked.
//!
//! A package comes from a stranger: what is unpacked is bounded while it streams (a zip or zstd
//! bomb stops at the limit), the database is a private temporary copy opened read-only, only the
//! tables named here are read, reading has a time limit, and every failure is an [`ApkgError`].

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::sqlx::{Connection, Row, SqliteConnection};

/// The largest collection database unpacked (after zstd, for `collection.anki21b`).
pub const MAX_COLLECTION_BYTES: u64 = 128 * 1024 * 1024;
/// zstd decoders allocate their window: 2^24 bytes (16 MiB) at most. Anki and zstd's default
/// levels use far less.
const ZSTD_WINDOW_LOG_MAX: u32 = 24;
/// Bytes of one note's fields read; a longer note is cut (and its card then fails the length
/// checks).
const MAX_NOTE_BYTES: i64 = 64 * 1024;
/// `col.models` (schema 11) is read for field names only when it is smaller than this.
const MAX_MODELS_BYTES: i64 = 4 * 1024 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionFormat {
    /// `collection.anki2`: Anki 2.0, and the fallback every exporter writes.
    Anki2,
    /// `collection.anki21`: Anki 2.1 before 2.1.50.
    Anki21,
    /// `collection.anki21b`: Anki 2.1.50 and later, zstd-compressed.
    Anki21b,
}

/// The notes of a package, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ApkgNotes {
    pub format: CollectionFormat,
    /// The note type's field names in order, when every note read has the same note type.
    pub field_names: Option<Vec<String>>,
    /// Each note's fields, as Anki stores them (HTML).
    pub notes: Vec<Vec<String>>,
    /// The package holds more notes than were asked for.
    pub truncated: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ApkgError {
    #[error("the file is not a zip archive")]
    NotZip,
    #[error("the package holds no Anki collection (collection.anki21b, .anki21 or .anki2)")]
    NoCollection,
    #[error("the collection is larger than {max} bytes unpacked")]
    TooLarge { max: u64 },
    #[error("the collection cannot be read: {0}")]
    Corrupt(String),
    /// Our side: the temporary copy could not be written.
    #[error("the package could not be unpacked: {0}")]
    Storage(String),
}

fn corrupt(e: impl std::fmt::Display) -> ApkgError {
    ApkgError::Corrupt(e.to_string())
}

fn storage(e: impl std::fmt::Display) -> ApkgError {
    ApkgError::Storage(e.to_string())
}

/// The first `max_notes` notes of the package (and whether there were more).
pub async fn read_notes(package: Vec<u8>, max_notes: usize) -> Result<ApkgNotes, ApkgError> {
    let dir = TempDir::new()?;
    let path = dir.path.join("collection");
    let target = path.clone();
    let format = tokio::task::spawn_blocking(move || unpack(&package, &target, MAX_COLLECTION_BYTES))
        .await
        .map_err(storage)??;
    let (field_names, notes, truncated) = tokio::time::timeout(READ_TIMEOUT, read_collection(&path, max_notes))
        .await
        .map_err(|_| ApkgError::Corrupt("reading it took too long".to_owned()))??;
    Ok(ApkgNotes { format, field_names, notes, truncated })
}

/// A private directory, removed when dropped (also on every error path).
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> Result<Self, ApkgError> {
        let path = std::env::temp_dir().join(format!("la-apkg-in-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).map_err(storage)?;
        Ok(Self { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

const COLLECTIONS: [(&str, CollectionFormat); 3] = [
    ("collection.anki21b", CollectionFormat::Anki21b),
    ("collection.anki21", CollectionFormat::Anki21),
    ("collection.anki2", CollectionFormat::Anki2),
];

/// Writes the newest collection of the package to `target`, at most `max_bytes` of it.
fn unpack(package: &[u8], target: &Path, max_bytes: u64) -> Result<CollectionFormat, ApkgError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(package)).map_err(|_| ApkgError::NotZip)?;
    for (name, format) in COLLECTIONS {
        let mut entry = match archive.by_name(name) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => continue,
            Err(e) => return Err(corrupt(e)),
        };
        let mut out = std::fs::File::create(target).map_err(storage)?;
        if format == CollectionFormat::Anki21b {
            let mut decoder = zstd::stream::read::Decoder::new(entry).map_err(corrupt)?;
            decoder.window_log_max(ZSTD_WINDOW_LOG_MAX).map_err(corrupt)?;
            copy_bounded(&mut decoder, &mut out, max_bytes)?;
        } else {
            copy_bounded(&mut entry, &mut out, max_bytes)?;
        }
        out.flush().map_err(storage)?;
        return Ok(format);
    }
    Err(ApkgError::NoCollection)
}

/// Copies until the end or until more than `max_bytes` came: a declared size is never trusted.
fn copy_bounded(from: &mut impl Read, to: &mut impl Write, max_bytes: u64) -> Result<(), ApkgError> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        let read = match from.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(corrupt(e)),
        };
        total = total.saturating_add(read as u64);
        if total > max_bytes {
            return Err(ApkgError::TooLarge { max: max_bytes });
        }
        to.write_all(buffer.get(..read).unwrap_or_default()).map_err(storage)?;
    }
}

type Collection = (Option<Vec<String>>, Vec<Vec<String>>, bool);

async fn read_collection(path: &Path, max_notes: usize) -> Result<Collection, ApkgError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .foreign_keys(false)
        // Nothing in the file's schema (views, triggers, defaults) may call functions.
        .pragma("trusted_schema", "OFF")
        .pragma("query_only", "ON")
        // Anki's schema 18 declares this collation on names; comparisons may need it.
        .collation("unicase", |a: &str, b: &str| a.to_lowercase().cmp(&b.to_lowercase()));
    let mut conn = SqliteConnection::connect_with(&options).await.map_err(corrupt)?;
    let result = read_from(&mut conn, max_notes).await;
    let _ = conn.close().await;
    result
}

async fn read_from(conn: &mut SqliteConnection, max_notes: usize) -> Result<Collection, ApkgError> {
    // A view named `notes` could run any query: only a real table is read.
    if !is_table(conn, "notes").await? {
        return Err(ApkgError::Corrupt("it has no notes table".to_owned()));
    }
    let limit = i64::try_from(max_notes).unwrap_or(i64::MAX).saturating_add(1);
    let rows = sea_orm::sqlx::query("SELECT mid, substr(CAST(flds AS BLOB), 1, ?) FROM notes ORDER BY id LIMIT ?")
        .bind(MAX_NOTE_BYTES)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await
        .map_err(corrupt)?;
    let truncated = rows.len() > max_notes;
    let mut note_types = std::collections::BTreeSet::new();
    let mut notes = Vec::with_capacity(rows.len().min(max_notes));
    for row in rows.iter().take(max_notes) {
        note_types.insert(row.try_get::<i64, _>(0).ok());
        let bytes: Vec<u8> = row.try_get(1).unwrap_or_default();
        notes.push(String::from_utf8_lossy(&bytes).split('\u{1f}').map(str::to_owned).collect());
    }
    let field_names = match note_types.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(note_type)] => field_names(conn, *note_type).await,
        _ => None,
    };
    Ok((field_names, notes, truncated))
}

async fn is_table(conn: &mut SqliteConnection, name: &str) -> Result<bool, ApkgError> {
    let kind: Option<String> = sea_orm::sqlx::query_scalar("SELECT type FROM sqlite_master WHERE name = ?")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await
        .map_err(corrupt)?;
    Ok(kind.as_deref() == Some("table"))
}

/// The note type's field names: from the `fields` table (schema 18) or from the JSON in
/// `col.models` (schema 11). Only a nicety for matching columns, so any trouble is `None`.
async fn field_names(conn: &mut SqliteConnection, note_type: i64) -> Option<Vec<String>> {
    if is_table(conn, "fields").await.ok()? {
        let names: Vec<String> = sea_orm::sqlx::query_scalar("SELECT name FROM fields WHERE ntid = ? ORDER BY ord")
            .bind(note_type)
            .fetch_all(&mut *conn)
            .await
            .ok()?;
        return (!names.is_empty()).then_some(names);
    }
    if !is_table(conn, "col").await.ok()? {
        return None;
    }
    let models: String =
        sea_orm::sqlx::query_scalar("SELECT models FROM col WHERE length(models) < ? ORDER BY id LIMIT 1")
            .bind(MAX_MODELS_BYTES)
            .fetch_optional(&mut *conn)
            .await
            .ok()??;
    let models: serde_json::Value = serde_json::from_str(&models).ok()?;
    let mut fields: Vec<(i64, String)> = models
        .get(note_type.to_string())?
        .get("flds")?
        .as_array()?
        .iter()
        .filter_map(|field| Some((field.get("ord")?.as_i64()?, field.get("name")?.as_str()?.to_owned())))
        .collect();
    fields.sort_by_key(|(ord, _)| *ord);
    (!fields.is_empty()).then(|| fields.into_iter().map(|(_, name)| name).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn target() -> (TempDir, PathBuf) {
        let dir = TempDir::new().unwrap();
        let path = dir.path.join("collection");
        (dir, path)
    }

    #[test]
    fn the_newest_collection_wins_and_is_unzstded() {
        let (_dir, path) = target();
        let zstded = zstd::encode_all(&b"new"[..], 3).unwrap();
        let package = zip_of(&[("collection.anki2", b"old"), ("collection.anki21b", &zstded), ("media", b"x")]);
        assert_eq!(unpack(&package, &path, 1024).unwrap(), CollectionFormat::Anki21b);
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let package = zip_of(&[("collection.anki2", b"old"), ("collection.anki21", b"mid")]);
        assert_eq!(unpack(&package, &path, 1024).unwrap(), CollectionFormat::Anki21);
        assert_eq!(std::fs::read(&path).unwrap(), b"mid");
    }

    #[test]
    fn bombs_stop_at_the_limit_and_junk_is_refused() {
        let (_dir, path) = target();
        let zeros = vec![0u8; 64 * 1024];
        let deflated = zip_of(&[("collection.anki2", &zeros)]);
        assert!(deflated.len() < 1024, "the test needs a small package for a large collection");
        assert!(matches!(unpack(&deflated, &path, 1000), Err(ApkgError::TooLarge { max: 1000 })));
        let zstded = zip_of(&[("collection.anki21b", &zstd::encode_all(&zeros[..], 3).unwrap())]);
        assert!(matches!(unpack(&zstded, &path, 1000), Err(ApkgError::TooLarge { .. })));
        assert!(matches!(unpack(b"front,back\n", &path, 1000), Err(ApkgError::NotZip)));
        assert!(matches!(unpack(&zip_of(&[("media", b"{}")]), &path, 1000), Err(ApkgError::NoCollection)));
        let bad_zstd = zip_of(&[("collection.anki21b", b"not zstd at all")]);
        assert!(matches!(unpack(&bad_zstd, &path, 1000), Err(ApkgError::Corrupt(_))));
    }

    #[tokio::test]
    async fn fields_come_back_as_anki_stores_them_cloze_markup_included() {
        // Turning HTML and clozes into text is the importer's job (services' transfer::html):
        // the reader hands over each field exactly as stored, with the note type's names.
        let note = crate::anki::AnkiNote {
            guid: "g1".to_owned(),
            front: "Der {{c1::<b>Hund</b>::Tier}} bellt".to_owned(),
            back: "{{c2::собака}}<br>пёс".to_owned(),
            tags: Vec::new(),
        };
        let package = crate::anki::write_apkg("Deutsch", &[note], chrono::Utc::now()).await.unwrap();
        let read = read_notes(package, 10).await.unwrap();
        assert_eq!(read.format, CollectionFormat::Anki2);
        assert_eq!(read.field_names, Some(vec!["Front".to_owned(), "Back".to_owned()]));
        assert_eq!(
            read.notes,
            vec![vec!["Der {{c1::<b>Hund</b>::Tier}} bellt".to_owned(), "{{c2::собака}}<br>пёс".to_owned()]]
        );
        assert!(!read.truncated);
    }

    #[tokio::test]
    async fn a_file_that_is_no_database_is_corrupt_not_a_panic() {
        let package = zip_of(&[("collection.anki2", b"this is not SQLite, just some text long enough")]);
        assert!(matches!(read_notes(package, 10).await, Err(ApkgError::Corrupt(_))));
    }
}
