//! The possession check of the headless commands: a push to the user's or their manager's
//! Okta Verify, or a one-time code the caller reads out. It says whose device answered, offers
//! what remains when the asked-for way is not possible, and says plainly when nothing is.

use chrono::Utc;
use clap::ValueEnum;
use secrecy::ExposeSecret;

use super::code_prompt::{self, Typed};
use super::factor_list;
use crate::idp::AnyDirectory;
use crate::idp::{Directory, IdpError};
use crate::model::{ChallengeResult, Factor, FactorKind, User, select_factors};
use crate::policy::gate::{PossessionEvidence, Refusal};
use crate::services::verification::{
    PushWait, await_push, code_evidence, push_evidence, push_factor,
};

/// Wrong codes allowed before code checks stop.
pub const MAX_WRONG_CODES: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyMode {
    /// A push to the user's own Okta Verify
    Push,
    /// A push to the user's manager's Okta Verify (the user lost the device)
    ManagerPush,
    /// A one-time code from the user's SMS, e-mail, call or authenticator factor, typed here
    /// (hidden) as the caller reads it out; needs a terminal
    Code,
    /// No possession check (only where the policy does not require one)
    None,
}

/// Why an attempt ended before the IdP acted.
#[derive(Debug, Clone)]
pub enum Stop {
    /// The gate, the user's state, read-only mode, no usable factor, an unknown login.
    Refused(Vec<String>),
    /// The IdP or the network failed.
    Failed(String),
}

impl Stop {
    pub fn refused(why: impl Into<String>) -> Self {
        Stop::Refused(vec![why.into()])
    }

    pub fn reasons(&self) -> Vec<String> {
        match self {
            Stop::Refused(reasons) => reasons.clone(),
            Stop::Failed(error) => vec![error.clone()],
        }
    }
}

impl Stop {
    /// The IdP failed: what went wrong and how to fix it, in the provider's own terms.
    pub fn idp(client: &AnyDirectory, e: &IdpError) -> Self {
        Stop::Failed(client.explain(e))
    }
}

/// What a check produced: every challenge's evidence (a wrong code, then a right one), and
/// why it stopped, if it did not end with an answer to judge.
pub struct Checked {
    pub evidence: Vec<PossessionEvidence>,
    pub stop: Option<Stop>,
}

impl Checked {
    fn stopped(stop: Stop) -> Self {
        Self {
            evidence: Vec::new(),
            stop: Some(stop),
        }
    }
}

/// Run the check `mode` asks for on `user` (whose `factors` are known already).
/// `code_factor` picks the code factor by id or type. `quiet` keeps progress off stderr
/// (`--json`); the prompt for a code is shown either way.
pub async fn check(
    client: &AnyDirectory,
    user: &User,
    factors: &[Factor],
    mode: VerifyMode,
    code_factor: Option<&str>,
    quiet: bool,
) -> Checked {
    match mode {
        VerifyMode::None => Checked {
            evidence: Vec::new(),
            stop: None,
        },
        VerifyMode::Push => match push_factor(factors) {
            Some(factor) => push(client, user, user, factor, quiet).await,
            None => Checked::stopped(
                no_way(
                    client,
                    user,
                    factors,
                    mode,
                    format!(
                        "{} has no active {} push factor",
                        user.login,
                        client.provider().push_app()
                    ),
                )
                .await,
            ),
        },
        VerifyMode::ManagerPush => {
            let manager = match manager(client, user).await {
                Ok(Some(m)) => m,
                Ok(None) => {
                    return Checked::stopped(
                        no_way(
                            client,
                            user,
                            factors,
                            mode,
                            Refusal::NoManagerOnRecord.to_string(),
                        )
                        .await,
                    );
                }
                Err(e) => return Checked::stopped(Stop::idp(client, &e)),
            };
            match push_factor(&manager.1) {
                Some(factor) => push(client, user, &manager.0, factor, quiet).await,
                None => Checked::stopped(
                    no_way(
                        client,
                        user,
                        factors,
                        mode,
                        format!(
                            "the manager {} has no active {} push factor",
                            manager.0.login,
                            client.provider().push_app()
                        ),
                    )
                    .await,
                ),
            }
        }
        VerifyMode::Code => code(client, user, factors, code_factor, quiet).await,
    }
}

