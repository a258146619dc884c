//! The theme: tera templates and static files, from three layers.
//!
//! 1. the default theme embedded in the binary (so a site without `themes/` builds),
//! 2. `<site>/themes/<theme>/templates` and `static/`, which replace files of the same name,
//! 3. `<site>/templates/`, which overrides single templates.
//!
//! A site's own `static/` is copied by the output stage, not here.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{Dir, include_dir};
use tera::Tera;

use crate::error::Error;

/// The default theme, embedded at compile time.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A text file of the embedded default theme (`archetypes/postmortem.md`), if it has one.
pub fn default_theme_text(path: &str) -> Option<&'static str> {
    DEFAULT_THEME.get_file(path)?.contents_utf8()
}

/// Compiled templates and the theme's static files.
pub struct Theme {
    /// The compiled templates.
    pub tera: Tera,
    /// Static files by path relative to `static/` (`style.css`).
    pub static_files: BTreeMap<String, Vec<u8>>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field(
                "static_files",
                &self.static_files.keys().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// Every literal `id="…"` of the templates the site renders with (its own over its
/// theme's over the default's): ids content must not take. An unreadable template gives
/// none here; loading the theme reports it.
pub fn template_ids(root: &Path, theme: &str) -> std::collections::BTreeSet<String> {
    let mut ids = std::collections::BTreeSet::new();
    for source in template_sources(root, theme).unwrap_or_default().values() {
        for quote in ['"', '\''] {
            let needle = format!("id={quote}");
            let mut rest = source.as_str();
            while let Some(i) = rest.find(&needle) {
                rest = &rest[i + needle.len()..];
                let Some(end) = rest.find(quote) else { break };
                let id = &rest[..end];
                // `id="y{{ year }}"` is made at render time; only literal ids are known.
                if !id.is_empty() && !id.contains(['{', '<', ' ']) {
                    ids.insert(id.to_string());
                }
                rest = &rest[end..];
            }
        }
    }
    ids
}

/// Template sources by name, before compiling: what the layers resolve to.
pub fn template_sources(root: &Path, theme: &str) -> Result<BTreeMap<String, String>, Error> {
    let mut sources = BTreeMap::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
        collect_embedded(dir, "templates", &mut sources);
    }
    let theme_dir = root.join("themes").join(theme);
    if theme != "default" && !theme_dir.is_dir() {
        return Err(Error::Template {
            name: format!("themes/{theme}"),
            message: format!(
                "site.toml asks for theme \"{theme}\" but {} does not exist; create it or set theme = \"default\"",
                theme_dir.display()
            ),
        });
    }
    read_dir_into(&theme_dir.join("templates"), root, &mut sources)?;
    read_dir_into(&root.join("templates"), root, &mut sources)?;
    Ok(sources)
}

fn collect_embedded(dir: &Dir<'_>, prefix: &str, out: &mut BTreeMap<String, String>) {
    for file in dir.files() {
        let Ok(name) = file.path().strip_prefix(prefix) else {
            continue;
        };
        if let Some(text) = file.contents_utf8() {
            out.insert(name.to_string_lossy().replace('\\', "/"), text.to_string());
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, prefix, out);
    }
}

fn collect_embedded_bytes(dir: &Dir<'_>, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        let Ok(name) = file.path().strip_prefix(prefix) else {
            continue;
        };
        out.insert(
            name.to_string_lossy().replace('\\', "/"),
            file.contents().to_vec(),
        );
    }
    for sub in dir.dirs() {
        collect_embedded_bytes(sub, prefix, out);
    }
}

/// Reads every file under `dir` (if it exists) into `out`, keyed by relative path.
fn read_dir_into(
    dir: &Path,
    site_root: &Path,
    out: &mut BTreeMap<String, String>,
) -> Result<(), Error> {
    let mut bytes = BTreeMap::new();
    read_dir_bytes_into(dir, site_root, &mut bytes)?;
    for (name, data) in bytes {
        let text = String::from_utf8(data).map_err(|_| Error::Template {
            name: name.clone(),
            message: format!("{} is not UTF-8 text", dir.join(&name).display()),
        })?;
        out.insert(name, text);
    }
    Ok(())
}

/// Reads every non-hidden file under `dir` (if it exists) into `out`. Symbolic links are
/// followed only while they stay inside `site_root`: one that leads out of the site (to
/// `/etc`, another user's files) or loops is an error naming the link, never copied into
/// the output.
pub fn read_dir_bytes_into(
    dir: &Path,
    site_root: &Path,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), Error> {
    if !dir.is_dir() {
        return Ok(());
    }
    let canonical_root = site_root
        .canonicalize()
        .unwrap_or_else(|_| site_root.to_path_buf());
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        // walkdir's only error that is not I/O is a loop.
        let entry = entry.map_err(|err| Error::Io {
            path: err.path().unwrap_or(dir).to_path_buf(),
            source: err
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("symbolic link loop; not followed")),
        })?;
        if entry.path_is_symlink() {
            let real = entry.path().canonicalize().map_err(|source| Error::Io {
                path: entry.path().to_path_buf(),
                source,
            })?;
            if !real.starts_with(&canonical_root) {
                return Err(Error::Io {
                    path: entry.path().to_path_buf(),
                    source: std::io::Error::other(format!(
                        "symbolic link points outside the site, to {}; not followed (copy the files into the site instead)",
                        real.display()
                    )),
                });
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let data = std::fs::read(entry.path()).map_err(|source| Error::Io {
            path: entry.path().to_path_buf(),
            source,
        })?;
        out.insert(rel, data);
    }
    Ok(())
}

impl Theme {
    /// Loads and compiles the theme for the site at `root`.
    pub fn load(root: &Path, theme: &str) -> Result<Self, Error> {
        let sources = template_sources(root, theme)?;
        let tera = compile(&sources)?;
        let mut static_files = BTreeMap::new();
        if let Some(dir) = DEFAULT_THEME.get_dir("static") {
            collect_embedded_bytes(dir, "static", &mut static_files);
        }
        read_dir_bytes_into(
            &root.join("themes").join(theme).join("static"),
            root,
            &mut static_files,
        )?;
        Ok(Self { tera, static_files })
    }
}

/// How long the render of one page may take. The largest page of a 100,000-postmortem
/// site renders in well under a second; this is for templates that never finish.
pub const RENDER_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Compiles template sources; a syntax error names the template and its line.
pub fn compile(sources: &BTreeMap<String, String>) -> Result<Tera, Error> {
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    // A template that never finishes (nested loops of millions) would hang `build` and stop
    // `serve` applying any later save; past the limit it is an error at its line instead.
    tera.set_render_time_limit(Some(RENDER_TIME_LIMIT));
    tera.add_raw_templates(
        sources
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str())),
    )
    .map_err(|err| template_error("templates", &err))?;
    Ok(tera)
}

/// Turns a tera error into [`Error::Template`], keeping tera's report (file, line, snippet).
pub fn template_error(fallback_name: &str, err: &tera::Error) -> Error {
    let name = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            report.filename().to_string()
        }
        _ => fallback_name.to_string(),
    };
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    Error::Template { name, message }
}
