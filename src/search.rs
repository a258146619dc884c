//! Full-text search: the postmortems of the model → Pagefind's index and browser bundle.
//!
//! Input: the [`Site`]. Each postmortem becomes one [`Record`]: its URL, its words as
//! plain text (title, root causes, services, impact, trigger, timeline, the Markdown
//! body, action items), the result's title, date, severity and root cause as metadata,
//! and the filters of the search page (root cause, service, severity, year). Output: the
//! files of Pagefind's `pagefind/` folder (`pagefind.js`, its worker and WebAssembly,
//! `pagefind-entry.json`, the index, filter and fragment chunks), as an [`Output`] whose
//! paths start with [`BUNDLE_DIR`].
//!
//! Pagefind is used as a library (`pagefind::api`), so `hindsight build` indexes the site
//! itself in memory: nothing is read from or written to disk here, and there is no
//! second tool to run. Records are built from the model rather than handed over as
//! rendered pages: Pagefind then has no HTML to parse (parsing was most of its time), it
//! indexes only what a reader searches for, and indexing does not wait for rendering:
//! `build` indexes on its own thread while the pages render. Pagefind's API is async; a
//! [`SearchIndex`] owns a small current-thread tokio runtime to drive it, so the rest of
//! hindsight stays synchronous.
//!
//! An index keeps the records it was given: an edited postmortem is added again (same
//! URL, replaced in place) and the files are asked for again, without re-reading the
//! others. Building the files still costs time in proportion to the whole site (Pagefind
//! rebuilds every chunk, see BENCHMARKS.md), so the dev server does it off the edit path,
//! in an [`Indexer`] thread, and swaps the bundle in when it is ready.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender, channel};

use pagefind::options::PagefindServiceConfig;

use crate::error::Error;
use crate::output::Output;
use crate::site::{PostmortemId, Site};
use crate::urls;

/// The output folder of the search bundle ([`urls::PAGEFIND`]).
pub const BUNDLE_DIR: &str = urls::PAGEFIND;

/// The language of the index: Pagefind stems English words and ships the English
/// WebAssembly (postmortems are written in the site's language; English is the theme's).
const LANGUAGE: &str = "en";

/// Fragments per fragment file. A fragment is what a result shows (its URL, meta and
/// the text its excerpt is cut from); Pagefind writes one file each by default, which
/// doubled the files a build writes, and creating the files cost more than indexing
/// the words (BENCHMARKS.md, "Search"). In files of eight (Pagefind's own
/// `max_fragments` format, which its browser side reads), a result fetches its group,
/// about 4.7 KB gzipped, instead of its own 1.3 KB.
pub const FRAGMENT_GROUP: usize = 8;

/// One postmortem as Pagefind indexes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The page's path from the site root, without the base path
    /// (`/postmortems/db-auth/`): the browser side prefixes the folder `pagefind/` is
    /// served from, so one index works under any base URL.
    pub url: String,
    /// The words to find, as plain text; results show an excerpt of it.
    pub content: String,
    /// What a result shows: `title`, `date`, `severity`, `root_cause`.
    pub meta: BTreeMap<String, String>,
    /// Filter name (`root cause`, `service`, `severity`, `year`) → values.
    pub filters: BTreeMap<String, Vec<String>>,
}

