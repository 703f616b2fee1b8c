use std::sync::Arc;

use config::Settings;
use repositories::Database;
use services::Clock;
use services::auth::AuthService;
use services::cache::Cache;
use services::cards::CardService;
use services::generation::GenerationService;
use services::idempotency::IdempotencyStore;
use services::profiles::ProfileService;
use services::quota::QuotaService;
use services::rate_limit::RateLimiter;
use services::readiness::ReadinessService;
use services::study::StudyService;
use services::tutor::TutorService;
use services::users::UserService;

use crate::metrics::Metrics;
use crate::middleware::cors::CorsPolicy;

/// Everything a handler may need, shared by all workers (`web::Data<AppState>`).
#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Database,
    pub cache: Arc<dyn Cache>,
    pub clock: Arc<dyn Clock>,
    pub readiness: ReadinessService,
    pub metrics: Metrics,
    pub cors: CorsPolicy,
    pub auth: AuthService,
    pub users: UserService,
    pub profiles: ProfileService,
    pub cards: CardService,
    pub study: StudyService,
    pub quotas: QuotaService,
    pub tutor: TutorService,
    pub generation: GenerationService,
    pub idempotency: IdempotencyStore,
    pub rate_limits: RateLimiter,
}
