//! Tests of the importer by the classes of mistakes of issue 18: for each class, short
//! documents written for these tests (tests/fixtures/import/classes/, named by class), the
//! values a careful reader would write asserted as instants, and the absence asserted
//! where a careful reader could not decide.

use jiff::Timestamp;

use super::tests::hints;
use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import/classes");

fn fixture(name: &str) -> String {
    let path = format!("{FIXTURES}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---------------------------------------------------------------------------------
// Importing and checking

/// One imported postmortem and the document it came from.
struct Check {
    doc: String,
    fm: serde_yaml::Value,
    imported: Imported,
}

/// Every postmortem a document imports as; panics if it is declined.
fn import_all(text: &str, file_name: Option<&str>) -> Vec<Check> {
    match import_document(text, file_name, &hints(), false) {
        Import::Postmortems(ps) => ps
            .into_iter()
            .map(|imported| Check {
                doc: text.to_string(),
                fm: serde_yaml::from_str(&imported.front_matter).unwrap_or_else(|e| {
                    panic!("front matter is not YAML ({e}):\n{}", imported.front_matter)
                }),
                imported,
            })
            .collect(),
        Import::NotAPostmortem { reason } => panic!("declined as not a postmortem: {reason}"),
    }
}

/// The one postmortem a fixture imports as.
fn import_named(name: &str, file_name: Option<&str>) -> Check {
    let mut all = import_all(&fixture(name), file_name);
    let count = all.len();
    let first = all.pop();
    match first {
        Some(c) if count == 1 => c,
        _ => panic!("{name}: {count} postmortems, expected one"),
    }
}

fn import(name: &str) -> Check {
    import_named(name, None)
}

/// The reason a fixture is declined; panics if it imports.
fn declined(name: &str) -> String {
    match import_document(&fixture(name), None, &hints(), false) {
        Import::NotAPostmortem { reason } => reason,
        Import::Postmortems(ps) => panic!(
            "{name} imported as {} postmortem(s):\n{}",
            ps.len(),
            ps.iter()
                .map(|p| p.front_matter.as_str())
                .collect::<Vec<_>>()
                .join("\n---\n")
        ),
    }
}

fn instant(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not RFC 3339 with an offset: {e}"))
}

/// The 1-based number of the first line of `doc` that contains `needle`.
fn line_of(doc: &str, needle: &str) -> usize {
    doc.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no line contains {needle:?}"))
}

impl Check {
    /// The front matter and the report, for assertion messages.
    fn shown(&self) -> String {
        let r = &self.imported.report;
        let left_out: Vec<String> = r
            .left_out
            .iter()
            .map(|l| format!("  {}: {}", l.field, l.reason))
            .collect();
        format!(
            "\n--- front matter\n{}--- left out\n{}\n--- notes\n  {}\n",
            self.imported.front_matter,
            left_out.join("\n"),
            r.notes.join("\n  ")
        )
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.fm.get(key).and_then(|v| v.as_str())
    }

    /// A timestamp field is this instant (the offset it is written with may differ).
    fn at(&self, key: &str, expected: &str) -> &Self {
        let got = self
            .str(key)
            .unwrap_or_else(|| panic!("{key} missing{}", self.shown()));
        assert_eq!(
            instant(got),
            instant(expected),
            "{key}: wrote {got}, expected {expected}{}",
            self.shown()
        );
        self
    }

    fn eq(&self, key: &str, expected: &str) -> &Self {
        assert_eq!(self.str(key), Some(expected), "{key}{}", self.shown());
        self
    }

    fn absent(&self, key: &str) -> &Self {
        assert!(
            self.fm.get(key).is_none(),
            "{key} should be left out{}",
            self.shown()
        );
        self
    }

    /// The report says why `field` was left out, in words that contain `words`.
    fn left_out_because(&self, field: &str, words: &str) -> &Self {
        let found =
            self.imported.report.left_out.iter().any(|l| {
                l.field == field && l.reason.to_lowercase().contains(&words.to_lowercase())
            });
        assert!(
            found,
            "the report should leave {field} out mentioning {words:?}{}",
            self.shown()
        );
        self
    }

    /// Something in the report (a field left out or a note) mentions `words`.
    fn reported(&self, words: &str) -> &Self {
        let r = &self.imported.report;
        let found = r
            .left_out
            .iter()
            .map(|l| &l.reason)
            .chain(&r.notes)
            .any(|m| m.contains(words));
        assert!(found, "the report should mention {words:?}{}", self.shown());
        self
    }

    /// The timeline's instants, in the order written.
    fn timeline(&self) -> Vec<Timestamp> {
        self.fm
            .get("timeline")
            .and_then(|t| t.as_sequence())
            .map(|seq| {
                seq.iter()
                    .filter_map(|e| e.get("at").and_then(|v| v.as_str()))
                    .map(instant)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn events(&self) -> Vec<String> {
        self.fm
            .get("timeline")
            .and_then(|t| t.as_sequence())
            .map(|seq| {
                seq.iter()
                    .filter_map(|e| e.get("event").and_then(|v| v.as_str()))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The timeline is exactly these days alone (`at: 2024-04-16`), in this order.
    fn timeline_days(&self, expected: &[&str]) -> &Self {
        let days: Vec<String> = self
            .fm
            .get("timeline")
            .and_then(|t| t.as_sequence())
            .map(|seq| {
                seq.iter()
                    .filter_map(|e| e.get("at").and_then(|v| v.as_str()))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(days, expected, "timeline days{}", self.shown());
        self
    }

    /// The timeline is exactly these instants, in this order.
    fn timeline_at(&self, expected: &[&str]) -> &Self {
        let expected: Vec<Timestamp> = expected.iter().map(|t| instant(t)).collect();
        assert_eq!(self.timeline(), expected, "timeline{}", self.shown());
        self
    }

    /// The action items as (task, status, owner).
    fn actions(&self) -> Vec<(String, String, Option<String>)> {
        let text =
            |a: &serde_yaml::Value, k: &str| a.get(k).and_then(|v| v.as_str()).map(str::to_string);
        self.fm
            .get("action_items")
            .and_then(|t| t.as_sequence())
            .map(|seq| {
                seq.iter()
                    .map(|a| {
                        (
                            text(a, "task").unwrap_or_default(),
                            text(a, "status").unwrap_or_default(),
                            text(a, "owner"),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn tasks(&self) -> Vec<String> {
        self.actions().into_iter().map(|(t, _, _)| t).collect()
    }

    /// The line number the YAML comment of the value of `key` cites.
    fn evidence_line(&self, key: &str) -> usize {
        let prefix = format!("{key}: ");
        self.imported
            .front_matter
            .lines()
            .find(|l| l.starts_with(&prefix))
            .and_then(cited_line)
            .unwrap_or_else(|| panic!("{key} has no `# line N:` comment{}", self.shown()))
    }

    /// The line numbers the comments of the timeline's entries cite, in order.
    fn timeline_lines(&self) -> Vec<Option<usize>> {
        self.imported
            .front_matter
            .lines()
            .filter(|l| l.trim_start().starts_with("- at: "))
            .map(cited_line)
            .collect()
    }

    /// The line numbers the comments of the action items cite, in order.
    fn task_lines(&self) -> Vec<Option<usize>> {
        self.imported
            .front_matter
            .lines()
            .filter(|l| l.trim_start().starts_with("- task: "))
            .map(cited_line)
            .collect()
    }
}

/// `N` of a YAML line ending `  # line N: "..."`.
fn cited_line(yaml_line: &str) -> Option<usize> {
    let (_, comment) = yaml_line.rsplit_once("  # line ")?;
    comment.split(':').next()?.parse().ok()
}

// ---------------------------------------------------------------------------------
// 1. The wrong date: a report's own date, a file-name or title date the text
//    contradicts, a review meeting's or a follow-up's date.

/// The "posted" and "last updated" lines come first; the incident's day is in the summary.
#[test]
fn posted_and_last_updated_dates_are_not_the_incident_date() {
    import("1-posted-and-updated.md")
        .eq("date", "2024-03-12")
        .at("started", "2024-03-12T14:05:00Z")
        .at("resolved", "2024-03-12T15:20:00Z")
        .timeline_at(&[
            "2024-03-12T14:05:00Z",
            "2024-03-12T14:18:00Z",
            "2024-03-12T14:40:00Z",
            "2024-03-12T15:20:00Z",
        ]);
}

/// The file is named for the day it was written (2 May); the text says 30 April.
#[test]
fn a_file_name_date_the_text_contradicts_is_not_used_and_is_reported() {
    import_named("1-file-name-date.md", Some("2024-05-02-export-outage.md"))
        .eq("date", "2024-04-30")
        .at("started", "2024-04-30T09:10:00Z")
        .at("resolved", "2024-04-30T09:55:00Z")
        .reported("2024-05-02");
}

/// The title carries the report's date (the 14th); the summary states the 13th.
#[test]
fn a_title_date_the_text_contradicts_is_not_the_incident_date() {
    import("1-title-date.md")
        .eq("date", "2023-11-13")
        .at("started", "2023-11-13T16:20:00Z")
        .at("resolved", "2023-11-13T17:05:00Z");
}

/// The review meeting (20 June, 15:00) heads the document; the incident was the 17th, and a
/// replay after the fix is not the end.
#[test]
fn a_review_meeting_date_is_not_the_incident_date() {
    let c = import("1-review-meeting.md");
    c.eq("date", "2024-06-17")
        .at("started", "2024-06-17T09:00:00Z")
        .at("resolved", "2024-06-17T10:30:00Z");
    let meeting = instant("2024-06-20T15:00:00Z");
    assert!(
        !c.timeline().contains(&meeting),
        "the meeting is not an event of the incident{}",
        c.shown()
    );
}

/// A follow-up entry a week later (9 February) closes the timeline; the incident was on the
/// 2nd and ended with the rollback, 46 minutes after the errors began, as stated.
#[test]
fn a_follow_up_a_week_later_is_neither_the_date_nor_the_end() {
    import("1-follow-up-a-week-later.md")
        .eq("date", "2024-02-02")
        .at("started", "2024-02-02T08:16:00Z")
        .at("detected", "2024-02-02T08:20:00Z")
        .at("resolved", "2024-02-02T09:02:00Z");
}

// ---------------------------------------------------------------------------------
// 2. Evidence mixed across statements: a date and a time from statements about
//    different things, several incidents read as one.

/// The day of the incident, and the time the job is scheduled at on any night: the
/// incident's start and end are not stated, nor is its duration ("normally takes about 40
/// minutes" is the job's).
#[test]
fn a_scheduled_time_is_not_joined_to_the_incident_date() {
    import("2-schedule-time.md")
        .eq("date", "2024-10-03")
        .absent("started")
        .absent("resolved")
        .absent("duration");
}

/// The only date is when caching was introduced: the timeline's times have no date.
#[test]
fn a_background_date_is_not_the_timeline_date() {
    import("2-background-date.md")
        .absent("date")
        .absent("started")
        .absent("resolved")
        .absent("timeline");
}

/// The rotation's date is explicitly three weeks before the incident, whose times have no
/// date of their own.
#[test]
fn a_date_said_to_be_before_the_incident_is_not_joined_to_its_times() {
    import("2-rotation-weeks-before.md")
        .absent("date")
        .absent("started")
        .absent("resolved");
}

/// "delayed by up to 40 minutes" is how late each delivery was, not how long the incident
/// lasted (16:20 to 17:05): the end stands.
#[test]
fn a_delay_is_not_the_incident_duration() {
    import("2-delay-is-not-duration.md")
        .eq("date", "2023-11-13")
        .at("started", "2023-11-13T16:20:00Z")
        .at("resolved", "2023-11-13T17:05:00Z")
        .absent("duration");
}

/// Two incidents told in one paragraph, with no section each: one postmortem with no
/// times, since writing one incident's would hide the other.
#[test]
fn two_incidents_in_one_summary_import_as_one_without_times() {
    import("2-two-incidents-in-one-summary.md")
        .absent("started")
        .absent("resolved")
        .absent("duration")
        .absent("timeline")
        .reported("incidents");
}

// ---------------------------------------------------------------------------------
// 3. Zones: an explicit offset wins over a zone name; a name that contradicts the season
//    with no offset to settle it leaves the times out; a range is not an offset; no zone,
//    no time.

/// `PST (UTC-7)` in August: the offset is what the author meant.
#[test]
fn an_explicit_offset_wins_over_a_zone_name_in_the_timeline_header() {
    import("3-pst-with-summer-offset.md")
        .eq("date", "2024-08-06")
        .at("started", "2024-08-06T11:10:00-07:00")
        .at("resolved", "2024-08-06T12:05:00-07:00")
        .timeline_at(&[
            "2024-08-06T18:10:00Z",
            "2024-08-06T18:25:00Z",
            "2024-08-06T19:05:00Z",
        ]);
}

/// `CET` in June, no offset: +01:00 or the summer's +02:00 cannot be told, so no instant
/// is written; the timeline keeps its days, the times in its words.
#[test]
fn cet_in_june_without_an_offset_leaves_the_times_out() {
    let c = import("3-cet-in-june.md");
    c.eq("date", "2024-06-12")
        .absent("started")
        .absent("resolved")
        .reported("CET");
    let n = c.events().len();
    assert!(n >= 2, "{}", c.shown());
    c.timeline_days(&vec!["2024-06-12"; n]);
}

/// `CEST (UTC+2)` in July: name, offset and season agree.
#[test]
fn a_zone_name_with_its_offset_places_the_times() {
    import("3-cest-with-offset.md")
        .at("started", "2024-07-09T06:15:00Z")
        .at("resolved", "2024-07-09T07:05:00Z")
        .timeline_at(&[
            "2024-07-09T08:15:00+02:00",
            "2024-07-09T08:30:00+02:00",
            "2024-07-09T09:05:00+02:00",
        ]);
}

/// `02:00-04:30 UTC`: a start and an end in UTC, not 02:00 at UTC−04:30.
#[test]
fn a_time_range_is_not_an_offset() {
    import("3-range-not-an-offset.md")
        .eq("date", "2024-01-14")
        .at("started", "2024-01-14T02:00:00Z")
        .at("resolved", "2024-01-14T04:30:00Z");
}

/// The same range with no zone anywhere: no start or end, and not −04:30 either.
#[test]
fn a_time_range_without_a_zone_is_not_placed() {
    import("3-range-without-zone.md")
        .eq("date", "2024-01-14")
        .absent("started")
        .absent("resolved");
}

/// A 24-hour timeline with a date and no zone anywhere.
#[test]
fn a_timeline_without_any_zone_keeps_its_days_and_no_instant() {
    let c = import("3-no-zone-anywhere.md");
    c.eq("date", "2024-04-16")
        .absent("started")
        .absent("resolved")
        .reported("a time in no zone the document states")
        .timeline_days(&["2024-04-16"; 3]);
    assert_eq!(
        c.events(),
        [
            "08:40 Export latency rises above one minute",
            "09:10 Export worker count doubled",
            "09:35 Exports back to normal; resolved"
        ]
    );
}

/// A timeline whose every entry is dated months before the incident's date (a date copied
/// from an older report): which is wrong is not clear, so the timeline is left out and the
/// date the title and summary agree on is kept.
#[test]
fn a_timeline_dated_before_the_incident_is_left_out() {
    import("1-timeline-from-an-older-report.md")
        .eq("date", "2024-10-02")
        .absent("started")
        .absent("resolved")
        .absent("timeline")
        .left_out_because("timeline", "before the incident's date 2024-10-02");
}

/// Every entry in UTC and in PDT: one entry each, at the same instant both give.
#[test]
fn an_entry_given_in_two_zones_is_one_entry() {
    import("3-two-zones-per-entry.md")
        .eq("date", "2025-08-18")
        .at("started", "2025-08-18T21:05:00Z")
        .at("resolved", "2025-08-18T22:10:00Z")
        .timeline_at(&[
            "2025-08-18T21:05:00Z",
            "2025-08-18T21:20:00Z",
            "2025-08-18T22:10:00Z",
        ]);
}

// ---------------------------------------------------------------------------------
// 4. Start and end: not the first two times of the timeline, not cut to the first day,
//    not a follow-up after the resolution.

/// The second entry is the acknowledgement, not the end.
#[test]
fn the_first_two_times_are_not_the_impact_window() {
    import("4-first-two-times.md")
        .eq("date", "2024-05-21")
        .at("started", "2024-05-21T13:02:00Z")
        .at("acknowledged", "2024-05-21T13:05:00Z")
        .at("resolved", "2024-05-21T14:10:00Z");
}

/// Three days under bold day lines: the end is on the third.
#[test]
fn an_incident_over_three_days_ends_on_the_third() {
    import("4-days-under-bold-headings.md")
        .eq("date", "2024-12-06")
        .at("started", "2024-12-06T22:30:00Z")
        .at("resolved", "2024-12-08T01:15:00Z")
        .timeline_at(&[
            "2024-12-06T22:30:00Z",
            "2024-12-06T23:10:00Z",
            "2024-12-07T07:45:00Z",
            "2024-12-07T10:20:00Z",
            "2024-12-08T01:15:00Z",
        ]);
}

/// A follow-up section after the resolution does not move the end.
#[test]
fn follow_ups_after_the_resolution_are_not_the_end() {
    import("4-follow-up-after-resolution.md")
        .eq("date", "2024-09-10")
        .at("started", "2024-09-10T16:02:00Z")
        .at("resolved", "2024-09-10T16:48:00Z");
}

/// The summary states a start before the timeline's first entry, which is the detection.
#[test]
fn a_stated_start_before_the_timeline_is_kept() {
    import("4-start-before-the-timeline.md")
        .eq("date", "2024-08-27")
        .at("started", "2024-08-27T10:02:00Z")
        .at("detected", "2024-08-27T10:15:00Z")
        .at("resolved", "2024-08-27T10:50:00Z");
}

// ---------------------------------------------------------------------------------
// 5. Timeline shapes.

/// `### 09:52` headings, the date on the first only.
#[test]
fn a_heading_per_time_with_the_date_on_the_first() {
    import("5-heading-per-time.md")
        .eq("date", "2024-03-05")
        .at("started", "2024-03-05T09:52:00Z")
        .at("resolved", "2024-03-05T10:31:00Z")
        .timeline_at(&[
            "2024-03-05T09:52:00Z",
            "2024-03-05T10:04:00Z",
            "2024-03-05T10:19:00Z",
            "2024-03-05T10:31:00Z",
        ]);
}

/// Time headings at the wrong level (`## 09:05` after `### 08:50`) go on with the
/// timeline; a log under a time heading is part of its entry, and a heading with only a log
/// beneath has the log's first line as its event.
#[test]
fn heading_levels_and_logs_under_time_headings() {
    let c = import("5-heading-levels-and-logs.md");
    c.eq("date", "2024-06-12")
        .at("started", "2024-06-12T08:15:00Z")
        .at("resolved", "2024-06-12T09:20:00Z")
        .timeline_at(&[
            "2024-06-12T08:15:00Z",
            "2024-06-12T08:32:00Z",
            "2024-06-12T08:50:00Z",
            "2024-06-12T09:05:00Z",
            "2024-06-12T09:20:00Z",
        ]);
    assert_eq!(
        c.events().get(2).map(String::as_str),
        Some("`$ cache-admin list --prefix main- | wc -l`"),
        "{}",
        c.shown()
    );
}

/// A command with `|` in backticks is a sentence, not a table row; `14:02` after
/// `14:02:10` is the same minute, not out of order.
#[test]
fn commands_with_pipes_and_times_in_the_same_minute() {
    import("5-commands-and-seconds.md").timeline_at(&[
        "2024-09-03T14:02:10Z",
        "2024-09-03T14:02:00Z",
        "2024-09-03T14:09:00Z",
        "2024-09-03T14:20:00Z",
    ]);
}

/// `- **13:58** — ...`
#[test]
fn bold_time_bullets() {
    import("5-bold-time-bullets.md")
        .eq("date", "2023-09-14")
        .at("started", "2023-09-14T13:58:00Z")
        .at("resolved", "2023-09-14T14:41:00Z")
        .timeline_at(&[
            "2023-09-14T13:58:00Z",
            "2023-09-14T14:06:00Z",
            "2023-09-14T14:20:00Z",
            "2023-09-14T14:41:00Z",
        ]);
}

/// A table with a Date column and a Time column, over two days.
#[test]
fn a_table_with_date_and_time_columns() {
    import("5-date-and-time-columns.md")
        .eq("date", "2024-11-29")
        .at("started", "2024-11-29T21:40:00Z")
        .at("resolved", "2024-11-30T09:30:00Z")
        .timeline_at(&[
            "2024-11-29T21:40:00Z",
            "2024-11-29T23:55:00Z",
            "2024-11-30T08:10:00Z",
            "2024-11-30T09:05:00Z",
            "2024-11-30T09:30:00Z",
        ]);
}

/// A table with an Actor column between the time and the event.
#[test]
fn a_table_with_an_actor_column() {
    let c = import("5-actor-column.md");
    c.eq("date", "2024-01-23")
        .at("acknowledged", "2024-01-23T15:10:00Z")
        .at("resolved", "2024-01-23T15:31:00Z")
        .timeline_at(&[
            "2024-01-23T15:02:00Z",
            "2024-01-23T15:07:00Z",
            "2024-01-23T15:10:00Z",
            "2024-01-23T15:31:00Z",
        ]);
    let events = c.events();
    assert!(
        events
            .get(1)
            .is_some_and(|e| e.contains("Checkout error rate alert fires")),
        "the event is the Event column's text{}",
        c.shown()
    );
    assert!(
        events.get(3).is_some_and(|e| e.contains("Rolls back")),
        "the event is the Event column's text{}",
        c.shown()
    );
}

/// ISO 8601 stamps with `Z` and seconds: the seconds are kept.
#[test]
fn iso_stamps_with_z_and_seconds() {
    import("5-iso-z-with-seconds.md")
        .eq("date", "2024-07-01")
        .at("started", "2024-07-01T03:12:45Z")
        .at("resolved", "2024-07-01T04:02:30Z")
        .timeline_at(&[
            "2024-07-01T03:12:45Z",
            "2024-07-01T03:20:10Z",
            "2024-07-01T03:48:00Z",
            "2024-07-01T04:02:30Z",
        ]);
}

/// `~14:05`, `ca. 14:20`, `approx. 14:40`: approximate, but the times stated.
#[test]
fn approximate_times() {
    import("5-approximate-times.md")
        .eq("date", "2024-05-08")
        .at("started", "2024-05-08T14:05:00Z")
        .at("resolved", "2024-05-08T14:40:00Z")
        .timeline_at(&[
            "2024-05-08T14:05:00Z",
            "2024-05-08T14:20:00Z",
            "2024-05-08T14:32:00Z",
            "2024-05-08T14:40:00Z",
        ]);
}

/// `12:43 - 12:49` as an entry: at its first time, in UTC.
#[test]
fn a_range_entry_is_at_its_first_time() {
    import("5-range-entry.md")
        .eq("date", "2024-02-19")
        .at("started", "2024-02-19T12:31:00Z")
        .at("resolved", "2024-02-19T13:02:00Z")
        .timeline_at(&[
            "2024-02-19T12:31:00Z",
            "2024-02-19T12:38:00Z",
            "2024-02-19T12:43:00Z",
            "2024-02-19T13:02:00Z",
        ]);
}

/// `0730 - 1015 (UTC)` in the header and `0730` in the timeline table.
#[test]
fn four_digit_times() {
    import("5-four-digit-times.md")
        .eq("date", "2024-04-11")
        .at("started", "2024-04-11T07:30:00Z")
        .at("resolved", "2024-04-11T10:15:00Z")
        .timeline_at(&[
            "2024-04-11T07:30:00Z",
            "2024-04-11T07:45:00Z",
            "2024-04-11T09:10:00Z",
            "2024-04-11T10:15:00Z",
        ]);
}

/// `18h05 UTC` in prose.
#[test]
fn hour_h_minute_times() {
    import("5-h-notation.md")
        .eq("date", "2023-06-17")
        .at("started", "2023-06-17T18:05:00Z")
        .at("resolved", "2023-06-17T22:15:00Z");
}

/// `### 10:45a`, `### 12:29p` headings, in PST with its offset; the suffix is the
/// time's, not the event's.
#[test]
fn a_and_p_suffixed_times() {
    let c = import("5-am-pm-suffix.md");
    c.eq("date", "2019-01-15")
        .at("started", "2019-01-15T10:45:00-08:00")
        .at("resolved", "2019-01-15T12:29:00-08:00")
        .timeline_at(&[
            "2019-01-15T18:45:00Z",
            "2019-01-15T19:20:00Z",
            "2019-01-15T20:29:00Z",
        ]);
    let events = c.events();
    assert!(
        events
            .first()
            .is_some_and(|e| e.starts_with("Users report"))
            && events.get(1).is_some_and(|e| e.starts_with("Two nodes"))
            && events
                .get(2)
                .is_some_and(|e| e.starts_with("Nodes drained")),
        "events without the a/p suffix{}",
        c.shown()
    );
}

// ---------------------------------------------------------------------------------
// 6. Action items: only the follow-ups, all of them.

/// Summary bullets, numbered timeline and analysis steps, "what went well" and lessons
/// learned are not action items; the three under "Action items" are.
#[test]
fn only_the_action_items_section_counts() {
    let c = import("6-not-action-items.md");
    assert_eq!(
        c.tasks(),
        [
            "Move the registry token to the secret manager with rotation",
            "Alert 14 days before any pipeline credential expires",
            "Document the token renewal in the runbook",
        ],
        "{}",
        c.shown()
    );
}

/// A table with `#`, Owner and Status columns under "Corrective actions".
#[test]
fn an_action_table_with_owner_and_status() {
    let c = import("6-owner-status-table.md");
    let expected = [
        ("Make the newsletter job idempotent", "in-progress", "Kofi"),
        ("Add an alert on duplicate sends", "done", "Mei"),
        ("Lock the scheduler during deploys", "open", "Kofi"),
    ]
    .map(|(t, s, o)| (t.to_string(), s.to_string(), Some(o.to_string())));
    assert_eq!(c.actions(), expected, "{}", c.shown());
}

/// A GitHub checklist under "Follow-ups": ticked is done.
#[test]
fn a_checklist_of_follow_ups() {
    let c = import("6-checklist.md");
    let got: Vec<(String, String)> = c.actions().into_iter().map(|(t, s, _)| (t, s)).collect();
    let expected = [
        ("Restore the deleted DNS record", "done"),
        ("Protect production zones from deletion by scripts", "open"),
        ("Add DNS changes to the change calendar", "open"),
    ]
    .map(|(t, s)| (t.to_string(), s.to_string()));
    assert_eq!(got, expected, "{}", c.shown());
}

/// `Action point:` sentences in a discussion.
#[test]
fn action_point_sentences() {
    let c = import("6-action-point-sentences.md");
    let tasks = c.tasks();
    assert_eq!(tasks.len(), 2, "{}", c.shown());
    assert!(
        tasks[0].contains("add a disk usage forecast to the quarterly capacity review"),
        "{}",
        c.shown()
    );
    assert!(
        tasks[1].contains("route storage alerts to the on-call rotation"),
        "{}",
        c.shown()
    );
}

/// Items under sub-headings of "Action items"; the sub-headings are not items.
#[test]
fn action_items_under_sub_headings() {
    let c = import("6-items-under-subheadings.md");
    assert_eq!(
        c.tasks(),
        [
            "Alert when the oldest unpaid order is more than 5 minutes old",
            "Add a dashboard of webhook failures by provider",
            "Review firewall changes with the payments team",
        ],
        "{}",
        c.shown()
    );
}

// ---------------------------------------------------------------------------------
// 7. Not postmortems: declined, with the reason.

fn assert_declined(name: &str) {
    let reason = declined(name);
    assert!(!reason.trim().is_empty(), "{name}: declined with no reason");
}

/// A guide with an example timeline line and a severity.
#[test]
fn a_guide_to_writing_postmortems_is_declined() {
    assert_declined("7-guide.md");
}

/// Placeholders everywhere: `{{incident title}}`, `YYYY-MM-DD`, `HH:MM`, `[names]`.
#[test]
fn a_template_is_declined() {
    assert_declined("7-template.md");
}

/// A repository's README listing its reports by date.
#[test]
fn a_repository_readme_is_declined() {
    assert_declined("7-repository-readme.md");
}

/// Severity levels, response times and roles.
#[test]
fn an_incident_process_policy_is_declined() {
    assert_declined("7-process-policy.md");
}

/// A quarter's status history: five incidents, each a paragraph.
#[test]
fn a_page_summarising_many_incidents_is_declined() {
    assert_declined("7-many-incidents.md");
}

/// `--force` imports what would be declined, and says why it would have been.
#[test]
fn force_imports_a_declined_document_and_says_why() {
    match import_document(&fixture("7-process-policy.md"), None, &hints(), true) {
        Import::Postmortems(ps) => assert!(
            ps.iter()
                .all(|p| p.report.notes.iter().any(|n| n.contains("--force"))),
            "the report says it was forced"
        ),
        Import::NotAPostmortem { reason } => panic!("--force declined it: {reason}"),
    }
}

// ---------------------------------------------------------------------------------
// Several incidents, a duration without times, and the evidence of every value.

/// "Incident 1" and "Incident 2", each with its own date and timeline.
#[test]
fn two_incidents_each_in_its_section_import_as_two() {
    let all = import_all(&fixture("8-two-incidents-in-sections.md"), None);
    assert_eq!(all.len(), 2, "two postmortems");
    all[0]
        .eq("date", "2024-04-08")
        .at("started", "2024-04-08T10:00:00Z")
        .at("resolved", "2024-04-08T10:40:00Z")
        .timeline_at(&[
            "2024-04-08T10:00:00Z",
            "2024-04-08T10:12:00Z",
            "2024-04-08T10:40:00Z",
        ]);
    all[1]
        .eq("date", "2024-04-11")
        .at("started", "2024-04-11T16:15:00Z")
        .at("resolved", "2024-04-11T16:30:00Z")
        .timeline_at(&[
            "2024-04-11T16:15:00Z",
            "2024-04-11T16:22:00Z",
            "2024-04-11T16:30:00Z",
        ]);
    assert_ne!(all[0].str("title"), all[1].str("title"), "a title each");
}

/// Under one heading's range of days (`May 6-7, 2024`) each incident has the range's first
/// day, and a later day within the range is no second candidate; an appendix after the
/// incidents, shared by both, lends neither of them its times.
#[test]
fn incidents_under_a_range_of_days_with_a_shared_appendix() {
    let all = import_all(&fixture("8-incidents-with-a-shared-appendix.md"), None);
    assert_eq!(all.len(), 2, "two postmortems");
    all[0].eq("date", "2024-05-06").timeline_at(&[
        "2024-05-06T09:10:00Z",
        "2024-05-06T09:25:00Z",
        "2024-05-06T09:40:00Z",
    ]);
    all[1].eq("date", "2024-05-06").timeline_at(&[
        "2024-05-06T22:50:00Z",
        "2024-05-06T23:05:00Z",
        "2024-05-06T23:30:00Z",
    ]);
}

/// Under "Future work", a sub-heading with only prose beneath is one item (the heading says
/// what will change; its wrapped paragraph is not a list of its own), a sub-heading that says
/// "None." is no item, and a "Resolving actions" list counts.
#[test]
fn sub_headings_of_future_work_are_items() {
    let c = import("6-future-work-headings.md");
    let tasks: Vec<String> = c.actions().into_iter().map(|(task, _, _)| task).collect();
    assert_eq!(
        tasks,
        [
            "restarted the rebuild with a smaller batch size",
            "purged the half-written index segments",
            "Bound the rebuild's memory",
            "Alert on a stale index",
        ],
        "{}",
        c.shown()
    );
}

/// "for 2 hours and 30 minutes", no start or end: `duration: 2h 30m`, cited.
#[test]
fn a_stated_duration_without_start_or_end_is_written() {
    let c = import("8-duration-only.md");
    c.eq("date", "2024-08-20")
        .eq("duration", "2h 30m")
        .absent("started")
        .absent("resolved");
    assert_eq!(
        c.evidence_line("duration"),
        line_of(&c.doc, "2 hours and 30 minutes")
    );
}

/// "about two and a half hours", in words.
#[test]
fn a_duration_in_words_is_written() {
    import("8-duration-in-words.md")
        .eq("date", "2024-08-20")
        .eq("duration", "2h 30m")
        .absent("started")
        .absent("resolved");
}

/// Each value cites the line it was read from: the date and window the summary's line,
/// each timeline entry and action item its own.
#[test]
fn each_value_cites_its_own_line() {
    let c = import("1-posted-and-updated.md");
    let summary = line_of(&c.doc, "On Tuesday 12 March 2024");
    assert_eq!(c.evidence_line("date"), summary, "{}", c.shown());
    assert_eq!(c.evidence_line("started"), summary, "{}", c.shown());
    assert_eq!(c.evidence_line("resolved"), summary, "{}", c.shown());
    let entries: Vec<Option<usize>> = ["- 14:05", "- 14:18", "- 14:40", "- 15:20"]
        .iter()
        .map(|n| Some(line_of(&c.doc, n)))
        .collect();
    assert_eq!(c.timeline_lines(), entries, "{}", c.shown());
    let tasks: Vec<Option<usize>> = ["- Alert 30 days", "- Fetch the identity"]
        .iter()
        .map(|n| Some(line_of(&c.doc, n)))
        .collect();
    assert_eq!(c.task_lines(), tasks, "{}", c.shown());

    let c = import("5-date-and-time-columns.md");
    assert_eq!(
        c.evidence_line("started"),
        line_of(&c.doc, "| 21:40 |"),
        "{}",
        c.shown()
    );
    assert_eq!(
        c.evidence_line("resolved"),
        line_of(&c.doc, "| 09:30 |"),
        "{}",
        c.shown()
    );
}

/// Front-matter keys whose values are read from the document, so carry its evidence.
const READ_KEYS: &[&str] = &[
    "date:",
    "started:",
    "detected:",
    "acknowledged:",
    "mitigated:",
    "resolved:",
    "duration:",
    "severity:",
    "users_affected_pct:",
    "- at:",
    "- task:",
];

/// Letters and digits only, lower-cased: a quote and its line compare through the
/// cleaning of Markdown (`**`, backticks, `"` quoted as `'`).
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What is wrong with one front-matter line's evidence, if anything. The quote must begin
/// on line N; it may run on into the next lines of the same hard-wrapped paragraph.
fn evidence_problem(doc: &[&str], yaml_line: &str) -> Option<String> {
    let key = yaml_line.trim_start();
    if !READ_KEYS.iter().any(|k| key.starts_with(k)) {
        return None;
    }
    let Some((_, comment)) = yaml_line.rsplit_once("  # line ") else {
        return Some(format!("no `# line N:` comment: {yaml_line}"));
    };
    let Some((n, quoted)) = comment.split_once(": ") else {
        return Some(format!("comment not `line N: \"...\"`: {yaml_line}"));
    };
    let Ok(n) = n.parse::<usize>() else {
        return Some(format!("comment's line is not a number: {yaml_line}"));
    };
    let quote = letters(quoted.trim().trim_matches('"').trim_end_matches('…'));
    let Some(line) = n.checked_sub(1).and_then(|i| doc.get(i)) else {
        return Some(format!("line {n} is past the document's end: {yaml_line}"));
    };
    let paragraph: String = doc
        .iter()
        .skip(n - 1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| letters(l))
        .collect();
    let begins_on_line = paragraph
        .match_indices(&quote)
        .any(|(at, _)| at < letters(line).len().max(1));
    if begins_on_line {
        None
    } else {
        Some(format!(
            "line {n} is {line:?}, where the quote does not begin: {yaml_line}"
        ))
    }
}

/// Over every document of these tests that imports: each value read from the document
/// has a `# line N: "..."` comment, and line N holds the quote.
#[test]
fn every_written_value_has_its_evidence_on_the_right_line() {
    let mut names: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap_or_else(|e| panic!("{FIXTURES}: {e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && !n.starts_with("7-"))
        .collect();
    names.sort();
    let mut problems = Vec::new();
    for name in &names {
        let text = fixture(name);
        let doc: Vec<&str> = text.lines().collect();
        let Import::Postmortems(ps) = import_document(&text, None, &hints(), false) else {
            problems.push(format!("{name}: declined"));
            continue;
        };
        for p in ps {
            for yaml_line in p.front_matter.lines() {
                if let Some(problem) = evidence_problem(&doc, yaml_line) {
                    problems.push(format!("{name}: {problem}"));
                }
            }
        }
    }
    assert!(names.len() > 30, "the fixtures were found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
