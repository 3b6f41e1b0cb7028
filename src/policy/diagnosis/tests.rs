use super::*;
use crate::model::{Factor, FactorKind, User};
use crate::policy::gate::Requirement;
use chrono::TimeZone;
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
}

fn sms() -> Factor {
    Factor {
        id: "sms1".into(),
        kind: FactorKind::Sms,
        factor_type: "sms".into(),
        provider: "OKTA".into(),
        status: "ACTIVE".into(),
        device_name: None,
        contact: Some("•••-1337".into()),
        created: None,
        last_updated: None,
    }
}

fn profile(status: UserStatus, activity: Vec<ActivityEvent>) -> UserProfile {
    let mut user = User::sample("00u1", "dana@example.com", status);
    user.password_changed = Some(now() - Duration::days(30));
    UserProfile {
        user,
        factors: vec![sms()],
        password_policy: Some("Default Policy".into()),
        password_expires_at: Some(now() + Duration::days(60)),
        password_warn_from: Some(now() + Duration::days(53)),
        activity,
        unreadable: Vec::new(),
    }
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

fn by(mut e: ActivityEvent, actor: &str) -> ActivityEvent {
    e.actor = Some(actor.into());
    e
}

fn agent(p: &UserProfile) -> Diagnosis {
    diagnose(p, &GatePolicy::default(), false, now())
}

/// A policy where every action needs possession evidence.
fn strict() -> GatePolicy {
    GatePolicy {
        reset_password: Requirement::FULL,
        ..GatePolicy::default()
    }
}

/// A policy where no action needs possession evidence.
fn lax() -> GatePolicy {
    let none = Requirement {
        checklist: true,
        ticket: true,
        possession: false,
    };
    GatePolicy {
        unlock: none,
        reset_password: none,
        reset_factors: none,
        ..GatePolicy::default()
    }
}

use Fix::{ResetMfa, ResetPassword, Unlock, VerifyCaller};

/// One row of the table: a profile, and what its diagnosis must say and suggest.
struct Case {
    name: &'static str,
    profile: UserProfile,
    says: &'static [&'static str],
    never: &'static [&'static str],
    fixes: &'static [Fix],
}

