//! Import of freeform postmortems: turns a Markdown (or plain text) document written
//! without front matter into a hindsight postmortem, and reports what was inferred and
//! what was not.
//!
//! Input: the document's text and the site's root-cause taxonomy. Output: an
//! [`Import`] value (front matter as YAML text plus the body), never a file: writing is
//! the CLI's job, which refuses to overwrite. This module never invents a value: what it
//! cannot find in the text is left out and listed in [`Imported::missing`].

/// One root cause of the site's taxonomy, as the importer sees it.
#[derive(Debug, Clone)]
pub struct RootCauseHint {
    /// The key in `[root_causes]` (`configuration`).
    pub key: String,
    /// The display name (`Configuration`).
    pub name: String,
    /// The description, may be empty.
    pub description: String,
}

/// What the importer made of one document.
#[derive(Debug, Clone)]
pub enum Import {
    /// The document reads as a postmortem.
    Postmortem(Imported),
    /// The document is not a postmortem (a guide, an assignment text...).
    NotAPostmortem {
        /// Why the importer thinks so, for the report.
        reason: String,
    },
}

/// A postmortem recovered from a freeform document.
#[derive(Debug, Clone)]
pub struct Imported {
    /// A slug suggestion for the output file name (`database-connection-failure`).
    pub slug: String,
    /// The front matter, as YAML text without the `---` fences, in the schema of DESIGN.md.
    pub front_matter: String,
    /// The Markdown body: the document's prose, with the title line removed.
    pub body: String,
    /// What was found, one line each (`started: 2024-08-14T14:30:00+01:00 (from "Issue Summary")`).
    pub found: Vec<String>,
    /// What could not be inferred, one line each (`detected: no detection time in the text`).
    pub missing: Vec<String>,
}

/// Reads one freeform document.
pub fn import_document(_text: &str, _root_causes: &[RootCauseHint]) -> Import {
    Import::NotAPostmortem {
        reason: "importer not written yet".to_string(),
    }
}
