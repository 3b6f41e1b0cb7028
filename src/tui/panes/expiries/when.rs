//! How the expiries screen writes times: in the rules' zone (Pacific by default, with
//! PST/PDT) and the agent's own zone, and relative to now in whole days (hours and minutes
//! under a day).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

/// "Dec 14" (with the year when it is not `now`'s).
pub fn date(now: DateTime<Utc>, day: NaiveDate) -> String {
    if day.year() == now.year() {
        day.format("%b %-d").to_string()
    } else {
        day.format("%b %-d %Y").to_string()
    }
}

/// "Dec 14 10:23" in `zone` (with the year when it is not `now`'s).
pub fn local(now: DateTime<Utc>, t: DateTime<Utc>, zone: Tz) -> String {
    let t = t.with_timezone(&zone);
    format!("{} {}", date(now, t.date_naive()), t.format("%H:%M"))
}

/// "Dec 14 10:23 PST".
pub fn zoned(now: DateTime<Utc>, t: DateTime<Utc>, zone: Tz) -> String {
    format!(
        "{} {}",
        local(now, t, zone),
        t.with_timezone(&zone).format("%Z")
    )
}

/// "Dec 7 10:00 PST" without the year, where a column is short (what is scheduled lies
/// within weeks).
pub fn short(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%b %-d %H:%M %Z").to_string()
}

/// "Dec 7 10:00 PST · 19:00 CET": the rules' zone, then the agent's (its date only when it
/// is another day; once only when both zones are one).
pub fn both(now: DateTime<Utc>, t: DateTime<Utc>, rules: Tz, agent: Tz) -> String {
    let first = zoned(now, t, rules);
    if rules == agent {
        return first;
    }
    let there = t.with_timezone(&agent);
    let second = if there.date_naive() == t.with_timezone(&rules).date_naive() {
        there.format("%H:%M %Z").to_string()
    } else {
        zoned(now, t, agent)
    };
    format!("{first} · {second}")
}

/// "in 13 d", "in 5 h", "in 12 min", "now", "3 d ago", "5 h ago".
pub fn relative(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let delta = t - now;
    let (days, hours, minutes) = (
        delta.num_days().abs(),
        delta.num_hours().abs(),
        delta.num_minutes().abs(),
    );
    let span = if days > 0 {
        format!("{days} d")
    } else if hours > 0 {
        format!("{hours} h")
    } else if minutes > 0 {
        format!("{minutes} min")
    } else {
        return "now".to_string();
    };
    if delta > chrono::TimeDelta::zero() {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// "in 13 d", "today", "3 d ago" for a number of calendar days.
pub fn relative_days(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        d if d > 0 => format!("in {d} d"),
        d => format!("{} d ago", -d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::America::Los_Angeles;
    use chrono_tz::Asia::Tokyo;
    use chrono_tz::Europe::Berlin;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 17, 0, 0).unwrap()
    }

    #[test]
    fn pacific_says_pst_or_pdt_and_the_local_zone_follows() {
        let winter = Utc.with_ymd_and_hms(2026, 12, 7, 18, 0, 0).unwrap();
        assert_eq!(
            both(now(), winter, Los_Angeles, Berlin),
            "Dec 7 10:00 PST · 19:00 CET"
        );
        assert_eq!(
            both(now(), winter, Los_Angeles, Tokyo),
            "Dec 7 10:00 PST · Dec 8 03:00 JST"
        );
        assert_eq!(
            both(now(), winter, Los_Angeles, Los_Angeles),
            "Dec 7 10:00 PST"
        );
        let summer = Utc.with_ymd_and_hms(2027, 6, 7, 17, 0, 0).unwrap();
        assert_eq!(zoned(now(), summer, Los_Angeles), "Jun 7 2027 10:00 PDT");
        assert_eq!(zoned(now(), summer, Berlin), "Jun 7 2027 19:00 CEST");
    }

    #[test]
    fn relative_times_count_whole_days_then_hours_then_minutes() {
        let at = |minutes: i64| relative(now(), now() + chrono::TimeDelta::minutes(minutes));
        assert_eq!(at(13 * 24 * 60 + 5), "in 13 d");
        assert_eq!(at(5 * 60 + 59), "in 5 h");
        assert_eq!(at(12), "in 12 min");
        assert_eq!(at(0), "now");
        assert_eq!(at(-3 * 24 * 60 - 1), "3 d ago");
        assert_eq!(at(-90), "1 h ago");
        assert_eq!(relative_days(0), "today");
        assert_eq!(relative_days(4), "in 4 d");
        assert_eq!(relative_days(-2), "2 d ago");
    }
}
