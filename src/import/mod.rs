//! Import of freeform postmortems: turns a Markdown (or plain text) document written
//! without front matter into a hindsight postmortem, and reports what was inferred and
//! what was not.
//!
//! Input: the document's text and the site's root-cause taxonomy. Output: an
//! [`Import`] value (front matter as YAML text plus the body), never a file: writing is
//! the CLI's job, which refuses to overwrite. This module never invents a value: what it
//! cannot find in the text is left out and listed in [`Imported::missing`].
//!
//! The passes, each in its own module: [`text`] normalises the document and cleans each
//! line; [`sections`] finds the summary, timeline, root cause and action items;
//! [`times`] and [`mentions`] read dates, clock times, zones and durations;
//! [`timeline`] reads and places the timeline; [`actions`] the follow-ups; [`classify`]
//! maps words onto schema values. This file decides between what they found.

mod actions;
mod classify;
mod mentions;
mod sections;
mod text;
mod timeline;
mod times;

use jiff::SignedDuration;
use jiff::civil::Date;
use serde::Serialize;

use mentions::{Mention, Role};
use sections::{Kind, Section};
use text::Line;
use timeline::{EventKind, Marker};
use times::{ClockRules, DateValue, DayOrder, Moment, Zone};

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

// ---------------------------------------------------------------------------------
// Front matter as serialised

#[derive(Debug, Serialize)]
struct FrontMatter {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acknowledged: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mitigated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<String>,
    status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    services: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    root_cause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detection: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<ImpactFm>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    timeline: Vec<TimelineFm>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    action_items: Vec<ActionFm>,
}

#[derive(Debug, Serialize)]
struct ImpactFm {
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    users_affected_pct: Option<Percent>,
}

/// A percentage written as an integer when it is one (`85`, not `85.0`).
#[derive(Debug, Clone, Copy)]
struct Percent(f64);

impl Serialize for Percent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && (0.0..=100.0).contains(&self.0) {
            s.serialize_u64(self.0 as u64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

#[derive(Debug, Serialize)]
struct TimelineFm {
    at: String,
    kind: &'static str,
    event: String,
}

#[derive(Debug, Serialize)]
struct ActionFm {
    task: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

// ---------------------------------------------------------------------------------
// The report

#[derive(Debug, Default)]
struct Report {
    found: Vec<String>,
    missing: Vec<String>,
}

impl Report {
    fn found(&mut self, line: impl Into<String>) {
        self.found.push(line.into());
    }
    fn missing(&mut self, line: impl Into<String>) {
        let line = line.into();
        if !self.missing.contains(&line) {
            self.missing.push(line);
        }
    }
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text::truncate_words(text.trim(), 70))
}

// ---------------------------------------------------------------------------------
// Titles

const GENERIC_TITLE_WORDS: &[&str] = &[
    "postmortem",
    "postmortems",
    "post",
    "mortem",
    "post-mortem",
    "postmorterm",
    "posmortem",
    "report",
    "incident",
    "outage",
    "my",
    "first",
    "the",
    "a",
    "an",
    "project",
    "0x19",
    "task",
    "clipboard",
    "retrospective",
    "rca",
    "analysis",
    "summary",
    "of",
    "our",
    "write-up",
    "writeup",
    "0",
    "1",
    "2",
];

fn title_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace("post-mortem", "postmortem");
    lower
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_string)
        .filter(|w| !w.is_empty())
        .collect()
}

fn is_generic_title(text: &str) -> bool {
    title_words(text)
        .iter()
        .all(|w| GENERIC_TITLE_WORDS.contains(&w.as_str()))
}

fn is_date_only(text: &str, order: DayOrder) -> bool {
    let dates = times::find_dates(text, order);
    let mut rest = text.to_string();
    for d in dates.iter().rev() {
        rest.replace_range(d.range.clone(), "");
    }
    !dates.is_empty() && rest.chars().all(|c| !c.is_alphanumeric())
}

/// Strips "Postmortem:"-style prefixes when what remains still says what happened.
fn strip_title_prefix(title: &str, order: DayOrder) -> String {
    let mut t = title.trim().to_string();
    if let Some(rest) = t.strip_prefix('[')
        && let Some(close) = rest.find(']')
    {
        let inner = rest.get(..close).unwrap_or("");
        let after = rest.get(close + 1..).unwrap_or("").trim();
        if is_generic_title(inner) && !after.is_empty() {
            t = after.to_string();
        }
    }
    for _ in 0..3 {
        let cut = [":", " - ", " – ", " — ", " | "]
            .iter()
            .filter_map(|sep| t.find(sep).map(|p| (p, sep.len())))
            .min();
        let Some((pos, len)) = cut else { break };
        let left = t.get(..pos).unwrap_or("");
        let right = t.get(pos + len..).unwrap_or("").trim();
        if is_generic_title(left)
            && !right.is_empty()
            && !is_date_only(right, order)
            && !is_generic_title(right)
        {
            t = right.to_string();
        } else {
            break;
        }
    }
    t.trim()
        .trim_end_matches(['.', ':', ' '])
        .trim()
        .to_string()
}

struct TitleChoice {
    text: String,
    /// The source line to drop from the body.
    src: Option<usize>,
    note: Option<String>,
}

