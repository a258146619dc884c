//! Two audiences from one library: `--audience public` publishes no byte of an internal
//! postmortem or of an internal block, and counts only public postmortems; the default
//! build is the complete site. Personal data in public content is a warning of a public
//! build only.

use std::collections::BTreeMap;
use std::io::Read;

use crate::fixture::{CONFIG, SiteFixture, read_text};

/// One marker per internal place; each must be absent from the public output and present
/// in the internal one. Lowercase letters only, so the search index (which lowercases and
/// stems words) holds them as written.
const MARKERS: &[(&str, &str)] = &[
    ("internal title", "zqxtitleqz"),
    ("internal body", "zqxbodyqz"),
    ("internal service", "zqxserviceqz"),
    ("internal root cause", "zqxcauseqz"),
    ("internal contributing factor", "zqxfactorqz"),
    ("internal trigger", "zqxtriggerqz"),
    ("internal tag", "zqxtagqz"),
    ("internal author", "zqxauthorqz"),
    ("internal impact", "zqximpactqz"),
    ("internal timeline", "zqxtimelineqz"),
    ("internal action owner", "zqxownerqz"),
    ("internal action task", "zqxtaskqz"),
    ("block prose", "zqxblockproseqz"),
    ("block code", "zqxblockcodeqz"),
    ("block heading", "zqxblockheadingqz"),
];

fn site() -> SiteFixture {
    let site = SiteFixture::new();
    site.config(&CONFIG.replace(
        "capacity = { name = \"Capacity\" }",
        "capacity = { name = \"Capacity\" }\nzqxcauseqz = { name = \"Zqxcauseqz\" }",
    ));
    site.postmortem(
        "2024/public-a.md",
        r#"
        title: Public outage of the web app
        audience: public
        started: 2024-08-14T14:30:00Z
        resolved: 2024-08-14T15:15:00Z
        severity: SEV2
        services: [mysql]
        root_cause: configuration
        action_items:
          - { task: Stage every database change, owner: devops, status: open, due: 2024-09-01 }
        "#,
        r#"
        ## What happened

        The password was mistyped; see [the other one](public-b.md).

        <!-- internal -->
        The database host was zqxblockproseqz in the private network.

        ```log
        ERROR connect to zqxblockcodeqz refused
        ```

        ## The zqxblockheadingqz runbook
        <!-- /internal -->

        ## Resolution

        The password was reset.
        "#,
    );
    site.postmortem(
        "2024/public-b.md",
        r#"
        title: Public disk full
        audience: public
        started: 2024-03-05T08:00:00Z
        resolved: 2024-03-05T08:20:00Z
        severity: SEV3
        services: [mysql]
        root_cause: capacity
        "#,
        "The log host filled up.\n",
    );
    site.postmortem(
        "2024/secret.md",
        r#"
        title: Outage zqxtitleqz
        started: 2024-05-01T10:00:00Z
        detected: 2024-05-01T10:10:00Z
        resolved: 2024-05-01T11:00:00Z
        severity: SEV1
        services: [zqxserviceqz]
        root_cause: zqxcauseqz
        contributing_factors: [zqxfactorqz]
        trigger: zqxtriggerqz happened
        tags: [zqxtagqz]
        authors: [zqxauthorqz]
        impact:
          summary: Customers of zqximpactqz lost access.
        timeline:
          - { at: "10:10", kind: detection, event: Alert from zqxtimelineqz }
        action_items:
          - { task: Fix zqxtaskqz, owner: zqxownerqz, status: open, due: 2024-06-01 }
        "#,
        "## Summary\n\nThe zqxbodyqz broke. See [the public one](public-a.md).\n",
    );
    site
}

/// Every output file's bytes, gzip-compressed files (Pagefind's index and fragments)
/// uncompressed, lowercased.
fn output_texts(dir: &std::path::Path) -> BTreeMap<String, String> {
    SiteFixture::snapshot(dir)
        .into_iter()
        .map(|(path, bytes)| {
            let mut plain = Vec::new();
            let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
                flate2::read::GzDecoder::new(bytes.as_slice())
                    .read_to_end(&mut plain)
                    .unwrap();
                plain
            } else {
                bytes
            };
            (path, String::from_utf8_lossy(&bytes).to_lowercase())
        })
        .collect()
}

fn files_with(texts: &BTreeMap<String, String>, marker: &str) -> Vec<String> {
    texts
        .iter()
        .filter(|(_, text)| text.contains(marker))
        .map(|(path, _)| path.clone())
        .collect()
}

