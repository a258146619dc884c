//! `hindsight import` as a command: which files it reads, where it writes (never over a
//! file), and the report it prints, as text for a person or JSON for tools. What a
//! document says is the importer's business ([`crate::import`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::import::{Import, Imported, Report, RootCauseHint};

/// What the command is asked to do.
#[derive(Debug, Clone)]
pub struct Request {
    /// The files to import, in order.
    pub inputs: Vec<PathBuf>,
    /// The folder the postmortems are written to.
    pub out_dir: PathBuf,
    /// Report only; write nothing.
    pub dry_run: bool,
    /// Import documents that do not read as postmortems too.
    pub force: bool,
}

/// What happened to one document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum Outcome {
    /// A postmortem was written (or would be, in a dry run).
    Written {
        /// The file written.
        path: PathBuf,
        /// What was written and what was left out.
        report: Report,
    },
    /// The same postmortem was imported before: the file is left as it is.
    Unchanged {
        /// The file that already holds it.
        path: PathBuf,
    },
    /// Not a postmortem: nothing written.
    Declined {
        /// Why.
        reason: String,
    },
    /// The file could not be read or written.
    Failed {
        /// The error.
        error: String,
    },
}

/// One document's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentOutcome {
    /// The file imported.
    pub source: PathBuf,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Imports each input into `out_dir`. `taken` holds the slugs the site already uses: an
/// imported file never takes one.
pub fn run(
    request: &Request,
    hints: &[RootCauseHint],
    taken: &mut BTreeSet<String>,
) -> Vec<DocumentOutcome> {
    let mut outcomes = Vec::new();
    for input in &request.inputs {
        match read(input) {
            Ok(text) => {
                let name = input.file_name().map(|n| n.to_string_lossy().into_owned());
                match crate::import::import_document(&text, name.as_deref(), hints, request.force) {
                    Import::NotAPostmortem { reason } => outcomes.push(DocumentOutcome {
                        source: input.clone(),
                        outcome: Outcome::Declined { reason },
                    }),
                    Import::Postmortems(postmortems) => {
                        for imported in postmortems {
                            let outcome = write(request, input, imported, taken);
                            outcomes.push(DocumentOutcome {
                                source: input.clone(),
                                outcome,
                            });
                        }
                    }
                }
            }
            Err(outcome) => outcomes.push(DocumentOutcome {
                source: input.clone(),
                outcome,
            }),
        }
    }
    outcomes
}

fn read(input: &Path) -> Result<String, Outcome> {
    let bytes = std::fs::read(input).map_err(|err| Outcome::Failed {
        error: format!("cannot read {}: {err}", input.display()),
    })?;
    String::from_utf8(bytes).map_err(|_| Outcome::Declined {
        reason: "not UTF-8 text".to_string(),
    })
}

/// Writes one postmortem under a free name. The same document imported again is reported
/// as unchanged; any other file with the name, or a slug the site uses, moves on to `-2`,
/// `-3`...
fn write(
    request: &Request,
    input: &Path,
    imported: Imported,
    taken: &mut BTreeSet<String>,
) -> Outcome {
    let mut front_matter = imported.front_matter;
    if !front_matter.ends_with('\n') {
        front_matter.push('\n');
    }
    let document = format!("---\n{front_matter}---\n\n{}", imported.body);
    let base = Some(crate::keys::slugify(&imported.slug))
        .filter(|s| !s.is_empty())
        .or_else(|| {
            input
                .file_stem()
                .map(|s| crate::keys::slugify(&s.to_string_lossy()))
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "imported".to_string());
    let mut n = 1;
    let (target, slug) = loop {
        let slug = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let target = request.out_dir.join(format!("{slug}.md"));
        if target.exists() {
            if std::fs::read(&target).is_ok_and(|old| old == document.as_bytes()) {
                taken.insert(slug);
                return Outcome::Unchanged { path: target };
            }
        } else if !taken.contains(&slug) {
            break (target, slug);
        }
        n += 1;
    };
    taken.insert(slug);
    if !request.dry_run {
        let result = std::fs::create_dir_all(&request.out_dir).and_then(|()| {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)?;
            std::io::Write::write_all(&mut file, document.as_bytes())
        });
        if let Err(err) = result {
            return Outcome::Failed {
                error: format!("cannot write {}: {err}", target.display()),
            };
        }
    }
    Outcome::Written {
        path: target,
        report: imported.report,
    }
}

/// The report for a person: a block per document, then the summary line.
pub fn text_report(request: &Request, outcomes: &[DocumentOutcome]) -> String {
    let mut out = String::new();
    for d in outcomes {
        let source = d.source.display();
        match &d.outcome {
            Outcome::Written { path, report } => {
                let verb = if request.dry_run { "would write" } else { "wrote" };
                out.push_str(&format!("{source} → {} ({verb})\n", path.display()));
                for v in &report.values {
                    match &v.evidence {
                        Some(e) if e.line > 0 => {
                            out.push_str(&format!("  {}: {}   {}\n", v.field, v.value, e.describe()));
                        }
                        Some(e) => out.push_str(&format!(
                            "  {}: {}   file name: \"{}\"\n",
                            v.field, v.value, e.quote
                        )),
                        None => out.push_str(&format!("  {}: {}\n", v.field, v.value)),
                    }
                }
                for l in &report.left_out {
                    out.push_str(&format!("  left out: {}: {}\n", l.field, l.reason));
                }
                for n in &report.notes {
                    out.push_str(&format!("  note: {n}\n"));
                }
            }
            Outcome::Unchanged { path } => {
                out.push_str(&format!(
                    "{source} → {}: already imported, unchanged\n",
                    path.display()
                ));
            }
            Outcome::Declined { reason } => out.push_str(&format!(
                "{source}: not a postmortem: {reason} (nothing written; --force imports it anyway)\n"
            )),
            // Printed to stderr by the caller, with the other errors.
            Outcome::Failed { .. } => {}
        }
    }
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|d| f(&d.outcome)).count();
    let written = count(|o| matches!(o, Outcome::Written { .. }));
    let unchanged = count(|o| matches!(o, Outcome::Unchanged { .. }));
    let declined = count(|o| matches!(o, Outcome::Declined { .. }));
    let verb = if request.dry_run {
        "Would import"
    } else {
        "Imported"
    };
    out.push_str(&format!(
        "{verb} {written} postmortem{} into {}; {unchanged} already imported, {declined} declined as not postmortem{}{}\n",
        plural(written),
        request.out_dir.display(),
        plural(declined),
        if request.dry_run {
            " (dry run: nothing was written)"
        } else {
            ""
        }
    ));
    if written > 0 && !request.dry_run {
        out.push_str(
            "Next: review each value's evidence (the `# line N` comments), delete the comments, run `hindsight check`.\n",
        );
    }
    out
}

/// The report for tools: every document's outcome, with each value's line and quote.
pub fn json_report(request: &Request, outcomes: &[DocumentOutcome]) -> String {
    #[derive(Serialize)]
    struct Json<'a> {
        dry_run: bool,
        out_dir: &'a Path,
        documents: &'a [DocumentOutcome],
    }
    serde_json::to_string_pretty(&Json {
        dry_run: request.dry_run,
        out_dir: &request.out_dir,
        documents: outcomes,
    })
    .unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
