//! The decision step: from what the passes found to the times that are written, through
//! the cross-checks between them. A value is kept only with its evidence; where two pieces
//! of evidence disagree, the field is left out and the report names both with their lines.
//!
//! Checked here: zone names against explicit offsets and the season; the incident date
//! against the start, the labelled date, the timeline and the title and file name; each
//! stated time against the others of its kind; the stated start against the timeline; the
//! stated duration against start and end; the milestones' order.

use jiff::SignedDuration;
use jiff::civil::Date;

use super::dates::{DateFindings, DateSource};
use super::evidence::{Evidence, Report};
use super::phrases;
use super::sections::Section;
use super::statements::{Stated, Statements};
use super::text::Source;
use super::timeline::{self, Entry, EventKind, Marker, RawEntry};
use super::times::{self, Moment, Zone};

/// A point in time written with its evidence.
#[derive(Debug, Clone)]
pub(super) struct Milestone {
    pub(super) at: Moment,
    pub(super) evidence: Evidence,
    /// 3 stated in prose, 2 marked in the timeline, 1 inferred from the timeline.
    strength: u8,
}

/// The times decided for one incident.
#[derive(Debug, Default)]
pub(super) struct Times {
    pub(super) date: Option<(Date, Evidence)>,
    pub(super) started: Option<Milestone>,
    pub(super) detected: Option<Milestone>,
    pub(super) acknowledged: Option<Milestone>,
    pub(super) mitigated: Option<Milestone>,
    pub(super) resolved: Option<Milestone>,
    /// Written only when `started` or `resolved` is missing (else it is their difference).
    pub(super) duration: Option<(SignedDuration, Evidence)>,
    pub(super) timeline: Vec<(Entry, Evidence)>,
}

/// What the decision reads.
pub(super) struct Findings<'a> {
    pub(super) source: &'a Source,
    pub(super) sections: &'a [Section],
    pub(super) statements: &'a Statements,
    pub(super) dates: &'a DateFindings,
    pub(super) entries: &'a [RawEntry],
    pub(super) zone: Option<(Zone, Evidence)>,
    /// The headings that number several incidents the document does not separate: no
    /// start, end or duration can then be told to be this incident's.
    pub(super) several: Option<Vec<String>>,
}

