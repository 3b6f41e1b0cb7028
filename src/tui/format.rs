//! Text formatting for the panes: relative and absolute times, short durations. All times are
//! shown in UTC so the screen reads the same for every agent and in every test.

use chrono::{DateTime, Utc};
use std::time::Duration;

use super::inert::inert;

/// "now", "12s ago", "3m ago", "2h ago", "5d ago". Times ahead of `now` (clock skew) read "now".
pub fn relative(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    match secs {
        i64::MIN..=0 => "now".to_string(),
        1..=59 => format!("{secs}s ago"),
        60..=3_599 => format!("{}m ago", secs / 60),
        3_600..=86_399 => format!("{}h ago", secs / 3_600),
        _ => format!("{}d ago", secs / 86_400),
    }
}

/// "14:03:27".
pub fn clock(t: DateTime<Utc>) -> String {
    t.format("%H:%M:%S").to_string()
}

/// "14:03:27 UTC" when `t` is on the same UTC day as `now`, else "2026-03-01 14:03:27 UTC".
pub fn clock_or_date(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    if now.date_naive() == t.date_naive() {
        t.format("%H:%M:%S UTC").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

/// "2026-03-01 14:03 UTC (3d ago)".
pub fn date_time_ago(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    format!("{} ({})", t.format("%Y-%m-%d %H:%M UTC"), relative(now, t))
}

/// When a password expires, in UTC calendar days: "2026-12-01 (in 8 days)",
/// "2026-11-23 (today)", "expired today", "expired 1 day ago", "expired 3 days ago".
pub fn expiry(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let plural = |n: i64| if n == 1 { "day" } else { "days" };
    if at <= now {
        match (now.date_naive() - at.date_naive()).num_days() {
            0 => "expired today".to_string(),
            n => format!("expired {n} {} ago", plural(n)),
        }
    } else {
        let date = at.format("%Y-%m-%d");
        match (at.date_naive() - now.date_naive()).num_days() {
            0 => format!("{date} (today)"),
            n => format!("{date} (in {n} {})", plural(n)),
        }
    }
}

/// "30s", "2m", "1m30s", "1h", "1h5m".
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3_600, (secs % 3_600) / 60, secs % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, _) => format!("{h}h"),
        (h, m, _) => format!("{h}h{m}m"),
    }
}

/// `text` in at most `width` columns, cut in the middle with "…" when it is longer: both ends
/// stay recognisable.
pub fn elide_middle(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return text.to_string();
    }
    if width <= 1 {
        return "…".chars().take(width).collect();
    }
    let tail = (width - 1) / 2;
    let head = width - 1 - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A login in at most `width` columns. The domain is kept whole while the start of the local
/// part still shows (`alexandra.…@example.com`); otherwise the login is cut in the middle.
/// The login is made [`inert`] first: it comes from the IdP.
pub fn elide_login(login: &str, width: usize) -> String {
    let login = &*inert(login);
    if login.chars().count() <= width {
        return login.to_string();
    }
    if let Some(at) = login.rfind('@') {
        let (local, domain) = login.split_at(at);
        let room = width.saturating_sub(domain.chars().count() + 1);
        // Worth it while enough of the local part (what tells users apart) still shows.
        if room >= local.chars().count().min(6) {
            let head: String = local.chars().take(room).collect();
            return format!("{head}…{domain}");
        }
    }
    elide_middle(login, width)
}

/// Greedy word wrap to `width` columns (counted in chars); words longer than a line are split.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        if used > 0 && used + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        while used + word.len() > width {
            let rest = word.split_off(width - used);
            line.extend(word);
            lines.push(std::mem::take(&mut line));
            used = 0;
            word = rest;
        }
        used += word.len();
        line.extend(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 14, 3, 27).unwrap()
    }

    #[test]
    fn relative_times() {
        let ago = |s: i64| relative(now(), now() - TimeDelta::seconds(s));
        assert_eq!(ago(-5), "now");
        assert_eq!(ago(0), "now");
        assert_eq!(ago(12), "12s ago");
        assert_eq!(ago(59), "59s ago");
        assert_eq!(ago(60), "1m ago");
        assert_eq!(ago(3 * 60 + 59), "3m ago");
        assert_eq!(ago(3_600), "1h ago");
        assert_eq!(ago(86_399), "23h ago");
        assert_eq!(ago(5 * 86_400), "5d ago");
    }

    #[test]
    fn absolute_times_are_utc() {
        assert_eq!(clock(now()), "14:03:27");
        assert_eq!(clock_or_date(now(), now()), "14:03:27 UTC");
        assert_eq!(
            clock_or_date(now(), now() - TimeDelta::days(1)),
            "2026-03-01 14:03:27 UTC"
        );
        assert_eq!(
            date_time_ago(now(), now() - TimeDelta::days(3)),
            "2026-02-27 14:03 UTC (3d ago)"
        );
    }

    #[test]
    fn expiries_in_calendar_days() {
        let at = |d: TimeDelta| expiry(now(), now() + d);
        assert_eq!(at(TimeDelta::days(8)), "2026-03-10 (in 8 days)");
        assert_eq!(at(TimeDelta::hours(10)), "2026-03-03 (in 1 day)");
        assert_eq!(at(TimeDelta::hours(1)), "2026-03-02 (today)");
        assert_eq!(at(TimeDelta::hours(-1)), "expired today");
        assert_eq!(at(TimeDelta::days(-1)), "expired 1 day ago");
        assert_eq!(at(TimeDelta::days(-3)), "expired 3 days ago");
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(
            wrap("IdP error: the token", 10),
            ["IdP error:", "the token"]
        );
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("x abcdefg", 4), ["x", "abcd", "efg"]);
        assert_eq!(wrap("— ok", 1), ["—", "o", "k"]);
    }

    #[test]
    fn logins_lose_the_middle_not_the_domain() {
        assert_eq!(elide_login("ada@acme.example", 30), "ada@acme.example");
        assert_eq!(
            elide_login("alexandra.konstantinopoulou@example.com", 23),
            "alexandra.…@example.com"
        );
        assert_eq!(
            elide_login("alexandra.k@example.com", 23),
            "alexandra.k@example.com"
        );
        // Too little room for the local part: the middle of the whole login goes.
        assert_eq!(
            elide_login("alexandra@averyveryverylongdomain.example", 15),
            "alexand…example"
        );
        assert_eq!(elide_login("laura.kim@example.com", 16), "laura.ki…ple.com");
        assert_eq!(elide_middle("abcdef", 5), "ab…ef");
        assert_eq!(elide_middle("abcdef", 1), "…");
        assert_eq!(elide_middle("abc", 0), "");
    }

    #[test]
    fn durations() {
        let d = Duration::from_secs;
        assert_eq!(duration(d(1)), "1s");
        assert_eq!(duration(d(30)), "30s");
        assert_eq!(duration(d(60)), "1m");
        assert_eq!(duration(d(90)), "1m30s");
        assert_eq!(duration(d(3_600)), "1h");
        assert_eq!(duration(d(3_900)), "1h5m");
    }
}
