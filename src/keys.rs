//! Newtype keys, so a service key cannot be passed where a root-cause key is expected.

use std::fmt;

use serde::Serialize;

macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an already validated key.
            pub fn new(key: impl Into<String>) -> Self {
                Self(key.into())
            }

            /// The key as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

key_type!(
    /// A key of `[root_causes]` in `site.toml` (`configuration`).
    RootCauseKey
);
key_type!(
    /// A service key (`mysql`), from front matter or `[services]`.
    ServiceKey
);
key_type!(
    /// The URL segment of a postmortem (`mysql-password-mistyped`).
    Slug
);

/// The longest a URL segment made from content may be, in bytes (slugs are ASCII, so
/// in characters too): a postmortem's slug, a service, root cause, owner or severity key.
/// Each becomes a folder name in the output, and file systems refuse a name over 255
/// bytes; 100 leaves room for the `-2` that tells two owners apart, keeps URLs readable,
/// and is refused when the content is read, so `check`, `build` and `serve` agree.
pub const MAX_URL_SEGMENT: usize = 100;

/// Why a URL segment is too long, or `None` when it fits.
pub fn segment_too_long(what: &str, segment: &str) -> Option<String> {
    (segment.len() > MAX_URL_SEGMENT).then(|| {
        format!(
            "{what} gives the URL segment \"{}…\" of {} characters, more than the {MAX_URL_SEGMENT} a page's folder name may have",
            segment.chars().take(24).collect::<String>(),
            segment.len()
        )
    })
}

/// True when `key` is usable in a URL as is: lowercase letters, digits, `-` and `_`,
/// not starting with `-`.
pub fn is_url_safe_key(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with('-')
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Turns any text (a file stem, a service name, a heading) into a URL segment of ASCII
/// lowercase letters, digits, `-` and `_`. Other letters are transliterated (`Ü` → `u`,
/// `ß` → `ss`, Cyrillic `а` → `a`, `事故` → `shi-gu`), so a look-alike name gives the same
/// segment as the name it imitates and the duplicate is reported instead of published
/// under a URL that reads the same. Everything else folds into single `-`; invisible
/// and bidi-control characters are dropped.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        let mut utf8 = [0; 4];
        let ascii = if c.is_ascii() {
            &*c.encode_utf8(&mut utf8)
        } else {
            deunicode::deunicode_char(c).unwrap_or(" ")
        };
        for a in ascii.chars() {
            if a.is_ascii_alphanumeric() {
                if pending_dash && !slug.is_empty() {
                    slug.push('-');
                }
                pending_dash = false;
                slug.push(a.to_ascii_lowercase());
            } else if a == '_' && !slug.is_empty() {
                if pending_dash {
                    slug.push('-');
                    pending_dash = false;
                }
                slug.push('_');
            } else {
                pending_dash = true;
            }
        }
    }
    slug
}

/// Zero-width and bidi-control characters: never part of a URL.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_folds_spaces_case_and_punctuation() {
        assert_eq!(slugify("DB Auth Failure (2024)"), "db-auth-failure-2024");
        assert_eq!(slugify("  --already-kebab--  "), "already-kebab");
        assert_eq!(slugify("snake_case_name"), "snake_case_name");
        assert_eq!(slugify("Ünïcode Straße"), "unicode-strasse");
        // A Cyrillic look-alike gives the Latin name's segment, so the two collide.
        assert_eq!(slugify("\u{0430}dmin"), "admin");
        assert_eq!(slugify("Ｆｕｌｌｗｉｄｔｈ"), "fullwidth");
        assert!(slugify("事故").is_ascii());
        assert!(!slugify("事故").is_empty());
        assert_eq!(slugify("zero\u{200B}width\u{202E}bidi"), "zerowidthbidi");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn url_safe_keys_are_lowercase_kebab() {
        assert!(is_url_safe_key("software-bug"));
        assert!(is_url_safe_key("k8s_api"));
        assert!(!is_url_safe_key("Software Bug"));
        assert!(!is_url_safe_key("-x"));
        assert!(!is_url_safe_key(""));
        assert!(!is_url_safe_key("a/b"));
    }
}
