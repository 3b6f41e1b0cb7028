//! `accessdesk reminders --date D --send` against the simulator: the day's due reminders,
//! expired notices and digests are queued and delivered (JSON lines on stdout, the default
//! channel), as many as the forecast lists; a second run sends nothing new.

use std::process::Output;

use accessdesk::outbox::{Outbox, OutboxState};
use accessdesk::sim::{self, SimConfig, SimHandle};
use chrono::{Duration, Utc};
use chrono_tz::America::Los_Angeles;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "reminders-send-token";

async fn start() -> SimHandle {
    let mut config = SimConfig::new(TOKEN);
    config.seed = 7;
    config.users = 600;
    config.lockouts_per_minute = 0.0;
    config.password_changes_per_hour = Some(0.0);
    config.history = false;
    sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap()
}

async fn run(sim: &SimHandle, data: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(args)
        .env("OKTA_CLIENT_ORGURL", sim.base_url())
        .env("OKTA_CLIENT_TOKEN", TOKEN)
        .env("ACCESSDESK_DATA_DIR", data)
        .env("HOME", data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .env_remove("ACCESSDESK_ANSWER_KEY")
        .stdin(std::process::Stdio::null());
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn lines(bytes: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_days_reminders_go_once_however_often_it_is_run() {
    let sim = start().await;
    let data = tempfile::tempdir().unwrap();
    // Yesterday in the reminders' zone: every slot of it has passed.
    let day = (Utc::now().with_timezone(&Los_Angeles) - Duration::days(1))
        .date_naive()
        .to_string();
    let forecast = run(&sim, data.path(), &["reminders", "--date", &day, "--json"]).await;
    assert!(forecast.status.success());
    let expected = lines(&forecast.stdout).len();
    assert!(expected > 0, "the seed has something due on {day}");

    let first = run(
        &sim,
        data.path(),
        &["reminders", "--date", &day, "--send", "--stored"],
    )
    .await;
    let report = String::from_utf8_lossy(&first.stderr).to_string();
    assert!(first.status.success(), "{report}");
    assert!(
        report.contains(&format!(
            "{day}: {expected} queued, {expected} sent, 0 to retry, 0 failed"
        )),
        "{report}"
    );
    let delivered = lines(&first.stdout);
    assert_eq!(delivered.len(), expected, "one JSON line per notice");

    let second = run(
        &sim,
        data.path(),
        &["reminders", "--date", &day, "--send", "--stored"],
    )
    .await;
    let report = String::from_utf8_lossy(&second.stderr).to_string();
    assert!(second.status.success(), "{report}");
    assert!(
        report.contains(&format!(
            "{day}: 0 queued ({expected} were already in the outbox), 0 sent"
        )) || (expected == 1 && report.contains("0 queued (1 was already in the outbox), 0 sent")),
        "{report}"
    );
    assert!(second.stdout.is_empty(), "nothing delivered again");

    let outbox = Outbox::open(Outbox::default_path(data.path())).unwrap();
    let counts = outbox.counts().unwrap();
    assert_eq!(counts.sent as usize, expected);
    assert_eq!(counts.queued, 0);
    assert!(
        outbox
            .recent(expected)
            .unwrap()
            .iter()
            .all(|i| i.state == OutboxState::Sent)
    );
}
