//! `accessdesk instructions [QUERY] [--send LOGIN]` with the shipped example set, against the
//! simulator: search, the one-match rule of `--send`, an unknown user, and the notice queued.

use std::process::Output;

use accessdesk::notify::NoticeKind;
use accessdesk::outbox::Outbox;
use accessdesk::sim::{self, SimConfig, SimHandle};

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "instructions-cli-token";
const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/instructions.example.toml"
);

async fn start() -> SimHandle {
    let mut config = SimConfig::new(TOKEN);
    config.users = 40;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap()
}

async fn run(sim: &SimHandle, data: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(args)
        .args(["--config", EXAMPLE])
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

fn ids(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_set_is_searched_by_every_word() {
    let sim = start().await;
    let data = tempfile::tempdir().unwrap();
    let all = run(&sim, data.path(), &["instructions", "--json"]).await;
    assert!(
        all.status.success(),
        "{}",
        String::from_utf8_lossy(&all.stderr)
    );
    assert_eq!(
        ids(&all),
        [
            "okta-unlock",
            "okta-password",
            "okta-verify-enrol",
            "vpn-unlock",
            "contract-extend",
            "contract-terminate"
        ]
    );
    let both = run(
        &sim,
        data.path(),
        &["instructions", "OKTA", "unlock", "--json"],
    )
    .await;
    assert_eq!(ids(&both), ["okta-unlock", "vpn-unlock"]);
    let text = run(&sim, data.path(), &["instructions", "verify", "enrol"]).await;
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.starts_with("okta-verify-enrol  Okta · mfa  "),
        "{text}"
    );
    assert!(text.contains("    1. Install Okta Verify"), "{text}");
    assert!(
        text.contains("more: https://kb.example.com/KB0003"),
        "{text}"
    );
    let none = run(&sim, data.path(), &["instructions", "payroll"]).await;
    assert!(none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("No instruction matches \"payroll\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_needs_one_match_and_a_known_user_then_queues_the_notice() {
    let sim = start().await;
    let data = tempfile::tempdir().unwrap();
    let login = sim.user_logins()[2].clone();

    let many = run(
        &sim,
        data.path(),
        &["instructions", "unlock", "--send", &login],
    )
    .await;
    assert_eq!(many.status.code(), Some(64));
    let why = String::from_utf8_lossy(&many.stderr);
    assert!(why.contains("okta-unlock, vpn-unlock"), "{why}");

    let unknown = run(
        &sim,
        data.path(),
        &[
            "instructions",
            "okta-unlock",
            "--send",
            "nobody@example.com",
        ],
    )
    .await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user \"nobody@example.com\""));
    assert!(
        !Outbox::default_path(data.path()).exists(),
        "nothing queued"
    );

    let sent = run(
        &sim,
        data.path(),
        &["instructions", "okta-unlock", "--send", &login],
    )
    .await;
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let said = String::from_utf8_lossy(&sent.stdout);
    assert!(
        said.contains("\"Unlock your account yourself\" (okta-unlock) queued to"),
        "{said}"
    );
    let items = Outbox::open(Outbox::default_path(data.path()))
        .unwrap()
        .recent(10)
        .unwrap();
    assert_eq!(items.len(), 1);
    let notice = &items[0].notice;
    assert_eq!(notice.kind, NoticeKind::Instructions);
    assert_eq!(notice.to, [login.as_str()]);
    assert_eq!(notice.key.stage, "okta-unlock");
    assert!(notice.text.contains("Unlock account?"), "{}", notice.text);
}