fn cases() -> Vec<Case> {
    let mut expired = profile(UserStatus::Active, vec![]);
    expired.password_expires_at = Some(now() - Duration::days(3));
    let mut locked_and_expired = profile(
        UserStatus::LockedOut,
        vec![event(ActivityKind::Lockout, 5, "198.51.100.7")],
    );
    locked_and_expired.password_expires_at = Some(now() - Duration::days(2));
    let mut expiring = profile(UserStatus::Active, vec![]);
    expiring.password_warn_from = Some(now() - Duration::days(1));
    expiring.password_expires_at = Some(now() + Duration::days(6));
    let mut link_used = profile(
        UserStatus::Active,
        vec![by(
            event(ActivityKind::PasswordReset, 40, "x"),
            "agent@example.com",
        )],
    );
    link_used.user.password_changed = Some(now() - Duration::minutes(10));
    let mut expired_by_policy = profile(UserStatus::PasswordExpired, vec![]);
    expired_by_policy.password_expires_at = Some(now() - Duration::days(1));
    let mut no_factors = profile(UserStatus::Active, vec![]);
    no_factors.factors.clear();
    let mut mfa_reset = profile(
        UserStatus::Active,
        vec![by(
            event(ActivityKind::FactorsReset, 4, "x"),
            "agent@example.com",
        )],
    );
    mfa_reset.factors.clear();
    vec![
        Case {
            name: "a computed expiry in the past is an expired password, whatever the status",
            profile: expired,
            says: &[
                "The password expired 3 days ago (Default Policy)",
                "Send a reset link.",
            ],
            never: &["nothing wrong"],
            fixes: &[ResetPassword],
        },
        Case {
            name: "PASSWORD_EXPIRED set by an admin",
            profile: profile(
                UserStatus::PasswordExpired,
                vec![by(
                    event(ActivityKind::PasswordExpired, 90, "x"),
                    "admin@example.com",
                )],
            ),
            says: &["The password was expired by admin@example.com 1 h ago"],
            never: &["nothing wrong", "unlock"],
            fixes: &[ResetPassword],
        },
        Case {
            name: "PASSWORD_EXPIRED by the policy's age",
            profile: expired_by_policy,
            says: &["The password expired 24 h ago (Default Policy)"],
            never: &["unlock"],
            fixes: &[ResetPassword],
        },
        Case {
            name: "RECOVERY with a link sent minutes ago: use it, do not send another",
            profile: profile(
                UserStatus::Recovery,
                vec![by(
                    event(ActivityKind::PasswordReset, 12, "x"),
                    "agent@example.com",
                )],
            ),
            says: &[
                "A reset link was sent 12 min ago by agent@example.com and has not been used yet",
                "another link would replace it",
            ],
            never: &["unlock"],
            fixes: &[],
        },
        Case {
            name: "RECOVERY with an old link: send a new one",
            profile: profile(
                UserStatus::Recovery,
                vec![event(ActivityKind::PasswordReset, 5 * 60, "x")],
            ),
            says: &["A reset link was sent 5 h ago", "probably expired"],
            never: &[],
            fixes: &[ResetPassword],
        },
        Case {
            name: "RECOVERY begun before the activity window",
            profile: profile(UserStatus::Recovery, vec![]),
            says: &["pending since before the last 24 h"],
            never: &[],
            fixes: &[ResetPassword],
        },
        Case {
            name: "a pending link on an ACTIVE user: a reset event and no password change after it",
            profile: profile(
                UserStatus::Active,
                vec![by(
                    event(ActivityKind::PasswordReset, 8, "x"),
                    "agent@example.com",
                )],
            ),
            says: &[
                "A reset link was sent 8 min ago by agent@example.com and the password has not been changed since",
            ],
            never: &["nothing wrong"],
            fixes: &[],
        },
        Case {
            name: "a used link is not pending",
            profile: link_used,
            says: &["nothing wrong"],
            never: &["reset link was sent"],
            fixes: &[],
        },
        Case {
            name: "an unlock by an agent minutes ago: do not suggest another",
            profile: profile(
                UserStatus::Active,
                vec![
                    by(
                        event(ActivityKind::AdminUnlock, 3, "x"),
                        "agent@example.com",
                    ),
                    event(ActivityKind::Lockout, 20, "198.51.100.7"),
                    event(ActivityKind::FailedSignIn, 21, "198.51.100.7"),
                ],
            ),
            says: &[
                "Unlocked 3 min ago by agent@example.com: ask the caller to sign in again now.",
            ],
            never: &["Locked out", "failed sign-in"],
            fixes: &[],
        },
        Case {
            name: "an automatic unlock minutes ago, then a successful sign-in",
            profile: profile(
                UserStatus::Active,
                vec![
                    event(ActivityKind::SignIn, 1, "198.51.100.7"),
                    event(ActivityKind::AutoUnlock, 10, "x"),
                    event(ActivityKind::Lockout, 40, "198.51.100.7"),
                ],
            ),
            says: &["Unlocked 10 min ago automatically, and the user has signed in since."],
            never: &["ask the caller to sign in"],
            fixes: &[],
        },
        Case {
            name: "failures after a recent unlock point at a forgotten password",
            profile: profile(
                UserStatus::Active,
                vec![
                    event(ActivityKind::FailedSignIn, 1, "198.51.100.7"),
                    event(ActivityKind::FailedSignIn, 2, "198.51.100.7"),
                    by(
                        event(ActivityKind::AdminUnlock, 6, "x"),
                        "agent@example.com",
                    ),
                ],
            ),
            says: &["Unlocked 6 min ago by agent@example.com; 2 failed sign-ins since"],
            never: &[],
            fixes: &[ResetPassword],
        },
        Case {
            name: "an MFA reset minutes ago: the user enrolls, nothing to reset again",
            profile: mfa_reset,
            says: &["MFA was reset 4 min ago by agent@example.com"],
            never: &["No MFA factor is enrolled"],
            fixes: &[],
        },
        Case {
            name: "sign-ins refused before and after the lock are told apart",
            profile: profile(
                UserStatus::LockedOut,
                vec![
                    event(ActivityKind::SignInWhileLocked, 2, "198.51.100.7"),
                    event(ActivityKind::SignInWhileLocked, 4, "198.51.100.7"),
                    event(ActivityKind::Lockout, 5, "198.51.100.7"),
                    event(ActivityKind::FailedSignIn, 6, "198.51.100.7"),
                    event(ActivityKind::AutoUnlock, 30, "x"),
                    event(ActivityKind::SignInWhileLocked, 40, "198.51.100.7"),
                    event(ActivityKind::Lockout, 50, "198.51.100.7"),
                ],
            ),
            says: &[
                "Locked out 5 min ago after 1 failed sign-in; 2 sign-ins refused since, the latest 2 min ago.",
                "The 1 sign-in refused before this lock belonged to an earlier one.",
                "Verify the caller, then unlock.",
            ],
            never: &["3 sign-ins"],
            fixes: &[VerifyCaller, Unlock],
        },
        Case {
            name: "a lock older than the window is not dated by the refusals since",
            profile: profile(
                UserStatus::LockedOut,
                vec![
                    event(ActivityKind::SignInWhileLocked, 3, "198.51.100.7"),
                    event(ActivityKind::SignInWhileLocked, 22, "198.51.100.7"),
                ],
            ),
            says: &[
                "Locked out (before the last 24 h); 2 sign-ins refused since, the latest 3 min ago.",
            ],
            never: &["earlier lock"],
            fixes: &[VerifyCaller, Unlock],
        },
        Case {
            name: "locked with an expired password: both are said",
            profile: locked_and_expired,
            says: &[
                "Locked out 5 min ago.",
                "The password also expired 2 days ago",
            ],
            never: &[],
            fixes: &[VerifyCaller, Unlock],
        },
        Case {
            name: "a password about to expire is said, not hidden behind 'nothing wrong'",
            profile: expiring,
            says: &["the password expires in 6 days (Default Policy)"],
            never: &[],
            fixes: &[],
        },
        Case {
            name: "no factor enrolled",
            profile: no_factors,
            says: &["No MFA factor is enrolled"],
            never: &[],
            fixes: &[],
        },
        Case {
            name: "repeated MFA failures",
            profile: profile(
                UserStatus::Active,
                (1..=3)
                    .map(|m| event(ActivityKind::MfaFailure, m, "198.51.100.7"))
                    .collect(),
            ),
            says: &["3 failed MFA attempts in the last 24 h"],
            never: &[],
            fixes: &[VerifyCaller, ResetMfa],
        },
        Case {
            name: "denied pushes",
            profile: profile(
                UserStatus::Active,
                vec![event(ActivityKind::PushDenied, 30, "203.0.113.9")],
            ),
            says: &["denied 1 push", "reset it"],
            never: &[],
            fixes: &[ResetPassword],
        },
        Case {
            name: "suspended: not the desk's to fix",
            profile: profile(UserStatus::Suspended, vec![]),
            says: &["administrator"],
            never: &[],
            fixes: &[],
        },
        Case {
            name: "nothing wrong",
            profile: profile(UserStatus::Active, vec![]),
            says: &["Active, and nothing wrong in the last 24 h"],
            never: &[],
            fixes: &[],
        },
    ]
}

