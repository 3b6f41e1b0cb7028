//! A short diagnosis of a user's problem: callers describe symptoms ("I can't get into Okta"),
//! the agent needs the cause and the fix.
//!
//! It is computed from the [`UserProfile`] on screen and nothing else, so it can never
//! contradict the status, password expiry, factors or activity shown beside it. Its suggested
//! fixes follow the verification policy (verify the caller first only where the action needs
//! possession evidence) and are empty in read-only mode, where no action key works.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeSet;

use crate::model::{
    ActionKind, ActivityEvent, ActivityKind, UserProfile, UserStatus, locks_new_devices_only,
};
use crate::policy::gate::GatePolicy;

/// What the agent can do about it, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fix {
    VerifyCaller,
    Unlock,
    ResetPassword,
    ResetMfa,
}

impl Fix {
    /// What the agent does, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Fix::VerifyCaller => "verify the caller",
            Fix::Unlock => "unlock",
            Fix::ResetPassword => "send a reset link",
            Fix::ResetMfa => "reset MFA",
        }
    }

    /// The action this fix runs, or `None` for the check of the caller.
    fn action(self) -> Option<ActionKind> {
        match self {
            Fix::VerifyCaller => None,
            Fix::Unlock => Some(ActionKind::Unlock),
            Fix::ResetPassword => Some(ActionKind::ResetPassword),
            Fix::ResetMfa => Some(ActionKind::ResetFactors),
        }
    }
}

/// The cause in a few sentences, and the fixes it suggests (none when the desk cannot fix it,
/// nothing needs fixing, or the session is read-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub text: String,
    pub fixes: Vec<Fix>,
}

/// A reset link younger than this is probably still valid (Okta's default lifetime is an
/// hour): the advice is to use it, not to send another.
pub const RESET_LINK_FRESH: Duration = Duration::minutes(60);
/// An unlock or MFA reset this recent is what the caller is calling about.
pub const RECENT_CHANGE: Duration = Duration::minutes(60);

/// Diagnose the user shown in `profile` at `now`, suggesting only what `policy` and
/// `read_only` allow.
pub fn diagnose(
    profile: &UserProfile,
    policy: &GatePolicy,
    read_only: bool,
    now: DateTime<Utc>,
) -> Diagnosis {
    let findings = Facts::new(profile, now).findings();
    let mut sentences: Vec<String> = findings.iter().map(|f| f.sentence.clone()).collect();
    let mut actions: Vec<Fix> = Vec::new();
    for fix in findings.iter().flat_map(|f| f.actions.iter().copied()) {
        if !actions.contains(&fix) {
            actions.push(fix);
        }
    }
    let fixes = if read_only {
        Vec::new()
    } else {
        plan(&actions, policy)
    };
    if read_only && !actions.is_empty() {
        sentences.push(format!(
            "Read-only here; an agent would {}.",
            steps(&plan(&actions, policy))
        ));
    } else if !fixes.is_empty() {
        sentences.push(capitalised(&format!("{}.", steps(&fixes))));
    }
    Diagnosis {
        text: sentences.join(" "),
        fixes,
    }
}

/// The actions in order, each preceded by a check of the caller where the policy asks for
/// possession evidence (once: the evidence serves the actions that follow).
fn plan(actions: &[Fix], policy: &GatePolicy) -> Vec<Fix> {
    let mut fixes = Vec::new();
    for fix in actions {
        let needs_possession = fix
            .action()
            .is_some_and(|kind| policy.requirement(kind).possession);
        if needs_possession && !fixes.contains(&Fix::VerifyCaller) {
            fixes.push(Fix::VerifyCaller);
        }
        fixes.push(*fix);
    }
    fixes
}

fn steps(fixes: &[Fix]) -> String {
    fixes
        .iter()
        .map(|f| f.describe())
        .collect::<Vec<_>>()
        .join(", then ")
}

/// The sentence with its first letter upper-cased.
pub(crate) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One thing found, and what would fix it.
struct Finding {
    sentence: String,
    actions: Vec<Fix>,
}

fn finding(sentence: String, actions: &[Fix]) -> Finding {
    Finding {
        sentence,
        actions: actions.to_vec(),
    }
}

/// The profile, read the way the rules need it.
struct Facts<'a> {
    profile: &'a UserProfile,
    /// Newest first.
    events: Vec<&'a ActivityEvent>,
    now: DateTime<Utc>,
}

impl<'a> Facts<'a> {
    fn new(profile: &'a UserProfile, now: DateTime<Utc>) -> Self {
        let mut events: Vec<&ActivityEvent> = profile.activity.iter().collect();
        events.sort_by_key(|e| std::cmp::Reverse(e.published));
        Self {
            profile,
            events,
            now,
        }
    }

