#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::HashMap;

use config::{AppEnv, LlmProviderKind, LogFormat, Settings};
use secrecy::ExposeSecret;

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

const PROD_SECRET: &str = "p9XwL2vQ8sT4mZ7rK1nB6cF3hJ0dG5yA-very-secret";
const PROD_TOKEN: &str = "7000000001:AAHk3lQ9zX2mN8pR4tV6wY1bC5dF7gJ0sLu";

fn production() -> Vec<(&'static str, &'static str)> {
    vec![
        ("APP_ENV", "production"),
        ("DATABASE_URL", "postgres://app:pw@db:5432/lang_agent"),
        ("REDIS_URL", "redis://redis:6379"),
        ("SECRET_KEY", PROD_SECRET),
        ("TELEGRAM_BOT_TOKEN", PROD_TOKEN),
        ("TELEGRAM_WEBHOOK_SECRET", "webhook-secret_123"),
        ("MINI_APP_URL", "https://app.example.org/tma"),
        ("METRICS_PORT", "9100"),
    ]
}

#[test]
fn an_empty_environment_runs_locally_on_embedded_defaults() {
    let s = Settings::from_vars(HashMap::new()).expect("local defaults are valid");
    assert_eq!(s.app_env, AppEnv::Local);
    assert!(s.database.is_sqlite());
    assert_eq!(s.database.url.expose_secret(), "sqlite://data/lang-agent.db?mode=rwc");
    assert_eq!(s.database.max_connections, 3, "SQLite: a thread per connection, few pay (docs/performance.md)");
    assert!(s.redis.is_none(), "no REDIS_URL means the in-memory cache");
    assert_eq!(s.server.host, "127.0.0.1");
    assert_eq!(s.server.port, 8000);
    assert_eq!(s.server.max_request_bytes, 1024 * 1024);
    assert_eq!(s.server.max_import_bytes, 32 * 1024 * 1024);
    assert_eq!(s.log_format, LogFormat::Pretty);
    assert_eq!(s.llm.provider, LlmProviderKind::None);
    assert_eq!(s.llm.model, "gpt-4.1-mini");
    assert!(s.auth.secret_key.expose_secret().len() >= 32);
}

