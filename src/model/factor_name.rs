//! Naming a factor so the agent can tell it from the user's others: two authenticator apps or
//! two phones with Okta Verify read the same in [`Factor::describe`], so the name grows the
//! provider, the device name or the enrolment date — only where that is what differs.

use super::Factor;

/// `factor` as [`Factor::describe`] names it, plus what tells it apart from the factors in
/// `all` that would read the same: "Authenticator code (GOOGLE, enrolled 2025-01-04)". With
/// nothing else to tell them apart, the id.
pub fn describe_distinct(factor: &Factor, all: &[Factor]) -> String {
    let name = factor.describe();
    let twins: Vec<&Factor> = all
        .iter()
        .filter(|f| f.id != factor.id && f.describe() == name)
        .collect();
    if twins.is_empty() {
        return name;
    }
    // Each detail joins only if it still tells `factor` from a remaining twin.
    let mut remaining = twins;
    let mut details = Vec::new();
    let provider = |f: &Factor| f.provider.to_ascii_uppercase();
    if remaining.iter().any(|t| provider(t) != provider(factor)) {
        details.push(factor.provider.clone());
        remaining.retain(|t| provider(t) == provider(factor));
    }
    if let Some(device) = &factor.device_name
        && !name.contains(device.as_str())
        && remaining
            .iter()
            .any(|t| t.device_name.as_ref() != Some(device))
    {
        details.push(device.clone());
        remaining.retain(|t| t.device_name.as_ref() == Some(device));
    }
    let enrolled = |f: &Factor| f.created.map(|c| c.date_naive());
    if let Some(date) = enrolled(factor)
        && remaining.iter().any(|t| enrolled(t) != Some(date))
    {
        details.push(format!("enrolled {date}"));
        remaining.retain(|t| enrolled(t) == Some(date));
    }
    if !remaining.is_empty() {
        details.push(factor.id.clone());
    }
    // "Okta Verify push (iPhone)" grows inside its parentheses.
    match name.strip_suffix(')') {
        Some(open) => format!("{open}, {})", details.join(", ")),
        None => format!("{name} ({})", details.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FactorKind;
    use chrono::{TimeZone, Utc};

    fn totp(id: &str, provider: &str, day: u32) -> Factor {
        Factor {
            id: id.into(),
            kind: FactorKind::Totp,
            factor_type: "token:software:totp".into(),
            provider: provider.into(),
            status: "ACTIVE".into(),
            device_name: None,
            contact: None,
            created: Some(Utc.with_ymd_and_hms(2025, 1, day, 9, 0, 0).unwrap()),
            last_updated: None,
        }
    }

    #[test]
    fn a_factor_alone_of_its_kind_keeps_its_plain_name() {
        let all = [totp("g1", "GOOGLE", 4), totp("o1", "OKTA", 4)];
        assert_eq!(describe_distinct(&all[0], &all), "Authenticator code");
        assert_eq!(describe_distinct(&all[1], &all), "Okta Verify code");
    }

    #[test]
    fn twins_grow_what_differs_provider_then_date_then_the_id() {
        let all = [
            totp("g1", "GOOGLE", 4),
            totp("g2", "GOOGLE", 9),
            totp("m1", "MICROSOFT", 4),
        ];
        assert_eq!(
            describe_distinct(&all[0], &all),
            "Authenticator code (GOOGLE, enrolled 2025-01-04)"
        );
        assert_eq!(
            describe_distinct(&all[2], &all),
            "Authenticator code (MICROSOFT)"
        );
        let same = [totp("g1", "GOOGLE", 4), totp("g2", "GOOGLE", 4)];
        assert_eq!(
            describe_distinct(&same[1], &same),
            "Authenticator code (g2)"
        );
    }

    #[test]
    fn two_phones_with_the_same_name_are_told_apart_by_date() {
        let phone = |id: &str, day: u32| Factor {
            kind: FactorKind::Push,
            factor_type: "push".into(),
            device_name: Some("iPhone".into()),
            ..totp(id, "OKTA", day)
        };
        let all = [phone("p1", 2), phone("p2", 20)];
        assert_eq!(
            describe_distinct(&all[1], &all),
            "Okta Verify push (iPhone, enrolled 2025-01-20)"
        );
    }
}
