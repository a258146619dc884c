//! Times as postmortems write them → instants.
//!
//! Milestones are RFC 3339 with an offset (`2024-08-14T14:30:00+01:00`), or without one
//! when the site sets a time zone. Timeline times may also be `HH:MM` on the incident's
//! date and zone, or a day alone (`2022-09-05`) for long incidents whose reports give a
//! day but no time. A time without an offset is never guessed: silently shifted times are
//! a known pain in other generators.

use jiff::civil::{Date, DateTime, Time};
use jiff::fmt::temporal::Pieces;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// Why a time could not be read; the caller adds file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub help: String,
}

impl TimeError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// An instant and the offset it was written in (for resolving `HH:MM` on the same day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// The instant.
    pub at: Timestamp,
    /// The offset the author wrote, or the site zone's offset at that instant.
    pub offset: Offset,
}

/// Parses a calendar date (`2024-08-14`).
pub fn parse_date(text: &str) -> Result<Date, TimeError> {
    let text = text.trim();
    // jiff also reads ISO 8601's basic form (`20240501`) and six-digit years; the schema
    // says YYYY-MM-DD, and a bare number there is more often a typo than a date.
    if !is_day_only(text) {
        return Err(TimeError::new(
            format!("\"{text}\" is not a date written YYYY-MM-DD"),
            "write the date as YYYY-MM-DD, e.g. 2024-08-14",
        ));
    }
    text.parse::<Date>().map_err(|err| {
        TimeError::new(
            format!("\"{text}\" is not a valid date: {}", short_jiff_error(&err)),
            "write the date as YYYY-MM-DD, e.g. 2024-08-14",
        )
    })
}

/// Parses a full timestamp. Without an offset it is read in `site_zone`, and is an error
/// when the site has no time zone.
pub fn parse_timestamp(text: &str, site_zone: Option<&TimeZone>) -> Result<Moment, TimeError> {
    let text = text.trim();
    let pieces = Pieces::parse(text).map_err(|err| {
        TimeError::new(
            format!(
                "\"{text}\" is not a valid timestamp: {}",
                short_jiff_error(&err)
            ),
            "write RFC 3339 with an offset, e.g. 2024-08-14T14:30:00+01:00",
        )
    })?;
    let Some(time) = pieces.time() else {
        return Err(TimeError::new(
            format!("\"{text}\" has a date but no time of day"),
            "write RFC 3339 with an offset, e.g. 2024-08-14T14:30:00+01:00",
        ));
    };
    let datetime = pieces.date().to_datetime(time);
    match pieces.to_numeric_offset() {
        Some(offset) => {
            check_offset(offset, text)?;
            let at = offset.to_timestamp(datetime).map_err(|err| {
                TimeError::new(
                    format!("\"{text}\" is out of range: {}", short_jiff_error(&err)),
                    "check the year",
                )
            })?;
            Ok(Moment { at, offset })
        }
        None => match site_zone {
            Some(zone) => in_zone(datetime, zone, text),
            None => Err(TimeError::new(
                format!("timestamp \"{text}\" has no UTC offset and site.toml sets no timezone"),
                format!(
                    "add the offset (e.g. {text}+00:00 or {text}Z), or set timezone = \"...\" in site.toml"
                ),
            )),
        },
    }
}

/// The largest offset RFC 3339 can write: `±23:59` (jiff reads up to `±25:59:59`).
const MAX_OFFSET_SECONDS: i32 = 23 * 3600 + 59 * 60;

/// Refuses an offset RFC 3339 cannot write: beyond ±23:59, or with seconds. jiff accepts
/// both, and `+24:00` would silently move the instant a day.
fn check_offset(offset: Offset, text: &str) -> Result<(), TimeError> {
    let seconds = offset.seconds();
    if seconds.abs() > MAX_OFFSET_SECONDS {
        return Err(TimeError::new(
            format!(
                "\"{text}\" has the UTC offset {}, beyond the ±23:59 an offset can be",
                rfc3339_offset(offset)
            ),
            "write the offset of the zone the time was read in, e.g. +01:00 or -05:00 (Z for UTC)",
        ));
    }
    if seconds % 60 != 0 {
        return Err(TimeError::new(
            format!("\"{text}\" has a UTC offset with seconds"),
            "write the offset in hours and minutes, e.g. +01:00 (RFC 3339 offsets have no seconds)",
        ));
    }
    Ok(())
}