#[test]
fn production_with_nothing_set_lists_every_missing_requirement_at_once() {
    let err = Settings::from_vars(vars(&[("APP_ENV", "production")])).unwrap_err();
    let text = err.to_string();
    for needle in [
        "DATABASE_URL is required when APP_ENV=production",
        "REDIS_URL is required",
        "SECRET_KEY is required",
        "TELEGRAM_BOT_TOKEN is required",
        "TELEGRAM_WEBHOOK_SECRET is required",
        "MINI_APP_URL is required",
        "METRICS_PORT or METRICS_TOKEN is required",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert_eq!(err.problems.len(), 7, "{text}");
}

#[test]
fn bad_values_are_all_reported_and_secrets_are_never_echoed() {
    let short_secret = "tooshort-secret-value";
    let err = Settings::from_vars(vars(&[
        ("APP_ENV", "staging"),
        ("DATABASE_URL", "sqlite://data/x.db"),
        ("REDIS_URL", "http://redis"),
        ("SECRET_KEY", short_secret),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces!"),
        ("MINI_APP_URL", "http://insecure.example.org"),
        ("METRICS_TOKEN", "abc"),
        ("PORT", "eighty"),
        ("MAX_REQUEST_BYTES", "0"),
        ("LLM_TEMPERATURE", "5"),
        ("TRUSTED_PROXIES", "10.0.0.0/8,nonsense"),
        ("MINI_APP_ORIGINS", "https://ok.example.org,https://bad.example.org/path"),
    ]))
    .unwrap_err();
    let text = err.to_string();
    for needle in [
        "DATABASE_URL must be a PostgreSQL URL when APP_ENV=staging",
        "REDIS_URL must start with redis://",
        "SECRET_KEY must be at least 32 bytes",
        "TELEGRAM_BOT_TOKEN must look like",
        "TELEGRAM_WEBHOOK_SECRET must be 1–256 characters",
        "MINI_APP_URL must be an https:// URL",
        "METRICS_TOKEN must be at least 16 bytes",
        "PORT must be a port number",
        "MAX_REQUEST_BYTES must be a number from 1024",
        "LLM_TEMPERATURE must be a number from 0 to 2",
        "\"nonsense\" is not an IP address",
        "MINI_APP_ORIGINS: \"https://bad.example.org/path\" must be an origin",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains(short_secret), "a secret leaked into:\n{text}");
    assert!(!text.contains("not-a-token"), "a token leaked into:\n{text}");
    assert!(!text.contains("has spaces"), "a webhook secret leaked into:\n{text}");
}

#[test]
fn a_complete_production_configuration_starts_and_hides_its_secrets() {
    let s = Settings::from_vars(vars(&production())).expect("valid production settings");
    assert_eq!(s.app_env, AppEnv::Production);
    assert_eq!(s.log_format, LogFormat::Json);
    assert_eq!(s.server.metrics_port, Some(9100));
    assert_eq!(s.database.max_connections, 10);
    assert_eq!(s.server.cors_origins, vec!["https://app.example.org".to_string()]);
    let debug = format!("{s:?}");
    for secret in [PROD_SECRET, PROD_TOKEN, "webhook-secret_123", "app:pw@db"] {
        assert!(!debug.contains(secret), "{secret} leaked into Debug output");
    }
}

#[test]
fn the_local_development_secrets_are_refused_in_production() {
    let local = Settings::from_vars(HashMap::new()).unwrap();
    let mut pairs = production();
    let dev_key = local.auth.secret_key.expose_secret().to_owned();
    let dev_token = local.telegram.bot_token.expose_secret().to_owned();
    pairs.retain(|(k, _)| *k != "SECRET_KEY" && *k != "TELEGRAM_BOT_TOKEN");
    let mut map = vars(&pairs);
    map.insert("SECRET_KEY".into(), dev_key);
    map.insert("TELEGRAM_BOT_TOKEN".into(), dev_token);
    let text = Settings::from_vars(map).unwrap_err().to_string();
    assert!(text.contains("SECRET_KEY must not be the local development key"), "{text}");
    assert!(text.contains("TELEGRAM_BOT_TOKEN must not be the local development token"), "{text}");
}

#[test]
fn cors_origins_merge_every_source_normalised() {
    let s = Settings::from_vars(vars(&[
        ("MINI_APP_ORIGINS", "https://A.example.org:443, https://b.example.org"),
        ("BACKEND_CORS_ORIGINS", "https://b.example.org"),
        ("PRODUCTION_APP_ORIGIN", "https://c.example.org"),
        ("MINI_APP_URL", "https://d.example.org/app/?x=1"),
    ]))
    .unwrap();
    assert_eq!(
        s.server.cors_origins,
        vec!["https://a.example.org", "https://b.example.org", "https://c.example.org", "https://d.example.org"]
    );
}

#[test]
fn the_llm_provider_follows_the_configured_key() {
    let s = Settings::from_vars(vars(&[("OPENAI_API_KEY", "sk-test")])).unwrap();
    assert_eq!(s.llm.provider, LlmProviderKind::OpenAi);
    let s = Settings::from_vars(vars(&[("ANTHROPIC_API_KEY", "sk-ant")])).unwrap();
    assert_eq!(s.llm.provider, LlmProviderKind::Anthropic);
    assert_eq!(s.llm.base_url.as_str(), "https://api.anthropic.com/");
    let err = Settings::from_vars(vars(&[("LLM_PROVIDER", "anthropic")])).unwrap_err();
    assert!(err.to_string().contains("ANTHROPIC_API_KEY is required"));
    let s = Settings::from_vars(vars(&[("LLM_PROVIDER", "openai"), ("LLM_BASE_URL", "http://127.0.0.1:11434/v1")]))
        .unwrap();
    assert_eq!(s.llm.provider, LlmProviderKind::OpenAi, "Ollama needs no key");
    assert_eq!(s.llm.moderation_model, None, "no moderation endpoint is assumed on other servers");
    let s = Settings::from_vars(vars(&[("OPENAI_API_KEY", "sk-test")])).unwrap();
    assert_eq!(s.llm.moderation_model.as_deref(), Some("omni-moderation-latest"));
}

#[test]
fn model_prices_come_from_the_built_in_list_and_llm_prices() {
    let s = Settings::from_vars(vars(&[("LLM_PRICES", "my-model=0.5/1.5; gpt-4.1-mini=1/2")])).unwrap();
    let mine = s.llm.price_of("my-model").unwrap();
    assert_eq!((mine.input_per_million, mine.output_per_million), (0.5, 1.5));
    let dated = s.llm.price_of("gpt-4.1-mini-2025-04-14").unwrap();
    assert_eq!((dated.input_per_million, dated.output_per_million), (1.0, 2.0), "overridden, dated variant");
    let sonnet = s.llm.price_of("claude-sonnet-4-5-20250929").unwrap();
    assert_eq!(sonnet.output_per_million, 15.0);
    assert!(s.llm.price_of("unknown-model").is_none());
    let err = Settings::from_vars(vars(&[("LLM_PRICES", "broken")])).unwrap_err();
    assert!(err.to_string().contains("LLM_PRICES must look like"), "{err}");
    let err = Settings::from_vars(vars(&[("FREE_DAILY_MESSAGES", "-1")])).unwrap_err();
    assert!(err.to_string().contains("FREE_DAILY_MESSAGES"), "{err}");
}

/// `.env.example` must document every variable the settings read, and parse as it stands.
#[test]
fn env_example_documents_every_variable_and_is_valid() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let example = std::fs::read_to_string(format!("{root}/.env.example")).unwrap();
    let source = ["settings.rs", "llm.rs", "billing.rs"]
        .map(|file| std::fs::read_to_string(format!("{root}/crates/config/src/{file}")).unwrap())
        .join("\n");
    let names: Vec<&str> = source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.len() > 2 && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
        .collect();
    assert!(names.contains(&"DATABASE_URL") && names.len() > 30, "{names:?}");
    for name in names {
        assert!(example.contains(name), "{name} is not documented in .env.example");
    }
    let assignments: HashMap<String, String> = example
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Settings::from_vars(assignments).expect(".env.example as written is a valid local configuration");
}

