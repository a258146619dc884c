//! Every mistake of the core-build issue's list (issue 2, "Errors"): exit code 1, the
//! file and the exact line in a compiler-style line, and the previous output left
//! byte-for-byte as it was.

use crate::fixture::{CONFIG, SiteFixture};

/// Builds the standard site, breaks it with `break_it`, builds again and checks that the
/// second build failed without touching the first build's output.
#[track_caller]
fn rejected(break_it: impl FnOnce(&SiteFixture)) -> crate::fixture::Run {
    let site = SiteFixture::standard();
    site.build(&[]);
    let before = SiteFixture::snapshot(&site.public());
    assert!(
        before.contains_key("index.html"),
        "first build wrote no index.html"
    );
    break_it(&site);
    let run = site.run(["build"]);
    run.assert_failed();
    run.assert_stderr_line("error: build failed");
    assert!(
        SiteFixture::snapshot(&site.public()) == before,
        "a failed build changed the previous output"
    );
    assert_eq!(
        site.leftovers(),
        Vec::<String>::new(),
        "staging left behind"
    );
    run
}

/// A postmortem that is valid apart from what a test changes; `title` is line 2.
fn valid_with(extra: &str) -> String {
    format!(
        "title: Broken on purpose\nseverity: SEV2\nroot_cause: configuration\n{}",
        crate::fixture::dedent(extra)
    )
}

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let run = rejected(|site| {
        site.postmortem("2024/x.md", "title: DB: down\ndate: 2024-01-01\n", "");
    });
    run.assert_stderr_line(
        "error: content/2024/x.md:2:10: invalid YAML: mapping values are not allowed",
    );
}

#[test]
fn yaml_unclosed_list_names_the_line_after_it() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            &valid_with("date: 2024-01-01\nservices: [api, web\n"),
            "",
        );
    });
    // The list opened on line 6 is found unclosed at the closing fence, line 7.
    run.assert_stderr_line("error: content/2024/x.md:7:1: invalid YAML:");
}

#[test]
fn unclosed_front_matter_names_file_and_line() {
    let run = rejected(|site| {
        site.file(
            "content/2024/x.md",
            "---\ntitle: No end\ndate: 2024-01-01\n\n# Body\n",
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:1:1: front matter is not closed");
}

#[test]
fn missing_front_matter_names_file_and_line() {
    let run = rejected(|site| {
        site.file(
            "content/2024/x.md",
            "# Freeform postmortem\n\nNo front matter.\n",
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:1:1: no front matter");
}

#[test]
fn impossible_date_names_file_and_line() {
    let run = rejected(|site| {
        site.postmortem("2024/x.md", &valid_with("date: 2024-02-30\n"), "");
    });
    run.assert_stderr_line("error: content/2024/x.md:5:7: \"2024-02-30\" is not a valid date");
}

#[test]
fn impossible_timestamp_names_file_and_line() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            &valid_with("started: 2023-02-29T10:00:00Z\n"),
            "",
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:5:10: started: \"2023-02-29T10:00:00Z\"");
}

#[test]
fn unknown_root_cause_suggests_the_closest_key() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            "title: T\nseverity: SEV2\ndate: 2024-01-01\nroot_cause: confguration\n",
            "",
        );
    });
    run.assert_stderr_line(
        "error: content/2024/x.md:5:13: unknown root cause \"confguration\" (did you mean \"configuration\"?)",
    );
}

#[test]
fn unknown_root_cause_in_a_list_is_rejected() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            "title: T\nseverity: SEV2\ndate: 2024-01-01\nroot_cause: [configuration, cosmic-rays]\n",
            "",
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:5:13: unknown root cause \"cosmic-rays\"");
}

#[test]
fn unknown_severity_names_file_and_line() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            "title: T\ndate: 2024-01-01\nroot_cause: capacity\nseverity: SEV9\n",
            "",
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:5:11: unknown severity \"SEV9\"");
}

#[test]
fn resolved_before_started_is_rejected() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            &valid_with(
                "
                started: 2024-08-14T14:30:00+01:00
                resolved: 2024-08-14T14:15:00+01:00
                ",
            ),
            "",
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:6:11: resolved (2024-08-14T13:15:00Z) is before started (2024-08-14T13:30:00Z)");
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
}

#[test]
fn milestone_out_of_order_names_the_later_key() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            &valid_with(
                "
                started: 2024-08-14T14:30:00+01:00
                detected: 2024-08-14T14:40:00+01:00
                acknowledged: 2024-08-14T14:35:00+01:00
                resolved: 2024-08-14T15:00:00+01:00
                ",
            ),
            "",
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:7:15: acknowledged (2024-08-14T13:35:00Z) is before detected (2024-08-14T13:40:00Z)");
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
}

