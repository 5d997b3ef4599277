//! The `tagmend` Python module: `check` and `fix` on `str` or `bytes`.
//!
//! Bytes go through [`tagmend::fix_bytes`] / [`tagmend::lint_bytes`], exactly what
//! `tagmend check --fix -` and `tagmend check -` do; a `str` is passed as its UTF-8
//! bytes, so it gives what the command line gives on those bytes. Diagnostics
//! are the command line's `--output-format json` objects (without `path`, with
//! the rule's `group`). The GIL is released while Rust works.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use tagmend::cli::report::{json_diagnostic, FileFindings, JsonDiagnostic, Position};
use tagmend::rule::Profile;
use tagmend::{Applicability, Diagnostic, Settings, Source};

pyo3::create_exception!(
    tagmend,
    TagmendError,
    PyValueError,
    "A page tagmend cannot check: an unknown rule selector, binary or undecodable \
     input, a page over a resource limit, or a fix the page's encoding cannot write."
);

/// The page as Python handed it over.
struct Input {
    bytes: Vec<u8>,
    /// True for `str` (the result is `str` too), false for `bytes`.
    text: bool,
}

fn input(html: &Bound<'_, PyAny>) -> PyResult<Input> {
    if let Ok(s) = html.cast::<PyString>() {
        // Unpaired surrogates raise UnicodeEncodeError here, as `str.encode` would.
        return Ok(Input {
            bytes: s.to_str()?.as_bytes().to_vec(),
            text: true,
        });
    }
    if let Ok(b) = html.cast::<PyBytes>() {
        return Ok(Input {
            bytes: b.as_bytes().to_vec(),
            text: false,
        });
    }
    Err(PyTypeError::new_err(format!(
        "html must be str or bytes, not {}",
        html.get_type().name()?
    )))
}

/// `None`, a comma-separated string (as on the command line) or a sequence of
/// rule ids / group names.
fn selectors(arg: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Vec<String>> {
    let Some(arg) = arg else {
        return Ok(Vec::new());
    };
    if let Ok(s) = arg.cast::<PyString>() {
        return Ok(s
            .to_str()?
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect());
    }
    arg.extract::<Vec<String>>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a str or a sequence of str (rule ids or group names)"
        ))
    })
}

fn settings(
    select: Option<&Bound<'_, PyAny>>,
    ignore: Option<&Bound<'_, PyAny>>,
    unsafe_fixes: bool,
    profile: &str,
) -> PyResult<Settings> {
    let profile = match profile {
        "document" => Profile::Document,
        "fragment" => Profile::Fragment,
        other => {
            return Err(PyValueError::new_err(format!(
                "profile must be \"document\" or \"fragment\", not {other:?}"
            )))
        }
    };
    Ok(Settings {
        select: selectors(select, "select")?,
        ignore: selectors(ignore, "ignore")?,
        unsafe_fixes,
        profile,
        ..Settings::default()
    })
}

fn tagmend_error(e: &tagmend::Error) -> PyErr {
    TagmendError::new_err(e.to_string())
}

/// The command line's JSON objects for `diagnostics`, which point into `source`.
fn json(source: &Source, diagnostics: &[Diagnostic], level: Applicability) -> Vec<JsonDiagnostic> {
    let findings = FileFindings {
        path: "",
        source,
        diagnostics,
        level,
    };
    diagnostics
        .iter()
        .map(|d| json_diagnostic(&findings, d))
        .collect()
}

fn position<'py>(py: Python<'py>, p: &Position) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("line", p.line)?;
    d.set_item("column", p.column)?;
    d.set_item("offset", p.offset)?;
    Ok(d)
}

fn diagnostic<'py>(py: Python<'py>, j: &JsonDiagnostic) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rule", &j.rule)?;
    d.set_item(
        "group",
        tagmend::rules::by_id(&j.rule).map(|r| r.meta().group.as_str()),
    )?;
    d.set_item("message", &j.message)?;
    d.set_item("note", &j.note)?;
    d.set_item("start", position(py, &j.start)?)?;
    d.set_item("end", position(py, &j.end)?)?;
    let fix = match &j.fix {
        None => None,
        Some(f) => {
            let fd = PyDict::new(py);
            fd.set_item("title", &f.title)?;
            fd.set_item("applicability", &f.applicability)?;
            fd.set_item("applies", f.applies)?;
            let edits = PyList::empty(py);
            for e in &f.edits {
                let ed = PyDict::new(py);
                ed.set_item("start", position(py, &e.start)?)?;
                ed.set_item("end", position(py, &e.end)?)?;
                ed.set_item("content", &e.content)?;
                edits.append(ed)?;
            }
            fd.set_item("edits", edits)?;
            Some(fd)
        }
    };
    d.set_item("fix", fix)?;
    Ok(d)
}

