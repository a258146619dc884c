//! The incident's timeline: entries written as lists, tables, `HH:MM - event` lines,
//! a heading per time or per day, labelled paragraphs (`**Escalation:**`), or several
//! entries run together in one paragraph; then placed on the calendar (days from day
//! headings, midnight crossings) and in time zones, and checked for order.

use super::phrases;
use jiff::civil::Date;

use super::mentions::{self, Mention};
use super::sections::{Kind, Label, Section};
use super::text::Line;
use super::times::{
    Clock, ClockRules, DateValue, DayOrder, Moment, Zone, find_dates, zone_statement,
};

/// What a timeline event is: the schema's own kinds.
pub(crate) use crate::content::postmortem::EventKind;

/// A marker an author put in a timeline (`<START OF OUTAGE>`, `OUTAGE BEGINS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Start,
    Mitigated,
    End,
}

/// An entry as read, before it is placed on the calendar.
#[derive(Debug, Clone)]
pub(crate) struct RawEntry {
    pub(crate) mention: Mention,
    /// The day heading or date line in effect.
    pub(crate) day: Option<DateValue>,
    /// A day heading changed since the previous entry.
    pub(crate) new_day: bool,
    /// The zone statement in effect ("All times in PST", "Timeline (GMT+1)").
    pub(crate) stated_zone: Option<Zone>,
    pub(crate) text: String,
    pub(crate) label: Option<Label>,
    /// The label's own words, used when an entry has no text of its own.
    pub(crate) label_text: Option<String>,
    from_heading: bool,
    /// The line it is written on (index into the cleaned lines' `src`).
    pub(crate) src: usize,
    /// Dated times with a zone in the quotes under it (an alert's "Aug 12, 2025 at 4:32PM
    /// UTC"): the same moment written in another zone, for checking the timeline's zone.
    pub(crate) quoted: Vec<Mention>,
    /// The heading it was read from (`### 2019-01-15 10:45a`), for its evidence.
    pub(crate) heading: Option<String>,
    /// An entry with a day and no time (`- **2022-09-05**: deploy fails`); its clock is
    /// not read.
    pub(crate) day_only: bool,
    /// Its zone cannot be read (`IST` alone, `PST` in July, a zone its quotes contradict):
    /// it is placed as if no zone were stated, never in another zone of the document.
    pub(crate) unreadable_zone: bool,
}

impl RawEntry {
    /// An entry of `text` at `mention`, in the day and zone in effect, with no label.
    fn new(
        mention: Mention,
        (day, new_day): (Option<DateValue>, bool),
        stated_zone: Option<Zone>,
        text: String,
        src: usize,
    ) -> RawEntry {
        RawEntry {
            mention,
            day,
            new_day,
            stated_zone,
            text,
            label: None,
            label_text: None,
            from_heading: false,
            src,
            quoted: Vec::new(),
            heading: None,
            day_only: false,
            unreadable_zone: false,
        }
    }

    /// What its evidence quotes: its own line, which is its heading where it has one
    /// (`### 2019-01-15 10:45a`; the event's words are beside it in the front matter).
    pub(crate) fn evidence_text(&self) -> &str {
        self.heading.as_deref().unwrap_or(&self.text)
    }
}

/// A placed entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) at: Moment,
    pub(crate) kind: EventKind,
    pub(crate) text: String,
    pub(crate) marker: Option<Marker>,
    /// A short quote of the source for reports.
    pub(crate) source: String,
    /// The line it is written on (a source line index of the normalised text).
    pub(crate) src: usize,
    /// See [`RawEntry::quoted`].
    pub(crate) quoted: Vec<Mention>,
    /// A day without a time: `at` is the start of the day, written as the date alone.
    pub(crate) day_only: bool,
}

fn lead_rules() -> ClockRules {
    ClockRules {
        dot: true,
        bare: true,
    }
}

/// A time at the start of `text` (after brackets and words like "At"), with the text after it.
fn leading(text: &str, order: DayOrder) -> Option<(Mention, String)> {
    let mut ms = mentions::find(text, order, lead_rules());
    if ms.is_empty() {
        return None;
    }
    let spans = mentions::spans(text, &mut ms);
    let first = ms.first()?.clone();
    let prefix = text.get(..first.range.start).unwrap_or("");
    let prefix_ok = prefix
        .split(|c: char| c.is_whitespace() || matches!(c, '[' | '(' | '{' | '-' | '*' | '#'))
        .filter(|w| !w.is_empty())
        .all(|w| phrases::LEAD_WORDS.contains(&w.to_lowercase().as_str()));
    if !prefix_ok {
        return None;
    }
    // A range "08:02 - 10:30 AM ET" counts as its start.
    let mut end = first.range.end;
    let mut mention = first;
    if let Some(&(a, b)) = spans.first()
        && a == 0
        && let (Some(ma), Some(mb)) = (ms.get(a), ms.get(b))
    {
        mention = ma.clone();
        end = mb.range.end;
    }
    // "23:15 UTC / 16:15 PDT": the same moment in a second zone is not a second entry.
    if let Some(after_slash) = text.get(end..).map(str::trim_start)
        && let Some(second) = after_slash.strip_prefix('/')
    {
        let offset = text.len() - second.len();
        if let Some(m) = ms.iter().find(|m| m.range.start >= offset)
            && text
                .get(offset..m.range.start)
                .is_some_and(|gap| gap.trim().is_empty())
        {
            end = m.range.end;
            // and its range partner: "16:15-17:30 PDT"
            if let Some(&(_, b)) = spans
                .iter()
                .find(|(a, _)| ms.get(*a).is_some_and(|x| x.range == m.range))
                && let Some(mb) = ms.get(b)
            {
                end = mb.range.end;
            }
        }
    }
    let rest = text.get(end..).unwrap_or("");
    let rest = rest.trim_start_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ']' | ')' | '}' | ':' | '-' | '–' | '—' | '=' | '~' | '|' | ',' | '>' | '.'
            )
    });
    Some((mention, rest.trim().to_string()))
}

