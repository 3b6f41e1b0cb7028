//! `[team]`: the desk's shared PostgreSQL. `ACCESSDESK_DATABASE_URL` wins over
//! `team.database_url`; the password comes from `ACCESSDESK_DATABASE_PASSWORD` (or libpq's
//! `PGPASSWORD` and `~/.pgpass`). A URL in the file that carries a password is a secret in
//! the file: it must be private to the user, or accessdesk warns.

use secrecy::SecretString;
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

use super::{ConfigError, Env, Sources, source::Source};
use crate::team::TeamSettings;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileTeam {
    database_url: Option<String>,
    claim_timeout_minutes: Option<u64>,
}

impl FileTeam {
    /// The team settings, or `None` when no database is configured (the single-agent
    /// default: SQLite in the data directory).
    pub(super) fn resolve(
        self,
        env: &dyn Env,
        file: Option<&Path>,
        sources: &mut Sources,
        warnings: &mut Vec<String>,
    ) -> Result<Option<TeamSettings>, ConfigError> {
        let invalid = |value: &str, allowed: String| ConfigError::Invalid {
            key: "team.database_url".to_string(),
            value: value.to_string(),
            allowed,
        };
        let (url, from_env) = match env.var("ACCESSDESK_DATABASE_URL") {
            Some(url) => {
                sources.set("team.database_url", Source::Env("ACCESSDESK_DATABASE_URL"));
                (url, true)
            }
            None => match self.database_url.filter(|u| !u.trim().is_empty()) {
                Some(url) => (url, false),
                None => return Ok(None),
            },
        };
        let password = env
            .var("ACCESSDESK_DATABASE_PASSWORD")
            .map(SecretString::from);
        let mut settings = TeamSettings::parse(&url, password)
            // Never echo a URL that may hold a password.
            .map_err(|why| invalid("(not shown)", why))?;
        if !from_env
            && url::Url::parse(url.trim()).is_ok_and(|u| u.password().is_some())
            && let Some(path) = file
            && let Some(w) = super::secret_file_warning(
                path,
                "a database password (in team.database_url)",
                "ACCESSDESK_DATABASE_PASSWORD",
            )
        {
            warnings.push(w);
        }
        if let Some(minutes) = self.claim_timeout_minutes {
            let minutes = super::checked_range(
                "team.claim_timeout_minutes",
                minutes,
                1..=24 * 60,
                "minutes",
            )?;
            settings.claim_timeout = Duration::from_secs(minutes * 60);
        }
        Ok(Some(settings))
    }
}