/// Decides the incident's date, milestones, duration and timeline.
pub(super) fn decide(f: &Findings<'_>, report: &mut Report) -> Times {
    let mut times = Times::default();
    let tentative = incident_date(f, report);
    let settled = settled_zones(
        f.statements
            .zones
            .iter()
            .map(|(z, _)| z)
            .chain(f.entries.iter().filter_map(|e| e.mention.zone.as_ref()))
            .chain(f.entries.iter().filter_map(|e| e.stated_zone.as_ref()))
            .chain(f.zone.iter().map(|(z, _)| z)),
    );
    let zone = usable_zone(
        f.zone.as_ref(),
        tentative.as_ref().map(|(d, _)| *d),
        &settled,
        report,
    );
    let ctx = Context {
        f,
        date: tentative.as_ref().map(|(d, _)| *d),
        zone: zone.as_ref(),
        settled: &settled,
    };

    let mut started = stated_milestone(&ctx, &f.statements.starts, "started", report);
    if started.is_none() && !report.is_left_out("started") {
        started = labelled_start(&ctx, f, report);
    }
    let mut resolved = stated_milestone(&ctx, &f.statements.ends, "resolved", report);
    let mut detected = stated_milestone(&ctx, &f.statements.detected, "detected", report);
    let mut acknowledged =
        stated_milestone(&ctx, &f.statements.acknowledged, "acknowledged", report);
    let mut mitigated = stated_milestone(&ctx, &f.statements.mitigated, "mitigated", report);
    if let (Some(s), Some(e)) = (&started, &mut resolved) {
        cross_midnight(s, e, report);
    }

    // The timeline, placed on the incident's day (the start's, if known).
    let anchor = started.as_ref().map(|m| m.at.date()).or(ctx.date);
    let entries = settle_entry_zones(f.entries, anchor, &settled, report);
    let placed = timeline::place(&entries, anchor, zone.as_ref());
    for p in placed.problems {
        report.leave_out("timeline", p);
    }
    if placed.zoneless > 0 {
        report.leave_out(
            "timeline",
            format!(
                "{} entries have no time zone the document states; left out",
                placed.zoneless
            ),
        );
    }
    if placed.unzoned_days > 0 {
        report.note(format!(
            "timeline: {} entries have a time in no zone the document states; each is written as its day, with the time in its words",
            placed.unzoned_days
        ));
    }
    if placed.dateless > 0 {
        report.leave_out(
            "timeline",
            format!(
                "{} entries have no date the document states; left out",
                placed.dateless
            ),
        );
    }
    let mut timeline_entries = placed.entries;
    if let Some(why) = zone_contradicted(f, &timeline_entries) {
        leave_out_all(report, MILESTONES, &why);
        report.note(format!(
            "timeline: {why}; each entry is written as its day, with the time in its words"
        ));
        started = None;
        resolved = None;
        detected = None;
        acknowledged = None;
        mitigated = None;
        let unzoned: Vec<RawEntry> = entries
            .iter()
            .cloned()
            .map(|mut e| {
                e.unreadable_zone = true;
                e
            })
            .collect();
        timeline_entries = timeline::place(&unzoned, anchor, None).entries;
    }

    if let Some(why) = timeline_before_the_incident(ctx.date, f, &timeline_entries) {
        report.leave_out("timeline", why);
        timeline_entries.clear();
    }

    // Milestones are times: a day without a time says nothing of when in the day.
    let timed: Vec<Entry> = timeline_entries
        .iter()
        .filter(|e| !e.day_only)
        .cloned()
        .collect();
    // Entries before the day the document labels as the incident's are its lead-up.
    let labelled_day = f.dates.from(DateSource::Label).next().map(|d| d.date);
    let on_the_day: Vec<Entry> = timed
        .iter()
        .filter(|e| labelled_day.is_none_or(|d| e.at.date() >= d))
        .cloned()
        .collect();
    if started.is_none() && !report.is_left_out("started") {
        started = confirmed_first_time(&ctx, f, &timed).or_else(|| timeline_start(f, &on_the_day));
    } else if let Some(s) = &started
        && let Some(conflict) = start_against_timeline(f, s, &timed)
    {
        report.leave_out("started", conflict);
        started = None;
    }
    // The other milestones come from the incident's part of the timeline: from its start.
    let incident: Vec<Entry> = on_the_day
        .iter()
        .filter(|e| started.as_ref().is_none_or(|s| e.at.at >= s.at.at))
        .cloned()
        .collect();
    if resolved.is_none() && !report.is_left_out("resolved") {
        resolved = timeline_end(f, &incident, started.as_ref());
    }
    if mitigated.is_none() {
        mitigated = marked(f, &incident, Marker::Mitigated);
    }
    if detected.is_none() {
        detected = first_of_kind(f, &incident, EventKind::Detection);
    }
    if acknowledged.is_none() {
        acknowledged = first_of_kind(f, &incident, EventKind::Acknowledgement);
    }

    if let Some(headings) = &f.several {
        let shown: Vec<String> = headings
            .iter()
            .take(3)
            .map(|h| super::evidence::quote(h))
            .collect();
        let why = format!(
            "the document reports several incidents ({}) without a section for each; which time is whose is not clear",
            shown.join(", ")
        );
        leave_out_all(report, &[MILESTONES, &["duration"]].concat(), &why);
        started = None;
        detected = None;
        acknowledged = None;
        mitigated = None;
        resolved = None;
    }
    times.duration = match f.several {
        Some(_) => None,
        None => duration(f, &started, &mut resolved, &timed, report),
    };
    let mut slots = [
        ("started", started),
        ("detected", detected),
        ("acknowledged", acknowledged),
        ("mitigated", mitigated),
        ("resolved", resolved),
    ];
    in_order(&mut slots, report);
    let [
        (_, started),
        (_, detected),
        (_, acknowledged),
        (_, mitigated),
        (_, resolved),
    ] = slots;

    times.date = final_date(f, started.as_ref(), tentative, report);
    if times.date.is_none() && started.is_some() {
        // A start whose day conflicts with the stated date is not believed either.
        report.leave_out(
            "started",
            "its day disagrees with the date the document states",
        );
        times.started = None;
    } else {
        times.started = started;
    }
    // Without a start, an end is believed only on the incident's day or the next: else
    // nothing ties it to this incident rather than to a step of its recovery.
    let resolved = match (&times.started, &times.date, resolved) {
        (None, Some((day, _)), Some(r)) if (r.at.date() - *day).get_days().abs() > 1 => {
            report.leave_out(
                "resolved",
                format!(
                    "{} ({}) is days from the incident's date {day} and there is no start to measure it from",
                    r.at.rfc3339(),
                    r.evidence.describe()
                ),
            );
            None
        }
        // A stated duration from the incident's day must reach the end, give or take a day.
        (None, Some((day, _)), Some(r))
            if f.statements.durations.first().is_some_and(|d| {
                let from_day = r.at.date() - *day;
                let days = from_day.get_days() as i64;
                (days * 86_400 - d.value.value.as_secs()).abs() > 2 * 86_400
            }) =>
        {
            report.leave_out(
                "resolved",
                format!(
                    "{} ({}) does not fit the stated duration from the incident's date {day}",
                    r.at.rfc3339(),
                    r.evidence.describe()
                ),
            );
            None
        }
        (None, None, Some(r)) => {
            report.leave_out(
                "resolved",
                format!(
                    "{} ({}): with neither a start nor a date, nothing ties it to the incident",
                    r.at.rfc3339(),
                    r.evidence.describe()
                ),
            );
            None
        }
        (_, _, r) => r,
    };
    times.detected = detected;
    times.acknowledged = acknowledged;
    times.mitigated = mitigated;
    times.resolved = resolved;
    times.timeline = timeline_entries
        .into_iter()
        .map(|e| {
            let evidence = Evidence::new(f.source.line_number(e.src), &e.source);
            (e, evidence)
        })
        .collect();
    times
}

