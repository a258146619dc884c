//! Splitting a file into YAML front matter and Markdown body, and finding where keys are.
//!
//! serde_yaml reports positions for syntax and type errors only, so semantic errors
//! (an unknown root cause, milestones out of order) are located with [`KeyLines`]: a
//! small index of top-level keys and list items built from the front-matter text. Lines
//! here are file lines (the opening `---` is line 1 of the file, or later after a BOM).

use crate::diagnostics::LineCol;

/// A file split at its `---` fences.
#[derive(Debug)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// File line of the first YAML line.
    pub yaml_first_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of the body in the file text.
    pub body_offset: usize,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `---`.
    NoFrontMatter,
    /// No closing `---` line.
    Unclosed,
}

/// Splits `text` (already UTF-8, BOM stripped) at its front-matter fences.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Err(SplitError::NoFrontMatter);
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        // Trailing spaces are allowed after the closing fence as after the opening one.
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unclosed)
}

/// Where each top-level key and each list item of the front matter is.
#[derive(Debug, Default)]
pub struct KeyLines {
    keys: Vec<KeyPos>,
    /// Every top-level key as written (`1`, `~`, `[a, b]` after `? `), for locating keys
    /// that are not strings.
    raw_keys: Vec<(String, LineCol)>,
}

#[derive(Debug)]
struct KeyPos {
    key: String,
    pos: LineCol,
    /// Positions of the `- ` items under the key (block lists), in order.
    items: Vec<LineCol>,
    /// Values of the keys nested one level under the key (block mappings).
    children: Vec<(String, LineCol)>,
}

impl KeyLines {
    /// Indexes `yaml`, whose first line is file line `first_line`.
    pub fn index(yaml: &str, first_line: usize) -> Self {
        let mut keys: Vec<KeyPos> = Vec::new();
        let mut raw_keys = Vec::new();
        let mut item_indent: Option<usize> = None;
        for (i, line) in yaml.lines().enumerate() {
            let file_line = first_line + i;
            let indent = line.len() - line.trim_start_matches(' ').len();
            let trimmed = line.trim_start_matches(' ');
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if indent == 0 && !trimmed.starts_with('-') {
                if let Some(complex) = trimmed.strip_prefix("? ") {
                    raw_keys.push((complex.to_string(), LineCol::line(file_line)));
                    continue;
                }
                if let Some((key, rest)) = trimmed.split_once(':') {
                    raw_keys.push((key.trim().to_string(), LineCol::line(file_line)));
                    let key = key.trim().trim_matches(['"', '\'']).to_string();
                    let value_start = line.len() - rest.trim_start().len();
                    let col = if rest.trim().is_empty() {
                        1
                    } else {
                        line[..value_start].chars().count() + 1
                    };
                    keys.push(KeyPos {
                        key,
                        pos: LineCol {
                            line: file_line,
                            col,
                        },
                        items: Vec::new(),
                        children: Vec::new(),
                    });
                    item_indent = None;
                }
                continue;
            }
            if !trimmed.starts_with('-') {
                // `  users_affected_pct: 150` under `impact:`: a nested key.
                let Some(current) = keys.last_mut() else {
                    continue;
                };
                match item_indent {
                    None => item_indent = Some(indent),
                    Some(expected) if expected != indent => continue,
                    Some(_) => {}
                }
                if let Some((key, rest)) = trimmed.split_once(':') {
                    let value_start = line.len() - rest.trim_start().len();
                    current.children.push((
                        key.trim().trim_matches(['"', '\'']).to_string(),
                        LineCol {
                            line: file_line,
                            col: line[..value_start].chars().count() + 1,
                        },
                    ));
                }
                continue;
            }
            if trimmed.starts_with("- ") || trimmed == "-" {
                let Some(current) = keys.last_mut() else {
                    continue;
                };
                match item_indent {
                    None => item_indent = Some(indent),
                    Some(expected) if expected != indent => continue,
                    Some(_) => {}
                }
                current.items.push(LineCol {
                    line: file_line,
                    col: indent + 3,
                });
            }
        }
        Self { keys, raw_keys }
    }

    /// The line of a top-level key that is not a string (`1:`, `~:`, `? [a, b]`).
    pub fn raw_key(&self, key: &serde_yaml::Value) -> Option<LineCol> {
        self.raw_keys
            .iter()
            .find(|(text, _)| {
                serde_yaml::from_str::<serde_yaml::Value>(text)
                    .ok()
                    .as_ref()
                    == Some(key)
            })
            .map(|(_, pos)| *pos)
    }

    /// The position of `key`'s value (or of the key when the value is on later lines).
    pub fn key(&self, key: &str) -> Option<LineCol> {
        self.keys.iter().find(|k| k.key == key).map(|k| k.pos)
    }

