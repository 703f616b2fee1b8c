//! Builds the application: state, listeners and the actix-web server (zero2prod's shape).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use config::{LlmProviderKind, Settings};
use repositories::Database;
use services::auth::AuthService;
use services::cache::{Cache, MemoryCache, RedisCache};
use services::cards::CardService;
use services::generation::GenerationService;
use services::idempotency::IdempotencyStore;
use services::lifecycle::ShutdownSignal;
use services::llm::{LlmFeatures, LlmGateway, TokioSleeper};
use services::moderation::Moderator;
use services::profiles::ProfileService;
use services::prompts::Prompts;
use services::quota::QuotaService;
use services::rate_limit::RateLimiter;
use services::readiness::ReadinessService;
use services::study::StudyService;
use services::tutor::TutorService;
use services::users::UserService;
use services::{Clock, SystemClock};

use crate::error::{ApiError, ErrorCode};
use crate::extractors::{json_config, path_config, payload_config, query_config};
use crate::metrics::Metrics;
use crate::middleware::body_limit::body_limit;
use crate::middleware::cors::{CorsPolicy, cors};
use crate::middleware::error_contract::error_contract;
use crate::middleware::metrics::metrics;
use crate::middleware::rate_limit::rate_limit;
use crate::middleware::request_id::request_id;
use crate::middleware::security_headers::security_headers;
use crate::routes;
use crate::state::AppState;

impl AppState {
    /// Connects to the database (migrating it when `RUN_MIGRATIONS` says so) and sets up the
    /// cache. Redis is not contacted here, so the server starts and reports not-ready while
    /// Redis is still coming up.
    pub async fn build(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = Database::connect(&settings.database).await.context("cannot connect to the database")?;
        if settings.database.run_migrations {
            db.migrate().await.context("migrations failed")?;
            tracing::info!("database migrations are up to date");
        }
        let cache: Arc<dyn Cache> = match &settings.redis {
            Some(redis) => Arc::new(RedisCache::new(redis)?),
            None => {
                tracing::info!("REDIS_URL is unset: using the in-memory cache (single node only)");
                Arc::new(MemoryCache::new(clock.clone()))
            }
        };
        let cors = CorsPolicy::new(settings.server.cors_origins.clone(), settings.app_env.is_development());
        let auth = AuthService::new(&settings, db.clone(), clock.clone());
        let users = UserService::new(db.clone(), clock.clone(), settings.plans.clone());
        let profiles = ProfileService::new(db.clone(), clock.clone(), users.clone());
        let plans = &settings.plans;
        let cards = CardService::new(
            db.clone(),
            clock.clone(),
            profiles.clone(),
            plans.free_max_cards,
            plans.premium_max_cards,
        );
        let study = StudyService::new(db.clone(), clock.clone(), profiles.clone());
        let metrics = Metrics::new().context("cannot register metrics")?;
        let quotas = QuotaService::new(db.clone(), cache.clone(), clock.clone(), plans.clone());
        let llm_settings = &settings.llm;
        let llm = LlmGateway::from_settings(
            llm_settings,
            db.clone(),
            clock.clone(),
            metrics.llm().context("cannot register LLM metrics")?,
            Arc::new(TokioSleeper),
        )
        .context("cannot set up the LLM provider")?;
        if llm.is_none() {
            tracing::info!("no LLM provider configured: the tutor and card generation answer 503");
        }
        let moderator = match (&llm_settings.moderation_model, llm_settings.provider) {
            (Some(model), LlmProviderKind::OpenAi) => Moderator::with_endpoint(
                cache.clone(),
                &llm_settings.base_url,
                llm_settings.openai_api_key.clone(),
                model.clone(),
            )
            .context("cannot set up moderation")?,
            _ => Moderator::local(cache.clone()),
        };
        let prompts = Arc::new(Prompts::load().context("a prompt template does not compile")?);
        let features = LlmFeatures { llm, quotas: quotas.clone(), prompts, cache: cache.clone() };
        let tutor = TutorService::new(db.clone(), clock.clone(), profiles.clone(), moderator, features.clone());
        let generation = GenerationService::new(profiles.clone(), cards.clone(), features);
        Ok(Self {
            quotas,
            tutor,
            generation,
            idempotency: IdempotencyStore::new(cache.clone()),
            rate_limits: RateLimiter::new(
                cache.clone(),
                clock.clone(),
                settings.server.rate_limit_ip_per_minute,
                settings.server.rate_limit_user_per_minute,
            ),
            auth,
            users,
            profiles,
            cards,
            study,
            readiness: ReadinessService::new(db.clone(), cache.clone()),
            metrics,
            settings: Arc::new(settings),
            db,
            cache,
            clock,
            cors,
        })
    }
}

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
    metrics_port: Option<u16>,
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
        let state = AppState::build(settings, clock).await?;
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

        let (metrics_server, metrics_port) = match server_settings.metrics_port {
            Some(metrics_port) => {
                let listener = TcpListener::bind((server_settings.host.as_str(), metrics_port))
                    .with_context(|| format!("cannot listen on metrics port {metrics_port}"))?;
                let bound = listener.local_addr()?.port();
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
        Ok(Self { port, metrics_port, server, metrics_server, shutdown, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests (up to
    /// `SHUTDOWN_TIMEOUT_SECONDS`) and closes the database pool.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handles: Vec<_> =
            std::iter::once(self.server.handle()).chain(self.metrics_server.as_ref().map(Server::handle)).collect();
        let shutdown = self.shutdown;
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
