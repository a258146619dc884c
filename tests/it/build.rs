//! A whole build: every page kind exists and links correctly, at the root and under a
//! sub-path; the feed, sitemap and JSON export; the Markdown features of the body.

use scraper::Html;

use crate::fixture::{
    CONFIG, SiteFixture, broken_links, first, hrefs, resolve_output_path, select, select_in, text,
};

const SUB_PATH_BASE: &str = "https://acme.github.io/postmortems/";

fn sub_path_config() -> String {
    CONFIG.replace("https://example.org/", SUB_PATH_BASE)
}

#[track_caller]
fn assert_no_broken_links(out: &std::path::Path, base_url: &str) {
    let problems = broken_links(out, base_url);
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn build_writes_every_page_kind() {
    let site = SiteFixture::standard();
    let run = site.build(&[]);
    let files = SiteFixture::snapshot(&site.public());
    for path in [
        "index.html",
        "postmortems/db/index.html",
        "postmortems/conn/index.html",
        "postmortems/disk/index.html",
        "root-causes/index.html",
        "root-causes/configuration/index.html",
        "root-causes/deployment/index.html",
        "root-causes/capacity/index.html",
        "services/index.html",
        "services/web-app/index.html",
        "services/mysql/index.html",
        "services/api/index.html",
        "timeline/index.html",
        "404.html",
        "atom.xml",
        "sitemap.xml",
        ".nojekyll",
        "postmortems.json",
        "static/syntax-light.css",
        "static/syntax-dark.css",
    ] {
        assert!(
            files.contains_key(path),
            "{path} is missing; output: {:?}",
            files.keys()
        );
    }
    assert!(files[".nojekyll"].is_empty());
    assert!(
        run.stdout.starts_with("Built 3 postmortems, "),
        "summary line: {}",
        run.stdout
    );
    for path in files.keys().filter(|p| p.ends_with(".html")) {
        let html = site.html(path);
        assert_eq!(
            select(&html, "main").len(),
            1,
            "{path} has no single <main>"
        );
        assert!(
            !text(first(&html, "title")).is_empty(),
            "{path} has an empty <title>"
        );
    }
}

#[test]
fn links_resolve_with_a_root_base_url() {
    let site = SiteFixture::standard();
    site.build(&[]);
    assert_no_broken_links(&site.public(), "https://example.org/");
}

#[test]
fn links_resolve_under_a_sub_path_base_url() {
    let site = SiteFixture::standard();
    site.config(&sub_path_config());
    site.build(&[]);
    // Every internal link starts with /postmortems/ and resolves once it is stripped.
    assert_no_broken_links(&site.public(), SUB_PATH_BASE);
    let home = site.html("index.html");
    let links = hrefs(&home, "main a[href]");
    assert!(
        links.contains(&"/postmortems/postmortems/db/".to_string()),
        "{links:?}"
    );
    assert!(
        links.contains(&"/postmortems/root-causes/configuration/".to_string()),
        "{links:?}"
    );
    for css in hrefs(&home, "link[rel=stylesheet]") {
        assert!(css.starts_with("/postmortems/static/"), "{css}");
    }
    let json: serde_json::Value = serde_json::from_str(&site.read("postmortems.json")).unwrap();
    assert_eq!(json["base_url"], SUB_PATH_BASE);
    assert_eq!(
        json["postmortems"][0]["url"],
        "https://acme.github.io/postmortems/postmortems/db/"
    );
}

#[test]
fn base_url_flag_overrides_the_config() {
    let site = SiteFixture::standard();
    site.config(&sub_path_config());
    let preview = "http://127.0.0.1:4000/pr-7/";
    site.build(&["--base-url", "http://127.0.0.1:4000/pr-7"]);
    assert_no_broken_links(&site.public(), preview);
    let home = site.html("index.html");
    assert!(hrefs(&home, "main a[href]").contains(&"/pr-7/postmortems/db/".to_string()));
    let sitemap = site.read("sitemap.xml");
    assert!(!sitemap.contains("acme.github.io"), "{sitemap}");
}

#[test]
fn base_url_flag_that_is_not_a_url_is_an_error() {
    let site = SiteFixture::standard();
    site.run(["build", "--base-url", "acme.github.io"])
        .assert_failed()
        .assert_stderr_line("error: --base-url: base_url \"acme.github.io\" must start with");
}

#[test]
fn home_links_to_every_postmortem_and_index() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let home = site.html("index.html");
    let links = hrefs(&home, "a[href]");
    for url in [
        "/postmortems/db/",
        "/postmortems/conn/",
        "/postmortems/disk/",
        "/root-causes/",
        "/services/",
        "/timeline/",
        "/root-causes/configuration/",
        "/services/mysql/",
    ] {
        assert!(
            links.iter().any(|l| l == url),
            "home has no link to {url}: {links:?}"
        );
    }
    let titles: Vec<String> = select(&home, "main a[href='/postmortems/db/']")
        .into_iter()
        .map(text)
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t == "Web app down after MySQL password was mistyped"),
        "{titles:?}"
    );
}

