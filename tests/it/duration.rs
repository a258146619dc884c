//! `duration` in the front matter: how long impact lasted, for a postmortem that says how
//! long but not when. Shown on the page and counted in the figures where `started` and
//! `resolved` are absent; an error when it disagrees with them, or cannot be read.

use crate::fixture::{SiteFixture, first, text};

const HEAD: &str = "title: Search was slow\nseverity: SEV2\nroot_cause: capacity\n";

#[test]
fn a_stated_duration_is_shown_and_counted_without_start_and_end() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/slow-search.md",
        &format!("{HEAD}date: 2024-05-02\nduration: 2h 30m\n"),
        "Search answered slowly for about two and a half hours.\n",
    );
    site.build(&[]);
    let page = site.html("postmortems/slow-search/index.html");
    let prop = first(&page, ".pm-header time[datetime='PT2H30M']");
    assert_eq!(text(prop), "2h 30m");

    let stats = site.run(["stats", "--format", "json"]);
    stats.assert_ok();
    let json: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    let causes = json["causes"].as_array().unwrap();
    let capacity = causes.iter().find(|c| c["key"] == "capacity").unwrap();
    assert!(
        capacity["with_duration"].as_u64().unwrap() >= 1,
        "the stated duration counts as a time to resolve: {capacity}"
    );
}

#[test]
fn durations_are_written_in_short_or_long_units() {
    for value in [
        "2h 30m",
        "2h30m",
        "150m",
        "2 hours 30 minutes",
        "2 hours, 30 minutes",
    ] {
        let site = SiteFixture::standard();
        site.postmortem(
            "2024/slow-search.md",
            &format!("{HEAD}date: 2024-05-02\nduration: {value}\n"),
            "",
        );
        site.build(&[]);
        let page = site.html("postmortems/slow-search/index.html");
        assert_eq!(
            text(first(&page, ".pm-header time[datetime='PT2H30M']")),
            "2h 30m",
            "{value}"
        );
    }
}

#[test]
fn a_duration_that_agrees_with_start_and_end_is_accepted() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/agrees.md",
        &format!(
            "{HEAD}started: 2024-05-02T10:00:00Z\nresolved: 2024-05-02T12:30:00Z\nduration: 2h 30m\n"
        ),
        "",
    );
    site.build(&[]);
}

#[test]
fn a_duration_that_disagrees_with_start_and_end_is_an_error() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/disagrees.md",
        &format!(
            "{HEAD}started: 2024-05-02T10:00:00Z\nresolved: 2024-05-02T11:00:00Z\nduration: 2h 30m\n"
        ),
        "",
    );
    let run = site.run(["build"]);
    run.assert_failed();
    run.assert_stderr_line(
        "error: content/2024/disagrees.md:7:11: duration (2h 30m) disagrees with started to resolved (1h)",
    );
}

#[test]
fn an_unreadable_duration_names_file_and_line() {
    for (value, message) in [
        ("2 fortnights", "\"fortnights\" is not a unit"),
        ("30", "\"30\" has no unit"),
        ("30m 2h", "largest first"),
        ("0m", "duration is zero"),
    ] {
        let site = SiteFixture::standard();
        site.postmortem(
            "2024/unreadable.md",
            &format!("{HEAD}date: 2024-05-02\nduration: {value}\n"),
            "",
        );
        let run = site.run(["build"]);
        run.assert_failed();
        assert!(
            run.stderr.lines().any(
                |l| l.starts_with("error: content/2024/unreadable.md:6:11: ")
                    && l.contains(message)
            ),
            "{value}: {}",
            run.stderr
        );
    }
}
