//! The lines over the tabs: the summary counts, how old the data is, the scan under way (its
//! users, requests and any wait for the rate-limit window) and a failed scan's error — and
//! the short item the status bar shows on every screen while a scan runs or after it failed.

use chrono_tz::Tz;
use ratatui::text::{Line, Span};

use super::when;
use crate::model::{ScanKind, ScanProgress};
use crate::tui::app::App;
use crate::tui::expiries::{ExpiriesView, ScanData, Summary};
use crate::tui::format;
use crate::tui::theme::Theme;

/// At most this many lines of a failed scan's error.
const MAX_ERROR_LINES: usize = 2;

/// 12345 → "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "Full scan: 1,200 of ~5,000 users · 7 requests · waiting for the rate-limit window until
/// 09:03:10 CET". Before any data, "Scanning… (first scan): …".
pub fn progress_text(p: &ScanProgress, first: bool, zone: Tz) -> String {
    let mut text = match (first, p.kind) {
        (true, _) => "Scanning… (first scan)".to_string(),
        (false, ScanKind::Full) => "Full scan running".to_string(),
        (false, ScanKind::Incremental) => {
            "Refreshing (users changed since the last scan)".to_string()
        }
    };
    let users = match (p.kind, p.users_expected) {
        (ScanKind::Full, Some(expected)) if expected > 0 => format!(
            "{} of ~{} users",
            thousands(p.users_seen),
            thousands(expected)
        ),
        _ => format!("{} users", thousands(p.users_seen)),
    };
    text.push_str(&format!(
        ": {users} · {} request{}",
        p.requests,
        if p.requests == 1 { "" } else { "s" }
    ));
    if let Some(until) = p.waiting_until {
        text.push_str(&format!(
            " · waiting for the rate-limit window until {}",
            until.with_timezone(&zone).format("%H:%M:%S %Z")
        ));
    }
    text
}

/// The status bar's short item: `(text, is a failure)`.
pub fn status_item(data: &ScanData) -> Option<(String, bool)> {
    if let Some(p) = data.progress() {
        let how_far = match (p.kind, p.users_expected) {
            (ScanKind::Full, Some(expected)) if expected > 0 => {
                let percent = (p.users_seen.saturating_mul(100) / expected).min(99);
                format!("{percent}%")
            }
            _ => format!("{} users", thousands(p.users_seen)),
        };
        let wait = if p.waiting_until.is_some() {
            ", waiting"
        } else {
            ""
        };
        return Some((format!("expiry scan {how_far}{wait}"), false));
    }
    data.failure()
        .map(|_| ("expiry scan failed".to_string(), true))
}

/// "Expiring in 1 d: 2 · 7 d: 5 · 14 d: 9 · expired: 3 │ contracts ending in 14 d: 4", or
/// shorter where that does not fit in `width`.
pub fn summary_line(
    summary: &Summary,
    filtered: bool,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let full = summary_spans(summary, filtered, false, theme);
    if full.width() <= width {
        return full;
    }
    summary_spans(summary, filtered, true, theme)
}

fn summary_spans(summary: &Summary, filtered: bool, short: bool, theme: &Theme) -> Line<'static> {
    let lead = match (filtered, short) {
        (true, false) => "Shown: expiring in ",
        (false, false) => "Expiring in ",
        (true, true) => "Shown: ",
        (false, true) => "Expiring ",
    };
    let mut spans = vec![Span::styled(lead, theme.label)];
    let count = |label: &str, n: usize| format!("{label} {n}");
    spans.push(Span::raw(count("1 d:", summary.within_1)));
    spans.push(Span::styled(" · ", theme.dim));
    spans.push(Span::raw(count("7 d:", summary.within_7)));
    spans.push(Span::styled(" · ", theme.dim));
    spans.push(Span::raw(count("14 d:", summary.within_14)));
    spans.push(Span::styled(" · ", theme.dim));
    spans.push(Span::styled(
        count("expired:", summary.expired),
        if summary.expired > 0 {
            theme.repeat
        } else {
            theme.label
        },
    ));
    spans.push(Span::styled(" │ ", theme.dim));
    spans.push(Span::raw(count(
        if short {
            "contracts 14 d:"
        } else {
            "contracts ending in 14 d:"
        },
        summary.contracts_14,
    )));
    Line::from(spans)
}

