//! The output folder under stress: real `hindsight build` processes killed with SIGKILL
//! part-way, and several builds of the same output at once. Whatever happens, the output
//! folder holds a whole site, byte-identical to a complete build: the previous one or the
//! new one, never a mix and never nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixture::{CONFIG, SiteFixture};

/// Postmortems in the generated site: enough that a debug build takes long enough
/// to be killed at many different points.
const POSTMORTEMS: usize = 120;

/// A site of [`POSTMORTEMS`] postmortems titled after `title`.
fn large_site(title: &str) -> SiteFixture {
    let site = SiteFixture::new();
    site.config(&site_toml(title));
    for i in 0..POSTMORTEMS {
        let year = 2020 + i % 6;
        let month = 1 + i % 12;
        let day = 1 + i % 28;
        let root_cause = ["configuration", "deployment", "capacity"][i % 3];
        site.postmortem(
            &format!("{year}/incident-{i:04}.md"),
            &format!(
                "title: Incident number {i}\n\
                 started: {year}-{month:02}-{day:02}T10:00:00Z\n\
                 resolved: {year}-{month:02}-{day:02}T11:{:02}:00Z\n\
                 severity: SEV{}\n\
                 services: [mysql, api-{}]\n\
                 root_cause: {root_cause}\n\
                 action_items:\n  - {{ task: Fix thing {i}, owner: team-{}, status: open }}\n",
                i % 60,
                1 + i % 4,
                i % 7,
                i % 5,
            ),
            &format!(
                "## Summary\n\nWhat happened in incident {i}, at some length. {}\n\n\
                 ```sql\nSELECT * FROM incidents WHERE id = {i};\n```\n",
                "The database refused connections and the app retried. ".repeat(20)
            ),
        );
    }
    site
}

fn site_toml(title: &str) -> String {
    CONFIG.replace("Fixture incident library", title)
}

/// `hindsight build` of `site` as a child process, output discarded.
fn spawn_build(site: &SiteFixture, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .arg("build")
        .args(extra)
        .arg("--root")
        .arg(site.root())
        .current_dir(site.root())
        .env_remove("TZ")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hindsight build")
}

/// Which of the reference builds `dir` is byte-for-byte, if any.
fn which_build(dir: &Path, references: &[(&str, BTreeMap<String, Vec<u8>>)]) -> Option<String> {
    let actual = SiteFixture::snapshot(dir);
    references
        .iter()
        .find(|(_, files)| *files == actual)
        .map(|(name, _)| name.to_string())
}

/// Describes how `dir` differs from `reference`, for a failure message.
fn difference(dir: &Path, reference: &BTreeMap<String, Vec<u8>>) -> String {
    let actual = SiteFixture::snapshot(dir);
    let missing = reference
        .keys()
        .filter(|k| !actual.contains_key(*k))
        .count();
    let extra = actual
        .keys()
        .filter(|k| !reference.contains_key(*k))
        .count();
    let differing = actual
        .iter()
        .filter(|(k, v)| reference.get(*k).is_some_and(|r| r != *v))
        .map(|(k, _)| k.as_str())
        .take(3)
        .collect::<Vec<_>>();
    format!(
        "{} files: {missing} missing, {extra} extra, differing e.g. {differing:?}",
        actual.len()
    )
}

/// Files under `dir`, at any depth; 0 when it does not exist (yet, or any more).
fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .map(|entry| match entry.file_type() {
                Ok(t) if t.is_dir() => count_files(&entry.path()),
                Ok(_) => 1,
                Err(_) => 0,
            })
            .sum()
    })
}