fn choose_title(
    source: &text::Source,
    lines: &[Line],
    sections: &[Section],
    order: DayOrder,
    summary_sentence: Option<&str>,
) -> TitleChoice {
    if let Some(t) = &source.preamble_title
        && !is_generic_title(t)
    {
        return TitleChoice {
            text: strip_title_prefix(t, order),
            src: None,
            note: Some("title: from the MDX preamble".to_string()),
        };
    }
    // Candidates: lines before the first section of a postmortem's body.
    let limit = sections
        .iter()
        .find(|s| {
            matches!(
                s.kind,
                Kind::Summary
                    | Kind::Impact
                    | Kind::Duration
                    | Kind::Timeline
                    | Kind::RootCause
                    | Kind::Actions
                    | Kind::Lessons
            ) && s.heading.is_some_and(|h| {
                // A first heading such as "Web Stack Debugging" is a title, not a section.
                lines
                    .get(h)
                    .is_some_and(|l| l.text.split_whitespace().count() <= 5 || h > 0)
            })
        })
        .and_then(|s| s.heading)
        .unwrap_or(lines.len());
    let mut strong: Vec<(usize, String)> = Vec::new();
    let mut weak: Vec<(usize, String)> = Vec::new();
    let mut plain_seen = 0;
    for (i, line) in lines.iter().enumerate().take(limit) {
        if line.code || line.is_blank() {
            continue;
        }
        let text = line.text.trim().to_string();
        if line.italic || line.text.starts_with("Note:") {
            continue;
        }
        if !line.item && line.heading.is_none() && text.split_whitespace().count() >= 12 {
            // Prose: the title, if any, came before.
            if strong.is_empty() && weak.is_empty() {
                continue;
            }
            break;
        }
        // Not a title: a section name alone, a field ("Duration: ..."), a line with a time.
        let section_name =
            sections::classify(&text) != Kind::Other && text.split_whitespace().count() <= 3;
        let has_time = !mentions::find(&text, order, ClockRules::default()).is_empty();
        let field = text.find(':').is_some_and(|c| {
            let label = text.get(..c).unwrap_or("").to_lowercase();
            [
                "duration",
                "date",
                "impact",
                "start",
                "end",
                "root cause",
                "summary",
                "issue summary",
                "due",
            ]
            .iter()
            .any(|f| label.trim().starts_with(f))
        });
        if section_name || has_time || field {
            if line.heading.is_some() || line.bold {
                plain_seen += 1;
            }
            continue;
        }
        if line.heading.is_some() || line.bold {
            strong.push((i, text));
        } else if plain_seen < 3 && line.cells.is_none() {
            plain_seen += 1;
            if text.chars().count() <= 120 && !line.item {
                weak.push((i, text));
            }
        }
        if strong.len() + weak.len() > 8 {
            break;
        }
    }
    let pick = strong
        .iter()
        .find(|(_, t)| !is_generic_title(t) && !is_generic_title(&strip_title_prefix(t, order)))
        .or_else(|| {
            let words = [
                "postmortem",
                "post-mortem",
                "incident",
                "outage",
                "report",
                "failure",
                "down",
            ];
            weak.iter()
                .filter(|(_, t)| {
                    !is_generic_title(t) && !is_generic_title(&strip_title_prefix(t, order))
                })
                .find(|(_, t)| words.iter().any(|w| t.to_lowercase().contains(w)))
                .or_else(|| {
                    // A plain first line that is not obviously a title (an author's name...)
                    // only when nothing else could be one.
                    let any_generic = strong.iter().chain(weak.iter()).any(|(_, t)| {
                        is_generic_title(t) || is_generic_title(&strip_title_prefix(t, order))
                    });
                    weak.iter().find(|(_, t)| {
                        !is_generic_title(t)
                            && strong.is_empty()
                            && !any_generic
                            && !t.contains(':')
                    })
                })
        });
    if let Some((i, t)) = pick {
        return TitleChoice {
            text: strip_title_prefix(t, order),
            src: lines.get(*i).map(|l| l.src),
            note: None,
        };
    }
    let generic = strong
        .iter()
        .chain(weak.iter())
        .find(|(_, t)| is_generic_title(t) || is_generic_title(&strip_title_prefix(t, order)))
        .or(strong.first())
        .or(weak.first());
    let src = generic.and_then(|(i, _)| lines.get(*i)).map(|l| l.src);
    match summary_sentence {
        Some(s) if !s.trim().is_empty() => TitleChoice {
            text: text::first_sentence(s, 90)
                .trim_end_matches('.')
                .to_string(),
            src: if generic.is_some_and(|(_, t)| is_generic_title(t)) {
                src
            } else {
                None
            },
            note: Some(match generic {
                Some((_, t)) => format!(
                    "title: the document's own title {} says nothing about the incident; used its first summary sentence",
                    quote(t)
                ),
                None => {
                    "title: the document has no title; used its first summary sentence".to_string()
                }
            }),
        },
        _ => match generic {
            Some((_, t)) => TitleChoice {
                text: t.clone(),
                src,
                note: Some(format!(
                    "title: only a generic title {}; write a descriptive one",
                    quote(t)
                )),
            },
            None => TitleChoice {
                text: "Untitled postmortem".to_string(),
                src: None,
                note: Some("title: none in the document; write one".to_string()),
            },
        },
    }
}

// ---------------------------------------------------------------------------------
// Reading the summary

/// A time stated in prose, with the line it came from.
#[derive(Debug, Clone)]
struct Stated {
    mention: Mention,
    line: String,
}

#[derive(Debug, Default)]
struct Statements {
    start: Option<Stated>,
    end: Option<Stated>,
    detected: Option<Stated>,
    acknowledged: Option<Stated>,
    mitigated: Option<Stated>,
    /// A time with no cue ("Date/time: 2016-11-07 21:30").
    bare: Option<Stated>,
    duration: Option<(times::DurationMention, String)>,
    /// Zones attached to times in the summary.
    zones: Vec<Zone>,
}

const DURATION_BEFORE: &[&str] = &[
    "lasted",
    "lasting",
    "duration",
    "total of",
    "outage of",
    "downtime of",
    "down for",
    "offline for",
    "unavailable for",
    "incurred",
    "for approximately",
    "for about",
    "for around",
    "for roughly",
    "for nearly",
    "for over",
    "for a period of",
];
const DURATION_AFTER: &[&str] = &[
    "outage",
    "of downtime",
    "downtime",
    "of outage",
    "disruption",
    "of disruption",
    "incident",
    "of service",
    "long outage",
];

fn stated_duration(text: &str, d: &times::DurationMention) -> bool {
    let before = text.get(..d.range.start).unwrap_or("").to_lowercase();
    let tail: String = before
        .chars()
        .rev()
        .take(40)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    let after = text.get(d.range.end..).unwrap_or("").to_lowercase();
    let after = after.trim_start_matches([' ', '-']);
    let in_parens = tail.trim_end().ends_with('(') && after.trim_start().starts_with(')');
    DURATION_BEFORE.iter().any(|w| tail.contains(w))
        || DURATION_AFTER.iter().any(|w| after.starts_with(w))
        || in_parens
        || before.trim_start().starts_with("duration")
}

fn read_statements(lines: &[Line], sections: &[Section], order: DayOrder) -> Statements {
    let mut st = Statements::default();
    for section in sections.iter().filter(|s| s.kind.is_summary_like()) {
        let heading_line = section.heading.and_then(|h| lines.get(h));
        let body = lines.get(section.lines.clone()).unwrap_or(&[]);
        // Wrapped lines joined; "Start-time:" on its own line labels what follows.
        let mut logical: Vec<String> = Vec::new();
        let mut carry: Option<String> = None;
        for p in text::paragraphs(heading_line.into_iter().chain(body.iter())) {
            if p.trim_end().ends_with(':') && p.split_whitespace().count() <= 6 {
                carry = Some(match carry.take() {
                    Some(c) => format!("{c} {p}"),
                    None => p,
                });
                continue;
            }
            logical.push(match carry.take() {
                Some(c) => format!("{c} {p}"),
                None => p,
            });
        }
        for text in &logical {
            let text = text.as_str();
            let mut ms = mentions::find(text, order, ClockRules::default());
            let spans = mentions::spans(text, &mut ms);
            for m in &ms {
                if let Some(z) = &m.zone {
                    st.zones.push(z.clone());
                }
            }
            // The sentence around a time, for the report.
            let stated = |m: &Mention| Stated {
                mention: m.clone(),
                line: text::sentences(text)
                    .into_iter()
                    .find(|(a, b)| *a <= m.range.start && m.range.start < *b)
                    .and_then(|(a, b)| text.get(a..b))
                    .map_or_else(|| text.to_string(), |s| s.trim().to_string()),
            };
            let mut in_span = vec![false; ms.len()];
            for &(a, b) in &spans {
                if let Some(x) = in_span.get_mut(a) {
                    *x = true;
                }
                if let Some(x) = in_span.get_mut(b) {
                    *x = true;
                }
                // A span is a start and an end, unless its words say detection.
                let role = mentions::role(text, &ms, a);
                if matches!(role, Some(Role::Detected)) {
                    continue;
                }
                if st.start.is_none()
                    && let (Some(ma), Some(mb)) = (ms.get(a), ms.get(b))
                {
                    st.start = Some(stated(ma));
                    if st.end.is_none() {
                        st.end = Some(stated(mb));
                    }
                }
            }
            for (i, m) in ms.iter().enumerate() {
                if in_span.get(i).copied().unwrap_or(false) {
                    continue;
                }
                let slot = match mentions::role(text, &ms, i) {
                    Some(Role::Start) => &mut st.start,
                    Some(Role::Detected) => &mut st.detected,
                    Some(Role::Acknowledged) => &mut st.acknowledged,
                    Some(Role::Mitigated) => &mut st.mitigated,
                    Some(Role::End) => &mut st.end,
                    None => &mut st.bare,
                };
                if slot.is_none() {
                    *slot = Some(stated(m));
                }
            }
            if st.duration.is_none() {
                for d in times::find_durations(text) {
                    if stated_duration(text, &d) {
                        let sentence = text::sentences(text)
                            .into_iter()
                            .find(|(a, b)| *a <= d.range.start && d.range.start < *b)
                            .and_then(|(a, b)| text.get(a..b))
                            .unwrap_or(text)
                            .trim()
                            .to_string();
                        st.duration = Some((d, sentence));
                        break;
                    }
                }
            }
        }
    }
    st
}

