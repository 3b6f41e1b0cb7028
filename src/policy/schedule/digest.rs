//! Contractor digests: each manager on record hears, once a day at most, about the
//! contractors at a digest stage (14, 7, 4, 2, 1 days left), every day of the week.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::clock::local_instant;
use super::{DIGEST_STAGES, Digest, DigestLine, Due, ReminderKind, ScheduleRules};
use crate::model::ContractorExpiryRow;

/// Days from `date` to the contract's last day (negative once it ended).
pub fn days_left(row: &ContractorExpiryRow, date: NaiveDate) -> i64 {
    (row.ends_on - date).num_days()
}

/// The digest stage `row` is at on `date`, if any.
fn stage_on(row: &ContractorExpiryRow, date: NaiveDate) -> Option<u32> {
    let left = u32::try_from(days_left(row, date)).ok()?;
    DIGEST_STAGES.contains(&left).then_some(left)
}

/// The manager a digest about `row` goes to: a `manager_id` the directory knows.
fn manager_on_record(row: &ContractorExpiryRow) -> Option<(&str, &str)> {
    match (&row.manager_id, &row.manager_login) {
        (Some(id), Some(login)) if row.has_manager_on_record() => Some((id, login)),
        _ => None,
    }
}

/// The next digest that will list this contractor (stage = days left then), at or after
/// `now`; `None` once the last stage passed or when no manager is on record.
pub fn next_digest(
    row: &ContractorExpiryRow,
    rules: &ScheduleRules,
    now: DateTime<Utc>,
) -> Option<Due> {
    manager_on_record(row)?;
    DIGEST_STAGES.iter().find_map(|&stage| {
        let day = row.ends_on - Duration::days(i64::from(stage));
        let send_at = local_instant(day, rules.digest_send_at, rules.zone);
        (send_at >= now).then_some(Due {
            kind: ReminderKind::ContractorDigest,
            stage: Some(stage),
            send_at,
        })
    })
}

/// The digests due on `date` (in the rules' zone): one per manager on record, by manager id,
/// listing the contractors at a digest stage that day, soonest end first then by login, at
/// most `digest_max_listed` with the rest counted in `more`. `answered` holds (manager id,
/// date) pairs already resolved by an answer: those digests are left out. Contractors without
/// a manager on record are in none (the panes flag them).
pub fn digests_on(
    date: NaiveDate,
    contractors: &[ContractorExpiryRow],
    rules: &ScheduleRules,
    answered: &[(String, NaiveDate)],
) -> Vec<Digest> {
    let mut by_manager: BTreeMap<&str, (&str, Vec<DigestLine>)> = BTreeMap::new();
    for row in contractors {
        let (Some((manager_id, manager_login)), Some(stage)) =
            (manager_on_record(row), stage_on(row, date))
        else {
            continue;
        };
        if answered.iter().any(|(m, d)| m == manager_id && *d == date) {
            continue;
        }
        let line = DigestLine {
            user_id: row.user_id.clone(),
            login: row.login.clone(),
            days_left: stage,
            ends_on: row.ends_on,
        };
        by_manager
            .entry(manager_id)
            .or_insert_with(|| (manager_login, Vec::new()))
            .1
            .push(line);
    }
    let send_at = local_instant(date, rules.digest_send_at, rules.zone);
    by_manager
        .into_iter()
        .map(|(manager_id, (manager_login, mut lines))| {
            lines.sort_by(|a, b| (a.ends_on, &a.login).cmp(&(b.ends_on, &b.login)));
            let shown = rules
                .digest_max_listed
                .unwrap_or(lines.len())
                .min(lines.len());
            let more = lines.len() - shown;
            lines.truncate(shown);
            Digest {
                manager_id: manager_id.to_string(),
                manager_login: manager_login.to_string(),
                send_at,
                listed: lines,
                more,
            }
        })
        .collect()
}
