//! Every list in pages of `paginate_by`: the right entries in order on each page, working
//! previous/next links at the root and under a sub-path, counts of the whole list, every
//! page in the sitemap, `check` knowing page URLs, an invalid `paginate_by` an error with
//! its line, and `serve` updating the right page after an edit.

use std::path::Path;

use scraper::Html;

use crate::fixture::{
    SiteFixture, base_path_of, broken_links, first, hrefs, read_text, resolve_output_path, select,
    text,
};
use crate::serve::{Server, edit};

/// Three to a page.
const PER_PAGE: usize = 3;

fn config() -> String {
    crate::fixture::CONFIG.replacen(
        "description =",
        &format!("paginate_by = {PER_PAGE}\ndescription ="),
        1,
    )
}

/// Eleven postmortems `p00` (the most recent) to `p10`: five in 2024, five in 2023, one
/// in 2022; SEV1 for every fourth, SEV2 for the others; Capacity for every third from
/// `p02`, Configuration for the rest; all on `mysql`, the even ones on `api` too. Each has
/// an open action item of `sre`, due in the opposite order (`p10`'s first); the even
/// ones a closed one of `dba`.
fn library() -> SiteFixture {
    let site = SiteFixture::new();
    site.config(&config());
    for i in 0..11 {
        site.postmortem(&format!("lib/p{i:02}.md"), &front_matter(i), "Body.\n");
    }
    site
}

fn front_matter(i: usize) -> String {
    let (year, month) = match i {
        0..5 => (2024, 12 - i),
        5..10 => (2023, 12 - (i - 5)),
        _ => (2022, 6),
    };
    let severity = if i.is_multiple_of(4) { "SEV1" } else { "SEV2" };
    let cause = if i % 3 == 2 {
        "capacity"
    } else {
        "configuration"
    };
    let services = if i.is_multiple_of(2) {
        "[mysql, api]"
    } else {
        "[mysql]"
    };
    let closed = if i.is_multiple_of(2) {
        format!("\n  - {{ task: Closed {i}, owner: dba, status: done }}")
    } else {
        String::new()
    };
    format!(
        "title: Incident number {i}\nstarted: {year}-{month:02}-10T10:00:00Z\nresolved: {year}-{month:02}-10T11:00:00Z\nseverity: {severity}\nroot_cause: {cause}\nservices: {services}\naction_items:\n  - {{ task: Task {i}, owner: sre, status: open, due: 2025-01-{:02} }}{closed}\n",
        20 - i
    )
}

/// `p03, p04` → `["/postmortems/p03/", "/postmortems/p04/"]` under `base`.
fn urls(base: &str, numbers: &[usize]) -> Vec<String> {
    numbers
        .iter()
        .map(|i| format!("{base}postmortems/p{i:02}/"))
        .collect()
}

