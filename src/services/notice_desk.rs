//! What the dashboard and the CLI need to compose a notice and queue it in the outbox: the
//! desk's notice settings, the instructions, the answer-link key and the data directory.
//! Each queueing opens the outbox afresh (SQLite's lock keeps writers apart), so a notice
//! from an agent's action is on disk before the agent can quit.

use secrecy::{ExposeSecret, SecretString};
use std::path::PathBuf;

use crate::config::Config;
use crate::notify::compose::Composer;
use crate::notify::links::AnswerKey;
use crate::notify::{Instruction, NoticeSettings};
use crate::outbox::{Outbox, OutboxError};

/// The notice side of the configuration.
#[derive(Debug, Clone, Default)]
pub struct NoticeDesk {
    pub data_dir: PathBuf,
    pub settings: NoticeSettings,
    pub instructions: Vec<Instruction>,
    /// `ACCESSDESK_ANSWER_KEY`, else the key file in the data directory.
    pub answer_key: Option<SecretString>,
}

impl NoticeDesk {
    pub fn from_config(config: &Config) -> NoticeDesk {
        NoticeDesk {
            data_dir: config.data_dir.clone(),
            settings: config.notices.clone(),
            instructions: config.instructions.clone(),
            answer_key: config.answer_key.clone(),
        }
    }

    /// The composer, with the answer-link key (created on first use) and the templates read
    /// now; the error is phrased for a person.
    pub fn composer(&self) -> Result<Composer, String> {
        let key = AnswerKey::load_or_create(
            &self.data_dir,
            self.answer_key.as_ref().map(ExposeSecret::expose_secret),
        )
        .map_err(|e| e.to_string())?;
        Composer::new(self.settings.clone(), self.instructions.clone(), key)
            .map_err(|e| e.to_string())
    }

    pub fn open_outbox(&self) -> Result<Outbox, OutboxError> {
        Outbox::open(Outbox::default_path(&self.data_dir))
    }
}
