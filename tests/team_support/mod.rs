//! A desk's PostgreSQL for the team-mode tests: a throwaway server, the `desk` database
//! migrated by its owner, and agents who log in as roles of their own.
#![allow(dead_code)]

use accessdesk::sim::SimHandle;
use accessdesk::team::{TeamDb, TeamSettings, TempCluster};
use secrecy::SecretString;
use std::io::{BufRead, BufReader};
use std::sync::{Arc, Mutex};

pub struct Desk {
    pub cluster: TempCluster,
    /// The owner's connection (it applied the migrations).
    pub admin: TeamDb,
}

pub const DATABASE: &str = "desk";

impl Desk {
    pub fn start() -> Desk {
        let cluster = TempCluster::start().expect("a PostgreSQL server starts");
        let bootstrap = TeamDb::connect_unmigrated(&settings(&cluster.admin_url()))
            .expect("the superuser connects");
        bootstrap
            .execute(&format!("CREATE DATABASE {DATABASE}"))
            .unwrap();
        let admin = TeamDb::connect(&settings(&cluster.url_for(
            accessdesk::team::cluster::ADMIN_ROLE,
            cluster.admin_password(),
            DATABASE,
        )))
        .expect("the owner connects and migrates");
        Desk { cluster, admin }
    }

    /// A login role that is an accessdesk agent, and its connection.
    pub fn agent(&self, name: &str) -> TeamDb {
        self.role(name, "accessdesk_agent");
        self.connect_as(name)
    }

    /// A login role (password `<name>-pw`) in `group` (accessdesk_agent, accessdesk_watch).
    pub fn role(&self, name: &str, group: &str) {
        self.admin
            .execute(&format!(
                "CREATE ROLE {name} LOGIN PASSWORD '{name}-pw' IN ROLE {group}"
            ))
            .unwrap();
    }

    /// The URL a process is given in ACCESSDESK_DATABASE_URL (the password apart).
    pub fn url_for(&self, name: &str) -> String {
        format!(
            "postgres://{name}@127.0.0.1:{}/{DATABASE}?sslmode=disable",
            self.cluster.port()
        )
    }

    pub fn connect_as(&self, name: &str) -> TeamDb {
        TeamDb::connect(&self.settings_for(name)).expect("the agent connects")
    }

    /// The agent's settings, the password kept out of the URL as in real use.
    pub fn settings_for(&self, name: &str) -> TeamSettings {
        TeamSettings::parse(
            &self.url_for(name),
            Some(SecretString::from(format!("{name}-pw"))),
        )
        .unwrap()
    }
}

fn settings(url: &str) -> TeamSettings {
    TeamSettings::parse(url, None).unwrap()
}

/// The lines a child process writes to `pipe`, as they come.
pub fn collect(pipe: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

/// How many System Log requests the simulator has answered.
pub fn log_requests(sim: &SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path == "/api/v1/logs")
        .count()
}
