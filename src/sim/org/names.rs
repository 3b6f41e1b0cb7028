//! Embedded name and job lists for the seeded organisation.

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Aaliyah",
    "Aarav",
    "Abigail",
    "Adrian",
    "Aisha",
    "Alejandro",
    "Alex",
    "Amara",
    "Amelia",
    "Ana",
    "Andre",
    "Angela",
    "Anika",
    "Arjun",
    "Ava",
    "Beatriz",
    "Ben",
    "Bianca",
    "Brandon",
    "Camila",
    "Carlos",
    "Chloe",
    "Chen",
    "Chris",
    "Daniel",
    "Dana",
    "David",
    "Deepa",
    "Diego",
    "Elena",
    "Eli",
    "Emily",
    "Emma",
    "Ethan",
    "Fatima",
    "Felix",
    "Gabriel",
    "Grace",
    "Hana",
    "Hannah",
    "Hiroshi",
    "Ibrahim",
    "Imani",
    "Isaac",
    "Isabel",
    "Ivan",
    "Jack",
    "Jamal",
    "James",
    "Jasmine",
    "Javier",
    "Jenna",
    "Jin",
    "Jordan",
    "Jose",
    "Julia",
    "Kai",
    "Karen",
    "Kenji",
    "Kevin",
    "Laila",
    "Laura",
    "Leo",
    "Liam",
    "Lina",
    "Lucas",
    "Maya",
    "Mei",
    "Michael",
    "Mia",
    "Min-jun",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nathan",
    "Nia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Rafael",
    "Rahul",
    "Rebecca",
    "Ricardo",
    "Rosa",
    "Ryan",
    "Sam",
    "Sara",
    "Sean",
    "Sofia",
    "Sophie",
    "Tariq",
    "Thomas",
    "Tomas",
    "Valentina",
    "Victor",
    "Wei",
    "Yara",
    "Yusuf",
    "Zara",
    "Zoe",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Abbott",
    "Adeyemi",
    "Ahmed",
    "Alvarez",
    "Andersen",
    "Bailey",
    "Baker",
    "Banerjee",
    "Becker",
    "Bennett",
    "Brooks",
    "Campbell",
    "Castillo",
    "Chang",
    "Chen",
    "Clarke",
    "Cohen",
    "Collins",
    "Cruz",
    "Das",
    "Diaz",
    "Dubois",
    "Edwards",
    "Evans",
    "Fernandez",
    "Fischer",
    "Flores",
    "Foster",
    "Garcia",
    "Gomez",
    "Gonzalez",
    "Gupta",
    "Haddad",
    "Hall",
    "Hansen",
    "Harris",
    "Hayes",
    "Hernandez",
    "Hoang",
    "Hughes",
    "Ibrahim",
    "Ito",
    "Jackson",
    "Jensen",
    "Johnson",
    "Kapoor",
    "Kaur",
    "Kelly",
    "Khan",
    "Kim",
    "Kowalski",
    "Kumar",
    "Lee",
    "Lewis",
    "Lopez",
    "Martin",
    "Martinez",
    "Mendoza",
    "Meyer",
    "Miller",
    "Morales",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "O'Brien",
    "Okafor",
    "Olsen",
    "Ortiz",
    "Park",
    "Patel",
    "Perez",
    "Petrov",
    "Phillips",
    "Price",
    "Ramirez",
    "Reyes",
    "Rivera",
    "Robinson",
    "Rodriguez",
    "Rossi",
    "Russo",
    "Sanchez",
    "Santos",
    "Schmidt",
    "Shah",
    "Silva",
    "Singh",
    "Smith",
    "Sullivan",
    "Tanaka",
    "Taylor",
    "Thompson",
    "Torres",
    "Tran",
    "Turner",
    "Walker",
    "Wang",
    "Watanabe",
    "Williams",
    "Wilson",
    "Wong",
    "Yamamoto",
    "Young",
    "Zhang",
];

/// A department: its weight in headcount, the VP title, the manager title and IC titles.
pub(crate) struct Department {
    pub name: &'static str,
    pub weight: u32,
    pub vp_title: &'static str,
    pub manager_title: &'static str,
    pub titles: &'static [&'static str],
}

