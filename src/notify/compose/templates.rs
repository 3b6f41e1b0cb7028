//! The templates: built in (`assets/templates/{kind}.txt` and `.html`), each replaceable by a
//! file of the same name in `notices.templates_dir`. A `.txt` template's first line is the
//! subject (`Subject: …`), then a blank line, then the body. Overrides are read and checked
//! once, at start: an unknown placeholder or an unclosed `{{` is an error naming the file.

use std::path::{Path, PathBuf};

use super::ComposeError;
use super::render::placeholders;
use crate::notify::NoticeKind;

/// One kind's templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindTemplates {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Every templated kind's templates, in `NoticeKind::TEMPLATED` order.
#[derive(Debug, Clone)]
pub struct Templates(Vec<KindTemplates>);

/// Placeholders every template may use.
const COMMON: [&str; 3] = ["name", "desk_name", "desk_contact"];

/// The placeholders a kind's templates may use, besides [`COMMON`].
pub fn allowed(kind: NoticeKind) -> &'static [&'static str] {
    match kind {
        NoticeKind::LockoutNotice => &["login", "when", "details", "unlock", "answers"],
        NoticeKind::PasswordReminder => &[
            "login",
            "expires_in",
            "expires_on",
            "how_to_change",
            "answers",
        ],
        NoticeKind::PasswordExpired => &["login", "expired_on", "how_to_change", "answers"],
        NoticeKind::ContractorDigest => &["date", "contractors", "more", "how_to", "answers"],
        NoticeKind::ActionNotice => &["login", "what", "details", "answers"],
        NoticeKind::ManagerActionNotice => {
            &["user_name", "user_login", "what", "details", "answers"]
        }
        NoticeKind::Instructions => &["title", "system", "steps", "kb"],
        NoticeKind::Alert => &["title", "facts"],
        // Written from the audit record (`tickets::work_note`), never from a template.
        NoticeKind::TicketNote => &[],
    }
}

fn built_in(kind: NoticeKind) -> (&'static str, &'static str) {
    macro_rules! pair {
        ($name:literal) => {
            (
                include_str!(concat!("../../../assets/templates/", $name, ".txt")),
                include_str!(concat!("../../../assets/templates/", $name, ".html")),
            )
        };
    }
    match kind {
        NoticeKind::LockoutNotice => pair!("lockout_notice"),
        NoticeKind::PasswordReminder => pair!("password_reminder"),
        NoticeKind::PasswordExpired => pair!("password_expired"),
        NoticeKind::ContractorDigest => pair!("contractor_digest"),
        NoticeKind::ActionNotice => pair!("action_notice"),
        NoticeKind::ManagerActionNotice => pair!("manager_action_notice"),
        NoticeKind::Instructions => pair!("instructions"),
        NoticeKind::Alert => pair!("alert"),
        NoticeKind::TicketNote => ("", ""),
    }
}

impl Templates {
    /// The built-in templates with the overrides found in `dir` (when given) in their place.
    pub fn load(dir: Option<&Path>) -> Result<Templates, ComposeError> {
        let mut all = Vec::with_capacity(NoticeKind::TEMPLATED.len());
        for kind in NoticeKind::TEMPLATED {
            let (text, html) = built_in(kind);
            let name = |ext: &str| PathBuf::from(format!("{}.{ext}", kind.as_str()));
            let pick = |ext: &str, built: &str| -> Result<(PathBuf, String), ComposeError> {
                let (path, template) = read_override(dir, &name(ext))?
                    .unwrap_or_else(|| (name(ext), built.to_string()));
                let template = checked(kind, &path, template)?;
                Ok((path, template))
            };
            let (text_path, text) = pick("txt", text)?;
            let (_, html) = pick("html", html)?;
            let (subject, body) = split_subject(&text_path, &text)?;
            all.push(KindTemplates {
                subject,
                text: body,
                html,
            });
        }
        Ok(Templates(all))
    }

    pub fn of(&self, kind: NoticeKind) -> &KindTemplates {
        let i = NoticeKind::TEMPLATED
            .iter()
            .position(|k| *k == kind)
            .unwrap_or_default();
        &self.0[i]
    }
}

/// The override file `name` in `dir`, if there is one.
fn read_override(
    dir: Option<&Path>,
    name: &Path,
) -> Result<Option<(PathBuf, String)>, ComposeError> {
    let Some(dir) = dir else { return Ok(None) };
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((path, text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ComposeError::Template {
            message: format!("{e} (fix its permissions or remove it to use the built-in one)"),
            path,
        }),
    }
}

/// `template` if every placeholder in it is one `kind` fills.
fn checked(kind: NoticeKind, path: &Path, template: String) -> Result<String, ComposeError> {
    let fail = |message: String| ComposeError::Template {
        path: path.to_path_buf(),
        message,
    };
    let names = placeholders(&template)
        .map_err(|at| fail(format!("a {{{{ at byte {at} is never closed with }}}}")))?;
    let known = |n: &str| COMMON.contains(&n) || allowed(kind).contains(&n);
    if let Some(unknown) = names.into_iter().find(|n| !known(n)) {
        let mut choices: Vec<&str> = COMMON.to_vec();
        choices.extend(allowed(kind));
        return Err(fail(format!(
            "unknown placeholder {{{{{unknown}}}}}; a {} template can use {}",
            kind.as_str(),
            choices
                .iter()
                .map(|c| format!("{{{{{c}}}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(template)
}

/// The `Subject: …` first line and the body after it.
fn split_subject(path: &Path, text: &str) -> Result<(String, String), ComposeError> {
    let (first, body) = text.split_once('\n').unwrap_or((text, ""));
    let subject = first
        .strip_prefix("Subject:")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ComposeError::Template {
            path: path.to_path_buf(),
            message: "the first line must be the subject: `Subject: …`".into(),
        })?;
    Ok((
        subject.to_string(),
        body.trim_start_matches('\n').to_string(),
    ))
}
