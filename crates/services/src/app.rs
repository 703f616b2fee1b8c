//! The composition root: the whole service graph, built once from `Settings` and shared by
//! `api-server`, `bot-poller` and `notifier`, so a bot command, an HTTP handler and a
//! scheduled job call the same service method on the same wiring.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use config::{LlmProviderKind, Settings};
use prometheus::Registry;
use repositories::Database;

use crate::admin::AdminService;
use crate::auth::AuthService;
use crate::billing::{BillingService, BotApiGateway};
use crate::cache::{Cache, MemoryCache, RedisCache};
use crate::cards::CardService;
use crate::exercises::ExerciseService;
use crate::export::ExportService;
use crate::generation::GenerationService;
use crate::groups::{GroupService, InviteLinks};
use crate::inbox::InboxService;
use crate::llm::{LlmFeatures, LlmGateway, LlmMetrics, TokioSleeper};
use crate::media::MediaService;
use crate::metrics::ServiceMetrics;
use crate::moderation::Moderator;
use crate::notifications::NotificationService;
use crate::outbox::OutboxService;
use crate::profiles::ProfileService;
use crate::prompts::Prompts;
use crate::quota::QuotaService;
use crate::rate_limit::RateLimiter;
use crate::readiness::ReadinessService;
use crate::reminders::ReminderService;
use crate::stats::StatsService;
use crate::study::StudyService;
use crate::transfer::TransferService;
use crate::tutor::TutorService;
use crate::user_cache::UserCache;
use crate::users::UserService;
use crate::{Clock, plans};

#[derive(Debug, Clone)]
pub struct App {
    pub settings: Arc<Settings>,
    pub db: Database,
    /// Signed-in users, shared by every service that reads them.
    pub user_cache: UserCache,
    pub cache: Arc<dyn Cache>,
    pub clock: Arc<dyn Clock>,
    /// Every metric of the process registers here (`lang_agent_` prefix); `/metrics` renders it.
    pub registry: Registry,
    /// The metrics services and the bot share: learning, queues, Bot API calls, the poller.
    pub metrics: ServiceMetrics,
    pub readiness: ReadinessService,
    pub rate_limits: RateLimiter,
    pub auth: AuthService,
    pub users: UserService,
    pub profiles: ProfileService,
    pub cards: CardService,
    pub study: StudyService,
    pub memory: crate::memory::MemoryService,
    /// Streaks, the activity calendar and the stats screen.
    pub stats: StatsService,
    /// In-app notifications (streak reminders and later events).
    pub notifications: NotificationService,
    /// Streak reminders (the notifier's job).
    pub reminders: ReminderService,
    /// Bot messages queued for paced sending.
    pub outbox: OutboxService,
    pub transfer: TransferService,
    pub export: ExportService,
    pub quotas: QuotaService,
    pub tutor: TutorService,
    pub generation: GenerationService,
    /// Topics and exercises, within the `exercises` quota.
    pub exercises: ExerciseService,
    /// Voice messages to text (photos next), within the `voice` quota.
    pub media: MediaService,
    /// Telegram updates stored by the webhook or the poller, for the bot's processor.
    pub inbox: InboxService,
    /// Plans, Telegram Stars payments, the trial and premium-expiry warnings.
    pub billing: BillingService,
    /// Admins (by `ADMIN_TELEGRAM_IDS`): users, metrics, grants, refunds, the audit log.
    pub admin: AdminService,
    /// Teacher groups: members, invites, shared material, progress and the weekly digest.
    pub groups: GroupService,
}

