//! Prometheus metrics of the HTTP layer and of the pools behind it, in the registry of the
//! service graph (`App::registry`, one per app, so tests can run many apps in one process);
//! pool gauges are read at scrape time, and the inbox/outbox backlog gauges of
//! `services::metrics` sampled then (at most once per ten seconds).

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use services::App;

#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    pub http_in_flight: IntGauge,
    db_pool: IntGaugeVec,
    cache_pool: IntGaugeVec,
    user_cache_hearing: IntGauge,
}

impl Metrics {
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let http_requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route template, method and status"),
            &["route", "method", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0]),
            &["route", "method"],
        )?;
        let http_in_flight = IntGauge::new("http_requests_in_flight", "HTTP requests being served")?;
        let db_pool =
            IntGaugeVec::new(Opts::new("db_pool_connections", "Database pool connections by state"), &["state"])?;
        let cache_pool =
            IntGaugeVec::new(Opts::new("cache_pool_connections", "Redis pool connections by state"), &["state"])?;
        let user_cache_hearing = IntGauge::new(
            "user_cache_hears_changes",
            "1 while this process hears PostgreSQL's notices of changes to users (cached users then live \
             AUTH_USER_CACHE_LISTEN_SECONDS), else 0 (AUTH_USER_CACHE_SECONDS)",
        )?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(http_in_flight.clone()))?;
        registry.register(Box::new(db_pool.clone()))?;
        registry.register(Box::new(cache_pool.clone()))?;
        registry.register(Box::new(user_cache_hearing.clone()))?;
        #[cfg(target_os = "linux")]
        registry.register(Box::new(prometheus::process_collector::ProcessCollector::for_self()))?;
        Ok(Self {
            registry: registry.clone(),
            http_requests,
            http_duration,
            http_in_flight,
            db_pool,
            cache_pool,
            user_cache_hearing,
        })
    }

    /// Refreshes the pool, user-cache and backlog gauges and renders the text exposition format.
    pub async fn render(&self, app: &App) -> Result<String, prometheus::Error> {
        app.metrics.backlog.refresh().await;
        let pool = app.db.pool_stats();
        self.db_pool.with_label_values(&["idle"]).set(i64::from(pool.idle));
        self.db_pool.with_label_values(&["in_use"]).set(i64::from(pool.size.saturating_sub(pool.idle)));
        self.db_pool.with_label_values(&["max"]).set(i64::from(pool.max));
        if let Some(stats) = app.cache.pool_stats() {
            let as_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
            self.cache_pool.with_label_values(&["idle"]).set(as_i64(stats.available));
            self.cache_pool.with_label_values(&["in_use"]).set(as_i64(stats.size.saturating_sub(stats.available)));
            self.cache_pool.with_label_values(&["max"]).set(as_i64(stats.max));
        }
        self.user_cache_hearing.set(i64::from(app.user_cache.hears_changes()));
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        String::from_utf8(buffer).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}
