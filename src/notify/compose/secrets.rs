//! The last check on a composed notice: nothing in it looks like a secret (a token, a
//! password, a reset URL, a one-time code). The answer links are left out of the scan: their
//! tokens are ours and meant for the recipient.

use crate::audit::redact::find_secret;
use crate::notify::Notice;

/// The kind of secret `notice` seems to carry in its subject, text, HTML or facts, if any.
pub fn find_secret_in(notice: &Notice) -> Option<&'static str> {
    let without_links = |text: &str| {
        notice
            .links
            .iter()
            .fold(text.to_string(), |t, link| t.replace(&link.url, ""))
    };
    let facts = notice
        .facts
        .iter()
        .flat_map(|(label, value)| [label.as_str(), value.as_str()]);
    [notice.subject.as_str(), notice.text.as_str()]
        .into_iter()
        .chain(notice.html.as_deref())
        .chain(facts)
        .find_map(|text| find_secret(&without_links(text)))
}
