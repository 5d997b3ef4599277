//! Unified diffs of a repair, with `similar`.

use similar::TextDiff;

/// A unified diff of `old` → `new` with 3 lines of context, `path` in the headers.
/// Coloured with ANSI escapes when `color` is set.
#[must_use]
pub fn unified(path: &str, old: &str, new: &str, color: bool) -> String {
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    if !color {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.split_inclusive('\n') {
        let (pre, post) = if line.starts_with("+++") || line.starts_with("---") {
            ("\x1b[1m", "\x1b[0m")
        } else if line.starts_with('+') {
            ("\x1b[32m", "\x1b[0m")
        } else if line.starts_with('-') {
            ("\x1b[31m", "\x1b[0m")
        } else if line.starts_with("@@") {
            ("\x1b[36m", "\x1b[0m")
        } else {
            ("", "")
        };
        let body = line.strip_suffix('\n').unwrap_or(line);
        out.push_str(pre);
        out.push_str(body);
        out.push_str(post);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}
