//! The incremental refresh: the users changed since the last scan (`lastUpdated gt`), a
//! check that the policies (1 request) and the deciding groups' memberships (1 request) are
//! as they were, and a full rescan whenever they are not or the full-rescan interval passed.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, Utc};

use super::ScanSettings;
use super::compute::{contractor_row, password_row, sort_contractors, sort_passwords};
use super::managers::{self, Contact};
use super::membership::{deciding_group_ids, policy_for};
use super::pacer::Pacer;
use super::scan::full_scan_with;
use crate::idp::{Directory, IdpError, ScanEndpoint, ScannedUser, UserScanPage};
use crate::model::{ExpiryScan, ScanKind, ScanProgress, UserStatus};

/// How far before the last scan's start the change filter reaches: Okta's clock and ours may
/// disagree, and a change seen twice only recomputes the same row.
pub const SAFETY_MARGIN: Duration = Duration::minutes(5);

/// Bring `previous` up to date, incrementally when it can be trusted, else in full.
pub async fn refresh<D: Directory>(
    dir: &D,
    settings: &ScanSettings,
    previous: &ExpiryScan,
    progress: &mut dyn FnMut(ScanProgress),
) -> Result<ExpiryScan, IdpError> {
    refresh_with(dir, settings, previous, progress).await
}

/// [`refresh`] with any progress callback (a `Send` one makes the future `Send`).
pub async fn refresh_with<D, P>(
    dir: &D,
    settings: &ScanSettings,
    previous: &ExpiryScan,
    progress: &mut P,
) -> Result<ExpiryScan, IdpError>
where
    D: Directory,
    P: FnMut(ScanProgress) + ?Sized,
{
    let started = Utc::now();
    let expected = Some(previous.users_seen).filter(|n| *n > 0);
    let (Some(as_of), Some(full_at)) = (previous.as_of, previous.full_scan_at) else {
        return full_scan_with(dir, settings, expected, progress).await;
    };
    let interval = Duration::from_std(settings.full_rescan_interval).unwrap_or(Duration::MAX);
    if started - full_at >= interval {
        tracing::info!("expiry scan: the full-rescan interval has passed");
        return full_scan_with(dir, settings, expected, progress).await;
    }
    let since = as_of - SAFETY_MARGIN;
    let share = settings.rate_limit_share;
    let mut pacer = Pacer::new(
        dir,
        share,
        ScanKind::Incremental,
        started,
        None,
        &mut *progress,
    );
    let Some(changed) = changes_since(&mut pacer, dir, settings, previous, since).await? else {
        return full_scan_with(dir, settings, expected, progress).await;
    };
    let mut scan = apply(&mut pacer, dir, settings, previous, changed).await?;
    scan.as_of = Some(started);
    tracing::info!(
        changed = pacer.state.users_seen,
        requests = pacer.state.requests,
        "expiry refresh finished"
    );
    Ok(scan)
}

/// The changed users, or `None` when only a full rescan can be trusted.
async fn changes_since<D, P>(
    pacer: &mut Pacer<'_, D, P>,
    dir: &D,
    settings: &ScanSettings,
    previous: &ExpiryScan,
    since: chrono::DateTime<Utc>,
) -> Result<Option<Vec<ScannedUser>>, IdpError>
where
    D: Directory,
    P: FnMut(ScanProgress) + ?Sized,
{
    let policies = pacer
        .call(ScanEndpoint::Policies, || dir.password_policies())
        .await?;
    if policies != previous.policies {
        tracing::info!("expiry scan: the password policies changed; rescanning in full");
        return Ok(None);
    }
    let deciding = deciding_group_ids(&policies);
    let listed: Vec<&str> = previous
        .deciding_groups
        .iter()
        .map(|g| g.group_id.as_str())
        .collect();
    if deciding != listed {
        return Ok(None);
    }
    if !deciding.is_empty() {
        let moved = pacer
            .call(ScanEndpoint::Groups, || {
                dir.groups_with_membership_changed_since(since)
            })
            .await?;
        if moved.iter().any(|g| deciding.contains(g)) {
            tracing::info!(
                "expiry scan: a deciding group's membership changed; rescanning in full"
            );
            return Ok(None);
        }
    }
    let mut users = Vec::new();
    let mut page = UserScanPage::ChangedSince(since);
    loop {
        let got = pacer
            .call(ScanEndpoint::Users, || {
                dir.scan_users(&page, &settings.contract_end_attribute)
            })
            .await?;
        pacer.saw_users(got.items.len());
        users.extend(got.items);
        match got.next {
            Some(next) => page = UserScanPage::Next(next),
            None => break,
        }
    }
    Ok(Some(users))
}

