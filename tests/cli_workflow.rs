//! tagmend where people already work, against the built binary: config files,
//! inline suppressions, baselines, output formats, file selection and the other
//! `check` flags, completions and the man page.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use tagmend::cli::report::JsonDiagnostic;

struct Run {
    code: i32,
    out: String,
    err: String,
}

fn run_with(args: &[&str], dir: &Path, stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tagmend"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn tagmend");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str], dir: &Path) -> Run {
    run_with(args, dir, None, &[])
}

const BROKEN: &str = "<table>\n<tr><td>Region td> <td>Panama</td></tr>\n</table>\n";
const FIXED: &str = "<table>\n<tr><td>Region</td> <td>Panama</td></tr>\n</table>\n";
const CLEAN: &str = "<p>Nothing to see.</p>\n";

fn setup(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("read")
}

fn concise<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["check", "--output-format", "concise"];
    v.extend_from_slice(args);
    v
}

// ---- configuration ----------------------------------------------------------

#[test]
fn closest_config_wins() {
    let dir = setup(&[
        ("tagmend.toml", "ignore = [\"tag-debris\"]\n"),
        ("top.html", BROKEN),
        ("sub/.tagmend.toml", "select = [\"debris\"]\n"),
        ("sub/inner.html", BROKEN),
        ("sub/deeper/x.html", BROKEN),
    ]);
    let r = run(&concise(&["."]), dir.path());
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(!r.out.contains("top.html"), "{}", r.out);
    assert!(
        r.out.contains("sub/inner.html:2:16: tag-debris"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("sub/deeper/x.html:2:16: tag-debris"),
        "{}",
        r.out
    );
}

#[test]
fn pyproject_table_is_read_and_one_without_it_is_skipped() {
    let dir = setup(&[
        (
            "pyproject.toml",
            "[project]\nname = \"site\"\n\n[tool.tagmend]\nignore = [\"debris\"]\n",
        ),
        ("a.html", BROKEN),
        ("sub/pyproject.toml", "[project]\nname = \"other\"\n"),
        ("sub/b.html", BROKEN),
    ]);
    let r = run(&concise(&["."]), dir.path());
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
}

#[test]
fn dot_tagmend_toml_comes_before_tagmend_toml() {
    let dir = setup(&[
        (".tagmend.toml", "ignore = [\"tag-debris\"]\n"),
        ("tagmend.toml", "select = [\"all\"]\n"),
        ("a.html", BROKEN),
    ]);
    assert_eq!(run(&concise(&["a.html"]), dir.path()).code, 0);
}

#[test]
fn bad_key_is_an_error_naming_file_line_and_key() {
    let dir = setup(&[
        (
            "tagmend.toml",
            "select = [\"all\"]\nselekt = [\"tag-debris\"]\n",
        ),
        ("a.html", BROKEN),
    ]);
    let r = run(&concise(&["a.html"]), dir.path());
    assert_eq!(r.code, 2);
    assert!(
        r.err
            .contains("tagmend.toml:2:1: key `selekt`: unknown key"),
        "{}",
        r.err
    );
    // The miette snippet labels the key.
    assert!(r.err.contains("2 │ selekt = [\"tag-debris\"]"), "{}", r.err);
    assert!(
        r.out.is_empty(),
        "nothing is checked with a bad config: {}",
        r.out
    );
}

#[test]
fn bad_values_are_errors_naming_their_key() {
    for (text, line, key, what) in [
        (
            "unsafe-fixes = \"yes\"\n",
            1,
            "unsafe-fixes",
            "expected a boolean",
        ),
        (
            "\nprofile = \"page\"\n",
            2,
            "profile",
            "unknown value `page`",
        ),
        (
            "ignore = [\n  \"nope\",\n]\n",
            2,
            "ignore",
            "unknown rule or group `nope`",
        ),
        ("exclude = [\"a[\"]\n", 1, "exclude", "bad glob"),
        (
            "[per-file-ignores]\n\"*.html\" = [\"tag-debri\"]\n",
            2,
            "per-file-ignores",
            "unknown rule or group `tag-debri`",
        ),
    ] {
        let dir = setup(&[("tagmend.toml", text), ("a.html", BROKEN)]);
        let r = run(&concise(&["a.html"]), dir.path());
        assert_eq!(r.code, 2, "{text}");
        assert!(
            r.err.contains(&format!("tagmend.toml:{line}:")),
            "{text}: {}",
            r.err
        );
        assert!(r.err.contains(&format!("key `{key}`")), "{text}: {}", r.err);
        assert!(r.err.contains(what), "{text}: {}", r.err);
    }
}

#[test]
fn config_flag_and_isolated() {
    let dir = setup(&[
        ("tagmend.toml", "ignore = [\"tag-debris\"]\n"),
        ("ci/strict.toml", "select = [\"all\"]\n"),
        ("a.html", BROKEN),
    ]);
    assert_eq!(run(&concise(&["a.html"]), dir.path()).code, 0);
    let r = run(
        &concise(&["--config", "ci/strict.toml", "a.html"]),
        dir.path(),
    );
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert_eq!(run(&concise(&["--isolated", "a.html"]), dir.path()).code, 1);
    let r = run(
        &concise(&["--config", "missing.toml", "a.html"]),
        dir.path(),
    );
    assert_eq!(r.code, 2);
    assert!(r.err.contains("missing.toml"), "{}", r.err);
    let r = run(
        &concise(&["--config", "ci/strict.toml", "--isolated", "a.html"]),
        dir.path(),
    );
    assert_eq!(r.code, 2, "--config and --isolated conflict");
}

#[test]
fn cli_flags_override_the_config() {
    let dir = setup(&[
        (
            "tagmend.toml",
            "ignore = [\"tag-debris\"]\nunsafe-fixes = true\n",
        ),
        ("a.html", BROKEN),
    ]);
    assert_eq!(run(&concise(&["a.html"]), dir.path()).code, 0);
    assert_eq!(
        run(
            &concise(&["--extend-select", "tag-debris", "a.html"]),
            dir.path()
        )
        .code,
        1
    );
    assert_eq!(
        run(&concise(&["--select", "tag-debris", "a.html"]), dir.path()).code,
        1
    );
    let r = run(&concise(&["--select", "nope", "a.html"]), dir.path());
    assert_eq!(r.code, 2);
    assert!(r.err.contains("unknown rule or group `nope`"), "{}", r.err);
}

#[test]
fn unsafe_fixes_from_config_and_no_unsafe_fixes() {
    // An unused suppression naming a rule that is not enabled has an unsafe fix.
    let page = "<!-- tagmend-disable-next-line stray-end-tag -->\n<p>x</p>\n";
    let dir = setup(&[
        (
            "tagmend.toml",
            "select = [\"unused-suppression\"]\nunsafe-fixes = true\n",
        ),
        ("a.html", page),
    ]);
    let r = run(
        &concise(&["--fix", "--no-unsafe-fixes", "a.html"]),
        dir.path(),
    );
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert_eq!(read(dir.path(), "a.html"), page);
    let r = run(&concise(&["--fix", "a.html"]), dir.path());
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert_eq!(read(dir.path(), "a.html"), "<p>x</p>\n");
}

#[test]
fn per_file_ignores() {
    let dir = setup(&[
        (
            "tagmend.toml",
            "[per-file-ignores]\n\"legacy/**\" = [\"tag-debris\"]\n\"one.html\" = [\"debris\"]\n",
        ),
        ("legacy/old/a.html", BROKEN),
        ("deep/one.html", BROKEN),
        ("new.html", BROKEN),
    ]);
    let r = run(&concise(&["."]), dir.path());
    assert_eq!(r.code, 1);
    assert!(r.out.contains("./new.html:2:16"), "{}", r.out);
    assert!(!r.out.contains("legacy"), "{}", r.out);
    assert!(!r.out.contains("one.html"), "{}", r.out);
}

#[test]
fn profile_is_read_from_config_and_flag() {
    let dir = setup(&[
        ("tagmend.toml", "profile = \"fragment\"\n"),
        ("a.html", CLEAN),
    ]);
    assert_eq!(run(&concise(&["a.html"]), dir.path()).code, 0);
    assert_eq!(
        run(&concise(&["--profile", "document", "a.html"]), dir.path()).code,
        0
    );
    let r = run(&concise(&["--profile", "page", "a.html"]), dir.path());
    assert_eq!(r.code, 2);
}

#[test]
fn profile_reaches_the_rules() {
    // Through the library: the profile is in Settings and in the rules' Context.
    let settings = tagmend::Settings {
        profile: tagmend::rule::Profile::Fragment,
        ..tagmend::Settings::default()
    };
    assert!(tagmend::lint(CLEAN, &settings).expect("lint").is_empty());
    assert_eq!(tagmend::rule::Profile::Fragment.as_str(), "fragment");
}

#[test]
fn stdin_filename_finds_its_config() {
    let dir = setup(&[("site/tagmend.toml", "ignore = [\"tag-debris\"]\n")]);
    let r = run_with(
        &concise(&["--stdin-filename", "site/page.html", "-"]),
        dir.path(),
        Some(BROKEN),
        &[],
    );
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let r = run_with(&concise(&["-"]), dir.path(), Some(BROKEN), &[]);
    assert_eq!(r.code, 1);
}

// ---- files ------------------------------------------------------------------

#[test]
fn excludes_from_config_and_flags() {
    let dir = setup(&[
        ("tagmend.toml", "extend-exclude = [\"drafts\"]\n"),
        ("a.html", BROKEN),
        ("drafts/b.html", BROKEN),
        ("node_modules/pkg/c.html", BROKEN),
        ("vendor/d.html", BROKEN),
    ]);
    let files = |r: &Run| -> Vec<String> {
        let mut v: Vec<String> = r
            .out
            .lines()
            .filter_map(|l| l.split(':').next())
            .filter(|f| Path::new(f).extension().is_some_and(|e| e == "html"))
            .map(str::to_string)
            .collect();
        v.dedup();
        v
    };
    let r = run(&concise(&["."]), dir.path());
    assert_eq!(files(&r), ["./a.html", "./vendor/d.html"], "{}", r.out);
    let r = run(&concise(&["--extend-exclude", "vendor", "."]), dir.path());
    assert_eq!(files(&r), ["./a.html"]);
    // --exclude replaces the excludes (node_modules is back), extend-exclude stays.
    let r = run(&concise(&["--exclude", "vendor/*.html", "."]), dir.path());
    assert_eq!(
        files(&r),
        ["./a.html", "./node_modules/pkg/c.html"],
        "{}",
        r.out
    );
}

#[test]
fn named_files_are_checked_unless_force_exclude() {
    let dir = setup(&[
        ("tagmend.toml", "extend-exclude = [\"drafts\"]\n"),
        ("drafts/b.html", BROKEN),
    ]);
    assert_eq!(run(&concise(&["drafts/b.html"]), dir.path()).code, 1);
    let r = run(&concise(&["--force-exclude", "drafts/b.html"]), dir.path());
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    // Standard input named into an excluded folder goes through untouched.
    let r = run_with(
        &[
            "check",
            "--fix",
            "--force-exclude",
            "--stdin-filename",
            "drafts/x.html",
            "-",
        ],
        dir.path(),
        Some(BROKEN),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(r.out, BROKEN);
}

#[test]
fn gitignore_and_extensions() {
    let dir = setup(&[
        (".gitignore", "built/\n"),
        ("built/a.html", BROKEN),
        ("page.xhtml", BROKEN),
        ("page.html", BROKEN),
    ]);
    let r = run(&concise(&["."]), dir.path());
    assert!(r.out.contains("./page.html"), "{}", r.out);
    assert!(!r.out.contains("built"), "{}", r.out);
    assert!(!r.out.contains("xhtml"), "{}", r.out);
    let r = run(&concise(&["--extension", "xhtml", "."]), dir.path());
    assert!(r.out.contains("./page.xhtml:2:16"), "{}", r.out);
}

// ---- inline suppressions ----------------------------------------------------

#[test]
fn suppressions_silence_and_are_not_fixed() {
    let page = "<table>\n\
                <!-- tagmend-disable-next-line tag-debris -->\n\
                <tr><td>A td> <td>1</td></tr>\n\
                <!-- tagmend-disable debris -- imported as is -->\n\
                <tr><td>B td> <td>2</td></tr>\n\
                <!-- tagmend-enable debris -->\n\
                <tr><td>C td> <td>3</td></tr>\n\
                </table>\n";
    let dir = setup(&[("a.html", page)]);
    let r = run(&concise(&["a.html"]), dir.path());
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.out.lines().filter(|l| l.starts_with("a.html")).collect();
    assert_eq!(lines.len(), 1, "{}", r.out);
    assert!(lines[0].starts_with("a.html:7:11: tag-debris"), "{}", r.out);
    let r = run(&concise(&["--fix", "a.html"]), dir.path());
    assert_eq!(r.code, 0, "{}", r.out);
    let fixed = read(dir.path(), "a.html");
    assert!(
        fixed.contains("<td>A td> <td>1"),
        "suppressed debris was fixed:\n{fixed}"
    );
    assert!(
        fixed.contains("<td>B td> <td>2"),
        "suppressed debris was fixed:\n{fixed}"
    );
    assert!(fixed.contains("<td>C</td> <td>3"), "{fixed}");
}

#[test]
fn disable_file_and_unused_suppressions() {
    let dir = setup(&[
        (
            "off.html",
            &format!("<!-- tagmend-disable-file -->\n{BROKEN}"),
        ),
        (
            "stale.html",
            "<p>Intro</p>\n<!-- tagmend-disable-next-line tag-debris -->\n<p>Fine now</p>\n",
        ),
    ]);
    let r = run(&concise(&["off.html"]), dir.path());
    assert_eq!(r.code, 0, "{}", r.out);
    let r = run(&concise(&["stale.html"]), dir.path());
    assert_eq!(r.code, 1);
    assert!(
        r.out.contains(
            "stale.html:2:1: unused-suppression [*] Unused `tagmend-disable-next-line`: `tag-debris` suppresses nothing"
        ),
        "{}",
        r.out
    );
    let r = run(&concise(&["--fix", "stale.html"]), dir.path());
    assert_eq!(r.code, 0);
    assert_eq!(
        read(dir.path(), "stale.html"),
        "<p>Intro</p>\n<p>Fine now</p>\n"
    );
    // Ignoring the rule leaves unused suppressions alone.
    let dir = setup(&[(
        "s.html",
        "<!-- tagmend-disable-file tag-debris -->\n<p>x</p>\n",
    )]);
    assert_eq!(
        run(
            &concise(&["--ignore", "unused-suppression", "s.html"]),
            dir.path()
        )
        .code,
        0
    );
}

// ---- baseline ---------------------------------------------------------------

#[test]
fn baseline_hides_known_findings_only() {
    let dir = setup(&[("site/a.html", BROKEN), ("site/ok.html", CLEAN)]);
    let r = run(
        &concise(&["--write-baseline", "tagmend-baseline.json", "site"]),
        dir.path(),
    );
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(r.err.contains("Wrote 1 finding"), "{}", r.err);
    let json: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "tagmend-baseline.json")).expect("baseline json");
    assert_eq!(json["version"], 1);
    assert_eq!(json["findings"][0]["path"], "site/a.html");
    assert_eq!(json["findings"][0]["rule"], "tag-debris");
    assert!(
        !json.to_string().contains("\"line\""),
        "no line numbers: {json}"
    );

    let r = run(
        &concise(&["--baseline", "tagmend-baseline.json", "site"]),
        dir.path(),
    );
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(
        r.out.contains("1 known finding hidden by the baseline"),
        "{}",
        r.out
    );

    // Lines added above move the finding; it is still known.
    let moved = format!("<h1>Title</h1>\n<p>A new paragraph of some length.</p>\n\n{BROKEN}");
    std::fs::write(dir.path().join("site/a.html"), &moved).expect("write");
    let r = run(
        &concise(&["--baseline", "tagmend-baseline.json", "site"]),
        dir.path(),
    );
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);

    // A new defect is reported, the old one stays hidden.
    std::fs::write(
        dir.path().join("site/a.html"),
        format!("{moved}<p>More</p>\n<table><tr><td>Other td> <td>x</td></tr></table>\n"),
    )
    .expect("write");
    let r = run(
        &concise(&["--baseline", "tagmend-baseline.json", "site"]),
        dir.path(),
    );
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.out.lines().filter(|l| l.contains("tag-debris")).collect();
    assert_eq!(lines.len(), 1, "{}", r.out);
    assert!(lines[0].contains("site/a.html:8:22:"), "{}", r.out);

    // The baseline is found relative to its own folder from another cwd.
    let r = run(
        &concise(&["--baseline", "../tagmend-baseline.json", "a.html"]),
        &dir.path().join("site"),
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.out.lines().filter(|l| l.contains("tag-debris")).count(),
        1,
        "{}",
        r.out
    );

    std::fs::write(dir.path().join("bad.json"), "{").expect("write");
    let r = run(&concise(&["--baseline", "bad.json", "site"]), dir.path());
    assert_eq!(r.code, 2);
    assert!(
        r.err.contains("bad.json: cannot read the baseline"),
        "{}",
        r.err
    );
}