impl App {
    /// Connects to the database (migrating it when `RUN_MIGRATIONS` says so) and sets up the
    /// cache and the LLM provider. Redis is not contacted here, so a process starts (and
    /// reports not-ready) while Redis is still coming up.
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
        let app = Self::assemble(settings, db, cache, clock)?;
        app.user_cache.listen_for_changes();
        Ok(app)
    }

    /// The graph on a database and cache that are already set up (tests hand in their own).
    pub fn assemble(
        settings: Settings,
        db: Database,
        cache: Arc<dyn Cache>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("lang_agent".into()), None).context("cannot create metrics")?;
        let plans = plans::from_settings(&settings.plans);
        let user_cache =
            UserCache::new(db.clone(), clock.clone(), Duration::from_secs(settings.auth.user_cache_seconds))
                .trusting_heard_changes_for(Duration::from_secs(settings.auth.user_cache_listen_seconds));
        let quotas = QuotaService::new(user_cache.clone(), cache.clone(), clock.clone(), plans);
        let features = llm_features(&settings, &db, &cache, &clock, &registry, quotas)?;
        let metrics =
            ServiceMetrics::register(&registry, db.clone(), clock.clone()).context("cannot register metrics")?;
        let moderator = moderator(&settings, &cache)?;
        let profiles = ProfileService::new(db.clone(), clock.clone(), plans, user_cache.clone());
        let cards = CardService::new(db.clone(), clock.clone(), profiles.clone(), plans, user_cache.clone());
        let server = &settings.server;
        let stars = BotApiGateway::new(settings.telegram.api_base_url.clone(), settings.telegram.bot_token.clone())
            .context("cannot set up the Bot API client for payments")?;
        let billing = BillingService::new(
            db.clone(),
            clock.clone(),
            settings.billing.clone(),
            plans,
            user_cache.clone(),
            Arc::new(stars),
        );
        let admin =
            AdminService::new(db.clone(), clock.clone(), settings.billing.clone(), user_cache.clone(), billing.clone());
        Ok(Self {
            user_cache: user_cache.clone(),
            readiness: ReadinessService::new(db.clone(), cache.clone()),
            rate_limits: RateLimiter::new(
                cache.clone(),
                clock.clone(),
                server.rate_limit_ip_per_minute,
                server.rate_limit_user_per_minute,
            ),
            auth: AuthService::new(&settings, db.clone(), clock.clone(), user_cache.clone()),
            users: UserService::new(db.clone(), clock.clone(), plans, user_cache.clone()),
            notifications: NotificationService::new(db.clone(), clock.clone()),
            reminders: ReminderService::new(
                db.clone(),
                clock.clone(),
                crate::reminders::Window {
                    start: settings.notifier.streak_reminder_window_start,
                    end: settings.notifier.streak_reminder_window_end,
                },
            ),
            outbox: OutboxService::new(
                db.clone(),
                clock.clone(),
                Duration::from_secs(settings.notifier.outbox_lease_seconds),
            ),
            stats: StatsService::new(db.clone(), clock.clone(), user_cache.clone(), profiles.clone()),
            study: StudyService::new(db.clone(), clock.clone(), user_cache.clone(), metrics.learning.clone()),
            memory: crate::memory::MemoryService::new(
                db.clone(),
                clock.clone(),
                user_cache.clone(),
                settings.memory.clone(),
            ),
            transfer: TransferService::new(cards.clone(), clock.clone()),
            export: ExportService::new(db.clone(), clock.clone()),
            quotas: features.quotas.clone(),
            tutor: TutorService::new(db.clone(), clock.clone(), profiles.clone(), moderator, features.clone()),
            media: MediaService::new(
                features.llm.clone(),
                features.quotas.clone(),
                profiles.clone(),
                features.prompts.clone(),
                db.clone(),
            ),
            exercises: ExerciseService::new(
                db.clone(),
                clock.clone(),
                profiles.clone(),
                features.clone(),
                metrics.learning.clone(),
            ),
            generation: GenerationService::new(profiles.clone(), cards.clone(), features),
            inbox: InboxService::new(db.clone(), clock.clone()),
            billing,
            admin,
            groups: GroupService::new(
                db.clone(),
                clock.clone(),
                plans,
                user_cache.clone(),
                InviteLinks {
                    bot_username: settings.telegram.bot_username.clone(),
                    mini_app_name: settings.telegram.mini_app_name.clone(),
                },
                cards.clone(),
            ),
            profiles,
            cards,
            registry,
            metrics,
            settings: Arc::new(settings),
            db,
            cache,
            clock,
        })
    }
}

fn llm_features(
    settings: &Settings,
    db: &Database,
    cache: &Arc<dyn Cache>,
    clock: &Arc<dyn Clock>,
    registry: &Registry,
    quotas: QuotaService,
) -> anyhow::Result<LlmFeatures> {
    let metrics = LlmMetrics::register(registry).context("cannot register LLM metrics")?;
    let llm = LlmGateway::from_settings(&settings.llm, db.clone(), clock.clone(), metrics, Arc::new(TokioSleeper))
        .context("cannot set up the LLM provider")?;
    if llm.is_none() {
        tracing::info!("no LLM provider configured: the tutor and card generation answer 503");
    }
    Ok(LlmFeatures {
        llm,
        quotas,
        prompts: Arc::new(Prompts::load().context("a prompt template does not compile")?),
        cache: cache.clone(),
    })
}

fn moderator(settings: &Settings, cache: &Arc<dyn Cache>) -> anyhow::Result<Moderator> {
    let llm = &settings.llm;
    Ok(match (&llm.moderation_model, llm.provider) {
        (Some(model), LlmProviderKind::OpenAi) => {
            Moderator::with_endpoint(cache.clone(), &llm.base_url, llm.openai_api_key.clone(), model.clone())
                .context("cannot set up moderation")?
        }
        _ => Moderator::local(cache.clone()),
    })
}
