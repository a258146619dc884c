//! Several incidents in one document. Where the document gives each its own section
//! (`## Incident 1: ...`, `## Incident 2: ...`), each is imported as a postmortem of its
//! own, with the document's opening and closing sections (its summary, its follow-ups);
//! where it only numbers them in passing (`Metrics during event 2`), one postmortem is
//! imported with no times, since which time belongs to which incident is not clear.

use super::phrases;
use std::ops::Range;

use super::sections::Section;
use super::text::{Line, Source};
use super::times::pattern;

/// What the document holds.
#[derive(Debug)]
pub(super) enum Incidents {
    /// One incident.
    One,
    /// A section per incident: for each, the source lines of its section and its heading.
    Separated(Vec<(Range<usize>, String)>),
    /// Several incidents, not separated: the headings that number them.
    Mixed(Vec<String>),
}

pattern!(
    /// A heading that opens an incident's section: `Incident 2: ...`, `INCIDENT #1 -`,
    /// `Second incident`.
    INCIDENT_SECTION = r"(?i)^(?:incident|outage)\s*#?\s*(\d{1,2})\b|^(first|second|third|fourth)\s+(?:incident|outage)\b"
);
pattern!(
    /// A heading that numbers an incident or event in passing: `Metrics during event 2`.
    NUMBERED_EVENT = r"(?i)\b(?:incident|outage|event|wave|attack)\s*#?\s*(\d{1,2})\b"
);

fn number(c: &regex::Captures<'_>) -> Option<String> {
    c.get(1)
        .or_else(|| c.get(2))
        .map(|m| m.as_str().to_lowercase())
}

/// Finds the incidents of a document.
pub(super) fn find(lines: &[Line], sections: &[Section]) -> Incidents {
    let heading_of = |s: &Section| {
        s.heading
            .and_then(|h| lines.get(h))
            .filter(|l| l.heading.is_some())
    };
    // Incident sections: headings of one level that open with "Incident N".
    let mut opened: Vec<(usize, u8, String, String)> = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        let Some(line) = heading_of(s) else { continue };
        if let Some(c) = INCIDENT_SECTION
            .as_ref()
            .and_then(|re| re.captures(&line.text))
            && let (Some(n), Some(level)) = (number(&c), line.heading)
        {
            opened.push((i, level, n, line.text.clone()));
        }
    }
    let level = opened.first().map(|o| o.1);
    opened.retain(|o| Some(o.1) == level);
    let mut numbers: Vec<&String> = opened.iter().map(|o| &o.2).collect();
    numbers.sort();
    numbers.dedup();
    if numbers.len() >= 2 && numbers.len() == opened.len() {
        let level = level.unwrap_or(2);
        let mut out = Vec::new();
        for (k, (i, _, _, text)) in opened.iter().enumerate() {
            let start = sections.get(*i).and_then(|s| s.heading).unwrap_or(0);
            // The section runs to the next incident, or to the next heading of its level.
            let next_incident = opened.get(k + 1).map(|o| o.0);
            let end = sections
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(j, s)| {
                    Some(*j) == next_incident
                        || heading_of(s)
                            .and_then(|l| l.heading)
                            .is_some_and(|l| l <= level)
                })
                .and_then(|(_, s)| s.heading)
                .unwrap_or(lines.len());
            let (Some(first), Some(last)) = (lines.get(start), lines.get(end.saturating_sub(1)))
            else {
                continue;
            };
            out.push((first.src..last.src + 1, text.clone()));
        }
        if out.len() >= 2 {
            return Incidents::Separated(out);
        }
    }
    // Incidents numbered in passing.
    let mut numbered: Vec<(String, String)> = Vec::new();
    for s in sections {
        let Some(line) = heading_of(s) else { continue };
        if let Some(c) = NUMBERED_EVENT
            .as_ref()
            .and_then(|re| re.captures(&line.text))
            && let Some(n) = number(&c)
            && !numbered.iter().any(|(m, _)| *m == n)
        {
            numbered.push((n, line.text.clone()));
        }
    }
    if numbered.len() >= 2 {
        return Incidents::Mixed(numbered.into_iter().map(|(_, t)| t).collect());
    }
    // "The workers stopped twice in one week. On 8 April ... On 11 April ...": a summary
    // that says so and names more than one day.
    for s in sections.iter().filter(|s| s.kind.is_summary_like()) {
        let text: String = lines
            .get(s.lines.clone())
            .unwrap_or(&[])
            .iter()
            .filter(|l| !l.code)
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let lower = text.to_lowercase();
        let says_so = phrases::REPEATED.iter().find(|p| lower.contains(*p));
        let mut days: Vec<jiff::civil::Date> =
            super::times::find_dates(&text, super::times::DayOrder::Unknown)
                .into_iter()
                .filter_map(|d| d.value.full())
                .collect();
        days.sort();
        days.dedup();
        if let Some(phrase) = says_so
            && days.len() >= 2
        {
            return Incidents::Mixed(vec![format!(
                "the summary says \"{phrase}\" and names {} days",
                days.len()
            )]);
        }
    }
    Incidents::One
}

/// The document as one incident's: its lines before the first incident, the incident's
/// own, and those after the last incident, with the file's line numbers kept.
pub(super) fn slice(source: &Source, incidents: &[(Range<usize>, String)], which: usize) -> Source {
    let all: Vec<&str> = source.text.split('\n').collect();
    let first = incidents.first().map_or(0, |(r, _)| r.start);
    let last = incidents.last().map_or(all.len(), |(r, _)| r.end);
    let own = incidents.get(which).map_or(0..0, |(r, _)| r.clone());
    let keep = |i: usize| i < first || own.contains(&i) || i >= last;
    let mut text = Vec::new();
    let mut origin = Vec::new();
    for (i, line) in all.iter().enumerate().filter(|(i, _)| keep(*i)) {
        text.push(*line);
        origin.push(source.line_number(i));
    }
    // Every line before the first incident is kept, so its own lines start there.
    let own_start = first.min(own.start);
    Source {
        text: text.join("\n"),
        preamble_title: None,
        notes: Vec::new(),
        origin,
        own_lines: Some(own_start..own_start + own.len()),
    }
}

/// A title for an incident from its heading: `Incident 2: Disk full (23:15-02:43 UTC)`
/// reads `Disk full`.
pub(super) fn title(heading: &str) -> Option<String> {
    let rest = INCIDENT_SECTION
        .as_ref()
        .and_then(|re| re.find(heading))
        .map_or(heading, |m| heading.get(m.end()..).unwrap_or(""));
    let rest = rest.trim_start_matches(|c: char| {
        c == ':' || c == '-' || c == '–' || c == '—' || c.is_whitespace()
    });
    let cut = rest
        .find(" (")
        .or_else(|| rest.find(" - "))
        .unwrap_or(rest.len());
    let title = rest.get(..cut).unwrap_or(rest).trim();
    (title.split_whitespace().count() >= 2).then(|| title.to_string())
}
