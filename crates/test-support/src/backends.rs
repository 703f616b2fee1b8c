//! A `repositories::Database` on either engine, for tests that must hold on both.

use config::DatabaseSettings;
use repositories::Database;
use secrecy::SecretString;

use crate::TestDatabase;

/// A database handle plus whatever must live as long as it.
pub struct Backend {
    pub db: Database,
    _pg: Option<TestDatabase>,
    _dir: Option<crate::process::ScratchDir>,
}

fn settings(url: String) -> DatabaseSettings {
    DatabaseSettings {
        url: SecretString::from(url),
        max_connections: 5,
        connect_timeout_seconds: 5,
        run_migrations: false,
    }
}

/// An empty PostgreSQL database (no migrations applied).
pub async fn empty_postgres() -> Backend {
    let pg = TestDatabase::empty().await;
    let db = Database::connect(&settings(pg.url.clone())).await.expect("connect to PostgreSQL");
    Backend { db, _pg: Some(pg), _dir: None }
}

/// A migrated PostgreSQL database cloned from the template.
pub async fn migrated_postgres() -> Backend {
    let pg = TestDatabase::migrated().await;
    let db = Database::connect(&settings(pg.url.clone())).await.expect("connect to PostgreSQL");
    Backend { db, _pg: Some(pg), _dir: None }
}

/// An empty SQLite file under a `data/` directory that does not exist yet (as on a fresh clone).
pub async fn empty_sqlite() -> Backend {
    let dir = crate::process::ScratchDir::new();
    let url = format!("sqlite://{}/data/lang-agent.db?mode=rwc", dir.0.display());
    let db = Database::connect(&settings(url)).await.expect("open SQLite");
    Backend { db, _pg: None, _dir: Some(dir) }
}

pub async fn migrated_sqlite() -> Backend {
    let backend = empty_sqlite().await;
    backend.db.migrate().await.expect("migrate SQLite");
    backend
}
