//! The output folder: deterministic, atomic, never someone else's; drafts, overrides and
//! the embedded theme.

use crate::fixture::{SiteFixture, first, hrefs, select, text};

#[test]
fn output_is_byte_identical_across_builds() {
    let site = SiteFixture::standard();
    site.build(&["--output", "out-a"]);
    // A different local zone must not leak into the output.
    let second = site.run_with_env(
        ["build", "--output", "out-b"],
        &[("TZ", "Pacific/Auckland")],
    );
    second.assert_ok();
    let a = SiteFixture::snapshot(&site.path("out-a"));
    let b = SiteFixture::snapshot(&site.path("out-b"));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "different file sets"
    );
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
}

#[test]
fn output_refuses_to_replace_a_folder_it_did_not_write() {
    let site = SiteFixture::standard();
    site.file("docs/notes.txt", "my own notes\n");
    site.file("docs/sub/keep.md", "keep\n");
    let before = SiteFixture::snapshot(&site.path("docs"));
    let run = site.run(["build", "--output", "docs"]);
    run.assert_failed();
    run.assert_stderr_line("error: refusing to replace");
    assert!(run.stderr.contains("docs"), "{}", run.stderr);
    assert!(
        SiteFixture::snapshot(&site.path("docs")) == before,
        "files touched"
    );
    assert_eq!(site.leftovers(), Vec::<String>::new());
}

#[test]
fn output_replaces_a_foreign_folder_once_told_to() {
    let site = SiteFixture::standard();
    site.file("docs/old-generator/index.html", "<p>an old site</p>\n");
    let run = site.run(["build", "--output", "docs"]);
    run.assert_failed();
    // The message says how to let hindsight replace the folder.
    assert!(
        run.stderr
            .contains("create an empty docs/.hindsight-output to let hindsight replace it"),
        "{}",
        run.stderr
    );
    assert!(site.path("docs/old-generator/index.html").is_file());
    site.file("docs/.hindsight-output", "");
    site.build(&["--output", "docs"]);
    assert!(!site.path("docs/old-generator").exists());
    assert!(site.path("docs/postmortems/db/index.html").is_file());
    assert_eq!(site.leftovers(), Vec::<String>::new());
}

#[test]
fn output_refuses_to_replace_the_site_itself() {
    let site = SiteFixture::standard();
    let root = site.root().to_string_lossy().into_owned();
    site.run(["build", "--output", &root])
        .assert_failed()
        .assert_stderr_line("error: refusing to replace");
    assert!(site.path("content/2024/db.md").is_file());
}

#[test]
fn output_replaces_its_own_previous_build_without_stale_files() {
    let site = SiteFixture::standard();
    site.build(&[]);
    assert!(site.public().join("postmortems/disk/index.html").is_file());
    site.remove("content/2024/disk.md");
    site.build(&[]);
    assert!(
        !site.public().join("postmortems/disk").exists(),
        "stale page kept"
    );
    assert!(site.public().join("postmortems/db/index.html").is_file());
    assert_eq!(site.leftovers(), Vec::<String>::new());
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/wip.md",
        "title: Still being written\ndate: 2024-09-01\nseverity: SEV3\nroot_cause: deployment\nstatus: draft\n",
        "",
    );
    site.build(&[]);
    assert!(!site.public().join("postmortems/wip").exists());
    let home = site.html("index.html");
    assert!(!hrefs(&home, "a[href]").contains(&"/postmortems/wip/".to_string()));
    assert!(
        !site
            .read("postmortems.json")
            .contains("Still being written")
    );
    assert!(!site.read("sitemap.xml").contains("/postmortems/wip/"));
    assert!(!site.read("atom.xml").contains("Still being written"));

    site.build(&["--drafts"]);
    let page = site.html("postmortems/wip/index.html");
    assert_eq!(text(first(&page, "main h1")), "Still being written");
    let home = site.html("index.html");
    assert!(hrefs(&home, "a[href]").contains(&"/postmortems/wip/".to_string()));
}

#[test]
fn site_template_override_is_used() {
    let site = SiteFixture::standard();
    site.file(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom-404\">Gone fishing: {{ site.title }}</h1>{% endblock content %}",
    );
    site.build(&[]);
    let page = site.html("404.html");
    assert_eq!(
        text(first(&page, "main h1.custom-404")),
        "Gone fishing: Fixture incident library"
    );
    // The other templates still come from the theme, and the override sees its layout.
    assert!(!select(&page, "link[rel=stylesheet]").is_empty());
    assert!(select(&site.html("index.html"), ".custom-404").is_empty());
}

#[test]
fn site_without_themes_folder_builds_with_the_embedded_theme() {
    let site = SiteFixture::standard();
    assert!(!site.path("themes").exists());
    site.build(&[]);
    let home = site.html("index.html");
    for href in hrefs(&home, "link[rel=stylesheet]") {
        let rel = href.trim_start_matches('/');
        assert!(
            site.public().join(rel).is_file(),
            "stylesheet {href} not written"
        );
    }
    assert!(site.public().join("static/style.css").is_file());
}

#[test]
fn site_static_files_are_copied_as_they_are() {
    let site = SiteFixture::standard();
    site.file("static/robots.txt", "User-agent: *\n");
    site.file("static/img/diagram.bin", [0u8, 159, 146, 150]);
    site.build(&[]);
    assert_eq!(
        std::fs::read(site.public().join("robots.txt")).unwrap(),
        b"User-agent: *\n"
    );
    assert_eq!(
        std::fs::read(site.public().join("img/diagram.bin")).unwrap(),
        [0u8, 159, 146, 150]
    );
}

#[test]
fn usage_errors_exit_with_code_2() {
    let site = SiteFixture::standard();
    assert_eq!(site.run(["build", "--no-such-flag"]).code, 2);
    assert_eq!(site.run(["frobnicate"]).code, 2);
}

#[test]
fn build_without_site_toml_says_what_to_do() {
    let site = SiteFixture::standard();
    site.remove("site.toml");
    site.run(["build"])
        .assert_failed()
        .assert_stderr_line("error: site.toml: cannot read site config");
}
