//! The feed of changes to users that PostgreSQL announces (the triggers of migration
//! `m20261129_000064`): `NOTIFY lang_agent_user_changed, '<user id>'` at each commit that
//! changes what a cached user entry holds, and an empty payload for the heartbeats every
//! process sends so that its listener can tell a live connection from a silent one.

use domain::UserId;
use sea_orm::DbBackend;
use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
use sea_orm::{DbErr, RuntimeErr, SqlxError};
use std::sync::Arc;
use uuid::Uuid;

use crate::{Database, RepoError};

const CHANNEL: &str = "lang_agent_user_changed";

/// What the feed heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// This user's row, or their active profile, changed.
    User(UserId),
    /// A heartbeat (or a payload that names no user): the connection is alive.
    Alive,
}

/// One listening connection of its own (not one of the request pool's).
pub struct UserChangeFeed {
    listener: PgListener,
}

impl UserChangeFeed {
    /// Connects with `db`'s settings and starts listening; `None` on SQLite, which has no
    /// NOTIFY. Once this returns, every change committed afterwards is heard.
    pub async fn listen(db: &Database) -> Result<Option<Self>, RepoError> {
        if db.backend() != DbBackend::Postgres {
            return Ok(None);
        }
        let options = db.conn().get_postgres_connection_pool().connect_options();
        // A pool of one without idle limits: the listener re-acquires from it, and only here.
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with((*options).clone())
            .await
            .map_err(connection_error)?;
        let mut listener = PgListener::connect_with(&pool).await.map_err(connection_error)?;
        // A lost connection ends the feed (`next` answers `None`) instead of being replaced
        // behind the caller's back: what was missed meanwhile is unknown, and the caller must
        // know it.
        listener.eager_reconnect(false);
        listener.listen(CHANNEL).await.map_err(connection_error)?;
        Ok(Some(Self { listener }))
    }

    /// The next thing heard; `None` once the connection is lost (drop the feed, listen again).
    pub async fn next(&mut self) -> Result<Option<Heard>, RepoError> {
        let Some(notification) = self.listener.try_recv().await.map_err(connection_error)? else {
            return Ok(None);
        };
        Ok(Some(match Uuid::parse_str(notification.payload()) {
            Ok(id) => Heard::User(UserId::from_uuid(id)),
            Err(_) => Heard::Alive,
        }))
    }
}

/// Sends a heartbeat to every listener (this process's own included). Goes straight to the
/// pool, outside the statement observer: it is no request's round trip.
pub async fn heartbeat(db: &Database) -> Result<(), RepoError> {
    if db.backend() != DbBackend::Postgres {
        return Ok(());
    }
    sea_orm::sqlx::query("SELECT pg_notify($1, '')")
        .bind(CHANNEL)
        .execute(db.conn().get_postgres_connection_pool())
        .await
        .map_err(connection_error)?;
    Ok(())
}

/// The listener's errors are the connection's: a break here is a dependency's outage.
fn connection_error(err: SqlxError) -> RepoError {
    RepoError::Database(DbErr::Conn(RuntimeErr::SqlxError(Arc::new(err))))
}
