//! The seeded organisation: users in a management hierarchy, groups, factors
//! and password policies. Everything is drawn from one ChaCha8 stream seeded
//! with the configured seed, and every timestamp is an offset from `now`, so
//! the same seed and `now` give the same organisation byte for byte.

pub(crate) mod codes;
pub(crate) mod factor_profile;
pub(crate) mod factors;
pub(crate) mod groups;
pub(crate) mod ids;
pub(crate) mod names;
pub(crate) mod network;
pub(crate) mod policies;
#[cfg(test)]
mod policy_tests;
pub(crate) mod profile;
pub(crate) mod push;
pub(crate) mod user;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::UserStatus;
use factors::enroll;
use groups::Group;
use ids::{okta_id, trunc_ms};
use names::{
    CEO_TITLE, DEPARTMENTS, EXECUTIVE_DEPARTMENT, FIRST_NAMES, IT_DEPARTMENT, LAST_NAMES,
    login_part,
};
use network::{HOME_ISPS, HOMES, OFFICES, pick};
use policies::{PasswordPolicy, make_policies};
use profile::{Manager, Profile, Title, UserType};
use push::{PushHabit, assign_habits};
use user::{SimUser, Whereabouts};

pub(crate) struct Org {
    pub users: Vec<SimUser>,
    pub groups: Vec<Group>,
    pub policies: Vec<PasswordPolicy>,
    /// The default user type (`type.id`).
    pub type_id: String,
    /// The admin who owns the API token (`me`, and the actor of admin events).
    pub admin: usize,
    by_id: HashMap<String, usize>,
    by_login: HashMap<String, usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Ceo,
    Vp(usize),
    Manager(usize),
    Individual(usize),
}

// Group indexes; department groups follow at GROUP_DEPARTMENTS + department index.
const GROUP_EVERYONE: usize = 0;
const GROUP_ADMINS: usize = 1;
const GROUP_LEADERSHIP: usize = 2;
const GROUP_CONTRACTORS: usize = 3;
const GROUP_DEPARTMENTS: usize = 4;

impl Org {
    /// At least one user is created: the admin who owns the token.
    pub fn generate(seed: u64, users: usize, now: DateTime<Utc>) -> Org {
        let now = trunc_ms(now);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let founded = now - Duration::days(2190);
        let type_id = okta_id(&mut rng, "oty");
        let groups = make_groups(&mut rng, founded, now);
        let mut builder = Builder {
            rng,
            now,
            founded,
            users: Vec::new(),
            roles: Vec::new(),
            logins: HashMap::new(),
            managers: vec![Vec::new(); DEPARTMENTS.len()],
            reports: vec![0; DEPARTMENTS.len()],
            vps: vec![None; DEPARTMENTS.len()],
        };
        for i in 0..users.max(1) {
            builder.add_user(i);
        }
        let it = DEPARTMENTS
            .iter()
            .position(|d| d.name == IT_DEPARTMENT)
            .unwrap_or(0);
        let admin = builder.vps[it].unwrap_or(0);
        let policies = make_policies(&mut builder.rng, &groups, founded, now);
        let mut org = Org {
            users: builder.users,
            groups,
            policies,
            type_id,
            admin,
            by_id: HashMap::new(),
            by_login: HashMap::new(),
        };
        assign_habits(&mut org.users, seed);
        // The token owner must be able to act.
        let owner = &mut org.users[admin];
        owner.status = UserStatus::Active;
        if !owner.groups.contains(&GROUP_ADMINS) {
            owner.groups.push(GROUP_ADMINS);
        }
        org.fit_password_ages(now);
        for (i, u) in org.users.iter().enumerate() {
            org.by_id.insert(u.id.clone(), i);
            org.by_login.insert(u.login().to_lowercase(), i);
        }
        org
    }

    /// Okta accepts an id, a login, an unambiguous login short name, or `me`.
    /// A user by exact login (case-insensitive), without `find`'s id and prefix fallbacks.
    pub fn by_login(&self, login: &str) -> Option<usize> {
        self.by_login.get(&login.to_lowercase()).copied()
    }

