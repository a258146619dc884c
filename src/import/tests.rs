//! Tests of the importer on the seeds and on documents written for the tests.

use super::*;

/// The taxonomy of the site the importer's tests import into.
pub(super) fn hints() -> Vec<RootCauseHint> {
    [
        (
            "configuration",
            "Configuration",
            "A setting, secret or connection string was wrong",
        ),
        (
            "deployment",
            "Deployment",
            "A release, rollout or migration went wrong",
        ),
        (
            "capacity",
            "Capacity",
            "A resource ran out: disk, memory, connections, quota",
        ),
        (
            "dependency",
            "Third-party dependency",
            "A provider or library we rely on failed or changed",
        ),
        (
            "software-bug",
            "Software bug",
            "Our own code did the wrong thing",
        ),
        ("network", "Network", "DNS, TLS, routing or load balancing"),
        (
            "expired-credential",
            "Expired credential",
            "A certificate, token or key expired",
        ),
    ]
    .iter()
    .map(|(k, n, d)| RootCauseHint {
        key: k.to_string(),
        name: n.to_string(),
        description: d.to_string(),
    })
    .collect()
}

/// Prints what the importer makes of every file of the real corpus.
/// `cargo test --lib import::tests::corpus -- --ignored --nocapture`
#[test]
#[ignore = "reads ../shared/corpus/real, which is not part of the repository"]
#[allow(clippy::print_stdout, reason = "a report for the developer")]
fn corpus() {
    let dir =
        std::env::var("IMPORT_CORPUS").unwrap_or_else(|_| "../shared/corpus/real".to_string());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        if std::env::var("IMPORT_PREFIXES").is_ok() {
            for (i, _) in text.char_indices().step_by(11) {
                let _ = import_document(&text[..i], None, &hints(), false);
            }
        }
        println!("=== {}", path.display());
        match import_document(&text, None, &hints(), false) {
            Import::NotAPostmortem { reason } => println!("NOT A POSTMORTEM: {reason}"),
            Import::Postmortems(ps) => {
                for p in ps {
                    println!("slug: {}", p.slug);
                    for f in found(&p) {
                        println!("  + {f}");
                    }
                    for m in missing(&p) {
                        println!("  - {m}");
                    }
                    if std::env::var("IMPORT_YAML").is_ok() {
                        println!("{}", p.front_matter);
                    }
                }
            }
        }
    }
}

const SEED_000: &str =
    include_str!("../../tests/fixtures/seeds/000-database-connection-failure.txt");
const SEED_001: &str =
    include_str!("../../tests/fixtures/seeds/001-database-disconnect-debacle.txt");

/// Never panics: every prefix of a seed, and noise made of the characters dates and times
/// are written with.
#[test]
fn import_never_panics() {
    let h = hints();
    for seed in [SEED_000, SEED_001] {
        for (i, _) in seed.char_indices().step_by(7) {
            let _ = import_document(&seed[..i], None, &h, false);
            let _ = import_document(&seed[i..], None, &h, false);
        }
    }
    let alphabet: Vec<char> = "0123456789::--//.. apmAPMUTCGMT+PST(),|#*_-\n\t\r<>[]éß😀日May Jan 1st 2024 at from to 12:00 hours minutes Timeline Summary"
        .chars()
        .collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..400 {
        let mut doc = String::new();
        for _ in 0..300 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            doc.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        let _ = import_document(&doc, None, &h, false);
    }
    for doc in [
        "",
        "\n\n",
        "#",
        "# ",
        "**",
        "|",
        "| a |\n|---|",
        "```",
        "```markdown",
        "import x\nexport {",
        "    ",
        "0:00",
        "99:99 PM",
        "24:00 UTC+99",
        "from 23:59 to 00:00 UTC on 31 December 9999",
    ] {
        let _ = import_document(doc, None, &h, false);
    }
}

// ---------------------------------------------------------------------------------
// Checking an import

struct Check {
    fm: serde_yaml::Value,
    imported: Imported,
    /// `field: reason`, one per field left out, then the notes.
    missing: Vec<String>,
}

