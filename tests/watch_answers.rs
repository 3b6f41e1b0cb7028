//! Answer links over HTTP on loopback: each answer changes the schedule as specified (the
//! outbox's password history shows it, and the next scheduler pass queues accordingly); a GET
//! changes nothing; a reused, expired, tampered or malformed link changes nothing.

mod watch_harness;

use accessdesk::audit::AuditLog;
use accessdesk::notify::links::{self, AnswerClaim};
use accessdesk::notify::{AnswerChoice, Notice, NoticeKind, Recipient};
use accessdesk::policy::schedule::Answer;
use accessdesk::services::watch::due_notices;
use accessdesk::services::watch::http::SUSPICIOUS_REPORT_ACTION;
use chrono::{Duration, Utc};
use watch_harness::*;

/// The notices due on `date` at `now` from `scan`, as the scheduler computes them.
fn due(
    h: &Harness,
    scan: &accessdesk::model::ExpiryScan,
    date: chrono::NaiveDate,
    now: chrono::DateTime<Utc>,
) -> Vec<Notice> {
    let outbox = h.shared.outbox();
    due_notices(
        scan,
        &h.shared.rules,
        &outbox,
        &h.shared.composer,
        date,
        now,
    )
    .unwrap()
}

fn for_user<'a>(notices: &'a [Notice], user: &str) -> Vec<&'a Notice> {
    notices
        .iter()
        .filter(|n| n.user_id.as_deref() == Some(user))
        .collect()
}

#[tokio::test]
async fn already_updated_ends_the_cycle_and_the_link_works_once() {
    let h = Harness::start().await;
    let expiry = day(20);
    let scan = scan(vec![password_row("00ua", expiry)], vec![]);
    let stage7 = expiry - Duration::days(7);
    let now = just_after(stage7, 10, 0);
    let notices = due(&h, &scan, stage7, now);
    let reminders = for_user(&notices, "00ua");
    assert_eq!(reminders.len(), 1, "{notices:?}");
    assert_eq!(reminders[0].kind, NoticeKind::PasswordReminder);
    h.enqueue(&notices, now);
    let link = h.link(reminders[0], AnswerChoice::AlreadyUpdated.label());

    // A mail scanner's GET shows the confirm page and changes nothing.
    let (status, page) = h.get(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains("<form method=\"post\""), "{page}");
    assert!(
        h.shared
            .outbox()
            .answer_to(&reminders[0].key)
            .unwrap()
            .is_none()
    );

    let (status, _) = h.post(&link).await;
    assert_eq!(status, 200);
    let history = h.shared.outbox().password_history("00ua").unwrap();
    assert!(
        history
            .answers
            .iter()
            .any(|(_, a)| *a == Answer::AlreadyUpdated),
        "{history:?}"
    );
    // Used once: the second time says so.
    let (status, page) = h.post(&link).await;
    assert_eq!(status, 409);
    assert!(page.contains("Already answered"));

    // The next stages send nothing: the cycle is resolved.
    for stage in [4, 2, 1] {
        let date = expiry - Duration::days(stage);
        assert!(for_user(&due(&h, &scan, date, just_after(date, 10, 0)), "00ua").is_empty());
    }
}

#[tokio::test]
async fn remind_later_skips_to_the_day_before_expiry() {
    let h = Harness::start().await;
    let expiry = day(20);
    let scan = scan(vec![password_row("00ub", expiry)], vec![]);
    let stage7 = expiry - Duration::days(7);
    let notices = due(&h, &scan, stage7, just_after(stage7, 10, 0));
    h.enqueue(&notices, just_after(stage7, 10, 0));
    let link = h.link(
        for_user(&notices, "00ub")[0],
        AnswerChoice::RemindLater.label(),
    );
    assert_eq!(h.post(&link).await.0, 200);

    for stage in [4, 2] {
        let date = expiry - Duration::days(stage);
        assert!(
            for_user(&due(&h, &scan, date, just_after(date, 10, 0)), "00ub").is_empty(),
            "stage {stage} was deferred"
        );
    }
    let eve = expiry - Duration::days(1);
    let last = due(&h, &scan, eve, just_after(eve, 10, 0));
    assert_eq!(
        for_user(&last, "00ub").len(),
        1,
        "the day-before reminder stays"
    );
}

#[tokio::test]
async fn do_not_remind_and_open_ticket_end_the_cycle_and_a_ticket_raises_an_alert() {
    let h = Harness::start().await;
    let expiry = day(20);
    let scan = scan(
        vec![password_row("00uc", expiry), password_row("00ud", expiry)],
        vec![],
    );
    let stage7 = expiry - Duration::days(7);
    let now = just_after(stage7, 10, 0);
    let notices = due(&h, &scan, stage7, now);
    h.enqueue(&notices, now);
    let quiet = h.link(
        for_user(&notices, "00uc")[0],
        AnswerChoice::DoNotRemind.label(),
    );
    let ticket = h.link(
        for_user(&notices, "00ud")[0],
        AnswerChoice::OpenTicket.label(),
    );
    assert_eq!(h.post(&quiet).await.0, 200);
    assert_eq!(h.post(&ticket).await.0, 200);

    let eve = expiry - Duration::days(1);
    let later = due(&h, &scan, eve, just_after(eve, 10, 0));
    assert!(for_user(&later, "00uc").is_empty());
    assert!(for_user(&later, "00ud").is_empty());
    let alerts: Vec<_> = h
        .shared
        .outbox()
        .recent(50)
        .unwrap()
        .into_iter()
        .filter(|i| i.notice.kind == NoticeKind::Alert)
        .collect();
    assert!(
        alerts
            .iter()
            .any(|i| i.notice.key.stage == "ticket_requested"
                && i.notice.user_id.as_deref() == Some("00ud")),
        "{alerts:?}"
    );
}

