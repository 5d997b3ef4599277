//! Trust: hostile pages are skipped quickly with `resource-limit`, bad files are
#![allow(clippy::print_stderr)] // the kill test reports its runs
//! reported by name while the run goes on, and SIGKILL during `--fix` never leaves
//! a page half-written.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tagmend"));
    c.env("NO_COLOR", "1");
    c
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String, Duration) {
    let t = Instant::now();
    let out = bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run tagmend");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        t.elapsed(),
    )
}

#[test]
fn hostile_pages_are_skipped_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let w = |name: &str, s: String| std::fs::write(d.join(name), s).expect("write");
    w("nested.html", "<div>".repeat(100_000));
    w(
        "bclass.html",
        (0..20_000).fold(String::new(), |mut s, i| {
            use std::fmt::Write;
            let _ = write!(s, "<b class={i}>");
            s
        }),
    );
    w(
        "attrs.html",
        format!(
            "<p {}>x</p>",
            (0..100_000)
                .map(|i| format!("a{i}=1"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    );
    w(
        "bigline.html",
        format!("<p>{}</p>", "word ".repeat(50 * 1024 * 1024 / 5)),
    );
    w(
        "comment.html",
        format!("<p>x</p><!-- never closed {}", "text ".repeat(200_000)),
    );
    w(
        "widetable.html",
        format!("<table><tr>{}</table>", "<td>x".repeat(10_000)),
    );
    w("fine.html", "<table><tr><td>a td></table>".to_string());
    let (code, out, err, took) = run_in(d, &["check", "--output-format", "concise", "."]);
    assert_eq!(code, 2, "{err}");
    for f in ["nested.html", "bclass.html", "attrs.html", "bigline.html"] {
        assert!(
            err.contains(&format!("{f}: resource-limit")),
            "{f} not reported:\n{err}"
        );
    }
    for f in ["comment.html", "widetable.html"] {
        assert!(!err.contains(f), "{f} should be processed:\n{err}");
    }
    assert!(out.contains("fine.html:1:18: tag-debris"), "{out}");
    // A hang guard, not a performance target (see benches/ for those).
    assert!(
        took < Duration::from_secs(60),
        "hostile batch took {took:?}"
    );
}

#[test]
fn bad_inputs_are_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let broken = "<table><tr><td>a td></table>";
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("binary.html", b"<p>\0\0\0\x01\x02 binary</p>".to_vec()),
        ("image.html", b"\x89PNG\r\n\x1a\nrest".to_vec()),
        ("utf16bom.html", b"\xff\xfe<\0p\0>\0".to_vec()),
        (
            "utf16.html",
            "<p>hello td></p>"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
        ),
        ("empty.html", Vec::new()),
        ("truncated.html", b"<table><tr><td>a td> <td cla".to_vec()),
        (
            "latin1.html",
            b"<table><tr><td>caf\xe9 td></table>".to_vec(),
        ),
        (
            "cannot-encode.html",
            b"<meta charset=iso-8859-1><p>x</p><div>y".to_vec(),
        ),
        ("ok.html", broken.as_bytes().to_vec()),
    ];
    for (n, b) in &files {
        std::fs::write(d.join(n), b).expect("write");
    }
    let (code, _out, err, _) = run_in(
        d,
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "missing.html",
            "binary.html",
            "image.html",
            "utf16bom.html",
            "utf16.html",
            "empty.html",
            "truncated.html",
            "latin1.html",
            "ok.html",
        ],
    );
    assert_eq!(code, 2, "{err}");
    for (f, why) in [
        ("missing.html", "no such file"),
        ("binary.html", "NUL"),
        ("image.html", "PNG"),
        ("utf16bom.html", "UTF-16"),
        ("utf16.html", "UTF-16"),
    ] {
        assert!(
            err.contains(f) && err.lines().any(|l| l.contains(f) && l.contains(why)),
            "{f}: {why}\n{err}"
        );
    }
    for (n, b) in &files[..4] {
        assert_eq!(
            &std::fs::read(d.join(n)).expect("read"),
            b,
            "{n} was written"
        );
    }
    // The good and repairable ones were still processed.
    assert_eq!(
        std::fs::read_to_string(d.join("ok.html")).expect("read"),
        "<table><tr><td>a</td></table>"
    );
    assert_eq!(
        std::fs::read(d.join("latin1.html")).expect("read"),
        b"<table><tr><td>caf\xe9</td></table>"
    );
    assert_eq!(std::fs::read(d.join("empty.html")).expect("read"), b"");
}

