//! `accessdesk user show LOGIN`: a user's profile, factors, password expiry, every event of
//! the last 24 hours, and the diagnosis computed from exactly what is printed.

use crate::tui::inert::inert;
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::process::ExitCode;

use super::actions::factor_list;
use super::exit::Refused;
use super::{GlobalArgs, directory, load_config};
use crate::idp::{Directory, IdpError};
use crate::policy::diagnosis::{Diagnosis, diagnose};
use crate::services::user_profile::{self, UserProfile};

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Debug, Subcommand)]
enum UserAction {
    /// Show a user by login, e-mail or id: profile, status, factors, password expiry, the last
    /// 24 h of activity (every event) and a diagnosis with the suggested fixes
    Show {
        /// Login, e-mail or IdP id
        login: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

/// The profile with its diagnosis, as `--json` prints it.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    profile: &'a UserProfile,
    diagnosis: Diagnosis,
}

pub async fn run(global: &GlobalArgs, args: UserArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let _log = super::dashboard::start_logging(&config);
    let client = directory(&config)?;
    let UserAction::Show { login, json } = args.action;
    let profile = match user_profile::load(&client, &login).await {
        Ok(p) => p,
        Err(IdpError::Api { status: 404, .. }) => {
            return Err(Refused(format!(
                "no user {login:?} in the IdP: check the login, e-mail or id"
            ))
            .into());
        }
        Err(e) => return Err(anyhow::anyhow!("{e}\n  {}", e.hint_for(client.provider()))),
    };
    // From the very profile printed below: the diagnosis cannot describe anything else.
    let diagnosis = diagnose(&profile, &config.gate, config.read_only, Utc::now());
    if json {
        let shown = Shown {
            profile: &profile,
            diagnosis,
        };
        println!("{}", serde_json::to_string(&shown)?);
    } else {
        print!("{}", text(&profile, &diagnosis));
    }
    Ok(ExitCode::SUCCESS)
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(
        || "-".to_string(),
        |t| t.to_rfc3339_opts(SecondsFormat::Secs, true),
    )
}

fn text(p: &UserProfile, diagnosis: &Diagnosis) -> String {
    let u = &p.user;
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut out = String::new();
    // Every value is IdP text printed to a terminal: inert, one value per line.
    let mut line = |k: &str, v: String| out.push_str(&format!("{k:<18}{}\n", inert(&v)));
    line("name", u.name());
    line("login", u.login.clone());
    line("email", or_dash(&u.email));
    line("status", u.status.to_string());
    line("id", u.id.clone());
    line("user type", or_dash(&u.user_type));
    line("department", or_dash(&u.department));
    line("title", or_dash(&u.title));
    line("manager", or_dash(&u.manager));
    line("created", when(u.created));
    line("last login", when(u.last_login));
    line("password changed", when(u.password_changed));
    line(
        "password expires",
        match (&p.password_expires_at, &p.password_policy) {
            (Some(t), Some(name)) => format!("{} ({name})", when(Some(*t))),
            (None, Some(name)) => format!("never ({name})"),
            _ => "-".into(),
        },
    );
    for note in &p.unreadable {
        line("not read", note.clone());
    }
    if let Some(end) = u.contract_end_date {
        line("contract ends", end.to_string());
    }
    out.push_str(&format!("\ndiagnosis         {}\n", inert(&diagnosis.text)));
    if !diagnosis.fixes.is_empty() {
        let steps: Vec<&str> = diagnosis.fixes.iter().map(|f| f.describe()).collect();
        out.push_str(&format!("suggested         {}\n", steps.join(" → ")));
    }
    out.push_str(&format!("\nfactors ({})\n", p.factors.len()));
    if !p.factors.is_empty() {
        out.push_str(&factor_list::table(&p.factors.iter().collect::<Vec<_>>()));
    }
    // Every event counted, none left out: the count and the list are the same events.
    out.push_str(&format!("\nlast 24 h ({} events)\n", p.activity.len()));
    for e in &p.activity {
        out.push_str(&format!(
            "  {}  {:<28}  {:<15}  {}\n",
            e.published.format("%Y-%m-%d %H:%M:%S"),
            inert(
                &[e.result.as_deref(), e.reason.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ")
            ),
            inert(e.ip.as_deref().unwrap_or("-")),
            inert(&e.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActivityEvent, ActivityKind, User, UserStatus};
    use crate::policy::gate::GatePolicy;

    #[test]
    fn every_counted_event_is_printed() {
        let now = Utc::now();
        let activity: Vec<ActivityEvent> = (0..40)
            .map(|i| ActivityEvent {
                uuid: format!("e{i}"),
                published: now - chrono::Duration::minutes(i),
                kind: ActivityKind::FailedSignIn,
                event_type: "user.session.start".into(),
                message: format!("User login to Okta, attempt number {i} with a long message"),
                result: Some("FAILURE".into()),
                reason: Some("INVALID_CREDENTIALS".into()),
                actor: None,
                ip: Some("198.51.100.7".into()),
                location: None,
            })
            .collect();
        let profile = UserProfile {
            user: User::sample("00u1", "dana@example.com", UserStatus::Active),
            factors: Vec::new(),
            password_policy: None,
            password_expires_at: None,
            password_warn_from: None,
            activity,
            unreadable: Vec::new(),
        };
        let d = diagnose(&profile, &GatePolicy::default(), false, now);
        let out = text(&profile, &d);
        assert!(out.contains("last 24 h (40 events)"));
        for i in 0..40 {
            assert!(
                out.contains(&format!("attempt number {i} with a long message")),
                "event {i} missing"
            );
        }
        assert!(out.contains(&format!("diagnosis         {}", d.text)));
    }

    #[test]
    fn idp_text_is_printed_inert() {
        let now = Utc::now();
        let mut user = User::sample("00u1", "dana@example.com", UserStatus::Active);
        user.display_name = Some("Dana \u{1b}]0;PWNED\u{7}".into());
        user.title = Some("line\nforged        ACTIVE".into());
        user.department = Some("\u{202e}sdrawkcab".into());
        let profile = UserProfile {
            user,
            factors: Vec::new(),
            password_policy: Some("\u{9b}2J".into()),
            password_expires_at: None,
            password_warn_from: None,
            activity: vec![ActivityEvent {
                uuid: "e1".into(),
                published: now,
                kind: ActivityKind::FailedSignIn,
                event_type: "user.session.start".into(),
                message: "\u{1b}]52;c;aGk=\u{7}".into(),
                result: Some("FAILURE".into()),
                reason: None,
                actor: None,
                ip: Some("\u{1b}[6n".into()),
                location: None,
            }],
            unreadable: Vec::new(),
        };
        let d = diagnose(&profile, &GatePolicy::default(), false, now);
        let out = text(&profile, &d);
        let hostile: Vec<char> = out
            .chars()
            .filter(|c| *c != '\n' && crate::tui::inert::is_hostile(*c))
            .collect();
        assert!(hostile.is_empty(), "{hostile:?} in\n{out}");
        assert!(out.contains("Dana \\u{1b}]0;PWNED\\u{7}"), "{out}");
        assert!(
            out.contains("line\\u{a}forged"),
            "a value cannot start a line: {out}"
        );
        assert!(out.contains("\\u{202e}sdrawkcab"), "{out}");
        assert!(out.contains("\\u{1b}]52;c;aGk=\\u{7}"), "{out}");
    }
}
