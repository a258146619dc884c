//! `SiteFixture`: a minimal site in a temp dir, built by the real binary.
//!
//! Every method writes to disk at once, so a test can build, break a file and build
//! again. `run` executes `hindsight` with `--root <site>` in a clean environment
//! (no `HINDSIGHT_*`, no `TZ`), and the HTML helpers parse output files with `scraper`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{ElementRef, Html, Selector};

/// A small valid `site.toml`: root URL, no time zone, three root causes.
pub const CONFIG: &str = r#"title = "Fixture incident library"
base_url = "https://example.org/"
description = "Postmortems written for the tests"

[root_causes]
configuration = { name = "Configuration", description = "A setting was wrong" }
deployment = { name = "Deployment" }
capacity = { name = "Capacity" }

[services.mysql]
name = "MySQL primary"
owner = "data-platform"
"#;

/// A complete postmortem: every milestone, a timeline with a misleading path, action
/// items. Started 14:30 at +01:00, resolved 45 minutes later.
pub const DB_FRONT_MATTER: &str = r#"
    title: Web app down after MySQL password was mistyped
    started: 2024-08-14T14:30:00+01:00
    detected: 2024-08-14T14:30:00+01:00
    acknowledged: 2024-08-14T14:32:00+01:00
    mitigated: 2024-08-14T15:05:00+01:00
    resolved: 2024-08-14T15:15:00+01:00
    severity: SEV2
    services: [web-app, mysql]
    root_cause: configuration
    detection: monitoring
    tags: [mysql, credentials]
    impact:
      users_affected_pct: 85
      summary: 85% of users could not reach the platform.
    timeline:
      - { at: "14:30", kind: detection, event: Alert on database connection errors }
      - { at: "14:35", kind: misleading, event: Investigated the application code }
      - { at: "14:50", kind: escalation, event: Escalated to DevOps }
      - { at: "15:05", kind: mitigation, event: Password reset }
      - { at: "15:15", kind: resolution, event: Monitoring confirmed recovery }
    action_items:
      - { task: Stage every database change, owner: devops, status: open, due: 2024-09-01 }
      - { task: Alert on MySQL authentication failures, owner: sre, status: done }
"#;

/// An older incident: two root causes, 2 h 30 m, in UTC.
pub const CONN_FRONT_MATTER: &str = r#"
    title: API errors after connection string change
    started: 2023-12-01T09:00:00Z
    detected: 2023-12-01T09:20:00Z
    resolved: 2023-12-01T11:30:00Z
    severity: SEV1
    services: [api, mysql]
    root_cause: [configuration, deployment]
    impact:
      summary: Every API call failed.
"#;

/// A short capacity incident in March 2024: 20 minutes.
pub const DISK_FRONT_MATTER: &str = r#"
    title: Disk full on the log host
    started: 2024-03-05T08:00:00Z
    resolved: 2024-03-05T08:20:00Z
    severity: SEV3
    services: api
    root_cause: capacity
"#;

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Panics unless the run exited 0.
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics unless the run exited 1 (content, config or output error).
    #[track_caller]
    pub fn assert_failed(&self) -> &Self {
        assert_eq!(
            self.code, 1,
            "expected exit code 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "the binary panicked:\n{}",
            self.stderr
        );
        self
    }

    /// Panics unless some stderr line starts with `prefix`.
    #[track_caller]
    pub fn assert_stderr_line(&self, prefix: &str) -> &Self {
        assert!(
            self.stderr.lines().any(|line| line.starts_with(prefix)),
            "no stderr line starts with\n  {prefix}\nstderr:\n{}",
            self.stderr
        );
        self
    }

    /// The `error: ...` lines of stderr, without the final summary line.
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error: ") && !l.starts_with("error: build failed"))
            .collect()
    }
}

/// A site folder in a temp dir.
pub struct SiteFixture {
    dir: tempfile::TempDir,
}

impl Default for SiteFixture {
    fn default() -> Self {
        Self::new()
    }
}

