//! What the dialog says in words: what the action will do (every factor that goes, those Okta
//! takes along included), what is still missing, and what remains when a way to prove
//! possession is closed. Keys are named only through the keymap row of the focused context,
//! so the dialog never names a key that does not work where the agent is.

use chrono::{DateTime, Utc};

use super::VerifyDialog;
use super::keys::DialogAction;
use super::state::{Approver, CodeState, Purpose, Step};
use crate::idp::Provider;
use crate::model::{
    Action, Factor, UserStatus, describe_distinct, mask_email, removal_set, removed_along,
};
use crate::policy::diagnosis::capitalised;
use crate::policy::gate::{EvidenceKind, GatePolicy, PossessionEvidence, Refusal};
use crate::tui::format::relative;
use crate::tui::keymap::{self, Action as KeyAction};

/// One thing the gate still misses, in the dialog's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingItem {
    pub text: String,
    /// A security warning (a REJECTED push), not just a step to take.
    pub alarm: bool,
}

/// A chosen factor that takes others with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub factor: String,
    pub along: Vec<String>,
}

impl Removal {
    /// "Removing Okta Verify push (Dana's iPhone) also removes: Okta Verify code".
    pub fn sentence(&self) -> String {
        format!(
            "Removing {} also removes: {}",
            self.factor,
            self.along.join(", ")
        )
    }
}