const EXCLUDED_DATE_CONTEXT: &[&str] = &[
    "due date",
    "due:",
    "due by",
    "deadline",
    "last modified",
    "last updated",
    "modified:",
    "updated:",
    "updated on",
    "posted",
    "published",
    "created",
    "written",
    "prepared",
    "expires",
    "expiry",
    "valid until",
    "must end by",
    "report date",
    "date of report",
    "reviewed",
    "as of",
    "screenshot",
];

fn date_excluded(text: &str) -> bool {
    let t = text.to_lowercase();
    EXCLUDED_DATE_CONTEXT.iter().any(|w| t.contains(w))
}

fn is_date_label(text: &str) -> bool {
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

struct DateChoice {
    date: Option<Date>,
    source: String,
    problems: Vec<String>,
    /// A year stated anywhere, for completing "May 31" in a timeline.
    year: Option<i16>,
}

fn choose_date(
    lines: &[Line],
    sections: &[Section],
    order: DayOrder,
    title_src: Option<usize>,
    start: Option<&Stated>,
    raw_entries: &[timeline::RawEntry],
) -> DateChoice {
    let mut problems = Vec::new();
    let summary_lines: Vec<&Line> = sections
        .iter()
        .filter(|s| s.kind.is_summary_like() || s.kind == Kind::Timeline)
        .flat_map(|s| {
            let heading = s.heading.and_then(|h| lines.get(h));
            heading
                .into_iter()
                .chain(lines.get(s.lines.clone()).unwrap_or(&[]).iter())
        })
        .filter(|l| !l.code && !date_excluded(&l.text))
        .collect();
    let summary_only: Vec<&Line> = sections
        .iter()
        .filter(|s| s.kind.is_summary_like())
        .flat_map(|s| {
            let heading = s.heading.and_then(|h| lines.get(h));
            heading
                .into_iter()
                .chain(lines.get(s.lines.clone()).unwrap_or(&[]).iter())
        })
        .filter(|l| !l.code && !date_excluded(&l.text))
        .collect();
    // A year anywhere in the summary or the title, for year-less dates.
    let year = summary_lines
        .iter()
        .flat_map(|l| times::find_dates(&l.text, order))
        .find_map(|d| d.value.full())
        .map(|d| d.year());
    if let Some(s) = start
        && let Some(v) = s.mention.date
        && let Some(d) = v.with_year(year)
    {
        return DateChoice {
            date: Some(d),
            source: s.line.clone(),
            problems,
            year: Some(d.year()),
        };
    }
    let mut first_yearless = None;
    let mut first_ambiguous = None;
    let mut consider = |value: DateValue, line: &str| -> Option<Date> {
        match value {
            DateValue::Full(d) => Some(d),
            DateValue::Yearless { .. } => {
                if first_yearless.is_none() {
                    first_yearless = Some(line.to_string());
                }
                None
            }
            DateValue::Ambiguous { .. } => {
                if first_ambiguous.is_none() {
                    first_ambiguous = Some(line.to_string());
                }
                None
            }
        }
    };
    // A labelled date, then the first date of the summary (title last), then the timeline.
    for line in &summary_only {
        if is_date_label(&line.text)
            && let Some(d) = times::find_dates(&line.text, order).first()
            && let Some(date) = consider(d.value, &line.text)
        {
            return DateChoice {
                date: Some(date),
                source: line.text.clone(),
                problems,
                year,
            };
        }
    }
    for line in summary_only.iter().filter(|l| Some(l.src) != title_src) {
        for d in times::find_dates(&line.text, order) {
            if let Some(date) = consider(d.value, &line.text) {
                return DateChoice {
                    date: Some(date),
                    source: line.text.clone(),
                    problems,
                    year,
                };
            }
        }
    }
    for line in summary_only.iter().filter(|l| Some(l.src) == title_src) {
        for d in times::find_dates(&line.text, order) {
            if let Some(date) = consider(d.value, &line.text) {
                return DateChoice {
                    date: Some(date),
                    source: line.text.clone(),
                    problems,
                    year,
                };
            }
        }
    }
    for e in raw_entries {
        let value = e.mention.date.or(e.day);
        if let Some(v) = value
            && let Some(date) = v.with_year(year)
        {
            return DateChoice {
                date: Some(date),
                source: e.text.clone(),
                problems,
                year,
            };
        }
    }
    if let Some(line) = first_ambiguous {
        problems.push(format!(
            "date: {} can be read day-first or month-first and nothing in the document decides; set it by hand",
            quote(&line)
        ));
    }
    if let Some(line) = first_yearless {
        problems.push(format!(
            "date: {} has no year; set it by hand",
            quote(&line)
        ));
    }
    if problems.is_empty() {
        problems.push("date: no incident date in the text".to_string());
    }
    DateChoice {
        date: None,
        source: String::new(),
        problems,
        year,
    }
}

/// The zone for times written without one: a statement ("All times in PST"), else the only
/// zone the document uses, else the one nearly all its times use.
fn document_zone(
    lines: &[Line],
    sections: &[Section],
    stated: &[Zone],
    entries: &[timeline::RawEntry],
) -> Option<(Zone, String)> {
    for section in sections {
        if section.kind == Kind::Appendix {
            continue;
        }
        if let Some(h) = section.heading.and_then(|h| lines.get(h))
            && let Some(z) = times::zone_statement(&h.text, true)
            && (section.kind == Kind::Timeline || section.kind.is_summary_like())
        {
            return Some((z, format!("stated in {}", quote(&h.text))));
        }
        for line in lines.get(section.lines.clone()).unwrap_or(&[]) {
            if line.code {
                continue;
            }
            if let Some(z) = times::zone_statement(&line.text, line.heading.is_some()) {
                return Some((z, format!("stated in {}", quote(&line.text))));
            }
        }
    }
    let mut all: Vec<Zone> = stated.to_vec();
    all.extend(entries.iter().filter_map(|e| e.mention.zone.clone()));
    let first = all.first()?.clone();
    if all.iter().all(|z| *z == first) {
        return Some((
            first.clone(),
            format!("the only zone the document uses ({})", first.label),
        ));
    }
    let best = all
        .iter()
        .max_by_key(|z| all.iter().filter(|o| *o == *z).count())?
        .clone();
    let n = all.iter().filter(|o| **o == best).count();
    (n * 4 >= all.len() * 3).then(|| {
        let label = best.label.clone();
        (best, format!("the zone nearly all its times use ({label})"))
    })
}

// ---------------------------------------------------------------------------------
// Not a postmortem?

const INSTRUCTION_PHRASES: &[&str] = &[
    "must contain",
    "requirements",
    "read or watch",
    "mandatory",
    "your postmortem",
    "your post-mortem",
    "write a postmortem",
    "write a post-mortem",
    "you should",
    "you must",
    "you will",
    "in this guide",
    "this guide",
    "this tutorial",
    "step 1",
    "step-by-step",
    "getting started",
    "installation",
    "prerequisites",
    "npm install",
    "pip install",
    "cargo install",
    "learning objectives",
    "by the end of this",
    "task body",
    "request a review",
    "manual qa review",
    "make sure you",
    "be brief",
    "your peers",
    "how to write",
    "how to run",
    "template",
    "usage:",
];

fn count_phrase(text: &str, phrase: &str) -> usize {
    text.matches(phrase).count().min(3)
}

fn not_a_postmortem(
    lines: &[Line],
    sections: &[Section],
    title: &str,
    has_date: bool,
    has_times: bool,
    entries: usize,
) -> Option<String> {
    let text: String = lines
        .iter()
        .filter(|l| !l.code)
        .map(|l| l.text.to_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let second = words
        .iter()
        .filter(|w| matches!(**w, "you" | "your" | "you're" | "yourself" | "you'll"))
        .count();
    let ratio = if words.is_empty() {
        0.0
    } else {
        second as f64 / words.len() as f64
    };
    let hits: Vec<&str> = INSTRUCTION_PHRASES
        .iter()
        .copied()
        .filter(|p| text.contains(p))
        .collect();
    let instruction: usize = hits.iter().map(|p| count_phrase(&text, p)).sum();
    let incident_words = [
        "outage",
        "incident",
        "downtime",
        "went down",
        "was down",
        "root cause",
        "restored",
        "resolved",
        "impact",
        "affected",
        "unavailable",
        "degraded",
        "failure",
        "failed",
        "error",
        "crash",
        "bug",
        "hotfix",
        "broke",
        "unresponsive",
        "disruption",
        "mitigat",
    ]
    .iter()
    .map(|w| text.matches(w).count().min(3))
    .sum::<usize>();
    let pm_kinds: std::collections::BTreeSet<u8> = sections
        .iter()
        .filter_map(|s| match s.kind {
            Kind::Summary => Some(0),
            Kind::Timeline => Some(1),
            Kind::RootCause => Some(2),
            Kind::Impact => Some(3),
            Kind::Resolution => Some(4),
            Kind::Actions => Some(5),
            Kind::Lessons => Some(6),
            Kind::Detection => Some(7),
            _ => None,
        })
        .collect();
    // The document calls itself a postmortem (in its title or first heading).
    let heading_text = lines
        .iter()
        .filter(|l| l.heading.is_some() || l.bold)
        .take(2)
        .map(|l| l.text.to_lowercase())
        .chain(std::iter::once(title.to_lowercase()))
        .collect::<Vec<_>>()
        .join(" ");
    let named = [
        "postmortem",
        "post-mortem",
        "post mortem",
        "incident",
        "outage",
        "retro",
        "rca",
        "root cause analysis",
        "downtime",
    ]
    .iter()
    .any(|w| heading_text.contains(w));
    let evidence = if entries >= 2 { 3 } else { 0 }
        + if named { 2 } else { 0 }
        + if has_times { 2 } else { 0 }
        + usize::from(has_date)
        + pm_kinds.len().min(4)
        + if incident_words >= 3 { 2 } else { 0 };
    let against = instruction * 2 + if ratio > 0.02 { 3 } else { 0 };
    if hits.len() >= 2 && against >= 4 && against >= evidence {
        let shown: Vec<String> = hits.iter().take(4).map(|h| format!("\"{h}\"")).collect();
        return Some(format!(
            "reads as instructions, not a report of an incident: {}{}",
            shown.join(", "),
            if ratio > 0.02 {
                ", written to \"you\""
            } else {
                ""
            }
        ));
    }
    if evidence < 3 {
        let mut lacks = Vec::new();
        if !has_date {
            lacks.push("no incident date");
        }
        if entries < 2 {
            lacks.push("no timeline");
        }
        if incident_words < 3 {
            lacks.push("no outage or impact words");
        }
        if pm_kinds.is_empty() {
            lacks.push("no postmortem sections");
        }
        return Some(format!(
            "does not read as a postmortem: {}",
            lacks.join(", ")
        ));
    }
    None
}

// ---------------------------------------------------------------------------------
// Milestones

#[derive(Debug, Clone)]
struct Milestone {
    at: Moment,
    /// 2 = stated in the summary, 1 = from the timeline or computed.
    trust: u8,
    source: String,
}

/// A timeline entry that says something was broken: "error rates rise", "site down",
/// "users unable to log in", "alert fired".
fn reads_as_impact(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "down",
        "outage",
        "error",
        "errors",
        "fail",
        "fails",
        "failed",
        "failing",
        "failure",
        "failures",
        "unresponsive",
        "unavailable",
        "unreachable",
        "timeout",
        "timeouts",
        "crash",
        "crashed",
        "crashes",
        "slow",
        "latency",
        "unable",
        "cannot",
        "can't",
        "broken",
        "alert",
        "alerts",
        "alerted",
        "degraded",
        "halt",
        "halts",
        "halted",
        "stall",
        "stalled",
        "500",
        "502",
        "503",
        "504",
        "5xx",
        "incident",
        "stops",
        "spike",
    ];
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .any(|w| WORDS.contains(&w))
        || lower.contains("not responding")
        || lower.contains("not loading")
}

fn describe_source(line: &str) -> String {
    format!("from {}", quote(line))
}

/// Reads one document.
pub fn import_document(text: &str, root_causes: &[RootCauseHint]) -> Import {
    let source = text::normalize(text);
    let lines = text::lines(&source.text);
    let sections = sections::split(&lines);
    let plain: String = lines
        .iter()
        .filter(|l| !l.code)
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let order = times::day_order(&plain);
    let mut report = Report::default();
    for note in &source.notes {
        report.found(note.clone());
    }

    // What the summary states, and what the timeline lists.
    let statements = read_statements(&lines, &sections, order);
    let raw_entries = timeline::extract(&lines, &sections, order);

    // The summary's first sentence (for a missing title).
    let summary_sentence = summary_sentence(&lines, &sections, order);
    let title = choose_title(
        &source,
        &lines,
        &sections,
        order,
        summary_sentence.as_deref(),
    );

    let date_choice = choose_date(
        &lines,
        &sections,
        order,
        title.src,
        statements.start.as_ref(),
        &raw_entries,
    );
    let has_times = statements.start.is_some()
        || statements.end.is_some()
        || statements.detected.is_some()
        || statements.acknowledged.is_some();
    if let Some(reason) = not_a_postmortem(
        &lines,
        &sections,
        &title.text,
        date_choice.date.is_some(),
        has_times,
        raw_entries.len(),
    ) {
        return Import::NotAPostmortem { reason };
    }

    let zone = document_zone(&lines, &sections, &statements.zones, &raw_entries);
    let doc_zone = zone.as_ref().map(|(z, _)| z);

    let mut fm = FrontMatter {
        title: title.text.clone(),
        date: None,
        started: None,
        detected: None,
        acknowledged: None,
        mitigated: None,
        resolved: None,
        severity: None,
        status: "review",
        services: Vec::new(),
        root_cause: None,
        detection: None,
        impact: None,
        timeline: Vec::new(),
        action_items: Vec::new(),
    };
    report.found(format!("title: {}", quote(&fm.title)));
    if let Some(note) = &title.note {
        report.missing(note.clone());
    }

    let incident_date = date_choice.date;
    let year = date_choice.year;
    let resolve = |s: &Stated| s.mention.resolve(incident_date, doc_zone, year);
    let mut zoneless_example: Option<String> = None;
    let mut take = |s: &Option<Stated>| -> Option<Milestone> {
        let s = s.as_ref()?;
        match resolve(s) {
            Some(at) => Some(Milestone {
                at,
                trust: 2,
                source: describe_source(&s.line),
            }),
            None => {
                if s.mention.zone.is_none() && doc_zone.is_none() && zoneless_example.is_none() {
                    zoneless_example = Some(s.line.clone());
                }
                None
            }
        }
    };
    let mut started = take(&statements.start);
    let mut ended = take(&statements.end);
    let mut detected = take(&statements.detected);
    let mut acknowledged = take(&statements.acknowledged);
    let mut mitigated = take(&statements.mitigated);
    // "Date/time: 2016-11-07 21:30" with no other start.
    if started.is_none()
        && let Some(bare) = &statements.bare
        && (is_date_label(&bare.line) || bare.line.to_lowercase().starts_with("time"))
    {
        started = take(&statements.bare);
    }

    // An end before its start on the same day crosses midnight.
    if let (Some(s), Some(e)) = (&started, &mut ended)
        && e.at.at < s.at.at
    {
        // Only an end with a date of its own, other than the start's, is not moved.
        let start_date = statements.start.as_ref().and_then(|x| x.mention.date);
        let end_date = statements.end.as_ref().and_then(|x| x.mention.date);
        let explicit_end_date = match (start_date, end_date) {
            (Some(a), Some(b)) => a != b,
            (None, Some(_)) => true,
            _ => false,
        };
        if !explicit_end_date
            && let Some(next) = e.at.plus(SignedDuration::from_hours(24))
            && next.at >= s.at.at
        {
            e.at = next;
            report.found(
                "note: the end time is earlier in the day than the start; read as the next day"
                    .to_string(),
            );
        }
    }

    // The timeline, placed on the incident's day (the start's, if known).
    let anchor = started.as_ref().map(|m| m.at.date()).or(incident_date);
    let placed = timeline::place(&raw_entries, anchor, doc_zone);
    let mut entries = placed.entries;
    for p in placed.problems {
        report.missing(p);
    }

    // Markers and kinds fill what the summary does not state.
    if started.is_none()
        && let Some(e) = entries.iter().find(|e| e.marker == Some(Marker::Start))
    {
        started = Some(Milestone {
            at: e.at,
            trust: 1,
            source: format!("from the timeline marker {}", quote(&e.source)),
        });
    }
    if ended.is_none()
        && let Some(e) = entries.iter().find(|e| e.marker == Some(Marker::End))
    {
        ended = Some(Milestone {
            at: e.at,
            trust: 1,
            source: format!("from the timeline marker {}", quote(&e.source)),
        });
    }
    if mitigated.is_none()
        && let Some(e) = entries.iter().find(|e| e.marker == Some(Marker::Mitigated))
    {
        mitigated = Some(Milestone {
            at: e.at,
            trust: 1,
            source: format!("from the timeline marker {}", quote(&e.source)),
        });
    }
    // With no stated start, impact began at the first entry that reports it (a detection,
    // or words of failure); a timeline that opens with preparation ("contract funded",
    // "frontend tested on staging") does not start the incident. Failing that, the first
    // entry that is not the trigger.
    if started.is_none()
        && let Some(e) = entries
            .iter()
            .find(|e| e.kind == EventKind::Detection || reads_as_impact(&e.text))
            .or_else(|| entries.iter().find(|e| e.kind != EventKind::Trigger))
    {
        started = Some(Milestone {
            at: e.at,
            trust: 1,
            source: format!(
                "the first timeline entry {} (the document states no start)",
                quote(&e.source)
            ),
        });
    }
    if detected.is_none()
        && let Some(e) = entries.iter().find(|e| e.kind == EventKind::Detection)
    {
        detected = Some(Milestone {
            at: e.at,
            trust: 1,
            source: format!("from the timeline entry {}", quote(&e.source)),
        });
    }
    if acknowledged.is_none()
        && let Some(e) = entries
            .iter()
            .find(|e| e.kind == EventKind::Acknowledgement)
    {
        acknowledged = Some(Milestone {
            at: e.at,
            trust: 1,
            source: format!("from the timeline entry {}", quote(&e.source)),
        });
    }
    if ended.is_none() {
        let start_at = started.as_ref().map(|s| s.at.at);
        if let Some(e) = entries
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::Resolution && start_at.is_none_or(|s| e.at.at >= s))
        {
            ended = Some(Milestone {
                at: e.at,
                trust: 1,
                source: format!(
                    "the last resolution entry of the timeline {}",
                    quote(&e.source)
                ),
            });
        }
    }

    // The stated duration: fills a missing end or start, and is checked against both.
    if let Some((d, line)) = &statements.duration {
        let stated = times::describe_duration(d.value);
        match (&started, &ended) {
            (Some(s), Some(e)) => {
                let actual = e.at.at.duration_since(s.at.at);
                let diff = (actual.as_secs() - d.value.as_secs()).abs();
                let tolerance = if d.approximate {
                    (d.value.as_secs() / 4).max(15 * 60)
                } else {
                    (d.value.as_secs() / 50).max(60)
                };
                let lower = line.to_lowercase();
                let at_least = ["at least", "more than", "over ", "nearly", "almost"]
                    .iter()
                    .any(|w| lower.contains(w));
                let below_bound = at_least && actual.as_secs() >= d.value.as_secs();
                if diff > tolerance && !below_bound {
                    report.missing(format!(
                        "duration: the document says {} but its start and end are {} apart; kept the start and end times",
                        quote(&text::truncate_words(line, 60)),
                        times::describe_duration(actual)
                    ));
                } else {
                    report.found(format!(
                        "duration: {stated}, consistent with the start and end"
                    ));
                }
            }
            (Some(s), None) if !d.approximate => {
                if let Some(at) = s.at.plus(d.value) {
                    ended = Some(Milestone {
                        at,
                        trust: 1,
                        source: format!("the start plus the stated duration ({stated})"),
                    });
                }
            }
            (None, Some(e)) if !d.approximate => {
                if let Some(at) = e.at.plus(-d.value) {
                    started = Some(Milestone {
                        at,
                        trust: 1,
                        source: format!("the end minus the stated duration ({stated})"),
                    });
                }
            }
            _ => report.found(format!("duration: {stated} (stated)")),
        }
    }

    // Milestones in order: the less trusted of two that disagree is left out.
    let mut slots: [(&str, Option<Milestone>); 5] = [
        ("started", started),
        ("detected", detected),
        ("acknowledged", acknowledged),
        ("mitigated", mitigated),
        ("resolved", ended),
    ];
    loop {
        let mut conflict = None;
        'outer: for i in 0..slots.len() {
            for j in i + 1..slots.len() {
                if let (Some(a), Some(b)) = (&slots[i].1, &slots[j].1)
                    && b.at.at < a.at.at
                {
                    conflict = Some((i, j));
                    break 'outer;
                }
            }
        }
        let Some((i, j)) = conflict else { break };
        let drop = match (&slots[i].1, &slots[j].1) {
            (Some(a), Some(b)) if a.trust > b.trust => j,
            (Some(a), Some(b)) if b.trust > a.trust => i,
            _ => j,
        };
        let keep = if drop == i { j } else { i };
        if let (Some(dropped), Some(kept)) = (&slots[drop].1, &slots[keep].1) {
            let line = format!(
                "{}: {} ({}) is out of order with {} {}; left out",
                slots[drop].0,
                dropped.at.rfc3339(),
                dropped.source,
                slots[keep].0,
                kept.at.rfc3339()
            );
            report.missing(line);
        }
        slots[drop].1 = None;
    }
    let [
        (_, started),
        (_, detected),
        (_, acknowledged),
        (_, mitigated),
        (_, ended),
    ] = slots;

    // A timeline entry in the same minute just before a start stated to the second
    // ("15:57" vs "15:57:18") moves the start to it.
    let mut started = started;
    if let Some(s) = &mut started
        && let Some(e) = entries
            .iter()
            .filter(|e| e.at.at < s.at.at && s.at.at.as_second() - e.at.at.as_second() < 60)
            .min_by_key(|e| e.at.at)
    {
        s.at = e.at;
        s.source = format!(
            "{}, moved to the minute of the timeline entry {}",
            s.source,
            quote(&e.source)
        );
    }
    // Timeline entries before the start are left out of the front matter (the body keeps them).
    if let Some(s) = &started {
        let before: Vec<String> = entries
            .iter()
            .filter(|e| e.at.at < s.at.at)
            .map(|e| {
                format!(
                    "timeline: left out {} at {}: before the start",
                    quote(&e.source),
                    e.at.rfc3339()
                )
            })
            .collect();
        for line in before {
            report.missing(line);
        }
        entries.retain(|e| e.at.at >= s.at.at);
    }

    // Report and write the milestones.
    if let Some((z, why)) = &zone {
        if started.is_some() || !entries.is_empty() {
            report.found(format!("zone: {} ({why})", z.label));
        }
        if let Some(d) = incident_date
            && let Some(note) = times::standard_in_summer(z, d)
        {
            report.missing(format!("zone: {note}"));
        }
    }
    let date = started.as_ref().map(|s| s.at.date()).or(incident_date);
    match date {
        Some(d) => {
            fm.date = Some(d.to_string());
            let from = if started.is_some() && incident_date != Some(d) {
                "the start time".to_string()
            } else {
                describe_source(&date_choice.source)
            };
            report.found(format!("date: {d} ({from})"));
        }
        None => {
            for p in &date_choice.problems {
                report.missing(p.clone());
            }
        }
    }
    let zone_problem = |what: &str| -> String {
        match (&zoneless_example, incident_date) {
            (_, None) if statements.start.is_some() || !raw_entries.is_empty() => {
                format!("{what}: times are written but the incident date is unknown")
            }
            (Some(example), _) => format!(
                "{what}: times are written without a time zone and the document states none (e.g. {}); left out",
                quote(example)
            ),
            _ if doc_zone.is_none() && (!raw_entries.is_empty() || statements.start.is_some()) => {
                format!(
                    "{what}: times are written without a time zone and the document states none; left out"
                )
            }
            _ => match what {
                "started" => "started: no start time found".to_string(),
                "detected" => "detected: no detection time in the text".to_string(),
                "acknowledged" => "acknowledged: no acknowledgement time in the text".to_string(),
                _ => "resolved: no end time found".to_string(),
            },
        }
    };
    for (name, slot, field) in [
        ("started", &started, &mut fm.started),
        ("detected", &detected, &mut fm.detected),
        ("acknowledged", &acknowledged, &mut fm.acknowledged),
        ("mitigated", &mitigated, &mut fm.mitigated),
        ("resolved", &ended, &mut fm.resolved),
    ] {
        match slot {
            Some(m) => {
                *field = Some(m.at.rfc3339());
                report.found(format!("{name}: {} ({})", m.at.rfc3339(), m.source));
            }
            None if name != "mitigated" => {
                let line = zone_problem(name);
                if !report
                    .missing
                    .iter()
                    .any(|l| l.starts_with(&format!("{name}:")))
                {
                    report.missing(line);
                }
            }
            None => {}
        }
    }
    if let (Some(s), Some(e)) = (&started, &ended) {
        report.found(format!(
            "duration: {}",
            times::describe_duration(e.at.at.duration_since(s.at.at))
        ));
    }

    // Timeline.
    for e in &entries {
        fm.timeline.push(TimelineFm {
            at: e.at.rfc3339(),
            kind: e.kind.as_str(),
            event: e.text.clone(),
        });
    }
    if !fm.timeline.is_empty() {
        let kinds: std::collections::BTreeSet<&str> = fm.timeline.iter().map(|t| t.kind).collect();
        report.found(format!(
            "timeline: {} entries ({})",
            fm.timeline.len(),
            kinds.into_iter().collect::<Vec<_>>().join(", ")
        ));
    } else if !raw_entries.is_empty() {
        report.missing(format!(
            "timeline: {} entries written, none placed ({})",
            raw_entries.len(),
            if placed.zoneless > 0 {
                "no time zone"
            } else if placed.dateless > 0 {
                "no date"
            } else {
                "out of order or before the start"
            }
        ));
    } else {
        report.missing("timeline: no timeline entries with times found");
    }
    if placed.zoneless > 0 && !fm.timeline.is_empty() {
        report.missing(format!(
            "timeline: {} entries without a known zone left out",
            placed.zoneless
        ));
    }

    // Impact.
    let impact = read_impact(&lines, &sections);
    if impact.0.is_some() || impact.1.is_some() {
        if let Some((pct, quote_text)) = &impact.1 {
            report.found(format!(
                "impact.users_affected_pct: {pct} (from {})",
                quote(quote_text)
            ));
        } else {
            report.missing("impact.users_affected_pct: no share of users stated");
        }
        fm.impact = Some(ImpactFm {
            summary: impact.0.clone(),
            users_affected_pct: impact.1.as_ref().map(|(p, _)| Percent(*p)),
        });
        if impact.0.is_some() {
            report.found("impact.summary: from the impact text".to_string());
        }
    } else {
        report.missing("impact: no impact statement found");
    }

    // Root cause.
    let (primary, secondary) = root_cause_text(&lines, &sections);
    match classify::root_cause(&primary, &secondary, root_causes) {
        Ok((key, why)) => {
            report.found(format!(
                "root_cause: {key} (words: {})",
                why.into_iter().take(5).collect::<Vec<_>>().join(", ")
            ));
            fm.root_cause = Some(key);
        }
        Err(why) => report.missing(format!("root_cause: {why}")),
    }

    // Severity, services, detection.
    let summary_text: String = sections
        .iter()
        .filter(|s| s.kind.is_summary_like() || s.kind == Kind::RootCause)
        .flat_map(|s| {
            let heading = s.heading.and_then(|h| lines.get(h));
            heading
                .into_iter()
                .chain(lines.get(s.lines.clone()).unwrap_or(&[]).iter())
        })
        .filter(|l| !l.code)
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    match classify::severity(&summary_text) {
        Some(Ok(sev)) => {
            report.found(format!("severity: {sev} (stated)"));
            fm.severity = Some(sev);
        }
        Some(Err(words)) => report.missing(format!(
            "severity: stated as {} which is not a SEVn level; set it by hand",
            quote(&words)
        )),
        None => report.missing("severity: not stated"),
    }
    let labelled = labelled_services(&lines, &sections);
    let service_text = format!("{}\n{}", fm.title, summary_text);
    fm.services = classify::services(&labelled, &service_text);
    if fm.services.is_empty() {
        report.missing("services: none named");
    } else {
        report.found(format!("services: {}", fm.services.join(", ")));
    }
    let detection_text = statements
        .detected
        .as_ref()
        .map(|s| s.line.clone())
        .or_else(|| {
            entries
                .iter()
                .find(|e| e.kind == EventKind::Detection)
                .map(|e| e.text.clone())
        })
        .unwrap_or_default();
    let detection_section: String = sections
        .iter()
        .filter(|s| s.kind == Kind::Detection)
        .flat_map(|s| lines.get(s.lines.clone()).unwrap_or(&[]).iter())
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(method) =
        classify::detection_method(&format!("{detection_text} {detection_section}"))
    {
        fm.detection = Some(method);
        report.found(format!("detection: {method}"));
    }

    // Action items.
    let raw_lines: Vec<&str> = source.text.split('\n').collect();
    let items = actions::extract(&lines, &raw_lines, &sections, order);
    for item in items {
        fm.action_items.push(ActionFm {
            task: item.task,
            owner: item.owner,
            status: item.status,
            due: item.due.map(|d| d.to_string()),
            link: item.link,
        });
    }
    if fm.action_items.is_empty() {
        report.missing("action_items: none found");
    } else {
        let open = fm
            .action_items
            .iter()
            .filter(|a| a.status == "open")
            .count();
        report.found(format!(
            "action_items: {} ({} open)",
            fm.action_items.len(),
            open
        ));
        if fm.action_items.iter().all(|a| a.owner.is_none()) {
            report.missing("action_items: no owners named");
        }
    }
    report.found("status: review (an import needs a human's review)".to_string());

    let front_matter = serde_yaml::to_string(&fm).unwrap_or_default();
    let (body, unlinked) = text::unlink_documents(&body_of(&source.text, title.src));
    if !unlinked.is_empty() {
        report.missing(format!(
            "links: {} link{} to other documents kept as plain text, since the imported file no longer sits next to them: {}",
            unlinked.len(),
            if unlinked.len() == 1 { "" } else { "s" },
            unlinked.join(", ")
        ));
    }
    let slug = slug_for(&fm.title, fm.date.as_deref());
    Import::Postmortem(Imported {
        slug,
        front_matter,
        body,
        found: report.found,
        missing: report.missing,
    })
}

