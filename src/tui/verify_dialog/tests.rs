use super::*;
use crate::policy::gate::EvidenceKind;
use crate::services::verification::code_evidence;
use chrono::TimeZone;
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

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn dialog(action: Action) -> VerifyDialog {
    VerifyDialog::new(
        Purpose::Act(action),
        &dana(),
        &factors(),
        &GatePolicy::default(),
        now(),
        &Carried::default(),
    )
}

fn press(d: &mut VerifyDialog, code: KeyCode) -> Vec<Request> {
    d.on_key(key(code), &GatePolicy::default(), now())
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
        approver_login: "login@example.com".into(),
        factor_id: "push1".into(),
        transaction_id: Some("tx1".into()),
        result,
        at: now(),
    }
}

/// The keys of [`fill_in`], whatever state the dialog is in.
fn prefill(d: &mut VerifyDialog) {
    let policy = GatePolicy::default();
    let mut keys: Vec<KeyCode> = (1..=policy.checklist.len() as u32)
        .map(|i| KeyCode::Char(char::from_digit(i, 10).unwrap()))
        .collect();
    keys.push(KeyCode::Tab);
    keys.extend("INC0012345".chars().map(KeyCode::Char));
    keys.extend([KeyCode::Tab, KeyCode::Tab]);
    for code in keys {
        d.on_key(key(code), &policy, now());
    }
}

/// Dana approves the push in flight on her own device.
fn approve(d: &mut VerifyDialog) {
    d.on_push_done(
        ChallengeResult::Success,
        Some(evidence(ChallengeResult::Success, "00u-dana")),
        &GatePolicy::default(),
        now(),
    );
}

/// `c`, and for a factor that is sent a code, the IdP says it was sent: the code field waits.
fn ask_for_code(d: &mut VerifyDialog) {
    press(d, KeyCode::Char('c'));
    if matches!(d.otp(), CodeState::Sending(_)) {
        d.on_code_sent(None);
    }
}

/// Tick every checklist item and enter a valid ticket; focus ends on Confirm.
fn fill_in(d: &mut VerifyDialog) {
    for i in 0..GatePolicy::default().checklist.len() {
        let digit = char::from_digit(i as u32 + 1, 10).unwrap();
        press(d, KeyCode::Char(digit));
    }
    press(d, KeyCode::Tab);
    type_text(d, "INC0012345");
    press(d, KeyCode::Tab);
    press(d, KeyCode::Tab);
    assert_eq!(d.focus(), Focus::Confirm);
}

#[test]
fn a_fresh_dialog_lists_everything_missing_and_previews_the_action() {
    let d = dialog(Action::Unlock);
    assert_eq!(d.step(), &Step::Verify);
    assert_eq!(d.focus(), Focus::Checklist);
    assert!(!d.ready());
    let missing: Vec<String> = d.missing().iter().map(ToString::to_string).collect();
    assert!(
        missing[0].starts_with("checklist incomplete"),
        "{missing:?}"
    );
    assert!(d.missing().contains(&Refusal::TicketMissing));
    assert!(d.missing().contains(&Refusal::PossessionMissing));
    assert_eq!(d.preview(), "Unlock dana@example.com: LOCKED_OUT → ACTIVE");
}

#[test]
fn previews_name_what_changes() {
    assert_eq!(
        dialog(Action::ResetPassword).preview(),
        "The IdP e-mails a one-time reset link to d•••@example.com"
    );
    assert_eq!(
        dialog(Action::ResetAllFactors).preview(),
        "Remove 3 factors: SMS •••-1337, Okta Verify push (Dana's iPhone), Okta Verify code"
    );
}

#[test]
fn digits_toggle_checklist_items_and_unknown_digits_do_nothing() {
    let mut d = dialog(Action::Unlock);
    let policy = GatePolicy::default();
    press(&mut d, KeyCode::Char('1'));
    assert!(d.confirmed().contains(&policy.checklist[0].id));
    press(&mut d, KeyCode::Char('1'));
    assert!(d.confirmed().is_empty());
    press(&mut d, KeyCode::Char('9'));
    assert_eq!(
        d.confirmed().len(),
        usize::from(policy.checklist.len() >= 9)
    );
}

#[test]
fn typing_goes_to_the_focused_field_not_to_the_shortcuts() {
    let mut d = dialog(Action::Unlock);
    press(&mut d, KeyCode::Tab);
    assert_eq!(d.focus(), Focus::Ticket);
    type_text(&mut d, "p1M");
    assert_eq!(d.ticket().value(), "p1M");
    assert_eq!(d.push(), &PushState::Idle);
    assert!(d.confirmed().is_empty());
    press(&mut d, KeyCode::Enter);
    assert_eq!(d.focus(), Focus::Note);
    type_text(&mut d, "called from desk phone");
    assert_eq!(
        d.attestation().note.as_deref(),
        Some("called from desk phone")
    );
}

