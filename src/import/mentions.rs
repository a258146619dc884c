//! Times mentioned in prose: a clock time with the date and zone written around it,
//! spans (`from 2:30 PM to 3:15 PM (GMT+1)`), and what the words around a time say it
//! is (a start, a detection, an end).

use super::phrases;
use std::ops::Range;

use super::times::{
    Clock, ClockRules, DateMention, DateValue, DayOrder, Zone, find_clocks, find_dates, zone_after,
};

/// A clock time with what is written around it.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    /// From the date before it (if any) to the zone or date after it.
    pub(crate) range: Range<usize>,
    pub(crate) clock: Clock,
    pub(crate) date: Option<DateValue>,
    pub(crate) zone: Option<Zone>,
}

fn gap_ok(gap: &str, max: usize) -> bool {
    if gap.chars().count() > max {
        return false;
    }
    gap.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | '~' | '@'))
        .filter(|w| !w.is_empty())
        .all(|w| {
            let w = w.to_lowercase();
            phrases::GAP_WORDS.contains(&w.as_str()) || phrases::WEEKDAYS.contains(&w.as_str())
        })
}

/// Every time mentioned in `text`.
pub(crate) fn find(text: &str, order: DayOrder, rules: ClockRules) -> Vec<Mention> {
    let dates = find_dates(text, order);
    let clocks = find_clocks(text, rules);
    let mut out: Vec<Mention> = Vec::new();
    // `dates` are in order and never overlap, so each question below is about one date,
    // found by binary search rather than by reading them all for every clock.
    for (range, clock) in clocks {
        // A clock inside a date mention ("2024-03-09 at 12 22 01 PM" aside) is not one.
        let last_starting_before = dates
            .partition_point(|d| d.range.start <= range.start)
            .checked_sub(1)
            .and_then(|i| dates.get(i));
        if last_starting_before.is_some_and(|d| range.end <= d.range.end) {
            continue;
        }
        let mut start = range.start;
        let mut date = None;
        let prev_end = out.last().map_or(0, |m| m.range.end);
        let last_ending_before = dates
            .partition_point(|d| d.range.end <= range.start)
            .checked_sub(1)
            .and_then(|i| dates.get(i));
        if let Some(d) = last_ending_before.filter(|d| d.range.start >= prev_end) {
            let gap = text.get(d.range.end..range.start).unwrap_or("x");
            if gap_ok(gap, 28) {
                date = Some(d.value);
                start = d.range.start;
            }
        }
        let mut end = range.end;
        let zone = match zone_after(text, range.end) {
            Some((zone, zend)) => {
                end = zend;
                Some(zone)
            }
            None => None,
        };
        if date.is_none()
            && let Some(d) = date_after(text, end, &dates)
        {
            date = Some(d.value);
            end = d.range.end;
        }
        out.push(Mention {
            range: start..end,
            clock,
            date,
            zone,
        });
    }
    out
}

fn date_after<'a>(text: &str, at: usize, dates: &'a [DateMention]) -> Option<&'a DateMention> {
    let d = dates.get(dates.partition_point(|d| d.range.start < at))?;
    // What may stand between is a few words ("on the"): a longer gap is not read.
    if d.range.start - at > 64 {
        return None;
    }
    let gap = text.get(at..d.range.start)?.to_lowercase();
    let gap = gap.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ')'));
    let ok = gap.is_empty() || gap == "on" || gap == "on the" || gap == "of";
    ok.then_some(d)
}

