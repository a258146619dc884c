//! Timeline entries given a day alone (`at: 2022-09-05`), for incidents that last days:
//! shown as dates in the order written, `HH:MM` after them on their day, exported as the
//! date, compared by day in `check`, and an impossible day an error with its line.

use scraper::Html;

use crate::fixture::{CONFIG, Run, SiteFixture, first, select, select_in, text};

/// A week-long incident at +02:00 whose report gives days for some events. Resolved at
/// 01:00 on the 12th, which is still the 11th in UTC, the site's zone: its day is the
/// 12th where the timeline is written. Line numbers are the file's.
const WEEK: &str = r#"---
title: Replication lag for a week
started: 2022-09-05T14:00:00+02:00
resolved: 2022-09-12T01:00:00+02:00
severity: SEV3
root_cause: capacity
timeline:
  - { at: 2022-09-05, kind: detection, event: Lag alerts began }
  - { at: "23:00", event: Paged the DBA }
  - { at: 2022-09-07, kind: investigation, event: Found the hot table }
  - { at: "09:00", kind: mitigation, event: Throttled the batch }
  - { at: "2022-09-09T16:00:00+02:00", event: Raised the replica's IOPS }
  - { at: 2022-09-09, event: Watched the lag fall all day }
  - { at: 2022-09-12, kind: resolution, event: Lag back to normal }
---

## Summary

Replicas fell behind for a week.
"#;

fn week_site() -> SiteFixture {
    let site = SiteFixture::new();
    site.config(&CONFIG.replacen("description =", "timezone = \"UTC\"\ndescription =", 1))
        .file("content/2022/week.md", WEEK);
    site
}

/// One event of a postmortem page's timeline, as shown.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    offset: String,
    datetime: String,
    when: String,
    day: bool,
    text: String,
}

fn shown(page: &Html) -> Vec<Shown> {
    select(page, "main ol.incident-timeline > li")
        .into_iter()
        .map(|li| {
            let time = select_in(li, ".tl-when time[datetime]")[0];
            Shown {
                offset: text(select_in(li, ".tl-offset")[0]),
                datetime: time.value().attr("datetime").unwrap().to_string(),
                when: text(time),
                day: li.value().classes().any(|c| c == "tl-day"),
                text: text(select_in(li, ".tl-text")[0]),
            }
        })
        .collect()
}

fn day(offset: &str, date: &str, when: &str, text: &str) -> Shown {
    Shown {
        offset: offset.to_string(),
        datetime: date.to_string(),
        when: when.to_string(),
        day: true,
        text: text.to_string(),
    }
}

fn clock(offset: &str, datetime: &str, when: &str, text: &str) -> Shown {
    Shown {
        offset: offset.to_string(),
        datetime: datetime.to_string(),
        when: when.to_string(),
        day: false,
        text: text.to_string(),
    }
}

/// The `warning:` lines of `check`.
fn warnings(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect()
}

#[test]
fn days_alone_show_their_date_in_the_order_written() {
    let site = week_site();
    site.build(&[]);
    let page = site.html("postmortems/week/index.html");
    assert_eq!(
        shown(&page),
        [
            day("Day 1", "2022-09-05", "5 Sep 2022", "Lag alerts began"),
            clock(
                "T+9h",
                "2022-09-05T21:00:00+00:00",
                "21:00",
                "Paged the DBA"
            ),
            day("Day 3", "2022-09-07", "7 Sep 2022", "Found the hot table"),
            // On the day above (the 7th), though earlier than 23:00 on the 5th.
            clock(
                "T+1d 19h",
                "2022-09-07T07:00:00+00:00",
                "07:00",
                "Throttled the batch"
            ),
            clock(
                "T+4d 2h",
                "2022-09-09T14:00:00+00:00",
                "14:00",
                "Raised the replica's IOPS"
            ),
            day(
                "Day 5",
                "2022-09-09",
                "9 Sep 2022",
                "Watched the lag fall all day"
            ),
            // The 12th as written, though the site's zone (UTC) is still on the 11th.
            day("Day 8", "2022-09-12", "12 Sep 2022", "Lag back to normal"),
        ]
    );
    let note = text(first(
        &page,
        "main section[aria-labelledby='timeline-title'] .section-note",
    ));
    assert!(note.contains("(Day 1)"), "{note}");

    let json: serde_json::Value = serde_json::from_str(&site.read("postmortems.json")).unwrap();
    let at: Vec<&str> = json["postmortems"][0]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["at"].as_str().unwrap())
        .collect();
    assert_eq!(
        at,
        [
            "2022-09-05",
            "2022-09-05T21:00:00Z",
            "2022-09-07",
            "2022-09-07T07:00:00Z",
            "2022-09-09T14:00:00Z",
            "2022-09-09",
            "2022-09-12",
        ]
    );
}