impl SiteFixture {
    /// A site with the default `site.toml` and no postmortems.
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("hindsight-it-")
            .tempdir()
            .expect("temp dir");
        let site = Self { dir };
        site.config(CONFIG);
        std::fs::create_dir_all(site.path("content")).unwrap();
        site
    }

    /// A site with three valid postmortems: `2024/db.md`, `2023/conn.md`, `2024/disk.md`.
    pub fn standard() -> Self {
        let site = Self::new();
        site.postmortem("2024/db.md", DB_FRONT_MATTER, DB_BODY)
            .postmortem("2023/conn.md", CONN_FRONT_MATTER, CONN_BODY)
            .postmortem(
                "2024/disk.md",
                DISK_FRONT_MATTER,
                "The log host filled up.\n",
            );
        site
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the site folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The default output folder.
    pub fn public(&self) -> PathBuf {
        self.path("public")
    }

    /// Replaces `site.toml`.
    pub fn config(&self, toml: &str) -> &Self {
        self.file("site.toml", toml)
    }

    /// Writes `content/<rel>`: `---`, the front matter (dedented), `---`, the body. The
    /// first front-matter line is line 2 of the file.
    pub fn postmortem(&self, rel: &str, front_matter: &str, body: &str) -> &Self {
        let mut yaml = dedent(front_matter);
        if !yaml.ends_with('\n') {
            yaml.push('\n');
        }
        self.file(
            &format!("content/{rel}"),
            format!("---\n{yaml}---\n{}", dedent(body)),
        )
    }

    /// Writes any file of the site, creating folders.
    pub fn file(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap();
        self
    }

    /// Removes a file of the site.
    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path(rel)).unwrap();
        self
    }

    /// Runs `hindsight <args> --root <site>` from the site folder, in a clean environment.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.run_with_env(args, &[])
    }

    /// Like [`SiteFixture::run`], with `env` set on top of the clean environment.
    pub fn run_with_env<I, S>(&self, args: I, env: &[(&str, &str)]) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hindsight"));
        command.args(args).arg("--root").arg(self.root());
        command.current_dir(self.root());
        command.env_remove("TZ");
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("HINDSIGHT_") {
                command.env_remove(&key);
            }
        }
        command.envs(env.iter().copied());
        let output = command.output().expect("run hindsight");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `hindsight build` with extra arguments; panics unless it succeeds.
    #[track_caller]
    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let run = self.run(args);
        run.assert_ok();
        run
    }

    /// Reads an output file of the default output folder as text.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        read_text(&self.public().join(rel))
    }

    /// Parses an output file of the default output folder.
    #[track_caller]
    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }

    /// Every file under `dir` (relative path → bytes), for byte-for-byte comparisons.
    pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(dir, dir, &mut files);
        files
    }

    /// Names in the site folder that are leftovers of a build (staging or old folders,
    /// locks), which must never survive a run.
    pub fn leftovers(&self) -> Vec<String> {
        std::fs::read_dir(self.root())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            // The build cache is meant to stay; everything else is a leftover.
            .filter(|name| name.contains(".hindsight-") && !name.ends_with(".hindsight-cache"))
            .collect()
    }
}

/// The body of `2023/conn.md`: the heading `2024/db.md` links to.
pub const CONN_BODY: &str = "## Summary\n\nThe connection string pointed at the old primary.\n";

/// The body of `2024/db.md`: headings, a code block, a table, a task list, a footnote,
/// and a link to the other postmortem by its file.
pub const DB_BODY: &str = r#"
    ## Summary

    The password was mistyped. See [the earlier outage](../2023/conn.md#summary) too.

    ## What went wrong

    ```sql
    ALTER USER 'app'@'%' IDENTIFIED BY '<new password>';
    ```

    | Step | Result |
    |------|--------|
    | login | failed |

    - [x] reset the password
    - [ ] stage changes

    Alerting worked[^alert].

    [^alert]: The connection-error alert fired within a minute.
"#;

#[track_caller]
/// The default theme's template `name` (`base.html`), as a site overriding it starts from.
pub fn default_template(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("themes/default/templates")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("the default theme's {}: {err}", path.display()))
}

pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

fn collect(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            collect(base, &path, files);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

/// Removes a leading newline and the indentation common to every non-blank line, so
/// front matter can be written indented in a raw string.
pub fn dedent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            out.push_str(if line.ends_with('\n') { "\n" } else { "" });
        } else {
            out.push_str(&line[indent..]);
        }
    }
    out
}

/// Parses a selector (panics on a typo in the test).
#[track_caller]
pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|err| panic!("bad selector {css:?}: {err:?}"))
}

