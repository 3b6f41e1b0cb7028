//! The dialog with a ticketing system: pick the user's newest open ticket with Enter, open one
//! with `n`, or type a number the loop looks up; the gate's word on each shows where the agent
//! looks.

use super::*;
use crate::model::{FactorKind, UserStatus};
use crate::policy::gate::{EvidenceKind, TicketLookup};
use crate::tickets::{Ticket, TicketPerson, TicketProvider};
use crate::tui::keymap::{self, Action as KeyAction, Context};
use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

fn policy() -> GatePolicy {
    GatePolicy {
        ticket_system: Some(TicketProvider::ServiceNow),
        ..GatePolicy::default()
    }
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
        manager: None,
        manager_id: None,
        contract_end_date: None,
        created: None,
        status_changed: None,
        last_login: None,
        password_changed: None,
    }
}

fn push_factor() -> Factor {
    Factor {
        id: "push1".into(),
        kind: FactorKind::Push,
        factor_type: String::new(),
        provider: "OKTA".into(),
        status: "ACTIVE".into(),
        device_name: Some("Dana's iPhone".into()),
        contact: None,
        created: None,
        last_updated: None,
    }
}

fn ticket(number: &str, open: bool, caller: &str) -> Ticket {
    Ticket {
        provider: TicketProvider::ServiceNow,
        system_id: format!("sys-{number}"),
        number: number.into(),
        kind: "incident".into(),
        state: if open { "New" } else { "Closed" }.into(),
        open,
        caller: Some(TicketPerson {
            id: "u1".into(),
            email: Some(caller.into()),
            name: None,
        }),
        summary: "Locked out of my account".into(),
        created: Some(now() - chrono::Duration::hours(1)),
        web_url: None,
    }
}

/// An unlock dialog with the checklist ticked and an approved push: only the ticket is left.
fn ready_but_the_ticket() -> VerifyDialog {
    let p = policy();
    let mut d = VerifyDialog::new(
        Purpose::Act(Action::Unlock),
        &dana(),
        &[push_factor()],
        &p,
        now(),
        &Carried {
            ticket: String::new(),
            ticket_lookup: None,
            evidence: vec![PossessionEvidence {
                kind: EvidenceKind::UserPush,
                for_user_id: "00u-dana".into(),
                approver_id: "00u-dana".into(),
                approver_login: "dana@example.com".into(),
                factor_id: "push1".into(),
                transaction_id: None,
                result: ChallengeResult::Success,
                at: now(),
            }],
        },
    );
    for i in 0..p.checklist.len() {
        d.on_action(DialogAction::Tick(i as u8), &p, now());
    }
    d
}

fn key(d: &mut VerifyDialog, code: KeyCode) -> Vec<Request> {
    let p = policy();
    let event = KeyEvent::new(code, KeyModifiers::NONE);
    match keymap::lookup(d.context(), &event) {
        Some(KeyAction::Dialog(DialogAction::Text)) => {
            d.on_text(event, &p, now());
            Vec::new()
        }
        Some(KeyAction::Dialog(action)) => d.on_action(action, &p, now()),
        other => panic!("{code:?} in {:?} is {other:?}", d.context()),
    }
}

