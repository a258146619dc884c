//! Import of freeform postmortems: turns a Markdown (or plain text) document written
//! without front matter into hindsight postmortems, each value with the line it was read
//! from, and reports what was left out and why.
//!
//! Input: the document's text, its file name and the site's root-cause taxonomy. Output:
//! an [`Import`] value (front matter as YAML text, the body, the report), never a file:
//! writing is the CLI's job, which refuses to overwrite. A value is written only with its
//! evidence; what the text does not state, or states twice in ways that disagree, is left
//! out and listed in [`Report::left_out`].
//!
//! The passes, each returning findings (a candidate value and where it was read):
//! [`text`] normalises the document and cleans each line; [`sections`] finds the summary,
//! timeline, root cause and action items; [`kind`] says whether it is a postmortem at all;
//! [`statements`] reads the times and durations the prose states; [`dates`] the dates it
//! gives; [`timeline`] reads the timeline; [`actions`] the follow-ups; [`fields`] and
//! [`classify`] the impact, root cause, severity and services. [`decide`] applies the
//! cross-checks and chooses; [`write`] writes the front matter with each value's evidence.

mod actions;
mod classify;
mod dates;
mod decide;
mod evidence;
mod fields;
mod incidents;
mod kind;
mod mentions;
mod phrases;
mod sections;
mod statements;
mod text;
mod timeline;
mod times;
mod title;
mod write;

pub use evidence::{Evidence, LeftOut, Report, Value};

use sections::Kind;
use text::Line;

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
    /// The document reads as a postmortem: one per incident it reports.
    Postmortems(Vec<Imported>),
    /// The document is not a postmortem (a guide, a template, a policy page...).
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
    /// The front matter, as YAML text without the `---` fences, in the schema of DESIGN.md,
    /// each value's evidence in a comment on its line.
    pub front_matter: String,
    /// The Markdown body: the document's prose, with the title line removed.
    pub body: String,
    /// What was written (with evidence) and what was left out (with why).
    pub report: Report,
}

/// Reads one document. `file_name` (`2024-03-12-db-outage.md`) is checked against the
/// text's dates; it is never the only evidence of a date. `force` imports a document that
/// does not read as a postmortem too (the report says why it would have been declined).
pub fn import_document(
    text: &str,
    file_name: Option<&str>,
    root_causes: &[RootCauseHint],
    force: bool,
) -> Import {
    let source = text::normalize(text);
    let doc = Document::read(&source);
    let mut notes = source.notes.clone();
    if let Some(reason) = doc.not_a_postmortem() {
        if !force {
            return Import::NotAPostmortem { reason };
        }
        notes.push(format!(
            "imported with --force although it is not a postmortem: {reason}"
        ));
    }
    let read = |doc: &Document<'_>, incident: Incident| {
        read_incident(doc, file_name, root_causes, incident, &notes)
    };
    let postmortems = match incidents::find(&doc.lines, &doc.sections) {
        incidents::Incidents::One => vec![read(&doc, Incident::Only)],
        incidents::Incidents::Mixed(headings) => vec![read(&doc, Incident::Mixed(headings))],
        incidents::Incidents::Separated(list) => (0..list.len())
            .map(|k| {
                let heading = list.get(k).map(|(_, h)| h.clone()).unwrap_or_default();
                let part = incidents::slice(&source, &list, k);
                read(&Document::read(&part), Incident::Separated(heading))
            })
            .collect(),
    };
    Import::Postmortems(postmortems)
}

/// Which incident of the document is read.
enum Incident {
    /// The document reports one.
    Only,
    /// Its own section, whose heading this is.
    Separated(String),
    /// Several, not separated: the headings that number them.
    Mixed(Vec<String>),
}

/// A document's cleaned lines and sections, and how it writes dates.
struct Document<'a> {
    source: &'a text::Source,
    lines: Vec<Line>,
    sections: Vec<sections::Section>,
    order: times::DayOrder,
    title: title::TitleChoice,
    /// Every timeline entry of the document, before any is placed.
    entries: Vec<timeline::RawEntry>,
}

