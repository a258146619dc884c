//! The dev server's build state: a loaded and assembled site kept in memory, updated in
//! place after changes (see [`Session::apply`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::assemble::put_pages;
use super::{BuildFailure, BuildOptions, InMemory, Loaded, assemble, load};
use crate::content;
use crate::diagnostics::Diagnostics;
use crate::error::Error;
use crate::keys::Slug;
use crate::output::Output;
use crate::render::{self, Page, view::Views};
use crate::search;
use crate::site::{PostmortemId, Site, related};

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
    /// Pages that may be out of date until [`Session::finish`] has rendered what depends
    /// on the edit (only after an edit whose own page was rendered first).
    pub stale: Option<StalePages>,
    /// True when everything was re-rendered.
    pub full: bool,
    /// Warnings of the new state.
    pub warnings: Diagnostics,
}

/// The pages an edit left out of date until [`Session::finish`]: every page of the site
/// as it was before the edit but the edited one, rendered first. Not listed: a page that
/// the edit creates (it does not exist yet) and files that are not pages (stylesheets,
/// scripts, the site's static files), which no edit to a postmortem changes.
#[derive(Debug, Clone)]
pub struct StalePages {
    /// Shared with the session: copying 10,000 paths would cost more than rendering the
    /// edited page.
    pages: Arc<BTreeSet<String>>,
    fresh: String,
}

impl StalePages {
    /// True when the file at `path` may be out of date.
    pub fn contains(&self, path: &str) -> bool {
        path != self.fresh && self.pages.contains(path)
    }
}

impl Update {
    /// Adds what `other` changed (and its warnings), for one update that reports both.
    pub fn absorb(&mut self, other: Update) {
        self.warnings.extend(other.warnings);
        for path in other.changed {
            if !self.changed.contains(&path) && !self.removed.contains(&path) {
                self.changed.push(path);
            }
        }
        for path in other.removed {
            if !self.changed.contains(&path) && !self.removed.contains(&path) {
                self.removed.push(path);
            }
        }
        self.full |= other.full;
    }

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
    /// The site as loaded, with the edits applied since.
    loaded: Loaded,
    output: Output,
    /// Paths of the search bundle served before the current one (see
    /// [`Session::replace_search_bundle`]).
    previous_bundle: Vec<String>,
    /// Files whose last parse failed, with their diagnostics.
    broken: BTreeMap<PathBuf, Diagnostics>,
    /// The last full reload failed: the next change reloads everything.
    needs_full: bool,
    /// The warnings of the last edit, whose own page was rendered first, while the pages
    /// that depend on it wait for [`Session::finish`].
    pending: Option<(Diagnostics, Slug)>,
    /// The output path of every page of `site` (not the other files).
    pages: Arc<BTreeSet<String>>,
    /// The fingerprint of each page's render input as it was last rendered, by output
    /// path (see [`render::page_fingerprint`]): after an edit, exactly the pages whose
    /// fingerprint changed are rendered again.
    inputs: HashMap<String, u128>,
}

/// True when replacing the postmortem at `index` by `new` (same slug) can render the
/// new page from the model before the edit with only the edited postmortem and its
/// related incidents brought up to date ([`Site::replace_postmortem`]): the page reads
/// nothing else but the names and colours of the root causes and services and the longest
/// time to resolve (every summary's scale), so those must stay as they are. Root causes
/// are all declared in `site.toml` and none becomes used or unused (a colour is a root
/// cause's slot, and the list of root causes shows only used ones); no service appears
/// or disappears.
fn page_first_is_exact(site: &Site, index: usize, new: &content::Postmortem) -> bool {
    let old = &site.postmortems[index];
    // Postmortems besides this one with a root cause or service of `key`.
    let others = |members: Option<usize>, had_it: bool| {
        members.unwrap_or(0).saturating_sub(usize::from(had_it))
    };
    let causes_stay = old.root_causes.iter().chain(&new.root_causes).all(|key| {
        let in_both = old.root_causes.contains(key) && new.root_causes.contains(key);
        let members = site.root_causes.get(key).map(|t| t.postmortems.len());
        site.config.root_causes.contains_key(key)
            && (in_both || others(members, old.root_causes.contains(key)) > 0)
    });
    let services_stay = old.services.iter().chain(&new.services).all(|key| {
        let in_both = old.services.contains(key) && new.services.contains(key);
        let members = site.services.get(key).map(|t| t.postmortems.len());
        site.config.services.contains_key(key)
            || in_both
            || others(members, old.services.contains(key)) > 0
    });
    let longest_ttr = |but: Option<usize>| {
        let others = site
            .postmortems
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != but);
        others.filter_map(|(_, p)| p.milestones.metrics().ttr).max()
    };
    let longest_stays =
        longest_ttr(Some(index)).max(new.milestones.metrics().ttr) == longest_ttr(None);
    causes_stay && services_stay && longest_stays
}

