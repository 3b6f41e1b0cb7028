//! `user.account.update_password`: a user chose a new password (when it expired, when
//! reminded, or after a reset link). The user is the actor and the only target.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{Value, json};

use super::events::{Origin, Parts, assemble, user_actor};
use crate::sim::org::user::SimUser;

pub(crate) const UPDATE_PASSWORD: &str = "user.account.update_password";

pub(crate) fn update_password(
    rng: &mut impl Rng,
    published: DateTime<Utc>,
    user: &SimUser,
    origin: &Origin,
) -> Value {
    let parts = Parts {
        event_type: UPDATE_PASSWORD,
        severity: "INFO",
        legacy: Some("core.user.config.password_update.success"),
        message: "User update password for Okta",
        result: "SUCCESS",
        reason: None,
        actor: user_actor(user),
        target: json!([user_actor(user)]),
        request_uri: "/idp/idx/challenge/answer".into(),
        session: None,
        credential_type: Some("PASSWORD"),
        provider: None,
    };
    assemble(rng, published, origin, parts, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::org::Org;
    use crate::sim::org::ids::iso;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn the_user_changes_their_own_password() {
        let now = Utc::now();
        let org = Org::generate(5, 20, now);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let user = &org.users[3];
        let origin = Origin::usual(user, &mut rng);
        let e = update_password(&mut rng, now, user, &origin);
        assert_eq!(e["eventType"], UPDATE_PASSWORD);
        assert_eq!(e["actor"]["id"], user.id.as_str());
        assert_eq!(e["target"][0]["id"], user.id.as_str());
        assert_eq!(e["target"][0]["type"], "User");
        assert_eq!(e["outcome"]["result"], "SUCCESS");
        assert_eq!(e["published"], iso(now));
        assert_eq!(e["client"]["ipAddress"], origin.ip.as_str());
    }
}
