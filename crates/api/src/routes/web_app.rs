//! The built Mini App (`WEB_DIST_DIR`) at `/`, with the SPA fallback: any other GET outside
//! `/api/` answers `index.html`, so client-side routes survive a reload.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{guard, web};

use crate::error::{ApiError, ErrorCode};

/// Mounts the Mini App when it has been built; without `index.html` nothing is mounted and
/// every unknown path stays a JSON 404.
pub fn configure(cfg: &mut web::ServiceConfig, dist: &Path) {
    let index = dist.join("index.html");
    if !index.is_file() {
        tracing::info!(dir = %dist.display(), "no built Mini App found; serving the API only");
        return;
    }
    let files = Files::new("/", dist)
        .index_file("index.html")
        .use_etag(true)
        .use_last_modified(true)
        .guard(guard::Any(guard::Get()).or(guard::Head()))
        .default_handler(web::to(move |req: actix_web::HttpRequest| spa_fallback(req, index.clone())));
    cfg.service(files);
}

async fn spa_fallback(
    req: actix_web::HttpRequest,
    index: PathBuf,
) -> Result<actix_web::HttpResponse, actix_web::Error> {
    if req.path().starts_with("/api/") || req.path() == "/api" {
        return Err(ApiError::new(ErrorCode::NotFound).into());
    }
    let mut response = NamedFile::open_async(&index).await?.into_response(&req);
    // The shell must be revalidated so a deploy's new asset names are picked up at once.
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}
