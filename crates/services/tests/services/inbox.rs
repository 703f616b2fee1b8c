//! The Telegram inbox on both engines: stored once, claimed in order per chat, retried,
//! parked, and taken again when a processor dies holding a claim.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use repositories::inbox::{self, ClaimedUpdate};
use services::ManualClock;
use services::inbox::{HandlerError, InboxProcessor, ProcessorConfig, Received, UpdateHandler};
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};
use tokio::sync::watch;

fn update(update_id: i64, chat: i64) -> String {
    format!(
        r#"{{"update_id":{update_id},"message":{{"message_id":{update_id},"chat":{{"id":{chat},"type":"private"}},"text":"t"}}}}"#
    )
}

/// Records what it handled; fails updates listed in `failing` as many times as listed.
#[derive(Default)]
struct Recorder {
    handled: Mutex<Vec<i64>>,
    failing: Mutex<HashMap<i64, (u32, bool)>>,
}

#[async_trait::async_trait]
impl UpdateHandler for Recorder {
    async fn handle(&self, update: &ClaimedUpdate) -> Result<(), HandlerError> {
        let failure = {
            let mut failing = self.failing.lock().unwrap();
            match failing.get_mut(&update.update_id) {
                Some((left, retryable)) if *left > 0 => {
                    *left -= 1;
                    Some(*retryable)
                }
                _ => None,
            }
        };
        match failure {
            Some(true) => Err(HandlerError::retry("flaky")),
            Some(false) => Err(HandlerError::park("poison")),
            None => {
                self.handled.lock().unwrap().push(update.update_id);
                Ok(())
            }
        }
    }
}

fn config() -> ProcessorConfig {
    ProcessorConfig {
        concurrency: 4,
        // Far longer than `drain` moves the clock, so only the test's own claim ever expires.
        lease: Duration::from_secs(3600),
        max_attempts: 3,
        idle_poll: Duration::from_millis(20),
        shutdown_grace: Duration::from_secs(5),
        claim_gap: Duration::from_millis(5),
    }
}

/// Runs a processor until every update is finished (done or parked), moving the clock past
/// retry backoffs, then stops it.
async fn drain(app: &services::App, clock: &ManualClock, handler: Arc<Recorder>) {
    let (stop, stopped) = watch::channel(false);
    let processor = InboxProcessor::new(app.inbox.clone(), handler, config());
    let running = tokio::spawn(processor.run(stopped));
    for _ in 0..400 {
        if app.inbox.backlog().await.unwrap() == 0 {
            break;
        }
        clock.advance(chrono::Duration::seconds(5));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.send(true).unwrap();
    running.await.unwrap();
    assert_eq!(app.inbox.backlog().await.unwrap(), 0, "the inbox drains");
}

async fn scenario(backend: Backend) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);

    // Stored once, whatever Telegram redelivers.
    assert_eq!(app.inbox.receive(&update(10, 1)).await.unwrap(), Received::Stored);
    assert_eq!(app.inbox.receive(&update(10, 1)).await.unwrap(), Received::Duplicate);

    // One chat's updates wait for the earlier ones; other chats go ahead.
    for (id, chat) in [(11, 1), (12, 2), (13, 1), (14, 2), (15, 3)] {
        app.inbox.receive(&update(id, chat)).await.unwrap();
    }
    let now = services::Clock::now(&clock);
    let first = inbox::claim(backend.db.conn(), now, now + chrono::Duration::seconds(60), 10).await.unwrap();
    let ids: Vec<i64> = first.iter().map(|u| u.update_id).collect();
    assert_eq!(ids, vec![10, 12, 15], "the earliest update of each chat, one per chat");
    assert!(first.iter().all(|u| u.attempts == 1));
    // Nothing else of chats 1 and 2 runs while their first updates are claimed.
    let second = inbox::claim(backend.db.conn(), now, now + chrono::Duration::seconds(60), 10).await.unwrap();
    assert!(second.is_empty(), "{second:?}");

    // The claimer "dies": after the lease, the same updates are taken again.
    clock.advance(chrono::Duration::seconds(61));
    let handler = Arc::new(Recorder::default());
    // 13 fails twice and then works; 14 is poison and is parked without holding chat 2 up.
    handler.failing.lock().unwrap().extend([(13, (2, true)), (14, (1, false))]);
    app.inbox.receive(&update(16, 2)).await.unwrap();
    drain(&app, &clock, handler.clone()).await;

    let handled = handler.handled.lock().unwrap().clone();
    let order_of = |chat: &[i64]| handled.iter().copied().filter(|id| chat.contains(id)).collect::<Vec<_>>();
    assert_eq!(order_of(&[10, 11, 13]), vec![10, 11, 13], "chat 1 in update order");
    assert_eq!(order_of(&[12, 14, 16]), vec![12, 16], "chat 2 in order, the poison update left out");
    assert_eq!(handled.iter().filter(|id| **id == 15).count(), 1);
    assert_eq!(handled.len(), 6, "each update handled once: {handled:?}");

    let flaky = app.inbox.find(13).await.unwrap().unwrap();
    assert_eq!((flaky.status.as_str(), flaky.attempts), ("done", 3));
    let poison = app.inbox.find(14).await.unwrap().unwrap();
    assert_eq!((poison.status.as_str(), poison.last_error.as_deref()), ("failed", Some("poison")));
    let revived = app.inbox.find(10).await.unwrap().unwrap();
    assert_eq!((revived.status.as_str(), revived.attempts), ("done", 2), "taken again after the lease");

    // A flaky update that never recovers is parked after the attempt limit.
    app.inbox.receive(&update(20, 9)).await.unwrap();
    let handler = Arc::new(Recorder::default());
    handler.failing.lock().unwrap().insert(20, (99, true));
    drain(&app, &clock, handler.clone()).await;
    let exhausted = app.inbox.find(20).await.unwrap().unwrap();
    assert_eq!((exhausted.status.as_str(), exhausted.attempts), ("failed", 3));
    assert!(handler.handled.lock().unwrap().is_empty());

    // Finished rows are pruned by age; a fresh redelivery of a pruned id would be new again.
    clock.advance(chrono::Duration::days(3));
    assert_eq!(app.inbox.prune(chrono::Duration::days(2)).await.unwrap(), 8);
}

#[tokio::test]
async fn on_postgres() {
    scenario(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    scenario(migrated_sqlite().await).await;
}

/// Two processors claiming at once never take the same update.
#[tokio::test]
async fn concurrent_claimers_share_the_work_without_overlap() {
    let backend = migrated_postgres().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    for id in 0..200 {
        app.inbox.receive(&update(1000 + id, id)).await.unwrap();
    }
    let now = services::Clock::now(&clock);
    let claim = || {
        let conn = backend.db.clone();
        async move {
            let mut mine = Vec::new();
            loop {
                let got = inbox::claim(conn.conn(), now, now + chrono::Duration::seconds(60), 7).await.unwrap();
                if got.is_empty() {
                    return mine;
                }
                mine.extend(got.into_iter().map(|u| u.update_id));
            }
        }
    };
    let (a, b) = tokio::join!(tokio::spawn(claim()), tokio::spawn(claim()));
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut all: Vec<i64> = a.iter().chain(&b).copied().collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), a.len() + b.len(), "no update claimed twice");
    assert_eq!(all.len(), 200);
}