#[test]
fn a_folder_named_like_a_page_is_an_error_other_folders_are_walked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let broken = "<table><tr><td>a td></table>";
    for folder in ["page.html", "old.HTM", "doc.xhtml", "site"] {
        std::fs::create_dir(d.join(folder)).expect("mkdir");
        std::fs::write(d.join(folder).join("inner.html"), broken).expect("write");
    }
    std::fs::write(d.join("ok.html"), broken).expect("write");
    let (code, out, err, _) = run_in(
        d,
        &[
            "check",
            "--output-format",
            "concise",
            "page.html",
            "old.HTM",
            "doc.xhtml",
            "site",
            "ok.html",
        ],
    );
    assert_eq!(code, 2, "{err}");
    for folder in ["page.html", "old.HTM", "doc.xhtml"] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("{folder}: is a directory"))),
            "{folder} not reported:\n{err}"
        );
        assert!(!out.contains(&format!("{folder}/inner.html")), "{out}");
    }
    assert!(!err.contains("site"), "{err}");
    assert!(out.contains("inner.html:1:18: tag-debris"), "{out}");
    assert!(out.contains("ok.html:1:18: tag-debris"), "{out}");

    // With --fix nothing is written and the other files are still fixed.
    let (code, _, err, _) = run_in(d, &["check", "--fix", "page.html", "ok.html"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("page.html: is a directory"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("page.html/inner.html")).expect("read"),
        broken
    );
    assert_eq!(
        std::fs::read_to_string(d.join("ok.html")).expect("read"),
        "<table><tr><td>a</td></table>"
    );
}

fn page(i: usize) -> String {
    let mut s = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>\n",
    );
    for r in 0..15 {
        s.push_str(&format!(
            "<h2>Section {i}.{r} h2>\n<p>Paragraph {r} of page {i} with words and more words. p>\n<table><tr>< td >Cell {r} <td>Value {i} td > tr >\n</table>\n"
        ));
    }
    s.push_str("</body></html>\n");
    s
}

#[test]
fn sigkill_during_fix_leaves_every_page_whole() {
    let n_pages = 200;
    let originals: Vec<String> = (0..n_pages).map(page).collect();
    // The fixed version of each page, from an uninterrupted run.
    let reference = tempfile::tempdir().expect("tempdir");
    for (i, p) in originals.iter().enumerate() {
        std::fs::write(reference.path().join(format!("p{i:03}.html")), p).expect("write");
    }
    let t = Instant::now();
    let (code, _, err, _) = run_in(reference.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    let full = t.elapsed();
    assert_eq!(code, 0, "{err}");
    let fixed: Vec<Vec<u8>> = (0..n_pages)
        .map(|i| std::fs::read(reference.path().join(format!("p{i:03}.html"))).expect("read"))
        .collect();
    assert!(fixed.iter().zip(&originals).all(|(f, o)| f != o.as_bytes()));

    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15 ^ u64::from(std::process::id());
    let mut outcomes = (0, 0, 0); // (killed mid-run, finished before the kill, pages fixed when killed)
    for _ in 0..20 {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths: Vec<PathBuf> = (0..n_pages)
            .map(|i| dir.path().join(format!("p{i:03}.html")))
            .collect();
        for (p, o) in paths.iter().zip(&originals) {
            std::fs::write(p, o).expect("write");
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let budget = u64::try_from(full.as_micros()).unwrap_or(u64::MAX).max(1);
        let delay = Duration::from_micros(seed % budget);
        let mut child = bin()
            .args(["check", "--fix", "--unsafe-fixes", "."])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        let killed = matches!(child.try_wait(), Ok(None));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let mut done = 0;
        for (i, p) in paths.iter().enumerate() {
            let now = std::fs::read(p).expect("page still exists");
            if now == fixed[i] {
                done += 1;
            } else {
                assert_eq!(
                    now,
                    originals[i].as_bytes(),
                    "page {i} is neither original nor fixed"
                );
            }
        }
        if killed {
            outcomes.0 += 1;
            outcomes.2 += done;
        } else {
            outcomes.1 += 1;
        }
    }
    eprintln!(
        "kill test: 20 runs over {n_pages} pages (full run {full:?}); {} killed mid-run ({} pages already fixed in total), {} finished first",
        outcomes.0, outcomes.2, outcomes.1
    );
}