/// A sentence that says what happened, for a document without a usable title: the impact
/// statement, else the first sentence of the summary without a time in it, else its first
/// sentence.
fn summary_sentence(lines: &[Line], sections: &[Section], order: DayOrder) -> Option<String> {
    let has_summary = sections
        .iter()
        .any(|s| matches!(s.kind, Kind::Summary | Kind::Impact));
    let paragraphs: Vec<String> = sections
        .iter()
        .filter(|s| {
            matches!(s.kind, Kind::Summary | Kind::Impact)
                || (!has_summary && matches!(s.kind, Kind::Preamble | Kind::Other))
        })
        .flat_map(|s| {
            text::paragraphs(
                lines
                    .get(s.lines.clone())
                    .unwrap_or(&[])
                    .iter()
                    .filter(|l| l.heading.is_none() && !l.italic && !l.bold),
            )
        })
        .collect();
    let label_of = |t: &str| -> Option<(String, String)> {
        let c = t.find(':')?;
        let label = t.get(..c)?;
        (label.split_whitespace().count() <= 4 && !label.chars().any(|ch| ch.is_ascii_digit()))
            .then(|| {
                (
                    label.trim().to_lowercase(),
                    t.get(c + 1..).unwrap_or("").trim().to_string(),
                )
            })
    };
    let mut sentences: Vec<(bool, String)> = Vec::new();
    for p in &paragraphs {
        let (impact, body) = match label_of(p) {
            Some((label, value))
                if label.contains("impact")
                    || label.contains("what happened")
                    || label.contains("summary") =>
            {
                (label.contains("impact"), value)
            }
            Some(_) => continue,
            None => (false, p.clone()),
        };
        for (a, b) in text::sentences(&body) {
            let s = body.get(a..b).unwrap_or("").trim().to_string();
            if s.split_whitespace().count() >= 6 {
                sentences.push((impact, s));
            }
        }
    }
    let no_time = |s: &str| mentions::find(s, order, ClockRules::default()).is_empty();
    sentences
        .iter()
        .find(|(impact, s)| *impact && no_time(s))
        .or_else(|| sentences.first())
        .map(|(_, s)| s.clone())
}

