//! Reading the files named on the command line into a source map: regular files only, each
//! real file once (however many links or names lead to it), up to a size limit.

use crate::source::SourceMap;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest regulation file read: a hundred times the whole bundled library.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads every `.rgl` file under the given paths (directories recursively, in sorted
/// order); a file named directly is read whatever its extension. A symbolic link that
/// leads out of the directory named is not followed, and is said so on standard error.
pub fn load(paths: &[PathBuf]) -> Result<SourceMap, String> {
    let mut walk = Walk::default();
    for path in paths {
        if is_stdin(path) {
            if !walk.files.contains(path) {
                walk.files.push(path.clone());
            }
            continue;
        }
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {}", display(path), io_reason(&e)))?;
        if meta.is_dir() {
            let before = walk.files.len();
            let root = canonical(path)?;
            walk.dir(path, (&root, path))?;
            if walk.files.len() == before && !walk.named_twice(&root) {
                return Err(format!("no `.rgl` files in `{}`", display(path)));
            }
        } else {
            walk.file(path.clone())?;
        }
    }
    let mut sources = SourceMap::new();
    for file in walk.files {
        match is_stdin(&file) {
            true => sources.add_bytes("<stdin>", read_stdin()?),
            false => sources.add_bytes(display(&file), read(&file)?),
        };
    }
    Ok(sources)
}

/// Whether a path is `-`, standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Standard input, up to the size limit, without a byte order mark.
fn read_stdin() -> Result<Vec<u8>, String> {
    read_bounded(std::io::stdin(), "standard input")
}

#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    /// Real paths of the files and directories taken.
    seen: HashSet<PathBuf>,
}

impl Walk {
    fn named_twice(&self, root: &Path) -> bool {
        self.files.iter().any(|f| canonical(f).is_ok_and(|c| c.starts_with(root)))
    }

    fn file(&mut self, path: PathBuf) -> Result<(), String> {
        let meta = std::fs::metadata(&path)
            .map_err(|e| format!("cannot read `{}`: {}", display(&path), io_reason(&e)))?;
        if !meta.is_file() {
            return Err(format!("`{}` is not a regular file", display(&path)));
        }
        if self.seen.insert(canonical(&path)?) {
            self.files.push(path);
        }
        Ok(())
    }

    /// Walks a directory under `root`: its real path, and the path as named.
    fn dir(&mut self, dir: &Path, root: (&Path, &Path)) -> Result<(), String> {
        if !self.seen.insert(canonical(dir)?) {
            return Ok(());
        }
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read `{}`: {}", display(dir), io_reason(&e)))?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let linked = path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
            let wanted = path.is_dir() || path.extension().is_some_and(|e| e == "rgl");
            if !wanted {
                continue;
            }
            if linked && !canonical(&path).is_ok_and(|real| real.starts_with(root.0)) {
                eprintln!(
                    "warning: `{}` is a link that leads out of `{}`; not followed",
                    display(&path),
                    display(root.1)
                );
                continue;
            }
            if path.is_dir() {
                self.dir(&path, root)?;
            } else {
                self.file(path)?;
            }
        }
        Ok(())
    }
}

fn canonical(path: &Path) -> Result<PathBuf, String> {
    std::fs::canonicalize(path).map_err(|e| format!("cannot read `{}`: {}", display(path), io_reason(&e)))
}

/// A regular file's bytes, if it is not too large, without a byte order mark.
fn read(file: &Path) -> Result<Vec<u8>, String> {
    let shown = format!("`{}`", display(file));
    let handle = std::fs::File::open(file).map_err(|e| format!("cannot read {shown}: {}", io_reason(&e)))?;
    read_bounded(handle, &shown)
}

/// What a reader gives, up to [`MAX_FILE_BYTES`], without a byte order mark (it is not
/// part of the text: columns on the first line count without it).
fn read_bounded(reader: impl Read, shown: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {shown}: {}", io_reason(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("{shown} is larger than {} MiB", MAX_FILE_BYTES >> 20));
    }
    if bytes.starts_with("\u{feff}".as_bytes()) {
        bytes.drain(..3);
    }
    Ok(bytes)
}

/// A profile or test file's text: a regular file of at most [`MAX_FILE_BYTES`] (larger
/// populations are simulated from CSV or JSON Lines, which stream), in UTF-8.
pub fn read_text(path: &Path) -> Result<String, String> {
    let shown = display(path);
    if is_stdin(path) {
        return String::from_utf8(read_stdin()?).map_err(|_| "standard input is not UTF-8 text".to_string());
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read `{shown}`: {}", io_reason(&e)))?;
    if !meta.is_file() {
        return Err(format!("`{shown}` is not a regular file"));
    }
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        format!("{shown}:{line}:{column}: not UTF-8 text; save the file as UTF-8")
    })
}

/// A path as shown in messages, with `/` separators on every platform.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
