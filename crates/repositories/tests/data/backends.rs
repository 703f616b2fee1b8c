//! The two databases every test here runs on.

use config::DatabaseSettings;
use repositories::Database;
use secrecy::SecretString;
use test_support::TestDatabase;

/// A database handle plus whatever must live as long as it (the PostgreSQL database or the
/// SQLite file's directory).
pub struct Backend {
    pub db: Database,
    _pg: Option<TestDatabase>,
    _dir: Option<TempDir>,
}

pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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
    let db = Database::connect(&settings(pg.url.clone())).await.unwrap();
    Backend {
        db,
        _pg: Some(pg),
        _dir: None,
    }
}

/// A migrated PostgreSQL database cloned from the template.
pub async fn migrated_postgres() -> Backend {
    let pg = TestDatabase::migrated().await;
    let db = Database::connect(&settings(pg.url.clone())).await.unwrap();
    Backend {
        db,
        _pg: Some(pg),
        _dir: None,
    }
}

/// An empty SQLite file in a fresh directory that does not exist yet (as on a fresh clone).
pub async fn empty_sqlite() -> Backend {
    let dir = std::env::temp_dir().join(format!("la-test-{}", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}/data/lang-agent.db?mode=rwc", dir.display());
    let db = Database::connect(&settings(url)).await.unwrap();
    Backend {
        db,
        _pg: None,
        _dir: Some(TempDir(dir)),
    }
}

pub async fn migrated_sqlite() -> Backend {
    let backend = empty_sqlite().await;
    backend.db.migrate().await.unwrap();
    backend
}
