//! Issue 22, items 7–16: every error located, nothing accepted silently, ids and
//! datetimes valid, nothing raw on the terminal. Each test runs the real binary on a
//! site written for it; each failed before its fix.

use std::collections::BTreeSet;

use crate::fixture::{Run, SiteFixture, dedent, select};
use crate::serve::Server;

/// The issue's `FM`: a valid front matter, `title` on line 2, then `extra` from line 6.
fn fm(extra: &str) -> String {
    format!(
        "title: T\ndate: 2024-05-01\nseverity: SEV2\nroot_cause: configuration\n{}",
        dedent(extra)
    )
}

/// A site with one postmortem, `content/2024/x.md`, holding `fm(extra)`.
fn site_with(extra: &str) -> SiteFixture {
    let site = SiteFixture::new();
    site.postmortem("2024/x.md", &fm(extra), "Body.\n");
    site
}

/// `check` and `build` both fail, and both say `prefix` on a line of stderr.
#[track_caller]
fn check_and_build_say(site: &SiteFixture, prefix: &str) -> Run {
    let check = site.run(["check"]);
    check.assert_failed();
    check.assert_stderr_line(prefix);
    let build = site.run(["build"]);
    build.assert_failed();
    build.assert_stderr_line(prefix);
    build
}

// Item 7.

#[test]
fn names_that_make_a_path_component_too_long_are_refused_where_they_are_written() {
    let long = "a".repeat(300);
    let cjk = "漢".repeat(80);
    let cases = [
        (
            format!("slug: {long}\n"),
            "6:7: the slug gives the URL segment",
        ),
        (
            format!("services: [{long}]\n"),
            "6:11: a service name gives the URL segment",
        ),
        (
            format!("services: [{cjk}]\n"),
            "6:11: a service name gives the URL segment",
        ),
        (
            format!("action_items:\n  - {{ task: t, owner: {long} }}\n"),
            "7:5: action item 1: the owner gives the URL segment",
        ),
    ];
    for (extra, message) in cases {
        let site = site_with(&extra);
        let run = check_and_build_say(&site, &format!("error: content/2024/x.md:{message}"));
        assert!(!run.stderr.contains("os error"), "{}", run.stderr);
    }
    // A file name alone: the URL comes from it.
    let site = SiteFixture::new();
    site.postmortem(&format!("2024/{cjk}.md"), &fm(""), "Body.\n");
    let run = check_and_build_say(
        &site,
        &format!("error: content/2024/{cjk}.md:1:1: the file name gives the URL segment"),
    );
    assert!(!run.stderr.contains("os error"), "{}", run.stderr);
    // site.toml: a service key of 300 characters.
    let site = site_with("");
    site.config(&format!(
        "{}\n[services.{long}]\nname = \"Long\"\n",
        crate::fixture::CONFIG
    ));
    check_and_build_say(&site, "error: site.toml:");
    // Under the limit: builds.
    site_with(&format!("services: [{}]\n", "b".repeat(100))).build(&[]);
}

// Item 8.

#[test]
fn yaml_keys_that_are_not_words_and_second_documents_are_located() {
    for (extra, prefix) in [
        ("? [a, b]\n: x\n", "6:1: a front-matter key is a list"),
        ("1: x\n", "6:1: a front-matter key is a number"),
        ("~: x\n", "6:1: a front-matter key is empty"),
        (
            "--- !!map\nfoo: 1\n",
            "6:1: invalid YAML: a `---` line inside the front matter",
        ),
    ] {
        let site = site_with(extra);
        check_and_build_say(&site, &format!("error: content/2024/x.md:{prefix}"));
    }
    // Many of them: the first few located, the rest counted.
    let many: String = (1..=10).map(|n| format!("{n}: x\n")).collect();
    let run = check_and_build_say(
        &site_with(&many),
        "error: content/2024/x.md:10:1: a front-matter key is a number",
    );
    run.assert_stderr_line("error: content/2024/x.md: 5 more front-matter keys are not words");
    // `--- ` with a trailing space closes the front matter, as `---` opens it.
    let site = SiteFixture::new();
    site.file(
        "content/2024/x.md",
        format!("--- \n{}--- \nBody.\n", fm("")),
    );
    site.build(&[]);
}