#[test]
fn term_pages_list_their_postmortems_only() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let linked = |page: &str| -> Vec<String> {
        let html = site.html(page);
        let mut links: Vec<String> = hrefs(&html, "main a[href^='/postmortems/']");
        links.sort();
        links.dedup();
        links
    };
    assert_eq!(
        linked("root-causes/configuration/index.html"),
        ["/postmortems/conn/", "/postmortems/db/"]
    );
    assert_eq!(
        linked("root-causes/deployment/index.html"),
        ["/postmortems/conn/"]
    );
    assert_eq!(
        linked("root-causes/capacity/index.html"),
        ["/postmortems/disk/"]
    );
    assert_eq!(
        linked("services/mysql/index.html"),
        ["/postmortems/conn/", "/postmortems/db/"]
    );
    assert_eq!(
        linked("services/api/index.html"),
        ["/postmortems/conn/", "/postmortems/disk/"]
    );
    assert_eq!(linked("services/web-app/index.html"), ["/postmortems/db/"]);
}

#[test]
fn term_indexes_link_to_every_term() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let causes = site.html("root-causes/index.html");
    let links = hrefs(&causes, "main a[href]");
    for key in ["configuration", "deployment", "capacity"] {
        assert!(
            links.contains(&format!("/root-causes/{key}/")),
            "no link to {key}: {links:?}"
        );
    }
    let services = site.html("services/index.html");
    let links = hrefs(&services, "main a[href]");
    for key in ["web-app", "mysql", "api"] {
        assert!(
            links.contains(&format!("/services/{key}/")),
            "no link to {key}: {links:?}"
        );
    }
    // Declared services show their name from site.toml.
    let names: Vec<String> = select(&services, "main a[href='/services/mysql/']")
        .into_iter()
        .map(text)
        .collect();
    assert!(
        names.iter().any(|n| n.contains("MySQL primary")),
        "{names:?}"
    );
}

#[test]
fn postmortem_page_links_its_terms() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let page = site.html("postmortems/conn/index.html");
    assert_eq!(
        text(first(&page, "main h1")),
        "API errors after connection string change"
    );
    let links = hrefs(&page, "main a[href]");
    for url in [
        "/root-causes/configuration/",
        "/root-causes/deployment/",
        "/services/api/",
        "/services/mysql/",
    ] {
        assert!(
            links.iter().any(|l| l == url),
            "no link to {url}: {links:?}"
        );
    }
}

#[test]
fn not_found_page_uses_root_relative_links() {
    let site = SiteFixture::standard();
    site.config(&sub_path_config());
    site.build(&[]);
    // 404.html is served for any missing URL, at any depth: relative links would break.
    let page = site.html("404.html");
    let links = hrefs(&page, "a[href], link[href]");
    assert!(!links.is_empty());
    for link in links {
        assert!(
            link.starts_with("/postmortems/") || link.starts_with('#'),
            "404.html link {link} is not root-relative"
        );
    }
}

#[test]
fn atom_feed_has_an_entry_per_postmortem_with_absolute_links() {
    let site = SiteFixture::standard();
    site.config(&sub_path_config());
    site.build(&[]);
    let xml = site.read("atom.xml");
    assert!(xml.starts_with("<?xml"), "{xml}");
    let feed = Html::parse_fragment(&xml);
    let entries = select(&feed, "entry");
    assert_eq!(entries.len(), 3, "{xml}");
    let files = SiteFixture::snapshot(&site.public());
    let mut links = Vec::new();
    for entry in &entries {
        let href = select_in(*entry, "link")
            .into_iter()
            .find_map(|l| l.value().attr("href"))
            .unwrap_or_else(|| panic!("entry without link: {}", entry.html()))
            .to_string();
        let rest = href
            .strip_prefix(SUB_PATH_BASE)
            .unwrap_or_else(|| panic!("feed link {href} is not under {SUB_PATH_BASE}"));
        assert!(
            resolve_output_path(&files, rest).is_some(),
            "{href} does not resolve"
        );
        assert!(
            !select_in(*entry, "updated").is_empty(),
            "entry without <updated>"
        );
        links.push(href);
    }
    // Most recent first.
    assert_eq!(
        links,
        [
            "https://acme.github.io/postmortems/postmortems/db/",
            "https://acme.github.io/postmortems/postmortems/disk/",
            "https://acme.github.io/postmortems/postmortems/conn/",
        ]
    );
    let titles: Vec<String> = select(&feed, "entry > title")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(titles[0], "Web app down after MySQL password was mistyped");
}

