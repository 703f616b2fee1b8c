//! Work that must finish once started: an answer being saved, quota being settled, an
//! idempotency key being completed. It runs on its own task, so a caller that goes away (an
//! HTTP client disconnecting, a bot update timing out) does not cancel it halfway, and a panic
//! inside it becomes an error instead of a lost task.

use std::panic::AssertUnwindSafe;

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
