//! `/insights/` and `hindsight stats`: the charts' SVG carries the right counts, the tables
//! the right figures, and the terminal the same ones. Every expected value below is worked
//! out by hand from the standard fixture:
//!
//! | file | date | severity | root causes | services | TTD | TTA | TTM | TTR |
//! |---|---|---|---|---|---|---|---|---|
//! | 2024/db.md | 2024-08-14 | SEV2 | configuration | web-app, mysql | 0 | 2m | 35m | 45m |
//! | 2023/conn.md | 2023-12-01 | SEV1 | configuration, deployment | api, mysql | 20m | — | — | 2h 30m |
//! | 2024/disk.md | 2024-03-05 | SEV3 | capacity | api | — | — | — | 20m |

use scraper::{ElementRef, Html};

use crate::fixture::{SiteFixture, first, select, select_in, text};

fn attr(element: ElementRef<'_>, name: &str) -> String {
    element.value().attr(name).unwrap_or_default().to_string()
}

fn insights(site: &SiteFixture) -> Html {
    site.build(&[]);
    site.html("insights/index.html")
}

#[test]
fn month_chart_has_one_rect_per_month_and_primary_cause() {
    let site = SiteFixture::standard();
    let html = insights(&site);
    let svg = first(&html, "svg#chart-months");
    assert_eq!(attr(svg, "role"), "img");
    assert_eq!(
        attr(svg, "aria-labelledby"),
        "chart-months-title chart-months-desc"
    );
    assert_eq!(
        text(first(&html, "svg#chart-months > title")),
        "Incidents per month by root cause"
    );
    let desc = text(first(&html, "svg#chart-months > desc"));
    assert!(desc.contains("December 2023 to August 2024"), "{desc}");
    // Nine months from December 2023 to August 2024, gaps included.
    let columns: Vec<(String, String)> = select(&html, "svg#chart-months g.column")
        .into_iter()
        .map(|g| (attr(g, "data-month"), attr(g, "data-total")))
        .collect();
    assert_eq!(columns.len(), 9);
    assert_eq!(columns[0], ("2023-12".to_string(), "1".to_string()));
    assert_eq!(columns[4], ("2024-04".to_string(), "0".to_string()));
    let bars: Vec<(String, String, String, String)> = select(&html, "svg#chart-months rect")
        .into_iter()
        .map(|r| {
            (
                attr(r, "data-month"),
                attr(r, "data-series"),
                attr(r, "data-value"),
                text(select_in(r, "title")[0]),
            )
        })
        .collect();
    let owned = |m: &str, s: &str, v: &str, t: &str| {
        (m.to_string(), s.to_string(), v.to_string(), t.to_string())
    };
    // conn.md lists configuration first, so it stacks as configuration only.
    assert_eq!(
        bars,
        [
            owned(
                "2023-12",
                "configuration",
                "1",
                "December 2023: 1 Configuration"
            ),
            owned("2024-03", "capacity", "1", "March 2024: 1 Capacity"),
            owned(
                "2024-08",
                "configuration",
                "1",
                "August 2024: 1 Configuration"
            ),
        ]
    );
    // The colours are the site's root-cause classes.
    let classes: Vec<String> = select(&html, "svg#chart-months rect")
        .into_iter()
        .map(|r| attr(r, "class"))
        .collect();
    assert_eq!(classes, ["bar rc-0", "bar rc-2", "bar rc-0"]);
}

#[test]
fn month_table_lists_months_with_incidents() {
    let site = SiteFixture::standard();
    let html = insights(&site);
    let header: Vec<String> = select(&html, "#months-table thead th")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(header, ["Month", "Configuration", "Capacity", "Total"]);
    let rows: Vec<Vec<String>> = select(&html, "#months-table tbody tr")
        .into_iter()
        .map(|tr| select_in(tr, "th, td").into_iter().map(text).collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["December 2023", "1", "0", "1"],
            ["March 2024", "0", "1", "1"],
            ["August 2024", "1", "0", "1"],
        ]
    );
}

