//! Each kind's key, recipients, channel, links and wording (snapshots of text and HTML, with
//! the answer links' tokens replaced: tokens never go into snapshots).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use url::Url;

use super::*;
use crate::model::{Lockout, LockoutKind, PasswordExpiryRow, UserStatus};
use crate::notify::links::{AnswerKey, verify};
use crate::notify::{
    AnswerChoice, ChannelKind, IdempotencyKey, Instruction, NoticeKind, NoticeSettings, Problem,
    Recipient, ReminderStyle,
};
use crate::policy::schedule::{Digest, DigestLine, Due, ReminderKind};

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 17, 30, 0).unwrap()
}

pub(super) fn settings() -> NoticeSettings {
    NoticeSettings {
        desk_name: "IT Service Desk".into(),
        desk_contact: "+1 555 0100, helpdesk@example.com".into(),
        public_url: Some(Url::parse("https://accessdesk.example.com").unwrap()),
        self_service_url: Some(Url::parse("https://example.okta.com/signin/unlock").unwrap()),
        user_channel: ChannelKind::Email,
        alert_channel: ChannelKind::Webhook,
        ..NoticeSettings::default()
    }
}

fn instruction(id: &str, problem: Problem, title: &str) -> Instruction {
    Instruction {
        id: id.into(),
        system: "Okta".into(),
        problem,
        title: title.into(),
        steps: vec![
            "Go to the sign-in page.".into(),
            "Choose the option.".into(),
        ],
        kb_url: Some(format!("https://kb.example.com/{id}")),
    }
}

pub(super) fn instructions() -> Vec<Instruction> {
    vec![
        instruction(
            "okta-unlock",
            Problem::Unlock,
            "Unlock your account yourself",
        ),
        instruction("okta-password", Problem::Password, "Change your password"),
        instruction("okta-mfa", Problem::Mfa, "Set up Okta Verify again"),
        instruction(
            "contract-extend",
            Problem::ContractExtend,
            "Extend a contract",
        ),
    ]
}

pub(super) fn key() -> AnswerKey {
    AnswerKey::from_bytes(&[7; 32]).unwrap()
}

pub(super) fn composer(settings: NoticeSettings) -> Composer {
    Composer::new(settings, instructions(), key())
        .unwrap()
        .with_zone(chrono_tz::America::Los_Angeles)
}

pub(super) fn ada() -> Recipient {
    Recipient {
        user_id: "00u1".into(),
        login: "ada@example.com".into(),
        name: "Ada Lovelace".into(),
        addresses: vec!["ada@example.com".into(), "ada.home@example.net".into()],
    }
}

fn boss() -> Recipient {
    Recipient {
        user_id: "00uM".into(),
        login: "grace@example.com".into(),
        name: "Grace Hopper".into(),
        addresses: vec!["grace@example.com".into()],
    }
}

pub(super) fn lockout() -> Lockout {
    Lockout {
        uuid: "ev-1".into(),
        published: Utc.with_ymd_and_hms(2026, 3, 2, 17, 12, 0).unwrap(),
        detected_at: now(),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Too many attempts".into(),
        user_id: Some("00u1".into()),
        login: "ada@example.com".into(),
        display_name: Some("Ada Lovelace".into()),
        ip: Some("203.0.113.7".into()),
        city: Some("Lisbon".into()),
        state: None,
        country: Some("Portugal".into()),
        browser: Some("Firefox".into()),
        os: Some("Linux".into()),
        raw_user_agent: None,
        request_id: None,
    }
}

pub(super) fn changed() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap()
}

pub(super) fn row() -> PasswordExpiryRow {
    PasswordExpiryRow {
        user_id: "00u1".into(),
        login: "ada@example.com".into(),
        name: "Ada Lovelace".into(),
        status: UserStatus::Active,
        department: None,
        email: "ada@example.com".into(),
        policy_id: "00p1".into(),
        policy_name: "Default".into(),
        password_changed: Some(changed()),
        expires_at: Some(changed() + Duration::days(90)),
    }
}

