//! LLM provider settings (models, timeouts, prices) and the plan limits and daily quotas.

use std::collections::HashMap;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::env::EnvReader;
use crate::settings::read_url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmProviderKind {
    None,
    OpenAi,
    Anthropic,
}

/// USD per million tokens, for cost accounting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelPrice {
    pub input_per_million: f64,
    pub output_per_million: f64,
}

/// List prices of common models (2026); `LLM_PRICES` adds to or overrides them.
const DEFAULT_PRICES: &str = "gpt-4.1-mini=0.4/1.6;gpt-4.1=2/8;gpt-4.1-nano=0.1/0.4;gpt-4o-mini=0.15/0.6;\
gpt-4o=2.5/10;claude-haiku-4-5=1/5;claude-sonnet-4-5=3/15;claude-opus-4-1=15/75";

#[derive(Debug, Clone)]
pub struct LlmSettings {
    pub provider: LlmProviderKind,
    pub base_url: Url,
    pub openai_api_key: Option<SecretString>,
    pub anthropic_api_key: Option<SecretString>,
    /// The model of every text operation (tutor, card generation).
    pub model: String,
    pub temperature: f64,
    /// Per call attempt, streaming included.
    pub timeout: Duration,
    /// Attempts per call, the first included (retries only on connect errors, 408/409/429, 5xx).
    pub max_attempts: u32,
    pub max_output_tokens: u32,
    /// `None`: the provider's moderation endpoint is not used (local rules still run).
    pub moderation_model: Option<String>,
    pub vision_model: String,
    pub speech_model: String,
    /// An OpenAI-compatible server for speech to text when the chat provider has none
    /// (Anthropic); `None`: the chat provider's own `/audio/transcriptions` (OpenAI-compatible).
    pub speech_base_url: Option<Url>,
    pub speech_api_key: Option<SecretString>,
    /// Keyed by model name; a dated variant (`gpt-4.1-mini-2025-04-14`) uses its base entry.
    pub prices: HashMap<String, ModelPrice>,
    /// Tutor context: the latest messages within both budgets.
    pub chat_context_messages: u32,
    pub chat_context_tokens: u32,
    /// Words generated at the same time in one `POST /api/cards/generate`.
    pub generation_concurrency: usize,
}

impl LlmSettings {
    pub fn price_of(&self, model: &str) -> Option<ModelPrice> {
        if let Some(price) = self.prices.get(model) {
            return Some(*price);
        }
        // The longest configured name the answered model starts with: "gpt-4.1-mini-2025-04-14".
        self.prices
            .iter()
            .filter(|(name, _)| model.starts_with(name.as_str()))
            .max_by_key(|(name, _)| name.len())
            .map(|(_, price)| *price)
    }
}

/// Plan limits and daily LLM quotas, per `auth-security.md` ("All in configuration").
#[derive(Debug, Clone)]
pub struct PlanSettings {
    pub free_max_profiles: u32,
    pub premium_max_profiles: u32,
    pub free_max_cards: u32,
    /// `None`: unlimited (`PREMIUM_MAX_CARDS=0`).
    pub premium_max_cards: Option<u32>,
    pub free_daily_messages: u32,
    pub premium_daily_messages: Option<u32>,
    pub free_daily_card_generation: u32,
    pub premium_daily_card_generation: Option<u32>,
    pub free_daily_voice: u32,
    pub premium_daily_voice: Option<u32>,
    pub free_daily_exercises: u32,
    pub premium_daily_exercises: Option<u32>,
    /// Live groups a user may own, and members per group (the owner included).
    pub free_max_groups: u32,
    pub free_max_group_members: u32,
    pub premium_max_groups: u32,
    pub premium_max_group_members: u32,
}

pub(crate) fn read_plans(env: &mut EnvReader) -> PlanSettings {
    let unlimited_when_zero = |n: u32| Some(n).filter(|&n| n > 0);
    PlanSettings {
        free_max_profiles: env.ranged("FREE_MAX_PROFILES", 1, 1, 100),
        premium_max_profiles: env.ranged("PREMIUM_MAX_PROFILES", 10, 1, 100),
        free_max_cards: env.ranged("FREE_MAX_CARDS", 200, 1, 1_000_000),
        premium_max_cards: unlimited_when_zero(env.ranged("PREMIUM_MAX_CARDS", 0, 0, 10_000_000)),
        free_daily_messages: env.ranged("FREE_DAILY_MESSAGES", 50, 0, 100_000),
        premium_daily_messages: unlimited_when_zero(env.ranged("PREMIUM_DAILY_MESSAGES", 500, 0, 1_000_000)),
        free_daily_card_generation: env.ranged("FREE_DAILY_CARD_GENERATION", 30, 0, 100_000),
        premium_daily_card_generation: unlimited_when_zero(env.ranged(
            "PREMIUM_DAILY_CARD_GENERATION",
            500,
            0,
            1_000_000,
        )),
        free_daily_voice: env.ranged("FREE_DAILY_VOICE", 10, 0, 100_000),
        premium_daily_voice: unlimited_when_zero(env.ranged("PREMIUM_DAILY_VOICE", 200, 0, 1_000_000)),
        free_daily_exercises: env.ranged("FREE_DAILY_EXERCISES", 30, 0, 100_000),
        premium_daily_exercises: unlimited_when_zero(env.ranged("PREMIUM_DAILY_EXERCISES", 300, 0, 1_000_000)),
        free_max_groups: env.ranged("FREE_MAX_GROUPS", 1, 0, 1000),
        free_max_group_members: env.ranged("FREE_MAX_GROUP_MEMBERS", 5, 2, 1000),
        premium_max_groups: env.ranged("PREMIUM_MAX_GROUPS", 20, 0, 1000),
        premium_max_group_members: env.ranged("PREMIUM_MAX_GROUP_MEMBERS", 100, 2, 1000),
    }
}