/// `+01:00`, `-05:30`, `+00:00`: an offset as RFC 3339 writes it (jiff's own display
/// shortens it to `+01`). Seconds, which only local mean times have, are dropped.
fn rfc3339_offset(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Places a local time in `zone`. A time the zone skips (the hour clocks jump over) or
/// passes twice (the hour repeated when they go back) is an error naming both readings:
/// picking one silently would move the instant an hour.
fn in_zone(datetime: DateTime, zone: &TimeZone, text: &str) -> Result<Moment, TimeError> {
    let zone_name = zone.iana_name().unwrap_or("the site's time zone");
    let offset = match zone.to_ambiguous_timestamp(datetime).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        AmbiguousOffset::Gap { before, after } => {
            let (before, after) = (rfc3339_offset(before), rfc3339_offset(after));
            return Err(TimeError::new(
                format!(
                    "\"{text}\" does not exist in {zone_name}: clocks jumped from {before} to {after} over that time"
                ),
                format!(
                    "write the time with the offset it was read in, e.g. {}{before} or {}{after}",
                    datetime.strftime("%Y-%m-%dT%H:%M:%S"),
                    datetime.strftime("%Y-%m-%dT%H:%M:%S"),
                ),
            ));
        }
        AmbiguousOffset::Fold { before, after } => {
            let (before, after) = (rfc3339_offset(before), rfc3339_offset(after));
            return Err(TimeError::new(
                format!(
                    "\"{text}\" happened twice in {zone_name}: clocks went back from {before} to {after} over that hour"
                ),
                format!(
                    "write the time with its offset: {}{before} for the first, {}{after} for the second",
                    datetime.strftime("%Y-%m-%dT%H:%M:%S"),
                    datetime.strftime("%Y-%m-%dT%H:%M:%S"),
                ),
            ));
        }
    };
    let at = offset.to_timestamp(datetime).map_err(|err| {
        TimeError::new(
            format!(
                "\"{text}\" cannot be placed in {zone_name}: {}",
                short_jiff_error(&err)
            ),
            "add an explicit offset",
        )
    })?;
    Ok(Moment { at, offset })
}

