//! The [`Settings`] type and the rules that decide which configurations may start.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use ipnet::IpNet;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::billing::{BillingSettings, read_billing};
use crate::env::EnvReader;
use crate::llm::{LlmSettings, PlanSettings, read_llm, read_plans};
use crate::origins::{origin_of, parse_origin};

/// Used only in `APP_ENV=local`/`test`, so a fresh clone runs without any set-up.
/// Staging and production refuse to start with them (see [`Settings::from_vars`]).
const DEV_SECRET_KEY: &str = "local-development-secret-key-not-for-production-use";
const DEV_BOT_TOKEN: &str = "1000000001:AAlocal-development-bot-token-xxxxxx";
const LOCAL_DATABASE_URL: &str = "sqlite://data/lang-agent.db?mode=rwc";
const MIN_SECRET_KEY_BYTES: usize = 32;
const MIN_METRICS_TOKEN_BYTES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Local,
    Test,
    Staging,
    Production,
}

impl AppEnv {
    /// Staging and production must be fully configured: no embedded defaults.
    pub fn is_strict(self) -> bool {
        matches!(self, Self::Staging | Self::Production)
    }

    /// Environments that run on a developer's machine, where `http://localhost:*` is trusted.
    pub fn is_development(self) -> bool {
        matches!(self, Self::Local | Self::Test)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Test => "test",
            Self::Staging => "staging",
            Self::Production => "production",
        }
    }
}