// ---- output formats ---------------------------------------------------------

#[test]
fn json_round_trips_through_serde() {
    let dir = setup(&[
        ("a.html", BROKEN),
        ("b.html", "<p>caf\u{e9} td> x</p><b>x</i>\n"),
    ]);
    let r = run(&["check", "--output-format", "json", "."], dir.path());
    assert_eq!(r.code, 1, "{}", r.err);
    let parsed: Vec<JsonDiagnostic> = serde_json::from_str(&r.out).expect("json output parses");
    assert!(!parsed.is_empty());
    let again = serde_json::to_value(&parsed).expect("serialize");
    let original: serde_json::Value = serde_json::from_str(&r.out).expect("json");
    assert_eq!(again, original);
    let d = parsed
        .iter()
        .find(|d| d.path == "./a.html")
        .expect("a.html finding");
    assert_eq!(d.rule, "tag-debris");
    assert_eq!((d.start.line, d.start.column, d.start.offset), (2, 16, 23));
    assert_eq!((d.end.line, d.end.column, d.end.offset), (2, 19, 26));
    let fix = d.fix.as_ref().expect("fix");
    assert_eq!(fix.applicability, "safe");
    assert!(fix.applies);
    assert_eq!(fix.title.as_deref(), Some("Restore the `</td>` end tag"));
    assert_eq!(fix.edits[0].content, "</td>");
    assert!(!r.out.contains("Found"), "no summary in JSON: {}", r.out);
}

