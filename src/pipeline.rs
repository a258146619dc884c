//! The one place the stages are chained: config → content → site → render → output.
//!
//! [`Session::start`] runs the stages up to a rendered [`Output`] without touching the
//! disk (used by `build`, `check` and `serve`), and [`Session::apply`] updates it after
//! changes (used by `serve`); [`build`] adds the atomic write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{self, BaseUrl, Config};
use crate::content::{self, LoadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::highlight::{self, Highlighter};
use crate::output::{self, Output};
use crate::render::{self, Theme};
use crate::site::Site;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holds `site.toml`).
    pub root: PathBuf,
    /// Where to write; default `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of `site.toml`.
    pub base_url: Option<String>,
    /// Include `status: draft` postmortems.
    pub drafts: bool,
}

impl BuildOptions {
    /// Options for the site at `root` with defaults.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
        }
    }

    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildFailure {
    /// The content or config has mistakes; every one is listed.
    #[error("{} error(s) in the site", .0.error_count())]
    Invalid(Diagnostics),
    /// Something outside the content failed.
    #[error(transparent)]
    Fatal(#[from] Error),
}

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    /// Postmortems built.
    pub postmortems: usize,
    /// HTML pages written.
    pub pages: usize,
    /// Files written.
    pub files: usize,
    /// Where.
    pub output_dir: PathBuf,
    /// Warnings.
    pub warnings: Diagnostics,
    /// Wall time.
    pub elapsed: Duration,
}

/// Reads and validates the config, applying a `--base-url` override.
pub fn load_config(
    root: &Path,
    base_url: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> Option<Config> {
    let mut config = config::load(root, diagnostics)?;
    if let Some(url) = base_url {
        match BaseUrl::parse(url) {
            Ok(url) => config.base_url = url,
            Err(message) => {
                diagnostics.push(Diagnostic::error("--base-url", None, message).with_help(
                    "pass an absolute URL, e.g. --base-url https://acme.github.io/postmortems/",
                ));
                return None;
            }
        }
    }
    Some(config)
}

/// Reads, validates and models the site without rendering anything (for `hindsight
/// stats`): config → content → [`Site`]. Warnings come back with the site.
pub fn load_site(root: &Path, drafts: bool) -> Result<(Site, Diagnostics), BuildFailure> {
    let mut diagnostics = Diagnostics::new();
    let Some(config) = load_config(root, None, &mut diagnostics) else {
        return Err(BuildFailure::Invalid(diagnostics));
    };
    let postmortems = content::load(
        root,
        &config,
        &Highlighter::new(),
        LoadOptions {
            include_drafts: drafts,
        },
        &mut diagnostics,
    );
    if diagnostics.has_errors() {
        return Err(BuildFailure::Invalid(diagnostics));
    }
    Ok((Site::new(config, postmortems), diagnostics))
}

/// A site's own `static/` folder is copied to the output root as it is.
fn add_site_static(root: &Path, output: &mut Output) -> Result<(), Error> {
    let mut files = std::collections::BTreeMap::new();
    render::theme::read_dir_bytes_into(&root.join("static"), &mut files)?;
    for (path, data) in files {
        output.insert(path, data);
    }
    Ok(())
}

/// Builds the site and writes it atomically.
pub fn build(options: &BuildOptions) -> Result<Built, BuildFailure> {
    let start = Instant::now();
    let session = Session::start(options.clone())?;
    let output_dir = options.output_dir();
    output::write_atomically(&session.output, &output_dir, &options.root)?;
    let pages = session
        .output
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .count();
    Ok(Built {
        postmortems: session.site.postmortems.len(),
        pages,
        files: session.output.len(),
        output_dir,
        warnings: session.warnings,
        elapsed: start.elapsed(),
    })
}

/// Something that changed on disk, as the dev server's watcher classifies it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A postmortem file was created, edited or removed (absolute path).
    Content(PathBuf),
    /// `site.toml`.
    Config,
    /// A template or theme file.
    Templates,
    /// A static file (the site's or the theme's).
    Static,
}