/// The user's manager and their factors, if the directory names one.
async fn manager(
    client: &AnyDirectory,
    user: &User,
) -> Result<Option<(User, Vec<Factor>)>, IdpError> {
    let Some(id) = &user.manager_id else {
        return Ok(None);
    };
    let manager = client.get_user(id).await?;
    let factors = client.list_factors(&manager.id).await?;
    Ok(Some((manager, factors)))
}

/// "the user's" or "the MANAGER's": whose device a challenge went to, said every time.
fn owner(user: &User, approver: &User) -> &'static str {
    if approver.id == user.id {
        "the user's"
    } else {
        "the MANAGER's"
    }
}

fn answered(result: &ChallengeResult) -> &str {
    match result {
        ChallengeResult::Success => "APPROVED",
        ChallengeResult::Timeout => "not answered in time (TIMEOUT)",
        other => other.as_str(),
    }
}

async fn push(
    client: &AnyDirectory,
    user: &User,
    approver: &User,
    factor: &Factor,
    quiet: bool,
) -> Checked {
    let owner = owner(user, approver);
    let challenge = match client.send_push(&approver.id, &factor.id).await {
        Ok(c) => c,
        Err(e) => return Checked::stopped(Stop::idp(client, &e)),
    };
    if !quiet {
        eprintln!(
            "Push sent to {owner} {} ({}, {}); waiting for the answer…",
            client.provider().push_app(),
            approver.login,
            factor.device_name.as_deref().unwrap_or("device")
        );
        if let Some(n) = challenge.correct_answer {
            eprintln!("  number to pick on the device: {n}");
        }
    }
    let result = match await_push(client, &challenge, PushWait::default(), |_| {}).await {
        Ok(r) => r,
        Err(e) => return Checked::stopped(Stop::idp(client, &e)),
    };
    if !quiet {
        let device = format!("{owner} push ({})", approver.login);
        match result {
            ChallengeResult::Rejected => eprintln!(
                "  {device} was REJECTED. Possible social engineering: the real owner did not ask for this."
            ),
            ref other => eprintln!("  {device} was {}", answered(other)),
        }
    }
    Checked {
        evidence: vec![push_evidence(
            user,
            approver,
            &challenge,
            result,
            Utc::now(),
        )],
        stop: None,
    }
}

async fn code(
    client: &AnyDirectory,
    user: &User,
    factors: &[Factor],
    selector: Option<&str>,
    quiet: bool,
) -> Checked {
    let usable: Vec<Factor> = factors
        .iter()
        .filter(|f| f.can_verify_code())
        .cloned()
        .collect();
    let factor = match selector {
        None => usable.first(),
        Some(sel) => match select_factors(sel, &usable).as_slice() {
            [one] => Some(*one),
            [] => {
                return Checked::stopped(Stop::refused(format!(
                    "{} has no usable code factor matching {sel:?}; the ones that can take a code:\n{}",
                    user.login,
                    factor_list::listing(&usable)
                )));
            }
            several => {
                return Checked::stopped(Stop::refused(format!(
                    "--code-factor {sel:?} matches {} factors of {}; name one by id:\n{}",
                    several.len(),
                    user.login,
                    factor_list::table(several)
                )));
            }
        },
    };
    let Some(factor) = factor else {
        return Checked::stopped(
            no_way(
                client,
                user,
                factors,
                VerifyMode::Code,
                format!(
                    "{} has no active SMS, e-mail, call or authenticator factor to take a one-time code",
                    user.login
                ),
            )
            .await,
        );
    };
    // Nothing is sent to the user's phone unless someone is there to type the code.
    if !code_prompt::have_terminal() {
        return Checked::stopped(Stop::refused(
            "--verify code needs a terminal: the code the caller reads out is typed here, hidden, and this input is not a terminal; run the command interactively, or use --verify push / manager-push",
        ));
    }
    let sends = matches!(
        factor.kind,
        FactorKind::Sms | FactorKind::Email | FactorKind::Call
    );
    if sends {
        if let Err(e) = client.send_code(&user.id, &factor.id).await {
            return Checked::stopped(Stop::idp(client, &e));
        }
        eprintln!(
            "A one-time code was sent to the user's {}; ask the caller to read it out.",
            factor.describe()
        );
    } else {
        eprintln!(
            "Ask the caller to read out the code their {} app shows now.",
            source(factor)
        );
    }
    let mut evidence = Vec::new();
    let mut wrong = 0;
    while wrong < MAX_WRONG_CODES {
        let typed = tokio::task::spawn_blocking(|| {
            code_prompt::read_hidden("Code (typed hidden, Enter to check, Esc to cancel): ")
        })
        .await;
        let code = match typed {
            Ok(Ok(Typed::Code(code))) => code,
            Ok(Ok(Typed::Cancelled)) => {
                return Checked {
                    evidence,
                    stop: Some(Stop::refused("the agent cancelled the code check")),
                };
            }
            Ok(Err(e)) => {
                return Checked {
                    evidence,
                    stop: Some(Stop::Failed(format!(
                        "cannot read the code from the terminal: {e}"
                    ))),
                };
            }
            Err(e) => {
                return Checked {
                    evidence,
                    stop: Some(Stop::Failed(format!(
                        "cannot read the code from the terminal: {e}"
                    ))),
                };
            }
        };
        if code.secret().expose_secret().is_empty() {
            eprintln!("  no code typed; type the code the caller reads out, or Esc to cancel");
            continue;
        }
        let result = match client.check_code(&user.id, &factor.id, code.secret()).await {
            Ok(r) => r,
            Err(e) => {
                return Checked {
                    evidence,
                    stop: Some(Stop::idp(client, &e)),
                };
            }
        };
        drop(code);
        evidence.push(code_evidence(
            &user.id,
            &user.login,
            &factor.id,
            result.clone(),
            Utc::now(),
        ));
        if result == ChallengeResult::Success {
            if !quiet {
                eprintln!(
                    "  the user's code ({}, {}) was ACCEPTED",
                    user.login,
                    source(factor)
                );
            }
            return Checked {
                evidence,
                stop: None,
            };
        }
        wrong += 1;
        eprintln!(
            "  the user's code ({}, {}) was WRONG or expired ({wrong} of {MAX_WRONG_CODES})",
            user.login,
            source(factor)
        );
    }
    Checked {
        evidence,
        stop: Some(Stop::refused(format!(
            "{MAX_WRONG_CODES} wrong codes: code checks stop here; do not proceed without verifying the caller another way, or escalate"
        ))),
    }
}

