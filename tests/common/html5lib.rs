//! The html5lib-tests tree-construction files (`*.dat`): their `#data` inputs.
//!
//! Format (html5lib-tests/tree-construction/README.md): a test starts with a
//! `#data` line at the start of the file or after an empty line; its input is
//! every line up to `#errors`, with the final newline removed. Later sections
//! may mark it `#document-fragment` (parsed in a context element) or
//! `#script-on`.

use std::path::{Path, PathBuf};

/// One tree-construction test.
#[derive(Clone, Debug)]
pub struct DatTest {
    /// The `.dat` file, relative to the folder searched.
    pub file: PathBuf,
    /// The 1-based line of its `#data` line.
    pub line: usize,
    /// The input.
    pub data: String,
    /// Parsed as a fragment (`#document-fragment`), not a whole document.
    pub fragment: bool,
    /// Run with scripting on (`#script-on`).
    pub script_on: bool,
}

impl DatTest {
    /// `file-name.dat:line`.
    pub fn at(&self) -> String {
        let name = self
            .file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        format!("{name}:{}", self.line)
    }

    /// `folder/file-name.dat:line`, relative to the folder searched.
    pub fn at_path(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }

    /// Parsed as a whole document the way `parse_document` parses it: neither a
    /// fragment nor a scripting-on test.
    pub fn is_document(&self) -> bool {
        !self.fragment && !self.script_on
    }
}

/// Every test of every `.dat` file below `dir`, files in path order. A missing
/// folder gives none.
///
/// # Panics
/// A `.dat` file that cannot be read as UTF-8.
pub fn tests(dir: &Path) -> Vec<DatTest> {
    let mut files = Vec::new();
    collect_dat_files(dir, &mut files);
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let file = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        // Split on LF only: some inputs hold a bare CR that must reach the parser.
        let lines: Vec<&str> = text.split('\n').collect();
        let starts_test = |i: usize| lines[i] == "#data" && (i == 0 || lines[i - 1].is_empty());
        let mut i = 0;
        while i < lines.len() {
            if !starts_test(i) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < lines.len() && lines[j] != "#errors" {
                j += 1;
            }
            // "All subsequent lines until #errors ... with the final newline removed".
            let data = lines[i + 1..j].join("\n");
            let mut k = j;
            let (mut fragment, mut script_on) = (false, false);
            while k < lines.len() && !starts_test(k) {
                fragment |= lines[k] == "#document-fragment";
                script_on |= lines[k] == "#script-on";
                k += 1;
            }
            out.push(DatTest {
                file: file.clone(),
                line: i + 1,
                data,
                fragment,
                script_on,
            });
            i = k;
        }
    }
    out
}

fn collect_dat_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_dat_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "dat") {
            out.push(path);
        }
    }
}