#[test]
fn json_lines() {
    let dir = setup(&[("a.html", BROKEN), ("b.html", BROKEN)]);
    let r = run(&["check", "--output-format", "json-lines", "."], dir.path());
    assert_eq!(r.code, 1);
    let lines: Vec<JsonDiagnostic> = r
        .out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one object a line"))
        .collect();
    assert_eq!(lines.len(), 2);
}

// The schema's `language` patterns end in `{2}]?$`: a stray `]` that
// ECMA-262 reads as a literal only outside unicode mode, so the draft-04
// meta-schema's `regex` format check refuses the schema. Escaping it keeps
// its meaning; the vendored file stays as published.
fn escape_stray_bracket(v: &mut serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(map) => {
            let mut n = 0;
            for (k, v) in map.iter_mut() {
                if let (true, Some(p)) = (k == "pattern", v.as_str()) {
                    if p.ends_with("{2}]?$") {
                        *v = serde_json::json!(p.replace("{2}]?$", "{2}\\]?$"));
                        n += 1;
                        continue;
                    }
                }
                n += escape_stray_bracket(v);
            }
            n
        }
        serde_json::Value::Array(items) => items.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

#[test]
fn sarif_validates_against_the_schema() {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema json");
    assert!(escape_stray_bracket(&mut schema) > 0);
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let dir = setup(&[
        ("a.html", BROKEN),
        (
            "dir with space/b.html",
            "<p>x</i>\n<!-- tagmend-disable-next-line nope -->\n",
        ),
        ("ok.html", CLEAN),
    ]);
    let r = run(
        &["check", "--output-format", "sarif", "--unsafe-fixes", "."],
        dir.path(),
    );
    assert_eq!(r.code, 1, "{}", r.err);
    let log: serde_json::Value = serde_json::from_str(&r.out).expect("sarif json");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "SARIF is invalid:\n{}",
        errors.join("\n")
    );
    // The validator does reject a broken log.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), tagmend::rules::all().len());
    let debris = rules
        .iter()
        .find(|r| r["id"] == "tag-debris")
        .expect("rule");
    assert!(debris["help"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("## What it does")));
    let results = run0["results"].as_array().expect("results");
    let first = results
        .iter()
        .find(|r| r["ruleId"] == "tag-debris")
        .expect("a result");
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a.html"
    );
    assert_eq!(
        first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "</td>"
    );
    assert!(r.out.contains("dir%20with%20space/b.html"), "{}", r.out);
}