/// The record of the postmortem `id`.
pub fn record(site: &Site, id: PostmortemId) -> Record {
    let p = site.postmortem(id);
    let root_causes: Vec<String> = p
        .root_causes
        .iter()
        .map(|key| {
            site.root_causes
                .get(key)
                .map_or_else(|| key.to_string(), |term| term.name.clone())
        })
        .collect();
    let services: Vec<String> = p
        .services
        .iter()
        .map(|key| {
            site.services
                .get(key)
                .map_or_else(|| key.to_string(), |term| term.name.clone())
        })
        .collect();

    let collected;
    let body = match &p.body_text {
        Some(text) => text.as_str(),
        None => {
            collected = crate::markdown::plain_text(&p.body_markdown);
            &collected
        }
    };
    let mut content = String::with_capacity(body.len() + 1024);
    let mut line = |text: &str| {
        let text = text.trim();
        if !text.is_empty() {
            content.push_str(text);
            content.push('\n');
        }
    };
    // A front-matter field the body already says word for word (a timeline entry in
    // the body's timeline table, an action item in its list) is left out: a result's
    // excerpt then does not repeat it, and its words are not counted twice in ranking.
    let in_body = |text: &str| says_word_for_word(body, text.trim());
    line(&p.title);
    line(&format!("Root cause: {}.", root_causes.join(", ")));
    line(&format!("Services: {}.", services.join(", ")));
    let summary = p.impact.summary.as_deref().unwrap_or_default();
    let trigger = p.trigger.as_deref().unwrap_or_default();
    let factors = p.contributing_factors.iter().map(String::as_str);
    let timeline = p.timeline.iter().map(|entry| entry.text.as_str());
    for text in [summary, trigger]
        .into_iter()
        .chain(factors)
        .chain(timeline)
    {
        if !in_body(text) {
            line(text);
        }
    }
    line(body);
    for item in &p.action_items {
        if !in_body(&item.task) {
            line(&item.task);
        }
    }
    line(&p.tags.join(" "));

    let mut meta = BTreeMap::from([("title".to_string(), p.title.clone())]);
    if let Some(date) = p.date {
        meta.insert("date".to_string(), date.strftime("%-d %b %Y").to_string());
    }
    if !p.severity.is_empty() {
        meta.insert("severity".to_string(), p.severity.clone());
    }
    if let Some(first) = root_causes.first() {
        meta.insert("root_cause".to_string(), first.clone());
    }
    let mut filters = BTreeMap::from([
        (
            "year".to_string(),
            p.year().map(|y| y.to_string()).into_iter().collect(),
        ),
        ("root cause".to_string(), root_causes),
        ("service".to_string(), services),
    ]);
    if !p.severity.is_empty() {
        filters.insert("severity".to_string(), vec![p.severity.clone()]);
    }
    filters.retain(|_, values| !values.is_empty());
    Record {
        url: crate::urls::url("/", &crate::urls::postmortem(&p.slug)),
        content,
        meta,
        filters,
    }
}

/// Whether `text` holds `phrase` as whole words: not "deploy" inside "deployment",
/// whose words the index would not share.
fn says_word_for_word(text: &str, phrase: &str) -> bool {
    let is_word = |byte: &u8| byte.is_ascii_alphanumeric() || *byte >= 0x80;
    let (bytes, phrase_bytes) = (text.as_bytes(), phrase.as_bytes());
    let starts_word = phrase_bytes.first().is_some_and(is_word);
    let ends_word = phrase_bytes.last().is_some_and(is_word);
    memchr::memmem::find_iter(bytes, phrase_bytes).any(|at| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        let after = bytes.get(at + phrase_bytes.len());
        let joined_before = starts_word && before.is_some_and(is_word);
        let joined_after = ends_word && after.is_some_and(is_word);
        !joined_before && !joined_after
    })
}

/// The meta fields a [`Record`] may have. Pagefind numbers meta fields before the first
/// record is added, so they are declared here, once.
const META_FIELDS: [&str; 4] = ["date", "root_cause", "severity", "title"];

/// Pagefind set up to index [`Record`]s, and the runtime that drives its output.
///
/// A record is indexed in two steps: [`SearchIndexer::prepare`] splits, stems and packs
/// it (on any thread, in any order: the expensive part), and a [`Builder`] takes the
/// prepared records in site order and appends each word's locations to that word's
/// encoded postings, so a build never holds every page's words
/// (`vendor/pagefind/src/records.rs`, a patch of ours).
pub struct SearchIndexer {
    runtime: tokio::runtime::Runtime,
    indexer: pagefind::records::Indexer,
}

/// A record split, stemmed and packed by [`SearchIndexer::prepare`].
pub struct PreparedRecord {
    url: String,
    prepared: pagefind::records::PreparedRecord,
}

impl std::fmt::Debug for SearchIndexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndexer").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for PreparedRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRecord")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl SearchIndexer {
    /// Pagefind's options for hindsight's records, fragments in files of
    /// [`FRAGMENT_GROUP`].
    pub fn new() -> Result<Self, Error> {
        Self::with_fragment_group(FRAGMENT_GROUP)
    }

    /// Pagefind's options for hindsight's records, fragments in files of `size` (1: a
    /// file each, as Pagefind writes them by default).
    pub fn with_fragment_group(size: usize) -> Result<Self, Error> {
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
            .force_language(LANGUAGE.to_string())
            .build();
        let indexer = pagefind::records::Indexer::new(options, LANGUAGE, &META_FIELDS)
            .map_err(search_error)?
            .with_fragment_groups(size);
        Ok(Self { runtime, indexer })
    }