/// Parses `HH:MM` or `HH:MM:SS`.
pub fn parse_clock(text: &str) -> Option<Time> {
    let text = text.trim();
    let mut parts = text.split(':');
    // The hour may be one digit (`9:05`); minutes and seconds are two, so `9:5` is not
    // silently read as 09:05.
    let hour: i8 = parse_digits(parts.next()?, 1..=2)?;
    let minute: i8 = parse_digits(parts.next()?, 2..=2)?;
    let second: i8 = match parts.next() {
        Some(s) => parse_digits(s, 2..=2)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Time::new(hour, minute, second, 0).ok()
}

fn parse_digits(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<i8> {
    if !len.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Where `HH:MM` timeline times are anchored: the incident's date and offset.
#[derive(Debug, Clone)]
pub struct Anchor {
    /// The incident's date, if the postmortem has one.
    pub date: Option<Date>,
    /// The zone of the incident (the offset `started` was written in, else the site's).
    pub zone: Option<TimeZone>,
}

/// Resolves a timeline time: a full timestamp, or `HH:MM` on the anchor's date. An
/// `HH:MM` earlier than `previous` is taken to be on the next day, since timelines run
/// forward and incidents cross midnight.
pub fn resolve_timeline_time(
    text: &str,
    anchor: &Anchor,
    previous: Option<Timestamp>,
    site_zone: Option<&TimeZone>,
) -> Result<Moment, TimeError> {
    let Some(clock) = parse_clock(text) else {
        return parse_timestamp(text, site_zone).map_err(|_| {
            TimeError::new(
                format!("timeline time \"{}\" is not a time", text.trim()),
                "write HH:MM (on the incident's date), YYYY-MM-DD (a day alone) or RFC 3339 with an offset, e.g. 2024-08-14T14:30:00+01:00",
            )
        });
    };
    let Some(date) = anchor.date else {
        return Err(TimeError::new(
            format!("timeline time \"{}\" has no date to attach to", text.trim()),
            "add `date: YYYY-MM-DD` (or `started`), or write the time in full RFC 3339",
        ));
    };
    let Some(zone) = &anchor.zone else {
        return Err(TimeError::new(
            format!(
                "timeline time \"{}\" has no date or zone to attach to",
                text.trim()
            ),
            "give `started` an offset, set timezone in site.toml, or write the time in full RFC 3339",
        ));
    };
    let moment = in_zone(date.to_datetime(clock), zone, text)?;
    match previous {
        Some(previous) if moment.at < previous => {
            let next_day = date.tomorrow().map_err(|err| {
                TimeError::new(short_jiff_error(&err), "write the time in full RFC 3339")
            })?;
            let rolled = in_zone(next_day.to_datetime(clock), zone, text)?;
            // Only roll over when it lands within a day of the previous entry; otherwise
            // the entry is genuinely out of order, which `check` reports.
            if rolled.at.duration_since(previous) < SignedDuration::from_hours(24) {
                Ok(rolled)
            } else {
                Ok(moment)
            }
        }
        _ => Ok(moment),
    }
}

/// A timeline entry's `at`, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryTime {
    /// A moment (`HH:MM` or RFC 3339).
    Instant(Timestamp),
    /// A day alone, and where it begins in the incident's zone (for ordering).
    Day {
        /// The day as written.
        date: Date,
        /// Midnight of that day in the incident's zone.
        start: Timestamp,
    },
}

impl EntryTime {
    /// The instant to order by: the moment, or the start of the day.
    pub fn at(self) -> Timestamp {
        match self {
            Self::Instant(at) => at,
            Self::Day { start, .. } => start,
        }
    }
}

/// Resolves a timeline's `at` values in the order written, keeping what `HH:MM` needs:
/// the day it is on and the entry before it (for the midnight rollover).
///
/// A day alone (`2022-09-05`) is placed at the start of that day in the incident's zone,
/// else UTC (a day needs no zone to be read, only to be ordered against times). The
/// `HH:MM` entries after it are on that day, and start afresh: the day's midnight is
/// never "the entry above" that an earlier time rolls over from.
#[derive(Debug, Clone)]
pub struct TimelineClock {
    anchor: Anchor,
    previous: Option<Timestamp>,
}

impl TimelineClock {
    /// Starts on the incident's date and zone.
    pub fn new(anchor: Anchor) -> Self {
        Self {
            anchor,
            previous: None,
        }
    }

    /// The zone days alone are placed in: the incident's, else UTC.
    pub fn day_zone(&self) -> TimeZone {
        self.anchor.zone.clone().unwrap_or(TimeZone::UTC)
    }

    /// Resolves the next entry's `at`. An entry in error leaves the clock as it was.
    pub fn resolve(
        &mut self,
        text: &str,
        site_zone: Option<&TimeZone>,
    ) -> Result<EntryTime, TimeError> {
        if is_day_only(text) {
            let date = parse_date(text)?;
            let start = start_of_day(date, &self.day_zone(), text)?;
            self.anchor.date = Some(date);
            self.previous = None;
            return Ok(EntryTime::Day { date, start });
        }
        let moment = resolve_timeline_time(text, &self.anchor, self.previous, site_zone)?;
        self.previous = Some(moment.at);
        Ok(EntryTime::Instant(moment.at))
    }
}

/// `YYYY-MM-DD` in shape (four digits, two, two), whether or not the day exists: an
/// impossible one is then reported as a date, not as "not a time".
pub fn is_day_only(text: &str) -> bool {
    let bytes = text.trim().as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// The first instant of `date` in `zone` (midnight, or the first time after a gap).
pub fn start_of_day(date: Date, zone: &TimeZone, text: &str) -> Result<Timestamp, TimeError> {
    // A day has a first instant even where midnight is skipped or repeated: `compatible`
    // takes the time after a gap and the first of a fold, which is that instant.
    zone.to_ambiguous_zoned(date.to_datetime(Time::midnight()))
        .compatible()
        .map(|zoned| zoned.timestamp())
        .map_err(|err| {
            TimeError::new(
                format!(
                    "\"{}\" cannot be placed in the incident's time zone: {}",
                    text.trim(),
                    short_jiff_error(&err)
                ),
                "check the year",
            )
        })
}

/// jiff's errors are chains; the first line is enough for a diagnostic.
fn short_jiff_error(err: &jiff::Error) -> String {
    err.to_string()
}

/// Reads the schema's `duration`: `45m`, `2h 30m`, `1d 4h`, `90m`, `2 hours 30 minutes`:
/// whole numbers of days, hours, minutes and seconds, largest first.
pub fn parse_duration(text: &str) -> Result<SignedDuration, TimeError> {
    let error = |message: String| {
        TimeError::new(
            message,
            "write a duration such as `45m`, `2h 30m` or `1d 4h` (d, h, m, s)",
        )
    };
    let mut total: i64 = 0;
    let mut last_rank = u8::MAX;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(error("duration is empty".to_string()));
    }
    while !rest.is_empty() {
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (digits, after) = rest.split_at(digits_end);
        let after = after.trim_start();
        let unit_end = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_end);
        if digits.is_empty() {
            return Err(error(format!(
                "duration \"{text}\": a number must come before \"{}\"",
                if unit.is_empty() { after } else { unit }
            )));
        }
        let (rank, seconds) = match unit.to_ascii_lowercase().as_str() {
            "d" | "day" | "days" => (3, 86_400),
            "h" | "hr" | "hrs" | "hour" | "hours" => (2, 3_600),
            "m" | "min" | "mins" | "minute" | "minutes" => (1, 60),
            "s" | "sec" | "secs" | "second" | "seconds" => (0, 1),
            "" => {
                return Err(error(format!(
                    "duration \"{text}\": \"{digits}\" has no unit"
                )));
            }
            other => {
                return Err(error(format!(
                    "duration \"{text}\": \"{other}\" is not a unit"
                )));
            }
        };
        if rank >= last_rank {
            return Err(error(format!(
                "duration \"{text}\": write each unit once, largest first"
            )));
        }
        last_rank = rank;
        let n: i64 = digits
            .parse()
            .map_err(|_| error(format!("duration \"{text}\" is too long")))?;
        total = n
            .checked_mul(seconds)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(|| error(format!("duration \"{text}\" is too long")))?;
        rest = after.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
    }
    if total == 0 {
        return Err(error("duration is zero".to_string()));
    }
    Ok(SignedDuration::from_secs(total))
}

/// `45m`, `2h 30m`, `1d 3h`, `30s`; negative durations get a leading `-`.
pub fn format_duration(duration: SignedDuration) -> String {
    let negative = duration.is_negative();
    let total = duration.as_secs().unsigned_abs();
    let (days, hours, minutes, seconds) = (
        total / 86_400,
        (total % 86_400) / 3_600,
        (total % 3_600) / 60,
        total % 60,
    );
    let text = if days > 0 {
        if hours > 0 {
            format!("{days}d {hours}h")
        } else {
            format!("{days}d")
        }
    } else if hours > 0 {
        if minutes > 0 {
            format!("{hours}h {minutes}m")
        } else {
            format!("{hours}h")
        }
    } else if minutes > 0 {
        format!("{minutes}m")
    } else {
        format!("{seconds}s")
    };
    if negative { format!("-{text}") } else { text }
}

/// `T+0`, `T+15m`, `T+2h 5m`, `T-5m`: an event's offset from the start of impact.
pub fn format_offset(offset: SignedDuration) -> String {
    if offset.is_zero() {
        "T+0".to_string()
    } else if offset.is_negative() {
        format!("T{}", format_duration(offset))
    } else {
        format!("T+{}", format_duration(offset))
    }
}

/// ISO 8601 duration (`PT2H30M`) for `<time datetime>`.
pub fn iso_duration(duration: SignedDuration) -> String {
    let total = duration.as_secs().unsigned_abs();
    let sign = if duration.is_negative() { "-" } else { "" };
    let (hours, minutes, seconds) = (total / 3_600, (total % 3_600) / 60, total % 60);
    let mut out = format!("{sign}PT");
    if hours > 0 {
        out.push_str(&format!("{hours}H"));
    }
    if minutes > 0 {
        out.push_str(&format!("{minutes}M"));
    }
    if seconds > 0 || (hours == 0 && minutes == 0) {
        out.push_str(&format!("{seconds}S"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> TimeZone {
        TimeZone::get("Europe/London").unwrap()
    }

    #[test]
    fn timestamps_need_an_offset_unless_the_site_has_a_zone() {
        let m = parse_timestamp("2024-08-14T14:30:00+01:00", None).unwrap();
        assert_eq!(m.at, "2024-08-14T13:30:00Z".parse::<Timestamp>().unwrap());
        assert!(parse_timestamp("2024-08-14T14:30:00", None).is_err());
        let m = parse_timestamp("2024-08-14T14:30:00", Some(&london())).unwrap();
        assert_eq!(m.at, "2024-08-14T13:30:00Z".parse::<Timestamp>().unwrap());
        let m = parse_timestamp("2024-01-14 14:30", Some(&london())).unwrap();
        assert_eq!(m.at, "2024-01-14T14:30:00Z".parse::<Timestamp>().unwrap());
        assert!(parse_timestamp("2024-08-14", None).is_err());
        assert!(parse_timestamp("yesterday", None).is_err());
    }

    #[test]
    fn offsets_beyond_23_59_or_with_seconds_are_refused() {
        for text in [
            "2024-05-01T10:00:00+24:00",
            "2024-05-01T10:00:00+25:59",
            "2024-05-01T10:00:00-25:00",
            "2024-05-01T10:00:00-24:00",
            "2024-05-01T10:00:00+01:00:30",
        ] {
            let err = parse_timestamp(text, None).unwrap_err();
            assert!(err.message.contains("offset"), "{text}: {err:?}");
        }
        for text in ["2024-05-01T10:00:00+23:59", "2024-05-01T10:00:00-23:59"] {
            assert!(parse_timestamp(text, None).is_ok(), "{text}");
        }
    }

    #[test]
    fn local_times_skipped_or_repeated_by_the_zone_are_errors_that_say_how_to_write_them() {
        // Europe/London: 2024-03-31 01:00 jumps to 02:00; 2024-10-27 02:00 back to 01:00.
        let err = parse_timestamp("2024-03-31T01:30:00", Some(&london())).unwrap_err();
        assert!(
            err.message.contains("does not exist in Europe/London"),
            "{err:?}"
        );
        assert!(err.help.contains("2024-03-31T01:30:00+00:00"), "{err:?}");
        let err = parse_timestamp("2024-10-27T01:30:00", Some(&london())).unwrap_err();
        assert!(err.message.contains("happened twice"), "{err:?}");
        assert!(
            err.help.contains("2024-10-27T01:30:00+01:00 for the first"),
            "{err:?}"
        );
        assert!(
            err.help
                .contains("2024-10-27T01:30:00+00:00 for the second"),
            "{err:?}"
        );
        // Written with the offset, both readings are accepted; next to the hour, fine.
        assert!(parse_timestamp("2024-10-27T01:30:00+01:00", Some(&london())).is_ok());
        assert!(parse_timestamp("2024-10-27T02:30:00", Some(&london())).is_ok());
        // `HH:MM` on the incident's day in the site's zone: the same rule.
        let anchor = Anchor {
            date: Some("2024-03-31".parse().unwrap()),
            zone: Some(london()),
        };
        assert!(resolve_timeline_time("01:30", &anchor, None, None).is_err());
        assert!(resolve_timeline_time("02:30", &anchor, None, None).is_ok());
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for text in ["20240501", "+002024-05-01", "2024-5-1", "2024-05-01T00:00"] {
            assert!(parse_date(text).is_err(), "{text}");
        }
        assert!(parse_clock("9:5").is_none());
        assert!(parse_clock("09:5").is_none());
        assert!(parse_clock("14:30:5").is_none());
        assert_eq!(parse_clock("9:05"), Some(Time::constant(9, 5, 0, 0)));
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_timestamp("2024-13-01T00:00:00Z", None).is_err());
    }

    #[test]
    fn clock_times_resolve_on_the_incident_date_and_cross_midnight() {
        let anchor = Anchor {
            date: Some("2024-08-14".parse().unwrap()),
            zone: Some(TimeZone::fixed(Offset::from_hours(1).unwrap())),
        };
        let first = resolve_timeline_time("23:50", &anchor, None, None).unwrap();
        assert_eq!(
            first.at,
            "2024-08-14T22:50:00Z".parse::<Timestamp>().unwrap()
        );
        let next = resolve_timeline_time("00:10", &anchor, Some(first.at), None).unwrap();
        assert_eq!(
            next.at,
            "2024-08-14T23:10:00Z".parse::<Timestamp>().unwrap()
        );
        assert!(resolve_timeline_time("25:00", &anchor, None, None).is_err());
        assert!(resolve_timeline_time("later", &anchor, None, None).is_err());
        let no_zone = Anchor {
            zone: None,
            ..anchor
        };
        assert!(resolve_timeline_time("10:00", &no_zone, None, None).is_err());
    }

    #[test]
    fn days_alone_start_at_midnight_and_restart_the_clock_times_after_them() {
        let anchor = Anchor {
            date: Some("2022-09-05".parse().unwrap()),
            zone: Some(TimeZone::fixed(Offset::from_hours(2).unwrap())),
        };
        let mut clock = TimelineClock::new(anchor);
        let at = |clock: &mut TimelineClock, text: &str| clock.resolve(text, None).unwrap().at();
        let ts = |text: &str| text.parse::<Timestamp>().unwrap();
        assert_eq!(at(&mut clock, "23:00"), ts("2022-09-05T21:00:00Z"));
        assert_eq!(
            clock.resolve("2022-09-07", None).unwrap(),
            EntryTime::Day {
                date: "2022-09-07".parse().unwrap(),
                start: ts("2022-09-06T22:00:00Z"),
            }
        );
        // On the day above, not rolled over from 23:00 two days before.
        assert_eq!(at(&mut clock, "09:00"), ts("2022-09-07T07:00:00Z"));
        // Times after it still cross midnight from the day above.
        assert_eq!(at(&mut clock, "23:30"), ts("2022-09-07T21:30:00Z"));
        assert_eq!(at(&mut clock, "01:15"), ts("2022-09-07T23:15:00Z"));
        // A day does not take part in the rollover: 00:10 after it is on that day.
        assert_eq!(at(&mut clock, "2022-09-10"), ts("2022-09-09T22:00:00Z"));
        assert_eq!(at(&mut clock, "00:10"), ts("2022-09-09T22:10:00Z"));
        // An impossible day is an error that leaves the clock where it was.
        let err = clock.resolve("2022-02-30", None).unwrap_err();
        assert!(err.message.contains("not a valid date"), "{err:?}");
        assert_eq!(at(&mut clock, "00:20"), ts("2022-09-09T22:20:00Z"));
        assert!(!is_day_only("2022-9-5"));
        assert!(!is_day_only("2022-09-05T10:00:00Z"));
        assert!(is_day_only(" 2022-09-05 "));
    }

    #[test]
    fn days_alone_without_a_zone_are_placed_in_utc_but_times_still_need_one() {
        let mut clock = TimelineClock::new(Anchor {
            date: None,
            zone: None,
        });
        assert_eq!(
            clock.resolve("2022-09-05", None).unwrap().at(),
            "2022-09-05T00:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert!(clock.resolve("10:00", None).is_err());
    }

    #[test]
    fn durations_and_offsets_read_like_people_write_them() {
        assert_eq!(format_duration(SignedDuration::from_mins(45)), "45m");
        assert_eq!(format_duration(SignedDuration::from_mins(150)), "2h 30m");
        assert_eq!(format_duration(SignedDuration::from_hours(27)), "1d 3h");
        assert_eq!(format_offset(SignedDuration::ZERO), "T+0");
        assert_eq!(format_offset(SignedDuration::from_mins(15)), "T+15m");
        assert_eq!(format_offset(SignedDuration::from_mins(-5)), "T-5m");
        assert_eq!(iso_duration(SignedDuration::from_mins(150)), "PT2H30M");
        assert_eq!(iso_duration(SignedDuration::ZERO), "PT0S");
    }
}
