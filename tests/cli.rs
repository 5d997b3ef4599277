//! The built binary on temporary copies: exit codes, files, stdin, errors.

use std::path::Path;
use std::process::{Command, Stdio};

fn tagmend(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tagmend"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tagmend");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BROKEN: &str = "<table>\n<tr><td>Region td> <td>Panama</td></tr>\n</table>\n";
// The space the lost `</` left goes with the debris.
const FIXED: &str = "<table>\n<tr><td>Region</td> <td>Panama</td></tr>\n</table>\n";
const CLEAN: &str = "<p>Nothing to see.</p>\n";

fn setup(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, bytes).expect("write");
    }
    dir
}

#[test]
fn check_reports_and_exits_1() {
    let dir = setup(&[("a.html", BROKEN.as_bytes())]);
    let (code, out, _) = tagmend(
        &["check", "--output-format", "concise", "a.html"],
        dir.path(),
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("a.html:2:16: tag-debris [*] Tag debris `td>`"),
        "{out}"
    );
    assert!(out.contains("Found 1 error."), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.html")).expect("read"),
        BROKEN
    );
}

#[test]
fn full_output_shows_snippet_and_help() {
    let dir = setup(&[("a.html", BROKEN.as_bytes())]);
    let (code, out, _) = tagmend(&["check", "a.html"], dir.path());
    assert_eq!(code, 1);
    assert!(out.contains("tag-debris"), "{out}");
    assert!(
        out.contains("<tr><td>Region td> <td>Panama</td></tr>"),
        "{out}"
    );
    assert!(out.contains("Restore the `</td>` end tag"), "{out}");
    assert!(!out.contains('\x1b'), "colour leaked into a pipe: {out}");
}

#[test]
fn clean_file_exits_0() {
    let dir = setup(&[("ok.html", CLEAN.as_bytes())]);
    let (code, out, _) = tagmend(&["check", "ok.html"], dir.path());
    assert_eq!(code, 0);
    assert!(out.contains("All checks passed!"));
}

#[test]
fn fix_rewrites_in_place_and_is_idempotent() {
    let dir = setup(&[("a.html", BROKEN.as_bytes()), ("ok.html", CLEAN.as_bytes())]);
    let ok = dir.path().join("ok.html");
    let before = std::fs::metadata(&ok)
        .expect("meta")
        .modified()
        .expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, out, _) = tagmend(&["check", "--fix", "."], dir.path());
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.html")).expect("read"),
        FIXED
    );
    // A file no fix touched is not rewritten.
    assert_eq!(
        std::fs::metadata(&ok)
            .expect("meta")
            .modified()
            .expect("mtime"),
        before
    );
    let (code, _, _) = tagmend(&["check", "--fix", "."], dir.path());
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.html")).expect("read"),
        FIXED
    );
}

#[test]
fn diff_writes_nothing() {
    let dir = setup(&[("a.html", BROKEN.as_bytes())]);
    let (code, out, _) = tagmend(&["check", "--diff", "a.html"], dir.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("-<tr><td>Region td> <td>Panama</td></tr>"),
        "{out}"
    );
    assert!(
        out.contains("+<tr><td>Region</td> <td>Panama</td></tr>"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.html")).expect("read"),
        BROKEN
    );
}

#[test]
fn stdin_fix_prints_document_on_stdout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tagmend"))
        .args(["check", "--fix", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(BROKEN.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), FIXED);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 fixed"));
}

#[test]
fn bad_files_are_reported_and_the_run_goes_on() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let dir = setup(&[
        ("a.html", BROKEN.as_bytes()),
        ("img.html", &png),
        ("sub/b.html", CLEAN.as_bytes()),
    ]);
    let (code, out, err) = tagmend(
        &[
            "check",
            "--output-format",
            "concise",
            "missing.html",
            "img.html",
            "a.html",
            "sub",
        ],
        dir.path(),
    );
    assert_eq!(code, 2);
    assert!(err.contains("missing.html: no such file"), "{err}");
    assert!(err.contains("img.html: not an HTML text file"), "{err}");
    assert!(out.contains("a.html:2:16: tag-debris"), "{out}");
}

#[test]
fn read_only_file_is_not_changed() {
    let dir = setup(&[("a.html", BROKEN.as_bytes())]);
    let p = dir.path().join("a.html");
    let mut perms = std::fs::metadata(&p).expect("meta").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&p, perms).expect("chmod");
    let (code, _, err) = tagmend(&["check", "--fix", "a.html"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("a.html: cannot write the fixed file"), "{err}");
    assert_eq!(std::fs::read_to_string(&p).expect("read"), BROKEN);
}

