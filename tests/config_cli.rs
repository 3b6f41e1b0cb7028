//! `accessdesk config` as the real binary: where each value came from, the agent name's
//! fallback and its warning, and the errors for a missing or wrong config file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");

struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The binary with nothing from this machine's environment: no USER or LOGNAME, no
    /// org, no config file but what a test passes.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("USER")
            .env_remove("LOGNAME")
            .env_remove("OKTA_CLIENT_ORGURL")
            .env_remove("OKTA_CLIENT_TOKEN")
            .env_remove("ACCESSDESK_ORG_URL")
            .env_remove("ACCESSDESK_TOKEN")
            .env_remove("ACCESSDESK_CONFIG")
            .env_remove("ACCESSDESK_DATA_DIR")
            .env_remove("ACCESSDESK_POLL_INTERVAL")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"));
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{:?}\n{}", out.status, stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What the system says this process's account is called.
fn os_account() -> String {
    let id = Command::new("id").arg("-un").output().expect("id(1)");
    assert!(id.status.success());
    String::from_utf8(id.stdout).unwrap().trim().to_string()
}

/// The line of the text view for `label`.
fn line<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} line in\n{text}"))
}

#[test]
fn without_user_or_logname_the_agent_is_the_os_account_and_config_warns() {
    let desk = Desk::new();
    let v = json(&desk.run(&["config", "--json"]));
    let account = os_account();
    assert_eq!(v["agent"], account.as_str());
    assert_ne!(v["agent"], "unknown agent");
    assert_eq!(v["agent_source"], serde_json::json!({"from": "os_account"}));
    assert_eq!(v["sources"]["agent.name"]["from"], "os_account");
    let warnings = v["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| {
            let w = w.as_str().unwrap();
            w.contains("agent.name is not set") && w.contains("the OS account")
        }),
        "{warnings:?}"
    );

    let out = desk.run(&["config"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        line(&stdout(&out), "agent").ends_with("from the OS account"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("warning: agent.name is not set"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_environment_names_the_agent_next_and_a_configured_name_silences_the_warning() {
    let desk = Desk::new();
    let v = json(
        &desk
            .command(&["config", "--json"])
            .env("LOGNAME", "lee")
            .output()
            .unwrap(),
    );
    assert_eq!(v["agent"], "lee");
    assert_eq!(
        v["agent_source"],
        serde_json::json!({"from": "env", "name": "LOGNAME"})
    );
    assert!(
        v["warnings"][0]
            .as_str()
            .unwrap()
            .contains("(from $LOGNAME)")
    );
    let v = json(
        &desk
            .command(&["config", "--json"])
            .env("LOGNAME", "lee")
            .env("USER", "alex")
            .output()
            .unwrap(),
    );
    assert_eq!(v["agent"], "alex", "USER before LOGNAME");

    let file = desk.write("named.toml", "[agent]\nname = \"Alex Chen\"\n");
    let out = desk
        .command(&["--config", file.to_str().unwrap(), "config", "--json"])
        .env("USER", "alex")
        .output()
        .unwrap();
    let v = json(&out);
    assert_eq!(v["agent"], "Alex Chen");
    assert_eq!(
        v["agent_source"],
        serde_json::json!({"from": "file", "path": file.display().to_string()})
    );
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn config_says_where_each_value_came_from() {
    let desk = Desk::new();
    let file = desk.write(
        "accessdesk.toml",
        "[lockouts]\nlookback_minutes = 15\n[http]\nconnect_timeout_secs = 3\n",
    );
    let data = desk.path("var");
    let args = [
        "--config",
        file.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
        "config",
    ];
    let run = |json_flag: bool| {
        let mut args = args.to_vec();
        if json_flag {
            args.push("--json");
        }
        desk.command(&args)
            .env("OKTA_CLIENT_ORGURL", "https://acme.okta.com")
            .env("ACCESSDESK_POLL_INTERVAL", "7")
            .env("USER", "alex")
            .output()
            .unwrap()
    };

    let out = run(false);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let file_source = format!("from file {}", file.display());
    assert!(
        line(&text, "config file").ends_with("from flag --config"),
        "{text}"
    );
    assert!(
        line(&text, "org URL").ends_with("from env OKTA_CLIENT_ORGURL"),
        "{text}"
    );
    assert!(line(&text, "poll interval").contains("7s"), "{text}");
    assert!(line(&text, "poll interval").ends_with("from env ACCESSDESK_POLL_INTERVAL"));
    assert!(line(&text, "first look-back").contains("15 min"), "{text}");
    assert!(
        line(&text, "first look-back").ends_with(&file_source),
        "{text}"
    );
    assert!(
        line(&text, "burst warning").ends_with("from default"),
        "{text}"
    );
    assert!(
        line(&text, "HTTP timeouts").ends_with(&format!("{file_source} + default")),
        "one key from the file, one default: {text}"
    );
    assert!(line(&text, "agent").ends_with("from env USER"), "{text}");
    assert!(
        line(&text, "data directory").ends_with("from flag --data-dir"),
        "{text}"
    );
    assert!(line(&text, "audit log").contains(&data.join("audit.sqlite3").display().to_string()));
    assert!(
        line(&text, "demo audit log")
            .contains(&data.join("demo/audit.sqlite3").display().to_string())
    );

    let v = json(&run(true));
    let s = &v["sources"];
    assert_eq!(
        s["config_file"],
        serde_json::json!({"from": "flag", "name": "--config"})
    );
    assert_eq!(
        s["okta.org_url"],
        serde_json::json!({"from": "env", "name": "OKTA_CLIENT_ORGURL"})
    );
    assert_eq!(
        s["lockouts.lookback_minutes"],
        serde_json::json!({"from": "file", "path": file.display().to_string()})
    );
    assert_eq!(
        s["lockouts.burst_per_ip"],
        serde_json::json!({"from": "default"})
    );
    assert_eq!(
        s["storage.data_dir"],
        serde_json::json!({"from": "flag", "name": "--data-dir"})
    );
    assert_eq!(
        s["agent.name"],
        serde_json::json!({"from": "env", "name": "USER"})
    );
    assert_eq!(v["lookback_minutes"], 15);
    assert_eq!(v["connect_timeout_secs"], 3);
    assert_eq!(
        v["demo_audit_log"],
        data.join("demo/audit.sqlite3").display().to_string()
    );
}

#[test]
fn a_missing_config_file_is_one_sentence_naming_the_path_and_the_fix() {
    let desk = Desk::new();
    let missing = desk.path("nowhere/accessdesk.toml");
    let out = desk.run(&["--config", missing.to_str().unwrap(), "config"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(
        err.trim_end(),
        format!(
            "error: config file {} does not exist (named by --config): create it, point \
             --config at an existing file, or leave --config out to use the default location",
            missing.display()
        )
    );

    let out = desk
        .command(&["lockouts"])
        .env("ACCESSDESK_CONFIG", &missing)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "config file {} does not exist (named by ACCESSDESK_CONFIG)",
            missing.display()
        )),
        "{err}"
    );
    assert!(err.contains("leave ACCESSDESK_CONFIG out"), "{err}");
}

#[test]
fn an_out_of_range_value_names_the_file_the_key_the_value_and_the_range() {
    let desk = Desk::new();
    let file = desk.write(
        "accessdesk.toml",
        "[lockouts]\nburst_window_minutes = 5000\n",
    );
    let out = desk.run(&["--config", file.to_str().unwrap(), "config"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out).trim_end(),
        format!(
            "error: lockouts.burst_window_minutes = \"5000\" in {} is not allowed: between 1 \
             and 1440 minutes",
            file.display()
        )
    );
}

/// The same file, found at the default location, is named by its path too.
#[test]
fn a_bad_value_in_the_default_file_names_that_file() {
    let desk = Desk::new();
    let dir = desk.path("config/accessdesk");
    std::fs::create_dir_all(&dir).unwrap();
    let file: &Path = &dir.join("accessdesk.toml");
    std::fs::write(file, "[http]\nrequest_timeout_secs = 0\n").unwrap();
    let out = desk.run(&["config"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "http.request_timeout_secs = \"0\" in {}",
            file.display()
        )),
        "{err}"
    );
}

/// `config --init` writes the shipped, commented default where `config` looks for it, private
/// to the user from the first byte, and never overwrites a file already there.
#[cfg(unix)]
#[test]
fn config_init_writes_the_default_file_private_and_never_overwrites_one() {
    use std::os::unix::fs::PermissionsExt;
    let desk = Desk::new();
    let out = desk.run(&["config", "--init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = desk.path("config/accessdesk");
    let file = dir.join("accessdesk.toml");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&file), 0o600);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        include_str!("../assets/accessdesk.toml")
    );
    assert!(stdout(&out).contains(&file.display().to_string()));

    std::fs::write(&file, "# mine\n").unwrap();
    let again = desk.run(&["config", "--init"]);
    assert_eq!(again.status.code(), Some(2), "refused");
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n");
}

#[test]
fn in_team_mode_config_names_the_desk_database_and_never_its_password() {
    let desk = Desk::new();
    let url = "postgres://alice:Sup3rS3cret@127.0.0.1:5432/desk?sslmode=disable";
    let run = |json_flag: bool| {
        let mut args = vec!["config"];
        if json_flag {
            args.push("--json");
        }
        desk.command(&args)
            .env("ACCESSDESK_DATABASE_URL", url)
            .env_remove("ACCESSDESK_DATABASE_PASSWORD")
            .output()
            .unwrap()
    };

    let out = run(false);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let team = line(&text, "team database");
    assert!(team.contains("alice@127.0.0.1:5432/desk"), "{team}");
    assert!(team.contains("password set"), "{team}");
    assert!(team.ends_with("from env ACCESSDESK_DATABASE_URL"), "{team}");
    assert!(line(&text, "audit log").contains("(chain desk)"), "{text}");

    let out = run(true);
    let view = json(&out);
    let team = view["team_database"].as_str().unwrap();
    assert!(
        team.starts_with("postgres://alice@127.0.0.1:5432/desk"),
        "{team}"
    );
    assert!(
        view["audit_log"]
            .as_str()
            .unwrap()
            .ends_with("(chain desk)")
    );

    for out in [run(false), run(true)] {
        assert!(!stdout(&out).contains("Sup3rS3cret"), "{}", stdout(&out));
        assert!(!stderr(&out).contains("Sup3rS3cret"), "{}", stderr(&out));
    }
}

#[test]
fn without_team_config_says_the_state_is_this_agents_own() {
    let desk = Desk::new();
    let out = desk
        .command(&["config"])
        .env_remove("ACCESSDESK_DATABASE_URL")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(line(&text, "team database").contains("not set"), "{text}");
    assert!(
        line(&text, "audit log").ends_with("audit.sqlite3"),
        "{text}"
    );
}
