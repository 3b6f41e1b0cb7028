//! `accessdesk instructions [QUERY] [--send LOGIN]`: the configured self-service instructions
//! (`[[instructions]]`), searched; with `--send`, the one that matches goes to the user's
//! e-mail through the outbox (which `watch` delivers).

use chrono::Utc;
use clap::Args;
use serde_json::json;
use std::process::ExitCode;

use crate::cli::exit::{Refused, UsageError};
use crate::cli::{GlobalArgs, directory, load_config, print_lines};
use crate::idp::{Directory, IdpError};
use crate::notify::{Instruction, Recipient, mask_address};
use crate::services::action_notices::enqueue_all;
use crate::services::notice_desk::NoticeDesk;

#[derive(Debug, Args)]
pub struct InstructionsArgs {
    /// Words that must all appear (in any case) in the id, system, problem, title or steps,
    /// e.g. `okta unlock`; none lists every instruction
    #[arg(value_name = "QUERY")]
    query: Vec<String>,
    /// Send the one instruction that matches to this user (login, e-mail or id), queued in
    /// the outbox for `accessdesk watch` to deliver
    #[arg(long, value_name = "LOGIN")]
    send: Option<String>,
    /// One JSON object per line (listing) or one for what was queued (--send)
    #[arg(long)]
    json: bool,
}

/// Where to start when none are configured.
const HOW_TO_CONFIGURE: &str = "add [[instructions]] entries to the config file (a commented \
                                example set is in assets/instructions.example.toml)";

pub async fn run(global: &GlobalArgs, args: InstructionsArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let _log = crate::cli::dashboard::start_logging(&config);
    let query = args.query.join(" ");
    let matching: Vec<&Instruction> = config
        .instructions
        .iter()
        .filter(|i| i.matches(&query))
        .collect();
    let Some(login) = &args.send else {
        if config.instructions.is_empty() {
            eprintln!("No instructions are configured: {HOW_TO_CONFIGURE}.");
        } else if matching.is_empty() && !args.json {
            eprintln!(
                "No instruction matches {query:?} ({} configured).",
                config.instructions.len()
            );
        }
        let lines = if args.json {
            matching
                .iter()
                .map(serde_json::to_string)
                .collect::<Result<Vec<_>, _>>()?
        } else {
            matching.iter().flat_map(|i| describe(i)).collect()
        };
        print_lines(&lines)?;
        return Ok(ExitCode::SUCCESS);
    };

    let instruction = the_one(&config.instructions, &matching, &query)?;
    let client = directory(&config)?;
    let user = match client.get_user(login).await {
        Ok(user) => user,
        Err(IdpError::Api { status: 404, .. }) => {
            return Err(Refused(format!(
                "no user {login:?} in the IdP: check the login, e-mail or id; nothing was queued"
            ))
            .into());
        }
        Err(e) => anyhow::bail!("{}", client.explain(&e)),
    };
    let Some(to) = Recipient::from_user(&user, false) else {
        return Err(Refused(format!(
            "{} has no e-mail address on record: nothing was queued",
            user.login
        ))
        .into());
    };
    let desk = NoticeDesk::from_config(&config);
    let composer = desk
        .composer()
        .map_err(|e| anyhow::anyhow!("notices cannot be composed: {e}"))?;
    let now = Utc::now();
    let notice = composer.instructions_notice(instruction, &to, now);
    let queued = enqueue_all(&desk, vec![notice], now).map_err(anyhow::Error::msg)?;
    let line = if args.json {
        json!({
            "queued": instruction.id, "title": instruction.title, "login": user.login,
            "to": to.addresses, "new": queued.iter().any(|q| !q.already),
        })
        .to_string()
    } else {
        let masked: Vec<String> = to.addresses.iter().map(|a| mask_address(a)).collect();
        format!(
            "Instructions {:?} ({}) queued to {} for {}; `accessdesk watch` delivers them.",
            instruction.title,
            instruction.id,
            masked.join(", "),
            user.login
        )
    };
    print_lines(&[line])?;
    Ok(ExitCode::SUCCESS)
}

/// `--send` needs exactly one instruction; otherwise say which ones the query found.
fn the_one<'a>(
    all: &[Instruction],
    matching: &[&'a Instruction],
    query: &str,
) -> anyhow::Result<&'a Instruction> {
    match matching {
        [one] => Ok(one),
        _ if all.is_empty() => Err(UsageError(format!(
            "--send: no instructions are configured: {HOW_TO_CONFIGURE}"
        ))
        .into()),
        [] => Err(UsageError(format!(
            "--send: no instruction matches {query:?}; the configured ones are: {}",
            ids(all.iter())
        ))
        .into()),
        many => Err(UsageError(format!(
            "--send needs exactly one instruction, and {query:?} matches {}: {}; add words \
             (or give the id) to pick one",
            many.len(),
            ids(many.iter().copied())
        ))
        .into()),
    }
}

fn ids<'a>(list: impl Iterator<Item = &'a Instruction>) -> String {
    list.map(|i| i.id.as_str()).collect::<Vec<_>>().join(", ")
}

/// "okta-unlock  Okta · unlock  Unlock your account yourself", then the numbered steps and
/// the knowledge-base link.
fn describe(i: &Instruction) -> Vec<String> {
    let mut lines = vec![format!(
        "{}  {} · {}  {}",
        i.id,
        i.system,
        i.problem.as_str(),
        i.title
    )];
    lines.extend(
        i.steps
            .iter()
            .enumerate()
            .map(|(n, step)| format!("    {}. {step}", n + 1)),
    );
    if let Some(kb) = &i.kb_url {
        lines.push(format!("    more: {kb}"));
    }
    lines
}