#[test]
fn the_public_build_holds_no_byte_of_anything_internal_and_counts_only_public_postmortems() {
    let site = site();
    let out = tempfile::tempdir().unwrap();
    let internal = out.path().join("internal");
    let public = out.path().join("public");
    site.build(&["--output", internal.to_str().unwrap()]);
    let run = site.build(&["--audience", "public", "--output", public.to_str().unwrap()]);
    assert!(run.stdout.contains("Built 2 postmortems"), "{}", run.stdout);

    let internal_texts = output_texts(&internal);
    let public_texts = output_texts(&public);
    assert!(
        public_texts
            .keys()
            .any(|p| p.starts_with("pagefind/fragment/")),
        "the public build has a search index: {:?}",
        public_texts.keys().collect::<Vec<_>>()
    );
    let mut leaks = Vec::new();
    for (place, marker) in MARKERS {
        assert!(
            !files_with(&internal_texts, marker).is_empty(),
            "the internal build lacks the {place} marker {marker}"
        );
        let found = files_with(&public_texts, marker);
        if !found.is_empty() {
            leaks.push(format!("{place} ({marker}) in {found:?}"));
        }
    }
    // The search index holds words stemmed; their stems must be absent too.
    for (place, marker) in MARKERS {
        let stem = &marker[..marker.len() - 2];
        let found = files_with(&public_texts, stem);
        if !found.is_empty() {
            leaks.push(format!("{place} (stem {stem}) in {found:?}"));
        }
    }
    assert!(leaks.is_empty(), "leaked:\n{}", leaks.join("\n"));

    // The public postmortem keeps its public text on both sides of the block.
    let page = read_text(&public.join("postmortems/public-a/index.html"));
    assert!(page.contains("The password was reset."), "{page}");
    assert!(page.contains("The password was mistyped"), "{page}");
    assert!(!public.join("postmortems/secret/index.html").exists());

    // Counts: the export, the insights and the list.
    let export: serde_json::Value =
        serde_json::from_str(&read_text(&public.join("postmortems.json"))).unwrap();
    assert_eq!(export["postmortems"].as_array().unwrap().len(), 2);
    let export: serde_json::Value =
        serde_json::from_str(&read_text(&internal.join("postmortems.json"))).unwrap();
    assert_eq!(export["postmortems"].as_array().unwrap().len(), 3);
    let insights = read_text(&public.join("insights/index.html"));
    assert!(insights.contains("across 2 postmortems"), "{insights}");
    let insights = read_text(&internal.join("insights/index.html"));
    assert!(insights.contains("across 3 postmortems"), "{insights}");
    let home = read_text(&public.join("index.html"));
    assert!(
        !home.contains(">3<") && home.contains(">2<"),
        "the home page's figures count public postmortems:\n{home}"
    );
}

#[test]
fn a_public_postmortem_linking_to_an_internal_one_is_an_error_naming_both() {
    let site = site();
    site.postmortem(
        "2024/public-b.md",
        "title: Public disk full\naudience: public\ndate: 2024-03-05\nseverity: SEV3\nroot_cause: capacity\n",
        "Line one.\n\nLike [that outage](secret.md).\n",
    );
    let run = site.run(["check", "--audience", "public"]);
    run.assert_failed();
    run.assert_stderr_line("error: content/2024/public-b.md:10:6: link to content/2024/secret.md, an internal postmortem");
    let run = site.run(["build", "--audience", "public"]);
    run.assert_failed();
    assert!(!site.public().exists());
    // The internal build publishes both, so the link is fine there.
    site.build(&[]);
}

#[test]
fn an_unclosed_or_stray_marker_is_an_error_with_its_line_in_every_build() {
    let site = site();
    site.postmortem(
        "2024/public-b.md",
        "title: Public disk full\naudience: public\ndate: 2024-03-05\nseverity: SEV3\nroot_cause: capacity\n",
        "Line one.\n\n<!-- internal -->\nhidden\n",
    );
    for audience in ["internal", "public"] {
        let run = site.run(["check", "--audience", audience]);
        run.assert_failed();
        run.assert_stderr_line(
            "error: content/2024/public-b.md:10:1: <!-- internal --> is never closed",
        );
    }
    site.postmortem(
        "2024/public-b.md",
        "title: Public disk full\naudience: public\ndate: 2024-03-05\nseverity: SEV3\nroot_cause: capacity\n",
        "Line one.\n<!-- /internal -->\n",
    );
    let run = site.run(["build", "--audience", "public"]);
    run.assert_failed();
    run.assert_stderr_line(
        "error: content/2024/public-b.md:9:1: <!-- /internal --> without an opening",
    );
}

