//! Rows of the expiry store: writing an `ExpiryScan` into its tables and reading it back.
//! Times are RFC 3339 text (nanoseconds kept, so a round trip is exact), dates `YYYY-MM-DD`.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Row, Transaction, params};

use crate::model::{
    ContractorExpiryRow, ExpiryScan, GroupMembers, PasswordExpiryRow, PasswordPolicy, UserStatus,
};

/// A value that does not read back, named for the error message.
pub struct Unreadable(pub String);

impl From<rusqlite::Error> for Unreadable {
    fn from(e: rusqlite::Error) -> Self {
        Self(e.to_string())
    }
}

pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn parse_time(column: &str, text: Option<String>) -> Result<Option<DateTime<Utc>>, Unreadable> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|d| d.to_utc())
            .map_err(|_| Unreadable(format!("{column} {t:?}")))
    })
    .transpose()
}

pub fn write(tx: &Transaction, scan: &ExpiryScan) -> rusqlite::Result<()> {
    for table in [
        "scan",
        "password_expiry",
        "contractor_expiry",
        "password_policy",
        "group_member",
        "deciding_group",
    ] {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    tx.execute(
        "INSERT INTO scan (id, as_of, full_scan_at, users_seen) VALUES (1, ?1, ?2, ?3)",
        params![
            scan.as_of.map(time),
            scan.full_scan_at.map(time),
            i64::try_from(scan.users_seen).unwrap_or(i64::MAX)
        ],
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO password_expiry (user_id, login, name, status, department, email,
         policy_id, policy_name, password_changed, expires_at, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (i, r) in scan.passwords.iter().enumerate() {
        insert.execute(params![
            r.user_id,
            r.login,
            r.name,
            r.status.as_str(),
            r.department,
            r.email,
            r.policy_id,
            r.policy_name,
            r.password_changed.map(time),
            r.expires_at.map(time),
            i as i64
        ])?;
    }
    let mut insert = tx.prepare(
        "INSERT INTO contractor_expiry (user_id, login, name, status, department, user_type,
         ends_on, manager_id, manager_login, manager_name, manager_email, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (i, r) in scan.contractors.iter().enumerate() {
        insert.execute(params![
            r.user_id,
            r.login,
            r.name,
            r.status.as_str(),
            r.department,
            r.user_type,
            r.ends_on.format("%Y-%m-%d").to_string(),
            r.manager_id,
            r.manager_login,
            r.manager_name,
            r.manager_email,
            i as i64
        ])?;
    }
    let mut insert = tx.prepare(
        "INSERT INTO password_policy (id, name, priority, active, system, include_groups,
         exclude_groups, max_age_days, expire_warn_days, last_updated, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (i, p) in scan.policies.iter().enumerate() {
        insert.execute(params![
            p.id,
            p.name,
            p.priority,
            p.active,
            p.system,
            serde_json::to_string(&p.include_groups).unwrap_or_default(),
            serde_json::to_string(&p.exclude_groups).unwrap_or_default(),
            p.max_age_days,
            p.expire_warn_days,
            p.last_updated.map(time),
            i as i64
        ])?;
    }
    let mut group =
        tx.prepare("INSERT INTO deciding_group (group_id, position) VALUES (?1, ?2)")?;
    let mut member =
        tx.prepare("INSERT OR IGNORE INTO group_member (group_id, user_id) VALUES (?1, ?2)")?;
    for (i, g) in scan.deciding_groups.iter().enumerate() {
        group.execute(params![g.group_id, i as i64])?;
        for m in &g.member_ids {
            member.execute(params![g.group_id, m])?;
        }
    }
    Ok(())
}

/// The stored scan; `None` before the first save.
pub fn read(tx: &Transaction) -> Result<Option<ExpiryScan>, Unreadable> {
    let head = tx.query_row(
        "SELECT as_of, full_scan_at, users_seen FROM scan WHERE id = 1",
        [],
        |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    );
    let (as_of, full_scan_at, users_seen) = match head {
        Ok(head) => head,
        Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(Some(ExpiryScan {
        passwords: rows(
            tx,
            "SELECT user_id, login, name, status, department, email, policy_id, policy_name,
             password_changed, expires_at FROM password_expiry ORDER BY position",
            password,
        )?,
        contractors: rows(
            tx,
            "SELECT user_id, login, name, status, department, user_type, ends_on, manager_id,
             manager_login, manager_name, manager_email FROM contractor_expiry ORDER BY position",
            contractor,
        )?,
        as_of: parse_time("as_of", as_of)?,
        full_scan_at: parse_time("full_scan_at", full_scan_at)?,
        users_seen: u64::try_from(users_seen).unwrap_or(0),
        policies: rows(
            tx,
            "SELECT id, name, priority, active, system, include_groups, exclude_groups,
             max_age_days, expire_warn_days, last_updated FROM password_policy ORDER BY position",
            policy,
        )?,
        deciding_groups: groups(tx)?,
    }))
}

fn rows<T>(
    tx: &Transaction,
    sql: &str,
    decode: fn(&Row) -> Result<T, Unreadable>,
) -> Result<Vec<T>, Unreadable> {
    let mut stmt = tx.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode(row)?);
    }
    Ok(out)
}

fn password(r: &Row) -> Result<PasswordExpiryRow, Unreadable> {
    Ok(PasswordExpiryRow {
        user_id: r.get(0)?,
        login: r.get(1)?,
        name: r.get(2)?,
        status: UserStatus::parse(&r.get::<_, String>(3)?),
        department: r.get(4)?,
        email: r.get(5)?,
        policy_id: r.get(6)?,
        policy_name: r.get(7)?,
        password_changed: parse_time("password_changed", r.get(8)?)?,
        expires_at: parse_time("expires_at", r.get(9)?)?,
    })
}

fn contractor(r: &Row) -> Result<ContractorExpiryRow, Unreadable> {
    let ends_on: String = r.get(6)?;
    Ok(ContractorExpiryRow {
        user_id: r.get(0)?,
        login: r.get(1)?,
        name: r.get(2)?,
        status: UserStatus::parse(&r.get::<_, String>(3)?),
        department: r.get(4)?,
        user_type: r.get(5)?,
        ends_on: NaiveDate::parse_from_str(&ends_on, "%Y-%m-%d")
            .map_err(|_| Unreadable(format!("ends_on {ends_on:?}")))?,
        manager_id: r.get(7)?,
        manager_login: r.get(8)?,
        manager_name: r.get(9)?,
        manager_email: r.get(10)?,
    })
}

fn policy(r: &Row) -> Result<PasswordPolicy, Unreadable> {
    let ids = |i: usize| -> Result<Vec<String>, Unreadable> {
        let text: String = r.get(i)?;
        serde_json::from_str(&text).map_err(|_| Unreadable(format!("policy groups {text:?}")))
    };
    Ok(PasswordPolicy {
        id: r.get(0)?,
        name: r.get(1)?,
        priority: r.get(2)?,
        active: r.get(3)?,
        system: r.get(4)?,
        include_groups: ids(5)?,
        exclude_groups: ids(6)?,
        max_age_days: r.get(7)?,
        expire_warn_days: r.get(8)?,
        last_updated: parse_time("policy last_updated", r.get(9)?)?,
        unreadable: false,
    })
}

fn groups(tx: &Transaction) -> Result<Vec<GroupMembers>, Unreadable> {
    let mut groups: Vec<GroupMembers> = rows(
        tx,
        "SELECT group_id FROM deciding_group ORDER BY position",
        |r| {
            Ok(GroupMembers {
                group_id: r.get(0)?,
                member_ids: Vec::new(),
            })
        },
    )?;
    let mut stmt = tx.prepare("SELECT user_id FROM group_member WHERE group_id = ?1")?;
    for g in &mut groups {
        let mut members = stmt.query([&g.group_id])?;
        while let Some(row) = members.next()? {
            g.member_ids.push(row.get(0)?);
        }
        // Binary search needs Rust's order, whatever the table's.
        g.member_ids.sort();
    }
    Ok(groups)
}
