use super::*;
use crate::model::ChallengeResult;
use chrono::TimeZone;
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
}

fn target() -> Target {
    Target {
        user_id: "00u_target".into(),
        login: "dana@example.com".into(),
        email: Some("dana@example.com".into()),
        manager_id: Some("00u_manager".into()),
    }
}

fn push(result: ChallengeResult, minutes_ago: i64) -> PossessionEvidence {
    PossessionEvidence {
        kind: EvidenceKind::UserPush,
        for_user_id: "00u_target".into(),
        approver_id: "00u_target".into(),
        approver_login: "login@example.com".into(),
        factor_id: "opf1".into(),
        transaction_id: Some("v2mst.1".into()),
        result,
        at: now() - Duration::minutes(minutes_ago),
    }
}

fn complete(policy: &GatePolicy) -> Attestation {
    Attestation {
        confirmed: policy.checklist.iter().map(|i| i.id.clone()).collect(),
        ticket: "INC0012345".into(),
        ticket_lookup: None,
        note: None,
        evidence: vec![push(ChallengeResult::Success, 1)],
    }
}

fn refusals(a: &Attestation, action: &Action) -> Vec<Refusal> {
    check(&GatePolicy::default(), &target(), action, a, now()).unwrap_err()
}

#[test]
fn a_complete_attestation_passes_and_is_bound_to_the_target() {
    let policy = GatePolicy::default();
    let v = check(
        &policy,
        &target(),
        &Action::Unlock,
        &complete(&policy),
        now(),
    )
    .unwrap();
    assert_eq!(v.target(), &target());
    assert_eq!(v.action(), &Action::Unlock);
    assert_eq!(v.ticket(), Some("INC0012345"));
    assert_eq!(v.checklist().len(), policy.checklist.len());
    assert_eq!(v.evidence().unwrap().result, ChallengeResult::Success);
    assert!(v.is_fresh(&policy, now() + Duration::minutes(8)));
    assert!(!v.is_fresh(&policy, now() + Duration::minutes(10)));
}

#[test]
fn every_missing_piece_refuses() {
    let policy = GatePolicy::default();
    for action in [
        Action::Unlock,
        Action::ResetAllFactors,
        Action::ResetFactors {
            factor_ids: vec!["f".into()],
        },
    ] {
        let mut a = complete(&policy);
        a.confirmed.remove("callback");
        assert_eq!(
            refusals(&a, &action),
            [Refusal::ChecklistIncomplete(vec!["callback".into()])]
        );

        let mut a = complete(&policy);
        a.ticket = "  ".into();
        assert_eq!(refusals(&a, &action), [Refusal::TicketMissing]);

        let mut a = complete(&policy);
        a.evidence.clear();
        assert_eq!(refusals(&a, &action), [Refusal::PossessionMissing]);

        // Nothing at all: every reason at once.
        assert_eq!(refusals(&Attestation::default(), &action).len(), 3);
    }
}

#[test]
fn the_ticket_must_match_the_pattern() {
    let policy = GatePolicy::default();
    for bad in [
        "INC123",
        "CHG0012345",
        "INC0012345x",
        "INC 0012345",
        "1234567",
    ] {
        let mut a = complete(&policy);
        a.ticket = bad.into();
        let refused = refusals(&a, &Action::Unlock);
        assert!(
            matches!(refused.as_slice(), [Refusal::TicketInvalid { .. }]),
            "{bad}"
        );
        // The refusal explains the form in words, never as a pattern.
        let text = refused[0].to_string();
        assert_eq!(
            text,
            "the ticket number is not in the expected form: INC, RITM or REQ followed by 7 digits, e.g. INC0012345"
        );
        assert!(!text.contains('\\') && !text.contains('^'), "{text}");
    }
    for good in [
        "INC0012345",
        "RITM0000001",
        "REQ9999999",
        " INC0012345 ",
        "inc0012345",
        "\tRitm0000001 ",
    ] {
        let mut a = complete(&policy);
        a.ticket = good.into();
        let v = check(&policy, &target(), &Action::Unlock, &a, now())
            .unwrap_or_else(|e| panic!("{good:?}: {e:?}"));
        // The gate hands on (and the audit stores) the normalised form.
        assert_eq!(v.ticket(), Some(normalize_ticket(good).as_str()));
        assert!(
            v.ticket()
                .unwrap()
                .chars()
                .all(|c| !c.is_lowercase() && !c.is_whitespace())
        );
    }
}

