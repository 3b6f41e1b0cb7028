//! The hash chain: a canonical byte encoding of an entry and the hash that links each record
//! to the one before it.
//!
//! `hash = hex(sha256(prev_hash ‖ seq ‖ "\n" ‖ canonical_entry))`, where `prev_hash` is the
//! previous record's hash as 64 lowercase hex characters ([`GENESIS_HASH`] for the first
//! record) and `seq` is the record's sequence number in decimal. Hashing `seq` is what makes a
//! removed or reordered record visible even when its neighbours are intact.
//!
//! The canonical encoding is written field by field here rather than derived from serde, so
//! renaming, reordering or re-attributing the struct's fields (or a dependency switching on
//! serde_json's `preserve_order`) can never change the hash of a record already written:
//!
//! ```text
//! entry := "accessdesk-audit-entry/1\n" field*      (12 to 15 fields, in the order below)
//! field := name "=" value "\n"
//! value := "n"                                      (absent)
//!        | "s" byte_len ":" utf8_bytes              (text)
//!        | "l" count ":" value*                     (list)
//! ```
//!
//! Fields: time, agent, action, target_id, target_login, ticket, checklist (list of text),
//! evidence (list of lists: kind, subject_login, factor_id, transaction_id, result, at),
//! idp_request_id, outcome, error, note. Times are RFC 3339 in UTC with nine fractional
//! digits and `Z` ([`format_time`]); the outcome is its [`Outcome::as_str`] name. Length
//! prefixes make the encoding unambiguous without any escaping rules.
//!
//! Fields added later follow, each written only when it holds something, so an entry
//! without them (every record written before they existed included) encodes byte for byte
//! as it always did and old hashes still match; field names keep the two cases apart:
//! `org` (text) when set, then `factors_removed` (list of text) when not empty, then
//! `ticket_check` (list: system, system_id, number, state, open as `true`/`false`, caller
//! matched as `yes`/`no` or absent) when set.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use super::record::{AuditEntry, Evidence, Outcome};

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const HEADER: &str = "accessdesk-audit-entry/1\n";

/// The one time format of the log: fixed width, so stored times also sort as text.
pub fn format_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// The bytes of `entry` that the hash covers (format in the module docs).
pub fn canonical_entry(entry: &AuditEntry) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(HEADER.as_bytes());
    let mut enc = Encoder(&mut out);
    enc.field("time", |e| e.text(&format_time(entry.time)));
    enc.field("agent", |e| e.text(&entry.agent));
    enc.field("action", |e| e.text(&entry.action));
    enc.field("target_id", |e| e.opt(entry.target_id.as_deref()));
    enc.field("target_login", |e| e.opt(entry.target_login.as_deref()));
    enc.field("ticket", |e| e.opt(entry.ticket.as_deref()));
    enc.field("checklist", |e| {
        e.list(&entry.checklist, |e, item| e.text(item));
    });
    enc.field("evidence", |e| e.list(&entry.evidence, evidence));
    enc.field("idp_request_id", |e| e.opt(entry.idp_request_id.as_deref()));
    enc.field("outcome", |e| e.text(outcome(entry.outcome)));
    enc.field("error", |e| e.opt(entry.error.as_deref()));
    enc.field("note", |e| e.opt(entry.note.as_deref()));
    if let Some(org) = &entry.org {
        enc.field("org", |e| e.text(org));
    }
    if !entry.factors_removed.is_empty() {
        enc.field("factors_removed", |e| {
            e.list(&entry.factors_removed, |e, item| e.text(item));
        });
    }
    if let Some(t) = &entry.ticket_check {
        let values = [
            Some(t.system.as_str()),
            Some(t.system_id.as_str()),
            Some(t.number.as_str()),
            Some(t.state.as_str()),
            Some(if t.open { "true" } else { "false" }),
            t.caller_matched.map(|m| if m { "yes" } else { "no" }),
        ];
        enc.field("ticket_check", |e| e.list(&values, |e, v| e.opt(*v)));
    }
    out
}

