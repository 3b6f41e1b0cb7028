use super::*;
use crate::model::{FactorKind, UserStatus};
use crate::policy::gate::EvidenceKind;
use crate::services::verification::code_evidence;
use crate::tui::keymap::{self, Action as KeyAction, Context};
use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use secrecy::ExposeSecret;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

fn dana() -> User {
    User {
        id: "00u-dana".into(),
        status: UserStatus::LockedOut,
        login: "dana@example.com".into(),
        email: Some("dana@example.com".into()),
        second_email: None,
        first_name: Some("Dana".into()),
        last_name: Some("Scully".into()),
        display_name: None,
        department: None,
        title: None,
        user_type: None,
        manager: Some("Walter Skinner".into()),
        manager_id: Some("00u-walter".into()),
        contract_end_date: None,
        created: None,
        status_changed: None,
        last_login: None,
        password_changed: None,
    }
}

fn factor(id: &str, kind: FactorKind, device: Option<&str>, contact: Option<&str>) -> Factor {
    Factor {
        id: id.into(),
        kind,
        factor_type: String::new(),
        provider: "OKTA".into(),
        status: "ACTIVE".into(),
        device_name: device.map(Into::into),
        contact: contact.map(Into::into),
        created: None,
        last_updated: None,
    }
}

fn factors() -> Vec<Factor> {
    vec![
        factor("sms1", FactorKind::Sms, None, Some("•••-1337")),
        factor("push1", FactorKind::Push, Some("Dana's iPhone"), None),
        factor("totp1", FactorKind::Totp, None, None),
    ]
}

fn dialog_with(
    purpose: Purpose,
    user: &User,
    factors: &[Factor],
    carried: &Carried,
) -> VerifyDialog {
    VerifyDialog::new(
        purpose,
        user,
        factors,
        &GatePolicy::default(),
        now(),
        carried,
    )
}

fn dialog(action: Action) -> VerifyDialog {
    dialog_with(
        Purpose::Act(action),
        &dana(),
        &factors(),
        &Carried::default(),
    )
}

/// A key as the app hands it over: looked up in the dialog's focused context.
fn key_event(d: &mut VerifyDialog, event: KeyEvent) -> Vec<Request> {
    let policy = GatePolicy::default();
    match keymap::lookup(d.context(), &event) {
        Some(KeyAction::Dialog(DialogAction::Text)) => {
            d.on_text(event, &policy, now());
            Vec::new()
        }
        Some(KeyAction::Dialog(action)) => d.on_action(action, &policy, now()),
        _ => Vec::new(),
    }
}

fn press(d: &mut VerifyDialog, code: KeyCode) -> Vec<Request> {
    key_event(d, KeyEvent::new(code, KeyModifiers::NONE))
}