#[test]
fn tickets_are_normalised_for_any_configured_pattern() {
    assert_eq!(normalize_ticket("  inc0012345\n"), "INC0012345");
    assert_eq!(normalize_ticket("   "), "");
    // A pattern written in lower case still matches the upper-cased ticket.
    let policy = GatePolicy {
        ticket_pattern: ticket_regex(r"^hd-\d+$").unwrap(),
        ticket_format: "hd- and a number, e.g. hd-42".into(),
        ..GatePolicy::default()
    };
    let mut a = complete(&policy);
    a.ticket = " hd-42 ".into();
    let v = check(&policy, &target(), &Action::Unlock, &a, now()).unwrap();
    assert_eq!(v.ticket(), Some("HD-42"));
    a.ticket = "hd-".into();
    let refused = check(&policy, &target(), &Action::Unlock, &a, now()).unwrap_err();
    assert_eq!(
        refused[0].to_string(),
        "the ticket number is not in the expected form: hd- and a number, e.g. hd-42"
    );
}

#[test]
fn unknown_checklist_ids_refuse() {
    let policy = GatePolicy::default();
    let mut a = complete(&policy);
    a.confirmed.insert("idenity".into());
    assert_eq!(
        refusals(&a, &Action::Unlock),
        [Refusal::UnknownChecklistItem("idenity".into())]
    );
}

#[test]
fn evidence_for_another_user_refuses() {
    let policy = GatePolicy::default();
    let mut a = complete(&policy);
    a.evidence[0].for_user_id = "00u_someone_else".into();
    a.evidence[0].approver_id = "00u_someone_else".into();
    assert_eq!(
        refusals(&a, &Action::Unlock),
        [Refusal::EvidenceForAnotherUser]
    );
}

#[test]
fn a_push_approved_on_someone_elses_device_refuses() {
    let policy = GatePolicy::default();
    let mut a = complete(&policy);
    a.evidence[0].approver_id = "00u_attacker".into();
    assert_eq!(refusals(&a, &Action::Unlock), [Refusal::ApproverNotTheUser]);
}

#[test]
fn expired_and_future_evidence_refuse() {
    let policy = GatePolicy::default();
    let mut a = complete(&policy);
    a.evidence = vec![push(ChallengeResult::Success, 11)];
    assert_eq!(
        refusals(&a, &Action::Unlock),
        [Refusal::EvidenceExpired {
            minutes: 11,
            max: 10
        }]
    );
    a.evidence = vec![push(ChallengeResult::Success, 10)];
    assert!(
        check(&policy, &target(), &Action::Unlock, &a, now()).is_ok(),
        "exactly at the limit"
    );
    a.evidence = vec![push(ChallengeResult::Success, -5)];
    assert_eq!(
        refusals(&a, &Action::Unlock),
        [Refusal::EvidenceFromTheFuture]
    );
}

#[test]
fn rejected_timed_out_and_pending_pushes_refuse() {
    let policy = GatePolicy::default();
    let mut a = complete(&policy);
    a.evidence = vec![push(ChallengeResult::Rejected, 1)];
    assert_eq!(refusals(&a, &Action::Unlock), [Refusal::PushRejected]);
    a.evidence = vec![push(ChallengeResult::Timeout, 1)];
    assert_eq!(refusals(&a, &Action::Unlock), [Refusal::ChallengeTimedOut]);
    a.evidence = vec![push(ChallengeResult::Other("WAITING".into()), 0)];
    assert_eq!(
        refusals(&a, &Action::Unlock),
        [Refusal::ChallengeNotSucceeded("WAITING".into())]
    );
}

