//! Configuration files: `.tagmend.toml`, `tagmend.toml`, or a `[tool.tagmend]` table
//! in `pyproject.toml`, found from each checked file's folder upward; the closest
//! one wins and configs are not merged (ruff's model).
//!
//! ```toml
//! select = ["all"]                 # rules or groups instead of the defaults
//! extend-select = ["cleanup"]      # added to the selection
//! ignore = ["foster-parented-content"]
//! unsafe-fixes = true
//! profile = "fragment"             # pages are article bodies, not whole documents
//! exclude = ["vendor"]             # replaces the default excludes
//! extend-exclude = ["drafts/**"]   # added to them
//!
//! [per-file-ignores]
//! "legacy/**" = ["stray-end-tag"]
//! ```
//!
//! Globs are matched against the path relative to the config's folder (`/`
//! separated; `*` stays within a folder, `**` crosses folders); a glob without
//! `/` also matches any single file or folder name. A bad key or value is an
//! error naming the file, the line and the key.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::rule::Profile;

/// Config file names, in the order they are looked for in each folder.
pub const FILE_NAMES: [&str; 3] = [".tagmend.toml", "tagmend.toml", "pyproject.toml"];

/// Folders never walked unless `exclude` is set (version control, dependency and
/// build folders).
pub const DEFAULT_EXCLUDE: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "target",
    "__pycache__",
];

/// The keys a config may hold.
pub const KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "unsafe-fixes",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "profile",
];

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ProfileName {
    Document,
    Fragment,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    unsafe_fixes: Option<bool>,
    exclude: Option<Vec<Spanned<String>>>,
    extend_exclude: Option<Vec<Spanned<String>>>,
    per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    profile: Option<ProfileName>,
}

type Loose = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Deserialize)]
struct PyLoose {
    tool: Option<PyLooseTool>,
}
#[derive(Deserialize)]
struct PyLooseTool {
    tagmend: Option<Loose>,
}
#[derive(Deserialize)]
struct PyStrict {
    tool: Option<PyStrictTool>,
}
#[derive(Deserialize)]
struct PyStrictTool {
    tagmend: Option<Raw>,
}

/// A config file that could not be read or holds a bad key or value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The config file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
    /// The key the error is in, when known.
    pub key: Option<String>,
    /// The file's text, when it was read.
    pub text: Option<String>,
    /// The bytes the error points at.
    pub span: Option<Range<usize>>,
}

impl ConfigError {
    fn io(path: &Path, e: &std::io::Error) -> Self {
        Self {
            path: path.to_path_buf(),
            message: format!("cannot read the config file: {e}"),
            key: None,
            text: None,
            span: None,
        }
    }

    fn at(path: &Path, text: &str, span: Option<Range<usize>>, message: String) -> Self {
        Self {
            path: path.to_path_buf(),
            message,
            key: None,
            text: Some(text.to_string()),
            span,
        }
    }

    /// 1-based line and column of the error, when known.
    #[must_use]
    pub fn position(&self) -> Option<(usize, usize)> {
        Some(line_col(self.text.as_deref()?, self.span.as_ref()?.start))
    }

    fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, col)) = self.position() {
            write!(f, ":{line}:{col}")?;
        }
        f.write_str(": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// One glob list compiled, matched relative to a root folder.
#[derive(Clone, Debug)]
pub struct PathMatcher {
    root: PathBuf,
    /// Globs matched against the relative path.
    path_set: GlobSet,
    /// Globs without `/`, also matched against each file or folder name.
    name_set: GlobSet,
    empty: bool,
}

impl PathMatcher {
    /// Compile `globs` relative to `root`.
    ///
    /// # Errors
    /// The first glob that does not parse, with globset's reason.
    pub fn new(root: &Path, globs: &[String]) -> Result<Self, (usize, globset::Error)> {
        let mut path_set = GlobSetBuilder::new();
        let mut name_set = GlobSetBuilder::new();
        for (i, g) in globs.iter().enumerate() {
            let pattern = g.trim_start_matches("./").trim_end_matches('/');
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| (i, e))?;
            if !pattern.contains('/') {
                name_set.add(glob.clone());
            }
            path_set.add(glob);
        }
        Ok(Self {
            root: root.to_path_buf(),
            path_set: path_set.build().map_err(|e| (0, e))?,
            name_set: name_set.build().map_err(|e| (0, e))?,
            empty: globs.is_empty(),
        })
    }

    /// A matcher that matches nothing.
    #[must_use]
    pub fn never(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            path_set: GlobSet::empty(),
            name_set: GlobSet::empty(),
            empty: true,
        }
    }

    /// True when `path` (absolute), or a folder it is in below the root,
    /// matches.
    #[must_use]
    pub fn matches(&self, path: &Path) -> bool {
        if self.empty {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return path
                .file_name()
                .is_some_and(|n| self.name_set.is_match(Path::new(n)));
        };
        let mut prefix = PathBuf::new();
        for part in rel.components() {
            prefix.push(part);
            let slashed = prefix.to_string_lossy().replace('\\', "/");
            if self.path_set.is_match(Path::new(&slashed))
                || self.name_set.is_match(Path::new(part.as_os_str()))
            {
                return true;
            }
        }
        false
    }
}

