//! Dates, clock times, time zones and durations as people write them in postmortems.
//!
//! Input: one line of cleaned text (no Markdown emphasis, no HTML). Output: what was
//! found with its byte range in that line, never an instant guessed from nothing: a
//! clock time becomes an instant only with a date and a zone (see [`Moment`]).

use std::ops::Range;
use std::sync::LazyLock;

use jiff::SignedDuration;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use regex::Regex;

use super::text::{starts_with_ignoring_case, window_after, window_before};

/// A regex compiled on first use; `None` only if the constant pattern were invalid
/// (a unit test compiles every pattern of the module).
pub(crate) type Pattern = LazyLock<Option<Regex>>;

macro_rules! pattern {
    ($(#[$doc:meta])* $name:ident = $re:expr) => {
        $(#[$doc])*
        pub(crate) static $name: $crate::import::times::Pattern =
            std::sync::LazyLock::new(|| regex::Regex::new($re).ok());
    };
}
pub(crate) use pattern;

/// A clock time as written (`2:30 PM`, `14:15pm`, `2100hrs`, `10h47`, `midnight`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clock {
    pub(crate) hour: i8,
    pub(crate) minute: i8,
    pub(crate) second: i8,
    /// `Some(true)` for PM, `Some(false)` for AM, `None` when not written.
    pub(crate) pm: Option<bool>,
}

impl Clock {
    /// The 24-hour time of day.
    pub(crate) fn time(self) -> Option<Time> {
        let hour = match self.pm {
            Some(true) if self.hour < 12 => self.hour + 12,
            Some(false) if self.hour == 12 => 0,
            _ => self.hour,
        };
        Time::new(hour, self.minute, self.second, 0).ok()
    }

    /// Minutes since midnight of the 24-hour time.
    pub(crate) fn minutes(self) -> i32 {
        self.time()
            .map(|t| i32::from(t.hour()) * 60 + i32::from(t.minute()))
            .unwrap_or(0)
    }
}

/// Options for finding clock times.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClockRules {
    /// Accept `15.25` (only safe at the start of a timeline line).
    pub(crate) dot: bool,
    /// Accept a bare `1625` (only safe at the start of a timeline line).
    pub(crate) bare: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Reads the meridiem (`pm`, `p.m.`, `PM`) at the start of `rest`, returning its length.
fn meridiem(rest: &str) -> Option<(bool, usize)> {
    let mut chars = rest.char_indices().peekable();
    let mut len = 0;
    // Up to one space between the digits and the meridiem.
    if let Some(&(_, ' ')) = chars.peek() {
        chars.next();
        len = 1;
    }
    let (_, first) = chars.next()?;
    let pm = match first.to_ascii_lowercase() {
        'a' => false,
        'p' => true,
        _ => return None,
    };
    len += 1;
    // "10:45a", "12:29p": a letter glued to the digits, nothing after it.
    if len == 1
        && chars
            .peek()
            .is_none_or(|&(_, c)| !c.is_alphanumeric() && c != '.')
    {
        return Some((pm, 1));
    }
    if let Some(&(_, '.')) = chars.peek() {
        chars.next();
        len += 1;
    }
    if let Some(&(_, ' ')) = chars.peek() {
        // "p. m."
        let mut probe = chars.clone();
        probe.next();
        if matches!(probe.peek(), Some(&(_, 'm' | 'M'))) {
            chars.next();
            len += 1;
        }
    }
    let (_, m) = chars.next()?;
    if !m.eq_ignore_ascii_case(&'m') {
        return None;
    }
    len += 1;
    if let Some(&(_, '.')) = chars.peek() {
        chars.next();
        len += 1;
    }
    match chars.peek() {
        Some(&(_, c)) if c.is_alphanumeric() => None,
        _ => Some((pm, len)),
    }
}

fn digits_at(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or("");
    let end = rest
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(rest.len(), |(i, _)| i);
    rest.get(..end).unwrap_or("")
}

/// Parses a clock time starting exactly at byte `at` of `text`; returns it and the end.
pub(crate) fn clock_at(text: &str, at: usize, rules: ClockRules) -> Option<(Clock, usize)> {
    let rest = text.get(at..)?;
    for (word, hour) in [("midnight", 0), ("noon", 12)] {
        if starts_with_ignoring_case(rest, word)
            && !rest
                .get(word.len()..)
                .and_then(|r| r.chars().next())
                .is_some_and(is_word_char)
        {
            let clock = Clock {
                hour,
                minute: 0,
                second: 0,
                pm: None,
            };
            return Some((clock, at + word.len()));
        }
    }
    let digits = digits_at(text, at);
    if digits.is_empty() {
        return None;
    }
    let mut pos = at + digits.len();
    let after = |pos: usize| text.get(pos..).unwrap_or("");
    if digits.len() == 4 {
        // 2100hrs, 1625 (bare, only where allowed), 1430Z
        let hour: i8 = digits.get(..2)?.parse().ok()?;
        let minute: i8 = digits.get(2..)?.parse().ok()?;
        if hour > 23 || minute > 59 {
            return None;
        }
        let tail = after(pos);
        let mut end = None;
        for suffix in [" hrs", "hrs", " hr", "hr", " hours", "h"] {
            if starts_with_ignoring_case(tail, suffix)
                && !tail
                    .get(suffix.len()..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(is_word_char)
            {
                end = Some(pos + suffix.len());
                break;
            }
        }
        if end.is_none() && tail.starts_with('Z') {
            end = Some(pos);
        }
        let range_or_date = {
            let mut cs = tail.chars();
            matches!(cs.next(), Some('-' | '–' | '/' | '.'))
                && cs.next().is_some_and(|c| c.is_ascii_digit())
        };
        if end.is_none()
            && rules.bare
            && !range_or_date
            && !tail.chars().next().is_some_and(|c| c.is_alphanumeric())
        {
            end = Some(pos);
        }
        let clock = Clock {
            hour,
            minute,
            second: 0,
            pm: None,
        };
        return end.map(|e| (clock, e));
    }
    if digits.len() > 2 {
        return None;
    }
    let hour: i8 = digits.parse().ok()?;
    let mut minute = None;
    let mut second = 0;
    let tail = after(pos);
    let mut sep_iter = tail.char_indices();
    let (sep_off, sep) = match sep_iter.next() {
        Some((_, ' ')) => match sep_iter.next() {
            Some((i, ':')) => (i, ':'),
            _ => (0, ' '),
        },
        Some((i, c)) => (i, c),
        None => (0, ' '),
    };
    if matches!(sep, ':' | 'h' | '.') {
        let mut mpos = pos + sep_off + 1;
        if sep == ':' && after(mpos).starts_with(' ') {
            mpos += 1;
        }
        let mdigits = digits_at(text, mpos);
        let allowed = match sep {
            ':' => true,
            'h' => sep_off == 0 && !after(pos + 1).starts_with(' '),
            _ => sep_off == 0,
        };
        if allowed && mdigits.len() == 2 {
            let next = after(mpos + 2).chars().next();
            let sep_ok = match sep {
                'h' => !next.is_some_and(is_word_char),
                '.' => !next.is_some_and(|c| c.is_ascii_digit() || c == '.'),
                _ => !next.is_some_and(|c| c.is_ascii_digit()),
            };
            if sep_ok {
                let m: i8 = mdigits.parse().ok()?;
                let candidate_end = mpos + 2;
                if sep == '.' && !rules.dot && meridiem(after(candidate_end)).is_none() {
                    return None;
                }
                minute = Some(m);
                pos = candidate_end;
                // seconds
                if after(pos).starts_with(':') {
                    let sdigits = digits_at(text, pos + 1);
                    if sdigits.len() == 2 {
                        second = sdigits.parse().ok()?;
                        pos += 3;
                        // fractional seconds
                        if after(pos).starts_with('.') {
                            let frac = digits_at(text, pos + 1);
                            if !frac.is_empty() {
                                pos += 1 + frac.len();
                            }
                        }
                    }
                }
            }
        }
    }
    let pm = meridiem(after(pos));
    if let Some((_, len)) = pm {
        pos += len;
    }
    if minute.is_none() && pm.is_none() {
        return None;
    }
    let minute = minute.unwrap_or(0);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut pm = pm.map(|(p, _)| p);
    if hour > 12 || hour == 0 {
        // 14:15pm, 00:30 am: the 24-hour reading wins.
        if hour > 12 && pm == Some(false) {
            return None;
        }
        pm = None;
    }
    Some((
        Clock {
            hour,
            minute,
            second,
            pm,
        },
        pos,
    ))
}

/// Every clock time in `text`, with its byte range.
pub(crate) fn find_clocks(text: &str, rules: ClockRules) -> Vec<(Range<usize>, Clock)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut before_prev: Option<char> = None;
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        let (p, pp) = (prev, before_prev);
        before_prev = prev;
        prev = Some(c);
        if i < skip_to {
            continue;
        }
        let starts = c.is_ascii_digit() || c == 'm' || c == 'M' || c == 'n' || c == 'N';
        if !starts {
            continue;
        }
        // "2024-07-01T03:12:45Z": the T of an ISO 8601 stamp.
        let iso_t = p == Some('T') && pp.is_some_and(|c| c.is_ascii_digit());
        if let Some(p) = p
            && !iso_t
            && (p.is_alphanumeric() || matches!(p, '.' | ':' | '/' | '$' | '#' | '_' | '€' | '£'))
        {
            continue;
        }
        // "v1" "x2" already excluded by alphanumeric; "-" before a digit is fine.
        if let Some((clock, end)) = clock_at(text, i, rules) {
            out.push((i..end, clock));
            skip_to = end;
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// Dates

/// How a numeric date such as `03/10/2021` is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum DayOrder {
    /// Nothing in the document says.
    #[default]
    Unknown,
    /// `14/10/2023`.
    DayFirst,
    /// `10/14/2023`.
    MonthFirst,
}

/// A date written in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DateMention {
    pub(crate) range: Range<usize>,
    pub(crate) value: DateValue,
}

/// What a date mention says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateValue {
    /// A full date.
    Full(Date),
    /// Month and day without a year (`October 2`).
    Yearless { month: i8, day: i8 },
    /// `03/10/2021` with no way to tell day from month.
    Ambiguous { first: i8, second: i8, year: i16 },
}

