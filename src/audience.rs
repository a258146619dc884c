//! Who a postmortem, and a build, is for: the internal (complete) library or the public
//! one, and the internal blocks of a public postmortem.
//!
//! A block between a line `<!-- internal -->` and a line `<!-- /internal -->` stays
//! internal. HTML comments are what GitHub's own Markdown view hides, so the file reads
//! sensibly there (the text between is shown; the markers are not). A public build blanks
//! the block's lines before anything reads the body, so line numbers still hold and no
//! later stage (body, table of contents, search text, summaries) ever sees the text.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, LineCol};

/// Who a postmortem or a build is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Audience {
    /// The organisation itself: the complete library.
    #[default]
    Internal,
    /// Everyone: a public build publishes only these, without their internal blocks.
    Public,
}

impl Audience {
    /// Every value, in order.
    pub const ALL: &'static [Audience] = &[Audience::Internal, Audience::Public];

    /// The value as written in front matter, `site.toml` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Internal => "internal",
            Audience::Public => "public",
        }
    }

    /// Reads the value as written.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "internal" => Some(Audience::Internal),
            "public" => Some(Audience::Public),
            _ => None,
        }
    }
}

/// The line that opens an internal block.
pub const OPEN_MARKER: &str = "<!-- internal -->";
/// The line that closes it.
pub const CLOSE_MARKER: &str = "<!-- /internal -->";

/// The body's internal blocks: each as the 0-based line range of the body from its
/// opening marker to its closing marker, both included. A marker inside a fenced code
/// block is text, not a marker. An unclosed or a stray marker is an error at its line
/// (`first_line` is the file line of the body's first line).
pub fn internal_blocks(
    file: &Path,
    body: &str,
    first_line: usize,
    diagnostics: &mut Diagnostics,
) -> Vec<std::ops::RangeInclusive<usize>> {
    let mut blocks = Vec::new();
    let mut open: Option<usize> = None;
    let mut fence: Option<(char, usize)> = None;
    for (index, line) in body.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(found) = fence_of(trimmed) {
            match fence {
                None => fence = Some(found),
                Some((c, len)) if found.0 == c && found.1 >= len => fence = None,
                Some(_) => {}
            }
            continue;
        }
        if fence.is_some() {
            continue;
        }
        let pos = Some(LineCol::line(first_line + index));
        if trimmed == OPEN_MARKER {
            if let Some(start) = open {
                diagnostics.push(
                    Diagnostic::error(
                        file,
                        pos,
                        format!(
                            "{OPEN_MARKER} inside the internal block opened at line {}",
                            first_line + start
                        ),
                    )
                    .with_help(format!(
                        "close the first block with a line `{CLOSE_MARKER}` before opening another"
                    )),
                );
            } else {
                open = Some(index);
            }
        } else if trimmed == CLOSE_MARKER {
            match open.take() {
                Some(start) => blocks.push(start..=index),
                None => diagnostics.push(
                    Diagnostic::error(file, pos, format!("{CLOSE_MARKER} without an opening {OPEN_MARKER}"))
                        .with_help(format!("put a line `{OPEN_MARKER}` where the internal block starts, or remove this marker")),
                ),
            }
        } else if is_marker_like(trimmed) {
            diagnostics.push(
                Diagnostic::error(file, pos, format!("\"{trimmed}\" looks like an internal-block marker but is not one"))
                    .with_help(format!("write the marker alone on its line, exactly `{OPEN_MARKER}` or `{CLOSE_MARKER}`")),
            );
        }
    }
    if let Some(start) = open {
        diagnostics.push(
            Diagnostic::error(
                file,
                Some(LineCol::line(first_line + start)),
                format!("{OPEN_MARKER} is never closed"),
            )
            .with_help(format!(
                "end the internal block with a line `{CLOSE_MARKER}`; until then a public build would not know where the internal text ends"
            )),
        );
    }
    blocks
}

/// `<!--internal-->`, `<!-- Internal -->`, `<!-- end internal -->` and the like: a marker
/// mistyped would publish its block, so it is an error rather than a comment.
fn is_marker_like(line: &str) -> bool {
    let Some(inner) = line
        .strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
    else {
        return false;
    };
    let words: String = inner
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '/')
        .collect::<String>()
        .to_lowercase();
    matches!(
        words.as_str(),
        "internal" | "endinternal" | "internal-end" | "end-internal"
    )
}

/// A fence line's character and length (```` ``` ```` or `~~~`, three or more).
fn fence_of(line: &str) -> Option<(char, usize)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.chars().take_while(|x| *x == c).count();
    (len >= 3).then_some((c, len))
}

/// `body` with the lines of `blocks` emptied (line breaks kept, so positions hold).
pub fn without_blocks(body: &str, blocks: &[std::ops::RangeInclusive<usize>]) -> String {
    let mut out = String::with_capacity(body.len());
    for (index, line) in body.split_inclusive('\n').enumerate() {
        if blocks.iter().any(|block| block.contains(&index)) {
            if line.ends_with("\r\n") {
                out.push_str("\r\n");
            } else if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(body: &str) -> (Vec<std::ops::RangeInclusive<usize>>, String) {
        let mut diagnostics = Diagnostics::new();
        let found = internal_blocks(Path::new("content/x.md"), body, 5, &mut diagnostics);
        (found, diagnostics.to_string())
    }

    #[test]
    fn blocks_are_found_and_blanked_with_their_lines_kept() {
        let body =
            "a\n<!-- internal -->\nsecret\n```\n<!-- /internal -->\n```\n<!-- /internal -->\nb\n";
        let (found, errors) = blocks(body);
        assert_eq!(errors, "");
        assert_eq!(found, vec![1..=6]);
        assert_eq!(without_blocks(body, &found), "a\n\n\n\n\n\n\nb\n");
    }

    #[test]
    fn unclosed_stray_and_mistyped_markers_are_errors_at_their_lines() {
        let (_, errors) = blocks("a\n<!-- internal -->\nsecret\n");
        assert!(errors.contains("content/x.md:6:1"), "{errors}");
        assert!(errors.contains("never closed"), "{errors}");
        let (_, errors) = blocks("a\n<!-- /internal -->\n");
        assert!(errors.contains("content/x.md:6:1"), "{errors}");
        assert!(errors.contains("without an opening"), "{errors}");
        let (_, errors) = blocks("<!--Internal-->\n");
        assert!(errors.contains("content/x.md:5:1"), "{errors}");
    }
}