impl Session {
    /// Loads and renders the site (all but the search bundle, which `serve` indexes
    /// off the edit path and places with [`Session::replace_search_bundle`]).
    pub fn start(options: BuildOptions) -> Result<Self, BuildFailure> {
        let loaded = load(&options)?;
        let mut output = Output::default();
        let mut inputs = HashMap::new();
        for (path, (data, context)) in assemble(&loaded, &FINGERPRINTED, false)?.files {
            if let Some(context) = context {
                inputs.insert(path.clone(), context);
            }
            output.insert(path, data);
        }
        Ok(Self {
            pages: Arc::new(page_paths(&loaded)),
            inputs,
            options,
            loaded,
            output,
            previous_bundle: Vec::new(),
            broken: Default::default(),
            needs_full: false,
            pending: None,
        })
    }

    /// The current output.
    pub fn output(&self) -> &Output {
        &self.output
    }

    /// Warnings of the last full load.
    pub fn warnings(&self) -> &Diagnostics {
        &self.loaded.warnings
    }

    /// The current model.
    pub fn site(&self) -> &Site {
        &self.loaded.site
    }

    /// Applies changes. On error the previous output stays current and the error lists
    /// every problem the site has now.
    pub fn apply(&mut self, changes: &[Change]) -> Result<Update, BuildFailure> {
        // What the last edit left stale comes first (the server has usually done so).
        let earlier = self.finish()?;
        let mut update = self.apply_changes(changes)?;
        update.absorb(earlier);
        Ok(update)
    }