#[test]
fn a_newer_rejection_overrides_an_older_success_but_not_the_reverse() {
    let policy = GatePolicy::default();
    let mut a = complete(&policy);
    a.evidence = vec![
        push(ChallengeResult::Success, 5),
        push(ChallengeResult::Rejected, 1),
    ];
    assert_eq!(refusals(&a, &Action::Unlock), [Refusal::PushRejected]);
    a.evidence = vec![
        push(ChallengeResult::Rejected, 5),
        push(ChallengeResult::Success, 1),
    ];
    assert!(check(&policy, &target(), &Action::Unlock, &a, now()).is_ok());
}

#[test]
fn the_manager_may_approve_but_only_the_manager_on_record() {
    let policy = GatePolicy::default();
    let mut a = complete(&policy);
    a.evidence[0].kind = EvidenceKind::ManagerPush;
    a.evidence[0].approver_id = "00u_manager".into();
    let v = check(&policy, &target(), &Action::ResetAllFactors, &a, now()).unwrap();
    assert_eq!(v.evidence().unwrap().kind, EvidenceKind::ManagerPush);

    a.evidence[0].approver_id = "00u_other_manager".into();
    assert_eq!(
        refusals(&a, &Action::ResetAllFactors),
        [Refusal::ApproverNotTheManager]
    );

    a.evidence[0].approver_id = "00u_manager".into();
    let orphan = Target {
        manager_id: None,
        ..target()
    };
    assert_eq!(
        check(&policy, &orphan, &Action::ResetAllFactors, &a, now()).unwrap_err(),
        [Refusal::NoManagerOnRecord]
    );
}

#[test]
fn a_code_on_the_users_own_factor_is_possession() {
    let policy = GatePolicy::default();
    let mut a = complete(&policy);
    a.evidence[0].kind = EvidenceKind::UserOtp;
    assert!(check(&policy, &target(), &Action::Unlock, &a, now()).is_ok());
    a.evidence[0].result = ChallengeResult::Failed;
    assert_eq!(refusals(&a, &Action::Unlock), [Refusal::CodeRejected]);
    // A manager cannot vouch by code: codes come from the user's own factors.
    a.evidence[0].result = ChallengeResult::Success;
    a.evidence[0].approver_id = "00u_manager".into();
    assert_eq!(refusals(&a, &Action::Unlock), [Refusal::ApproverNotTheUser]);
}

#[test]
fn the_reset_link_needs_checklist_and_ticket_but_no_possession_by_default() {
    let policy = GatePolicy::default();
    let mut a = complete(&policy);
    a.evidence.clear();
    let v = check(&policy, &target(), &Action::ResetPassword, &a, now()).unwrap();
    assert!(v.evidence().is_none());
    a.ticket.clear();
    assert_eq!(
        refusals(&a, &Action::ResetPassword),
        [Refusal::TicketMissing]
    );
}

#[test]
fn refusals_read_as_instructions() {
    assert!(
        Refusal::PushRejected
            .to_string()
            .contains("social engineering")
    );
    assert!(
        Refusal::ChecklistIncomplete(vec!["callback".into(), "identity".into()])
            .to_string()
            .contains("callback, identity")
    );
}

fn any_result() -> impl Strategy<Value = ChallengeResult> {
    prop_oneof![
        Just(ChallengeResult::Success),
        Just(ChallengeResult::Rejected),
        Just(ChallengeResult::Timeout),
        Just(ChallengeResult::Other("WAITING".into())),
    ]
}