#[test]
fn unlock_runs_only_after_checklist_ticket_and_an_approved_push() {
    let mut d = dialog(Action::Unlock);
    fill_in(&mut d);
    assert_eq!(d.missing(), [Refusal::PossessionMissing]);
    assert!(press(&mut d, KeyCode::Enter).is_empty(), "gate closed");

    assert_eq!(
        press(&mut d, KeyCode::Char('p')),
        [Request::Challenge(Challenge::SendPush {
            user_id: "00u-dana".into(),
            approver_id: "00u-dana".into(),
            factor_id: Some("push1".into()),
        })]
    );
    assert_eq!(d.push(), &PushState::Sending(Approver::User));
    assert!(
        press(&mut d, KeyCode::Char('p')).is_empty(),
        "one push at a time"
    );
    d.on_push_waiting(now(), Some(42));
    assert!(matches!(
        d.push(),
        PushState::Waiting {
            correct_answer: Some(42),
            ..
        }
    ));
    approve(&mut d);
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
fn a_rejected_push_warns_and_never_opens_the_gate() {
    let policy = GatePolicy::default();
    let mut d = dialog(Action::Unlock);
    fill_in(&mut d);
    press(&mut d, KeyCode::Char('M'));
    assert_eq!(d.push(), &PushState::Sending(Approver::Manager));
    d.on_push_done(
        ChallengeResult::Rejected,
        Some(evidence(ChallengeResult::Rejected, "00u-walter")),
        &policy,
        now(),
    );
    assert!(d.rejected());
    assert!(
        d.missing().contains(&Refusal::PushRejected),
        "{:?}",
        d.missing()
    );
    assert!(press(&mut d, KeyCode::Enter).is_empty());
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
    approve(&mut d);
    assert!(d.ready());
    let later = now() + policy.evidence_max_age + chrono::Duration::minutes(1);
    d.refresh(&policy, later);
    assert!(!d.ready());
    assert!(d.on_key(key(KeyCode::Enter), &policy, later).is_empty());
}

#[test]
fn esc_cancels_and_stops_a_waiting_push() {
    let mut d = dialog(Action::Unlock);
    assert_eq!(press(&mut d, KeyCode::Esc), [Request::Close]);
    press(&mut d, KeyCode::Char('p'));
    d.on_push_waiting(now(), None);
    assert_eq!(
        press(&mut d, KeyCode::Esc),
        [Request::Challenge(Challenge::CancelPush), Request::Close]
    );
}

#[test]
fn no_push_without_a_device_or_a_manager() {
    let policy = GatePolicy::default();
    let mut user = dana();
    user.manager_id = None;
    let sms_only = [factor("sms1", FactorKind::Sms, None, Some("•••-1337"))];
    let mut d = VerifyDialog::new(
        Purpose::Act(Action::Unlock),
        &user,
        &sms_only,
        &policy,
        now(),
        &Carried::default(),
    );
    assert!(d.on_key(key(KeyCode::Char('p')), &policy, now()).is_empty());
    assert!(
        d.notice().unwrap().contains("no active Okta Verify push"),
        "the agent hears why"
    );
    assert!(d.on_key(key(KeyCode::Char('M')), &policy, now()).is_empty());
    assert!(d.notice().unwrap().contains("no manager in the directory"));
    assert_eq!(d.push(), &PushState::Idle);
    d.on_key(key(KeyCode::Char('1')), &policy, now());
    assert_eq!(d.notice(), None, "until the next key");
}

#[test]
fn choosing_factors_fixes_the_action() {
    let mut d = dialog(Action::ResetFactors { factor_ids: vec![] });
    assert!(matches!(d.step(), Step::ChooseFactors { .. }));
    assert_eq!(
        d.preview(),
        "Reset MFA for dana@example.com: choose the factors to remove"
    );
    press(&mut d, KeyCode::Enter);
    assert!(
        matches!(d.step(), Step::ChooseFactors { .. }),
        "nothing chosen"
    );
    press(&mut d, KeyCode::Char(' '));
    press(&mut d, KeyCode::Down);
    press(&mut d, KeyCode::Char(' '));
    press(&mut d, KeyCode::Down);
    press(&mut d, KeyCode::Char(' '));
    press(&mut d, KeyCode::Char(' '));
    let Step::ChooseFactors { chosen, .. } = d.step() else {
        panic!()
    };
    assert_eq!(chosen.len(), 2);
    press(&mut d, KeyCode::Enter);
    assert_eq!(d.step(), &Step::Verify);
    assert_eq!(
        d.action(),
        Some(&Action::ResetFactors {
            factor_ids: vec!["sms1".into(), "push1".into()]
        })
    );
    assert_eq!(
        d.preview(),
        "Remove 2 factors: SMS •••-1337, Okta Verify push (Dana's iPhone)"
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
    assert!(
        press(&mut d, KeyCode::Char('c')).is_empty(),
        "one at a time"
    );
    d.on_code_sent(None);
    assert!(matches!(d.otp(), CodeState::Entering(_)));
    assert_eq!(d.focus(), Focus::Code);
    assert!(
        press(&mut d, KeyCode::Enter).is_empty(),
        "nothing typed yet"
    );
    type_text(&mut d, "493817");
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
fn c_again_moves_to_the_next_code_factor_and_an_app_code_needs_no_sending() {
    let mut d = dialog(Action::Unlock);
    press(&mut d, KeyCode::Char('c'));
    d.on_code_sent(None);
    // The authenticator app (totp1) comes after the SMS; it shows its code itself.
    assert!(press(&mut d, KeyCode::Char('c')).is_empty());
    assert!(matches!(d.otp(), CodeState::Entering(f) if f.id == "totp1"));
    assert_eq!(d.focus(), Focus::Code);
    // And round again to the SMS.
    press(&mut d, KeyCode::Esc);
    let mut d = dialog(Action::Unlock);
    press(&mut d, KeyCode::Char('c'));
    d.on_code_sent(Some("429 too many requests".into()));
    assert!(matches!(
        d.otp(),
        CodeState::Done {
            result: ChallengeResult::Failed,
            ..
        }
    ));
    assert!(matches!(press(&mut d, KeyCode::Char('c')).as_slice(), []));
    assert!(matches!(d.otp(), CodeState::Entering(f) if f.id == "totp1"));
}

#[test]
fn three_wrong_codes_stop_code_challenges() {
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
    assert!(press(&mut d, KeyCode::Char('c')).is_empty());
    assert!(
        d.missing().contains(&Refusal::CodeRejected),
        "{:?}",
        d.missing()
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
fn verifying_the_caller_only_needs_possession_and_enter_closes() {
    let policy = GatePolicy::default();
    let mut d = VerifyDialog::new(
        Purpose::VerifyCaller,
        &dana(),
        &factors(),
        &policy,
        now(),
        &Carried::default(),
    );
    assert_eq!(d.action(), None);
    assert_eq!(d.missing(), [Refusal::PossessionMissing]);
    assert!(d.preview().contains("a check only, nothing changes"));
    press(&mut d, KeyCode::Char('p'));
    approve(&mut d);
    assert!(d.missing().is_empty());
    for _ in 0..3 {
        press(&mut d, KeyCode::Tab);
    }
    assert_eq!(d.focus(), Focus::Confirm);
    assert_eq!(
        press(&mut d, KeyCode::Enter),
        [Request::Close],
        "never a Run"
    );
}

#[test]
fn ticket_and_evidence_carry_to_the_next_dialog_on_the_same_user_only() {
    let policy = GatePolicy::default();
    let mut first = dialog(Action::Unlock);
    press(&mut first, KeyCode::Tab);
    type_text(&mut first, "INC0012345");
    press(&mut first, KeyCode::Tab);
    press(&mut first, KeyCode::Tab);
    press(&mut first, KeyCode::Char('p'));
    approve(&mut first);
    let carried = first.carry();
    assert_eq!(carried.ticket, "INC0012345");

    let next = VerifyDialog::new(
        Purpose::Act(Action::ResetAllFactors),
        &dana(),
        &factors(),
        &policy,
        now(),
        &carried,
    );
    assert_eq!(next.ticket().value(), "INC0012345");
    assert!(!next.missing().contains(&Refusal::PossessionMissing));
    assert!(!next.missing().contains(&Refusal::TicketMissing));
    assert!(
        next.confirmed().is_empty(),
        "the checklist is confirmed per action"
    );

    let mut someone_else = dana();
    someone_else.id = "00u-fox".into();
    let other = VerifyDialog::new(
        Purpose::Act(Action::Unlock),
        &someone_else,
        &factors(),
        &policy,
        now(),
        &carried,
    );
    assert!(other.evidence().is_empty());
}

/// One step of a random session.
#[derive(Debug, Clone)]
enum Input_ {
    Key(KeyCode),
    PushAnswer(ChallengeResult, bool),
    CodeSent,
    CodeAnswer(ChallengeResult),
}

fn inputs() -> impl Strategy<Value = Input_> {
    let keys = prop_oneof![
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Backspace),
        Just(KeyCode::Char('p')),
        Just(KeyCode::Char('M')),
        Just(KeyCode::Char('c')),
        Just(KeyCode::Char(' ')),
        (b'0'..=b'9').prop_map(|b| KeyCode::Char(char::from(b))),
        prop::sample::select(vec!['I', 'N', 'C', 'a', 'z', 'q', 'x']).prop_map(KeyCode::Char),
    ];
    let results = prop_oneof![
        Just(ChallengeResult::Success),
        Just(ChallengeResult::Rejected),
        Just(ChallengeResult::Timeout),
    ];
    prop_oneof![
        6 => keys.prop_map(Input_::Key),
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
        if prefilled {
            prefill(&mut d);
        }
        for step in steps {
            match step {
                Input_::Key(code) => {
                    let before = d.attestation();
                    let action_before = d.action().cloned().expect("an action dialog");
                    for request in d.on_key(key(code), &policy, now()) {
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
                    d.on_push_done(result, Some(e), &policy, now());
                }
                Input_::CodeSent => d.on_code_sent(None),
                Input_::CodeAnswer(result) => {
                    let e = code_evidence("00u-dana", "dana@example.com", "sms1", result.clone(), now());
                    d.on_code_checked(result, Some(e), &policy, now());
                }
            }
        }
    }
}