#[test]
fn shares_chart_and_table_split_incidents_and_downtime() {
    let site = SiteFixture::standard();
    let html = insights(&site);
    let segments = |measure: &str| -> Vec<(String, String, String)> {
        select(
            &html,
            &format!("svg#chart-shares g[data-measure={measure}] rect"),
        )
        .into_iter()
        .map(|r| {
            (
                attr(r, "data-series"),
                attr(r, "data-value"),
                attr(r, "data-share"),
            )
        })
        .collect()
    };
    let owned = |s: &str, v: &str, share: &str| (s.to_string(), v.to_string(), share.to_string());
    assert_eq!(
        segments("incidents"),
        [
            owned("configuration", "2", "0.6667"),
            owned("capacity", "1", "0.3333")
        ]
    );
    // Downtime: 45m + 2h 30m = 11,700 s for configuration, 1,200 s for capacity.
    assert_eq!(
        segments("downtime"),
        [
            owned("configuration", "11700", "0.9070"),
            owned("capacity", "1200", "0.0930")
        ]
    );
    let rows: Vec<Vec<String>> = select(&html, "#shares-table tbody tr")
        .into_iter()
        .map(|tr| select_in(tr, "th, td").into_iter().map(text).collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["Configuration", "2", "67%", "3h 15m from 2", "91%"],
            ["Capacity", "1", "33%", "20m from 1", "9%"],
        ]
    );
}

/// (median seconds, p90 seconds, n) of a metric cell.
fn figure(html: &Html, table: &str, key: &str, metric: &str) -> (String, String, String) {
    let cell = first(
        html,
        &format!("#{table} tr[data-key='{key}'] td[data-metric={metric}]"),
    );
    (
        attr(cell, "data-median-seconds"),
        attr(cell, "data-p90-seconds"),
        attr(cell, "data-count"),
    )
}

fn fig(median: &str, p90: &str, n: &str) -> (String, String, String) {
    (median.to_string(), p90.to_string(), n.to_string())
}

#[test]
fn time_tables_give_median_p90_and_count() {
    let site = SiteFixture::standard();
    let html = insights(&site);
    // All: TTR 20m, 45m, 2h 30m → median 45m, p90 the 3rd (ceil(0.9 × 3)).
    assert_eq!(
        figure(&html, "metrics-overall", "all", "ttr"),
        fig("2700", "9000", "3")
    );
    assert_eq!(
        figure(&html, "metrics-overall", "all", "ttd"),
        fig("600", "1200", "2")
    );
    // configuration (db and conn): the mean of 45m and 2h 30m.
    assert_eq!(
        figure(&html, "metrics-root-cause", "configuration", "ttr"),
        fig("5850", "9000", "2")
    );
    assert_eq!(
        figure(&html, "metrics-root-cause", "configuration", "tta"),
        fig("120", "120", "1")
    );
    assert_eq!(
        figure(&html, "metrics-root-cause", "deployment", "ttr"),
        fig("9000", "9000", "1")
    );
    // No figure without data: the cell says so and counts 0.
    assert_eq!(
        figure(&html, "metrics-root-cause", "capacity", "ttd"),
        fig("", "", "0")
    );
    let capacity_ttd = first(
        &html,
        "#metrics-root-cause tr[data-key=capacity] td[data-metric=ttd]",
    );
    assert_eq!(text(capacity_ttd), "—no data n = 0");
    assert_eq!(
        figure(&html, "metrics-service", "api", "ttr"),
        fig("5100", "9000", "2")
    );
    assert_eq!(
        figure(&html, "metrics-severity", "SEV1", "ttr"),
        fig("9000", "9000", "1")
    );
    // Every configured severity has a row, even without incidents.
    assert_eq!(
        figure(&html, "metrics-severity", "SEV4", "ttr"),
        fig("", "", "0")
    );
    let shown = text(first(
        &html,
        "#metrics-root-cause tr[data-key=configuration] td[data-metric=ttr]",
    ));
    assert_eq!(shown, "1h 37m p90 2h 30m n = 2");
}

