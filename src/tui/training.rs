//! The demo's training panel: what the simulated caller's phone shows (pushes with their
//! number challenge, the one-time codes the simulator "sent", authenticator codes), so a trainee
//! can play the caller. Only in `demo`. The loop polls the simulator's training handle while the
//! panel is open and hands the phones in as [`Msg::Training`](super::Msg::Training); the panel
//! only keeps the latest answer. While it is open the simulator holds every push for the
//! trainee's answer; closed, the simulated people answer on their own again.

use crate::sim::training::{Phone, PhoneAnswer, PushOutcome, PushPrompt};

/// The panel's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainingPanel {
    open: bool,
    focused: bool,
    /// The user the phones were read for, and what came back.
    phones: Option<(String, Result<Vec<Phone>, String>)>,
    /// What the last tap did, or why it could not.
    notice: Option<String>,
}

/// What F2 did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggled {
    /// The panel opened with the focus: hold pushes for the trainee.
    Opened,
    /// The open panel took the focus.
    Focused,
    /// The panel closed: let the simulated people answer again.
    Closed,
}

impl TrainingPanel {
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The panel has the keys.
    pub fn is_focused(&self) -> bool {
        self.open && self.focused
    }

    /// F2: closed → open and focused; open elsewhere → focused; focused → closed.
    pub fn toggle(&mut self) -> Toggled {
        if !self.open {
            self.open = true;
            self.focused = true;
            self.notice = None;
            Toggled::Opened
        } else if !self.focused {
            self.focused = true;
            Toggled::Focused
        } else {
            self.open = false;
            self.focused = false;
            self.phones = None;
            Toggled::Closed
        }
    }

    /// Esc in the panel: the keys go back to the screen, the panel stays.
    pub fn leave(&mut self) {
        self.focused = false;
    }

    /// The phones read for `subject`.
    pub fn phones_read(&mut self, subject: String, phones: Result<Vec<Phone>, String>) {
        if self.open {
            self.phones = Some((subject, phones));
        }
    }

    /// The phones, when they were read for `subject`.
    pub fn phones_for(&self, subject: &str) -> Option<&Result<Vec<Phone>, String>> {
        self.phones
            .as_ref()
            .filter(|(s, _)| s == subject)
            .map(|(_, p)| p)
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The push to answer: the newest waiting one, the caller's phone first.
    pub fn prompt(&self, subject: &str) -> Option<&PushPrompt> {
        let Some(Ok(phones)) = self.phones_for(subject) else {
            return None;
        };
        phones.iter().find_map(|p| p.prompts.first())
    }

    /// The answer a key gives to the waiting push (`pick`: the place 1–3 of a number), or why
    /// there is none.
    pub fn answer(&mut self, subject: &str, answer: Tap) -> Option<(String, PhoneAnswer)> {
        let Some(prompt) = self.prompt(subject).cloned() else {
            self.notice = Some(
                "No push on the phone: send one from the verification dialog first".to_string(),
            );
            return None;
        };
        let answer = match (answer, prompt.choices) {
            (Tap::Approve, Some(_)) => {
                self.notice = Some(
                    "This push asks for a number: tap 1, 2 or 3 (the one the agent reads out)"
                        .into(),
                );
                return None;
            }
            (Tap::Pick(_), None) => {
                self.notice = Some("This push has no numbers: a approves, r denies".into());
                return None;
            }
            (Tap::Approve, None) => PhoneAnswer::Approve,
            (Tap::Reject, _) => PhoneAnswer::Reject,
            (Tap::Pick(place), Some(choices)) => {
                let Some(&number) = choices.get(place.saturating_sub(1)) else {
                    self.notice = Some("The phone shows three numbers: tap 1, 2 or 3".into());
                    return None;
                };
                PhoneAnswer::Pick(number)
            }
        };
        self.notice = None;
        Some((prompt.transaction_id, answer))
    }

    /// How the tap went.
    pub fn answered(&mut self, result: Result<PushOutcome, String>) {
        self.notice = Some(match result {
            Ok(outcome) => format!("You {} the push on the phone", outcome.describe()),
            Err(why) => why,
        });
    }
}

/// A key on the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tap {
    Approve,
    Reject,
    /// The number in this place (1–3).
    Pick(usize),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::training::PhoneOwner;
    use chrono::{TimeZone, Utc};

    fn phones(choices: Option<[u32; 3]>) -> Vec<Phone> {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap();
        vec![Phone {
            owner: PhoneOwner::Caller,
            user_id: "00uA".into(),
            login: "ada@example.com".into(),
            name: "Ada Lovelace".into(),
            prompts: vec![PushPrompt {
                transaction_id: "v2mst.1".into(),
                device: "Ada's iPhone".into(),
                sent_at: at,
                expires_at: at,
                choices,
            }],
            last_push: None,
            codes: Vec::new(),
        }]
    }

    #[test]
    fn f2_opens_focuses_and_closes_and_esc_only_gives_the_keys_back() {
        let mut panel = TrainingPanel::default();
        assert_eq!(panel.toggle(), Toggled::Opened);
        assert!(panel.is_focused());
        panel.leave();
        assert!(panel.is_open() && !panel.is_focused());
        assert_eq!(panel.toggle(), Toggled::Focused);
        assert_eq!(panel.toggle(), Toggled::Closed);
        assert!(!panel.is_open());
        panel.phones_read("00uA".into(), Ok(phones(None)));
        assert_eq!(panel.phones_for("00uA"), None, "closed: nothing kept");
    }

    #[test]
    fn taps_become_answers_for_the_waiting_push_or_say_why_not() {
        let mut panel = TrainingPanel::default();
        panel.toggle();
        assert_eq!(panel.answer("00uA", Tap::Approve), None);
        assert!(panel.notice().unwrap().contains("No push"));

        panel.phones_read("00uA".into(), Ok(phones(Some([15, 72, 48]))));
        assert_eq!(panel.phones_for("00uB"), None, "read for another user");
        assert_eq!(panel.answer("00uA", Tap::Approve), None);
        assert!(panel.notice().unwrap().contains("tap 1, 2 or 3"));
        assert_eq!(
            panel.answer("00uA", Tap::Pick(2)),
            Some(("v2mst.1".to_string(), PhoneAnswer::Pick(72)))
        );
        assert_eq!(panel.notice(), None);
        assert_eq!(panel.answer("00uA", Tap::Pick(4)), None);

        panel.phones_read("00uA".into(), Ok(phones(None)));
        assert_eq!(panel.answer("00uA", Tap::Pick(1)), None);
        assert_eq!(
            panel.answer("00uA", Tap::Approve),
            Some(("v2mst.1".to_string(), PhoneAnswer::Approve))
        );
        assert_eq!(
            panel.answer("00uA", Tap::Reject),
            Some(("v2mst.1".to_string(), PhoneAnswer::Reject))
        );
        panel.answered(Ok(PushOutcome::Approved));
        assert_eq!(panel.notice(), Some("You approved the push on the phone"));
    }
}
