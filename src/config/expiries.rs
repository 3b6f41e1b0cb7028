//! `[expiries]` (how the scanner runs) and `[reminders]` (when reminders and notices are due).

use chrono::{Duration as ChronoDuration, NaiveTime};
use chrono_tz::Tz;
use serde::Deserialize;
use std::time::Duration;

use super::{ConfigError, checked_range};
use crate::policy::schedule::ScheduleRules;
use crate::services::expiry_scanner::ScanSettings;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileExpiries {
    rate_limit_share_percent: Option<u32>,
    refresh_minutes: Option<u64>,
    full_rescan_hours: Option<u64>,
    contract_end_attribute: Option<String>,
    contractor_user_types: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileReminders {
    timezone: Option<String>,
    password_first_days: Option<u32>,
    password_send_time: Option<String>,
    skip_weekends: Option<bool>,
    digest_send_time: Option<String>,
    digest_max_listed: Option<usize>,
    lockout_notices_per_day: Option<u32>,
    lockout_notice_gap_hours: Option<u32>,
}

impl FileExpiries {
    pub(super) fn into_settings(self) -> Result<ScanSettings, ConfigError> {
        let defaults = ScanSettings::default();
        let share = checked_range(
            "expiries.rate_limit_share_percent",
            self.rate_limit_share_percent.unwrap_or(50),
            1..=100,
            "percent",
        )?;
        let refresh = checked_range(
            "expiries.refresh_minutes",
            self.refresh_minutes.unwrap_or(15),
            1..=24 * 60,
            "minutes",
        )?;
        let full = checked_range(
            "expiries.full_rescan_hours",
            self.full_rescan_hours.unwrap_or(24),
            1..=24 * 31,
            "hours",
        )?;
        let attribute = match self.contract_end_attribute {
            None => defaults.contract_end_attribute,
            Some(a) => attribute_name(a)?,
        };
        let types = match self.contractor_user_types {
            None => defaults.contractor_user_types,
            Some(types) => user_types(types)?,
        };
        Ok(ScanSettings {
            rate_limit_share: f64::from(share) / 100.0,
            refresh_interval: Duration::from_secs(refresh * 60),
            full_rescan_interval: Duration::from_secs(full * 3600),
            contract_end_attribute: attribute,
            contractor_user_types: types,
        })
    }
}

impl FileReminders {
    pub(super) fn into_rules(self) -> Result<ScheduleRules, ConfigError> {
        let defaults = ScheduleRules::default();
        let zone = match self.timezone {
            None => defaults.zone,
            Some(name) => name
                .trim()
                .parse::<Tz>()
                .map_err(|_| ConfigError::Invalid {
                    key: "reminders.timezone".into(),
                    value: name.clone(),
                    allowed: "an IANA time zone name such as \"America/Los_Angeles\" \
                          (case-sensitive)"
                        .into(),
                })?,
        };
        let first_days = checked_range(
            "reminders.password_first_days",
            self.password_first_days
                .unwrap_or(defaults.password_first_days),
            1..=365,
            "days",
        )?;
        let digest_max_listed = match self.digest_max_listed {
            // 0 lists every contractor.
            Some(0) => None,
            Some(n) => Some(checked_range(
                "reminders.digest_max_listed",
                n,
                1..=1000,
                "contractors (0 lists all)",
            )?),
            None => defaults.digest_max_listed,
        };
        let cap = checked_range(
            "reminders.lockout_notices_per_day",
            self.lockout_notices_per_day
                .unwrap_or(defaults.lockout_daily_cap),
            0..=24,
            "notices",
        )?;
        let gap = checked_range(
            "reminders.lockout_notice_gap_hours",
            self.lockout_notice_gap_hours.unwrap_or(6),
            0..=24,
            "hours",
        )?;
        Ok(ScheduleRules {
            zone,
            password_first_days: first_days,
            password_send_at: wall_time(
                "reminders.password_send_time",
                self.password_send_time,
                defaults.password_send_at,
            )?,
            skip_weekends: self.skip_weekends.unwrap_or(defaults.skip_weekends),
            digest_send_at: wall_time(
                "reminders.digest_send_time",
                self.digest_send_time,
                defaults.digest_send_at,
            )?,
            digest_max_listed,
            lockout_daily_cap: cap,
            lockout_min_gap: ChronoDuration::hours(i64::from(gap)),
        })
    }
}

/// "10:00" (24-hour, local to `reminders.timezone`).
fn wall_time(key: &str, raw: Option<String>, default: NaiveTime) -> Result<NaiveTime, ConfigError> {
    match raw {
        None => Ok(default),
        Some(raw) => {
            NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| ConfigError::Invalid {
                key: key.to_string(),
                value: raw.clone(),
                allowed: "a 24-hour wall-clock time like \"10:00\"".into(),
            })
        }
    }
}