/// What a rebuild changed in the output.
#[derive(Debug, Clone, Default)]
pub struct Update {
    /// Output paths whose bytes changed or that are new.
    pub changed: Vec<String>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
    /// True when everything was re-rendered.
    pub full: bool,
    /// Warnings of the new state.
    pub warnings: Diagnostics,
}

impl Update {
    /// True when only stylesheets changed, so a page can swap them without reloading.
    pub fn is_css_only(&self) -> bool {
        self.removed.is_empty()
            && !self.changed.is_empty()
            && self.changed.iter().all(|p| p.ends_with(".css"))
    }
}

/// A loaded site that can be updated in place: the dev server's build state.
#[derive(Debug)]
pub struct Session {
    options: BuildOptions,
    config: Config,
    theme: Theme,
    highlighter: Highlighter,
    site: Site,
    output: Output,
    /// Files whose last parse failed, with their diagnostics.
    broken: std::collections::BTreeMap<PathBuf, Diagnostics>,
    /// Warnings of the last full load.
    warnings: Diagnostics,
    /// The last full reload failed: the next change reloads everything.
    needs_full: bool,
}

impl Session {
    /// Loads and renders the site.
    pub fn start(options: BuildOptions) -> Result<Self, BuildFailure> {
        let mut diagnostics = Diagnostics::new();
        let Some(config) =
            load_config(&options.root, options.base_url.as_deref(), &mut diagnostics)
        else {
            return Err(BuildFailure::Invalid(diagnostics));
        };
        let highlighter = Highlighter::new();
        let postmortems = content::load(
            &options.root,
            &config,
            &highlighter,
            LoadOptions {
                include_drafts: options.drafts,
            },
            &mut diagnostics,
        );
        if diagnostics.has_errors() {
            return Err(BuildFailure::Invalid(diagnostics));
        }
        let theme = Theme::load(&options.root, &config.theme)?;
        let site = Site::new(config.clone(), postmortems);
        let mut output = render::render(&site, &theme, &highlight::stylesheets())?;
        add_site_static(&options.root, &mut output)?;
        Ok(Self {
            options,
            config,
            theme,
            highlighter,
            site,
            output,
            broken: Default::default(),
            warnings: diagnostics,
            needs_full: false,
        })
    }

    /// The current output.
    pub fn output(&self) -> &Output {
        &self.output
    }