/// Pairs of mentions written as a span: `2:30 PM to 3:15 PM`, `09:12 and 11:47` after
/// "between", `8:00-11:00 AM ET`. The two mentions share what only one of them states
/// (the meridiem, the zone, the date).
pub(crate) fn spans(text: &str, mentions: &mut [Mention]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < mentions.len() {
        let (Some(a), Some(b)) = (mentions.get(i), mentions.get(i + 1)) else {
            break;
        };
        let gap = text.get(a.range.end..b.range.start).unwrap_or("x");
        let gap = remove_parentheticals(gap);
        let g: String = gap
            .split_whitespace()
            .filter(|w| {
                let w = w.trim_matches(',').to_lowercase();
                !phrases::WEEKDAYS.contains(&w.as_str())
            })
            .collect::<Vec<_>>()
            .join(" ");
        let g = g.trim().trim_matches(',').trim().to_lowercase();
        // "between 14:00 and", "between approximately 2025-07-30 21:27 UTC and".
        let before = super::text::window_before(text, a.range.start, 128).to_lowercase();
        let mut before = before.trim_end();
        for hedge in [
            "approximately",
            "approx.",
            "about",
            "around",
            "roughly",
            "~",
        ] {
            before = before.strip_suffix(hedge).unwrap_or(before).trim_end();
        }
        let between = before.ends_with("between")
            || text
                .get(a.range.clone())
                .unwrap_or("")
                .to_lowercase()
                .contains("between");
        let connector = matches!(
            g.as_str(),
            "-" | "--"
                | "–"
                | "—"
                | "~"
                | "to"
                | "until"
                | "till"
                | "through"
                | "thru"
                | "and lasted until"
        ) || (g == "and" && between);
        if connector {
            share(mentions, i);
            out.push((i, i + 1));
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

fn share(mentions: &mut [Mention], i: usize) {
    let (left, right) = mentions.split_at_mut(i + 1);
    let (Some(a), Some(b)) = (left.last_mut(), right.first_mut()) else {
        return;
    };
    if a.clock.pm.is_none() && b.clock.pm.is_some() && a.clock.hour <= 12 && a.clock.hour > 0 {
        let h12 = |h: i8| i32::from(if h == 12 { 0 } else { h });
        let same = h12(a.clock.hour) * 60 + i32::from(a.clock.minute)
            <= h12(b.clock.hour) * 60 + i32::from(b.clock.minute);
        a.clock.pm = b.clock.pm.map(|pm| if same { pm } else { !pm });
    }
    if b.clock.pm.is_none() && a.clock.pm.is_some() && b.clock.hour <= 12 && b.clock.hour > 0 {
        // "from 2:30 PM to 3:15": same half of the day unless it would go backwards.
        let h12 = |h: i8| i32::from(if h == 12 { 0 } else { h });
        let later = h12(b.clock.hour) * 60 + i32::from(b.clock.minute)
            >= h12(a.clock.hour) * 60 + i32::from(a.clock.minute);
        b.clock.pm = a.clock.pm.map(|pm| if later { pm } else { !pm });
    }
    if a.zone.is_none() {
        a.zone = b.zone.clone();
    }
    if b.zone.is_none() {
        b.zone = a.zone.clone();
    }
    if a.date.is_none() {
        a.date = b.date;
    }
}

fn remove_parentheticals(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// What the words around a time say it marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Start,
    Detected,
    Acknowledged,
    Mitigated,
    End,
}

const BEFORE: &[(&str, Role)] = &[
    ("start", Role::Start),
    ("started", Role::Start),
    ("starting", Role::Start),
    ("starts", Role::Start),
    ("began", Role::Start),
    ("begun", Role::Start),
    ("begin", Role::Start),
    ("beginning", Role::Start),
    ("occurred", Role::Start),
    ("occurring", Role::Start),
    ("happened", Role::Start),
    ("since", Role::Start),
    ("from", Role::Start),
    ("onset", Role::Start),
    ("commenced", Role::Start),
    ("down", Role::Start),
    ("detected", Role::Detected),
    ("detection", Role::Detected),
    ("discovered", Role::Detected),
    ("noticed", Role::Detected),
    ("reported", Role::Detected),
    ("alerted", Role::Detected),
    ("alert", Role::Detected),
    ("alerts", Role::Detected),
    ("signaled", Role::Detected),
    ("signalled", Role::Detected),
    ("spotted", Role::Detected),
    ("flagged", Role::Detected),
    ("paged", Role::Detected),
    ("acknowledged", Role::Acknowledged),
    ("acknowledgement", Role::Acknowledged),
    ("acknowledgment", Role::Acknowledged),
    ("mitigated", Role::Mitigated),
    ("end", Role::End),
    ("ended", Role::End),
    ("ending", Role::End),
    ("ends", Role::End),
    ("until", Role::End),
    ("till", Role::End),
    ("resolved", Role::End),
    ("resolution", Role::End),
    ("restored", Role::End),
    ("recovered", Role::End),
    ("recovery", Role::End),
    ("fixed", Role::End),
    ("closed", Role::End),
    ("stabilized", Role::End),
    ("stabilised", Role::End),
    ("cleared", Role::End),
];

const AFTER: &[(&str, Role)] = &[
    ("detected", Role::Detected),
    ("discovered", Role::Detected),
    ("noticed", Role::Detected),
    ("reported", Role::Detected),
    ("alert", Role::Detected),
    ("alerted", Role::Detected),
    ("signaled", Role::Detected),
    ("signalled", Role::Detected),
    ("complained", Role::Detected),
    ("acknowledged", Role::Acknowledged),
    ("restored", Role::End),
    ("resolved", Role::End),
    ("recovered", Role::End),
    ("fixed", Role::End),
    ("cleared", Role::End),
    ("normal", Role::End),
    ("down", Role::Start),
    ("offline", Role::Start),
    ("outage", Role::Start),
    ("unavailable", Role::Start),
    ("unreachable", Role::Start),
    ("unresponsive", Role::Start),
    ("inaccessible", Role::Start),
    ("crashed", Role::Start),
    ("failed", Role::Start),
    ("failing", Role::Start),
    ("halt", Role::Start),
    ("halted", Role::Start),
    ("triggered", Role::Start),
    ("stopped", Role::Start),
    ("degraded", Role::Start),
    ("disrupted", Role::Start),
    ("experienced", Role::Start),
    ("experiencing", Role::Start),
    ("broke", Role::Start),
];

fn words_with_pos(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '\'' {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, text.get(s..i).unwrap_or("").to_lowercase()));
        }
    }
    if let Some(s) = start {
        out.push((s, text.get(s..).unwrap_or("").to_lowercase()));
    }
    out
}