fn found(p: &Imported) -> Vec<String> {
    p.report
        .values
        .iter()
        .map(|v| match &v.evidence {
            Some(e) => format!("{}: {}   {}", v.field, v.value, e.describe()),
            None => format!("{}: {}", v.field, v.value),
        })
        .collect()
}

fn missing(p: &Imported) -> Vec<String> {
    p.report
        .left_out
        .iter()
        .map(|l| format!("{}: {}", l.field, l.reason))
        .chain(p.report.notes.iter().cloned())
        .collect()
}

fn import(text: &str) -> Check {
    match import_document(text, None, &hints(), false) {
        Import::Postmortems(mut ps) => {
            assert_eq!(ps.len(), 1, "one postmortem");
            let imported = ps.remove(0);
            Check {
                fm: serde_yaml::from_str(&imported.front_matter)
                    .expect("front matter is valid YAML"),
                missing: missing(&imported),
                imported,
            }
        }
        Import::NotAPostmortem { reason } => panic!("not a postmortem: {reason}"),
    }
}

impl Check {
    fn str(&self, key: &str) -> Option<&str> {
        self.fm.get(key).and_then(|v| v.as_str())
    }

    /// Asserts a timestamp field is the given instant (offsets may be written differently).
    fn at(&self, key: &str, expected: &str) -> &Self {
        let got = self
            .str(key)
            .unwrap_or_else(|| panic!("{key} missing; report: {:?}", self.missing));
        assert_eq!(instant(got), instant(expected), "{key}: {got}");
        self
    }

    fn absent(&self, key: &str) -> &Self {
        assert!(
            self.fm.get(key).is_none(),
            "{key} should be left out: {:?}",
            self.fm.get(key)
        );
        self
    }

    fn eq(&self, key: &str, expected: &str) -> &Self {
        assert_eq!(self.str(key), Some(expected), "{key}");
        self
    }

    fn missing_mentions(&self, words: &str) -> &Self {
        assert!(
            self.missing.iter().any(|m| m.contains(words)),
            "missing should mention {words:?}: {:?}",
            self.missing
        );
        self
    }

