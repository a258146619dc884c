//! `hindsight new` and `hindsight init`: what they write, that it builds and passes
//! `check`, and that neither ever overwrites a file.

use std::path::Path;
use std::process::Command;

use crate::fixture::{Run, SiteFixture, read_text};

/// Runs the binary with `args` as given (no `--root` added) in a clean environment.
fn hindsight<I, S>(args: I, cwd: &Path) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_hindsight"));
    command.args(args).current_dir(cwd).env_remove("TZ");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("HINDSIGHT_") {
            command.env_remove(&key);
        }
    }
    let output = command.output().expect("run hindsight");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("hindsight-it-")
        .tempdir()
        .unwrap()
}

#[test]
fn new_writes_a_draft_that_builds_and_passes_check() {
    let site = SiteFixture::new();
    let run = site.run([
        "new",
        "DB: down after a bad migration",
        "--date",
        "2024-05-06",
        "--service",
        "mysql",
        "--service",
        "Web App",
        "--root-cause",
        "deployment",
        "--severity",
        "sev2",
    ]);
    run.assert_ok();
    let path = site.path("content/2024/db-down-after-a-bad-migration.md");
    assert_eq!(run.stdout.trim(), path.display().to_string());
    let text = read_text(&path);
    for line in [
        "title: \"DB: down after a bad migration\"\n",
        "date: 2024-05-06\n",
        "status: draft ",
        "severity: SEV2 ",
        "services: [mysql, web-app]\n",
        "root_cause: deployment ",
        "started: 2024-05-06T",
    ] {
        assert!(text.contains(line), "{line:?} missing in\n{text}");
    }
    for section in [
        "## Summary",
        "## Impact",
        "## Timeline",
        "## Root cause",
        "## Resolution",
        "## What went well",
        "## What went badly",
        "## Where we got lucky",
        "## Action items",
    ] {
        assert!(text.contains(section), "{section} missing in\n{text}");
    }
    // web-app is not declared in the fixture's [services]: a warning, not a refusal.
    run.assert_stderr_line("warning: --service: service \"web-app\" is not declared");

    site.build(&["--drafts"]);
    assert!(
        site.public()
            .join("postmortems/db-down-after-a-bad-migration/index.html")
            .is_file()
    );
    let check = site.run(["check"]);
    check.assert_ok();
    assert!(check.stdout.starts_with("0 errors, "), "{}", check.stdout);
}

#[test]
fn new_without_options_fills_today_and_the_least_severity() {
    let site = SiteFixture::new();
    let run = site.run(["new", "Queue backlog"]);
    run.assert_ok();
    let path = std::path::PathBuf::from(run.stdout.trim());
    let text = read_text(&path);
    assert!(text.contains("severity: SEV4 "), "{text}");
    assert!(text.contains("# root_cause:"), "{text}");
    run.assert_stderr_line("note: severity: SEV4");
    site.build(&["--drafts"]);
    let check = site.run(["check"]);
    check.assert_ok();
    assert!(
        check
            .stdout
            .starts_with("0 errors, 0 warnings in 1 postmortem"),
        "{}",
        check.stdout
    );
}

#[test]
fn new_refuses_to_overwrite() {
    let site = SiteFixture::new();
    let args = ["new", "Disk full", "--date", "2024-03-05"];
    site.run(args).assert_ok();
    let path = site.path("content/2024/disk-full.md");
    std::fs::write(&path, "my edits").unwrap();
    let again = site.run(args);
    again.assert_failed();
    again.assert_stderr_line("error: ");
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(read_text(&path), "my edits");
    // Another year's file with the same name would give the same URL: refused too.
    let other_year = site.run(["new", "Disk full", "--date", "2023-01-01"]);
    other_year.assert_failed();
    assert!(
        other_year.stderr.contains("/postmortems/disk-full/"),
        "{}",
        other_year.stderr
    );
    assert!(!site.path("content/2023/disk-full.md").exists());
}

#[test]
fn new_rejects_unknown_root_cause_and_severity_with_suggestions() {
    let site = SiteFixture::new();
    let run = site.run([
        "new",
        "Typo",
        "--root-cause",
        "confguration",
        "--severity",
        "SEV7",
    ]);
    run.assert_failed();
    run.assert_stderr_line(
        "error: --root-cause: unknown root cause \"confguration\" (did you mean \"configuration\"?)",
    );
    run.assert_stderr_line("error: --severity: unknown severity \"SEV7\"");
    assert!(
        std::fs::read_dir(site.path("content"))
            .unwrap()
            .next()
            .is_none()
    );
    // A malformed date is a usage error.
    assert_eq!(site.run(["new", "Typo", "--date", "2024-02-30"]).code, 2);
}

