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
//! An index keeps the pages it was given: an edited page is added again (same URL,
//! replaced in place) and the files are asked for again, without re-reading the others.
//! Building the files still costs time in proportion to the whole site (Pagefind rebuilds
//! every chunk: about 12 s for 10,000 postmortems, see BENCHMARKS.md), so the dev server
//! does it off the edit path, in an [`Indexer`] thread, and swaps the bundle in when it
//! is ready.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

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

    /// Reserves the place of the page at `url`: Pagefind numbers pages in the order they
    /// are first added, and the numbers end up in every chunk. A build that renders in
    /// parallel reserves every page in site order first, then adds the pages as they
    /// come; each replaces its placeholder in place, so the index is the same bytes
    /// whatever order the pages arrive in. A placeholder never filled has no words and
    /// is left out of the index.
    pub fn reserve(&mut self, url: &str) -> Result<(), Error> {
        self.runtime
            .block_on(self.index.add_custom_record(
                url.to_string(),
                String::new(),
                "en".to_string(),
                None,
                None,
                None,
            ))
            .map_err(|err| Error::Search {
                message: format!("cannot index {url}: {err:#}"),
            })?;
        Ok(())
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

/// A page to index: its URL from the site root (see [`SearchIndex::add`]) and its HTML.
#[derive(Debug, Clone)]
pub struct Document {
    /// `/postmortems/<slug>/`.
    pub url: String,
    /// The rendered page.
    pub html: Arc<[u8]>,
}

/// A bundle built by the [`Indexer`].
#[derive(Debug)]
pub struct Bundle {
    /// The files, paths under [`BUNDLE_DIR`].
    pub files: Output,
    /// Pages in the index.
    pub pages: usize,
    /// Time from picking up the jobs to the finished files.
    pub elapsed: std::time::Duration,
}

enum Job {
    /// Index these pages from scratch (the site was reloaded).
    All(Vec<Document>),
    /// These pages changed; the others are as they were.
    Changed(Vec<Document>),
}

/// Indexes in a background thread, so an edit is served without waiting for the index.
///
/// Jobs are coalesced: while one bundle is being built, every job that arrives is applied
/// together before the next build, and a full re-index makes earlier jobs moot. Each
/// finished bundle reflects every job submitted before it started; the last one is
/// current. Dropping the `Indexer` stops the thread after its current build.
pub struct Indexer {
    jobs: Sender<Job>,
    finished: Receiver<Result<Bundle, Error>>,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexer").finish_non_exhaustive()
    }
}

impl Indexer {
    /// Starts the thread.
    pub fn start() -> Self {
        let (jobs, pending) = channel();
        let (done, finished) = channel();
        std::thread::spawn(move || run_jobs(&pending, &done));
        Self { jobs, finished }
    }

    /// Indexes `documents`, replacing whatever was indexed before.
    pub fn index_all(&self, documents: Vec<Document>) {
        // The thread only stops when `self` is dropped; nothing to report before that.
        let _ = self.jobs.send(Job::All(documents));
    }

    /// Re-indexes `documents`, which were indexed before with the same URLs.
    pub fn index_changed(&self, documents: Vec<Document>) {
        if !documents.is_empty() {
            let _ = self.jobs.send(Job::Changed(documents));
        }
    }

    /// The newest bundle finished since the last call, if any.
    pub fn finished(&self) -> Option<Result<Bundle, Error>> {
        self.finished.try_iter().last()
    }

    /// Waits up to `timeout` for the next finished bundle (for tests and tools).
    pub fn wait(&self, timeout: std::time::Duration) -> Option<Result<Bundle, Error>> {
        self.finished.recv_timeout(timeout).ok()
    }
}

fn run_jobs(pending: &Receiver<Job>, done: &Sender<Result<Bundle, Error>>) {
    let mut index: Option<SearchIndex> = None;
    while let Ok(first) = pending.recv() {
        let started = std::time::Instant::now();
        let mut jobs = vec![first];
        jobs.extend(pending.try_iter());
        let from = jobs
            .iter()
            .rposition(|job| matches!(job, Job::All(_)))
            .unwrap_or(0);
        let mut apply = || -> Result<Option<Bundle>, Error> {
            for job in jobs.drain(from..) {
                match job {
                    Job::All(documents) => {
                        let mut fresh = SearchIndex::new()?;
                        for document in &documents {
                            fresh.add(&document.url, &document.html)?;
                        }
                        index = Some(fresh);
                    }
                    Job::Changed(documents) => {
                        if let Some(index) = index.as_mut() {
                            for document in &documents {
                                index.add(&document.url, &document.html)?;
                            }
                        }
                    }
                }
            }
            index
                .as_mut()
                .map(|index| {
                    Ok(Bundle {
                        files: index.files()?,
                        pages: index.len(),
                        elapsed: std::time::Duration::ZERO,
                    })
                })
                .transpose()
        };
        let result = match apply() {
            Ok(None) => continue,
            Ok(Some(bundle)) => Ok(Bundle {
                elapsed: started.elapsed(),
                ..bundle
            }),
            Err(err) => {
                // Start again from the next full job rather than from a half-updated index.
                index = None;
                Err(err)
            }
        };
        if done.send(result).is_err() {
            return;
        }
    }
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
    fn reserved_order_wins_over_arrival_order() {
        let in_order = index([
            ("/postmortems/a/", PAGE.as_bytes()),
            ("/postmortems/b/", PAGE.replace("MySQL", "Redis").as_bytes()),
        ]);
        let mut reversed = SearchIndex::new().unwrap();
        reversed.reserve("/postmortems/a/").unwrap();
        reversed.reserve("/postmortems/b/").unwrap();
        reversed
            .add("/postmortems/b/", PAGE.replace("MySQL", "Redis").as_bytes())
            .unwrap();
        reversed.add("/postmortems/a/", PAGE.as_bytes()).unwrap();
        assert_eq!(reversed.files().unwrap(), in_order.unwrap());
    }

    #[test]
    fn indexer_builds_in_the_background_and_follows_changes() {
        let document = |url: &str, html: &str| Document {
            url: url.to_string(),
            html: Arc::from(html.as_bytes()),
        };
        let indexer = Indexer::start();
        indexer.index_all(vec![document("/postmortems/a/", PAGE)]);
        let timeout = std::time::Duration::from_secs(60);
        let first = indexer.wait(timeout).unwrap().unwrap().files;
        assert_eq!(
            first,
            index([("/postmortems/a/", PAGE.as_bytes())]).unwrap()
        );
        let edited = PAGE.replace("credential change", "credential change in Zanzibar");
        indexer.index_changed(vec![document("/postmortems/a/", &edited)]);
        let second = indexer.wait(timeout).unwrap().unwrap().files;
        assert_eq!(
            second,
            index([("/postmortems/a/", edited.as_bytes())]).unwrap()
        );
        assert_ne!(first, second);
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
