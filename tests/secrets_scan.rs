//! No secret in anything the suite keeps: every committed snapshot is scanned for the API
//! tokens the tests use, for reset links and for anything else that looks like a credential.
//! (Logs and audit exports the suite writes are scanned where they are produced:
//! `act_cli.rs` and `lockouts_cli.rs`.)

use std::path::{Path, PathBuf};

use accessdesk::audit::redact::find_credential;

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Every `const TOKEN: &str = "…"` the tests define: the secrets that must never show.
fn test_tokens(root: &Path) -> Vec<String> {
    let mut sources = Vec::new();
    files_under(&root.join("tests"), "rs", &mut sources);
    let mut tokens: Vec<String> = sources
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter_map(|l| l.trim().strip_prefix("const TOKEN: &str = \""))
                .filter_map(|rest| rest.split('"').next().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect();
    tokens.sort();
    tokens.dedup();
    tokens
}

#[test]
fn snapshots_hold_no_token_reset_link_or_credential() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tokens = test_tokens(root);
    assert!(
        tokens.len() >= 5,
        "the scan knows the suite's tokens: {tokens:?}"
    );
    let mut snaps = Vec::new();
    files_under(&root.join("tests"), "snap", &mut snaps);
    files_under(&root.join("src"), "snap", &mut snaps);
    assert!(snaps.len() >= 10, "the snapshots were found: {snaps:?}");
    for snap in &snaps {
        let text = std::fs::read_to_string(snap).unwrap();
        for token in &tokens {
            assert!(
                !text.contains(token.as_str()),
                "{} shows the token {token}",
                snap.display()
            );
        }
        for line in text.lines() {
            assert_eq!(find_credential(line), None, "{}: {line}", snap.display());
        }
    }
}

#[test]
fn the_scanner_would_catch_a_leak() {
    assert!(find_credential("link https://acme.okta.com/reset_password/drpFVOoz3Nq").is_some());
    assert!(
        find_credential("Authorization: SSWS 00Ab1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3a").is_some()
    );
}
