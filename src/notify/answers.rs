//! The answers a notice's links offer, by kind of notice.

use serde::{Deserialize, Serialize};

use super::NoticeKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerChoice {
    AlreadyUpdated,
    RemindLater,
    DoNotRemind,
    OpenTicket,
    HowToExtend,
    HowToTerminate,
    Understood,
    NotMe,
}

impl AnswerChoice {
    pub const ALL: [AnswerChoice; 8] = [
        AnswerChoice::AlreadyUpdated,
        AnswerChoice::RemindLater,
        AnswerChoice::DoNotRemind,
        AnswerChoice::OpenTicket,
        AnswerChoice::HowToExtend,
        AnswerChoice::HowToTerminate,
        AnswerChoice::Understood,
        AnswerChoice::NotMe,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnswerChoice::AlreadyUpdated => "already_updated",
            AnswerChoice::RemindLater => "remind_later",
            AnswerChoice::DoNotRemind => "do_not_remind",
            AnswerChoice::OpenTicket => "open_ticket",
            AnswerChoice::HowToExtend => "how_to_extend",
            AnswerChoice::HowToTerminate => "how_to_terminate",
            AnswerChoice::Understood => "understood",
            AnswerChoice::NotMe => "not_me",
        }
    }

    pub fn from_name(name: &str) -> Option<AnswerChoice> {
        AnswerChoice::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            AnswerChoice::AlreadyUpdated => "Already updated",
            AnswerChoice::RemindLater => "Remind me later",
            AnswerChoice::DoNotRemind => "Do not remind me again",
            AnswerChoice::OpenTicket => "Open a ticket",
            AnswerChoice::HowToExtend => "How to extend",
            AnswerChoice::HowToTerminate => "How to terminate",
            AnswerChoice::Understood => "Understood",
            AnswerChoice::NotMe => "This wasn't me",
        }
    }

    /// The answers a notice of `kind` offers (instructions-only reminders offer none).
    pub fn offered_by(kind: NoticeKind) -> &'static [AnswerChoice] {
        match kind {
            NoticeKind::PasswordReminder => &[
                AnswerChoice::AlreadyUpdated,
                AnswerChoice::RemindLater,
                AnswerChoice::DoNotRemind,
                AnswerChoice::OpenTicket,
            ],
            // Past the expiry there is nothing left to defer.
            NoticeKind::PasswordExpired => {
                &[AnswerChoice::AlreadyUpdated, AnswerChoice::OpenTicket]
            }
            NoticeKind::ContractorDigest => &[
                AnswerChoice::HowToExtend,
                AnswerChoice::HowToTerminate,
                AnswerChoice::Understood,
            ],
            NoticeKind::LockoutNotice
            | NoticeKind::ActionNotice
            | NoticeKind::ManagerActionNotice => &[AnswerChoice::NotMe],
            NoticeKind::Instructions | NoticeKind::Alert | NoticeKind::TicketNote => &[],
        }
    }
}
