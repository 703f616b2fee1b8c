//! The Redis connection pool's manager. deadpool-redis's own manager sends `UNWATCH` + `PING`
//! every time a connection leaves the pool, a second Redis round trip for every command we
//! run (measured: a third of `/api/me`'s throughput, docs/performance.md). This one hands out a
//! connection used within the last `PING_AFTER_IDLE` as it is and pings only a quiet one, the
//! way HikariCP skips validating connections used in the last 500 ms. A connection found broken
//! while in use is taken out of the pool by the caller (`RedisCache::attempt`), so skipping the
//! ping never hands a dead connection out twice.

use std::time::Duration;

use deadpool::managed::{self, Metrics, RecycleResult};
use deadpool_redis::redis::aio::MultiplexedConnection;
use deadpool_redis::redis::{IntoConnectionInfo, RedisError};
// One rule for both pools: a connection quiet this long may have been dropped by the server, a
// proxy or a firewall, so it is pinged before use; a busier one is not.
use repositories::PING_AFTER_IDLE;

pub(super) type Pool = managed::Pool<Connections>;
pub(super) type Connection = managed::Object<Connections>;

pub(super) struct Connections {
    inner: deadpool_redis::Manager,
}

impl Connections {
    pub(super) fn new(url: impl IntoConnectionInfo) -> Result<Self, RedisError> {
        Ok(Self { inner: deadpool_redis::Manager::new(url)? })
    }
}

/// Whether a connection last handed out `last_used` ago is pinged before it is handed out again.
pub(super) fn needs_ping(last_used: Duration) -> bool {
    last_used >= PING_AFTER_IDLE
}

impl managed::Manager for Connections {
    type Type = MultiplexedConnection;
    type Error = RedisError;

    async fn create(&self) -> Result<MultiplexedConnection, RedisError> {
        self.inner.create().await
    }

    async fn recycle(&self, conn: &mut MultiplexedConnection, metrics: &Metrics) -> RecycleResult<RedisError> {
        if !needs_ping(metrics.last_used()) {
            return Ok(());
        }
        self.inner.recycle(conn, metrics).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_connection_quiet_for_a_second_is_pinged() {
        assert!(!needs_ping(Duration::ZERO));
        assert!(!needs_ping(Duration::from_millis(999)));
        assert!(needs_ping(PING_AFTER_IDLE));
        assert!(needs_ping(Duration::from_secs(300)));
    }
}
