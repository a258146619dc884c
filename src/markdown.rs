//! Markdown → HTML for postmortem bodies.
//!
//! pulldown-cmark with tables, footnotes, strikethrough, task lists and heading ids;
//! fenced code goes through [`Highlighter`]; links to other postmortems' `.md` files
//! are rewritten to their URLs (a link to a missing file is an error with its line);
//! links with script-capable schemes are neutralised; raw HTML is sanitised with ammonia
//! unless the site opts out. Input: one body and a [`RenderContext`]. Output: HTML and
//! the headings.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Diagnostics, LineCol, LineCursor};
use crate::highlight::{Highlighter, escape};
use crate::keys::slugify;

/// A heading of the body, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 1..=6.
    pub level: u8,
    /// The anchor id.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// Turns a link to another postmortem's source file into its URL.
pub trait LinkResolver: Sync {
    /// `target` as written (`../2023/db.md`), relative to `from` (`content/2024/x.md`).
    fn resolve(&self, from: &Path, target: &str) -> Resolved;
}

/// Where a link to a postmortem's source file leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// The page's URL.
    Page(String),
    /// An internal postmortem that a public build leaves out (its source file).
    Internal(std::path::PathBuf),
    /// No postmortem of the site.
    Missing,
}

/// Everything a body needs to render.
pub struct RenderContext<'a> {
    /// The source file, for diagnostics and relative links.
    pub source: &'a Path,
    /// The whole file, for line numbers.
    pub file_text: &'a str,
    /// Where the body starts in the file.
    pub body_offset: usize,
    /// Keep raw HTML as is.
    pub unsafe_html: bool,
    /// Code highlighter.
    pub highlighter: &'a Highlighter,
    /// Postmortem link resolver.
    pub resolver: &'a dyn LinkResolver,
    /// Also collect the body's [`plain_text`] (for the search index) in the same parse.
    pub plain_text: bool,
    /// Ids the theme's templates give their own elements (`main`, `pm-title`): a heading
    /// never takes one (it gets `main-1`), and a raw HTML `id` that is one is renamed
    /// `user-content-<id>`, so a page never has two elements with one id.
    pub reserved_ids: &'a Arc<BTreeSet<String>>,
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Its headings, in order.
    pub toc: Vec<Heading>,
    /// Its [`plain_text`], when the context asked for it.
    pub text: Option<String>,
}

struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<String>,
    inner: Vec<Event<'a>>,
    text: String,
}

/// How deep block quotes and list items may nest; deeper ones are flattened.
pub const MAX_NESTING: usize = 100;

/// The words of a body as plain text, for the search index: text, inline code and code
/// blocks, each block on its own line; markup, raw HTML and link targets left out.
pub fn plain_text(markdown: &str) -> String {
    let mut text = PlainText::default();
    for event in Parser::new_ext(markdown, OPTIONS) {
        text.push(&event);
    }
    text.finish()
}

/// The Markdown extensions bodies are parsed with.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// [`plain_text`] built event by event, so [`render`] can collect it in the same parse.
#[derive(Default)]
struct PlainText {
    text: String,
}

impl PlainText {
    fn push(&mut self, event: &Event<'_>) {
        let text = &mut self.text;
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(words),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::TableCell) => text.push(' '),
            // Words are split on whitespace: a block never runs into the next (inline
            // ends, like the end of `**bold**`, join the text that follows).
            Event::End(end)
                if !matches!(
                    end,
                    TagEnd::Emphasis
                        | TagEnd::Strong
                        | TagEnd::Strikethrough
                        | TagEnd::Link
                        | TagEnd::Image
                        | TagEnd::Superscript
                        | TagEnd::Subscript
                ) =>
            {
                text.truncate(text.trim_end_matches(' ').len());
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
            }
            _ => {}
        }
    }

    fn finish(mut self) -> String {
        self.text.truncate(self.text.trim_end().len());
        self.text
    }
}