impl std::str::FromStr for AppEnv {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.to_ascii_lowercase().as_str() {
            "local" | "development" | "dev" => Ok(Self::Local),
            "test" => Ok(Self::Test),
            "staging" => Ok(Self::Staging),
            "production" | "prod" => Ok(Self::Production),
            _ => Err(()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub app_env: AppEnv,
    pub debug: bool,
    /// A `tracing` filter: `info`, or directives such as `info,sqlx=warn`.
    pub log_level: String,
    pub log_format: LogFormat,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    /// `None` means the in-process cache (single node, `APP_ENV=local`/`test` only).
    pub redis: Option<RedisSettings>,
    pub auth: AuthSettings,
    pub telegram: TelegramSettings,
    pub llm: LlmSettings,
    pub notifier: NotifierSettings,
    pub plans: PlanSettings,
    pub billing: BillingSettings,
    pub memory: crate::MemorySettings,
}

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// A separate listener for `/metrics`; when unset, `/metrics` is on the main port.
    pub metrics_port: Option<u16>,
    /// Where that listener binds (`METRICS_HOST`, default loopback: scrapers run beside us).
    pub metrics_host: String,
    /// Bearer token for `/metrics`: required on the main port outside local/test, and on the
    /// metrics port whenever it is set (which a non-loopback `METRICS_HOST` demands).
    pub metrics_token: Option<SecretString>,
    pub max_request_bytes: usize,
    /// Body limit of a deck import (`POST /api/decks/{id}/import`), which may be an Anki
    /// package with media; never below `max_request_bytes`.
    pub max_import_bytes: usize,
    pub shutdown_timeout_seconds: u64,
    pub workers: Option<usize>,
    pub web_dist_dir: PathBuf,
    pub trusted_proxies: Vec<IpNet>,
    /// Requests per minute to `/api/…` per client address; `None` (0): not limited.
    pub rate_limit_ip_per_minute: Option<u32>,
    /// Requests per minute to `/api/…` per signed-in user; `None` (0): not limited.
    pub rate_limit_user_per_minute: Option<u32>,
    /// Normalised origins allowed by CORS (localhost is added by the middleware in local/test).
    pub cors_origins: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// May carry a password, hence secret.
    pub url: SecretString,
    pub max_connections: u32,
    pub connect_timeout_seconds: u64,
    pub run_migrations: bool,
}

impl DatabaseSettings {
    pub fn is_sqlite(&self) -> bool {
        self.url.expose_secret().starts_with("sqlite:")
    }
}

#[derive(Debug, Clone)]
pub struct RedisSettings {
    pub url: SecretString,
    /// Prefix for every key, so several deployments (or tests) can share one Redis.
    pub key_prefix: String,
    pub pool_size: usize,
    pub timeout_ms: u64,
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub secret_key: SecretString,
    pub jwt_algorithm: String,
    pub access_token_expire_minutes: i64,
    pub refresh_token_expire_days: i64,
    pub init_data_max_age_seconds: i64,
    /// How long a signed-in user's row is trusted from the in-process cache (0: never). Bounds
    /// how soon an erasure or logout made on another api-server instance takes effect here.
    pub user_cache_seconds: u64,
    /// How long it is trusted while this process hears PostgreSQL announce every change to
    /// users (0: do not listen). Not hearing for `user_cache_seconds` falls back to that bound.
    pub user_cache_listen_seconds: u64,
}

#[derive(Debug, Clone)]
pub struct TelegramSettings {
    pub bot_token: SecretString,
    pub api_base_url: Url,
    pub webhook_secret: Option<SecretString>,
    /// Our public `…/telegram/webhook` address: set, api-server registers it with `setWebhook`.
    pub webhook_url: Option<Url>,
    pub mini_app_url: Option<Url>,
    pub backend_domain: Option<String>,
    pub frontend_domain: Option<String>,
    /// The bot's @username (without @), for `t.me` links such as group invites.
    pub bot_username: Option<String>,
    /// The Mini App's short name in @BotFather, for `t.me/<bot>/<app>?startapp=` links.
    pub mini_app_name: Option<String>,
    /// How long a processor holds a claimed update; one whose processor died is handled again
    /// after it (`INBOX_LEASE_SECONDS`).
    pub inbox_lease_seconds: u64,
}

impl TelegramSettings {
    /// The fixed token local development runs on without one: Telegram refuses it.
    pub fn is_development_token(&self) -> bool {
        self.bot_token.expose_secret() == DEV_BOT_TOKEN
    }
}

#[derive(Debug, Clone)]
pub struct NotifierSettings {
    pub interval_seconds: u64,
    pub streak_reminder_window_start: u32,
    pub streak_reminder_window_end: u32,
    /// How long a notifier holds the outbox messages it claimed; those of a notifier that died
    /// are sent by another after it (`OUTBOX_LEASE_SECONDS`).
    pub outbox_lease_seconds: u64,
}

/// Every configuration problem found, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration ({} problem(s)):", self.problems.len())?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl Settings {
    /// Reads `.env` (when present; real environment variables win) and then the environment.
    pub fn load() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is reported with the rest.
        let dotenv_problem = match dotenvy::dotenv() {
            Err(e) if !e.not_found() => Some(format!(".env could not be read: {e}")),
            _ => None,
        };
        let result = Self::from_vars(std::env::vars().collect());
        match (result, dotenv_problem) {
            (Ok(settings), None) => Ok(settings),
            (Ok(_), Some(p)) => Err(ConfigError { problems: vec![p] }),
            (Err(mut e), Some(p)) => {
                e.problems.insert(0, p);
                Err(e)
            }
            (Err(e), None) => Err(e),
        }
    }

    /// [`Settings::load`] for a binary's `main`: on failure prints every problem to stderr,
    /// prefixed with the binary's name, and returns `None` (the caller exits with status 2).
    pub fn load_or_report(binary: &str) -> Option<Self> {
        match Self::load() {
            Ok(settings) => Some(settings),
            Err(e) => {
                eprintln!("{binary} cannot start: {e}");
                None
            }
        }
    }

    /// Builds settings from a snapshot of variables; tests call this directly.
    pub fn from_vars(vars: HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut env = EnvReader::new(vars);

        let app_env = env.parse("APP_ENV", AppEnv::Local, "one of local, test, staging, production");
        let strict = app_env.is_strict();
        let debug = env.bool("DEBUG", false);
        let log_level = env.string("LOG_LEVEL", if debug { "debug" } else { "info" });
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            env.problem(format!("LOG_LEVEL is not a valid log filter (got {log_level:?})"));
        }
        let log_format = match env.raw("LOG_FORMAT").as_deref() {
            None if app_env == AppEnv::Local => LogFormat::Pretty,
            None => LogFormat::Json,
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                env.problem(format!("LOG_FORMAT must be json or pretty (got {other:?})"));
                LogFormat::Json
            }
        };

        let database = read_database(&mut env, app_env);
        let redis = read_redis(&mut env, strict);
        let auth = read_auth(&mut env, strict);
        let telegram = read_telegram(&mut env, strict);
        let server = read_server(&mut env, app_env, telegram.mini_app_url.as_ref());
        let llm = read_llm(&mut env);
        let notifier = read_notifier(&mut env);
        let plans = read_plans(&mut env);
        let billing = read_billing(&mut env);
        let memory = crate::memory::read_memory(&mut env);

        if !env.problems.is_empty() {
            return Err(ConfigError { problems: env.problems });
        }
        Ok(Self {
            app_env,
            debug,
            log_level,
            log_format,
            server,
            database,
            redis,
            auth,
            telegram,
            llm,
            notifier,
            plans,
            billing,
            memory,
        })
    }
}