fn evidence(e: &mut Encoder<'_>, ev: &Evidence) {
    let at = ev.at.map(format_time);
    let values = [
        Some(ev.kind.as_str()),
        ev.subject_login.as_deref(),
        ev.factor_id.as_deref(),
        ev.transaction_id.as_deref(),
        Some(ev.result.as_str()),
        at.as_deref(),
    ];
    e.list(&values, |e, v| e.opt(*v));
}

/// Spelled out here (not `as_str`) so a rename elsewhere cannot silently change old hashes.
fn outcome(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Succeeded => "succeeded",
        Outcome::Failed => "failed",
        Outcome::Refused => "refused",
    }
}

struct Encoder<'a>(&'a mut Vec<u8>);

impl Encoder<'_> {
    fn field(&mut self, name: &str, value: impl FnOnce(&mut Self)) {
        self.0.extend_from_slice(name.as_bytes());
        self.0.push(b'=');
        value(self);
        self.0.push(b'\n');
    }

    fn text(&mut self, s: &str) {
        self.0
            .extend_from_slice(format!("s{}:", s.len()).as_bytes());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.0.push(b'n'),
        }
    }

    fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        self.0
            .extend_from_slice(format!("l{}:", items.len()).as_bytes());
        for it in items {
            item(self, it);
        }
    }
}

