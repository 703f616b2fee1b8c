//! Services against the real Redis and PostgreSQL (and the in-memory twins).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod backlog_metrics;
mod billing;
mod bot_users;
mod cache;
mod exercises;
mod fsrs_fit;
mod groups;
mod inbox;
mod init_data;
mod llm;
mod llm_anthropic;
mod memory;
mod moderation;
mod modules;
mod poller;
mod profiles;
mod prompts;
mod properties;
mod rate_limit;
mod reminders;
mod review_batch;
mod review_counts;
mod round_trips;
mod sessions;
mod speech;
mod srs;
mod stats;
mod study;
mod user_cache;
mod vision;

/// The service graph as every binary builds it, on `backend`'s database, an in-memory cache
/// and `clock`: one free profile, three premium ones, 200 free cards, no LLM.
fn app_on(backend: &test_support::backends::Backend, clock: &services::ManualClock) -> services::App {
    let vars = [
        ("APP_ENV", "test"),
        ("FREE_MAX_PROFILES", "1"),
        ("PREMIUM_MAX_PROFILES", "3"),
        ("FREE_MAX_CARDS", "200"),
        ("PREMIUM_MAX_CARDS", "0"),
    ];
    let settings = config::Settings::from_vars(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
        .expect("test settings are valid");
    let clock: std::sync::Arc<dyn services::Clock> = std::sync::Arc::new(clock.clone());
    let cache = std::sync::Arc::new(services::cache::MemoryCache::new(clock.clone()));
    services::App::assemble(settings, backend.db.clone(), cache, clock).expect("the service graph builds")
}

/// A Telegram user (`language_code` ru) with one profile learning `language` (A1→A2, travel,
/// Russian interface), as the bot or the Mini App would make them.
async fn learner_with_profile(
    app: &services::App,
    clock: &services::ManualClock,
    telegram_id: i64,
    language: &str,
) -> (domain::UserId, services::profiles::Profile) {
    let account = repositories::users::TelegramAccount {
        telegram_id,
        first_name: "Ann".into(),
        last_name: None,
        username: None,
        language_code: Some("ru".into()),
        photo_url: None,
    };
    let now = services::Clock::now(clock);
    let user = repositories::users::upsert_from_telegram(app.db.conn(), &account, now).await.unwrap();
    let user_id = domain::UserId::from_uuid(user.id);
    (user_id, app.profiles.create(user_id, travel_profile(language)).await.unwrap())
}

/// A profile learning `language` from A1 to A2 for travel, with a Russian interface.
fn travel_profile(language: &str) -> services::profiles::NewProfile {
    services::profiles::NewProfile {
        language: domain::LanguageCode::parse(language).unwrap(),
        current_level: domain::CefrLevel::A1,
        target_level: domain::CefrLevel::A2,
        goals: vec![domain::Goal::Travel],
        interface_language: domain::InterfaceLanguage::Ru,
    }
}

/// A graded translation on `topic`, as `ExerciseService::submit` records one.
fn graded_attempt(
    user: domain::UserId,
    profile: domain::ProfileId,
    topic: uuid::Uuid,
    result: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> repositories::exercise_attempts::NewAttempt {
    repositories::exercise_attempts::NewAttempt {
        id: uuid::Uuid::now_v7(),
        user_id: user,
        profile_id: profile,
        topic_id: Some(topic),
        kind: "translate".into(),
        question: "Переведите".into(),
        prompt: "Я устал.".into(),
        options: None,
        correct_answer: "Ich bin müde.".into(),
        user_answer: "Ich bin müde.".into(),
        result: result.into(),
        feedback: serde_json::json!({"explanation": "", "mistakes": [], "alternatives": []}),
        used_hint: false,
        duration_ms: Some(3000),
        channel: "bot".into(),
        completed_at: at,
    }
}