fn alt(d: &mut VerifyDialog, c: char) -> Vec<Request> {
    key_event(d, KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

fn act(d: &mut VerifyDialog, action: DialogAction) -> Vec<Request> {
    d.on_action(action, &GatePolicy::default(), now())
}

fn type_text(d: &mut VerifyDialog, text: &str) {
    for c in text.chars() {
        assert!(press(d, KeyCode::Char(c)).is_empty());
    }
}

fn evidence(result: ChallengeResult, approver: &str) -> PossessionEvidence {
    PossessionEvidence {
        kind: if approver == "00u-dana" {
            EvidenceKind::UserPush
        } else {
            EvidenceKind::ManagerPush
        },
        for_user_id: "00u-dana".into(),
        approver_id: approver.into(),
        approver_login: if approver == "00u-dana" {
            "dana@example.com".into()
        } else {
            "walter@example.com".into()
        },
        factor_id: "push1".into(),
        transaction_id: Some("tx1".into()),
        result,
        at: now(),
    }
}

/// The device answers the push in flight.
fn answer(d: &mut VerifyDialog, result: ChallengeResult, approver: &str) {
    d.on_push_done(
        result.clone(),
        Some(evidence(result, approver)),
        None,
        &GatePolicy::default(),
        now(),
    );
}

/// `c`, and for a factor that is sent a code, the IdP says it was sent: the code field waits.
fn ask_for_code(d: &mut VerifyDialog) {
    act(d, DialogAction::Code);
    if matches!(d.otp(), CodeState::Sending(_)) {
        d.on_code_sent(None, &GatePolicy::default(), now());
    }
}

/// Tick every checklist item and enter a valid ticket with the keys; focus ends on the button.
fn fill_in(d: &mut VerifyDialog) {
    for i in 0..GatePolicy::default().checklist.len() {
        let digit = char::from_digit(i as u32 + 1, 10).unwrap();
        press(d, KeyCode::Char(digit));
    }
    press(d, KeyCode::Enter);
    assert_eq!(d.focus(), Focus::Ticket, "Enter moves on to the ticket");
    type_text(d, "INC0012345");
    press(d, KeyCode::Enter);
    assert_eq!(d.focus(), Focus::Button, "the optional note is skipped");
}

#[test]
fn a_fresh_dialog_lists_everything_missing_and_previews_the_action() {
    let d = dialog(Action::Unlock);
    assert_eq!(d.step(), &Step::Verify);
    assert_eq!(d.focus(), Focus::Checklist);
    assert_eq!(d.context(), Context::DialogChecklist);
    assert!(!d.ready());
    assert!(matches!(d.missing()[0], Refusal::ChecklistIncomplete(_)));
    assert!(d.missing().contains(&Refusal::TicketMissing));
    assert!(d.missing().contains(&Refusal::PossessionMissing));
    assert_eq!(d.preview(), "Unlock dana@example.com: LOCKED_OUT → ACTIVE");
    let items = d.missing_items(&GatePolicy::default(), now());
    assert_eq!(items[0].text, "checklist items 1, 2, 3, 4");
    assert_eq!(
        items[2].text,
        "proof of possession (p: push · M: manager's push · c: code)"
    );
}

#[test]
fn previews_name_what_changes() {
    assert_eq!(
        dialog(Action::ResetPassword).preview(),
        "The IdP e-mails a one-time reset link to d•••@example.com"
    );
    assert_eq!(
        dialog(Action::ResetAllFactors).preview(),
        "Remove all 3 factors: SMS •••-1337, Okta Verify push (Dana's iPhone), Okta Verify code"
    );
}

#[test]
fn removing_the_okta_verify_push_says_its_code_and_fastpass_go_too() {
    let mut all = factors();
    all.push(factor("fp1", FactorKind::FastPass, None, None));
    let chooser = Purpose::Act(Action::ResetFactors { factor_ids: vec![] });
    let mut d = dialog_with(chooser, &dana(), &all, &Carried::default());
    press(&mut d, KeyCode::Down);
    press(&mut d, KeyCode::Char(' '));
    press(&mut d, KeyCode::Enter);
    assert_eq!(
        d.action(),
        Some(&Action::ResetFactors {
            factor_ids: vec!["push1".into()]
        }),
        "only the chosen factor goes to the IdP: it takes the others itself"
    );
    assert_eq!(
        d.preview(),
        "Remove 3 factors: Okta Verify push (Dana's iPhone), Okta Verify code, Okta FastPass"
    );
    assert_eq!(
        d.removals()
            .iter()
            .map(Removal::sentence)
            .collect::<Vec<_>>(),
        ["Removing Okta Verify push (Dana's iPhone) also removes: Okta Verify code, Okta FastPass"]
    );
    let all_reset = dialog_with(
        Purpose::Act(Action::ResetAllFactors),
        &dana(),
        &all,
        &Carried::default(),
    );
    assert_eq!(
        all_reset.removals().len(),
        1,
        "said for an all-factors reset too"
    );
    let mut sms_only = dialog(Action::ResetFactors { factor_ids: vec![] });
    press(&mut sms_only, KeyCode::Char(' '));
    assert!(sms_only.removals().is_empty());
}

#[test]
fn digits_toggle_checklist_items_and_a_digit_past_the_list_says_so() {
    let mut d = dialog(Action::Unlock);
    let policy = GatePolicy::default();
    press(&mut d, KeyCode::Char('1'));
    assert!(d.confirmed().contains(&policy.checklist[0].id));
    press(&mut d, KeyCode::Char('1'));
    assert!(d.confirmed().is_empty());
    press(&mut d, KeyCode::Char('9'));
    assert!(d.confirmed().is_empty());
    assert_eq!(
        d.notice(),
        Some("The checklist has 4 items: 9 does nothing")
    );
}

#[test]
fn in_a_text_field_letters_are_text_and_alt_keys_act() {
    let mut d = dialog(Action::Unlock);
    press(&mut d, KeyCode::Tab);
    assert_eq!(d.focus(), Focus::Ticket);
    assert_eq!(d.context(), Context::DialogField);
    type_text(&mut d, "p1Mce");
    assert_eq!(d.ticket().value(), "p1Mce");
    assert_eq!(d.push(), &PushState::Idle);
    assert!(d.confirmed().is_empty());
    // Alt-digits tick, Alt-letters act, and neither is typed.
    alt(&mut d, '2');
    assert!(d.confirmed().contains("callback"));
    assert_eq!(
        alt(&mut d, 'p'),
        [Request::Challenge(Challenge::SendPush {
            user_id: "00u-dana".into(),
            approver_id: "00u-dana".into(),
            factor_id: Some("push1".into()),
        })]
    );
    alt(&mut d, 'x');
    assert!(d.notice().unwrap().contains("Alt-x does nothing here"));
    assert_eq!(d.ticket().value(), "p1Mce", "no Alt key was typed");
    assert_eq!(d.focus(), Focus::Ticket, "and the focus stayed");
    press(&mut d, KeyCode::Tab);
    assert_eq!(d.focus(), Focus::Note);
    type_text(&mut d, "called from desk phone");
    assert_eq!(
        d.attestation().note.as_deref(),
        Some("called from desk phone")
    );
    let shift_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    key_event(&mut d, shift_tab);
    assert_eq!(d.focus(), Focus::Ticket);
}

#[test]
fn keys_the_dialog_names_are_those_of_the_focus() {
    let mut d = dialog(Action::Unlock);
    assert_eq!(d.key_for(DialogAction::Push), Some("p"));
    assert!(d.what_remains(None).starts_with("p: push"));
    press(&mut d, KeyCode::Tab);
    assert_eq!(d.key_for(DialogAction::Push), Some("Alt-p"));
    assert!(d.what_remains(None).starts_with("Alt-p: push"));
    assert!(
        d.what_remains(None)
            .contains("Alt-m: push to the manager's")
    );
    assert!(
        d.what_remains(None)
            .contains("Alt-c: a one-time code from SMS")
    );
}

#[test]
fn unlock_runs_only_after_checklist_ticket_and_an_approved_push() {
    let mut d = dialog(Action::Unlock);
    fill_in(&mut d);
    assert_eq!(d.context(), Context::DialogConfirm);
    assert_eq!(d.missing(), [Refusal::PossessionMissing]);
    assert!(press(&mut d, KeyCode::Enter).is_empty(), "gate closed");
    assert!(
        d.notice()
            .unwrap()
            .starts_with("Confirm is blocked — still missing: proof of possession"),
        "{:?}",
        d.notice()
    );

    assert_eq!(press(&mut d, KeyCode::Char('p')).len(), 1);
    assert_eq!(d.push(), &PushState::Sending(Approver::User));
    assert!(
        press(&mut d, KeyCode::Char('p')).is_empty(),
        "one at a time"
    );
    assert!(d.notice().unwrap().contains("already waiting"));
    d.on_push_waiting(now(), Some(42));
    assert!(matches!(
        d.push(),
        PushState::Waiting {
            correct_answer: Some(42),
            ..
        }
    ));
    answer(&mut d, ChallengeResult::Success, "00u-dana");
    assert!(matches!(
        d.push(),
        PushState::Answered { approver: Approver::User, login, .. } if login == "dana@example.com"
    ));
    assert!(d.ready());
    let requests = press(&mut d, KeyCode::Enter);
    let [Request::Run(verified)] = requests.as_slice() else {
        panic!("{requests:?}");
    };
    assert_eq!(verified.action(), &Action::Unlock);
    assert_eq!(verified.target().user_id, "00u-dana");
    assert_eq!(verified.ticket(), Some("INC0012345"));
}

#[test]
fn enter_moves_on_to_what_is_still_missing_and_tab_visits_every_field() {
    let mut d = dialog(Action::Unlock);
    // Nothing ticked, no ticket: from the checklist, Enter goes to the ticket...
    press(&mut d, KeyCode::Enter);
    assert_eq!(d.focus(), Focus::Ticket);
    type_text(&mut d, "INC0012345");
    // ... and from a good ticket back round to the checklist, which still misses items.
    press(&mut d, KeyCode::Enter);
    assert_eq!(d.focus(), Focus::Checklist);
    // Tab: every field in turn, the note included, no code field until one is asked for.
    let mut seen = Vec::new();
    for _ in 0..4 {
        press(&mut d, KeyCode::Tab);
        seen.push(d.focus());
    }
    assert_eq!(
        seen,
        [Focus::Ticket, Focus::Note, Focus::Button, Focus::Checklist]
    );
}

#[test]
fn a_rejected_push_is_said_with_whose_device_and_never_opens_the_gate() {
    let mut d = dialog(Action::Unlock);
    fill_in(&mut d);
    press(&mut d, KeyCode::Char('M'));
    assert_eq!(d.push(), &PushState::Sending(Approver::Manager));
    answer(&mut d, ChallengeResult::Rejected, "00u-walter");
    assert!(d.rejected());
    assert!(d.missing().contains(&Refusal::PushRejected));
    let items = d.missing_items(&GatePolicy::default(), now());
    let alarm = items.iter().find(|i| i.alarm).unwrap();
    assert_eq!(
        alarm.text,
        "The MANAGER's push (walter@example.com) was REJECTED just now (14:30 UTC): possible social engineering; do not proceed — e: escalate"
    );
    assert!(press(&mut d, KeyCode::Enter).is_empty());
    assert!(d.notice().unwrap().contains("REJECTED"));
}

#[test]
fn password_reset_needs_no_push() {
    let mut d = dialog(Action::ResetPassword);
    fill_in(&mut d);
    assert!(d.ready());
    assert!(matches!(
        press(&mut d, KeyCode::Enter).as_slice(),
        [Request::Run(v)] if v.action() == &Action::ResetPassword
    ));
}

#[test]
fn evidence_expires_with_the_clock() {
    let policy = GatePolicy::default();
    let mut d = dialog(Action::Unlock);
    fill_in(&mut d);
    press(&mut d, KeyCode::Char('p'));
    answer(&mut d, ChallengeResult::Success, "00u-dana");
    assert!(d.ready());
    let later = now() + policy.evidence_max_age + chrono::Duration::minutes(1);
    d.refresh(&policy, later);
    assert!(!d.ready());
    assert!(
        d.on_action(DialogAction::Confirm, &policy, later)
            .is_empty()
    );
}

#[test]
fn esc_closes_and_withdraws_a_waiting_push_from_any_field() {
    let mut d = dialog(Action::Unlock);
    assert_eq!(press(&mut d, KeyCode::Esc), [Request::Close]);
    for tabs in 0..3 {
        let mut d = dialog(Action::Unlock);
        press(&mut d, KeyCode::Char('p'));
        d.on_push_waiting(now(), None);
        for _ in 0..tabs {
            press(&mut d, KeyCode::Tab);
        }
        assert_eq!(
            press(&mut d, KeyCode::Esc),
            [Request::Challenge(Challenge::CancelPush), Request::Close],
            "after {tabs} tabs"
        );
        assert!(!d.push_in_flight(), "withdrawn");
    }
}

#[test]
fn no_push_without_a_device_or_a_manager_and_the_dialog_says_what_remains() {
    let mut user = dana();
    user.manager_id = None;
    let sms_only = [factor("sms1", FactorKind::Sms, None, Some("•••-1337"))];
    let mut d = dialog_with(
        Purpose::Act(Action::Unlock),
        &user,
        &sms_only,
        &Carried::default(),
    );
    assert!(press(&mut d, KeyCode::Char('p')).is_empty());
    assert_eq!(
        d.notice(),
        Some(
            "dana@example.com has no active Okta Verify push: c: a one-time code from SMS •••-1337 · e: escalate to security"
        )
    );
    assert!(press(&mut d, KeyCode::Char('M')).is_empty());
    assert!(d.notice().unwrap().contains("no manager in the directory"));
    assert_eq!(d.push(), &PushState::Idle);
    assert_eq!(d.dead_end(), None, "a code remains");
    press(&mut d, KeyCode::Char('1'));
    assert_eq!(d.notice(), None, "until the next key");
}

#[test]
fn with_nothing_left_the_dialog_says_the_caller_cannot_be_verified_remotely() {
    let mut user = dana();
    user.manager_id = None;
    let keys_only = [factor("wa1", FactorKind::WebAuthn, Some("YubiKey"), None)];
    let d = dialog_with(
        Purpose::VerifyCaller,
        &user,
        &keys_only,
        &Carried::default(),
    );
    assert_eq!(
        d.dead_end().as_deref(),
        Some(
            "This caller cannot be verified remotely: dana@example.com has no active Okta Verify push, no SMS, e-mail or authenticator factor, no manager on record. Verify in person (the identity-proofing runbook) or e: escalate to security."
        )
    );
    assert!(
        d.escalation_reason(&GatePolicy::default(), now())
            .contains("the caller cannot be verified remotely")
    );
}

#[test]
fn a_manager_without_a_push_factor_is_learnt_from_the_loop_and_said() {
    let policy = GatePolicy::default();
    let mut user = dana();
    user.manager_id = Some("00u-deepa".into());
    let d_factors = [factor("wa1", FactorKind::WebAuthn, None, None)];
    let mut d = dialog_with(
        Purpose::Act(Action::Unlock),
        &user,
        &d_factors,
        &Carried::default(),
    );
    assert_eq!(d.dead_end(), None, "the manager may still vouch");
    press(&mut d, KeyCode::Char('M'));
    d.on_push_not_sent(
        "the manager (deepa.chen@example.com) has no active Okta Verify push, so they cannot vouch",
        Some("deepa.chen@example.com"),
        &policy,
        now(),
    );
    assert!(matches!(
        d.push(),
        PushState::NotSent {
            approver: Approver::Manager,
            ..
        }
    ));
    assert_eq!(d.manager_without_push(), Some("deepa.chen@example.com"));
    assert!(
        d.dead_end()
            .unwrap()
            .contains("the manager (deepa.chen@example.com) has no push factor")
    );
    press(&mut d, KeyCode::Char('M'));
    assert!(
        d.notice()
            .unwrap()
            .starts_with("The manager (deepa.chen@example.com) has no Okta Verify push"),
        "{:?}",
        d.notice()
    );
}

#[test]
fn choosing_factors_fixes_the_action_and_enter_with_none_says_so() {
    let mut d = dialog(Action::ResetFactors { factor_ids: vec![] });
    assert_eq!(d.context(), Context::DialogChooser);
    assert_eq!(
        d.preview(),
        "Reset MFA for dana@example.com: choose the factors to remove"
    );
    press(&mut d, KeyCode::Enter);
    assert!(
        matches!(d.step(), Step::ChooseFactors { .. }),
        "nothing chosen"
    );
    assert_eq!(
        d.notice(),
        Some("Nothing is ticked: Space ticks the factor under the cursor, Esc cancels")
    );
    press(&mut d, KeyCode::Char(' '));
    press(&mut d, KeyCode::Down);
    press(&mut d, KeyCode::Char(' '));
    // The push takes the Okta Verify code along: it shows as going, and Space says why.
    press(&mut d, KeyCode::Down);
    assert_eq!(
        d.taken_along_by(&d.factors()[2]).map(|f| f.id.as_str()),
        Some("push1")
    );
    press(&mut d, KeyCode::Char(' '));
    assert!(d.notice().unwrap().contains("goes with Okta Verify push"));
    assert_eq!(
        d.preview(),
        "Remove 3 factors: SMS •••-1337, Okta Verify push (Dana's iPhone), Okta Verify code"
    );
    press(&mut d, KeyCode::Up);
    press(&mut d, KeyCode::Up);
    press(&mut d, KeyCode::Up);
    let Step::ChooseFactors { cursor, .. } = d.step() else {
        panic!()
    };
    assert_eq!(*cursor, 2, "up from the first wraps to the last");
    press(&mut d, KeyCode::Enter);
    assert_eq!(d.step(), &Step::Verify);
    assert_eq!(
        d.action(),
        Some(&Action::ResetFactors {
            factor_ids: vec!["sms1".into(), "push1".into()]
        })
    );
    assert_eq!(press(&mut d, KeyCode::Esc), [Request::Close]);
}

#[test]
fn an_sms_code_is_sent_typed_as_bullets_and_checked_once() {
    let policy = GatePolicy::default();
    let mut d = dialog(Action::Unlock);
    fill_in(&mut d);
    assert_eq!(
        press(&mut d, KeyCode::Char('c')),
        [Request::Challenge(Challenge::SendCode {
            user_id: "00u-dana".into(),
            factor_id: "sms1".into(),
        })]
    );
    assert!(matches!(d.otp(), CodeState::Sending(f) if f.id == "sms1"));
    assert_eq!(d.focus(), Focus::Code, "the focus moves on the agent's key");
    assert_eq!(d.context(), Context::DialogCode);
    assert!(alt(&mut d, 'c').is_empty(), "one at a time");
    assert!(d.notice().unwrap().contains("on its way"));
    type_text(&mut d, "49");
    assert!(press(&mut d, KeyCode::Enter).is_empty());
    assert!(d.notice().unwrap().contains("still on its way"));
    d.on_code_sent(None, &policy, now());
    assert!(matches!(d.otp(), CodeState::Entering(_)));
    type_text(&mut d, "3817");
    let requests = press(&mut d, KeyCode::Enter);
    let [
        Request::Challenge(Challenge::CheckCode {
            code, factor_id, ..
        }),
    ] = requests.as_slice()
    else {
        panic!("{requests:?}");
    };
    assert_eq!(code.secret().expose_secret(), "493817");
    assert_eq!(factor_id, "sms1");
    assert_eq!(
        d.code().value(),
        "",
        "the dialog forgets the code once sent"
    );
    assert!(matches!(d.otp(), CodeState::Checking(_)));
    assert_eq!(
        d.focus(),
        Focus::Button,
        "on to the button: nothing else is missing"
    );

    let e = code_evidence(
        "00u-dana",
        "dana@example.com",
        "sms1",
        ChallengeResult::Success,
        now(),
    );
    let taken = d.on_code_checked(ChallengeResult::Success, Some(e.clone()), &policy, now());
    assert_eq!(taken, Some(e));
    assert!(d.ready(), "{:?}", d.missing());
    assert!(matches!(
        press(&mut d, KeyCode::Enter).as_slice(),
        [Request::Run(v)] if v.evidence().unwrap().kind == EvidenceKind::UserOtp
    ));
}

#[test]
fn c_again_moves_to_the_next_code_factor_and_a_code_that_was_not_sent_frees_the_focus() {
    let policy = GatePolicy::default();
    let mut d = dialog(Action::Unlock);
    press(&mut d, KeyCode::Char('c'));
    d.on_code_sent(None, &policy, now());
    // The authenticator app (totp1) comes after the SMS; it shows its code itself.
    assert!(alt(&mut d, 'c').is_empty());
    assert!(matches!(d.otp(), CodeState::Entering(f) if f.id == "totp1"));
    assert_eq!(d.focus(), Focus::Code);

    let mut d = dialog(Action::Unlock);
    press(&mut d, KeyCode::Char('c'));
    d.on_code_sent(Some("429 too many requests".into()), &policy, now());
    assert!(matches!(
        d.otp(),
        CodeState::Done {
            result: ChallengeResult::Failed,
            ..
        }
    ));
    assert_eq!(
        d.focus(),
        Focus::Checklist,
        "the field went away: on to what is missing"
    );
    assert!(
        press(&mut d, KeyCode::Char('c')).is_empty(),
        "an app code is not sent"
    );
    assert!(matches!(d.otp(), CodeState::Entering(f) if f.id == "totp1"));
    assert_eq!(d.focus(), Focus::Code);
}

#[test]
fn three_wrong_codes_stop_code_challenges_and_say_so() {
    let policy = GatePolicy::default();
    let mut d = dialog(Action::Unlock);
    for attempt in 1..=MAX_WRONG_CODES {
        ask_for_code(&mut d);
        type_text(&mut d, "000000");
        assert_eq!(press(&mut d, KeyCode::Enter).len(), 1, "attempt {attempt}");
        let e = code_evidence(
            "00u-dana",
            "dana@example.com",
            "sms1",
            ChallengeResult::Failed,
            now(),
        );
        d.on_code_checked(ChallengeResult::Failed, Some(e), &policy, now());
    }
    assert_eq!(d.otp(), &CodeState::Locked);
    assert!(act(&mut d, DialogAction::Code).is_empty());
    assert!(d.notice().unwrap().contains("no more codes in this dialog"));
    assert!(d.missing().contains(&Refusal::CodeRejected));
    assert!(
        d.escalation_reason(&policy, now())
            .starts_with("3 wrong one-time codes")
    );
}

#[test]
fn a_code_check_that_failed_to_reach_the_idp_is_not_a_wrong_code() {
    let policy = GatePolicy::default();
    let mut d = dialog(Action::Unlock);
    for _ in 0..MAX_WRONG_CODES {
        ask_for_code(&mut d);
        type_text(&mut d, "000000");
        press(&mut d, KeyCode::Enter);
        d.on_code_checked(ChallengeResult::Failed, None, &policy, now());
    }
    assert_ne!(d.otp(), &CodeState::Locked);
}

#[test]
fn verifying_the_caller_only_needs_possession_and_done_closes() {
    let mut d = dialog_with(
        Purpose::VerifyCaller,
        &dana(),
        &factors(),
        &Carried::default(),
    );
    assert_eq!(d.action(), None);
    assert_eq!(d.missing(), [Refusal::PossessionMissing]);
    assert!(d.preview().contains("a check only, nothing changes"));
    press(&mut d, KeyCode::Char('p'));
    // Enter goes straight to the button: the check needs no field.
    press(&mut d, KeyCode::Enter);
    assert_eq!(d.focus(), Focus::Button);
    assert_eq!(d.context(), Context::DialogDone);
    assert!(
        press(&mut d, KeyCode::Enter).is_empty(),
        "the push still waits"
    );
    assert!(
        d.notice()
            .unwrap()
            .starts_with("A push is waiting for the user's")
    );
    answer(&mut d, ChallengeResult::Success, "00u-dana");
    assert!(d.missing().is_empty());
    assert_eq!(
        press(&mut d, KeyCode::Enter),
        [Request::Close],
        "never a Run"
    );
}

#[test]
fn the_escalation_prompt_asks_and_then_requests_the_record_with_its_reason() {
    let mut d = dialog(Action::Unlock);
    fill_in(&mut d);
    press(&mut d, KeyCode::Char('p'));
    answer(&mut d, ChallengeResult::Rejected, "00u-dana");
    assert!(press(&mut d, KeyCode::Char('e')).is_empty());
    assert!(d.is_escalating());
    assert_eq!(d.context(), Context::DialogEscalate);
    press(&mut d, KeyCode::Esc);
    assert!(!d.is_escalating(), "Esc backs out of the prompt only");
    assert_eq!(d.context(), Context::DialogConfirm);
    press(&mut d, KeyCode::Char('e'));
    let requests = press(&mut d, KeyCode::Enter);
    assert_eq!(
        requests,
        [Request::Escalate {
            reason: "the USER's push (dana@example.com) was REJECTED just now (14:30 UTC): possible social engineering".into()
        }]
    );
}

#[test]
fn ticket_and_fresh_evidence_carry_to_the_next_dialog_but_stale_failures_do_not() {
    let policy = GatePolicy::default();
    let mut first = dialog(Action::Unlock);
    press(&mut first, KeyCode::Tab);
    type_text(&mut first, "INC0012345");
    // A wrong code, then an approved push.
    press(&mut first, KeyCode::Tab);
    press(&mut first, KeyCode::Tab);
    ask_for_code(&mut first);
    type_text(&mut first, "000000");
    press(&mut first, KeyCode::Enter);
    let wrong = code_evidence(
        "00u-dana",
        "dana@example.com",
        "sms1",
        ChallengeResult::Failed,
        now(),
    );
    first.on_code_checked(ChallengeResult::Failed, Some(wrong), &policy, now());
    let carried = first.carry();
    assert_eq!(carried.ticket, "INC0012345");
    assert!(
        carried.evidence.is_empty(),
        "a wrong code stays in its dialog"
    );

    let next = dialog_with(Purpose::Act(Action::Unlock), &dana(), &factors(), &carried);
    assert!(!next.missing().contains(&Refusal::CodeRejected));
    assert!(next.missing().contains(&Refusal::PossessionMissing));

    // Even handed a stale failure directly, a new dialog ignores it.
    let stale = Carried {
        ticket: String::new(),
        ticket_lookup: None,
        evidence: vec![code_evidence(
            "00u-dana",
            "dana@example.com",
            "sms1",
            ChallengeResult::Failed,
            now(),
        )],
    };
    let fresh = dialog_with(Purpose::Act(Action::Unlock), &dana(), &factors(), &stale);
    assert!(fresh.evidence().is_empty());

    let mut approved = dialog(Action::Unlock);
    press(&mut approved, KeyCode::Char('p'));
    answer(&mut approved, ChallengeResult::Success, "00u-dana");
    let next = dialog_with(
        Purpose::Act(Action::ResetAllFactors),
        &dana(),
        &factors(),
        &approved.carry(),
    );
    assert!(!next.missing().contains(&Refusal::PossessionMissing));
    assert!(
        next.confirmed().is_empty(),
        "the checklist is confirmed per action"
    );

    let mut someone_else = dana();
    someone_else.id = "00u-fox".into();
    let other = dialog_with(
        Purpose::Act(Action::Unlock),
        &someone_else,
        &factors(),
        &approved.carry(),
    );
    assert!(other.evidence().is_empty());
}

#[test]
fn a_rejection_from_an_earlier_dialog_still_blocks_while_fresh_and_says_when() {
    let policy = GatePolicy::default();
    let mut first = dialog_with(
        Purpose::VerifyCaller,
        &dana(),
        &factors(),
        &Carried::default(),
    );
    press(&mut first, KeyCode::Char('M'));
    let mut rejected = evidence(ChallengeResult::Rejected, "00u-walter");
    rejected.at = now() - chrono::Duration::minutes(3);
    first.on_push_done(
        ChallengeResult::Rejected,
        Some(rejected),
        None,
        &policy,
        now(),
    );
    let next = dialog_with(
        Purpose::Act(Action::Unlock),
        &dana(),
        &factors(),
        &first.carry(),
    );
    assert!(next.missing().contains(&Refusal::PushRejected));
    let items = next.missing_items(&policy, now());
    assert!(
        items.iter().any(|i| i.alarm
            && i.text.starts_with(
                "The MANAGER's push (walter@example.com) was REJECTED 3m ago (14:27 UTC)"
            )),
        "{items:?}"
    );
    let later = now() + policy.evidence_max_age;
    let after = VerifyDialog::new(
        Purpose::Act(Action::Unlock),
        &dana(),
        &factors(),
        &policy,
        later,
        &first.carry(),
    );
    assert!(
        !after.missing().contains(&Refusal::PushRejected),
        "aged out"
    );
}

/// One step of a random session.
#[derive(Debug, Clone)]
enum Input_ {
    Key(KeyEvent),
    PushAnswer(ChallengeResult, bool),
    CodeSent,
    CodeAnswer(ChallengeResult),
}

fn inputs() -> impl Strategy<Value = Input_> {
    let plain = prop_oneof![
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Backspace),
        Just(KeyCode::Char('p')),
        Just(KeyCode::Char('M')),
        Just(KeyCode::Char('c')),
        Just(KeyCode::Char('e')),
        Just(KeyCode::Char(' ')),
        (b'0'..=b'9').prop_map(|b| KeyCode::Char(char::from(b))),
        prop::sample::select(vec!['I', 'N', 'C', 'a', 'z', 'q', 'x']).prop_map(KeyCode::Char),
    ]
    .prop_map(|code| KeyEvent::new(code, KeyModifiers::NONE));
    let with_alt = prop::sample::select(vec!['p', 'm', 'c', 'e', '1', '2', '3', '4'])
        .prop_map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    let results = prop_oneof![
        Just(ChallengeResult::Success),
        Just(ChallengeResult::Rejected),
        Just(ChallengeResult::Timeout),
    ];
    prop_oneof![
        5 => plain.prop_map(Input_::Key),
        2 => with_alt.prop_map(Input_::Key),
        1 => (results, any::<bool>()).prop_map(|(r, manager)| Input_::PushAnswer(r, manager)),
        1 => Just(Input_::CodeSent),
        1 => prop_oneof![Just(ChallengeResult::Success), Just(ChallengeResult::Failed)]
            .prop_map(Input_::CodeAnswer),
    ]
}

fn actions() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Unlock),
        Just(Action::ResetPassword),
        Just(Action::ResetAllFactors),
        Just(Action::ResetFactors { factor_ids: vec![] }),
    ]
}

