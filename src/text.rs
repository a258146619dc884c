//! Characters no page may carry, found as text is read.
//!
//! Control characters make a page invalid HTML (a parse error) and `atom.xml` or
//! `sitemap.xml` not XML at all (XML 1.0 forbids them even as character references).
//! Text-direction controls (bidi embeddings, overrides and isolates) are invisible and
//! make the text after them, up to the end of the paragraph, read in another order than
//! it is stored: in a list where a title is followed by a date, an unclosed U+202E
//! reverses the date too. Content loading removes both and warns with the line; this
//! module only classifies and removes.

/// A character that makes HTML invalid and XML unreadable: C0 controls but tab, line
/// feed and carriage return; DEL and the C1 controls; Unicode noncharacters.
pub fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FDD0}'..='\u{FDEF}')
        || (c as u32 & 0xFFFE) == 0xFFFE
}

/// A bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069). The marks
/// U+200E, U+200F and U+061C, which right-to-left text needs and which cannot reorder
/// what follows them, are not.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` without the characters `remove` picks; borrowed when there are none.
pub fn without(text: &str, remove: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if text.chars().any(&remove) {
        std::borrow::Cow::Owned(text.chars().filter(|&c| !remove(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// `text` safe to print on a terminal: every control character but line feed and tab
/// (escape sequences start with ESC or a C1 control; a carriage return or backspace can
/// hide what came before it) and every bidi control is written as `\u{1b}`. A file name
/// in a diagnostic then cannot clear the screen, retitle the terminal or hide lines in a
/// CI log.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    escape_unprintable(text, |c, out| {
        out.push_str(&format!("\\u{{{:x}}}", c as u32))
    })
}

/// The same for JSON printed on a terminal: the characters are written as JSON escapes
/// (`\u001b`), so the document keeps its meaning. serde_json escapes C0 controls itself
/// but leaves DEL, the C1 controls and bidi controls raw; outside strings a JSON
/// document holds only whitespace, so every one of them is inside a string.
pub fn json_for_terminal(json: &str) -> std::borrow::Cow<'_, str> {
    escape_unprintable(json, |c, out| out.push_str(&format!("\\u{:04x}", c as u32)))
}

fn is_unprintable(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

fn escape_unprintable(text: &str, escape: impl Fn(char, &mut String)) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unprintable(c) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `U+202E`, for messages.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_that_break_html_or_xml_are_forbidden_and_whitespace_is_not() {
        for c in [
            '\u{0}',
            '\u{1}',
            '\u{B}',
            '\u{C}',
            '\u{1B}',
            '\u{7F}',
            '\u{85}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{1FFFF}',
            '\u{FDD0}',
        ] {
            assert!(is_forbidden_control(c), "{}", code_point(c));
        }
        for c in [
            '\t', '\n', '\r', ' ', 'a', 'é', '\u{FFFD}', '\u{202E}', '\u{200B}',
        ] {
            assert!(!is_forbidden_control(c), "{}", code_point(c));
        }
    }

    #[test]
    fn text_for_a_terminal_has_no_control_characters_left() {
        let hostile = "a\u{1b}[2Jb\u{1b}]0;title\u{7}c\rd\u{9b}e\u{202e}f\tg\nh";
        let safe = for_terminal(hostile);
        assert_eq!(
            safe,
            "a\\u{1b}[2Jb\\u{1b}]0;title\\u{7}c\\u{d}d\\u{9b}e\\u{202e}f\tg\nh"
        );
        assert!(!safe.chars().any(is_unprintable));
        assert_eq!(for_terminal("plain é"), "plain é");
        let json = serde_json::to_string(hostile).unwrap();
        let safe_json = json_for_terminal(&json);
        assert!(!safe_json.chars().any(is_unprintable), "{safe_json}");
        let back: String = serde_json::from_str(&safe_json).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn bidi_overrides_are_controls_and_marks_are_not() {
        assert!(is_bidi_control('\u{202E}'));
        assert!(is_bidi_control('\u{2066}'));
        assert!(!is_bidi_control('\u{200F}'));
        assert!(!is_bidi_control('א'));
        assert_eq!(without("a\u{202E}b", is_bidi_control), "ab");
    }
}
