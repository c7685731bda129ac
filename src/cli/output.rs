//! Standard output for the commands. A closed pipe (`reglament simulate … | head`) ends the
//! output quietly; any other failure to write (a full disk) is an I/O error, exit code 2.

use super::Exit;
use std::io::{self, BufWriter, StdoutLock, Write};

pub struct Stdout {
    out: BufWriter<StdoutLock<'static>>,
    /// The first failure; nothing more is written after it.
    failed: Option<io::Error>,
}

impl Stdout {
    pub fn new() -> Self {
        Stdout { out: BufWriter::new(io::stdout().lock()), failed: None }
    }

    pub fn text(&mut self, text: &str) {
        if self.failed.is_none() {
            if let Err(e) = self.out.write_all(text.as_bytes()) {
                self.failed = Some(e);
            }
        }
    }

    pub fn line(&mut self, text: &str) {
        self.text(text);
        self.text("\n");
    }

    /// Flushes and ends the command: with its own exit code, or 2 after a write error
    /// other than a closed pipe.
    pub fn finish(mut self, exit: Exit) -> Exit {
        if self.failed.is_none() {
            if let Err(e) = self.out.flush() {
                self.failed = Some(e);
            }
        }
        match self.failed {
            None => exit,
            Some(e) => failed_write(&e, exit),
        }
    }
}

/// The exit code after a failed write to standard output, reporting it unless the pipe
/// was closed (the reader has what it wanted).
pub fn failed_write(e: &io::Error, exit: Exit) -> Exit {
    if e.kind() == io::ErrorKind::BrokenPipe {
        exit
    } else {
        eprintln!("error: cannot write to standard output: {e}");
        Exit::Usage
    }
}