/// Renders one body.
pub fn render(markdown: &str, cx: &RenderContext<'_>, diagnostics: &mut Diagnostics) -> Rendered {
    let mut plain = cx.plain_text.then(PlainText::default);
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut toc = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut code: Option<(String, String)> = None;
    let mut has_raw_html = false;
    let mut first_raw_html = None;

    let mut cursor = LineCursor::new(cx.file_text);
    let mut nesting = 0usize;
    for (event, range) in Parser::new_ext(markdown, OPTIONS).into_offset_iter() {
        if let Some(plain) = plain.as_mut() {
            plain.push(&event);
        }
        let mut pos = || Some(cursor.at(cx.body_offset + range.start));
        // Quotes and list items nested deeper than MAX_NESTING are flattened into the
        // deepest one kept: HTML parsers (the sanitiser's, browsers') check the whole
        // stack of open elements at each tag, so 10,000 levels cost 10,000² steps.
        // Lists go with their items, so the flattened text always sits in a quote or an
        // item, never directly in a list.
        match &event {
            Event::Start(Tag::BlockQuote(_) | Tag::Item) => {
                nesting += 1;
                if nesting > MAX_NESTING {
                    continue;
                }
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::Item) => {
                nesting -= 1;
                if nesting >= MAX_NESTING {
                    continue;
                }
            }
            Event::Start(Tag::List(_)) | Event::End(TagEnd::List(_)) if nesting >= MAX_NESTING => {
                continue;
            }
            _ => {}
        }
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                continue;
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, buffer)) = code.as_mut() {
                    buffer.push_str(&text);
                }
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                let (lang, buffer) = code.take().unwrap_or_default();
                let body = cx.highlighter.highlight(&buffer, &lang);
                let lang_attr = if lang.is_empty() {
                    String::new()
                } else {
                    format!(" data-lang=\"{}\"", escape(&lang))
                };
                // Focusable, so a block wider than the page can be scrolled with the
                // keyboard (it scrolls sideways rather than wrap).
                Event::Html(CowStr::from(format!(
                    "<pre class=\"code\"{lang_attr} tabindex=\"0\"><code>{body}</code></pre>\n"
                )))
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some(OpenHeading {
                    level,
                    id: id.map(|id| id.to_string()),
                    inner: Vec::new(),
                    text: String::new(),
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(open) = heading.take() else {
                    continue;
                };
                let base = open
                    .id
                    .clone()
                    .map(|id| slugify(&id))
                    .filter(|id| !id.is_empty())
                    .unwrap_or_else(|| slugify(&open.text));
                let base = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                // `base`, then `base-1`, `base-2`...; the next suffix to try is kept per
                // base, so 10,000 headings of the same text are not a quadratic search.
                let mut id = base.clone();
                let next = next_suffix.entry(base.clone()).or_insert(1);
                while cx.reserved_ids.contains(&id) || !used_ids.insert(id.clone()) {
                    id = format!("{base}-{next}");
                    *next += 1;
                }
                let level = open.level as u8;
                events.push(Event::Html(CowStr::from(format!(
                    "<h{level} id=\"{id}\"><a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>"
                ))));
                events.extend(open.inner);
                events.push(Event::Html(CowStr::from(format!("</h{level}>\n"))));
                toc.push(Heading {
                    level,
                    id,
                    text: open.text.trim().to_string(),
                });
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite_link(&dest_url, cx, pos(), diagnostics);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(dest),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = if is_safe_image(&dest_url) {
                    dest_url.to_string()
                } else {
                    diagnostics.push(
                        Diagnostic::warning(cx.source, pos(), format!("image source \"{dest_url}\" removed: only http(s) and relative images are kept"))
                            .with_help("host the image next to the site or link it over https"),
                    );
                    String::new()
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(dest),
                    title,
                    id,
                })
            }
            // A footnote's label is its definition's id and its references' href: one the
            // theme uses (`[^main]`) is renamed `footnote-main`, in both (not `user-content-`,
            // which a raw `id="main"` may take).
            Event::FootnoteReference(label) if cx.reserved_ids.contains(label.as_ref()) => {
                Event::FootnoteReference(CowStr::from(format!("footnote-{label}")))
            }
            Event::Start(Tag::FootnoteDefinition(label))
                if cx.reserved_ids.contains(label.as_ref()) =>
            {
                Event::Start(Tag::FootnoteDefinition(CowStr::from(format!(
                    "footnote-{label}"
                ))))
            }
            // pulldown-cmark's checkbox has no accessible name; screen readers would say
            // only "checkbox". The state is the checkbox's own; the name says what it means.
            Event::TaskListMarker(done) => Event::InlineHtml(CowStr::from(if done {
                "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
            } else {
                "<input type=\"checkbox\" disabled aria-label=\"Done\"> "
            })),
            Event::Html(html) | Event::InlineHtml(html) => {
                if !has_raw_html {
                    first_raw_html = pos();
                }
                has_raw_html = true;
                Event::Html(html)
            }
            other => other,
        };
        match heading.as_mut() {
            Some(open) => {
                if let Event::Text(text) | Event::Code(text) = &event {
                    open.text.push_str(text);
                }
                open.inner.push(event);
            }
            None => events.push(event),
        }
    }

    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw_html && !cx.unsafe_html {
        let depth = crate::html_depth::deepest(&html);
        html = if depth > crate::html_depth::MAX_HTML_DEPTH {
            diagnostics.push(
                Diagnostic::error(cx.source, first_raw_html, format!("raw HTML nests {depth} elements deep, more than the {} allowed", crate::html_depth::MAX_HTML_DEPTH))
                    .with_help("close the elements you open (`<div>…</div>`), or write the structure in Markdown"),
            );
            String::new()
        } else {
            sanitize_with(&html, cx.reserved_ids)
        };
    }
    Rendered {
        html,
        toc,
        text: plain.map(PlainText::finish),
    }
}