#[test]
fn encoding_and_line_endings_are_kept() {
    let mut page = b"<meta charset=\"windows-1252\">\r\n<table>\r\n<tr><td>Caf\xe9 td> <td>x</td></tr>\r\n</table>\r\n".to_vec();
    let dir = setup(&[("w.html", &page)]);
    let (code, out, _) = tagmend(&["check", "--fix", "w.html"], dir.path());
    // The debris and the space before it become `</td>`; the page stays
    // windows-1252: `legacy-encoding` is an unsafe fix on a non-ASCII page, so
    // it is what remains.
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("legacy-encoding"), "{out}");
    assert!(out.contains("1 fixed, 1 remaining"), "{out}");
    let at = page.windows(4).position(|w| w == b" td>").expect("debris");
    page.splice(at..at + 4, b"</td>".iter().copied());
    assert_eq!(
        std::fs::read(dir.path().join("w.html")).expect("read"),
        page
    );
}

#[test]
fn directory_walk_is_sorted() {
    let dir = setup(&[
        ("b.html", BROKEN.as_bytes()),
        ("a/z.htm", BROKEN.as_bytes()),
        ("c.txt", BROKEN.as_bytes()),
    ]);
    let (_, out, _) = tagmend(&["check", "--output-format", "concise", "."], dir.path());
    let files: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split(':').next())
        .filter(|f| f.contains(".htm"))
        .collect();
    assert_eq!(files, ["./a/z.htm", "./b.html"], "{out}");
}

#[test]
fn rules_and_rule_docs() {
    let dir = setup(&[]);
    let (code, out, _) = tagmend(&["rules"], dir.path());
    assert_eq!(code, 0);
    for r in tagmend::rules::all() {
        assert!(out.contains(r.meta().id), "{out}");
    }
    let (code, out, _) = tagmend(&["rule", "tag-debris"], dir.path());
    assert_eq!(code, 0);
    assert!(
        out.contains("## What it does") && out.contains("## Fix safety"),
        "{out}"
    );
    let (code, _, err) = tagmend(&["rule", "no-such-rule"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule"));
}

#[test]
fn select_and_ignore() {
    let dir = setup(&[("a.html", BROKEN.as_bytes())]);
    let (code, _, _) = tagmend(&["check", "--ignore", "tag-debris", "a.html"], dir.path());
    assert_eq!(code, 0);
    let (code, _, _) = tagmend(&["check", "--select", "debris", "a.html"], dir.path());
    assert_eq!(code, 1);
    let (code, _, err) = tagmend(&["check", "--select", "nope", "a.html"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule or group `nope`"), "{err}");
}

#[test]
fn readme_rule_table_matches_registry() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    for r in tagmend::rules::all() {
        let m = r.meta();
        let row = format!(
            "| `{}` | {} | {} | {} | {} |",
            m.id,
            m.group.as_str(),
            m.fix.as_str(),
            if m.default_on { "on" } else { "off" },
            m.summary
        );
        assert!(
            readme.contains(&row),
            "README rule table is missing or stale for: {row}"
        );
    }
}

#[test]
fn full_output_survives_a_very_long_line() {
    // A minified page: one 100,000-character line with a finding at its end.
    // miette panicked formatting padding past 65,535 columns.
    let mut page = String::from("<div>");
    page.push_str(&"<span>word</span> ".repeat(6_000));
    page.push_str("<table><tr><td>Region td> <td>Panama</td></tr></table></div>\n");
    let dir = setup(&[("long.html", page.as_bytes())]);
    let (code, out, err) = tagmend(&["check", "long.html"], dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("tag-debris"), "{out}");
    assert!(out.contains("long.html:1:"), "{out}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn full_output_places_findings_on_long_lines_exactly() {
    // The long-line snippet names line and character column from the line
    // index: a finding on the third line, after a multi-byte character.
    let mut page = String::from("<!doctype html>\n<p>caf\u{e9}</p>\n<div>\u{e9}");
    page.push_str(&"<span>word</span> ".repeat(200));
    let line_start = page.rfind('\n').map_or(0, |i| i + 1);
    let at = page.len();
    page.push_str("<table><tr><td>Region td> <td>Panama</td></tr></table></div>\n<p>end</p>\n");
    let debris = at + "<table><tr><td>Region ".len();
    let col = page[line_start..debris].chars().count() + 1;
    let dir = setup(&[("long.html", page.as_bytes())]);
    let (code, out, err) = tagmend(&["check", "long.html"], dir.path());
    assert_eq!(code, 1, "{err}");
    let expected = format!("[long.html:3:{col}]");
    assert!(out.contains(&expected), "{expected} not in {out}");
    let concise = tagmend(
        &["check", "--output-format", "concise", "long.html"],
        dir.path(),
    )
    .1;
    assert!(
        concise.contains(&format!("long.html:3:{col}: tag-debris")),
        "{concise}"
    );
}