    pub fn find(&self, key: &str) -> Option<usize> {
        if key == "me" {
            return Some(self.admin);
        }
        if let Some(&i) = self.by_id.get(key) {
            return Some(i);
        }
        let lower = key.to_lowercase();
        if let Some(&i) = self.by_login.get(&lower) {
            return Some(i);
        }
        let mut short = self.users.iter().enumerate().filter(|(_, u)| {
            u.login()
                .split('@')
                .next()
                .is_some_and(|s| s.eq_ignore_ascii_case(key))
        });
        match (short.next(), short.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    pub fn index_of_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The group with this id.
    pub fn group_index(&self, id: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.id == id)
    }

    /// The password policy Okta applies to the user: ACTIVE policies by priority with the
    /// system default last, the first whose included groups the user is in and whose excluded
    /// groups they are not (the rule `policy::password_expiry::applying_policy` implements).
    pub fn policy_for(&self, user: usize) -> Option<&PasswordPolicy> {
        let groups: Vec<&str> = self.users[user]
            .groups
            .iter()
            .map(|&g| self.groups[g].id.as_str())
            .collect();
        self.policies
            .iter()
            .filter(|p| p.covers(&groups))
            .min_by_key(|p| (p.system, p.priority))
    }

    /// Seeded password dates follow the policy that applies: changed within its maximum age
    /// plus a few days of stragglers, so a realistic share is about to expire rather than a
    /// quarter of the org being long overdue. Folding keeps the random stream untouched.
    fn fit_password_ages(&mut self, now: DateTime<Utc>) {
        const STRAGGLERS_DAYS: i64 = 5;
        for i in 0..self.users.len() {
            let Some(max_age) = self.policy_for(i).map(|p| i64::from(p.max_age_days)) else {
                continue;
            };
            let u = &mut self.users[i];
            let (Some(changed), true) = (u.password_changed, max_age > 0) else {
                continue;
            };
            if u.status == UserStatus::PasswordExpired {
                continue;
            }
            let window = Duration::days(max_age + STRAGGLERS_DAYS).num_seconds();
            let age = (now - changed).num_seconds();
            if age <= window {
                continue;
            }
            let folded = now - Duration::seconds(3600 + (age - 3600) % (window - 3600));
            u.password_changed = Some(folded);
            u.last_updated = u.last_updated.max(folded);
        }
    }
}

struct Builder {
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
    founded: DateTime<Utc>,
    users: Vec<SimUser>,
    roles: Vec<Role>,
    logins: HashMap<String, u32>,
    managers: Vec<Vec<usize>>,
    reports: Vec<usize>,
    vps: Vec<Option<usize>>,
}

impl Builder {
    fn role(&mut self, i: usize) -> Role {
        if i == 0 {
            return Role::Ceo;
        }
        if i <= DEPARTMENTS.len() {
            return Role::Vp(i - 1);
        }
        let weights = WeightedIndex::new(DEPARTMENTS.iter().map(|d| d.weight)).expect("weights");
        let d = weights.sample(&mut self.rng);
        // Roughly one manager per seven reports.
        if self.managers[d].is_empty() || self.reports[d] >= 7 * self.managers[d].len() {
            Role::Manager(d)
        } else {
            Role::Individual(d)
        }
    }

    fn manager_of(&mut self, role: Role) -> Option<usize> {
        match role {
            Role::Ceo => None,
            Role::Vp(_) => Some(0),
            Role::Manager(d) => Some(self.vps[d].unwrap_or(0)),
            Role::Individual(d) => {
                self.reports[d] += 1;
                let pool = &self.managers[d];
                Some(pool[self.rng.random_range(0..pool.len())])
            }
        }
    }

    fn login_for(&mut self, first: &str, last: &str) -> String {
        let stem = format!("{}.{}", login_part(first), login_part(last));
        let n = self.logins.entry(stem.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            format!("{stem}@example.com")
        } else {
            format!("{stem}{n}@example.com")
        }
    }

