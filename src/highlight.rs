//! Code highlighting with syntect, as CSS classes (the page carries no inline colours).
//!
//! [`Highlighter`] is a value built once per build and shared by reference. Syntax
//! definitions are loaded the first time a page has a fenced code block with a language,
//! so sites without code never pay for them. Highlighted blocks are kept by language and
//! code, so a snippet repeated across postmortems is highlighted once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

#[cfg(test)]
use syntect::highlighting::{Color, Theme, ThemeSet};
#[cfg(test)]
use syntect::html::css_for_theme_with_class_style;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Class prefix of highlighted spans, so they cannot clash with the theme's classes.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// syntect's bundled themes the kept stylesheets were generated from.
#[cfg(test)]
const LIGHT_THEME: &str = "InspiredGitHub";
#[cfg(test)]
const DARK_THEME: &str = "base16-ocean.dark";

/// The background of code blocks in the default theme's `style.css` (`--code-bg`, light
/// and dark), which the highlighted colours must be readable on.
#[cfg(test)]
const LIGHT_CODE_BACKGROUND: Color = Color {
    r: 0xf6,
    g: 0xf8,
    b: 0xfa,
    a: 0xff,
};
#[cfg(test)]
const DARK_CODE_BACKGROUND: Color = Color {
    r: 0x16,
    g: 0x1b,
    b: 0x22,
    a: 0xff,
};

/// WCAG AA asks 4.5:1 for normal text; a little more, so rounding never tips a colour
/// under it.
#[cfg(test)]
const MIN_CONTRAST: f64 = 4.6;

/// At most this many highlighted blocks are kept; a long `serve` session with many edits
/// to code blocks stops adding to the cache rather than growing without bound.
const MAX_CACHED_BLOCKS: usize = 100_000;

/// Highlights code blocks; loads syntaxes lazily.
#[derive(Debug, Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
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
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if generator
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                return escape(code);
            }
        }
        generator.finalize()
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
/// syntect's theme set and generating them took a tenth of a small site's build. A test
/// checks they are what `generate_stylesheets` makes.
pub fn stylesheets() -> (String, String) {
    (LIGHT_CSS.to_owned(), DARK_CSS.to_owned())
}

const LIGHT_CSS: &str = include_str!("highlight/syntax-light.css");
const DARK_CSS: &str = include_str!("highlight/syntax-dark.css");

/// syntect's stylesheets, made readable: its themes have colours too faint to read on our
/// code background (comments at 2.7:1); each one is darkened (light) or lightened (dark)
/// just enough to reach [`MIN_CONTRAST`].
#[cfg(test)]
fn generate_stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str, background: Color| {
        themes
            .themes
            .get(name)
            .map(|theme| readable(theme.clone(), background))
            .and_then(|theme| css_for_theme_with_class_style(&theme, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    (
        css(LIGHT_THEME, LIGHT_CODE_BACKGROUND),
        css(DARK_THEME, DARK_CODE_BACKGROUND),
    )
}

#[cfg(test)]
/// `theme` with every foreground colour readable on its background: the scope's own
/// background when it has an opaque one, `code_background` otherwise.
fn readable(mut theme: Theme, code_background: Color) -> Theme {
    if let Some(foreground) = theme.settings.foreground.as_mut() {
        *foreground = with_contrast(*foreground, code_background);
    }
    for item in &mut theme.scopes {
        let background = item
            .style
            .background
            .filter(|b| b.a == 0xff)
            .unwrap_or(code_background);
        if let Some(foreground) = item.style.foreground.as_mut() {
            *foreground = with_contrast(*foreground, background);
        }
    }
    theme
}

#[cfg(test)]
/// `foreground` (drawn on `background`), moved towards black or white, whichever
/// contrasts more with the background, until it reaches [`MIN_CONTRAST`].
fn with_contrast(foreground: Color, background: Color) -> Color {
    let black = Color::BLACK;
    let white = Color::WHITE;
    // A translucent colour is seen blended with what is behind it.
    let seen = mix(background, foreground, f64::from(foreground.a) / 255.0);
    let towards = if contrast(black, background) >= contrast(white, background) {
        black
    } else {
        white
    };
    (0..=50)
        .map(|step| mix(seen, towards, f64::from(step) / 50.0))
        .find(|c| contrast(*c, background) >= MIN_CONTRAST)
        .unwrap_or(towards)
}

#[cfg(test)]
/// `a` moved a fraction `t` of the way to `b`; opaque.
fn mix(a: Color, b: Color, t: f64) -> Color {
    let channel = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    Color {
        r: channel(a.r, b.r),
        g: channel(a.g, b.g),
        b: channel(a.b, b.b),
        a: 0xff,
    }
}

#[cfg(test)]
/// WCAG 2 contrast ratio of two opaque colours.
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
/// WCAG 2 relative luminance.
fn luminance(c: Color) -> f64 {
    let linear = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
}

/// Minimal HTML escaping for text inside elements.
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
        assert!(sql.contains("class=\"hl-"), "{sql}");
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
            assert!(generated.contains(".hl-"), "{generated}");
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

    fn hex(value: &str) -> Color {
        let byte = |i: usize| u8::from_str_radix(&value[i..i + 2], 16).unwrap();
        Color {
            r: byte(0),
            g: byte(2),
            b: byte(4),
            a: 0xff,
        }
    }

    /// Every rule's `color` of a generated stylesheet, with its `background-color` if
    /// it has one.
    fn colours(css: &str) -> Vec<(Color, Option<Color>)> {
        css.split('}')
            .filter_map(|rule| {
                let value = |property: &str| {
                    rule.lines()
                        .find_map(|line| line.trim().strip_prefix(property))
                        .map(hex)
                };
                Some((value("color: #")?, value("background-color: #")))
            })
            .collect()
    }

    #[test]
    fn every_highlighted_colour_is_readable_on_its_background() {
        let (light, dark) = stylesheets();
        for (css, code_background) in [(light, LIGHT_CODE_BACKGROUND), (dark, DARK_CODE_BACKGROUND)]
        {
            let colours = colours(&css);
            assert!(colours.len() > 10, "{css}");
            for (colour, background) in colours {
                let background = background.unwrap_or(code_background);
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
        assert!(light.contains(".hl-"));
        assert!(dark.contains(".hl-"));
        assert_ne!(light, dark);
    }
}