#[test]
fn timestamp_without_offset_is_rejected_without_a_site_timezone() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            &valid_with("started: 2024-08-14T14:30:00\nresolved: 2024-08-14T15:00:00Z\n"),
            "",
        );
    });
    run.assert_stderr_line(
        "error: content/2024/x.md:5:10: started: timestamp \"2024-08-14T14:30:00\" has no UTC offset and site.toml sets no timezone",
    );
    // One mistake, one error: no follow-on "missing date" for the `started` it could not read.
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
}

#[test]
fn timestamp_without_offset_is_read_in_the_site_timezone() {
    let site = SiteFixture::new();
    site.config(&CONFIG.replacen(
        "description =",
        "timezone = \"Europe/London\"\ndescription =",
        1,
    ));
    site.postmortem(
        "2024/x.md",
        &valid_with(
            "
            started: 2024-08-14T14:30:00
            resolved: 2024-08-14T15:00:00
            timeline:
              - { at: \"14:40\", event: Noticed }
            ",
        ),
        "",
    );
    site.build(&[]);
    let json: serde_json::Value = serde_json::from_str(&site.read("postmortems.json")).unwrap();
    let pm = &json["postmortems"][0];
    // British Summer Time: 14:30 in London is 13:30 UTC.
    assert_eq!(pm["started"], "2024-08-14T13:30:00Z");
    assert_eq!(pm["resolved"], "2024-08-14T14:00:00Z");
    assert_eq!(pm["date"], "2024-08-14");
    assert_eq!(pm["timeline"][0]["at"], "2024-08-14T13:40:00Z");
    assert_eq!(pm["metrics_seconds"]["time_to_resolve"], 1800);
}

#[test]
fn timeline_time_that_is_not_a_time_names_its_entry() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            &valid_with(
                r#"
                started: 2024-08-14T14:30:00Z
                timeline:
                  - { at: "14:30", event: Alert }
                  - { at: "soon", event: Looked around }
                  - at: "25:61"
                    event: Impossible clock
                "#,
            ),
            "",
        );
    });
    run.assert_stderr_line(
        "error: content/2024/x.md:8:5: timeline entry 2: timeline time \"soon\" is not a time",
    );
    run.assert_stderr_line("error: content/2024/x.md:9:5: timeline entry 3:");
}

#[test]
fn missing_title_is_rejected() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            "severity: SEV2\nroot_cause: configuration\ndate: 2024-01-01\n",
            "Body.\n",
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:1:1: missing title");
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
}

#[test]
fn blank_title_names_its_line() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            "severity: SEV2\ntitle: \"  \"\nroot_cause: configuration\ndate: 2024-01-01\n",
            "",
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:3:8: missing title");
}

#[test]
fn percentage_over_100_names_its_line() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            &valid_with(
                "
                date: 2024-01-01
                impact:
                  summary: Everyone and then some.
                  users_affected_pct: 150
                ",
            ),
            "",
        );
    });
    run.assert_stderr_line(
        "error: content/2024/x.md:8:23: users_affected_pct is 150, outside 0..100",
    );
}

#[test]
fn percentage_over_100_in_a_flow_mapping_names_its_line() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            &valid_with("date: 2024-01-01\nimpact: { users_affected_pct: 101 }\n"),
            "",
        );
    });
    run.assert_stderr_line(
        "error: content/2024/x.md:6:9: users_affected_pct is 101, outside 0..100",
    );
}

#[test]
fn two_postmortems_with_one_url_name_both_files() {
    let run = rejected(|site| {
        // Same file stem as content/2023/conn.md, so the same /postmortems/conn/.
        site.postmortem("2024/conn.md", &valid_with("date: 2024-05-01\n"), "");
    });
    run.assert_stderr_line(
        "error: content/2024/conn.md:1:1: content/2023/conn.md and content/2024/conn.md both give the URL /postmortems/conn/",
    );
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
}

#[test]
fn slug_that_clashes_names_its_line() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/later.md",
            &valid_with("date: 2024-05-01\nslug: db\n"),
            "",
        );
    });
    run.assert_stderr_line(
        "error: content/2024/later.md:6:7: content/2024/db.md and content/2024/later.md both give the URL /postmortems/db/",
    );
}

#[test]
fn non_utf8_file_names_the_line_of_the_first_bad_byte() {
    let run = rejected(|site| {
        // Latin-1 "Café": 0xE9 is not UTF-8.
        site.file(
            "content/2024/x.md",
            b"---\nseverity: SEV2\ntitle: Caf\xe9 outage\n---\n".as_slice(),
        );
    });
    run.assert_stderr_line("error: content/2024/x.md:3:11: the file is not UTF-8 text");
}

#[test]
fn empty_file_is_rejected() {
    let run = rejected(|site| {
        site.file("content/2024/x.md", "");
        site.file("content/2024/blank.md", "\n  \n");
    });
    run.assert_stderr_line("error: content/2024/x.md:1:1: the file is empty");
    run.assert_stderr_line("error: content/2024/blank.md:1:1: the file is empty");
}