/// A loaded config (or the defaults when no file was found).
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it came from; `None` for the built-in defaults.
    pub path: Option<PathBuf>,
    /// The folder globs are relative to (the file's folder).
    pub root: PathBuf,
    /// `select`.
    pub select: Option<Vec<String>>,
    /// `extend-select`.
    pub extend_select: Vec<String>,
    /// `ignore`.
    pub ignore: Vec<String>,
    /// `unsafe-fixes`.
    pub unsafe_fixes: Option<bool>,
    /// `exclude` (replaces [`DEFAULT_EXCLUDE`]).
    pub exclude: Option<Vec<String>>,
    /// `extend-exclude`.
    pub extend_exclude: Vec<String>,
    /// `per-file-ignores`: glob, then the rules it turns off.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// `profile`.
    pub profile: Option<Profile>,
    per_file: Vec<(PathMatcher, Vec<String>)>,
}

impl Config {
    /// The built-in defaults, with globs relative to `root`.
    #[must_use]
    pub fn defaults(root: &Path) -> Self {
        Self {
            path: None,
            root: root.to_path_buf(),
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
            unsafe_fixes: None,
            exclude: None,
            extend_exclude: Vec::new(),
            per_file_ignores: Vec::new(),
            profile: None,
            per_file: Vec::new(),
        }
    }

