//! Redis through a deadpool pool (`redis_connections`). Every operation has a deadline
//! (`REDIS_TIMEOUT_MS`), so an unreachable Redis turns into a quick error (and a 503 from
//! `/ready`) instead of a hung request, and a breaker keeps a request that makes several cache
//! calls from waiting out the deadline once per call while Redis is down.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use config::RedisSettings;
use deadpool_redis::redis::{self, FromRedisValue, RedisError};
use deadpool_redis::{PoolConfig, Runtime, Timeouts};
use secrecy::ExposeSecret;

use super::redis_connections::{Connection, Connections, Pool};
use super::{Cache, CacheError, CachePoolStats};

#[derive(Clone)]
pub struct RedisCache {
    pool: Pool,
    prefix: String,
    timeout: Duration,
    breaker: Arc<Breaker>,
}

impl std::fmt::Debug for RedisCache {
    // The URL may hold a password, so it is not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCache").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

impl RedisCache {
    /// Builds the pool without connecting: connections are opened on first use, so the
    /// process starts (and reports not-ready) while Redis is still coming up.
    pub fn new(settings: &RedisSettings) -> Result<Self, CacheError> {
        let timeout = Duration::from_millis(settings.timeout_ms);
        let invalid = |e: &dyn std::fmt::Display| CacheError::Unavailable(format!("invalid Redis configuration: {e}"));
        let connections = Connections::new(settings.url.expose_secret()).map_err(|e| invalid(&e))?;
        let pool = Pool::builder(connections)
            .config(PoolConfig {
                max_size: settings.pool_size,
                timeouts: Timeouts { wait: Some(timeout), create: Some(timeout), recycle: Some(timeout) },
                ..PoolConfig::default()
            })
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| invalid(&e))?;
        Ok(Self {
            pool,
            prefix: settings.key_prefix.clone(),
            timeout,
            breaker: Arc::new(Breaker::new(BREAKER_COOL_OFF)),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn run<T, F>(&self, command: F) -> Result<T, CacheError>
    where
        T: FromRedisValue,
        F: FnOnce(&mut redis::Pipeline),
    {
        if !self.breaker.admit() {
            return Err(CacheError::Unavailable("Redis was unreachable a moment ago; not waiting for it".into()));
        }
        self.attempt(command).await
    }

    /// One operation within the deadline, whatever the breaker says; its outcome closes or
    /// opens the breaker.
    async fn attempt<T, F>(&self, command: F) -> Result<T, CacheError>
    where
        T: FromRedisValue,
        F: FnOnce(&mut redis::Pipeline),
    {
        let work = async {
            let mut conn = self.pool.get().await.map_err(|e| CacheError::Unavailable(e.to_string()))?;
            let mut pipe = redis::pipe();
            command(&mut pipe);
            let result = pipe.query_async::<T>(&mut *conn).await;
            result.map_err(|e| {
                // A broken or refused connection is Redis out of reach; anything else (a wrong
                // type, a script error) is this command's own failure.
                if connection_lost(&e) {
                    discard(conn);
                    CacheError::Unavailable(e.to_string())
                } else {
                    CacheError::Command(e.to_string())
                }
            })
        };
        let result = match tokio::time::timeout(self.timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(CacheError::Unavailable("Redis did not answer in time".into())),
        };
        self.breaker.record(!matches!(result, Err(CacheError::Unavailable(_))));
        result
    }
}

fn connection_lost(error: &RedisError) -> bool {
    error.is_io_error() || error.is_connection_dropped() || error.is_unrecoverable_error()
}

/// Takes a broken connection out of the pool: the pool hands a connection used a moment ago out
/// again without pinging it, so a dead one left there would fail the next command too.
fn discard(conn: Connection) {
    drop(Connection::take(conn));
}

/// How long operations fail at once after one found Redis out of reach, before one tries again.
const BREAKER_COOL_OFF: Duration = Duration::from_secs(1);

/// After an operation finds Redis out of reach (refused, broken, or past its deadline), the
/// operations of the next `cool_off` fail at once; then a single operation tries again (the
/// others still fail at once) and its outcome closes the breaker or opens it for another
/// `cool_off`. A hung Redis so costs one request one deadline a second, instead of every cache
/// call of every request a deadline each; callers treat the failure as they treat any outage
/// (limits and quotas not enforced).
#[derive(Debug)]
struct Breaker {
    started: Instant,
    cool_off: Duration,
    /// Milliseconds since `started` until which operations fail at once; 0 when closed.
    open_until_ms: AtomicU64,
}

impl Breaker {
    fn new(cool_off: Duration) -> Self {
        Self { started: Instant::now(), cool_off, open_until_ms: AtomicU64::new(0) }
    }

    /// Never 0, so a deadline is never mistaken for "closed".
    fn deadline_from_now(&self) -> u64 {
        let now = self.started.elapsed() + self.cool_off;
        u64::try_from(now.as_millis()).unwrap_or(u64::MAX).max(1)
    }

    /// Whether this operation may try Redis: always while closed; once the cool-off is over,
    /// only the one caller that moves the deadline on (the probe).
    fn admit(&self) -> bool {
        let open_until = self.open_until_ms.load(Ordering::Acquire);
        if open_until == 0 {
            return true;
        }
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        now >= open_until
            && self
                .open_until_ms
                .compare_exchange(open_until, self.deadline_from_now(), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    fn record(&self, reachable: bool) {
        if reachable {
            // Read first: the common case (closed, Redis fine) then writes nothing shared.
            if self.open_until_ms.load(Ordering::Acquire) != 0 && self.open_until_ms.swap(0, Ordering::AcqRel) != 0 {
                tracing::info!("Redis answers again");
            }
        } else if self.open_until_ms.swap(self.deadline_from_now(), Ordering::AcqRel) == 0 {
            tracing::warn!(
                cool_off_ms = self.cool_off.as_millis(),
                "Redis out of reach; cache calls fail at once for a while"
            );
        }
    }
}

/// Check and increment in one step (a Lua script runs atomically in Redis).
const INCR_AT_MOST: &str = r"
local raw = redis.call('GET', KEYS[1])
local current = 0
if raw then
  current = tonumber(raw)
  if current == nil then return redis.error_reply('the key does not hold an integer') end
end
local by = tonumber(ARGV[1])
if current + by > tonumber(ARGV[2]) then return {0, current} end
local value = redis.call('INCRBY', KEYS[1], by)
redis.call('PEXPIRE', KEYS[1], ARGV[3], 'NX')
return {1, value}
";

const COMPARE_AND_SWAP: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'del' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end
return 1
";

fn ttl_ms(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait]
impl Cache for RedisCache {
    fn backend(&self) -> &'static str {
        "redis"
    }

    /// Always asks Redis (readiness must say what is true now, not what was a second ago), and
    /// a successful answer closes the breaker at once.
    async fn ping(&self) -> Result<(), CacheError> {
        let (_,): (String,) = self
            .attempt(|p| {
                p.cmd("PING");
            })
            .await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        let key = self.key(key);
        let (value,): (Option<String>,) = self
            .run(|p| {
                p.get(&key);
            })
            .await?;
        Ok(value)
    }

    async fn set_ex(&self, key: &str, value: &str, ttl: Duration) -> Result<(), CacheError> {
        let key = self.key(key);
        let (_,): (String,) = self
            .run(|p| {
                p.cmd("SET").arg(&key).arg(value).arg("PX").arg(ttl_ms(ttl));
            })
            .await?;
        Ok(())
    }

    async fn set_nx_ex(&self, key: &str, value: &str, ttl: Duration) -> Result<bool, CacheError> {
        let key = self.key(key);
        let (reply,): (Option<String>,) = self
            .run(|p| {
                p.cmd("SET").arg(&key).arg(value).arg("NX").arg("PX").arg(ttl_ms(ttl));
            })
            .await?;
        Ok(reply.is_some())
    }

    async fn get_del(&self, key: &str) -> Result<Option<String>, CacheError> {
        let key = self.key(key);
        let (value,): (Option<String>,) = self
            .run(|p| {
                p.cmd("GETDEL").arg(&key);
            })
            .await?;
        Ok(value)
    }

    async fn incr_by(&self, key: &str, by: i64, ttl: Duration) -> Result<i64, CacheError> {
        let key = self.key(key);
        // MULTI/EXEC: the increment and the first-time expiry happen together or not at all.
        let (value, _): (i64, i64) = self
            .run(|p| {
                p.atomic().incr(&key, by).cmd("PEXPIRE").arg(&key).arg(ttl_ms(ttl)).arg("NX");
            })
            .await?;
        Ok(value)
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, CacheError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = keys.iter().map(|key| self.key(key)).collect();
        let (values,): (Vec<Option<String>>,) = self
            .run(|p| {
                p.cmd("MGET").arg(&keys);
            })
            .await?;
        Ok(values)
    }

    async fn incr_each(&self, increments: &[(String, i64)], ttl: Duration) -> Result<Vec<i64>, CacheError> {
        if increments.is_empty() {
            return Ok(Vec::new());
        }
        let increments: Vec<(String, i64)> = increments.iter().map(|(key, by)| (self.key(key), *by)).collect();
        // One MULTI/EXEC: each increment with its first-time expiry; replies alternate
        // (new value, whether the expiry was set).
        let replies: Vec<i64> = self
            .run(|p| {
                let p = p.atomic();
                for (key, by) in &increments {
                    p.incr(key, *by).cmd("PEXPIRE").arg(key).arg(ttl_ms(ttl)).arg("NX");
                }
            })
            .await?;
        Ok(replies.chunks(2).filter_map(|pair| pair.first().copied()).collect())
    }

    async fn incr_by_at_most(
        &self,
        key: &str,
        by: i64,
        max: i64,
        ttl: Duration,
    ) -> Result<Result<i64, i64>, CacheError> {
        let key = self.key(key);
        let (reply,): (Vec<i64>,) = self
            .run(|p| {
                p.cmd("EVAL").arg(INCR_AT_MOST).arg(1).arg(&key).arg(by).arg(max).arg(ttl_ms(ttl));
            })
            .await?;
        match reply.as_slice() {
            [1, value] => Ok(Ok(*value)),
            [_, current] => Ok(Err(*current)),
            _ => Err(CacheError::Command("unexpected reply from the quota script".into())),
        }
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: &str,
        new: Option<&str>,
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let key = self.key(key);
        let (swapped,): (i64,) = self
            .run(|p| {
                let (action, value) = match new {
                    Some(value) => ("set", value),
                    None => ("del", ""),
                };
                p.cmd("EVAL")
                    .arg(COMPARE_AND_SWAP)
                    .arg(1)
                    .arg(&key)
                    .arg(expected)
                    .arg(action)
                    .arg(value)
                    .arg(ttl_ms(ttl));
            })
            .await?;
        Ok(swapped == 1)
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let key = self.key(key);
        let (removed,): (i64,) = self
            .run(|p| {
                p.del(&key);
            })
            .await?;
        Ok(removed > 0)
    }

    async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError> {
        let key = self.key(key);
        let (ms,): (i64,) = self
            .run(|p| {
                p.cmd("PTTL").arg(&key);
            })
            .await?;
        // -2: no such key; -1: no expiry (never written by us, reported as zero left).
        Ok(match ms {
            -2 => None,
            ms => Some(Duration::from_millis(u64::try_from(ms).unwrap_or(0))),
        })
    }

    fn pool_stats(&self) -> Option<CachePoolStats> {
        let status = self.pool.status();
        Some(CachePoolStats { size: status.size, available: status.available, max: status.max_size })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOL_OFF: Duration = Duration::from_millis(50);

    #[test]
    fn a_closed_breaker_admits_everyone() {
        let breaker = Breaker::new(COOL_OFF);
        assert!(breaker.admit());
        breaker.record(true);
        assert!(breaker.admit());
        assert!(breaker.admit());
    }

    #[test]
    fn an_outage_refuses_at_once_until_the_cool_off_then_admits_one_probe() {
        let breaker = Breaker::new(COOL_OFF);
        breaker.record(false);
        assert!(!breaker.admit(), "within the cool-off");
        std::thread::sleep(COOL_OFF + Duration::from_millis(10));
        assert!(breaker.admit(), "the probe");
        assert!(!breaker.admit(), "only one probe while it runs");
        breaker.record(true);
        assert!(breaker.admit(), "closed by the probe's success");
        assert!(breaker.admit());
    }

    #[test]
    fn a_failed_probe_opens_the_breaker_for_another_cool_off() {
        let breaker = Breaker::new(COOL_OFF);
        breaker.record(false);
        std::thread::sleep(COOL_OFF + Duration::from_millis(10));
        assert!(breaker.admit());
        breaker.record(false);
        assert!(!breaker.admit(), "open again right after the failed probe");
        std::thread::sleep(COOL_OFF + Duration::from_millis(10));
        assert!(breaker.admit());
    }
}