/// The milestones' fields, in order.
const MILESTONES: &[&str] = &[
    "started",
    "detected",
    "acknowledged",
    "mitigated",
    "resolved",
];

/// Leaves every one of `fields` out for one reason.
fn leave_out_all(report: &mut Report, fields: &[&str], why: &str) {
    for field in fields {
        report.leave_out(field, why);
    }
}

/// What resolving a stated time needs: the incident's date and the document's zone.
struct Context<'a> {
    f: &'a Findings<'a>,
    date: Option<Date>,
    zone: Option<&'a Zone>,
    settled: &'a [(String, Zone)],
}

impl Context<'_> {
    /// The instant a statement gives, or why it gives none. A time without a date of its
    /// own takes the incident's date only when its section names no other day: a date from
    /// one statement is never joined to a time from another about something else.
    fn resolve(&self, s: &Stated) -> Result<Moment, String> {
        let m = &s.mention;
        let own_date = m
            .date
            .and_then(|d| d.with_year(self.f.dates.year.or(self.date.map(|d| d.year()))));
        let date = match (own_date, self.date) {
            (Some(d), _) => d,
            (None, Some(d)) if !self.section_names_another_day(s.section, d) => d,
            (None, Some(_)) => {
                return Err(format!(
                    "{}: the time has no date and its section names more than one day",
                    s.evidence.describe()
                ));
            }
            (None, None) => {
                return Err(format!(
                    "{}: the time has no date and the document states none",
                    s.evidence.describe()
                ));
            }
        };
        let zone = match &m.zone {
            Some(z) => settle(z, date, self.settled)
                .map_err(|why| format!("{}: {why}", s.evidence.describe()))?,
            None => self.zone.cloned().ok_or_else(|| {
                format!(
                    "{}: the time has no zone and the document states none",
                    s.evidence.describe()
                )
            })?,
        };
        let time = m
            .clock
            .time()
            .ok_or_else(|| format!("{}: not a clock time", s.evidence.describe()))?;
        Moment::new(date, time, &zone).ok_or_else(|| {
            format!(
                "{}: not a time that exists in its zone",
                s.evidence.describe()
            )
        })
    }

    fn section_names_another_day(&self, section: usize, date: Date) -> bool {
        self.f.dates.found.iter().any(|d| {
            d.date != date
                && d.source != DateSource::FileName
                && self.f.sections.get(section).is_some_and(|s| {
                    let first = self.f.source.line_number(s.lines.start);
                    let last = self.f.source.line_number(s.lines.end.saturating_sub(1));
                    (first.saturating_sub(1)..=last).contains(&d.evidence.line)
                })
        })
    }
}

/// Offsets the document writes beside a zone's name (`IST (UTC+05:30)`), by name: once
/// written, they settle what the name means everywhere in the document.
pub(super) fn settled_zones<'a>(zones: impl Iterator<Item = &'a Zone>) -> Vec<(String, Zone)> {
    let mut out: Vec<(String, Zone)> = Vec::new();
    for z in zones {
        let Some((name, rest)) = z.label.split_once(' ') else {
            continue;
        };
        let named = name.chars().all(|c| c.is_ascii_uppercase())
            && rest.chars().any(|c| c.is_ascii_digit());
        if named && z.ambiguous.is_none() && !out.iter().any(|(n, _)| n == name) {
            out.push((name.to_string(), z.clone()));
        }
    }
    out
}

/// The zone times written in `zone` are placed in on `date`, or why they cannot be: a name
/// that means several zones (`IST`), or a standard-time name in its region's summer (`PST`
/// in July), with no offset written anywhere in the document to settle it.
fn settle(zone: &Zone, date: Date, settled: &[(String, Zone)]) -> Result<Zone, String> {
    let problem = match zone.ambiguous {
        Some(why) => Some(format!("\"{}\" {why}; no offset settles it", zone.label)),
        None => times::standard_in_summer(zone, date),
    };
    match problem {
        None => Ok(zone.clone()),
        Some(why) => settled
            .iter()
            .find(|(name, _)| *name == zone.label)
            .map(|(_, z)| z.clone())
            .ok_or(why),
    }
}

