//! The agent's own time zone, shown beside the reminders' zone: `TZ` when it names an IANA
//! zone, else the system's setting, else UTC (said so on screen by its name).

use chrono_tz::Tz;

use super::Env;

pub fn local_zone(env: &dyn Env) -> Tz {
    let from_tz = env
        .var("TZ")
        .and_then(|v| v.trim_start_matches(':').parse::<Tz>().ok());
    from_tz
        .or_else(|| iana_time_zone::get_timezone().ok()?.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tz_wins_when_it_names_a_zone() {
        assert_eq!(
            local_zone(&[("TZ", "Europe/Berlin")]),
            chrono_tz::Europe::Berlin
        );
        assert_eq!(local_zone(&[("TZ", ":Asia/Tokyo")]), chrono_tz::Asia::Tokyo);
        // Not a zone name: the system's, which is some real zone.
        let fallback = local_zone(&[("TZ", "not/a-zone")]);
        assert!(!fallback.name().is_empty());
    }
}