    /// Splits, stems and packs `record`; safe to call from several threads at once.
    pub fn prepare(&self, record: Record) -> Result<PreparedRecord, Error> {
        let Record {
            url,
            content,
            meta,
            filters,
        } = record;
        let prepared = self
            .indexer
            .prepare(url.clone(), content, meta, filters)
            .map_err(|err| Error::Search {
                message: format!("cannot index {url}: {err:#}"),
            })?;
        Ok(PreparedRecord { url, prepared })
    }

    /// An empty index.
    pub fn builder(&self) -> Builder<'_> {
        Builder {
            runtime: &self.runtime,
            builder: self.indexer.builder(),
        }
    }

    /// The bundle of `records`, in this order.
    pub fn bundle<'a>(
        &self,
        records: impl IntoIterator<Item = &'a PreparedRecord>,
    ) -> Result<Output, Error> {
        let mut builder = self.builder();
        for record in records {
            builder.push(record);
        }
        builder.finish()
    }
}

/// Prepared records pushed in site order, then Pagefind's bundle.
pub struct Builder<'a> {
    runtime: &'a tokio::runtime::Runtime,
    builder: pagefind::records::IndexBuilder<'a>,
}

impl Builder<'_> {
    /// Adds a record. Pagefind numbers records in the order they are pushed, and the
    /// numbers end up in every chunk: push them in site order for the same bytes from
    /// build to build.
    pub fn push(&mut self, record: &PreparedRecord) {
        self.builder.push(&record.prepared);
    }

    /// Number of records in the index (records without a word are left out).
    pub fn len(&self) -> usize {
        self.builder.len()
    }

    /// True when no record is in the index.
    pub fn is_empty(&self) -> bool {
        self.builder.is_empty()
    }

    /// Builds the index and returns Pagefind's bundle, paths under [`BUNDLE_DIR`].
    pub fn finish(self) -> Result<Output, Error> {
        let files = self
            .runtime
            .block_on(self.builder.files())
            .map_err(search_error)?;
        Ok(bundle(files))
    }
}

/// Pagefind's files as an [`Output`], paths under [`BUNDLE_DIR`].
fn bundle(files: Vec<pagefind::api::SyntheticFile>) -> Output {
    let mut output = Output::default();
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        output.insert(format!("{BUNDLE_DIR}{name}"), file.contents);
    }
    output
}

/// Indexes `records` and returns the bundle.
pub fn index(records: impl IntoIterator<Item = Record>) -> Result<Output, Error> {
    index_with(&SearchIndexer::new()?, records)
}

/// Indexes `records` with `indexer` and returns the bundle.
fn index_with(
    indexer: &SearchIndexer,
    records: impl IntoIterator<Item = Record>,
) -> Result<Output, Error> {
    let mut builder = indexer.builder();
    for record in records {
        builder.push(&indexer.prepare(record)?);
    }
    builder.finish()
}

/// The records of the whole site and their bundle, with the number of records indexed.
///
/// Records are prepared on the rayon pool a batch at a time and pushed in site order
/// (the same bytes from build to build). The build calls this beside the page rendering
/// (`rayon::join`), so both share the cores: a core that runs out of pages to render
/// prepares records, and the other way round.
pub fn index_site(site: &Site) -> Result<(Output, usize), Error> {
    use rayon::prelude::*;
    /// Records prepared before they are pushed: enough to keep both cores busy, few
    /// enough that the prepared records never add up to much memory.
    const BATCH: usize = 256;
    let indexer = SearchIndexer::new()?;
    let mut builder = indexer.builder();
    let ids: Vec<PostmortemId> = site.ids().collect();
    for batch in ids.chunks(BATCH) {
        let prepared: Vec<Result<PreparedRecord, Error>> = batch
            .par_iter()
            .map(|&id| indexer.prepare(record(site, id)))
            .collect();
        for record in prepared {
            builder.push(&record?);
        }
    }
    let indexed = builder.len();
    Ok((builder.finish()?, indexed))
}

/// A bundle built by the [`Indexer`].
#[derive(Debug)]
pub struct Bundle {
    /// The files, paths under [`BUNDLE_DIR`].
    pub files: Output,
    /// Records in the index.
    pub pages: usize,
    /// Time from picking up the jobs to the finished files.
    pub elapsed: std::time::Duration,
}