pub(crate) fn read_llm(env: &mut EnvReader) -> LlmSettings {
    let openai_api_key = env.secret("OPENAI_API_KEY");
    let anthropic_api_key = env.secret("ANTHROPIC_API_KEY");
    let default_provider = if openai_api_key.is_some() {
        LlmProviderKind::OpenAi
    } else if anthropic_api_key.is_some() {
        LlmProviderKind::Anthropic
    } else {
        LlmProviderKind::None
    };
    let provider = match env.raw("LLM_PROVIDER").map(|p| p.to_ascii_lowercase()).as_deref() {
        None => default_provider,
        Some("none") => LlmProviderKind::None,
        // Local OpenAI-compatible servers (Ollama, llama.cpp) need no key, so none is demanded.
        Some("openai") => LlmProviderKind::OpenAi,
        Some("anthropic") => {
            if anthropic_api_key.is_none() {
                env.problem("ANTHROPIC_API_KEY is required when LLM_PROVIDER=anthropic");
            }
            LlmProviderKind::Anthropic
        }
        Some(other) => {
            env.problem(format!("LLM_PROVIDER must be openai, anthropic or none (got {other:?})"));
            LlmProviderKind::None
        }
    };
    let default_base = match provider {
        LlmProviderKind::Anthropic => "https://api.anthropic.com",
        _ => "https://api.openai.com/v1",
    };
    let base_url = read_url(env, "LLM_BASE_URL", default_base);
    // A model the chosen provider actually serves.
    let default_model = match provider {
        LlmProviderKind::Anthropic => "claude-haiku-4-5",
        _ => "gpt-4.1-mini",
    };
    let temperature = env.parse("LLM_TEMPERATURE", 0.7_f64, "a number from 0 to 2");
    if !(0.0..=2.0).contains(&temperature) {
        env.problem(format!("LLM_TEMPERATURE must be a number from 0 to 2 (got {temperature})"));
    }
    // OpenAI's own moderation endpoint is free; other OpenAI-compatible servers rarely have one.
    let default_moderation = (provider == LlmProviderKind::OpenAi && base_url.host_str() == Some("api.openai.com"))
        .then(|| "omni-moderation-latest".to_owned());
    let moderation_model = match env.raw("LLM_MODERATION_MODEL").as_deref().map(str::trim) {
        None => default_moderation,
        Some("" | "none") => None,
        Some(model) => Some(model.to_owned()),
    };
    let mut prices = parse_prices(DEFAULT_PRICES).unwrap_or_default();
    if let Some(raw) = env.raw("LLM_PRICES") {
        match parse_prices(&raw) {
            Some(extra) => prices.extend(extra),
            None => env.problem(format!(
                "LLM_PRICES must look like model=input/output;model=input/output in USD per million tokens (got {raw:?})"
            )),
        }
    }
    LlmSettings {
        provider,
        base_url,
        openai_api_key,
        anthropic_api_key,
        model: env.string("LLM_MODEL", default_model),
        temperature,
        timeout: Duration::from_secs(env.ranged("LLM_TIMEOUT_SECONDS", 60, 1, 600)),
        max_attempts: env.ranged("LLM_MAX_ATTEMPTS", 3, 1, 10),
        max_output_tokens: env.ranged("LLM_MAX_OUTPUT_TOKENS", 1200, 64, 32_000),
        moderation_model,
        vision_model: env.string("LLM_VISION_MODEL", default_model),
        speech_model: env.string("LLM_SPEECH_MODEL", "whisper-1"),
        speech_base_url: read_optional_url(env, "LLM_SPEECH_BASE_URL"),
        speech_api_key: env.secret("LLM_SPEECH_API_KEY"),
        prices,
        chat_context_messages: env.ranged("CHAT_CONTEXT_MESSAGES", 20, 0, 200),
        chat_context_tokens: env.ranged("CHAT_CONTEXT_TOKENS", 8000, 500, 200_000),
        generation_concurrency: env.ranged("LLM_GENERATION_CONCURRENCY", 4, 1, 20),
    }
}

fn read_optional_url(env: &mut EnvReader, key: &str) -> Option<Url> {
    let raw = env.raw(key)?;
    match Url::parse(&raw) {
        Ok(url) => Some(url),
        Err(e) => {
            env.problem(format!("{key} is not a valid URL ({e})"));
            None
        }
    }
}

/// `model=input/output;…` (USD per million tokens); `None` when any entry is malformed.
fn parse_prices(raw: &str) -> Option<HashMap<String, ModelPrice>> {
    raw.split(';')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (model, price) = entry.split_once('=')?;
            let (input, output) = price.split_once('/')?;
            let parse = |v: &str| v.trim().parse::<f64>().ok().filter(|p| p.is_finite() && *p >= 0.0);
            let price = ModelPrice { input_per_million: parse(input)?, output_per_million: parse(output)? };
            Some((model.trim().to_owned(), price))
        })
        .collect()
}