pub(super) fn reminder_due(stage: u32) -> Due {
    Due {
        kind: ReminderKind::PasswordReminder,
        stage: Some(stage),
        send_at: changed() + Duration::days(90 - i64::from(stage)) + Duration::hours(10),
    }
}

pub(super) fn digest() -> Digest {
    let line = |login: &str, days: u32| DigestLine {
        user_id: format!("00u-{login}"),
        login: login.into(),
        days_left: days,
        ends_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap() + Duration::days(i64::from(days)),
    };
    Digest {
        manager_id: "00uM".into(),
        manager_login: "grace@example.com".into(),
        send_at: Utc.with_ymd_and_hms(2026, 3, 2, 19, 0, 0).unwrap(),
        listed: vec![line("cy@example.com", 1), line("dee@example.com", 7)],
        more: 3,
    }
}

pub(super) fn mfa_reset() -> ActionDone {
    ActionDone {
        action: crate::model::Action::ResetAllFactors,
        audit_seq: 42,
        at: now(),
        factors_removed: vec!["Okta Verify push".into(), "SMS to +1 ••• 0100".into()],
        ticket: Some("INC0012345".into()),
    }
}

pub(super) fn alert() -> Alert {
    Alert {
        kind: AlertKind::NotMe,
        about: "00u1|lockout_notice||ev-1".into(),
        title: "Ada Lovelace says the lockout wasn't them".into(),
        user_id: Some("00u1".into()),
        login: Some("ada@example.com".into()),
        facts: vec![
            ("User".into(), "ada@example.com".into()),
            ("From".into(), "203.0.113.7 (Lisbon, Portugal)".into()),
        ],
    }
}

/// Every kind, composed with `c`.
pub(super) fn every_notice(c: &Composer) -> Vec<Notice> {
    let expired = Due {
        kind: ReminderKind::PasswordExpired,
        stage: None,
        send_at: changed() + Duration::days(90),
    };
    vec![
        c.lockout_notice(&lockout(), &ada(), now()),
        c.password_notice(&row(), &reminder_due(7), &ada(), now()),
        c.password_notice(&row(), &expired, &ada(), now()),
        c.contractor_digest(&digest(), &boss(), now()),
        c.action_notice(&mfa_reset(), &ada(), now()),
        c.manager_action_notice(&mfa_reset(), &ada(), &boss(), now()),
        c.instructions_notice(&instructions()[0], &ada(), now()),
        c.alert(&alert(), now()),
    ]
}

/// The notice as a reviewer reads it, each answer link's URL replaced by its label.
fn shown(n: &Notice) -> String {
    let hide = |text: &str| {
        n.links.iter().fold(text.to_string(), |t, l| {
            t.replace(&l.url, &format!("<answer link: {}>", l.label))
        })
    };
    format!(
        "To: {}\nSubject: {}\n\n{}\n---- HTML ----\n{}",
        n.to.join(", "),
        n.subject,
        hide(&n.text),
        hide(n.html.as_deref().unwrap_or_default())
    )
}

#[test]
fn every_kind_reads_as_expected() {
    let c = composer(settings());
    for n in every_notice(&c) {
        insta::assert_snapshot!(n.kind.as_str(), shown(&n));
    }
}

#[test]
fn a_lock_of_new_devices_only_tells_the_user_their_own_devices_still_work() {
    let c = composer(settings());
    let mut l = lockout();
    l.kind = LockoutKind::LockedFromNewDevices;
    let n = c.lockout_notice(&l, &ada(), now());
    assert!(
        n.text.contains(super::lockout::NEW_DEVICES_ONLY),
        "{}",
        n.text
    );
    let ordinary = c.lockout_notice(&lockout(), &ada(), now());
    assert!(!ordinary.text.contains("new devices"), "{}", ordinary.text);
}