fn slug_for(title: &str, date: Option<&str>) -> String {
    let mut slug = crate::keys::slugify(title);
    if slug.chars().count() > 60 {
        let mut cut = String::new();
        for part in slug.split('-') {
            if cut.chars().count() + part.chars().count() + 1 > 60 {
                break;
            }
            if !cut.is_empty() {
                cut.push('-');
            }
            cut.push_str(part);
        }
        slug = cut;
    }
    if slug.is_empty() || is_generic_title(title) {
        slug = match date {
            Some(d) => format!("postmortem-{d}"),
            None => "postmortem".to_string(),
        };
    }
    slug
}

fn body_of(text: &str, title_src: Option<usize>) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    if let Some(i) = title_src
        && i < lines.len()
    {
        lines.remove(i);
    }
    let mut body = lines.join("\n");
    let trimmed = body.trim_start_matches(['\n', ' ']).len();
    let leading = body.len() - trimmed;
    if leading > 0 {
        // Keep the indentation of the first line; drop only blank lines.
        let first_nonblank = body
            .split('\n')
            .position(|l| !l.trim().is_empty())
            .unwrap_or(0);
        body = body
            .split('\n')
            .skip(first_nonblank)
            .collect::<Vec<_>>()
            .join("\n");
    }
    let mut body = body.trim_end().to_string();
    body.push('\n');
    body
}