#[test]
fn recurring_causes_and_missing_timestamps() {
    let site = SiteFixture::standard();
    let html = insights(&site);
    let rows = select(&html, "#recurring-table tbody tr");
    assert_eq!(rows.len(), 1, "only configuration × mysql is seen twice");
    assert_eq!(attr(rows[0], "data-cause"), "configuration");
    assert_eq!(attr(rows[0], "data-service"), "mysql");
    let links: Vec<String> = select_in(rows[0], "ul a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(links, ["/postmortems/db/", "/postmortems/conn/"]);
    // disk lacks detected; conn and disk lack acknowledged and mitigated.
    assert_eq!(
        text(first(&html, "#missing-note")),
        "Figures come only from postmortems that have the timestamps they need: TTD from 2 of 3, TTA from 1 of 3, TTM from 1 of 3, TTR from 3 of 3."
    );
}

#[test]
fn quarter_trend_has_a_column_per_quarter_with_data() {
    let site = SiteFixture::standard();
    let html = insights(&site);
    let bars: Vec<(String, String, String)> = select(&html, "svg#chart-quarters rect")
        .into_iter()
        .map(|r| {
            (
                attr(r, "data-quarter"),
                attr(r, "data-seconds"),
                attr(r, "data-count"),
            )
        })
        .collect();
    let owned = |q: &str, s: &str, n: &str| (q.to_string(), s.to_string(), n.to_string());
    assert_eq!(
        bars,
        [
            owned("2023-Q4", "9000", "1"),
            owned("2024-Q1", "1200", "1"),
            owned("2024-Q3", "2700", "1"),
        ]
    );
    let rows: Vec<Vec<String>> = select(&html, "#quarters-table tbody tr")
        .into_iter()
        .map(|tr| select_in(tr, "th, td").into_iter().map(text).collect())
        .collect();
    assert_eq!(rows[2], ["Q2 2024", "0", "—no data", "—no data", "0"]);
    assert_eq!(rows.len(), 4);
}

#[test]
fn insights_page_is_linked_and_scriptless() {
    let site = SiteFixture::standard();
    let html = insights(&site);
    assert!(
        select(&html, "script[src]").is_empty() || {
            // Only the theme's own scripts (live reload is not in `build` output).
            select(&html, "script[src]")
                .into_iter()
                .all(|s| !attr(s, "src").starts_with("http"))
        }
    );
    let home = site.html("index.html");
    let nav: Vec<String> = select(&home, "nav a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert!(nav.contains(&"/insights/".to_string()), "{nav:?}");
}

#[test]
fn empty_library_insights_say_so() {
    let site = SiteFixture::new();
    let html = insights(&site);
    assert!(select(&html, "main svg").is_empty());
    assert_eq!(text(first(&html, "main .empty")), "No postmortems yet.");
}

#[test]
fn stats_json_has_the_same_figures() {
    let site = SiteFixture::standard();
    let run = site.run(["stats", "--format", "json"]);
    run.assert_ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["title"], "Fixture incident library");
    assert_eq!(json["postmortems"], 3);
    assert_eq!(json["overall"]["ttr"]["median_seconds"], 2700);
    assert_eq!(json["overall"]["ttr"]["p90_seconds"], 9000);
    assert_eq!(json["overall"]["ttr"]["count"], 3);
    let config = &json["by_root_cause"][0];
    assert_eq!(config["key"], "configuration");
    assert_eq!(config["incidents"], 2);
    assert_eq!(config["ttr"]["median_seconds"], 5850);
    assert_eq!(json["causes"][0]["downtime_seconds"], 11700);
    assert_eq!(json["recurring"][0]["service"], "mysql");
    assert_eq!(
        json["recurring"][0]["slugs"],
        serde_json::json!(["db", "conn"])
    );
    assert_eq!(json["missing"]["tta"], 2);
    assert_eq!(json["quarters"][2]["quarter"], "2024-Q2");
    assert_eq!(
        json["quarters"][2]["ttr"]["median_seconds"],
        serde_json::Value::Null
    );
    assert_eq!(json["months"].as_array().map(Vec::len), Some(9));
}

#[test]
fn stats_text_prints_aligned_tables() {
    let site = SiteFixture::standard();
    let run = site.run(["stats"]);
    run.assert_ok();
    let out = &run.stdout;
    assert!(
        out.starts_with("Fixture incident library: 3 postmortems, 2023-12 to 2024-08\n"),
        "{out}"
    );
    assert!(
        out.contains("\nConfiguration          2    67%    3h 15m (2)    91%\n"),
        "{out}"
    );
    assert!(out.contains("1h 37m / 2h 30m (2)"), "{out}");
}

#[test]
fn stats_on_a_broken_site_fails_with_the_diagnostics() {
    let site = SiteFixture::new();
    site.postmortem(
        "2024/bad.md",
        "title: Bad\ndate: 2024-01-01\nseverity: SEV9\n",
        "",
    );
    let run = site.run(["stats"]);
    run.assert_failed();
    assert!(run.stderr.contains("unknown severity"), "{}", run.stderr);
}
