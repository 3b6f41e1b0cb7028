//! A real SMTP server on 127.0.0.1 (mailin-embedded, plain SMTP, no auth) that keeps every
//! message it accepts in memory, with a small reader for the headers and MIME parts lettre
//! writes. The server runs on its own thread for the rest of the test process.
//!
//! ```ignore
//! let sink = SmtpSink::start();                  // listening now
//! let port = sink.addr().port();                 // [smtp] host = "127.0.0.1", security = "none"
//! let mail = &sink.messages()[0];
//! mail.header("Message-ID"); mail.part("text/plain");
//! // a server that is down, then up on the same port:
//! let addr = SmtpSink::free_addr();  /* connections refused */  SmtpSink::start_on(addr);
//! ```

use base64::Engine;
use mailin_embedded::{Handler, Response, Server, SslConfig, response};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

/// One accepted message: the envelope and the raw data (CRLF line ends, dot-unstuffed).
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone)]
struct Recorder {
    store: Arc<Mutex<Vec<ReceivedMail>>>,
    reject: Arc<Vec<String>>,
    current: Option<ReceivedMail>,
}

impl Handler for Recorder {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.reject.iter().any(|r| r.eq_ignore_ascii_case(to)) {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(ReceivedMail {
            from: from.to_owned(),
            to: to.to_vec(),
            data: String::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(mail) = self.current.as_mut() {
            mail.data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(mail) = self.current.take() {
            self.store.lock().unwrap().push(mail);
        }
        response::OK
    }
}

/// The running server and what it received.
pub struct SmtpSink {
    addr: SocketAddr,
    store: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    /// A server on a fresh loopback port.
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        SmtpSink::serve(listener, Vec::new())
    }

    /// A server that answers 550 to these recipients (a permanent refusal).
    pub fn start_rejecting(recipients: &[&str]) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        SmtpSink::serve(listener, recipients.iter().map(|r| r.to_string()).collect())
    }

    /// A server on `addr` (from `free_addr`), for "the relay comes back up".
    pub fn start_on(addr: SocketAddr) -> SmtpSink {
        let listener = TcpListener::bind(addr).expect("bind the reserved loopback port");
        SmtpSink::serve(listener, Vec::new())
    }

    /// A loopback address where nothing listens (yet): connections to it are refused.
    pub fn free_addr() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener.local_addr().expect("local address")
    }

    fn serve(listener: TcpListener, reject: Vec<String>) -> SmtpSink {
        let addr = listener.local_addr().expect("local address");
        let store = Arc::new(Mutex::new(Vec::new()));
        let recorder = Recorder {
            store: store.clone(),
            reject: Arc::new(reject),
            current: None,
        };
        let mut server = Server::new(recorder);
        server
            .with_name("sink.localhost")
            .with_ssl(SslConfig::None)
            .expect("plain SMTP")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        // The server runs until the test process ends; its error (not Send) stays here.
        std::thread::spawn(move || {
            if let Err(e) = server.serve() {
                eprintln!("the SMTP sink stopped: {e}");
            }
        });
        SmtpSink { addr, store }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn ip(&self) -> IpAddr {
        self.addr.ip()
    }

    /// Every message accepted so far, in order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.store.lock().unwrap().clone()
    }
}

impl ReceivedMail {
    fn split(&self) -> (&str, &str) {
        self.data
            .split_once("\r\n\r\n")
            .unwrap_or((self.data.as_str(), ""))
    }

    /// A top-level header's value, unfolded and RFC 2047-decoded (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<String> {
        header_in(self.split().0, name)
    }

    /// The decoded body of the first part with this content type (`text/plain`,
    /// `text/html`), whether the message is multipart or a single part.
    pub fn part(&self, content_type: &str) -> Option<String> {
        let (head, body) = self.split();
        part_in(head, body, content_type)
    }

    /// The top-level content type without parameters (`multipart/alternative`).
    pub fn content_type(&self) -> Option<String> {
        let value = self.header("Content-Type")?;
        Some(value.split(';').next()?.trim().to_ascii_lowercase())
    }
}

fn header_in(head: &str, name: &str) -> Option<String> {
    let mut unfolded: Vec<String> = Vec::new();
    for line in head.split("\r\n") {
        // Unfolding removes the line break and keeps the whitespace (RFC 5322 §2.2.3).
        match unfolded.last_mut() {
            Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
            _ => unfolded.push(line.to_owned()),
        }
    }
    unfolded.iter().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| decode_words(v.trim()))
    })
}

fn part_in(head: &str, body: &str, want: &str) -> Option<String> {
    let content_type = header_in(head, "Content-Type").unwrap_or_else(|| "text/plain".into());
    let lower = content_type.to_ascii_lowercase();
    if lower.starts_with("multipart/") {
        let boundary = content_type
            .split(';')
            .find_map(|p| p.trim().strip_prefix("boundary="))?
            .trim_matches('"')
            .to_owned();
        let marker = format!("--{boundary}");
        for section in body.split(marker.as_str()).skip(1) {
            if section.starts_with("--") {
                break;
            }
            let section = section.trim_start_matches("\r\n");
            let (h, b) = section.split_once("\r\n\r\n").unwrap_or((section, ""));
            if let Some(found) = part_in(h, b.trim_end_matches("\r\n"), want) {
                return Some(found);
            }
        }
        return None;
    }
    if !lower.starts_with(want) {
        return None;
    }
    let encoding = header_in(head, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    Some(match encoding.as_str() {
        "base64" => {
            let joined: String = body.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(joined)
                .expect("base64 body");
            String::from_utf8(bytes).expect("UTF-8 body")
        }
        "quoted-printable" => decode_quoted_printable(body),
        _ => body.replace("\r\n", "\n"),
    })
}

fn decode_quoted_printable(body: &str) -> String {
    let mut bytes = Vec::new();
    let lines: Vec<&str> = body.split("\r\n").collect();
    for (i, line) in lines.iter().enumerate() {
        let (line, soft) = match line.strip_suffix('=') {
            Some(l) => (l, true),
            None => (*line, false),
        };
        let raw = line.as_bytes();
        let mut j = 0;
        while j < raw.len() {
            if raw[j] == b'=' && j + 3 <= raw.len() {
                let hex = std::str::from_utf8(&raw[j + 1..j + 3]).expect("QP hex");
                bytes.push(u8::from_str_radix(hex, 16).expect("QP hex"));
                j += 3;
            } else {
                bytes.push(raw[j]);
                j += 1;
            }
        }
        // A soft break (a trailing `=`) joins this line with the next.
        if !soft && i + 1 < lines.len() {
            bytes.push(b'\n');
        }
    }
    String::from_utf8(bytes).expect("UTF-8 body")
}

/// `=?utf-8?b?...?=` and `=?utf-8?q?...?=` words, as lettre writes non-ASCII headers;
/// whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let Some(end) = rest[start + 2..].find("?=").map(|e| e + start + 2) else {
            break;
        };
        let mut parts = rest[start + 2..end].splitn(3, '?');
        let (_charset, enc, text) = (parts.next(), parts.next(), parts.next());
        let decoded = match (enc.map(|e| e.to_ascii_lowercase()), text) {
            (Some(e), Some(t)) if e == "b" => base64::engine::general_purpose::STANDARD
                .decode(t)
                .ok()
                .and_then(|b| String::from_utf8(b).ok()),
            (Some(e), Some(t)) if e == "q" => Some(decode_quoted_printable(&t.replace('_', " "))),
            _ => None,
        };
        let Some(decoded) = decoded else { break };
        let between = &rest[..start];
        if !(after_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        out.push_str(&decoded);
        after_word = true;
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}