    fn add_user(&mut self, i: usize) {
        let role = self.role(i);
        let manager = self.manager_of(role);
        let rng = &mut self.rng;
        let now = self.now;
        let first = *pick(rng, FIRST_NAMES);
        let last = *pick(rng, LAST_NAMES);
        let id = okta_id(rng, "00u");
        let (department, title, user_type) = match role {
            Role::Ceo => (
                EXECUTIVE_DEPARTMENT,
                Title::Fixed(CEO_TITLE),
                UserType::Employee,
            ),
            Role::Vp(d) => (
                DEPARTMENTS[d].name,
                Title::Fixed(DEPARTMENTS[d].vp_title),
                UserType::Employee,
            ),
            Role::Manager(d) => (
                DEPARTMENTS[d].name,
                Title::Fixed(DEPARTMENTS[d].manager_title),
                UserType::Employee,
            ),
            Role::Individual(d) => {
                let dept = &DEPARTMENTS[d];
                // Leaders are employees, so ICs carry the whole 20 % contractor / 5 % intern share.
                let roll = rng.random_range(0..100);
                if roll < 6 {
                    (dept.name, Title::Intern(dept.name), UserType::Intern)
                } else if roll < 29 {
                    let title = Title::Fixed(pick::<&str>(rng, dept.titles));
                    (dept.name, title, UserType::Contractor)
                } else {
                    let title = Title::Fixed(pick::<&str>(rng, dept.titles));
                    (dept.name, title, UserType::Employee)
                }
            }
        };
        let leader = !matches!(role, Role::Individual(_));
        let created = match (role, user_type) {
            (Role::Ceo, _) => self.founded,
            (_, UserType::Intern) => now - Duration::days(rng.random_range(10..90)),
            (_, UserType::Contractor) => now - Duration::days(rng.random_range(20..400)),
            _ => now - Duration::days(rng.random_range(30..2100)),
        } - Duration::seconds(rng.random_range(0..86_400));
        let activated = created + Duration::seconds(rng.random_range(5..900));
        let status = if leader {
            UserStatus::Active
        } else {
            pick_status(rng)
        };
        let ago = |rng: &mut ChaCha8Rng, min_s: i64, max_s: i64| {
            (now - Duration::seconds(rng.random_range(min_s..max_s))).max(activated)
        };
        const HOUR: i64 = 3600;
        const DAY: i64 = 86_400;
        let password_changed = match status {
            UserStatus::Provisioned => None,
            // Past the default 90-day maximum age, which is what expired them.
            UserStatus::PasswordExpired => Some(ago(rng, 91 * DAY, 120 * DAY)),
            _ => Some(ago(rng, HOUR, 120 * DAY)),
        };
        let status_changed = match status {
            UserStatus::LockedOut => ago(rng, 3 * HOUR, 72 * HOUR),
            UserStatus::PasswordExpired => ago(rng, DAY, 10 * DAY),
            UserStatus::Suspended => ago(rng, DAY, 60 * DAY),
            UserStatus::Deprovisioned => ago(rng, DAY, 200 * DAY),
            UserStatus::Recovery => ago(rng, HOUR, 3 * DAY),
            UserStatus::Active if rng.random_bool(0.3) => ago(rng, DAY, 300 * DAY),
            _ => activated,
        };
        let last_login = match status {
            UserStatus::Provisioned => None,
            UserStatus::Active => Some(ago(rng, 60, 14 * DAY)),
            _ => Some(
                (status_changed - Duration::seconds(rng.random_range(60..2 * DAY))).max(activated),
            ),
        };
        let last_updated = [Some(activated), Some(status_changed), password_changed]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(activated);

        let remote = rng.random_bool(0.15);
        let office = rng.random_range(0..OFFICES.len());
        let home_group = if remote { HOMES.len() - 1 } else { office };
        let iphone = rng.random_bool(0.6);
        let whereabouts = Whereabouts {
            office,
            remote,
            home_group,
            home: rng.random_range(0..HOMES[home_group].len()),
            home_ip: network::home_ip(rng),
            home_isp: rng.random_range(0..HOME_ISPS.len()),
            office_ip: network::office_ip(office, rng),
            desktop_agent: rng.random_range(0..network::DESKTOP_AGENTS.len()),
            mobile_agent: if iphone { 0 } else { 1 },
        };
        let home = &HOMES[home_group][whereabouts.home];
        // 555-0100..0199 numbers are reserved for fiction.
        let phone_line = rng.random_range(100..200i32) as u8;

        let login = self.login_for(first, last);
        let rng = &mut self.rng;
        let contract_end = (user_type == UserType::Contractor)
            .then(|| (now + Duration::days(rng.random_range(1..=120))).date_naive());
        let profile = Profile {
            login: login.into_boxed_str(),
            first_name: first,
            last_name: last,
            title,
            department,
            user_type,
            employee_number: (user_type == UserType::Employee).then_some(10_000 + i as u32),
            contract_end,
            manager: manager.map(|m| Manager {
                id: self.users[m].id.clone().into_boxed_str(),
                first_name: self.users[m].profile.first_name,
                last_name: self.users[m].profile.last_name,
            }),
            // Every fifth user keeps a private mailbox too (no draw: seeds stay as they were).
            second_email: i % 5 == 4,
            area_code: area_code(home_group),
            phone_line,
            home,
        };
        let factors = if status == UserStatus::Provisioned {
            Vec::new()
        } else {
            enroll(rng, iphone, activated, now)
        };

        let mut groups = vec![GROUP_EVERYONE];
        match role {
            Role::Ceo | Role::Vp(_) => groups.push(GROUP_LEADERSHIP),
            _ => {}
        }
        if let Role::Vp(d) | Role::Manager(d) | Role::Individual(d) = role {
            groups.push(GROUP_DEPARTMENTS + d);
            let it_leader = DEPARTMENTS[d].name == IT_DEPARTMENT && leader;
            let it_admin = DEPARTMENTS[d].name == IT_DEPARTMENT
                && user_type == UserType::Employee
                && rng.random_bool(0.3);
            if it_leader || it_admin {
                groups.push(GROUP_ADMINS);
            }
        }
        if user_type == UserType::Contractor {
            groups.push(GROUP_CONTRACTORS);
        }

        match role {
            Role::Vp(d) => self.vps[d] = Some(i),
            Role::Manager(d) => self.managers[d].push(i),
            _ => {}
        }
        self.roles.push(role);
        self.users.push(SimUser {
            id,
            status,
            created,
            activated: Some(activated),
            status_changed: Some(status_changed),
            last_login,
            last_updated,
            password_changed,
            profile,
            groups,
            factors,
            whereabouts,
            push: PushHabit::default(),
        });
    }
}

fn pick_status(rng: &mut ChaCha8Rng) -> UserStatus {
    let table = [
        (UserStatus::Active, 880),
        (UserStatus::LockedOut, 20),
        (UserStatus::PasswordExpired, 30),
        (UserStatus::Suspended, 20),
        (UserStatus::Deprovisioned, 30),
        (UserStatus::Provisioned, 10),
        (UserStatus::Recovery, 10),
    ];
    let weights = WeightedIndex::new(table.iter().map(|(_, w)| *w)).expect("weights");
    table[weights.sample(rng)].0.clone()
}

fn area_code(home_group: usize) -> u16 {
    [415, 212, 512, 312, 303][home_group.min(4)]
}

fn make_groups(rng: &mut ChaCha8Rng, founded: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Group> {
    let mut group = |name: &str, description: &str, built_in: bool| {
        let created = if built_in {
            founded
        } else {
            founded + Duration::days(rng.random_range(1..400))
        };
        Group {
            id: okta_id(rng, "00g"),
            name: name.to_string(),
            description: description.to_string(),
            built_in,
            created,
            last_updated: created + Duration::days(rng.random_range(0..30)),
            last_membership_updated: now - Duration::seconds(rng.random_range(60..30 * 86_400)),
        }
    };
    let mut groups = vec![
        group("Everyone", "All users in your organization", true),
        group(
            "Admins",
            "Okta administrators (stricter password policy)",
            false,
        ),
        group("Leadership", "Executive team", false),
        group("Contractors", "Contingent workers with an end date", false),
    ];
    for d in DEPARTMENTS {
        groups.push(group(d.name, &format!("Everyone in {}", d.name), false));
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::org::user::Links;
    use chrono::NaiveDate;
    use serde_json::Value;
    use std::collections::HashSet;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-10T12:00:00.000Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn render(org: &Org) -> Vec<Value> {
        org.users
            .iter()
            .map(|u| {
                let mut j = u.to_json("http://x", &org.type_id, Links::Lifecycle);
                j["factors"] = u.factors.iter().map(|f| f.to_json("http://x", u)).collect();
                j
            })
            .collect()
    }

    #[test]
    fn same_seed_same_org_different_seed_different_org() {
        let a = Org::generate(42, 300, now());
        let b = Org::generate(42, 300, now());
        let c = Org::generate(43, 300, now());
        assert_eq!(render(&a), render(&b));
        assert_ne!(render(&a), render(&c));
        // Timestamps move with `now` but nothing else does.
        let later = Org::generate(42, 300, now() + Duration::days(3));
        let logins = |o: &Org| {
            o.users
                .iter()
                .map(|u| u.login().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(logins(&a), logins(&later));
        assert_eq!(
            a.users[7].created + Duration::days(3),
            later.users[7].created
        );
    }

    #[test]
    fn logins_are_unique_and_shaped_like_emails() {
        let org = Org::generate(42, 500, now());
        assert_eq!(org.users.len(), 500);
        let logins: HashSet<&str> = org.users.iter().map(SimUser::login).collect();
        assert_eq!(logins.len(), 500);
        for u in &org.users {
            let login = u.login();
            assert!(
                login.ends_with("@example.com") && login.contains('.'),
                "{login}"
            );
            assert!(u.id.starts_with("00u") && u.id.len() == 20);
            assert_eq!(org.find(login), org.find(&u.id));
            assert_eq!(org.find(&login.to_uppercase()), org.index_of_id(&u.id));
        }
    }

    #[test]
    fn hierarchy_has_a_ceo_vps_managers_and_reports() {
        let org = Org::generate(42, 500, now());
        let ceo = &org.users[0];
        assert_eq!(ceo.profile_str("title"), CEO_TITLE);
        assert!(ceo.profile.get("managerId").is_none());
        for u in &org.users[1..] {
            let m = org
                .index_of_id(&u.profile_str("managerId"))
                .expect("manager exists");
            assert_eq!(u.profile_str("manager"), org.users[m].display_name());
        }
        let managers: HashSet<String> = org
            .users
            .iter()
            .map(|u| u.profile_str("managerId").into_owned())
            .collect();
        assert!(managers.len() > 40, "{} managers", managers.len());
    }

    #[test]
    fn user_types_statuses_and_dates_are_realistic() {
        let org = Org::generate(42, 2000, now());
        let share = |t: &str| {
            org.users
                .iter()
                .filter(|u| u.profile_str("userType") == t)
                .count() as f64
                / 2000.0
        };
        assert!(
            (0.70..0.80).contains(&share("employee")),
            "{}",
            share("employee")
        );
        assert!(
            (0.16..0.24).contains(&share("contractor")),
            "{}",
            share("contractor")
        );
        assert!(
            (0.03..0.08).contains(&share("intern")),
            "{}",
            share("intern")
        );
        let today = now().date_naive();
        for u in &org.users {
            let end = u.profile.get("contractEndDate");
            assert_eq!(end.is_some(), u.profile_str("userType") == "contractor");
            if let Some(end) = end {
                let d = NaiveDate::parse_from_str(&end, "%Y-%m-%d").unwrap();
                assert!(d > today && d <= today + Duration::days(120));
            }
            if let Some(p) = u.password_changed {
                assert!(p <= now() && p >= now() - Duration::days(120));
            }
            assert!(u.created <= u.last_updated && u.last_updated <= now());
        }
        for status in [
            UserStatus::Active,
            UserStatus::LockedOut,
            UserStatus::PasswordExpired,
            UserStatus::Suspended,
        ] {
            assert!(org.users.iter().any(|u| u.status == status), "{status}");
        }
        let active = org
            .users
            .iter()
            .filter(|u| u.status == UserStatus::Active)
            .count();
        assert!(active > 1600);
    }

    #[test]
    fn groups_and_policies() {
        let org = Org::generate(42, 500, now());
        let admin = &org.users[org.admin];
        assert_eq!(admin.status, UserStatus::Active);
        assert_eq!(org.policy_for(org.admin).unwrap().max_age_days, 60);
        let plain = |u: &SimUser| {
            [GROUP_ADMINS, GROUP_CONTRACTORS, GROUP_LEADERSHIP]
                .iter()
                .all(|g| !u.groups.contains(g))
        };
        let ic = org.users.iter().position(plain).unwrap();
        let policy = org.policy_for(ic).unwrap();
        assert!(policy.system && policy.max_age_days == 90 && policy.priority == 4);
        let contractor = org
            .users
            .iter()
            .position(|u| u.groups.contains(&GROUP_CONTRACTORS))
            .unwrap();
        assert_eq!(org.policy_for(contractor).unwrap().name, "Contractors");
        assert_eq!(org.policy_for(0).unwrap().name, "Leadership", "the CEO");
        assert!(org.users.iter().all(|u| u.groups.contains(&GROUP_EVERYONE)));
        let admins = org
            .users
            .iter()
            .filter(|u| u.groups.contains(&GROUP_ADMINS))
            .count();
        assert!((2..40).contains(&admins), "{admins}");
        assert!(org.users.iter().any(|u| u.factors.is_empty()));
    }

    #[test]
    fn tiny_orgs_work() {
        let org = Org::generate(1, 0, now());
        assert_eq!(org.users.len(), 1);
        assert_eq!(org.admin, 0);
        let org = Org::generate(1, 3, now());
        assert_eq!(org.users.len(), 3);
        assert_eq!(org.find("me"), Some(org.admin));
    }
}