#[test]
fn each_case_says_what_the_profile_shows_and_suggests_the_right_fixes() {
    for case in cases() {
        let d = agent(&case.profile);
        for s in case.says {
            assert!(
                d.text.contains(s),
                "{}: {:?} not in {:?}",
                case.name,
                s,
                d.text
            );
        }
        for s in case.never {
            assert!(
                !d.text.contains(s),
                "{}: {:?} in {:?}",
                case.name,
                s,
                d.text
            );
        }
        assert_eq!(d.fixes, case.fixes, "{}: {}", case.name, d.text);
    }
}

#[test]
fn read_only_suggests_nothing_and_says_why() {
    for case in cases() {
        let d = diagnose(&case.profile, &GatePolicy::default(), true, now());
        assert!(d.fixes.is_empty(), "{}", case.name);
        if !case.fixes.is_empty() {
            assert!(
                d.text.contains("Read-only here; an agent would"),
                "{}: {}",
                case.name,
                d.text
            );
        }
    }
}

#[test]
fn verify_comes_first_only_for_an_action_that_needs_possession() {
    let expired = profile(UserStatus::PasswordExpired, vec![]);
    assert_eq!(agent(&expired).fixes, [ResetPassword]);
    assert!(!agent(&expired).text.contains("Verify the caller"));
    assert_eq!(
        diagnose(&expired, &strict(), false, now()).fixes,
        [VerifyCaller, ResetPassword]
    );
    let locked = profile(UserStatus::LockedOut, vec![]);
    assert_eq!(diagnose(&locked, &lax(), false, now()).fixes, [Unlock]);
    assert!(
        diagnose(&locked, &lax(), false, now())
            .text
            .ends_with(" Unlock.")
    );
    // One check serves the actions after it.
    let strangers = profile(
        UserStatus::LockedOut,
        vec![
            event(ActivityKind::Lockout, 5, "198.51.100.7"),
            event(ActivityKind::FailedSignIn, 6, "203.0.113.9"),
            event(ActivityKind::SignIn, 600, "198.51.100.7"),
        ],
    );
    let d = diagnose(&strangers, &strict(), false, now());
    assert_eq!(d.fixes, [VerifyCaller, Unlock, ResetPassword]);
    assert!(
        d.text
            .ends_with("Verify the caller, then unlock, then send a reset link.")
    );
    assert!(
        d.text
            .contains("from 203.0.113.9 the user has not signed in from")
    );
}

