//! What every notice has in common: the channel, the answer links (signed, or a sentence
//! naming the desk when links are off), the common placeholders, and how instants read.

use chrono::{DateTime, Utc};

use super::Composer;
use super::render::{Block, Format, Vars, render, render_subject};
use crate::notify::links::{AnswerClaim, answer_url, sign};
use crate::notify::notice::NoticeLink;
use crate::notify::{AnswerChoice, IdempotencyKey, Instruction, Notice, NoticeKind, Problem};

/// What a composer says about one notice besides its placeholders.
pub(super) struct Spec {
    pub key: IdempotencyKey,
    pub user_id: Option<String>,
    pub login: Option<String>,
    pub to: Vec<String>,
    pub due_at: DateTime<Utc>,
    pub instructions_only: bool,
    pub facts: Vec<(String, String)>,
}

impl Composer {
    /// The notice `spec` and `vars` describe, rendered with the kind's templates.
    pub(super) fn build(&self, spec: Spec, mut vars: Vars, now: DateTime<Utc>) -> Notice {
        let kind = spec.key.kind;
        let links = if spec.instructions_only {
            Vec::new()
        } else {
            self.links(&spec.key, now)
        };
        vars.text("desk_name", &self.settings.desk_name)
            .text("desk_contact", &self.settings.desk_contact)
            .block(
                "answers",
                self.answers_block(kind, &links, spec.instructions_only),
            );
        let templates = self.templates.of(kind);
        Notice {
            kind,
            channel: if kind.is_user_facing() {
                self.settings.user_channel
            } else {
                self.settings.alert_channel
            },
            user_id: spec.user_id,
            login: spec.login,
            to: spec.to,
            subject: render_subject(&templates.subject, &vars),
            text: render(&templates.text, &vars, Format::Text),
            html: Some(render(&templates.html, &vars, Format::Html)),
            facts: spec.facts,
            links,
            due_at: spec.due_at,
            instructions_only: spec.instructions_only,
            key: spec.key,
        }
    }

    /// One signed link per answer `key`'s kind offers, when answer links are served.
    fn links(&self, key: &IdempotencyKey, now: DateTime<Utc>) -> Vec<NoticeLink> {
        let Some(base) = &self.settings.public_url else {
            return Vec::new();
        };
        AnswerChoice::offered_by(key.kind)
            .iter()
            .map(|&choice| {
                let claim = AnswerClaim {
                    key: key.clone(),
                    choice,
                    expires_at: now + self.settings.link_valid_for,
                };
                NoticeLink {
                    label: choice.label().to_string(),
                    url: answer_url(base, &sign(&self.key, &claim)),
                }
            })
            .collect()
    }

    /// The links as buttons, or, without links, how to answer by contacting the desk.
    fn answers_block(&self, kind: NoticeKind, links: &[NoticeLink], quiet: bool) -> Block {
        let offered = AnswerChoice::offered_by(kind);
        if offered.is_empty() || quiet {
            return Block::new();
        }
        let not_me = offered == [AnswerChoice::NotMe];
        // A manager did not do it either way: what they can report is that nobody asked.
        let unexpected = if kind == NoticeKind::ManagerActionNotice {
            "If nobody asked for this"
        } else {
            "If this wasn't you"
        };
        if links.is_empty() {
            let desk = &self.settings.desk_name;
            let contact = &self.settings.desk_contact;
            return Block::new().paragraph(&if not_me {
                format!("{unexpected}, tell {desk} at once: {contact}.")
            } else {
                let choices: Vec<&str> = offered.iter().map(|c| c.label()).collect();
                format!(
                    "To answer ({}), contact {desk}: {contact}.",
                    choices.join(", ").to_lowercase()
                )
            });
        }
        let intro = if not_me {
            format!("{unexpected}, tell us with one click:")
        } else {
            "Answer with one click:".to_string()
        };
        links.iter().fold(Block::new().paragraph(&intro), |b, l| {
            b.link(&l.label, &l.url)
        })
    }

    /// An instant as people read it: the desk's zone, then UTC in ISO 8601.
    pub(super) fn when(&self, t: DateTime<Utc>) -> String {
        let iso = t.format("%Y-%m-%dT%H:%M:%SZ");
        if self.zone == chrono_tz::UTC {
            return format!("{} UTC ({iso})", t.format("%a %-d %b %Y, %H:%M"));
        }
        let local = t.with_timezone(&self.zone);
        format!(
            "{} {} ({iso})",
            local.format("%a %-d %b %Y, %H:%M"),
            local.format("%Z")
        )
    }

    /// A day as people read it: "Mon 2 Mar 2026".
    pub(super) fn day(&self, date: chrono::NaiveDate) -> String {
        date.format("%a %-d %b %Y").to_string()
    }

    /// The configured instructions for `problem`.
    pub(super) fn instructions_for(&self, problem: Problem) -> Vec<&Instruction> {
        self.instructions
            .iter()
            .filter(|i| i.problem == problem)
            .collect()
    }
}

/// Each instruction as a heading, its steps and its knowledge-base link.
pub(super) fn instructions_block(list: &[&Instruction]) -> Block {
    list.iter().fold(Block::new(), |block, i| {
        let block = block
            .heading(&format!("{} ({})", i.title, i.system))
            .steps(&i.steps);
        match &i.kb_url {
            Some(url) => block.link("More help", url),
            None => block,
        }
    })
}
