//! Writing CSV (RFC 4180): a field is quoted when it holds a comma, quote, line break or
//! edge whitespace, quotes inside are doubled, and rows end in CRLF. A field that a
//! spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`,
//! since logins and notes come from outside and the export is opened in spreadsheets.

use std::borrow::Cow;
use std::io::{self, Write};

/// One field as it appears in the file.
pub fn field(value: &str) -> Cow<'_, str> {
    let value: Cow<'_, str> = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    };
    let needs_quotes = value.contains([',', '"', '\n', '\r'])
        || value.starts_with(char::is_whitespace)
        || value.ends_with(char::is_whitespace);
    if needs_quotes {
        Cow::Owned(format!("\"{}\"", value.replace('"', "\"\"")))
    } else {
        value
    }
}

pub fn write_row<S: AsRef<str>>(out: &mut dyn Write, fields: &[S]) -> io::Result<()> {
    for (i, value) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(field(value.as_ref()).as_bytes())?;
    }
    out.write_all(b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_are_left_alone() {
        assert_eq!(field("INC0012345"), "INC0012345");
        assert_eq!(field(""), "");
        assert_eq!(field("bob@example.com"), "bob@example.com");
        assert_eq!(field("two words"), "two words");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("line1\nline2"), "\"line1\nline2\"");
        assert_eq!(field("cr\r\nlf"), "\"cr\r\nlf\"");
        assert_eq!(field("\""), "\"\"\"\"");
        assert_eq!(field(" padded "), "\" padded \"");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-2"), "'-2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn rows_join_fields_and_end_in_crlf() {
        let mut out = Vec::new();
        write_row(&mut out, &["1", "a,b", "", "x\"y"]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "1,\"a,b\",,\"x\"\"y\"\r\n");
    }

    /// Reads back what `write_row` wrote: the quoting must round-trip.
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut rows = vec![];
        let mut row = vec![];
        let mut cur = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cur.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cur.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cur)),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    row.push(std::mem::take(&mut cur));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cur.push(c),
            }
        }
        rows
    }

    #[test]
    fn quoting_round_trips() {
        let fields = ["a,b", "q\"uote", "multi\nline\r\nend", " lead", "plain", ""];
        let mut out = Vec::new();
        write_row(&mut out, &fields).unwrap();
        write_row(&mut out, &["second"]).unwrap();
        let rows = parse(&String::from_utf8(out).unwrap());
        assert_eq!(
            rows,
            vec![fields.map(String::from).to_vec(), vec!["second".to_owned()]]
        );
    }
}
