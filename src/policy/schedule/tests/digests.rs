//! Contractor digests: stages, "and N more", all listed, answered, no manager, weekends.

use chrono::{Duration, NaiveDate};

use super::super::{Digest, ReminderKind, ScheduleRules, digests_on, next_digest};
use super::{date, utc, weekends};
use crate::model::{ContractorExpiryRow, UserStatus};

fn contractor(login: &str, ends_on: NaiveDate, manager: Option<&str>) -> ContractorExpiryRow {
    ContractorExpiryRow {
        user_id: format!("id-{login}"),
        login: login.to_string(),
        name: login.to_string(),
        status: UserStatus::Active,
        department: None,
        user_type: "contractor".into(),
        ends_on,
        manager_id: manager.map(|m| format!("id-{m}")),
        manager_login: manager.map(str::to_string),
        manager_name: None,
        manager_email: None,
    }
}

/// Tuesday 2026-06-16, and a manager with six contractors at a stage and one between stages.
fn team() -> (NaiveDate, Vec<ContractorExpiryRow>) {
    let day = date("2026-06-16");
    let at = |days| day + Duration::days(days);
    let rows = vec![
        contractor("zed", at(14), Some("mia")),
        contractor("amy", at(14), Some("mia")),
        contractor("bob", at(7), Some("mia")),
        contractor("cat", at(3), Some("mia")),
        contractor("dan", at(4), Some("mia")),
        contractor("eve", at(2), Some("mia")),
        contractor("fay", at(1), Some("mia")),
    ];
    (day, rows)
}

fn listed(digest: &Digest) -> Vec<(&str, u32)> {
    digest
        .listed
        .iter()
        .map(|l| (l.login.as_str(), l.days_left))
        .collect()
}

#[test]
fn a_digest_lists_at_most_four_soonest_first_and_counts_the_rest() {
    let (day, rows) = team();
    let digests = digests_on(day, &rows, &ScheduleRules::default(), &[]);
    assert_eq!(digests.len(), 1);
    let digest = &digests[0];
    assert_eq!(
        (digest.manager_id.as_str(), digest.manager_login.as_str()),
        ("id-mia", "mia")
    );
    // 11:00 PDT.
    assert_eq!(digest.send_at, utc("2026-06-16T18:00:00Z"));
    assert_eq!(
        listed(digest),
        vec![("fay", 1), ("eve", 2), ("dan", 4), ("bob", 7)]
    );
    // amy and zed (14 days); cat is at 3 days, no stage.
    assert_eq!(digest.more, 2);
    assert_eq!(digest.listed[0].ends_on, date("2026-06-17"));
}

#[test]
fn with_no_limit_every_contractor_at_a_stage_is_listed() {
    let (day, rows) = team();
    let rules = ScheduleRules {
        digest_max_listed: None,
        ..ScheduleRules::default()
    };
    let digests = digests_on(day, &rows, &rules, &[]);
    assert_eq!(
        listed(&digests[0]),
        vec![
            ("fay", 1),
            ("eve", 2),
            ("dan", 4),
            ("bob", 7),
            ("amy", 14),
            ("zed", 14)
        ]
    );
    assert_eq!(digests[0].more, 0);
}

#[test]
fn an_answer_resolves_that_manager_s_digest_for_that_day_only() {
    let (day, mut rows) = team();
    rows.push(contractor("gus", day + Duration::days(7), Some("ned")));
    let rules = ScheduleRules::default();
    let answered = vec![("id-mia".to_string(), day)];
    let digests = digests_on(day, &rows, &rules, &answered);
    assert_eq!(
        digests
            .iter()
            .map(|d| d.manager_login.as_str())
            .collect::<Vec<_>>(),
        vec!["ned"]
    );
    // The next day mia's digest is due again: eve at 1 day, cat at 2 (gus at 6: none for ned).
    let next_day = day + Duration::days(1);
    let digests = digests_on(next_day, &rows, &rules, &answered);
    assert_eq!(digests.len(), 1);
    assert_eq!(listed(&digests[0]), vec![("eve", 1), ("cat", 2)]);
}