pub(crate) const DEPARTMENTS: &[Department] = &[
    Department {
        name: "Engineering",
        weight: 30,
        vp_title: "VP of Engineering",
        manager_title: "Engineering Manager",
        titles: &[
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "QA Engineer",
            "Site Reliability Engineer",
            "Data Engineer",
        ],
    },
    Department {
        name: "Sales",
        weight: 18,
        vp_title: "VP of Sales",
        manager_title: "Sales Manager",
        titles: &[
            "Account Executive",
            "Sales Development Representative",
            "Solutions Engineer",
            "Account Manager",
        ],
    },
    Department {
        name: "Customer Support",
        weight: 12,
        vp_title: "VP of Customer Experience",
        manager_title: "Support Manager",
        titles: &[
            "Support Specialist",
            "Senior Support Engineer",
            "Customer Success Manager",
        ],
    },
    Department {
        name: "Marketing",
        weight: 8,
        vp_title: "VP of Marketing",
        manager_title: "Marketing Manager",
        titles: &[
            "Content Strategist",
            "Product Marketing Manager",
            "Marketing Operations Specialist",
            "Designer",
        ],
    },
    Department {
        name: "Product",
        weight: 6,
        vp_title: "VP of Product",
        manager_title: "Group Product Manager",
        titles: &[
            "Product Manager",
            "Senior Product Manager",
            "UX Researcher",
            "Product Designer",
        ],
    },
    Department {
        name: "Finance",
        weight: 6,
        vp_title: "Chief Financial Officer",
        manager_title: "Controller",
        titles: &["Financial Analyst", "Accountant", "Payroll Specialist"],
    },
    Department {
        name: "Human Resources",
        weight: 5,
        vp_title: "Chief People Officer",
        manager_title: "HR Manager",
        titles: &[
            "HR Business Partner",
            "Recruiter",
            "People Operations Specialist",
        ],
    },
    Department {
        name: "IT",
        weight: 6,
        vp_title: "Chief Information Officer",
        manager_title: "IT Manager",
        titles: &[
            "Service Desk Analyst",
            "Systems Administrator",
            "Identity Engineer",
            "Network Engineer",
        ],
    },
    Department {
        name: "Legal",
        weight: 3,
        vp_title: "General Counsel",
        manager_title: "Legal Operations Manager",
        titles: &["Corporate Counsel", "Paralegal", "Compliance Analyst"],
    },
    Department {
        name: "Operations",
        weight: 6,
        vp_title: "Chief Operating Officer",
        manager_title: "Operations Manager",
        titles: &[
            "Operations Analyst",
            "Facilities Coordinator",
            "Procurement Specialist",
        ],
    },
];

pub(crate) const CEO_TITLE: &str = "Chief Executive Officer";
pub(crate) const EXECUTIVE_DEPARTMENT: &str = "Executive";

/// The IT department, whose leaders and some staff are Okta admins.
pub(crate) const IT_DEPARTMENT: &str = "IT";

/// Phone models for Okta Verify device names ("Dana's iPhone 15").
pub(crate) const IPHONES: &[&str] = &[
    "iPhone 13",
    "iPhone 14",
    "iPhone 15",
    "iPhone 15 Pro",
    "iPhone 16",
];
pub(crate) const ANDROIDS: &[&str] = &[
    "Pixel 7",
    "Pixel 8",
    "Galaxy S23",
    "Galaxy S24",
    "OnePlus 12",
];

/// WebAuthn authenticator names as Okta shows them.
pub(crate) const WEBAUTHN_AUTHENTICATORS: &[&str] = &[
    "MacBook Pro Touch ID",
    "Windows Hello",
    "YubiKey 5 NFC",
    "YubiKey 5C",
    "iCloud Keychain",
];

/// A login-safe ASCII form of a name: "O'Brien" -> "obrien", "Min-jun" -> "minjun".
pub(crate) fn login_part(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn lists_are_large_and_distinct() {
        assert!(FIRST_NAMES.len() >= 100);
        assert!(LAST_NAMES.len() >= 100);
        assert_eq!(
            FIRST_NAMES.iter().collect::<HashSet<_>>().len(),
            FIRST_NAMES.len()
        );
        assert_eq!(
            LAST_NAMES.iter().collect::<HashSet<_>>().len(),
            LAST_NAMES.len()
        );
        assert!(DEPARTMENTS.iter().any(|d| d.name == IT_DEPARTMENT));
    }

    #[test]
    fn login_parts_are_plain_ascii() {
        assert_eq!(login_part("O'Brien"), "obrien");
        assert_eq!(login_part("Min-jun"), "minjun");
    }
}
