//! Where each setting came from, so `accessdesk config` can answer "why is it this value?".

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// One setting's origin, from the lowest layer to the highest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Built into accessdesk.
    Default,
    /// The config file at this path.
    File(PathBuf),
    /// The environment variable of this name.
    Env(&'static str),
    /// The command-line flag of this name.
    Flag(&'static str),
    /// The OS account the process runs as (the agent name's last fallback).
    OsAccount,
}

impl Source {
    /// `{"from": "env", "name": "OKTA_CLIENT_ORGURL"}`, `{"from": "file", "path": …}`, …
    pub fn to_json(&self) -> Value {
        match self {
            Source::Default => json!({"from": "default"}),
            Source::File(path) => json!({"from": "file", "path": path.display().to_string()}),
            Source::Env(name) => json!({"from": "env", "name": name}),
            Source::Flag(name) => json!({"from": "flag", "name": name}),
            Source::OsAccount => json!({"from": "os_account"}),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(path) => write!(f, "file {}", path.display()),
            Source::Env(name) => write!(f, "env {name}"),
            Source::Flag(name) => write!(f, "flag {name}"),
            Source::OsAccount => f.write_str("the OS account"),
        }
    }
}

/// The origin of every setting, by its file key (`okta.org_url`, `agent.name`, …; the config
/// file itself is `config_file`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources(BTreeMap<&'static str, Source>);

impl Sources {
    pub(super) fn set(&mut self, key: &'static str, source: Source) {
        self.0.insert(key, source);
    }

    /// Where `key` came from; a key nobody set is a default.
    pub fn get(&self, key: &str) -> &Source {
        self.0.get(key).unwrap_or(&Source::Default)
    }

    /// Where a value made of several keys came from: one origin, or each distinct one.
    pub fn describe(&self, keys: &[&str]) -> String {
        let mut seen: Vec<&Source> = Vec::new();
        for key in keys {
            let source = self.get(key);
            if !seen.contains(&source) {
                seen.push(source);
            }
        }
        let names: Vec<String> = seen.iter().map(ToString::to_string).collect();
        names.join(" + ")
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Source)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// `{"okta.org_url": {"from": …}, …}`
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.iter()
                .map(|(key, source)| (key.to_string(), source.to_json()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_read_as_words_and_json() {
        let file = Source::File(PathBuf::from("/etc/accessdesk.toml"));
        assert_eq!(file.to_string(), "file /etc/accessdesk.toml");
        assert_eq!(Source::Env("USER").to_string(), "env USER");
        assert_eq!(Source::Flag("--org-url").to_string(), "flag --org-url");
        assert_eq!(
            file.to_json(),
            json!({"from": "file", "path": "/etc/accessdesk.toml"})
        );
        assert_eq!(Source::OsAccount.to_json(), json!({"from": "os_account"}));
    }

    #[test]
    fn unset_keys_are_defaults_and_mixed_origins_are_each_named() {
        let mut sources = Sources::default();
        sources.set("http.connect_timeout_secs", Source::Env("X"));
        assert_eq!(sources.get("http.request_timeout_secs"), &Source::Default);
        assert_eq!(
            sources.describe(&["http.connect_timeout_secs", "http.request_timeout_secs"]),
            "env X + default"
        );
        assert_eq!(
            sources.describe(&["a", "b"]),
            "default",
            "the same origin once"
        );
    }
}