proptest! {
    /// Whatever the agent types and whatever the devices answer, a `Run` comes out only when
    /// the gate passes for the dialog's own user and action at that moment.
    #[test]
    fn run_only_when_the_gate_passes(
        action in actions(),
        // Half the sessions start with the checklist ticked and a valid ticket typed, so the
        // random steps that follow do reach an open gate (and break it again).
        prefilled in any::<bool>(),
        steps in prop::collection::vec(inputs(), 0..120),
    ) {
        let policy = GatePolicy::default();
        let mut d = VerifyDialog::new(
            Purpose::Act(action), &dana(), &factors(), &policy, now(), &Carried::default(),
        );
        if prefilled && d.step() == &Step::Verify {
            fill_in(&mut d);
        }
        for step in steps {
            match step {
                Input_::Key(event) => {
                    let before = d.attestation();
                    let action_before = d.action().cloned().expect("an action dialog");
                    for request in key_event(&mut d, event) {
                        if let Request::Run(verified) = request {
                            prop_assert_eq!(verified.target(), &Target::from(&dana()));
                            prop_assert_eq!(verified.action(), &action_before);
                            prop_assert!(gate::check(
                                &policy, d.target(), &action_before, &before, now()
                            ).is_ok());
                            prop_assert!(d.missing().is_empty());
                        }
                    }
                }
                Input_::PushAnswer(result, manager) => {
                    let approver = if manager { "00u-walter" } else { "00u-dana" };
                    let e = evidence(result.clone(), approver);
                    d.on_push_done(result, Some(e), None, &policy, now());
                }
                Input_::CodeSent => d.on_code_sent(None, &policy, now()),
                Input_::CodeAnswer(result) => {
                    let e = code_evidence("00u-dana", "dana@example.com", "sms1", result.clone(), now());
                    d.on_code_checked(result, Some(e), &policy, now());
                }
            }
        }
    }
}
