//! A one-line diagnosis of a user's problem from their status and last 24 hours: callers
//! describe symptoms ("I can't get into Okta"), the agent needs the cause and the fix.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeSet;

use crate::model::{ActivityEvent, ActivityKind, User, UserStatus};

/// What the agent can do about it, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fix {
    VerifyCaller,
    Unlock,
    ResetPassword,
    ResetMfa,
}

impl Fix {
    /// What the agent does, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Fix::VerifyCaller => "verify the caller",
            Fix::Unlock => "unlock",
            Fix::ResetPassword => "send a reset link",
            Fix::ResetMfa => "reset MFA",
        }
    }
}

/// The cause in a sentence, and the fixes it suggests (none when the desk cannot fix it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub text: String,
    pub fixes: Vec<Fix>,
}

const VERIFY_THEN_RESET: &[Fix] = &[Fix::VerifyCaller, Fix::ResetPassword];

/// `events` newest first; `factor_count` of enrolled factors.
pub fn diagnose(
    user: &User,
    events: &[ActivityEvent],
    factor_count: usize,
    now: DateTime<Utc>,
) -> Diagnosis {
    let (text, fixes) = cause(user, events, factor_count, now);
    Diagnosis {
        text,
        fixes: fixes.to_vec(),
    }
}

fn cause(
    user: &User,
    events: &[ActivityEvent],
    factor_count: usize,
    now: DateTime<Utc>,
) -> (String, &'static [Fix]) {
    let count = |kind| events.iter().filter(|e| e.kind == kind).count();
    let latest = |kind| events.iter().find(|e| e.kind == kind);
    let ago = |t: DateTime<Utc>| {
        let m = (now - t).num_minutes().max(0);
        if m < 60 {
            format!("{m} min ago")
        } else {
            format!("{} h ago", m / 60)
        }
    };
    match &user.status {
        UserStatus::LockedOut => {
            // The failures that led here: those since the last sign-in or unlock.
            let failures: Vec<&ActivityEvent> = events
                .iter()
                .take_while(|e| {
                    !matches!(
                        e.kind,
                        ActivityKind::SignIn | ActivityKind::AutoUnlock | ActivityKind::AdminUnlock
                    )
                })
                .filter(|e| e.kind == ActivityKind::FailedSignIn)
                .collect();
            // Addresses the user really signed in from are theirs; failures from any other
            // address may be someone else guessing the password.
            let own: BTreeSet<&str> = events
                .iter()
                .filter(|e| matches!(e.kind, ActivityKind::SignIn | ActivityKind::MfaSuccess))
                .filter_map(|e| e.ip.as_deref())
                .collect();
            let strangers: BTreeSet<&str> = failures
                .iter()
                .filter_map(|e| e.ip.as_deref())
                .filter(|ip| !own.contains(ip))
                .collect();
            // The lock itself may be older than the activity fetched.
            let mut text = match latest(ActivityKind::Lockout) {
                Some(lock) => format!("Locked out {}", ago(lock.published)),
                None => "Locked out (before the last 24 h)".to_string(),
            };
            if !failures.is_empty() {
                text.push_str(&format!(" after {} failed sign-in(s)", failures.len()));
            }
            let refused = count(ActivityKind::SignInWhileLocked);
            if refused > 0 {
                text.push_str(&format!(
                    "; {refused} sign-in(s) refused since, the latest {}",
                    ago(latest(ActivityKind::SignInWhileLocked).map_or(now, |e| e.published))
                ));
            }
            text.push('.');
            let mut fixes: &[Fix] = &[Fix::VerifyCaller, Fix::Unlock];
            if !strangers.is_empty() && !own.is_empty() {
                let list: Vec<&str> = strangers.iter().copied().collect();
                text.push_str(&format!(
                    " Failures came from {} the user has not signed in from today: possibly not the user; verify carefully and consider a password reset.",
                    list.join(", ")
                ));
                fixes = &[Fix::VerifyCaller, Fix::Unlock, Fix::ResetPassword];
            }
            text.push_str(" Verify the caller, then unlock.");
            (text, fixes)
        }
        UserStatus::PasswordExpired => (
            "The password has expired: verify the caller, then send a reset link.".into(),
            VERIFY_THEN_RESET,
        ),
        UserStatus::Recovery => {
            let since = latest(ActivityKind::PasswordReset)
                .map(|e| format!(" since {}", ago(e.published)))
                .unwrap_or_default();
            (
                format!(
                    "A password reset is pending{since}: the user must finish it from the e-mail; send a new link if it expired."
                ),
                VERIFY_THEN_RESET,
            )
        }
        UserStatus::Suspended | UserStatus::Deprovisioned => (
            format!(
                "The account is {}: an administrator must reactivate it; the service desk cannot.",
                user.status
            ),
            &[],
        ),
        UserStatus::Staged | UserStatus::Provisioned => (
            "The account was never activated: the user must follow the activation e-mail.".into(),
            &[],
        ),
        _ if count(ActivityKind::PushDenied) > 0 => (
            format!(
                "The user denied {} push(es) in the last 24 h: if they were not signing in, someone may know their password; reset it.",
                count(ActivityKind::PushDenied)
            ),
            VERIFY_THEN_RESET,
        ),
        _ if factor_count == 0 => (
            "No MFA factor is enrolled: the user will be asked to enroll at the next sign-in."
                .into(),
            &[],
        ),
        _ if count(ActivityKind::MfaFailure) >= 3 => (
            format!(
                "{} failed MFA attempts in the last 24 h: the user may have lost or replaced the device; verify, then reset that factor.",
                count(ActivityKind::MfaFailure)
            ),
            &[Fix::VerifyCaller, Fix::ResetMfa],
        ),
        _ if count(ActivityKind::FailedSignIn) > 0 => {
            let last_auto_unlock = latest(ActivityKind::AutoUnlock);
            let mut text = format!(
                "{} failed sign-in(s) in the last 24 h",
                count(ActivityKind::FailedSignIn)
            );
            if let Some(unlock) = last_auto_unlock {
                text.push_str(&format!(
                    ", locked and unlocked automatically {}",
                    ago(unlock.published)
                ));
            }
            text.push_str(": if the password is forgotten, send a reset link.");
            (text, VERIFY_THEN_RESET)
        }
        _ => (
            "Active, and nothing wrong in the last 24 h: ask the caller what they see and where."
                .into(),
            &[],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn diagnose_text(
        user: &User,
        events: &[ActivityEvent],
        factor_count: usize,
        now: DateTime<Utc>,
    ) -> String {
        diagnose(user, events, factor_count, now).text
    }

    #[test]
    fn fixes_follow_the_cause() {
        let fixes = |status, factors| diagnose(&user(status), &[], factors, now()).fixes;
        assert_eq!(
            fixes(UserStatus::LockedOut, 1),
            [Fix::VerifyCaller, Fix::Unlock]
        );
        assert_eq!(
            fixes(UserStatus::PasswordExpired, 1),
            [Fix::VerifyCaller, Fix::ResetPassword]
        );
        assert!(
            fixes(UserStatus::Suspended, 1).is_empty(),
            "not the desk's to fix"
        );
        assert!(fixes(UserStatus::Active, 1).is_empty());
        let failures: Vec<ActivityEvent> = (1..=3)
            .map(|m| event(ActivityKind::MfaFailure, m, "198.51.100.7"))
            .collect();
        assert_eq!(
            diagnose(&user(UserStatus::Active), &failures, 1, now()).fixes,
            [Fix::VerifyCaller, Fix::ResetMfa]
        );
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
    }

    fn user(status: UserStatus) -> User {
        User::sample("00u1", "dana@example.com", status)
    }

    fn event(kind: ActivityKind, minutes_ago: i64, ip: &str) -> ActivityEvent {
        ActivityEvent {
            uuid: format!("{kind:?}{minutes_ago}{ip}"),
            published: now() - Duration::minutes(minutes_ago),
            kind,
            event_type: String::new(),
            message: String::new(),
            result: None,
            reason: None,
            actor: None,
            ip: Some(ip.into()),
            location: None,
        }
    }

    #[test]
    fn an_old_lock_is_not_dated_by_the_sign_ins_refused_since() {
        let events = [
            event(ActivityKind::SignInWhileLocked, 3, "198.51.100.7"),
            event(ActivityKind::SignInWhileLocked, 22, "198.51.100.7"),
        ];
        let d = diagnose_text(&user(UserStatus::LockedOut), &events, 2, now());
        assert!(
            d.starts_with(
                "Locked out (before the last 24 h); 2 sign-in(s) refused since, the latest 3 min ago."
            ),
            "{d}"
        );
    }

    #[test]
    fn a_lockout_names_the_failures_and_warns_about_strange_addresses() {
        let events = [
            event(ActivityKind::Lockout, 5, "198.51.100.7"),
            event(ActivityKind::FailedSignIn, 6, "198.51.100.7"),
            event(ActivityKind::FailedSignIn, 7, "203.0.113.9"),
            event(ActivityKind::MfaSuccess, 60, "198.51.100.7"),
        ];
        let d = diagnose_text(&user(UserStatus::LockedOut), &events, 2, now());
        assert!(
            d.starts_with("Locked out 5 min ago after 2 failed sign-in(s)."),
            "{d}"
        );
        assert!(
            d.contains("from 203.0.113.9 the user has not signed in from"),
            "{d}"
        );
        assert!(d.ends_with("then unlock."), "{d}");
        // Failures only from the user's own address raise no alarm.
        let own_only = [events[0].clone(), events[1].clone(), events[3].clone()];
        let d = diagnose_text(&user(UserStatus::LockedOut), &own_only, 2, now());
        assert!(!d.contains("not the user"), "{d}");
        // Failures before the last unlock belong to an earlier lockout.
        let events = [
            event(ActivityKind::Lockout, 5, "198.51.100.7"),
            event(ActivityKind::FailedSignIn, 6, "198.51.100.7"),
            event(ActivityKind::AutoUnlock, 30, "-"),
            event(ActivityKind::FailedSignIn, 40, "203.0.113.9"),
            event(ActivityKind::FailedSignIn, 41, "203.0.113.9"),
        ];
        let d = diagnose_text(&user(UserStatus::LockedOut), &events, 2, now());
        assert!(
            d.starts_with("Locked out 5 min ago after 1 failed sign-in(s)."),
            "{d}"
        );
    }

    #[test]
    fn denied_pushes_point_at_a_compromised_password() {
        let events = [event(ActivityKind::PushDenied, 30, "203.0.113.9")];
        let d = diagnose_text(&user(UserStatus::Active), &events, 2, now());
        assert!(d.contains("denied 1 push") && d.contains("reset it"), "{d}");
    }

    #[test]
    fn each_status_has_its_own_advice() {
        assert!(
            diagnose_text(&user(UserStatus::PasswordExpired), &[], 1, now()).contains("reset link")
        );
        assert!(
            diagnose_text(
                &user(UserStatus::Recovery),
                &[event(ActivityKind::PasswordReset, 120, "x")],
                1,
                now()
            )
            .contains("pending since 2 h ago")
        );
        assert!(
            diagnose_text(&user(UserStatus::Suspended), &[], 1, now()).contains("administrator")
        );
        assert!(diagnose_text(&user(UserStatus::Active), &[], 0, now()).contains("No MFA factor"));
        assert!(
            diagnose_text(&user(UserStatus::Active), &[], 1, now())
                .starts_with("Active, and nothing wrong")
        );
    }

    #[test]
    fn failed_sign_ins_and_auto_unlock() {
        let events = [
            event(ActivityKind::AutoUnlock, 10, "x"),
            event(ActivityKind::FailedSignIn, 25, "x"),
        ];
        let d = diagnose_text(&user(UserStatus::Active), &events, 1, now());
        assert!(
            d.starts_with(
                "1 failed sign-in(s) in the last 24 h, locked and unlocked automatically 10 min ago"
            ),
            "{d}"
        );
    }
}