#[test]
fn one_digest_per_manager_in_manager_order() {
    let (day, mut rows) = team();
    rows.push(contractor("gus", day + Duration::days(7), Some("abe")));
    let digests = digests_on(day, &rows, &ScheduleRules::default(), &[]);
    let managers: Vec<_> = digests.iter().map(|d| d.manager_id.as_str()).collect();
    assert_eq!(managers, vec!["id-abe", "id-mia"]);
    assert_eq!(listed(&digests[0]), vec![("gus", 7)]);
}

#[test]
fn contractors_without_a_manager_on_record_get_no_digest() {
    let day = date("2026-06-16");
    let ends = day + Duration::days(7);
    let nobody = contractor("hal", ends, None);
    // A managerId the directory does not know: nowhere to send.
    let unknown = ContractorExpiryRow {
        manager_login: None,
        ..contractor("ivy", ends, Some("gone"))
    };
    let rules = ScheduleRules::default();
    assert!(digests_on(day, &[nobody.clone(), unknown.clone()], &rules, &[]).is_empty());
    let now = utc("2026-06-01T00:00:00Z");
    assert_eq!(next_digest(&nobody, &rules, now), None);
    assert_eq!(next_digest(&unknown, &rules, now), None);
}

#[test]
fn digests_go_on_weekends_even_when_password_reminders_do_not() {
    // Saturday 2026-06-20.
    let saturday = date("2026-06-20");
    let rows = [contractor("jon", saturday + Duration::days(2), Some("mia"))];
    let digests = digests_on(saturday, &rows, &weekends(), &[]);
    assert_eq!(digests.len(), 1);
    assert_eq!(digests[0].send_at, utc("2026-06-20T18:00:00Z"));
}

#[test]
fn next_digest_walks_the_stages_and_ends_after_the_last() {
    let rules = ScheduleRules::default();
    // Ends Tuesday 2026-03-17; the 14-day digest is before the spring change (PST).
    let row = contractor("kim", date("2026-03-17"), Some("mia"));
    let next = |now| next_digest(&row, &rules, utc(now)).map(|d| (d.stage, d.send_at));
    assert_eq!(
        next("2026-03-01T00:00:00Z"),
        Some((Some(14), utc("2026-03-03T19:00:00Z")))
    );
    assert_eq!(
        next("2026-03-03T19:00:00Z"),
        Some((Some(14), utc("2026-03-03T19:00:00Z")))
    );
    assert_eq!(
        next("2026-03-03T19:00:01Z"),
        Some((Some(7), utc("2026-03-10T18:00:00Z")))
    );
    assert_eq!(
        next("2026-03-15T18:00:01Z"),
        Some((Some(1), utc("2026-03-16T18:00:00Z")))
    );
    assert_eq!(next("2026-03-16T18:00:01Z"), None);
    let due = next_digest(&row, &rules, utc("2026-03-01T00:00:00Z")).expect("a digest");
    assert_eq!(due.kind, ReminderKind::ContractorDigest);
}

#[test]
fn next_digest_matches_the_day_s_digests() {
    let (_, rows) = team();
    let rules = ScheduleRules::default();
    let now = utc("2026-06-16T00:00:00Z");
    for row in &rows {
        let due = next_digest(row, &rules, now).expect("a digest ahead");
        let day = super::super::local_date(due.send_at, rules.zone);
        let digests = digests_on(
            day,
            &rows,
            &ScheduleRules {
                digest_max_listed: None,
                ..rules.clone()
            },
            &[],
        );
        assert!(
            digests[0]
                .listed
                .iter()
                .any(|l| l.login == row.login && Some(l.days_left) == due.stage),
            "{} on {day}",
            row.login
        );
    }
}