#[test]
fn github_annotations_are_escaped() {
    let dir = setup(&[("a,b:c%.html", BROKEN)]);
    let r = run(&["check", "--output-format", "github", "."], dir.path());
    assert_eq!(r.code, 1);
    assert_eq!(
        r.out,
        "::error file=./a%2Cb%3Ac%25.html,line=2,col=16,endLine=2,endColumn=19,\
         title=tagmend (tag-debris)::Tag debris `td>` is shown as text: an end tag that lost its `</`\n"
    );
}

#[test]
fn junit_is_escaped_xml() {
    let dir = setup(&[("a&b.html", BROKEN), ("ok.html", CLEAN)]);
    let r = run(&["check", "--output-format", "junit", "."], dir.path());
    assert_eq!(r.code, 1);
    assert!(r.out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tagmend\" tests=\"2\" failures=\"1\""), "{}", r.out);
    assert!(
        r.out.contains("<testsuite name=\"./a&amp;b.html\""),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("message=\"Tag debris `td&gt;` is shown as text"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("<testcase name=\"tagmend\" classname=\"./ok.html\"/>"),
        "{}",
        r.out
    );
    assert!(r.out.trim_end().ends_with("</testsuites>"));
}

#[test]
fn page_text_cannot_drive_the_terminal() {
    let page = "<p>x</p>\n<!-- tagmend-disable-\u{1b}[31mred\u{7}\u{202e} -->\n";
    let dir = setup(&[("a.html", page)]);
    for format in [
        "full",
        "concise",
        "github",
        "junit",
        "json",
        "sarif",
        "json-lines",
    ] {
        let r = run(&["check", "--output-format", format, "a.html"], dir.path());
        assert_eq!(r.code, 1, "{format}: {}{}", r.out, r.err);
        assert!(r.out.contains("tagmend-disable-"), "{format}: {}", r.out);
        for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
            if format.starts_with("json") || format == "sarif" || format == "junit" {
                // JSON escapes control characters, XML writes them out as
                // `\u{..}`; U+202E is legal text in both.
                if bad != '\u{202e}' {
                    assert!(!r.out.contains(bad), "{format}: {bad:?} in {}", r.out);
                }
            } else {
                assert!(!r.out.contains(bad), "{format}: {bad:?} in {}", r.out);
            }
        }
    }
}

