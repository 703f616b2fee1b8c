use sea_orm::sqlx::{AssertSqlSafe, Connection, PgConnection};
use sea_orm::{ConnectOptions, Database};

use migration::{FINGERPRINT, Migrator, MigratorTrait};

const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const TEMPLATE_PREFIX: &str = "la_tpl_";
const TEST_DB_PREFIX: &str = "la_test_";
/// Serialises template creation across the test processes nextest runs in parallel.
const TEMPLATE_LOCK_KEY: i64 = 0x1a_a6e7_7e57;

/// A database that lives as long as this value and is dropped (with `FORCE`) afterwards.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    /// A database with every migration applied, cloned from the template in milliseconds.
    pub async fn migrated() -> Self {
        let mut admin = admin_connection().await;
        let template = ensure_template(&mut admin).await;
        Self::create(&mut admin, Some(&template)).await
    }

    /// An empty database, for tests of the migrations themselves.
    pub async fn empty() -> Self {
        let mut admin = admin_connection().await;
        Self::create(&mut admin, None).await
    }

    async fn create(admin: &mut PgConnection, template: Option<&str>) -> Self {
        let name = format!("{TEST_DB_PREFIX}{}", uuid::Uuid::new_v4().simple());
        let sql = match template {
            Some(t) => format!(r#"CREATE DATABASE "{name}" TEMPLATE "{t}""#),
            None => format!(r#"CREATE DATABASE "{name}""#),
        };
        execute(admin, &sql).await;
        let url = database_url(&name);
        Self { name, url }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs outside any runtime we may block on, so use a thread with its own.
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async move {
                let mut admin = PgConnection::connect(&admin_url()).await.ok()?;
                let sql = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
                // The name is ours (a prefix and a UUID), never user input.
                sea_orm::sqlx::query(AssertSqlSafe(sql)).execute(&mut admin).await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("warning: test database {} was not dropped", self.name);
        }
    }
}

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

fn database_url(name: &str) -> String {
    let admin = admin_url();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

async fn admin_connection() -> PgConnection {
    let url = admin_url();
    match PgConnection::connect(&url).await {
        Ok(conn) => conn,
        Err(e) => panic!(
            "\nPostgreSQL is not reachable at {url} ({e}).\n\
             Start it with:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\
             (or run `bash .ci/run`, which starts it), or point TEST_DATABASE_URL at a server \
             where the user may create databases.\n"
        ),
    }
}

/// Runs DDL built from names this module generates (never from input).
async fn execute(conn: &mut PgConnection, sql: &str) {
    if let Err(e) = sea_orm::sqlx::query(AssertSqlSafe(sql.to_owned())).execute(&mut *conn).await {
        panic!("test database set-up failed on `{sql}`: {e}");
    }
}

/// Returns the template's name, building it first if this migration set has none yet.
async fn ensure_template(admin: &mut PgConnection) -> String {
    let template = format!("{TEMPLATE_PREFIX}{FINGERPRINT}");
    execute(admin, &format!("SELECT pg_advisory_lock({TEMPLATE_LOCK_KEY})")).await;
    let exists: Option<(i32,)> = sea_orm::sqlx::query_as("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&template)
        .fetch_optional(&mut *admin)
        .await
        .expect("query pg_database");
    if exists.is_none() {
        build_template(admin, &template).await;
    }
    execute(admin, &format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK_KEY})")).await;
    template
}

async fn build_template(admin: &mut PgConnection, template: &str) {
    // Templates of older migration sets are no longer useful.
    let stale: Vec<(String,)> = sea_orm::sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE $1")
        .bind(format!("{TEMPLATE_PREFIX}%"))
        .fetch_all(&mut *admin)
        .await
        .expect("list templates");
    for (name,) in stale {
        execute(admin, &format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#)).await;
    }
    // Build under another name and rename when complete, so a crash never leaves a
    // half-migrated template behind under the real name.
    let building = format!("{template}_building");
    execute(admin, &format!(r#"DROP DATABASE IF EXISTS "{building}" WITH (FORCE)"#)).await;
    execute(admin, &format!(r#"CREATE DATABASE "{building}""#)).await;
    let mut options = ConnectOptions::new(database_url(&building));
    options.sqlx_logging(false).max_connections(1);
    let db = Database::connect(options).await.expect("connect to the template database");
    if let Err(e) = Migrator::up(&db, None).await {
        panic!("migrations failed on PostgreSQL: {e}");
    }
    db.close().await.expect("close the template connection");
    execute(admin, &format!(r#"ALTER DATABASE "{building}" RENAME TO "{template}""#)).await;
}
