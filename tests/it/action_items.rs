//! `/action-items/`: every follow-up of the library, open ones first by due date, grouped
//! by owner and postmortem; overdue marking is left to the reader's browser.

use scraper::ElementRef;

use crate::fixture::{SiteFixture, first, select, select_in, text};

fn attr(element: ElementRef<'_>, name: &str) -> String {
    element.value().attr(name).unwrap_or_default().to_string()
}

/// The standard site plus a postmortem with four follow-ups of every status.
fn site() -> SiteFixture {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/cache.md",
        r#"
        title: Cache stampede after deploy
        date: 2024-05-02
        severity: SEV3
        root_cause: deployment
        services: [api]
        action_items:
          - { task: Warm the cache before switching, owner: sre, status: in-progress, due: 2024-06-01 }
          - { task: Add jitter to expiry, status: open }
          - { task: Write the runbook, owner: devops, status: wont-do }
          - { task: Alert on hit ratio, owner: sre, status: open, due: 2023-01-15 }
        "#,
        "Body.\n",
    );
    site.build(&[]);
    site
}

#[test]
fn open_items_are_listed_by_due_date_with_data_due() {
    let site = site();
    let html = site.html("action-items/index.html");
    let rows: Vec<(String, String, String)> = select(&html, "#open-actions tbody tr")
        .into_iter()
        .map(|tr| {
            (
                text(select_in(tr, "td[data-label=Task]")[0]),
                attr(tr, "data-due"),
                text(select_in(tr, "td[data-label=Postmortem]")[0]),
            )
        })
        .collect();
    let owned = |t: &str, d: &str, p: &str| (t.to_string(), d.to_string(), p.to_string());
    // Every open or in-progress item, earliest due first, undated last; done and
    // won't-do items are not in this list.
    assert_eq!(
        rows,
        [
            owned(
                "Alert on hit ratio",
                "2023-01-15",
                "Cache stampede after deploy"
            ),
            owned(
                "Warm the cache before switching",
                "2024-06-01",
                "Cache stampede after deploy"
            ),
            owned(
                "Stage every database change",
                "2024-09-01",
                "Web app down after MySQL password was mistyped"
            ),
            owned("Add jitter to expiry", "", "Cache stampede after deploy"),
        ]
    );
    let lead = text(first(&html, "main .lead"));
    assert_eq!(
        lead,
        "Every follow-up across the library: 4 open (1 in progress), 1 done, 1 won't do."
    );
    // Overdue is decided in the browser: hidden labels, a script file, no inline script.
    assert_eq!(
        select(&html, "#open-actions [data-overdue-label][hidden]").len(),
        3
    );
    let scripts = select(&html, "script");
    assert!(
        scripts.iter().all(|s| text(*s).is_empty()),
        "no inline script"
    );
    assert!(
        scripts
            .iter()
            .any(|s| attr(*s, "src") == "/static/action-items.js")
    );
    let js = site.read("static/action-items.js");
    assert!(js.contains("data-due"), "{js}");
}

#[test]
fn home_counts_open_items_as_the_page_does() {
    let site = site();
    let home = site.html("index.html");
    let figures: Vec<String> = select(&home, ".figure").into_iter().map(text).collect();
    assert!(
        figures.iter().any(|f| f == "Open action items 4"),
        "{figures:?}"
    );
}

#[test]
fn owners_have_pages_with_their_items_by_postmortem() {
    let site = site();
    let html = site.html("action-items/index.html");
    let owners: Vec<(String, String, String, String)> = select(&html, "#owners-table tbody tr")
        .into_iter()
        .map(|tr| {
            let link = select_in(tr, "th a")[0];
            (
                text(link),
                attr(link, "href"),
                text(select_in(tr, "td[data-label=Open]")[0]),
                text(select_in(tr, "td[data-label=Closed]")[0]),
            )
        })
        .collect();
    let owned = |o: &str, u: &str, a: &str, b: &str| {
        (o.to_string(), u.to_string(), a.to_string(), b.to_string())
    };
    assert_eq!(
        owners,
        [
            owned("devops", "/action-items/devops/", "1", "1"),
            owned("sre", "/action-items/sre/", "2", "1"),
            owned("Unassigned", "/action-items/unassigned/", "1", "0"),
        ]
    );
    // sre: the cache postmortem (open items, earliest due 2023-01-15) before db (only a
    // done item); within a postmortem, open items by due date, then closed ones.
    let sre = site.html("action-items/sre/index.html");
    let groups: Vec<String> = select(&sre, "main h3.owner-pm a")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        groups,
        [
            "Cache stampede after deploy",
            "Web app down after MySQL password was mistyped"
        ]
    );
    let tasks: Vec<(String, String)> = select(&sre, "main .action-list li")
        .into_iter()
        .map(|li| (text(select_in(li, ".action-task")[0]), attr(li, "data-due")))
        .collect();
    let owned = |t: &str, d: &str| (t.to_string(), d.to_string());
    assert_eq!(
        tasks,
        [
            owned("Alert on hit ratio", "2023-01-15"),
            owned("Warm the cache before switching", "2024-06-01"),
            owned("Alert on MySQL authentication failures", ""),
        ]
    );
    // Every item is on exactly one owner page.
    let on_owner_pages: usize = ["devops", "sre", "unassigned"]
        .iter()
        .map(|o| {
            select(
                &site.html(&format!("action-items/{o}/index.html")),
                "main .action-list li",
            )
            .len()
        })
        .sum();
    assert_eq!(on_owner_pages, 6);
}

#[test]
fn json_export_carries_every_action_item() {
    let site = site();
    let json: serde_json::Value = serde_json::from_str(&site.read("postmortems.json")).unwrap();
    let items: usize = json["postmortems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["action_items"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(items, 6);
    let cache = json["postmortems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "cache")
        .unwrap();
    assert_eq!(cache["action_items"][0]["due"], "2024-06-01");
    assert_eq!(cache["action_items"][0]["status"], "in-progress");
}

#[test]
fn action_items_page_does_not_depend_on_the_day() {
    let site = site();
    let before = site.read("action-items/index.html");
    site.build(&[]);
    assert_eq!(before, site.read("action-items/index.html"));
    assert!(
        !before.contains("is-overdue"),
        "overdue is only marked by the script"
    );
}