#[test]
fn new_uses_the_site_archetype_over_the_theme() {
    let site = SiteFixture::new();
    site.file(
        "archetypes/postmortem.md",
        "---\ntitle: {{ title }}\ndate: {{ date }}\nseverity: {{ severity }}\nstatus: draft\n---\nOur own template for {{ title_text }}.\n",
    );
    let run = site.run(["new", "Custom: one", "--date", "2024-01-01"]);
    run.assert_ok();
    let text = read_text(&site.path("content/2024/custom-one.md"));
    assert!(
        text.ends_with("Our own template for Custom: one.\n"),
        "{text}"
    );
    site.build(&["--drafts"]);
}

#[test]
fn init_scaffolds_a_site_that_builds_and_passes_check() {
    let tmp = temp_dir();
    let dir = tmp.path().join("kb");
    let run = hindsight(["init".as_ref(), dir.as_os_str()], tmp.path());
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for file in ["site.toml", ".gitignore", ".github/workflows/pages.yml"] {
        assert!(dir.join(file).is_file(), "{file} missing");
        assert!(
            run.stdout
                .contains(&format!("created {}", dir.join(file).display()))
        );
    }
    assert!(read_text(&dir.join(".gitignore")).contains("public/"));
    let examples: Vec<_> = walk(&dir.join("content"));
    assert_eq!(examples.len(), 1, "{examples:?}");
    assert!(
        examples[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("example-"),
        "{examples:?}"
    );
    let workflow = read_text(&dir.join(".github/workflows/pages.yml"));
    for action in [
        "actions/checkout@",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
        "cargo +stable install --locked --git",
        "hindsight build --base-url",
    ] {
        assert!(
            workflow.contains(action),
            "{action} missing in the workflow"
        );
    }

    let build = hindsight(
        ["build".as_ref(), "--root".as_ref(), dir.as_os_str()],
        tmp.path(),
    );
    assert_eq!(build.code, 0, "{}\n{}", build.stdout, build.stderr);
    assert!(dir.join("public/index.html").is_file());
    let check = hindsight(
        ["check".as_ref(), "--root".as_ref(), dir.as_os_str()],
        tmp.path(),
    );
    assert_eq!(check.code, 0, "{}\n{}", check.stdout, check.stderr);
    assert!(check.stdout.starts_with("0 errors, "), "{}", check.stdout);
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let tmp = temp_dir();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let run = hindsight(["init", "."], tmp.path());
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert!(run.stderr.contains("notes.txt"), "{}", run.stderr);
    assert!(!tmp.path().join("site.toml").exists());
    // A fresh clone holds only .git: that is empty enough.
    let clone = temp_dir();
    std::fs::create_dir(clone.path().join(".git")).unwrap();
    let run = hindsight(["init"], clone.path());
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(clone.path().join("site.toml").is_file());
}

#[test]
fn init_force_never_overwrites() {
    let tmp = temp_dir();
    let own = "title = \"Ours\"\nbase_url = \"https://ours.example/\"\n";
    std::fs::write(tmp.path().join("site.toml"), own).unwrap();
    std::fs::create_dir_all(tmp.path().join(".github/workflows")).unwrap();
    std::fs::write(tmp.path().join(".github/workflows/pages.yml"), "# ours\n").unwrap();
    let run = hindsight(["init", ".", "--force"], tmp.path());
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(read_text(&tmp.path().join("site.toml")), own);
    assert_eq!(
        read_text(&tmp.path().join(".github/workflows/pages.yml")),
        "# ours\n"
    );
    assert!(run.stdout.contains("skipped ./site.toml"), "{}", run.stdout);
    assert!(
        run.stdout.contains("created ./.gitignore"),
        "{}",
        run.stdout
    );
    // The example was added and builds with the site's own config.
    let build = hindsight(["build"], tmp.path());
    assert_eq!(build.code, 0, "{}\n{}", build.stdout, build.stderr);
}

#[test]
fn readme_shows_the_workflow_init_writes() {
    let readme = read_text(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    assert!(
        readme.contains(hindsight::scaffold::PAGES_WORKFLOW),
        "README's GitHub Pages section must show src/scaffold/pages.yml as it is"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