#[test]
fn the_yaml_repetition_limit_is_located_at_an_alias_and_does_not_say_to_quote() {
    let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    let mut previous = "a".to_string();
    for i in 1..12 {
        let aliases = vec![format!("*{previous}"); 9].join(", ");
        yaml.push_str(&format!("b{i}: &b{i} [{aliases}]\n"));
        previous = format!("b{i}");
    }
    let site = site_with(&yaml);
    let run = check_and_build_say(
        &site,
        "error: content/2024/x.md:7:10: invalid YAML: repetition limit exceeded",
    );
    assert!(!run.stderr.contains("quote values"), "{}", run.stderr);
}

#[test]
fn a_theme_that_is_not_a_folder_of_themes_and_a_config_that_is_not_utf8_are_located() {
    for theme in ["../../etc", "/etc", "nope"] {
        let site = site_with("");
        site.config(&crate::fixture::CONFIG.replacen(
            "description",
            &format!("theme = \"{theme}\"\ndescription"),
            1,
        ));
        check_and_build_say(&site, &format!("error: site.toml:3:9: theme \"{theme}\""));
    }
    let site = site_with("");
    site.file(
        "site.toml",
        b"title = \"T\"\nbase_url = \"https://example.org/\xff\"\n",
    );
    check_and_build_say(&site, "error: site.toml:2:33: site.toml is not UTF-8 text");
}

// Item 9.

#[test]
fn offsets_beyond_23_59_are_refused_on_their_line() {
    for offset in ["+24:00", "+25:59", "-25:00", "-24:00"] {
        let site = site_with(&format!("started: 2024-05-01T10:00:00{offset}\n"));
        check_and_build_say(
            &site,
            &format!(
                "error: content/2024/x.md:6:10: started: \"2024-05-01T10:00:00{offset}\" has the UTC offset"
            ),
        );
    }
    site_with("started: 2024-05-01T10:00:00+23:59\n").build(&[]);
}

// Item 10.

#[test]
fn local_times_a_zone_skips_or_repeats_are_errors_saying_how_to_write_them() {
    let london = crate::fixture::CONFIG.replacen(
        "description",
        "timezone = \"Europe/London\"\ndescription",
        1,
    );
    for (extra, says) in [
        (
            "started: 2024-03-31T01:30:00\n",
            "6:10: started: \"2024-03-31T01:30:00\" does not exist in Europe/London",
        ),
        (
            "started: 2024-10-27T01:30:00\n",
            "6:10: started: \"2024-10-27T01:30:00\" happened twice in Europe/London",
        ),
    ] {
        let site = site_with(extra);
        site.config(&london);
        let run = check_and_build_say(&site, &format!("error: content/2024/x.md:{says}"));
        assert!(run.stderr.contains("+01:00"), "{}", run.stderr);
    }
    // `HH:MM` on the incident's day, placed in the site's zone: the same rule.
    let site = SiteFixture::new();
    site.config(&london);
    site.postmortem(
        "2024/x.md",
        &fm("timeline:\n  - { at: \"01:30\", event: e }\n").replace("2024-05-01", "2024-10-27"),
        "Body.\n",
    );
    check_and_build_say(
        &site,
        "error: content/2024/x.md:7:5: timeline entry 1: \"01:30\" happened twice",
    );
    // Written with the offset, it is one instant: fine.
    let site = site_with("started: 2024-10-27T01:30:00+01:00\n");
    site.config(&london);
    site.build(&[]);
}

// Item 11.