/// Connections per process, chosen by measurement (docs/performance.md): PostgreSQL's ten keep
/// two cores busy without idle backends; SQLite's statements run on the pool's own threads,
/// one per connection, so past the cores more only add threads and page caches (ten took
/// 78 MB under load against 55 MB for three, serving no more; two served less).
const POSTGRES_POOL_DEFAULT: u32 = 10;
const SQLITE_POOL_DEFAULT: u32 = 3;

fn read_database(env: &mut EnvReader, app_env: AppEnv) -> DatabaseSettings {
    let url = match env.raw("DATABASE_URL") {
        Some(url) => {
            let known =
                url.starts_with("postgres://") || url.starts_with("postgresql://") || url.starts_with("sqlite:");
            if !known {
                env.problem("DATABASE_URL must start with postgres://, postgresql:// or sqlite:");
            } else if app_env.is_strict() && url.starts_with("sqlite:") {
                env.problem(format!("DATABASE_URL must be a PostgreSQL URL when APP_ENV={}", app_env.as_str()));
            }
            url
        }
        None if app_env.is_strict() => {
            env.problem(format!("DATABASE_URL is required when APP_ENV={}", app_env.as_str()));
            String::new()
        }
        None => LOCAL_DATABASE_URL.to_owned(),
    };
    let pool_default = if url.starts_with("sqlite:") { SQLITE_POOL_DEFAULT } else { POSTGRES_POOL_DEFAULT };
    DatabaseSettings {
        url: SecretString::from(url),
        max_connections: env.ranged("DATABASE_MAX_CONNECTIONS", pool_default, 1, 1000),
        connect_timeout_seconds: env.ranged("DATABASE_CONNECT_TIMEOUT_SECONDS", 5, 1, 300),
        // Local runs migrate their embedded SQLite file themselves, so one command starts them.
        run_migrations: env.bool("RUN_MIGRATIONS", app_env == AppEnv::Local),
    }
}

fn read_redis(env: &mut EnvReader, strict: bool) -> Option<RedisSettings> {
    let Some(url) = env.raw("REDIS_URL") else {
        if strict {
            env.problem("REDIS_URL is required when APP_ENV is staging or production");
        }
        return None;
    };
    if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
        env.problem("REDIS_URL must start with redis:// or rediss://");
    }
    Some(RedisSettings {
        url: SecretString::from(url),
        key_prefix: env.string("REDIS_KEY_PREFIX", "la:"),
        pool_size: env.ranged("REDIS_POOL_SIZE", 16, 1, 1024),
        timeout_ms: env.ranged("REDIS_TIMEOUT_MS", 1000, 10, 60_000),
    })
}

