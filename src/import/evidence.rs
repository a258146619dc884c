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
            quote: super::text::truncate_words(&one_line(text, QUOTE_CHARS), QUOTE_CHARS),
        }
    }

    /// `line 7: "from 2:30 PM to 3:15 PM (GMT+1)"`, for reports and YAML comments.
    pub fn describe(&self) -> String {
        format!("line {}: {}", self.line, quote(&self.quote))
    }
}

/// How long a quote may be, in characters.
const QUOTE_CHARS: usize = 80;

/// The words of `text` on one line, stopping once past `max` characters (the rest is cut
/// anyway), so that a quote costs its own length and not that of its paragraph.
fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
    }
    out
}

/// `"text"`, cut to a readable length, for reports and the evidence comments of the front
/// matter: control characters are written as `\u{1}` (YAML refuses them even in a
/// comment, and a terminal would obey them).
pub(crate) fn quote(text: &str) -> String {
    let text = one_line(text, QUOTE_CHARS).replace('"', "'");
    format!(
        "\"{}\"",
        super::text::truncate_words(&crate::text::for_terminal(&text), QUOTE_CHARS)
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
    /// The reasons given so far (boxed: most reports have a handful).
    #[serde(skip)]
    reasons: Box<Reasons>,
}

/// Every (field, reason) given, to say each once at a cost that does not grow with them,
/// and for a field with more reasons than are listed, how many more and where in
/// `left_out` that is said.
#[derive(Debug, Clone, Default, PartialEq)]
struct Reasons {
    given: std::collections::HashSet<(String, String)>,
    unlisted: std::collections::HashMap<String, (usize, usize)>,
}

/// How many reasons are listed for one field; a document with thousands of times that
/// cannot be placed gets a count of the rest, not thousands of lines.
const REASONS_LISTED: usize = 5;

impl Report {
    pub(crate) fn leave_out(&mut self, field: &str, reason: impl Into<String>) {
        let reason = reason.into();
        if !self
            .reasons
            .given
            .insert((field.to_string(), reason.clone()))
        {
            return;
        }
        if let Some((more, at)) = self.reasons.unlisted.get_mut(field) {
            *more += 1;
            if let Some(entry) = self.left_out.get_mut(*at) {
                entry.reason = format!("and {more} more reasons like these");
            }
            return;
        }
        let listed = self.left_out.iter().filter(|l| l.field == field).count();
        if listed == REASONS_LISTED {
            self.reasons
                .unlisted
                .insert(field.to_string(), (1, self.left_out.len()));
            self.left_out.push(LeftOut {
                field: field.to_string(),
                reason: "and 1 more reason like these".to_string(),
            });
            return;
        }
        self.left_out.push(LeftOut {
            field: field.to_string(),
            reason,
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_lists_five_reasons_and_counts_the_rest_once_each() {
        let mut report = Report::default();
        for i in 0..12 {
            report.leave_out("started", format!("reason {i}"));
            report.leave_out("started", format!("reason {i}"));
        }
        report.leave_out("resolved", "its own");
        let reasons: Vec<&str> = report.left_out.iter().map(|l| l.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "reason 0",
                "reason 1",
                "reason 2",
                "reason 3",
                "reason 4",
                "and 7 more reasons like these",
                "its own"
            ]
        );
    }

    #[test]
    fn a_quote_of_a_long_paragraph_is_its_start_on_one_line() {
        let paragraph = "word\n  ".repeat(10_000);
        let evidence = Evidence::new(3, &paragraph);
        assert!(evidence.quote.starts_with("word word"));
        assert!(evidence.quote.ends_with('…'));
        assert!(evidence.quote.chars().count() <= QUOTE_CHARS);
    }
}
