//! Where sign-ins come from: office and home cities, ISPs, browsers, and a set
//! of foreign attacker origins for password-spraying bursts.
//!
//! IP addresses come from ranges reserved for documentation and benchmarking
//! (RFC 5737, RFC 2544) so no real host is ever implicated.

use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};

pub(crate) struct Place {
    pub city: &'static str,
    pub state: &'static str,
    pub country: &'static str,
    pub postal_code: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub timezone: &'static str,
}

impl Place {
    /// Okta's `geographicalContext` object.
    pub fn geo_json(&self) -> Value {
        json!({
            "city": self.city,
            "state": self.state,
            "country": self.country,
            "postalCode": self.postal_code,
            "geolocation": {"lat": self.lat, "lon": self.lon},
        })
    }
}

const fn place(
    city: &'static str,
    state: &'static str,
    country: &'static str,
    postal_code: &'static str,
    lat: f64,
    lon: f64,
    timezone: &'static str,
) -> Place {
    Place {
        city,
        state,
        country,
        postal_code,
        lat,
        lon,
        timezone,
    }
}

const US: &str = "United States";

/// Offices; each egresses through its own /28 of 198.51.100.0/24.
pub(crate) const OFFICES: &[Place] = &[
    place(
        "San Francisco",
        "California",
        US,
        "94105",
        37.7897,
        -122.3942,
        "America/Los_Angeles",
    ),
    place(
        "New York",
        "New York",
        US,
        "10013",
        40.7209,
        -74.0047,
        "America/New_York",
    ),
    place(
        "Austin",
        "Texas",
        US,
        "78701",
        30.2711,
        -97.7437,
        "America/Chicago",
    ),
    place(
        "Chicago",
        "Illinois",
        US,
        "60606",
        41.8826,
        -87.6376,
        "America/Chicago",
    ),
];

/// Home cities, grouped by the office they commute to (same index), plus remote workers.
pub(crate) const HOMES: &[&[Place]] = &[
    &[
        place(
            "Oakland",
            "California",
            US,
            "94612",
            37.8044,
            -122.2712,
            "America/Los_Angeles",
        ),
        place(
            "San Jose",
            "California",
            US,
            "95113",
            37.3382,
            -121.8863,
            "America/Los_Angeles",
        ),
        place(
            "Berkeley",
            "California",
            US,
            "94704",
            37.8716,
            -122.2727,
            "America/Los_Angeles",
        ),
        place(
            "Daly City",
            "California",
            US,
            "94014",
            37.6879,
            -122.4702,
            "America/Los_Angeles",
        ),
    ],
    &[
        place(
            "Brooklyn",
            "New York",
            US,
            "11201",
            40.6943,
            -73.9903,
            "America/New_York",
        ),
        place(
            "Jersey City",
            "New Jersey",
            US,
            "07302",
            40.7178,
            -74.0431,
            "America/New_York",
        ),
        place(
            "Hoboken",
            "New Jersey",
            US,
            "07030",
            40.7440,
            -74.0324,
            "America/New_York",
        ),
    ],
    &[
        place(
            "Round Rock",
            "Texas",
            US,
            "78664",
            30.5083,
            -97.6789,
            "America/Chicago",
        ),
        place(
            "Pflugerville",
            "Texas",
            US,
            "78660",
            30.4394,
            -97.6200,
            "America/Chicago",
        ),
    ],
    &[
        place(
            "Evanston",
            "Illinois",
            US,
            "60201",
            42.0451,
            -87.6877,
            "America/Chicago",
        ),
        place(
            "Oak Park",
            "Illinois",
            US,
            "60302",
            41.8850,
            -87.7845,
            "America/Chicago",
        ),
    ],
    &[
        place(
            "Denver",
            "Colorado",
            US,
            "80202",
            39.7392,
            -104.9903,
            "America/Denver",
        ),
        place(
            "Portland",
            "Oregon",
            US,
            "97204",
            45.5152,
            -122.6784,
            "America/Los_Angeles",
        ),
        place(
            "Atlanta",
            "Georgia",
            US,
            "30303",
            33.7490,
            -84.3880,
            "America/New_York",
        ),
        place(
            "Boston",
            "Massachusetts",
            US,
            "02108",
            42.3601,
            -71.0589,
            "America/New_York",
        ),
        place(
            "Raleigh",
            "North Carolina",
            US,
            "27601",
            35.7796,
            -78.6382,
            "America/New_York",
        ),
    ],
];