fn read_auth(env: &mut EnvReader, strict: bool) -> AuthSettings {
    let secret_key = match env.secret("SECRET_KEY") {
        Some(key) => {
            if key.expose_secret().len() < MIN_SECRET_KEY_BYTES {
                env.problem(format!("SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes"));
            }
            key
        }
        None if strict => {
            env.problem("SECRET_KEY is required when APP_ENV is staging or production");
            SecretString::from("")
        }
        None => SecretString::from(DEV_SECRET_KEY),
    };
    if strict && secret_key.expose_secret() == DEV_SECRET_KEY {
        env.problem("SECRET_KEY must not be the local development key in staging or production");
    }
    let jwt_algorithm = env.string("JWT_ALGORITHM", "HS256");
    if jwt_algorithm != "HS256" {
        env.problem(format!("JWT_ALGORITHM must be HS256 (got {jwt_algorithm:?})"));
    }
    AuthSettings {
        secret_key,
        jwt_algorithm,
        access_token_expire_minutes: env.ranged("ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 24 * 60),
        refresh_token_expire_days: env.ranged("REFRESH_TOKEN_EXPIRE_DAYS", 30, 1, 365),
        init_data_max_age_seconds: env.ranged("INIT_DATA_MAX_AGE_SECONDS", 86_400, 60, 604_800),
        user_cache_seconds: env.ranged("AUTH_USER_CACHE_SECONDS", 10, 0, 300),
        user_cache_listen_seconds: env.ranged("AUTH_USER_CACHE_LISTEN_SECONDS", 600, 0, 3600),
    }
}

fn read_telegram(env: &mut EnvReader, strict: bool) -> TelegramSettings {
    let bot_token = match env.secret("TELEGRAM_BOT_TOKEN") {
        Some(token) => {
            if !looks_like_bot_token(token.expose_secret()) {
                env.problem("TELEGRAM_BOT_TOKEN must look like 123456789:AA… (as @BotFather issues it)");
            } else if strict && token.expose_secret() == DEV_BOT_TOKEN {
                env.problem("TELEGRAM_BOT_TOKEN must not be the local development token in staging or production");
            }
            token
        }
        None if strict => {
            env.problem("TELEGRAM_BOT_TOKEN is required when APP_ENV is staging or production");
            SecretString::from("")
        }
        None => SecretString::from(DEV_BOT_TOKEN),
    };
    let api_base_url = read_url(env, "TELEGRAM_API_BASE_URL", "https://api.telegram.org");
    let webhook_secret = env.secret("TELEGRAM_WEBHOOK_SECRET");
    match &webhook_secret {
        // Telegram accepts 1–256 characters of A-Z, a-z, 0-9, _ and -.
        Some(secret) if !is_valid_webhook_secret(secret.expose_secret()) => {
            env.problem("TELEGRAM_WEBHOOK_SECRET must be 1–256 characters of A-Z, a-z, 0-9, _ and -")
        }
        None if strict => env.problem("TELEGRAM_WEBHOOK_SECRET is required when APP_ENV is staging or production"),
        _ => {}
    }
    let webhook_url = match env.raw("TELEGRAM_WEBHOOK_URL") {
        Some(raw) => match Url::parse(&raw) {
            Ok(url) if url.scheme() != "https" => {
                env.problem(
                    "TELEGRAM_WEBHOOK_URL must be an https:// URL (Telegram delivers webhooks over HTTPS only)",
                );
                None
            }
            Ok(url) if webhook_secret.is_none() => {
                env.problem(
                    "TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (the webhook route exists only with it)",
                );
                Some(url)
            }
            Ok(url) => Some(url),
            Err(e) => {
                env.problem(format!("TELEGRAM_WEBHOOK_URL is not a valid URL ({e})"));
                None
            }
        },
        None => None,
    };
    let mini_app_url = match env.raw("MINI_APP_URL") {
        Some(raw) => match Url::parse(&raw) {
            Ok(url) if strict && url.scheme() != "https" => {
                env.problem("MINI_APP_URL must be an https:// URL (Telegram opens Mini Apps over HTTPS only)");
                Some(url)
            }
            Ok(url) => Some(url),
            Err(e) => {
                env.problem(format!("MINI_APP_URL is not a valid URL ({e})"));
                None
            }
        },
        None => {
            if strict {
                env.problem("MINI_APP_URL is required when APP_ENV is staging or production");
            }
            None
        }
    };
    TelegramSettings {
        bot_token,
        api_base_url,
        webhook_secret,
        webhook_url,
        mini_app_url,
        backend_domain: env.raw("BACKEND_DOMAIN"),
        frontend_domain: env.raw("FRONTEND_DOMAIN"),
        bot_username: link_name(env, "TELEGRAM_BOT_USERNAME"),
        mini_app_name: link_name(env, "TELEGRAM_MINI_APP_NAME"),
        inbox_lease_seconds: env.ranged("INBOX_LEASE_SECONDS", 300, 5, 3600),
    }
}

/// A name that goes into a `t.me` link: letters, digits and `_` (a leading `@` is dropped).
fn link_name(env: &mut EnvReader, name: &str) -> Option<String> {
    let value = env.raw(name)?;
    let value = value.trim().trim_start_matches('@').to_owned();
    if value.is_empty() || value.len() > 64 || !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        env.problem(format!("{name} must be letters, digits and _ (as @BotFather shows it)"));
        return None;
    }
    Some(value)
}

