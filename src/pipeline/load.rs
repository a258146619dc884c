//! The one load of a site, shared by `build`, `serve`, `check` and `stats`: config →
//! content → site model, then the theme and the site's own `static/` files.

use std::collections::BTreeMap;
use std::path::Path;

use super::{BuildFailure, BuildOptions};
use crate::config::{self, BaseUrl, Config};
use crate::content::{self, LoadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::highlight::Highlighter;
use crate::render::{self, Theme};
use crate::site::Site;

/// The site model and what it was read with, before the theme (enough for `check`'s
/// rules and `stats`).
#[derive(Debug)]
pub struct Model {
    /// The site.
    pub site: Site,
    /// Highlights code blocks; an edit's postmortem is rendered with the same one.
    pub highlighter: Highlighter,
}

/// Everything the assembly of the output reads (see [`super::assemble`]).
#[derive(Debug)]
pub struct Loaded {
    /// The site.
    pub site: Site,
    /// Highlights code blocks.
    pub highlighter: Highlighter,
    /// The theme (the site's own templates over the theme's).
    pub theme: Theme,
    /// The files of the site's own `static/` folder, by output path.
    pub site_static: BTreeMap<String, Vec<u8>>,
    /// Warnings of the load.
    pub warnings: Diagnostics,
}

/// Loads the site for `options`: the model, the theme and the site's static files. Any
/// error in the config or the content fails the load with every diagnostic.
pub fn load(options: &BuildOptions) -> Result<Loaded, BuildFailure> {
    let mut diagnostics = Diagnostics::new();
    match load_model(options, &mut diagnostics) {
        Some(model) if !diagnostics.has_errors() => {
            let theme = load_theme(&options.root, &model.site.config)?;
            Ok(model.with_theme(theme, diagnostics))
        }
        _ => Err(BuildFailure::Invalid(diagnostics)),
    }
}

/// Reads the config (with the options' overrides) and the content into a model; `None`
/// when the config is unusable. Errors in the content are added to `diagnostics` and
/// leave their postmortems out of the model.
pub fn load_model(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Model> {
    let mut config = load_config(&options.root, options.base_url.as_deref(), diagnostics)?;
    config.search &= options.search;
    config.build_audience = options.audience;
    let highlighter = Highlighter::new();
    let loaded = content::load(
        &options.root,
        &config,
        &highlighter,
        LoadOptions {
            include_drafts: options.drafts,
        },
        diagnostics,
    );
    config.unlisted_root_causes = loaded.internal_root_causes;
    config.internal_sources = loaded.internal_sources;
    Some(Model {
        site: Site::new(config, loaded.postmortems),
        highlighter,
    })
}

impl Model {
    /// The model with its theme and site files (see [`load_theme`]).
    pub fn with_theme(self, (theme, site_static): ThemeFiles, warnings: Diagnostics) -> Loaded {
        Loaded {
            site: self.site,
            highlighter: self.highlighter,
            theme,
            site_static,
            warnings,
        }
    }
}

/// A theme and the files of a site's own `static/` folder, by output path.
pub type ThemeFiles = (Theme, BTreeMap<String, Vec<u8>>);

/// Reads the theme `config` names (with the site's own templates over it) and the site's
/// own static files, of the site at `root`.
pub fn load_theme(root: &Path, config: &Config) -> Result<ThemeFiles, Error> {
    let theme = Theme::load(root, &config.theme)?;
    let mut site_static = BTreeMap::new();
    render::theme::read_dir_bytes_into(&root.join("static"), root, &mut site_static)?;
    Ok((theme, site_static))
}

/// Reads and validates the config, applying a `--base-url` override.
pub fn load_config(
    root: &Path,
    base_url: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> Option<Config> {
    let mut config = config::load(root, diagnostics)?;
    config.reserved_ids = std::sync::Arc::new(render::theme::template_ids(root, &config.theme));
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
/// stats`). Warnings come back with the site.
pub fn load_site(root: &Path, drafts: bool) -> Result<(Site, Diagnostics), BuildFailure> {
    let mut diagnostics = Diagnostics::new();
    let options = BuildOptions {
        drafts,
        ..BuildOptions::new(root)
    };
    match load_model(&options, &mut diagnostics) {
        Some(model) if !diagnostics.has_errors() => Ok((model.site, diagnostics)),
        _ => Err(BuildFailure::Invalid(diagnostics)),
    }
}