/// The document's zone, unless it cannot be used on the incident's date.
fn usable_zone(
    zone: Option<&(Zone, Evidence)>,
    date: Option<Date>,
    settled: &[(String, Zone)],
    report: &mut Report,
) -> Option<Zone> {
    let (zone, evidence) = zone?;
    // Without a date only the season cannot be checked; a name of several zones still can.
    let result = match date {
        Some(d) => settle(zone, d, settled),
        None if zone.ambiguous.is_some() => settle(zone, Date::constant(2000, 1, 1), settled),
        None => Ok(zone.clone()),
    };
    match result {
        Ok(z) => Some(z),
        Err(why) => {
            report.leave_out("zone", format!("{}: {why}", evidence.describe()));
            None
        }
    }
}

/// The entries with their zones settled; an entry written in a zone that cannot be used
/// is left out (placing it in another zone would move it silently).
fn settle_entry_zones(
    entries: &[RawEntry],
    anchor: Option<Date>,
    settled: &[(String, Zone)],
    report: &mut Report,
) -> Vec<RawEntry> {
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let mut e = e.clone();
        let date = e
            .mention
            .date
            .or(e.day)
            .and_then(|d| d.with_year(anchor.map(|a| a.year())))
            .or(anchor);
        if let Some(date) = date {
            for zone in [&mut e.mention.zone, &mut e.stated_zone] {
                if let Some(z) = zone.as_ref() {
                    match settle(z, date, settled) {
                        Ok(settled) => *zone = Some(settled),
                        Err(why) => {
                            report.note(format!(
                                "timeline: entries in {}: {why}; their times are kept in their words",
                                z.label
                            ));
                            e.unreadable_zone = true;
                        }
                    }
                }
            }
        }
        out.push(e);
    }
    out
}

/// The first resolvable statement of a kind; a second that gives another instant is a
/// conflict, and the field is left out.
fn stated_milestone(
    ctx: &Context<'_>,
    stated: &[Stated],
    field: &str,
    report: &mut Report,
) -> Option<Milestone> {
    let mut chosen: Option<Milestone> = None;
    let mut problems = Vec::new();
    for s in stated {
        match ctx.resolve(s) {
            Ok(at) => match &chosen {
                None => {
                    chosen = Some(Milestone {
                        at,
                        evidence: s.evidence.clone(),
                        strength: 3,
                    });
                }
                Some(c) if (c.at.at.as_second() - at.at.as_second()).abs() >= 60 => {
                    report.leave_out(
                        field,
                        two_statements(c.at.rfc3339(), &c.evidence, at.rfc3339(), &s.evidence),
                    );
                    return None;
                }
                Some(_) => {}
            },
            Err(why) => problems.push(why),
        }
    }
    if chosen.is_none() {
        for why in problems {
            report.leave_out(field, why);
        }
    }
    chosen
}

/// A timeline all of whose entries are dated before the incident's date (a date copied
/// from an older report into the first entry): which of the two is wrong is not clear.
fn timeline_before_the_incident(
    date: Option<Date>,
    f: &Findings<'_>,
    entries: &[Entry],
) -> Option<String> {
    let date = date?;
    let last = entries.last()?;
    if entries.iter().any(|e| e.at.date() >= date) {
        return None;
    }
    let first = entries.first()?;
    Some(format!(
        "every entry is dated before the incident's date {date}: from {} ({}) to {}",
        first.at.date(),
        Evidence::new(f.source.line_number(first.src), &first.source).describe(),
        last.at.date()
    ))
}

/// A timeline whose zone a quote under one of its entries contradicts: the alert quoted
/// under `12:42 PM` (in "BST") says `4:42PM UTC`, hours away. Which zone the timeline is
/// in is then not known.
fn zone_contradicted(f: &Findings<'_>, entries: &[Entry]) -> Option<String> {
    for e in entries {
        for m in &e.quoted {
            let (Some(date), Some(zone), Some(time)) = (
                m.date.and_then(|d| d.with_year(Some(e.at.date().year()))),
                &m.zone,
                m.clock.time(),
            ) else {
                continue;
            };
            let Some(at) = Moment::new(date, time, zone) else {
                continue;
            };
            let apart = (at.at.as_second() - e.at.at.as_second()).abs();
            if (3600..=14 * 3600).contains(&apart) && apart % 1800 == 0 {
                return Some(format!(
                    "the timeline's zone is contradicted: the entry {} at {} quotes the same moment as {}, {} apart",
                    Evidence::new(f.source.line_number(e.src), &e.source).describe(),
                    e.at.rfc3339(),
                    at.rfc3339(),
                    times::describe_duration(SignedDuration::from_secs(apart))
                ));
            }
        }
    }
    None
}

