//! The help desk's ticket queue, provider-neutral: the incidents, requested items and Jira
//! requests the simulator serves, seeded from the organisation so that tickets can be
//! practised (some open for locked-out users, some closed, some for other callers), and
//! everything written to them kept for the `--control` endpoints and tests.
//!
//! `servicenow/` and `jira/` shape these into each system's wire JSON; ids are derived from
//! the seed and the user (never from the simulator's RNG, whose draws fix every Okta id).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::model::UserStatus;
use crate::sim::org::Org;
use crate::sim::org::ids::stable_hash;

/// Where a ticket is in its life, by ServiceNow's incident `state` values; Jira's statuses map
/// onto the same stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum Stage {
    New,
    InProgress,
    OnHold,
    Resolved,
    Closed,
    Canceled,
}

impl Stage {
    /// ServiceNow's incident `state` code.
    pub fn servicenow_code(self) -> &'static str {
        match self {
            Stage::New => "1",
            Stage::InProgress => "2",
            Stage::OnHold => "3",
            Stage::Resolved => "6",
            Stage::Closed => "7",
            Stage::Canceled => "8",
        }
    }

    /// ServiceNow's label for the state.
    pub fn servicenow_label(self) -> &'static str {
        match self {
            Stage::New => "New",
            Stage::InProgress => "In Progress",
            Stage::OnHold => "On Hold",
            Stage::Resolved => "Resolved",
            Stage::Closed => "Closed",
            Stage::Canceled => "Canceled",
        }
    }

    /// Jira Service Management's status name for the same stage.
    pub fn jira_status(self) -> &'static str {
        match self {
            Stage::New => "Waiting for support",
            Stage::InProgress => "In Progress",
            Stage::OnHold => "Waiting for customer",
            Stage::Resolved => "Resolved",
            Stage::Closed => "Closed",
            Stage::Canceled => "Canceled",
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, Stage::New | Stage::InProgress | Stage::OnHold)
    }
}

/// What kind of ServiceNow record a ticket is (Jira has one kind: a customer request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum Kind {
    /// `incident`, numbered `INC…`.
    Incident,
    /// `sc_req_item`, numbered `RITM…`.
    RequestedItem,
}

/// A note or comment written to a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Note {
    pub at: DateTime<Utc>,
    /// Who wrote it: the API user (`accessdesk`, `accessdesk@example.com`) or the seed.
    pub author: String,
    /// `work_notes` / an internal Jira comment (`false`: visible to the caller).
    pub internal: bool,
    pub text: String,
}

/// One ticket, as both systems see it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeskTicket {
    /// ServiceNow `sys_id`: 32 hex digits.
    pub sys_id: String,
    /// `INC0010001` / `RITM0010001`.
    pub number: String,
    pub kind: Kind,
    /// Jira `issueId` and `issueKey` (`HD-17`).
    pub jira_id: u64,
    pub jira_key: String,
    /// The caller's login (= e-mail) in the organisation.
    pub caller: String,
    pub stage: Stage,
    pub summary: String,
    pub description: String,
    pub category: String,
    pub assignment_group: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub notes: Vec<Note>,
    pub close_code: Option<String>,
    pub close_notes: Option<String>,
    /// Created through the API (not seeded).
    pub created_by_api: bool,
}

/// A person both systems know: every user of the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeskPerson {
    /// ServiceNow `sys_user.sys_id`.
    pub sys_id: String,
    /// Jira Cloud `accountId`.
    pub account_id: String,
    pub email: String,
    pub name: String,
}

/// The ticket queue.
#[derive(Debug, Default)]
pub(crate) struct Desk {
    pub tickets: Vec<DeskTicket>,
    next_incident: u32,
    next_item: u32,
    next_jira: u64,
    seed: u64,
}

/// The Jira project key of the simulated service desk.
pub(crate) const JIRA_PROJECT: &str = "HD";
/// The first number of each sequence, as a fresh ServiceNow instance counts.
const FIRST_NUMBER: u32 = 10001;

