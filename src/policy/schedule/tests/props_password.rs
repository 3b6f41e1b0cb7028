//! Property tests of the password schedule, alone and driven by a sender that sends what
//! `next_password_reminder` says when it says it, and a user who sometimes answers.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::super::{
    Answer, PasswordCycle, PasswordHistory, ReminderKind, ScheduleRules, SentReminder, is_weekend,
    local_date, local_instant, next_password_reminder, password_schedule, password_stages,
};

const ZONES: [Tz; 6] = [
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Australia::Sydney,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Pacific::Chatham,
];

fn rules_strategy() -> impl Strategy<Value = ScheduleRules> {
    (0..ZONES.len(), 1u32..=40, 0u32..24, 0u32..4, any::<bool>()).prop_map(
        |(zone, first_days, hour, quarter, skip_weekends)| ScheduleRules {
            zone: ZONES[zone],
            password_first_days: first_days,
            password_send_at: NaiveTime::from_hms_opt(hour, quarter * 15, 0).expect("valid"),
            skip_weekends,
            ..ScheduleRules::default()
        },
    )
}

/// An expiry within 2026–2028 (both daylight-saving changes of each year) and a policy age.
fn expiry_strategy() -> impl Strategy<Value = (DateTime<Utc>, i64)> {
    let start = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("valid")
        .with_timezone(&Utc);
    (0i64..3 * 365 * 24 * 60, 1i64..=120)
        .prop_map(move |(minutes, max_age)| (start + Duration::minutes(minutes), max_age))
}

/// After each reminder: the user's answer code (most mean no answer) and its delay in
/// minutes, whether the reminder carried instructions only, and how many minutes late the
/// sender delivered it (a watcher that was busy or down).
fn reaction_strategy() -> impl Strategy<Value = Vec<(u8, i64, bool, i64)>> {
    let late = prop_oneof![3 => Just(0i64), 1 => 1i64..(20 * 60)];
    prop::collection::vec((0u8..8, 1i64..600, any::<bool>(), late), 0..10)
}

fn answer(code: u8) -> Option<Answer> {
    match code {
        0 => Some(Answer::AlreadyUpdated),
        1 => Some(Answer::DoNotRemind),
        2 => Some(Answer::RemindLater),
        3 => Some(Answer::OpenTicket {
            ticket: "INC-1".into(),
        }),
        _ => None,
    }
}

