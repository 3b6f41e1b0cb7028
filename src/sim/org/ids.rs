//! Identifiers shaped like Okta's: 20-character object ids with a type prefix,
//! request ids, error ids and UUIDs, all drawn from the caller's RNG so a
//! seeded organisation is reproducible.

use chrono::{DateTime, SecondsFormat, Utc};
use rand::Rng;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

pub(crate) fn alnum(rng: &mut impl Rng, len: usize) -> String {
    (0..len)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect()
}

/// `00u` + 17 characters for users, `00g` for groups, `opf` for push factors...
pub(crate) fn okta_id(rng: &mut impl Rng, prefix: &str) -> String {
    format!("{prefix}{}", alnum(rng, 20 - prefix.len()))
}

/// A value for `X-Okta-Request-Id` / `debugData.requestId`, e.g. `Wij-AJeCbHF7In2MKNaOpAAAEC4`.
pub(crate) fn request_id(rng: &mut impl Rng) -> String {
    format!("{}-{}AAA{}", alnum(rng, 3), alnum(rng, 18), alnum(rng, 2))
}

/// An `errorId` like Okta's (`oae` + 22 characters).
pub(crate) fn error_id(rng: &mut impl Rng) -> String {
    format!("oae{}", alnum(rng, 22))
}

/// A version-4 UUID string built from the RNG (so history is reproducible).
pub(crate) fn uuid(rng: &mut impl Rng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// A version-4-shaped UUID derived from a kind and a stable id (SHA-256), so PingOne's view of
/// the organisation gets fixed UUIDs without drawing from the seeded RNG (which would change
/// every Okta id after it).
pub(crate) fn derived_uuid(kind: &str, id: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{kind}\0{id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A 64-bit number derived from `text` (SHA-256): for details that vary "at random" but must
/// not draw from the seeded RNG, whose draws fix every id and event after them.
pub(crate) fn stable_hash(text: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes)
}

/// Okta's timestamp format: ISO 8601 with milliseconds and `Z`.
pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Drops sub-millisecond precision so a timestamp survives a trip through JSON unchanged.
pub(crate) fn trunc_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ids_have_okta_shapes() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let id = okta_id(&mut rng, "00u");
        assert_eq!(id.len(), 20);
        assert!(id.starts_with("00u") && id.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(request_id(&mut rng).len(), 27);
        assert_eq!(error_id(&mut rng).len(), 25);
        let u = uuid(&mut rng);
        assert_eq!(uuid::Uuid::parse_str(&u).unwrap().get_version_num(), 4);
    }

    #[test]
    fn derived_uuids_are_stable_and_distinct() {
        let a = derived_uuid("user", "00u1");
        assert_eq!(a, derived_uuid("user", "00u1"));
        assert_ne!(a, derived_uuid("device", "00u1"));
        assert_ne!(a, derived_uuid("user", "00u2"));
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 4);
    }

    #[test]
    fn iso_keeps_milliseconds() {
        let t = DateTime::parse_from_rfc3339("2024-08-13T15:58:20.353912Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(iso(t), "2024-08-13T15:58:20.353Z");
        assert_eq!(iso(trunc_ms(t)), iso(t));
        assert_eq!(trunc_ms(t).timestamp_subsec_nanos(), 353_000_000);
    }
}
