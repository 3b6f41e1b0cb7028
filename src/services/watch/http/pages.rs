//! The answer pages: plain HTML, every value escaped.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// `text` safe inside HTML text and attribute values (control and bidi characters dropped),
/// exactly as the notices escape it.
pub use crate::notify::compose::escape_html as escape;

/// A whole page: `title` is plain text, `body` already-escaped HTML.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;\
         line-height:1.5}}button{{font-size:1.1em;padding:.5em 1.2em}}</style></head>\
         <body><h1>{title}</h1>\n{body}\n</body></html>\n"
    );
    (status, Html(html)).into_response()
}

/// A page of one paragraph of plain text.
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    page(status, title, &format!("<p>{}</p>", escape(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_shown_not_run() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