#[test]
fn values_that_are_not_what_the_field_holds_are_refused_not_dropped_or_rewritten() {
    for (extra, says) in [
        (
            "impact: {summary: [a, b]}\n",
            "6:9: impact summary must be text, not a list",
        ),
        (
            "impact: {summary: {a: b}}\n",
            "6:9: impact summary must be text, not a mapping",
        ),
        (
            "trigger: 0x1F\n",
            "6:10: trigger must be text, not a number",
        ),
        (
            "trigger: 0o17\n",
            "6:10: trigger must be text, not a number",
        ),
        (
            "trigger: 1.50\n",
            "6:10: trigger must be text, not a number",
        ),
        (
            "tags: [a, 1.50]\n",
            "6:7: tags must be a list of words, and one is a number",
        ),
        (
            "timeline:\n  - { at: \"9:5\", event: e }\n",
            "7:5: timeline entry 1: timeline time \"9:5\" is not a time",
        ),
        (
            "timeline:\n  - { at: \"10:00\", event: 12 }\n",
            "7:5: timeline entry 1: event must be text",
        ),
        (
            "action_items:\n  - { task: t, link: \"https://x.example/a\\\"b\" }\n",
            "7:5: action item 1: link \"https://x.example/a\"b\" has a quote in it",
        ),
        (
            "action_items:\n  - { task: t, link: \"https://x.example/a b\" }\n",
            "7:5: action item 1: link \"https://x.example/a b\" has a space in it",
        ),
        (
            "action_items:\n  - { task: t, link: \"https://\" }\n",
            "7:5: action item 1: link \"https://\" is not a valid http(s) URL",
        ),
        (
            "action_items:\n  - { task: t, owner: 42 }\n",
            "7:5: action item 1: owner must be text, not a number",
        ),
    ] {
        let run = check_and_build_say(
            &site_with(extra),
            &format!("error: content/2024/x.md:{says}"),
        );
        assert!(run.stderr.contains("help: "), "{}", run.stderr);
    }
    let site = SiteFixture::new();
    site.postmortem("2024/x.md", &fm("").replace("title: T", "title: 0x1F"), "");
    let run = check_and_build_say(
        &site,
        "error: content/2024/x.md:2:8: title must be text, not a number",
    );
    assert!(run.stderr.contains("quotes"), "{}", run.stderr);
    let site = SiteFixture::new();
    site.postmortem("2024/x.md", &fm("").replace("2024-05-01", "20240501"), "");
    check_and_build_say(
        &site,
        "error: content/2024/x.md:3:7: date must be text, not a number",
    );
    let site = SiteFixture::new();
    site.postmortem(
        "2024/x.md",
        &fm("").replace("2024-05-01", "\"20240501\""),
        "",
    );
    check_and_build_say(
        &site,
        "error: content/2024/x.md:3:7: \"20240501\" is not a date written YYYY-MM-DD",
    );
    // Quoted, a number is text, kept as written.
    let site = SiteFixture::new();
    site.postmortem(
        "2024/x.md",
        &fm("").replace("title: T", "title: \"1.50\""),
        "",
    );
    site.build(&[]);
    let title = crate::fixture::text(crate::fixture::first(
        &site.html("postmortems/x/index.html"),
        "h1",
    ));
    assert_eq!(title.trim(), "1.50");
}

#[test]
fn site_toml_refuses_repeated_severities_and_dot_segments_in_base_url() {
    let site = site_with("");
    // Before the tables, where TOML keeps it at the top level.
    site.config(&crate::fixture::CONFIG.replacen(
        "description",
        "severities = [\"SEV1\", \"SEV2\", \"SEV1\"]\ndescription",
        1,
    ));
    check_and_build_say(
        &site,
        "error: site.toml:3:14: severity \"SEV1\" is listed twice",
    );
    for url in ["https://example.org/a/../b/", "https://example.org/%2e%2e/"] {
        let site = site_with("");
        site.config(&crate::fixture::CONFIG.replacen("https://example.org/", url, 1));
        check_and_build_say(&site, "error: site.toml:2:12: base_url");
    }
}

#[test]
fn a_link_to_a_postmortem_file_with_a_query_becomes_its_url_with_the_query() {
    let site = SiteFixture::new();
    site.postmortem("2023/y.md", &fm("").replace("2024", "2023"), "Y.\n");
    site.postmortem(
        "2024/x.md",
        &fm(""),
        "[a](../2023/y.md?x=1) [b](../2023/y.md?x=1#top) [c](../2023/y.md#top)\n",
    );
    site.build(&[]);
    let html = site.html("postmortems/x/index.html");
    let hrefs: BTreeSet<String> = select(&html, "main a[href]")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .filter(|href| href.contains("y"))
        .map(String::from)
        .collect();
    for expected in [
        "/postmortems/y/?x=1",
        "/postmortems/y/?x=1#top",
        "/postmortems/y/#top",
    ] {
        assert!(hrefs.contains(expected), "{expected} not in {hrefs:?}");
    }
    assert!(!hrefs.iter().any(|h| h.contains(".md")), "{hrefs:?}");
    let site = site_with("");
    site.postmortem("2024/x.md", &fm(""), "[a](../2023/gone.md?x=1)\n");
    check_and_build_say(
        &site,
        "error: content/2024/x.md:7:1: link to missing postmortem \"../2023/gone.md\"",
    );
}

// Item 12.

#[test]
fn a_symlink_loop_added_while_serving_is_shown_like_build_shows_it() {
    use std::os::unix::fs::symlink;
    let site = site_with("");
    let server = Server::start(&site);
    std::fs::create_dir_all(site.path("content/2025")).unwrap();
    // A loop in a folder with no postmortem in it yet: no `.md` event to notice.
    symlink("../2025", site.path("content/2025/loop")).unwrap();
    let page = server.wait_for("/", "the overlay", |r| r.overlay().is_some());
    let overlay = page.overlay().unwrap();
    assert!(
        overlay.contains("content/2025/loop: symbolic link loop"),
        "{overlay}"
    );
    site.run(["build"])
        .assert_failed()
        .assert_stderr_line("error: content/2025/loop: symbolic link loop; not followed");
}

