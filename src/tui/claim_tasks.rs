//! Team mode: the dashboard's claims on the desk, each a task that answers with a [`Msg`]
//! (never on the render path): following everyone's claims, taking one for a dialog, handing
//! it back with what was done.

use chrono::{DateTime, Utc};
use tokio::sync::mpsc::{self, Sender};

use super::msg::Msg;
use crate::team::TeamDb;
use crate::team::claims::{self, ClaimError};

/// Where this dashboard claims, and for how long.
#[derive(Clone)]
pub struct TeamClaims {
    pub db: TeamDb,
    pub ttl: std::time::Duration,
}

/// Every claim made since `since`, now and on every change; answers [`Msg::Claims`].
pub fn follow(team: &TeamClaims, since: DateTime<Utc>, results: Sender<Msg>) {
    let (tx, mut rx) = mpsc::channel(8);
    tokio::spawn(claims::follow(team.db.clone(), since, tx));
    tokio::spawn(async move {
        while let Some(claims) = rx.recv().await {
            if results.send(Msg::Claims(claims)).await.is_err() {
                return;
            }
        }
    });
}

/// Claim `key` for this agent; answers [`Msg::ClaimNotTaken`] only when that fails.
pub fn claim(team: &TeamClaims, key: String, user_id: String, results: Sender<Msg>) {
    let (db, ttl) = (team.db.clone(), team.ttl);
    tokio::spawn(async move {
        let (holder, error) = match claims::claim(&db, &key, Some(&user_id), ttl).await {
            Ok(_) => return,
            Err(ClaimError::HeldBy(holder)) => {
                let error = ClaimError::HeldBy(holder.clone()).to_string();
                (Some(holder), error)
            }
            Err(ClaimError::Database(e)) => {
                tracing::warn!(error = %e, "cannot claim on the desk");
                (None, e.to_string())
            }
        };
        let _ = results
            .send(Msg::ClaimNotTaken { key, holder, error })
            .await;
    });
}

/// Hand `key` back with what was done; a failure is logged (the claim then ends at its
/// timeout, and colleagues see it until then).
pub async fn release(team: &TeamClaims, key: &str, outcome: Option<&str>) {
    if let Err(e) = claims::release(&team.db, key, outcome).await {
        tracing::warn!(error = %e, "cannot release the claim on the desk");
    }
}
