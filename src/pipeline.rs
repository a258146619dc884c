//! The one place the stages are chained: config → content → site → render → output.
//!
//! [`load`] runs the stages up to a rendered [`Output`] without touching the disk (used
//! by `build`, `check` and `serve`); [`build`] adds the atomic write.

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

/// A loaded and rendered site, not yet written.
#[derive(Debug)]
pub struct Loaded {
    /// The model.
    pub site: Site,
    /// Every file of the site.
    pub output: Output,
    /// Warnings found on the way (errors make [`load`] fail).
    pub warnings: Diagnostics,
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

/// Runs every stage up to the rendered output.
pub fn load(options: &BuildOptions) -> Result<Loaded, BuildFailure> {
    let mut diagnostics = Diagnostics::new();
    let Some(config) = load_config(&options.root, options.base_url.as_deref(), &mut diagnostics)
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
    let site = Site::new(config, postmortems);
    let syntax_css = highlight::stylesheets();
    let mut output = render::render(&site, &theme, &syntax_css)?;
    add_site_static(&options.root, &mut output)?;
    Ok(Loaded {
        site,
        output,
        warnings: diagnostics,
    })
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
    let loaded = load(options)?;
    let output_dir = options.output_dir();
    output::write_atomically(&loaded.output, &output_dir, &options.root)?;
    let pages = loaded
        .output
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .count();
    Ok(Built {
        postmortems: loaded.site.postmortems.len(),
        pages,
        files: loaded.output.len(),
        output_dir,
        warnings: loaded.warnings,
        elapsed: start.elapsed(),
    })
}