    fn timeline(&self) -> Vec<(jiff::Timestamp, String, String)> {
        self.fm
            .get("timeline")
            .and_then(|t| t.as_sequence())
            .map(|seq| {
                seq.iter()
                    .map(|e| {
                        (
                            instant(e.get("at").and_then(|v| v.as_str()).unwrap()),
                            e.get("kind").and_then(|v| v.as_str()).unwrap().to_string(),
                            e.get("event").and_then(|v| v.as_str()).unwrap().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn kinds(&self) -> Vec<String> {
        self.timeline().into_iter().map(|(_, k, _)| k).collect()
    }

    fn actions(&self) -> Vec<(String, String, Option<String>)> {
        self.fm
            .get("action_items")
            .and_then(|t| t.as_sequence())
            .map(|seq| {
                seq.iter()
                    .map(|a| {
                        (
                            a.get("task").and_then(|v| v.as_str()).unwrap().to_string(),
                            a.get("status")
                                .and_then(|v| v.as_str())
                                .unwrap()
                                .to_string(),
                            a.get("owner").and_then(|v| v.as_str()).map(str::to_string),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn pct(&self) -> Option<f64> {
        self.fm.get("impact")?.get("users_affected_pct")?.as_f64()
    }

    /// Milestones in order, and the timeline in order.
    fn ordered(&self) -> &Self {
        let ms: Vec<jiff::Timestamp> = [
            "started",
            "detected",
            "acknowledged",
            "mitigated",
            "resolved",
        ]
        .iter()
        .filter_map(|k| self.str(k).map(instant))
        .collect();
        assert!(
            ms.windows(2).all(|w| w[0] <= w[1]),
            "milestones out of order: {ms:?}"
        );
        let tl = self.timeline();
        assert!(
            tl.windows(2).all(|w| w[0].0 <= w[1].0),
            "timeline out of order"
        );
        self
    }
}

fn instant(text: &str) -> jiff::Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not RFC 3339 with an offset: {e}"))
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---------------------------------------------------------------------------------
// The seeds

#[test]
fn seed_000_table_timeline_in_gmt_plus_one() {
    let c = import(SEED_000);
    c.eq("title", "Database Connection Failure Incident")
        .eq("date", "2024-08-14")
        .eq("status", "review")
        .at("started", "2024-08-14T14:30:00+01:00")
        .at("detected", "2024-08-14T14:30:00+01:00")
        .at("acknowledged", "2024-08-14T14:32:00+01:00")
        .at("resolved", "2024-08-14T15:15:00+01:00")
        .eq("root_cause", "configuration")
        .absent("severity")
        .ordered();
    assert_eq!(c.pct(), Some(85.0));
    let tl = c.timeline();
    assert_eq!(tl.len(), 9);
    let at = |hm: &str| instant(&format!("2024-08-14T{hm}:00+01:00"));
    let kind_at = |hm: &str| {
        tl.iter()
            .find(|e| e.0 == at(hm))
            .map(|e| e.1.as_str())
            .unwrap()
    };
    assert_eq!(kind_at("14:30"), "detection");
    assert_eq!(kind_at("14:32"), "acknowledgement");
    assert_eq!(kind_at("14:35"), "investigation");
    assert_eq!(kind_at("14:45"), "misleading");
    assert_eq!(kind_at("14:50"), "escalation");
    assert_eq!(kind_at("15:10"), "resolution");
    assert_eq!(kind_at("15:15"), "resolution");
    // The body keeps the prose, not the title.
    assert!(!c.imported.body.contains("# Postmortem Report"));
    assert!(c.imported.body.contains("## Issue Summary:"));
    assert!(c.imported.body.contains("| 3:05 PM |"));
    assert!(
        c.missing
            .iter()
            .any(|f| f.contains("45m from started to resolved")),
        "{:?}",
        c.missing
    );
    assert!(!c.actions().is_empty());
}

#[test]
fn seed_001_labelled_timeline_in_utc() {
    let c = import(SEED_001);
    c.eq("title", "The Database Disconnect Debacle")
        .eq("date", "2023-12-01")
        .at("started", "2023-12-01T14:30:00Z")
        .at("detected", "2023-12-01T14:45:00Z")
        .at("resolved", "2023-12-01T17:00:00Z")
        .eq("root_cause", "configuration")
        .eq("detection", "customer")
        .absent("severity")
        .ordered();
    let tl = c.timeline();
    assert_eq!(tl.len(), 1, "only the detection has a time");
    assert_eq!(tl[0].1, "detection");
    assert!(tl[0].2.starts_with("Users reported errors"));
    // 2.5 hours, as stated.
    let span =
        instant(c.str("resolved").unwrap()).duration_since(instant(c.str("started").unwrap()));
    assert_eq!(span.as_secs(), 150 * 60);
    // A 15% decrease in progress is not a share of users.
    assert_eq!(c.pct(), None);
    assert!(c.imported.body.contains("**Misleading Paths :**"));
}

#[test]
fn front_matter_yaml_is_safe_for_any_title() {
    let c = import(
        "# Postmortem: \"Quotes\", colons: and #hashes\n\nOn 2024-01-02 from 10:00 to 11:00 UTC the site was down for 5% of users.\n",
    );
    assert_eq!(c.str("title"), Some("\"Quotes\", colons: and #hashes"));
}

// ---------------------------------------------------------------------------------
// Documents written for these tests

#[test]
fn table_timeline_with_utc_offset_and_action_table() {
    let c = import(&fixture("table-utc-offset.md"));
    c.eq("title", "Checkout latency after cache eviction storm")
        .eq("date", "2024-03-03")
        .at("started", "2024-03-03T07:15:00Z")
        .at("acknowledged", "2024-03-03T09:18:00+02:00")
        .at("resolved", "2024-03-03T10:05:00+02:00")
        .eq("root_cause", "capacity")
        .ordered();
    assert_eq!(c.pct(), Some(40.0));
    assert_eq!(
        c.kinds(),
        [
            "detection",
            "acknowledgement",
            "misleading",
            "escalation",
            "mitigation",
            "resolution"
        ]
    );
    let actions = c.actions();
    assert_eq!(actions.len(), 3);
    assert_eq!(actions[0].1, "done");
    assert_eq!(actions[0].2.as_deref(), Some("dana"));
    assert_eq!(actions[1].1, "in-progress");
    assert_eq!(actions[2].1, "open");
    let due = c.fm["action_items"][0]["due"].as_str();
    assert_eq!(due, Some("2024-03-10"));
}

#[test]
fn between_span_in_pdt_with_severity_and_task_list() {
    let c = import(&fixture("bullets-pdt-between.md"));
    c.eq("date", "2023-06-04")
        .at("started", "2023-06-04T09:12:00-07:00")
        .at("detected", "2023-06-04T16:12:00Z")
        .at("acknowledged", "2023-06-04T09:20:00-07:00")
        .at("resolved", "2023-06-04T11:47:00-07:00")
        .eq("severity", "SEV2")
        .eq("root_cause", "deployment")
        .eq("detection", "customer")
        .ordered();
    assert_eq!(c.pct(), Some(12.0));
    assert!(c.kinds().contains(&"misleading".to_string()));
    let actions = c.actions();
    assert_eq!(
        actions[0],
        (
            "Add an alias check to the release pipeline".to_string(),
            "done".to_string(),
            Some("priya".to_string())
        )
    );
    assert_eq!(actions[1].1, "in-progress");
    assert_eq!(actions[2].1, "open");
}

#[test]
fn heading_per_time_crosses_midnight() {
    let c = import(&fixture("headings-midnight-utc.md"));
    c.eq("date", "2023-05-12")
        .at("started", "2023-05-12T23:40:00Z")
        .at("acknowledged", "2023-05-12T23:52:00Z")
        .at("resolved", "2023-05-13T01:25:00Z")
        .eq("root_cause", "capacity")
        .ordered();
    let tl = c.timeline();
    assert_eq!(tl.len(), 4);
    assert_eq!(tl[2].0, instant("2023-05-13T00:30:00Z"));
}

#[test]
fn twelve_hour_clock_without_a_zone_is_not_guessed() {
    let c = import(&fixture("twelve-hour-no-zone.md"));
    c.eq("date", "2022-11-21")
        .absent("started")
        .absent("resolved");
    // The entries keep their day, and their times only in their words.
    let timeline = c.fm.get("timeline").and_then(|t| t.as_sequence());
    let entries: Vec<(Option<&str>, Option<&str>)> = timeline
        .map(|seq| {
            seq.iter()
                .map(|e| {
                    (
                        e.get("at").and_then(|v| v.as_str()),
                        e.get("event").and_then(|v| v.as_str()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(entries.len(), 4, "{entries:?}");
    assert!(entries.iter().all(|(at, _)| *at == Some("2022-11-21")));
    assert_eq!(
        entries.first().and_then(|e| e.1),
        Some("09:05 First customer email about a blank login page")
    );
    assert_eq!(
        entries.last().and_then(|e| e.1),
        Some("10:15 Login page confirmed working")
    );
}

#[test]
fn crlf_document_with_bold_title_and_eat() {
    let c = import(&fixture("crlf-bold-title.md"));
    c.eq("title", "Payment API returned 502s")
        .at("started", "2024-02-07T13:00:00+03:00")
        .at("resolved", "2024-02-07T16:30:00+03:00")
        .at("acknowledged", "2024-02-07T10:10:00Z")
        .eq("root_cause", "expired-credential")
        .ordered();
    assert_eq!(c.pct(), Some(25.0));
    assert!(!c.imported.body.contains('\r'));
    // The stated 3 hours 30 minutes agrees with the start and end.
    let left_out = &c.imported.report.left_out;
    assert!(
        !left_out.iter().any(|l| l.field == "duration"),
        "{left_out:?}"
    );
}

#[test]
fn indented_document_is_dedented() {
    let c = import(&fixture("indented.md"));
    c.eq("title", "Queue consumers stalled")
        .at("started", "2024-01-09T08:00:00Z")
        .at("resolved", "2024-01-09T08:50:00Z")
        .eq("root_cause", "configuration")
        .ordered();
    assert_eq!(c.pct(), Some(30.0));
    assert_eq!(c.timeline().len(), 5);
    assert!(c.imported.body.starts_with("## Summary"));
}

#[test]
fn a_duration_that_contradicts_start_and_end_leaves_the_end_out() {
    let c = import(&fixture("contradicting-duration.md"));
    c.at("started", "2024-04-18T14:00:00Z")
        .absent("resolved")
        .absent("duration")
        .missing_mentions("is 45 minutes after the start, but the document says 2 hours")
        .ordered();
}

#[test]
fn a_guide_is_not_a_postmortem() {
    match import_document(&fixture("guide-not-postmortem.md"), None, &hints(), false) {
        Import::NotAPostmortem { reason } => assert!(
            reason.contains("instructions") || reason.contains("a guide"),
            "{reason}"
        ),
        Import::Postmortems(_) => panic!("a guide imported as a postmortem"),
    }
}

#[test]
fn a_readme_is_not_a_postmortem() {
    match import_document(&fixture("readme-not-postmortem.md"), None, &hints(), false) {
        Import::NotAPostmortem { reason } => {
            assert!(reason.contains("reports no incident"), "{reason}")
        }
        Import::Postmortems(_) => panic!("a README imported as a postmortem"),
    }
}

#[test]
fn html_title_and_list_timeline_in_sast() {
    let c = import(&fixture("html-h1-sast.md"));
    c.eq("title", "Email notifications stopped sending")
        .at("started", "2023-08-12T08:00:00Z")
        .at("resolved", "2023-08-12T11:30:00+02:00")
        .eq("root_cause", "dependency")
        .ordered();
    assert_eq!(
        c.kinds(),
        ["detection", "investigation", "mitigation", "resolution"]
    );
    assert!(!c.imported.body.contains("<h1>"));
}

#[test]
fn day_headings_and_outage_markers_in_cet() {
    let c = import(&fixture("day-headings-cet.md"));
    c.eq("date", "2024-02-24")
        .at("started", "2024-02-24T22:10:00+01:00")
        .at("acknowledged", "2024-02-25T09:15:00+01:00")
        .at("resolved", "2024-02-25T11:00:00+01:00")
        .ordered();
    let actions = c.actions();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[1].1, "done");
}

#[test]
fn ist_alone_names_three_zones_and_is_not_guessed() {
    let c = import(&fixture("prose-only-ist.md"));
    c.eq("date", "2024-09-02")
        .absent("started")
        .absent("detected")
        .absent("resolved")
        .missing_mentions("India, Irish or Israel");
}

#[test]
fn ist_with_its_offset_places_the_prose_milestones() {
    let text = fixture("prose-only-ist.md").replace("10:20 IST", "10:20 IST (UTC+05:30)");
    let c = import(&text);
    c.at("started", "2024-09-02T10:20:00+05:30")
        .at("detected", "2024-09-02T05:01:00Z")
        .at("resolved", "2024-09-02T11:02:00+05:30")
        .eq("detection", "automation")
        .ordered();
}

#[test]
fn a_date_without_a_year_is_reported_not_guessed() {
    let c = import(&fixture("no-year.md"));
    c.absent("date")
        .absent("started")
        .missing_mentions("has no year");
}

#[test]
fn pst_written_in_summer_is_left_out_and_reported() {
    let c = import(&fixture("pst-in-summer.md"));
    c.eq("date", "2024-07-09")
        .absent("started")
        .absent("resolved")
        .eq("root_cause", "capacity");
    // The timeline keeps its days and its times only in its words.
    let notes = &c.imported.report.notes;
    assert!(
        notes.iter().any(|n| n.contains("daylight-saving")),
        "{notes:?}"
    );
    let days: Vec<&str> =
        c.fm.get("timeline")
            .and_then(|t| t.as_sequence())
            .map(|seq| {
                seq.iter()
                    .filter_map(|e| e.get("at").and_then(|v| v.as_str()))
                    .collect()
            })
            .unwrap_or_default();
    assert_eq!(days, ["2024-07-09"; 3]);
}

#[test]
fn an_offset_beside_a_zone_name_wins_over_the_name() {
    let text = fixture("pst-in-summer.md").replace("17:30 PST", "17:30 PST (UTC-7)");
    let c = import(&text);
    c.at("started", "2024-07-09T17:30:00-07:00");
}

#[test]
fn ambiguous_numeric_dates_are_reported() {
    let c = import(
        "# Disk full on the build host\n\n**Date**: 04/05/2023\n\nOutage: builds failed from 10:00 to 11:00 UTC for 100% of users: no space left on device.\n\n## Root cause\n\nThe disk was full.\n",
    );
    c.absent("date")
        .missing_mentions("day-first or month-first");
    let c = import(
        "# Disk full on the build host\n\n**Date**: 04/05/2023\n\nOutage: builds failed from 10:00 to 11:00 UTC.\n\n## Root cause\n\nThe disk was full. A later note dated 25/05/2023.\n",
    );
    c.eq("date", "2023-05-04");
}

/// A report that links to the team's earlier reports by file name: the imported file has a
/// new name in a new folder, so those links become their text (a build would reject them
/// as links to missing postmortems); web links, anchors and images stay.
#[test]
fn links_to_other_documents_become_text_and_are_reported() {
    let c = import(
        "# 2023-03-02 Queue stalled\n\nOn 2023-03-02 from 09:10 to 09:40 UTC the job queue stalled.\n\nSame cause as [the January stall](2023-01-12-queue-stall.md#root-cause), see also [notes](../notes/queue.md) and [the vendor page](https://example.com/queue.md).\n\n![graph](./media/queue.png) and [back to top](#top).\n\n```\nsee [x](y.md)\n```\n",
    );
    let body = &c.imported.body;
    assert!(body.contains("Same cause as the January stall, see also notes and [the vendor page](https://example.com/queue.md)."), "{body}");
    assert!(
        body.contains("![graph](./media/queue.png)") && body.contains("[back to top](#top)"),
        "{body}"
    );
    assert!(body.contains("see [x](y.md)"), "code was changed: {body}");
    let links = c.missing.iter().find(|m| m.starts_with("links:"));
    assert!(
        links.is_some_and(
            |l| l.contains("2 links") && l.contains("2023-01-12-queue-stall.md#root-cause")
        ),
        "{:?}",
        c.missing
    );
    c.eq("date", "2023-03-02")
        .at("started", "2023-03-02T09:10:00Z")
        .at("resolved", "2023-03-02T09:40:00Z");
}

/// A timeline that opens with preparation, in a report that states no start: impact
/// begins at the first entry that reports trouble, not at the first line of the timeline.
#[test]
fn no_stated_start_skips_preparation_entries() {
    let c = import(
        "# Retrospective: coupon launch\n\nOn June 3, 2024 the coupon service buckled under launch traffic. All times in UTC.\n\n## Timeline\n\n- `09:05` Coupon batch uploaded to the store\n- `09:12` Landing page checked on staging\n- `09:30` Shoppers share the coupon link on forums\n- `09:41` Coupon API starts returning 503 errors\n- `09:50` Team adds two replicas\n- `10:20` Error rate back to normal, incident resolved\n",
    );
    c.eq("date", "2024-06-03")
        .at("started", "2024-06-03T09:41:00Z")
        .at("resolved", "2024-06-03T10:20:00Z")
        .ordered();
}

/// The same rule never moves a start the timeline's first entry already reports.
#[test]
fn no_stated_start_keeps_a_first_entry_that_reports_trouble() {
    let c = import(
        "# Search slow\n\n2024-02-11, times in UTC.\n\n## Timeline\n\n- 13:00: Search latency climbs past two seconds\n- 13:10: On-call engineer paged\n- 13:45: Index rebuilt; search resolved\n",
    );
    c.at("started", "2024-02-11T13:00:00Z")
        .at("resolved", "2024-02-11T13:45:00Z");
}

#[test]
#[ignore = "debug"]
#[allow(clippy::print_stdout, reason = "debug")]
fn debug_sections() {
    let path = std::env::var("DOC").unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let source = text::normalize(&text);
    let lines = text::lines(&source.text);
    for s in sections::split(&lines) {
        println!(
            "{:?} {:?} h={:?} {:?}",
            s.kind,
            s.title,
            s.heading.map(|h| source.line_number(lines[h].src)),
            s.lines
        );
    }
    let order = times::day_order(&source.text);
    let sections = sections::split(&lines);
    for e in timeline::extract(&lines, &sections, order) {
        println!(
            "entry line {} {:?} day={:?} | {}",
            source.line_number(e.src),
            e.mention.clock,
            e.day,
            e.text
        );
    }
}

/// A span stated as one statement gives the incident's length even when the report never
/// says which day (so neither end can be written); a timeline that ends elsewhere says the
/// span is not the impact's.
#[test]
fn a_span_without_a_day_gives_the_duration() {
    let doc = "# Checkout down\n\n## Summary\n\nOn April 17th, from 3:00 PM to 4:30 PM CAT, checkout returned errors to every customer.\n";
    import(doc)
        .absent("started")
        .absent("resolved")
        .eq("duration", "1h 30m");
    let contradicted = format!(
        "{doc}\n## Timeline\n\n- 3:00 PM CAT errors start\n- 4:05 PM CAT service back\n- 4:30 PM CAT the fix is automated\n"
    );
    import(&contradicted).absent("duration");
}

/// "Between approximately X and Y" is a span, the hedge notwithstanding.
#[test]
fn a_hedged_between_is_a_span() {
    let doc = "# Certificates expired\n\nBetween approximately 2025-07-30 21:27 UTC and 2025-07-31 07:27 UTC the registry served an expired certificate.\n";
    import(doc)
        .at("started", "2025-07-30T21:27:00Z")
        .at("resolved", "2025-07-31T07:27:00Z");
}

/// A timeline of days (a two-week incident) imports as entries of days: `at: 2022-09-05`,
/// never a start or an end at midnight. Beside timed entries, dated lines are background.
#[test]
fn a_timeline_of_days_imports_days() {
    let doc = "# Deploys failed for two weeks\n\n## Timeline\n\n- **2022-09-05**: the release is cut and its deploy fails in staging\n- **2022-09-07**: the production deploy fails and is rolled back\n- **2022-09-14**: the fixed release is deployed everywhere\n";
    let c = import(doc);
    c.absent("started")
        .absent("resolved")
        .eq("date", "2022-09-05");
    let ats: Vec<String> =
        c.fm.get("timeline")
            .and_then(|t| t.as_sequence())
            .map(|seq| {
                seq.iter()
                    .filter_map(|e| e.get("at").and_then(|v| v.as_str()).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
    assert_eq!(ats, ["2022-09-05", "2022-09-07", "2022-09-14"]);

    let mixed = "# API errors\n\nAll times UTC.\n\n## Timeline\n\n- **2021-03-01** - the feature was first proposed to the team\n- 2024-05-02 10:00 errors start on the API\n- 2024-05-02 10:40 fix deployed, resolved\n";
    let c = import(mixed);
    assert_eq!(
        c.timeline().len(),
        2,
        "the dated line beside timed ones is background"
    );
}

#[test]
fn control_characters_in_evidence_are_escaped_so_the_front_matter_stays_yaml() {
    // Found by the import fuzz target: a control character copied raw into a value's
    // evidence comment made the written front matter invalid YAML.
    let check = import("# Outage\n\nOn 5 Mar 2024\u{1} the database failed for an hour.\n");
    assert!(
        !check.imported.front_matter.contains('\u{1}'),
        "{}",
        check.imported.front_matter
    );
}
