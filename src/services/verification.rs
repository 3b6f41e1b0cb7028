//! Possession checks: send a push to the user's (or their manager's) Okta Verify and wait for
//! the answer, turning it into evidence the gate can weigh.

use chrono::{DateTime, Utc};
use std::time::Duration;

use crate::idp::{Directory, IdpError, PushChallenge};
use crate::model::{ChallengeResult, Factor, User};
use crate::policy::gate::{EvidenceKind, PossessionEvidence};

/// How often to ask whether the push was answered, and when to stop waiting.
#[derive(Debug, Clone, Copy)]
pub struct PushWait {
    pub poll_every: Duration,
    /// Waiting ends here even if the IdP still says WAITING (it times pushes out itself too).
    pub give_up_after: Duration,
}

impl Default for PushWait {
    fn default() -> Self {
        Self {
            poll_every: Duration::from_secs(2),
            give_up_after: Duration::from_secs(120),
        }
    }
}

/// The device a push goes to: an active Okta Verify push factor of `owner`.
pub fn push_factor(factors: &[Factor]) -> Option<&Factor> {
    factors.iter().find(|f| f.can_push())
}

/// Poll a push until it is answered, refused, timed out or `wait` runs out (then it is
/// withdrawn and reported as TIMEOUT). `on_update` hears every state, for a live display.
pub async fn await_push<D: Directory>(
    directory: &D,
    challenge: &PushChallenge,
    wait: PushWait,
    mut on_update: impl FnMut(&ChallengeResult),
) -> Result<ChallengeResult, IdpError> {
    let deadline = tokio::time::Instant::now() + wait.give_up_after;
    loop {
        let result = directory.poll_push(challenge).await?;
        on_update(&result);
        if result.is_final() {
            return Ok(result);
        }
        if tokio::time::Instant::now() + wait.poll_every > deadline {
            // Best effort: an unanswered push left on a phone invites a late, careless tap.
            let _ = directory.cancel_push(challenge).await;
            on_update(&ChallengeResult::Timeout);
            return Ok(ChallengeResult::Timeout);
        }
        tokio::time::sleep(wait.poll_every).await;
    }
}

/// Evidence from a finished push: `target` is who it vouches for, `approver` whose device it was.
pub fn push_evidence(
    target: &User,
    approver: &User,
    challenge: &PushChallenge,
    result: ChallengeResult,
    at: DateTime<Utc>,
) -> PossessionEvidence {
    PossessionEvidence {
        kind: if approver.id == target.id {
            EvidenceKind::UserPush
        } else {
            EvidenceKind::ManagerPush
        },
        for_user_id: target.id.clone(),
        approver_id: approver.id.clone(),
        approver_login: approver.login.clone(),
        factor_id: challenge.factor_id.clone(),
        transaction_id: challenge.transaction_id.clone(),
        result,
        at,
    }
}

/// Evidence from a one-time code the caller read out from their own SMS, e-mail, call or
/// authenticator factor (`user_id`'s own: a manager cannot vouch by code).
pub fn code_evidence(
    user_id: &str,
    login: &str,
    factor_id: &str,
    result: ChallengeResult,
    at: DateTime<Utc>,
) -> PossessionEvidence {
    PossessionEvidence {
        kind: EvidenceKind::UserOtp,
        for_user_id: user_id.to_string(),
        approver_id: user_id.to_string(),
        approver_login: login.to_string(),
        factor_id: factor_id.to_string(),
        transaction_id: None,
        result,
        at,
    }
}
