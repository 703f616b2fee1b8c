//! The connection pool's checkout. sqlx pings a pooled connection before every checkout unless
//! told otherwise, a second round trip for every statement; ours pings only a connection that
//! sat unused for `PING_AFTER_IDLE`, which is where a dropped connection hides.

use std::time::Duration;

use config::DatabaseSettings;
use repositories::{Database, PING_AFTER_IDLE};
use secrecy::SecretString;
use test_support::TestDatabase;
use test_support::fault_proxy::FaultProxy;
use test_support::process::ScratchDir;

pub(crate) fn one_connection(url: String) -> DatabaseSettings {
    DatabaseSettings {
        url: SecretString::from(url),
        max_connections: 1,
        connect_timeout_seconds: 5,
        run_migrations: false,
    }
}

/// A migrated SQLite database in `dir`, on one connection (whose prepared statements a test
/// can read from `sqlite_stmt`).
pub(crate) async fn migrated_sqlite(dir: &ScratchDir) -> Database {
    let url = format!("sqlite://{}/lang-agent.db?mode=rwc", dir.0.display());
    let db = Database::connect(&one_connection(url)).await.unwrap();
    db.migrate().await.unwrap();
    db
}

#[tokio::test]
async fn a_connection_in_use_is_handed_out_without_a_ping() {
    let pg = TestDatabase::migrated().await;
    let db = Database::connect(&one_connection(pg.url.clone())).await.unwrap();
    let pool = db.conn().get_postgres_connection_pool();
    assert!(!pool.options().get_test_before_acquire(), "no ping on every checkout");
}

/// A connection the server closed while it sat unused (a database restart) is replaced before a
/// statement uses it, with or without the checkout's ping: sqlx drops an idle connection whose
/// socket closed. The ping after `PING_AFTER_IDLE` is for the silent kind (a firewall or NAT
/// forgetting the flow), which no local proxy imitates without stalling the test.
#[tokio::test]
async fn a_connection_dropped_while_quiet_is_replaced_before_a_statement_uses_it() {
    let pg = TestDatabase::migrated().await;
    let (proxy, through) = FaultProxy::in_front_of(&pg.url).await;
    let db = Database::connect(&one_connection(through)).await.unwrap();
    db.ping().await.unwrap();

    proxy.cut();
    tokio::time::sleep(Duration::from_millis(50)).await; // the proxy drops the connection
    proxy.restore();
    tokio::time::sleep(PING_AFTER_IDLE + Duration::from_millis(100)).await;
    db.ping().await.expect("the dropped connection was replaced, not used");
}
