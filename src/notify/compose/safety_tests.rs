//! Nothing hostile or secret gets through: escaping, stripping, the secret scan, overrides.

use super::tests::{ada, composer, every_notice, instructions, key, lockout, now, settings};
use super::*;
use crate::notify::NoticeKind;
use crate::notify::notice::NoticeLink;

const HOSTILE: &str =
    "<script>alert(1)</script> \u{202E}gnp.exe\u{202C} \u{1b}[31mred\u{1b}[0m & \"x\"";

#[test]
fn hostile_idp_values_are_escaped_and_stripped() {
    let c = composer(settings());
    let mut to = ada();
    to.name = HOSTILE.into();
    let mut event = lockout();
    event.city = Some("<img src=x onerror=alert(2)>".into());
    event.browser = Some("Evil\u{7}\u{8}Browser".into());
    let n = c.lockout_notice(&event, &to, now());
    let html = n.html.as_deref().unwrap();
    for text in [&n.text, html, &n.subject] {
        assert!(!text.contains('\u{1b}'), "no terminal escapes");
        assert!(
            !text.contains('\u{202E}') && !text.contains('\u{202C}'),
            "no bidi controls"
        );
        assert!(!text.contains('\u{7}') && !text.contains('\u{8}'));
    }
    assert!(!html.contains("<script>") && !html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&amp; &quot;x&quot;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(
        n.text
            .contains("Hello <script>alert(1)</script> gnp.exe [31mred[0m")
    );
    assert!(n.text.contains("Device: EvilBrowser on Linux"));
}

#[test]
fn a_subject_is_one_line() {
    let c = composer(settings());
    let mut event = lockout();
    event.login = "ada@example.com\r\nBcc: everyone@example.com".into();
    let n = c.lockout_notice(&event, &ada(), now());
    assert!(!n.subject.contains('\n') && !n.subject.contains('\r'));
}

#[test]
fn no_notice_carries_a_secret() {
    for public_url in [true, false] {
        let mut s = settings();
        if !public_url {
            s.public_url = None;
        }
        let c = composer(s);
        for n in every_notice(&c) {
            assert_eq!(find_secret_in(&n), None, "{:?}", n.kind);
            let blob = format!("{} {} {:?}", n.text, n.html.as_deref().unwrap(), n.facts);
            assert!(!blob.to_lowercase().contains("reset_password"));
        }
    }
}

#[test]
fn the_secret_scan_finds_what_it_should() {
    let c = composer(settings());
    let mut n = c.lockout_notice(&lockout(), &ada(), now());
    assert_eq!(
        find_secret_in(&n),
        None,
        "its own answer links are not secrets"
    );
    n.facts.push(("Code".into(), "Your code is 493817".into()));
    assert!(find_secret_in(&n).is_some());
    n.facts.pop();
    n.html = Some("https://example.okta.com/reset_password/drpQ2Xa".into());
    assert!(find_secret_in(&n).is_some());
    n.html = None;
    n.text.push_str(" https://x.example.com/?token=abcdef");
    n.links.push(NoticeLink {
        label: "Other".into(),
        url: "https://elsewhere.example.com/".into(),
    });
    assert!(find_secret_in(&n).is_some());
}

#[test]
fn an_override_template_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lockout_notice.txt"),
        "Subject: Locked: {{login}}\n\nHi {{ name }}, call {{desk_contact}}.\n{{answers}}\n",
    )
    .unwrap();
    let mut s = settings();
    s.templates_dir = Some(dir.path().to_path_buf());
    let c = Composer::new(s, instructions(), key()).unwrap();
    let n = c.lockout_notice(&lockout(), &ada(), now());
    assert_eq!(n.subject, "Locked: ada@example.com");
    assert!(
        n.text
            .starts_with("Hi Ada Lovelace, call +1 555 0100, helpdesk@example.com.")
    );
    assert!(
        n.text
            .contains("This wasn't me: https://accessdesk.example.com/answer/")
    );
    assert!(
        n.html.unwrap().contains("<b>ada@example.com</b>"),
        "the built-in HTML stays"
    );
}

fn override_error(file: &str, content: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file), content).unwrap();
    let mut s = settings();
    s.templates_dir = Some(dir.path().to_path_buf());
    let err = Composer::new(s, instructions(), key()).unwrap_err();
    let message = err.to_string();
    assert!(message.contains(file), "names the file: {message}");
    message
}

#[test]
fn a_bad_override_is_refused_at_start() {
    let unknown = override_error("password_reminder.html", "<p>{{password}}</p>");
    assert!(
        unknown.contains("unknown placeholder {{password}}"),
        "{unknown}"
    );
    assert!(
        unknown.contains("{{expires_in}}"),
        "lists the choices: {unknown}"
    );
    let other_kind = override_error("alert.txt", "Subject: {{title}}\n\n{{login}}");
    assert!(other_kind.contains("{{login}}"), "{other_kind}");
    let unclosed = override_error("instructions.html", "<p>{{title</p>");
    assert!(unclosed.contains("never closed"), "{unclosed}");
    let no_subject = override_error("lockout_notice.txt", "Hello {{name}}\n");
    assert!(no_subject.contains("Subject:"), "{no_subject}");
}

#[test]
fn every_templated_kind_has_text_and_html() {
    let c = composer(settings());
    let all = every_notice(&c);
    assert_eq!(all.len(), NoticeKind::TEMPLATED.len());
    for n in all {
        assert!(!n.subject.is_empty() && !n.text.is_empty());
        assert!(n.html.as_deref().unwrap().starts_with("<!DOCTYPE html>"));
        assert!(!n.text.contains("{{") && !n.html.as_deref().unwrap().contains("{{"));
    }
}
