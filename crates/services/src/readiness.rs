//! Readiness: can this process serve requests right now? Probes the database and the cache
//! concurrently, each with a deadline, so a hung dependency cannot hang the probe.

use std::sync::Arc;
use std::time::Duration;

use repositories::Database;

use crate::cache::Cache;

const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeResult {
    Ok,
    Down(String),
}

impl ProbeResult {
    pub fn is_ok(&self) -> bool {
        matches!(self, Self::Ok)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessReport {
    pub database: ProbeResult,
    pub cache: ProbeResult,
}

impl ReadinessReport {
    pub fn is_ready(&self) -> bool {
        self.database.is_ok() && self.cache.is_ok()
    }
}

#[derive(Debug, Clone)]
pub struct ReadinessService {
    db: Database,
    cache: Arc<dyn Cache>,
}

impl ReadinessService {
    pub fn new(db: Database, cache: Arc<dyn Cache>) -> Self {
        Self { db, cache }
    }

    pub async fn check(&self) -> ReadinessReport {
        let database = probe(self.db.ping());
        let cache = probe(self.cache.ping());
        let (database, cache) = tokio::join!(database, cache);
        if let ProbeResult::Down(why) = &database {
            tracing::warn!(why, "readiness: database is down");
        }
        if let ProbeResult::Down(why) = &cache {
            tracing::warn!(why, backend = self.cache.backend(), "readiness: cache is down");
        }
        ReadinessReport { database, cache }
    }
}

async fn probe<E: std::fmt::Display>(check: impl Future<Output = Result<(), E>>) -> ProbeResult {
    match tokio::time::timeout(PROBE_TIMEOUT, check).await {
        Ok(Ok(())) => ProbeResult::Ok,
        Ok(Err(e)) => ProbeResult::Down(e.to_string()),
        Err(_) => ProbeResult::Down(format!("no answer within {}s", PROBE_TIMEOUT.as_secs())),
    }
}