/// Schemes that cannot run script.
fn scheme_of(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let candidate = &url[..colon];
    if candidate.is_empty()
        || candidate.contains(['/', '?', '#'])
        || !candidate.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '+' | '-' | '.')
                || c.is_whitespace()
                || c.is_control()
        })
    {
        return None;
    }
    // Browsers ignore whitespace and control characters inside a scheme (`java\tscript:`).
    Some(
        candidate
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase(),
    )
}

fn is_safe_image(url: &str) -> bool {
    match scheme_of(url) {
        None => true,
        Some(scheme) => matches!(scheme.as_str(), "http" | "https"),
    }
}

fn rewrite_link(
    dest: &str,
    cx: &RenderContext<'_>,
    pos: Option<LineCol>,
    diagnostics: &mut Diagnostics,
) -> String {
    if let Some(scheme) = scheme_of(dest) {
        if matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel" | "ftp") {
            return dest.to_string();
        }
        diagnostics.push(
            Diagnostic::warning(
                cx.source,
                pos,
                format!("a {scheme}: link removed: the scheme can run code or is not a web link"),
            )
            .with_help("link with http(s), mailto, or a relative path"),
        );
        return "#".to_string();
    }
    if dest.starts_with('#') || dest.is_empty() {
        return dest.to_string();
    }
    // `path?query#fragment`: the path names the file; what follows it is kept on the
    // page URL (check reads links the same way, in `check::link_target`).
    let path_end = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(path_end);
    if !path.ends_with(".md") {
        return dest.to_string();
    }
    let decoded = percent_decode(path);
    match cx.resolver.resolve(cx.source, &decoded) {
        Resolved::Page(url) => format!("{url}{suffix}"),
        Resolved::Internal(target) => {
            diagnostics.push(
                Diagnostic::error(cx.source, pos, format!("link to {}, an internal postmortem: the public build leaves it out, so {} would link to what it must not publish", target.display(), cx.source.display()))
                    .with_help("remove the link, put it inside an internal block (<!-- internal --> … <!-- /internal -->), or make the linked postmortem `audience: public`"),
            );
            dest.to_string()
        }
        Resolved::Missing => {
            diagnostics.push(
                Diagnostic::error(cx.source, pos, format!("link to missing postmortem \"{path}\""))
                    .with_help("link to another postmortem by its file path relative to this file (e.g. ../2023/db-outage.md), or remove the link; a draft is only linkable when drafts are built"),
            );
            dest.to_string()
        }
    }
}

/// `%20` → space, for file names with spaces; invalid escapes are kept as written.
pub(crate) fn percent_decode(text: &str) -> String {
    percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_string(), String::from)
}

/// Removes script, event handlers and unsafe URLs from raw HTML, keeping what our own
/// renderer emits (heading ids, anchor links, highlighted code, task-list checkboxes).
pub fn sanitize(html: &str) -> String {
    sanitize_with(html, &Arc::default())
}