    /// The position of item `index` of the block list under `key`, or of the key itself.
    pub fn item(&self, key: &str, index: usize) -> Option<LineCol> {
        let entry = self.keys.iter().find(|k| k.key == key)?;
        Some(entry.items.get(index).copied().unwrap_or(entry.pos))
    }

    /// The position of the value of `child`, nested under `key` in a block mapping.
    pub fn child(&self, key: &str, child: &str) -> Option<LineCol> {
        let entry = self.keys.iter().find(|k| k.key == key)?;
        entry
            .children
            .iter()
            .find(|(name, _)| name == child)
            .map(|(_, pos)| *pos)
    }

    /// The line of the last key, for "missing key" errors.
    pub fn end(&self) -> Option<LineCol> {
        self.keys.last().map(|k| LineCol::line(k.pos.line))
    }
}

/// Where a YAML error is and what to do about it: serde_yaml gives no position for some
/// errors, which are then located from the text here.
pub fn describe_yaml_error(
    err: &serde_yaml::Error,
    yaml: &str,
    first_line: usize,
) -> (Option<LineCol>, String, String) {
    let message = err.to_string();
    let message = match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    let located = err.location().map(|loc| LineCol {
        line: loc.line() + first_line - 1,
        col: loc.column(),
    });
    let line_where = |found: &dyn Fn(&str) -> Option<usize>| {
        yaml.lines().enumerate().find_map(|(i, line)| {
            found(line).map(|col| LineCol {
                line: first_line + i,
                col: line[..col].chars().count() + 1,
            })
        })
    };
    if message.contains("more than one document") {
        // `--- !!map` or `---x` inside front matter: YAML reads a second document.
        let pos = line_where(&|line: &str| {
            (line.starts_with("---") || line.starts_with("...")).then_some(0)
        });
        return (
            located.or(pos),
            "a `---` line inside the front matter starts a second YAML document".to_string(),
            "end the front matter with a line holding only `---`; to keep the line as text, indent or quote it".to_string(),
        );
    }
    if message.contains("repetition limit") || message.contains("recursion limit") {
        let pos = line_where(&|line: &str| {
            let bytes = line.as_bytes();
            (0..bytes.len()).find(|&i| {
                bytes[i] == b'*'
                    && (i == 0 || matches!(bytes[i - 1], b' ' | b'[' | b',' | b'{' | b':' | b'-'))
                    && bytes
                        .get(i + 1)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            })
        });
        return (
            located.or(pos),
            format!("{message}: aliases (`*name`) repeat their anchor's value too many times"),
            "write the values out instead of repeating them with anchors and aliases".to_string(),
        );
    }
    (
        located,
        message,
        "quote values that contain `: ` or start with a special character, e.g. title: \"DB: down\"".to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_line_numbers_and_body_offset() {
        let text = "---\ntitle: x\nroot_cause: y\n---\n# Body\n";
        let split = split(text).unwrap();
        assert_eq!(split.yaml, "title: x\nroot_cause: y\n");
        assert_eq!(split.body, "# Body\n");
        assert_eq!(&text[split.body_offset..], "# Body\n");
        let keys = KeyLines::index(split.yaml, split.yaml_first_line);
        assert_eq!(keys.key("root_cause"), Some(LineCol { line: 3, col: 13 }));
    }

    #[test]
    fn split_reports_missing_fences() {
        assert_eq!(
            split("# no front matter").unwrap_err(),
            SplitError::NoFrontMatter
        );
        assert_eq!(
            split("---\ntitle: x\n# body").unwrap_err(),
            SplitError::Unclosed
        );
        assert!(split("---\r\ntitle: x\r\n---\r\nbody").is_ok());
        // Trailing spaces after the closing fence, as after the opening one.
        let split = split("--- \ntitle: x\n---  \nbody").unwrap();
        assert_eq!(split.body, "body");
    }

    #[test]
    fn list_items_are_indexed_under_their_key() {
        let yaml = "title: t\ntimeline:\n  - { at: \"10:00\", event: a }\n  - at: \"10:05\"\n    event: b\naction_items: []\n";
        let keys = KeyLines::index(yaml, 2);
        assert_eq!(keys.item("timeline", 0), Some(LineCol { line: 4, col: 5 }));
        assert_eq!(keys.item("timeline", 1), Some(LineCol { line: 5, col: 5 }));
        assert_eq!(keys.item("timeline", 7), Some(LineCol { line: 3, col: 1 }));
        assert_eq!(keys.key("action_items"), Some(LineCol { line: 7, col: 15 }));
    }

    #[test]
    fn nested_keys_are_indexed_under_their_key() {
        let yaml = "impact:\n  summary: s\n  users_affected_pct: 150\ntitle: t\n";
        let keys = KeyLines::index(yaml, 2);
        assert_eq!(
            keys.child("impact", "users_affected_pct"),
            Some(LineCol { line: 4, col: 23 })
        );
        assert_eq!(keys.child("impact", "owner"), None);
        assert_eq!(keys.child("title", "summary"), None);
    }
}