#[test]
fn link_to_missing_postmortem_names_its_line() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/x.md",
            &valid_with("date: 2024-01-01\n"),
            "Intro.\n\nSee [the old one](../2023/gone.md) and [db](db.md).\n",
        );
    });
    // Front matter on lines 1-6, body from line 7: the link is on line 9, column 5.
    run.assert_stderr_line(
        "error: content/2024/x.md:9:5: link to missing postmortem \"../2023/gone.md\"",
    );
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
}

#[test]
fn link_to_a_draft_is_missing_unless_drafts_are_built() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/wip.md",
        &valid_with("date: 2024-01-01\nstatus: draft\n"),
        "",
    );
    site.postmortem(
        "2024/x.md",
        &valid_with("date: 2024-01-02\n"),
        "See [the draft](wip.md).\n",
    );
    site.run(["build"])
        .assert_failed()
        .assert_stderr_line("error: content/2024/x.md:7:5: link to missing postmortem \"wip.md\"");
    site.build(&["--drafts"]);
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let run = rejected(|site| {
        site.file(
            "templates/index.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<p>ok</p>\n{% if %}\n{% endblock content %}\n",
        );
    });
    run.assert_stderr_line("error: template index.html:");
    assert!(
        run.stderr.contains("index.html:4:"),
        "no line 4 in:\n{}",
        run.stderr
    );
}

#[test]
fn template_render_error_names_the_template() {
    let run = rejected(|site| {
        site.file(
            "templates/404.html",
            "<!doctype html>\n<title>x</title>\n<p>{{ no_such_value.field }}</p>\n",
        );
    });
    run.assert_stderr_line("error: template 404.html:");
    assert!(run.stderr.contains("no_such_value"), "{}", run.stderr);
    assert!(
        run.stderr.contains("404.html:3:"),
        "no line 3 in:\n{}",
        run.stderr
    );
}

#[test]
fn config_unknown_key_names_line_and_suggests() {
    let run = rejected(|site| {
        site.config(&CONFIG.replacen("description =", "timezon = \"UTC\"\ndescription =", 1));
    });
    run.assert_stderr_line("error: site.toml:3:1: unknown field `timezon`");
    run.assert_stderr_line("  help: did you mean `timezone`?");
}

#[test]
fn config_unknown_key_in_a_table_names_its_line() {
    let run = rejected(|site| {
        site.config(&CONFIG.replace("owner = ", "onwer = "));
    });
    run.assert_stderr_line("error: site.toml:12:1: unknown field `onwer`");
}

#[test]
fn config_invalid_toml_names_its_line() {
    let run = rejected(|site| {
        site.config(&CONFIG.replace(
            "base_url = \"https://example.org/\"",
            "base_url = https://example.org/",
        ));
    });
    run.assert_stderr_line("error: site.toml:2:");
}

#[test]
fn config_wrong_type_names_its_line() {
    let run = rejected(|site| {
        site.config(&CONFIG.replace("[root_causes]", "unsafe_html = \"yes\"\n\n[root_causes]"));
    });
    run.assert_stderr_line("error: site.toml:5:15:");
}

#[test]
fn errors_in_several_files_are_all_reported_in_one_run() {
    let run = rejected(|site| {
        site.postmortem(
            "2024/a.md",
            "title: A\nseverity: SEV7\ndate: 2024-01-01\nroot_cause: confguration\n",
            "",
        );
        site.postmortem("2024/b.md", &valid_with("date: 2024-13-01\n"), "");
        site.file("content/2023/c.md", "");
        site.postmortem(
            "2024/d.md",
            &valid_with("date: 2024-01-01\n"),
            "[gone](gone.md)\n",
        );
    });
    let expected = [
        "error: content/2023/c.md:1:1: the file is empty",
        "error: content/2024/a.md:3:11: unknown severity \"SEV7\"",
        "error: content/2024/a.md:5:13: unknown root cause \"confguration\" (did you mean \"configuration\"?)",
        "error: content/2024/b.md:5:7: \"2024-13-01\" is not a valid date",
        "error: content/2024/d.md:7:1: link to missing postmortem \"gone.md\"",
    ];
    let errors = run.error_lines();
    assert_eq!(errors.len(), expected.len(), "{}", run.stderr);
    for (line, prefix) in errors.iter().zip(expected) {
        assert!(
            line.starts_with(prefix),
            "errors are not all there, sorted by file and line: expected\n  {prefix}\ngot\n  {line}\nstderr:\n{}",
            run.stderr
        );
    }
    run.assert_stderr_line("error: build failed with 5 errors");
}

