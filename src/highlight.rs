//! Code highlighting with syntect, as CSS classes (the page carries no inline colours):
//! one class per colour or font style a token has in each palette ([`styles`]).
//!
//! [`Highlighter`] is a value built once per build and shared by reference. Syntax
//! definitions and the palettes are loaded the first time a page has a fenced code block
//! with a language, so sites without code never pay for them. Highlighted blocks are kept by language and
//! code, so a snippet repeated across postmortems is highlighted once.

mod styles;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

use styles::Palettes;

/// At most this many highlighted blocks are kept; a long `serve` session with many edits
/// to code blocks stops adding to the cache rather than growing without bound.
const MAX_CACHED_BLOCKS: usize = 100_000;

/// Highlights code blocks; loads syntaxes and palettes lazily.
#[derive(Debug, Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    palettes: OnceLock<Palettes>,
    /// Highlighted HTML by (language, code). Postmortems repeat snippets (the same config
    /// excerpt, query or runbook command), and syntect's regex matching is the costliest
    /// part of rendering a body; highlighting is a pure function, so reuse is exact.
    highlighted: Mutex<HashMap<(String, String), Arc<str>>>,
}

/// Longer lines are not highlighted (see [`Highlighter::highlight`]).
pub const MAX_HIGHLIGHTED_LINE: usize = 5_000;

impl Highlighter {
    /// A highlighter that has loaded nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines)
    }

    fn palettes(&self) -> &Palettes {
        self.palettes.get_or_init(Palettes::load)
    }

    /// The inner HTML of a `<code>` element: classed spans for a known language, escaped
    /// text otherwise.
    pub fn highlight(&self, code: &str, lang: &str) -> Arc<str> {
        let lang = lang.trim();
        if lang.is_empty() || matches!(lang, "text" | "plain" | "txt" | "log" | "console") {
            return escape(code).into();
        }
        // syntect's regexes rescan a line from each token, so its time grows with the
        // square of a line's length: a minified file or a 1 MB log line pasted in a fence
        // would take minutes. Such a block is shown as plain text.
        if code.lines().any(|line| line.len() > MAX_HIGHLIGHTED_LINE) {
            return escape(code).into();
        }
        // The lock is held only to look up and to insert, never while highlighting, so
        // the two cores do not wait on each other; two threads highlighting the same new
        // block at once both compute the same HTML.
        let key = (lang.to_owned(), code.to_owned());
        let cached = self.cache().get(&key).cloned();
        if let Some(html) = cached {
            return html;
        }
        let html: Arc<str> = self.highlight_uncached(code, lang).into();
        let mut cache = self.cache();
        if cache.len() < MAX_CACHED_BLOCKS {
            cache.insert(key, Arc::clone(&html));
        }
        html
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Arc<str>>> {
        // A panic elsewhere while holding the lock cannot leave a half-written entry.
        self.highlighted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn highlight_uncached(&self, code: &str, lang: &str) -> String {
        let syntaxes = self.syntaxes();
        let Some(syntax) = syntaxes
            .find_syntax_by_token(lang)
            .or_else(|| alias(lang).and_then(|a| syntaxes.find_syntax_by_token(a)))
        else {
            return escape(code);
        };
        let palettes = self.palettes();
        let mut state = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut spans = Spans::default();
        for line in LinesWithEndings::from(code) {
            let Ok(ops) = state.parse_line(line, syntaxes) else {
                return escape(code);
            };
            let mut at = 0;
            for (i, op) in ops {
                if i > at {
                    spans.push(&line[at..i], &palettes.classes(stack.as_slice()));
                    at = i;
                }
                if stack.apply(&op).is_err() {
                    return escape(code);
                }
            }
            spans.push(&line[at..], &palettes.classes(stack.as_slice()));
        }
        spans.finish()
    }
}

/// Highlighted HTML being written: text in flat spans, one per run of tokens that look
/// the same.
#[derive(Default)]
struct Spans {
    html: String,
    /// The classes of the open span; empty when none is open.
    open: String,
}

impl Spans {
    fn push(&mut self, text: &str, classes: &str) {
        if text.is_empty() {
            return;
        }
        // Spaces look the same in any span without a background or an underline, so
        // they stay in the open one rather than ending it.
        let blank = text.chars().all(char::is_whitespace);
        let same = classes == self.open
            || (blank && !styles::shows_on_blank(classes) && !styles::shows_on_blank(&self.open));
        if !same {
            if !self.open.is_empty() {
                self.html.push_str("</span>");
            }
            if !classes.is_empty() {
                self.html.push_str("<span class=\"");
                self.html.push_str(classes);
                self.html.push_str("\">");
            }
            classes.clone_into(&mut self.open);
        }
        self.html.push_str(&escape(text));
    }

    fn finish(mut self) -> String {
        if !self.open.is_empty() {
            self.html.push_str("</span>");
        }
        self.html
    }
}

/// Common fence names that syntect's default set knows under another name.
fn alias(lang: &str) -> Option<&'static str> {
    Some(match lang {
        "shell" | "sh" | "zsh" | "console" => "bash",
        "yml" => "yaml",
        "toml" | "ini" | "conf" | "cfg" | "nginx" | "dockerfile" => "yaml",
        "postgresql" | "psql" | "mysql" => "sql",
        "jsonc" | "json5" => "json",
        "ts" | "typescript" => "js",
        _ => return None,
    })
}