/// A time with no cue on the line that labels the incident's date (`Date of incident:
/// 20 September 2023, 14:32 UTC`) is when it began.
fn labelled_start(ctx: &Context<'_>, f: &Findings<'_>, report: &mut Report) -> Option<Milestone> {
    let labelled: Vec<Stated> = f
        .statements
        .bare
        .iter()
        .filter(|s| {
            super::dates::is_date_label(&s.evidence.quote) || is_start_label(&s.evidence.quote)
        })
        .cloned()
        .collect();
    stated_milestone(ctx, &labelled, "started", report)
}

/// `Time: 5:13:57 UTC`, `Time of incident: 14:05`, `Start time: ...`: a label that says
/// the time is when it happened.
fn is_start_label(text: &str) -> bool {
    text.split_once(':').is_some_and(|(label, _)| {
        matches!(
            label.trim().to_lowercase().as_str(),
            "time" | "time of incident" | "incident time" | "start time" | "time of the incident"
        )
    })
}

/// The summary's first time, when it has a date of its own and the timeline has an entry
/// at the same minute: two statements of one moment (`On April 1, 2024, at 02:51:15 UTC, a
/// wrong block was generated` and the timeline's `0251: wrong block generated`).
fn confirmed_first_time(
    ctx: &Context<'_>,
    f: &Findings<'_>,
    entries: &[Entry],
) -> Option<Milestone> {
    let first = f.statements.bare.first()?;
    first.mention.date?;
    let at = ctx.resolve(first).ok()?;
    let confirmed = entries
        .iter()
        .any(|e| (e.at.at.as_second() - at.at.as_second()).abs() < 60);
    confirmed.then(|| Milestone {
        at,
        evidence: first.evidence.clone(),
        strength: 3,
    })
}

/// An end earlier in the day than the start, with no date of its own, is the next day.
fn cross_midnight(start: &Milestone, end: &mut Milestone, report: &mut Report) {
    if end.at.at < start.at.at
        && end.at.date() == start.at.date()
        && let Some(next) = end.at.plus(SignedDuration::from_hours(24))
        && next.at >= start.at.at
    {
        end.at = next;
        report.note(
            "resolved: the end time is earlier in the day than the start; read as the next day",
        );
    }
}

fn from_entry(f: &Findings<'_>, e: &Entry, strength: u8) -> Milestone {
    Milestone {
        at: e.at,
        evidence: Evidence::new(f.source.line_number(e.src), &e.source),
        strength,
    }
}

/// With no stated start: the timeline's start marker ("incident begins"), else its first
/// entry that reports trouble (an alert, errors, users unable to...). A timeline that opens
/// with preparation or background does not start the incident, and one whose first
/// trouble comes after a detection cannot say when impact began.
fn timeline_start(f: &Findings<'_>, entries: &[Entry]) -> Option<Milestone> {
    if let Some(e) = entries.iter().find(|e| e.marker == Some(Marker::Start)) {
        return Some(from_entry(f, e, 2));
    }
    entries
        .iter()
        .find(|e| e.kind == EventKind::Detection || reads_as_impact(&e.text))
        .map(|e| from_entry(f, e, 1))
}

/// A stated start the timeline contradicts: a start marker at another time, or a timeline
/// whose entries all come before the stated start.
fn start_against_timeline(
    f: &Findings<'_>,
    start: &Milestone,
    entries: &[Entry],
) -> Option<String> {
    if let Some(marker) = entries.iter().find(|e| e.marker == Some(Marker::Start))
        && (marker.at.at.as_second() - start.at.at.as_second()).abs() >= 60
    {
        return Some(format!(
            "the document gives two: {} ({}) and the timeline's start {} ({})",
            start.at.rfc3339(),
            start.evidence.describe(),
            marker.at.rfc3339(),
            Evidence::new(f.source.line_number(marker.src), &marker.source).describe()
        ));
    }
    let confirmed = entries
        .iter()
        .any(|e| (e.at.at.as_second() - start.at.at.as_second()).abs() < 60);
    if confirmed {
        return None;
    }
    // Trouble reported more than an hour before the stated start, at no entry of its own.
    if let Some(early) = entries.iter().find(|e| {
        (e.kind == EventKind::Detection || reads_as_impact(&e.text))
            && e.at.at.as_second() < start.at.at.as_second() - 3600
    }) {
        return Some(format!(
            "the document gives {} ({}), but its timeline reports trouble earlier, at {} ({})",
            start.at.rfc3339(),
            start.evidence.describe(),
            early.at.rfc3339(),
            Evidence::new(f.source.line_number(early.src), &early.source).describe()
        ));
    }
    let last = entries.iter().map(|e| e.at.at).max()?;
    (last < start.at.at).then(|| {
        format!(
            "{} ({}) is after every entry of the timeline",
            start.at.rfc3339(),
            start.evidence.describe()
        )
    })
}

