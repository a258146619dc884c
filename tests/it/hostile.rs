//! Content from many authors: hostile front-matter values and Markdown on every page
//! kind, Unicode tricks, file names that must give stable URLs, and symbolic links that
//! must not be followed out of the site. `escaping.rs` has the basic escaping checks;
//! this module adds what a hostile author could try beyond them.

use std::collections::BTreeMap;

use scraper::Html;

use crate::escaping::injections;
use crate::fixture::{DISK_FRONT_MATTER, SiteFixture, first, select, select_in, text};

const SCRIPT: &str = "<script>alert(1)</script>";
const BREAKOUT: &str = "\"><svg onload=alert(1)>";
const BROKEN: &str = "<b><i>unclosed <a href=\"x";
/// A right-to-left override that is never closed, zero-width characters, a homoglyph.
const TRICKS: &str = "rollback \u{202E}gnp.exe\u{202C} of pa\u{200B}yments on \u{0430}dmin";

/// The page kinds a postmortem's values appear on, and that must exist in the output.
const PAGE_KINDS: &[&str] = &[
    "index.html",
    "postmortems/hostile/index.html",
    "timeline/index.html",
    "timeline/2024/index.html",
    "insights/index.html",
    "action-items/index.html",
    "root-causes/index.html",
    "root-causes/capacity/index.html",
    "services/index.html",
    "search/index.html",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "postmortems.json",
];

fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// One postmortem with every text field hostile, a second whose body is hostile.
fn hostile_site() -> SiteFixture {
    let site = SiteFixture::new();
    let title = format!("Hostile {SCRIPT} {BREAKOUT} {BROKEN} {TRICKS}");
    site.postmortem(
        "2024/hostile.md",
        &format!(
            "title: {title}\nstarted: 2024-05-01T10:00:00Z\nresolved: 2024-05-01T11:00:00Z\nseverity: SEV2\nroot_cause: capacity\nservices: [{s1}, {s2}, {s3}]\ntrigger: {trigger}\ntags: [{t1}, {t2}]\nauthors: [{a1}]\ncontributing_factors: [{c1}]\nimpact:\n  summary: {summary}\ntimeline:\n  - {{ at: \"10:00\", kind: detection, event: {e1} }}\n  - {{ at: \"10:30\", kind: misleading, event: {e2} }}\naction_items:\n  - {{ task: {task}, owner: {owner}, status: open, due: 2024-06-01, link: {link} }}\n  - {{ task: {task2}, owner: {owner2}, status: in-progress }}\n",
            title = yaml(&title),
            s1 = yaml(SCRIPT),
            s2 = yaml("pa\u{200B}yments"),
            s3 = yaml("p\u{0430}yments \u{202E}x"),
            trigger = yaml(BROKEN),
            t1 = yaml(SCRIPT),
            t2 = yaml(TRICKS),
            a1 = yaml(BREAKOUT),
            c1 = yaml(BROKEN),
            summary = yaml(&format!("{SCRIPT} {TRICKS} \u{1}bell")),
            e1 = yaml(&format!("{SCRIPT} {BROKEN}")),
            e2 = yaml(TRICKS),
            task = yaml(&format!("{SCRIPT} {TRICKS}")),
            owner = yaml(BREAKOUT),
            // A double quote or `<` is refused (`hardening.rs`); a single quote is a URL
            // character, and would break out of a single-quoted attribute.
            link = yaml("https://tracker.example/'onmouseover='alert(1)'&x=1"),
            task2 = yaml(BROKEN),
            owner2 = yaml(&format!("{TRICKS} {SCRIPT}")),
        ),
        &HOSTILE_BODY
            .replace("\\u{202E}", "\u{202E}")
            .replace("\\u{200B}", "\u{200B}"),
    );
    site.postmortem("2024/disk.md", DISK_FRONT_MATTER, "Plain body.\n");
    site
}

