//! Related incidents on a postmortem page: order, reasons, and determinism.

use crate::fixture::{SiteFixture, select, text};

fn postmortem(
    site: &SiteFixture,
    file: &str,
    title: &str,
    date: &str,
    causes: &str,
    services: &str,
    tags: &str,
) {
    site.postmortem(
        file,
        &format!(
            "title: {title}\ndate: {date}\nseverity: SEV2\nroot_cause: {causes}\nservices: {services}\ntags: {tags}\n"
        ),
        "Body.\n",
    );
}

/// Seen from `target` (configuration; mysql, web-app; tag creds), by hand:
/// two-services 40 + 25 + 25 = 90; mysql-a and mysql-b 40 + 25 = 65 (a tie, by slug);
/// secondary 15 + 25 = 40; other-cause 25 + 10 = 35; tag-only 10 and unrelated 0 are
/// below the threshold of 20.
fn site() -> SiteFixture {
    let site = SiteFixture::new();
    postmortem(
        &site,
        "target.md",
        "Zeta outage",
        "2024-08-14",
        "configuration",
        "[mysql, web-app]",
        "[creds]",
    );
    postmortem(
        &site,
        "two-services.md",
        "Alpha",
        "2024-01-01",
        "configuration",
        "[mysql, web-app]",
        "[]",
    );
    postmortem(
        &site,
        "mysql-b.md",
        "Beta",
        "2024-02-01",
        "configuration",
        "[mysql]",
        "[]",
    );
    postmortem(
        &site,
        "mysql-a.md",
        "Gamma",
        "2024-03-01",
        "configuration",
        "[mysql]",
        "[]",
    );
    postmortem(
        &site,
        "other-cause.md",
        "Delta",
        "2024-04-01",
        "capacity",
        "[mysql]",
        "[creds]",
    );
    postmortem(
        &site,
        "secondary.md",
        "Epsilon",
        "2024-05-01",
        "[deployment, configuration]",
        "[web-app]",
        "[]",
    );
    postmortem(
        &site,
        "unrelated.md",
        "Eta",
        "2024-06-01",
        "deployment",
        "[api]",
        "[]",
    );
    postmortem(
        &site,
        "tag-only.md",
        "Theta",
        "2024-07-01",
        "deployment",
        "[api]",
        "[creds]",
    );
    site.build(&[]);
    site
}

fn related(site: &SiteFixture, slug: &str) -> Vec<(String, String)> {
    let html = site.html(&format!("postmortems/{slug}/index.html"));
    select(&html, "section[aria-labelledby=related-title] .pm-item")
        .into_iter()
        .map(|item| {
            let link = crate::fixture::select_in(item, ".pm-title a")[0];
            let reasons = crate::fixture::select_in(item, ".pm-reasons")
                .into_iter()
                .next()
                .map(text)
                .unwrap_or_default();
            (
                link.value().attr("href").unwrap_or_default().to_string(),
                reasons,
            )
        })
        .collect()
}

#[test]
fn related_incidents_are_ranked_with_reasons() {
    let site = site();
    let got = related(&site, "target");
    let urls: Vec<&str> = got.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        urls,
        [
            "/postmortems/two-services/",
            "/postmortems/mysql-a/",
            "/postmortems/mysql-b/",
            "/postmortems/secondary/",
            "/postmortems/other-cause/",
        ]
    );
    assert_eq!(
        got[0].1,
        "Related by same root cause: Configuration; shares MySQL primary and web-app"
    );
    assert_eq!(
        got[3].1,
        "Related by also caused by Configuration; shares web-app"
    );
    assert_eq!(
        got[4].1,
        "Related by shares MySQL primary; shared tags: creds"
    );
}

#[test]
fn a_postmortem_with_nothing_in_common_has_no_related_section() {
    let site = SiteFixture::new();
    postmortem(
        &site,
        "a.md",
        "Alone",
        "2024-01-01",
        "capacity",
        "[x]",
        "[]",
    );
    postmortem(
        &site,
        "b.md",
        "Apart",
        "2024-01-02",
        "deployment",
        "[y]",
        "[]",
    );
    site.build(&[]);
    assert!(related(&site, "a").is_empty());
}

#[test]
fn related_lists_are_byte_identical_across_builds() {
    let site = site();
    let first = site.read("postmortems/target/index.html");
    site.build(&[]);
    assert_eq!(first, site.read("postmortems/target/index.html"));
}