/// An autonomous system as Okta's `securityContext` reports it.
pub(crate) struct Isp {
    pub as_number: u32,
    pub as_org: &'static str,
    pub isp: &'static str,
    pub domain: &'static str,
}

impl Isp {
    pub fn security_context(&self, is_proxy: bool) -> Value {
        json!({
            "asNumber": self.as_number,
            "asOrg": self.as_org,
            "isp": self.isp,
            "domain": self.domain,
            "isProxy": is_proxy,
        })
    }
}

pub(crate) const OFFICE_ISP: Isp = Isp {
    as_number: 6461,
    as_org: "zayo bandwidth",
    isp: "zayo bandwidth",
    domain: "zayo.com",
};

pub(crate) const HOME_ISPS: &[Isp] = &[
    Isp {
        as_number: 7922,
        as_org: "comcast cable communications, llc",
        isp: "comcast cable communications llc",
        domain: "comcast.net",
    },
    Isp {
        as_number: 7018,
        as_org: "at&t corp.",
        isp: "at&t services inc",
        domain: "sbcglobal.net",
    },
    Isp {
        as_number: 701,
        as_org: "verizon business",
        isp: "verizon fios",
        domain: "verizon.net",
    },
    Isp {
        as_number: 20115,
        as_org: "charter communications",
        isp: "spectrum",
        domain: "spectrum.com",
    },
    Isp {
        as_number: 21928,
        as_org: "t-mobile usa, inc.",
        isp: "t-mobile usa inc.",
        domain: "tmodns.net",
    },
];

pub(crate) struct UserAgent {
    pub raw: &'static str,
    pub os: &'static str,
    pub browser: &'static str,
    /// Okta's `client.device`: "Computer", "Mobile" or "Unknown".
    pub device: &'static str,
}

const fn ua(
    raw: &'static str,
    os: &'static str,
    browser: &'static str,
    device: &'static str,
) -> UserAgent {
    UserAgent {
        raw,
        os,
        browser,
        device,
    }
}

pub(crate) const DESKTOP_AGENTS: &[UserAgent] = &[
    ua(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "Windows 10",
        "CHROME",
        "Computer",
    ),
    ua(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
        "Windows 10",
        "EDGE_CHROMIUM",
        "Computer",
    ),
    ua(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36",
        "Mac OS X",
        "CHROME",
        "Computer",
    ),
    ua(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mac OS X",
        "SAFARI",
        "Computer",
    ),
    ua(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Windows 10",
        "FIREFOX",
        "Computer",
    ),
];

/// Index 0 is an iPhone, index 1 an Android phone; factors pick the matching one.
pub(crate) const MOBILE_AGENTS: &[UserAgent] = &[
    ua(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "iOS",
        "MOBILE_SAFARI",
        "Mobile",
    ),
    ua(
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
        "Android",
        "CHROME",
        "Mobile",
    ),
];

pub(crate) const ATTACK_AGENTS: &[UserAgent] = &[
    ua("python-requests/2.31.0", "Unknown", "UNKNOWN", "Unknown"),
    ua(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
        "Linux",
        "CHROME",
        "Computer",
    ),
    ua("curl/8.4.0", "Unknown", "UNKNOWN", "Unknown"),
];

/// A hosting or proxy network abroad that sprays passwords.
pub(crate) struct Attacker {
    pub ip: &'static str,
    pub place: Place,
    pub isp: Isp,
    pub is_proxy: bool,
}