#[test]
fn sitemap_lists_every_page_with_absolute_urls() {
    let site = SiteFixture::standard();
    site.config(&sub_path_config());
    site.build(&[]);
    let xml = site.read("sitemap.xml");
    let sitemap = Html::parse_fragment(&xml);
    let locs: Vec<String> = select(&sitemap, "url > loc")
        .into_iter()
        .map(text)
        .collect();
    let files = SiteFixture::snapshot(&site.public());
    for loc in &locs {
        let rest = loc
            .strip_prefix(SUB_PATH_BASE)
            .unwrap_or_else(|| panic!("sitemap URL {loc} is not under {SUB_PATH_BASE}"));
        assert!(
            resolve_output_path(&files, rest).is_some(),
            "{loc} does not resolve"
        );
    }
    let pages = files
        .keys()
        .filter(|p| p.ends_with(".html") && p.as_str() != "404.html")
        .count();
    assert_eq!(locs.len(), pages, "{locs:#?}");
    assert!(locs.contains(&format!("{SUB_PATH_BASE}postmortems/db/")));
    assert!(!locs.iter().any(|l| l.ends_with("404.html")));
}

#[test]
fn json_export_has_front_matter_and_metrics_in_seconds() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let json: serde_json::Value = serde_json::from_str(&site.read("postmortems.json")).unwrap();
    assert_eq!(json["title"], "Fixture incident library");
    let all = json["postmortems"].as_array().unwrap();
    let slugs: Vec<&str> = all.iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["db", "disk", "conn"], "most recent first");

    let db = &all[0];
    assert_eq!(
        db["title"],
        "Web app down after MySQL password was mistyped"
    );
    assert_eq!(db["url"], "https://example.org/postmortems/db/");
    assert_eq!(db["source"], "content/2024/db.md");
    assert_eq!(db["date"], "2024-08-14");
    assert_eq!(db["severity"], "SEV2");
    assert_eq!(db["status"], "published");
    assert_eq!(db["services"], serde_json::json!(["web-app", "mysql"]));
    assert_eq!(db["root_causes"], serde_json::json!(["configuration"]));
    assert_eq!(db["detection"], "monitoring");
    assert_eq!(db["tags"], serde_json::json!(["mysql", "credentials"]));
    assert_eq!(db["impact"]["users_affected_pct"], 85.0);
    assert_eq!(db["started"], "2024-08-14T13:30:00Z");
    assert_eq!(db["resolved"], "2024-08-14T14:15:00Z");
    assert_eq!(
        db["metrics_seconds"],
        serde_json::json!({
            "time_to_detect": 0,
            "time_to_acknowledge": 120,
            "time_to_mitigate": 35 * 60,
            "time_to_resolve": 45 * 60,
        })
    );
    assert_eq!(db["timeline"].as_array().unwrap().len(), 5);
    assert_eq!(db["timeline"][1]["kind"], "misleading");
    assert_eq!(db["timeline"][1]["at"], "2024-08-14T13:35:00Z");
    assert_eq!(db["action_items"][0]["task"], "Stage every database change");
    assert_eq!(db["action_items"][0]["status"], "open");
    assert_eq!(db["action_items"][0]["due"], "2024-09-01");
    assert_eq!(db["action_items"][1]["status"], "done");

    let conn = &all[2];
    assert_eq!(
        conn["root_causes"],
        serde_json::json!(["configuration", "deployment"])
    );
    assert_eq!(conn["metrics_seconds"]["time_to_detect"], 20 * 60);
    assert_eq!(
        conn["metrics_seconds"]["time_to_acknowledge"],
        serde_json::Value::Null
    );
    assert_eq!(conn["metrics_seconds"]["time_to_resolve"], 150 * 60);
}

#[test]
fn unknown_front_matter_keys_are_kept_in_extra() {
    let site = SiteFixture::new();
    site.postmortem(
        "2024/x.md",
        "title: X\ndate: 2024-01-01\nseverity: SEV4\nroot_cause: capacity\nticket: INC-42\nservces: [api]\n",
        "",
    );
    let run = site.build(&[]);
    // A near-miss of a known key is a warning, not silence.
    run.assert_stderr_line(
        "warning: content/2024/x.md:7:10: unknown key \"servces\" (did you mean \"services\"?)",
    );
    let json: serde_json::Value = serde_json::from_str(&site.read("postmortems.json")).unwrap();
    assert_eq!(json["postmortems"][0]["extra"]["ticket"], "INC-42");
}

