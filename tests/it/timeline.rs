//! The incident's own timeline (offsets from the start, kinds, misleading paths, `HH:MM`
//! times on the incident's date) and the global timeline: `/timeline/` lists the years,
//! `/timeline/<year>/` shows one by month.

use scraper::{ElementRef, Html};

use crate::fixture::{SiteFixture, first, select, select_in, text};

/// One event of a postmortem page's timeline, as shown.
#[derive(Debug, PartialEq, Eq)]
struct Event {
    offset: String,
    datetime: String,
    kind: String,
    text: String,
    misleading: bool,
}

fn events(page: &Html) -> Vec<Event> {
    select(page, "main ol.incident-timeline > li")
        .into_iter()
        .map(|li| {
            let one = |css: &str| -> String {
                select_in(li, css)
                    .into_iter()
                    .next()
                    .map(text)
                    .unwrap_or_default()
            };
            let time: Option<ElementRef<'_>> = select_in(li, "time[datetime]").into_iter().next();
            Event {
                offset: one(".tl-offset"),
                datetime: time
                    .and_then(|t| t.value().attr("datetime"))
                    .unwrap_or_default()
                    .to_string(),
                kind: one(".tl-kind"),
                text: one(".tl-text"),
                misleading: li.value().classes().any(|c| c.contains("misleading")),
            }
        })
        .collect()
}

fn event(offset: &str, datetime: &str, kind: &str, text: &str) -> Event {
    Event {
        offset: offset.to_string(),
        datetime: datetime.to_string(),
        kind: kind.to_string(),
        text: text.to_string(),
        misleading: kind == "Misleading path",
    }
}

#[test]
fn timeline_offsets_count_from_started() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let page = site.html("postmortems/db/index.html");
    // Written as HH:MM at +01:00 on 14 Aug; shown in the site's zone (UTC, none set).
    assert_eq!(
        events(&page),
        [
            event(
                "T+0",
                "2024-08-14T13:30:00+00:00",
                "Detection",
                "Alert on database connection errors"
            ),
            event(
                "T+5m",
                "2024-08-14T13:35:00+00:00",
                "Misleading path",
                "Investigated the application code"
            ),
            event(
                "T+20m",
                "2024-08-14T13:50:00+00:00",
                "Escalation",
                "Escalated to DevOps"
            ),
            event(
                "T+35m",
                "2024-08-14T14:05:00+00:00",
                "Mitigation",
                "Password reset"
            ),
            event(
                "T+45m",
                "2024-08-14T14:15:00+00:00",
                "Resolution",
                "Monitoring confirmed recovery"
            ),
        ]
    );
}

#[test]
fn timeline_marks_misleading_paths() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let page = site.html("postmortems/db/index.html");
    let misleading = select(&page, "main ol.incident-timeline > li.tl-kind-misleading");
    assert_eq!(misleading.len(), 1);
    assert_eq!(
        text(first(
            &page,
            "main ol.incident-timeline > li.tl-kind-misleading .tl-text"
        )),
        "Investigated the application code"
    );
    // Written out, not only coloured.
    assert_eq!(
        text(select_in(misleading[0], ".tl-kind")[0]),
        "Misleading path"
    );
}

#[test]
fn timeline_clock_times_cross_midnight_on_the_incident_date() {
    let site = SiteFixture::new();
    site.postmortem(
        "2024/leap.md",
        r#"
        title: Batch job overran into the leap day
        started: 2024-02-28T23:40:00Z
        resolved: 2024-02-29T01:05:00Z
        severity: SEV3
        root_cause: capacity
        timeline:
          - { at: "23:35", kind: trigger, event: Nightly batch started late }
          - { at: "23:40", kind: detection, event: Queue depth alert }
          - { at: "23:55", event: Looked at the dashboards }
          - { at: "00:10", kind: mitigation, event: Paused the batch }
          - { at: "2024-02-29T02:05:00+01:00", kind: resolution, event: Queue drained }
        "#,
        "",
    );
    site.build(&[]);
    let page = site.html("postmortems/leap/index.html");
    assert_eq!(
        events(&page),
        [
            event(
                "T-5m",
                "2024-02-28T23:35:00+00:00",
                "Trigger",
                "Nightly batch started late"
            ),
            event(
                "T+0",
                "2024-02-28T23:40:00+00:00",
                "Detection",
                "Queue depth alert"
            ),
            event(
                "T+15m",
                "2024-02-28T23:55:00+00:00",
                "",
                "Looked at the dashboards"
            ),
            event(
                "T+30m",
                "2024-02-29T00:10:00+00:00",
                "Mitigation",
                "Paused the batch"
            ),
            event(
                "T+1h 25m",
                "2024-02-29T01:05:00+00:00",
                "Resolution",
                "Queue drained"
            ),
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&site.read("postmortems.json")).unwrap();
    assert_eq!(json["postmortems"][0]["date"], "2024-02-28");
}

#[test]
fn timeline_is_shown_in_the_site_timezone() {
    let site = SiteFixture::new();
    site.config(&crate::fixture::CONFIG.replacen(
        "description =",
        "timezone = \"America/New_York\"\ndescription =",
        1,
    ));
    site.postmortem(
        "2024/ny.md",
        r#"
        title: Morning outage in New York
        started: 2024-01-15T09:00:00
        resolved: 2024-01-15T09:30:00
        severity: SEV4
        root_cause: deployment
        timeline:
          - { at: "09:00", kind: detection, event: Pager }
          - { at: "09:30", kind: resolution, event: Fixed }
        "#,
        "",
    );
    site.build(&[]);
    let page = site.html("postmortems/ny/index.html");
    let shown = events(&page);
    assert_eq!(shown[0].datetime, "2024-01-15T09:00:00-05:00");
    assert_eq!(shown[1].offset, "T+30m");
    let clock = first(&page, "main ol.incident-timeline time.tl-clock");
    assert_eq!(text(clock), "09:00");
}

/// One row of `/timeline/`: year section, month heading, link, duration, colour.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    year: String,
    month: String,
    href: String,
    duration: String,
    duration_iso: String,
    cause: String,
    colour: String,
}