#[tokio::test]
async fn understood_resolves_the_digest_and_instructions_do_not_use_the_link() {
    let h = Harness::start().await;
    let ends = day(30);
    let scan = scan(vec![], vec![contractor_row("00uk", "00um", ends)]);
    let date = ends - Duration::days(7);
    let now = just_after(date, 11, 0);
    let notices = due(&h, &scan, date, now);
    let digest = notices
        .iter()
        .find(|n| n.kind == NoticeKind::ContractorDigest)
        .expect("a digest is due");
    h.enqueue(&notices, now);

    let how = h.link(digest, AnswerChoice::HowToExtend.label());
    let (status, page) = h.post(&how).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Extend a contractor &lt;quickly&gt;"),
        "escaped: {page}"
    );
    assert!(page.contains("Open the HR portal"));
    assert!(h.shared.outbox().answer_to(&digest.key).unwrap().is_none());

    let understood = h.link(digest, AnswerChoice::Understood.label());
    assert_eq!(h.post(&understood).await.0, 200);
    let answers = h.shared.outbox().digest_answers().unwrap();
    assert!(
        answers.iter().any(|(m, d)| m == "00um" && *d == date),
        "{answers:?}"
    );
    // Answered for that day: the scheduler's next pass leaves it out.
    assert!(
        due(&h, &scan, date, now + Duration::minutes(1))
            .iter()
            .all(|n| n.kind != NoticeKind::ContractorDigest)
    );
}

#[tokio::test]
async fn not_me_is_audited_and_alerted_without_the_token() {
    let h = Harness::start().await;
    let now = Utc::now();
    let to = Recipient {
        user_id: "00un".into(),
        login: "00un@example.com".into(),
        name: "User 00un".into(),
        addresses: vec!["00un@example.com".into()],
    };
    let notice = h
        .shared
        .composer
        .lockout_notice(&lockout("00un", "ev-123"), &to, now);
    h.enqueue(std::slice::from_ref(&notice), now);
    let link = h.link(&notice, AnswerChoice::NotMe.label());
    let token = link.rsplit('/').next().unwrap().to_string();
    assert_eq!(h.post(&link).await.0, 200);

    let log = AuditLog::open(&AuditLog::default_path(h.data.path())).unwrap();
    let records = log.list(None).unwrap();
    let report = records
        .iter()
        .find(|r| r.entry.action == SUSPICIOUS_REPORT_ACTION)
        .expect("the report is in the audit log");
    assert_eq!(report.entry.target_id.as_deref(), Some("00un"));
    assert_eq!(
        report.entry.org.as_deref(),
        Some("https://example.okta.com")
    );
    let note = report.entry.note.clone().unwrap_or_default();
    assert!(note.contains("ev-123"), "{note}");
    assert!(!note.contains(&token));
    let reports = h
        .shared
        .outbox()
        .not_me_reports(now - Duration::minutes(1))
        .unwrap();
    assert_eq!(reports.len(), 1);
    let alerts = h.shared.outbox().recent(10).unwrap();
    assert!(alerts.iter().any(|i| i.notice.key.stage == "not_me"));
    assert!(
        alerts
            .iter()
            .all(|i| !i.notice.text.contains(&token) || i.notice.kind != NoticeKind::Alert)
    );
}

#[tokio::test]
async fn expired_tampered_and_malformed_links_change_nothing() {
    let h = Harness::start().await;
    let expiry = day(20);
    let scan = scan(vec![password_row("00ue", expiry)], vec![]);
    let stage7 = expiry - Duration::days(7);
    let notices = due(&h, &scan, stage7, just_after(stage7, 10, 0));
    h.enqueue(&notices, just_after(stage7, 10, 0));
    let reminder = for_user(&notices, "00ue")[0];

    let expired = links::sign(
        h.shared.composer.key(),
        &AnswerClaim {
            key: reminder.key.clone(),
            choice: AnswerChoice::AlreadyUpdated,
            expires_at: Utc::now() - Duration::hours(1),
        },
    );
    let (status, page) = h.post(&format!("{}/answer/{expired}", h.base)).await;
    assert_eq!(status, 410);
    assert!(page.contains("expired"));
    assert_eq!(h.get(&format!("{}/answer/{expired}", h.base)).await.0, 410);

    let good = h.link(reminder, AnswerChoice::DoNotRemind.label());
    let mut tampered = good.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(h.post(&tampered).await.0, 400);
    assert_eq!(
        h.post(&format!("{}/answer/not-a-token", h.base)).await.0,
        400
    );

    assert!(
        h.shared
            .outbox()
            .answer_to(&reminder.key)
            .unwrap()
            .is_none()
    );
    assert!(
        h.shared
            .outbox()
            .password_history("00ue")
            .unwrap()
            .answers
            .is_empty()
    );
    // The schedule goes on as before.
    let stage4 = expiry - Duration::days(4);
    assert_eq!(
        for_user(&due(&h, &scan, stage4, just_after(stage4, 10, 0)), "00ue").len(),
        1
    );
}