fn section_lines<'a>(lines: &'a [Line], s: &Section) -> impl Iterator<Item = &'a Line> {
    let heading = s.heading.and_then(|h| lines.get(h));
    heading
        .into_iter()
        .chain(lines.get(s.lines.clone()).unwrap_or(&[]).iter())
        .filter(|l| !l.code)
}

fn label_value(text: &str, labels: &[&str]) -> Option<String> {
    let colon = text.find(':')?;
    let label = text.get(..colon)?.trim().to_lowercase();
    labels
        .iter()
        .any(|l| label == *l)
        .then(|| text.get(colon + 1..).unwrap_or("").trim().to_string())
}

/// The impact summary and the share of users affected.
fn read_impact(lines: &[Line], sections: &[Section]) -> (Option<String>, Option<(f64, String)>) {
    let mut impact_texts: Vec<String> = Vec::new();
    for s in sections {
        if s.kind == Kind::Impact {
            let mut own = String::new();
            if let Some(v) = s
                .heading
                .and_then(|h| lines.get(h))
                .and_then(|l| label_value(&l.text, &["impact"]))
            {
                own.push_str(&v);
            }
            for l in lines.get(s.lines.clone()).unwrap_or(&[]) {
                if l.code || l.cells.is_some() || l.italic {
                    continue;
                }
                if l.is_blank() && !own.is_empty() {
                    break;
                }
                if !l.is_blank() {
                    if !own.is_empty() {
                        own.push(' ');
                    }
                    own.push_str(&l.text);
                }
            }
            if !own.trim().is_empty() {
                impact_texts.push(own);
            }
        } else if s.kind.is_summary_like() {
            let body = text::paragraphs(section_lines(lines, s));
            for (k, p) in body.iter().enumerate() {
                let lower = p.to_lowercase();
                let is_impact_label = lower.starts_with("impact")
                    || lower.starts_with("what was the impact")
                    || lower.starts_with("user impact")
                    || lower.starts_with("customer impact");
                if !is_impact_label {
                    continue;
                }
                let value = p
                    .find(':')
                    .map(|c| p.get(c + 1..).unwrap_or("").trim().to_string());
                match value {
                    Some(v) if !v.is_empty() => impact_texts.push(v),
                    _ => {
                        if let Some(next) = body.get(k + 1) {
                            impact_texts.push(next.clone());
                        }
                    }
                }
            }
        }
    }
    let summary_text: Vec<String> = sections
        .iter()
        .filter(|s| s.kind.is_summary_like())
        .flat_map(|s| text::paragraphs(section_lines(lines, s)))
        .collect();
    let pct = impact_texts
        .iter()
        .chain(summary_text.iter())
        .find_map(|t| classify::users_affected(t).map(|(p, q)| (p, t.clone(), q)));
    let summary = impact_texts
        .first()
        .map(|t| two_sentences(t))
        .or_else(|| {
            pct.as_ref().map(|(_, line, q)| {
                // The sentence holding the percentage.
                text::sentences(line)
                    .into_iter()
                    .map(|(a, b)| line.get(a..b).unwrap_or("").trim().to_string())
                    .find(|s| s.contains(q.as_str()))
                    .unwrap_or_else(|| text::first_sentence(line, 300))
            })
        })
        .filter(|s| !s.trim().is_empty());
    (summary, pct.map(|(p, _, q)| (p, q)))
}

