//! Enrolled MFA factors (Okta's classic `UserFactor` shapes).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::{Value, json};

use super::ids::{alnum, iso, okta_id};
use super::names::{ANDROIDS, IPHONES, WEBAUTHN_AUTHENTICATORS};
use super::network::pick;

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
    pub profile: Value,
}

impl Factor {
    pub fn to_json(&self, base: &str, user_id: &str) -> Value {
        let user = format!("{base}/api/v1/users/{user_id}");
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
            "profile": self.profile,
            "_links": links,
        })
    }
}

/// What enrollment needs to know about the user.
pub(crate) struct Enrollee<'a> {
    pub first_name: &'a str,
    pub login: &'a str,
    pub email: &'a str,
    /// E.164, e.g. `+14155550123`.
    pub phone: &'a str,
    pub iphone: bool,
    /// Factors are enrolled between this and `now`.
    pub since: DateTime<Utc>,
}

/// A realistic mix: most users have Okta Verify, many SMS, some a security key,
/// a few nothing at all.
pub(crate) fn enroll<R: Rng>(rng: &mut R, who: &Enrollee, now: DateTime<Utc>) -> Vec<Factor> {
    let mut factors = Vec::new();
    if rng.random_bool(0.08) {
        return factors;
    }
    let span = (now - who.since).num_seconds().max(1);
    let enrolled_at = |rng: &mut R| {
        let t = who.since + Duration::seconds(rng.random_range(0..span));
        (
            t,
            t + Duration::seconds(rng.random_range(0..=(now - t).num_seconds().max(0))),
        )
    };
    let mut add = |rng: &mut R, kind: FactorKind, prefix: &str, profile: Value| {
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
        let (model, platform, device_type, version) = if who.iphone {
            (*pick(rng, IPHONES), "IOS", "SmartPhone_IPhone", "17.5.1")
        } else {
            (*pick(rng, ANDROIDS), "ANDROID", "SmartPhone_Android", "14")
        };
        let profile = json!({
            "credentialId": who.login,
            "deviceType": device_type,
            "name": format!("{}'s {model}", who.first_name),
            "platform": platform,
            "version": version,
        });
        add(rng, FactorKind::Push, "opf", profile);
        if rng.random_bool(0.6) {
            add(
                rng,
                FactorKind::OktaTotp,
                "ost",
                json!({"credentialId": who.login}),
            );
        }
    }
    if rng.random_bool(0.2) {
        add(
            rng,
            FactorKind::GoogleTotp,
            "uft",
            json!({"credentialId": who.login}),
        );
    }
    if rng.random_bool(0.4) {
        let prefix = if rng.random_bool(0.5) { "sms" } else { "mbl" };
        add(
            rng,
            FactorKind::Sms,
            prefix,
            json!({"phoneNumber": who.phone}),
        );
    }
    if rng.random_bool(0.15) {
        let profile = json!({
            "authenticatorName": *pick(rng, WEBAUTHN_AUTHENTICATORS),
            "credentialId": alnum(rng, 43),
        });
        add(rng, FactorKind::WebAuthn, "fwf", profile);
    }
    if rng.random_bool(0.3) {
        add(rng, FactorKind::Email, "emf", json!({"email": who.email}));
    }
    factors
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn enrollee(iphone: bool, now: DateTime<Utc>) -> Enrollee<'static> {
        Enrollee {
            first_name: "Dana",
            login: "dana.kim@example.com",
            email: "dana.kim@example.com",
            phone: "+14155550123",
            iphone,
            since: now - Duration::days(300),
        }
    }

    #[test]
    fn mix_covers_every_kind_and_some_users_have_none() {
        let now = Utc::now();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let all: Vec<Vec<Factor>> = (0..400)
            .map(|i| enroll(&mut rng, &enrollee(i % 2 == 0, now), now))
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
            .flat_map(|_| enroll(&mut rng, &enrollee(true, now), now))
            .find(|f| f.kind == FactorKind::Push)
            .unwrap();
        let name = push.profile["name"].as_str().unwrap();
        assert!(name.starts_with("Dana's iPhone"), "{name}");
        assert_eq!(push.profile["platform"], "IOS");
        let j = push.to_json("http://h", "00u1");
        assert_eq!(j["factorType"], "push");
        assert!(j["id"].as_str().unwrap().starts_with("opf"));
        assert_eq!(j["_links"]["user"]["href"], "http://h/api/v1/users/00u1");
    }
}