impl DateValue {
    /// The date, when it is complete.
    pub(crate) fn full(self) -> Option<Date> {
        match self {
            DateValue::Full(d) => Some(d),
            _ => None,
        }
    }

    /// The date, taking a missing year from `year`.
    pub(crate) fn with_year(self, year: Option<i16>) -> Option<Date> {
        match self {
            DateValue::Full(d) => Some(d),
            DateValue::Yearless { month, day } => Date::new(year?, month, day).ok(),
            DateValue::Ambiguous { .. } => None,
        }
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Reads a month name (`Aug`, `August`, `Sept.`, and near misses like `Auguest`).
pub(crate) fn month_number(word: &str) -> Option<i8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    for (i, name) in MONTHS.iter().enumerate() {
        let abbr = name.get(..3).unwrap_or(name);
        let exact = w == *name || w == abbr || (i == 8 && w == "sept");
        let near = w.len() >= 5
            && w.starts_with(abbr)
            && strsim::levenshtein(&w, name) <= 1
            && !matches!(
                w.as_str(),
                "marcher" | "mayor" | "mayer" | "junes" | "julys"
            );
        if exact || near {
            return i8::try_from(i + 1).ok();
        }
    }
    None
}

pattern!(
    /// `2024-08-14`, `2019-1-17`, `2016/11/07`.
    ISO_DATE = r"\b(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})(?:\b|T)"
);
pattern!(
    /// `13/10/2023`, `03-10-2021`, `06/May/2022`, `14-Aug-2024`.
    NUMERIC_DATE = r"\b(\d{1,2})[/.-](\d{1,2}|[A-Za-z]{3,9})[/.-](\d{4})\b"
);
pattern!(
    /// `14th August 2024`, `11 December 2025`, `20th December, 2023`, `17 Jan`.
    DAY_MONTH = r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([a-z]{3,10}\.?),?(?:\s+(\d{4})\b)?"
);
pattern!(
    /// `August 14, 2024`, `Aug 14th 2024`, `November 5th ’24`, `October 2`.
    MONTH_DAY = r"(?i)\b([a-z]{3,10}\.?)\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:\s*[-–]\s*\d{1,2}(?:st|nd|rd|th)?\b)?(?:,?\s+(?:(\d{4})\b|['’‘](\d{2})\b))?"
);

fn date_checked(year: i32, month: i32, day: i32) -> Option<Date> {
    let year = i16::try_from(year).ok()?;
    if !(1970..=2100).contains(&year) {
        return None;
    }
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// Every date in `text`; numeric `a/b/yyyy` dates are read with `order`.
pub(crate) fn find_dates(text: &str, order: DayOrder) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::new();
    // The ranges taken so far, by start: they never overlap, so a range overlaps one of
    // them exactly when it overlaps the last one starting before its end.
    let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let overlaps = |taken: &std::collections::BTreeMap<usize, usize>, r: &Range<usize>| {
        taken
            .range(..r.end)
            .next_back()
            .is_some_and(|(_, &end)| r.start < end)
    };
    if let Some(re) = ISO_DATE.as_ref() {
        for c in re.captures_iter(text) {
            let (Some(all), Some(y), Some(s1), Some(m), Some(s2), Some(d)) =
                (c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5))
            else {
                continue;
            };
            if s1.as_str() != s2.as_str() {
                continue;
            }
            let parse = |s: &str| s.parse::<i32>().ok();
            if let (Some(y), Some(m), Some(d)) =
                (parse(y.as_str()), parse(m.as_str()), parse(d.as_str()))
                && let Some(date) = date_checked(y, m, d)
            {
                taken.insert(all.start(), all.end());
                out.push(DateMention {
                    range: all.range(),
                    value: DateValue::Full(date),
                });
            }
        }
    }
    if let Some(re) = NUMERIC_DATE.as_ref() {
        for c in re.captures_iter(text) {
            let (Some(all), Some(a), Some(b), Some(y)) = (c.get(0), c.get(1), c.get(2), c.get(3))
            else {
                continue;
            };
            if overlaps(&taken, &all.range()) {
                continue;
            }
            let Ok(a) = a.as_str().parse::<i32>() else {
                continue;
            };
            let Ok(y) = y.as_str().parse::<i32>() else {
                continue;
            };
            let value = if let Ok(b) = b.as_str().parse::<i32>() {
                match order {
                    _ if a > 12 && b <= 12 => date_checked(y, b, a).map(DateValue::Full),
                    _ if b > 12 && a <= 12 => date_checked(y, a, b).map(DateValue::Full),
                    _ if a == b => date_checked(y, a, b).map(DateValue::Full),
                    DayOrder::DayFirst => date_checked(y, b, a).map(DateValue::Full),
                    DayOrder::MonthFirst => date_checked(y, a, b).map(DateValue::Full),
                    DayOrder::Unknown => {
                        if date_checked(y, a, b).is_some() && date_checked(y, b, a).is_some() {
                            Some(DateValue::Ambiguous {
                                first: i8::try_from(a).unwrap_or(0),
                                second: i8::try_from(b).unwrap_or(0),
                                year: i16::try_from(y).unwrap_or(0),
                            })
                        } else {
                            None
                        }
                    }
                }
            } else {
                month_number(b.as_str())
                    .and_then(|m| date_checked(y, i32::from(m), a))
                    .map(DateValue::Full)
            };
            if let Some(value) = value {
                taken.insert(all.start(), all.end());
                out.push(DateMention {
                    range: all.range(),
                    value,
                });
            }
        }
    }
    if let Some(re) = MONTH_DAY.as_ref() {
        for c in re.captures_iter(text) {
            let (Some(all), Some(mw), Some(d)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            if overlaps(&taken, &all.range()) {
                continue;
            }
            let Some(month) = month_number(mw.as_str()) else {
                continue;
            };
            // "May" as a verb: "may 2" without a year is not a date.
            let Ok(day) = d.as_str().parse::<i32>() else {
                continue;
            };
            let year = c
                .get(3)
                .and_then(|y| y.as_str().parse::<i32>().ok())
                .or_else(|| {
                    c.get(4)
                        .and_then(|y| y.as_str().parse::<i32>().ok().map(|y| 2000 + y))
                });
            let value = match year {
                Some(y) => date_checked(y, i32::from(month), day).map(DateValue::Full),
                None => {
                    let verb_may =
                        mw.as_str().eq_ignore_ascii_case("may") && !mw.as_str().starts_with('M');
                    if !verb_may
                        && (1..=31).contains(&day)
                        && !digits_follow_is_clock(text, d.end())
                    {
                        Some(DateValue::Yearless {
                            month,
                            day: i8::try_from(day).unwrap_or(1),
                        })
                    } else {
                        None
                    }
                }
            };
            if let Some(value) = value {
                taken.insert(all.start(), all.end());
                out.push(DateMention {
                    range: all.range(),
                    value,
                });
            }
        }
    }
    if let Some(re) = DAY_MONTH.as_ref() {
        for c in re.captures_iter(text) {
            let (Some(all), Some(d), Some(mw)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            if overlaps(&taken, &all.range()) {
                continue;
            }
            let Some(month) = month_number(mw.as_str()) else {
                continue;
            };
            let Ok(day) = d.as_str().parse::<i32>() else {
                continue;
            };
            // "5 min" etc. are excluded by month_number; "1 may" is rare enough.
            if mw.as_str().eq_ignore_ascii_case("may") && c.get(3).is_none() {
                continue;
            }
            let value = match c.get(3).and_then(|y| y.as_str().parse::<i32>().ok()) {
                Some(y) => date_checked(y, i32::from(month), day).map(DateValue::Full),
                None if (1..=31).contains(&day) => Some(DateValue::Yearless {
                    month,
                    day: i8::try_from(day).unwrap_or(1),
                }),
                None => None,
            };
            if let Some(value) = value {
                taken.insert(all.start(), all.end());
                out.push(DateMention {
                    range: all.range(),
                    value,
                });
            }
        }
    }
    out.sort_by_key(|m| m.range.start);
    out
}

fn digits_follow_is_clock(text: &str, at: usize) -> bool {
    // "May 10:30" is not "May 10".
    text.get(at..).is_some_and(|r| r.starts_with(':'))
}

/// Which way the document writes numeric dates, from the ones that can only be read one way.
pub(crate) fn day_order(text: &str) -> DayOrder {
    let Some(re) = NUMERIC_DATE.as_ref() else {
        return DayOrder::Unknown;
    };
    let (mut day_first, mut month_first) = (false, false);
    for c in re.captures_iter(text) {
        let (Some(a), Some(b)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let (Ok(a), Ok(b)) = (a.as_str().parse::<i32>(), b.as_str().parse::<i32>()) else {
            continue;
        };
        if a > 12 && b <= 12 {
            day_first = true;
        }
        if b > 12 && a <= 12 {
            month_first = true;
        }
    }
    match (day_first, month_first) {
        (true, false) => DayOrder::DayFirst,
        (false, true) => DayOrder::MonthFirst,
        _ => DayOrder::Unknown,
    }
}

// ---------------------------------------------------------------------------------
// Zones

/// A time zone as the document states it.
#[derive(Debug, Clone)]
pub(crate) struct Zone {
    pub(crate) tz: TimeZone,
    /// As written (`GMT+1`, `PDT`, `America/Los_Angeles`).
    pub(crate) label: String,
    /// For comparing zones: a fixed offset in seconds, or the IANA name.
    pub(crate) key: String,
    /// A standard-time abbreviation (`PST`, `EST`, `CET`) that people also write in summer.
    pub(crate) standard_of: Option<&'static str>,
    /// Why the name alone does not tell the zone (`IST`: India, Ireland or Israel).
    pub(crate) ambiguous: Option<&'static str>,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Zone {
    /// UTC, for placing what needs no zone (a day without a time).
    pub(crate) fn utc() -> Zone {
        Zone {
            tz: TimeZone::UTC,
            label: "UTC".to_string(),
            key: "fixed:0".to_string(),
            standard_of: None,
            ambiguous: None,
        }
    }

    fn fixed(seconds: i32, label: &str) -> Option<Zone> {
        let offset = Offset::from_seconds(seconds).ok()?;
        Some(Zone {
            tz: TimeZone::fixed(offset),
            label: label.to_string(),
            key: format!("fixed:{seconds}"),
            standard_of: None,
            ambiguous: None,
        })
    }

    fn named(name: &str, label: &str) -> Option<Zone> {
        let tz = TimeZone::get(name).ok()?;
        Some(Zone {
            tz,
            label: label.to_string(),
            key: format!("tz:{name}"),
            standard_of: None,
            ambiguous: None,
        })
    }
}

const ABBREVIATIONS: &[(&str, i32, Option<&str>)] = &[
    ("UTC", 0, None),
    ("GMT", 0, None),
    ("Z", 0, None),
    ("WET", 0, None),
    ("WEST", 3600, None),
    ("BST", 3600, None),
    ("CET", 3600, Some("Europe/Paris")),
    ("CEST", 7200, None),
    ("EET", 7200, Some("Europe/Athens")),
    ("EEST", 10800, None),
    ("MSK", 10800, None),
    ("EAT", 10800, None),
    ("GST", 14400, None),
    ("WAT", 3600, None),
    ("CAT", 7200, None),
    ("SAST", 7200, None),
    ("WAST", 7200, None),
    ("PKT", 18000, None),
    ("NPT", 20700, None),
    ("ICT", 25200, None),
    ("WIB", 25200, None),
    ("SGT", 28800, None),
    ("HKT", 28800, None),
    ("PHT", 28800, None),
    ("AWST", 28800, None),
    ("JST", 32400, None),
    ("KST", 32400, None),
    ("ACST", 34200, None),
    ("AEST", 36000, Some("Australia/Sydney")),
    ("AEDT", 39600, None),
    ("NZST", 43200, Some("Pacific/Auckland")),
    ("NZDT", 46800, None),
    ("BRT", -10800, None),
    ("ART", -10800, None),
    ("AST", -14400, None),
    ("EST", -18000, Some("America/New_York")),
    ("EDT", -14400, None),
    ("CST", -21600, Some("America/Chicago")),
    ("CDT", -18000, None),
    ("MST", -25200, Some("America/Denver")),
    ("MDT", -21600, None),
    ("PST", -28800, Some("America/Los_Angeles")),
    ("PDT", -25200, None),
    ("AKST", -32400, None),
    ("AKDT", -28800, None),
    ("HST", -36000, None),
];

/// Abbreviations that name several zones; times written in one are placed only where an
/// offset beside it settles which.
const AMBIGUOUS: &[(&str, &str)] = &[("IST", "can be India, Irish or Israel Standard Time")];

const GENERIC_ZONES: &[(&str, &str)] = &[
    ("ET", "America/New_York"),
    ("CT", "America/Chicago"),
    ("MT", "America/Denver"),
    ("PT", "America/Los_Angeles"),
    ("PST/PDT", "America/Los_Angeles"),
    ("PDT/PST", "America/Los_Angeles"),
    ("EST/EDT", "America/New_York"),
    ("EDT/EST", "America/New_York"),
    ("CST/CDT", "America/Chicago"),
    ("MST/MDT", "America/Denver"),
    ("CET/CEST", "Europe/Paris"),
    ("CEST/CET", "Europe/Paris"),
    ("GMT/BST", "Europe/London"),
    ("BST/GMT", "Europe/London"),
];

const LONG_NAMES: &[(&str, ZoneName)] = &[
    ("coordinated universal time", ZoneName::Fixed(0)),
    ("greenwich mean time", ZoneName::Fixed(0)),
    ("greenwich time", ZoneName::Fixed(0)),
    ("eastern african time", ZoneName::Fixed(10800)),
    ("east african time", ZoneName::Fixed(10800)),
    ("east africa time", ZoneName::Fixed(10800)),
    ("west african time", ZoneName::Fixed(3600)),
    ("west africa time", ZoneName::Fixed(3600)),
    ("central african time", ZoneName::Fixed(7200)),
    ("central africa time", ZoneName::Fixed(7200)),
    ("south african standard time", ZoneName::Fixed(7200)),
    ("south africa standard time", ZoneName::Fixed(7200)),
    ("indian standard time", ZoneName::Fixed(19800)),
    ("british summer time", ZoneName::Fixed(3600)),
    ("central european summer time", ZoneName::Fixed(7200)),
    ("central european time", ZoneName::Named("Europe/Paris")),
    ("eastern european time", ZoneName::Named("Europe/Athens")),
    ("pacific standard time", ZoneName::Fixed(-28800)),
    ("pacific daylight time", ZoneName::Fixed(-25200)),
    ("pacific time", ZoneName::Named("America/Los_Angeles")),
    ("mountain time", ZoneName::Named("America/Denver")),
    ("central time", ZoneName::Named("America/Chicago")),
    ("eastern standard time", ZoneName::Fixed(-18000)),
    ("eastern daylight time", ZoneName::Fixed(-14400)),
    ("eastern time", ZoneName::Named("America/New_York")),
];

#[derive(Debug, Clone, Copy)]
enum ZoneName {
    Fixed(i32),
    Named(&'static str),
}

pattern!(
    /// `UTC+2`, `GMT +1`, `UTC-05:00`, `UTC−5`.
    UTC_OFFSET = r"^(?:UTC|GMT|utc|gmt)\s?([+\-−])(\d{1,2})(?::?(\d{2}))?\b"
);
pattern!(
    /// `+05:30`, `-0700` right after a time.
    BARE_OFFSET = r"^([+\-−])(\d{2}):?(\d{2})\b"
);
pattern!(
    /// An IANA name: `America/Los_Angeles`, `Europe/London`.
    IANA = r"^([A-Z][a-z]+(?:/[A-Z][A-Za-z_]+)+)"
);
pattern!(
    /// An upper-case abbreviation, possibly paired (`PST/PDT`).
    ABBREV = r"^([A-Z]{1,5}(?:/[A-Z]{2,5})?)\b"
);

fn offset_seconds(sign: &str, hours: &str, minutes: Option<&str>) -> Option<i32> {
    let h: i32 = hours.parse().ok()?;
    let m: i32 = minutes.map_or(Some(0), |m| m.parse().ok())?;
    if h > 14 || m > 59 {
        return None;
    }
    let s = h * 3600 + m * 60;
    Some(if sign == "+" { s } else { -s })
}

pattern!(
    /// An offset written after a zone's name: ` (UTC-7)`, ` [GMT+1]`, ` UTC+04`.
    OFFSET_AFTER_NAME = r"^\s*[(\[]?\s*(?:UTC|GMT)\s?([+\-−])(\d{1,2})(?::?(\d{2}))?\s*[)\]]?"
);

/// Reads a zone at the very start of `text`; returns it and its length. A name followed by
/// an offset (`PST (UTC-7)`, `GST [UTC+04]`) is the offset: what is written as a number
/// wins over what a name implies.
pub(crate) fn zone_here(text: &str) -> Option<(Zone, usize)> {
    let (zone, len) = zone_name_here(text)?;
    if zone.label.chars().any(|c| c.is_ascii_digit()) {
        return Some((zone, len));
    }
    let rest = text.get(len..).unwrap_or("");
    if let Some(c) = OFFSET_AFTER_NAME.as_ref().and_then(|re| re.captures(rest))
        && let (Some(all), Some(sign), Some(h)) = (c.get(0), c.get(1), c.get(2))
        && let Some(secs) = offset_seconds(sign.as_str(), h.as_str(), c.get(3).map(|m| m.as_str()))
    {
        let label = format!("{} {}", zone.label, all.as_str().trim());
        return Zone::fixed(secs, &label).map(|z| (z, len + all.end()));
    }
    Some((zone, len))
}

fn zone_name_here(text: &str) -> Option<(Zone, usize)> {
    if let Some(c) = UTC_OFFSET.as_ref().and_then(|re| re.captures(text))
        && let (Some(all), Some(sign), Some(h)) = (c.get(0), c.get(1), c.get(2))
        && let Some(secs) = offset_seconds(sign.as_str(), h.as_str(), c.get(3).map(|m| m.as_str()))
    {
        return Zone::fixed(secs, all.as_str()).map(|z| (z, all.end()));
    }
    if let Some(c) = BARE_OFFSET.as_ref().and_then(|re| re.captures(text))
        && let (Some(all), Some(sign), Some(h), Some(m)) = (c.get(0), c.get(1), c.get(2), c.get(3))
        // Offsets are whole, half or three-quarter hours; "-02:43" is a time.
        && matches!(m.as_str(), "00" | "30" | "45")
        && let Some(secs) = offset_seconds(sign.as_str(), h.as_str(), Some(m.as_str()))
    {
        return Zone::fixed(secs, all.as_str()).map(|z| (z, all.end()));
    }
    if let Some(c) = IANA.as_ref().and_then(|re| re.captures(text))
        && let Some(all) = c.get(0)
        && let Some(z) = Zone::named(all.as_str(), all.as_str())
    {
        return Some((z, all.end()));
    }
    // The longest name is under 40 bytes; lowercasing all that follows made each clock
    // cost the rest of its paragraph.
    let lower = window_after(text, 0, 64).to_lowercase();
    for (name, zone) in LONG_NAMES {
        if lower.starts_with(name) {
            let label: String = text.get(..name.len()).unwrap_or(name).to_string();
            let z = match zone {
                ZoneName::Fixed(s) => Zone::fixed(*s, &label),
                ZoneName::Named(n) => Zone::named(n, &label),
            };
            // `to_lowercase` keeps byte lengths for the ASCII names above.
            return z.map(|z| (z, name.len()));
        }
    }
    if let Some(c) = ABBREV.as_ref().and_then(|re| re.captures(text))
        && let Some(all) = c.get(0)
    {
        let word = all.as_str();
        if let Some((_, name)) = GENERIC_ZONES.iter().find(|(a, _)| *a == word) {
            return Zone::named(name, word).map(|z| (z, all.end()));
        }
        let first = word.split('/').next().unwrap_or(word);
        if let Some((abbr, why)) = AMBIGUOUS.iter().find(|(a, _)| *a == first || *a == word) {
            let len = if word.contains('/') {
                all.end()
            } else {
                first.len()
            };
            return Zone::fixed(0, abbr).map(|mut z| {
                z.key = format!("ambiguous:{abbr}");
                z.ambiguous = Some(why);
                (z, len)
            });
        }
        if let Some((abbr, secs, standard)) = ABBREVIATIONS.iter().find(|(a, _, _)| *a == first) {
            // "Z" only when glued to the time, handled by the caller passing no space.
            if *abbr == "Z" && word.len() != 1 {
                return None;
            }
            let len = if word.contains('/') {
                all.end()
            } else {
                first.len()
            };
            return Zone::fixed(*secs, abbr).map(|mut z| {
                z.standard_of = standard.map(|_| *abbr);
                (z, len)
            });
        }
    }
    None
}

/// A zone right after a clock time: ` UTC`, ` (GMT+1)`, `, UTC)`, `Z`, ` (South African...`.
pub(crate) fn zone_after(text: &str, at: usize) -> Option<(Zone, usize)> {
    let rest = text.get(at..)?;
    // "8:00-11:00 AM" is a range, not UTC-11.
    if rest.starts_with(['-', '−']) {
        let after = rest.get(1..).unwrap_or("");
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let ampm = after.get(digits..).is_some_and(|r| {
            r.trim_start_matches([':', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
                .trim_start()
                .to_lowercase()
                .starts_with(['a', 'p'])
        });
        // Only a time written to the second takes an offset glued to it
        // ("15:57:18-07:00"); "00:35-02:43" is a range.
        let seconds_before = text.get(..at).is_some_and(|b| {
            let tail = b.as_bytes();
            tail.len() >= 8 && tail[tail.len() - 3] == b':' && tail[tail.len() - 6] == b':'
        });
        if ampm || !seconds_before {
            return None;
        }
    }
    if rest.starts_with('Z')
        && !rest
            .get(1..)
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_alphanumeric)
    {
        return Zone::fixed(0, "Z").map(|z| (z, at + 1));
    }
    let mut skip = 0;
    let mut parens = 0;
    for c in rest.chars() {
        match c {
            ' ' | '\t' => skip += 1,
            '(' | '[' if parens == 0 => {
                parens += 1;
                skip += 1
            }
            ',' if skip < 2 => skip += 1,
            _ => break,
        }
        if skip > 3 {
            break;
        }
    }
    let from = rest.get(skip..)?;
    // "Z" alone after a space is a letter, not a zone.
    if from.starts_with('Z') && skip > 0 {
        return None;
    }
    let (zone, len) = zone_here(from)?;
    let mut end = at + skip + len;
    // Close the bracket around a zone: "(UTC)".
    if parens > 0 {
        let tail = text.get(end..).unwrap_or("");
        if let Some(close) = tail.find([')', ']'])
            && close < 40
        {
            end += close + 1;
        }
    }
    Some((zone, end))
}

pattern!(
    /// "All times in PST", "all times are UTC", "All times listed in PDT", "Times in CET".
    ALL_TIMES = r"(?i)\b(?:all\s+)?times?\s+(?:are\s+|listed\s+|shown\s+|given\s+)?(?:(?:are|in|is)\s+)*(?:the\s+)?:?\s*"
);

/// A document- or section-wide zone statement in a line ("All times in PST", "Timeline (GMT+1)",
/// "(all times UTC)", "Time (UTC)").
pub(crate) fn zone_statement(text: &str, heading: bool) -> Option<Zone> {
    if let Some(re) = ALL_TIMES.as_ref() {
        for m in re.find_iter(text) {
            let word = text.get(m.start()..m.end()).unwrap_or("").to_lowercase();
            if !word.contains("all") && !word.contains("times ") && !heading {
                continue;
            }
            if let Some((zone, _)) = zone_here(text.get(m.end()..).unwrap_or("")) {
                return Some(zone);
            }
        }
    }
    if heading {
        // "Timeline (GMT+1):", "2. Timeline (CET)", "Time (UTC)"
        if let Some(open) = text.find('(') {
            let inner = text.get(open + 1..).unwrap_or("");
            if let Some((zone, _)) = zone_here(inner.trim_start()) {
                return Some(zone);
            }
        }
        // "Timeline - UTC"
        for (i, _) in text.match_indices([' ', '-']) {
            if let Some((zone, len)) = zone_here(text.get(i + 1..).unwrap_or("").trim_start()) {
                let tail = text.get(i + 1..).unwrap_or("").trim_start();
                if tail
                    .get(len..)
                    .is_none_or(|t| t.trim().trim_end_matches([')', ':']).is_empty())
                {
                    return Some(zone);
                }
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------
// Instants

/// An instant with the offset it is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Moment {
    pub(crate) at: Timestamp,
    pub(crate) offset: Offset,
}

impl Moment {
    /// Places a civil date and time in a zone.
    pub(crate) fn new(date: Date, time: Time, zone: &Zone) -> Option<Moment> {
        let zoned = zone
            .tz
            .to_ambiguous_zoned(DateTime::from_parts(date, time))
            .compatible()
            .ok()?;
        Some(Moment {
            at: zoned.timestamp(),
            offset: zoned.offset(),
        })
    }

    /// RFC 3339 with the offset as written (`2024-08-14T14:30:00+01:00`, `...Z` for UTC).
    pub(crate) fn rfc3339(self) -> String {
        let civil = self.offset.to_datetime(self.at);
        let secs = self.offset.seconds();
        let zone = if secs == 0 {
            "Z".to_string()
        } else {
            let sign = if secs < 0 { '-' } else { '+' };
            let abs = secs.abs();
            format!("{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
        };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
            civil.year(),
            civil.month(),
            civil.day(),
            civil.hour(),
            civil.minute(),
            civil.second()
        )
    }

    /// The civil date in the moment's own offset.
    pub(crate) fn date(self) -> Date {
        self.offset.to_datetime(self.at).date()
    }

    /// Adds a duration.
    pub(crate) fn plus(self, d: SignedDuration) -> Option<Moment> {
        Some(Moment {
            at: self.at.checked_add(d).ok()?,
            offset: self.offset,
        })
    }
}

/// True when an abbreviation for standard time (`PST`) is used on a date that zone spends
/// in daylight-saving time.
pub(crate) fn standard_in_summer(zone: &Zone, date: Date) -> Option<String> {
    let abbr = zone.standard_of?;
    let (_, _, iana) = ABBREVIATIONS.iter().find(|(a, _, _)| *a == abbr)?;
    let tz = TimeZone::get((*iana)?).ok()?;
    let noon = DateTime::from_parts(date, Time::constant(12, 0, 0, 0));
    let zoned = tz.to_ambiguous_zoned(noon).compatible().ok()?;
    let standard = ABBREVIATIONS
        .iter()
        .find(|(a, _, _)| *a == abbr)
        .map(|(_, s, _)| *s)?;
    (zoned.offset().seconds() != standard).then(|| {
        format!(
            "\"{abbr}\" (UTC{}) is written for {date}, when that region is on daylight-saving time",
            format_offset(standard)
        )
    })
}

fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.abs();
    if abs % 3600 == 0 {
        format!("{sign}{}", abs / 3600)
    } else {
        format!("{sign}{}:{:02}", abs / 3600, (abs % 3600) / 60)
    }
}

// ---------------------------------------------------------------------------------
// Durations

pattern!(
    /// One `number unit` term of a duration.
    DURATION_TERM = r"(?i)\b(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|forty-five|fifty|half\s+an?|a\s+half|several|few)(?:\s*-\s*|\s*)(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|days?)\b"
);

fn number_word(word: &str) -> Option<f64> {
    let w = word.to_lowercase();
    let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match w.as_str() {
        "a" | "an" | "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "fifteen" => 15.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "forty-five" => 45.0,
        "fifty" => 50.0,
        "half a" | "half an" => 0.5,
        other => return other.parse().ok(),
    })
}

pattern!(
    /// `7 and a half hours`, `two and a half days`.
    AND_A_HALF = r"(?i)\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+and\s+a\s+half\s+(hours?|minutes?|days?)\b"
);

/// The words just before a duration say it is approximate ("about", "~", "at least").
fn approximate_before(before: &str) -> bool {
    let tail: String = before
        .chars()
        .rev()
        .take(24)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    [
        "approx",
        "about",
        "around",
        "roughly",
        "nearly",
        "almost",
        "~",
        "at least",
        "over",
        "more than",
        "less than",
        "under",
        "up to",
        "maximum",
    ]
    .iter()
    .any(|w| tail.contains(w))
}

/// A duration written in the text (`2 hours and 45 minutes`, `16h 45m`, `an hour and a half`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DurationMention {
    pub(crate) range: Range<usize>,
    pub(crate) value: SignedDuration,
    /// "approximately", "about", "~", "at least"...
    pub(crate) approximate: bool,
}

/// Every duration in `text`; adjacent terms are summed (`3 hours 30 minutes`).
pub(crate) fn find_durations(text: &str) -> Vec<DurationMention> {
    let Some(re) = DURATION_TERM.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<DurationMention> = Vec::new();
    // "7 and a half hours": the half belongs to the number before it.
    let halves: Vec<(Range<usize>, f64)> = AND_A_HALF
        .as_ref()
        .map(|re| {
            re.captures_iter(text)
                .filter_map(|c| {
                    let all = c.get(0)?;
                    let n = number_word(c.get(1)?.as_str())?;
                    let unit = c.get(2)?.as_str().to_lowercase();
                    let unit_secs = if unit.starts_with('h') {
                        3600.0
                    } else if unit.starts_with('d') {
                        86400.0
                    } else {
                        60.0
                    };
                    Some((all.range(), (n + 0.5) * unit_secs))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut last_unit_secs = 0.0f64;
    for c in re.captures_iter(text) {
        let (Some(all), Some(num), Some(unit)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if let Some((range, secs)) = halves
            .iter()
            .find(|(r, _)| r.start <= all.start() && all.end() <= r.end)
        {
            if out.last().is_none_or(|m| m.range != *range) {
                let before = window_before(text, range.start, 128).to_lowercase();
                out.push(DurationMention {
                    range: range.clone(),
                    value: SignedDuration::from_secs(secs.round() as i64),
                    approximate: approximate_before(&before),
                });
            }
            continue;
        }
        let unit_l = unit.as_str().to_lowercase();
        // single-letter units only when glued to a number: "16h", "45m"
        if (unit_l == "h" || unit_l == "m")
            && (all.as_str().contains(' ')
                || !num.as_str().chars().all(|c| c.is_ascii_digit() || c == '.'))
        {
            continue;
        }
        let unit_secs = if unit_l.starts_with('h') {
            3600.0
        } else if unit_l.starts_with('d') {
            86400.0
        } else if unit_l.starts_with('s') {
            1.0
        } else {
            60.0
        };
        let num_l = num.as_str().to_lowercase();
        if num_l == "several" || num_l == "few" {
            continue;
        }
        let secs = if num_l == "a half" {
            // "an hour and a half" handled below; "a half hour" = 30 minutes
            0.5 * unit_secs
        } else {
            let Some(n) = number_word(num.as_str()) else {
                continue;
            };
            n * unit_secs
        };
        last_unit_secs = unit_secs;
        let value = SignedDuration::from_secs(secs.round() as i64);
        // Join with the previous term when only "and", "," or spaces separate them.
        if let Some(prev) = out.last_mut() {
            let gap = text.get(prev.range.end..all.start()).unwrap_or("x");
            let gap_l = gap.trim().to_lowercase();
            if gap_l.is_empty() || gap_l == "and" || gap_l == "," || gap_l == ", and" {
                prev.value = prev.value.checked_add(value).unwrap_or(prev.value);
                prev.range.end = all.end();
                continue;
            }
        }
        let before = window_before(text, all.start(), 128).to_lowercase();
        out.push(DurationMention {
            range: all.range(),
            value,
            approximate: approximate_before(&before),
        });
    }
    // "an hour and a half", "2 hours and a half"
    for m in &mut out {
        let rest = window_after(text, m.range.end, 16);
        if starts_with_ignoring_case(rest, " and a half") && last_unit_secs > 0.0 {
            let unit = if m.value.as_secs() % 3600 == 0 {
                1800
            } else {
                30
            };
            m.value = m
                .value
                .checked_add(SignedDuration::from_secs(unit))
                .unwrap_or(m.value);
            m.range.end += " and a half".len();
        }
    }
    out
}

/// "2 hours 30 minutes" for reports.
pub(crate) fn describe_duration(d: SignedDuration) -> String {
    let total = d.as_secs().abs() / 60;
    let (h, m) = (total / 60, total % 60);
    match (h, m) {
        (0, m) => format!("{m} minute{}", if m == 1 { "" } else { "s" }),
        (h, 0) => format!("{h} hour{}", if h == 1 { "" } else { "s" }),
        (h, m) => format!(
            "{h} hour{} {m} minute{}",
            if h == 1 { "" } else { "s" },
            if m == 1 { "" } else { "s" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clocks(text: &str) -> Vec<String> {
        find_clocks(text, ClockRules::default())
            .into_iter()
            .filter_map(|(_, c)| c.time())
            .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
            .collect()
    }

    #[test]
    fn patterns_compile() {
        for p in [
            &ISO_DATE,
            &NUMERIC_DATE,
            &DAY_MONTH,
            &MONTH_DAY,
            &UTC_OFFSET,
            &BARE_OFFSET,
            &IANA,
            &ABBREV,
            &ALL_TIMES,
            &DURATION_TERM,
        ] {
            assert!(p.as_ref().is_some());
        }
    }

    #[test]
    fn clocks_in_many_spellings() {
        assert_eq!(clocks("from 2:30 PM to 3:15 PM"), ["14:30", "15:15"]);
        assert_eq!(clocks("14:15pm and 12: 48pm"), ["14:15", "12:48"]);
        assert_eq!(clocks("at 2100hrs WAT"), ["21:00"]);
        assert_eq!(clocks("On 2024-03-17 10h47 CEST"), ["10:47"]);
        assert_eq!(clocks("12:00 p.m. EAT"), ["12:00"]);
        assert_eq!(clocks("6PM to 7 pm"), ["18:00", "19:00"]);
        assert_eq!(clocks("12:30 AM"), ["00:30"]);
        assert_eq!(clocks("10:45a and 1:05p"), ["10:45", "13:05"]);
        assert_eq!(clocks("2024-07-01T03:12:45Z — alert"), ["03:12"]);
        assert!(clocks("at 10:45 a team").iter().all(|c| c == "10:45"));
        assert_eq!(clocks("at midnight"), ["00:00"]);
        assert_eq!(clocks("15:57:18 UTC"), ["15:57"]);
        assert!(clocks("version 22.250.2, 1.15 code freeze, 16h 45m, 5.4%").is_empty());
        assert!(clocks("2019-1-17 and 10.1.0.101").is_empty());
        let dot = ClockRules {
            dot: true,
            bare: true,
        };
        let found: Vec<_> = find_clocks("15.25 - restarted", dot)
            .into_iter()
            .map(|(_, c)| c.minutes())
            .collect();
        assert_eq!(found, [15 * 60 + 25]);
        let found: Vec<_> = find_clocks("1625 - paged", dot)
            .into_iter()
            .map(|(_, c)| c.minutes())
            .collect();
        assert_eq!(found, [16 * 60 + 25]);
    }

    #[test]
    fn dates_in_many_spellings() {
        let d = |t: &str| {
            find_dates(t, DayOrder::Unknown)
                .into_iter()
                .map(|m| m.value)
                .collect::<Vec<_>>()
        };
        let full = |y, m, dd| DateValue::Full(Date::new(y, m, dd).unwrap());
        assert_eq!(d("On 14th August 2024, from"), [full(2024, 8, 14)]);
        assert_eq!(d("December 1, 2023, 2:30 PM"), [full(2023, 12, 1)]);
        assert_eq!(d("2023-05-12 (all times UTC)"), [full(2023, 5, 12)]);
        assert_eq!(d("On Tuesday Auguest 15 2023 around"), [full(2023, 8, 15)]);
        assert_eq!(d("On November 5th ’24 we had"), [full(2024, 11, 5)]);
        assert_eq!(d("06/May/2022 2:17 PM"), [full(2022, 5, 6)]);
        assert_eq!(d("On 13/10/2023 at"), [full(2023, 10, 13)]);
        assert_eq!(d("2019-1-17"), [full(2019, 1, 17)]);
        // A range of days: its first, with the year written after the range.
        assert_eq!(d("August 18-19, 2025 - two issues"), [full(2025, 8, 18)]);
        assert_eq!(d("December 12–20, 2018"), [full(2018, 12, 12)]);
        assert_eq!(
            d("**Date**: 03/10/2021"),
            [DateValue::Ambiguous {
                first: 3,
                second: 10,
                year: 2021
            }]
        );
        assert_eq!(
            d("On October 2, it was"),
            [DateValue::Yearless { month: 10, day: 2 }]
        );
        assert!(d("this may 2 things").is_empty());
        assert_eq!(
            find_dates("03-10-2021", DayOrder::DayFirst)[0].value,
            full(2021, 10, 3)
        );
    }

    #[test]
    fn zones_after_times() {
        let z = |t: &str| zone_after(t, 0).map(|(z, _)| z.key);
        assert_eq!(z(" (GMT+1)").as_deref(), Some("fixed:3600"));
        assert_eq!(z(" PDT").as_deref(), Some("fixed:-25200"));
        assert_eq!(z(" EAT:").as_deref(), Some("fixed:10800"));
        assert_eq!(z(", UTC)").as_deref(), Some("fixed:0"));
        assert_eq!(z("Z").as_deref(), Some("fixed:0"));
        assert_eq!(z(" +05:30").as_deref(), Some("fixed:19800"));
        assert_eq!(
            z(" (South African Standard Time, UTC+2)").as_deref(),
            Some("fixed:7200")
        );
        assert_eq!(z(" ET:").as_deref(), Some("tz:America/New_York"));
        assert_eq!(
            z(" America/Los_Angeles").as_deref(),
            Some("tz:America/Los_Angeles")
        );
        assert_eq!(z(" The").as_deref(), None);
        assert_eq!(z(" cat").as_deref(), None);
        // A range is not an offset: "02:00-04:30", "00:35-02:43 UTC".
        let at = |t: &str, i| zone_after(t, i).map(|(z, _)| z.key);
        assert_eq!(at("02:00-04:30", 5), None);
        assert_eq!(at("2025-08-19 00:35-02:43 UTC", 16), None);
        // A time to the second takes an offset glued to it.
        assert_eq!(at("15:57:18-07:00", 8).as_deref(), Some("fixed:-25200"));
        // "PST (UTC-7)": the offset written wins over the name.
        assert_eq!(z(" PST (UTC-7)").as_deref(), Some("fixed:-25200"));
        assert_eq!(z(" IST").map(|k| k.starts_with("ambiguous")), Some(true));
    }

    #[test]
    fn zone_statements() {
        let z = |t: &str, h| zone_statement(t, h).map(|z| z.key);
        assert_eq!(
            z("All times in PST", false).as_deref(),
            Some("fixed:-28800")
        );
        assert_eq!(z("Timeline (GMT+1):", true).as_deref(), Some("fixed:3600"));
        assert_eq!(
            z("2023-05-12 (all times UTC)", false).as_deref(),
            Some("fixed:0")
        );
        assert_eq!(
            z("Timeline (all times in PST/PDT)", true).as_deref(),
            Some("tz:America/Los_Angeles")
        );
        assert_eq!(z("All times PDT.", false).as_deref(), Some("fixed:-25200"));
        assert_eq!(z("Timeline", true), None);
    }

    #[test]
    fn durations_in_many_spellings() {
        let d = |t: &str| find_durations(t).first().map(|m| m.value.as_secs() / 60);
        assert_eq!(d("lasted for 45 minutes"), Some(45));
        assert_eq!(d("a 2.5-hour outage"), Some(150));
        assert_eq!(d("3 hours 30 minutes"), Some(210));
        assert_eq!(d("2 hours and 45 minutes"), Some(165));
        assert_eq!(d("Duration: 16h 45m"), Some(1005));
        assert_eq!(d("an hour and a half of downtime"), Some(90));
        assert_eq!(d("30 mins"), Some(30));
        assert_eq!(d("approximately three hours"), Some(180));
        assert!(find_durations("approximately three hours")[0].approximate);
    }

    #[test]
    fn moments_print_with_their_offset() {
        let zone = zone_here("GMT+1").unwrap().0;
        let m = Moment::new(
            Date::constant(2024, 8, 14),
            Time::constant(14, 30, 0, 0),
            &zone,
        )
        .unwrap();
        assert_eq!(m.rfc3339(), "2024-08-14T14:30:00+01:00");
        let zone = zone_here("UTC").unwrap().0;
        let m = Moment::new(
            Date::constant(2023, 12, 1),
            Time::constant(14, 30, 0, 0),
            &zone,
        )
        .unwrap();
        assert_eq!(m.rfc3339(), "2023-12-01T14:30:00Z");
        let pst = zone_here("PST").unwrap().0;
        assert!(standard_in_summer(&pst, Date::constant(2024, 5, 9)).is_some());
        assert!(standard_in_summer(&pst, Date::constant(2024, 1, 9)).is_none());
    }
}
