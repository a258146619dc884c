//! Which dates the document gives for the incident, and where: a labelled date, dates in
//! the summary's sentences, the timeline's first date, the title, the file name. Findings
//! only; the decision step weighs them against each other and against the start.

use super::phrases;
use jiff::civil::Date;

use super::evidence::{Evidence, quote};
use super::sections::Section;
use super::text::{self, Line, Source};
use super::timeline::RawEntry;
use super::times::{self, DateValue, DayOrder};

/// Where a date was read, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum DateSource {
    /// `Date: 2024-03-12`, `Date of incident: ...`, a `Date` section or table row.
    Label,
    /// A sentence of the summary-like sections.
    Prose,
    /// The first entry of the timeline that has a date.
    Timeline,
    /// The document's title.
    Title,
    /// A section of background or history: what came before. Never the date alone; a
    /// title date it contradicts is not believed either.
    Background,
    /// The file's name (`2024-03-12-db-outage.md`): checked against the text, never used
    /// alone, since it is as often the day the report was written.
    FileName,
}

/// One date the document gives.
#[derive(Debug, Clone)]
pub(super) struct DateFound {
    pub(super) date: Date,
    pub(super) source: DateSource,
    pub(super) evidence: Evidence,
    /// The last day of a range of days (`August 18-19, 2025`): dates up to it are the
    /// same incident's, not other candidates.
    pub(super) through: Option<Date>,
}

/// Every date found, and why some could not be read.
#[derive(Debug, Default)]
pub(super) struct DateFindings {
    pub(super) found: Vec<DateFound>,
    /// Problems with dates that could not be completed (no year, day/month order).
    pub(super) problems: Vec<String>,
    /// The year the document's summary states, for completing its timeline's dates.
    pub(super) year: Option<i16>,
}

impl DateFindings {
    /// The dates found from one kind of source.
    pub(super) fn from(&self, source: DateSource) -> impl Iterator<Item = &DateFound> {
        self.found.iter().filter(move |d| d.source == source)
    }
}

/// The last day of `August 18-19, 2025` or `18–20 March 2024` (the range's first day is
/// `first`): a second day number after a dash, later in the same month.
fn last_day_of_range(written: &str, first: Date) -> Option<Date> {
    let day = first.day().to_string();
    let after = written.find(&day).map(|at| at + day.len())?;
    let rest = written.get(after..)?.trim_start();
    let rest = rest.strip_prefix(['-', '–', '—'])?.trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let last: i8 = digits.parse().ok()?;
    (last > first.day())
        .then(|| Date::new(first.year(), first.month(), last).ok())
        .flatten()
}

pub(super) fn date_excluded(text: &str) -> bool {
    let t = text.to_lowercase();
    phrases::EXCLUDED_DATE_CONTEXT.iter().any(|w| t.contains(w))
}

pub(super) fn is_date_label(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let Some(colon) = t.find(':') else {
        return false;
    };
    let label = t.get(..colon).unwrap_or("").trim();
    matches!(
        label,
        "date"
            | "date/time"
            | "date / time"
            | "incident date"
            | "date of incident"
            | "date of the incident"
            | "outage date"
            | "date of outage"
            | "when"
            | "incident date/time"
    )
}

/// The words just before a date say it is not the incident's ("last updated", "due by",
/// "posted on").
fn excluded_before(text: &str, at: usize) -> bool {
    date_excluded(text::window_before(text, at, 40))
}

/// The words just after a date say it is before the incident ("on 2023-01-15, three
/// weeks before this incident").
fn excluded_after(text: &str, at: usize) -> bool {
    let after = text::window_after(text, at, 40).to_lowercase();
    phrases::BEFORE_THE_INCIDENT
        .iter()
        .any(|p| after.contains(p))
        || is_byline(&after)
}

/// "June 22nd, 2020 by TravisR", "1 August, 2025 · by Wojtek Mach": a date with its
/// author is when the report was written.
fn is_byline(after: &str) -> bool {
    let rest = after.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '·' | '|' | '-' | '—' | ',')
    });
    rest.strip_prefix("by ")
        .is_some_and(|name| name.chars().next().is_some_and(|c| c.is_alphabetic()))
}

/// A section about what came before: its dates are history, not the incident's.
fn is_background(title: &str) -> bool {
    let t = title.to_lowercase();
    phrases::BACKGROUND_TITLES.iter().any(|w| t.contains(w))
}

/// A table column of the incident's time: "Time of Incident", "Incident time".
fn is_incident_time_column(header: &str) -> bool {
    let h = header.to_lowercase();
    h.contains("incident") && (h.contains("time") || h.contains("date"))
}

/// A section whose title says it holds a date: `## Date`, `Incident date`.
fn is_date_section(title: &str) -> bool {
    let t = title.trim().trim_end_matches(':').trim().to_lowercase();
    matches!(
        t.as_str(),
        "date" | "incident date" | "date of incident" | "when"
    )
}

