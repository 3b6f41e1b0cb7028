//! What the dialog shows, item by item: what will happen (and what goes along), the chooser or
//! the checklist, the ticket (with the expected form under it) and note, the push and the
//! code, what remains when nothing can prove possession, the evidence, what is still missing,
//! the notice and the button. Every key it names comes from the focused context's keymap row.

use chrono::{DateTime, Utc};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::layout::Item;
use crate::model::{ChallengeResult, FactorKind};
use crate::policy::gate::{self, EvidenceKind, GatePolicy};
use crate::services::verification::PushWait;
use crate::tui::app::App;
use crate::tui::format::relative;
use crate::tui::theme::Theme;
use crate::tui::verify_dialog::{
    Approver, CodeState, DialogAction, Focus, MAX_WRONG_CODES, Purpose, PushState, Step,
    VerifyDialog, when,
};

/// The column where a field's value starts ("Ticket  [").
pub(super) const FIELD_LABEL: usize = 8;

/// The dialog's text for the room it has: `width` columns inside the border.
pub struct Body<'a> {
    pub app: &'a App,
    pub dialog: &'a VerifyDialog,
    pub theme: &'a Theme,
    pub width: usize,
}

impl Body<'_> {
    pub(super) fn item(&self, line: Line<'static>, indent: usize, drop_order: u8) -> Item {
        Item::wrapped(line, self.width, indent, drop_order)
    }

    fn policy(&self) -> &GatePolicy {
        &self.app.options.gate
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.app.now
    }

    /// Everything above the notice and the button.
    pub fn items(&self) -> Vec<Item> {
        let theme = self.theme;
        let mut items = vec![self.item(Line::styled(self.dialog.preview(), theme.header), 0, 0)];
        for removal in self.dialog.removals() {
            items.push(self.item(Line::styled(removal.sentence(), theme.warn), 2, 1));
        }
        items.push(Item::spacer());
        match self.dialog.step() {
            Step::ChooseFactors { chosen, cursor } => {
                items.extend(self.chooser(chosen, *cursor));
            }
            Step::Verify => items.extend(self.verify()),
        }
        items
    }

    fn chooser(&self, chosen: &std::collections::BTreeSet<String>, cursor: usize) -> Vec<Item> {
        let theme = self.theme;
        let keys: Vec<String> = [
            (DialogAction::ToggleFactor, "toggles"),
            (DialogAction::ChooserContinue, "continues"),
            (DialogAction::Close, "cancels"),
        ]
        .into_iter()
        .filter_map(|(action, word)| self.dialog.key_for(action).map(|k| format!("{k} {word}")))
        .collect();
        let mut items = vec![self.item(
            Line::styled(
                format!("Which factors go? {}", keys.join(", ")),
                theme.label,
            ),
            0,
            2,
        )];
        for (i, factor) in self.dialog.factors().iter().enumerate() {
            let along = self.dialog.taken_along_by(factor);
            let (mark, suffix) = match (chosen.contains(&factor.id), along) {
                (true, _) => ("[x]", String::new()),
                (false, Some(by)) => ("[+]", format!(" — goes with {}", self.dialog.name(by))),
                (false, None) => ("[ ]", String::new()),
            };
            let pointer = if i == cursor { "▸" } else { " " };
            let style = if i == cursor {
                theme.selected
            } else if along.is_some() {
                theme.warn
            } else {
                Style::default()
            };
            items.push(self.item(
                Line::styled(
                    format!("{pointer}{mark} {}{suffix}", self.dialog.name(factor)),
                    style,
                ),
                5,
                0,
            ));
        }
        items
    }

    fn focus_style(&self, focus: Focus) -> Style {
        if self.dialog.focus() == focus && !self.dialog.is_escalating() {
            self.theme.selected
        } else {
            self.theme.label
        }
    }

    fn input(&self, label: &str, value: &str, focus: Focus) -> Line<'static> {
        // Picking from the open tickets is not typing: no text cursor there.
        let picking = focus == Focus::Ticket
            && self.dialog.context() == crate::tui::keymap::Context::DialogTicketPick;
        let focused = self.dialog.focus() == focus && !picking;
        let cursor = if focused { "▏" } else { "" };
        Line::from(vec![
            Span::styled(format!("{label:<FIELD_LABEL$}"), self.focus_style(focus)),
            Span::raw(format!("[{value}{cursor}]")),
        ])
    }

    fn verify(&self) -> Vec<Item> {
        let theme = self.theme;
        let dialog = self.dialog;
        let mut items = Vec::new();
        let tick = match self.dialog.key_for(DialogAction::Tick(0)) {
            Some(key) => format!("Checklist — {key} ticks an item"),
            None => "Checklist".to_string(),
        };
        items.push(self.item(Line::styled(tick, self.focus_style(Focus::Checklist)), 0, 3));
        for (i, entry) in self.policy().checklist.iter().enumerate() {
            let mark = if dialog.confirmed().contains(&entry.id) {
                "[x]"
            } else {
                "[ ]"
            };
            items.push(self.item(Line::raw(format!(" {} {mark} {}", i + 1, entry.text)), 7, 1));
        }
        items.push(Item::spacer());
        items.push(self.item(
            self.input("Ticket", dialog.ticket().value(), Focus::Ticket),
            FIELD_LABEL,
            0,
        ));
        if let Some(hint) = dialog.ticket_hint() {
            // Where the agent types the ticket, the expected form stays whatever the room.
            let (style, order) = if dialog.focus() == Focus::Ticket {
                (theme.warn, 0)
            } else {
                (theme.dim, 4)
            };
            items.push(self.item(
                Line::styled(format!("{:FIELD_LABEL$}{hint}", ""), style),
                FIELD_LABEL,
                order,
            ));
        }
        if let Some(desk) = dialog.tickets() {
            items.extend(self.ticket_lines(desk));
        }
        items.push(self.item(
            self.input("Note", dialog.note().value(), Focus::Note),
            FIELD_LABEL,
            2,
        ));
        items.push(Item::spacer());
        items.push(self.item(self.push_line(), 6, 0));
        if let PushState::Waiting {
            correct_answer: Some(n),
            ..
        } = dialog.push()
        {
            items.push(self.item(
                Line::styled(
                    format!("      The caller must pick {n} on their phone"),
                    theme.warn.add_modifier(Modifier::BOLD),
                ),
                6,
                0,
            ));
        }
        for line in self.code_lines() {
            items.push(self.item(line, 6, 0));
        }
        if let Some(dead_end) = dialog.dead_end() {
            items.push(self.item(
                Line::styled(
                    format!("⚠ {dead_end}"),
                    theme.error.add_modifier(Modifier::BOLD),
                ),
                2,
                0,
            ));
        }
        if let Some(line) = self.evidence_line() {
            items.push(self.item(line, 2, 3));
        }
        items.push(Item::spacer());
        items.extend(self.missing());
        items
    }

    fn push_line(&self) -> Line<'static> {
        let dialog = self.dialog;
        let theme = self.theme;
        let whose = |a: &Approver| match a {
            Approver::User => "the user's",
            Approver::Manager => "the manager's",
        };
        match dialog.push() {
            PushState::Idle => {
                let mut ways = Vec::new();
                match dialog.user_push_factor() {
                    Some(push) => ways.push(self.dialog.keyed(
                        DialogAction::Push,
                        &format!("the user's {}", push.describe()),
                    )),
                    None => ways.push(format!(
                        "the user has no {} push",
                        dialog.provider().push_app()
                    )),
                }
                let manager = dialog.user().manager.as_deref().unwrap_or("on record");
                match (&dialog.target().manager_id, dialog.manager_without_push()) {
                    (None, _) => ways.push("no manager on record".to_string()),
                    (Some(_), Some(login)) => {
                        ways.push(format!("the manager ({login}) has no push factor"));
                    }
                    (Some(_), None) => ways.push(self.dialog.keyed(
                        DialogAction::ManagerPush,
                        &format!(
                            "the manager's {} ({manager}), if enrolled",
                            dialog.provider().push_app()
                        ),
                    )),
                }
                Line::styled(format!("Push: none sent — {}", ways.join(" · ")), theme.dim)
            }
            PushState::Sending(a) => Line::raw(format!("Push: sending to {} device…", whose(a))),
            PushState::Waiting {
                approver, since, ..
            } => {
                let waited = (self.now() - *since).num_seconds().max(0);
                let limit = PushWait::default().give_up_after.as_secs() as i64;
                let left = (limit - waited).max(0);
                Line::styled(
                    format!(
                        "Push: waiting for {} device — {waited}s, gives up in {left}s",
                        whose(approver)
                    ),
                    theme.warn,
                )
            }
            PushState::Answered {
                approver,
                login,
                result: ChallengeResult::Success,
                ..
            } => Line::styled(
                format!(
                    "Push: APPROVED ✓ on the {} device ({login})",
                    approver.whose()
                ),
                theme.title,
            ),
            PushState::Answered {
                approver,
                login,
                result: ChallengeResult::Rejected,
                at,
            } => Line::styled(
                format!(
                    "⚠ The {} push ({login}) was REJECTED on the device {}: possible social engineering. Do not proceed — {}.",
                    approver.whose(),
                    when(self.now(), *at),
                    self.dialog
                        .keyed(DialogAction::Escalate, "escalate to security")
                ),
                theme
                    .error
                    .add_modifier(Modifier::BOLD | Modifier::REVERSED),
            ),
            PushState::Answered {
                approver,
                login,
                result,
                ..
            } => {
                let again: Vec<&str> = [DialogAction::Push, DialogAction::ManagerPush]
                    .into_iter()
                    .filter_map(|a| self.dialog.key_for(a))
                    .collect();
                let again = if again.is_empty() {
                    String::new()
                } else {
                    format!(" — {} sends another", again.join(" or "))
                };
                let escalate = self
                    .dialog
                    .key_for(DialogAction::Escalate)
                    .map(|k| format!(", {k} escalates"))
                    .unwrap_or_default();
                Line::styled(
                    format!(
                        "Push: {} on the {} device ({login}){again}{escalate}",
                        result.as_str(),
                        approver.whose()
                    ),
                    theme.warn,
                )
            }
            PushState::NotSent { reason, .. } => {
                Line::styled(format!("Push: not sent — {reason}"), theme.warn)
            }
        }
    }

    fn code_lines(&self) -> Vec<Line<'static>> {
        let dialog = self.dialog;
        let theme = self.theme;
        let name = |factor: &crate::model::Factor| dialog.name(factor);
        let field = || {
            // Bullets only: a one-time code never appears on screen.
            let bullets = "•".repeat(dialog.code().value().chars().count());
            self.input("Code", &bullets, Focus::Code)
        };
        match dialog.otp() {
            CodeState::Idle => match dialog.code_factors().next() {
                Some(first) => vec![Line::styled(
                    format!(
                        "Code: none asked — {}",
                        self.dialog.keyed(
                            DialogAction::Code,
                            &format!("a one-time code from {}", name(first))
                        )
                    ),
                    theme.dim,
                )],
                None => vec![Line::styled(
                    "Code: the user has no SMS, e-mail or authenticator factor",
                    theme.dim,
                )],
            },
            CodeState::Sending(factor) => vec![
                Line::raw(format!(
                    "Code: asking the IdP to send one to {}…",
                    name(factor)
                )),
                field(),
            ],
            CodeState::Entering(factor) => {
                let check = self
                    .dialog
                    .key_for(DialogAction::CheckCode)
                    .map(|k| format!("; {k} checks it"))
                    .unwrap_or_default();
                let ask = if factor.kind == FactorKind::Totp {
                    format!("Ask the caller for the code their authenticator app shows now{check}")
                } else {
                    format!(
                        "Ask the caller to read out the code sent to {}{check}",
                        name(factor)
                    )
                };
                vec![Line::styled(ask, theme.warn), field()]
            }
            CodeState::Checking(factor) => vec![Line::raw(format!(
                "Code: checking the code from {}…",
                name(factor)
            ))],
            CodeState::Done {
                factor,
                result: ChallengeResult::Success,
            } => vec![Line::styled(
                format!("Code: CORRECT ✓ ({})", name(factor)),
                theme.title,
            )],
            CodeState::Done { factor, result } => {
                let again = self
                    .dialog
                    .key_for(DialogAction::Code)
                    .map(|k| format!(" — {k} asks for another"))
                    .unwrap_or_default();
                let escalate = self
                    .dialog
                    .key_for(DialogAction::Escalate)
                    .map(|k| format!(", {k} escalates"))
                    .unwrap_or_default();
                vec![Line::styled(
                    format!(
                        "Code from {}: {}{again}{escalate}",
                        name(factor),
                        match result {
                            ChallengeResult::Failed => "WRONG or expired",
                            other => other.as_str(),
                        }
                    ),
                    theme.warn,
                )]
            }
            CodeState::Locked => vec![Line::styled(
                format!(
                    "⚠ {MAX_WRONG_CODES} wrong codes: no more codes in this dialog. Treat the caller as unverified — {}.",
                    self.dialog.keyed(DialogAction::Escalate, "escalate")
                ),
                theme.error.add_modifier(Modifier::BOLD),
            )],
        }
    }

    /// The evidence that counts now, and for how much longer.
    fn evidence_line(&self) -> Option<Line<'static>> {
        let (policy, now) = (self.policy(), self.now());
        let evidence =
            gate::possession(policy, self.dialog.target(), self.dialog.evidence(), now).ok()?;
        let how = match evidence.kind {
            EvidenceKind::UserPush => "push approved on the user's device".to_string(),
            EvidenceKind::UserOtp => "one-time code from the user's factor".to_string(),
            EvidenceKind::ManagerPush => format!(
                "push approved on the manager's device ({})",
                evidence.approver_login
            ),
        };
        // Whole minutes, rounded up: "valid 10 more min" just after the challenge.
        let left = ((policy.evidence_max_age - (now - evidence.at)).num_seconds() + 59).max(0) / 60;
        Some(Line::styled(
            format!(
                "✓ Possession proven {}: {how} — valid {left} more min",
                relative(now, evidence.at)
            ),
            self.theme.title,
        ))
    }

    fn missing(&self) -> Vec<Item> {
        let dialog = self.dialog;
        let theme = self.theme;
        let verify_only = *dialog.purpose() == Purpose::VerifyCaller;
        if dialog.missing().is_empty() {
            let text = if verify_only {
                "The caller is verified: u, r or m on the user screen within the time above use this evidence"
            } else {
                "Nothing missing: the gate passes"
            };
            return vec![self.item(Line::styled(text, theme.title), 2, 0)];
        }
        let all = dialog.missing_items(self.policy(), self.now());
        let mut items = Vec::new();
        // This dialog's own rejection is already said, loudly, on the push line.
        let said = dialog.rejected();
        for alarm in all.iter().filter(|i| i.alarm && !said) {
            items.push(self.item(
                Line::styled(
                    format!("⚠ {}", alarm.text),
                    theme.error.add_modifier(Modifier::BOLD),
                ),
                2,
                0,
            ));
        }
        let steps: Vec<&str> = all
            .iter()
            .filter(|i| !i.alarm)
            .map(|i| i.text.as_str())
            .collect();
        if !steps.is_empty() {
            items.push(self.item(
                Line::from(vec![
                    Span::styled("Still missing: ", theme.warn),
                    Span::raw(steps.join(" · ")),
                ]),
                2,
                0,
            ));
        }
        items
    }

    /// The notice and the button: they never give way.
    pub fn tail(&self) -> Vec<Item> {
        let dialog = self.dialog;
        let theme = self.theme;
        let mut items = Vec::new();
        if let Some(notice) = dialog.notice() {
            items.push(self.item(Line::styled(format!("⚠ {notice}"), theme.warn), 2, 0));
        }
        if let Step::ChooseFactors { .. } = dialog.step() {
            return items;
        }
        let focused = dialog.focus() == Focus::Button;
        let verify_only = *dialog.purpose() == Purpose::VerifyCaller;
        let button = if self.app.is_running() {
            " Running… ".to_string()
        } else if self.app.escalation_pending().is_some() {
            " Recording the escalation… ".to_string()
        } else if verify_only && dialog.push_in_flight() {
            match self.dialog.key_for(DialogAction::Close) {
                Some(esc) => format!(" [ Done: once the push is answered · {esc} withdraws it ] "),
                None => " [ Done: once the push is answered ] ".to_string(),
            }
        } else if !verify_only && !dialog.ready() {
            " [ Confirm: blocked ] ".to_string()
        } else {
            let word = if verify_only { "Done" } else { "Confirm" };
            match self.dialog.key_for(DialogAction::Confirm) {
                Some(enter) if focused => format!(" [ {word}: {enter} ] "),
                _ => format!(" [ {word} ] "),
            }
        };
        let style = match (focused, dialog.ready() || verify_only) {
            (true, true) => theme.selected.add_modifier(Modifier::BOLD),
            (true, false) => theme.selected,
            (false, _) => theme.dim,
        };
        items.push(self.item(Line::styled(button, style), 2, 0));
        items
    }
}