enum Job {
    /// Index these records from scratch (the site was reloaded).
    All(Vec<Record>),
    /// These records changed; the others are as they were.
    Changed(Vec<Record>),
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

    /// Indexes `records`, replacing whatever was indexed before.
    pub fn index_all(&self, records: Vec<Record>) {
        // The thread only stops when `self` is dropped; nothing to report before that.
        let _ = self.jobs.send(Job::All(records));
    }

    /// Re-indexes `records`, which were indexed before with the same URLs.
    pub fn index_changed(&self, records: Vec<Record>) {
        if !records.is_empty() {
            let _ = self.jobs.send(Job::Changed(records));
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

/// What the [`Indexer`] thread keeps: every record prepared, in the order first added.
struct Prepared {
    indexer: SearchIndexer,
    records: Vec<PreparedRecord>,
    positions: std::collections::HashMap<String, usize>,
}

impl Prepared {
    fn new() -> Result<Self, Error> {
        Ok(Self {
            indexer: SearchIndexer::new()?,
            records: Vec::new(),
            positions: std::collections::HashMap::new(),
        })
    }

    /// Prepares `records` on the rayon pool and adds them, replacing those with the
    /// same URL in place.
    fn add(&mut self, records: Vec<Record>) -> Result<(), Error> {
        use rayon::prelude::*;
        let prepared = records
            .into_par_iter()
            .map(|record| self.indexer.prepare(record))
            .collect::<Result<Vec<_>, Error>>()?;
        for record in prepared {
            match self.positions.get(&record.url) {
                Some(&position) => self.records[position] = record,
                None => {
                    self.positions
                        .insert(record.url.clone(), self.records.len());
                    self.records.push(record);
                }
            }
        }
        Ok(())
    }
}

fn run_jobs(pending: &Receiver<Job>, done: &Sender<Result<Bundle, Error>>) {
    let mut index: Option<Prepared> = None;
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
                    Job::All(records) => {
                        let mut fresh = Prepared::new()?;
                        fresh.add(records)?;
                        index = Some(fresh);
                    }
                    Job::Changed(records) => {
                        if let Some(index) = index.as_mut() {
                            index.add(records)?;
                        }
                    }
                }
            }
            index
                .as_ref()
                .map(|index| {
                    Ok(Bundle {
                        files: index.indexer.bundle(&index.records)?,
                        pages: index.records.len(),
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

    fn record(url: &str, content: &str) -> Record {
        Record {
            url: url.to_string(),
            content: content.to_string(),
            meta: BTreeMap::from([("title".to_string(), "MySQL password mistyped".to_string())]),
            filters: BTreeMap::from([
                ("root cause".to_string(), vec!["Configuration".to_string()]),
                ("severity".to_string(), vec!["SEV2".to_string()]),
            ]),
        }
    }

    #[test]
    fn a_field_the_body_already_says_is_not_indexed_twice() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.toml"),
            "title = \"Records\"\nbase_url = \"https://example.org/\"\n\n[root_causes]\nconfiguration = { name = \"Configuration\" }\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/queue.md"),
            r#"---
title: Queue backlog after a config push
started: 2024-05-01T10:00:00Z
resolved: 2024-05-01T11:00:00Z
severity: SEV2
services: [queue]
root_cause: configuration
trigger: "A config push halved the consumer pool"
timeline:
  - { at: "10:00", event: "Config push halves the consumer pool" }
  - { at: "10:20", event: "Rollback" }
action_items:
  - { task: "Review pool sizes before each push", owner: sre, status: open }
  - { task: "Alert on backlog age", owner: sre, status: open }
---
## Timeline

| Time | Event |
|---|---|
| 10:00 | Config push halves the consumer pool |
| 10:20 | Rollbacks started |

## Action items

- Review pool sizes before each push
"#,
        )
        .unwrap();
        let (site, _) = crate::pipeline::load_site(dir.path(), false).unwrap();
        let record = super::record(&site, site.ids().next().unwrap());
        let lines: Vec<&str> = record.content.lines().collect();
        let count = |text: &str| record.content.matches(text).count();

        // Said in the body: once, where the body says it.
        assert_eq!(count("Config push halves the consumer pool"), 1);
        assert_eq!(count("Review pool sizes before each push"), 1);
        // Not in the body: kept, in the record's order around the body.
        assert_eq!(count("A config push halved the consumer pool"), 1);
        assert!(lines.contains(&"Alert on backlog age"), "{lines:?}");
        // "Rollback" is in the body only inside "Rollbacks", a different word.
        assert!(lines.contains(&"Rollback"), "{lines:?}");
        let position = |text: &str| lines.iter().position(|line| line.contains(text));
        assert!(position("A config push halved") < position("Rollbacks started"));
        assert!(position("Rollbacks started") < position("Alert on backlog age"));
    }

    #[test]
    fn whole_words_only() {
        assert!(says_word_for_word("the deploy failed", "deploy"));
        assert!(says_word_for_word("deploy", "deploy"));
        assert!(!says_word_for_word("the deployment failed", "deploy"));
        assert!(!says_word_for_word("redeploy", "deploy"));
        assert!(says_word_for_word("redeploy, then deploy.", "deploy"));
        assert!(!says_word_for_word("über-deployé", "deploy"));
        // A phrase that ends in punctuation may be followed by anything.
        assert!(says_word_for_word("rolled back.Then", "rolled back."));
    }

    const TEXT: &str = "MySQL password mistyped\nThe web app could not reach the database after a credential change.";

    #[test]
    fn index_holds_the_browser_bundle_and_the_chunks() {
        let output = index([record("/postmortems/mysql/", TEXT)]).unwrap();
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
        let records = || {
            [
                record("/postmortems/a/", TEXT),
                record("/postmortems/b/", TEXT),
            ]
        };
        assert_eq!(index(records()).unwrap(), index(records()).unwrap());
    }

    #[test]
    fn indexer_builds_in_the_background_and_follows_changes() {
        let indexer = Indexer::start();
        indexer.index_all(vec![record("/postmortems/a/", TEXT)]);
        let timeout = std::time::Duration::from_secs(60);
        let first = indexer.wait(timeout).unwrap().unwrap().files;
        assert_eq!(first, index([record("/postmortems/a/", TEXT)]).unwrap());
        let edited = TEXT.replace("credential change", "credential change in Zanzibar");
        indexer.index_changed(vec![record("/postmortems/a/", &edited)]);
        let second = indexer.wait(timeout).unwrap().unwrap().files;
        assert_eq!(second, index([record("/postmortems/a/", &edited)]).unwrap());
        assert_ne!(first, second);
    }

    /// The bundle Pagefind's own API makes of `records` (every page's words kept, then
    /// packed and merged at the end), for comparison with ours; with `max_fragments`,
    /// its fragments bundled into that many files.
    fn pagefinds_own_bundle(records: &[Record], max_fragments: Option<u32>) -> Output {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let builder = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(LANGUAGE.to_string());
        let options = match max_fragments {
            Some(files) => builder.max_fragments(files).build(),
            None => builder.build(),
        };
        let mut index = pagefind::api::PagefindIndex::new(Some(options)).unwrap();
        for record in records {
            runtime
                .block_on(index.add_custom_record(
                    record.url.clone(),
                    record.content.clone(),
                    LANGUAGE.to_string(),
                    Some(record.meta.clone()),
                    Some(record.filters.clone()),
                    None,
                ))
                .unwrap();
        }
        bundle(runtime.block_on(index.get_files()).unwrap())
    }

    /// The same files with the same bytes, except that fragments (compressed faster by
    /// ours) are compared decompressed.
    fn assert_same_bundle(ours: &Output, theirs: &Output) {
        let contents = |output: &Output, path: &str| -> Option<Vec<u8>> {
            let data = output.get(path)?;
            if !path.ends_with(".pf_fragment") {
                return Some(data.to_vec());
            }
            let mut plain = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&data[..]), &mut plain)
                .unwrap();
            Some(plain)
        };
        let differing: Vec<&str> = theirs
            .paths()
            .chain(ours.paths())
            .filter(|path| contents(ours, path) != contents(theirs, path))
            .collect();
        assert!(differing.is_empty(), "files differ: {differing:?}");
    }