// ---- other flags ------------------------------------------------------------

#[test]
fn statistics_text_and_json() {
    let dir = setup(&[("a.html", BROKEN), ("b.html", BROKEN)]);
    let r = run(&["check", "--statistics", "."], dir.path());
    assert_eq!(r.code, 1);
    assert!(r.out.starts_with("2\ttag-debris\t[*] "), "{}", r.out);
    assert!(r.out.contains("Found 2 errors."), "{}", r.out);
    let r = run(
        &["check", "--statistics", "--output-format", "json", "."],
        dir.path(),
    );
    let v: serde_json::Value = serde_json::from_str(&r.out).expect("json");
    assert_eq!(v[0]["rule"], "tag-debris");
    assert_eq!(v[0]["count"], 2);
    assert_eq!(v[0]["fixable"], 2);
    // json-lines: one object a line, never an array.
    let r = run(
        &[
            "check",
            "--statistics",
            "--output-format",
            "json-lines",
            ".",
        ],
        dir.path(),
    );
    let lines: Vec<serde_json::Value> = r
        .out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", r.out);
    assert_eq!(lines[0]["rule"], "tag-debris");
    assert_eq!(lines[0]["count"], 2);
}

#[test]
fn show_fixes_and_exit_non_zero_on_fix() {
    let dir = setup(&[("a.html", BROKEN)]);
    let r = run(
        &[
            "check",
            "--fix",
            "--show-fixes",
            "--exit-non-zero-on-fix",
            "a.html",
        ],
        dir.path(),
    );
    assert_eq!(r.code, 1, "a fix was applied: {}", r.out);
    assert!(
        r.out
            .contains("Fixed 1 error:\n- a.html:\n    1 × tag-debris"),
        "{}",
        r.out
    );
    assert_eq!(read(dir.path(), "a.html"), FIXED);
    let r = run(
        &["check", "--fix", "--exit-non-zero-on-fix", "a.html"],
        dir.path(),
    );
    assert_eq!(r.code, 0, "nothing left to fix");
    let dir = setup(&[("a.html", BROKEN)]);
    let r = run(&concise(&["--show-fixes", "a.html"]), dir.path());
    assert!(
        r.out.contains("(fix: Restore the `</td>` end tag)"),
        "{}",
        r.out
    );
}