impl Desk {
    /// Seeds the queue from the organisation as it stands at `now`: two in three locked-out
    /// users have an open "locked out" incident, one in four an old closed one; one in twelve
    /// other users has a ticket of their own, in any state.
    pub fn seed(org: &Org, seed: u64, now: DateTime<Utc>) -> Desk {
        let mut desk = Desk {
            seed,
            next_incident: FIRST_NUMBER,
            next_item: FIRST_NUMBER,
            next_jira: 10_000,
            ..Desk::default()
        };
        for user in &org.users {
            let roll = stable_hash(&format!("{seed}\0ticket\0{}", user.id));
            let login = user.login().to_string();
            let ago =
                |hours: u64| now - Duration::minutes(((roll >> 16) % (hours * 60)) as i64 + 5);
            if user.status == UserStatus::LockedOut {
                if roll.is_multiple_of(4) {
                    let created = now - Duration::days(30 + (roll % 60) as i64);
                    desk.push_seeded(
                        &login,
                        Kind::Incident,
                        Stage::Closed,
                        "Locked out of my account",
                        created,
                    );
                }
                if !roll.is_multiple_of(3) {
                    desk.push_seeded(
                        &login,
                        Kind::Incident,
                        Stage::New,
                        "Locked out of my account",
                        ago(3),
                    );
                }
            } else if roll.is_multiple_of(12) {
                let (kind, stage, summary) = match (roll >> 8) % 6 {
                    0 => (
                        Kind::Incident,
                        Stage::InProgress,
                        "Cannot sign in to the VPN",
                    ),
                    1 => (
                        Kind::Incident,
                        Stage::OnHold,
                        "Okta Verify not receiving pushes",
                    ),
                    2 => (
                        Kind::RequestedItem,
                        Stage::New,
                        "New phone: move my authenticator",
                    ),
                    3 => (Kind::Incident, Stage::Resolved, "Password expired"),
                    4 => (Kind::Incident, Stage::Closed, "Locked out of my account"),
                    _ => (
                        Kind::RequestedItem,
                        Stage::Canceled,
                        "Access to the finance share",
                    ),
                };
                desk.push_seeded(&login, kind, stage, summary, ago(96));
            }
        }
        desk.tickets.sort_by_key(|t| t.created);
        desk
    }

    fn push_seeded(
        &mut self,
        caller: &str,
        kind: Kind,
        stage: Stage,
        summary: &str,
        created: DateTime<Utc>,
    ) {
        let mut ticket = self.new_ticket(caller, kind, summary, "", created);
        ticket.stage = stage;
        ticket.category = "inquiry".to_string();
        ticket.created_by_api = false;
        if !stage.is_open() {
            ticket.close_code = Some("Solved (Permanently)".to_string());
            ticket.close_notes = Some("Resolved by the service desk.".to_string());
        }
        self.tickets.push(ticket);
    }

    /// A new ticket with the next number of its kind, not yet in the queue.
    pub fn new_ticket(
        &mut self,
        caller: &str,
        kind: Kind,
        summary: &str,
        description: &str,
        at: DateTime<Utc>,
    ) -> DeskTicket {
        let number = match kind {
            Kind::Incident => {
                self.next_incident += 1;
                format!("INC{:07}", self.next_incident - 1)
            }
            Kind::RequestedItem => {
                self.next_item += 1;
                format!("RITM{:07}", self.next_item - 1)
            }
        };
        self.next_jira += 1;
        let jira_id = self.next_jira;
        DeskTicket {
            sys_id: hex32(self.seed, "ticket", &number),
            jira_key: format!("{JIRA_PROJECT}-{}", jira_id - 10_000),
            jira_id,
            number,
            kind,
            caller: caller.to_string(),
            stage: Stage::New,
            summary: summary.to_string(),
            description: description.to_string(),
            category: "inquiry".to_string(),
            assignment_group: None,
            created: at,
            updated: at,
            notes: Vec::new(),
            close_code: None,
            close_notes: None,
            created_by_api: true,
        }
    }

    /// Adds a ticket made by [`Desk::new_ticket`]; its index.
    pub fn insert(&mut self, ticket: DeskTicket) -> usize {
        self.tickets.push(ticket);
        self.tickets.len() - 1
    }

    pub fn by_number(&self, number: &str) -> Option<usize> {
        self.tickets
            .iter()
            .position(|t| t.number.eq_ignore_ascii_case(number))
    }

    pub fn by_sys_id(&self, sys_id: &str) -> Option<usize> {
        self.tickets.iter().position(|t| t.sys_id == sys_id)
    }

    /// By Jira issue key (`HD-3`) or issue id (`10003`).
    pub fn by_jira(&self, key_or_id: &str) -> Option<usize> {
        self.tickets.iter().position(|t| {
            t.jira_key.eq_ignore_ascii_case(key_or_id) || t.jira_id.to_string() == key_or_id
        })
    }

    /// The person with this login or e-mail (case-insensitive), as the ticketing systems know
    /// them.
    pub fn person_by_email(&self, org: &Org, email: &str) -> Option<DeskPerson> {
        let i = org.by_login(email.trim())?;
        Some(self.person(org, i))
    }