const HOSTILE_BODY: &str = r#"
    Before the tricks.

    [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) and
    [spaced](  java script:alert(1)) and [entity](&#106;avascript:alert(1)) and
    <javascript:alert(1)> and ![img](data:image/svg+xml,<svg/onload=alert(1)>)

    [ref link][evil]

    [evil]: javascript:alert(1)

    <a href="&#x6A;avascript:alert(1)">entity-encoded raw link</a>
    <a href="data:text/html,<script>alert(1)</script>">raw data link</a>
    <svg><script>alert(1)</script></svg> <math><mi xlink:href="javascript:alert(1)">m</mi></math>
    <form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>
    <object data="javascript:alert(1)"></object> <embed src="javascript:alert(1)">
    <style>body{background:url(javascript:alert(1))}</style>
    <img src=x onerror=alert(1)//

    <div><p>broken <b>bold <i>italic</div></section></article></main></body></html>

    After the broken HTML, still in the body.

    ## Heading {#x onclick=alert(1) .y}

    Text with a bidi override: abc \u{202E}fed and zero\u{200B}width.
"#;

/// Problems an XML output file would have: not well-formed, or an element or attribute
/// that could run script in a reader that renders it.
fn xml_problems(path: &str, source: &str) -> Vec<String> {
    let doc = match roxmltree::Document::parse(source) {
        Ok(doc) => doc,
        Err(err) => return vec![format!("{path}: not well-formed XML: {err}")],
    };
    let mut found = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name().to_ascii_lowercase();
        if name == "script" || name == "svg" {
            found.push(format!("{path}: <{name}> element"));
        }
        for attr in node.attributes() {
            if attr.name().to_ascii_lowercase().starts_with("on") {
                found.push(format!("{path}: attribute {}", attr.name()));
            }
            if attr.name() == "type" && attr.value() != "text" && node.tag_name().name() != "link" {
                found.push(format!(
                    "{path}: <{name} type=\"{}\"> is read as markup",
                    attr.value()
                ));
            }
        }
    }
    found
}

/// Every problem of every output file: script that could run, invalid XML or JSON,
/// characters no page may carry.
fn output_problems(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, bytes) in files {
        // Pagefind's own bundle (binary index chunks, minified script) is not ours.
        if path.starts_with("pagefind/") {
            continue;
        }
        let Ok(source) = std::str::from_utf8(bytes) else {
            continue;
        };
        if let Some(c) = source.chars().find(|&c| {
            matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}')
        }) {
            problems.push(format!("{path}: control character U+{:04X}", c as u32));
        }
        if path.ends_with(".html") {
            let html = Html::parse_document(source);
            problems.extend(
                injections(&html)
                    .into_iter()
                    .map(|p| format!("{path}: {p}")),
            );
            for element in select(&html, "*") {
                for (name, value) in element.value().attrs() {
                    let compact: String = value
                        .chars()
                        .filter(|c| !c.is_whitespace() && !c.is_control())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    let is_url = matches!(
                        name,
                        "href" | "src" | "action" | "formaction" | "data" | "xlink:href"
                    );
                    if is_url
                        && (compact.starts_with("data:") || compact.starts_with("javascript:"))
                    {
                        problems.push(format!("{path}: {name}=\"{value}\""));
                    }
                }
            }
            // The theme's own search form aside, nothing active comes from a body.
            for active in select(
                &html,
                ".prose iframe, .prose object, .prose embed, .prose form, .prose svg, .prose style, .prose math",
            ) {
                problems.push(format!(
                    "{path}: active element <{}>",
                    active.value().name()
                ));
            }
        } else if path.ends_with(".xml") {
            problems.extend(xml_problems(path, source));
        } else if path.ends_with(".json")
            && let Err(err) = serde_json::from_str::<serde_json::Value>(source)
        {
            problems.push(format!("{path}: not JSON: {err}"));
        }
    }
    problems
}

