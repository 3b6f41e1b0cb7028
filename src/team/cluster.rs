//! A throwaway PostgreSQL server in a temporary directory, from the machine's own `initdb`
//! and `pg_ctl`: what the team-mode tests, the team bench and `demo --team` run against.
//!
//! PostgreSQL refuses to run as root, and CI runs as root: then the data directory is handed
//! to the unprivileged `postgres` account and the server runs as that account. It listens on
//! 127.0.0.1 only, on a free port, with password (SCRAM) authentication for TCP, so the roles
//! the tests create log in as themselves.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The superuser the cluster is created with, and its password (a test fixture, on loopback).
pub const ADMIN_ROLE: &str = "accessdesk_admin";
const ADMIN_PASSWORD: &str = "admin-password-for-a-throwaway-cluster";

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no PostgreSQL server programs (initdb, pg_ctl) on this machine; install the \
         PostgreSQL server package (Debian: apt-get install postgresql)"
    )]
    NotInstalled,
    #[error("cannot prepare the PostgreSQL directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("{program} failed: {output}")]
    Failed { program: String, output: String },
    #[error(
        "running as root, and there is no unprivileged `postgres` account to run PostgreSQL as"
    )]
    NoPostgresAccount,
}

/// A running server; stopped (immediately) and removed when dropped.
pub struct TempCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<(u32, u32)>,
}

impl std::fmt::Debug for TempCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TempCluster")
            .field("dir", &self.dir.path())
            .field("port", &self.port)
            .finish()
    }
}

impl TempCluster {
    /// `initdb` a new cluster and start it.
    pub fn start() -> Result<TempCluster, ClusterError> {
        let bin = server_bin().ok_or(ClusterError::NotInstalled)?;
        let run_as = unprivileged_account()?;
        let dir = tempfile::Builder::new()
            .prefix("accessdesk-pg.")
            .tempdir()?;
        let data = dir.path().join("data");
        let pwfile = dir.path().join("pwfile");
        std::fs::write(&pwfile, ADMIN_PASSWORD)?;
        if let Some((uid, gid)) = run_as {
            chown(dir.path(), uid, gid)?;
            chown(&pwfile, uid, gid)?;
        }
        let cluster = TempCluster {
            port: free_port()?,
            dir,
            bin,
            run_as,
        };
        cluster.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                ADMIN_ROLE.as_ref(),
                "--pwfile".as_ref(),
                pwfile.as_os_str(),
                "--auth-host=scram-sha-256".as_ref(),
                "--auth-local=scram-sha-256".as_ref(),
                "--no-sync".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--locale=C".as_ref(),
            ],
        )?;
        std::fs::remove_file(&pwfile)?;
        cluster.pg_ctl_start()?;
        Ok(cluster)
    }

    fn pg_ctl_start(&self) -> Result<(), ClusterError> {
        let data = self.dir.path().join("data");
        let log = self.dir.path().join("server.log");
        // fsync off: a test cluster lives for seconds and is thrown away.
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories='{}' \
             -c fsync=off -c full_page_writes=off -c max_connections=300",
            self.port,
            self.dir.path().display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-w".as_ref(),
                "-o".as_ref(),
                options.as_ref(),
                "start".as_ref(),
            ],
        )
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A URL for `role` with its password in it (tests keep it in the environment's place).
    pub fn url_for(&self, role: &str, password: &str, database: &str) -> String {
        format!(
            "postgres://{role}:{password}@127.0.0.1:{}/{database}?sslmode=disable",
            self.port
        )
    }

    /// The superuser's URL, on the `postgres` database.
    pub fn admin_url(&self) -> String {
        self.url_for(ADMIN_ROLE, ADMIN_PASSWORD, "postgres")
    }

    /// The superuser's password.
    pub fn admin_password(&self) -> &'static str {
        ADMIN_PASSWORD
    }

    fn run(&self, program: &str, args: &[&std::ffi::OsStr]) -> Result<(), ClusterError> {
        let mut command = Command::new(self.bin.join(program));
        command.args(args).current_dir(self.dir.path());
        #[cfg(unix)]
        if let Some((uid, gid)) = self.run_as {
            use std::os::unix::process::CommandExt;
            command.uid(uid).gid(gid);
        }
        let output = command.output()?;
        if output.status.success() {
            return Ok(());
        }
        let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stdout));
        if let Ok(log) = std::fs::read_to_string(self.dir.path().join("server.log")) {
            text.push_str(&log);
        }
        Err(ClusterError::Failed {
            program: program.to_string(),
            output: text.trim().to_string(),
        })
    }
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-m".as_ref(),
                "immediate".as_ref(),
                "stop".as_ref(),
            ],
        );
    }
}

/// The directory holding `initdb` and `pg_ctl`: on `PATH`, else the newest of Debian's
/// `/usr/lib/postgresql/<version>/bin`.
fn server_bin() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// As root, the uid and gid of the `postgres` account; otherwise none (run as ourselves).
fn unprivileged_account() -> Result<Option<(u32, u32)>, ClusterError> {
    #[cfg(unix)]
    {
        // SAFETY: geteuid has no preconditions and cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            return Ok(None);
        }
        let name = std::ffi::CString::new("postgres").expect("no NUL");
        let mut buf = vec![0u8; 4096];
        // SAFETY: an all-zero passwd is a valid value for getpwnam_r to overwrite.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer refers to memory owned here that outlives the call.
        let rc = unsafe {
            libc::getpwnam_r(
                name.as_ptr(),
                &mut entry,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        if rc != 0 || found.is_null() {
            return Err(ClusterError::NoPostgresAccount);
        }
        Ok(Some((entry.pw_uid, entry.pw_gid)))
    }
    #[cfg(not(unix))]
    Ok(None)
}

fn chown(path: &Path, uid: u32, gid: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    std::os::unix::fs::chown(path, Some(uid), Some(gid))?;
    let _ = (path, uid, gid);
    Ok(())
}

/// A port nobody listens on right now (the server binds it a moment later).
fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
