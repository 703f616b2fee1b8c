//! The inbox and outbox backlog gauges on both engines: depth and the oldest row's age, read
//! by one statement when metrics are rendered, and reused for a few seconds after.

use chrono::{Duration, TimeZone, Utc};
use repositories::outbox::{self, NewMessage};
use services::ManualClock;
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn update(update_id: i64, chat: i64) -> String {
    format!(
        r#"{{"update_id":{update_id},"message":{{"message_id":{update_id},"chat":{{"id":{chat},"type":"private"}},"text":"t"}}}}"#
    )
}

fn gauge(app: &services::App, name: &str) -> i64 {
    let text = prometheus::TextEncoder::new().encode_to_string(&app.registry.gather()).unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("lang_agent_{name} ")))
        .unwrap_or_else(|| panic!("{name} missing from:\n{text}"))
        .parse()
        .unwrap()
}

async fn scenario(backend: Backend) {
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let clock = ManualClock::new(start);
    let app = crate::app_on(&backend, &clock);

    app.metrics.backlog.refresh().await;
    assert_eq!(gauge(&app, "inbox_depth"), 0);
    assert_eq!(gauge(&app, "inbox_oldest_age_seconds"), 0, "no backlog, no age");
    assert_eq!(gauge(&app, "outbox_depth"), 0);

    app.inbox.receive(&update(1, 10)).await.unwrap();
    clock.advance(Duration::seconds(30));
    app.inbox.receive(&update(2, 11)).await.unwrap();
    app.inbox.receive(&update(3, 10)).await.unwrap();
    // A finished update is history, not backlog.
    app.inbox.receive(&update(4, 12)).await.unwrap();
    repositories::inbox::mark_done(app.db.conn(), 4, services::Clock::now(&clock)).await.unwrap();
    let message = |chat_id| NewMessage {
        user_id: None,
        chat_id,
        kind: "streak_reminder",
        payload: r#"{"html":"hi"}"#.into(),
        now: services::Clock::now(&clock),
    };
    outbox::enqueue(app.db.conn(), message(10)).await.unwrap();
    let sent = outbox::enqueue(app.db.conn(), message(11)).await.unwrap();
    outbox::mark_sent(app.db.conn(), sent, services::Clock::now(&clock)).await.unwrap();
    clock.advance(Duration::seconds(90));

    // The first sample above was moments ago: it is reused, not queried again.
    app.metrics.backlog.refresh().await;
    assert_eq!(gauge(&app, "inbox_depth"), 0, "sampled at most once per ten seconds");

    let sample = repositories::backlog::sample(app.db.conn()).await.unwrap();
    assert_eq!(sample.inbox.depth, 3);
    assert_eq!(sample.inbox.oldest, Some(start));
    assert_eq!(sample.outbox.depth, 1);
    assert_eq!(sample.outbox.oldest, Some(start + Duration::seconds(30)));

    // The graph's own gauges, once the reuse window has passed.
    tokio::time::sleep(std::time::Duration::from_millis(10_100)).await;
    app.metrics.backlog.refresh().await;
    assert_eq!(gauge(&app, "inbox_depth"), 3);
    assert_eq!(gauge(&app, "inbox_oldest_age_seconds"), 120);
    assert_eq!(gauge(&app, "outbox_depth"), 1);
    assert_eq!(gauge(&app, "outbox_oldest_age_seconds"), 90);
}

#[tokio::test]
async fn on_postgres() {
    scenario(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    scenario(migrated_sqlite().await).await;
}
