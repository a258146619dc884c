//! The one assembly of a site's output, shared by `build` (into the staging folder),
//! `serve` and `check` (into memory): they differ only in their [`Sink`].
//!
//! The output is made of four parts, in this precedence, a later one winning a path
//! they share: the pages, the theme's assets (and the code stylesheets), the search
//! bundle, and the site's own `static/` files, which win everywhere. Pages, assets
//! (`static/`) and the bundle (`pagefind/`) never share a path, and each part leaves out
//! the paths of the site's files, so every path is made once and the parts can be made
//! side by side.

use rayon::prelude::*;

use super::Loaded;
use crate::error::Error;
use crate::highlight;
use crate::output::Output;
use crate::render::{self, Page, view::Views};
use crate::search;

/// Where the assembled files go.
pub trait Sink: Sync {
    /// What the sink keeps of each file.
    type Record: Send;

    /// True when the sink wants the fingerprint of each page's template context (see
    /// [`render::page_fingerprint`]), to reuse a page rendered before from the same one
    /// or to tell later which pages an edit changes; false (the default): none is made.
    fn fingerprints(&self) -> bool {
        false
    }

    /// The record of the page at `path` rendered before from a context of fingerprint
    /// `context`, if the sink still has it (so it need not be rendered again).
    fn reuse(&self, _path: &str, _context: u128) -> Option<Self::Record> {
        None
    }

    /// Puts the file at `path`; `context` is the fingerprint of a page's context.
    fn put(&self, path: &str, data: Vec<u8>, context: Option<u128>) -> Result<Self::Record, Error>;
}

/// What an assembly made.
#[derive(Debug)]
pub struct Assembled<R> {
    /// Every file, by output path, each path once.
    pub files: Vec<(String, R)>,
    /// Postmortems in the search index (0 without the bundle).
    pub indexed: usize,
}

/// Assembles the site's output into `sink`; with `search_bundle` (and search on in the
/// config) the search index too, built beside the pages on the same pool. (`serve`
/// indexes off the edit path instead, and places the bundle with [`Loaded::site_wins`].)
pub fn assemble<S: Sink>(
    loaded: &Loaded,
    sink: &S,
    search_bundle: bool,
) -> Result<Assembled<S::Record>, Error> {
    let site = &loaded.site;
    let views = Views::new(site);
    let mut pages: Vec<(Page, String)> = Page::all(site)
        .into_iter()
        .map(|page| (page, page.output_path(site)))
        .filter(|(_, path)| !loaded.site_wins(path))
        .collect();
    // Pages that list a large share of the postmortems take up to a hundred times longer
    // than the others; started last, one of them would keep a core busy after the rest
    // are done, so they go first.
    pages.sort_by_key(|(page, _)| !lists_many(page));
    let put_pages = || put_pages(loaded, &views, sink, &pages);
    let (mut files, indexed) = if search_bundle && site.config.search {
        let (files, bundle) = rayon::join(put_pages, || {
            let (bundle, indexed) = search::index_site(site)?;
            let files = put_files(sink, loaded, bundle.iter())?;
            Ok::<_, Error>((files, indexed))
        });
        let (mut files, (bundle, indexed)) = (files?, bundle?);
        files.extend(bundle);
        (files, indexed)
    } else {
        (put_pages()?, 0)
    };
    let syntax_css = highlight::stylesheets();
    let assets: Vec<(String, &[u8])> = render::assets(&loaded.theme, &syntax_css).collect();
    files.extend(put_files(
        sink,
        loaded,
        assets.iter().map(|(path, data)| (path.as_str(), *data)),
    )?);
    files.extend(
        loaded
            .site_static
            .par_iter()
            .map(|(path, data)| Ok((path.clone(), sink.put(path, data.clone(), None)?)))
            .collect::<Result<Vec<_>, Error>>()?,
    );
    Ok(Assembled { files, indexed })
}

/// Assembles the site into memory.
pub fn assemble_in_memory(loaded: &Loaded, search_bundle: bool) -> Result<Output, Error> {
    let mut output = Output::default();
    let sink = InMemory {
        fingerprints: false,
    };
    for (path, (data, _)) in assemble(loaded, &sink, search_bundle)?.files {
        output.insert(path, data);
    }
    Ok(output)
}

impl Loaded {
    /// True when the site's own `static/` has a file at `path`, which wins over anything
    /// generated there.
    pub fn site_wins(&self, path: &str) -> bool {
        self.site_static.contains_key(path)
    }
}

/// A sink that keeps every file's bytes and, when asked for, each page's context
/// fingerprint (`serve` keeps them to tell which pages an edit changes).
pub struct InMemory {
    /// Whether to fingerprint the pages' contexts.
    pub fingerprints: bool,
}

impl Sink for InMemory {
    type Record = (Vec<u8>, Option<u128>);

    fn fingerprints(&self) -> bool {
        self.fingerprints
    }

    fn put(&self, _: &str, data: Vec<u8>, context: Option<u128>) -> Result<Self::Record, Error> {
        Ok((data, context))
    }
}

/// Renders `pages` (with their output paths) into `sink` on the rayon pool.
pub(super) fn put_pages<S: Sink>(
    loaded: &Loaded,
    views: &Views<'_>,
    sink: &S,
    pages: &[(Page, String)],
) -> Result<Vec<(String, S::Record)>, Error> {
    pages
        .par_iter()
        .map(|(page, path)| Ok((path.clone(), put_page(loaded, views, sink, page, path)?)))
        .collect()
}

/// Renders one page into `sink`, or reuses it when the sink has it from the same inputs.
fn put_page<S: Sink>(
    loaded: &Loaded,
    views: &Views<'_>,
    sink: &S,
    page: &Page,
    path: &str,
) -> Result<S::Record, Error> {
    let (site, theme) = (&loaded.site, &loaded.theme);
    let (bytes, key) = match page {
        Page::NoJekyll => (Vec::new(), None),
        Page::Json => (render::export_json(site, views), None),
        _ => {
            let context = render::page_context(site, views, page, sink.fingerprints());
            let key = context.fingerprint();
            if let Some(record) = key.and_then(|key| sink.reuse(path, key)) {
                return Ok(record);
            }
            (render::render_context(theme, page, &context)?, key)
        }
    };
    sink.put(path, bytes, key)
}

/// Puts generated files that are not pages into `sink` on the rayon pool, but those the
/// site's own files replace. (Ten thousand search fragments written one after the other
/// took a second.)
fn put_files<'a, S: Sink>(
    sink: &S,
    loaded: &Loaded,
    files: impl Iterator<Item = (&'a str, &'a [u8])>,
) -> Result<Vec<(String, S::Record)>, Error> {
    let files: Vec<(&str, &[u8])> = files.filter(|(path, _)| !loaded.site_wins(path)).collect();
    files
        .into_par_iter()
        .map(|(path, data)| Ok((path.to_string(), sink.put(path, data.to_vec(), None)?)))
        .collect()
}

/// Pages whose size grows with the whole library (every list is split into pages, but
/// these read every postmortem).
fn lists_many(page: &Page) -> bool {
    matches!(
        page,
        Page::Timeline | Page::Sitemap | Page::Json | Page::Insights
    )
}