/// The hash of the record at `seq` holding `entry`, chained to `prev_hash`.
pub fn record_hash(prev_hash: &str, seq: i64, entry: &AuditEntry) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(seq.to_string().as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical_entry(entry));
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AuditEntry {
        let mut entry = AuditEntry::new(
            "2024-05-01T09:00:00.5Z".parse().unwrap(),
            "alice",
            "reset_factor",
            Outcome::Succeeded,
        );
        entry.target_login = Some("bob@example.com".into());
        entry.ticket = Some("INC0012345".into());
        entry.checklist = vec!["employee_id".into(), "manager".into()];
        entry.evidence = vec![Evidence {
            kind: "push".into(),
            subject_login: Some("bob@example.com".into()),
            factor_id: Some("opf1".into()),
            transaction_id: None,
            result: "SUCCESS".into(),
            at: Some("2024-05-01T08:59:40Z".parse().unwrap()),
        }];
        entry
    }

    /// Pins the format: changing it would make every existing log fail verification.
    #[test]
    fn canonical_encoding_is_pinned() {
        let text = String::from_utf8(canonical_entry(&sample())).unwrap();
        assert_eq!(
            text,
            "accessdesk-audit-entry/1\n\
             time=s30:2024-05-01T09:00:00.500000000Z\n\
             agent=s5:alice\n\
             action=s12:reset_factor\n\
             target_id=n\n\
             target_login=s15:bob@example.com\n\
             ticket=s10:INC0012345\n\
             checklist=l2:s11:employee_ids7:manager\n\
             evidence=l1:l6:s4:pushs15:bob@example.coms4:opf1ns7:SUCCESSs30:2024-05-01T08:59:40.000000000Z\n\
             idp_request_id=n\n\
             outcome=s9:succeeded\n\
             error=n\n\
             note=n\n"
        );
    }

    /// The expected value was computed independently with `sha256sum` over the same bytes.
    #[test]
    fn record_hash_is_pinned() {
        assert_eq!(
            record_hash(GENESIS_HASH, 1, &sample()),
            "4d95a9719ca95b550867440b67d6c63846f105c2bd61ac73d81a659c63a42970"
        );
    }

    fn with_org_and_factors() -> AuditEntry {
        let mut entry = sample();
        entry.org = Some("https://acme.okta.com/".into());
        entry.factors_removed = vec![
            "Okta Verify push [opf1]".into(),
            "Okta Verify code [ost1]".into(),
        ];
        entry
    }

    /// The fields added in version 2 follow `note`; without them the bytes are version 1's.
    #[test]
    fn org_and_removed_factors_are_encoded_after_the_first_twelve_fields() {
        let old = String::from_utf8(canonical_entry(&sample())).unwrap();
        let new = String::from_utf8(canonical_entry(&with_org_and_factors())).unwrap();
        assert_eq!(
            new,
            format!(
                "{old}org=s22:https://acme.okta.com/\n\
                 factors_removed=l2:s23:Okta Verify push [opf1]s23:Okta Verify code [ost1]\n"
            )
        );
        let mut only_factors = with_org_and_factors();
        only_factors.org = None;
        let text = String::from_utf8(canonical_entry(&only_factors)).unwrap();
        assert!(text.starts_with(&old) && text[old.len()..].starts_with("factors_removed="));
    }

    /// The ticket check (version 4) follows everything else, only when there is one.
    #[test]
    fn a_ticket_check_is_encoded_last_with_its_system_id() {
        let before = String::from_utf8(canonical_entry(&with_org_and_factors())).unwrap();
        let mut entry = with_org_and_factors();
        entry.ticket_check = Some(crate::model::TicketFacts {
            system: "servicenow".into(),
            system_id: "9d385017c611228701d22104cc95c371".into(),
            number: "INC0010002".into(),
            state: "New".into(),
            open: true,
            caller_matched: Some(true),
        });
        let text = String::from_utf8(canonical_entry(&entry)).unwrap();
        assert_eq!(
            text,
            format!(
                "{before}ticket_check=l6:s10:servicenows32:9d385017c611228701d22104cc95c371\
                 s10:INC0010002s3:News4:trues3:yes\n"
            )
        );
        let mut unchecked = entry.clone();
        unchecked.ticket_check.as_mut().unwrap().caller_matched = None;
        assert!(
            String::from_utf8(canonical_entry(&unchecked))
                .unwrap()
                .ends_with("s4:truen\n")
        );
        assert_ne!(
            record_hash(GENESIS_HASH, 1, &entry),
            record_hash(GENESIS_HASH, 1, &unchecked)
        );
    }

    /// Computed independently with `sha256sum` over the same bytes.
    #[test]
    fn record_hash_with_org_and_factors_is_pinned() {
        assert_eq!(
            record_hash(GENESIS_HASH, 1, &with_org_and_factors()),
            "697c3dc94c10edd6a8c5d404e272f6264dd23fb7b1db7aefb4e73e7d8c7a3e1d"
        );
    }

    #[test]
    fn hash_covers_seq_and_prev_hash() {
        let entry = sample();
        let h = record_hash(GENESIS_HASH, 1, &entry);
        assert_eq!(h.len(), 64);
        assert_ne!(h, record_hash(GENESIS_HASH, 2, &entry));
        assert_ne!(h, record_hash(&"1".repeat(64), 1, &entry));
    }

    #[test]
    fn encoding_is_unambiguous() {
        let base = AuditEntry::new(
            "2024-05-01T09:00:00Z".parse().unwrap(),
            "ab",
            "c",
            Outcome::Failed,
        );
        let enc = |f: &dyn Fn(&mut AuditEntry)| {
            let mut e = base.clone();
            f(&mut e);
            canonical_entry(&e)
        };
        let shifted = enc(&|e| {
            e.agent = "a".into();
            e.action = "bc".into();
        });
        assert_ne!(canonical_entry(&base), shifted);
        assert_ne!(
            enc(&|e| e.note = None),
            enc(&|e| e.note = Some(String::new()))
        );
        assert_ne!(enc(&|e| e.note = Some("n".into())), enc(&|e| e.note = None));
        assert_ne!(
            enc(&|e| e.checklist = vec!["a,b".into()]),
            enc(&|e| e.checklist = vec!["a".into(), "b".into()])
        );
        assert_ne!(
            enc(&|e| e.checklist = vec!["s1:a".into()]),
            enc(&|e| e.checklist = vec!["s".into(), "a".into()])
        );
        assert_ne!(
            enc(&|e| e.outcome = Outcome::Refused),
            enc(&|e| e.outcome = Outcome::Failed)
        );
        assert_ne!(
            enc(&|e| e.org = Some(String::new())),
            enc(&|e| e.org = None)
        );
        assert_ne!(
            enc(&|e| e.note = Some("x\norg=s1:y".into())),
            enc(&|e| {
                e.note = Some("x".into());
                e.org = Some("y".into());
            })
        );
    }

    #[test]
    fn times_are_fixed_width_utc() {
        let t: DateTime<Utc> = "2024-05-01T11:00:00+02:00".parse().unwrap();
        assert_eq!(format_time(t), "2024-05-01T09:00:00.000000000Z");
    }
}
