//! Filling a template: `{{name}}` is replaced by the value of that name, escaped for HTML in
//! `.html` templates and stripped of control characters in `.txt` ones. Every value from the
//! IdP or the config goes through here, so a hostile display name cannot inject markup,
//! terminal escapes or reordering (bidi) characters.

/// One placeholder's value.
#[derive(Debug, Clone)]
pub enum Value {
    /// A single value (a name, a date): stripped in text, escaped in HTML.
    Text(String),
    /// Paragraphs, lists and links built by [`Block`] (already safe in both forms).
    Block(Block),
}

/// The values of one notice's placeholders.
#[derive(Debug, Clone, Default)]
pub struct Vars(Vec<(&'static str, Value)>);

impl Vars {
    pub fn text(&mut self, name: &'static str, value: impl Into<String>) -> &mut Self {
        self.0.push((name, Value::Text(value.into())));
        self
    }

    pub fn block(&mut self, name: &'static str, block: Block) -> &mut Self {
        self.0.push((name, Value::Block(block)));
        self
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// Formatted content in both forms at once, each piece escaped as it is added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    text: Vec<String>,
    html: Vec<String>,
}

impl Block {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn paragraph(mut self, line: &str) -> Self {
        self.text.push(clean_text(line));
        self.html.push(format!("<p>{}</p>", escape_html(line)));
        self
    }

    pub fn heading(mut self, line: &str) -> Self {
        // A blank line before it in text, where it is the only sign of a new section.
        let gap = if self.text.is_empty() { "" } else { "\n" };
        self.text.push(format!("{gap}{}", clean_text(line)));
        self.html.push(format!(
            "<h3 style=\"margin:16px 0 4px\">{}</h3>",
            escape_html(line)
        ));
        self
    }

    /// A bulleted list (nothing when `items` is empty).
    pub fn list(self, items: &[String]) -> Self {
        self.items(items, "ul", |_| "  - ".to_string())
    }

    /// A numbered list (nothing when `items` is empty).
    pub fn steps(self, items: &[String]) -> Self {
        self.items(items, "ol", |i| format!("  {}. ", i + 1))
    }

    fn items(mut self, items: &[String], tag: &str, marker: impl Fn(usize) -> String) -> Self {
        if items.is_empty() {
            return self;
        }
        let text: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(i, item)| format!("{}{}", marker(i), clean_text(item)))
            .collect();
        self.text.push(text.join("\n"));
        let html: String = items
            .iter()
            .map(|item| format!("<li>{}</li>", escape_html(item)))
            .collect();
        self.html.push(format!("<{tag}>{html}</{tag}>"));
        self
    }

    /// A link as "label: url" in text and a link in HTML. Only http(s) URLs become links; any
    /// other is shown as text, so a config value cannot smuggle `javascript:` in.
    pub fn link(mut self, label: &str, url: &str) -> Self {
        self.text
            .push(format!("{}: {}", clean_text(label), clean_text(url)));
        let lower = url.trim().to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            self.html.push(format!(
                "<p><a href=\"{}\" style=\"display:inline-block;padding:8px 14px;\
                 border:1px solid #1a5fb4;border-radius:4px;color:#1a5fb4;\
                 text-decoration:none\">{}</a></p>",
                escape_html(url.trim()),
                escape_html(label)
            ));
        } else {
            self.html.push(format!(
                "<p>{}: {}</p>",
                escape_html(label),
                escape_html(url)
            ));
        }
        self
    }

    /// `other` after this, as a new section (a blank line between them in text).
    pub fn append(mut self, other: Block) -> Self {
        let mut text = other.text.into_iter();
        if let Some(first) = text.next() {
            let gap = if self.text.is_empty() || first.starts_with('\n') {
                ""
            } else {
                "\n"
            };
            self.text.push(format!("{gap}{first}"));
        }
        self.text.extend(text);
        self.html.extend(other.html);
        self
    }

    fn as_text(&self) -> String {
        self.text.join("\n")
    }

    fn as_html(&self) -> String {
        self.html.join("\n")
    }
}

/// Characters that reorder or hide text: bidi embeddings, overrides and isolates, and marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `value` without control characters (newlines kept) and bidi controls.
pub fn clean_text(value: &str) -> String {
    value
        .chars()
        .filter(|&c| c == '\n' || !(c.is_control() || is_bidi_control(c)))
        .collect()
}

/// `value` cleaned as for text, then escaped for HTML text and attribute values.
pub fn escape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in clean_text(value).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
}

/// The names of every `{{placeholder}}` in `template`, or the offset of an unclosed `{{`.
pub fn placeholders(template: &str) -> Result<Vec<&str>, usize> {
    let mut names = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(offset + start)?;
        names.push(after[..end].trim());
        let consumed = start + 2 + end + 2;
        offset += consumed;
        rest = &rest[consumed..];
    }
    Ok(names)
}

/// `template` with every placeholder replaced (an unknown one becomes nothing: templates are
/// checked when loaded, so that does not happen).
pub fn render(template: &str, vars: &Vars, format: Format) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let name = rest[start + 2..start + 2 + end].trim();
        match (vars.get(name), format) {
            (Some(Value::Text(v)), Format::Text) => out.push_str(&clean_text(v)),
            (Some(Value::Text(v)), Format::Html) => out.push_str(&escape_html(v)),
            (Some(Value::Block(b)), Format::Text) => out.push_str(&b.as_text()),
            (Some(Value::Block(b)), Format::Html) => out.push_str(&b.as_html()),
            (None, _) => {}
        }
        rest = &rest[start + 2 + end + 2..];
    }
    out.push_str(rest);
    match format {
        Format::Text => tidy_text(&out),
        Format::Html => out,
    }
}

/// One line for a subject header: no line breaks (header injection), single spaces.
pub fn render_subject(template: &str, vars: &Vars) -> String {
    render(template, vars, Format::Text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// No run of more than one blank line (an empty block leaves one), no trailing spaces.
fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        blank_run = if line.is_empty() { blank_run + 1 } else { 0 };
        if blank_run <= 1 {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
