//! Writing new files for the user: `hindsight new` (a postmortem from an archetype) and
//! `hindsight init` (a whole knowledge base).
//!
//! `new` renders the archetype (a tera template: the default theme's
//! `archetypes/postmortem.md`, replaced by `themes/<theme>/archetypes/postmortem.md` or
//! `<site>/archetypes/postmortem.md`) with the front matter filled in from the arguments,
//! which are checked against `site.toml` first. `init` writes `site.toml`, an example
//! postmortem, `.gitignore` and a GitHub Pages workflow. Neither ever overwrites a file:
//! files are created with `create_new`, so even a file that appears meanwhile is kept.
//! The clock is read by the caller and passed in. This module never prints.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::config::{self, Config};
use crate::content::{self, CONTENT_DIR};
use crate::diagnostics::{Diagnostic, Diagnostics, suggestion};
use crate::error::Error;
use crate::keys::{ServiceKey, is_url_safe_key, slugify};

/// Where the archetype lives, in the theme and in the site.
pub const ARCHETYPE: &str = "archetypes/postmortem.md";

/// What `hindsight new` should write.
#[derive(Debug, Clone)]
pub struct NewOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The postmortem's title.
    pub title: String,
    /// The incident's date; default: today in the site's zone.
    pub date: Option<Date>,
    /// Affected services (keys, or names that are turned into keys).
    pub services: Vec<String>,
    /// A key of `[root_causes]`.
    pub root_cause: Option<String>,
    /// One of the site's severities; default: the least severe.
    pub severity: Option<String>,
}

/// A postmortem written by `new`.
#[derive(Debug, Clone)]
pub struct Created {
    /// The file, under the site root as given (`<root>/content/2024/db-outage.md`).
    pub path: PathBuf,
    /// Values chosen because no argument gave them, one line each, to tell the user.
    pub defaults: Vec<String>,
    /// Problems that do not stop `new` (an undeclared service).
    pub warnings: Diagnostics,
}

/// Why `new` or `init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldFailure {
    /// `site.toml` or an argument is wrong; every problem is listed.
    #[error("{} error(s)", .0.error_count())]
    Invalid(Diagnostics),
    /// The file is there already (or another file gives the same URL).
    #[error("{} already exists; nothing was written", .path.display())]
    Exists {
        /// The existing file.
        path: PathBuf,
        /// What to do instead.
        help: String,
    },
    /// The folder `init` was pointed at holds files.
    #[error("{} is not empty; nothing was written", .dir.display())]
    NotEmpty {
        /// The folder.
        dir: PathBuf,
        /// Some of what is in it.
        entries: Vec<String>,
    },
    /// Reading or writing failed.
    #[error(transparent)]
    Fatal(#[from] Error),
}

/// The values an archetype receives.
#[derive(Debug, Serialize)]
struct ArchetypeValues<'a> {
    /// The title as a quoted YAML string.
    title: String,
    /// The title as given.
    title_text: &'a str,
    date: String,
    started: String,
    severity: &'a str,
    severities: String,
    /// A YAML flow list (`[web-app, mysql]`).
    services: String,
    root_cause: &'a str,
    root_causes: String,
    timezone: &'a str,
    site_title: &'a str,
}