/// Mentions in `text` that start an entry of a run-on paragraph: a time after the end of
/// a sentence and before a separator, or any time followed by a colon
/// ("... test failed 12:14pm EAT: She then opened the file").
fn entry_starts(text: &str, order: DayOrder) -> Vec<Mention> {
    let ms = mentions::find(text, order, ClockRules::default());
    let mut cuts = Vec::new();
    for m in ms {
        let before = text.get(..m.range.start).unwrap_or("").trim_end();
        let after = text.get(m.range.end..).unwrap_or("").trim_start();
        let sentence_end = before.ends_with(['.', '!', '?', ';']) || before.ends_with("...");
        let separator = after.starts_with([':', '-', '–', '—']);
        if before.is_empty() {
            continue;
        }
        if (sentence_end && separator) || after.starts_with(':') {
            cuts.push(m);
        }
    }
    cuts
}

/// Splits "12:00pm EAT: Issue was detected. 12:06pm EAT: While using curl..." into entries.
fn split_run_on(first: Mention, rest: &str, order: DayOrder) -> Vec<(Mention, String)> {
    let mut out = Vec::new();
    let mut current = first;
    let mut from = 0;
    for m in entry_starts(rest, order) {
        let text = rest
            .get(from..m.range.start)
            .unwrap_or("")
            .trim()
            .to_string();
        out.push((current, text));
        let after = rest.get(m.range.end..).unwrap_or("");
        let skip = after.len()
            - after
                .trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—')
                })
                .len();
        from = m.range.end + skip;
        current = m;
    }
    out.push((current, rest.get(from..).unwrap_or("").trim().to_string()));
    out
}