// Item 13.

/// A way to break a site, and what it is.
type Break = (&'static str, fn(&SiteFixture));

#[test]
fn a_warm_build_succeeds_or_fails_and_reports_exactly_as_a_cold_build_of_the_same_tree() {
    use std::os::unix::fs::symlink;
    let breaks: [Break; 5] = [
        ("static link to /dev/zero", |site| {
            std::fs::create_dir_all(site.path("static")).unwrap();
            symlink("/dev/zero", site.path("static/zero")).unwrap();
        }),
        ("static link loop", |site| {
            std::fs::create_dir_all(site.path("static/css")).unwrap();
            symlink("..", site.path("static/css/loop")).unwrap();
        }),
        ("content link loop", |site| {
            std::fs::create_dir_all(site.path("content/2025")).unwrap();
            symlink("../2025", site.path("content/2025/loop")).unwrap();
        }),
        ("content link out of the site", |site| {
            symlink("/etc", site.path("content/etc")).unwrap();
        }),
        ("template link to /dev/null", |site| {
            std::fs::create_dir_all(site.path("templates")).unwrap();
            symlink("/dev/null", site.path("templates/extra.html")).unwrap();
        }),
    ];
    // Elapsed times and staging folders differ from run to run; nothing else may.
    let normalise = |run: &Run| {
        let stderr: String = run
            .stderr
            .lines()
            .map(|line| {
                line.split_whitespace()
                    .filter(|word| !word.contains(".hindsight-staging"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n");
        (run.code, stderr)
    };
    for (what, break_it) in breaks {
        let warm = site_with("");
        warm.build(&[]);
        break_it(&warm);
        let warm_run = warm.run(["build"]);
        let cold = site_with("");
        break_it(&cold);
        let cold_run = cold.run(["build"]);
        let warm_again = warm.run(["build"]);
        let strip = |run: &Run, site: &SiteFixture| {
            let (code, stderr) = normalise(run);
            (
                code,
                stderr.replace(&site.root().display().to_string(), "SITE"),
            )
        };
        assert_eq!(
            strip(&warm_run, &warm),
            strip(&cold_run, &cold),
            "{what}: warm and cold builds differ"
        );
        assert_eq!(
            strip(&warm_again, &warm),
            strip(&cold_run, &cold),
            "{what}: a second warm build differs"
        );
        assert_ne!(cold_run.code, 0, "{what}: the cold build should fail");
    }
}

// Item 14.

#[test]
fn content_ids_never_collide_with_the_themes_and_in_page_links_still_work() {
    let site = site_with("");
    site.postmortem(
        "2024/x.md",
        &fm(""),
        "# Main\n\n## PM title\n\n## Timeline title\n\n## toc-title\n\n## Site search q\n\n\
         ## Other {#main}\n\n<div id=\"main\">raw</div>\n\n<p id=\"toc-title\">raw</p>\n\n[back](#main-1)\n\n\
         A note[^main].\n\n[^main]: The note.\n",
    );
    site.build(&[]);
    let html = site.html("postmortems/x/index.html");
    let mut seen = BTreeSet::new();
    for element in select(&html, "[id]") {
        let id = element.value().attr("id").unwrap();
        assert!(seen.insert(id.to_string()), "id {id:?} appears twice");
    }
    for id in [
        "main",
        "pm-title",
        "timeline-title",
        "toc-title",
        "site-search-q",
    ] {
        assert!(seen.contains(id), "the theme's {id} is missing");
    }
    // Every in-page link (the table of contents, the heading anchors, the body's own)
    // leads to an element of the page.
    for a in select(&html, "a[href^='#']") {
        let target = &a.value().attr("href").unwrap()[1..];
        assert!(seen.contains(target), "#{target} leads nowhere");
    }
    assert!(
        seen.contains("main-1") && seen.contains("user-content-main"),
        "{seen:?}"
    );
    site.run(["check"]).assert_ok();
    // With `unsafe_html = true` raw HTML is kept as written: check says where.
    site.config(&crate::fixture::CONFIG.replacen(
        "description",
        "unsafe_html = true\ndescription",
        1,
    ));
    let check = site.run(["check"]);
    check.assert_stderr_line(
        "warning: content/2024/x.md:19:6: the page has two elements with the id \"main\"",
    );
}

// Item 15.

#[test]
fn a_datetime_never_has_an_offset_with_seconds() {
    let site = SiteFixture::new();
    site.config(&crate::fixture::CONFIG.replacen(
        "description",
        "timezone = \"Europe/London\"\ndescription",
        1,
    ));
    site.postmortem(
        "0000/x.md",
        "title: T\nstarted: 0000-06-01T12:00:00Z\nresolved: 0000-06-01T13:00:00Z\nseverity: SEV2\nroot_cause: configuration\n",
        "Body.\n",
    );
    site.build(&[]);
    let valid = regex_like_datetime;
    for page in [
        "postmortems/x/index.html",
        "timeline/index.html",
        "index.html",
    ] {
        let html = site.html(page);
        for time in select(&html, "time[datetime]") {
            let datetime = time.value().attr("datetime").unwrap();
            assert!(valid(datetime), "{page}: datetime=\"{datetime}\"");
        }
    }
}

/// A date, a duration or a date-time whose offset is `Z` or `±HH:MM`: never `±HH:MM:SS`.
fn regex_like_datetime(text: &str) -> bool {
    if text.starts_with('P') || text.starts_with("-P") || !text.contains('T') {
        return true;
    }
    let offset = text
        .rfind(['+', '-'])
        .filter(|&i| i > 10)
        .map_or("", |i| &text[i..]);
    text.ends_with('Z') || (offset.len() == 6 && offset.as_bytes()[3] == b':')
}

// Item 16.

#[test]
fn control_characters_in_file_names_never_reach_the_terminal_raw() {
    let hostile = "x\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m";
    let site = SiteFixture::new();
    // A file that fails (no title), so its name is printed by build and check.
    site.file(
        &format!("content/2024/{hostile}.md"),
        "---\ndate: 2024-05-01\nseverity: SEV2\n---\nBody.\n",
    );
    site.file(&format!("notes/{hostile}.md"), "Outage on 2024-05-01.\n");
    let import_path = site.path(&format!("notes/{hostile}.md"));
    let runs = [
        site.run(["build"]),
        site.run(["check"]),
        site.run(["check", "--format", "json"]),
        site.run([
            "import".as_ref(),
            "--dry-run".as_ref(),
            import_path.as_os_str(),
        ]),
        site.run([
            "import".as_ref(),
            "--dry-run".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            import_path.as_os_str(),
        ]),
    ];
    for run in &runs {
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            let raw: Vec<char> = text
                .chars()
                .filter(|&c| c.is_control() && c != '\n' && c != '\t')
                .collect();
            assert!(raw.is_empty(), "raw {raw:?} on {stream}:\n{text}");
        }
    }
    assert!(runs[0].stderr.contains("x\\u{1b}[2J"), "{}", runs[0].stderr);
    assert!(runs[2].stdout.contains("\\u001b"), "{}", runs[2].stdout);
    let json: serde_json::Value = serde_json::from_str(&runs[2].stdout).unwrap();
    assert!(json.to_string().contains("owned"), "{json}");
}

// Item 17.

/// The template that never finishes (10^10 iterations), in the postmortem page.
pub(crate) fn template_that_never_finishes() -> String {
    let page = crate::fixture::default_template("postmortem.html");
    let endless =
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}";
    let marked = page.replacen(
        "{% block content %}",
        &format!("{{% block content %}}{endless}"),
        1,
    );
    assert_ne!(marked, page, "the postmortem template has a content block");
    marked
}

#[test]
fn a_template_that_never_finishes_fails_the_build_at_its_line_and_keeps_the_output() {
    let site = site_with("");
    site.build(&[]).assert_ok();
    let before = SiteFixture::snapshot(&site.public());
    let template = template_that_never_finishes();
    let line = crate::serve::line_of(&template, "range(end=100000)");
    site.file("templates/postmortem.html", &template);
    let started = std::time::Instant::now();
    let build = site.run(["build"]);
    let took = started.elapsed();
    build.assert_failed();
    build.assert_stderr_line("error: template postmortem.html:");
    assert!(
        build.stderr.contains("ran longer than 10 s"),
        "{}",
        build.stderr
    );
    assert!(
        build.stderr.contains(&format!("postmortem.html:{line}:")),
        "the error names the loop's line {line}:\n{}",
        build.stderr
    );
    assert!(took < std::time::Duration::from_secs(60), "took {took:?}");
    assert_eq!(SiteFixture::snapshot(&site.public()), before);
}