/// `previous` with the changed users' rows recomputed (a user whose change removes their
/// expiry drops out) and managers brought up to date.
async fn apply<D, P>(
    pacer: &mut Pacer<'_, D, P>,
    dir: &D,
    settings: &ScanSettings,
    previous: &ExpiryScan,
    changed: Vec<ScannedUser>,
) -> Result<ExpiryScan, IdpError>
where
    D: Directory,
    P: FnMut(ScanProgress) + ?Sized,
{
    let ids: HashSet<&str> = changed.iter().map(|u| u.id.as_str()).collect();
    let mut passwords: Vec<_> = previous
        .passwords
        .iter()
        .filter(|r| !ids.contains(r.user_id.as_str()))
        .cloned()
        .collect();
    let mut contractors: Vec<_> = previous
        .contractors
        .iter()
        .filter(|r| !ids.contains(r.user_id.as_str()))
        .cloned()
        .collect();
    // What the changed users now say about themselves as managers (a deactivated one is no
    // longer on record).
    let mut contacts: HashMap<String, Option<Contact>> = HashMap::new();
    for user in &changed {
        let policy = policy_for(&user.id, &previous.deciding_groups, &previous.policies);
        passwords.extend(password_row(user, policy));
        contractors.extend(contractor_row(user, settings));
        let contact = (user.status != UserStatus::Deprovisioned).then(|| Contact::of(user));
        contacts.insert(user.id.clone(), contact);
    }
    // Managers of new rows not among the changed users: from what the last scan knew, else
    // asked for (a handful at most).
    let unknown: HashSet<String> = contractors
        .iter()
        .filter(|r| ids.contains(r.user_id.as_str()))
        .filter_map(|r| r.manager_id.clone())
        .filter(|m| !contacts.contains_key(m))
        .collect();
    let mut known = managers::resolve(&unknown, &previous.passwords, HashMap::new());
    for row in &previous.contractors {
        if let Some(id) = row.manager_id.as_ref().filter(|m| unknown.contains(*m))
            && let Some(contact) = Contact::of_contractor_row(row)
        {
            known.entry(id.clone()).or_insert(contact);
        }
    }
    for id in unknown {
        let contact = match known.remove(&id) {
            Some(contact) => Some(contact),
            None => lookup(pacer, dir, &id).await?,
        };
        contacts.insert(id, contact);
    }
    for row in &mut contractors {
        let Some(contact) = row.manager_id.as_ref().and_then(|m| contacts.get(m)) else {
            continue;
        };
        row.manager_login = contact.as_ref().map(|c| c.login.clone());
        row.manager_name = contact.as_ref().map(|c| c.name.clone());
        row.manager_email = contact.as_ref().map(|c| c.email.clone());
    }
    sort_passwords(&mut passwords);
    sort_contractors(&mut contractors);
    Ok(ExpiryScan {
        passwords,
        contractors,
        as_of: previous.as_of,
        full_scan_at: previous.full_scan_at,
        users_seen: previous.users_seen,
        policies: previous.policies.clone(),
        deciding_groups: previous.deciding_groups.clone(),
    })
}

/// One manager the last scan did not know, by id; `None` when the directory has no such
/// (active) user.
async fn lookup<D, P>(
    pacer: &mut Pacer<'_, D, P>,
    dir: &D,
    id: &str,
) -> Result<Option<Contact>, IdpError>
where
    D: Directory,
    P: FnMut(ScanProgress) + ?Sized,
{
    match pacer.call(ScanEndpoint::User, || dir.get_user(id)).await {
        Ok(user) if user.status != UserStatus::Deprovisioned => Ok(Some(Contact {
            email: user.email.clone().unwrap_or_else(|| user.login.clone()),
            name: user.name(),
            login: user.login,
        })),
        Ok(_) => Ok(None),
        Err(IdpError::Api { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