#[test]
fn enter_takes_the_newest_open_ticket_and_the_action_is_ready() {
    let mut d = ready_but_the_ticket();
    assert!(
        matches!(d.missing(), [Refusal::TicketMissing]),
        "{:?}",
        d.missing()
    );
    // Enter on the checklist goes to what is missing: the ticket, as a pick list.
    key(&mut d, KeyCode::Enter);
    assert_eq!(d.focus(), Focus::Ticket);
    assert_eq!(d.context(), Context::DialogTicketPick);
    d.on_open_tickets(
        Ok(vec![
            ticket("INC0010009", true, "dana@example.com"),
            ticket("INC0010003", true, "dana@example.com"),
        ]),
        &policy(),
        now(),
    );
    assert!(key(&mut d, KeyCode::Enter).is_empty());
    assert_eq!(d.ticket().value(), "INC0010009");
    assert!(d.missing().is_empty(), "{:?}", d.missing());
    assert_eq!(d.focus(), Focus::Button);
    match key(&mut d, KeyCode::Enter).as_slice() {
        [Request::Run(verified)] => {
            let facts = verified.ticket_facts().unwrap();
            assert_eq!(facts.system_id, "sys-INC0010009");
            assert_eq!(facts.caller_matched, Some(true));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn arrows_pick_an_older_ticket_and_the_carried_ticket_keeps_its_check() {
    let mut d = ready_but_the_ticket();
    key(&mut d, KeyCode::Enter);
    d.on_open_tickets(
        Ok(vec![
            ticket("INC0010009", true, "dana@example.com"),
            ticket("INC0010003", true, "dana@example.com"),
        ]),
        &policy(),
        now(),
    );
    key(&mut d, KeyCode::Down);
    key(&mut d, KeyCode::Enter);
    assert_eq!(d.ticket().value(), "INC0010003");
    let carried = d.carry();
    assert_eq!(carried.ticket, "INC0010003");
    assert!(
        matches!(&carried.ticket_lookup, Some(TicketLookup::Found(t)) if t.number == "INC0010003")
    );
}

#[test]
fn n_opens_a_ticket_and_its_number_fills_the_field() {
    let mut d = ready_but_the_ticket();
    key(&mut d, KeyCode::Enter);
    d.on_open_tickets(Ok(Vec::new()), &policy(), now());
    // Enter with nothing to take says what to do instead.
    key(&mut d, KeyCode::Enter);
    let notice = d.notice().unwrap();
    assert!(
        notice.contains("no open ticket") && notice.contains("n: opens one"),
        "{notice}"
    );
    assert!(matches!(
        key(&mut d, KeyCode::Char('n')).as_slice(),
        [Request::CreateTicket]
    ));
    // A second n while the first is on its way opens nothing more.
    assert!(key(&mut d, KeyCode::Char('n')).is_empty());
    assert!(d.notice().unwrap().contains("already being opened"));
    d.on_ticket_created(
        Ok(ticket("INC0010010", true, "dana@example.com")),
        &policy(),
        now(),
    );
    assert_eq!(d.ticket().value(), "INC0010010");
    assert!(d.missing().is_empty(), "{:?}", d.missing());
    assert!(d.notice().unwrap().contains("Opened INC0010010"));
}

#[test]
fn a_typed_number_is_looked_up_and_a_closed_or_unknown_one_blocks_confirm() {
    let mut d = ready_but_the_ticket();
    key(&mut d, KeyCode::Enter);
    key(&mut d, KeyCode::Char('t'));
    assert_eq!(d.context(), Context::DialogField);
    for c in "inc0010001".chars() {
        key(&mut d, KeyCode::Char(c));
    }
    assert!(
        matches!(d.missing(), [Refusal::TicketNotChecked { .. }]),
        "{:?}",
        d.missing()
    );
    match key(&mut d, KeyCode::Enter).as_slice() {
        [Request::LookupTicket { number }] => assert_eq!(number, "INC0010001"),
        other => panic!("{other:?}"),
    }
    // Confirm while the answer is on its way asks nothing twice.
    assert_eq!(d.focus(), Focus::Button);
    assert!(key(&mut d, KeyCode::Enter).is_empty());

    d.on_ticket_looked(
        TicketLookup::Found(ticket("INC0010001", false, "dana@example.com")),
        &policy(),
        now(),
    );
    assert_eq!(
        d.missing(),
        [Refusal::TicketClosed {
            state: "Closed".into()
        }]
    );
    key(&mut d, KeyCode::Enter);
    assert!(d.notice().unwrap().contains("not open"), "{:?}", d.notice());

    d.on_ticket_looked(
        TicketLookup::NotFound {
            number: "INC0010001".into(),
        },
        &policy(),
        now(),
    );
    assert_eq!(
        d.missing(),
        [Refusal::TicketNotFound {
            system: TicketProvider::ServiceNow
        }]
    );
}

#[test]
fn another_callers_ticket_is_refused_and_said_under_the_field() {
    let mut d = ready_but_the_ticket();
    key(&mut d, KeyCode::Enter);
    d.on_open_tickets(
        Ok(vec![ticket("INC0010004", true, "sam@example.com")]),
        &policy(),
        now(),
    );
    key(&mut d, KeyCode::Enter);
    assert!(
        matches!(d.missing(), [Refusal::TicketForAnotherCaller { .. }]),
        "{:?}",
        d.missing()
    );
    assert!(d.ticket_hint().unwrap().contains("not this user"));
}

#[test]
fn without_a_ticketing_system_the_ticket_is_a_plain_field() {
    let p = GatePolicy::default();
    let mut d = VerifyDialog::new(
        Purpose::Act(Action::Unlock),
        &dana(),
        &[push_factor()],
        &p,
        now(),
        &Carried::default(),
    );
    assert!(d.tickets().is_none());
    d.on_action(DialogAction::NextField, &p, now());
    assert_eq!(d.context(), Context::DialogField);
}
