//! What the dashboard is told when it starts.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::MfaResetMode;
use crate::policy::BurstRules;
use crate::policy::gate::GatePolicy;
use crate::policy::schedule::ScheduleRules;
use crate::services::notice_desk::NoticeDesk;
use crate::sim::TrainingHandle;

/// Settings of one dashboard session.
#[derive(Debug, Clone)]
pub struct DashboardOptions {
    /// Shown in the title and status bars, e.g. the org URL's host.
    pub org_label: String,
    /// The IdP org acted on (its base URL), written into every audit record.
    pub org_url: Option<String>,
    /// Which identity provider, for the words on screen (push app, what a reset does).
    pub provider: crate::idp::Provider,
    /// Talking to the built-in simulator: the title says so loudly.
    pub simulator: bool,
    /// Use colours; `false` when `NO_COLOR` is set (then only bold/reverse/dim are used).
    pub color: bool,
    pub bursts: BurstRules,
    /// The poller's configured interval (shown until the poller reports its own health).
    pub poll_interval: Duration,
    /// How far before the start the feed begins (the poller's first look-back).
    pub lookback: Duration,
    /// What the verification gate asks before each action.
    pub gate: GatePolicy,
    /// How an MFA reset runs: every factor at once, or the agent picks.
    pub mfa_reset_mode: MfaResetMode,
    /// Supervisor role or `--read-only`: the title says so and action keys only explain why
    /// they are off.
    pub read_only: bool,
    /// Who the audit log names as the agent.
    pub agent_name: String,
    /// The data directory: the outbox, the expiry store (`demo`: its own directory inside).
    pub data_dir: PathBuf,
    /// Where actions are audited in team mode: the desk's trail (none: the log in the data
    /// directory).
    pub audit: Option<crate::audit::AuditLocation>,
    /// Only in `demo`: the in-process simulator's phones, for the training panel (F2).
    pub training: Option<TrainingHandle>,
    /// When reminders and digests go (the expiries screen shows their schedule).
    pub schedule: ScheduleRules,
    /// What composing and queueing notices needs (notices after actions, instructions).
    pub notices: NoticeDesk,
    /// The agent's own time zone: the expiries screen shows times in it next to the rules'
    /// zone (filled from the system at start; tests fix it).
    pub local_zone: chrono_tz::Tz,
    /// The ticketing system tickets are checked against (`[tickets]`), if any; the gate's
    /// `ticket_system` names the same one.
    pub tickets: Option<std::sync::Arc<crate::tickets::AnyTickets>>,
    /// `tickets.resolve_on_success`: resolve the ticket once its action is done.
    pub resolve_tickets: bool,
    /// Team mode: claim each user acted on, so colleagues see who is on the call; none for a
    /// single agent.
    pub claims: Option<ClaimSettings>,
    /// Team mode: the desk's database the claims are made in.
    pub team_db: Option<crate::team::TeamDb>,
}

/// How this dashboard claims the users it acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimSettings {
    /// The database role the desk knows this agent as (claims are made in its name).
    pub role: String,
    /// How long a claim lasts unless released (`[team] claim_timeout_minutes`).
    pub ttl: Duration,
}

impl DashboardOptions {
    /// Where actions are audited.
    pub fn audit_location(&self) -> crate::audit::AuditLocation {
        self.audit
            .clone()
            .unwrap_or_else(|| crate::audit::AuditLocation::local(&self.data_dir))
    }
}

impl Default for DashboardOptions {
    fn default() -> Self {
        Self {
            org_label: String::new(),
            org_url: None,
            provider: crate::idp::Provider::Okta,
            simulator: false,
            color: true,
            bursts: BurstRules::default(),
            poll_interval: Duration::from_secs(30),
            lookback: Duration::from_secs(60 * 60),
            gate: GatePolicy::default(),
            mfa_reset_mode: MfaResetMode::default(),
            read_only: false,
            agent_name: String::new(),
            data_dir: PathBuf::new(),
            audit: None,
            training: None,
            schedule: ScheduleRules::default(),
            notices: NoticeDesk::default(),
            local_zone: chrono_tz::UTC,
            tickets: None,
            resolve_tickets: false,
            claims: None,
            team_db: None,
        }
    }
}