#[test]
fn hostile_content_never_runs_on_any_page_kind_and_every_page_stays_valid() {
    let site = hostile_site();
    site.build(&[]);
    let files = SiteFixture::snapshot(&site.public());
    for kind in PAGE_KINDS {
        assert!(files.contains_key(*kind), "no {kind} in the output");
    }
    let problems = output_problems(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn hostile_values_are_shown_as_text_where_they_appear() {
    let site = hostile_site();
    site.build(&[]);
    // Shown as written, less the invisible direction controls and control characters.
    let clean_tricks = TRICKS.replace(['\u{202E}', '\u{202C}'], "");
    let title = format!("Hostile {SCRIPT} {BREAKOUT} {BROKEN} {clean_tricks}");

    let page = site.html("postmortems/hostile/index.html");
    assert_eq!(text(first(&page, "main h1")), title);
    let main = text(first(&page, "main"));
    for shown in [BREAKOUT, SCRIPT, BROKEN, &clean_tricks] {
        assert!(main.contains(shown), "{shown:?} not shown in\n{main}");
    }
    assert!(
        main.contains(&format!("{SCRIPT} {clean_tricks} bell")),
        "{main}"
    );
    // The action item's link stays on its element, as an escaped http URL.
    let link = first(&page, "main .actions-table a[href]");
    assert_eq!(
        link.value().attr("href"),
        Some("https://tracker.example/'onmouseover='alert(1)'&x=1")
    );

    for listing in [
        "index.html",
        "timeline/2024/index.html",
        "action-items/index.html",
        "root-causes/capacity/index.html",
    ] {
        let html = site.html(listing);
        let main = text(first(&html, "main"));
        assert!(
            main.contains(&title),
            "{listing}: title not shown as text:\n{main}"
        );
    }
    let actions = text(first(&site.html("action-items/index.html"), "main"));
    assert!(
        actions.contains(&format!("{SCRIPT} {clean_tricks}")),
        "{actions}"
    );

    let atom = site.read("atom.xml");
    let feed = roxmltree::Document::parse(&atom).unwrap();
    let titles: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
        .filter_map(|n| n.text())
        .collect();
    assert!(titles.contains(&title.as_str()), "{titles:?}");

    let json: serde_json::Value = serde_json::from_str(&site.read("postmortems.json")).unwrap();
    let entry = json["postmortems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "hostile")
        .unwrap();
    assert_eq!(entry["title"], title.as_str());
    assert_eq!(entry["action_items"][0]["owner"], BREAKOUT);

    // The body: text kept, links with script-capable or data schemes neutralised.
    let body = first(&page, "main .prose");
    let body_text = text(body);
    assert!(
        body_text.contains("After the broken HTML, still in the body."),
        "{body_text}"
    );
    assert!(body_text.contains("entity-encoded raw link"), "{body_text}");
    // Broken HTML cannot close the page's own elements: what follows the body is where
    // the theme put it.
    assert_eq!(select(&page, "main").len(), 1);
    assert!(!select(&page, "main article.pm section.pm-section").is_empty());
    assert!(!select(&page, "body > footer.site-footer").is_empty());
    assert!(
        select_in(
            body,
            "iframe, object, embed, form, svg, math, style, script"
        )
        .is_empty()
    );
}

#[test]
fn invisible_controls_in_front_matter_are_removed_with_a_warning_on_their_line() {
    let site = SiteFixture::standard();
    site.file(
        "content/2024/tricks.md",
        "---\ntitle: Invoice \u{202E}fdp.exe\nstarted: 2024-05-01T10:00:00Z\nresolved: 2024-05-01T11:00:00Z\nseverity: SEV3\nroot_cause: capacity\nimpact:\n  summary: a bell \u{7} rang\n---\nBody with a \u{1b}[31m terminal escape.\n",
    );
    let run = site.build(&[]);
    run.assert_stderr_line(
        "warning: content/2024/tricks.md:2:16: invisible text-direction control U+202E removed",
    );
    run.assert_stderr_line(
        "warning: content/2024/tricks.md:8:19: control character U+0007 removed",
    );
    run.assert_stderr_line(
        "warning: content/2024/tricks.md:10:13: control character U+001B removed",
    );
    let page = site.html("postmortems/tricks/index.html");
    assert_eq!(text(first(&page, "main h1")), "Invoice fdp.exe");
    for file in ["postmortems/tricks/index.html", "index.html", "atom.xml"] {
        let source = site.read(file);
        assert!(!source.contains(['\u{202E}', '\u{7}', '\u{1b}']), "{file}");
    }
}

#[test]
fn control_characters_written_as_yaml_escapes_are_removed_too() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/escaped.md",
        "title: \"Escaped \\x01bell \\u202Eevil\"\nstarted: 2024-05-01T10:00:00Z\nseverity: SEV3\nroot_cause: capacity\n",
        "Body.\n",
    );
    site.build(&[]);
    let atom = site.read("atom.xml");
    roxmltree::Document::parse(&atom).unwrap();
    assert!(atom.contains("Escaped bell evil"), "{atom}");
}

#[test]
fn file_names_with_spaces_unicode_and_capitals_give_stable_ascii_urls() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/DB Outage (Ünïcode Straße).md",
        DISK_FRONT_MATTER,
        "Body.\n",
    );
    site.postmortem("2024/事故.md", DISK_FRONT_MATTER, "Body.\n");
    site.postmortem(
        "2024/links.md",
        DISK_FRONT_MATTER,
        "See [the outage](DB%20Outage%20(Ünïcode%20Straße).md) and [the other](<事故.md>).\n",
    );
    site.build(&[]);
    let first_build = SiteFixture::snapshot(&site.public());
    assert!(first_build.contains_key("postmortems/db-outage-unicode-strasse/index.html"));
    let cjk: Vec<&String> = first_build
        .keys()
        .filter(|k| k.starts_with("postmortems/") && k.ends_with("/index.html"))
        .collect();
    for path in &cjk {
        assert!(path.is_ascii(), "non-ASCII URL {path}");
    }
    assert!(
        first_build.contains_key("postmortems/shi-gu/index.html"),
        "{cjk:?}"
    );
    let page = site.html("postmortems/links/index.html");
    let hrefs = crate::fixture::hrefs(&page, "main .prose a[href]");
    assert_eq!(
        hrefs,
        [
            "/postmortems/db-outage-unicode-strasse/",
            "/postmortems/shi-gu/"
        ]
    );
    // Stable: the same names give the same URLs on the next build.
    site.build(&[]);
    assert_eq!(SiteFixture::snapshot(&site.public()), first_build);
}