/// A profile attribute name as Okta spells them (`contractEndDate`, `custom_end`); an optional
/// `profile.` prefix is accepted and dropped.
fn attribute_name(raw: String) -> Result<String, ConfigError> {
    let name = raw.trim().trim_start_matches("profile.").to_string();
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(name)
    } else {
        Err(ConfigError::Invalid {
            key: "expiries.contract_end_attribute".into(),
            value: raw,
            allowed: "a profile attribute name such as \"contractEndDate\" (letters, digits, _)"
                .into(),
        })
    }
}

fn user_types(types: Vec<String>) -> Result<Vec<String>, ConfigError> {
    let types: Vec<String> = types
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if types.is_empty() {
        return Err(ConfigError::Invalid {
            key: "expiries.contractor_user_types".into(),
            value: "[]".into(),
            allowed: "at least one profile.userType value, e.g. [\"contractor\"]".into(),
        });
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reminders(toml: &str) -> Result<ScheduleRules, ConfigError> {
        toml::from_str::<FileReminders>(toml).unwrap().into_rules()
    }

    fn expiries(toml: &str) -> Result<ScanSettings, ConfigError> {
        toml::from_str::<FileExpiries>(toml)
            .unwrap()
            .into_settings()
    }

    #[test]
    fn empty_sections_give_the_defaults() {
        assert_eq!(reminders("").unwrap(), ScheduleRules::default());
        assert_eq!(expiries("").unwrap(), ScanSettings::default());
    }

    #[test]
    fn every_reminder_setting_is_read() {
        let rules = reminders(
            r#"timezone = "Europe/Berlin"
               password_first_days = 30
               password_send_time = "09:30"
               skip_weekends = true
               digest_send_time = "11:15"
               digest_max_listed = 0
               lockout_notices_per_day = 2
               lockout_notice_gap_hours = 8"#,
        )
        .unwrap();
        assert_eq!(rules.zone, chrono_tz::Europe::Berlin);
        assert_eq!(rules.password_first_days, 30);
        assert_eq!(
            rules.password_send_at,
            NaiveTime::from_hms_opt(9, 30, 0).unwrap()
        );
        assert!(rules.skip_weekends);
        assert_eq!(
            rules.digest_send_at,
            NaiveTime::from_hms_opt(11, 15, 0).unwrap()
        );
        assert_eq!(rules.digest_max_listed, None, "0 lists all");
        assert_eq!(rules.lockout_daily_cap, 2);
        assert_eq!(rules.lockout_min_gap, ChronoDuration::hours(8));
    }

    #[test]
    fn bad_reminder_values_say_what_is_allowed() {
        let e = reminders(r#"timezone = "Pacific""#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("reminders.timezone") && e.contains("America/Los_Angeles"),
            "{e}"
        );
        let e = reminders(r#"password_send_time = "10am""#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("24-hour"), "{e}");
        let e = reminders("password_first_days = 0")
            .unwrap_err()
            .to_string();
        assert!(e.contains("between 1 and 365"), "{e}");
    }

    #[test]
    fn every_scanner_setting_is_read_and_checked() {
        let s = expiries(
            r#"rate_limit_share_percent = 25
               refresh_minutes = 5
               full_rescan_hours = 12
               contract_end_attribute = "profile.endDate"
               contractor_user_types = ["contractor", " vendor "]"#,
        )
        .unwrap();
        assert_eq!(s.rate_limit_share, 0.25);
        assert_eq!(s.refresh_interval, Duration::from_secs(300));
        assert_eq!(s.full_rescan_interval, Duration::from_secs(12 * 3600));
        assert_eq!(s.contract_end_attribute, "endDate");
        assert_eq!(s.contractor_user_types, ["contractor", "vendor"]);
        for bad in [
            "rate_limit_share_percent = 0",
            "rate_limit_share_percent = 101",
            r#"contract_end_attribute = "end date""#,
            "contractor_user_types = []",
        ] {
            assert!(expiries(bad).is_err(), "{bad}");
        }
    }
}
