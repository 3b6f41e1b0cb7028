//! What the help-desk channel's webhook is sent: a Slack incoming-webhook message (`text` as
//! the notification fallback plus Block Kit `blocks`) or a Teams Workflows message (one
//! Adaptive Card 1.4 attachment). Pure functions of the notice, so tests can read them.

use serde_json::{Value, json};

use crate::notify::Notice;

/// Block Kit limits: a header's text, a section's text, a field's text, fields per section.
const SLACK_HEADER_MAX: usize = 150;
const SLACK_SECTION_MAX: usize = 3000;
const SLACK_FIELD_MAX: usize = 2000;
const SLACK_FIELDS_PER_SECTION: usize = 10;

/// The Slack message: `text` (subject and body, what notifications show), then a header with
/// the subject, a section with the body, sections of fields for the facts, the links, and a
/// context line saying what sent it.
pub fn slack_payload(notice: &Notice) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(&notice.subject, SLACK_HEADER_MAX), "emoji": true},
    })];
    if !notice.text.trim().is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": truncate(&slack_escape(&notice.text), SLACK_SECTION_MAX)},
        }));
    }
    for chunk in notice.facts.chunks(SLACK_FIELDS_PER_SECTION) {
        let fields: Vec<Value> = chunk
            .iter()
            .map(|(label, value)| {
                let text = format!("*{}*\n{}", slack_escape(label), slack_escape(value));
                json!({"type": "mrkdwn", "text": truncate(&text, SLACK_FIELD_MAX)})
            })
            .collect();
        blocks.push(json!({"type": "section", "fields": fields}));
    }
    if !notice.links.is_empty() {
        let links: Vec<String> = notice
            .links
            .iter()
            .map(|l| format!("<{}|{}>", l.url, slack_escape(&l.label)))
            .collect();
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": truncate(&links.join("  ·  "), SLACK_SECTION_MAX)},
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": context_line(notice)}],
    }));
    json!({
        "text": fallback_text(notice),
        "blocks": blocks,
    })
}

/// The Teams Workflows message: the title, the body (wrapped) and the facts as a FactSet,
/// the links as buttons.
pub fn teams_payload(notice: &Notice) -> Value {
    let mut body = vec![json!({
        "type": "TextBlock",
        "text": notice.subject,
        "weight": "Bolder",
        "size": "Medium",
        "wrap": true,
    })];
    if !notice.text.trim().is_empty() {
        body.push(json!({"type": "TextBlock", "text": notice.text, "wrap": true}));
    }
    if !notice.facts.is_empty() {
        let facts: Vec<Value> = notice
            .facts
            .iter()
            .map(|(label, value)| json!({"title": label, "value": value}))
            .collect();
        body.push(json!({"type": "FactSet", "facts": facts}));
    }
    body.push(json!({
        "type": "TextBlock",
        "text": context_line(notice),
        "isSubtle": true,
        "size": "Small",
        "wrap": true,
    }));
    let mut card = json!({
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": body,
    });
    if !notice.links.is_empty() {
        let actions: Vec<Value> = notice
            .links
            .iter()
            .map(|l| json!({"type": "Action.OpenUrl", "title": l.label, "url": l.url}))
            .collect();
        card["actions"] = Value::Array(actions);
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }],
    })
}

/// What a notification shows when blocks are not rendered.
fn fallback_text(notice: &Notice) -> String {
    if notice.text.trim().is_empty() {
        notice.subject.clone()
    } else {
        format!("{}\n{}", notice.subject, notice.text)
    }
}

fn context_line(notice: &Notice) -> String {
    format!(
        "accessdesk · {} · {}",
        notice.kind.as_str(),
        notice.due_at.format("%Y-%m-%d %H:%M UTC")
    )
}

/// Slack's mrkdwn treats `&`, `<` and `>` as control characters: escape them so text from the
/// IdP cannot turn into a link or a mention.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// At most `max` characters, an ellipsis marking the cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::notice::NoticeLink;
    use crate::notify::{ChannelKind, IdempotencyKey, NoticeKind};
    use chrono::{TimeZone, Utc};

    fn alert() -> Notice {
        Notice {
            key: IdempotencyKey::new("desk", NoticeKind::Alert, "burst", "2026-12-02T04:00"),
            kind: NoticeKind::Alert,
            channel: ChannelKind::Webhook,
            user_id: None,
            login: None,
            to: vec![],
            subject: "Lockout burst: 12 in 5 minutes".into(),
            text: "Users <all> & more".into(),
            html: None,
            facts: (0..12)
                .map(|i| (format!("Fact {i}"), format!("value {i}")))
                .collect(),
            links: vec![NoticeLink {
                label: "Open".into(),
                url: "https://desk.example.com/x".into(),
            }],
            due_at: Utc.with_ymd_and_hms(2026, 12, 2, 4, 0, 0).unwrap(),
            instructions_only: false,
        }
    }

    #[test]
    fn slack_blocks_escape_text_and_split_fields_by_ten() {
        let payload = slack_payload(&alert());
        assert_eq!(
            payload["text"],
            "Lockout burst: 12 in 5 minutes\nUsers <all> & more"
        );
        let blocks = payload["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["type"], "header");
        assert_eq!(blocks[1]["text"]["text"], "Users &lt;all&gt; &amp; more");
        assert_eq!(blocks[2]["fields"].as_array().unwrap().len(), 10);
        assert_eq!(blocks[3]["fields"].as_array().unwrap().len(), 2);
        assert_eq!(blocks[3]["fields"][1]["text"], "*Fact 11*\nvalue 11");
        assert_eq!(
            blocks[4]["text"]["text"],
            "<https://desk.example.com/x|Open>"
        );
        assert_eq!(blocks[5]["type"], "context");
    }

    #[test]
    fn teams_card_has_title_text_and_facts() {
        let payload = teams_payload(&alert());
        assert_eq!(payload["type"], "message");
        let attachment = &payload["attachments"][0];
        assert_eq!(
            attachment["contentType"],
            "application/vnd.microsoft.card.adaptive"
        );
        let card = &attachment["content"];
        assert_eq!(card["version"], "1.4");
        assert_eq!(card["body"][0]["text"], "Lockout burst: 12 in 5 minutes");
        assert_eq!(card["body"][1]["wrap"], true);
        assert_eq!(card["body"][2]["facts"].as_array().unwrap().len(), 12);
        assert_eq!(card["actions"][0]["type"], "Action.OpenUrl");
    }

    #[test]
    fn long_text_is_cut_to_slacks_limits() {
        let mut notice = alert();
        notice.subject = "x".repeat(400);
        let payload = slack_payload(&notice);
        let header = payload["blocks"][0]["text"]["text"].as_str().unwrap();
        assert_eq!(header.chars().count(), SLACK_HEADER_MAX);
        assert!(header.ends_with('…'));
    }
}
