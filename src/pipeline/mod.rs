//! The one place the stages are chained: config → content → site → render → search →
//! output.
//!
//! One [`load`] reads a site and one [`assemble`] makes its whole output; they differ
//! only in where the output goes: [`build`] streams it into the staging folder and
//! swaps it in, [`Session`] (for `serve`) keeps it in memory and updates it after
//! changes, and [`check`] lints the model and the output in memory.

mod assemble;
mod build;
mod load;
mod session;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::audience::Audience;
use crate::config;
use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
pub use assemble::{Assembled, InMemory, Sink, assemble, assemble_in_memory};
pub use build::build;
pub use load::{Loaded, Model, ThemeFiles, load, load_config, load_model, load_site, load_theme};
pub use session::{Change, Session, StalePages, Update};
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
    /// Index the postmortems for `/search/` (Pagefind's bundle under `pagefind/`);
    /// `false` turns search off whatever `site.toml` says (`--no-search`).
    pub search: bool,
    /// Who the site is for: [`Audience::Public`] leaves internal postmortems and blocks
    /// out (`--audience public`); the default is the complete, internal site.
    pub audience: Audience,
}

impl BuildOptions {
    /// Options for the site at `root` with defaults.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            search: true,
            audience: Audience::Internal,
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
    /// Postmortem pages in the search index (0 without search).
    pub indexed: usize,
    /// Where.
    pub output_dir: PathBuf,
    /// Warnings.
    pub warnings: Diagnostics,
    /// Wall time.
    pub elapsed: Duration,
}

/// `hindsight check`: every validation of the build for `audience` (drafts included, so
/// a postmortem being written is checked too), then the lint rules of [`crate::check`] over the
/// loaded site. Nothing is written. `now` is the only clock reading, for overdue action
/// items; links are checked only when the content is valid enough to render.
pub fn check(root: &Path, audience: Audience, now: jiff::Timestamp) -> crate::check::Report {
    let mut diagnostics = Diagnostics::new();
    let options = BuildOptions {
        drafts: true,
        audience,
        ..BuildOptions::new(root)
    };
    let Some(model) = load_model(&options, &mut diagnostics) else {
        return crate::check::Report {
            diagnostics,
            postmortems: 0,
        };
    };
    let today = now.to_zoned(model.site.config.display_zone()).date();
    let mut output = None;
    let site = if diagnostics.has_errors() {
        model.site
    } else {
        match load_theme(root, &model.site.config) {
            Ok(theme) => {
                let loaded = model.with_theme(theme, Diagnostics::new());
                match assemble_in_memory(&loaded, false) {
                    Ok(assembled) => output = Some(assembled),
                    Err(err) => diagnostics.push(assembly_error(root, &err)),
                }
                loaded.site
            }
            Err(err) => {
                diagnostics.push(assembly_error(root, &err));
                model.site
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

/// A failure to read the theme or render the site, as `check` reports it.
fn assembly_error(root: &Path, err: &Error) -> Diagnostic {
    let (file, message) = match err {
        Error::Template { name, message } => (PathBuf::from(name), message.clone()),
        Error::Io { path, .. } => (content::relative_to(path, root), err.to_string()),
        _ => (PathBuf::from(config::CONFIG_FILE), err.to_string()),
    };
    Diagnostic::error(file, None, message)
}