/// [`sanitize`], renaming an `id` that is one of `reserved` to `user-content-<id>`.
fn sanitize_with(html: &str, reserved: &Arc<BTreeSet<String>>) -> String {
    let reserved = Arc::clone(reserved);
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("pre", ["data-lang", "tabindex"])
        .add_generic_attributes(["id", "class", "aria-label"])
        .attribute_filter(move |_element, attribute, value| {
            if attribute == "id" && reserved.contains(value) {
                Some(format!("user-content-{value}").into())
            } else {
                Some(value.into())
            }
        });
    builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_text_keeps_the_words_of_every_block_apart_and_drops_markup() {
        let text = super::plain_text(
            "## Root cause\n\nThe **db**'s [password](https://x.example/) was `mistyped`.\n\n\
             | a | b |\n|---|---|\n| one | two |\n\n```text\nERROR refused\n```\n- item\n",
        );
        assert_eq!(
            text,
            "Root cause\nThe db's password was mistyped.\na b\none two\nERROR refused\nitem"
        );
    }

    use super::*;
    use std::path::PathBuf;

    struct Files(Vec<(PathBuf, String)>);

    impl LinkResolver for Files {
        fn resolve(&self, from: &Path, target: &str) -> Resolved {
            let Some(dir) = from.parent() else {
                return Resolved::Missing;
            };
            let text = dir.join(target).to_string_lossy().replace("/2024/../", "/");
            self.0
                .iter()
                .find(|(p, _)| p.to_string_lossy() == text)
                .map_or(Resolved::Missing, |(_, u)| Resolved::Page(u.clone()))
        }
    }

    fn render_body(body: &str, unsafe_html: bool) -> (Rendered, Diagnostics) {
        let highlighter = Highlighter::new();
        let resolver = Files(vec![(
            PathBuf::from("content/2023/db.md"),
            "/pm/postmortems/db/".to_string(),
        )]);
        let file_text = format!("---\ntitle: x\n---\n{body}");
        let reserved: Arc<BTreeSet<String>> =
            Arc::new(["main", "pm-title", "toc-title"].map(String::from).into());
        let cx = RenderContext {
            source: Path::new("content/2024/x.md"),
            file_text: &file_text,
            body_offset: file_text.len() - body.len(),
            unsafe_html,
            reserved_ids: &reserved,
            highlighter: &highlighter,
            resolver: &resolver,
            plain_text: true,
        };
        let mut diagnostics = Diagnostics::new();
        let rendered = render(body, &cx, &mut diagnostics);
        (rendered, diagnostics)
    }

    #[test]
    fn render_collects_the_same_plain_text_in_its_parse() {
        let deep = format!("{}deep quote\n", "> ".repeat(MAX_NESTING + 20));
        for body in [
            "## Root cause\n\nThe **db**'s [password](https://x.example/) was `mistyped`.\n\n\
             | a | b |\n|---|---|\n| one | two |\n\n```sql\nSELECT 1;\n```\n- item\n\
             <div>raw</div>\n\nSee [db](../2023/db.md)[^1].\n\n[^1]: A footnote.\n",
            &deep,
            "",
        ] {
            let (rendered, _) = render_body(body, false);
            assert_eq!(
                rendered.text.as_deref(),
                Some(super::plain_text(body).as_str())
            );
        }
    }

    #[test]
    fn headings_get_stable_unique_ids_and_anchors() {
        let (r, _) = render_body(
            "## Root cause\n\n## Root cause\n\n## Custom {#mine}\n",
            false,
        );
        assert!(
            r.html
                .contains("<h2 id=\"root-cause\"><a class=\"anchor\" href=\"#root-cause\"")
        );
        assert!(r.html.contains("id=\"root-cause-1\""));
        assert!(r.html.contains("id=\"mine\""));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].text, "Root cause");
    }

    #[test]
    fn links_to_postmortem_files_become_urls_and_missing_ones_are_errors() {
        let (r, d) = render_body(
            "See [db](../2023/db.md#timeline).\n\nAnd [gone](../2023/gone.md).\n",
            false,
        );
        assert!(
            r.html.contains("href=\"/pm/postmortems/db/#timeline\""),
            "{}",
            r.html
        );
        let messages = d.to_string();
        assert!(
            messages.contains("content/2024/x.md:6:5: link to missing postmortem"),
            "{messages}"
        );
        // A query, with or without a fragment, stays on the page URL.
        let (r, d) = render_body(
            "[a](../2023/db.md?x=1) [b](../2023/db.md?x=1#t) [c](../2023/gone.md?x=1)\n",
            false,
        );
        assert!(
            r.html.contains("href=\"/pm/postmortems/db/?x=1\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"/pm/postmortems/db/?x=1#t\""),
            "{}",
            r.html
        );
        assert!(!r.html.contains("db.md"), "{}", r.html);
        assert!(
            d.to_string()
                .contains("link to missing postmortem \"../2023/gone.md\""),
            "{d}"
        );
    }

    #[test]
    fn heading_and_raw_html_ids_never_take_one_of_the_themes() {
        let (r, _) = render_body(
            "# Main\n\n## PM title {#main}\n\n## toc-title\n\n<div id=\"main\">raw</div>\n\n[to main](#main-1)\n",
            false,
        );
        let (notes, _) = render_body(
            "A[^main] b[^toc-title].\n\n[^main]: N.\n\n[^toc-title]: T.\n",
            false,
        );
        for id in ["main", "toc-title"] {
            assert!(
                !notes.html.contains(&format!("id=\"{id}\"")),
                "{}",
                notes.html
            );
            assert!(
                !notes.html.contains(&format!("href=\"#{id}\"")),
                "{}",
                notes.html
            );
            assert!(
                notes.html.contains(&format!("id=\"footnote-{id}\"")),
                "{}",
                notes.html
            );
            assert!(
                notes.html.contains(&format!("href=\"#footnote-{id}\"")),
                "{}",
                notes.html
            );
        }
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["main-1", "main-2", "toc-title-1"], "{}", r.html);
        assert!(r.html.contains("id=\"user-content-main\""), "{}", r.html);
        assert!(!r.html.contains("id=\"main\""), "{}", r.html);
        assert!(r.html.contains("href=\"#main-1\""), "{}", r.html);
    }

    #[test]
    fn raw_html_is_sanitised_unless_the_site_opts_in() {
        let body =
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">hi</p>\n\n[x](javascript:alert(1))\n";
        let (safe, d) = render_body(body, false);
        assert!(!safe.html.contains("<script"), "{}", safe.html);
        assert!(!safe.html.contains("onclick"), "{}", safe.html);
        assert!(!safe.html.contains("javascript:"), "{}", safe.html);
        assert_eq!(d.warning_count(), 1);
        let (raw, _) = render_body("<div class=\"x\">ok</div>\n", true);
        assert!(raw.html.contains("<div class=\"x\">ok</div>"));
    }

    #[test]
    fn code_blocks_are_highlighted_with_classes() {
        let (r, _) = render_body("```sql\nSELECT 1;\n```\n\n```\n<b>\n```\n", false);
        assert!(
            r.html.contains(
                "<pre class=\"code\" data-lang=\"sql\" tabindex=\"0\"><code><span class=\"l"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<pre class=\"code\" tabindex=\"0\"><code>&lt;b&gt;\n</code></pre>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn task_lists_tables_and_footnotes_render() {
        let (r, _) = render_body(
            "- [x] done\n- [ ] open\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1].\n\n[^1]: A footnote.\n",
            false,
        );
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_flattened_and_keeps_the_text() {
        let deep = format!(
            "{}quote\n\n{}item\n\n{}mixed\n",
            "> ".repeat(10_000),
            "- ".repeat(10_000),
            "> - ".repeat(5_000)
        );
        let (r, _) = render_body(&deep, false);
        for text in ["quote", "item", "mixed"] {
            assert!(r.html.contains(text), "{text}");
        }
        assert_eq!(
            r.html.matches("<blockquote>").count(),
            MAX_NESTING + MAX_NESTING / 2
        );
        assert_eq!(
            r.html.matches("<li>").count(),
            MAX_NESTING + MAX_NESTING / 2
        );
        assert_eq!(
            r.html.matches("<blockquote>").count(),
            r.html.matches("</blockquote>").count()
        );
        assert_eq!(
            r.html.matches("<ul>").count(),
            r.html.matches("</ul>").count()
        );
    }

    #[test]
    fn schemes_with_hidden_characters_are_caught() {
        assert_eq!(scheme_of("java\tscript:x").as_deref(), Some("javascript"));
        assert_eq!(scheme_of("JavaScript:x").as_deref(), Some("javascript"));
        assert_eq!(scheme_of("../a.md"), None);
        assert_eq!(scheme_of("a/b:c"), None);
    }
}
