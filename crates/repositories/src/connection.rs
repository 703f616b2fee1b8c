//! Connection set-up for PostgreSQL (production, tests) and SQLite (embedded local default).

use std::path::Path;
use std::time::Duration;

use config::DatabaseSettings;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, DatabaseConnection, DbBackend};
use secrecy::ExposeSecret;

use crate::RepoError;
use migration::{Migrator, MigratorTrait};

/// The application's database handle: a pooled sea-orm connection.
#[derive(Debug, Clone)]
pub struct Database {
    conn: DatabaseConnection,
}

/// Pool occupancy, exported as metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// How long a pooled connection may sit unused before it is pinged on checkout: the rule of the
/// database pool here and of the Redis pool (`services::cache`).
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

impl Database {
    pub async fn connect(settings: &DatabaseSettings) -> Result<Self, RepoError> {
        let url = settings.url.expose_secret();
        if url.starts_with("sqlite:") {
            ensure_sqlite_directory(url)?;
        }
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(settings.max_connections)
            .min_connections(0)
            .connect_timeout(Duration::from_secs(settings.connect_timeout_seconds))
            .acquire_timeout(Duration::from_secs(settings.connect_timeout_seconds))
            .idle_timeout(Duration::from_secs(300))
            // sqlx pings a pooled connection before every checkout unless told otherwise: a
            // second round trip for every statement (docs/performance.md). Only a connection
            // quiet for PING_AFTER_IDLE, which a restart, proxy or firewall may have dropped,
            // is pinged now; HikariCP does the same for connections used in the last 500 ms.
            .test_before_acquire_if_idle_for(PING_AFTER_IDLE)
            // Statements are traced by our own spans; sqlx's per-query INFO lines are noise.
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts: SqliteConnectOptions| {
                // WAL lets readers run beside the single writer; a busy timeout turns lock
                // contention into a short wait instead of an error.
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    // 1 MiB of page cache per connection instead of SQLite's 2 MiB: the OS
                    // caches the file anyway, and ten connections' caches were a third of
                    // the api-server's memory under load (docs/performance.md).
                    .pragma("cache_size", "-1024")
            });
        let conn = sea_orm::Database::connect(options).await?;
        Ok(Self { conn })
    }

    /// Calls `observer` with the SQL of every statement run through this handle (and the
    /// transactions it begins); tests count round trips with it. BEGIN and COMMIT are not
    /// reported.
    pub fn observe_statements(&mut self, observer: impl Fn(&str) + Send + Sync + 'static) {
        self.conn.set_metric_callback(move |info| observer(&info.statement.sql));
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// A round trip to the server (`SELECT 1`), for readiness probes.
    pub async fn ping(&self) -> Result<(), RepoError> {
        Ok(self.conn.ping().await?)
    }

    /// Applies every pending migration; a no-op when the schema is current.
    pub async fn migrate(&self) -> Result<(), RepoError> {
        Ok(Migrator::up(&self.conn, None).await?)
    }

    /// Number of migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<usize, RepoError> {
        Ok(Migrator::get_pending_migrations(&self.conn).await?.len())
    }

    pub fn pool_stats(&self) -> PoolStats {
        match self.backend() {
            DbBackend::Postgres => {
                let pool = self.conn.get_postgres_connection_pool();
                PoolStats {
                    size: pool.size(),
                    idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                    max: pool.options().get_max_connections(),
                }
            }
            DbBackend::Sqlite => {
                let pool = self.conn.get_sqlite_connection_pool();
                PoolStats {
                    size: pool.size(),
                    idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                    max: pool.options().get_max_connections(),
                }
            }
            _ => PoolStats { size: 0, idle: 0, max: 0 },
        }
    }

    pub async fn close(self) -> Result<(), RepoError> {
        Ok(self.conn.close().await?)
    }
}

/// `sqlite://data/lang-agent.db?mode=rwc` needs `data/` to exist before SQLite can create the file.
fn ensure_sqlite_directory(url: &str) -> Result<(), RepoError> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//").split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return Ok(());
    }
    match Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|e| RepoError::Setup(format!("cannot create {}: {e}", dir.display())))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_the_directory_of_a_relative_sqlite_file() {
        let dir = std::env::temp_dir().join(format!("la-sqlite-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}/nested/app.db?mode=rwc", dir.display());
        ensure_sqlite_directory(&url).unwrap();
        assert!(dir.join("nested").is_dir());
        std::fs::remove_dir_all(dir).unwrap();
        ensure_sqlite_directory("sqlite::memory:").unwrap();
    }
}
