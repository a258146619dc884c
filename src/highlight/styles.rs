//! The classes of highlighted code: one class per colour or font style that a palette
//! gives a token, not one per scope of its scope stack.
//!
//! syntect's own classes name every scope a token is in (`hl-keyword hl-other hl-DML
//! hl-sql`, nested in a span per enclosing scope), about 14 bytes of markup for each
//! byte of code on a typical page, repeated on every page. Here each token's style is
//! resolved against the light and the dark palette when the page is rendered, and the
//! span names only the result (`l4 lw d2`: light colour 4, bold, dark colour 2). The
//! stylesheets give each class its one property; each is linked for its colour scheme
//! only, so a token looks as syntect's theme draws it, in both schemes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use syntect::highlighting::{Color, FontStyle, Highlighter, Theme, ThemeSet};
use syntect::parsing::Scope;

/// syntect's bundled themes the two palettes are made from.
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// The background of code blocks in the default theme's `style.css` (`--code-bg`, light
/// and dark), which the highlighted colours must be readable on.
pub(super) const LIGHT_CODE_BACKGROUND: Color = Color {
    r: 0xf6,
    g: 0xf8,
    b: 0xfa,
    a: 0xff,
};
pub(super) const DARK_CODE_BACKGROUND: Color = Color {
    r: 0x16,
    g: 0x1b,
    b: 0x22,
    a: 0xff,
};

/// WCAG AA asks 4.5:1 for normal text; a little more, so rounding never tips a colour
/// under it.
pub(super) const MIN_CONTRAST: f64 = 4.6;

/// At most this many scope stacks have their classes kept (see [`Palettes::classes`]).
const MAX_KNOWN_STACKS: usize = 100_000;

/// The light and the dark palette, and the classes of the scope stacks met so far.
#[derive(Debug)]
pub(super) struct Palettes {
    pub(super) light: Palette,
    pub(super) dark: Palette,
    /// Resolving a stack against a theme matches every rule of the theme; a corpus has
    /// far fewer distinct stacks than tokens, so each is resolved once.
    known: Mutex<HashMap<Vec<Scope>, Arc<str>>>,
}

impl Palettes {
    /// Both palettes, from syntect's bundled themes made readable on our code backgrounds.
    pub(super) fn load() -> Self {
        let mut themes = ThemeSet::load_defaults().themes;
        let mut palette = |name: &str, prefix: char, background: Color| {
            let theme = themes.remove(name).unwrap_or_default();
            Palette::new(readable(theme, background), prefix)
        };
        Self {
            light: palette(LIGHT_THEME, 'l', LIGHT_CODE_BACKGROUND),
            dark: palette(DARK_THEME, 'd', DARK_CODE_BACKGROUND),
            known: Mutex::default(),
        }
    }

    /// The classes of a token in `stack`, space-separated; empty when neither palette
    /// styles it (it is drawn in the code block's own colour).
    pub(super) fn classes(&self, stack: &[Scope]) -> Arc<str> {
        let known = || self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(classes) = known().get(stack) {
            return Arc::clone(classes);
        }
        let mut classes = String::new();
        for palette in [&self.light, &self.dark] {
            palette.push_classes(stack, &mut classes);
        }
        let classes: Arc<str> = classes.into();
        let mut known = known();
        if known.len() < MAX_KNOWN_STACKS {
            known.insert(stack.to_vec(), Arc::clone(&classes));
        }
        classes
    }
}

/// One palette: a theme, and the numbering of its colours that names their classes.
#[derive(Debug)]
pub(super) struct Palette {
    theme: Theme,
    /// First letter of this palette's classes (`l` light, `d` dark).
    prefix: char,
    /// The distinct foreground colours of the theme's rules, in a fixed order (sorted):
    /// class `{prefix}{index}`.
    foregrounds: Vec<Color>,
    /// The same for backgrounds: class `{prefix}g{index}`.
    backgrounds: Vec<Color>,
}

/// A colour as a sortable key.
fn key(c: &Color) -> [u8; 4] {
    [c.r, c.g, c.b, c.a]
}

fn distinct(colours: impl Iterator<Item = Color>) -> Vec<Color> {
    let mut colours: Vec<Color> = colours.collect();
    colours.sort_by_key(key);
    colours.dedup();
    colours
}

impl Palette {
    fn new(theme: Theme, prefix: char) -> Self {
        let foregrounds = distinct(theme.scopes.iter().filter_map(|i| i.style.foreground));
        let backgrounds = distinct(theme.scopes.iter().filter_map(|i| i.style.background));
        Self {
            theme,
            prefix,
            foregrounds,
            backgrounds,
        }
    }