/// A label at the start of a line: `Escalation: ...`, `Issue Detection (November 10, 2023, 8:00 PM): ...`.
fn label_split(text: &str) -> Option<(String, Option<String>, String)> {
    let mut depth = 0i32;
    let mut colon = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ':' if depth <= 0 => {
                let next_digit = chars.get(k + 1).is_some_and(|&(_, n)| n.is_ascii_digit());
                let prev_digit =
                    k > 0 && chars.get(k - 1).is_some_and(|&(_, p)| p.is_ascii_digit());
                if !(next_digit && prev_digit) {
                    colon = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let colon = colon?;
    let head = text.get(..colon)?;
    let rest = text.get(colon + 1..)?.trim().to_string();
    let (label, paren) = match head.find('(') {
        Some(open) => {
            let close = head.rfind(')').unwrap_or(head.len());
            (
                head.get(..open)?.trim().to_string(),
                Some(head.get(open + 1..close.max(open + 1))?.to_string()),
            )
        }
        None => (head.trim().to_string(), None),
    };
    let words = label.split_whitespace().count();
    if words == 0 || words > 7 || !label.starts_with(|c: char| c.is_alphabetic()) {
        return None;
    }
    Some((label, paren, rest))
}

/// Reads every timeline section's entries.
pub(crate) fn extract(lines: &[Line], sections: &[Section], order: DayOrder) -> Vec<RawEntry> {
    let mut out: Vec<RawEntry> = Vec::new();
    let mut day: Option<DateValue> = None;
    let mut stated_zone: Option<Zone> = None;
    let mut new_day = false;
    let mut pending: Option<RawEntry> = None;
    let mut last_section_end = None;

    let flush = |pending: &mut Option<RawEntry>, out: &mut Vec<RawEntry>| {
        if let Some(mut e) = pending.take() {
            if e.text.trim().is_empty()
                && let Some(label) = &e.label_text
            {
                e.text = label.clone();
            }
            if !e.text.trim().is_empty() {
                e.text = e.text.trim().trim_end_matches(';').trim().to_string();
                out.push(e);
            }
        }
    };

    for section in sections.iter().filter(|s| s.kind == Kind::Timeline) {
        let section_lines = lines.get(section.lines.clone()).unwrap_or(&[]);
        // A timeline written in a code block ("```\n2023-06-17 18:05 nodes stall\n..."):
        // its lines are the entries when no line outside the block is one. Otherwise a code
        // block in a timeline is a log excerpt under an entry.
        let leads = |l: &&Line| !l.is_blank() && leading(l.text.trim(), order).is_some();
        let heading_is_an_entry = leading(section.title.trim(), order).is_some();
        let code_is_the_timeline = !heading_is_an_entry
            && !section_lines.iter().filter(|l| !l.code).any(|l| leads(&l))
            && section_lines
                .iter()
                .filter(|l| l.code)
                .filter(leads)
                .count()
                >= 2;
        // A new, separate timeline section resets the day context only if it is not adjacent.
        if last_section_end != section.heading {
            day = None;
            stated_zone = None;
        }
        last_section_end = Some(section.lines.end);
        // "### 02:00 CET" then "Initial symptoms detected:": a label line under a time
        // heading is that entry's text, not a section that ends it.
        let pseudo = section
            .heading
            .and_then(|h| lines.get(h))
            .is_some_and(|l| l.heading.is_none());
        match &mut pending {
            Some(p) if p.from_heading && p.text.is_empty() && pseudo => {
                p.text = section.title.trim_end_matches([':', ' ']).to_string();
            }
            _ => flush(&mut pending, &mut out),
        }
        let label = section.label;
        let label_text = label.map(|_| section.title.trim_end_matches([':', ' ']).to_string());
        let mut current_label = label;
        let mut current_label_text = label_text.clone();

        // The heading itself: a zone, a day, or a time.
        if section.heading.is_some() {
            let title = section.title.as_str();
            if let Some(zone) = zone_statement(title, true) {
                stated_zone = Some(zone);
            }
            if let Some((mention, rest)) = leading(title, order) {
                let src = section
                    .heading
                    .and_then(|h| lines.get(h))
                    .map_or(0, |l| l.src);
                pending = Some(RawEntry {
                    label,
                    label_text: label_text.clone(),
                    from_heading: true,
                    heading: Some(title.to_string()),
                    ..RawEntry::new(mention, (day, new_day), stated_zone.clone(), rest, src)
                });
                new_day = false;
            } else if let Some(d) = date_in(title, order) {
                day = Some(d);
                new_day = true;
            }
        }

        let mut blank_run = 0;
        for line in lines.get(section.lines.clone()).unwrap_or(&[]) {
            if line.code && !code_is_the_timeline {
                // A time heading with only a log under it: the log's first line is its event.
                let code = text_of_code(&line.text);
                if let Some(p) = &mut pending
                    && p.from_heading
                    && p.text.is_empty()
                    && p.label_text.is_none()
                    && !code.is_empty()
                {
                    p.label_text = Some(format!("`{code}`"));
                }
                continue;
            }
            if line.is_blank() {
                blank_run += 1;
                if blank_run >= 1
                    && let Some(p) = &pending
                    && !p.from_heading
                    && !p.text.is_empty()
                {
                    flush(&mut pending, &mut out);
                }
                continue;
            }
            blank_run = 0;
            let text = line.text.as_str();
            // A quote under an entry (the alert's text, a chat message) is part of it, even
            // when it names a time of its own.
            if line.quote
                && let Some(p) = &mut pending
            {
                p.quoted.extend(
                    mentions::find(text, order, ClockRules::default())
                        .into_iter()
                        .filter(|m| m.date.is_some() && m.zone.is_some()),
                );
                continue;
            }

            // Tables.
            if let Some(cells) = &line.cells {
                if let Some(entry) = table_row(cells, order, day, &stated_zone, new_day, line.src) {
                    flush(&mut pending, &mut out);
                    out.push(entry);
                    new_day = false;
                } else {
                    for cell in cells {
                        if let Some(zone) = zone_statement(cell, true) {
                            stated_zone = Some(zone);
                        }
                    }
                }
                continue;
            }

            if let Some(zone) = zone_statement(text, false) {
                stated_zone = Some(zone);
                if let Some(d) = date_in(text, order) {
                    day = Some(d);
                    new_day = true;
                }
                if leading(text, order).is_none() {
                    continue;
                }
            }

            if let Some((mention, rest)) = leading(text, order) {
                flush(&mut pending, &mut out);
                let pieces = split_run_on(mention, &rest, order);
                let make = |mention, piece| RawEntry {
                    label: current_label,
                    label_text: current_label_text.clone(),
                    ..RawEntry::new(
                        mention,
                        (day, new_day),
                        stated_zone.clone(),
                        piece,
                        line.src,
                    )
                };
                pending = run_entries(pieces, make, &mut out);
                new_day = false;
                continue;
            }

            // Entries run on in the middle of a line.
            let starts = entry_starts(text, order);
            if let Some(first) = starts.first() {
                let prefix = text
                    .get(..first.range.start)
                    .unwrap_or("")
                    .trim()
                    .to_string();
                if let Some(p) = &mut pending
                    && !prefix.is_empty()
                {
                    if !p.text.is_empty() {
                        p.text.push(' ');
                    }
                    p.text.push_str(&prefix);
                }
                flush(&mut pending, &mut out);
                let rest = text.get(first.range.end..).unwrap_or("");
                let rest = rest.trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—')
                });
                let pieces = split_run_on(first.clone(), rest, order);
                let make = |mention, piece| RawEntry {
                    label: current_label,
                    label_text: current_label_text.clone(),
                    ..RawEntry::new(
                        mention,
                        (day, new_day),
                        stated_zone.clone(),
                        piece,
                        line.src,
                    )
                };
                pending = run_entries(pieces, make, &mut out);
                new_day = false;
                continue;
            }

            // A short line that names a kind of events ("actions taken", "Escalation").
            let waiting_for_text = pending.as_ref().is_some_and(|p| p.text.is_empty());
            if !waiting_for_text
                && text.split_whitespace().count() <= 6
                && !text.trim_end().ends_with(['.', '!', ';'])
                && !text.contains(',')
                && let Some(kind) = super::sections::label_of(text)
                && mentions::find(text, order, ClockRules::default()).is_empty()
            {
                flush(&mut pending, &mut out);
                current_label = Some(kind);
                current_label_text = Some(text.trim_end_matches([':', ' ']).to_string());
                continue;
            }

            // A date line or a list item that starts with a date and has no time.
            if let Some(d) = date_line(text, order) {
                flush(&mut pending, &mut out);
                day = Some(d);
                new_day = true;
                // "- **2022-09-05**: the deploy fails": a day with an event is an entry.
                if let Some(event) = day_event(text, order).filter(|_| line.item) {
                    out.push(day_entry(d, event, stated_zone.clone(), line.src));
                    new_day = false;
                }
                continue;
            }

            // Labelled lines.
            if let Some((label_words, paren, rest)) = label_split(text) {
                let kind = super::sections::label_of(&label_words);
                if let Some(p) = &mut pending
                    && p.text.is_empty()
                    && paren.is_none()
                {
                    p.text = text.trim_end_matches([':', ' ']).to_string();
                    p.label = kind.or(p.label);
                    continue;
                }
                let paren_mention = paren.as_deref().and_then(|p| {
                    mentions::find(p, order, ClockRules::default())
                        .into_iter()
                        .next()
                });
                let rest_mention = || {
                    mentions::find(&rest, order, ClockRules::default())
                        .into_iter()
                        .next()
                };
                // "- **Incident Start:** 2025-08-18 23:15 UTC": a label whose value is a time.
                let value_is_time = leading(&rest, order);
                let dated = paren_mention.or_else(|| {
                    if kind.is_some() {
                        rest_mention()
                    } else {
                        value_is_time.as_ref().map(|(m, _)| m.clone())
                    }
                });
                if let Some(mention) = dated {
                    flush(&mut pending, &mut out);
                    let mut mention = mention;
                    // The date may be in the parenthesis while the time is not, or vice versa.
                    if mention.date.is_none()
                        && let Some(p) = &paren
                    {
                        mention.date = date_in(p, order);
                    }
                    let only_time = paren.is_none()
                        && rest
                            .get(..mention.range.start)
                            .into_iter()
                            .chain(rest.get(mention.range.end..))
                            .all(|t| t.chars().all(|c| !c.is_alphanumeric()));
                    let entry_text = match &value_is_time {
                        // A list item is whole on its line; a bold label alone on its
                        // line takes the text that follows.
                        _ if only_time && line.item => label_words.clone(),
                        _ if only_time => String::new(),
                        Some((_, after)) if paren.is_none() && kind.is_none() => {
                            let after = after.trim_start_matches(['(', ' ']).trim_end_matches(')');
                            if after.is_empty() {
                                label_words.clone()
                            } else {
                                format!("{label_words} ({after})")
                            }
                        }
                        _ => rest.clone(),
                    };
                    pending = Some(RawEntry {
                        label: kind.or(current_label),
                        label_text: Some(label_words.clone()),
                        ..RawEntry::new(
                            mention,
                            (day, new_day),
                            stated_zone.clone(),
                            entry_text,
                            line.src,
                        )
                    });
                    new_day = false;
                    continue;
                }
                if kind.is_some() && rest.is_empty() {
                    flush(&mut pending, &mut out);
                    current_label = kind;
                    current_label_text = Some(label_words);
                    continue;
                }
                if let Some(p) = &mut pending
                    && p.text.is_empty()
                {
                    p.text = text.to_string();
                    continue;
                }
                if kind.is_some() {
                    flush(&mut pending, &mut out);
                    current_label = kind;
                    current_label_text = Some(label_words);
                    continue;
                }
            }

            // Continuation of the pending entry.
            if let Some(p) = &mut pending {
                let joins = p.text.is_empty()
                    || p.from_heading
                    || (!line.item && !line.bold)
                    || (line.item && line.indent >= 2);
                if joins && p.text.chars().count() < 400 {
                    if p.text.is_empty() {
                        p.text = text.to_string();
                    } else if p.from_heading && line.item {
                        p.text.push_str("; ");
                        p.text.push_str(text);
                    } else {
                        p.text.push(' ');
                        p.text.push_str(text);
                    }
                    continue;
                }
                flush(&mut pending, &mut out);
            }
        }
    }
    flush(&mut pending, &mut out);
    carry_written_days(&mut out);
    // Days without times are the entries of a timeline of days; beside timed entries they
    // are more often background ("March 1, 2017 - she first proposed it") than events.
    if out.iter().any(|e| !e.day_only) {
        out.retain(|e| !e.day_only);
    }
    out
}

