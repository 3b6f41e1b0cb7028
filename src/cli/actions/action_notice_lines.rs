//! How the CLI shows the notices queued after an action: a line on stdout per notice (or a
//! `notices` field in `--json`), and a warning on stderr for each one that could not be
//! queued — the action stands either way.

use serde_json::{Value, json};

use crate::notify::mask_address;
use crate::services::action_notices::NoticeReport;

/// The `--json` field: what was queued, to which addresses, and what could not be.
pub fn json_field(report: &NoticeReport) -> Value {
    let queued: Vec<Value> = report
        .queued
        .iter()
        .map(|n| {
            json!({
                "kind": n.kind.as_str(), "login": n.login, "to": n.to,
                "already_queued": n.already,
            })
        })
        .collect();
    json!({ "queued": queued, "problems": report.problems })
}

/// The text lines under the action's outcome.
pub fn text_lines(report: &NoticeReport) -> Vec<String> {
    report
        .queued
        .iter()
        .map(|n| {
            let to: Vec<String> = n.to.iter().map(|a| mask_address(a)).collect();
            let whom = match n.kind {
                crate::notify::NoticeKind::ManagerActionNotice => "manager notice",
                _ => "notice",
            };
            let again = if n.already { " (already queued)" } else { "" };
            format!("  {whom} queued to {}{again}", to.join(", "))
        })
        .collect()
}

/// The warnings, on stderr whatever the output format.
pub fn warn(report: &NoticeReport) {
    for problem in &report.problems {
        eprintln!("warning: no notice: {problem}");
    }
}
