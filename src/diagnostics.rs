//! User mistakes, collected rather than propagated.
//!
//! Every stage that reads something a user wrote pushes [`Diagnostic`]s into one
//! [`Diagnostics`] value and carries on, so a build reports every problem at once. The
//! pipeline stops after a stage when [`Diagnostics::has_errors`] is true. This module
//! owns the compiler-style text form (`error: file:line:col: message`), the JSON form,
//! and the "did you mean" suggestions; it never prints.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Stops the build.
    Error,
    /// Reported by `check`; the build carries on.
    Warning,
}

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
}

impl LineCol {
    /// A position at the start of `line`.
    pub fn line(line: usize) -> Self {
        Self { line, col: 1 }
    }

    /// The line and column of byte `offset` in `text` (clamped to the text).
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Self { line, col }
    }
}

/// Byte offsets → line:col for offsets that mostly grow, as a parser's events give them.
/// Each step counts only the text since the previous offset, so positions for every
/// link of a body cost one pass over it; [`LineCol::of_offset`] from the start each
/// time is quadratic over a large file with many links.
#[derive(Debug, Clone)]
pub struct LineCursor<'a> {
    text: &'a str,
    offset: usize,
    pos: LineCol,
}

impl<'a> LineCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            pos: LineCol { line: 1, col: 1 },
        }
    }

    /// The position of `offset` (clamped to the text, rounded down to a character).
    pub fn at(&mut self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.offset {
            // Rare (a parser going back into the same line): step back to the line start.
            let back = &self.text[offset..self.offset];
            let line = self.pos.line - back.matches('\n').count();
            let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let col = self.text[line_start..offset].chars().count() + 1;
            self.pos = LineCol { line, col };
        } else {
            let step = &self.text[self.offset..offset];
            match step.rfind('\n') {
                Some(last) => {
                    self.pos.line += step.matches('\n').count();
                    self.pos.col = step[last + 1..].chars().count() + 1;
                }
                None => self.pos.col += step.chars().count(),
            }
        }
        self.offset = offset;
        self.pos
    }
}

/// One problem found in the user's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// The file, relative to the site root where possible.
    pub file: PathBuf,
    /// Where in the file, when known.
    #[serde(flatten)]
    pub pos: Option<LineCol>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `pos` in `file`.
    pub fn error(file: impl AsRef<Path>, pos: Option<LineCol>, message: impl Into<String>) -> Self {
        Self {
            level: Level::Error,
            file: file.as_ref().to_path_buf(),
            pos,
            message: message.into(),
            help: None,
        }
    }

    /// A warning at `pos` in `file`.
    pub fn warning(
        file: impl AsRef<Path>,
        pos: Option<LineCol>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            level: Level::Warning,
            ..Self::error(file, pos, message)
        }
    }

    /// Adds advice on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        write!(f, "{level}: {}", self.file.display())?;
        if let Some(pos) = self.pos {
            write!(f, ":{}:{}", pos.line, pos.col)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of a run, in the order found; sorted when reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds every diagnostic of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.level == Level::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.level == Level::Error).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.iter().filter(|d| d.level == Level::Warning).count()
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The diagnostics sorted by file, line and column, for reporting.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.0.iter().collect();
        all.sort_by(|a, b| {
            (&a.file, a.pos, a.level, &a.message).cmp(&(&b.file, b.pos, b.level, &b.message))
        });
        all
    }

    /// Iterates in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in self.sorted() {
            writeln!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `input`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(input, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// ` (did you mean "x"?)` or nothing.
pub fn suggestion<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(input, candidates)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos_and_ignores_strangers() {
        let keys = ["configuration", "deployment", "capacity"];
        assert_eq!(did_you_mean("confguration", keys), Some("configuration"));
        assert_eq!(did_you_mean("deploymnet", keys), Some("deployment"));
        assert_eq!(did_you_mean("zebra", keys), None);
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\ncé:x";
        assert_eq!(LineCol::of_offset(text, 0), LineCol { line: 1, col: 1 });
        assert_eq!(LineCol::of_offset(text, 3), LineCol { line: 2, col: 1 });
        // 'é' is two bytes; the colon after it is the third character.
        assert_eq!(LineCol::of_offset(text, 6), LineCol { line: 2, col: 3 });
        assert_eq!(LineCol::of_offset(text, 5), LineCol { line: 2, col: 2 });
        // The cursor agrees with of_offset at every offset, in order and going back.
        let mut cursor = LineCursor::new(text);
        for offset in (0..=text.len() + 2).chain([5, 0, 6, 3]) {
            assert_eq!(
                cursor.at(offset),
                LineCol::of_offset(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn diagnostic_displays_like_a_compiler() {
        let d = Diagnostic::error(
            "content/2024/db-auth.md",
            Some(LineCol { line: 7, col: 14 }),
            "unknown root cause \"confguration\" (did you mean \"configuration\"?)",
        );
        assert_eq!(
            d.to_string(),
            "error: content/2024/db-auth.md:7:14: unknown root cause \"confguration\" (did you mean \"configuration\"?)"
        );
    }
}
