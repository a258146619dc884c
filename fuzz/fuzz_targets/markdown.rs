//! Markdown rendering with sanitising: any body in, and with `unsafe_html` off the HTML
//! out holds no executable script: no `<script>` (or other script-capable element), no
//! `on*` event-handler attribute, no `javascript:`, `vbscript:` or `data:` URL, as a
//! browser's HTML parser (html5ever) reads it.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hindsight::diagnostics::Diagnostics;
use hindsight::highlight::Highlighter;
use hindsight::markdown::{LinkResolver, RenderContext, Resolved, render};
use libfuzzer_sys::fuzz_target;
use scraper::{Html, Selector};

/// Resolves every `.md` link to a fixed URL, as if the linked postmortem existed, except
/// a target naming `missing` (no such postmortem) or `internal` (one a public build leaves
/// out), so the fuzzer walks the three outcomes.
struct EveryFile;

impl LinkResolver for EveryFile {
    fn resolve(&self, _from: &Path, target: &str) -> Resolved {
        if target.contains("missing") {
            Resolved::Missing
        } else if target.contains("internal") {
            Resolved::Internal(PathBuf::from("content/2024/internal.md"))
        } else {
            Resolved::Page("/postmortems/other/".to_string())
        }
    }
}

const FRONT_MATTER: &str = "---\ntitle: Fuzzed\n---\n";

/// Attributes a browser follows as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite",
    "data", "srcset", "ping", "longdesc", "lowsrc", "dynsrc", "codebase", "manifest",
];

/// Elements that run or load script or active content.
const ACTIVE_ELEMENTS: &str =
    "script, iframe, frame, frameset, object, embed, applet, base, form, meta, link, style, svg, math, template, noscript";

fn dangerous_url(value: &str) -> bool {
    // Browsers drop whitespace and control characters inside a scheme.
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    compact.starts_with("javascript:") || compact.starts_with("vbscript:") || compact.starts_with("data:")
}

fn problems(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    if html.to_ascii_lowercase().contains("<script") {
        found.push("<script in the output".to_string());
    }
    let fragment = Html::parse_fragment(html);
    let active = Selector::parse(ACTIVE_ELEMENTS).unwrap_or_else(|_| unreachable!("constant"));
    for element in fragment.select(&active) {
        found.push(format!("active element <{}>", element.value().name()));
    }
    let all = Selector::parse("*").unwrap_or_else(|_| unreachable!("constant"));
    for element in fragment.select(&all) {
        for (name, value) in element.value().attrs() {
            let name = name.to_ascii_lowercase();
            if name.starts_with("on") {
                found.push(format!("attribute {name}=\"{value}\" on <{}>", element.value().name()));
            }
            if URL_ATTRIBUTES.contains(&name.as_str()) && dangerous_url(value) {
                found.push(format!("URL {name}=\"{value}\" on <{}>", element.value().name()));
            }
        }
    }
    found
}

fn highlighter() -> &'static Highlighter {
    static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();
    HIGHLIGHTER.get_or_init(Highlighter::new)
}

/// A few of the theme's ids, so the fuzzer also walks the renaming of colliding ids.
fn reserved_ids() -> &'static std::sync::Arc<std::collections::BTreeSet<String>> {
    static IDS: OnceLock<std::sync::Arc<std::collections::BTreeSet<String>>> = OnceLock::new();
    IDS.get_or_init(|| {
        std::sync::Arc::new(["main", "pm-title", "toc-title"].map(String::from).into())
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let file_text = format!("{FRONT_MATTER}{body}");
    let cx = RenderContext {
        source: Path::new("content/2024/fuzzed.md"),
        file_text: &file_text,
        body_offset: FRONT_MATTER.len(),
        unsafe_html: false,
        highlighter: highlighter(),
        resolver: &EveryFile,
        plain_text: true,
        reserved_ids: reserved_ids(),
    };
    let mut diagnostics = Diagnostics::new();
    let rendered = render(body, &cx, &mut diagnostics);
    let _ = diagnostics.to_string();
    let found = problems(&rendered.html);
    assert!(
        found.is_empty(),
        "executable content in the output:\n{}\n--- html ---\n{}",
        found.join("\n"),
        rendered.html
    );
    // The search index's text, collected in the rendering parse, is the text of a parse
    // of its own.
    assert_eq!(
        rendered.text.as_deref(),
        Some(hindsight::markdown::plain_text(body).as_str())
    );
});
