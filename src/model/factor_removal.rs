//! Which factors a removal really takes. Okta deletes an Okta Verify enrollment as a whole:
//! removing its push factor also removes its code (`token:software:totp` from provider OKTA)
//! and its FastPass (`signed_nonce`). The preview, the outcome and the audit all use this, so
//! nothing goes that the agent was not told about.

use super::{Factor, FactorKind};

/// The Okta Verify enrollment's other factors: they go when its push goes.
fn same_okta_verify_enrollment(factor: &Factor) -> bool {
    factor.provider.eq_ignore_ascii_case("OKTA")
        && matches!(factor.kind, FactorKind::Totp | FactorKind::FastPass)
}

/// The factors that go along with `factor` (not `factor` itself), in the order listed.
pub fn removed_along<'a>(factor: &Factor, all: &'a [Factor]) -> Vec<&'a Factor> {
    if factor.kind != FactorKind::Push {
        return Vec::new();
    }
    all.iter()
        .filter(|f| f.id != factor.id && same_okta_verify_enrollment(f))
        .collect()
}

/// Every factor removing `chosen_ids` takes, chosen or along, once each, in the order listed.
pub fn removal_set<'a>(chosen_ids: &[String], all: &'a [Factor]) -> Vec<&'a Factor> {
    let chosen: Vec<&Factor> = all.iter().filter(|f| chosen_ids.contains(&f.id)).collect();
    all.iter()
        .filter(|f| {
            chosen.iter().any(|c| c.id == f.id)
                || chosen.iter().any(|c| removed_along(c, all).contains(f))
        })
        .collect()
}

/// The factors to ask the IdP to remove for `chosen_ids`: the chosen ones, less those that go
/// along with another chosen one anyway (asking for those would find them already gone).
pub fn removal_requests(chosen_ids: &[String], all: &[Factor]) -> Vec<String> {
    let chosen: Vec<&Factor> = all.iter().filter(|f| chosen_ids.contains(&f.id)).collect();
    chosen
        .iter()
        .filter(|f| {
            !chosen
                .iter()
                .any(|other| removed_along(other, all).contains(f))
        })
        .map(|f| f.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factor(id: &str, kind: FactorKind, factor_type: &str, provider: &str) -> Factor {
        Factor::active_for_test(id, kind, factor_type, provider)
    }

    fn factors() -> Vec<Factor> {
        vec![
            factor("opf1", FactorKind::Push, "push", "OKTA"),
            factor("ost1", FactorKind::Totp, "token:software:totp", "OKTA"),
            factor("ost2", FactorKind::Totp, "token:software:totp", "GOOGLE"),
            factor("sms1", FactorKind::Sms, "sms", "OKTA"),
            factor("fp1", FactorKind::FastPass, "signed_nonce", "OKTA"),
        ]
    }

    fn ids(factors: &[&Factor]) -> Vec<String> {
        factors.iter().map(|f| f.id.clone()).collect()
    }

    #[test]
    fn removing_okta_verify_push_takes_its_code_and_fastpass_but_not_google() {
        let all = factors();
        assert_eq!(ids(&removed_along(&all[0], &all)), ["ost1", "fp1"]);
        assert_eq!(
            ids(&removal_set(&["opf1".into()], &all)),
            ["opf1", "ost1", "fp1"]
        );
    }

    #[test]
    fn other_factors_go_alone_and_nothing_is_listed_twice() {
        let all = factors();
        assert!(removed_along(&all[2], &all).is_empty());
        assert_eq!(ids(&removal_set(&["sms1".into()], &all)), ["sms1"]);
        assert_eq!(
            ids(&removal_set(&["ost1".into(), "opf1".into()], &all)),
            ["opf1", "ost1", "fp1"]
        );
        assert!(removal_set(&["nope".into()], &all).is_empty());
    }

    #[test]
    fn a_factor_that_goes_along_anyway_is_not_asked_for() {
        let all = factors();
        assert_eq!(
            removal_requests(&["ost1".into(), "opf1".into(), "sms1".into()], &all),
            ["opf1", "sms1"]
        );
        assert_eq!(removal_requests(&["ost1".into()], &all), ["ost1"]);
        assert_eq!(
            removal_requests(&["ost2".into(), "opf1".into()], &all),
            ["opf1", "ost2"]
        );
    }
}
