//! Code highlighting with syntect, as CSS classes (the page carries no inline colours).
//!
//! [`Highlighter`] is a value built once per build and shared by reference. Syntax
//! definitions are loaded the first time a page has a fenced code block with a language,
//! so sites without code never pay for them.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Class prefix of highlighted spans, so they cannot clash with the theme's classes.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// syntect's bundled themes used for the generated stylesheets.
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// Highlights code blocks; loads syntaxes lazily.
#[derive(Debug, Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

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
    pub fn highlight(&self, code: &str, lang: &str) -> String {
        let lang = lang.trim();
        if lang.is_empty() || matches!(lang, "text" | "plain" | "txt" | "log" | "console") {
            return escape(code);
        }
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

/// The light and dark stylesheets for the highlighted classes.
pub fn stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|theme| css_for_theme_with_class_style(theme, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    (css(LIGHT_THEME), css(DARK_THEME))
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
    fn known_languages_get_classes_and_unknown_ones_are_escaped() {
        let highlighter = Highlighter::new();
        let sql = highlighter.highlight("SELECT 1;\n", "sql");
        assert!(sql.contains("class=\"hl-"), "{sql}");
        assert!(!sql.contains("style="), "{sql}");
        let unknown = highlighter.highlight("<script>\n", "klingon");
        assert_eq!(unknown, "&lt;script&gt;\n");
    }

    #[test]
    fn stylesheets_are_generated_for_both_schemes() {
        let (light, dark) = stylesheets();
        assert!(light.contains(".hl-"));
        assert!(dark.contains(".hl-"));
        assert_ne!(light, dark);
    }
}