const fn attacker(ip: &'static str, place: Place, isp: Isp, is_proxy: bool) -> Attacker {
    Attacker {
        ip,
        place,
        isp,
        is_proxy,
    }
}

const fn host(as_number: u32, name: &'static str, domain: &'static str) -> Isp {
    Isp {
        as_number,
        as_org: name,
        isp: name,
        domain,
    }
}

pub(crate) const ATTACKERS: &[Attacker] = &[
    attacker(
        "203.0.113.17",
        place(
            "Bucharest",
            "Bucuresti",
            "Romania",
            "010011",
            44.4268,
            26.1025,
            "Europe/Bucharest",
        ),
        host(9009, "m247 europe srl", "m247.com"),
        true,
    ),
    attacker(
        "203.0.113.42",
        place(
            "Sao Paulo",
            "Sao Paulo",
            "Brazil",
            "01000-000",
            -23.5505,
            -46.6333,
            "America/Sao_Paulo",
        ),
        host(14061, "digitalocean, llc", "digitalocean.com"),
        false,
    ),
    attacker(
        "203.0.113.88",
        place(
            "Lagos",
            "Lagos",
            "Nigeria",
            "100001",
            6.5244,
            3.3792,
            "Africa/Lagos",
        ),
        host(37148, "globacom limited", "gloworld.com"),
        false,
    ),
    attacker(
        "203.0.113.103",
        place(
            "Jakarta",
            "Jakarta",
            "Indonesia",
            "10110",
            -6.2088,
            106.8456,
            "Asia/Jakarta",
        ),
        host(20473, "the constant company, llc", "vultr.com"),
        true,
    ),
    attacker(
        "203.0.113.150",
        place(
            "Hanoi",
            "Hanoi",
            "Vietnam",
            "100000",
            21.0278,
            105.8342,
            "Asia/Ho_Chi_Minh",
        ),
        host(45899, "vnpt corp", "vnpt.vn"),
        false,
    ),
    attacker(
        "203.0.113.201",
        place(
            "Frankfurt am Main",
            "Hesse",
            "Germany",
            "60311",
            50.1109,
            8.6821,
            "Europe/Berlin",
        ),
        host(24940, "hetzner online gmbh", "hetzner.com"),
        true,
    ),
    attacker(
        "203.0.113.229",
        place(
            "Amsterdam",
            "North Holland",
            "Netherlands",
            "1012",
            52.3676,
            4.9041,
            "Europe/Amsterdam",
        ),
        host(16276, "ovh sas", "ovh.net"),
        true,
    ),
];

/// An address in the office's egress block.
pub(crate) fn office_ip(office: usize, rng: &mut impl Rng) -> String {
    format!("198.51.100.{}", office * 16 + rng.random_range(1..15))
}

/// A home address in 198.18.0.0/15.
pub(crate) fn home_ip(rng: &mut impl Rng) -> String {
    format!(
        "198.{}.{}.{}",
        rng.random_range(18..20),
        rng.random_range(0..256),
        rng.random_range(1..255)
    )
}

pub(crate) fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("static lists are not empty")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use std::net::Ipv4Addr;

    #[test]
    fn addresses_stay_in_reserved_ranges() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..500 {
            let home: Ipv4Addr = home_ip(&mut rng).parse().unwrap();
            assert!(home.octets()[0] == 198 && (18..20).contains(&home.octets()[1]));
            for office in 0..OFFICES.len() {
                let ip: Ipv4Addr = office_ip(office, &mut rng).parse().unwrap();
                assert_eq!(&ip.octets()[..3], &[198, 51, 100]);
            }
        }
        for a in ATTACKERS {
            let ip: Ipv4Addr = a.ip.parse().unwrap();
            assert_eq!(&ip.octets()[..3], &[203, 0, 113]);
            assert_ne!(a.place.country, US);
        }
        assert_eq!(HOMES.len(), OFFICES.len() + 1);
    }
}