/// The role of mention `i`, from the closest cue word before it in its clause, else the
/// first cue after it.
pub(crate) fn role(text: &str, mentions: &[Mention], i: usize) -> Option<Role> {
    let m = mentions.get(i)?;
    let prev_end = if i == 0 {
        0
    } else {
        mentions.get(i - 1).map_or(0, |p| p.range.end)
    };
    let from = sentence_start_before(text, m.range.start, prev_end);
    let before = text.get(from..m.range.start).unwrap_or("");
    let words = words_with_pos(before);
    let n = words.len();
    // "all nodes were in sync again by 22h15": back to normal by then.
    if let [.., (_, again), (_, by)] = words.as_slice()
        && again == "again"
        && (by == "by" || by == "at")
    {
        return Some(Role::End);
    }
    // Only the last ~12 words count; a cue after an article is an adjective ("a fixed
    // release was published at 21:40" is not the end).
    for (k, (_, w)) in words.iter().enumerate().rev().take(12) {
        let after_article = k
            .checked_sub(1)
            .and_then(|j| words.get(j))
            .is_some_and(|(_, p)| matches!(p.as_str(), "a" | "an" | "the"));
        if after_article {
            continue;
        }
        if let Some((_, role)) = BEFORE.iter().find(|(cue, _)| cue == w) {
            // "reported ... from" keeps the closest word; "end time" / "start time" fine.
            return Some(*role);
        }
    }
    let _ = n;
    let next_start = mentions.get(i + 1).map_or(text.len(), |n| n.range.start);
    let to = sentence_end_after(text, m.range.end, next_start);
    let after = text.get(m.range.end..to.max(m.range.end)).unwrap_or("");
    for (_, w) in words_with_pos(after).iter().take(14) {
        if let Some((_, role)) = AFTER.iter().find(|(cue, _)| cue == w) {
            return Some(*role);
        }
    }
    None
}

