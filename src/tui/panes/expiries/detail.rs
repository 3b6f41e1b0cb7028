//! The detail of the selected row (Enter): for a password, who, the status, how the expiry
//! is computed (passwordChanged + the policy's maxAgeDays), and every reminder of the cycle
//! in the rules' zone and the agent's, marked sent, next or past; for a contractor, the last
//! day, the manager (or why there is none) and every digest date.

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::passwords::stage_text;
use super::when;
use crate::model::{ContractorExpiryRow, ExpiryScan, PasswordExpiryRow, UserStatus};
use crate::policy::schedule::{
    DIGEST_STAGES, Due, PasswordHistory, next_digest, next_password_reminder, password_schedule,
    password_stages,
};
use crate::tui::app::App;
use crate::tui::expiries::schedule::{NO_HISTORY, cycle, digest_dates, max_age_days};
use crate::tui::expiries::summary::contract_days_left;
use crate::tui::format;
use crate::tui::theme::Theme;

const LABEL_WIDTH: usize = 12;
/// A schedule line's stage ("expired notice" and a space).
const STAGE_WIDTH: usize = 15;
/// A schedule line's time in both zones ("Mar 17 2027 10:00 PDT · 18:00 CEST"), so the marks
/// line up.
const TIME_WIDTH: usize = 34;

/// `text` after a label, wrapped to `width` with a hanging indent.
fn field(label: &str, text: &str, width: usize, style: Style, theme: &Theme) -> Vec<Line<'static>> {
    let room = width.saturating_sub(LABEL_WIDTH).max(10);
    format::wrap(text, room)
        .into_iter()
        .enumerate()
        .map(|(n, part)| {
            let label = if n == 0 { label } else { "" };
            Line::from(vec![
                Span::styled(format!("{label:<LABEL_WIDTH$}"), theme.label),
                Span::styled(part, style),
            ])
        })
        .collect()
}

/// How a scheduled item stands now.
fn mark(
    due: &Due,
    next: Option<&Due>,
    history: &PasswordHistory,
    now: DateTime<Utc>,
) -> &'static str {
    if history
        .sent
        .iter()
        .any(|s| s.kind == due.kind && s.stage == due.stage)
    {
        "sent"
    } else if next == Some(due) {
        "▸ next"
    } else if due.send_at < now {
        "past"
    } else {
        ""
    }
}

/// One schedule line: "  14 d      Nov 30 10:00 PST · 19:00 CET   past".
fn schedule_line(stage: &str, at: String, mark: &str, theme: &Theme) -> Line<'static> {
    let style = match mark {
        "▸ next" => theme.title,
        "" => Style::default(),
        _ => theme.dim,
    };
    Line::from(vec![
        Span::styled(format!("  {stage:<STAGE_WIDTH$}"), theme.label),
        Span::styled(format!("{at:<TIME_WIDTH$}  "), style),
        Span::styled(mark.to_string(), style),
    ])
}