/// The entries of one line (`14:05 paged; 14:10 rolled back` is two), each made by `make`
/// from its time and words; only the first starts a new day. All but the last are pushed;
/// the last is returned, since the lines after it may go on with its words.
fn run_entries(
    pieces: Vec<(Mention, String)>,
    make: impl Fn(Mention, String) -> RawEntry,
    out: &mut Vec<RawEntry>,
) -> Option<RawEntry> {
    let mut last: Option<RawEntry> = None;
    for (mention, text) in pieces {
        let mut entry = make(mention, text);
        entry.new_day = entry.new_day && last.is_none();
        out.extend(last.replace(entry));
    }
    last
}

/// A date written on an entry (a table's first row of each day, `2024-03-12 0616: ...`)
/// is the day of the entries after it, until another date or a day heading.
fn carry_written_days(entries: &mut [RawEntry]) {
    let mut running: Option<DateValue> = None;
    for e in entries {
        if let Some(d) = e.mention.date {
            running = Some(d);
        } else if e.new_day {
            running = None;
        } else if let Some(d) = running {
            e.day = Some(d);
        }
    }
}

/// The event written after a day (`**2022-09-05**: text`, `2022-05-12 | text`): words of
/// its own, not a note in brackets or a weekday.
fn day_event(text: &str, order: DayOrder) -> Option<String> {
    let date = find_dates(text, order).into_iter().next()?;
    let rest = text.get(date.range.end..)?.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '|' | ',' | '.' | '*')
    });
    let words = rest
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    (words >= 3 && !rest.starts_with(['(', '['])).then(|| rest.trim().to_string())
}

