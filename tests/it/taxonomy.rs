//! Root-cause and service indexes: counts and median time to resolve per term.

use crate::fixture::{SiteFixture, first, select, select_in, text};

/// (link, count, median TTR) of each row of a term index table.
fn term_rows(site: &SiteFixture, page: &str) -> Vec<(String, String, String)> {
    let html = site.html(page);
    select(&html, "main table tbody tr")
        .into_iter()
        .map(|row| {
            let href = select_in(row, "a[href]")[0]
                .value()
                .attr("href")
                .unwrap()
                .to_string();
            let count = text(select_in(row, "td[data-label=Postmortems]")[0]);
            let median = select_in(row, "td[data-label='Median TTR'] time")
                .into_iter()
                .next()
                .map(text)
                .unwrap_or_default();
            (href, count, median)
        })
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn root_cause_index_counts_and_medians_in_config_order() {
    let site = SiteFixture::standard();
    site.build(&[]);
    // configuration: 45m and 2h 30m, so the median is their mean, 1h 37m 30s.
    assert_eq!(
        term_rows(&site, "root-causes/index.html"),
        owned(&[
            ("/root-causes/configuration/", "2", "1h 37m"),
            ("/root-causes/deployment/", "1", "2h 30m"),
            ("/root-causes/capacity/", "1", "20m"),
        ])
    );
}

#[test]
fn service_index_counts_declared_services_first() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let rows = term_rows(&site, "services/index.html");
    assert_eq!(
        rows[0].0, "/services/mysql/",
        "declared in site.toml, so first"
    );
    let mut rest: Vec<_> = rows[1..].to_vec();
    rest.sort();
    assert_eq!(
        rest,
        owned(&[
            ("/services/api/", "2", "1h 25m"),
            ("/services/web-app/", "1", "45m")
        ])
    );
    assert_eq!(rows[0].1, "2");
}

#[test]
fn term_page_shows_its_name_and_description() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let page = site.html("root-causes/configuration/index.html");
    assert!(text(first(&page, "main h1")).contains("Configuration"));
    assert!(text(first(&page, "main")).contains("A setting was wrong"));
}

#[test]
fn unused_root_cause_gets_an_empty_page() {
    let site = SiteFixture::new();
    site.postmortem(
        "2024/only.md",
        "title: Only one\ndate: 2024-01-01\nseverity: SEV4\nroot_cause: capacity\n",
        "",
    );
    site.build(&[]);
    let page = site.html("root-causes/deployment/index.html");
    assert!(select(&page, "main a[href^='/postmortems/']").is_empty());
}