fn two_sentences(text: &str) -> String {
    let spans = text::sentences(text);
    let end = spans.get(1).or(spans.first()).map_or(text.len(), |s| s.1);
    text::truncate_words(text.get(..end).unwrap_or(text).trim(), 300)
}

/// The root cause as stated (sections and "Root cause:" lines), and the rest of the summary.
fn root_cause_text(lines: &[Line], sections: &[Section]) -> (String, String) {
    let mut primary = String::new();
    let mut secondary = String::new();
    for s in sections {
        let in_rc = s.kind == Kind::RootCause;
        let summary = s.kind.is_summary_like();
        if !in_rc && !summary {
            continue;
        }
        for l in section_lines(lines, s) {
            let lower = l.text.to_lowercase();
            let stated = lower.contains("root cause")
                || lower.contains("caused by")
                || lower.contains("due to")
                || lower.starts_with("cause");
            if in_rc {
                primary.push_str(&l.text);
                primary.push('\n');
            } else if stated {
                for (a, b) in text::sentences(&l.text) {
                    let sentence = l.text.get(a..b).unwrap_or("");
                    let sl = sentence.to_lowercase();
                    if sl.contains("root cause")
                        || sl.contains("caused by")
                        || sl.contains("due to")
                        || sl.starts_with("cause")
                    {
                        primary.push_str(sentence);
                        primary.push('\n');
                    }
                }
            } else {
                secondary.push_str(&l.text);
                secondary.push('\n');
            }
        }
    }
    (primary, secondary)
}

/// Values of "Affected services:", "Component:", "Affected system:" lines (and the list
/// right under such a label).
fn labelled_services(lines: &[Line], sections: &[Section]) -> Vec<String> {
    const LABELS: &[&str] = &[
        "affected services",
        "affected service",
        "services affected",
        "service affected",
        "affected systems",
        "affected system",
        "systems affected",
        "services",
        "service",
        "component",
        "components",
        "affected components",
        "affected component",
    ];
    let mut out = Vec::new();
    for s in sections.iter().filter(|s| s.kind.is_summary_like()) {
        let body: Vec<&Line> = section_lines(lines, s).collect();
        for (k, l) in body.iter().enumerate() {
            if let Some(v) = label_value(&l.text, LABELS) {
                if !v.is_empty() {
                    out.push(v);
                } else {
                    for n in body
                        .iter()
                        .skip(k + 1)
                        .filter(|n| !n.is_blank())
                        .take_while(|n| n.item)
                        .take(5)
                    {
                        out.push(n.text.clone());
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
