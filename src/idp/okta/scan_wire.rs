//! A page of `GET /api/v1/users` decoded straight into [`ScannedUser`]s: only the fields the
//! expiry scanner reads are kept, everything else is skipped without being built, and the
//! configured contract-end attribute (a name known only at run time) is picked out of the
//! profile on the way.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::idp::ScannedUser;
use crate::model::UserStatus;

/// Decode a users page, keeping `attribute` of each profile raw.
pub fn decode_users(body: &[u8], attribute: &str) -> Result<Vec<ScannedUser>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let users = Users { attribute }.deserialize(&mut de)?;
    de.end()?;
    Ok(users)
}

#[derive(Clone, Copy)]
struct Users<'a> {
    attribute: &'a str,
}

impl<'de> DeserializeSeed<'de> for Users<'_> {
    type Value = Vec<ScannedUser>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Users<'_> {
    type Value = Vec<ScannedUser>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of users")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let one = OneUser {
            attribute: self.attribute,
        };
        while let Some(user) = seq.next_element_seed(one)? {
            out.push(user);
        }
        Ok(out)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum UserField {
    Id,
    Status,
    PasswordChanged,
    LastUpdated,
    Profile,
    Credentials,
    #[serde(other)]
    Other,
}

#[derive(Default, Deserialize)]
struct Credentials {
    #[serde(default)]
    provider: Option<Provider>,
}

#[derive(Deserialize)]
struct Provider {
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

#[derive(Clone, Copy)]
struct OneUser<'a> {
    attribute: &'a str,
}

impl<'de> DeserializeSeed<'de> for OneUser<'_> {
    type Value = ScannedUser;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OneUser<'_> {
    type Value = ScannedUser;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a user")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id = None;
        let mut status = None;
        let mut password_changed = None;
        let mut last_updated = None;
        let mut profile = None;
        let mut credentials = Credentials::default();
        while let Some(field) = map.next_key::<UserField>()? {
            match field {
                UserField::Id => id = Some(map.next_value::<String>()?),
                UserField::Status => status = Some(map.next_value::<String>()?),
                UserField::PasswordChanged => {
                    password_changed = map.next_value::<Option<DateTime<Utc>>>()?;
                }
                UserField::LastUpdated => {
                    last_updated = map.next_value::<Option<DateTime<Utc>>>()?
                }
                UserField::Profile => {
                    profile = Some(map.next_value_seed(ProfileSeed {
                        attribute: self.attribute,
                    })?);
                }
                UserField::Credentials => {
                    credentials = map.next_value::<Option<Credentials>>()?.unwrap_or_default();
                }
                UserField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let id = id.ok_or_else(|| serde::de::Error::missing_field("id"))?;
        let status = status.ok_or_else(|| serde::de::Error::missing_field("status"))?;
        let p: Profile = profile.ok_or_else(|| serde::de::Error::missing_field("profile"))?;
        let login = p
            .login
            .ok_or_else(|| serde::de::Error::missing_field("login"))?;
        let name = match (p.first_name, p.last_name) {
            (Some(f), Some(l)) => format!("{f} {l}"),
            _ => p.display_name.unwrap_or_else(|| login.clone()),
        };
        Ok(ScannedUser {
            id,
            login,
            email: p.email,
            name,
            status: UserStatus::parse(&status),
            department: p.department,
            user_type: p.user_type,
            manager_id: p.manager_id,
            password_changed,
            last_updated,
            credential_provider: credentials.provider.and_then(|p| p.kind),
            contract_end: p.contract_end,
        })
    }
}

#[derive(Default)]
struct Profile {
    login: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    display_name: Option<String>,
    department: Option<String>,
    user_type: Option<String>,
    manager_id: Option<String>,
    contract_end: Option<String>,
}

enum ProfileField {
    /// The configured contract-end attribute (checked before the standard names).
    ContractEnd,
    Login,
    Email,
    FirstName,
    LastName,
    DisplayName,
    Department,
    UserType,
    ManagerId,
    Other,
}

struct ProfileKey<'a> {
    attribute: &'a str,
}

impl<'de> DeserializeSeed<'de> for ProfileKey<'_> {
    type Value = ProfileField;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for ProfileKey<'_> {
    type Value = ProfileField;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a profile attribute name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(match key {
            k if k == self.attribute => ProfileField::ContractEnd,
            "login" => ProfileField::Login,
            "email" => ProfileField::Email,
            "firstName" => ProfileField::FirstName,
            "lastName" => ProfileField::LastName,
            "displayName" => ProfileField::DisplayName,
            "department" => ProfileField::Department,
            "userType" => ProfileField::UserType,
            "managerId" => ProfileField::ManagerId,
            _ => ProfileField::Other,
        })
    }
}

