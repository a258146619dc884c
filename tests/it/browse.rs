//! Browse filters by severity and year: plain links, a linear number of pages.

use crate::fixture::{SiteFixture, first, hrefs, select, text};

#[test]
fn severity_and_year_pages_list_their_postmortems() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let sev1 = site.html("severities/sev1/index.html");
    assert_eq!(hrefs(&sev1, "main .pm-title a"), ["/postmortems/conn/"]);
    // Every configured severity has a page, even an empty one.
    let sev4 = site.html("severities/sev4/index.html");
    assert!(select(&sev4, "main .pm-title a").is_empty());
    let y2024 = site.html("years/2024/index.html");
    assert_eq!(
        hrefs(&y2024, "main .pm-title a"),
        ["/postmortems/db/", "/postmortems/disk/"]
    );
    // A year page's severity links lead to that year on the severity page.
    let links = hrefs(&y2024, "main nav.filters a");
    assert!(
        links.contains(&"/severities/sev2/#y2024".to_string()),
        "{links:?}"
    );
    assert!(
        !links.iter().any(|l| l.starts_with("/severities/sev1/")),
        "no SEV1 in 2024: {links:?}"
    );
}

#[test]
fn term_pages_link_to_their_severities_and_years() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let html = site.html("root-causes/configuration/index.html");
    let links = hrefs(&html, "main nav.filters a");
    assert_eq!(
        links,
        [
            "/root-causes/configuration/",
            "/root-causes/configuration/sev1/",
            "/root-causes/configuration/sev2/",
        ]
    );
    let years = hrefs(&html, "main nav.year-jump a");
    assert_eq!(
        years,
        [
            "/root-causes/configuration/#y2024",
            "/root-causes/configuration/#y2023"
        ]
    );
    assert_eq!(text(first(&html, "#y2023-title")), "2023 1 incident");
    let filtered = site.html("root-causes/configuration/sev2/index.html");
    assert_eq!(hrefs(&filtered, "main .pm-title a"), ["/postmortems/db/"]);
    assert_eq!(
        first(&filtered, "main nav.filters a[aria-current=page]")
            .value()
            .attr("href"),
        Some("/root-causes/configuration/sev2/")
    );
}

#[test]
fn only_existing_combinations_get_a_page() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let files = SiteFixture::snapshot(&site.public());
    let mut filtered: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|p| {
            (p.starts_with("root-causes/") || p.starts_with("services/"))
                && p.matches('/').count() == 3
        })
        .collect();
    filtered.sort();
    assert_eq!(
        filtered,
        [
            "root-causes/capacity/sev3/index.html",
            "root-causes/configuration/sev1/index.html",
            "root-causes/configuration/sev2/index.html",
            "root-causes/deployment/sev1/index.html",
            "services/api/sev1/index.html",
            "services/api/sev3/index.html",
            "services/mysql/sev1/index.html",
            "services/mysql/sev2/index.html",
            "services/web-app/sev2/index.html",
        ]
    );
    assert!(
        !files
            .keys()
            .any(|p| p.starts_with("years/") && p.matches('/').count() > 2)
    );
}

#[test]
fn home_links_severities_and_years() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let home = site.html("index.html");
    let links = hrefs(&home, "main a");
    for expected in [
        "/severities/sev1/",
        "/years/2023/",
        "/years/2024/",
        "/action-items/",
    ] {
        assert!(
            links.contains(&expected.to_string()),
            "{expected} in {links:?}"
        );
    }
}
