//! Okta groups: the built-in Everyone, one per department, Leadership,
//! Contractors and Admins.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::ids::iso;

pub(crate) struct Group {
    pub id: String,
    pub name: String,
    pub description: String,
    pub built_in: bool,
    pub created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub last_membership_updated: DateTime<Utc>,
}

impl Group {
    pub fn to_json(&self, base: &str) -> Value {
        let me = format!("{base}/api/v1/groups/{}", self.id);
        json!({
            "id": self.id,
            "created": iso(self.created),
            "lastUpdated": iso(self.last_updated),
            "lastMembershipUpdated": iso(self.last_membership_updated),
            "objectClass": ["okta:user_group"],
            "type": if self.built_in { "BUILT_IN" } else { "OKTA_GROUP" },
            "profile": {"name": self.name, "description": self.description},
            "_links": {
                "logo": [
                    {"name": "medium", "href": format!("{base}/assets/img/logos/groups/okta-medium.png"), "type": "image/png"},
                    {"name": "large", "href": format!("{base}/assets/img/logos/groups/okta-large.png"), "type": "image/png"}
                ],
                "users": {"href": format!("{me}/users")},
                "apps": {"href": format!("{me}/apps")},
            },
        })
    }
}
