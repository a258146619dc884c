//! File watching: notify events → debounced, classified [`Change`]s.
//!
//! The site root is watched non-recursively (editors that save by writing a temporary
//! file and renaming it over the original are seen there), and `content/`, `templates/`,
//! `static/` and `themes/` recursively. One of those folders created (or removed and
//! created again, as a `git checkout` does) while serving is watched from then on: the
//! root's watch sees it appear. Events are debounced over a short quiet window, so an
//! editor's save-rename-write sequence becomes one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;
use crate::error::Error;
use crate::pipeline::Change;

/// How long the file system must be quiet before a batch of events is handled.
const QUIET: Duration = Duration::from_millis(15);
/// A batch is handled after this long even if events keep coming.
const MAX_WAIT: Duration = Duration::from_millis(250);

/// The folders of a site that are watched recursively.
const WATCHED_DIRS: [&str; 4] = [CONTENT_DIR, "templates", "static", "themes"];

/// Watches a site folder.
pub struct SiteWatcher {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
}

impl std::fmt::Debug for SiteWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteWatcher")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl SiteWatcher {
    /// Starts watching `root`.
    pub fn new(root: &Path) -> Result<Self, Error> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let (sender, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = sender.send(event);
        })
        .map_err(|source| Error::Watch {
            path: root.clone(),
            source,
        })?;
        watch(&mut watcher, &root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED_DIRS {
            let path = root.join(dir);
            if path.is_dir() {
                watch(&mut watcher, &path, RecursiveMode::Recursive)?;
            }
        }
        Ok(Self {
            root,
            watcher,
            events,
        })
    }

    /// Waits up to `timeout` for changes; returns them debounced and classified (empty
    /// when nothing relevant happened). An error means a folder that appeared could not
    /// be watched: the changes it holds are still in the next rebuild, but later edits in
    /// it would be missed.
    pub fn next_changes(&mut self, timeout: Duration) -> Result<Vec<Change>, Error> {
        let mut paths = BTreeSet::new();
        let mut saved = match self.events.recv_timeout(timeout) {
            Ok(event) => self.collect(event, &mut paths),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                return Ok(Vec::new());
            }
        };
        let started = Instant::now();
        // A postmortem written in place and closed is a finished save: waiting for the
        // quiet window would only delay it. Events still in the queue join the batch.
        while started.elapsed() < MAX_WAIT {
            let next = if saved {
                self.events.try_recv().map_err(|_| ())
            } else {
                self.events.recv_timeout(QUIET).map_err(|_| ())
            };
            match next {
                Ok(event) => saved |= self.collect(event, &mut paths),
                Err(()) => break,
            }
        }
        let changes: BTreeSet<Change> = paths
            .iter()
            .filter_map(|p| classify(&self.root, p))
            .collect();
        self.rewatch(&paths)?;
        Ok(changes.into_iter().collect())
    }

    /// Watches the site folders among `paths` that exist now; a folder that was removed
    /// and created again is a new inode, so its old watch is dropped first.
    fn rewatch(&mut self, paths: &BTreeSet<PathBuf>) -> Result<(), Error> {
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            if !paths.contains(&path) {
                continue;
            }
            // Not watched (yet, or any more) is fine here.
            let _ = self.watcher.unwatch(&path);
            if path.is_dir() {
                watch(&mut self.watcher, &path, RecursiveMode::Recursive)?;
            }
        }
        Ok(())
    }
}

fn watch(
    watcher: &mut notify::RecommendedWatcher,
    path: &Path,
    mode: RecursiveMode,
) -> Result<(), Error> {
    watcher.watch(path, mode).map_err(|source| Error::Watch {
        path: path.to_path_buf(),
        source,
    })
}

impl SiteWatcher {
    /// Adds the paths of `event` to `paths`; true when it is a postmortem closed after
    /// writing (the end of an in-place save).
    fn collect(&self, event: notify::Result<notify::Event>, paths: &mut BTreeSet<PathBuf>) -> bool {
        use notify::event::{AccessKind, AccessMode};
        let Ok(event) = event else { return false };
        if let notify::EventKind::Access(access) = event.kind {
            return access == AccessKind::Close(AccessMode::Write)
                && event.paths.iter().any(|path| {
                    paths.contains(path)
                        && path.extension().is_some_and(|e| e == "md")
                        && matches!(classify(&self.root, path), Some(Change::Content(_)))
                });
        }
        paths.extend(event.paths);
        false
    }
}

/// What a changed path means for the site, if anything.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let name = rel.file_name()?.to_string_lossy();
    // Editor droppings: swap files, backups, vim's write test file.
    if name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913"
    {
        return None;
    }
    if rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    {
        return None;
    }
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    match first.as_str() {
        CONFIG_FILE if rel.components().count() == 1 => Some(Change::Config),
        CONTENT_DIR => Some(Change::Content(path.to_path_buf())),
        "templates" => Some(Change::Templates),
        "static" => Some(Change::Static),
        "themes" => {
            if rel.components().any(|c| c.as_os_str() == "static") {
                Some(Change::Static)
            } else {
                Some(Change::Templates)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified_by_folder() {
        let root = Path::new("/site");
        let c = |p: &str| classify(root, Path::new(p));
        assert_eq!(c("/site/site.toml"), Some(Change::Config));
        assert_eq!(
            c("/site/content/2024/a.md"),
            Some(Change::Content("/site/content/2024/a.md".into()))
        );
        assert_eq!(c("/site/templates/base.html"), Some(Change::Templates));
        assert_eq!(
            c("/site/themes/default/static/style.css"),
            Some(Change::Static)
        );
        assert_eq!(
            c("/site/themes/default/templates/base.html"),
            Some(Change::Templates)
        );
        assert_eq!(c("/site/public/index.html"), None);
        assert_eq!(c("/site/content/.a.md.swp"), None);
        assert_eq!(c("/site/content/a.md~"), None);
        assert_eq!(c("/elsewhere/site.toml"), None);
    }
}
