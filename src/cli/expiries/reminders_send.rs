//! `accessdesk reminders --date D --send`: queue the day's due reminders, expired notices and
//! digests in the outbox now (each under its idempotency key) and deliver what is due through
//! the configured channels — for catching up after an outage. Running it again finds every
//! key already there and nothing left to deliver: it sends nothing new.

use chrono::{NaiveDate, Utc};
use std::process::ExitCode;

use crate::cli::exit::{EXIT_FAILED, UsageError};
use crate::config::Config;
use crate::model::ExpiryScan;
use crate::notify::channels::Channels;
use crate::notify::delivery::{DeliveryPass, deliver_due};
use crate::notify::mask_address;
use crate::notify::metrics::Metrics;
use crate::outbox::Enqueued;
use crate::services::notice_desk::NoticeDesk;
use crate::services::watch::due_notices;

/// Delivery passes are of 100 items; a day's catch-up is at most this many of them.
const MAX_PASSES: usize = 1000;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
struct SendReport {
    queued: usize,
    already: usize,
    delivered: DeliveryPass,
}

/// Queue and deliver; the report goes to stderr (stdout carries the JSON-lines channel).
pub async fn send(config: &Config, scan: &ExpiryScan, date: NaiveDate) -> anyhow::Result<ExitCode> {
    let desk = NoticeDesk::from_config(config);
    let composer = desk
        .composer()
        .map_err(|e| UsageError(format!("notices cannot be composed: {e}")))?;
    let channels = Channels::from_config(config).map_err(UsageError)?;
    let mut outbox = desk.open_outbox()?;
    let now = Utc::now();
    let mut report = SendReport::default();
    for notice in due_notices(scan, &config.reminders, &outbox, &composer, date, now)? {
        match outbox.enqueue(&notice, now)? {
            Enqueued::New(_) => {
                report.queued += 1;
                let to: Vec<String> = notice.to.iter().map(|a| mask_address(a)).collect();
                eprintln!(
                    "queued {} for {} to {}",
                    notice.kind.as_str().replace('_', " "),
                    notice.login.as_deref().unwrap_or("-"),
                    to.join(", ")
                );
            }
            Enqueued::Exists(_) => report.already += 1,
        }
    }
    let metrics = Metrics::default();
    for _ in 0..MAX_PASSES {
        let pass = deliver_due(
            &mut outbox,
            &channels,
            Some(&composer),
            &metrics,
            config.notices.max_attempts,
            now,
        )
        .await?;
        report.delivered.sent += pass.sent;
        report.delivered.retried += pass.retried;
        report.delivered.failed += pass.failed;
        // Nothing left, or only retries: a channel that is down stays down for this run, and
        // what is left waits in the outbox for `watch`.
        if pass.sent == 0 && pass.failed == 0 {
            break;
        }
    }
    eprintln!("{}", summary(date, &report));
    let trouble = report.delivered.retried + report.delivered.failed > 0;
    Ok(ExitCode::from(if trouble { EXIT_FAILED } else { 0 }))
}

/// "2026-12-01: 3 queued (2 were already in the outbox), 3 sent, 0 to retry, 0 failed".
fn summary(date: NaiveDate, r: &SendReport) -> String {
    let already = match r.already {
        0 => String::new(),
        1 => " (1 was already in the outbox)".into(),
        n => format!(" ({n} were already in the outbox)"),
    };
    let mut line = format!(
        "{date}: {} queued{already}, {} sent, {} to retry, {} failed",
        r.queued, r.delivered.sent, r.delivered.retried, r.delivered.failed
    );
    if r.delivered.retried > 0 {
        line.push_str("; `accessdesk watch` retries the rest");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_what_was_new_and_what_went() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let report = SendReport {
            queued: 3,
            already: 2,
            delivered: DeliveryPass {
                sent: 3,
                retried: 1,
                failed: 0,
            },
        };
        assert_eq!(
            summary(date, &report),
            "2026-12-01: 3 queued (2 were already in the outbox), 3 sent, 1 to retry, 0 failed; \
             `accessdesk watch` retries the rest"
        );
        assert_eq!(
            summary(date, &SendReport::default()),
            "2026-12-01: 0 queued, 0 sent, 0 to retry, 0 failed"
        );
    }
}