    fn latest(&self, kinds: &[ActivityKind]) -> Option<&'a ActivityEvent> {
        self.events
            .iter()
            .copied()
            .find(|e| kinds.contains(&e.kind))
    }

    fn count(&self, kind: ActivityKind) -> usize {
        self.events.iter().filter(|e| e.kind == kind).count()
    }

    fn newer_than(&self, t: DateTime<Utc>, kind: ActivityKind) -> Vec<&'a ActivityEvent> {
        self.events
            .iter()
            .copied()
            .filter(|e| e.published > t && e.kind == kind)
            .collect()
    }

    fn ago(&self, t: DateTime<Utc>) -> String {
        let minutes = (self.now - t).num_minutes();
        match minutes {
            m if m < 0 => in_time(-m),
            0 => "under a minute ago".into(),
            m if m < 60 => format!("{m} min ago"),
            m if m < 48 * 60 => format!("{} h ago", m / 60),
            m => format!("{} days ago", m / (24 * 60)),
        }
    }

    /// " by alice@example.com", or "" when the log names nobody.
    fn by(e: &ActivityEvent) -> String {
        e.actor
            .as_deref()
            .map(|a| format!(" by {a}"))
            .unwrap_or_default()
    }

    fn policy_name(&self) -> String {
        self.profile
            .password_policy
            .as_deref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default()
    }

    /// The password's computed expiry, when it is already past.
    fn expired_at(&self) -> Option<DateTime<Utc>> {
        self.profile.password_expires_at.filter(|t| *t <= self.now)
    }

    /// A reset link sent and not used: a reset event with no password change after it.
    fn unused_reset_link(&self) -> Option<&'a ActivityEvent> {
        let link = self.latest(&[ActivityKind::PasswordReset])?;
        let changed_since = self
            .profile
            .user
            .password_changed
            .is_some_and(|t| t > link.published)
            || !self
                .newer_than(link.published, ActivityKind::PasswordChanged)
                .is_empty();
        (!changed_since).then_some(link)
    }

    /// The newest lock, when it is Identity Engine's lock of new devices only and no unlock
    /// came after it.
    fn new_devices_lock(&self) -> Option<&'a ActivityEvent> {
        let lock = self.latest(&[ActivityKind::Lockout])?;
        let unlocked = self
            .latest(&[ActivityKind::AdminUnlock, ActivityKind::AutoUnlock])
            .is_some_and(|u| u.published > lock.published);
        (locks_new_devices_only(&lock.message) && !unlocked).then_some(lock)
    }

    fn findings(&self) -> Vec<Finding> {
        let user = &self.profile.user;
        match &user.status {
            UserStatus::LockedOut => self.locked_out(),
            UserStatus::PasswordExpired => vec![self.password_expired_status()],
            UserStatus::Recovery => vec![self.recovery()],
            UserStatus::Suspended | UserStatus::Deprovisioned => vec![finding(
                format!(
                    "The account is {}: an administrator must reactivate it; the service desk cannot.",
                    user.status
                ),
                &[],
            )],
            UserStatus::Staged | UserStatus::Provisioned => vec![finding(
                "The account was never activated: the user must follow the activation e-mail."
                    .into(),
                &[],
            )],
            _ => self.active(),
        }
    }

    fn locked_out(&self) -> Vec<Finding> {
        let lock = self.latest(&[ActivityKind::Lockout]);
        let unlock = self.latest(&[ActivityKind::AdminUnlock, ActivityKind::AutoUnlock]);
        let lock_at = lock.map(|l| l.published);
        // Refused sign-ins after the lock are this lock's; those before belong to an earlier
        // one. Without a lock event in the window, every refusal is this lock's.
        let refused_since: Vec<&ActivityEvent> = self
            .events
            .iter()
            .copied()
            .filter(|e| e.kind == ActivityKind::SignInWhileLocked)
            .filter(|e| lock_at.is_none_or(|t| e.published >= t))
            .collect();
        let refused_before = match lock_at {
            Some(t) => self
                .events
                .iter()
                .filter(|e| e.kind == ActivityKind::SignInWhileLocked && e.published < t)
                .count(),
            None => 0,
        };
        // The failures that led to this lock: older than it, back to the sign-in, unlock or
        // lock before it.
        let failures: Vec<&ActivityEvent> = match lock_at {
            Some(t) => self
                .events
                .iter()
                .copied()
                .filter(|e| {
                    e.published < t || (e.published == t && e.kind != ActivityKind::Lockout)
                })
                .take_while(|e| {
                    !matches!(
                        e.kind,
                        ActivityKind::SignIn
                            | ActivityKind::AutoUnlock
                            | ActivityKind::AdminUnlock
                            | ActivityKind::Lockout
                    )
                })
                .filter(|e| e.kind == ActivityKind::FailedSignIn)
                .collect(),
            None => Vec::new(),
        };
        let mut text = match (lock, unlock) {
            (Some(l), Some(u)) if u.published > l.published => format!(
                "Locked out again after the unlock {}{}",
                self.ago(u.published),
                Self::by(u)
            ),
            (None, Some(u)) => format!(
                "Locked out again after the unlock {}{}",
                self.ago(u.published),
                Self::by(u)
            ),
            (Some(l), _) => format!("Locked out {}", self.ago(l.published)),
            (None, None) => "Locked out (before the last 24 h)".to_string(),
        };
        if !failures.is_empty() {
            text.push_str(&format!(
                " after {}",
                plural(failures.len(), "failed sign-in")
            ));
        }
        if let Some(latest) = refused_since.first() {
            text.push_str(&format!(
                "; {} refused since, the latest {}",
                plural(refused_since.len(), "sign-in"),
                self.ago(latest.published)
            ));
        }
        text.push('.');
        if refused_before > 0 {
            text.push_str(&format!(
                " The {} refused before this lock belonged to an earlier one.",
                plural(refused_before, "sign-in")
            ));
        }
        let mut actions = vec![Fix::Unlock];
        // Addresses the user really signed in from are theirs; failures from any other
        // address may be someone else guessing the password.
        let own: BTreeSet<&str> = self
            .events
            .iter()
            .filter(|e| matches!(e.kind, ActivityKind::SignIn | ActivityKind::MfaSuccess))
            .filter_map(|e| e.ip.as_deref())
            .collect();
        let strangers: BTreeSet<&str> = failures
            .iter()
            .filter_map(|e| e.ip.as_deref())
            .filter(|ip| !own.contains(ip))
            .collect();
        if !strangers.is_empty() && !own.is_empty() {
            let list: Vec<&str> = strangers.iter().copied().collect();
            text.push_str(&format!(
                " Failures came from {} the user has not signed in from today: possibly not the user; verify carefully and consider a password reset.",
                list.join(", ")
            ));
            actions.push(Fix::ResetPassword);
        }
        let mut findings = vec![finding(text, &actions)];
        if let Some(expired) = self.expired_at() {
            findings.push(finding(
                format!(
                    "The password also expired {}{}: after the unlock the user sets a new one at sign-in.",
                    self.ago(expired),
                    self.policy_name()
                ),
                &[],
            ));
        }
        findings
    }

    fn password_expired_status(&self) -> Finding {
        let how = match (
            self.latest(&[ActivityKind::PasswordExpired]),
            self.expired_at(),
        ) {
            (Some(e), _) => format!(
                "The password was expired{} {}",
                Self::by(e),
                self.ago(e.published)
            ),
            (None, Some(t)) => {
                format!("The password expired {}{}", self.ago(t), self.policy_name())
            }
            (None, None) => "The password has expired".to_string(),
        };
        finding(
            format!(
                "{how}: the user sets a new one at the next sign-in, which needs the current one (else a reset link)."
            ),
            &[Fix::ResetPassword],
        )
    }

    fn recovery(&self) -> Finding {
        match self.latest(&[ActivityKind::PasswordReset]) {
            Some(link) if self.now - link.published < RESET_LINK_FRESH => finding(
                format!(
                    "A reset link was sent {}{} and has not been used yet: ask the user to open that e-mail (and to check spam); another link would replace it.",
                    self.ago(link.published),
                    Self::by(link)
                ),
                &[],
            ),
            Some(link) => finding(
                format!(
                    "A reset link was sent {}{} and has not been used: it has probably expired; send a new one.",
                    self.ago(link.published),
                    Self::by(link)
                ),
                &[Fix::ResetPassword],
            ),
            None => finding(
                "A password reset is pending since before the last 24 h: its link has probably expired; send a new one."
                    .into(),
                &[Fix::ResetPassword],
            ),
        }
    }

    fn active(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        if let Some(lock) = self.new_devices_lock() {
            findings.push(finding(
                format!(
                    // Short: the user screen shows two lines of diagnosis.
                    "Locked out of new devices only, {}: the account is ACTIVE, so the user can still sign in from a device they used before. Unlock here is for LOCKED_OUT accounts only; an Okta admin can clear this lock in the Admin Console.",
                    self.ago(lock.published)
                ),
                &[],
            ));
        }
        let unlock = self.latest(&[ActivityKind::AdminUnlock, ActivityKind::AutoUnlock]);
        if let Some(u) = unlock.filter(|u| self.now - u.published < RECENT_CHANGE) {
            let who = match u.kind {
                ActivityKind::AutoUnlock => " automatically".to_string(),
                _ => Self::by(u),
            };
            let failures = self.newer_than(u.published, ActivityKind::FailedSignIn);
            let signed_in = !self
                .newer_than(u.published, ActivityKind::SignIn)
                .is_empty();
            findings.push(if !failures.is_empty() {
                finding(
                    format!(
                        "Unlocked {}{who}; {} since: if the password is forgotten, send a reset link.",
                        self.ago(u.published),
                        plural(failures.len(), "failed sign-in")
                    ),
                    &[Fix::ResetPassword],
                )
            } else if signed_in {
                finding(
                    format!(
                        "Unlocked {}{who}, and the user has signed in since.",
                        self.ago(u.published)
                    ),
                    &[],
                )
            } else {
                finding(
                    format!(
                        "Unlocked {}{who}: ask the caller to sign in again now.",
                        self.ago(u.published)
                    ),
                    &[],
                )
            });
        }
        if let Some(link) = self.unused_reset_link() {
            let fresh = self.now - link.published < RESET_LINK_FRESH;
            findings.push(finding(
                format!(
                    "A reset link was sent {}{} and the password has not been changed since{}",
                    self.ago(link.published),
                    Self::by(link),
                    if fresh {
                        ": ask the user to use that e-mail; another link would replace it."
                    } else {
                        ": the link has probably expired; send a new one if needed."
                    }
                ),
                if fresh { &[] } else { &[Fix::ResetPassword] },
            ));
        }
        let factors_reset = self
            .latest(&[ActivityKind::FactorsReset])
            .filter(|e| self.now - e.published < RECENT_CHANGE);
        if let Some(reset) = factors_reset {
            findings.push(finding(
                format!(
                    "MFA was reset {}{}: the user enrolls a new factor at the next sign-in.",
                    self.ago(reset.published),
                    Self::by(reset)
                ),
                &[],
            ));
        }
        if let Some(expired) = self.expired_at() {
            findings.push(finding(
                format!(
                    "The password expired {}{}: the user sets a new one at the next sign-in.",
                    self.ago(expired),
                    self.policy_name()
                ),
                &[Fix::ResetPassword],
            ));
        }
        let denied = self.count(ActivityKind::PushDenied);
        let mfa_failures = self.count(ActivityKind::MfaFailure);
        let failed = self.count(ActivityKind::FailedSignIn);
        if denied > 0 {
            findings.push(finding(
                format!(
                    "The user denied {} in the last 24 h: if they were not signing in, someone may know their password; reset it.",
                    plural(denied, "push")
                ),
                &[Fix::ResetPassword],
            ));
        } else if self.profile.factors.is_empty() && factors_reset.is_none() {
            findings.push(finding(
                "No MFA factor is enrolled: the user enrolls one at the next sign-in.".into(),
                &[],
            ));
        } else if mfa_failures >= 3 {
            findings.push(finding(
                format!(
                    "{} in the last 24 h: the user may have lost or replaced the device; verify, then reset that factor.",
                    capitalised(&plural(mfa_failures, "failed MFA attempt"))
                ),
                &[Fix::ResetMfa],
            ));
        } else if failed > 0 && unlock.is_none_or(|u| self.now - u.published >= RECENT_CHANGE) {
            let mut text = format!(
                "{} in the last 24 h",
                capitalised(&plural(failed, "failed sign-in"))
            );
            if let Some(u) = unlock {
                let how = match u.kind {
                    ActivityKind::AutoUnlock => " automatically".to_string(),
                    _ => Self::by(u),
                };
                text.push_str(&format!(
                    ", locked and unlocked{how} {}",
                    self.ago(u.published)
                ));
            }
            text.push_str(": if the password is forgotten, send a reset link.");
            findings.push(finding(text, &[Fix::ResetPassword]));
        }
        if findings.is_empty() {
            let soon = self
                .profile
                .password_warn_from
                .filter(|t| *t <= self.now)
                .and(self.profile.password_expires_at);
            findings.push(finding(
                match soon {
                    Some(t) => format!(
                        "Active, and nothing wrong in the last 24 h; the password expires {}{}: the user can change it now.",
                        self.ago(t),
                        self.policy_name()
                    ),
                    None => "Active, and nothing wrong in the last 24 h: ask the caller what they see and where."
                        .into(),
                },
                &[],
            ));
        }
        findings
    }
}

fn in_time(minutes: i64) -> String {
    match minutes {
        m if m < 60 => format!("in {m} min"),
        m if m < 48 * 60 => format!("in {} h", m / 60),
        m => format!("in {} days", m / (24 * 60)),
    }
}

/// "1 failed sign-in", "3 failed sign-ins", "2 pushes".
fn plural(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ if noun.ends_with('h') => format!("{n} {noun}es"),
        _ => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests;
