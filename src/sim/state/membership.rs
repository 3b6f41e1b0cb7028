//! Group membership changes: they move the group's `lastMembershipUpdated` (what a client
//! filters groups on to notice them), not the user's `lastUpdated`, as in Okta.

use chrono::{DateTime, Utc};

use super::State;
use crate::sim::SimError;
use crate::sim::org::ids::trunc_ms;

impl State {
    /// The group named `name` (case-insensitive) that memberships may change in.
    fn editable_group(&self, name: &str) -> Result<usize, SimError> {
        let g = self
            .org
            .groups
            .iter()
            .position(|g| g.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| SimError::UnknownGroup(name.to_string()))?;
        if self.org.groups[g].built_in {
            return Err(SimError::BuiltInGroup(self.org.groups[g].name.clone()));
        }
        Ok(g)
    }

    /// Adds the user to the group; already a member changes nothing.
    pub fn add_to_group(
        &mut self,
        user: usize,
        group: &str,
        now: DateTime<Utc>,
    ) -> Result<(), SimError> {
        let g = self.editable_group(group)?;
        let groups = &mut self.org.users[user].groups;
        if !groups.contains(&g) {
            groups.push(g);
            self.org.groups[g].last_membership_updated = trunc_ms(now);
        }
        Ok(())
    }

    /// Removes the user from the group; not a member changes nothing.
    pub fn remove_from_group(
        &mut self,
        user: usize,
        group: &str,
        now: DateTime<Utc>,
    ) -> Result<(), SimError> {
        let g = self.editable_group(group)?;
        let groups = &mut self.org.users[user].groups;
        if let Some(at) = groups.iter().position(|&x| x == g) {
            groups.remove(at);
            self.org.groups[g].last_membership_updated = trunc_ms(now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::org::Org;
    use chrono::Duration;

    #[test]
    fn membership_moves_the_groups_date_only_when_it_changes() {
        let now = Utc::now();
        let mut s = State::new(Org::generate(3, 60, now), 3);
        let user = (0..60)
            .find(|&i| !s.org.users[i].groups.contains(&1))
            .unwrap();
        let updated = s.org.users[user].last_updated;
        let later = now + Duration::minutes(3);
        s.add_to_group(user, "admins", later).unwrap();
        assert!(s.org.users[user].groups.contains(&1));
        assert_eq!(s.org.groups[1].last_membership_updated, trunc_ms(later));
        assert_eq!(s.org.users[user].last_updated, updated);
        s.add_to_group(user, "Admins", later + Duration::minutes(1))
            .unwrap();
        assert_eq!(s.org.groups[1].last_membership_updated, trunc_ms(later));
        let even_later = later + Duration::minutes(2);
        s.remove_from_group(user, "Admins", even_later).unwrap();
        assert!(!s.org.users[user].groups.contains(&1));
        assert_eq!(
            s.org.groups[1].last_membership_updated,
            trunc_ms(even_later)
        );
        assert_eq!(
            s.add_to_group(user, "Nope", now),
            Err(SimError::UnknownGroup("Nope".into()))
        );
        assert_eq!(
            s.remove_from_group(user, "everyone", now),
            Err(SimError::BuiltInGroup("Everyone".into()))
        );
    }
}
