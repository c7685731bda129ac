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
        if self.failed.is_none()
            && let Err(e) = self.out.write_all(text.as_bytes())
        {
            self.failed = Some(e);
        }
    }

    pub fn line(&mut self, text: &str) {
        self.text(text);
        self.text("\n");
    }

    /// Flushes and ends the command: with its own exit code, or 2 after a write error
    /// other than a closed pipe.
    pub fn finish(mut self, exit: Exit) -> Exit {
        if self.failed.is_none()
            && let Err(e) = self.out.flush()
        {
            self.failed = Some(e);
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

/// A file written through a temporary one beside it and renamed over it at the end, so
/// that a run that fails leaves the file as it was, never cut short. A path that is not a
/// regular file (`/dev/null`) is written directly.
pub struct Replacing {
    path: std::path::PathBuf,
    /// The temporary file while the work is not committed.
    temp: Option<std::path::PathBuf>,
    file: std::fs::File,
}

impl Replacing {
    pub fn create(path: &std::path::Path) -> io::Result<Replacing> {
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
        if special {
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(Replacing { path: path.to_path_buf(), temp: None, file });
        }
        let name = path.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().to_string());
        let temp = path.with_file_name(format!(".{name}.{}.part", std::process::id()));
        let file = std::fs::File::create(&temp)?;
        Ok(Replacing { path: path.to_path_buf(), temp: Some(temp), file })
    }

    /// Writes what is left and puts the file in place.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.flush()?;
        match self.temp.take() {
            Some(temp) => std::fs::rename(temp, &self.path),
            None => Ok(()),
        }
    }
}

impl Write for Replacing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Replacing {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Whether two paths name one existing file (an output must not overwrite an input).
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