#[test]
fn odd_inputs_are_rejected_without_a_panic() {
    let cases: &[(&str, &[u8])] = &[
        ("list.md", b"---\n- a\n- b\n---\n"),
        ("scalar.md", b"---\njust text\n---\n"),
        ("nonstring-key.md", b"---\n? [a, b]\n: c\ntitle: T\n---\n"),
        (
            "timeline-map.md",
            b"---\ntitle: T\ntimeline: { at: 1 }\n---\n",
        ),
        ("items.md", b"---\ntitle: T\naction_items: [1, 2]\n---\n"),
        ("deep.md", b"---\ntitle: [[[[[[[[[[[]]]]]]]]]]]\n---\n"),
        ("bom-only.md", b"\xef\xbb\xbf"),
        ("fence-only.md", b"---"),
        ("crlf.md", b"---\r\ntitle: \xe2\x80\x8b\r\n---\r\n"),
        (
            "huge-year.md",
            b"---\ntitle: T\ndate: 99999-01-01\nstarted: 9999-12-31T23:59:59-23:59\n---\n",
        ),
        ("anchors.md", b"---\na: &a [x]\nb: *a\ntitle: *a\n---\n"),
    ];
    for (name, bytes) in cases {
        let site = SiteFixture::new();
        site.file(&format!("content/{name}"), bytes);
        let run = site.run(["build"]);
        run.assert_failed();
        assert!(
            run.stderr.contains(&format!("content/{name}:")),
            "{name}: the error does not name the file:\n{}",
            run.stderr
        );
        assert!(!site.public().exists(), "{name}: output written");
    }
}

/// A missing severity is not an error (an import may not state one) but it is never
/// silent: build and check both warn, at the file, and the page shows no empty badge.
#[test]
fn missing_severity_builds_with_a_warning() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/unrated.md",
        "title: Unrated\ndate: 2024-02-01\nroot_cause: configuration\n",
        "Body.\n",
    );
    let run = site.build(&[]);
    run.assert_stderr_line("warning: content/2024/unrated.md:");
    assert!(run.stderr.contains("no severity"), "{}", run.stderr);
    let page = site.html("postmortems/unrated/index.html");
    assert!(
        crate::fixture::select(&page, ".pm-header .badge.sev").is_empty(),
        "an unrated postmortem shows a severity badge"
    );
    let check = site.run(["check"]);
    check.assert_ok();
    assert!(check.stdout.contains("no severity") || check.stderr.contains("no severity"));
}

/// A missing date is not an error either (an imported report may not say when it
/// happened, and the importer never invents a date): build and check warn, the page says
/// "Undated", and it is listed after the dated ones, on no year page. A timeline of
/// bare `HH:MM` times still needs a date to hang on, so that stays an error.
#[test]
fn missing_date_builds_with_a_warning_and_lists_as_undated() {
    let site = SiteFixture::standard();
    site.postmortem(
        "imported/undated.md",
        "title: Undated outage\nseverity: SEV3\nroot_cause: configuration\n",
        "Body.\n",
    );
    site.postmortem(
        "2024/dated.md",
        "title: Dated outage\ndate: 2024-02-01\nseverity: SEV3\nroot_cause: configuration\n",
        "Body.\n",
    );
    let run = site.build(&[]);
    run.assert_stderr_line("warning: content/imported/undated.md:");
    assert!(run.stderr.contains("no date"), "{}", run.stderr);

    let page = site.html("postmortems/undated/index.html");
    let header = crate::fixture::text(crate::fixture::first(&page, ".pm-header"));
    assert!(
        header.contains("Undated"),
        "the header does not say Undated: {header}"
    );
    assert!(crate::fixture::select(&page, ".pm-header time").is_empty());

    let home = site.html("index.html");
    let titles: Vec<String> = crate::fixture::select(&home, ".pm-list .pm-title")
        .into_iter()
        .map(crate::fixture::text)
        .collect();
    let dated = titles.iter().position(|t| t.contains("Dated outage"));
    let undated = titles.iter().position(|t| t.contains("Undated outage"));
    assert!(
        matches!((dated, undated), (Some(d), Some(u)) if d < u),
        "undated is not listed after dated: {titles:?}"
    );
    let year = crate::fixture::text(crate::fixture::first(
        &site.html("years/2024/index.html"),
        "main",
    ));
    assert!(
        year.contains("Dated outage") && !year.contains("Undated outage"),
        "{year}"
    );

    let check = site.run(["check"]);
    check.assert_ok();
    assert!(check.stdout.contains("no date") || check.stderr.contains("no date"));

    site.postmortem(
        "imported/undated.md",
        "title: Undated outage\nseverity: SEV3\ntimeline:\n  - { at: \"14:30\", event: Alert }\n",
        "Body.\n",
    );
    let run = site.run(["build"]);
    run.assert_failed();
    assert!(
        run.stderr.contains("has no date to attach to"),
        "{}",
        run.stderr
    );
}