/// A table row that labels a date: `| Date | February 4th, 2019 |`.
fn is_date_row(line: &Line) -> bool {
    line.cells.as_ref().is_some_and(|cells| {
        cells
            .first()
            .is_some_and(|c| is_date_label(&format!("{}:", c.trim())))
    })
}

/// Reads the dates of a document.
pub(super) fn find(
    source: &Source,
    lines: &[Line],
    sections: &[Section],
    order: DayOrder,
    title_src: Option<usize>,
    file_name: Option<&str>,
    entries: &[RawEntry],
) -> DateFindings {
    let mut out = DateFindings::default();
    let mut yearless: Option<String> = None;
    let mut ambiguous: Option<String> = None;
    for section in sections.iter().filter(|s| s.kind.is_summary_like()) {
        let date_section = is_date_section(&section.title);
        let background = is_background(&section.title);
        let heading = section.heading.and_then(|h| lines.get(h));
        // A table's header row, for the columns that label a date ("Time of Incident").
        let mut header: Option<Vec<String>> = None;
        for line in heading
            .into_iter()
            .chain(lines.get(section.lines.clone()).unwrap_or(&[]).iter())
        {
            if line.code {
                continue;
            }
            let header_now = match &line.cells {
                None => {
                    header = None;
                    None
                }
                Some(cells) if cells.is_empty() => continue,
                Some(cells) if header.is_none() => {
                    header = Some(cells.clone());
                    None
                }
                Some(_) => header.as_ref(),
            };
            // Where the cells of a table row are divided, found once per row.
            let dividers: Vec<usize> = match header_now {
                Some(_) => line.text.match_indices(" | ").map(|(i, _)| i).collect(),
                None => Vec::new(),
            };
            let labelled_column = |at: usize| {
                let column = dividers.partition_point(|&i| i + " | ".len() <= at);
                header_now.and_then(|h| h.get(column)).is_some_and(|h| {
                    is_date_label(&format!("{}:", h.trim())) || is_incident_time_column(h)
                })
            };
            let title = Some(line.src) == title_src;
            let kind = if title {
                DateSource::Title
            } else if background {
                DateSource::Background
            } else if is_date_label(&line.text) || is_date_row(line) || date_section {
                DateSource::Label
            } else {
                DateSource::Prose
            };
            for d in times::find_dates(&line.text, order) {
                if excluded_before(&line.text, d.range.start)
                    || excluded_after(&line.text, d.range.end)
                {
                    continue;
                }
                let kind = if kind == DateSource::Prose && labelled_column(d.range.start) {
                    DateSource::Label
                } else {
                    kind
                };
                match d.value {
                    DateValue::Full(date) => out.found.push(DateFound {
                        date,
                        source: kind,
                        evidence: Evidence::new(source.line_number(line.src), &line.text),
                        through: line
                            .text
                            .get(d.range.clone())
                            .and_then(|written| last_day_of_range(written, date)),
                    }),
                    DateValue::Yearless { .. } => {
                        yearless.get_or_insert_with(|| line.text.clone());
                    }
                    DateValue::Ambiguous { .. } => {
                        ambiguous.get_or_insert_with(|| line.text.clone());
                    }
                }
            }
        }
    }
    out.year = out
        .found
        .iter()
        .filter(|d| d.source != DateSource::FileName)
        .map(|d| d.date.year())
        .next();
    if let Some(e) = entries.iter().find_map(|e| {
        e.mention
            .date
            .or(e.day)
            .and_then(|v| Some((e, v.with_year(out.year)?)))
    }) {
        let (entry, date) = e;
        out.found.push(DateFound {
            through: None,
            date,
            source: DateSource::Timeline,
            evidence: Evidence::new(source.line_number(entry.src), entry.evidence_text()),
        });
    }
    if let Some(name) = file_name
        && let Some(date) = file_name_date(name)
    {
        out.found.push(DateFound {
            through: None,
            date,
            source: DateSource::FileName,
            evidence: Evidence::new(0, name),
        });
    }
    if let Some(line) = ambiguous {
        out.problems.push(format!(
            "{} can be read day-first or month-first and nothing in the document decides",
            quote(&line)
        ));
    }
    if let Some(line) = yearless {
        out.problems.push(format!("{} has no year", quote(&line)));
    }
    out
}

times::pattern!(
    COMPACT_DATE = r"(?:^|[^0-9])((?:19|20)[0-9]{2})-?([01][0-9])-?([0-3][0-9])(?:[^0-9]|$)"
);

/// A date in a file name: `2024-03-12-db.md`, `20190204-kiam.md`, `07-Sept-2022_halt.md`.
fn file_name_date(name: &str) -> Option<Date> {
    if let Some(c) = COMPACT_DATE.as_ref().and_then(|re| re.captures(name)) {
        let part = |i| c.get(i).and_then(|m| m.as_str().parse::<i16>().ok());
        if let (Some(y), Some(m), Some(d)) = (part(1), part(2), part(3))
            && let Ok(date) = Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?)
        {
            return Some(date);
        }
    }
    times::find_dates(&name.replace(['_', '-'], " "), DayOrder::Unknown)
        .into_iter()
        .find_map(|d| d.value.full())
}