fn global_rows(page: &Html) -> Vec<Row> {
    let mut rows = Vec::new();
    for year in select(page, "main section.tl-year") {
        let year_id = year.value().id().unwrap_or_default().to_string();
        for month in select_in(year, "section.tl-month") {
            let heading = text(select_in(month, "h3")[0]);
            let month_name = heading.split(' ').take(2).collect::<Vec<_>>().join(" ");
            for row in select_in(month, "li.tl-row") {
                let link = select_in(row, "a[href]")[0];
                let duration = select_in(row, ".tl-duration time").into_iter().next();
                let bar_colour = select_in(row, ".tl-bar")
                    .into_iter()
                    .next()
                    .and_then(|bar| bar.value().classes().find(|c| c.starts_with("rc-")))
                    .unwrap_or_default()
                    .to_string();
                rows.push(Row {
                    year: year_id.clone(),
                    month: month_name.clone(),
                    href: link.value().attr("href").unwrap_or_default().to_string(),
                    duration: duration.map(text).unwrap_or_default(),
                    duration_iso: duration
                        .and_then(|d| d.value().attr("datetime"))
                        .unwrap_or_default()
                        .to_string(),
                    cause: select_in(row, ".tl-cause")
                        .into_iter()
                        .next()
                        .map(text)
                        .unwrap_or_default(),
                    colour: bar_colour,
                });
            }
        }
    }
    rows
}

fn row(
    year: &str,
    month: &str,
    href: &str,
    duration: (&str, &str),
    cause: &str,
    colour: &str,
) -> Row {
    Row {
        year: year.to_string(),
        month: month.to_string(),
        href: href.to_string(),
        duration: duration.0.to_string(),
        duration_iso: duration.1.to_string(),
        cause: cause.to_string(),
        colour: colour.to_string(),
    }
}

#[test]
fn global_timeline_groups_by_year_and_month_most_recent_first() {
    let site = SiteFixture::standard();
    // A second incident in August 2024, earlier in the month, and one with no end.
    site.postmortem(
        "2024/cdn.md",
        r#"
        title: CDN certificate expired
        started: 2024-08-02T06:00:00Z
        resolved: 2024-08-03T09:00:00Z
        severity: SEV1
        root_cause: deployment
        "#,
        "",
    );
    site.postmortem(
        "2022/open.md",
        r#"
        title: Slow searches, never explained
        date: 2022-01-20
        severity: SEV4
        root_cause: capacity
        "#,
        "",
    );
    site.build(&[]);
    // The index links each year's page; each year page shows its months.
    let index = site.html("timeline/index.html");
    let years = crate::fixture::hrefs(&index, "main .tl-year h2 a");
    assert_eq!(
        years,
        ["/timeline/2024/", "/timeline/2023/", "/timeline/2022/"]
    );
    let rows: Vec<Row> = years
        .iter()
        .flat_map(|url| global_rows(&site.html(&format!("{}index.html", &url[1..]))))
        .collect();
    // Root causes keep their colour slot from site.toml order: configuration rc-0,
    // deployment rc-1, capacity rc-2.
    assert_eq!(
        rows,
        [
            row(
                "y2024",
                "August 2024",
                "/postmortems/db/",
                ("45m", "PT45M"),
                "Configuration",
                "rc-0"
            ),
            row(
                "y2024",
                "August 2024",
                "/postmortems/cdn/",
                ("1d 3h", "PT27H"),
                "Deployment",
                "rc-1"
            ),
            row(
                "y2024",
                "March 2024",
                "/postmortems/disk/",
                ("20m", "PT20M"),
                "Capacity",
                "rc-2"
            ),
            row(
                "y2023",
                "December 2023",
                "/postmortems/conn/",
                ("2h 30m", "PT2H30M"),
                "Configuration",
                "rc-0"
            ),
            row(
                "y2022",
                "January 2022",
                "/postmortems/open/",
                ("", ""),
                "Capacity",
                ""
            ),
        ]
    );
    let y2022 = site.html("timeline/2022/index.html");
    let unknown = first(&y2022, "main section#y2022 li.tl-row .tl-duration");
    assert_eq!(text(unknown), "duration unknown");
    // Each year says how many incidents it holds, and each month, on the index.
    let year_heading = text(first(&index, "main #y2024 h2"));
    assert!(
        year_heading.starts_with("2024 3 incidents"),
        "{year_heading}"
    );
    assert_eq!(
        crate::fixture::hrefs(&index, "main #y2024 nav a"),
        ["/timeline/2024/#m2024-08", "/timeline/2024/#m2024-03"]
    );
    assert_eq!(
        text(first(&index, "main #y2024 nav a")),
        "August 2 incidents"
    );
}

#[test]
fn global_timeline_links_every_postmortem_once() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let pages = [
        site.html("timeline/2024/index.html"),
        site.html("timeline/2023/index.html"),
    ];
    let mut links: Vec<String> = pages
        .iter()
        .flat_map(|page| select(page, "main li.tl-row a[href^='/postmortems/']"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    links.sort();
    assert_eq!(
        links,
        [
            "/postmortems/conn/",
            "/postmortems/db/",
            "/postmortems/disk/"
        ]
    );
    let titles: Vec<String> = select(&pages[0], "main li.tl-row a.tl-title")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(titles[0], "Web app down after MySQL password was mistyped");
}
