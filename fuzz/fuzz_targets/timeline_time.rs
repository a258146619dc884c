//! Timeline time resolution: a date, a zone and a list of times (`HH:MM`, a day alone
//! `YYYY-MM-DD` or RFC 3339), resolved in order as validation does (`TimelineClock`), with
//! the durations formatted for display.
//!
//! Input, one item per line: the incident date, the zone (an IANA name, a fixed offset
//! such as `+05:30`, or empty for none), the site zone (same), then the times.
#![no_main]

use hindsight::content::time::{
    Anchor, TimelineClock, format_duration, format_offset, iso_duration, is_day_only,
    parse_clock, parse_date, parse_timestamp,
};
use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;

fn zone(text: &str) -> Option<TimeZone> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(moment) = parse_timestamp(&format!("2024-01-01T00:00:00{text}"), None) {
        return Some(TimeZone::fixed(moment.offset));
    }
    TimeZone::get(text).ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let date_line = lines.next().unwrap_or("");
    let anchor_zone = zone(lines.next().unwrap_or(""));
    let site_zone = zone(lines.next().unwrap_or(""));
    let date = match parse_date(date_line) {
        Ok(date) => date,
        Err(_) => match parse_timestamp(date_line, site_zone.as_ref()) {
            Ok(moment) => moment.at.to_zoned(TimeZone::UTC).date(),
            Err(_) => return,
        },
    };
    let anchor = Anchor {
        date: Some(date),
        zone: anchor_zone,
    };
    let mut clock = TimelineClock::new(anchor);
    let mut first = None;
    let mut previous = None;
    for line in lines {
        let _ = parse_clock(line);
        let _ = is_day_only(line);
        let Ok(when) = clock.resolve(line, site_zone.as_ref()) else {
            continue;
        };
        let at = when.at();
        let start = *first.get_or_insert(at);
        if let Some(previous) = previous {
            let _ = format_duration(at.duration_since(previous));
        }
        let offset = at.duration_since(start);
        let _ = format_offset(offset);
        let _ = iso_duration(offset);
        previous = Some(at);
    }
});