    /// The person with this `sys_user` sys_id or Jira account id.
    pub fn person_by_id(&self, org: &Org, id: &str) -> Option<DeskPerson> {
        (0..org.users.len())
            .map(|i| self.person(org, i))
            .find(|p| p.sys_id == id || p.account_id == id)
    }

    /// User `i` of the organisation as a ticketing person.
    pub fn person(&self, org: &Org, i: usize) -> DeskPerson {
        let user = &org.users[i];
        let login = user.login();
        DeskPerson {
            sys_id: hex32(self.seed, "sys_user", login),
            account_id: account_id(self.seed, login),
            email: login.to_string(),
            name: user.display_name(),
        }
    }
}

/// A ServiceNow-style `sys_id`: 32 lower-case hex digits derived from the seed and a name.
fn hex32(seed: u64, kind: &str, name: &str) -> String {
    let a = stable_hash(&format!("{seed}\0{kind}\0{name}"));
    let b = stable_hash(&format!("{seed}\0{kind}\0{name}\0b"));
    format!("{a:016x}{b:016x}")
}

/// A Jira Cloud account id: `712020:` and a UUID-like suffix, as Atlassian issues them.
fn account_id(seed: u64, login: &str) -> String {
    let h = hex32(seed, "jira_account", login);
    format!(
        "712020:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> Org {
        Org::generate(7, 400, Utc::now())
    }

    #[test]
    fn the_seed_gives_locked_users_open_tickets_and_others_a_mix() {
        let org = org();
        let desk = Desk::seed(&org, 7, Utc::now());
        let locked: Vec<&str> = org
            .users
            .iter()
            .filter(|u| u.status == UserStatus::LockedOut)
            .map(|u| u.login())
            .collect();
        assert!(locked.len() >= 3, "the org has locked users");
        let open_for_locked = desk
            .tickets
            .iter()
            .filter(|t| t.stage.is_open() && locked.contains(&t.caller.as_str()))
            .count();
        assert!(open_for_locked > 0);
        assert!(
            open_for_locked < locked.len(),
            "some locked users have no ticket yet"
        );
        assert!(desk.tickets.iter().any(|t| !t.stage.is_open()));
        assert!(
            desk.tickets
                .iter()
                .any(|t| !locked.contains(&t.caller.as_str()))
        );
        assert!(desk.tickets.iter().any(|t| t.kind == Kind::RequestedItem));
        // Numbers are unique and sequential per kind; sys_ids are 32 hex digits.
        let mut numbers: Vec<&str> = desk.tickets.iter().map(|t| t.number.as_str()).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), desk.tickets.len());
        assert!(
            desk.tickets
                .iter()
                .all(|t| t.sys_id.len() == 32 && t.sys_id.chars().all(|c| c.is_ascii_hexdigit()))
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_desk() {
        let org = org();
        let now = Utc::now();
        let a = Desk::seed(&org, 7, now);
        let b = Desk::seed(&org, 7, now);
        let numbers = |d: &Desk| {
            d.tickets
                .iter()
                .map(|t| (t.number.clone(), t.sys_id.clone(), t.caller.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(&a), numbers(&b));
    }

    #[test]
    fn people_are_found_by_email_and_by_either_id() {
        let org = org();
        let desk = Desk::seed(&org, 7, Utc::now());
        let login = org.users[3].login().to_uppercase();
        let person = desk.person_by_email(&org, &login).unwrap();
        assert_eq!(person.email, org.users[3].login());
        assert_eq!(
            desk.person_by_id(&org, &person.sys_id),
            Some(person.clone())
        );
        assert_eq!(
            desk.person_by_id(&org, &person.account_id),
            Some(person.clone())
        );
        assert!(person.account_id.starts_with("712020:"));
        assert!(
            desk.person_by_email(&org, "nobody@example.invalid")
                .is_none()
        );
    }

    #[test]
    fn new_tickets_continue_each_sequence() {
        let org = org();
        let mut desk = Desk::seed(&org, 7, Utc::now());
        let last_inc = desk
            .tickets
            .iter()
            .filter(|t| t.kind == Kind::Incident)
            .map(|t| t.number.clone())
            .max()
            .unwrap();
        let t = desk.new_ticket(org.users[0].login(), Kind::Incident, "x", "", Utc::now());
        assert!(t.number > last_inc, "{} after {last_inc}", t.number);
        let i = desk.insert(t.clone());
        assert_eq!(desk.by_number(&t.number.to_lowercase()), Some(i));
        assert_eq!(desk.by_sys_id(&t.sys_id), Some(i));
        assert_eq!(desk.by_jira(&t.jira_key), Some(i));
        assert_eq!(desk.by_jira(&t.jira_id.to_string()), Some(i));
    }
}