fn read_server(env: &mut EnvReader, app_env: AppEnv, mini_app_url: Option<&Url>) -> ServerSettings {
    let metrics_port = env.parse_opt::<u16>("METRICS_PORT", "a port number (1–65535)");
    let metrics_token = env.secret("METRICS_TOKEN");
    if let Some(token) = &metrics_token
        && token.expose_secret().len() < MIN_METRICS_TOKEN_BYTES
    {
        env.problem(format!("METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_BYTES} bytes"));
    }
    if app_env.is_strict() && metrics_port.is_none() && metrics_token.is_none() {
        env.problem("METRICS_PORT or METRICS_TOKEN is required when APP_ENV is staging or production, so /metrics is not public");
    }
    let metrics_host = env.string("METRICS_HOST", "127.0.0.1");
    let loopback =
        metrics_host == "localhost" || metrics_host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if metrics_port.is_some() && !loopback && metrics_token.is_none() {
        env.problem(format!(
            "METRICS_HOST={metrics_host} exposes the metrics port beyond this machine: set METRICS_TOKEN too"
        ));
    }

    let mut trusted_proxies = Vec::new();
    for item in env.list("TRUSTED_PROXIES") {
        let parsed = item.parse::<IpNet>().or_else(|_| item.parse::<std::net::IpAddr>().map(IpNet::from));
        match parsed {
            Ok(net) => trusted_proxies.push(net),
            Err(_) => env.problem(format!("TRUSTED_PROXIES: {item:?} is not an IP address or CIDR range")),
        }
    }

    let mut cors_origins = Vec::new();
    for name in ["MINI_APP_ORIGINS", "BACKEND_CORS_ORIGINS", "PRODUCTION_APP_ORIGIN"] {
        for item in env.list(name) {
            match parse_origin(&item) {
                Ok(origin) => cors_origins.push(origin),
                Err(e) => env.problem(format!("{name}: {e}")),
            }
        }
    }
    if let Some(url) = mini_app_url {
        cors_origins.push(origin_of(url));
    }
    cors_origins.sort();
    cors_origins.dedup();

    ServerSettings {
        host: env.string("HOST", "127.0.0.1"),
        port: env.parse("PORT", 8000, "a port number (0–65535)"),
        metrics_port,
        metrics_host,
        metrics_token,
        max_request_bytes: env.ranged("MAX_REQUEST_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
        max_import_bytes: env.ranged("MAX_IMPORT_BYTES", 32 * 1024 * 1024, 1024, 256 * 1024 * 1024),
        shutdown_timeout_seconds: env.ranged("SHUTDOWN_TIMEOUT_SECONDS", 30, 0, 600),
        workers: env.parse_opt("WORKERS", "a positive number"),
        web_dist_dir: PathBuf::from(env.string("WEB_DIST_DIR", "web/dist")),
        trusted_proxies,
        rate_limit_ip_per_minute: Some(env.ranged("RATE_LIMIT_IP_PER_MINUTE", 1200, 0, 1_000_000)).filter(|&n| n > 0),
        rate_limit_user_per_minute: Some(env.ranged("RATE_LIMIT_USER_PER_MINUTE", 240, 0, 1_000_000))
            .filter(|&n| n > 0),
        cors_origins,
    }
}

fn read_notifier(env: &mut EnvReader) -> NotifierSettings {
    NotifierSettings {
        interval_seconds: env.ranged("NOTIFICATION_WORKER_INTERVAL_SECONDS", 60, 1, 86_400),
        streak_reminder_window_start: env.ranged("STREAK_REMINDER_WINDOW_START", 9, 0, 23),
        streak_reminder_window_end: env.ranged("STREAK_REMINDER_WINDOW_END", 22, 0, 23),
        outbox_lease_seconds: env.ranged("OUTBOX_LEASE_SECONDS", 300, 5, 3600),
    }
}

pub(crate) fn read_url(env: &mut EnvReader, name: &str, default: &str) -> Url {
    let raw = env.string(name, default);
    match Url::parse(&raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        _ => {
            env.problem(format!("{name} must be an http(s) URL (got {raw:?})"));
            #[allow(clippy::expect_used)] // the defaults are constants written above
            Url::parse(default).expect("default URL parses")
        }
    }
}

fn looks_like_bot_token(token: &str) -> bool {
    let Some((id, rest)) = token.split_once(':') else {
        return false;
    };
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && rest.len() >= 30
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn is_valid_webhook_secret(secret: &str) -> bool {
    (1..=256).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