/// A built output and the base path its links carry.
struct Built<'a> {
    out: &'a Path,
    base: String,
    files: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Built<'_> {
    /// The page at root-relative `url` (with the base path).
    #[track_caller]
    fn page(&self, url: &str) -> Html {
        let rest = url
            .strip_prefix(&self.base)
            .unwrap_or_else(|| panic!("{url} is not under {}", self.base));
        let file =
            resolve_output_path(&self.files, rest).unwrap_or_else(|| panic!("no page at {url}"));
        Html::parse_document(&read_text(&self.out.join(file)))
    }

    /// Follows a list's `rel=next` links from its first page at `url`, checking each
    /// page's URL, its `rel=prev` link back, its head links and its numbered links; returns
    /// the entries (`css`'s hrefs) of every page.
    #[track_caller]
    fn walk(&self, url: &str, css: &str) -> Vec<Vec<String>> {
        let mut pages = Vec::new();
        let mut here = url.to_string();
        let mut previous: Option<String> = None;
        loop {
            let html = self.page(&here);
            let n = pages.len() + 1;
            let expected = if n == 1 {
                url.to_string()
            } else {
                format!("{url}page/{n}/")
            };
            assert_eq!(here, expected, "page {n} of {url}");
            let prev = hrefs(&html, "main nav.pagination a[rel=prev]");
            let head_prev = hrefs(&html, "head link[rel=prev]");
            assert_eq!(prev, previous.iter().cloned().collect::<Vec<_>>(), "{here}");
            assert_eq!(head_prev, prev, "{here}: the head's rel=prev");
            let next = hrefs(&html, "main nav.pagination a[rel=next]");
            assert_eq!(hrefs(&html, "head link[rel=next]"), next, "{here}");
            let entries = hrefs(&html, css);
            pages.push(entries);
            if let Some(current) = select(&html, "main nav.pagination a[aria-current=page]").first()
            {
                assert_eq!(text(*current), format!("Page {n}"), "{here}");
                assert_eq!(current.value().attr("href"), Some(here.as_str()));
            }
            match next.as_slice() {
                [] => break,
                [next] => {
                    previous = Some(here.clone());
                    here = next.clone();
                }
                more => panic!("{here} has several next links: {more:?}"),
            }
            assert!(pages.len() < 50, "{url} never ends");
        }
        if pages.len() == 1 {
            let html = self.page(url);
            assert!(
                select(&html, "main nav.pagination").is_empty(),
                "{url}: a pager on a list of one page"
            );
        }
        pages
    }

    /// [`Built::walk`], checking that every page but the last is full and the entries
    /// are `expected`, in order.
    #[track_caller]
    fn assert_list(&self, url: &str, css: &str, expected: &[String]) {
        let pages = self.walk(&format!("{}{url}", self.base), css);
        let count = pages.len();
        for (i, page) in pages.iter().enumerate() {
            if i + 1 < count {
                assert_eq!(page.len(), PER_PAGE, "page {} of {url}: {page:?}", i + 1);
            } else {
                assert!(
                    (1..=PER_PAGE).contains(&page.len()),
                    "last page of {url}: {page:?}"
                );
            }
        }
        assert_eq!(pages.concat(), expected, "{url}");
        assert_eq!(count, expected.len().div_ceil(PER_PAGE), "{url}");
    }
}

const POSTMORTEMS: &str = "main .pm-title a";