/// With no stated end: the timeline's end marker, else its last resolution entry.
fn timeline_end(
    f: &Findings<'_>,
    entries: &[Entry],
    start: Option<&Milestone>,
) -> Option<Milestone> {
    if let Some(m) = marked(f, entries, Marker::End) {
        return Some(m);
    }
    let after_start = |e: &&Entry| start.is_none_or(|s| e.at.at >= s.at.at);
    entries
        .iter()
        .filter(after_start)
        .rfind(|e| e.kind == EventKind::Resolution)
        .map(|e| from_entry(f, e, 1))
}

fn marked(f: &Findings<'_>, entries: &[Entry], marker: Marker) -> Option<Milestone> {
    entries
        .iter()
        .find(|e| e.marker == Some(marker))
        .map(|e| from_entry(f, e, 2))
}

fn first_of_kind(f: &Findings<'_>, entries: &[Entry], kind: EventKind) -> Option<Milestone> {
    entries
        .iter()
        .find(|e| e.kind == kind)
        .map(|e| from_entry(f, e, 1))
}

/// The stated duration: checked against start and end when both are known (the end is
/// left out when they disagree, unless a resolution entry of the timeline agrees with the
/// duration: two statements of the end), used to find the end among the timeline's
/// resolution entries when only the start is known, and written on its own otherwise.
fn duration(
    f: &Findings<'_>,
    started: &Option<Milestone>,
    resolved: &mut Option<Milestone>,
    entries: &[Entry],
    report: &mut Report,
) -> Option<(SignedDuration, Evidence)> {
    let stated = &f.statements.durations;
    let Some(first) = stated.first() else {
        return span_length(f, started, resolved);
    };
    // Two stated durations that disagree settle nothing.
    if let Some(other) = stated
        .iter()
        .find(|d| !agrees(first.value.value, &d.value) || !agrees(d.value.value, &first.value))
    {
        report.leave_out(
            "duration",
            two_statements(
                times::describe_duration(first.value.value),
                &first.evidence,
                times::describe_duration(other.value.value),
                &other.evidence,
            ),
        );
        return None;
    }
    let Some(s) = started else {
        return Some((first.value.value, first.evidence.clone()));
    };
    let confirming_end = || {
        let expected = s.at.at.as_second() + first.value.value.as_secs();
        entries
            .iter()
            .filter(|x| {
                matches!(x.kind, EventKind::Resolution | EventKind::Mitigation)
                    || reads_as_recovery(&x.text)
            })
            .filter(|x| agrees(x.at.at.duration_since(s.at.at), &first.value))
            .min_by_key(|x| (x.at.at.as_second() - expected).abs())
    };
    let Some(e) = resolved.as_ref() else {
        if let Some(x) = confirming_end() {
            report.note(format!(
                "resolved: the timeline's resolution entry the stated duration ({}) agrees with",
                first.evidence.describe()
            ));
            *resolved = Some(from_entry(f, x, 2));
            return None;
        }
        return Some((first.value.value, first.evidence.clone()));
    };
    let actual = e.at.at.duration_since(s.at.at);
    let lower = first.evidence.quote.to_lowercase();
    let at_least = ["at least", "more than", "over ", "nearly", "almost"]
        .iter()
        .any(|w| lower.contains(w));
    if agrees(actual, &first.value) || (at_least && actual >= first.value.value) {
        return None;
    }
    if let Some(x) = confirming_end() {
        report.note(format!(
            "resolved: the timeline entry the stated duration ({}) agrees with, not {} ({})",
            first.evidence.describe(),
            e.at.rfc3339(),
            e.evidence.describe()
        ));
        *resolved = Some(from_entry(f, x, 2));
        return None;
    }
    report.leave_out(
        "resolved",
        format!(
            "{} ({}) is {} after the start, but the document says {} ({})",
            e.at.rfc3339(),
            e.evidence.describe(),
            times::describe_duration(actual),
            times::describe_duration(first.value.value),
            first.evidence.describe()
        ),
    );
    report.leave_out(
        "duration",
        "it disagrees with the start and end; see resolved",
    );
    *resolved = None;
    None
}