impl<'a> Document<'a> {
    fn read(source: &'a text::Source) -> Document<'a> {
        let lines = text::lines(&source.text);
        let sections = sections::split(&lines);
        let plain: String = lines
            .iter()
            .filter(|l| !l.code)
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let order = times::day_order(&plain);
        let summary_sentence = title::summary_sentence(&lines, &sections, order);
        let title = title::choose_title(
            source,
            &lines,
            &sections,
            order,
            summary_sentence.as_deref(),
        );
        let entries = timeline::extract(&lines, &sections, order);
        Document {
            source,
            lines,
            sections,
            order,
            title,
            entries,
        }
    }

    /// Why the document is not a postmortem, if it is not.
    fn not_a_postmortem(&self) -> Option<String> {
        let (lines, sections, order) = (&self.lines, &self.sections, self.order);
        // Any date or clock time anywhere, for telling a report from a policy page.
        let prose = lines.iter().filter(|l| !l.code);
        let has_date = prose
            .clone()
            .any(|l| !times::find_dates(&l.text, order).is_empty());
        let has_times = prose
            .clone()
            .any(|l| !times::find_clocks(&l.text, times::ClockRules::default()).is_empty());
        let (_, links) = text::unlink_documents(&self.source.text);
        kind::not_a_postmortem(
            lines,
            sections,
            &self.title.text,
            has_date,
            has_times,
            self.entries.len(),
            links.len(),
        )
    }
}

/// Reads one incident of a document into a postmortem.
fn read_incident(
    doc: &Document<'_>,
    file_name: Option<&str>,
    root_causes: &[RootCauseHint],
    incident: Incident,
    notes: &[String],
) -> Imported {
    let (source, lines, sections, order) = (doc.source, &doc.lines, &doc.sections, doc.order);
    let mut report = Report::default();
    for note in notes {
        report.note(note.clone());
    }
    let statements = statements::read(source, lines, sections, order);
    let mut raw_entries = doc.entries.clone();
    // The opening and closing sections are shared by the document's incidents: whose each
    // of their times is cannot be told.
    if let Some(own) = &source.own_lines {
        raw_entries.retain(|e| own.contains(&e.src));
    }
    let mut title = doc.title.clone();
    if let Incident::Separated(heading) = &incident {
        report.note(format!(
            "the document reports several incidents, each in its own section; this is the one under {}",
            evidence::quote(heading)
        ));
        if let Some(own) = incidents::title(heading) {
            title.text = own;
        }
    }
    if let Some(note) = &title.note {
        report.note(note.clone());
    }
    let dates = dates::find(
        source,
        lines,
        sections,
        order,
        title.src,
        file_name,
        &raw_entries,
    );
    let zone = statements::document_zone(source, lines, sections, &statements.zones, &raw_entries);
    let several = match &incident {
        Incident::Mixed(headings) => Some(headings.clone()),
        _ => None,
    };
    let findings = decide::Findings {
        source,
        sections,
        statements: &statements,
        dates: &dates,
        entries: &raw_entries,
        zone,
        several,
    };
    let times = decide::decide(&findings, &mut report);
    let fields = read_fields(
        source,
        lines,
        sections,
        order,
        title.text.clone(),
        &times,
        root_causes,
        &mut report,
    );
    let front_matter = write::front_matter(&fields, &times, &mut report);

    let (body, unlinked) = text::unlink_documents(&title::body_of(&source.text, title.src));
    if !unlinked.is_empty() {
        report.note(format!(
            "links: {} link{} to other documents kept as plain text, since the imported file no longer sits next to them: {}",
            unlinked.len(),
            if unlinked.len() == 1 { "" } else { "s" },
            unlinked.join(", ")
        ));
    }
    let date = times.date.as_ref().map(|(d, _)| d.to_string());
    Imported {
        slug: title::slug_for(&fields.title, date.as_deref()),
        front_matter,
        body,
        report,
    }
}

/// The first line whose text contains `needle`, as evidence.
fn line_with(source: &text::Source, lines: &[Line], needle: &str) -> Option<evidence::Evidence> {
    let needle = needle.trim();
    lines
        .iter()
        .find(|l| !l.code && l.text.contains(needle))
        .map(|l| evidence::Evidence::new(source.line_number(l.src), &l.text))
}

/// The fields read from words: impact, root cause, severity, services, detection and the
/// action items.
#[allow(
    clippy::too_many_arguments,
    reason = "the findings of one document, passed once"
)]
fn read_fields(
    source: &text::Source,
    lines: &[Line],
    sections: &[sections::Section],
    order: times::DayOrder,
    title: String,
    times: &decide::Times,
    root_causes: &[RootCauseHint],
    report: &mut Report,
) -> write::Fields {
    let mut fields = write::Fields {
        title,
        ..write::Fields::default()
    };
    let (impact_summary, users) = fields::read_impact(lines, sections);
    fields.impact_summary = impact_summary;
    if let Some((pct, quote_text)) = users {
        match line_with(source, lines, &quote_text) {
            Some(evidence) => fields.users_affected_pct = Some((pct, evidence)),
            None => report.leave_out("impact.users_affected_pct", "its line could not be found"),
        }
    }

    let (primary, secondary) = fields::root_cause_text(lines, sections);
    match classify::root_cause(&primary, &secondary, root_causes) {
        Ok((key, why)) => {
            let words = why.into_iter().take(5).collect::<Vec<_>>().join(", ");
            fields.root_cause = Some((key, words));
        }
        Err(why) => report.leave_out("root_cause", why),
    }

    let summary_text: String = sections
        .iter()
        .filter(|s| s.kind.is_summary_like() || s.kind == Kind::RootCause)
        .flat_map(|s| fields::section_lines(lines, s))
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    match classify::severity(&summary_text) {
        Some(Ok(sev)) => {
            let evidence = lines
                .iter()
                .find(|l| !l.code && matches!(classify::severity(&l.text), Some(Ok(s)) if s == sev))
                .map(|l| evidence::Evidence::new(source.line_number(l.src), &l.text));
            match evidence {
                Some(e) => fields.severity = Some((sev, e)),
                None => report.leave_out("severity", "its line could not be found"),
            }
        }
        Some(Err(words)) => report.leave_out(
            "severity",
            format!(
                "stated as {} which is not a SEVn level; set it by hand",
                evidence::quote(&words)
            ),
        ),
        None => report.leave_out("severity", "not stated"),
    }
    let labelled = fields::labelled_services(lines, sections);
    fields.services = classify::services(&labelled, &format!("{}\n{summary_text}", fields.title));

    let detection_text = times
        .detected
        .as_ref()
        .map(|m| m.evidence.quote.clone())
        .unwrap_or_default();
    let detection_section: String = sections
        .iter()
        .filter(|s| s.kind == Kind::Detection)
        .flat_map(|s| lines.get(s.lines.clone()).unwrap_or(&[]).iter())
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    fields.detection = classify::detection_method(&format!("{detection_text} {detection_section}"))
        .and_then(crate::content::postmortem::Detection::parse);

    let raw_lines: Vec<&str> = source.text.split('\n').collect();
    fields.action_items = actions::extract(lines, &raw_lines, sections, order)
        .into_iter()
        .map(|item| {
            let evidence = evidence::Evidence::new(source.line_number(item.src), &item.task);
            (item, evidence)
        })
        .collect();
    if fields.action_items.is_empty() {
        report.leave_out("action_items", "none found");
    }
    fields
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_classes;
