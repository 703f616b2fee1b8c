//! The notifier's own `/health` and `/metrics`, on `METRICS_HOST:METRICS_PORT` when a port is
//! set: health is "ok" while ticks keep completing, metrics count what the jobs did.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use actix_web::dev::ServerHandle;
use actix_web::http::header::{AUTHORIZATION, ContentType};
use actix_web::{App as HttpApp, HttpRequest, HttpResponse, HttpServer, web};
use prometheus::{IntCounter, IntCounterVec, Opts, Registry, TextEncoder};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// What the jobs report, registered in the process's registry.
#[derive(Clone)]
pub struct JobMetrics {
    pub ticks: IntCounter,
    pub reminders: IntCounter,
    pub outbox: IntCounterVec,
    /// Unix seconds of the last completed tick.
    pub last_tick: Arc<AtomicI64>,
}

impl JobMetrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let ticks = IntCounter::new("notifier_ticks_total", "Job rounds completed")?;
        let reminders = IntCounter::new("notifier_reminders_total", "Streak reminders queued")?;
        let outbox =
            IntCounterVec::new(Opts::new("notifier_outbox_total", "Outbox messages by outcome"), &["outcome"])?;
        registry.register(Box::new(ticks.clone()))?;
        registry.register(Box::new(reminders.clone()))?;
        registry.register(Box::new(outbox.clone()))?;
        Ok(Self { ticks, reminders, outbox, last_tick: Arc::new(AtomicI64::new(chrono::Utc::now().timestamp())) })
    }

    pub fn tick_done(&self) {
        self.ticks.inc();
        self.alive();
    }

    /// Work is moving (a batch finished): a long round of many batches is not a stall.
    pub fn alive(&self) {
        self.last_tick.store(chrono::Utc::now().timestamp(), Ordering::Relaxed);
    }
}

struct Monitor {
    registry: Registry,
    metrics: JobMetrics,
    token: Option<SecretString>,
    /// Health fails once no tick completed for this long.
    stale_after_seconds: i64,
}

async fn health(monitor: web::Data<Monitor>) -> HttpResponse {
    let last = monitor.metrics.last_tick.load(Ordering::Relaxed);
    let age = chrono::Utc::now().timestamp() - last;
    let body = serde_json::json!({ "status": if age <= monitor.stale_after_seconds { "ok" } else { "stalled" },
        "seconds_since_last_tick": age });
    if age <= monitor.stale_after_seconds {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

async fn render_metrics(req: HttpRequest, monitor: web::Data<Monitor>) -> HttpResponse {
    if let Some(expected) = &monitor.token {
        let given = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !bool::from(expected.expose_secret().as_bytes().ct_eq(given.as_bytes())) {
            return HttpResponse::Unauthorized().finish();
        }
    }
    match TextEncoder::new().encode_to_string(&monitor.registry.gather()) {
        Ok(text) => HttpResponse::Ok().insert_header(ContentType::plaintext()).body(text),
        Err(error) => {
            tracing::warn!(%error, "rendering metrics failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// Serves `/health` and `/metrics` on `listener` until the returned handle stops it.
pub fn serve(
    listener: TcpListener,
    registry: Registry,
    metrics: JobMetrics,
    token: Option<SecretString>,
    interval_seconds: u64,
) -> std::io::Result<ServerHandle> {
    let stale_after_seconds = i64::try_from(interval_seconds.saturating_mul(3).max(180)).unwrap_or(i64::MAX);
    let monitor = web::Data::new(Monitor { registry, metrics, token, stale_after_seconds });
    let server = HttpServer::new(move || {
        HttpApp::new()
            .app_data(monitor.clone())
            .route("/health", web::get().to(health))
            .route("/metrics", web::get().to(render_metrics))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok(handle)
}
