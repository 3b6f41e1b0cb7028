//! What the dashboard and the CLI need to compose a notice and queue it in the outbox: the
//! desk's notice settings, the instructions, the answer-link key and the data directory.
//! Each queueing opens the outbox afresh (SQLite's lock keeps writers apart), so a notice
//! from an agent's action is on disk before the agent can quit. In team mode the outbox is
//! the desk's, in its PostgreSQL, where `watch` delivers it from whichever machine it runs on.

use secrecy::{ExposeSecret, SecretString};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::config::Config;
use crate::notify::compose::Composer;
use crate::notify::links::AnswerKey;
use crate::notify::{Instruction, NoticeSettings};
use crate::outbox::{Outbox, OutboxError, OutboxLocation};
use crate::team::{TeamDb, TeamSettings};

/// The notice side of the configuration.
#[derive(Debug, Clone, Default)]
pub struct NoticeDesk {
    pub data_dir: PathBuf,
    pub settings: NoticeSettings,
    pub instructions: Vec<Instruction>,
    /// `ACCESSDESK_ANSWER_KEY`, else the key file in the data directory.
    pub answer_key: Option<SecretString>,
    /// Team mode: the desk's database, connected on first use (or given by a caller that
    /// already holds a connection, [`NoticeDesk::with_team`]).
    pub team: Option<TeamSettings>,
    pub team_db: Arc<OnceLock<TeamDb>>,
}

impl NoticeDesk {
    pub fn from_config(config: &Config) -> NoticeDesk {
        NoticeDesk {
            data_dir: config.data_dir.clone(),
            settings: config.notices.clone(),
            instructions: config.instructions.clone(),
            answer_key: config.answer_key.clone(),
            team: config.team.clone(),
            team_db: Arc::default(),
        }
    }

    /// Queue into the desk's outbox through `db` (a connection the caller already holds).
    pub fn with_team(self, db: TeamDb) -> NoticeDesk {
        let team_db = Arc::new(OnceLock::new());
        let _ = team_db.set(db);
        NoticeDesk { team_db, ..self }
    }

    /// Where notices are queued: the desk's outbox in team mode, else the file in the data
    /// directory.
    pub fn outbox_location(&self) -> Result<OutboxLocation, OutboxError> {
        if let Some(db) = self.team_db.get() {
            return Ok(OutboxLocation::Team(db.clone()));
        }
        let Some(settings) = &self.team else {
            return Ok(OutboxLocation::local(&self.data_dir));
        };
        let db = TeamDb::connect(settings).map_err(|e| OutboxError::Sqlite {
            path: PathBuf::from(settings.url.as_str()),
            message: e.to_string(),
        })?;
        Ok(OutboxLocation::Team(
            self.team_db.get_or_init(|| db).clone(),
        ))
    }

    /// The composer, with the answer-link key (created on first use) and the templates read
    /// now; the error is phrased for a person.
    pub fn composer(&self) -> Result<Composer, String> {
        let team = match self.outbox_location().map_err(|e| e.to_string())? {
            OutboxLocation::Team(db) => Some(db),
            OutboxLocation::Local(_) => None,
        };
        let key = answer_key(
            &self.data_dir,
            self.answer_key.as_ref().map(ExposeSecret::expose_secret),
            team.as_ref(),
        )?;
        Composer::new(self.settings.clone(), self.instructions.clone(), key)
            .map_err(|e| e.to_string())
    }

    pub fn open_outbox(&self) -> Result<Outbox, OutboxError> {
        self.outbox_location()?.open()
    }
}

/// The answer-link key: `ACCESSDESK_ANSWER_KEY` when given, else in team mode the desk's (one
/// for every agent and `watch`), else the key file in `data_dir`; the error is phrased for a
/// person.
pub fn answer_key(
    data_dir: &std::path::Path,
    from_env: Option<&str>,
    team: Option<&TeamDb>,
) -> Result<AnswerKey, String> {
    match (from_env, team) {
        (None, Some(db)) => {
            let db = db.clone();
            let text = db
                .clone()
                .block_on(async move {
                    crate::team::answer_key::desk_answer_key(&db, AnswerKey::new_text()).await
                })
                .map_err(|e| format!("the desk's answer-link key cannot be read: {e}"))?;
            AnswerKey::from_text(&text)
                .map_err(|e| format!("the desk's answer-link key cannot be used: {e}"))
        }
        _ => AnswerKey::load_or_create(data_dir, from_env).map_err(|e| e.to_string()),
    }
}
