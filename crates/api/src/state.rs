use std::ops::Deref;

use services::App;

use crate::cors_policy::CorsPolicy;
use crate::metrics::Metrics;

/// What a handler may need, shared by all workers (`web::Data<AppState>`): the service graph
/// every binary builds the same way, plus what only HTTP has (its metrics, the CORS policy).
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Metrics,
    pub cors: CorsPolicy,
}

impl AppState {
    pub fn new(app: App) -> Result<Self, prometheus::Error> {
        let metrics = Metrics::register(&app.registry)?;
        let cors = CorsPolicy::new(app.settings.server.cors_origins.clone(), app.settings.app_env.is_development());
        Ok(Self { app, metrics, cors })
    }
}

/// Handlers reach the services as `state.cards`, `state.tutor`, …
impl Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}