#[test]
fn markdown_links_to_postmortem_files_become_page_urls() {
    let site = SiteFixture::standard();
    site.config(&sub_path_config());
    site.build(&[]);
    let page = site.html("postmortems/db/index.html");
    let links = hrefs(&page, "main a[href]");
    assert!(
        links.contains(&"/postmortems/postmortems/conn/#summary".to_string()),
        "{links:?}"
    );
    assert!(!links.iter().any(|l| l.contains(".md")), "{links:?}");
}

#[test]
fn markdown_code_is_highlighted_with_classes_and_no_inline_style() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let page = site.html("postmortems/db/index.html");
    let code = first(&page, "main pre[data-lang=sql] code");
    assert!(
        !select_in(code, "span[class]").is_empty(),
        "no highlighted spans: {}",
        code.html()
    );
    assert!(text(code).contains("ALTER USER 'app'@'%'"));
    assert!(
        select(&page, "main [style]").is_empty(),
        "inline style in main"
    );
    let light = site.read("static/syntax-light.css");
    assert!(
        light.contains("pre.code .l0 { color: #"),
        "syntax stylesheet without the light palette's classes"
    );
}

/// The default theme's stylesheet imports the code stylesheets, each for its colour scheme,
/// so that no page has to link them.
#[test]
fn the_stylesheet_imports_the_code_stylesheets_for_their_schemes() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let style = site.read("static/style.css");
    for (file, media) in [
        (
            "syntax-light.css",
            "not all and (prefers-color-scheme: dark)",
        ),
        ("syntax-dark.css", "(prefers-color-scheme: dark)"),
    ] {
        let import = format!("@import url(\"{file}\") {media};");
        assert!(style.contains(&import), "style.css lacks {import}");
        assert!(!site.read(&format!("static/{file}")).is_empty());
    }
    // @import is only honoured before every other rule.
    let first_rule = style
        .split("*/")
        .map(str::trim)
        .find(|rest| !rest.is_empty() && !rest.starts_with("/*"))
        .unwrap_or_default();
    assert!(first_rule.starts_with("@import"), "{first_rule:.80}");
    let page = site.html("postmortems/db/index.html");
    assert!(select(&page, "link[href*=syntax]").is_empty());
}

#[test]
fn markdown_tables_task_lists_and_footnotes_render() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let page = site.html("postmortems/db/index.html");
    let body = first(&page, "main .prose");
    let cells: Vec<String> = select_in(body, "table td").into_iter().map(text).collect();
    assert_eq!(cells, ["login", "failed"]);
    assert_eq!(select_in(body, "table th").len(), 2);
    let boxes = select(&page, "main li input[type=checkbox]");
    assert_eq!(boxes.len(), 2);
    assert!(boxes[0].value().attr("checked").is_some());
    assert!(boxes[1].value().attr("checked").is_none());
    assert!(boxes.iter().all(|b| b.value().attr("disabled").is_some()));
    // Named for screen readers (axe-core's `label` rule): the state says done or not.
    assert!(
        boxes
            .iter()
            .all(|b| b.value().attr("aria-label") == Some("Done"))
    );
    // Code blocks scroll sideways, so they take keyboard focus.
    assert!(!select(&page, "main pre.code").is_empty());
    assert!(
        select(&page, "main pre.code")
            .iter()
            .all(|pre| pre.value().attr("tabindex") == Some("0"))
    );
    // The footnote reference links to its definition on the same page.
    let reference = first(&page, "main sup a[href^='#']");
    let target = reference
        .value()
        .attr("href")
        .unwrap()
        .trim_start_matches('#');
    let definition = select(&page, &format!("main [id='{target}']"));
    assert_eq!(definition.len(), 1, "no footnote definition #{target}");
    assert!(text(definition[0]).contains("The connection-error alert fired"));
}

#[test]
fn markdown_headings_get_ids_and_anchor_links() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let page = site.html("postmortems/db/index.html");
    for id in ["summary", "what-went-wrong"] {
        let heading = first(&page, &format!("main h2#{id}"));
        let anchor = select_in(heading, "a[href]");
        assert_eq!(anchor.len(), 1, "{id}: {}", heading.html());
        assert_eq!(
            anchor[0].value().attr("href"),
            Some(format!("#{id}").as_str())
        );
    }
}

#[test]
fn pages_have_unique_element_ids() {
    let site = SiteFixture::standard();
    site.build(&[]);
    for (path, bytes) in SiteFixture::snapshot(&site.public()) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = Html::parse_document(&String::from_utf8_lossy(&bytes));
        let mut ids: Vec<&str> = select(&html, "[id]")
            .into_iter()
            .filter_map(|e| e.value().id())
            .collect();
        ids.sort_unstable();
        let duplicates: Vec<&&str> = ids
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| &w[0])
            .collect();
        assert!(
            duplicates.is_empty(),
            "{path}: duplicate ids {duplicates:?}"
        );
    }
}
