//! Readiness: can this process serve requests right now? Probes the database and the cache
//! concurrently, each with a deadline, so a hung dependency cannot hang the probe.

use std::sync::Arc;
use std::time::Duration;

use repositories::{Database, RepoError};

use crate::cache::Cache;

const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// A pooled connection that broke while the database was away fails the next statement it
/// runs, and the pool then closes it (pings wait for a second of idleness: docs/decisions.md,
/// "Study-loop statements"). The probe asks again, on another connection or a new one, before
/// it calls the database down, so the first probe after an outage does not fail on a
/// connection from before it.
const DATABASE_ATTEMPTS: u32 = 3;

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
        let database = probe(ping_database(&self.db));
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

async fn ping_database(db: &Database) -> Result<(), RepoError> {
    let mut attempt = 1;
    loop {
        match db.ping().await {
            Err(_) if attempt < DATABASE_ATTEMPTS => attempt += 1,
            outcome => return outcome,
        }
    }
}

async fn probe<E: std::fmt::Display>(check: impl Future<Output = Result<(), E>>) -> ProbeResult {
    match tokio::time::timeout(PROBE_TIMEOUT, check).await {
        Ok(Ok(())) => ProbeResult::Ok,
        Ok(Err(e)) => ProbeResult::Down(e.to_string()),
        Err(_) => ProbeResult::Down(format!("no answer within {}s", PROBE_TIMEOUT.as_secs())),
    }
}