#[test]
fn homoglyph_and_case_variants_of_a_file_name_collide_and_are_errors() {
    let site = SiteFixture::standard();
    site.postmortem("2024/admin.md", DISK_FRONT_MATTER, "Body.\n");
    // Cyrillic а (U+0430), and a zero-width space: both read as "admin".
    site.postmortem("2024/\u{0430}dmin.md", DISK_FRONT_MATTER, "Body.\n");
    site.postmortem("2023/Ad\u{200B}min.md", DISK_FRONT_MATTER, "Body.\n");
    let run = site.run(["build"]);
    run.assert_failed();
    let errors = run.error_lines().join("\n");
    assert!(
        errors.contains("both give the URL /postmortems/admin/"),
        "{errors}"
    );
    assert_eq!(run.error_lines().len(), 2, "{errors}");
}

#[test]
fn a_slug_in_front_matter_must_be_ascii() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/x.md",
        &format!("{DISK_FRONT_MATTER}    slug: \u{0430}dmin\n"),
        "Body.\n",
    );
    let run = site.run(["build"]);
    run.assert_failed();
    run.assert_stderr_line("error: content/2024/x.md:8:");
    assert!(
        run.stderr.contains("cannot be used in a URL"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
mod symlinks {
    use std::os::unix::fs::symlink;

    use super::*;

    #[test]
    fn a_content_link_out_of_the_site_is_reported_and_not_followed() {
        let site = SiteFixture::standard();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(
            outside.path().join("secret.md"),
            format!(
                "---\n{}---\nSECRET TEXT\n",
                crate::fixture::dedent(DISK_FRONT_MATTER)
            ),
        )
        .unwrap();
        symlink(
            outside.path().join("secret.md"),
            site.path("content/2024/secret.md"),
        )
        .unwrap();
        symlink(outside.path(), site.path("content/elsewhere")).unwrap();
        let run = site.run(["build"]);
        run.assert_failed();
        run.assert_stderr_line(
            "error: content/2024/secret.md: symbolic link points outside the site",
        );
        run.assert_stderr_line("error: content/elsewhere: symbolic link points outside the site");
        assert!(!site.public().exists());
    }

    #[test]
    fn a_content_link_loop_is_reported_and_not_followed() {
        let site = SiteFixture::standard();
        symlink(site.path("content"), site.path("content/2024/loop")).unwrap();
        let run = site.run(["build"]);
        run.assert_failed();
        run.assert_stderr_line("error: content/2024/loop: symbolic link loop; not followed");
    }

    #[test]
    fn a_content_link_inside_the_site_is_followed() {
        let site = SiteFixture::standard();
        site.postmortem("../shared/kept.md", DISK_FRONT_MATTER, "Shared body.\n");
        symlink(
            site.path("shared/kept.md"),
            site.path("content/2024/kept.md"),
        )
        .unwrap();
        site.build(&[]);
        assert!(site.public().join("postmortems/kept/index.html").is_file());
    }

    #[test]
    fn a_static_or_template_link_out_of_the_site_is_an_error_naming_it() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("passwd"), "root:x:0:0").unwrap();
        for (folder, name) in [("static", "passwd.txt"), ("templates", "page.html")] {
            let site = SiteFixture::standard();
            std::fs::create_dir_all(site.path(folder)).unwrap();
            symlink(
                outside.path().join("passwd"),
                site.path(&format!("{folder}/{name}")),
            )
            .unwrap();
            let run = site.run(["build"]);
            run.assert_failed();
            assert!(
                run.stderr.contains(&format!("{folder}/{name}"))
                    && run.stderr.contains("symbolic link points outside the site"),
                "{}",
                run.stderr
            );
            assert!(!site.public().exists());
        }
    }

    #[test]
    fn a_static_link_loop_is_an_error_naming_it() {
        let site = SiteFixture::standard();
        std::fs::create_dir_all(site.path("static/css")).unwrap();
        symlink(site.path("static"), site.path("static/css/loop")).unwrap();
        let run = site.run(["build"]);
        run.assert_failed();
        assert!(
            run.stderr.contains("static/css/loop") && run.stderr.contains("loop"),
            "{}",
            run.stderr
        );
    }
}