#[test]
fn every_list_kind_is_split_at_paginate_by_with_working_links_at_the_root_and_under_a_sub_path() {
    let site = library();
    for base_url in ["https://example.org/", "https://example.org/library/"] {
        let out = site.path(&format!("out-{}", base_path_of(base_url).len()));
        site.build(&["--base-url", base_url, "--output", out.to_str().unwrap()]);
        let built = Built {
            out: &out,
            base: base_path_of(base_url),
            files: SiteFixture::snapshot(&out),
        };
        let b = built.base.as_str();
        let all: Vec<usize> = (0..11).collect();
        let of = |keep: &dyn Fn(usize) -> bool| -> Vec<usize> {
            all.iter().copied().filter(|i| keep(*i)).collect()
        };
        let sev1 = |i: usize| i.is_multiple_of(4);
        let configuration = |i: usize| i % 3 != 2;
        let lists: Vec<(&str, &str, Vec<usize>)> = vec![
            ("", POSTMORTEMS, all.clone()),
            (
                "root-causes/configuration/",
                POSTMORTEMS,
                of(&configuration),
            ),
            (
                "root-causes/configuration/sev2/",
                POSTMORTEMS,
                of(&|i| configuration(i) && !sev1(i)),
            ),
            ("root-causes/capacity/", POSTMORTEMS, of(&|i| i % 3 == 2)),
            ("services/mysql/", POSTMORTEMS, all.clone()),
            ("services/api/", POSTMORTEMS, of(&|i| i % 2 == 0)),
            ("services/api/sev1/", POSTMORTEMS, of(&|i| sev1(i))),
            ("severities/sev2/", POSTMORTEMS, of(&|i| !sev1(i))),
            ("severities/sev1/", POSTMORTEMS, of(&sev1)),
            ("years/2024/", POSTMORTEMS, (0..5).collect()),
            ("years/2023/", POSTMORTEMS, (5..10).collect()),
            (
                "action-items/",
                "#open-actions td[data-label=Postmortem] a",
                all.iter().rev().copied().collect(),
            ),
            (
                "action-items/sre/",
                "main h3.owner-pm a",
                all.iter().rev().copied().collect(),
            ),
            (
                "action-items/dba/",
                "main h3.owner-pm a",
                of(&|i| i % 2 == 0),
            ),
            (
                "timeline/2024/",
                "main li.tl-row a.tl-title",
                (0..5).collect(),
            ),
            ("timeline/2022/", "main li.tl-row a.tl-title", vec![10]),
        ];
        for (list, css, expected) in &lists {
            built.assert_list(list, css, &urls(b, expected));
        }
        let problems = broken_links(&out, base_url);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

#[test]
fn counts_and_figures_on_every_page_are_those_of_the_whole_list() {
    let site = library();
    site.build(&[]);
    // Configuration: p00 p01 p03 | p04 p06 p07 | p09 p10.
    let second = site.html("root-causes/configuration/page/2/index.html");
    assert_eq!(text(first(&second, "main .figure-value")), "8");
    assert_eq!(
        text(first(
            &second,
            "main nav.filters a[aria-current=page] .filter-count"
        )),
        "8"
    );
    let y2024 = text(first(&second, "#y2024-title"));
    assert_eq!(y2024, "2024 (continued) 4 incidents");
    assert_eq!(text(first(&second, "#y2023-title")), "2023 3 incidents");
    assert_eq!(
        text(first(&second, "main nav.pagination .pagination-status")),
        "Page 2 of 3: postmortems 4–6 of 8"
    );
    // Every year of the list is linked, on the page where it begins.
    assert_eq!(
        hrefs(&second, "main nav.year-jump a"),
        [
            "/root-causes/configuration/#y2024",
            "/root-causes/configuration/page/2/#y2023",
            "/root-causes/configuration/page/3/#y2022",
        ]
    );
    // SEV2: p01 p02 p03 | p05 p06 p07 | p09 p10; 2023 begins on page 2, 2022 on page 3,
    // which is where the year pages send "SEV2 in that year".
    let y2023 = site.html("years/2023/index.html");
    assert!(
        hrefs(&y2023, "main nav.filters a").contains(&"/severities/sev2/page/2/#y2023".to_string())
    );
    assert_eq!(
        text(first(
            &site.html("severities/sev2/page/3/index.html"),
            "main h1"
        )),
        "SEV2 8 postmortems"
    );
    // The action items and an owner's page count all their items.
    let actions = site.html("action-items/page/4/index.html");
    assert!(
        text(first(&actions, "main .lead")).contains("11 open"),
        "{}",
        text(first(&actions, "main .lead"))
    );
    assert_eq!(text(first(&actions, "#open-title .count")), "11");
    // The table of owners is on the first page; the others link to it.
    assert!(select(&actions, "#owners-table").is_empty());
    assert!(hrefs(&actions, "main a").contains(&"/action-items/#owners".to_string()));
    assert_eq!(
        select(
            &site.html("action-items/index.html"),
            "#owners-table tbody tr"
        )
        .len(),
        2
    );
    let sre = site.html("action-items/sre/page/2/index.html");
    assert!(
        text(first(&sre, "main .lead")).contains("11 open, 0 done, across 11 postmortems"),
        "{}",
        text(first(&sre, "main .lead"))
    );
    // The home page's figures are on its first page; the others continue the list.
    let home = site.html("index.html");
    assert_eq!(text(first(&home, "main .figure-value")), "11");
    let home_2 = site.html("page/2/index.html");
    assert!(select(&home_2, "main .figures").is_empty());
    assert!(text(first(&home_2, "main .lead")).contains("11 in all"));
    assert_eq!(
        text(first(&home_2, "title")),
        "Postmortems · Page 2 · Fixture incident library"
    );
    // The timeline's index counts each year and month, and links where each month begins.
    let timeline = site.html("timeline/index.html");
    assert_eq!(text(first(&timeline, "#y2024-title")), "2024 5 incidents");
    assert_eq!(
        hrefs(&timeline, "#y2024 nav a"),
        [
            "/timeline/2024/#m2024-12",
            "/timeline/2024/#m2024-11",
            "/timeline/2024/#m2024-10",
            "/timeline/2024/page/2/#m2024-09",
            "/timeline/2024/page/2/#m2024-08",
        ]
    );
}

#[test]
fn pages_work_without_javascript_and_a_short_list_has_no_pager() {
    let site = library();
    site.build(&[]);
    let page = site.read("severities/sev2/page/2/index.html");
    // Plain links; the only scripts of a list page are none (the action items' script
    // only marks overdue items).
    assert!(!page.contains("<script"), "{page}");
    let html = Html::parse_document(&page);
    assert_eq!(
        hrefs(&html, "main nav.pagination li a"),
        [
            "/severities/sev2/",
            "/severities/sev2/",
            "/severities/sev2/page/2/",
            "/severities/sev2/page/3/",
            "/severities/sev2/page/3/",
        ]
    );
    // A list of one page has no pager and no page/ folder.
    let files = SiteFixture::snapshot(&site.public());
    assert!(select(&site.html("services/api/sev1/index.html"), "nav.pagination").is_empty());
    assert!(
        !files
            .keys()
            .any(|p| p.starts_with("services/api/sev1/page/"))
    );
    assert!(!files.contains_key("page/1/index.html"));
    assert!(!files.contains_key("page/5/index.html"));
    assert!(files.contains_key("page/4/index.html"));
}

#[test]
fn the_sitemap_lists_every_page_of_every_list() {
    let site = library();
    for base_url in ["https://example.org/", "https://example.org/library/"] {
        let out = site.path(&format!("sitemap-{}", base_path_of(base_url).len()));
        site.build(&["--base-url", base_url, "--output", out.to_str().unwrap()]);
        let xml = read_text(&out.join("sitemap.xml"));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let mut locs: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("loc"))
            .filter_map(|n| n.text())
            .map(|loc| {
                loc.strip_prefix(base_url)
                    .unwrap_or_else(|| panic!("{loc} is not under {base_url}"))
                    .to_string()
            })
            .collect();
        locs.sort();
        let mut pages: Vec<String> = SiteFixture::snapshot(&out)
            .into_keys()
            .filter(|p| p.ends_with(".html") && p != "404.html")
            .map(|p| p.strip_suffix("index.html").unwrap_or(&p).to_string())
            .collect();
        pages.sort();
        assert_eq!(locs, pages);
        for paged in [
            "page/4/",
            "action-items/sre/page/4/",
            "timeline/2024/page/2/",
        ] {
            assert!(locs.contains(&paged.to_string()), "{paged} in {locs:?}");
        }
    }
}

#[test]
fn an_invalid_paginate_by_is_an_error_naming_its_line() {
    let site = SiteFixture::standard();
    for (value, message) in [
        (
            "0",
            "paginate_by is 0: it must be a whole number from 1 to 1000",
        ),
        (
            "-5",
            "paginate_by is -5: it must be a whole number from 1 to 1000",
        ),
        (
            "5000",
            "paginate_by is 5000: it must be a whole number from 1 to 1000",
        ),
    ] {
        site.config(&format!(
            "title = \"T\"\npaginate_by = {value}\nbase_url = \"https://example.org/\"\n"
        ));
        for command in ["build", "check"] {
            let run = site.run([command]);
            run.assert_failed();
            run.assert_stderr_line(&format!("error: site.toml:2:15: {message}"));
            assert!(
                run.stderr.contains(
                    "help: set how many entries a list page shows, e.g. paginate_by = 50"
                ),
                "{}",
                run.stderr
            );
        }
    }
    site.config("title = \"T\"\nbase_url = \"https://example.org/\"\npaginate_by = \"ten\"\n");
    site.run(["build"])
        .assert_failed()
        .assert_stderr_line("error: site.toml:3:15:");
    site.config("title = \"T\"\nbase_url = \"https://example.org/\"\npaginate = 10\n");
    let run = site.run(["build"]);
    run.assert_failed()
        .assert_stderr_line("error: site.toml:3:1:");
    assert!(
        run.stderr.contains("did you mean `paginate_by`"),
        "{}",
        run.stderr
    );
    // A failed build leaves no output behind.
    assert!(!site.public().exists());
}

#[test]
fn check_knows_the_pages_of_lists() {
    let site = library();
    site.postmortem(
        "links.md",
        "title: Links to pages of lists\ndate: 2020-01-01\nseverity: SEV3\nroot_cause: capacity\n",
        "[a](/severities/sev2/page/2/) [b](/severities/sev2/page/3/#y2022) [c](/timeline/2024/page/2/#m2024-09)\n\n[d](/severities/sev2/page/9/)\n\n[e](/severities/sev2/page/2/#y2022)\n",
    );
    let run = site.run(["check"]);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: content/links.md") && l.contains("link"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    assert_eq!(
        warnings[0],
        "warning: content/links.md:9:1: link to a page the site does not have: /severities/sev2/page/9/"
    );
    assert!(
        warnings[1].starts_with("warning: content/links.md:11:1: link to a missing anchor: /severities/sev2/page/2/ has no heading \"#y2022\""),
        "{}",
        warnings[1]
    );
}