pub fn password_lines(
    app: &App,
    scan: &ExpiryScan,
    row: &PasswordExpiryRow,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let now = app.now;
    let rules = &app.options.schedule;
    let local = app.options.local_zone;
    let utc = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let mut who = format!("{} · {}", row.name, row.login);
    if let Some(department) = &row.department {
        who.push_str(&format!(" · {department}"));
    }
    let mut lines = field("User", &who, width, Style::default(), theme);
    let status = if row.status == UserStatus::PasswordExpired {
        format!(
            "{} — the IdP says expired, whatever the date says",
            row.status
        )
    } else {
        row.status.to_string()
    };
    lines.extend(field(
        "Status",
        &status,
        width,
        theme.user_status(&row.status),
        theme,
    ));
    let computation = match (row.password_changed, row.expires_at, max_age_days(row)) {
        (Some(changed), Some(at), Some(days)) => format!(
            "passwordChanged {} + maxAgeDays {days} of policy \"{}\" = {} → {} ({})",
            utc(changed),
            row.policy_name,
            utc(at),
            when::both(now, at, rules.zone, local),
            when::relative(now, at)
        ),
        (_, Some(at), _) => format!(
            "{} under policy \"{}\" ({})",
            when::both(now, at, rules.zone, local),
            row.policy_name,
            when::relative(now, at)
        ),
        _ => format!(
            "no passwordChanged on record: no date can be computed (policy \"{}\")",
            row.policy_name
        ),
    };
    let style = if row.is_expired(now) {
        theme.repeat
    } else {
        Style::default()
    };
    lines.extend(field("Expiry", &computation, width, style, theme));
    let stages = password_stages(rules.password_first_days)
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    lines.extend(field(
        "Reminders",
        &format!(
            "{stages} days before, at {} {}{}; then one expired notice",
            rules.password_send_at.format("%H:%M"),
            rules.zone.name(),
            if rules.skip_weekends {
                " (never at the weekend: the Friday before)"
            } else {
                ""
            }
        ),
        width,
        Style::default(),
        theme,
    ));
    let cycle = cycle(row, scan, now, &NO_HISTORY);
    let schedule = password_schedule(&cycle, rules);
    let next = next_password_reminder(&cycle, rules, now);
    if schedule.is_empty() {
        lines.push(Line::styled(
            "  Nothing is scheduled: the cycle is resolved or has no date.",
            theme.dim,
        ));
    }
    for due in &schedule {
        let (stage, _) = stage_text(Some(due));
        lines.push(schedule_line(
            &stage,
            when::both(now, due.send_at, rules.zone, local),
            mark(due, next.as_ref(), &NO_HISTORY, now),
            theme,
        ));
    }
    lines.push(Line::styled(
        "  No send is on record yet: reminders go out with `accessdesk watch`.",
        theme.dim,
    ));
    lines
}

pub fn contractor_lines(
    app: &App,
    row: &ContractorExpiryRow,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let now = app.now;
    let rules = &app.options.schedule;
    let local = app.options.local_zone;
    let mut who = format!("{} · {}", row.name, row.login);
    if let Some(department) = &row.department {
        who.push_str(&format!(" · {department}"));
    }
    who.push_str(&format!(" · type {}", row.user_type));
    let mut lines = field("Contractor", &who, width, Style::default(), theme);
    lines.extend(field(
        "Status",
        row.status.as_str(),
        width,
        theme.user_status(&row.status),
        theme,
    ));
    let days = contract_days_left(row, now, rules.zone);
    lines.extend(field(
        "Last day",
        &format!(
            "{} ({}; calendar days in {})",
            when::date(now, row.ends_on),
            when::relative_days(days),
            rules.zone.name()
        ),
        width,
        if days < 0 {
            theme.repeat
        } else {
            Style::default()
        },
        theme,
    ));
    let manager = match (&row.manager_login, &row.manager_id) {
        (Some(login), _) => {
            let mut text = row
                .manager_name
                .as_ref()
                .map_or_else(|| login.clone(), |name| format!("{name} · {login}"));
            if let Some(email) = &row.manager_email {
                text.push_str(&format!(" · digests to {email}"));
            }
            field("Manager", &text, width, Style::default(), theme)
        }
        (None, Some(id)) => field(
            "Manager",
            &format!(
                "⚠ none on record: managerId {id} is not a user the scan saw — digests cannot be sent"
            ),
            width,
            theme.warn,
            theme,
        ),
        (None, None) => field(
            "Manager",
            "⚠ none on record: the profile has no managerId — digests cannot be sent",
            width,
            theme.warn,
            theme,
        ),
    };
    lines.extend(manager);
    let stages = DIGEST_STAGES.map(|s| s.to_string()).join(", ");
    lines.extend(field(
        "Digests",
        &format!(
            "{stages} days before the last day, at {} {}, one per manager and day",
            rules.digest_send_at.format("%H:%M"),
            rules.zone.name()
        ),
        width,
        Style::default(),
        theme,
    ));
    let next = next_digest(row, rules, now);
    for (days, at) in digest_dates(row, rules) {
        let mark = if !row.has_manager_on_record() {
            if at < now { "past" } else { "cannot be sent" }
        } else if next.as_ref().is_some_and(|d| d.send_at == at) {
            "▸ next"
        } else if at < now {
            "past"
        } else {
            ""
        };
        lines.push(schedule_line(
            &format!("{days} d"),
            when::both(now, at, rules.zone, local),
            mark,
            theme,
        ));
    }
    lines
}
