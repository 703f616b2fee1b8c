//! Work that must finish once started: an answer being saved, quota being settled, an
//! idempotency key being completed. It runs on its own task, so a caller that goes away (an
//! HTTP client disconnecting, a bot update timing out) does not cancel it halfway, and a panic
//! inside it becomes an error instead of a lost task. Also the periodic upkeep that lives as long
//! as what it keeps up (`every`).

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::FutureExt;
use tokio::task::JoinHandle;

/// The detached work panicked; details are in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the work panicked")]
pub struct Panicked;

#[derive(Debug)]
pub struct Detached<T, E> {
    handle: JoinHandle<Result<T, E>>,
}

impl<T: Send + 'static, E: From<Panicked> + Send + 'static> Detached<T, E> {
    pub fn spawn(work: impl Future<Output = Result<T, E>> + Send + 'static) -> Self {
        let handle = tokio::spawn(async move {
            match AssertUnwindSafe(work).catch_unwind().await {
                Ok(result) => result,
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    tracing::error!(panic = %what, "detached work panicked");
                    Err(Panicked.into())
                }
            }
        });
        Self { handle }
    }

    /// Waits for the work's result; dropping `self` instead lets it finish unobserved.
    pub async fn outcome(self) -> Result<T, E> {
        self.handle.await.unwrap_or_else(|_| Err(Panicked.into()))
    }
}

/// Runs `tick` every `period` on a task of its own for as long as `owner` lives (a late tick
/// waits for the next instead of bursting to catch up): background upkeep that ends with
/// whatever it keeps up.
pub fn every<T, Tick, Fut>(period: Duration, owner: Weak<T>, mut tick: Tick)
where
    T: Send + Sync + 'static,
    Tick: FnMut(Arc<T>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(owner) = owner.upgrade() else { break };
            tick(owner).await;
        }
    });
}