impl VerifyDialog {
    /// How the key for `action` is written where the focus is now, if it works there.
    pub fn key_for(&self, action: DialogAction) -> Option<&'static str> {
        keymap::label_for(self.context(), KeyAction::Dialog(action))
    }

    /// "p: text" when the key works here, else just "text".
    pub fn keyed(&self, action: DialogAction, text: &str) -> String {
        match self.key_for(action) {
            Some(key) => format!("{key}: {text}"),
            None => text.to_string(),
        }
    }

    /// A factor's name, with the details that tell it from the user's other factors.
    pub fn name(&self, factor: &Factor) -> String {
        describe_distinct(factor, &self.factors)
    }

    /// The factors chosen so far (in the chooser) or that the action names.
    fn chosen_ids(&self) -> Vec<String> {
        if let Step::ChooseFactors { chosen, .. } = &self.step {
            return self
                .factors
                .iter()
                .filter(|f| chosen.contains(&f.id))
                .map(|f| f.id.clone())
                .collect();
        }
        match &self.purpose {
            Purpose::Act(Action::ResetAllFactors) => {
                self.factors.iter().map(|f| f.id.clone()).collect()
            }
            Purpose::Act(Action::ResetFactors { factor_ids }) => factor_ids.clone(),
            _ => Vec::new(),
        }
    }

    /// Every factor the reset takes: the chosen ones and those Okta removes along with them.
    pub fn going(&self) -> Vec<&Factor> {
        removal_set(&self.chosen_ids(), &self.factors)
    }

    /// The chosen push factors that take other factors with them.
    pub fn removals(&self) -> Vec<Removal> {
        let chosen = self.chosen_ids();
        self.factors
            .iter()
            .filter(|f| chosen.contains(&f.id))
            .filter_map(|f| {
                let along = removed_along(f, &self.factors);
                (!along.is_empty()).then(|| Removal {
                    factor: self.name(f),
                    along: along.into_iter().map(|a| self.name(a)).collect(),
                })
            })
            .collect()
    }

    /// The chosen factor that takes `factor` along, when it is not chosen itself.
    pub fn taken_along_by(&self, factor: &Factor) -> Option<&Factor> {
        let chosen = self.chosen_ids();
        if chosen.contains(&factor.id) {
            return None;
        }
        self.factors
            .iter()
            .filter(|f| chosen.contains(&f.id))
            .find(|f| removed_along(f, &self.factors).contains(&factor))
    }

    /// What the action will do, in one sentence; [`VerifyDialog::removals`] adds what goes
    /// along.
    pub fn preview(&self) -> String {
        let login = &self.user.login;
        if let Step::ChooseFactors { chosen, .. } = &self.step {
            if chosen.is_empty() {
                return format!("Reset MFA for {login}: choose the factors to remove");
            }
            return self.remove_sentence(false);
        }
        let Purpose::Act(action) = &self.purpose else {
            return format!(
                "Verify the caller is {login}: a check only, nothing changes (audited)"
            );
        };
        match action {
            Action::Unlock => format!(
                "Unlock {login}: {} → {}",
                self.user.status,
                UserStatus::Active
            ),
            Action::ResetPassword if self.provider != Provider::Okta => {
                format!("{}.", self.provider.reset_password_effect())
            }
            Action::ResetPassword => match &self.user.email {
                Some(email) => format!(
                    "The IdP e-mails a one-time reset link to {}",
                    mask_email(email)
                ),
                None => "The IdP e-mails a one-time reset link to the address on record".into(),
            },
            Action::ResetAllFactors => self.remove_sentence(true),
            Action::ResetFactors { .. } => self.remove_sentence(false),
        }
    }

    /// "Remove 2 factors: SMS •••-1337, Okta Verify push (Dana's iPhone)".
    fn remove_sentence(&self, all: bool) -> String {
        let names: Vec<String> = self.going().into_iter().map(|f| self.name(f)).collect();
        let noun = if names.len() == 1 {
            "factor"
        } else {
            "factors"
        };
        let all = if all && names.len() > 1 { "all " } else { "" };
        format!("Remove {all}{} {noun}: {}", names.len(), names.join(", "))
    }

    /// The gate's word on the ticket, for the line under the field (the expected form).
    pub fn ticket_hint(&self) -> Option<String> {
        let refusal = self
            .missing
            .iter()
            .find(|r| super::keys::is_about_the_ticket(r))?;
        Some(match (refusal, &self.tickets) {
            (Refusal::TicketMissing, Some(desk)) => format!(
                "a ticket in {} is required: one of the user's open tickets, a new one, or its number",
                desk.system
            ),
            _ => refusal.to_string(),
        })
    }

    /// "the MANAGER's push (deepa.chen@example.com) was REJECTED 2 min ago (14:28 UTC)".
    pub fn rejection_text(&self, rejection: &PossessionEvidence, now: DateTime<Utc>) -> String {
        let whose = match rejection.kind {
            EvidenceKind::ManagerPush => Approver::Manager.whose(),
            _ => Approver::User.whose(),
        };
        format!(
            "the {whose} push ({}) was REJECTED {} ({})",
            rejection.approver_login,
            when(now, rejection.at),
            rejection.at.format("%H:%M UTC")
        )
    }

    /// What the gate still misses, in the dialog's words, with the keys that fix it.
    pub fn missing_items(&self, policy: &GatePolicy, now: DateTime<Utc>) -> Vec<MissingItem> {
        let item = |text: String| MissingItem { text, alarm: false };
        self.missing
            .iter()
            .map(|refusal| match refusal {
                Refusal::ChecklistIncomplete(ids) => {
                    let numbers: Vec<String> = policy
                        .checklist
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| ids.contains(&i.id))
                        .map(|(n, _)| (n + 1).to_string())
                        .collect();
                    let noun = if numbers.len() == 1 { "item" } else { "items" };
                    item(format!("checklist {noun} {}", numbers.join(", ")))
                }
                Refusal::TicketMissing if self.tickets.is_some() => item("a ticket".to_string()),
                Refusal::TicketMissing => item("a ticket number".to_string()),
                Refusal::TicketInvalid { .. } => {
                    item("a ticket in the expected form (see under the field)".to_string())
                }
                Refusal::PossessionMissing => {
                    item(format!("proof of possession ({})", self.ways_in_short()))
                }
                Refusal::PushRejected => MissingItem {
                    text: match self.fresh_rejection(policy, now) {
                        Some(rejection) => format!(
                            "{}: possible social engineering; do not proceed — {}",
                            capitalised(&self.rejection_text(rejection, now)),
                            self.keyed(DialogAction::Escalate, "escalate")
                        ),
                        None => refusal.to_string(),
                    },
                    alarm: true,
                },
                Refusal::ChallengeTimedOut => item(format!(
                    "a push that is answered (the last one timed out; {})",
                    self.ways_in_short()
                )),
                Refusal::CodeRejected => item(format!(
                    "a correct code (the last one was wrong or expired; {})",
                    self.ways_in_short()
                )),
                other => item(other.to_string()),
            })
            .collect()
    }

    /// The missing items in one sentence, for the notice of a blocked Confirm.
    pub fn missing_sentence(&self, policy: &GatePolicy, now: DateTime<Utc>) -> String {
        let items: Vec<String> = self
            .missing_items(policy, now)
            .into_iter()
            .map(|i| i.text)
            .collect();
        items.join("; ")
    }

    /// The ways to prove possession that are still open (`closed`: the one that just
    /// failed), with their keys; or, when none is, that the caller cannot be verified remotely
    /// and what to do instead.
    pub fn what_remains(&self, closed: Option<Approver>) -> String {
        let mut ways = Vec::new();
        if closed != Some(Approver::User)
            && let Some(push) = self.user_push_factor()
        {
            ways.push(self.keyed(
                DialogAction::Push,
                &format!("push to the user's {}", push.describe()),
            ));
        }
        if closed != Some(Approver::Manager)
            && self.target.manager_id.is_some()
            && self.manager_without_push.is_none()
        {
            ways.push(self.keyed(
                DialogAction::ManagerPush,
                &format!(
                    "push to the manager's {} (if enrolled)",
                    self.provider.push_app()
                ),
            ));
        }
        if self.otp != CodeState::Locked
            && let Some(first) = self.code_factors().next()
        {
            let more = if self.code_factors().count() > 1 {
                " (again: the next factor)"
            } else {
                ""
            };
            ways.push(self.keyed(
                DialogAction::Code,
                &format!("a one-time code from {}{more}", self.name(first)),
            ));
        }
        let escalate = self.keyed(DialogAction::Escalate, "escalate to security");
        if ways.is_empty() {
            return format!(
                "this caller cannot be verified remotely; verify them in person (the identity-proofing runbook) or {escalate}"
            );
        }
        format!("{} · {escalate}", ways.join(" · "))
    }

    /// The ways to prove possession still open, keys only: "p push · M manager · c code".
    fn ways_in_short(&self) -> String {
        let mut ways = Vec::new();
        if self.user_push_factor().is_some() {
            ways.push(self.keyed(DialogAction::Push, "push"));
        }
        if self.target.manager_id.is_some() && self.manager_without_push.is_none() {
            ways.push(self.keyed(DialogAction::ManagerPush, "manager's push"));
        }
        if self.otp != CodeState::Locked && self.code_factors().next().is_some() {
            ways.push(self.keyed(DialogAction::Code, "code"));
        }
        if ways.is_empty() {
            return "none is left: see above".to_string();
        }
        ways.join(" · ")
    }

    /// Why nothing can prove possession remotely, when nothing can: each closed way.
    pub fn dead_end_reasons(&self) -> Option<Vec<String>> {
        if !self.cannot_verify_remotely() {
            return None;
        }
        let mut why = vec![format!("no active {} push", self.provider.push_app())];
        why.push(if self.otp == CodeState::Locked {
            "code checks ended after too many wrong codes".to_string()
        } else {
            "no SMS, e-mail or authenticator factor".to_string()
        });
        why.push(
            match (&self.target.manager_id, &self.manager_without_push) {
                (None, _) => "no manager on record".to_string(),
                (Some(_), Some(manager)) => format!("the manager ({manager}) has no push factor"),
                (Some(_), None) => "the manager can vouch".to_string(),
            },
        );
        Some(why)
    }

    /// That the caller cannot be verified remotely, why, and what to do instead.
    pub fn dead_end(&self) -> Option<String> {
        let why = self.dead_end_reasons()?;
        Some(format!(
            "This caller cannot be verified remotely: {} has {}. Verify in person (the identity-proofing runbook) or {}.",
            self.target.login,
            why.join(", "),
            self.keyed(DialogAction::Escalate, "escalate to security")
        ))
    }
}

/// "just now", "3m ago".
pub fn when(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    match relative(now, at).as_str() {
        "now" => "just now".to_string(),
        ago => ago.to_string(),
    }
}