/// With no start or no end to write, the length of a span stated as one statement ("from
/// 3:00 PM to 4:30 PM CAT" in a report that never says which day): the same clock and the
/// same day, so its length needs neither.
fn span_length(
    f: &Findings<'_>,
    started: &Option<Milestone>,
    resolved: &Option<Milestone>,
) -> Option<(SignedDuration, Evidence)> {
    if started.is_some() && resolved.is_some() {
        return None;
    }
    let (a, b) = f.statements.spans.first()?;
    // One day: a second date on the end makes it a span of days, not of hours.
    let other_day = matches!((a.mention.date, b.mention.date), (Some(x), Some(y)) if x != y)
        || (a.mention.date.is_none() && b.mention.date.is_some());
    if other_day || f.statements.spans.len() > 1 {
        return None;
    }
    let (ta, tb) = (a.mention.clock.time()?, b.mention.clock.time()?);
    let minutes = |t: jiff::civil::Time| i64::from(t.hour()) * 60 + i64::from(t.minute());
    // A timeline whose resolution is at another time says the span is not the impact's
    // (a change at its start, a follow-up at its end).
    let last_resolution = f
        .entries
        .iter()
        .filter(|e| {
            timeline::kind_of(&e.text, e.label) == EventKind::Resolution
                || reads_as_recovery(&e.text)
                || e.text.to_lowercase().contains(" back")
        })
        .filter_map(|e| e.mention.clock.time())
        .next_back();
    if last_resolution.is_some_and(|t| (minutes(t) - minutes(tb)).abs() > 2) {
        return None;
    }
    let mut length = minutes(tb) - minutes(ta);
    if length < 0 {
        length += 24 * 60;
    }
    (length > 0).then(|| (SignedDuration::from_mins(length), a.evidence.clone()))
}

/// A duration agrees with one stated: within 2 % or a minute of it; when it is said to be
/// approximate ("about two hours"), within 15 % or 15 minutes, unless it is written to the
/// minute ("~19 hours and 33 minutes"), then within 3 % or 5 minutes.
fn agrees(actual: SignedDuration, stated: &times::DurationMention) -> bool {
    let diff = (actual.as_secs() - stated.value.as_secs()).abs();
    let base = stated.value.as_secs();
    let to_the_minute = base % 3600 != 0 && base % 1800 != 0;
    let tolerance = match (stated.approximate, to_the_minute) {
        (true, false) => (base * 15 / 100).max(15 * 60),
        (true, true) => (base * 3 / 100).max(5 * 60),
        (false, _) => (base / 50).max(60),
    };
    diff <= tolerance
}

/// Milestones out of order: the less trusted of two that disagree is left out.
fn in_order(slots: &mut [(&str, Option<Milestone>); 5], report: &mut Report) {
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
        let Some((i, j)) = conflict else { return };
        let (a, b) = (slots[i].1.as_ref(), slots[j].1.as_ref());
        let drop = match (a, b) {
            (Some(a), Some(b)) if b.strength > a.strength => i,
            _ => j,
        };
        let keep = if drop == i { j } else { i };
        if let (Some(dropped), Some(kept)) = (&slots[drop].1, &slots[keep].1) {
            let reason = format!(
                "{} ({}) is out of order with {} {} ({})",
                dropped.at.rfc3339(),
                dropped.evidence.describe(),
                slots[keep].0,
                kept.at.rfc3339(),
                kept.evidence.describe()
            );
            let field = slots[drop].0;
            report.leave_out(field, reason);
        }
        slots[drop].1 = None;
    }
}