/// "Data from 3 h ago (full scan Dec 1 09:00 CET) · 5,000 users".
fn age_line(app: &App, screen: &ExpiriesView, theme: &Theme) -> Option<Line<'static>> {
    let scan = screen.scan()?;
    let now = app.now;
    let zone = app.options.local_zone;
    let mut text = match scan.as_of {
        Some(as_of) => format!("Data from {}", when::relative(now, as_of)),
        None => "Data of unknown age".to_string(),
    };
    if let Some(full) = scan.full_scan_at {
        text.push_str(&format!(" (full scan {})", when::zoned(now, full, zone)));
    }
    text.push_str(&format!(" · {} users", thousands(scan.users_seen)));
    if app.scan_data().is_from_store() {
        text.push_str(" · from the store");
    }
    Some(Line::styled(text, theme.dim))
}

fn failure_lines(app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let data = app.scan_data();
    let Some(failure) = data.failure() else {
        return Vec::new();
    };
    let shown = if data.scan().is_some() {
        "the rows are from the last good scan"
    } else {
        "no data yet; the scanner retries"
    };
    let text = format!(
        "⚠ The last scan failed {}: {} — {shown}",
        format::relative(app.now, failure.at),
        failure.error
    );
    let mut lines = format::wrap(&text, width.max(1));
    lines.truncate(MAX_ERROR_LINES);
    lines
        .into_iter()
        .map(|l| Line::styled(l, theme.warn))
        .collect()
}

/// Every line over the tab, in order, for a pane `width` columns wide.
pub fn lines(app: &App, screen: &ExpiriesView, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let data = app.scan_data();
    let mut lines = Vec::new();
    if screen.scan().is_some() {
        let summary =
            crate::tui::expiries::summary::summarize(screen, app.now, app.options.schedule.zone);
        lines.push(summary_line(
            &summary,
            screen.filter().is_some(),
            width,
            theme,
        ));
    }
    lines.extend(age_line(app, screen, theme));
    if let Some(p) = data.progress() {
        let text = progress_text(p, data.scan().is_none(), app.options.local_zone);
        lines.extend(
            format::wrap(&text, width.max(1))
                .into_iter()
                .map(|l| Line::styled(l, theme.title)),
        );
    }
    lines.extend(failure_lines(app, width, theme));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn progress(kind: ScanKind, seen: u64, expected: Option<u64>) -> ScanProgress {
        ScanProgress {
            kind,
            started_at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap(),
            users_seen: seen,
            users_expected: expected,
            requests: 7,
            waiting_until: None,
        }
    }

    #[test]
    fn progress_reads_users_of_expected_requests_and_the_wait() {
        let mut p = progress(ScanKind::Full, 1200, Some(5000));
        assert_eq!(
            progress_text(&p, false, chrono_tz::UTC),
            "Full scan running: 1,200 of ~5,000 users · 7 requests"
        );
        p.waiting_until = Some(Utc.with_ymd_and_hms(2026, 12, 1, 8, 3, 10).unwrap());
        assert_eq!(
            progress_text(&p, true, chrono_tz::Europe::Berlin),
            "Scanning… (first scan): 1,200 of ~5,000 users · 7 requests · waiting for the \
             rate-limit window until 09:03:10 CET"
        );
        let incremental = progress(ScanKind::Incremental, 40, Some(5000));
        assert!(progress_text(&incremental, false, chrono_tz::UTC).contains(": 40 users ·"));
    }

    #[test]
    fn the_status_item_shows_a_running_or_failed_scan_only() {
        let mut data = ScanData::default();
        assert_eq!(status_item(&data), None);
        data.apply(crate::services::expiry_scanner::ScanEvent::Progress(
            progress(ScanKind::Full, 1200, Some(5000)),
        ));
        assert_eq!(status_item(&data), Some(("expiry scan 24%".into(), false)));
        data.apply(crate::services::expiry_scanner::ScanEvent::Failed {
            at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 5, 0).unwrap(),
            error: "timeout".into(),
        });
        assert_eq!(
            status_item(&data),
            Some(("expiry scan failed".into(), true))
        );
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(999), "999");
    }
}