    /// Warnings of the last full load.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// The current model.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Applies changes. On error the previous output stays current and the error lists
    /// every problem the site has now.
    pub fn apply(&mut self, changes: &[Change]) -> Result<Update, BuildFailure> {
        let content_only = changes.iter().all(|c| matches!(c, Change::Content(_)));
        if !content_only || self.needs_full {
            return self.reload();
        }
        let mut parsed = Vec::new();
        for change in changes {
            let Change::Content(path) = change else {
                continue;
            };
            // Watchers report canonical paths; the root may have been given as `.`.
            let canonical_root = self
                .options
                .root
                .canonicalize()
                .unwrap_or_else(|_| self.options.root.clone());
            let rel = match path.strip_prefix(&canonical_root) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => content::relative_to(path, &self.options.root),
            };
            let existing = self.site.postmortems.iter().position(|p| p.source == rel);
            let is_postmortem = rel.extension().and_then(|e| e.to_str()) == Some("md")
                && !rel
                    .components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
            if !is_postmortem {
                continue;
            }
            if !path.is_file() {
                if existing.is_some() || self.broken.contains_key(&rel) {
                    return self.reload(); // a removed postmortem: links and lists change
                }
                continue;
            }
            let mut diagnostics = Diagnostics::new();
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let postmortem = content::parse_source(&rel, bytes, &self.config, &mut diagnostics);
            match postmortem {
                Some(p) if !diagnostics.has_errors() => {
                    let was_broken = self.broken.remove(&rel).is_some();
                    let same_identity = existing.is_some_and(|i| {
                        let old = &self.site.postmortems[i];
                        old.slug == p.slug && old.status == p.status
                    });
                    if was_broken || !same_identity {
                        // New file, renamed slug, or recovering from an error: the set of
                        // pages and links may change; reload everything.
                        if self.broken.is_empty() {
                            return self.reload();
                        }
                        return Err(self.broken_failure());
                    }
                    parsed.push((existing.unwrap_or_default(), p, diagnostics));
                }
                _ => {
                    self.broken.insert(rel, diagnostics);
                }
            }
        }
        if !self.broken.is_empty() {
            return Err(self.broken_failure());
        }
        if parsed.is_empty() {
            return Ok(Update::default());
        }
        self.apply_edits(parsed)
    }

    fn broken_failure(&self) -> BuildFailure {
        let mut all = Diagnostics::new();
        for diagnostics in self.broken.values() {
            all.extend(diagnostics.clone());
        }
        BuildFailure::Invalid(all)
    }

    /// Re-renders after in-place edits of existing postmortems.
    fn apply_edits(
        &mut self,
        edits: Vec<(usize, content::Postmortem, Diagnostics)>,
    ) -> Result<Update, BuildFailure> {
        let mut diagnostics = Diagnostics::new();
        let resolver_postmortems = &self.site.postmortems;
        let mut rendered = Vec::new();
        for (index, mut postmortem, local) in edits {
            diagnostics.extend(local);
            content::render_one(
                &mut postmortem,
                resolver_postmortems,
                &self.config,
                &self.highlighter,
                &mut diagnostics,
            );
            rendered.push((index, postmortem));
        }
        if diagnostics.has_errors() {
            for (_, p) in &rendered {
                let mine: Vec<_> = diagnostics
                    .iter()
                    .filter(|d| d.file == p.source)
                    .cloned()
                    .collect();
                let mut file_diagnostics = Diagnostics::new();
                for d in mine {
                    file_diagnostics.push(d);
                }
                self.broken.insert(p.source.clone(), file_diagnostics);
            }
            return Err(BuildFailure::Invalid(diagnostics));
        }

        let old_longest = longest_ttr(&self.site);
        let mut affected_keys = (Vec::new(), Vec::new());
        let mut slugs = Vec::new();
        let placeholder = Site::new(self.config.clone(), Vec::new());
        let old_site = std::mem::replace(&mut self.site, placeholder);
        let old_cause_keys: Vec<_> = old_site
            .root_causes
            .terms
            .iter()
            .map(|t| (t.key.clone(), t.postmortems.is_empty()))
            .collect();
        let old_service_keys: Vec<_> = old_site
            .services
            .terms
            .iter()
            .map(|t| t.key.clone())
            .collect();
        let mut postmortems = old_site.postmortems;
        for (index, postmortem) in rendered {
            let old = &postmortems[index];
            affected_keys.0.extend(
                old.root_causes
                    .iter()
                    .chain(&postmortem.root_causes)
                    .cloned(),
            );
            affected_keys
                .1
                .extend(old.services.iter().chain(&postmortem.services).cloned());
            slugs.push(postmortem.slug.clone());
            postmortems[index] = postmortem;
        }
        self.site = Site::new(self.config.clone(), postmortems);

        let terms_changed = old_service_keys
            != self
                .site
                .services
                .terms
                .iter()
                .map(|t| t.key.clone())
                .collect::<Vec<_>>()
            || old_cause_keys
                != self
                    .site
                    .root_causes
                    .terms
                    .iter()
                    .map(|t| (t.key.clone(), t.postmortems.is_empty()))
                    .collect::<Vec<_>>();
        let views = render::view::Views::new(&self.site);
        let pages: Vec<render::Page> = if terms_changed || longest_ttr(&self.site) != old_longest {
            render::Page::all(&self.site)
        } else {
            let mut pages = std::collections::BTreeSet::new();
            for slug in &slugs {
                if let Some(id) = self.site.by_slug.get(slug) {
                    pages.extend(render::Page::affected_by(&self.site, *id));
                }
            }
            for (i, term) in self.site.root_causes.terms.iter().enumerate() {
                if affected_keys.0.contains(&term.key) {
                    pages.insert(render::Page::RootCause(i));
                }
            }
            for (i, term) in self.site.services.terms.iter().enumerate() {
                if affected_keys.1.contains(&term.key) {
                    pages.insert(render::Page::Service(i));
                }
            }
            pages.into_iter().collect()
        };
        let full = pages.len() == render::Page::all(&self.site).len();
        let fresh = render::render_pages(&self.site, &self.theme, &views, &pages)?;
        let mut update = Update {
            full,
            warnings: diagnostics,
            ..Update::default()
        };
        for (path, data) in fresh.iter() {
            if self.output.get(path).is_none_or(|old| **old != *data) {
                update.changed.push(path.to_string());
            }
        }
        self.output.merge(fresh);
        Ok(update)
    }

    /// Reloads everything (config, theme, content) and diffs the output.
    fn reload(&mut self) -> Result<Update, BuildFailure> {
        match Session::start(self.options.clone()) {
            Ok(fresh) => {
                let mut update = Update {
                    full: true,
                    warnings: fresh.warnings.clone(),
                    ..Update::default()
                };
                for (path, data) in fresh.output.iter() {
                    if self.output.get(path).is_none_or(|old| **old != *data) {
                        update.changed.push(path.to_string());
                    }
                }
                for path in self.output.paths() {
                    if !fresh.output.contains(path) {
                        update.removed.push(path.to_string());
                    }
                }
                *self = fresh;
                Ok(update)
            }
            Err(failure) => {
                self.needs_full = true;
                Err(failure)
            }
        }
    }
}