    /// Read the config at `path`. `Ok(None)` for a `pyproject.toml` with no
    /// `[tool.tagmend]` table.
    ///
    /// # Errors
    /// An unreadable file, bad TOML, an unknown key, a value of the wrong type,
    /// an unknown rule or group, or a glob that does not parse.
    pub fn load(path: &Path) -> Result<Option<Self>, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::io(path, &e))?;
        Self::parse(path, &text)
    }

    /// Parse `text`, the contents of the config file `path`.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn parse(path: &Path, text: &str) -> Result<Option<Self>, ConfigError> {
        let pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let syntax = |e: toml::de::Error| {
            ConfigError::at(path, text, e.span(), e.message().trim_end().to_string())
        };
        // First a loose read, to know each key's span; then the strict one.
        let loose: Option<Loose> = if pyproject {
            toml::from_str::<PyLoose>(text)
                .map_err(syntax)?
                .tool
                .and_then(|t| t.tagmend)
        } else {
            Some(toml::from_str::<Loose>(text).map_err(syntax)?)
        };
        let Some(loose) = loose else {
            return Ok(None);
        };
        let strict = if pyproject {
            toml::from_str::<PyStrict>(text).map(|p| p.tool.and_then(|t| t.tagmend))
        } else {
            toml::from_str::<Raw>(text).map(Some)
        };
        let raw = match strict {
            Ok(Some(raw)) => raw,
            Ok(None) => return Ok(None),
            Err(e) => {
                let span = e.span();
                let mut err = ConfigError::at(path, text, span.clone(), value_message(&e));
                if let Some(s) = span {
                    if let Some(key) = loose.iter().find(|(k, v)| {
                        k.span().contains(&s.start)
                            || v.span().contains(&s.start)
                            || (v.span().start <= s.start && s.end <= v.span().end)
                    }) {
                        err = err.with_key(key.0.get_ref());
                        if e.message().starts_with("unknown field") {
                            err.message = format!(
                                "unknown key (expected one of {})",
                                KEYS.iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            );
                        }
                    }
                }
                return Err(err);
            }
        };
        let root = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = std::path::absolute(&root).unwrap_or(root);
        let check_rules = |key: &str, list: &Option<Vec<Spanned<String>>>| {
            for s in list.iter().flatten() {
                if !known_selector(s.get_ref()) {
                    return Err(ConfigError::at(
                        path,
                        text,
                        Some(s.span()),
                        format!(
                            "unknown rule or group `{}` (see `tagmend rules`)",
                            s.get_ref()
                        ),
                    )
                    .with_key(key));
                }
            }
            Ok(())
        };
        check_rules("select", &raw.select)?;
        check_rules("extend-select", &raw.extend_select)?;
        check_rules("ignore", &raw.ignore)?;
        let globs = |key: &str, list: &Option<Vec<Spanned<String>>>| {
            let list: Vec<&Spanned<String>> = list.iter().flatten().collect();
            let plain: Vec<String> = list.iter().map(|s| s.get_ref().clone()).collect();
            PathMatcher::new(&root, &plain).map_err(|(i, e)| {
                let span = list.get(i).map(|s| s.span());
                ConfigError::at(path, text, span, format!("bad glob: {}", glob_reason(&e)))
                    .with_key(key)
            })?;
            Ok::<_, ConfigError>(plain)
        };
        let exclude = match &raw.exclude {
            Some(_) => Some(globs("exclude", &raw.exclude)?),
            None => None,
        };
        let extend_exclude = globs("extend-exclude", &raw.extend_exclude)?;
        let mut per_file_ignores = Vec::new();
        let mut per_file = Vec::new();
        for (glob, rules) in raw.per_file_ignores.iter().flatten() {
            let matcher = PathMatcher::new(&root, std::slice::from_ref(glob.get_ref())).map_err(
                |(_, e)| {
                    ConfigError::at(
                        path,
                        text,
                        Some(glob.span()),
                        format!("bad glob: {}", glob_reason(&e)),
                    )
                    .with_key("per-file-ignores")
                },
            )?;
            check_rules("per-file-ignores", &Some(rules.clone()))?;
            let rules: Vec<String> = rules.iter().map(|r| r.get_ref().clone()).collect();
            per_file_ignores.push((glob.get_ref().clone(), rules.clone()));
            per_file.push((matcher, rules));
        }
        let plain = |l: Option<Vec<Spanned<String>>>| {
            l.map(|v| v.into_iter().map(Spanned::into_inner).collect::<Vec<_>>())
        };
        Ok(Some(Self {
            path: Some(path.to_path_buf()),
            root,
            select: plain(raw.select),
            extend_select: plain(raw.extend_select).unwrap_or_default(),
            ignore: plain(raw.ignore).unwrap_or_default(),
            unsafe_fixes: raw.unsafe_fixes,
            exclude,
            extend_exclude,
            per_file_ignores,
            profile: raw.profile.map(|p| match p {
                ProfileName::Document => Profile::Document,
                ProfileName::Fragment => Profile::Fragment,
            }),
            per_file,
        }))
    }

    /// The config that applies in folder `dir`: the closest config file in it or
    /// above it.
    ///
    /// # Errors
    /// The closest config file is unreadable or invalid.
    pub fn find(dir: &Path) -> Result<Option<Self>, ConfigError> {
        for folder in dir.ancestors() {
            if let Some(c) = Self::in_folder(folder)? {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    fn in_folder(folder: &Path) -> Result<Option<Self>, ConfigError> {
        for name in FILE_NAMES {
            let p = folder.join(name);
            if p.is_file() {
                if let Some(c) = Self::load(&p)? {
                    return Ok(Some(c));
                }
            }
        }
        Ok(None)
    }

    /// The rules `per-file-ignores` turns off for `path` (absolute).
    #[must_use]
    pub fn per_file_ignores_for(&self, path: &Path) -> Vec<String> {
        self.per_file
            .iter()
            .filter(|(m, _)| m.matches(path))
            .flat_map(|(_, r)| r.iter().cloned())
            .collect()
    }

    /// The exclusion globs in force: `exclude` (or `cli_exclude`, or the
    /// defaults) plus `extend-exclude` and `cli_extend`.
    #[must_use]
    pub fn exclude_globs(
        &self,
        cli_exclude: Option<&[String]>,
        cli_extend: &[String],
    ) -> Vec<String> {
        let base: Vec<String> = match (cli_exclude, &self.exclude) {
            (Some(c), _) => c.to_vec(),
            (None, Some(e)) => e.clone(),
            (None, None) => DEFAULT_EXCLUDE.iter().map(|s| (*s).to_string()).collect(),
        };
        base.into_iter()
            .chain(self.extend_exclude.iter().cloned())
            .chain(cli_extend.iter().cloned())
            .collect()
    }
}

fn glob_reason(e: &globset::Error) -> String {
    e.kind().to_string()
}

fn value_message(e: &toml::de::Error) -> String {
    let m = e.message().trim_end();
    m.replace("unknown variant", "unknown value")
}

/// True when `sel` names a rule, a group or `all`.
#[must_use]
pub fn known_selector(sel: &str) -> bool {
    sel == "all"
        || crate::rules::all()
            .iter()
            .any(|r| r.meta().id == sel || r.meta().group.as_str() == sel)
}

/// How configs are chosen for a run.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Each file's closest config (the default).
    Discover,
    /// `--config PATH`: this one for every file.
    Fixed(Arc<Config>),
    /// `--isolated`: no config file at all.
    Isolated,
}

/// A config with its exclusion globs compiled.
#[derive(Debug)]
pub struct Resolved {
    /// The config.
    pub config: Config,
    /// Exclusion, with the command line's `--exclude` / `--extend-exclude`.
    pub exclude: PathMatcher,
}

/// Finds and caches the config of each folder.
#[derive(Debug)]
pub struct Resolver {
    mode: Mode,
    cwd: PathBuf,
    cli_exclude: Option<Vec<String>>,
    cli_extend_exclude: Vec<String>,
    dirs: Mutex<HashMap<PathBuf, Result<Arc<Resolved>, ConfigError>>>,
    fallback: Mutex<Option<Arc<Resolved>>>,
}

impl Resolver {
    /// A resolver; `cli_exclude` replaces every config's `exclude` and
    /// `cli_extend_exclude` adds to it.
    ///
    /// # Errors
    /// A command-line glob that does not parse.
    pub fn new(
        mode: Mode,
        cwd: PathBuf,
        cli_exclude: Option<Vec<String>>,
        cli_extend_exclude: Vec<String>,
    ) -> Result<Self, String> {
        for g in cli_exclude.iter().flatten().chain(&cli_extend_exclude) {
            PathMatcher::new(&cwd, std::slice::from_ref(g))
                .map_err(|(_, e)| format!("bad glob `{g}`: {}", glob_reason(&e)))?;
        }
        Ok(Self {
            mode,
            cwd,
            cli_exclude,
            cli_extend_exclude,
            dirs: Mutex::new(HashMap::new()),
            fallback: Mutex::new(None),
        })
    }

    fn resolve(&self, config: Config) -> Arc<Resolved> {
        let globs = self.cli_exclude.as_deref();
        let list = config.exclude_globs(globs, &self.cli_extend_exclude);
        // Every glob was checked when the config or the command line was read.
        let exclude = PathMatcher::new(&config.root, &list)
            .unwrap_or_else(|_| PathMatcher::never(&config.root));
        Arc::new(Resolved { config, exclude })
    }

    fn fallback(&self) -> Arc<Resolved> {
        let mut f = self
            .fallback
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f.get_or_insert_with(|| self.resolve(Config::defaults(&self.cwd)))
            .clone()
    }

    /// `path` relative to the working folder when it is below it, for messages.
    fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.cwd)
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
    }

    /// Make `path` absolute against the working folder.
    #[must_use]
    pub fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            normalize(path)
        } else {
            normalize(&self.cwd.join(path))
        }
    }

    /// The config for files in folder `dir`.
    ///
    /// # Errors
    /// The closest config file is unreadable or invalid.
    pub fn for_dir(&self, dir: &Path) -> Result<Arc<Resolved>, ConfigError> {
        match &self.mode {
            Mode::Isolated => return Ok(self.fallback()),
            Mode::Fixed(c) => {
                let mut f = self
                    .fallback
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                return Ok(f.get_or_insert_with(|| self.resolve((**c).clone())).clone());
            }
            Mode::Discover => {}
        }
        let dir = self.absolute(dir);
        let dir = normalize(&dir);
        if let Some(hit) = self
            .dirs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&dir)
        {
            return hit.clone();
        }
        let found = match Config::in_folder(&dir) {
            Ok(Some(mut c)) => {
                c.path = c.path.map(|p| self.shown(&p));
                Ok(self.resolve(c))
            }
            Ok(None) => match dir.parent() {
                Some(parent) => self.for_dir(parent),
                None => Ok(self.fallback()),
            },
            Err(mut e) => {
                e.path = self.shown(&e.path);
                Err(e)
            }
        };
        self.dirs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(dir, found.clone());
        found
    }

    /// The config for the file at `path`.
    ///
    /// # Errors
    /// As [`Resolver::for_dir`].
    pub fn for_file(&self, path: &Path) -> Result<Arc<Resolved>, ConfigError> {
        let abs = self.absolute(path);
        let dir = abs
            .parent()
            .map_or_else(|| self.cwd.clone(), Path::to_path_buf);
        self.for_dir(&dir)
    }
}

