//! The full scan: policies (1 request), the members of each deciding group (their pages),
//! then every user, 200 a page, each page turned into rows and dropped.

use chrono::Utc;

use super::ScanSettings;
use super::membership::deciding_group_ids;
use super::pacer::Pacer;
use super::rows::Rows;
use crate::idp::{Directory, IdpError, ScanEndpoint, UserScanPage};
use crate::model::{ExpiryScan, GroupMembers, ScanKind, ScanProgress};

/// Scan every user and compute the expiries.
pub async fn full_scan<D: Directory>(
    dir: &D,
    settings: &ScanSettings,
    progress: &mut dyn FnMut(ScanProgress),
) -> Result<ExpiryScan, IdpError> {
    full_scan_with(dir, settings, None, progress).await
}

/// [`full_scan`] with any progress callback (a `Send` one makes the future `Send`) and the
/// expected user count for the progress estimate.
pub async fn full_scan_with<D, P>(
    dir: &D,
    settings: &ScanSettings,
    users_expected: Option<u64>,
    progress: &mut P,
) -> Result<ExpiryScan, IdpError>
where
    D: Directory,
    P: FnMut(ScanProgress) + ?Sized,
{
    let started = Utc::now();
    let share = settings.rate_limit_share;
    let mut pacer = Pacer::new(
        dir,
        share,
        ScanKind::Full,
        started,
        users_expected,
        progress,
    );
    let policies = pacer
        .call(ScanEndpoint::Policies, || dir.password_policies())
        .await?;
    let mut groups = Vec::new();
    for group_id in deciding_group_ids(&policies) {
        groups.push(list_members(&mut pacer, dir, group_id).await?);
    }
    let mut rows = Rows::new(settings, &policies, &groups);
    let mut page = UserScanPage::AllUsers;
    loop {
        let users = pacer
            .call(ScanEndpoint::Users, || {
                dir.scan_users(&page, &settings.contract_end_attribute)
            })
            .await?;
        users.items.iter().for_each(|u| rows.add(u));
        pacer.saw_users(users.items.len());
        match users.next {
            Some(next) => page = UserScanPage::Next(next),
            None => break,
        }
    }
    let (passwords, contractors) = rows.finish();
    tracing::info!(
        users = pacer.state.users_seen,
        requests = pacer.state.requests,
        passwords = passwords.len(),
        contractors = contractors.len(),
        "expiry scan finished"
    );
    Ok(ExpiryScan {
        passwords,
        contractors,
        as_of: Some(started),
        full_scan_at: Some(started),
        users_seen: pacer.state.users_seen,
        policies,
        deciding_groups: groups,
    })
}

/// Every member id of one group, sorted.
async fn list_members<D, P>(
    pacer: &mut Pacer<'_, D, P>,
    dir: &D,
    group_id: String,
) -> Result<GroupMembers, IdpError>
where
    D: Directory,
    P: FnMut(ScanProgress) + ?Sized,
{
    let mut member_ids = Vec::new();
    let mut next = None;
    loop {
        let page = pacer
            .call(ScanEndpoint::GroupMembers, || {
                dir.group_member_ids(&group_id, next.as_ref())
            })
            .await?;
        member_ids.extend(page.items);
        match page.next {
            Some(cursor) => next = Some(cursor),
            None => break,
        }
    }
    member_ids.sort();
    member_ids.dedup();
    Ok(GroupMembers {
        group_id,
        member_ids,
    })
}