    fn apply_changes(&mut self, changes: &[Change]) -> Result<Update, BuildFailure> {
        let content_only = changes.iter().all(|c| matches!(c, Change::Content(_)));
        if !content_only || self.needs_full {
            return self.reload();
        }
        let mut parsed = Vec::new();
        // Watchers report canonical paths; the root may have been given as `.`.
        let canonical_root = self
            .options
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.options.root.clone());
        for change in changes {
            let Change::Content(path) = change else {
                continue;
            };
            let rel = match path.strip_prefix(&canonical_root) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => content::relative_to(path, &self.options.root),
            };
            let hidden = rel
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_symlink() {
                // Only the walk decides whether a link may be followed (not out of the
                // site, not in a loop), whatever it is named; a full reload goes through
                // it, so serve reports what build and check report.
                return self.reload();
            }
            let postmortems = &self.loaded.site.postmortems;
            let existing = postmortems.iter().position(|p| p.source == rel);
            if rel.extension().and_then(|e| e.to_str()) != Some("md") {
                // A folder renamed, moved, removed or created with files in it is one
                // event for the folder and none for its files.
                let holds_sources = postmortems.iter().any(|p| p.source.starts_with(&rel))
                    || self.broken.keys().any(|source| source.starts_with(&rel));
                if holds_sources || (path.is_dir() && holds_sources_or_links(path)) {
                    return self.reload();
                }
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
            let postmortem =
                content::parse_source(&rel, bytes, &self.loaded.site.config, &mut diagnostics);
            match postmortem {
                Some(p) if !diagnostics.has_errors() => {
                    let was_broken = self.broken.remove(&rel).is_some();
                    let same_identity = existing.is_some_and(|i| {
                        let old = &self.loaded.site.postmortems[i];
                        old.slug == p.slug && old.status == p.status && old.audience == p.audience
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
        let resolver_postmortems = &self.loaded.site.postmortems;
        let mut rendered = Vec::new();
        for (index, mut postmortem, local) in edits {
            diagnostics.extend(local);
            content::render_one(
                &mut postmortem,
                resolver_postmortems,
                &self.loaded.site.config,
                &self.loaded.highlighter,
                &mut diagnostics,
            );
            rendered.push((index, postmortem));
        }
        if diagnostics.has_errors() {
            for (_, p) in &rendered {
                let mut mine = Diagnostics::new();
                for d in diagnostics.iter().filter(|d| d.file == p.source) {
                    mine.push(d.clone());
                }
                self.broken.insert(p.source.clone(), mine);
            }
            return Err(BuildFailure::Invalid(diagnostics));
        }

        if rendered
            .iter()
            .all(|(index, new)| only_the_page_changes(&self.loaded.site.postmortems[*index], new))
        {
            return self.apply_page_edits(rendered, diagnostics);
        }

        let one_exact = matches!(rendered.as_slice(), [(index, postmortem)]
            if page_first_is_exact(&self.loaded.site, *index, postmortem));
        if one_exact && let Some((index, postmortem)) = rendered.pop() {
            return self.apply_edit_page_first(index, postmortem, diagnostics);
        }
        let placeholder = Site::new(self.loaded.site.config.clone(), Vec::new());
        let mut postmortems = std::mem::replace(&mut self.loaded.site, placeholder).postmortems;
        for (index, postmortem) in rendered {
            postmortems[index] = postmortem;
        }
        self.loaded.site = Site::new(self.loaded.site.config.clone(), postmortems);
        self.render_changed(diagnostics, false, None, |_, _| {})
    }

    /// An edit to one postmortem that changes pages besides its own (its front matter, or
    /// the start of the body that related incidents read; see [`page_first_is_exact`]):
    /// its own page is rendered and served first, and every other page is marked stale in the
    /// update until [`Session::finish`] has rendered what depends on the edit (the server
    /// holds requests for stale pages meanwhile, so none is served out of date). Deriving
    /// the whole model again and rendering the pages that list every postmortem takes
    /// the better part of a second at 10,000 postmortems; the edited page alone, a few
    /// milliseconds.
    fn apply_edit_page_first(
        &mut self,
        index: usize,
        postmortem: content::Postmortem,
        warnings: Diagnostics,
    ) -> Result<Update, BuildFailure> {
        let id = self
            .loaded
            .site
            .replace_postmortem(PostmortemId(index as u32), postmortem);
        let page = Page::Postmortem(id);
        let mut update = Update {
            stale: Some(StalePages {
                pages: self.pages.clone(),
                fresh: page.output_path(&self.loaded.site),
            }),
            ..Update::default()
        };
        self.render(&[page], &mut update)?;
        let slug = self.loaded.site.postmortem(id).slug.clone();
        self.pending = Some((warnings, slug));
        Ok(update)
    }

    /// Renders what the last edit left stale (see [`Update::stale`]); an empty update
    /// when nothing is.
    pub fn finish(&mut self) -> Result<Update, BuildFailure> {
        self.finish_telling(|_, _| {})
    }

    /// [`Session::finish`], telling `still_stale` which pages are still out of date, with
    /// the output as it is then, each time that narrows (see [`Session::render_changed`]):
    /// every other page of that output is as it should be, so the server can serve it
    /// and need not hold requests for them any longer.
    pub fn finish_telling(
        &mut self,
        still_stale: impl FnMut(&Output, StalePages),
    ) -> Result<Update, BuildFailure> {
        let Some((warnings, slug)) = self.pending.take() else {
            return Ok(Update::default());
        };
        self.loaded.site.rederive_but_related();
        // The edited postmortem, where the model now has it (its date may have moved it).
        let edited = self.loaded.site.by_slug.get(&slug).copied();
        let update = self.render_changed(warnings, true, edited, still_stale);
        // Pages left unrendered would stay stale: the next change renders everything.
        self.needs_full |= update.is_err();
        update
    }

    /// After the model changed: renders every page whose render input changed (its
    /// fingerprint differs from the one it was last rendered from, or it is new) and
    /// drops the pages that no longer exist. The pages that show `edited` go first: the
    /// postmortem lists that hold it, the single pages that show postmortems
    /// ([`render::page::SINGLE_PAGES_SHOWING_POSTMORTEMS`]) and, when `related_stale`,
    /// the postmortems whose related incidents list it or listed it (found again for them
    /// alone, see [`Site::find_related_of_referrers`]), since comparing the 3,000 list
    /// pages of a 10,000-postmortem site takes 120 ms and finding every related list
    /// again and fingerprinting 10,000 postmortem pages half a second. Then the other
    /// list pages, then the postmortems' own and `postmortems.json` (fingerprinting the
    /// pages is most of the work, and only those whose related incidents changed are
    /// rendered; the data file, which no reader waits on, takes 100 ms at 10,000). When
    /// `related_stale`, the related incidents are found in between (see
    /// [`Site::rederive_but_related`]).
    /// `still_stale` hears which pages are out of date before each batch is rendered and
    /// once each batch of lists is done.
    fn render_changed(
        &mut self,
        warnings: Diagnostics,
        related_stale: bool,
        edited: Option<PostmortemId>,
        mut still_stale: impl FnMut(&Output, StalePages),
    ) -> Result<Update, BuildFailure> {
        let Self {
            loaded,
            output,
            inputs,
            pages: page_set,
            ..
        } = self;
        let paths = |site: &Site, pages: &[Page]| -> BTreeSet<String> {
            pages.iter().map(|page| page.output_path(site)).collect()
        };
        let mut first: BTreeSet<Page> = BTreeSet::new();
        if let Some(id) = edited {
            first.extend(render::page::postmortem_list_pages(&loaded.site, id));
            first.extend(render::page::SINGLE_PAGES_SHOWING_POSTMORTEMS);
            if related_stale {
                let referrers = loaded.site.find_related_of_referrers(id);
                first.extend(referrers.into_iter().map(Page::Postmortem));
            }
        }
        // Each page's path is made once, and goes to its batch's set of paths.
        let mut batches: [(Vec<Page>, BTreeSet<String>); 3] = Default::default();
        for page in Page::all(&loaded.site) {
            let path = page.output_path(&loaded.site);
            if loaded.site_wins(&path) {
                continue;
            }
            let batch = if first.contains(&page) {
                0
            } else if matches!(page, Page::Postmortem(_) | Page::Json) {
                2
            } else {
                1
            };
            batches[batch].0.push(page);
            batches[batch].1.insert(path);
        }
        let [
            (first, mut new_paths),
            (rest, mut waiting_for_rest),
            (later, waiting),
        ] = batches;
        let waiting = Arc::new(waiting);
        waiting_for_rest.extend(waiting.iter().cloned());
        let waiting_for_rest = Arc::new(waiting_for_rest);
        new_paths.extend(waiting_for_rest.iter().cloned());
        // Pages that no longer exist (the last SEV2 of a service became a SEV3).
        let gone: Vec<String> = page_set.difference(&new_paths).cloned().collect();
        let total = new_paths.len();
        *page_set = Arc::new(new_paths);
        let mut update = Update {
            warnings,
            ..Update::default()
        };
        let mut rendered_pages = 0;
        let batches = [
            (first, Some(waiting_for_rest)),
            (rest, Some(waiting)),
            (later, None),
        ];
        for (batch, waiting) in batches {
            if batch.is_empty() && waiting.is_some() {
                continue;
            }
            if waiting.is_none() && related_stale {
                loaded.site.find_related();
            }
            let views = Views::new(&loaded.site);
            let site = &loaded.site;
            let changed = changed_pages(site, &views, inputs, batch);
            let stale_now = |changed: &[Page]| StalePages {
                pages: match &waiting {
                    // Nothing to add to what the later batches render: their set, shared
                    // rather than copied (13,000 paths at 10,000 postmortems).
                    Some(waiting) if changed.is_empty() && gone.is_empty() => Arc::clone(waiting),
                    _ => Arc::new(
                        paths(site, changed)
                            .into_iter()
                            .chain(waiting.iter().flat_map(|w| w.iter().cloned()))
                            .chain(gone.iter().cloned())
                            .collect(),
                    ),
                },
                fresh: String::new(),
            };
            still_stale(output, stale_now(&changed));
            for path in &gone {
                if output.remove(path).is_some() {
                    inputs.remove(path);
                    update.removed.push(path.clone());
                }
            }
            rendered_pages += changed.len();
            let rendered = render_keyed(loaded, &views, &changed)?;
            merge(output, inputs, rendered, &mut update);
            if waiting.is_some() {
                still_stale(output, stale_now(&[]));
            }
        }
        update.full = rendered_pages == total;
        Ok(update)
    }

    /// Edits that leave every page but the postmortem's own as it was (see
    /// [`only_the_page_changes`]): the model keeps its shape, and only those pages are
    /// rendered. This is the common edit while writing, and it must show at once.
    fn apply_page_edits(
        &mut self,
        edits: Vec<(usize, content::Postmortem)>,
        warnings: Diagnostics,
    ) -> Result<Update, BuildFailure> {
        let mut pages = Vec::new();
        for (index, postmortem) in edits {
            self.loaded.site.postmortems[index] = postmortem;
            pages.push(Page::Postmortem(PostmortemId(index as u32)));
        }
        let mut update = Update {
            warnings,
            ..Update::default()
        };
        self.render(&pages, &mut update)?;
        Ok(update)
    }

    /// Renders `pages` of the current model into the output.
    fn render(&mut self, pages: &[Page], update: &mut Update) -> Result<(), Error> {
        let views = Views::new(&self.loaded.site);
        let rendered = render_keyed(&self.loaded, &views, pages)?;
        merge(&mut self.output, &mut self.inputs, rendered, update);
        Ok(())
    }

    /// Every postmortem's search record, for an index of the whole site (empty when the
    /// site has search turned off).
    pub fn search_records(&self) -> Vec<search::Record> {
        self.search_records_where(|_| true)
    }

    /// The search records of the postmortems whose pages `update` changed, to re-index
    /// (all of them after a full reload, which also renumbers pages: index those from
    /// scratch).
    pub fn search_records_changed(&self, update: &Update) -> Vec<search::Record> {
        let changed: BTreeSet<&str> = update.changed.iter().map(String::as_str).collect();
        self.search_records_where(|path| changed.contains(path))
    }

    fn search_records_where(&self, keep: impl Fn(&str) -> bool) -> Vec<search::Record> {
        if !self.loaded.site.config.search {
            return Vec::new();
        }
        self.loaded
            .site
            .ids()
            .filter(|id| keep(&Page::Postmortem(*id).output_path(&self.loaded.site)))
            .map(|id| search::record(&self.loaded.site, id))
            .collect()
    }

    /// Serves `bundle` as the search index. The files of the bundle before it stay too:
    /// a search page loaded just before the swap still finds the chunks its index names
    /// (chunk names are content hashes). Older files go.
    pub fn replace_search_bundle(&mut self, mut bundle: Output) {
        // The site's own files win over the bundle's (see `assemble`).
        let own: Vec<String> = bundle
            .paths()
            .filter(|path| self.loaded.site_wins(path))
            .map(str::to_string)
            .collect();
        for path in own {
            bundle.remove(&path);
        }
        let current: Vec<String> = self
            .output
            .paths()
            .filter(|path| self.is_bundle_file(path))
            .map(str::to_string)
            .collect();
        for path in &self.previous_bundle {
            if !current.contains(path) && !bundle.contains(path) {
                self.output.remove(path);
            }
        }
        self.previous_bundle = current;
        self.output.merge(bundle);
    }

    /// True when `path` is a file of the search bundle (not one of the site's own).
    fn is_bundle_file(&self, path: &str) -> bool {
        path.starts_with(search::BUNDLE_DIR) && !self.loaded.site_wins(path)
    }

    /// Reloads everything (config, theme, content) and diffs the output.
    fn reload(&mut self) -> Result<Update, BuildFailure> {
        let mut fresh =
            Session::start(self.options.clone()).inspect_err(|_| self.needs_full = true)?;
        let mut update = Update {
            full: true,
            warnings: fresh.loaded.warnings.clone(),
            ..Update::default()
        };
        for (path, data) in fresh.output.iter() {
            if self.output.get(path).is_none_or(|old| **old != *data) {
                update.changed.push(path.to_string());
            }
        }
        for path in self.output.paths() {
            if !fresh.output.contains(path) && !self.is_bundle_file(path) {
                update.removed.push(path.to_string());
            }
        }
        // The search bundle is rebuilt off this path; until it arrives the old one is
        // served (a search finds the old text rather than failing), but where the site
        // has a file of its own now.
        for (path, data) in self.output.iter() {
            if self.is_bundle_file(path) && !fresh.loaded.site_wins(path) {
                fresh.output.insert(path.to_string(), data.to_vec());
            }
        }
        fresh.previous_bundle = std::mem::take(&mut self.previous_bundle);
        *self = fresh;
        Ok(update)
    }
}

/// True when replacing `old` by `new` changes no page but the postmortem's own: the same
/// file with the same front matter, and the body changed only after the part that
/// related incidents read. Nothing but its own page shows the body (lists, feeds,
/// insights and `postmortems.json` are made of front matter), so every other page and the
/// whole site model but this postmortem's text stay as they are.
fn only_the_page_changes(old: &content::Postmortem, new: &content::Postmortem) -> bool {
    old.source == new.source
        && old.file_text.get(..old.body_offset) == new.file_text.get(..new.body_offset)
        && related::body_read(old) == related::body_read(new)
}

/// The output path of every page of the site (but those the site's own files replace).
fn page_paths(loaded: &Loaded) -> BTreeSet<String> {
    Page::all(&loaded.site)
        .iter()
        .map(|page| page.output_path(&loaded.site))
        .filter(|path| !loaded.site_wins(path))
        .collect()
}

/// Puts rendered pages into `output`, keeping the fingerprint of each one's input in
/// `inputs`, and lists in `update` the paths whose bytes changed.
fn merge(
    output: &mut Output,
    inputs: &mut HashMap<String, u128>,
    rendered: Vec<Rendered>,
    update: &mut Update,
) {
    for (path, (bytes, key)) in rendered {
        match key {
            Some(key) => inputs.insert(path.clone(), key),
            None => inputs.remove(&path),
        };
        if output.get(&path).is_none_or(|old| **old != *bytes) {
            update.changed.push(path.clone());
        }
        output.insert(path, bytes);
    }
}

/// The session's sink: every page is fingerprinted as it is rendered.
const FINGERPRINTED: InMemory = InMemory { fingerprints: true };

/// A page rendered: its output path, its bytes and the fingerprint of its context.
type Rendered = (String, (Vec<u8>, Option<u128>));

/// Renders `pages` with `views` on the rayon pool, but those the site's own files replace.
fn render_keyed(
    loaded: &Loaded,
    views: &Views<'_>,
    pages: &[Page],
) -> Result<Vec<Rendered>, Error> {
    let pages: Vec<(Page, String)> = pages
        .iter()
        .map(|page| (*page, page.output_path(&loaded.site)))
        .filter(|(_, path)| !loaded.site_wins(path))
        .collect();
    put_pages(loaded, views, &FINGERPRINTED, &pages)
}

/// Those of `pages` whose render input changed since `inputs` was taken (their fingerprint
/// differs from the one there, or they have none), found on the rayon pool.
fn changed_pages(
    site: &Site,
    views: &Views<'_>,
    inputs: &HashMap<String, u128>,
    pages: Vec<Page>,
) -> Vec<Page> {
    use rayon::prelude::*;
    pages
        .into_par_iter()
        .filter(|page| {
            let key = render::page_fingerprint(site, views, page);
            key.is_none() || inputs.get(&page.output_path(site)) != key.as_ref()
        })
        .collect()
}

/// True when `dir` holds a `.md` file or a symbolic link at any depth, or cannot be
/// walked (a loop), hidden entries aside: what only a full load decides about.
fn holds_sources_or_links(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .any(|e| match e {
            Err(_) => true,
            Ok(e) => {
                e.path_is_symlink()
                    || (e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"title = "Session test library"
base_url = "https://example.org/library/"

[root_causes]
configuration = { name = "Configuration" }
deployment = { name = "Deployment" }
capacity = { name = "Capacity" }
"#;

    const DB: &str = "---
title: Database password mistyped
started: 2024-08-14T14:30:00Z
detected: 2024-08-14T14:35:00Z
resolved: 2024-08-14T15:15:00Z
severity: SEV2
services: [web-app, mysql]
root_cause: configuration
tags: [mysql, credentials]
action_items:
  - { task: Stage database changes, owner: devops, status: open, due: 2024-09-01 }
---
The password was mistyped.
";

    const CONN: &str = "---
title: Connection string pointed at the old primary
started: 2023-12-01T09:00:00Z
resolved: 2023-12-01T11:30:00Z
severity: SEV1
services: [api, mysql]
root_cause: [configuration, deployment]
tags: [mysql]
---
See [the later outage](../2024/db.md).
";

    const DISK: &str = "---
title: Disk full on the log host
started: 2024-03-05T08:00:00Z
resolved: 2024-03-05T08:20:00Z
severity: SEV3
services: api
root_cause: capacity
---
The log host filled up.
";

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("site.toml", CONFIG);
        write("content/2024/db.md", DB);
        write("content/2023/conn.md", CONN);
        write("content/2024/disk.md", DISK);
        dir
    }

    fn options(root: &Path) -> BuildOptions {
        BuildOptions {
            drafts: true,
            // The search bundle is rebuilt by its own code; compare the pages.
            search: false,
            ..BuildOptions::new(root)
        }
    }

    fn differences(incremental: &Output, full: &Output) -> Vec<String> {
        let mut problems = Vec::new();
        for (path, data) in full.iter() {
            match incremental.get(path) {
                None => problems.push(format!("{path} is missing")),
                Some(bytes) if **bytes != *data => problems.push(format!("{path} is stale")),
                Some(_) => {}
            }
        }
        for path in incremental.paths() {
            if !full.contains(path) {
                problems.push(format!("{path} should be gone"));
            }
        }
        problems
    }

    /// Forty more postmortems over the three root causes, five services, two years and a
    /// few shared title words, so that related lists overlap and an edit moves the edited
    /// postmortem into and out of other lists; every other one has action items of three
    /// owners.
    fn add_library(root: &Path) {
        let services = ["api", "mysql", "web-app", "cache", "queue"];
        let causes = ["configuration", "deployment", "capacity"];
        let words = ["replication", "certificate", "throttling", "failover"];
        for i in 0..40 {
            let path = root.join(format!("content/library/p{i:02}.md"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let year = 2022 + i % 2;
            let action_items = if i % 2 == 1 {
                format!(
                    "action_items:\n  - {{ task: Fix the {} {i}, owner: team{}, status: open, due: 2024-{:02}-{:02} }}\n  - {{ task: Review {i}, owner: team{}, status: done }}\n",
                    words[i % 4],
                    i % 3,
                    i % 12 + 1,
                    (i * 7) % 27 + 1,
                    (i + 1) % 3,
                )
            } else {
                String::new()
            };
            std::fs::write(
                path,
                format!(
                    "---\ntitle: {} {} incident {i}\nstarted: {year}-{:02}-{:02}T10:00:00Z\nresolved: {year}-{:02}-{:02}T11:{:02}:00Z\nseverity: SEV{}\nservices: [{}, {}]\nroot_cause: {}\ntags: [t{}]\n{action_items}---\nThe {} broke.\n",
                    words[i % 4],
                    words[(i / 4) % 4],
                    i % 12 + 1,
                    i % 27 + 1,
                    i % 12 + 1,
                    i % 27 + 1,
                    i % 50,
                    i % 3 + 1,
                    services[i % 5],
                    services[(i + 2) % 5],
                    causes[i % 3],
                    i % 6,
                    words[(i + 1) % 4],
                ),
            )
            .unwrap();
        }
    }

    /// The HTML pages of `output` other than postmortems' that link postmortem `slug`.
    fn pages_listing(output: &Output, slug: &str) -> std::collections::BTreeSet<String> {
        let link = format!("postmortems/{slug}/\"");
        output
            .iter()
            .filter(|(path, data)| {
                path.ends_with(".html")
                    && !path.starts_with("postmortems/")
                    && memchr::memmem::find(data, link.as_bytes()).is_some()
            })
            .map(|(path, _)| path.to_string())
            .collect()
    }

    /// Each edit is applied to a running session and must leave exactly the output a fresh
    /// build of the same files gives: no stale page, no page left over. An edit whose own
    /// page is rendered first must give that page as the full build does at once, and
    /// list as stale every other page that differs until `finish`.
    #[test]
    fn incremental_edits_match_a_full_build() {
        incremental_edits_match_a_full_build_with(CONFIG);
    }

    /// The same with lists of four to a page, so that an edit moves a postmortem (or an
    /// action item) to another page of a list, makes a list a page longer or shorter, and
    /// moves where a year begins on a severity's pages.
    #[test]
    fn incremental_edits_match_a_full_build_with_small_pages() {
        incremental_edits_match_a_full_build_with(&format!("paginate_by = 4\n{CONFIG}"));
    }

    fn incremental_edits_match_a_full_build_with(config: &str) {
        let dir = site();
        let root = dir.path();
        std::fs::write(root.join("site.toml"), config).unwrap();
        let paged = config.contains("paginate_by");
        add_library(root);
        let db = root.join("content/2024/db.md");
        let p07 = root.join("content/library/p07.md");
        let mut session = Session::start(options(root)).unwrap();
        type Edit = Box<dyn Fn(&str) -> String>;
        let edits: Vec<(&str, &Path, Edit)> = vec![
            (
                "body",
                &db,
                Box::new(|t| t.replace("mistyped.", "typed twice.")),
            ),
            (
                "long body",
                &db,
                Box::new(|t| {
                    let padding = "Nothing to see in this sentence. ".repeat(25);
                    t.replace(
                        "typed twice.",
                        &format!("typed twice.\n\n{padding}\n\nThe end."),
                    )
                }),
            ),
            // After the start of the body that related incidents read: only the page.
            (
                "end of the body",
                &db,
                Box::new(|t| t.replace("The end.", "The end, see [the outage](../2023/conn.md).")),
            ),
            (
                "title",
                &db,
                Box::new(|t| t.replace("Database password", "DB password")),
            ),
            (
                "title words",
                &db,
                Box::new(|t| t.replace("DB password", "Replication certificate password")),
            ),
            ("severity", &db, Box::new(|t| t.replace("SEV2", "SEV3"))),
            (
                "severity back",
                &db,
                Box::new(|t| t.replace("SEV3", "SEV2")),
            ),
            (
                "year",
                &db,
                Box::new(|t| t.replace("2024-08-14", "2022-08-14")),
            ),
            (
                "root cause",
                &db,
                Box::new(|t| t.replace("root_cause: configuration", "root_cause: capacity")),
            ),
            (
                "services",
                &db,
                Box::new(|t| t.replace("[web-app, mysql]", "[web-app, cache]")),
            ),
            (
                "services, an unknown one",
                &db,
                Box::new(|t| t.replace("[web-app, cache]", "[web-app, billing]")),
            ),
            (
                "tags",
                &db,
                Box::new(|t| t.replace("[mysql, credentials]", "[credentials]")),
            ),
            (
                "action items",
                &db,
                Box::new(|t| {
                    t.replace(
                        "action_items:\n  - { task: Stage database changes, owner: devops, status: open, due: 2024-09-01 }\n",
                        "",
                    )
                }),
            ),
            (
                "action items back",
                &db,
                Box::new(|t| {
                    t.replace(
                        "tags:",
                        "action_items:\n  - { task: Check the secrets, owner: dba, status: open, due: 2022-09-01 }\ntags:",
                    )
                }),
            ),
            (
                "longest",
                &db,
                Box::new(|t| t.replace("resolved: 2022-08-14T15:15", "resolved: 2022-08-15T15:15")),
            ),
            (
                "date, across the library",
                &p07,
                Box::new(|t| t.replace("started: 2023-08-08", "started: 2023-01-02")),
            ),
            (
                "title and root cause of a library postmortem",
                &p07,
                Box::new(|t| {
                    t.replace(
                        "title: Failover certificate",
                        "title: Throttling replication",
                    )
                    .replace("root_cause: deployment", "root_cause: configuration")
                }),
            ),
            (
                "severity and services of a library postmortem",
                &p07,
                Box::new(|t| {
                    t.replace("SEV2", "SEV1")
                        .replace("[web-app, queue]", "[mysql, cache]")
                }),
            ),
            (
                "a year of its own, before every other",
                &p07,
                Box::new(|t| {
                    t.replace("2023-01-02", "2020-01-02")
                        .replace("2023-08-08", "2020-08-08")
                }),
            ),
            (
                "due date of an action item, to the top of the open ones",
                &p07,
                Box::new(|t| t.replace("due: 2024-08-23", "due: 2023-01-01")),
            ),
            (
                "owner of an action item",
                &p07,
                Box::new(|t| t.replace("owner: team1, status: open", "owner: team2, status: open")),
            ),
            (
                "an action item closed",
                &p07,
                Box::new(|t| {
                    t.replace(
                        "status: open, due: 2023-01-01",
                        "status: done, due: 2023-01-01",
                    )
                }),
            ),
            (
                "the newest postmortem back in time, across every list it is on",
                &db,
                Box::new(|t| {
                    t.replace("2022-08-14", "2023-06-30")
                        .replace("2022-08-15", "2023-07-01")
                }),
            ),
        ];
        let mut moved = 0;
        let mut page_first = 0;
        for (what, file, edit) in edits {
            let before = std::fs::read_to_string(file).unwrap();
            let after = edit(&before);
            assert_ne!(before, after, "the {what} edit changes nothing");
            std::fs::write(file, after).unwrap();
            let slug = file.file_stem().unwrap().to_string_lossy().into_owned();
            let listed_before = pages_listing(session.output(), &slug);
            let mut update = session
                .apply(&[Change::Content(file.to_path_buf())])
                .unwrap_or_else(|err| panic!("{what}: {err}"));
            let full = Session::start(options(root)).unwrap();
            if let Some(stale) = update.stale.take() {
                page_first += 1;
                // Served now: anything that differs from the full build must be stale.
                let problems: Vec<String> = differences(session.output(), full.output())
                    .into_iter()
                    .filter(|problem| {
                        let path = problem.split(' ').next().unwrap_or_default();
                        !stale.contains(path) && !problem.ends_with("is missing")
                    })
                    .collect();
                assert!(
                    problems.is_empty(),
                    "served before the rest after the {what} edit:\n{}",
                    problems.join("\n")
                );
                // Once the model is derived again, only the pages still to render are,
                // each time the server is told.
                let mut told = Vec::new();
                update.absorb(
                    session
                        .finish_telling(|served, stale| told.push((served.clone(), stale)))
                        .unwrap(),
                );
                assert!(!told.is_empty(), "told which pages are still stale");
                for (served, narrowed) in &told {
                    let problems: Vec<String> = differences(served, full.output())
                        .into_iter()
                        .filter(|problem| {
                            let path = problem.split(' ').next().unwrap_or_default();
                            !narrowed.contains(path) && !problem.ends_with("is missing")
                        })
                        .collect();
                    assert!(
                        problems.is_empty(),
                        "served while the rest renders after the {what} edit:\n{}",
                        problems.join("\n")
                    );
                }
            }
            let problems = differences(session.output(), full.output());
            assert!(
                problems.is_empty(),
                "after the {what} edit:\n{}",
                problems.join("\n")
            );
            // On another page of some list it is on.
            let listed_after = pages_listing(session.output(), &slug);
            moved += usize::from(
                listed_before
                    .symmetric_difference(&listed_after)
                    .any(|path| path.contains("/page/") || path.starts_with("page/")),
            );
            assert!(!update.changed.is_empty(), "{what}: nothing changed");
            if what == "end of the body" {
                assert_eq!(update.changed, ["postmortems/db/index.html"], "{what}");
            }
        }
        assert!(
            page_first >= 8,
            "only {page_first} edits showed their page first"
        );
        if paged {
            assert!(
                moved >= 5,
                "only {moved} edits moved a postmortem to another page"
            );
        }

        // Adding and deleting a postmortem reload the site.
        let added = root.join("content/library/new.md");
        std::fs::write(
            &added,
            DISK.replace("Disk full on the log host", "Replication failover stalled"),
        )
        .unwrap();
        for (what, change) in [("adding", true), ("deleting", false)] {
            if !change {
                std::fs::remove_file(&added).unwrap();
            }
            session
                .apply(&[Change::Content(added.clone())])
                .unwrap_or_else(|err| panic!("{what}: {err}"));
            session.finish().unwrap();
            let full = Session::start(options(root)).unwrap();
            let problems = differences(session.output(), full.output());
            assert!(
                problems.is_empty(),
                "after {what} a postmortem:\n{}",
                problems.join("\n")
            );
        }
    }

    #[test]
    fn a_renamed_folder_of_postmortems_reloads_the_site() {
        let dir = site();
        let root = dir.path();
        let mut session = Session::start(options(root)).unwrap();
        std::fs::rename(root.join("content/2024"), root.join("content/recent")).unwrap();
        // conn.md links to ../2024/db.md, which is gone now.
        let failure = session
            .apply(&[Change::Content(root.join("content/2024"))])
            .unwrap_err();
        assert!(failure.to_string().contains("error"), "{failure}");
        std::fs::write(
            root.join("content/2023/conn.md"),
            CONN.replace("../2024/db.md", "../recent/db.md"),
        )
        .unwrap();
        session
            .apply(&[Change::Content(root.join("content/2023/conn.md"))])
            .unwrap();
        let full = Session::start(options(root)).unwrap();
        assert!(differences(session.output(), full.output()).is_empty());
    }

    #[test]
    fn a_folder_created_with_postmortems_in_it_is_loaded() {
        let dir = site();
        let root = dir.path();
        let mut session = Session::start(options(root)).unwrap();
        std::fs::create_dir_all(root.join("content/2025")).unwrap();
        std::fs::write(
            root.join("content/2025/cache.md"),
            DISK.replace("Disk full on the log host", "Cache stampede"),
        )
        .unwrap();
        let update = session
            .apply(&[Change::Content(root.join("content/2025"))])
            .unwrap();
        assert!(
            update
                .changed
                .iter()
                .any(|p| p == "postmortems/cache/index.html")
        );
        // A file that is not a postmortem changes nothing.
        std::fs::write(root.join("content/2025/notes.txt"), "x").unwrap();
        let update = session
            .apply(&[Change::Content(root.join("content/2025/notes.txt"))])
            .unwrap();
        assert!(update.changed.is_empty() && update.removed.is_empty());
    }
}