#[test]
fn quiet_prints_findings_only() {
    let dir = setup(&[("a.html", BROKEN), ("ok.html", CLEAN)]);
    let r = run(&concise(&["--quiet", "a.html"]), dir.path());
    assert_eq!(r.code, 1);
    assert_eq!(r.out.lines().count(), 1, "{}", r.out);
    let r = run(&concise(&["-q", "ok.html"]), dir.path());
    assert_eq!(r.code, 0);
    assert!(r.out.is_empty(), "{}", r.out);
}

#[test]
fn color_flag() {
    let dir = setup(&[("a.html", BROKEN)]);
    let r = run(&["check", "--color", "always", "a.html"], dir.path());
    assert!(r.out.contains('\u{1b}'), "{}", r.out);
    let r = run(&["check", "--color", "never", "a.html"], dir.path());
    assert!(!r.out.contains('\u{1b}'));
    // auto: a pipe is not a terminal.
    let r = run_with(&["check", "a.html"], dir.path(), None, &[("NO_COLOR", "")]);
    assert!(!r.out.contains('\u{1b}'));
}

#[test]
fn output_file() {
    let dir = setup(&[("a.html", BROKEN)]);
    let r = run(
        &[
            "check",
            "--output-format",
            "sarif",
            "-o",
            "out.sarif",
            "a.html",
        ],
        dir.path(),
    );
    assert_eq!(r.code, 1);
    assert!(r.out.is_empty());
    let v: serde_json::Value = serde_json::from_str(&read(dir.path(), "out.sarif")).expect("sarif");
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn no_progress_bar_in_pipes_or_ci() {
    let files: Vec<(String, &str)> = (0..40).map(|i| (format!("p{i}.html"), BROKEN)).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let dir = setup(&refs);
    for env in [&[][..], &[("CI", "true")][..]] {
        let r = run_with(&concise(&["."]), dir.path(), None, env);
        assert_eq!(r.code, 1);
        assert!(r.err.is_empty(), "stderr: {}", r.err);
    }
}

#[test]
fn completions_and_man_page() {
    let dir = setup(&[]);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(&["completions", shell], dir.path());
        assert_eq!(r.code, 0, "{shell}: {}", r.err);
        assert!(r.out.contains("tagmend"), "{shell}");
    }
    let r = run(&["completions", "bash"], dir.path());
    assert!(r.out.contains("--output-format"), "{}", r.out);
    let r = run(&["man"], dir.path());
    assert_eq!(r.code, 0);
    assert!(r.out.contains(".TH tagmend 1"), "{}", r.out);
    let r = run(&["man", "check"], dir.path());
    assert_eq!(r.code, 0);
    assert!(r.out.contains("tagmend\\-check"), "{}", r.out);
    assert!(r.out.contains("\\-\\-write\\-baseline"), "{}", r.out);
    assert_eq!(run(&["man", "nope"], dir.path()).code, 2);
}
