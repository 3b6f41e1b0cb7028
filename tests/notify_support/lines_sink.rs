//! A writer for `JsonLinesChannel::new` that keeps what was written, to read back as JSON.

use accessdesk::notify::channels::SharedWriter;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct LinesSink {
    bytes: Arc<Mutex<Vec<u8>>>,
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LinesSink {
    pub fn new() -> LinesSink {
        LinesSink::default()
    }

    /// The writer to hand to the channel.
    pub fn writer(&self) -> SharedWriter {
        Arc::new(Mutex::new(Box::new(Writer(self.bytes.clone()))))
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.lock().unwrap().clone()).expect("JSON lines are UTF-8")
    }

    /// Each line parsed as JSON (panics on a line that is not one object).
    pub fn lines(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not JSON: {line:?}: {e}"));
                assert!(value.is_object(), "not an object: {line}");
                value
            })
            .collect()
    }
}