/// Writes a new postmortem from the archetype. `now` gives the default date and the time
/// of `started`, in the site's zone.
pub fn new_postmortem(options: &NewOptions, now: Timestamp) -> Result<Created, ScaffoldFailure> {
    let mut diagnostics = Diagnostics::new();
    let Some(config) = config::load(&options.root, &mut diagnostics) else {
        return Err(ScaffoldFailure::Invalid(diagnostics));
    };
    let mut defaults = Vec::new();
    let mut warnings = Diagnostics::new();

    let slug = slugify(&options.title);
    if slug.is_empty() {
        diagnostics.push(
            Diagnostic::error("TITLE", None, format!("the title \"{}\" gives an empty file name", options.title))
                .with_help("give a title with letters or digits, e.g. hindsight new \"Checkout down after a bad deploy\""),
        );
    }
    let severity = match &options.severity {
        Some(given) => match find_severity(&config, given) {
            Some(severity) => severity,
            None => {
                let hint = suggestion(given, config.severities.iter().map(String::as_str));
                diagnostics.push(
                    Diagnostic::error(
                        "--severity",
                        None,
                        format!("unknown severity \"{given}\"{hint}"),
                    )
                    .with_help(format!(
                        "site.toml's severities are {}",
                        config.severities.join(", ")
                    )),
                );
                String::new()
            }
        },
        None => {
            let least = config.severities.last().cloned().unwrap_or_default();
            defaults.push(format!(
                "severity: {least}, the least severe (pass --severity to choose)"
            ));
            least
        }
    };
    let root_cause = match &options.root_cause {
        Some(given) => {
            if config
                .root_causes
                .keys()
                .any(|key| key.as_str() == given.as_str())
            {
                given.clone()
            } else {
                let hint = config::root_cause_suggestion(&config, given);
                diagnostics.push(
                    Diagnostic::error(
                        "--root-cause",
                        None,
                        format!("unknown root cause \"{given}\"{hint}"),
                    )
                    .with_help(format!(
                        "use a key of [root_causes] in site.toml ({})",
                        root_cause_keys(&config)
                    )),
                );
                String::new()
            }
        }
        None => String::new(),
    };
    let mut services = Vec::new();
    for given in &options.services {
        let key = if is_url_safe_key(given) {
            given.clone()
        } else {
            slugify(given)
        };
        if key.is_empty() {
            diagnostics.push(
                Diagnostic::error("--service", None, format!("service \"{given}\" is empty"))
                    .with_help("name the service, e.g. --service web-app"),
            );
            continue;
        }
        if !config.services.is_empty() && !config.services.contains_key(&ServiceKey::new(&*key)) {
            let hint = suggestion(&key, config.services.keys().map(ServiceKey::as_str));
            warnings.push(
                Diagnostic::warning(
                    "--service",
                    None,
                    format!("service \"{key}\" is not declared in site.toml{hint}"),
                )
                .with_help("declare it under [services] in site.toml, or use a declared key"),
            );
        }
        if !services.contains(&key) {
            services.push(key);
        }
    }
    if diagnostics.has_errors() {
        return Err(ScaffoldFailure::Invalid(diagnostics));
    }

    let zone = config.display_zone();
    let now = now.to_zoned(zone.clone());
    let date = match options.date {
        Some(date) => date,
        None => {
            defaults.push(format!(
                "date: {} (today; pass --date to change)",
                now.date()
            ));
            now.date()
        }
    };
    // `started` is the current wall-clock time on the incident's date: a placeholder the
    // archetype asks the author to correct, never a guess passed off as a fact.
    let clock = jiff::civil::Time::new(now.hour(), now.minute(), 0, 0).unwrap_or_default();
    let started = zone
        .to_ambiguous_zoned(date.to_datetime(clock))
        .compatible()
        .map_err(|err| {
            ScaffoldFailure::Invalid({
                let mut d = Diagnostics::new();
                d.push(Diagnostic::error(
                    "--date",
                    None,
                    format!("{date} cannot be placed in the site's zone: {err}"),
                ));
                d
            })
        })?;

    let rel = PathBuf::from(CONTENT_DIR)
        .join(date.year().to_string())
        .join(format!("{slug}.md"));
    let path = options.root.join(&rel);
    if path.exists() {
        return Err(ScaffoldFailure::Exists {
            path,
            help: "give the postmortem another title, or edit the existing file".to_string(),
        });
    }
    if let Some(other) = same_slug(&options.root, &slug) {
        return Err(ScaffoldFailure::Exists {
            path: options.root.join(&other),
            help: format!(
                "{} already gives the URL /postmortems/{slug}/; give the new postmortem another title",
                other.display()
            ),
        });
    }

    let values = ArchetypeValues {
        title: yaml_string(&options.title),
        title_text: &options.title,
        date: date.to_string(),
        started: started.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        severity: &severity,
        severities: config.severities.join(", "),
        services: format!("[{}]", services.join(", ")),
        root_cause: &root_cause,
        root_causes: root_cause_keys(&config),
        timezone: &config.timezone_name,
        site_title: &config.title,
    };
    let (archetype_name, archetype) = load_archetype(&options.root, &config.theme)?;
    let context = tera::Context::from_serialize(&values).map_err(|err| Error::Template {
        name: archetype_name.clone(),
        message: err.to_string(),
    })?;
    let text = tera::Tera::one_off(&archetype, &context, false)
        .map_err(|err| crate::render::theme::template_error(&archetype_name, &err))?;
    write_new(&path, text.as_bytes())?;
    Ok(Created {
        path,
        defaults,
        warnings,
    })
}

/// `sev2` finds `SEV2`: the configured spelling wins.
fn find_severity(config: &Config, given: &str) -> Option<String> {
    config
        .severities
        .iter()
        .find(|s| s.as_str() == given)
        .or_else(|| {
            config
                .severities
                .iter()
                .find(|s| s.eq_ignore_ascii_case(given))
        })
        .cloned()
}