/// The incident's date before the start is known, from the text's own dates: a labelled
/// date, else the dates of the summary's sentences and the timeline when they agree, else
/// the title's. Dates that disagree leave it out, naming both.
fn incident_date(f: &Findings<'_>, report: &mut Report) -> Option<(Date, Evidence)> {
    let dates = f.dates;
    let labelled: Vec<_> = dates.from(DateSource::Label).collect();
    let chosen = if let Some(first) = labelled.first() {
        if let Some(other) = labelled.iter().find(|d| d.date != first.date) {
            report.leave_out(
                "date",
                two_statements(first.date, &first.evidence, other.date, &other.evidence),
            );
            return None;
        }
        (*first).clone()
    } else if let Some((date, evidence)) = stated_start_day(f).filter(|_| f.several.is_none()) {
        // "Between 2025-07-30 21:27 UTC and 2025-07-31 07:27 UTC": the stated start's own
        // day; the end's is not a second candidate.
        super::dates::DateFound {
            date,
            source: DateSource::Prose,
            evidence,
            through: None,
        }
    } else {
        let text: Vec<_> = dates
            .from(DateSource::Prose)
            .chain(dates.from(DateSource::Timeline))
            .collect();
        match text.first() {
            Some(first) => {
                let last = first.through.unwrap_or(first.date);
                if let Some(other) = text.iter().find(|d| d.date < first.date || d.date > last) {
                    // The timeline's first date settles prose that also names other days
                    // (a deploy the week before, the day of the fix) only when it is the
                    // first date the prose names too.
                    let timeline = dates.from(DateSource::Timeline).next();
                    // The title's date agreeing with the prose's first date settles a
                    // timeline whose first date is another (a date copied from an older
                    // report).
                    let title_agrees = dates
                        .from(DateSource::Title)
                        .any(|t| t.date == first.date && first.source == DateSource::Prose);
                    match timeline {
                        Some(t) if t.date == first.date => (*first).clone(),
                        _ if title_agrees => (*first).clone(),
                        _ => {
                            report.leave_out(
                                "date",
                                format!(
                                    "the document names several days and none is marked as the incident's: {} ({}) and {} ({})",
                                    first.date,
                                    first.evidence.describe(),
                                    other.date,
                                    other.evidence.describe()
                                ),
                            );
                            return None;
                        }
                    }
                } else {
                    (*first).clone()
                }
            }
            None => match dates.from(DateSource::Title).next() {
                Some(title) => {
                    if let Some(other) = dates
                        .from(DateSource::Background)
                        .find(|d| d.date != title.date)
                    {
                        report.leave_out(
                            "date",
                            format!(
                                "the title says {} ({}) and the text {} ({}); nothing says which is the incident's",
                                title.date,
                                title.evidence.describe(),
                                other.date,
                                other.evidence.describe()
                            ),
                        );
                        return None;
                    }
                    title.clone()
                }
                None => {
                    for p in &dates.problems {
                        report.leave_out("date", p.clone());
                    }
                    if dates.problems.is_empty() {
                        report.leave_out("date", "the document states no incident date");
                    }
                    return None;
                }
            },
        }
    };
    for weak in dates
        .from(DateSource::Title)
        .chain(dates.from(DateSource::FileName))
    {
        if weak.date != chosen.date && weak.source != chosen.source {
            let place = if weak.source == DateSource::Title {
                format!("the title ({})", weak.evidence.describe())
            } else {
                format!(
                    "the file name {}",
                    super::evidence::quote(&weak.evidence.quote)
                )
            };
            report.note(format!(
                "date: {place} says {}, the text {} ({}); the text's is used",
                weak.date,
                chosen.date,
                chosen.evidence.describe()
            ));
        }
    }
    Some((chosen.date, chosen.evidence))
}

/// The day of the first stated start that writes its own full date.
fn stated_start_day(f: &Findings<'_>) -> Option<(Date, Evidence)> {
    f.statements.starts.iter().find_map(|s| {
        let date = s.mention.date?.full()?;
        Some((date, s.evidence.clone()))
    })
}

/// The date written: the start's day when the start is known (and the stated date allows
/// it), else the date the text states.
fn final_date(
    f: &Findings<'_>,
    started: Option<&Milestone>,
    tentative: Option<(Date, Evidence)>,
    report: &mut Report,
) -> Option<(Date, Evidence)> {
    let Some(start) = started else {
        return tentative;
    };
    let day = start.at.date();
    let labelled = f.dates.from(DateSource::Label).next();
    if let Some(l) = labelled {
        let apart = (l.date - day).get_days().abs();
        if apart > 1 {
            report.leave_out(
                "date",
                format!(
                    "the start {} ({}) is not on the stated date {} ({})",
                    start.at.rfc3339(),
                    start.evidence.describe(),
                    l.date,
                    l.evidence.describe()
                ),
            );
            return None;
        }
    }
    // The line that states the day, when the start's own line only has a time.
    match tentative {
        Some((date, evidence)) if date == day => Some((day, evidence)),
        _ => Some((day, start.evidence.clone())),
    }
}

/// A timeline entry that says something was broken: "error rates rise", "site down",
/// "users unable to log in", "alert fired".
pub(super) fn reads_as_impact(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .any(|w| phrases::IMPACT_WORDS.contains(&w))
        || lower.contains("not responding")
        || lower.contains("timing out")
        || lower.contains("timed out")
        || lower.contains("backed up")
        || lower.contains("not loading")
}

/// A timeline entry that says service came back: "recovery completed", "chain resumed",
/// "back to normal", "restored".
fn reads_as_recovery(text: &str) -> bool {
    let lower = text.to_lowercase();
    phrases::RECOVERY.iter().any(|w| lower.contains(w))
}

/// "the document gives two: A (line 3: ...) and B (line 9: ...)": why a field is left out.
fn two_statements(
    a: impl std::fmt::Display,
    a_evidence: &Evidence,
    b: impl std::fmt::Display,
    b_evidence: &Evidence,
) -> String {
    format!(
        "the document gives two: {a} ({}) and {b} ({})",
        a_evidence.describe(),
        b_evidence.describe()
    )
}