#[test]
fn a_build_killed_at_any_point_leaves_a_whole_site_in_place() {
    let site = large_site("Library A");
    // The two complete sites the output may hold, built into folders of their own.
    site.build(&["--output", "ref-a"]);
    site.config(&site_toml("Library B"));
    site.build(&["--output", "ref-b"]);
    let references = [
        ("A", SiteFixture::snapshot(&site.path("ref-a"))),
        ("B", SiteFixture::snapshot(&site.path("ref-b"))),
    ];
    assert_ne!(references[0].1, references[1].1);
    let total = references[1].1.len();

    site.config(&site_toml("Library A"));
    site.build(&[]);
    let mut current = "A";
    // By progress, not by the clock (the machine may be busy): ten kills once the staging
    // folder holds a share of the site, from none (still loading the content) to all of
    // it (finishing, swapping); then three the moment the output folder holds fewer files
    // than a whole site, which a correct swap never lets happen (the build then ends).
    let by_progress = 10;
    let attempts = by_progress + 3;
    let mut killed_mid_build = 0;
    for attempt in 0..attempts {
        // Every build replaces every page (the title is on each).
        let next = if current == "A" { "B" } else { "A" };
        site.config(&site_toml(&format!("Library {next}")));
        let mut child = spawn_build(&site, &[]);
        let staging = site.path(&format!(".public.hindsight-staging-{}", child.id()));
        let written = total * attempt.min(by_progress - 1) / (by_progress - 1);
        let kill_now = || {
            if attempt < by_progress {
                attempt == 0 || count_files(&staging) >= written
            } else {
                count_files(&site.public()) < total
            }
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut running = true;
        while !kill_now() {
            if child.try_wait().unwrap().is_some() {
                running = false;
                break;
            }
            assert!(
                Instant::now() < deadline,
                "attempt {attempt}: the build stalled"
            );
            if attempt < by_progress {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        running &= child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        child.wait().unwrap();
        killed_mid_build += usize::from(running);
        let holds = which_build(&site.public(), &references);
        assert!(
            holds.is_some(),
            "after a kill (attempt {attempt}, {written} of {total} files staged) the output is neither whole site: {}",
            difference(&site.public(), &references[0].1)
        );
        current = if holds.as_deref() == Some("A") {
            "A"
        } else {
            "B"
        };
    }
    assert!(
        killed_mid_build >= by_progress / 2,
        "only {killed_mid_build} of {attempts} kills landed during a build; the test proves little"
    );

    // The next build clears what the killed ones left and writes the site.
    site.config(&site_toml("Library B"));
    site.build(&[]);
    assert_eq!(
        which_build(&site.public(), &references).as_deref(),
        Some("B")
    );
    assert_eq!(site.leftovers(), Vec::<String>::new());
}

#[test]
fn a_build_killed_between_the_two_renames_of_a_swap_gets_its_site_back() {
    // Where folders cannot be exchanged atomically, the previous output is renamed aside
    // as `old-<pid>` before the new one is renamed in. A build killed between the two
    // leaves no `public/`; the next build puts the previous site back first, so even a
    // next build that fails leaves it in place.
    let site = SiteFixture::standard();
    site.build(&[]);
    let before = SiteFixture::snapshot(&site.public());
    let dead_pid = 4_000_000; // above Linux's pid_max
    std::fs::rename(
        site.public(),
        site.path(&format!(".public.hindsight-old-{dead_pid}")),
    )
    .unwrap();
    // The staging folder of the killed build, half written.
    site.file(
        &format!(".public.hindsight-staging-{dead_pid}/postmortems/db/index.html"),
        "<!doctype html><title>half",
    );
    site.postmortem("2024/broken.md", "title: [unclosed\n", "");
    site.run(["build"]).assert_failed();
    assert!(
        SiteFixture::snapshot(&site.public()) == before,
        "previous site not restored"
    );
    assert_eq!(site.leftovers(), Vec::<String>::new());
}

#[test]
fn a_second_build_of_the_same_output_is_refused_while_the_first_runs() {
    let site = large_site("Library");
    site.build(&["--output", "reference"]);
    let reference = SiteFixture::snapshot(&site.path("reference"));

    let mut first = spawn_build(&site, &[]);
    let lock = site.path(".public.hindsight-lock");
    let deadline = Instant::now() + Duration::from_secs(60);
    // The lock file exists a moment before it is locked; the staging folder is made only
    // once the lock is held, so it says the first build holds it.
    let staging_exists = || {
        std::fs::read_dir(site.root()).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".public.hindsight-staging-")
            })
        })
    };
    while !staging_exists() {
        assert!(
            Instant::now() < deadline,
            "the first build never took the lock"
        );
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first build ended before the second could start"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = site.run(["build"]);
    let status = first.wait().unwrap();
    assert!(status.success(), "the first build failed: {status}");
    second.assert_failed();
    second.assert_stderr_line("error: another hindsight build is writing");
    assert!(
        second.stderr.contains(&lock.display().to_string())
            && second.stderr.contains("Wait for it to finish"),
        "the message should name the lock file and say what to do: {}",
        second.stderr
    );
    assert!(SiteFixture::snapshot(&site.public()) == reference);
    assert_eq!(site.leftovers(), Vec::<String>::new());
}

#[test]
fn builds_started_together_leave_one_whole_site() {
    let site = large_site("Library");
    site.build(&["--output", "reference"]);
    let reference = SiteFixture::snapshot(&site.path("reference"));
    for round in 0..2 {
        let children: Vec<Child> = (0..4).map(|_| spawn_build(&site, &[])).collect();
        let mut succeeded = 0;
        for child in children {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            if output.status.success() {
                succeeded += 1;
            } else {
                assert_eq!(output.status.code(), Some(1), "round {round}: {stderr}");
                assert!(
                    stderr.contains("another hindsight build is writing"),
                    "round {round}: a build failed for another reason: {stderr}"
                );
            }
        }
        assert!(succeeded >= 1, "round {round}: no build succeeded");
        assert!(
            SiteFixture::snapshot(&site.public()) == reference,
            "round {round}: {}",
            difference(&site.public(), &reference)
        );
        assert_eq!(site.leftovers(), Vec::<String>::new(), "round {round}");
    }
}

#[test]
fn the_lock_of_a_killed_build_does_not_block_the_next() {
    let site = large_site("Library");
    let mut first = spawn_build(&site, &[]);
    let lock = site.path(".public.hindsight-lock");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !lock.exists() && first.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the build never took the lock");
        std::thread::sleep(Duration::from_millis(2));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    site.build(&[]);
    assert!(site.public().join("index.html").is_file());
    assert_eq!(site.leftovers(), Vec::<String>::new());
}