/// The diagnosis reads only the profile it is given: change a fact there and it follows.
#[test]
fn the_diagnosis_follows_the_profile_it_is_given() {
    let mut p = profile(
        UserStatus::LockedOut,
        vec![event(ActivityKind::Lockout, 5, "198.51.100.7")],
    );
    assert_eq!(agent(&p).fixes, [VerifyCaller, Unlock]);
    p.user.status = UserStatus::Active;
    p.activity.insert(
        0,
        by(
            event(ActivityKind::AdminUnlock, 1, "x"),
            "agent@example.com",
        ),
    );
    let d = agent(&p);
    assert!(
        d.text
            .starts_with("Unlocked 1 min ago by agent@example.com"),
        "{}",
        d.text
    );
    assert!(d.fixes.is_empty());
    // The profile's order does not matter: newest first is worked out.
    p.activity.reverse();
    assert_eq!(agent(&p), d);
}

fn any_kind() -> impl Strategy<Value = ActivityKind> {
    prop_oneof![
        Just(ActivityKind::SignIn),
        Just(ActivityKind::FailedSignIn),
        Just(ActivityKind::Lockout),
        Just(ActivityKind::SignInWhileLocked),
        Just(ActivityKind::AutoUnlock),
        Just(ActivityKind::AdminUnlock),
        Just(ActivityKind::MfaFailure),
        Just(ActivityKind::PushDenied),
        Just(ActivityKind::PasswordReset),
        Just(ActivityKind::PasswordChanged),
        Just(ActivityKind::PasswordExpired),
        Just(ActivityKind::FactorsReset),
    ]
}

fn any_status() -> impl Strategy<Value = UserStatus> {
    prop_oneof![
        Just(UserStatus::Active),
        Just(UserStatus::LockedOut),
        Just(UserStatus::PasswordExpired),
        Just(UserStatus::Recovery),
        Just(UserStatus::Suspended),
        Just(UserStatus::Staged),
    ]
}