fn longest_ttr(site: &Site) -> Option<jiff::SignedDuration> {
    site.postmortems
        .iter()
        .filter_map(|p| p.milestones.metrics().ttr)
        .max()
}

/// `hindsight check`: every validation of the build (drafts included, so a postmortem
/// being written is checked too), then the lint rules of [`crate::check`] over the
/// loaded site. Nothing is written. `now` is the only clock reading, for overdue action
/// items; links are checked only when the content is valid enough to render.
pub fn check(root: &Path, now: jiff::Timestamp) -> crate::check::Report {
    let mut diagnostics = Diagnostics::new();
    let Some(config) = load_config(root, None, &mut diagnostics) else {
        return crate::check::Report {
            diagnostics,
            postmortems: 0,
        };
    };
    let today = now.to_zoned(config.display_zone()).date();
    let highlighter = Highlighter::new();
    let postmortems = content::load(
        root,
        &config,
        &highlighter,
        LoadOptions {
            include_drafts: true,
        },
        &mut diagnostics,
    );
    let site = Site::new(config, postmortems);
    let output = if diagnostics.has_errors() {
        None
    } else {
        let rendered = Theme::load(root, &site.config.theme).and_then(|theme| {
            let mut output = render::render(&site, &theme, &highlight::stylesheets())?;
            add_site_static(root, &mut output)?;
            Ok(output)
        });
        match rendered {
            Ok(output) => Some(output),
            Err(err) => {
                let (file, message) = match &err {
                    Error::Template { name, message } => (PathBuf::from(name), message.clone()),
                    Error::Io { path, .. } => (content::relative_to(path, root), err.to_string()),
                    _ => (PathBuf::from(config::CONFIG_FILE), err.to_string()),
                };
                diagnostics.push(Diagnostic::error(file, None, message));
                None
            }
        }
    };
    crate::check::lint(&site, output.as_ref(), today, &mut diagnostics);
    // Every file checked counts, the ones whose errors kept them out of the site too.
    let files = content::discover(root, &mut Diagnostics::new()).len();
    crate::check::Report {
        diagnostics,
        postmortems: files.max(site.postmortems.len()),
    }
}