fn diagnostics<'py>(py: Python<'py>, found: &[JsonDiagnostic]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for j in found {
        list.append(diagnostic(py, j)?)?;
    }
    Ok(list)
}

/// Report the defects of a page.
///
/// `html` is `str` or `bytes`. Bytes are decoded as `tagmend check -` decodes a
/// file (byte order mark, `<meta charset>`, then a guess); a `str` is checked as
/// its UTF-8 bytes. Returns one dict per finding, sorted by position, shaped as
/// `tagmend check --output-format json` shapes them (without `path`): `rule`,
/// `group`, `message`, `note`, `start` / `end` (`line` and `column` 1-based,
/// columns in characters; `offset` a 0-based byte offset into the page's text
/// as UTF-8), and `fix` (`title`, `applicability`, `applies`, `edits`) or None.
///
/// Raises `TagmendError` for an unknown selector, binary input or a page over a
/// resource limit.
#[pyfunction]
#[pyo3(signature = (html, select=None, ignore=None, unsafe_fixes=false, profile="document"))]
fn check<'py>(
    py: Python<'py>,
    html: &Bound<'py, PyAny>,
    select: Option<&Bound<'py, PyAny>>,
    ignore: Option<&Bound<'py, PyAny>>,
    unsafe_fixes: bool,
    profile: &str,
) -> PyResult<Bound<'py, PyList>> {
    let Input { bytes, .. } = input(html)?;
    let settings = settings(select, ignore, unsafe_fixes, profile)?;
    let found = py
        .detach(move || {
            let (source, found) = tagmend::lint_bytes(bytes, None, &settings)?;
            Ok(json(&source, &found, settings.fix_level()))
        })
        .map_err(|e: tagmend::Error| tagmend_error(&e))?;
    diagnostics(py, &found)
}

/// Repair a page: `(fixed_html, remaining_diagnostics)`.
///
/// `bytes` in gives `bytes` out, byte for byte what `tagmend check --fix -`
/// writes: the page's own encoding, every untouched byte kept. A `str` is fixed
/// as its UTF-8 bytes and the result decoded back to `str`. Safe fixes apply,
/// and unsafe ones too with `unsafe_fixes=True`. The remaining diagnostics are
/// dicts as `check` returns them, pointing into the fixed page.
///
/// Raises `TagmendError` for an unknown selector, binary input, a page over a
/// resource limit, or a fix the page's encoding cannot write (for a `str` whose
/// `<meta charset>` names another encoding, also a result that is not UTF-8).
#[pyfunction]
#[pyo3(signature = (html, unsafe_fixes=false, select=None, ignore=None, profile="document"))]
fn fix<'py>(
    py: Python<'py>,
    html: &Bound<'py, PyAny>,
    unsafe_fixes: bool,
    select: Option<&Bound<'py, PyAny>>,
    ignore: Option<&Bound<'py, PyAny>>,
    profile: &str,
) -> PyResult<Bound<'py, PyTuple>> {
    let Input { bytes, text } = input(html)?;
    let settings = settings(select, ignore, unsafe_fixes, profile)?;
    let (out, encoding, remaining) = py
        .detach(move || {
            let fixed = tagmend::fix_bytes(bytes, None, &settings)?;
            let remaining = json(
                fixed.outcome.document.source(),
                &fixed.outcome.remaining,
                settings.fix_level(),
            );
            Ok((fixed.bytes, fixed.source.encoding().name(), remaining))
        })
        .map_err(|e: tagmend::Error| tagmend_error(&e))?;
    let page = if text {
        match String::from_utf8(out) {
            Ok(s) => PyString::new(py, &s).into_any(),
            Err(_) => {
                return Err(TagmendError::new_err(format!(
                    "the fixed page is in {encoding}, as its <meta charset> declares, not \
                     UTF-8; pass bytes to get the page in its own encoding"
                )))
            }
        }
    } else {
        PyBytes::new(py, &out).into_any()
    };
    PyTuple::new(py, [page, diagnostics(py, &remaining)?.into_any()])
}

/// tagmend: HTML cleanup and repair linter for scraped article HTML.
///
/// `check(html)` reports defects; `fix(html)` repairs them with minimal byte-range
/// edits, exactly as `tagmend check --fix -` does. Both take `str` or `bytes` and
/// release the GIL while they work.
#[pymodule(name = "tagmend")]
mod tagmend_module {
    #[pymodule_export]
    use super::{check, fix, TagmendError};

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