#[test]
fn keys_are_as_documented() {
    let c = composer(settings());
    let keys: Vec<String> = every_notice(&c).iter().map(|n| n.key.as_string()).collect();
    assert_eq!(keys[0], "00u1|lockout_notice||ev-1");
    assert_eq!(keys[1], "00u1|password_reminder|7|2026-01-01T08:00:00.000Z");
    assert_eq!(keys[2], "00u1|password_expired||2026-01-01T08:00:00.000Z");
    assert_eq!(keys[3], "00uM|contractor_digest||2026-03-02");
    assert_eq!(keys[4], "00u1|action_notice|reset_factors|42");
    assert_eq!(keys[5], "00u1|manager_action_notice|reset_factors|42");
    assert!(keys[6].starts_with("00u1|instructions|okta-unlock|"));
    assert_ne!(
        keys[6],
        every_notice(&c)[6].key.as_string(),
        "a fresh uuid each time"
    );
    assert_eq!(keys[7], "desk|alert|not_me|00u1|lockout_notice||ev-1");
    let parsed = IdempotencyKey::parse(&keys[7]).unwrap();
    assert_eq!(parsed.cycle, "00u1|lockout_notice||ev-1");
}

#[test]
fn recipients_channels_and_due_times() {
    let c = composer(settings());
    let all = every_notice(&c);
    let to = |i: usize| all[i].to.clone();
    assert_eq!(to(0), ["ada@example.com"], "lockout: the first address");
    assert_eq!(
        to(4),
        ["ada@example.com", "ada.home@example.net"],
        "action: every address"
    );
    assert_eq!(to(5), ["grace@example.com"], "the manager");
    assert!(to(7).is_empty());
    for n in &all[..7] {
        assert_eq!(n.channel, ChannelKind::Email, "{:?}", n.kind);
    }
    assert_eq!(all[7].channel, ChannelKind::Webhook);
    assert_eq!(all[7].facts, alert().facts);
    assert_eq!(all[1].due_at, reminder_due(7).send_at);
    assert_eq!(all[3].due_at, digest().send_at);
    assert_eq!(all[0].due_at, now());
    assert_eq!(all[5].user_id.as_deref(), Some("00u1"), "about the user");
}

#[test]
fn links_are_signed_for_each_offered_answer() {
    let c = composer(settings());
    for n in every_notice(&c) {
        let offered = AnswerChoice::offered_by(n.kind);
        assert_eq!(n.links.len(), offered.len(), "{:?}", n.kind);
        for (link, &choice) in n.links.iter().zip(offered) {
            assert_eq!(link.label, choice.label());
            let token = link
                .url
                .strip_prefix("https://accessdesk.example.com/answer/")
                .expect("under public_url");
            let claim = verify(&key(), token, now()).unwrap();
            assert_eq!((claim.key, claim.choice), (n.key.clone(), choice));
            assert_eq!(claim.expires_at, now() + Duration::days(14));
            assert!(n.text.contains(&link.url), "the text carries the link too");
        }
    }
}

#[test]
fn without_a_public_url_the_text_says_whom_to_call() {
    let mut s = settings();
    s.public_url = None;
    let c = composer(s);
    for n in every_notice(&c) {
        assert!(n.links.is_empty());
        if !AnswerChoice::offered_by(n.kind).is_empty() {
            assert!(n.text.contains("+1 555 0100"), "{:?}: {}", n.kind, n.text);
            assert!(!n.text.contains("/answer/"));
        }
    }
    let lockout = &every_notice(&c)[0];
    assert!(
        lockout
            .text
            .contains("If this wasn't you, tell IT Service Desk at once")
    );
}

#[test]
fn instructions_only_reminders_carry_the_steps_and_no_buttons() {
    let mut s = settings();
    s.reminder_style = ReminderStyle::Instructions;
    let c = composer(s);
    let n = c.password_notice(&row(), &reminder_due(14), &ada(), now());
    assert!(n.instructions_only);
    assert!(n.links.is_empty());
    assert!(n.text.contains("Change your password (Okta)"));
    assert!(n.text.contains("1. Go to the sign-in page."));
    assert!(!n.text.contains("Remind me later"));
    assert!(
        !n.text.contains("okta-unlock"),
        "only the password instructions"
    );
}