/// Remove `.` and `..` components without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Result<Option<Config>, ConfigError> {
        Config::parse(Path::new(name), text)
    }

    #[test]
    fn reads_every_key() {
        let c = parse(
            "tagmend.toml",
            "select = [\"all\"]\nextend-select = [\"debris\"]\nignore = [\"stray-end-tag\"]\n\
             unsafe-fixes = true\nprofile = \"fragment\"\nexclude = [\"vendor\"]\n\
             extend-exclude = [\"drafts/**\"]\n[per-file-ignores]\n\"legacy/*.html\" = [\"tag-debris\"]\n",
        )
        .expect("valid")
        .expect("a config");
        assert_eq!(c.select, Some(vec!["all".to_string()]));
        assert_eq!(c.profile, Some(Profile::Fragment));
        assert_eq!(c.unsafe_fixes, Some(true));
        assert_eq!(c.per_file_ignores.len(), 1);
        assert_eq!(
            c.per_file_ignores_for(&c.root.join("legacy/a.html")),
            ["tag-debris"]
        );
        assert!(c
            .per_file_ignores_for(&c.root.join("legacy/x/a.html"))
            .is_empty());
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let e =
            parse("tagmend.toml", "select = [\"all\"]\nselekt = [\"x\"]\n").expect_err("bad key");
        assert_eq!(e.key.as_deref(), Some("selekt"));
        assert_eq!(e.position().map(|p| p.0), Some(2));
        assert!(e.message.contains("unknown key"), "{e}");
    }

    #[test]
    fn bad_values_name_their_key() {
        let e = parse("tagmend.toml", "unsafe-fixes = \"yes\"\n").expect_err("bad type");
        assert_eq!(e.key.as_deref(), Some("unsafe-fixes"));
        let e = parse("tagmend.toml", "\nprofile = \"page\"\n").expect_err("bad profile");
        assert_eq!(e.key.as_deref(), Some("profile"));
        assert_eq!(e.position().map(|p| p.0), Some(2));
        let e = parse(
            "tagmend.toml",
            "ignore = [\n  \"tag-debris\",\n  \"nope\",\n]\n",
        )
        .expect_err("bad rule");
        assert_eq!(e.key.as_deref(), Some("ignore"));
        assert_eq!(e.position(), Some((3, 3)));
        let e = parse("tagmend.toml", "exclude = [\"a[\"]\n").expect_err("bad glob");
        assert_eq!(e.key.as_deref(), Some("exclude"));
    }

    #[test]
    fn pyproject_needs_its_table() {
        assert!(parse("pyproject.toml", "[project]\nname = \"x\"\n")
            .expect("valid")
            .is_none());
        let c = parse(
            "pyproject.toml",
            "[project]\nname = \"x\"\n[tool.tagmend]\nignore = [\"tag-debris\"]\n",
        )
        .expect("valid")
        .expect("a config");
        assert_eq!(c.ignore, ["tag-debris"]);
        let e = parse("pyproject.toml", "[tool.tagmend]\nfoo = 1\n").expect_err("bad key");
        assert_eq!(e.key.as_deref(), Some("foo"));
        assert_eq!(e.position().map(|p| p.0), Some(2));
    }

    #[test]
    fn globs_match_names_and_paths() {
        let root = Path::new("/r");
        let m =
            PathMatcher::new(root, &["drafts".into(), "site/old/*.html".into()]).expect("globs");
        assert!(m.matches(Path::new("/r/a/drafts/x.html")));
        assert!(m.matches(Path::new("/r/site/old/x.html")));
        assert!(!m.matches(Path::new("/r/site/old/deeper/x.html")));
        assert!(!m.matches(Path::new("/r/site/x.html")));
    }
}
