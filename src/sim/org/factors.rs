//! Enrolled MFA factors (Okta's classic `UserFactor` shapes).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::{Value, json};

use super::factor_profile::FactorProfile;
use super::ids::{alnum, iso, okta_id};
use super::names::{ANDROIDS, IPHONES, WEBAUTHN_AUTHENTICATORS};
use super::network::pick;
use super::user::SimUser;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FactorKind {
    Push,
    OktaTotp,
    GoogleTotp,
    Sms,
    WebAuthn,
    Email,
}

impl FactorKind {
    pub fn factor_type(self) -> &'static str {
        match self {
            Self::Push => "push",
            Self::OktaTotp | Self::GoogleTotp => "token:software:totp",
            Self::Sms => "sms",
            Self::WebAuthn => "webauthn",
            Self::Email => "email",
        }
    }

    pub fn provider(self) -> &'static str {
        match self {
            Self::GoogleTotp => "GOOGLE",
            Self::WebAuthn => "FIDO",
            _ => "OKTA",
        }
    }

    /// The authenticator name Okta puts in System Log targets.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Push | Self::OktaTotp => "Okta Verify",
            Self::GoogleTotp => "Google Authenticator",
            Self::Sms => "Phone",
            Self::WebAuthn => "Security Key or Biometric",
            Self::Email => "Email",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Factor {
    pub id: String,
    pub kind: FactorKind,
    pub status: &'static str,
    pub created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub profile: FactorProfile,
}

impl Factor {
    /// The factor's `profile` object (built from what it shares with its owner).
    pub fn profile_json(&self, owner: &SimUser) -> Value {
        self.profile.to_json(&owner.profile)
    }

    pub fn to_json(&self, base: &str, owner: &SimUser) -> Value {
        let user = format!("{base}/api/v1/users/{}", owner.id);
        let me = format!("{user}/factors/{}", self.id);
        let mut links = json!({
            "self": {"href": me, "hints": {"allow": ["GET", "DELETE"]}},
            "user": {"href": user, "hints": {"allow": ["GET"]}},
        });
        if self.status == "ACTIVE" {
            links["verify"] = json!({"href": format!("{me}/verify"), "hints": {"allow": ["POST"]}});
        } else {
            links["activate"] =
                json!({"href": format!("{me}/lifecycle/activate"), "hints": {"allow": ["POST"]}});
        }
        json!({
            "id": self.id,
            "factorType": self.kind.factor_type(),
            "provider": self.kind.provider(),
            "vendorName": self.kind.provider(),
            "status": self.status,
            "created": iso(self.created),
            "lastUpdated": iso(self.last_updated),
            "profile": self.profile_json(owner),
            "_links": links,
        })
    }
}

/// A realistic mix: most users have Okta Verify, many SMS, some a security key,
/// a few nothing at all. Factors are enrolled between `since` and `now`.
pub(crate) fn enroll<R: Rng>(
    rng: &mut R,
    iphone: bool,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Factor> {
    let mut factors = Vec::new();
    if rng.random_bool(0.08) {
        return factors;
    }
    let span = (now - since).num_seconds().max(1);
    let enrolled_at = |rng: &mut R| {
        let t = since + Duration::seconds(rng.random_range(0..span));
        (
            t,
            t + Duration::seconds(rng.random_range(0..=(now - t).num_seconds().max(0))),
        )
    };
    let mut add = |rng: &mut R, kind: FactorKind, prefix: &str, profile: FactorProfile| {
        let (created, last_updated) = enrolled_at(rng);
        let status = if rng.random_bool(0.03) {
            "PENDING_ACTIVATION"
        } else {
            "ACTIVE"
        };
        factors.push(Factor {
            id: okta_id(rng, prefix),
            kind,
            status,
            created,
            last_updated,
            profile,
        });
    };
    if rng.random_bool(0.78) {
        let model = *pick(rng, if iphone { IPHONES } else { ANDROIDS });
        add(
            rng,
            FactorKind::Push,
            "opf",
            FactorProfile::Push { model, iphone },
        );
        if rng.random_bool(0.6) {
            add(rng, FactorKind::OktaTotp, "ost", FactorProfile::Totp);
        }
    }
    if rng.random_bool(0.2) {
        add(rng, FactorKind::GoogleTotp, "uft", FactorProfile::Totp);
    }
    if rng.random_bool(0.4) {
        let prefix = if rng.random_bool(0.5) { "sms" } else { "mbl" };
        add(rng, FactorKind::Sms, prefix, FactorProfile::Sms);
    }
    if rng.random_bool(0.15) {
        let profile = FactorProfile::WebAuthn {
            authenticator: pick::<&str>(rng, WEBAUTHN_AUTHENTICATORS),
            credential_id: alnum(rng, 43).into_boxed_str(),
        };
        add(rng, FactorKind::WebAuthn, "fwf", profile);
    }
    if rng.random_bool(0.3) {
        add(rng, FactorKind::Email, "emf", FactorProfile::Email);
    }
    factors
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn mix_covers_every_kind_and_some_users_have_none() {
        let now = Utc::now();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let all: Vec<Vec<Factor>> = (0..400)
            .map(|i| enroll(&mut rng, i % 2 == 0, now - Duration::days(300), now))
            .collect();
        assert!(all.iter().any(Vec::is_empty));
        for kind in [
            FactorKind::Push,
            FactorKind::OktaTotp,
            FactorKind::GoogleTotp,
            FactorKind::Sms,
            FactorKind::WebAuthn,
            FactorKind::Email,
        ] {
            assert!(all.iter().flatten().any(|f| f.kind == kind), "{kind:?}");
        }
        for f in all.iter().flatten() {
            assert!(f.created <= f.last_updated && f.last_updated <= now);
            assert_eq!(f.id.len(), 20);
        }
    }

    #[test]
    fn push_factor_names_the_users_phone() {
        let now = Utc::now();
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let push = (0..50)
            .flat_map(|_| enroll(&mut rng, true, now - Duration::days(300), now))
            .find(|f| f.kind == FactorKind::Push)
            .unwrap();
        let owner = SimUser::sample(crate::model::UserStatus::Active);
        let profile = push.profile_json(&owner);
        let name = profile["name"].as_str().unwrap();
        assert!(name.starts_with("Dana's iPhone"), "{name}");
        assert_eq!(profile["platform"], "IOS");
        assert_eq!(profile["credentialId"], "dana.kim@example.com");
        let j = push.to_json("http://h", &owner);
        assert_eq!(j["factorType"], "push");
        assert_eq!(j["profile"], profile);
        assert!(j["id"].as_str().unwrap().starts_with("opf"));
        assert_eq!(
            j["_links"]["user"]["href"],
            "http://h/api/v1/users/00uABCDEFGHIJKLMNOPQ"
        );
        let sms = Factor {
            kind: FactorKind::Sms,
            profile: FactorProfile::Sms,
            ..push.clone()
        };
        assert_eq!(sms.profile_json(&owner)["phoneNumber"], "+14155550123");
    }
}