#[test]
fn a_timeline_of_times_alone_says_nothing_of_days() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let page = site.html("postmortems/db/index.html");
    let note = text(first(
        &page,
        "main section[aria-labelledby='timeline-title'] .section-note",
    ));
    assert!(!note.contains("Day"), "{note}");
    assert!(select(&page, "main li.tl-day").is_empty());
}

#[test]
fn check_compares_days_alone_by_day() {
    // Midnight of the 5th is before started (14:00) and the day of the 12th runs past
    // resolved, but those are their own days; the 9th follows 16:00 on the 9th.
    let run = week_site().run(["check"]);
    run.assert_ok();
    assert_eq!(warnings(&run), Vec::<&str>::new());
    assert_eq!(run.stdout.trim(), "0 errors, 0 warnings in 1 postmortem");
}

#[test]
fn check_warns_about_days_alone_out_of_order_or_outside_the_incident() {
    let site = SiteFixture::new();
    site.file(
        "content/2022/muddled.md",
        r#"---
title: Days written in the wrong order
started: 2022-09-05T14:00:00+02:00
resolved: 2022-09-12T10:00:00+02:00
severity: SEV3
root_cause: capacity
timeline:
  - { at: 2022-09-04, kind: detection, event: A day before the impact began }
  - { at: 2022-09-08, event: Found the hot table }
  - { at: 2022-09-07, event: Throttled the batch }
  - { at: "2022-09-06T10:00:00+02:00", event: A time on an earlier day }
  - { at: 2022-09-13, kind: resolution, event: A day after the end }
---
Body.
"#,
    );
    let run = site.run(["check"]);
    let f = "content/2022/muddled.md";
    assert_eq!(
        warnings(&run),
        [
            format!(
                "warning: {f}:8:5: timeline entry 1 (2022-09-04) is before started (2022-09-05)"
            ),
            format!(
                "warning: {f}:10:5: timeline entry 3 (2022-09-07) is before entry 2 (2022-09-08): events out of order"
            ),
            format!(
                "warning: {f}:11:5: timeline entry 4 (2022-09-06 10:00) is before entry 3 (2022-09-07): events out of order"
            ),
            format!(
                "warning: {f}:12:5: timeline entry 5 (2022-09-13) is after resolved (2022-09-12)"
            ),
        ]
    );
}

#[test]
fn an_impossible_day_is_an_error_with_its_line() {
    let site = week_site();
    site.file(
        "content/2022/week.md",
        WEEK.replace("at: 2022-09-07,", "at: 2022-02-30,"),
    );
    let run = site.run(["build"]);
    run.assert_failed();
    let errors = run.error_lines();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with(
            "error: content/2022/week.md:10:5: timeline entry 3: \"2022-02-30\" is not a valid date"
        ),
        "{errors:#?}"
    );
    run.assert_stderr_line("  help: write the date as YYYY-MM-DD");
    assert!(!site.public().exists(), "a failed build wrote output");
}