/// Every element matching `css`.
#[track_caller]
pub fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    html.select(&sel(css)).collect()
}

/// Every element matching `css` under `element`.
#[track_caller]
pub fn select_in<'a>(element: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    element.select(&sel(css)).collect()
}

/// The one element matching `css`; panics when there is none.
#[track_caller]
pub fn first<'a>(html: &'a Html, css: &str) -> ElementRef<'a> {
    html.select(&sel(css))
        .next()
        .unwrap_or_else(|| panic!("no element matches {css:?}"))
}

/// An element's text with whitespace collapsed.
pub fn text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `href` of every element matching `css`.
#[track_caller]
pub fn hrefs(html: &Html, css: &str) -> Vec<String> {
    select(html, css)
        .into_iter()
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

/// Checks every link and resource of every HTML page under `out`, for a site published
/// at `base_url` (absolute, ending with `/`). Returns one line per problem:
///
/// - internal links must be root-relative and start with the base path (pages are
///   served from a sub-path and `404.html` from any depth), or absolute under `base_url`;
/// - each must resolve to a file of `out` once the base path is stripped (`/` → `index.html`);
/// - a `#fragment` must name an element id of the target page;
/// - stylesheets, scripts, icons and images never come from another host.
pub fn broken_links(out: &Path, base_url: &str) -> Vec<String> {
    let base_path = base_path_of(base_url);
    let files = SiteFixture::snapshot(out);
    let mut problems = Vec::new();
    for (page, bytes) in &files {
        if !page.ends_with(".html") {
            continue;
        }
        let html = Html::parse_document(&String::from_utf8_lossy(bytes));
        let refs = [
            "a[href]",
            "link[href]",
            "script[src]",
            "img[src]",
            "iframe[src]",
        ];
        for css in refs {
            for element in select(&html, css) {
                let attr = if css.contains("href") { "href" } else { "src" };
                let url = element.value().attr(attr).unwrap_or_default();
                let is_resource = element.value().name() != "a";
                if let Err(problem) =
                    check_url(&files, &html, url, base_url, &base_path, is_resource)
                {
                    problems.push(format!(
                        "{page}: <{} {attr}=\"{url}\">: {problem}",
                        element.value().name()
                    ));
                }
            }
        }
    }
    problems
}

/// `/postmortems/` of `https://acme.github.io/postmortems/`.
pub fn base_path_of(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match rest.find('/') {
        Some(i) => rest[i..].to_string(),
        None => "/".to_string(),
    }
}

fn check_url(
    files: &BTreeMap<String, Vec<u8>>,
    page_html: &Html,
    url: &str,
    base_url: &str,
    base_path: &str,
    is_resource: bool,
) -> Result<(), String> {
    if url.is_empty() {
        return Err("empty link".to_string());
    }
    if let Some(fragment) = url.strip_prefix('#') {
        return has_id(page_html, fragment)
            .then_some(())
            .ok_or_else(|| format!("no element with id \"{fragment}\" on the page"));
    }
    let local = if let Some(rest) = url.strip_prefix(base_url) {
        format!("{base_path}{rest}")
    } else if url.starts_with("//") || url.contains("://") {
        return if is_resource {
            Err("resource loaded from another host".to_string())
        } else {
            Ok(())
        };
    } else if url.starts_with("mailto:") || url.starts_with("tel:") {
        return Ok(());
    } else {
        url.to_string()
    };
    let Some(rest) = local.strip_prefix(base_path) else {
        return Err(format!("does not start with the base path {base_path}"));
    };
    let (path, fragment) = match rest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (rest, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let target = resolve_output_path(files, path).ok_or("no such file in the output")?;
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        let html = Html::parse_document(&String::from_utf8_lossy(&files[&target]));
        if !has_id(&html, fragment) {
            return Err(format!("{target} has no element with id \"{fragment}\""));
        }
    }
    Ok(())
}

/// The output file a URL path (without the base path) is served from.
pub fn resolve_output_path(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Option<String> {
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.to_string(), format!("{path}/index.html")]
    };
    candidates.into_iter().find(|c| files.contains_key(c))
}

fn has_id(html: &Html, id: &str) -> bool {
    html.tree.nodes().any(|node| {
        node.value()
            .as_element()
            .is_some_and(|e| e.id() == Some(id) || (e.name() == "a" && e.attr("name") == Some(id)))
    })
}