    #[test]
    fn records_indexed_as_they_come_give_pagefinds_own_bundle() {
        let mut records = vec![
            record("/postmortems/mysql/", TEXT),
            // Diacritics (indexed with their variants), compound and dotted words,
            // numbers, emoji, repeated words, punctuation; a word both on its own and as
            // a compound's part, whose positions then have two weights.
            record(
                "/postmortems/cafe/",
                "Café crème outage: the café's résumé service failed. Cafe again, café. \
                 sysconfig.is_python_build returned False; camelCaseWords and \
                 kebab-case-words, snake_case_words, v1.2.3, 10.0.0.1:5432, 🔥 on-call 🔥. \
                 In that case, a case-by-case review, case closed.",
            ),
            // Whitespace beyond ASCII's (no-break, em and ideographic spaces, NEL),
            // the vertical tab, and zero-width spaces inside words.
            record(
                "/postmortems/spaces/",
                "\u{A0}lead\u{A0}no\u{A0}break em\u{2003}space\u{0B}tab\u{0C}feed\r\n\
                 ideo\u{3000}graphic next\u{85}line zero\u{200B}width caf\u{E9}\u{2003} \u{1F525}",
            ),
            record("/postmortems/empty/", "   "),
            record("/postmortems/punctuation-only/", "— … ·"),
            // Pagefind's private markers take the general path.
            record(
                "/postmortems/markers/",
                "A ___PAGEFIND_WEIGHT___2 heavy word ___END_PAGEFIND_WEIGHT___ here.",
            ),
            record(
                "/postmortems/long/",
                &"The replica lagged behind the primary by minutes. ".repeat(400),
            ),
        ];
        // Every declared meta field on some indexed record: Pagefind's own API lists the
        // fields the indexed records have, ours declares them up front.
        for record in &mut records {
            if record.url == "/postmortems/cafe/" {
                record
                    .meta
                    .insert("date".to_string(), "4 Mar 2024".to_string());
                record
                    .meta
                    .insert("root_cause".to_string(), "Capacity café".to_string());
                // Meta words are split without dotted tails (their own memo).
                record.meta.insert(
                    "title".to_string(),
                    "Café v1.2.3 and sysconfig.is_python_build: camelCase café".to_string(),
                );
                record.filters.insert(
                    "service".to_string(),
                    vec!["api".to_string(), "db".to_string(), "api".to_string()],
                );
            }
            if record.url == "/postmortems/long/" {
                record.meta.remove("title");
                record
                    .meta
                    .insert("severity".to_string(), "SEV1".to_string());
            }
        }
        // Many records, so the words fill several index chunks.
        for i in 0..300 {
            records.push(record(
                &format!("/postmortems/generated-{i}/"),
                &format!("Incident {i}: word{i} and word{} failed; {TEXT}", i * 7),
            ));
        }

        // A file per fragment, as Pagefind writes them by default.
        let one_each = SearchIndexer::with_fragment_group(1).unwrap();
        let ours = index_with(&one_each, records.clone()).unwrap();
        let theirs = pagefinds_own_bundle(&records, None);
        assert_same_bundle(&ours, &theirs);
        assert!(
            theirs.paths().filter(|p| p.ends_with(".pf_index")).count() > 1,
            "the test should span several index chunks"
        );

        // Grouped, as hindsight writes them: Pagefind's `max_fragments` fixes the number
        // of files, so it is given the number that makes its groups ours.
        let fragments = fragment_files(&theirs);
        let max_fragments = fragments.div_ceil(FRAGMENT_GROUP);
        assert_eq!(fragments.div_ceil(max_fragments), FRAGMENT_GROUP);
        let ours = index(records.clone()).unwrap();
        let theirs = pagefinds_own_bundle(&records, Some(max_fragments as u32));
        assert_same_bundle(&ours, &theirs);
        assert_eq!(fragment_files(&ours), max_fragments);
    }

    fn fragment_files(output: &Output) -> usize {
        output
            .paths()
            .filter(|p| p.ends_with(".pf_fragment"))
            .count()
    }

    #[test]
    fn records_with_every_meta_field_give_pagefinds_own_meta_index_too() {
        let mut full = record("/postmortems/mysql/", TEXT);
        for field in META_FIELDS {
            full.meta
                .insert(field.to_string(), format!("{field} value"));
        }
        let records = [full, record("/postmortems/other/", "Other words here.")];
        // Both fragments in one file (fewer than a group of ours).
        let ours = index(records.clone()).unwrap();
        assert_eq!(fragment_files(&ours), 1);
        assert_same_bundle(&ours, &pagefinds_own_bundle(&records, Some(1)));
    }

    #[test]
    fn a_meta_field_not_declared_is_an_error_not_a_panic() {
        let mut odd = record("/postmortems/mysql/", TEXT);
        odd.meta.insert("owner".to_string(), "dba".to_string());
        let err = index([odd]).unwrap_err().to_string();
        assert!(
            err.contains("/postmortems/mysql/") && err.contains("owner"),
            "{err}"
        );
    }
}
