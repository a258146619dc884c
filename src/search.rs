//! Full-text search: rendered postmortem pages → Pagefind's index and browser bundle.
//!
//! Input: the HTML of every postmortem page, as rendered (the theme marks what to index
//! with `data-pagefind-body`, the filters with `data-pagefind-filter` and the result's
//! title and date with `data-pagefind-meta`). Output: the files of Pagefind's `pagefind/`
//! folder (`pagefind.js`, its worker and WebAssembly, `pagefind-entry.json`, the index,
//! filter and fragment chunks), as an [`Output`] whose paths start with [`BUNDLE_DIR`].
//!
//! Pagefind is used as a library (`pagefind::api`), so `hindsight build` indexes the site
//! itself in memory: nothing is read from or written to disk here, and there is no
//! second tool to run. Pagefind's API is async; a [`SearchIndex`] owns a small
//! current-thread tokio runtime to drive it, so the rest of hindsight stays synchronous.
//!
//! An index keeps the pages it was given: the dev server re-adds an edited page (same
//! URL, replaced in place) and asks for the files again, without re-reading the others.

use std::collections::BTreeSet;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::error::Error;
use crate::output::Output;

/// The output folder of the search bundle (`pagefind/`), as the browser side expects it
/// next to the site's pages.
pub const BUNDLE_DIR: &str = "pagefind/";

/// A Pagefind index being filled, and the runtime that drives it.
pub struct SearchIndex {
    runtime: tokio::runtime::Runtime,
    index: PagefindIndex,
    /// URLs of the pages added.
    pages: BTreeSet<String>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("pages", &self.pages.len())
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Result<Self, Error> {
        // Pagefind resolves its (unused here) output folder against the working
        // directory and panics when there is none; say so instead.
        std::env::current_dir().map_err(|source| Error::Search {
            message: format!("the current directory is not readable ({source})"),
        })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|source| Error::Search {
                message: format!("cannot start the indexing runtime: {source}"),
            })?;
        let options = PagefindServiceConfig::builder()
            // URLs are given explicitly, ending in `/`; never rewritten.
            .keep_index_url(true)
            .build();
        let index = PagefindIndex::new(Some(options)).map_err(search_error)?;
        Ok(Self {
            runtime,
            index,
            pages: BTreeSet::new(),
        })
    }

    /// Adds a page, or replaces the page with the same `url`. `url` is the page's path
    /// from the site root, without the base path (`/postmortems/db-auth/`): the browser
    /// side prefixes the folder `pagefind/` is served from, so one index works under any
    /// base URL.
    pub fn add(&mut self, url: &str, html: &[u8]) -> Result<(), Error> {
        let html = String::from_utf8_lossy(html).into_owned();
        self.runtime
            .block_on(self.index.add_html_file(None, Some(url.to_string()), html))
            .map_err(|err| Error::Search {
                message: format!("cannot index {url}: {err:#}"),
            })?;
        self.pages.insert(url.to_string());
        Ok(())
    }

    /// Number of pages added.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// True when no page was added.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// Builds the index and returns Pagefind's bundle, paths under [`BUNDLE_DIR`].
    pub fn files(&mut self) -> Result<Output, Error> {
        let files = self
            .runtime
            .block_on(self.index.get_files())
            .map_err(search_error)?;
        let mut output = Output::default();
        for file in files {
            let name = file.filename.to_string_lossy().replace('\\', "/");
            output.insert(format!("{BUNDLE_DIR}{name}"), file.contents);
        }
        Ok(output)
    }
}

/// Indexes `pages` (URL from the site root, HTML) and returns the bundle.
pub fn index<'a>(pages: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Result<Output, Error> {
    let mut index = SearchIndex::new()?;
    for (url, html) in pages {
        index.add(url, html)?;
    }
    index.files()
}

fn search_error(err: anyhow::Error) -> Error {
    Error::Search {
        message: format!("{err:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html lang="en"><head><title>x</title></head><body>
<nav>Navigation words</nav>
<main><article data-pagefind-body>
<h1 data-pagefind-meta="title">MySQL password mistyped</h1>
<p><span data-pagefind-filter="root cause">Configuration</span>
<span data-pagefind-filter="severity">SEV2</span></p>
<p>The web app could not reach the database after a credential change.</p>
</article></main></body></html>"#;

    #[test]
    fn index_holds_the_browser_bundle_and_the_chunks() {
        let output = index([("/postmortems/mysql/", PAGE.as_bytes())]).unwrap();
        for name in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-worker.js",
            "pagefind/pagefind-entry.json",
            "pagefind/wasm.en.pagefind",
        ] {
            assert!(output.contains(name), "{name} missing");
        }
        let kinds = [".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter"];
        for kind in kinds {
            assert!(
                output.paths().any(|p| p.ends_with(kind)),
                "no {kind} file in {:?}",
                output.paths().collect::<Vec<_>>()
            );
        }
        assert!(output.paths().all(|p| p.starts_with(BUNDLE_DIR)));
    }

    #[test]
    fn index_is_deterministic() {
        let pages = [
            ("/postmortems/a/", PAGE.as_bytes()),
            ("/postmortems/b/", PAGE.as_bytes()),
        ];
        assert_eq!(index(pages).unwrap(), index(pages).unwrap());
    }

    #[test]
    fn adding_a_page_again_replaces_it() {
        let mut index = SearchIndex::new().unwrap();
        index.add("/postmortems/a/", PAGE.as_bytes()).unwrap();
        let first = index.files().unwrap();
        index.add("/postmortems/a/", PAGE.as_bytes()).unwrap();
        assert_eq!(index.len(), 1);
        assert_eq!(index.files().unwrap(), first);
    }
}