/// Entries of the home page's pages, as the server answers them.
fn served_home(server: &Server) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut url = "/".to_string();
    loop {
        let reply = server.get(&url);
        assert_eq!(reply.status, 200, "{url}");
        let html = reply.html();
        pages.push(hrefs(&html, POSTMORTEMS));
        match hrefs(&html, "main nav.pagination a[rel=next]").pop() {
            Some(next) => url = next,
            None => return pages,
        }
        assert!(pages.len() < 20);
    }
}

#[test]
fn serve_updates_the_page_a_postmortem_is_on_and_moves_it_to_another_page() {
    let site = library();
    let server = Server::start(&site);
    let home = |numbers: &[&[usize]]| -> Vec<Vec<String>> {
        numbers.iter().map(|page| urls("/", page)).collect()
    };
    assert_eq!(
        served_home(&server),
        home(&[&[0, 1, 2], &[3, 4, 5], &[6, 7, 8], &[9, 10]])
    );
    // A new title shows on the page it is on.
    edit(&site, "content/lib/p07.md", |t| {
        t.replace("Incident number 7", "Renamed seventh")
    });
    server.wait_for_text("/page/3/", "Renamed seventh");
    assert!(!server.get("/").text().contains("Renamed seventh"));
    // A new date moves it to the first page of every list it is on, and the others along.
    edit(&site, "content/lib/p07.md", |t| {
        t.replace("2023-10-10", "2025-01-10")
    });
    server.wait_for("/", "p07 first on the home page", |reply| {
        hrefs(&reply.html(), POSTMORTEMS).first() == Some(&"/postmortems/p07/".to_string())
    });
    assert_eq!(
        served_home(&server),
        home(&[&[7, 0, 1], &[2, 3, 4], &[5, 6, 8], &[9, 10]])
    );
    let sev2 = server.get("/severities/sev2/").html();
    assert_eq!(hrefs(&sev2, POSTMORTEMS), urls("/", &[7, 1, 2]));
    assert_eq!(
        hrefs(&server.get("/severities/sev2/page/2/").html(), POSTMORTEMS),
        urls("/", &[3, 5, 6])
    );
    assert_eq!(
        hrefs(&server.get("/severities/sev2/page/3/").html(), POSTMORTEMS),
        urls("/", &[9, 10])
    );
    // A year of its own, on the timeline and in the sitemap.
    let y2025 = server.get("/timeline/2025/");
    assert_eq!(y2025.status, 200);
    assert!(
        server
            .get("/sitemap.xml")
            .text()
            .contains("/timeline/2025/")
    );
    // One postmortem fewer in 2023: the next one moves up a page.
    assert_eq!(
        hrefs(&server.get("/years/2023/page/2/").html(), POSTMORTEMS),
        urls("/", &[9])
    );
    // Its action item, due first now, moves to the first page of the open items.
    edit(&site, "content/lib/p07.md", |t| {
        t.replace("due: 2025-01-13", "due: 2024-12-01")
    });
    server.wait_for("/action-items/", "p07's item first", |reply| {
        hrefs(&reply.html(), "#open-actions td[data-label=Postmortem] a").first()
            == Some(&"/postmortems/p07/".to_string())
    });
    let last = server.get("/action-items/page/4/").html();
    assert_eq!(
        hrefs(&last, "#open-actions td[data-label=Postmortem] a"),
        urls("/", &[1, 0])
    );
}