#[test]
fn an_unknown_audience_is_an_error_with_its_line() {
    let site = site();
    site.postmortem(
        "2024/public-b.md",
        "title: Public disk full\naudience: publik\ndate: 2024-03-05\nseverity: SEV3\nroot_cause: capacity\n",
        "Text.\n",
    );
    let run = site.run(["check"]);
    run.assert_failed();
    run.assert_stderr_line(
        "error: content/2024/public-b.md:3:11: unknown audience \"publik\" (did you mean \"public\"?)",
    );
    site.config(&CONFIG.replace(
        "\n[root_causes]",
        "default_audience = \"everyone\"\n\n[root_causes]",
    ));
    let run = site.run(["check"]);
    run.assert_failed();
    run.assert_stderr_line("error: site.toml:");
    assert!(
        run.stderr.contains("unknown default_audience \"everyone\""),
        "{}",
        run.stderr
    );
}

fn personal_data_site() -> SiteFixture {
    let site = SiteFixture::new();
    site.config(&format!(
        "{}\n[public]\nallow = [\"security@northwind.io\", \"203.0.113.0/24\"]\n",
        CONFIG.replace(
            "\n[root_causes]",
            "default_audience = \"public\"\n\n[root_causes]"
        )
    ));
    site.postmortem(
        "2024/db.md",
        "title: Reported by dana@northwind.io\ndate: 2024-08-14\nseverity: SEV2\nroot_cause: configuration\n",
        "Call +44 20 7946 0958 or security@northwind.io.\n\
         \n\
         ```log\n\
         connect 10.20.4.17:3306 from 203.0.113.9 and [2a01:4f8:c0c:1::2]\n\
         ```\n\
         \n\
         Upgraded to `v1.2.3.4` on 2024-08-14 at 14:30:00, in 1h30m, see #1234.\n",
    );
    site
}

#[test]
fn a_public_build_warns_about_personal_data_except_what_the_allow_list_names() {
    let site = personal_data_site();
    let run = site.run(["check", "--audience", "public"]);
    run.assert_ok();
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: ") && l.contains("in a public postmortem"))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: content/2024/db.md:2:20: e-mail address dana@northwind.io in a public postmortem",
            "warning: content/2024/db.md:7:6: phone number +44 20 7946 0958 in a public postmortem",
            "warning: content/2024/db.md:10:9: IP address 10.20.4.17 in a public postmortem",
            "warning: content/2024/db.md:10:47: IP address 2a01:4f8:c0c:1::2 in a public postmortem",
        ],
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[public] allow"), "{}", run.stderr);
    // `build --audience public` prints the same warnings.
    let built = site.build(&["--audience", "public"]);
    assert_eq!(built.stderr.matches("in a public postmortem").count(), 4);
    // The internal build publishes nothing, so it warns about nothing.
    let run = site.run(["check"]);
    assert!(!run.stderr.contains("public postmortem"), "{}", run.stderr);
    let built = site.build(&[]);
    assert!(
        !built.stderr.contains("public postmortem"),
        "{}",
        built.stderr
    );
}

#[test]
fn serve_public_takes_an_edit_to_an_internal_only_root_cause_and_names_a_link_to_an_internal_postmortem()
 {
    let site = site();
    let server = crate::serve::Server::start_in(site.root(), &["--audience", "public"]);
    // The root cause only the internal postmortem has is not listed...
    assert_eq!(server.get("/root-causes/zqxcauseqz/").status, 404);
    // ...but it is still a root cause: a public postmortem may take it in an edit, and its
    // page appears, as in a build of the edited tree.
    crate::serve::edit(&site, "content/2024/public-a.md", |text| {
        text.replace("root_cause: configuration", "root_cause: zqxcauseqz")
    });
    server.wait_for_status("/root-causes/zqxcauseqz/", 200);
    // A link to an internal postmortem, added while serving, is the error a build gives.
    crate::serve::edit(&site, "content/2024/public-a.md", |text| {
        text.replace(
            "## What happened",
            "## What happened\n\nLike [that outage](secret.md).",
        )
    });
    server.wait_for("/", "the overlay naming the internal postmortem", |reply| {
        reply
            .overlay()
            .is_some_and(|overlay| overlay.contains("an internal postmortem"))
    });
}
