//! Reading the one-time code the caller reads out: typed on the terminal with nothing echoed,
//! held as a secret from the first keystroke, and the terminal restored however it ends.

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use secrecy::{ExposeSecret, SecretString};
use std::io::{IsTerminal, Write};

use crate::model::OneTimeCode;

/// Whether there is a terminal to type a code on (a script's stdin is not one).
pub fn have_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// Raw mode for as long as this lives: keys arrive one by one and nothing is echoed.
struct RawMode;

impl RawMode {
    fn on() -> std::io::Result<Self> {
        terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

/// What the agent did at the prompt.
pub enum Typed {
    Code(OneTimeCode),
    /// Esc or Ctrl-C.
    Cancelled,
}

/// Prompt on stderr and read a code with no echo. Enter ends it, Backspace and Ctrl-U edit,
/// Esc and Ctrl-C cancel. Blocking: call it off the async runtime.
pub fn read_hidden(prompt: &str) -> std::io::Result<Typed> {
    // Raw mode first: a key typed the moment the prompt shows is never echoed.
    let raw = RawMode::on()?;
    let mut err = std::io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    let mut typed = SecretString::from(String::new());
    let outcome = loop {
        let edit = match event::read()? {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                match key.code {
                    KeyCode::Enter => break Typed::Code(OneTimeCode::new(typed.expose_secret())),
                    KeyCode::Esc => break Typed::Cancelled,
                    KeyCode::Char('c' | 'd') if ctrl => break Typed::Cancelled,
                    KeyCode::Char('u') if ctrl => Some(String::new()),
                    KeyCode::Backspace => {
                        let mut s = typed.expose_secret().to_string();
                        s.pop();
                        Some(s)
                    }
                    KeyCode::Char(c) if !ctrl => Some(format!("{}{c}", typed.expose_secret())),
                    _ => None,
                }
            }
            Event::Paste(text) => Some(format!("{}{text}", typed.expose_secret())),
            _ => None,
        };
        if let Some(next) = edit {
            typed = SecretString::from(next);
        }
    };
    drop(raw);
    writeln!(err)?;
    Ok(outcome)
}