fn at_local_send_time(t: DateTime<Utc>, rules: &ScheduleRules) -> bool {
    local_instant(
        local_date(t, rules.zone),
        rules.password_send_at,
        rules.zone,
    ) == t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_schedule_keeps_its_shape(rules in rules_strategy(), (expiry, max_age) in expiry_strategy()) {
        let history = PasswordHistory::default();
        let changed = expiry - Duration::days(max_age);
        let cycle = PasswordCycle {
            expires_at: Some(expiry),
            status_expired: false,
            password_changed: Some(changed),
            seen_at: changed,
            history: &history,
        };
        let items = password_schedule(&cycle, &rules);
        let stages = password_stages(rules.password_first_days);
        let reminders: Vec<_> = items.iter().filter(|d| d.kind == ReminderKind::PasswordReminder).collect();
        prop_assert!(reminders.len() <= stages.len());
        // Exactly one expired notice, last, at or after the expiry.
        let notice = items.last().expect("the notice");
        prop_assert_eq!(notice.kind, ReminderKind::PasswordExpired);
        prop_assert!(notice.send_at >= expiry);
        prop_assert_eq!(items.iter().filter(|d| d.kind == ReminderKind::PasswordExpired).count(), 1);
        let mut days = HashSet::new();
        for pair in items.windows(2) {
            prop_assert!(pair[0].send_at < pair[1].send_at);
        }
        for due in &items {
            prop_assert!(days.insert(local_date(due.send_at, rules.zone)), "two on one day: {:?}", items);
            prop_assert!(at_local_send_time(due.send_at, &rules));
            prop_assert!(!(rules.skip_weekends && is_weekend(local_date(due.send_at, rules.zone))));
        }
        for r in &reminders {
            prop_assert!(r.send_at >= changed && r.send_at < expiry);
            prop_assert!(stages.contains(&r.stage.expect("staged")));
        }
        // The stages go nearer and nearer.
        for pair in reminders.windows(2) {
            prop_assert!(pair[0].stage > pair[1].stage);
        }
        // Without weekend moves every stage inside the cycle is there.
        if !rules.skip_weekends {
            let expected = stages.iter().filter(|&&s| {
                let day = local_date(expiry, rules.zone) - Duration::days(i64::from(s));
                let t = local_instant(day, rules.password_send_at, rules.zone);
                t >= changed && t < expiry
            }).count();
            prop_assert_eq!(reminders.len(), expected);
        }
    }

    #[test]
    fn a_sender_that_follows_the_schedule_keeps_every_rule(
        rules in rules_strategy(),
        (expiry, max_age) in expiry_strategy(),
        reactions in reaction_strategy(),
    ) {
        let changed = expiry - Duration::days(max_age);
        let mut history = PasswordHistory { password_changed: Some(changed), ..PasswordHistory::default() };
        let mut now = changed;
        // The slot each sent item was due at (it may have gone later).
        let mut slots: Vec<DateTime<Utc>> = Vec::new();
        let mut reactions = reactions.into_iter();
        loop {
            let cycle = PasswordCycle {
                expires_at: Some(expiry),
                status_expired: false,
                password_changed: Some(changed),
                seen_at: changed,
                history: &history,
            };
            let Some(due) = next_password_reminder(&cycle, &rules, now) else { break };
            prop_assert!(due.send_at >= now);
            prop_assert!(history.sent.len() <= 64, "runaway sender");
            let (code, minutes, instructions_only, late) =
                reactions.next().unwrap_or((7, 1, false, 0));
            let at = due.send_at + Duration::minutes(late);
            history.sent.push(SentReminder {
                at,
                kind: due.kind,
                stage: due.stage,
                instructions_only,
            });
            slots.push(due.send_at);
            now = at + Duration::seconds(1);
            if let Some(a) = answer(code) {
                history.answers.push((at + Duration::minutes(minutes), a));
            }
        }
        let sent = &history.sent;
        let stages = password_stages(rules.password_first_days);
        let reminders = sent.iter().filter(|s| s.kind == ReminderKind::PasswordReminder).count();
        let notices = sent.iter().filter(|s| s.kind == ReminderKind::PasswordExpired).count();
        prop_assert!(reminders <= stages.len());
        prop_assert!(notices <= 1);
        let resolved = history.answers.iter()
            .filter(|(_, a)| !matches!(a, Answer::RemindLater))
            .map(|(t, _)| *t)
            .min();
        match resolved {
            Some(r) => prop_assert!(sent.iter().all(|s| s.at <= r), "sent after resolution"),
            // Unresolved, the cycle always ends with its one notice.
            None => prop_assert_eq!(notices, 1),
        }
        let mut days = HashSet::new();
        for &slot in &slots {
            prop_assert!(days.insert(local_date(slot, rules.zone)), "two on one day: {:?}", slots);
            prop_assert!(at_local_send_time(slot, &rules));
            prop_assert!(!(rules.skip_weekends && is_weekend(local_date(slot, rules.zone))));
        }
        for (i, s) in sent.iter().enumerate() {
            if s.instructions_only {
                let quiet_end = s.at + Duration::hours(24);
                prop_assert!(slots[i + 1..].iter().all(|&later| later >= quiet_end), "inside the quiet");
            }
            if s.kind == ReminderKind::PasswordExpired {
                prop_assert!(slots[i] >= expiry);
                prop_assert!(sent[i + 1..].is_empty(), "after the notice");
            }
        }
        // After Remind me later, only the day-before-expiry reminder or the notice follows.
        for (t, a) in &history.answers {
            if matches!(a, Answer::RemindLater) {
                prop_assert!(sent.iter().filter(|s| s.at > *t).all(|s| s.stage.is_none_or(|st| st == 1)));
            }
        }
    }
}