proptest! {
    /// Whatever the profile, the diagnosis never contradicts it: it suggests unlocking only a
    /// locked user, calls nothing fine that the screen shows expired or not active, suggests
    /// nothing in read-only mode, and a check of the caller always serves an action that
    /// needs one.
    #[test]
    fn never_contradicts_the_profile(
        status in any_status(),
        events in proptest::collection::vec((any_kind(), 0i64..1440), 0..12),
        expires_in_days in -30i64..90,
        factors in 0usize..2,
        read_only in any::<bool>(),
        strict_policy in any::<bool>(),
    ) {
        let mut p = profile(status.clone(), events.iter().map(|(k, m)| event(*k, *m, "198.51.100.7")).collect());
        p.password_expires_at = Some(now() + Duration::days(expires_in_days));
        p.factors.truncate(factors);
        let policy = if strict_policy { strict() } else { GatePolicy::default() };
        let d = diagnose(&p, &policy, read_only, now());
        prop_assert_eq!(d.fixes.contains(&Unlock), !read_only && status == UserStatus::LockedOut, "{}", d.text);
        if read_only {
            prop_assert!(d.fixes.is_empty());
        }
        if d.text.contains("nothing wrong") {
            prop_assert_eq!(&status, &UserStatus::Active);
            prop_assert!(expires_in_days > 0, "{}", d.text);
        }
        if expires_in_days <= 0 && matches!(status, UserStatus::Active | UserStatus::LockedOut) {
            prop_assert!(d.text.contains("expired"), "{}", d.text);
        }
        if let Some(i) = d.fixes.iter().position(|f| *f == VerifyCaller) {
            let next = d.fixes.get(i + 1).and_then(|f| f.action());
            prop_assert!(next.is_some_and(|k| policy.requirement(k).possession), "{:?}", d.fixes);
        }
        prop_assert!(!d.text.is_empty());
    }
}

fn new_devices_lock(minutes_ago: i64) -> ActivityEvent {
    let mut e = event(ActivityKind::Lockout, minutes_ago, "198.51.100.7");
    e.event_type = "user.account.lock".into();
    e.message = "Account Locked from New Devices - Max sign-in attempts exceeded.".into();
    e
}

#[test]
fn a_lock_of_new_devices_only_says_the_user_is_active_and_what_works() {
    let p = profile(UserStatus::Active, vec![new_devices_lock(5)]);
    let d = agent(&p);
    assert!(
        d.text.starts_with(
            "Locked out of new devices only, 5 min ago: the account is ACTIVE, so the user can still sign in from a device they used before. Unlock here is for LOCKED_OUT accounts only; an Okta admin can clear this lock in the Admin Console."
        ),
        "{}",
        d.text
    );
    // Not "Active, and nothing wrong", and no unlock offered: it would be refused.
    assert!(!d.text.contains("nothing wrong"), "{}", d.text);
    assert!(!d.fixes.contains(&Fix::Unlock), "{:?}", d.fixes);
}

#[test]
fn an_unlock_after_a_lock_of_new_devices_ends_it() {
    let p = profile(
        UserStatus::Active,
        vec![
            new_devices_lock(30),
            by(
                event(ActivityKind::AdminUnlock, 10, "10.0.0.1"),
                "admin@example.com",
            ),
        ],
    );
    let d = agent(&p);
    assert!(!d.text.contains("new devices"), "{}", d.text);
}

#[test]
fn an_ordinary_lock_of_an_active_user_is_not_a_lock_of_new_devices() {
    let mut lock = event(ActivityKind::Lockout, 5, "198.51.100.7");
    lock.message = "Max sign in attempts exceeded".into();
    let d = agent(&profile(UserStatus::Active, vec![lock]));
    assert!(!d.text.contains("new devices"), "{}", d.text);
}
