//! Finding files and writing them back atomically.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Expand `paths` into the files to check, folders walked for *.html / *.htm
/// (honouring .gitignore and .ignore), sorted and deduplicated. A path that does not
/// exist is returned as is so that reading it reports the error.
pub fn collect(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" || !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let walker = ignore::WalkBuilder::new(p)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .sort_by_file_path(Ord::cmp)
            .build();
        let mut found: Vec<PathBuf> = walker
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file() || t.is_symlink()))
            .map(ignore::DirEntry::into_path)
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm")
                })
            })
            .collect();
        found.sort();
        out.extend(found);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// Replace the file at `path` with `bytes` atomically: a temporary file in the same
/// folder, flushed to disk, given the original's permissions, then renamed over it.
/// A symlink is followed: its target is rewritten and the link stays a link.
///
/// # Errors
/// Any I/O error; a read-only file is refused. The original is then unchanged.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let perms = fs::metadata(&target)?.permissions();
    if perms.readonly() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".tagmend-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    fs::set_permissions(tmp.path(), perms)?;
    tmp.persist(&target).map_err(|e| e.error)?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