fn root_cause_keys(config: &Config) -> String {
    config
        .root_causes
        .keys()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A YAML double-quoted scalar (JSON's string syntax is valid YAML).
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// A postmortem file under `content/` whose name gives the same URL as `slug`.
fn same_slug(root: &Path, slug: &str) -> Option<PathBuf> {
    let mut ignored = Diagnostics::new();
    content::discover(root, &mut ignored)
        .into_iter()
        .find(|file| {
            file.rel_path
                .file_stem()
                .is_some_and(|stem| slugify(&stem.to_string_lossy()) == slug)
        })
        .map(|file| file.rel_path)
}

/// The archetype's name (for errors) and text: the site's, else the theme's folder's,
/// else the embedded default theme's.
fn load_archetype(root: &Path, theme: &str) -> Result<(String, String), Error> {
    let candidates = [
        root.join(ARCHETYPE),
        root.join("themes").join(theme).join(ARCHETYPE),
    ];
    for candidate in candidates {
        if candidate.is_file() {
            let text = std::fs::read_to_string(&candidate).map_err(|source| Error::Io {
                path: candidate.clone(),
                source,
            })?;
            return Ok((candidate.display().to_string(), text));
        }
    }
    crate::render::theme::default_theme_text(ARCHETYPE)
        .map(|text| (format!("themes/default/{ARCHETYPE}"), text.to_string()))
        .ok_or_else(|| Error::Template {
            name: ARCHETYPE.to_string(),
            message: "the default theme has no archetype".to_string(),
        })
}

/// Creates `path` (and its folders) and writes `bytes`; refuses an existing file.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), ScaffoldFailure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Output {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    let mut file = match file {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ScaffoldFailure::Exists {
                path: path.to_path_buf(),
                help: "edit the existing file, or move it away first".to_string(),
            });
        }
        Err(source) => {
            return Err(Error::Output {
                path: path.to_path_buf(),
                source,
            }
            .into());
        }
    };
    file.write_all(bytes).map_err(|source| Error::Output {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(())
}

/// What `hindsight init` should do.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The folder to scaffold (created if missing).
    pub dir: PathBuf,
    /// Scaffold a folder that already holds files (existing files are still never replaced).
    pub force: bool,
}

/// What `init` did, file by file (paths under the folder as given).
#[derive(Debug, Clone, Default)]
pub struct Initialized {
    /// Files written.
    pub created: Vec<PathBuf>,
    /// Files that were there already and were left alone.
    pub skipped: Vec<PathBuf>,
}

const SITE_TOML: &str = include_str!("scaffold/site.toml");
const GITIGNORE: &str = include_str!("scaffold/gitignore");
const EXAMPLE: &str = include_str!("scaffold/example.md");
/// The GitHub Pages workflow `init` writes (also shown in the README).
pub const PAGES_WORKFLOW: &str = include_str!("scaffold/pages.yml");

/// The files `init` writes, relative to the folder. The example incident is dated a week
/// before `today`, its open action item due a month after the incident.
pub fn init_files(today: Date) -> Vec<(PathBuf, String)> {
    let date = today
        .checked_sub(jiff::Span::new().days(7))
        .unwrap_or(today);
    let due = date.checked_add(jiff::Span::new().days(30)).unwrap_or(date);
    let example = EXAMPLE
        .replace("@DATE@", &date.to_string())
        .replace("@DUE@", &due.to_string());
    vec![
        (PathBuf::from(config::CONFIG_FILE), SITE_TOML.to_string()),
        (
            PathBuf::from(CONTENT_DIR)
                .join(date.year().to_string())
                .join("example-connection-pool-shrunk.md"),
            example,
        ),
        (PathBuf::from(".gitignore"), GITIGNORE.to_string()),
        (
            PathBuf::from(".github/workflows/pages.yml"),
            PAGES_WORKFLOW.to_string(),
        ),
    ]
}

/// Scaffolds a knowledge base in `options.dir`. A folder with anything in it but `.git`
/// is refused unless `force`; with `force`, existing files are skipped, never replaced.
pub fn init(options: &InitOptions, today: Date) -> Result<Initialized, ScaffoldFailure> {
    let dir = &options.dir;
    if dir.exists() && !options.force {
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name != ".git")
            .collect();
        if !names.is_empty() {
            names.sort();
            names.truncate(5);
            return Err(ScaffoldFailure::NotEmpty {
                dir: dir.clone(),
                entries: names,
            });
        }
    }
    let mut done = Initialized::default();
    for (rel, text) in init_files(today) {
        let path = dir.join(&rel);
        match write_new(&path, text.as_bytes()) {
            Ok(()) => done.created.push(path),
            Err(ScaffoldFailure::Exists { .. }) => done.skipped.push(path),
            Err(other) => return Err(other),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_quoted_for_yaml() {
        assert_eq!(yaml_string("DB: down"), "\"DB: down\"");
        assert_eq!(yaml_string("say \"hi\""), "\"say \\\"hi\\\"\"");
    }

    #[test]
    fn init_files_date_the_example_a_week_back() {
        let files = init_files(Date::constant(2025, 1, 3));
        let paths: Vec<String> = files
            .iter()
            .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
            .collect();
        assert!(paths.contains(&"content/2024/example-connection-pool-shrunk.md".to_string()));
        let example = &files[1].1;
        assert!(example.contains("date: 2024-12-27\n"), "{example}");
        assert!(example.contains("due: 2025-01-26 }"), "{example}");
    }
}