#[test]
fn the_default_model_is_one_the_chosen_provider_serves() {
    let anthropic = Settings::from_vars(vars(&[("ANTHROPIC_API_KEY", "sk-ant-x")])).unwrap();
    assert_eq!(anthropic.llm.provider, LlmProviderKind::Anthropic);
    assert_eq!(
        (anthropic.llm.model.as_str(), anthropic.llm.vision_model.as_str()),
        ("claude-haiku-4-5", "claude-haiku-4-5")
    );
    let openai = Settings::from_vars(vars(&[("OPENAI_API_KEY", "sk-x")])).unwrap();
    assert_eq!(openai.llm.model, "gpt-4.1-mini");
    let chosen =
        Settings::from_vars(vars(&[("ANTHROPIC_API_KEY", "sk-ant-x"), ("LLM_MODEL", "claude-sonnet-4-5")])).unwrap();
    assert_eq!(chosen.llm.model, "claude-sonnet-4-5", "an explicit model wins");
}

#[test]
fn the_metrics_listener_is_loopback_unless_a_token_guards_it() {
    let local = Settings::from_vars(vars(&[("METRICS_PORT", "9100"), ("HOST", "0.0.0.0")])).unwrap();
    assert_eq!(local.server.metrics_host, "127.0.0.1", "the public HOST is not the metrics address");
    let open = Settings::from_vars(vars(&[("METRICS_PORT", "9100"), ("METRICS_HOST", "0.0.0.0")])).unwrap_err();
    assert!(open.problems.iter().any(|p| p.contains("METRICS_HOST") && p.contains("METRICS_TOKEN")), "{open}");
    let guarded = Settings::from_vars(vars(&[
        ("METRICS_PORT", "9100"),
        ("METRICS_HOST", "0.0.0.0"),
        ("METRICS_TOKEN", "a-metrics-token-of-16-bytes"),
    ]))
    .unwrap();
    assert_eq!(guarded.server.metrics_host, "0.0.0.0");
    assert!(Settings::from_vars(vars(&[("METRICS_PORT", "9100"), ("METRICS_HOST", "::1")])).is_ok());
}

#[test]
fn billing_prices_trial_and_admins_come_from_the_environment() {
    let defaults = Settings::from_vars(HashMap::new()).unwrap().billing;
    assert_eq!((defaults.stars_monthly_price, defaults.stars_yearly_price), (250, 2000));
    assert_eq!(defaults.trial_days, Some(7));
    assert!(defaults.admin_telegram_ids.is_empty());

    let set = vars(&[("STARS_MONTHLY_PRICE", "300"), ("TRIAL_DAYS", "0"), ("ADMIN_TELEGRAM_IDS", "42, 1001,")]);
    let billing = Settings::from_vars(set).unwrap().billing;
    assert_eq!(billing.stars_monthly_price, 300);
    assert_eq!(billing.trial_days, None, "0 turns the trial off");
    assert_eq!(billing.admin_telegram_ids, vec![42, 1001]);
    assert!(billing.is_admin(1001) && !billing.is_admin(7));

    let err =
        Settings::from_vars(vars(&[("ADMIN_TELEGRAM_IDS", "42,@boss"), ("STARS_YEARLY_PRICE", "0")])).unwrap_err();
    assert!(err.to_string().contains("ADMIN_TELEGRAM_IDS"), "{err}");
    assert!(err.to_string().contains("STARS_YEARLY_PRICE"), "{err}");
}
