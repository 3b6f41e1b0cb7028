//! `[team] database_url` / `ACCESSDESK_DATABASE_URL`: the desk's shared PostgreSQL, when one
//! is configured. The password is the secret part: it comes from
//! `ACCESSDESK_DATABASE_PASSWORD` (or libpq's own `PGPASSWORD` and `~/.pgpass`); a URL in the
//! config file that carries one must sit in a file private to the user.

use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use url::Url;

use super::error::TeamError;

/// Where the desk's shared state lives.
#[derive(Clone)]
pub struct TeamSettings {
    /// The URL with any password taken out (so it can be shown).
    pub url: Url,
    /// The password, from the URL or the environment. Never shown.
    pub password: Option<SecretString>,
    /// How long a claim lasts without being renewed or released.
    pub claim_timeout: std::time::Duration,
}

impl std::fmt::Debug for TeamSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamSettings")
            .field("url", &self.url.as_str())
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// The default lifetime of a claim: a long call, not a forgotten one.
pub const DEFAULT_CLAIM_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

impl TeamSettings {
    /// Read a `postgres://` (or `postgresql://`) URL; a password inside it is moved out of the
    /// URL, and `password` (from the environment) wins over it.
    pub fn parse(url: &str, password: Option<SecretString>) -> Result<TeamSettings, String> {
        let mut url = Url::parse(url.trim()).map_err(|e| {
            format!("{e}; write it as postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full")
        })?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(format!(
                "the scheme is {:?}; a PostgreSQL URL starts postgres://",
                url.scheme()
            ));
        }
        if let Some(mode) = url
            .query_pairs()
            .find(|(k, _)| k == "sslmode")
            .map(|(_, v)| v.into_owned())
            && mode.parse::<PgSslMode>().is_err()
        {
            return Err(format!(
                "sslmode={mode} is not one of disable, allow, prefer, require, verify-ca, \
                 verify-full"
            ));
        }
        let in_url = url
            .password()
            .map(|p| {
                percent_encoding::percent_decode_str(p)
                    .decode_utf8()
                    .map(|p| SecretString::from(p.into_owned()))
                    .map_err(|_| "the password in the URL is not valid percent-encoded UTF-8")
            })
            .transpose()?;
        let _ = url.set_password(None);
        Ok(TeamSettings {
            url,
            password: password.or(in_url),
            claim_timeout: DEFAULT_CLAIM_TIMEOUT,
        })
    }

    /// The connection options: the URL's host, database, `sslmode` and the rest, the `PG*`
    /// environment for whatever the URL leaves out, and the password.
    pub fn connect_options(&self) -> Result<PgConnectOptions, TeamError> {
        super::db::options_from(
            self.url.as_str(),
            self.password.as_ref().map(|p| p.expose_secret()),
        )
        .map_err(|e| TeamError::BadUrl(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_url_is_taken_out_of_it_and_the_environment_wins() {
        let s = TeamSettings::parse("postgres://alice:p%40ss@db.example.com/desk", None).unwrap();
        assert_eq!(s.url.as_str(), "postgres://alice@db.example.com/desk");
        assert_eq!(s.password.as_ref().unwrap().expose_secret(), "p@ss");
        assert!(!format!("{s:?}").contains("p@ss"));
        let s = TeamSettings::parse(
            "postgres://alice:old@db.example.com/desk",
            Some(SecretString::from("new")),
        )
        .unwrap();
        assert_eq!(s.password.unwrap().expose_secret(), "new");
    }

    #[test]
    fn sslmode_is_checked_and_carried_into_the_options() {
        let err = TeamSettings::parse("postgres://a@h/d?sslmode=sometimes", None).unwrap_err();
        assert!(err.contains("verify-full"), "{err}");
        let s = TeamSettings::parse("postgres://a@h:6543/d?sslmode=verify-full", None).unwrap();
        let options = s.connect_options().unwrap();
        assert!(matches!(options.get_ssl_mode(), PgSslMode::VerifyFull));
        assert_eq!((options.get_host(), options.get_port()), ("h", 6543));
        assert_eq!(options.get_database(), Some("d"));
    }

    #[test]
    fn other_schemes_and_garbage_say_what_a_url_looks_like() {
        assert!(
            TeamSettings::parse("mysql://a@h/d", None)
                .unwrap_err()
                .contains("postgres://")
        );
        assert!(
            TeamSettings::parse("not a url", None)
                .unwrap_err()
                .contains("postgres://USER@HOST")
        );
    }
}