/// The light and dark stylesheets for the highlighted classes, generated once from
/// syntect's themes and kept in the repository (`src/highlight/`), because loading
/// syntect's theme set to generate them took a tenth of a small site's build (now it is
/// loaded only when a page has code to highlight). A test checks they are what
/// `generate_stylesheets` makes.
pub fn stylesheets() -> (String, String) {
    (LIGHT_CSS.to_owned(), DARK_CSS.to_owned())
}

const LIGHT_CSS: &str = include_str!("highlight/syntax-light.css");
const DARK_CSS: &str = include_str!("highlight/syntax-dark.css");

/// The stylesheets of the highlighted classes, as [`Palettes`] makes them.
#[cfg(test)]
fn generate_stylesheets() -> (String, String) {
    let palettes = Palettes::load();
    (palettes.light.css(), palettes.dark.css())
}

/// HTML escaping (`<>&"'`) for text inside elements and for attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use syntect::highlighting::Color;

    use super::styles::{
        DARK_CODE_BACKGROUND, LIGHT_CODE_BACKGROUND, MIN_CONTRAST, contrast, with_contrast,
    };
    use super::*;

    #[test]
    fn a_very_long_line_is_shown_plain_and_fast() {
        let long = format!("SELECT {} <x>;\n", "1, ".repeat(100_000));
        let start = std::time::Instant::now();
        let html = Highlighter::new().highlight(&long, "sql");
        assert!(start.elapsed() < std::time::Duration::from_secs(30));
        assert!(!html.contains("<span"));
        assert!(html.ends_with("&lt;x&gt;;\n"));
    }

    #[test]
    fn known_languages_get_classes_and_unknown_ones_are_escaped() {
        let highlighter = Highlighter::new();
        let sql = highlighter.highlight("SELECT 1;\n", "sql");
        assert!(sql.contains("<span class=\"l"), "{sql}");
        assert!(!sql.contains("style="), "{sql}");
        let unknown = highlighter.highlight("<script>\n", "klingon");
        assert_eq!(&*unknown, "&lt;script&gt;\n");
    }

    #[test]
    fn a_repeated_block_is_highlighted_once_and_identically() {
        let highlighter = Highlighter::new();
        let first = highlighter.highlight("SELECT 1;\n", "sql");
        let again = highlighter.highlight("SELECT 1;\n", "sql");
        assert!(
            Arc::ptr_eq(&first, &again),
            "the second block came from the cache"
        );
        assert_eq!(
            &*first,
            highlighter.highlight_uncached("SELECT 1;\n", "sql")
        );
        let other = highlighter.highlight("SELECT 2;\n", "sql");
        assert_ne!(first, other);
    }

    /// The kept stylesheets are the generated ones: after a syntect upgrade or a change
    /// to the generation, `HINDSIGHT_WRITE_SYNTAX_CSS=1 cargo test --lib highlight`
    /// rewrites them.
    #[test]
    fn kept_stylesheets_are_the_generated_ones() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/highlight");
        let (light, dark) = generate_stylesheets();
        for (generated, kept, file) in [
            (light, LIGHT_CSS, "syntax-light.css"),
            (dark, DARK_CSS, "syntax-dark.css"),
        ] {
            assert!(generated.contains("pre.code .l0") || generated.contains("pre.code .d0"));
            if std::env::var_os("HINDSIGHT_WRITE_SYNTAX_CSS").is_some() {
                std::fs::write(dir.join(file), &generated).unwrap();
            } else {
                assert!(
                    kept == generated,
                    "src/highlight/{file} is not the generated stylesheet: \
                     run HINDSIGHT_WRITE_SYNTAX_CSS=1 cargo test --lib highlight"
                );
            }
        }
    }

    #[test]
    fn every_highlighted_colour_is_readable_on_its_background() {
        let palettes = Palettes::load();
        for (palette, code_background) in [
            (&palettes.light, LIGHT_CODE_BACKGROUND),
            (&palettes.dark, DARK_CODE_BACKGROUND),
        ] {
            let pairs = palette.colour_pairs(code_background);
            assert!(pairs.len() > 10, "{palette:?}");
            for (colour, background) in pairs {
                assert!(
                    contrast(colour, background) >= 4.5,
                    "{colour:?} on {background:?}"
                );
            }
        }
    }

    #[test]
    fn the_code_backgrounds_are_those_of_the_default_theme() {
        let css = include_str!("../themes/default/static/style.css");
        assert!(css.contains("--code-bg: #f6f8fa;"));
        assert!(css.contains("--code-bg: #161b22;"));
    }

    #[test]
    fn readable_colours_keep_their_hue_and_change_only_when_needed() {
        let dark_enough = Color {
            r: 0x18,
            g: 0x36,
            b: 0x91,
            a: 0xff,
        };
        assert_eq!(
            with_contrast(dark_enough, LIGHT_CODE_BACKGROUND),
            dark_enough
        );
        let comment = Color {
            r: 0x96,
            g: 0x98,
            b: 0x96,
            a: 0xff,
        };
        let fixed = with_contrast(comment, LIGHT_CODE_BACKGROUND);
        assert!(contrast(fixed, LIGHT_CODE_BACKGROUND) >= MIN_CONTRAST);
        assert!(fixed.r < comment.r && fixed.r > 0x40, "{fixed:?}");
    }

    #[test]
    fn stylesheets_are_generated_for_both_schemes() {
        let (light, dark) = stylesheets();
        assert!(light.contains("pre.code .l0 {"), "{light}");
        assert!(dark.contains("pre.code .d0 {"), "{dark}");
        assert_ne!(light, dark);
    }

    /// Code in several languages, with what the palettes style in it.
    const SAMPLES: [(&str, &str); 5] = [
        (
            "sql",
            "SELECT id FROM orders WHERE status = 'pending' LIMIT 10; -- stale\n",
        ),
        (
            "yaml",
            "retries: 3 # was 30\nhosts:\n  - \"db-1\"\n  - db-2\nenabled: true\n",
        ),
        (
            "bash",
            "for h in $(cat hosts); do\n  ssh \"$h\" 'systemctl restart app' || exit 1\ndone\n",
        ),
        (
            "json",
            "{\"timeout_ms\": 250, \"retry\": [1, 2], \"on\": null}\n",
        ),
        ("diff", "--- a/conf\n+++ b/conf\n-pool: 10\n+pool: 100\n"),
    ];

    /// The classes of the `<span>`s of highlighted HTML.
    fn classes_in(html: &str) -> Vec<&str> {
        html.split("<span class=\"")
            .skip(1)
            .flat_map(|rest| rest.split('"').next().unwrap_or("").split(' '))
            .collect()
    }

    #[test]
    fn every_class_of_highlighted_code_has_its_rule_and_the_text_is_kept() {
        let highlighter = Highlighter::new();
        let (light, dark) = stylesheets();
        for (lang, code) in SAMPLES {
            let html = highlighter.highlight(code, lang);
            let classes = classes_in(&html);
            assert!(classes.iter().any(|c| c.starts_with('l')), "{lang}: {html}");
            assert!(classes.iter().any(|c| c.starts_with('d')), "{lang}: {html}");
            for class in classes {
                let rule = format!("pre.code .{class} {{");
                assert!(
                    light.contains(&rule) || dark.contains(&rule),
                    "{lang}: no rule for {class}"
                );
            }
            // Flat spans: none inside another, and the text is the code's, escaped.
            let mut depth = 0;
            for piece in html.split('<').skip(1) {
                if piece.starts_with("span") {
                    depth += 1;
                    assert_eq!(depth, 1, "{lang}: nested span in {html}");
                } else {
                    assert!(piece.starts_with("/span>"), "{lang}: {html}");
                    depth -= 1;
                }
            }
            assert_eq!(depth, 0, "{lang}: {html}");
            let mut text = String::new();
            for piece in html.split('<') {
                text.push_str(piece.split_once('>').map_or(piece, |(_, t)| t));
            }
            assert_eq!(text, escape(code), "{lang}");
        }
    }

    #[test]
    fn a_token_gets_the_style_each_palette_gives_it() {
        let html = Highlighter::new().highlight("SELECT 1;\n", "sql");
        // A keyword: a colour and bold in the light palette, a colour in the dark one;
        // the number another colour in each.
        let palettes = Palettes::load();
        let (light, dark) = (palettes.light.css(), palettes.dark.css());
        let keyword = html
            .split("\">SELECT")
            .next()
            .and_then(|start| start.rsplit("class=\"").next())
            .unwrap_or_default();
        let classes: Vec<&str> = keyword.split(' ').collect();
        assert!(classes.contains(&"lw"), "{html}");
        assert!(light.contains("pre.code .lw { font-weight: bold; }"));
        let colour = |css: &str, prefix: char| {
            let class = classes
                .iter()
                .find(|c| c.starts_with(prefix) && c[1..].parse::<usize>().is_ok())
                .copied()
                .unwrap_or_default();
            css.lines()
                .find(|l| l.starts_with(&format!("pre.code .{class} {{")))
                .map(str::to_owned)
                .unwrap_or_default()
        };
        assert!(colour(&light, 'l').contains("color: #a71d5d"), "{html}");
        assert!(colour(&dark, 'd').contains("color: #"), "{html}");
    }

    #[test]
    fn spaces_join_a_span_unless_it_shows_on_them() {
        assert!(!styles::shows_on_blank("l3 lw d2 di"));
        assert!(styles::shows_on_blank("l3 lg1 d2"));
        assert!(styles::shows_on_blank("l3 du"));
        assert!(!styles::shows_on_blank(""));
        let mut spans = Spans::default();
        spans.push("a", "l1");
        spans.push(" ", "");
        spans.push("b", "l1");
        spans.push(" ", "l2 dg0");
        spans.push("c", "");
        assert_eq!(
            spans.finish(),
            "<span class=\"l1\">a b</span><span class=\"l2 dg0\"> </span>c"
        );
    }

    /// The classes a stack gets are kept; what was highlighted before never changes a
    /// block's HTML.
    #[test]
    fn a_block_is_the_same_whatever_was_highlighted_before() {
        let forward = Highlighter::new();
        let backward = Highlighter::new();
        let first: Vec<Arc<str>> = SAMPLES
            .iter()
            .map(|(lang, code)| forward.highlight(code, lang))
            .collect();
        for (i, (lang, code)) in SAMPLES.iter().enumerate().rev() {
            assert_eq!(
                backward.highlight_uncached(code, lang),
                &*first[i],
                "{lang}"
            );
        }
    }
}
