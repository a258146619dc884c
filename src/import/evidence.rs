//! Evidence: the line of the document a value was read from and its words, and the
//! report of an import (each value written with its evidence, each field left out with
//! why).

use serde::Serialize;

/// Where a value was read: a line of the file as given (1-based) and its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The 1-based line number in the imported file.
    pub line: usize,
    /// The words on that line that state the value, cut to a readable length.
    pub quote: String,
}

impl Evidence {
    pub(crate) fn new(line: usize, text: &str) -> Evidence {
        Evidence {
            line,
            quote: super::text::truncate_words(&one_line(text), 80),
        }
    }

    /// `line 7: "from 2:30 PM to 3:15 PM (GMT+1)"`, for reports and YAML comments.
    pub fn describe(&self) -> String {
        format!("line {}: {}", self.line, quote(&self.quote))
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `"text"`, cut to a readable length, for reports and the evidence comments of the front
/// matter: control characters are written as `\u{1}` (YAML refuses them even in a
/// comment, and a terminal would obey them).
pub(crate) fn quote(text: &str) -> String {
    let text = one_line(text).replace('"', "'");
    format!(
        "\"{}\"",
        super::text::truncate_words(&crate::text::for_terminal(&text), 80)
    )
}

/// A value the import wrote, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    /// The front-matter field (`started`, `timeline`, `action_items`).
    pub field: String,
    /// The value as written (for lists, a count: `12 entries`).
    pub value: String,
    /// Where it was read; `None` for what the importer sets itself (`status: review`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// A field the import left out, and why (naming the candidates and their lines when the
/// evidence conflicted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// The front-matter field.
    pub field: String,
    /// Why it was left out.
    pub reason: String,
}

/// What one import found and left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Every value written.
    pub values: Vec<Value>,
    /// Every field left out.
    pub left_out: Vec<LeftOut>,
    /// What the importer did to the text (line endings, a dropped preamble...) and what
    /// it noticed but did not act on (a title date the text contradicts).
    pub notes: Vec<String>,
}

impl Report {
    pub(crate) fn leave_out(&mut self, field: &str, reason: impl Into<String>) {
        let reason = reason.into();
        if !self
            .left_out
            .iter()
            .any(|l| l.field == field && l.reason == reason)
        {
            self.left_out.push(LeftOut {
                field: field.to_string(),
                reason,
            });
        }
    }

    pub(crate) fn is_left_out(&self, field: &str) -> bool {
        self.left_out.iter().any(|l| l.field == field)
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}
