//! `hindsight import` as a command: which files it reads, where it writes, that it never
//! overwrites, that `--dry-run` writes nothing, and that the seeds import into
//! postmortems that build. What the importer infers is tested with the importer.

use std::path::{Path, PathBuf};

use crate::fixture::{SiteFixture, read_text};

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds")
}

/// Every file under `dir`, sorted.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn import_dry_run_writes_nothing() {
    let site = SiteFixture::new();
    let before = SiteFixture::snapshot(site.root());
    let run = site.run([
        "import".as_ref(),
        seeds_dir().as_os_str(),
        "--dry-run".as_ref(),
    ]);
    run.assert_ok();
    assert!(
        run.stdout.contains("dry run: nothing was written"),
        "{}",
        run.stdout
    );
    assert_eq!(
        SiteFixture::snapshot(site.root()),
        before,
        "--dry-run changed the site"
    );
    assert!(!site.path("content/imported").exists());
}

#[test]
fn import_of_the_seeds_builds_and_passes_check() {
    let site = SiteFixture::new();
    let run = site.run(["import".as_ref(), seeds_dir().as_os_str()]);
    run.assert_ok();
    let written = files_in(&site.path("content/imported"));
    assert_eq!(written.len(), 2, "one postmortem per seed:\n{}", run.stdout);
    for file in &written {
        let text = read_text(file);
        assert!(text.starts_with("---\n"), "{}: {text}", file.display());
        assert!(
            run.stdout.contains(&file.display().to_string()),
            "{}",
            run.stdout
        );
    }
    site.build(&["--drafts"]);
    let check = site.run(["check"]);
    check.assert_ok();
}

#[test]
fn import_never_overwrites_and_reports_reruns() {
    let site = SiteFixture::new();
    let seed = files_in(&seeds_dir()).into_iter().next().expect("a seed");
    let first = site.run(["import".as_ref(), seed.as_os_str()]);
    first.assert_ok();
    let written = files_in(&site.path("content/imported"));
    assert_eq!(written.len(), 1, "{}", first.stdout);
    // The same document again: reported, not duplicated.
    let again = site.run(["import".as_ref(), seed.as_os_str()]);
    again.assert_ok();
    assert!(
        again.stdout.contains("already imported, unchanged"),
        "{}",
        again.stdout
    );
    assert_eq!(files_in(&site.path("content/imported")), written);
    // The file edited since: kept, and the new import goes beside it.
    std::fs::write(&written[0], "edited by hand").unwrap();
    let third = site.run(["import".as_ref(), seed.as_os_str()]);
    third.assert_ok();
    assert_eq!(read_text(&written[0]), "edited by hand");
    let now = files_in(&site.path("content/imported"));
    assert_eq!(now.len(), 2, "{}", third.stdout);
    let stem = written[0]
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let beside = site.path(&format!("content/imported/{stem}-2.md"));
    assert!(now.contains(&beside), "{now:?}");
}

#[test]
fn import_reports_documents_that_are_not_postmortems() {
    let site = SiteFixture::new();
    site.file("inbox/shopping.md", "# Shopping list\n\n- eggs\n- flour\n");
    site.file("inbox/.hidden", "skipped");
    let run = site.run(["import".as_ref(), site.path("inbox").as_os_str()]);
    run.assert_ok();
    assert!(
        run.stdout.contains("shopping.md: not a postmortem: "),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(".hidden"), "{}", run.stdout);
    assert!(!site.path("content/imported").exists());
}

#[test]
fn import_of_a_missing_file_exits_1() {
    let site = SiteFixture::new();
    let run = site.run(["import", "no-such-file.md"]);
    run.assert_failed();
    run.assert_stderr_line("error: cannot read no-such-file.md");
}

#[test]
fn import_writes_into_out() {
    let site = SiteFixture::new();
    let out = site.path("content/2024/from-wiki");
    let run = site.run([
        "import".as_ref(),
        seeds_dir().as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    run.assert_ok();
    assert_eq!(files_in(&out).len(), 2, "{}", run.stdout);
    assert!(!site.path("content/imported").exists());
}

/// Reports as teams keep them: one never says on which day it happened, the other links
/// to it by file name. Both import into postmortems that build: the undated one with a
/// warning and shown as Undated (no date is invented), the link turned into its text.
#[test]
fn undated_reports_and_links_between_reports_import_into_a_site_that_builds() {
    let site = SiteFixture::new();
    site.file(
        "wiki/cache-flush.md",
        "# Cache flush took the shop down\n\n## Summary\n\nFrom 09:10 to 09:55 UTC the shop returned errors to every visitor after a cache flush.\n\n## Timeline\n\n- 09:10 UTC: error rate alert\n- 09:55 UTC: cache warmed, resolved\n",
    );
    site.file(
        "wiki/2024-05-02-cache-again.md",
        "# 2024-05-02 Cache flush again\n\nOn 2024-05-02 from 14:00 to 14:20 UTC the shop was down again, like [last time](cache-flush.md).\n",
    );
    let run = site.run(["import".as_ref(), site.path("wiki").as_os_str()]);
    run.assert_ok();
    assert!(
        run.stdout
            .contains("left out: date: the document states no incident date"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("note: links: 1 link"), "{}", run.stdout);

    let build = site.build(&["--drafts"]);
    assert!(build.stderr.contains("no date"), "{}", build.stderr);
    let again = read_text(&site.path("content/imported/2024-05-02-cache-flush-again.md"));
    assert!(again.contains("like last time."), "{again}");
    assert!(again.contains("started: 2024-05-02T14:00:00Z"), "{again}");

    let undated = site.html("postmortems/cache-flush-took-the-shop-down/index.html");
    let header = crate::fixture::text(crate::fixture::first(&undated, ".pm-header"));
    assert!(header.contains("Undated"), "{header}");
}
