//! Hostile text: front matter and site.toml values are always escaped, and raw HTML in
//! Markdown is sanitised unless the site opts in with `unsafe_html = true`.

use scraper::Html;

use crate::fixture::{CONFIG, SiteFixture, first, select, text};

const SCRIPT: &str = "<script>alert(1)</script>";
const BREAKOUT: &str = "\"><img src=x onerror=alert(1)>";

/// A postmortem whose every text field is hostile, in a site whose title and root-cause
/// name are hostile too.
fn hostile_site() -> SiteFixture {
    let site = SiteFixture::new();
    site.config(
        &CONFIG
            .replacen(
                "title = \"Fixture incident library\"",
                "title = \"Library <script>alert(1)</script>\"",
                1,
            )
            .replace(
                "capacity = { name = \"Capacity\" }",
                "capacity = { name = \"\\\"><img src=x onerror=alert(1)>\", description = \"<script>alert(1)</script>\" }",
            ),
    );
    let yaml = |s: &str| serde_json::to_string(s).unwrap();
    let title = format!("Hostile {SCRIPT} {BREAKOUT}");
    site.postmortem(
        "2024/hostile.md",
        &format!(
            "title: {}\nstarted: 2024-05-01T10:00:00Z\nresolved: 2024-05-01T11:00:00Z\nseverity: SEV2\nroot_cause: capacity\nservices: [api]\ntrigger: {}\ntags: [{}]\nauthors: [{}]\ncontributing_factors: [{}]\nimpact:\n  summary: {}\ntimeline:\n  - {{ at: \"10:00\", kind: detection, event: {} }}\n  - {{ at: \"10:30\", kind: misleading, event: {} }}\naction_items:\n  - {{ task: {}, owner: {}, status: open }}\n",
            yaml(&title),
            yaml(SCRIPT),
            yaml(SCRIPT),
            yaml(BREAKOUT),
            yaml(BREAKOUT),
            yaml(SCRIPT),
            yaml(BREAKOUT),
            yaml(SCRIPT),
            yaml(SCRIPT),
            yaml(BREAKOUT),
        ),
        "Plain body.\n",
    );
    site
}

/// Problems an injected value would cause on a parsed page.
pub fn injections(html: &Html) -> Vec<String> {
    let mut found = Vec::new();
    for script in select(html, "script") {
        if script.inner_html().contains("alert(") {
            found.push(format!("script element: {}", script.html()));
        }
    }
    for element in select(html, "*") {
        for (name, value) in element.value().attrs() {
            if name.to_ascii_lowercase().starts_with("on") {
                found.push(format!(
                    "{name}=\"{value}\" on <{}>",
                    element.value().name()
                ));
            }
            if matches!(name, "href" | "src")
                && value.trim().to_ascii_lowercase().starts_with("javascript:")
            {
                found.push(format!(
                    "{name}=\"{value}\" on <{}>",
                    element.value().name()
                ));
            }
        }
    }
    found
}

#[test]
fn hostile_front_matter_is_escaped_on_every_page() {
    let site = hostile_site();
    site.build(&[]);
    let files = SiteFixture::snapshot(&site.public());
    let mut problems = Vec::new();
    for (path, bytes) in &files {
        if path.ends_with(".html") || path.ends_with(".xml") {
            let source = String::from_utf8_lossy(bytes);
            let html = if path.ends_with(".xml") {
                Html::parse_fragment(&source)
            } else {
                Html::parse_document(&source)
            };
            problems.extend(
                injections(&html)
                    .into_iter()
                    .map(|p| format!("{path}: {p}")),
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (path, bytes) in &files {
        if path.ends_with(".html") {
            let html = Html::parse_document(&String::from_utf8_lossy(bytes));
            assert!(
                select(&html, "img[src=x]").is_empty(),
                "{path}: injected <img>"
            );
        }
    }

    // The text is shown as written, not dropped.
    let page = site.html("postmortems/hostile/index.html");
    assert_eq!(
        text(first(&page, "main h1")),
        format!("Hostile {SCRIPT} {BREAKOUT}")
    );
    let main = text(first(&page, "main"));
    assert!(main.contains(BREAKOUT), "{main}");
    let title = text(first(&page, "title"));
    assert!(
        title.contains("Hostile <script>alert(1)</script>"),
        "{title}"
    );
}

#[test]
fn hostile_text_stays_text_in_the_json_export() {
    let site = hostile_site();
    site.build(&[]);
    let json: serde_json::Value = serde_json::from_str(&site.read("postmortems.json")).unwrap();
    let pm = &json["postmortems"][0];
    assert_eq!(pm["title"], format!("Hostile {SCRIPT} {BREAKOUT}"));
    assert_eq!(pm["timeline"][1]["event"], SCRIPT);
    assert_eq!(pm["action_items"][0]["owner"], BREAKOUT);
}

const RAW_HTML_BODY: &str = r#"
    Before.

    <script>alert(2)</script>

    <p onclick="alert(3)">clickable paragraph</p>

    <img src="x" onerror="alert(4)">

    <a href="javascript:alert(5)">raw link</a> and <a href=" JaVaScRiPt:alert(6)">spaced</a>

    [markdown link](javascript:alert(7)) and [ok](https://example.net/)

    <iframe src="https://evil.example/"></iframe>

    <div class="kept" data-x="1">raw block</div>
"#;

#[test]
fn raw_html_in_markdown_is_sanitised() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/raw.md",
        crate::fixture::DISK_FRONT_MATTER,
        RAW_HTML_BODY,
    );
    let run = site.build(&[]);
    let page = site.html("postmortems/raw/index.html");
    let main = first(&page, "main");
    let problems = injections(&page);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(crate::fixture::select_in(main, "script, iframe").is_empty());
    let main_text = text(main);
    assert!(main_text.contains("clickable paragraph"), "{main_text}");
    assert!(main_text.contains("raw block"), "{main_text}");
    assert!(
        crate::fixture::hrefs(&page, "main a[href]").contains(&"https://example.net/".to_string())
    );
    // The neutralised Markdown link is reported, with its line.
    assert!(
        run.stderr.contains("warning: content/2024/raw.md:"),
        "{}",
        run.stderr
    );
}

#[test]
fn raw_html_is_kept_when_the_site_opts_in() {
    let site = SiteFixture::standard();
    site.config(&CONFIG.replacen("[root_causes]", "unsafe_html = true\n\n[root_causes]", 1));
    site.postmortem(
        "2024/raw.md",
        crate::fixture::DISK_FRONT_MATTER,
        RAW_HTML_BODY,
    );
    site.build(&[]);
    let page = site.html("postmortems/raw/index.html");
    let kept = first(&page, "main div.kept");
    assert_eq!(kept.value().attr("data-x"), Some("1"));
    let scripts: Vec<String> = select(&page, "main script")
        .into_iter()
        .map(|s| s.inner_html())
        .collect();
    assert_eq!(scripts, ["alert(2)"]);
    assert!(!select(&page, "main p[onclick]").is_empty());
}