    /// Appends the classes of the style this palette gives a token in `stack`.
    fn push_classes(&self, stack: &[Scope], classes: &mut String) {
        let style = Highlighter::new(&self.theme).style_mod_for_stack(stack);
        let mut push = |class: std::fmt::Arguments<'_>| {
            if !classes.is_empty() {
                classes.push(' ');
            }
            // Writing to a String cannot fail.
            let _ = classes.write_fmt(class);
        };
        let prefix = self.prefix;
        let index = |colours: &[Color], c: Color| colours.iter().position(|x| *x == c);
        if let Some(i) = style.foreground.and_then(|c| index(&self.foregrounds, c)) {
            push(format_args!("{prefix}{i}"));
        }
        if let Some(i) = style.background.and_then(|c| index(&self.backgrounds, c)) {
            push(format_args!("{prefix}g{i}"));
        }
        let font = style.font_style.unwrap_or_default();
        for (flag, letter) in FONT_CLASSES {
            if font.contains(flag) {
                push(format_args!("{prefix}{letter}"));
            }
        }
    }

    /// The stylesheet of this palette's classes (kept in the repository; see
    /// [`super::stylesheets`]).
    #[cfg(test)]
    pub(super) fn css(&self) -> String {
        let prefix = self.prefix;
        let name = self.theme.name.as_deref().unwrap_or("unnamed");
        let mut css = format!(
            "/* Highlighted code, from syntect's theme \"{name}\" made readable on the code \
             background. Generated by hindsight: {prefix}N is a colour, {prefix}gN a \
             background, {prefix}w bold, {prefix}i italic, {prefix}u underlined. */\n"
        );
        for (i, c) in self.foregrounds.iter().enumerate() {
            let _ = writeln!(css, "pre.code .{prefix}{i} {{ color: {}; }}", hex(c));
        }
        for (i, c) in self.backgrounds.iter().enumerate() {
            let _ = writeln!(
                css,
                "pre.code .{prefix}g{i} {{ background-color: {}; }}",
                hex(c)
            );
        }
        for (_, letter) in FONT_CLASSES {
            let property = match letter {
                'w' => "font-weight: bold",
                'i' => "font-style: italic",
                _ => "text-decoration: underline",
            };
            let _ = writeln!(css, "pre.code .{prefix}{letter} {{ {property}; }}");
        }
        css
    }

    /// Every rule's foreground with the background it is drawn on: the rule's own when
    /// it has an opaque one, `code_background` otherwise.
    #[cfg(test)]
    pub(super) fn colour_pairs(&self, code_background: Color) -> Vec<(Color, Color)> {
        self.theme
            .scopes
            .iter()
            .filter_map(|item| {
                let background = item
                    .style
                    .background
                    .filter(|b| b.a == 0xff)
                    .unwrap_or(code_background);
                Some((item.style.foreground?, background))
            })
            .collect()
    }
}

/// Whether a span of these classes shows on blank text (a background or an underline),
/// so that spaces between two tokens cannot simply join the span before them.
pub(super) fn shows_on_blank(classes: &str) -> bool {
    classes.split(' ').any(|class| {
        let kind = &class[class.len().min(1)..];
        kind.starts_with('g') || kind == "u"
    })
}

/// The font styles and the letter of their classes.
const FONT_CLASSES: [(FontStyle, char); 3] = [
    (FontStyle::BOLD, 'w'),
    (FontStyle::ITALIC, 'i'),
    (FontStyle::UNDERLINE, 'u'),
];

#[cfg(test)]
fn hex(c: &Color) -> String {
    if c.a == 0xff {
        format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
    } else {
        format!("#{:02x}{:02x}{:02x}{:02x}", c.r, c.g, c.b, c.a)
    }
}

/// `theme` with every foreground colour readable on its background: the scope's own
/// background when it has an opaque one, `code_background` otherwise. syntect's themes
/// have colours too faint to read on our code background (comments at 2.7:1); each one
/// is darkened (light) or lightened (dark) just enough to reach [`MIN_CONTRAST`].
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

/// `foreground` (drawn on `background`), moved towards black or white, whichever
/// contrasts more with the background, until it reaches [`MIN_CONTRAST`].
pub(super) fn with_contrast(foreground: Color, background: Color) -> Color {
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

/// WCAG 2 contrast ratio of two opaque colours.
pub(super) fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

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
