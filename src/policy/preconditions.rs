//! Whether an action makes sense for the user as they are now. A wrong-state action is
//! explained to the agent, never attempted.

use crate::model::{Action, Factor, User, UserStatus};

/// `Err` says, in a sentence, why the action does not apply.
pub fn check(action: &Action, user: &User, factors: &[Factor]) -> Result<(), String> {
    let status = &user.status;
    let gone = matches!(status, UserStatus::Deprovisioned | UserStatus::Suspended);
    match action {
        // An Identity Engine lock of new devices only leaves the user ACTIVE; Okta's unlock
        // would clear it, but accessdesk unlocks only LOCKED_OUT accounts, so say what works.
        // One status line: the detail and the diagnosis say the rest.
        Action::Unlock if *status == UserStatus::Active => Err(format!(
            "{} is ACTIVE, not locked out: nothing to unlock; if only new devices are locked, known devices still sign in",
            user.login
        )),
        Action::Unlock if *status != UserStatus::LockedOut => Err(format!(
            "{} is {status}, not locked out: there is nothing to unlock",
            user.login
        )),
        _ if gone => Err(format!(
            "{} is {status}: reactivate the account first (an administrator's task)",
            user.login
        )),
        Action::ResetAllFactors if factors.is_empty() => {
            Err(format!("{} has no enrolled factors to reset", user.login))
        }
        Action::ResetFactors { factor_ids } => {
            if factor_ids.is_empty() {
                return Err("choose at least one factor to reset".to_string());
            }
            match factor_ids
                .iter()
                .find(|id| !factors.iter().any(|f| &f.id == *id))
            {
                Some(unknown) => Err(format!("{} has no factor {unknown}", user.login)),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FactorKind;

    fn user(status: UserStatus) -> User {
        User::sample("00u1", "dana@example.com", status)
    }

    fn factor(id: &str) -> Factor {
        Factor {
            id: id.into(),
            kind: FactorKind::Sms,
            factor_type: "sms".into(),
            provider: "OKTA".into(),
            status: "ACTIVE".into(),
            device_name: None,
            contact: None,
            created: None,
            last_updated: None,
        }
    }

    #[test]
    fn unlock_only_a_locked_user() {
        assert!(check(&Action::Unlock, &user(UserStatus::LockedOut), &[]).is_ok());
        let err = check(&Action::Unlock, &user(UserStatus::Active), &[]).unwrap_err();
        assert_eq!(
            err,
            "dana@example.com is ACTIVE, not locked out: nothing to unlock; if only new devices are locked, known devices still sign in"
        );
    }

    #[test]
    fn nothing_for_suspended_or_deprovisioned_users() {
        for status in [UserStatus::Suspended, UserStatus::Deprovisioned] {
            assert!(
                check(&Action::ResetPassword, &user(status.clone()), &[])
                    .unwrap_err()
                    .contains("reactivate")
            );
        }
        assert!(
            check(
                &Action::ResetPassword,
                &user(UserStatus::PasswordExpired),
                &[]
            )
            .is_ok()
        );
    }

    #[test]
    fn factor_resets_need_factors_that_exist() {
        let active = user(UserStatus::Active);
        assert!(
            check(&Action::ResetAllFactors, &active, &[])
                .unwrap_err()
                .contains("no enrolled factors")
        );
        assert!(check(&Action::ResetAllFactors, &active, &[factor("f1")]).is_ok());
        let pick = |ids: &[&str]| Action::ResetFactors {
            factor_ids: ids.iter().map(|s| s.to_string()).collect(),
        };
        assert!(check(&pick(&["f1"]), &active, &[factor("f1"), factor("f2")]).is_ok());
        assert!(
            check(&pick(&["f9"]), &active, &[factor("f1")])
                .unwrap_err()
                .contains("no factor f9")
        );
        assert!(check(&pick(&[]), &active, &[factor("f1")]).is_err());
    }
}