/// An entry of a day without a time.
fn day_entry(day: DateValue, text: String, stated_zone: Option<Zone>, src: usize) -> RawEntry {
    let midnight = Mention {
        range: 0..0,
        clock: Clock {
            hour: 0,
            minute: 0,
            second: 0,
            pm: None,
        },
        date: Some(day),
        zone: None,
    };
    RawEntry {
        day_only: true,
        ..RawEntry::new(midnight, (Some(day), true), stated_zone, text, src)
    }
}

fn is_weekday(word: &str) -> bool {
    phrases::WEEKDAYS.contains(&word.to_lowercase().as_str())
}

fn date_in(text: &str, order: DayOrder) -> Option<DateValue> {
    find_dates(text, order).first().map(|d| d.value)
}

/// A line that is a date (a day of the timeline), or a list item that starts with one and
/// has no time.
fn date_line(text: &str, order: DayOrder) -> Option<DateValue> {
    let dates = find_dates(text, order);
    let first = dates.first()?;
    // Nothing before the date but punctuation and a weekday ("Friday 6 December 2024").
    let prefix = text.get(..first.range.start).unwrap_or("").trim();
    let only_weekday = prefix
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(is_weekday);
    if !only_weekday {
        return None;
    }
    if !mentions::find(text, order, ClockRules::default()).is_empty() {
        return None;
    }
    Some(first.value)
}

fn table_row(
    cells: &[String],
    order: DayOrder,
    day: Option<DateValue>,
    stated_zone: &Option<Zone>,
    new_day: bool,
    src: usize,
) -> Option<RawEntry> {
    let mut time_cell = None;
    for (i, cell) in cells.iter().enumerate() {
        let ms = mentions::find(cell, order, lead_rules());
        if let Some(m) = ms.into_iter().next() {
            time_cell = Some((i, m));
            break;
        }
    }
    let (ti, mut mention) = time_cell?;
    let mut date_cell = None;
    if mention.date.is_none() {
        for (i, cell) in cells.iter().enumerate() {
            if i == ti {
                continue;
            }
            if let Some(d) = date_line(cell, order) {
                mention.date = Some(d);
                date_cell = Some(i);
                break;
            }
        }
    }
    let event = cells
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != ti && Some(*i) != date_cell)
        .map(|(_, c)| c.trim())
        .max_by_key(|c| c.chars().count())
        .unwrap_or("")
        .to_string();
    let time_cell_text = cells.get(ti).map(|c| c.trim()).unwrap_or("");
    let event = if time_cell_text.chars().count() > 40
        && time_cell_text.chars().count() > event.chars().count()
    {
        let mut t = time_cell_text.to_string();
        t.replace_range(mention.range.clone(), " ");
        t.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        event
    };
    let event = if event.is_empty() {
        cells
            .get(ti)
            .map(|c| c.get(mention.range.end..).unwrap_or("").trim().to_string())
            .unwrap_or_default()
    } else {
        event
    };
    if event.is_empty() {
        return None;
    }
    Some(RawEntry::new(
        mention,
        (day, new_day),
        stated_zone.clone(),
        event,
        src,
    ))
}