/// Where the sentence holding byte `at` starts, or `floor` if that is later. Read from `at`
/// back to `floor` only (the previous mention), so that each mention costs the words
/// between it and its neighbours, not its paragraph.
fn sentence_start_before(text: &str, at: usize, floor: usize) -> usize {
    let before = text.get(..at).unwrap_or("");
    let region = before.get(floor..).unwrap_or("");
    for (i, c) in region.char_indices().rev() {
        let i = floor + i;
        if matches!(c, '.' | '!' | '?' | ';') {
            let next = before.get(i + 1..).and_then(|r| r.chars().next());
            let prev = before.get(..i).and_then(|r| r.chars().next_back());
            // "p.m." and "a.m." do not end sentences.
            let abbrev = prev.is_some_and(|p| p.is_alphabetic())
                && before
                    .get(..i)
                    .unwrap_or("")
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphabetic())
                    .count()
                    <= 1;
            if next.is_some_and(char::is_whitespace) && !abbrev {
                return i + 1;
            }
        }
    }
    floor
}

/// Where the sentence holding byte `at` ends, or `ceiling` (the next mention) if that is
/// sooner; read up to `ceiling` only.
fn sentence_end_after(text: &str, at: usize, ceiling: usize) -> usize {
    let after = text.get(at..).unwrap_or("");
    let region = after.get(..ceiling.saturating_sub(at)).unwrap_or(after);
    for (i, c) in region.char_indices() {
        if matches!(c, '.' | '!' | '?' | ';') {
            let next = after.get(i + 1..).and_then(|r| r.chars().next());
            let short_word = after
                .get(..i)
                .unwrap_or("")
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .count()
                <= 1;
            if next.is_none_or(char::is_whitespace) && !short_word {
                return at + i;
            }
        }
    }
    ceiling.min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<(String, Option<Role>)> {
        let mut ms = find(text, DayOrder::Unknown, ClockRules::default());
        let sp = spans(text, &mut ms);
        (0..ms.len())
            .map(|i| {
                let r = sp
                    .iter()
                    .find_map(|&(a, b)| {
                        if a == i {
                            Some(Role::Start)
                        } else if b == i {
                            Some(Role::End)
                        } else {
                            None
                        }
                    })
                    .or_else(|| role(text, &ms, i));
                let t = ms[i].clock.time().unwrap();
                (format!("{:02}:{:02}", t.hour(), t.minute()), r)
            })
            .collect()
    }

    #[test]
    fn spans_share_meridiem_zone_and_date() {
        let text = "On 14th August 2024, from 2:30 PM to 3:15 PM (GMT+1), we had";
        let mut ms = find(text, DayOrder::Unknown, ClockRules::default());
        let sp = spans(text, &mut ms);
        assert_eq!(sp, [(0, 1)]);
        assert!(ms[0].date.is_some() && ms[0].zone.is_some());
        let text = "from ~8:00-11:00 AM ET.";
        let mut ms = find(text, DayOrder::Unknown, ClockRules::default());
        spans(text, &mut ms);
        assert_eq!(ms[0].clock.time().unwrap().hour(), 8);
        let text = "between 09:12 and 11:47 PDT";
        let mut ms = find(text, DayOrder::Unknown, ClockRules::default());
        assert_eq!(spans(text, &mut ms), [(0, 1)]);
    }

    #[test]
    fn roles_from_words() {
        assert_eq!(
            roles(
                "The outage started around 11:00 GMT. It was discovered and reported by 22:50 GMT and resolved at 23:01 GMT."
            ),
            [
                ("11:00".into(), Some(Role::Start)),
                ("22:50".into(), Some(Role::Detected)),
                ("23:01".into(), Some(Role::End))
            ]
        );
        assert_eq!(
            roles(
                "For a total of 16 minutes on April 13, 2022 at 12:00 p.m. EAT, 100 percent of the web server was offline. At 12:16 p.m. EAT, service was restored."
            ),
            [
                ("12:00".into(), Some(Role::Start)),
                ("12:16".into(), Some(Role::End))
            ]
        );
        assert_eq!(
            roles("Start Time : December 1, 2023, 2:30 PM (UTC)"),
            [("14:30".into(), Some(Role::Start))]
        );
        assert_eq!(
            roles(
                "The issue occurred on September 20th, 2023, at 10:00 AM UTC and lasted until 11:30 AM UTC"
            ),
            [
                ("10:00".into(), Some(Role::Start)),
                ("11:30".into(), Some(Role::End))
            ]
        );
    }
}
