//! The connection to the desk's PostgreSQL: a small pool, on a runtime of its own.
//!
//! The pool lives on a dedicated two-thread tokio runtime, so the same handle serves async
//! callers (`watch`, the feed) and the synchronous ones the audit log has always had (the
//! dashboard's update loop, the CLI), from inside or outside any other runtime: work is sent
//! to the team runtime and its answer waited for.

use std::future::Future;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::error::TeamError;
use super::migrations;
use super::settings::TeamSettings;

/// A connected, migrated team database. Cheap to clone.
#[derive(Clone)]
pub struct TeamDb {
    pool: PgPool,
    options: Arc<PgConnectOptions>,
    /// `user@host:port/db`, never the password: for messages and `config show`.
    described: Arc<str>,
}

impl std::fmt::Debug for TeamDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamDb")
            .field("database", &self.described)
            .finish()
    }
}

/// The runtime every team connection is made and driven on. Never dropped: dropping a
/// runtime from inside another one panics.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("accessdesk-team")
            .enable_all()
            .build()
            .expect("the team database runtime starts")
    })
}

impl TeamDb {
    /// Connect and bring the schema up to date (see [`migrations`]).
    pub fn connect(settings: &TeamSettings) -> Result<TeamDb, TeamError> {
        TeamDb::open(settings, true)
    }

    /// Connect without looking at the schema: for administration (creating the database).
    pub fn connect_unmigrated(settings: &TeamSettings) -> Result<TeamDb, TeamError> {
        TeamDb::open(settings, false)
    }

    fn open(settings: &TeamSettings, migrate: bool) -> Result<TeamDb, TeamError> {
        let options = settings.connect_options()?;
        let described: Arc<str> = describe(&options).into();
        let pool = run_blocking({
            let options = options.clone();
            let described = described.clone();
            async move {
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .min_connections(0)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|e| TeamError::connect(&described, e))?;
                if migrate {
                    migrations::apply(&pool, &described).await?;
                }
                Ok::<_, TeamError>(pool)
            }
        })?;
        Ok(TeamDb {
            pool,
            options: Arc::new(options),
            described,
        })
    }

    /// Which database this is, without the password.
    pub fn describe(&self) -> &str {
        &self.described
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The database role this connection acts as: the name claims and audit records carry.
    pub async fn role(&self) -> Result<String, TeamError> {
        let pool = self.pool.clone();
        self.run(async move {
            sqlx::query_scalar::<_, String>("SELECT session_user::text")
                .fetch_one(&pool)
                .await
        })
        .await
        .map_err(TeamError::query)
    }

    /// The options the pool connects with: for a `LISTEN` connection of its own.
    pub fn connect_options(&self) -> &PgConnectOptions {
        &self.options
    }

    /// Run one SQL statement (administration: roles, databases); how many rows it touched.
    pub fn execute(&self, sql: &str) -> Result<u64, TeamError> {
        let (pool, sql) = (self.pool.clone(), sql.to_string());
        self.block_on(async move {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .map(|done| done.rows_affected())
                .map_err(TeamError::query)
        })
    }

    /// Run `work` on the team runtime and wait for it: for synchronous callers, inside a
    /// runtime or not.
    pub fn block_on<T: Send + 'static>(&self, work: impl Future<Output = T> + Send + 'static) -> T {
        run_blocking(work)
    }

    /// Run `work` on the team runtime, for async callers on any runtime.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> T {
        match runtime().spawn(work).await {
            Ok(value) => value,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
}

fn run_blocking<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime().spawn(async move {
        let _ = tx.send(work.await);
    });
    match rx.recv() {
        Ok(value) => value,
        // The task panicked; its panic was already reported on the team runtime.
        Err(_) => panic!("a team database task panicked"),
    }
}

fn describe(options: &PgConnectOptions) -> String {
    let database = options.get_database().unwrap_or(options.get_username());
    match options.get_socket() {
        Some(socket) => format!("{}@{}/{database}", options.get_username(), socket.display()),
        None => format!(
            "{}@{}:{}/{database}",
            options.get_username(),
            options.get_host(),
            options.get_port()
        ),
    }
}

/// Parse a `postgres://` URL into options (its `sslmode` and the `PG*` environment
/// honoured), with `password` from the environment when given.
pub(super) fn options_from(
    url: &str,
    password: Option<&str>,
) -> Result<PgConnectOptions, sqlx::Error> {
    let mut options = PgConnectOptions::from_str(url)?.application_name("accessdesk");
    if let Some(password) = password {
        options = options.password(password);
    }
    Ok(options)
}
