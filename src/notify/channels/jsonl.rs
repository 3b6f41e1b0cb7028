//! JSON lines: one object per delivered notice, flushed at once, on stdout by default (for
//! scripts and tests). A reader that went away (broken pipe) will not come back: permanent.

use serde::Serialize;
use std::io::Write;
use std::sync::{Arc, Mutex};

use super::{Channel, DeliveryError};
use crate::notify::ChannelKind;
use crate::outbox::OutboxItem;

/// Where the lines go, shared by every clone of the channel.
pub type SharedWriter = Arc<Mutex<Box<dyn Write + Send>>>;

#[derive(Clone)]
pub struct JsonLinesChannel {
    out: SharedWriter,
    message_id_domain: String,
}

impl std::fmt::Debug for JsonLinesChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLinesChannel").finish_non_exhaustive()
    }
}

/// One line.
#[derive(Serialize)]
struct Line<'a> {
    key: String,
    message_id: String,
    kind: &'static str,
    channel: &'static str,
    to: &'a [String],
    subject: &'a str,
    text: &'a str,
    links: Vec<LinkOut<'a>>,
    facts: Vec<FactOut<'a>>,
    due_at: chrono::DateTime<chrono::Utc>,
    /// This delivery's attempt number (1 for the first).
    attempt: u32,
}

#[derive(Serialize)]
struct LinkOut<'a> {
    label: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct FactOut<'a> {
    label: &'a str,
    value: &'a str,
}

impl JsonLinesChannel {
    /// Lines on stdout.
    pub fn stdout(message_id_domain: impl Into<String>) -> JsonLinesChannel {
        JsonLinesChannel::new(
            Arc::new(Mutex::new(Box::new(std::io::stdout()))),
            message_id_domain,
        )
    }

    /// Lines to `out` (a file, a pipe, a buffer in a test).
    pub fn new(out: SharedWriter, message_id_domain: impl Into<String>) -> JsonLinesChannel {
        JsonLinesChannel {
            out,
            message_id_domain: message_id_domain.into(),
        }
    }

    /// The line for `item`, without its newline.
    pub fn line(&self, item: &OutboxItem) -> String {
        let n = &item.notice;
        let line = Line {
            key: n.key.as_string(),
            message_id: n.key.message_id(&self.message_id_domain),
            kind: n.kind.as_str(),
            channel: n.channel.as_str(),
            to: &n.to,
            subject: &n.subject,
            text: &n.text,
            links: n
                .links
                .iter()
                .map(|l| LinkOut {
                    label: &l.label,
                    url: &l.url,
                })
                .collect(),
            facts: n
                .facts
                .iter()
                .map(|(label, value)| FactOut { label, value })
                .collect(),
            due_at: n.due_at,
            attempt: item.attempts.saturating_add(1),
        };
        // Strings, numbers and a timestamp only: serialising cannot fail.
        serde_json::to_string(&line).unwrap_or_default()
    }

    fn write_line(&self, line: &str) -> std::io::Result<()> {
        // A poisoned lock only means another writer panicked mid-line; the writer is still
        // usable and the next line starts on its own.
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        out.flush()
    }
}

impl Channel for JsonLinesChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::JsonLines
    }

    async fn deliver(&self, item: &OutboxItem) -> Result<(), DeliveryError> {
        let line = self.line(item);
        self.write_line(&line).map_err(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                DeliveryError::Permanent(
                    "the JSON lines output is closed (broken pipe): nothing reads it any more"
                        .into(),
                )
            } else {
                DeliveryError::Transient(format!("the JSON lines output cannot be written: {e}"))
            }
        })
    }
}
