//! Reading the files named on the command line into a source map.

use crate::source::SourceMap;
use std::path::{Path, PathBuf};

/// Reads every `.rgl` file under the given paths (directories recursively, in sorted
/// order); a file named directly is read whatever its extension.
pub fn load(paths: &[PathBuf]) -> Result<SourceMap, String> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {}", display(path), io_reason(&e)))?;
        if meta.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                return Err(format!("no `.rgl` files in `{}`", display(path)));
            }
        } else {
            files.push(path.clone());
        }
    }
    let mut sources = SourceMap::new();
    for file in files {
        let bytes = std::fs::read(&file)
            .map_err(|e| format!("cannot read `{}`: {}", display(&file), io_reason(&e)))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "`{}` is not UTF-8 text (invalid byte at offset {})",
                display(&file),
                e.utf8_error().valid_up_to()
            )
        })?;
        sources.add(display(&file), text);
    }
    Ok(sources)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {}", display(dir), io_reason(&e)))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "rgl") {
            files.push(path);
        }
    }
    Ok(())
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
