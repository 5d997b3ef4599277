//! Finding files and writing them back atomically.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Resolver;

/// How folders are walked.
pub struct Walk {
    /// Extensions (no dot, compared case-insensitively) of the files to check.
    pub extensions: Vec<String>,
    /// The configs, for their excludes.
    pub resolver: Arc<Resolver>,
    /// Apply excludes to paths named on the command line too.
    pub force_exclude: bool,
}

impl Walk {
    /// True when the config in force for `path` excludes it.
    pub fn excluded(&self, path: &Path) -> bool {
        excluded(&self.resolver, path)
    }
}

fn excluded(resolver: &Resolver, path: &Path) -> bool {
    resolver
        .for_file(path)
        .is_ok_and(|r| r.exclude.matches(&resolver.absolute(path)))
}

/// Expand `paths` into the files to check, folders walked for the extensions
/// (honouring .gitignore, .ignore and the configs' excludes), sorted and
/// deduplicated. A path that does not exist is returned as is so that reading
/// it reports the error. A path named on the command line is checked even when
/// excluded, unless `force_exclude`.
pub fn collect(paths: &[PathBuf], walk: &Walk) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
            continue;
        }
        if walk.force_exclude && walk.excluded(p) {
            continue;
        }
        // A folder whose name says it is a page (`page.html/`) was named as a
        // file by mistake: reading it reports "is a directory" rather than
        // walking it.
        if !p.is_dir() || has_page_extension(p) {
            out.push(p.clone());
            continue;
        }
        let resolver = Arc::clone(&walk.resolver);
        let walker = ignore::WalkBuilder::new(p)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .sort_by_file_path(Ord::cmp)
            .filter_entry(move |e| e.depth() == 0 || !excluded(&resolver, e.path()))
            .build();
        let mut found: Vec<PathBuf> = walker
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file() || t.is_symlink()))
            .map(ignore::DirEntry::into_path)
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| walk.extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
            })
            .collect();
        found.sort();
        out.extend(found);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// True when `path`'s name ends in `.html`, `.htm` or `.xhtml` (any case).
fn has_page_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["html", "htm", "xhtml"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Replace the file at `path` with `bytes` atomically: a temporary file in the same
/// folder, flushed to disk, given the original's permissions, then renamed over it,
/// and the folder flushed so the rename lasts too.
/// A symlink is followed: its target is rewritten and the link stays a link.
///
/// # Errors
/// Any I/O error; a read-only file is refused. The original is then unchanged.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = replace_file(path, bytes)?;
    sync_dir(&dir);
    Ok(())
}

/// [`write_atomic`] but for flushing the folder: returns it, for the caller to
/// flush with [`sync_dir`] once every file in it is written (one flush of a
/// folder makes all the renames in it last; a run that fixes many files in one
/// folder flushed it once per file).
///
/// # Errors
/// As [`write_atomic`].
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
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
    let dir = dir.to_path_buf();
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(dir)
}

/// Flush folder `dir` to disk, so the renames made in it last; best effort (the
/// files themselves are already whole on disk either way).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