fn any_evidence() -> impl Strategy<Value = PossessionEvidence> {
    let who = prop_oneof![Just("00u_target"), Just("00u_manager"), Just("00u_other")];
    let kind = prop_oneof![
        Just(EvidenceKind::UserPush),
        Just(EvidenceKind::UserOtp),
        Just(EvidenceKind::ManagerPush)
    ];
    (kind, who.clone(), who, any_result(), -3i64..20).prop_map(
        |(kind, for_user, approver, result, minutes_ago)| PossessionEvidence {
            kind,
            for_user_id: for_user.into(),
            approver_id: approver.into(),
            approver_login: "login@example.com".into(),
            factor_id: "f".into(),
            transaction_id: None,
            result,
            at: now() - Duration::minutes(minutes_ago),
        },
    )
}

proptest! {
    /// Whatever the agent enters, a `Verified` exists only when every rule holds.
    #[test]
    fn verified_only_when_every_rule_holds(
        items in proptest::collection::btree_set(prop_oneof![Just("identity"), Just("callback"), Just("directory"), Just("no_pressure")], 0..=4),
        ticket in prop_oneof![Just("INC0012345".to_string()), Just(String::new()), "[A-Z]{3}[0-9]{5,8}"],
        evidence in proptest::collection::vec(any_evidence(), 0..4),
    ) {
        let policy = GatePolicy::default();
        let a = Attestation {
            confirmed: items.iter().map(|s| s.to_string()).collect(),
            ticket: ticket.clone(),
            ticket_lookup: None,
            note: None,
            evidence: evidence.clone(),
        };
        let result = check(&policy, &target(), &Action::Unlock, &a, now());
        let checklist_ok = items.len() == 4;
        let ticket_ok = policy.ticket_pattern.is_match(&normalize_ticket(&ticket));
        let mut newest_first = evidence.clone();
        newest_first.sort_by_key(|e| std::cmp::Reverse(e.at));
        let valid = |e: &PossessionEvidence| {
            e.for_user_id == "00u_target"
                && e.at <= now() + Duration::seconds(60)
                && now() - e.at <= Duration::minutes(10)
                && match e.kind {
                    EvidenceKind::ManagerPush => e.approver_id == "00u_manager",
                    _ => e.approver_id == "00u_target",
                }
        };
        // The newest valid-looking evidence decides; a rejection before any success blocks.
        let possession_ok = newest_first
            .iter()
            .filter(|e| valid(e))
            .find(|e| matches!(e.result, ChallengeResult::Success | ChallengeResult::Rejected))
            .is_some_and(|e| e.result == ChallengeResult::Success);
        prop_assert_eq!(result.is_ok(), checklist_ok && ticket_ok && possession_ok, "{:?}", result);
        if let Ok(v) = result {
            let e = v.evidence().unwrap();
            prop_assert_eq!(&e.for_user_id, "00u_target");
            prop_assert_eq!(&e.result, &ChallengeResult::Success);
        }
    }
}

mod with_a_ticketing_system {
    use super::*;
    use crate::tickets::{Ticket, TicketPerson, TicketProvider};

    fn policy() -> GatePolicy {
        GatePolicy {
            ticket_system: Some(TicketProvider::ServiceNow),
            ..GatePolicy::default()
        }
    }

    fn ticket(number: &str, open: bool, caller: &str) -> Ticket {
        Ticket {
            provider: TicketProvider::ServiceNow,
            system_id: "9d385017c611228701d22104cc95c371".into(),
            number: number.into(),
            kind: "incident".into(),
            state: if open { "New" } else { "Closed" }.into(),
            open,
            caller: Some(TicketPerson {
                id: "5137153cc611227c000bbd1bd8cd2005".into(),
                email: Some(caller.into()),
                name: Some("Some Caller".into()),
            }),
            summary: "Locked out".into(),
            created: None,
            web_url: None,
        }
    }

    fn with(lookup: Option<TicketLookup>, ticket_typed: &str) -> Attestation {
        Attestation {
            ticket: ticket_typed.into(),
            ticket_lookup: lookup,
            ..complete(&policy())
        }
    }

    fn judged(a: &Attestation) -> Result<Verified, Vec<Refusal>> {
        check(&policy(), &target(), &Action::Unlock, a, now())
    }

