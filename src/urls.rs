//! The URL layout of the output, in one place. Every page is an `index.html` in a folder
//! of its own (or a file at the root), and its URL is its output path under the site's
//! base path, without the `index.html` ([`url`]); `render::Page` maps each page to its
//! path with these, and everything else (links in Markdown, term references, the search
//! records) takes a page's URL from here or from its `Page`, and the assets (the theme's
//! static files, the code stylesheets, the search bundle) their paths.

use std::fmt::Display;

/// The folder of the root-cause pages.
pub const ROOT_CAUSES: &str = "root-causes/";
/// The folder of the service pages.
pub const SERVICES: &str = "services/";
/// The folder of Pagefind's bundle (`pagefind.js`, the index chunks), where the browser
/// side expects it next to the pages.
pub const PAGEFIND: &str = "pagefind/";
/// The light code stylesheet (written beside the theme's static files).
pub const SYNTAX_LIGHT: &str = "static/syntax-light.css";
/// The dark code stylesheet.
pub const SYNTAX_DARK: &str = "static/syntax-dark.css";

/// The path of the theme's static file `name` (`style.css`): `static/<name>`.
pub fn asset(name: &str) -> String {
    format!("static/{name}")
}

/// The folder of postmortem `slug`'s page: `postmortems/<slug>/`.
pub fn postmortem(slug: &impl Display) -> String {
    format!("postmortems/{slug}/")
}

/// The folder of a root cause's or service's pages: `<ROOT_CAUSES or SERVICES><key>/`.
pub fn term(kind: &str, key: &impl Display) -> String {
    format!("{kind}{key}/")
}

/// The root-relative URL of the output file (or folder) `path` on a site whose base path
/// is `base_path` (`/` or `/postmortems/`).
pub fn url(base_path: &str, path: &str) -> String {
    format!(
        "{base_path}{}",
        path.strip_suffix("index.html").unwrap_or(path)
    )
}

/// `path` with its `.` and `..` components resolved (a `..` at the top is dropped), as a
/// link's target is read by `check` and by the renderer alike.
pub fn normalize_path(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut normal = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}