struct ProfileSeed<'a> {
    attribute: &'a str,
}

impl<'de> DeserializeSeed<'de> for ProfileSeed<'_> {
    type Value = Profile;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ProfileSeed<'_> {
    type Value = Profile;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a user profile")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut p = Profile::default();
        while let Some(field) = map.next_key_seed(ProfileKey {
            attribute: self.attribute,
        })? {
            let slot = match field {
                ProfileField::ContractEnd => {
                    p.contract_end = map.next_value::<Option<serde_json::Value>>()?.map(raw);
                    continue;
                }
                ProfileField::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                ProfileField::Login => &mut p.login,
                ProfileField::Email => &mut p.email,
                ProfileField::FirstName => &mut p.first_name,
                ProfileField::LastName => &mut p.last_name,
                ProfileField::DisplayName => &mut p.display_name,
                ProfileField::Department => &mut p.department,
                ProfileField::UserType => &mut p.user_type,
                ProfileField::ManagerId => &mut p.manager_id,
            };
            *slot = map
                .next_value::<Option<String>>()?
                .filter(|v| !v.is_empty());
        }
        Ok(p)
    }
}

/// A string as it is; any other JSON value as its text (the scanner reports it malformed).
fn raw(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"[
      {"id":"00u1","status":"PASSWORD_EXPIRED","created":"2020-01-01T00:00:00.000Z",
       "lastUpdated":"2026-03-01T10:00:00.000Z","passwordChanged":"2025-12-01T09:30:00.000Z",
       "type":{"id":"oty1"},
       "profile":{"login":"ada@example.com","email":"ada.l@example.com","firstName":"Ada",
                  "lastName":"Lovelace","department":"Engineering","userType":"contractor",
                  "managerId":"00u9","contractEndDate":"2026-06-30","nested":{"a":[1,2]}},
       "credentials":{"password":{},"provider":{"type":"OKTA","name":"OKTA"}},
       "_links":{"self":{"href":"x"}}},
      {"id":"00u2","status":"ACTIVE","passwordChanged":null,
       "profile":{"login":"bob@example.com","displayName":"Bobby","contractEndDate":20260101,
                  "department":""},
       "credentials":{"provider":{"type":"FEDERATION"}}}
    ]"#;

    #[test]
    fn keeps_what_the_scanner_needs_and_the_raw_attribute() {
        let users = decode_users(PAGE.as_bytes(), "contractEndDate").unwrap();
        assert_eq!(users.len(), 2);
        let ada = &users[0];
        assert_eq!(ada.id, "00u1");
        assert_eq!(ada.login, "ada@example.com");
        assert_eq!(ada.email.as_deref(), Some("ada.l@example.com"));
        assert_eq!(ada.name, "Ada Lovelace");
        assert_eq!(ada.status, UserStatus::PasswordExpired);
        assert_eq!(ada.department.as_deref(), Some("Engineering"));
        assert_eq!(ada.user_type.as_deref(), Some("contractor"));
        assert_eq!(ada.manager_id.as_deref(), Some("00u9"));
        assert_eq!(
            ada.password_changed.unwrap().to_rfc3339(),
            "2025-12-01T09:30:00+00:00"
        );
        assert_eq!(
            ada.last_updated.unwrap().to_rfc3339(),
            "2026-03-01T10:00:00+00:00"
        );
        assert_eq!(ada.credential_provider.as_deref(), Some("OKTA"));
        assert_eq!(ada.contract_end.as_deref(), Some("2026-06-30"));

        let bob = &users[1];
        assert_eq!(bob.name, "Bobby", "the display name without first and last");
        assert_eq!(bob.password_changed, None);
        assert_eq!(bob.department, None, "an empty string is no department");
        assert_eq!(bob.credential_provider.as_deref(), Some("FEDERATION"));
        assert_eq!(
            bob.contract_end.as_deref(),
            Some("20260101"),
            "a number comes back as its text, for the scanner to reject"
        );
    }

    #[test]
    fn the_attribute_is_the_configured_one() {
        let users = decode_users(PAGE.as_bytes(), "endsOn").unwrap();
        assert!(users.iter().all(|u| u.contract_end.is_none()));
        let users = decode_users(PAGE.as_bytes(), "department").unwrap();
        assert_eq!(users[0].contract_end.as_deref(), Some("Engineering"));
    }

    #[test]
    fn a_user_without_a_login_or_a_truncated_page_is_an_error() {
        assert!(decode_users(br#"[{"id":"1","status":"ACTIVE","profile":{}}]"#, "x").is_err());
        assert!(decode_users(&PAGE.as_bytes()[..200], "x").is_err());
        assert!(decode_users(b"{}", "x").is_err());
        assert!(decode_users(b"[] []", "x").is_err());
    }
}
