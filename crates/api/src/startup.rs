//! Builds the application: state, listeners and the actix-web server (zero2prod's shape).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use config::Settings;
use services::lifecycle::ShutdownSignal;
use services::{Clock, SystemClock};

use crate::auth::identify;
use crate::error::{ApiError, ErrorCode};
use crate::extractors::{json_config, path_config, payload_config, query_config};
use crate::middleware::body_limit::body_limit;
use crate::middleware::cors::cors;
use crate::middleware::error_contract::error_contract;
use crate::middleware::metrics::metrics;
use crate::middleware::rate_limit::rate_limit;
use crate::middleware::request_id::request_id;
use crate::middleware::security_headers::security_headers;
use crate::routes;
use crate::state::AppState;

/// The app with its full middleware stack (see `middleware`), used by the server and by tests.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let settings = state.settings.clone();
    let limit = settings.server.max_request_bytes;
    App::new()
        .app_data(web::Data::new(state))
        .app_data(json_config(limit))
        .app_data(payload_config(limit))
        .app_data(query_config())
        .app_data(path_config())
        .configure(|cfg| routes::configure(cfg, &settings))
        .default_service(web::to(not_found))
        .wrap(from_fn(body_limit))
        .wrap(from_fn(identify))
        .wrap(from_fn(rate_limit))
        .wrap(from_fn(error_contract))
        .wrap(from_fn(security_headers))
        .wrap(from_fn(cors))
        .wrap(from_fn(metrics))
        .wrap(from_fn(request_id))
}

/// The app of the separate metrics listener (`METRICS_PORT`): `/metrics` and nothing else.
pub fn build_metrics_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(state))
        .service(routes::metrics::resource())
        .default_service(web::to(not_found))
        .wrap(from_fn(error_contract))
        .wrap(from_fn(request_id))
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::new(ErrorCode::NotFound))
}

pub struct Application {
    port: u16,
    metrics_addr: Option<std::net::SocketAddr>,
    server: Server,
    metrics_server: Option<Server>,
    shutdown: ShutdownSignal,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let shutdown = ShutdownSignal::install().context("cannot install signal handlers")?;
        let app = services::App::build(settings, clock).await?;
        let state = AppState::new(app).context("cannot register metrics")?;
        let server_settings = state.settings.server.clone();
        let shutdown_timeout = server_settings.shutdown_timeout_seconds;

        let listener = TcpListener::bind((server_settings.host.as_str(), server_settings.port))
            .with_context(|| format!("cannot listen on {}:{}", server_settings.host, server_settings.port))?;
        let port = listener.local_addr()?.port();
        let app_state = state.clone();
        let mut server = HttpServer::new(move || build_app(app_state.clone()))
            .listen(listener)?
            .shutdown_timeout(shutdown_timeout)
            .disable_signals()
            .client_request_timeout(Duration::from_secs(10));
        if let Some(workers) = server_settings.workers {
            server = server.workers(workers);
        }
        let server = server.run();

        let (metrics_server, metrics_addr) = match server_settings.metrics_port {
            Some(metrics_port) => {
                // Its own host (loopback unless configured), never the public HOST.
                let host = server_settings.metrics_host.as_str();
                let listener = TcpListener::bind((host, metrics_port))
                    .with_context(|| format!("cannot listen on {host}:{metrics_port} for metrics"))?;
                let bound = listener.local_addr()?;
                let metrics_state = state.clone();
                let server = HttpServer::new(move || build_metrics_app(metrics_state.clone()))
                    .listen(listener)?
                    .workers(1)
                    .shutdown_timeout(shutdown_timeout)
                    .disable_signals()
                    .run();
                (Some(server), Some(bound))
            }
            None => (None, None),
        };
        Ok(Self { port, metrics_addr, server, metrics_server, shutdown, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_addr.map(|addr| addr.port())
    }

    /// Where the metrics listener is bound, when there is one.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.metrics_addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests (up to
    /// `SHUTDOWN_TIMEOUT_SECONDS`) and closes the database pool.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handles: Vec<_> =
            std::iter::once(self.server.handle()).chain(self.metrics_server.as_ref().map(Server::handle)).collect();
        let mut shutdown = self.shutdown;
        tokio::spawn(async move {
            let signal = shutdown.wait().await;
            tracing::info!(signal, "shutting down: finishing in-flight requests");
            for handle in handles {
                handle.stop(true).await;
            }
        });
        let result = match self.metrics_server {
            Some(metrics_server) => {
                let (main, metrics) = tokio::join!(self.server, metrics_server);
                main.and(metrics)
            }
            None => self.server.await,
        };
        if let Err(e) = self.state.db.clone().close().await {
            tracing::warn!(error = %e, "closing the database pool failed");
        }
        result
    }
}
