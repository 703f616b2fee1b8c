//! `/health` and `/metrics` of the background binaries (notifier, bot-poller) on
//! `METRICS_HOST:METRICS_PORT`: health is "ok" while the process's loop keeps beating (a
//! heartbeat gauge holding the unix time of its last completed round), metrics render the
//! process's registry after sampling the queue backlog. The bearer token is asked for whenever
//! one is set, compared in constant time.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::http::header::ContentType;
use actix_web::{App as HttpApp, HttpRequest, HttpResponse, HttpServer, web};
use prometheus::{IntGauge, Registry, TextEncoder};
use secrecy::{ExposeSecret, SecretString};
use services::metrics::BacklogMetrics;
use subtle::ConstantTimeEq;

use crate::auth::bearer_token;

/// Stops the listener (`stop(true)` lets a scrape in progress finish).
pub use actix_web::dev::ServerHandle;

/// What the listener reports on.
pub struct Monitor {
    /// The process's registry (`App::registry`).
    pub registry: Registry,
    /// Bearer token `/metrics` asks for (`METRICS_TOKEN`).
    pub token: Option<SecretString>,
    /// Unix seconds of the loop's last completed round.
    pub heartbeat: IntGauge,
    /// Health fails once the heartbeat is older than this.
    pub stale_after: Duration,
    /// Sampled before each render, so the queue gauges are fresh when scraped.
    pub backlog: Option<BacklogMetrics>,
}

struct State {
    monitor: Monitor,
    /// A process is healthy for `stale_after` after it starts, before its first round ends.
    started: i64,
}

async fn health(state: web::Data<State>) -> HttpResponse {
    let last = state.monitor.heartbeat.get().max(state.started);
    let age = chrono::Utc::now().timestamp().saturating_sub(last);
    let stale_after = i64::try_from(state.monitor.stale_after.as_secs()).unwrap_or(i64::MAX);
    let healthy = age <= stale_after;
    let body = serde_json::json!({
        "status": if healthy { "ok" } else { "stalled" },
        "seconds_since_last_round": age,
    });
    if healthy { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}

async fn metrics(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    if let Some(expected) = &state.monitor.token {
        let given = bearer_token(&req).unwrap_or_default();
        if !bool::from(expected.expose_secret().as_bytes().ct_eq(given.as_bytes())) {
            return HttpResponse::Unauthorized().finish();
        }
    }
    if let Some(backlog) = &state.monitor.backlog {
        backlog.refresh().await;
    }
    match TextEncoder::new().encode_to_string(&state.monitor.registry.gather()) {
        Ok(text) => HttpResponse::Ok().insert_header(ContentType::plaintext()).body(text),
        Err(error) => {
            tracing::warn!(%error, "rendering metrics failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// Serves `/health` and `/metrics` on `listener` (one worker, no signal handling of its own:
/// the process stops it through the returned handle) on the current Tokio runtime.
pub fn serve(listener: TcpListener, monitor: Monitor) -> std::io::Result<ServerHandle> {
    let state = web::Data::new(State { monitor, started: chrono::Utc::now().timestamp() });
    let server = HttpServer::new(move || {
        HttpApp::new()
            .app_data(state.clone())
            .route("/health", web::get().to(health))
            .route("/metrics", web::get().to(metrics))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok(handle)
}