#[test]
fn days_left_read_naturally() {
    let c = composer(settings());
    let subject = |stage| {
        c.password_notice(&row(), &reminder_due(stage), &ada(), now())
            .subject
    };
    assert_eq!(subject(7), "Your password expires in 7 days");
    assert_eq!(subject(1), "Your password expires tomorrow");
}

#[test]
fn recipients_from_users() {
    let mut user = crate::model::User::sample("00u1", "ada@example.com", UserStatus::Active);
    assert_eq!(
        Recipient::from_user(&user, true),
        None,
        "no e-mail, no recipient"
    );
    user.email = Some("ada@example.com".into());
    user.second_email = Some("ADA@example.com".into());
    user.first_name = Some("Ada".into());
    user.last_name = Some("Lovelace".into());
    let r = Recipient::from_user(&user, true).unwrap();
    assert_eq!(r.addresses, ["ada@example.com"], "the same address once");
    user.second_email = Some("ada.home@example.net".into());
    let every = Recipient::from_user(&user, true).unwrap();
    assert_eq!(every.addresses, ["ada@example.com", "ada.home@example.net"]);
    assert_eq!(every.name, "Ada Lovelace");
    let first = Recipient::from_user(&user, false).unwrap();
    assert_eq!(first.addresses, ["ada@example.com"]);
}

#[test]
fn kinds_name_their_templates() {
    for kind in NoticeKind::ALL {
        assert!(template_placeholders(kind).iter().all(|p| !p.is_empty()));
    }
}

#[test]
fn action_notices_name_what_was_done_and_nothing_secret() {
    let c = composer(settings());
    let with = |action| ActionDone {
        action,
        ticket: None,
        factors_removed: Vec::new(),
        ..mfa_reset()
    };
    let unlock = c.action_notice(&with(crate::model::Action::Unlock), &ada(), now());
    assert!(unlock.text.contains("Your account was unlocked."));
    assert_eq!(unlock.key.stage, "unlock");
    assert!(
        !unlock.text.contains("Ticket:"),
        "no ticket line without a ticket"
    );
    let reset = c.action_notice(&with(crate::model::Action::ResetPassword), &ada(), now());
    assert!(
        reset
            .text
            .contains("e-mailed a one-time link to choose a new password")
    );
    assert!(reset.text.contains("By: IT Service Desk"));
    assert!(
        reset
            .text
            .contains("When: Mon 2 Mar 2026, 09:30 PST (2026-03-02T17:30:00Z)")
    );
    let chosen = crate::model::Action::ResetFactors {
        factor_ids: vec!["opf1".into()],
    };
    let factors = c.action_notice(
        &ActionDone {
            factors_removed: vec!["Google Authenticator".into()],
            ..with(chosen)
        },
        &ada(),
        now(),
    );
    assert!(factors.text.contains("  - Google Authenticator"));
    assert!(
        !factors.text.contains("opf1"),
        "factor ids are not for people"
    );
    for n in [&unlock, &reset, &factors] {
        assert_eq!(find_secret_in(n), None);
        assert_eq!(n.to.len(), 2, "every address of record");
    }
}

#[test]
fn a_digest_is_keyed_by_the_day_it_was_computed_for() {
    // 21:00 in Los Angeles is the next day in UTC: the key still names the local day.
    let late = Digest {
        send_at: Utc.with_ymd_and_hms(2026, 3, 3, 5, 0, 0).unwrap(),
        ..digest()
    };
    let utc = Composer::new(settings(), instructions(), key()).unwrap();
    let n = utc.contractor_digest(&late, &boss(), now());
    assert_eq!(n.key.cycle, "2026-03-02");
    assert!(n.text.contains("and 3 more"));
    assert!(
        n.text
            .contains("cy@example.com: ends Tue 3 Mar 2026 (1 day left)")
    );
}
