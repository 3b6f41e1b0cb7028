//! A user's Okta `profile`, kept compact: names, titles, departments and places are the
//! static table entries they were drawn from, numbers stay numbers, and the JSON object is
//! built when a response needs it. (A `serde_json::Map` per user cost about 2 KB.)

use std::borrow::Cow;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::network::Place;

pub(crate) const ORGANIZATION: &str = "Example Corp";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserType {
    Employee,
    Contractor,
    Intern,
}

impl UserType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employee => "employee",
            Self::Contractor => "contractor",
            Self::Intern => "intern",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Title {
    /// A title from the tables.
    Fixed(&'static str),
    /// "<department> Intern".
    Intern(&'static str),
}

/// Who a user reports to, as the profile names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Manager {
    pub id: Box<str>,
    pub first_name: &'static str,
    pub last_name: &'static str,
}

#[derive(Clone)]
pub(crate) struct Profile {
    pub login: Box<str>,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub title: Title,
    pub department: &'static str,
    pub user_type: UserType,
    pub employee_number: Option<u32>,
    pub contract_end: Option<NaiveDate>,
    pub manager: Option<Manager>,
    /// Has a `secondEmail` (a private mailbox, `<local part>@mail.example.org`): notices
    /// after an action go to both addresses.
    pub second_email: bool,
    /// The mobile number is `+1 <area>-555-0<line>` (555-0100..0199 are reserved for fiction).
    pub area_code: u16,
    pub phone_line: u8,
    pub home: &'static Place,
}

impl Profile {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn title(&self) -> Cow<'static, str> {
        match self.title {
            Title::Fixed(t) => Cow::Borrowed(t),
            Title::Intern(department) => Cow::Owned(format!("{department} Intern")),
        }
    }

    /// E.164, e.g. `+14155550123` (what SMS factors carry).
    pub fn phone_e164(&self) -> String {
        format!("+1{}5550{}", self.area_code, self.phone_line)
    }

    /// `+1 415-555-0123`, how people type it into a profile.
    pub fn mobile_phone(&self) -> String {
        format!("+1 {}-555-0{}", self.area_code, self.phone_line)
    }

    /// `dana.kim@mail.example.org` for `dana.kim@example.com`, when the user has one.
    pub fn second_email(&self) -> Option<String> {
        let local = self.login.split('@').next().unwrap_or_default();
        self.second_email
            .then(|| format!("{local}@mail.example.org"))
    }

    /// One attribute as its wire string (empty when absent), for searches and tests.
    pub fn get(&self, key: &str) -> Option<Cow<'_, str>> {
        let s = |v: &'static str| Some(Cow::Borrowed(v));
        match key {
            "login" | "email" => Some(Cow::Borrowed(&*self.login)),
            "secondEmail" => self.second_email().map(Cow::Owned),
            "firstName" => s(self.first_name),
            "lastName" => s(self.last_name),
            "displayName" => Some(Cow::Owned(self.display_name())),
            "title" => Some(self.title()),
            "department" => s(self.department),
            "organization" => s(ORGANIZATION),
            "userType" => s(self.user_type.as_str()),
            "employeeNumber" => self.employee_number.map(|n| Cow::Owned(n.to_string())),
            "contractEndDate" => self
                .contract_end
                .map(|d| Cow::Owned(d.format("%Y-%m-%d").to_string())),
            "managerId" => self.manager.as_ref().map(|m| Cow::Borrowed(&*m.id)),
            "manager" => self
                .manager
                .as_ref()
                .map(|m| Cow::Owned(format!("{} {}", m.first_name, m.last_name))),
            "mobilePhone" => Some(Cow::Owned(self.mobile_phone())),
            "city" => s(self.home.city),
            "state" => s(self.home.state),
            "zipCode" => s(self.home.postal_code),
            "countryCode" => s("US"),
            "timezone" => s(self.home.timezone),
            "locale" => s("en_US"),
            "preferredLanguage" => s("en"),
            _ => None,
        }
    }

    /// The `profile` object as Okta returns it.
    pub fn to_json(&self) -> Value {
        const KEYS: &[&str] = &[
            "login",
            "email",
            "secondEmail",
            "firstName",
            "lastName",
            "displayName",
            "title",
            "department",
            "organization",
            "userType",
            "employeeNumber",
            "contractEndDate",
            "managerId",
            "manager",
            "mobilePhone",
            "city",
            "state",
            "zipCode",
            "countryCode",
            "timezone",
            "locale",
            "preferredLanguage",
        ];
        let mut map = Map::new();
        for key in KEYS {
            if let Some(v) = self.get(key) {
                map.insert((*key).to_string(), json!(v));
            }
        }
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::org::network::HOMES;

    fn profile() -> Profile {
        Profile {
            login: "dana.kim@example.com".into(),
            first_name: "Dana",
            last_name: "Kim",
            title: Title::Intern("IT"),
            department: "IT",
            user_type: UserType::Intern,
            employee_number: None,
            contract_end: None,
            manager: Some(Manager {
                id: "00uMANAGER0000000000".into(),
                first_name: "Ana",
                last_name: "Lee",
            }),
            second_email: false,
            area_code: 415,
            phone_line: 123,
            home: &HOMES[0][0],
        }
    }

    #[test]
    fn renders_every_attribute_okta_returns() {
        let j = profile().to_json();
        assert_eq!(j["login"], "dana.kim@example.com");
        assert_eq!(j["email"], j["login"]);
        assert_eq!(j["displayName"], "Dana Kim");
        assert_eq!(j["title"], "IT Intern");
        assert_eq!(j["manager"], "Ana Lee");
        assert_eq!(j["managerId"], "00uMANAGER0000000000");
        assert_eq!(j["mobilePhone"], "+1 415-555-0123");
        assert_eq!(j["city"], HOMES[0][0].city);
        assert!(j.get("employeeNumber").is_none() && j.get("contractEndDate").is_none());
        assert_eq!(j.as_object().unwrap().len(), 19);
        assert_eq!(profile().phone_e164(), "+14155550123");
        let mut contractor = profile();
        contractor.user_type = UserType::Contractor;
        contractor.contract_end = NaiveDate::from_ymd_opt(2026, 4, 1);
        assert_eq!(contractor.to_json()["contractEndDate"], "2026-04-01");
        assert_eq!(contractor.get("userType").unwrap(), "contractor");
        assert!(contractor.get("custom").is_none());
        assert!(j.get("secondEmail").is_none());
        let mut two = profile();
        two.second_email = true;
        assert_eq!(two.to_json()["secondEmail"], "dana.kim@mail.example.org");
    }
}