/// Where the code comes from, as the caller knows it: "SMS •••-1337", "Google Authenticator".
fn source(factor: &Factor) -> String {
    match (factor.kind, factor.provider.to_ascii_uppercase().as_str()) {
        (FactorKind::Totp, "OKTA") => "Okta Verify".into(),
        (FactorKind::Totp, "GOOGLE") => "Google Authenticator".into(),
        (FactorKind::Totp, "") => "authenticator".into(),
        (FactorKind::Totp, provider) => format!("{provider} authenticator"),
        _ => factor.describe(),
    }
}

/// The asked-for way cannot work (`why`): name the ways that can, or say plainly that this
/// caller cannot be verified remotely, and what to do instead.
async fn no_way(
    client: &AnyDirectory,
    user: &User,
    factors: &[Factor],
    tried: VerifyMode,
    why: String,
) -> Stop {
    let app = client.provider().push_app();
    let mut ways = Vec::new();
    if tried != VerifyMode::Push && push_factor(factors).is_some() {
        ways.push(format!("--verify push (the user's own {app})"));
    }
    let mut manager_note = None;
    if tried != VerifyMode::ManagerPush {
        match manager(client, user).await {
            Ok(Some((m, mf))) if push_factor(&mf).is_some() => ways.push(format!(
                "--verify manager-push (their manager {} has {app})",
                m.login
            )),
            Ok(_) => {}
            Err(e) => manager_note = Some(format!("(their manager could not be checked: {e})")),
        }
    }
    let codes: Vec<String> = factors
        .iter()
        .filter(|f| f.can_verify_code())
        .map(Factor::describe)
        .collect();
    if tried != VerifyMode::Code && !codes.is_empty() {
        ways.push(format!("--verify code ({})", codes.join(", ")));
    }
    let mut reasons = vec![why];
    if ways.is_empty() && manager_note.is_none() {
        reasons.push(format!(
            "{} cannot be verified remotely: neither they nor their manager has an {app} push factor, and they have no SMS, e-mail, call or authenticator factor for a one-time code. Do not act on this call: escalate to a supervisor or the security team, or verify the user in person (photo ID) before any change",
            user.login
        ));
    } else {
        if !ways.is_empty() {
            reasons.push(format!("what can verify this caller: {}", ways.join("; ")));
        }
        reasons.extend(manager_note);
    }
    Stop::Refused(reasons)
}