// ---------------------------------------------------------------------------------
// Kinds

fn has_cue(text: &str, cue: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find(cue)) {
        let at = from + pos;
        let prev = text.get(..at).and_then(|p| p.chars().next_back());
        if prev.is_none_or(|c| !c.is_alphanumeric()) {
            return true;
        }
        from = at + cue.len().max(1);
    }
    false
}

fn any_cue(text: &str, cues: &[&str]) -> bool {
    if std::ptr::eq(cues, phrases::CHECKING) {
        return cues.iter().any(|c| text.trim_start().starts_with(c));
    }
    cues.iter().any(|c| has_cue(text, c))
}

/// What the words of an entry say it is.
pub(crate) fn kind_of(text: &str, label: Option<Label>) -> EventKind {
    if let Some(label) = label {
        return match label {
            Label::Detection => EventKind::Detection,
            Label::Acknowledgement => EventKind::Acknowledgement,
            Label::Investigation => {
                let t = text.to_lowercase();
                if any_cue(&t, phrases::MISLEADING_STRONG) {
                    EventKind::Misleading
                } else if any_cue(&t, phrases::ESCALATION) {
                    EventKind::Escalation
                } else {
                    EventKind::Investigation
                }
            }
            Label::Misleading => EventKind::Misleading,
            Label::Escalation => EventKind::Escalation,
            Label::Mitigation => EventKind::Mitigation,
            Label::Communication => EventKind::Communication,
            Label::Resolution => EventKind::Resolution,
        };
    }
    let t = text.to_lowercase();
    if any_cue(&t, phrases::MISLEADING_STRONG) {
        EventKind::Misleading
    } else if any_cue(&t, phrases::ESCALATION) {
        EventKind::Escalation
    } else if any_cue(&t, phrases::ACK) {
        EventKind::Acknowledgement
    } else if any_cue(&t, phrases::CHECKING) {
        EventKind::Investigation
    } else if any_cue(&t, phrases::COMMUNICATION) {
        EventKind::Communication
    } else if any_cue(&t, phrases::RESOLUTION) {
        EventKind::Resolution
    } else if any_cue(&t, phrases::MITIGATION) {
        EventKind::Mitigation
    } else if any_cue(&t, &["announce"]) {
        EventKind::Communication
    } else if any_cue(&t, phrases::DETECTION) {
        EventKind::Detection
    } else if any_cue(&t, phrases::MISLEADING_SOFT) {
        EventKind::Misleading
    } else if any_cue(&t, phrases::INVESTIGATION) {
        EventKind::Investigation
    } else {
        EventKind::Other
    }
}

fn is_trigger(text: &str) -> bool {
    any_cue(&text.to_lowercase(), phrases::TRIGGER)
}

