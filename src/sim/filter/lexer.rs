//! Splits a filter expression into tokens, remembering where each one starts
//! (a 0-based character position, as Okta's error messages count).

use super::ParseError;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// An attribute path, operator, keyword or bare literal (`true`, `null`).
    Word(String),
    Str(String),
    Num(f64),
    LParen,
    RParen,
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    pub pos: usize,
}

pub(super) fn tokenize(input: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let tok = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => {
                i += 1;
                Tok::LParen
            }
            ')' => {
                i += 1;
                Tok::RParen
            }
            '"' => {
                let (s, next) = string(&chars, i)?;
                i = next;
                Tok::Str(s)
            }
            c if c.is_ascii_digit() || c == '-' => {
                let (n, next) = number(&chars, i)?;
                i = next;
                Tok::Num(n)
            }
            c if is_word_start(c) => {
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                Tok::Word(chars[start..i].iter().collect())
            }
            other => {
                return Err(ParseError::new(
                    start,
                    format!("Unexpected character '{other}'"),
                ));
            }
        };
        tokens.push(Token { tok, pos: start });
    }
    tokens.push(Token {
        tok: Tok::End,
        pos: chars.len(),
    });
    Ok(tokens)
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.' | ':' | '-')
}

/// A double-quoted string with JSON escapes; returns the value and the index after the quote.
fn string(chars: &[char], open: usize) -> Result<(String, usize), ParseError> {
    let mut out = String::new();
    let mut i = open + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(ParseError::new(open, "Unterminated string literal"));
        };
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    return Err(ParseError::new(open, "Unterminated string literal"));
                };
                let decoded = match e {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' => {
                        let hex: String = chars.get(i + 2..i + 6).unwrap_or(&[]).iter().collect();
                        let code = (hex.len() == 4)
                            .then(|| u32::from_str_radix(&hex, 16).ok())
                            .flatten()
                            .and_then(char::from_u32)
                            .ok_or_else(|| ParseError::new(i, "Invalid \\u escape"))?;
                        out.push(code);
                        i += 6;
                        continue;
                    }
                    other => {
                        return Err(ParseError::new(i, format!("Invalid escape '\\{other}'")));
                    }
                };
                out.push(decoded);
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
}

fn number(chars: &[char], start: usize) -> Result<(f64, usize), ParseError> {
    let mut i = start;
    if chars[i] == '-' {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > from
    };
    let mut ok = digits(&mut i);
    if ok && chars.get(i) == Some(&'.') {
        i += 1;
        ok = digits(&mut i);
    }
    if ok && matches!(chars.get(i), Some('e' | 'E')) {
        i += 1;
        if matches!(chars.get(i), Some('+' | '-')) {
            i += 1;
        }
        ok = digits(&mut i);
    }
    // A number glued to letters ("12abc") is not a number.
    if ok && chars.get(i).is_some_and(|&c| is_word_char(c)) {
        ok = false;
    }
    let text: String = chars[start..i].iter().collect();
    match text.parse::<f64>() {
        Ok(n) if ok && n.is_finite() => Ok((n, i)),
        _ => Err(ParseError::new(start, "Invalid number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn splits_words_strings_numbers_and_parens() {
        assert_eq!(
            toks(r#"(outcome.reason eq "LOCKED_OUT") and n gt -1.5e2"#),
            vec![
                Tok::LParen,
                Tok::Word("outcome.reason".into()),
                Tok::Word("eq".into()),
                Tok::Str("LOCKED_OUT".into()),
                Tok::RParen,
                Tok::Word("and".into()),
                Tok::Word("n".into()),
                Tok::Word("gt".into()),
                Tok::Num(-150.0),
                Tok::End,
            ]
        );
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(
            toks(r#""a\"b\\c\/d\n\u00e9""#),
            vec![Tok::Str("a\"b\\c/d\né".into()), Tok::End]
        );
    }

    #[test]
    fn positions_are_character_offsets() {
        let t = tokenize("x eq \"é\" or y pr").unwrap();
        assert_eq!(t[2].pos, 5);
        assert_eq!(t[3].pos, 9);
    }

    #[test]
    fn rejects_bad_input_with_positions() {
        assert_eq!(tokenize(r#"a eq "open"#).unwrap_err().position, 5);
        assert_eq!(tokenize(r#"a eq "\q""#).unwrap_err().position, 6);
        assert_eq!(tokenize("a[0] eq 1").unwrap_err().position, 1);
        assert_eq!(tokenize("a eq 12abc").unwrap_err().position, 5);
        assert_eq!(tokenize("a eq 1.").unwrap_err().position, 5);
    }
}
