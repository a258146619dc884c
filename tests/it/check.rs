//! `hindsight check`: every lint with its exact file:line:col, the summary line, the JSON
//! report and the exit codes, with and without `--deny-warnings`.

use crate::fixture::{Run, SiteFixture};

/// A postmortem that trips every per-postmortem lint; the line numbers are the file's.
const LINTS: &str = r#"---
title: Every lint at once
started: 2024-08-14T14:30:00+01:00
resolved: 2024-08-14T15:15:00+01:00
severity: SEV2
services: [mysql, mysqll]
tgas: [typo]
timeline:
  - { at: "14:20", kind: trigger, event: Deploy that set it off }
  - { at: "14:25", kind: detection, event: Alert before the impact began }
  - { at: "14:40", kind: investigation, event: Looking at the app }
  - { at: "2024-08-14T14:35:00+01:00", kind: other, event: Written out of order }
  - { at: "15:30", kind: resolution, event: After the end }
  - { at: "14:10", kind: other, event: Earlier than the entry above }
action_items:
  - { task: Nobody owns this, status: open }
  - { task: Long overdue, owner: sre, status: open, due: 2020-01-01 }
  - { task: Done late is fine, owner: sre, status: done, due: 2020-01-01 }
  - { task: Due far ahead, owner: sre, status: in-progress, due: 2999-01-01 }
---

## Summary

Nothing else is wrong here.
"#;

/// Links to missing pages and anchors, one per line, and a link to a draft.
const LINKS: &str = r#"---
title: Links
date: 2024-01-02
severity: SEV3
root_cause: capacity
---
[a](lints.md#nowhere)
[b](/postmortems/lintz/)
[c](/nope/)
[d](/timeline/) [e](#summary) [f](https://example.com/x) [g](lints.md#summary)
[h](#missing)
<a href="/also-nope/">i</a>
[j](draft.md)

## Summary

Links.
"#;

const DRAFT: &str = r#"---
title: Still being written
date: 2024-01-03
severity: SEV4
status: draft
---
Draft.
"#;

fn lint_site() -> SiteFixture {
    let site = SiteFixture::new();
    site.file("content/2024/lints.md", LINTS)
        .file("content/2024/links.md", LINKS)
        .file("content/2024/draft.md", DRAFT);
    site
}

/// The `error:` and `warning:` lines of stderr.
fn report_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
        .collect()
}

#[track_caller]
fn assert_line(run: &Run, prefix: &str) {
    let lines = report_lines(run);
    assert!(
        lines.iter().any(|l| l.starts_with(prefix)),
        "no report line starts with\n  {prefix}\nreport:\n{}",
        lines.join("\n")
    );
}

#[test]
fn check_reports_every_postmortem_lint_with_file_and_line() {
    let site = lint_site();
    let run = site.run(["check"]);
    let f = "content/2024/lints.md";
    for expected in [
        // The build's own near-miss warning.
        format!("warning: {f}:7:7: unknown key \"tgas\" (did you mean \"tags\"?)"),
        format!("warning: {f}:4:11: resolved, but no root cause"),
        format!("warning: {f}:6:19: unknown service \"mysqll\" (did you mean \"mysql\"?)"),
        format!("warning: {f}:10:5: timeline entry 2 (14:25) is before started (14:30)"),
        format!("warning: {f}:12:5: timeline entry 4 (14:35) is before entry 3 (14:40)"),
        format!("warning: {f}:13:5: timeline entry 5 (15:30) is after resolved (15:15)"),
        format!("warning: {f}:14:5: timeline entry 6 (\"14:10\") is earlier than entry 5 (15:30)"),
        format!("warning: {f}:14:5: timeline entry 6 (2024-08-15 14:10) is after resolved"),
        format!("warning: {f}:16:5: action item 1 has no owner: \"Nobody owns this\""),
        format!("warning: {f}:17:5: action item 2 is overdue: due 2020-01-01"),
    ] {
        assert_line(&run, &expected);
    }
    let lines = report_lines(&run);
    // A trigger may come before `started`; done and future items are not overdue.
    assert!(
        !lines.iter().any(|l| l.contains(&format!("{f}:9:"))),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains(&format!("{f}:18:"))),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains(&format!("{f}:19:"))),
        "{lines:#?}"
    );
}

