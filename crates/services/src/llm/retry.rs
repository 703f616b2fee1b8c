//! The one retry layer: bounded attempts, exponential backoff with jitter, and the provider's
//! `Retry-After` when it sends one. Sleeping goes through [`Sleeper`], so tests check the
//! waits without waiting.

use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;

use super::LlmError;

#[async_trait]
pub trait Sleeper: Send + Sync + std::fmt::Debug {
    async fn sleep(&self, duration: Duration);
}

#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

#[async_trait]
impl Sleeper for TokioSleeper {
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    /// No wait, not even one the provider asks for, is longer than this.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 3, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(30) }
    }
}

/// A failed attempt: the error and, for 429/503, how long the provider asked us to wait.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: LlmError,
    pub retry_after: Option<Duration>,
    /// Part of the answer was already streamed out: a retry would repeat it, so none is made.
    pub committed: bool,
}

impl Failure {
    pub(crate) fn new(error: LlmError) -> Self {
        Self { error, retry_after: None, committed: false }
    }
}

impl RetryPolicy {
    pub(crate) async fn run<T, F, Fut>(&self, sleeper: &dyn Sleeper, mut attempt: F) -> Result<T, LlmError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            match attempt().await {
                Ok(value) => return Ok(value),
                Err(failure) if !failure.committed && failure.error.is_retryable() && tries < self.max_attempts => {
                    let wait = failure.retry_after.unwrap_or_else(|| self.backoff(tries)).min(self.max_delay);
                    tracing::warn!(attempt = tries, wait_ms = wait.as_millis() as u64, error = %failure.error, "LLM call failed; retrying");
                    sleeper.sleep(wait).await;
                }
                Err(failure) => return Err(failure.error),
            }
        }
    }

    /// base · 2^(n-1), with up to 25 % jitter so clients that failed together do not retry together.
    fn backoff(&self, tries: u32) -> Duration {
        let exponential = self.base_delay.saturating_mul(1 << tries.saturating_sub(1).min(16));
        let jitter = rand::rng().random_range(0.0..0.25);
        exponential.mul_f64(1.0 + jitter)
    }
}

/// `Retry-After` as seconds (HTTP dates are rare from LLM APIs and are ignored).
pub(crate) fn parse_retry_after(value: Option<&str>) -> Option<Duration> {
    let seconds: f64 = value?.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}