fn marker_of(text: &str) -> Option<Marker> {
    let t = text.to_lowercase();
    let any = |cues: &[&str]| cues.iter().any(|c| t.contains(c));
    if any(phrases::START_MARKERS) {
        Some(Marker::Start)
    } else if any(phrases::END_MARKERS) {
        Some(Marker::End)
    } else if any(phrases::MITIGATED_MARKERS) {
        Some(Marker::Mitigated)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------
// Placing entries on the calendar

/// What placing the entries found.
#[derive(Debug, Default)]
pub(crate) struct Placed {
    pub(crate) entries: Vec<Entry>,
    /// Entries that could not be placed or were out of order, one line each.
    pub(crate) problems: Vec<String>,
    /// Entries skipped because no zone is known (count).
    pub(crate) zoneless: usize,
    /// Entries whose time has no zone, written as their day with the time in their words.
    pub(crate) unzoned_days: usize,
    /// Entries skipped because no date is known (count).
    pub(crate) dateless: usize,
}

fn quote(text: &str) -> String {
    super::text::truncate_words(text, 60)
}

/// A code line's words, or nothing for a fence (```` ``` ````, `~~~`) or a blank line.
fn text_of_code(line: &str) -> &str {
    let t = line.trim();
    if t.starts_with("```") || t.starts_with("~~~") {
        ""
    } else {
        t
    }
}

/// `14:05`, or `14:05:30` with seconds: a time of day as the event's words give it.
fn clock_words(time: jiff::civil::Time) -> String {
    match time.second() {
        0 => format!("{:02}:{:02}", time.hour(), time.minute()),
        s => format!("{:02}:{:02}:{s:02}", time.hour(), time.minute()),
    }
}

/// A raw entry placed at `at`, with its kind and marker read from its words.
fn placed_entry(e: &RawEntry, at: Moment) -> Entry {
    Entry {
        at,
        kind: kind_of(&e.text, e.label),
        text: e.text.clone(),
        marker: marker_of(&e.text),
        source: quote(e.evidence_text()),
        src: e.src,
        quoted: e.quoted.clone(),
        day_only: e.day_only,
    }
}

/// Places raw entries: each gets a date (its own, its day heading's, else `incident_date`,
/// moved forward over midnight when the times go backwards) and a zone (its own, the stated
/// one, the timeline's usual one, else `doc_zone`).
pub(crate) fn place(
    raw: &[RawEntry],
    incident_date: Option<Date>,
    doc_zone: Option<&Zone>,
) -> Placed {
    let mut placed = Placed::default();
    // The zone most entries state themselves, when a clear majority agrees.
    let own: Vec<&Zone> = raw.iter().filter_map(|e| e.mention.zone.as_ref()).collect();
    let usual = own.iter().find(|z| {
        let n = own.iter().filter(|o| **o == **z).count();
        n * 3 >= own.len() * 2
    });
    let uses_meridiem = raw.iter().any(|e| e.mention.clock.pm.is_some());
    let year = incident_date.map(|d| d.year());

    let mut candidates: Vec<(Entry, bool)> = Vec::new();
    let mut unzoned_at: Vec<usize> = Vec::new();
    let mut base: Option<Date> = None;
    let mut carry = 0i64;
    let mut last_minutes: Option<i32> = None;
    for e in raw {
        let m = &e.mention;
        let zone = m
            .zone
            .as_ref()
            .or(e.stated_zone.as_ref())
            .or(usual.copied())
            .or(doc_zone)
            .filter(|_| !e.unreadable_zone);
        let own_date = m.date.and_then(|d| d.with_year(year));
        let day = e.day.and_then(|d| d.with_year(year));
        let date = own_date.or(day).or(incident_date);
        let Some(date) = date else {
            placed.dateless += 1;
            continue;
        };
        if e.day_only {
            // The start of the day, in the timeline's zone where it has one: for order
            // only; it is written as the date.
            let utc = Zone::utc();
            if let Some(at) = Moment::new(date, jiff::civil::Time::midnight(), zone.unwrap_or(&utc))
            {
                candidates.push((placed_entry(e, at), true));
            }
            carry = 0;
            last_minutes = None;
            base = Some(date);
            continue;
        }
        // A time in no zone the document states is kept as its day, its clock in its
        // words, when no entry of the timeline has a zone (never placed at a guessed hour).
        let utc = Zone::utc();
        let unzoned = zone.is_none();
        let zone = zone.unwrap_or(&utc);
        let mut clock = m.clock;
        if own_date.is_some() || base != Some(date) || e.new_day {
            carry = 0;
            last_minutes = None;
            base = Some(date);
        }
        if own_date.is_some() {
            base = None;
        }
        if let Some(prev) = last_minutes {
            let mut now = clock.minutes();
            if now < prev && clock.pm.is_none() && uses_meridiem && (1..12).contains(&clock.hour) {
                let later = now + 12 * 60;
                if later >= prev && later - prev < 6 * 60 {
                    clock.pm = Some(true);
                    now = later;
                }
            }
            if now < prev && prev - now >= 6 * 60 {
                carry += 1;
            }
        }
        // One midnight crossing without a written date is read; a second is more likely
        // a misreading than a timeline running for days with no date written.
        if carry > 1 {
            placed.problems.push(format!(
                "timeline: left out \"{}\": it would be a second day after the last date written",
                quote(&e.text)
            ));
            continue;
        }
        last_minutes = Some(clock.minutes());
        let Some(time) = clock.time() else {
            continue;
        };
        let Some(date) = date.checked_add(jiff::Span::new().days(carry)).ok() else {
            continue;
        };
        if unzoned {
            if let Some(at) = Moment::new(date, jiff::civil::Time::midnight(), zone) {
                let mut entry = placed_entry(e, at);
                entry.text = format!("{} {}", clock_words(time), entry.text);
                entry.day_only = true;
                unzoned_at.push(candidates.len());
                candidates.push((entry, false));
            }
            continue;
        }
        let Some(at) = Moment::new(date, time, zone) else {
            continue;
        };
        candidates.push((
            placed_entry(e, at),
            // Written whole (its own full date and zone): nothing was inferred to place it.
            matches!(m.date, Some(DateValue::Full(_)))
                && (m.zone.is_some() || e.stated_zone.is_some()),
        ));
    }

    // Beside times with a zone, those without one cannot be ordered: they are left out.
    if candidates.iter().any(|(e, _)| !e.day_only) {
        placed.zoneless = unzoned_at.len();
        let mut i = 0;
        candidates.retain(|_| {
            i += 1;
            !unzoned_at.contains(&(i - 1))
        });
    } else {
        placed.unzoned_days = unzoned_at.len();
    }

    // Keep the longest run in time order; report the others.
    let n = candidates.len();
    let mut best = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            let (Some((a, _)), Some((b, _))) = (candidates.get(j), candidates.get(i)) else {
                continue;
            };
            let via = best.get(j).copied().unwrap_or(0) + 1;
            // By the minute: `17:55` after `17:55:08` is the same minute, not out of order.
            let minute = |m: &Moment| m.at.as_second().div_euclid(60);
            if minute(&a.at) <= minute(&b.at) && via > best.get(i).copied().unwrap_or(0) {
                if let Some(slot) = best.get_mut(i) {
                    *slot = via;
                }
                if let Some(slot) = prev.get_mut(i) {
                    *slot = j;
                }
            }
        }
    }
    let mut keep = vec![false; n];
    if let Some((mut i, _)) = best
        .iter()
        .enumerate()
        .max_by_key(|(i, b)| (**b, usize::MAX - *i))
    {
        loop {
            if let Some(k) = keep.get_mut(i) {
                *k = true;
            }
            match prev.get(i) {
                Some(&p) if p != usize::MAX => i = p,
                _ => break,
            }
        }
    }
    let mut seen_detection = false;
    for (i, (mut entry, written_whole)) in candidates.into_iter().enumerate() {
        // An entry out of order is left out when its place was inferred (a day carried
        // over, a midnight crossing), since the inference may be what is wrong; one written
        // with its own date and zone is where the author put it.
        if !keep.get(i).copied().unwrap_or(false) && !written_whole {
            placed.problems.push(format!(
                "timeline: left out \"{}\" at {}: out of order with the entries around it",
                entry.source,
                entry.at.rfc3339()
            ));
            continue;
        }
        if !seen_detection
            && matches!(
                entry.kind,
                EventKind::Other
                    | EventKind::Investigation
                    | EventKind::Mitigation
                    | EventKind::Communication
            )
            && is_trigger(&entry.text)
        {
            entry.kind = EventKind::Trigger;
        }
        if entry.kind == EventKind::Detection || entry.marker == Some(Marker::Start) {
            seen_detection = true;
        }
        placed.entries.push(entry);
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_words() {
        assert_eq!(
            kind_of(
                "Monitoring alerts triggered due to increased error rates",
                None
            ),
            EventKind::Detection
        );
        assert_eq!(
            kind_of("On-call engineer acknowledged the alert.", None),
            EventKind::Acknowledgement
        );
        assert_eq!(
            kind_of(
                "Initial investigation began, focusing on the application layer",
                None
            ),
            EventKind::Investigation
        );
        assert_eq!(
            kind_of(
                "Redirected investigation to database connectivity, suspecting network issues.",
                None
            ),
            EventKind::Misleading
        );
        assert_eq!(
            kind_of(
                "Issue escalated to the DevOps team after identifying MySQL errors.",
                None
            ),
            EventKind::Escalation
        );
        assert_eq!(
            kind_of("Root cause identified as an incorrect password", None),
            EventKind::Investigation
        );
        assert_eq!(
            kind_of("Password was reset and the MySQL user reconfigured.", None),
            EventKind::Mitigation
        );
        assert_eq!(
            kind_of(
                "Database connections restored and the application returned to normal.",
                None
            ),
            EventKind::Resolution
        );
        assert_eq!(
            kind_of(
                "Monitoring confirmed that all services were fully operational.",
                None
            ),
            EventKind::Resolution
        );
        assert_eq!(kind_of("Uses a preset", None), EventKind::Other);
    }

    #[test]
    fn run_on_paragraphs_split() {
        let text = "12:00pm EAT: Issue was detected. 12:06pm EAT: curl showed one server. 12:09pm EAT: handled.";
        let (m, rest) = leading(text, DayOrder::Unknown).unwrap();
        let pieces = split_run_on(m, &rest, DayOrder::Unknown);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[1].1, "curl showed one server.");
    }

    #[test]
    fn leading_times_in_many_shapes() {
        for (text, minutes, rest) in [
            ("14:00 UTC: It was found", 14 * 60, "It was found"),
            ("[13:20] PR merged", 13 * 60 + 20, "PR merged"),
            (
                "2023-08-15 @ 08:02 - 10:30 AM ET: investigated",
                8 * 60 + 2,
                "investigated",
            ),
            ("3:00 PM CAT- Outage detected", 15 * 60, "Outage detected"),
            (
                "02:47 Configurations has been modified.",
                2 * 60 + 47,
                "Configurations has been modified.",
            ),
            ("1625 - paged", 16 * 60 + 25, "paged"),
            ("After 02:10 CET", 2 * 60 + 10, ""),
        ] {
            let (m, r) = leading(text, DayOrder::Unknown).unwrap();
            assert_eq!((m.clock.minutes(), r.as_str()), (minutes, rest), "{text}");
        }
        assert!(leading("We restarted at 14:00", DayOrder::Unknown).is_none());
    }
}