#[test]
fn check_reports_links_to_missing_pages_anchors_and_drafts() {
    let site = lint_site();
    let run = site.run(["check"]);
    let f = "content/2024/links.md";
    for expected in [
        format!(
            "warning: {f}:7:1: link to a missing anchor: /postmortems/lints/ has no heading \"#nowhere\""
        ),
        format!(
            "warning: {f}:8:1: link to a missing postmortem: no postmortem has the URL /postmortems/lintz/ (did you mean /postmortems/lints/?)"
        ),
        format!("warning: {f}:9:1: link to a page the site does not have: /nope/"),
        format!(
            "warning: {f}:11:1: link to a missing anchor: /postmortems/links/ has no heading \"#missing\""
        ),
        format!("warning: {f}:12:4: link to a page the site does not have: /also-nope/"),
        format!("error: {f}:13:1: link to content/2024/draft.md, a draft"),
    ] {
        assert_line(&run, &expected);
    }
    let lines = report_lines(&run);
    assert!(
        !lines.iter().any(|l| l.contains(&format!("{f}:10:"))),
        "{lines:#?}"
    );
    run.assert_failed();
}

#[test]
fn check_prints_sorted_lines_and_a_summary() {
    let site = lint_site();
    let run = site.run(["check"]);
    let lines = report_lines(&run);
    let keys: Vec<(String, usize, usize)> = lines
        .iter()
        .map(|l| {
            let rest = l.split_once(": ").unwrap().1;
            let mut parts = rest.splitn(4, ':');
            let file = parts.next().unwrap().to_string();
            let line = parts.next().unwrap().parse().unwrap();
            let col = parts.next().unwrap().parse().unwrap();
            (file, line, col)
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "report is not sorted:\n{}", lines.join("\n"));
    let errors = lines.iter().filter(|l| l.starts_with("error: ")).count();
    let warnings = lines.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    assert_eq!(
        run.stdout.trim(),
        format!(
            "{}, {} in 3 postmortems",
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
        "summary line"
    );
}

#[test]
fn check_json_report_parses_and_counts() {
    let site = lint_site();
    let run = site.run(["check", "--format", "json"]);
    run.assert_failed();
    let report: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}):\n{}", run.stdout));
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let count = |level: &str| diagnostics.iter().filter(|d| d["level"] == level).count();
    assert_eq!(report["errors"].as_u64().unwrap() as usize, count("error"));
    assert_eq!(
        report["warnings"].as_u64().unwrap() as usize,
        count("warning")
    );
    assert_eq!(count("error"), 1);
    let owner = diagnostics
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .starts_with("action item 1 has no owner")
        })
        .expect("the owner warning");
    assert_eq!(owner["file"], "content/2024/lints.md");
    assert_eq!(owner["line"], 16);
    assert_eq!(owner["col"], 5);
    assert!(owner["help"].as_str().unwrap().contains("owner:"));
    for d in diagnostics {
        for key in ["level", "file", "line", "col", "message", "help"] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
    }
}

#[test]
fn check_exit_code_follows_deny_warnings() {
    // The standard site is valid; its open action item due 2024-09-01 is overdue.
    let site = SiteFixture::standard();
    let run = site.run(["check"]);
    run.assert_ok();
    assert!(run.stdout.starts_with("0 errors, "), "{}", run.stdout);
    assert_line(&run, "warning: content/2024/db.md:");
    let denied = site.run(["check", "--deny-warnings"]);
    denied.assert_failed();
    assert_eq!(denied.stdout, run.stdout);
}

#[test]
fn check_fails_on_build_errors_and_writes_nothing() {
    let site = SiteFixture::standard();
    site.file(
        "content/2024/bad.md",
        "---\ntitle: Bad\ndate: 2024-02-02\nseverity: SEV2\nroot_cause: confguration\n---\nBody.\n",
    );
    let run = site.run(["check"]);
    run.assert_failed();
    assert_line(
        &run,
        "error: content/2024/bad.md:5:13: unknown root cause \"confguration\" (did you mean \"configuration\"?)",
    );
    assert!(run.stdout.starts_with("1 error, "), "{}", run.stdout);
    // The invalid file is counted as checked.
    assert!(
        run.stdout.trim_end().ends_with(" in 4 postmortems"),
        "{}",
        run.stdout
    );
    assert!(!site.public().exists(), "check wrote output");
}

#[test]
fn check_with_a_broken_config_reports_it() {
    let site = SiteFixture::standard();
    site.config("title = \"x\"\nbase_url = \"https://example.org/\"\ntimezon = \"UTC\"\n");
    let run = site.run(["check", "--format", "json"]);
    run.assert_failed();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["errors"], 1);
    assert_eq!(report["diagnostics"][0]["file"], "site.toml");
    assert_eq!(report["diagnostics"][0]["line"], 3);
}