    #[test]
    fn an_open_ticket_of_the_user_passes_and_its_system_id_is_kept() {
        let t = ticket("INC0010002", true, "DANA@example.com");
        let v = judged(&with(Some(TicketLookup::Found(t)), " inc0010002 ")).unwrap();
        let facts = v.ticket_facts().unwrap();
        assert_eq!(facts.system, "servicenow");
        assert_eq!(facts.system_id, "9d385017c611228701d22104cc95c371");
        assert_eq!(facts.caller_matched, Some(true));
        assert_eq!(v.ticket(), Some("INC0010002"));
    }

    #[test]
    fn a_closed_ticket_and_another_callers_ticket_are_refused_saying_which() {
        let closed = ticket("INC0010002", false, "dana@example.com");
        let err = judged(&with(Some(TicketLookup::Found(closed)), "INC0010002")).unwrap_err();
        assert_eq!(
            err,
            vec![Refusal::TicketClosed {
                state: "Closed".into()
            }]
        );
        let theirs = ticket("INC0010002", true, "sam@example.com");
        let err = judged(&with(Some(TicketLookup::Found(theirs)), "INC0010002")).unwrap_err();
        assert_eq!(
            err,
            vec![Refusal::TicketForAnotherCaller {
                caller: "Some Caller".into()
            }]
        );
        assert!(err[0].to_string().contains("not this user"));
    }

    #[test]
    fn the_caller_check_can_be_turned_off() {
        let policy = GatePolicy {
            ticket_caller_must_match: false,
            ..policy()
        };
        let theirs = ticket("INC0010002", true, "sam@example.com");
        let a = with(Some(TicketLookup::Found(theirs)), "INC0010002");
        let v = check(&policy, &target(), &Action::Unlock, &a, now()).unwrap();
        // Not required, and still recorded as it is.
        assert_eq!(v.ticket_facts().unwrap().caller_matched, Some(false));
    }

    #[test]
    fn a_ticket_not_looked_up_unknown_or_unreachable_is_refused() {
        let system = TicketProvider::ServiceNow;
        assert_eq!(
            judged(&with(None, "INC0010002")).unwrap_err(),
            vec![Refusal::TicketNotChecked { system }]
        );
        // Looked up under another number than the one now typed.
        let other = ticket("INC0010003", true, "dana@example.com");
        assert_eq!(
            judged(&with(Some(TicketLookup::Found(other)), "INC0010002")).unwrap_err(),
            vec![Refusal::TicketNotChecked { system }]
        );
        let unknown = TicketLookup::NotFound {
            number: "INC0010002".into(),
        };
        assert_eq!(
            judged(&with(Some(unknown), "INC0010002")).unwrap_err(),
            vec![Refusal::TicketNotFound { system }]
        );
        let failed = TicketLookup::Failed {
            number: "INC0010002".into(),
            error: "cannot reach ServiceNow".into(),
        };
        let err = judged(&with(Some(failed), "INC0010002")).unwrap_err();
        assert!(
            err[0].to_string().contains("cannot reach ServiceNow"),
            "{err:?}"
        );
    }

    #[test]
    fn the_systems_numbering_replaces_the_pattern() {
        let policy = GatePolicy {
            ticket_system: Some(TicketProvider::Jira),
            ..GatePolicy::default()
        };
        let mut t = ticket("HD-42", true, "dana@example.com");
        t.provider = TicketProvider::Jira;
        let a = Attestation {
            ticket: "hd-42".into(),
            ticket_lookup: Some(TicketLookup::Found(t)),
            ..complete(&policy)
        };
        let v = check(&policy, &target(), &Action::Unlock, &a, now()).unwrap();
        assert_eq!(v.ticket_facts().unwrap().system, "jira");
        // An empty ticket is still missing.
        let a = Attestation {
            ticket: " ".into(),
            ..a
        };
        assert_eq!(
            check(&policy, &target(), &Action::Unlock, &a, now()).unwrap_err(),
            vec![Refusal::TicketMissing]
        );
    }
}
