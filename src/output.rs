//! The built site as a value, and writing it atomically.
//!
//! [`Output`] maps output paths to bytes, as `serve` and `check` hold a site.
//! [`write_atomically_with`] has `build` write into a staging folder beside the
//! output and swaps it in with renames only when every file is written, so a failed or
//! killed build never leaves a half-written site in place. It refuses to replace a
//! folder that hindsight did not create, or one that contains the site itself. An
//! [`OutputLock`], held for a whole build, keeps two builds from writing one output.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;

/// The marker file hindsight leaves in every output folder it writes, so it never
/// replaces a folder of someone else's.
pub const MARKER: &str = ".hindsight-output";

/// Output path (relative, `/`-separated) → contents, sorted so writing is deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    // Shared bytes, so the dev server can keep a copy and swap in changes cheaply.
    files: BTreeMap<String, Arc<[u8]>>,
}

impl Output {
    /// Adds or replaces a file.
    pub fn insert(&mut self, path: String, data: Vec<u8>) {
        self.files.insert(path, Arc::from(data));
    }

    /// Removes a file.
    pub fn remove(&mut self, path: &str) -> Option<Arc<[u8]>> {
        self.files.remove(path)
    }

    /// A file's contents.
    pub fn get(&self, path: &str) -> Option<&Arc<[u8]>> {
        self.files.get(path)
    }

    /// True when the file exists.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Every file, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, d)| (p.as_str(), &**d))
    }

    /// Every path, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Replaces and adds every file of `other`.
    pub fn merge(&mut self, other: Output) {
        self.files.extend(other.files);
    }
}

/// The right to write one output folder, held from the start of a build to its end: an
/// exclusive advisory lock (`flock`) on a file beside the output. The kernel releases it
/// when the process ends, however it ends, so a killed build never leaves a lock behind
/// that the next one would have to guess about.
#[derive(Debug)]
pub struct OutputLock {
    out_dir: PathBuf,
    path: PathBuf,
    // Held open: closing it releases the lock.
    file: fs::File,
}

impl OutputLock {
    /// Takes the lock of `out_dir` (creating the folder it goes in), then clears what
    /// builds that were killed left beside it ([`clean_up_interrupted`]). Fails at once,
    /// naming the lock file, when another build holds it.
    pub fn acquire(out_dir: &Path) -> Result<Self, Error> {
        if let Some(parent) = out_dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|source| Error::Output {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let path = sibling(out_dir, "lock");
        let io = |source| Error::Output {
            path: path.clone(),
            source,
        };
        loop {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::Locked {
                        output: out_dir.to_path_buf(),
                        lock: path,
                    });
                }
                Err(fs::TryLockError::Error(source)) => return Err(io(source)),
            }
            // The build that held the lock removes the file before releasing it; if it
            // did so after we opened it, we locked a file that no one else can see.
            if is_same_file(&file, &path) {
                // Who holds it, for someone looking at the file; the lock is the flock.
                let _ = file.set_len(0);
                let _ = writeln!(file, "{}", std::process::id());
                let lock = Self {
                    out_dir: out_dir.to_path_buf(),
                    path,
                    file,
                };
                clean_up_interrupted(out_dir)?;
                return Ok(lock);
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked, then released when `file` closes.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// True when `path` still names the open `file`.
#[cfg(unix)]
fn is_same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_same_file(_file: &fs::File, path: &Path) -> bool {
    // Elsewhere an open file cannot be removed, so the path still names it.
    path.exists()
}

/// `<parent>/.<name>.hindsight-<what>`.
fn sibling(out_dir: &Path, what: &str) -> PathBuf {
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    let parent = out_dir.parent().unwrap_or(Path::new("."));
    parent.join(format!(".{name}.hindsight-{what}"))
}

/// Checks that `out_dir` may be replaced: not the site root or an ancestor of it or of
/// the working directory, and either missing, empty, or written by hindsight before.
pub fn check_replaceable(out_dir: &Path, site_root: &Path) -> Result<(), Error> {
    let unsafe_output = |reason: &str| Error::UnsafeOutput {
        path: out_dir.to_path_buf(),
        reason: reason.to_string(),
    };
    let absolute = |p: &Path| {
        p.canonicalize().unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        })
    };
    let out_abs = absolute(out_dir);
    if absolute(site_root).starts_with(&out_abs) {
        return Err(unsafe_output(
            "it contains the site itself; choose an output folder inside or beside the site, e.g. public/",
        ));
    }
    if let Ok(cwd) = std::env::current_dir()
        && absolute(&cwd).starts_with(&out_abs)
    {
        return Err(unsafe_output(
            "it contains the current directory; choose another output folder",
        ));
    }
    if !out_dir.exists() {
        return Ok(());
    }
    if !out_dir.is_dir() {
        return Err(unsafe_output(
            "it is a file, not a folder; remove it or choose another --output",
        ));
    }
    if out_dir.join(MARKER).is_file() {
        return Ok(());
    }
    let is_empty = fs::read_dir(out_dir)
        .map(|mut entries| entries.next().is_none())
        .map_err(|source| Error::Output {
            path: out_dir.to_path_buf(),
            source,
        })?;
    if is_empty {
        return Ok(());
    }
    Err(unsafe_output(&format!(
        "it holds files that hindsight did not write (it has no {MARKER} file); check --output. If everything in it may be replaced, delete the folder, or create an empty {} to let hindsight replace it",
        out_dir.join(MARKER).display()
    )))
}

/// Writes the output folder that `lock` holds atomically: `fill` writes the files into
/// the [`Staging`] folder beside it, from as many threads as it likes (`build` streams
/// each page to disk as soon as it is rendered instead of holding the whole site in
/// memory), and the folder is swapped in once `fill` succeeds. On any error the previous
/// output is left byte-for-byte as it was.
pub fn write_atomically_with(
    lock: &OutputLock,
    site_root: &Path,
    fill: impl FnOnce(&Staging) -> Result<(), Error>,
) -> Result<(), Error> {
    let out_dir = lock.out_dir.as_path();
    check_replaceable(out_dir, site_root)?;
    let staging = Staging::create(sibling(out_dir, &format!("staging-{}", std::process::id())))?;
    let result = fill(&staging)
        .and_then(|()| staging.finish())
        .and_then(|()| swap(&staging.dir, out_dir));
    if result.is_err() {
        let _ = remove_tree(&staging.dir);
    }
    result
}

/// The staging folder of a build in progress. [`Staging::write`] may be called from
/// several threads at once.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
}

impl Staging {
    fn create(dir: PathBuf) -> Result<Self, Error> {
        if dir.exists() {
            remove_tree(&dir).map_err(|source| Error::Output {
                path: dir.clone(),
                source,
            })?;
        }
        fs::create_dir_all(&dir).map_err(|source| Error::Output {
            path: dir.clone(),
            source,
        })?;
        Ok(Self { dir })
    }

    /// Where `rel` is staged.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Writes one file (`rel` is `/`-separated), creating its folders. A file already
    /// staged under that name is replaced, never written through: it may be a hard link
    /// into the previous output (see [`Staging::link`]), which must stay as it was.
    pub fn write(&self, rel: &str, data: &[u8]) -> Result<(), Error> {
        let path = self.dir.join(rel);
        let io = |source| Error::Output {
            path: path.clone(),
            source,
        };
        let create = || {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
        };
        // Most files are the first in their folder (`postmortems/<slug>/index.html`):
        // try to create the file first and the folder only when it is missing, which
        // saves create_dir_all's checks on every file.
        let mut file = match create() {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(io)?;
                }
                create().map_err(io)?
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                fs::remove_file(&path).map_err(io)?;
                create().map_err(io)?
            }
            other => other.map_err(io)?,
        };
        file.write_all(data).map_err(io)
    }

    /// Makes `rel` a hard link to `existing` (a file of the previous output whose bytes
    /// are known to be right), so an unchanged page costs no write. False when linking is
    /// not possible (another file system, the file is gone): write it instead.
    pub fn link(&self, rel: &str, existing: &Path) -> bool {
        let path = self.dir.join(rel);
        match fs::hard_link(existing, &path) {
            Ok(()) => true,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                path.parent().is_some_and(|p| fs::create_dir_all(p).is_ok())
                    && fs::hard_link(existing, &path).is_ok()
            }
            Err(_) => false,
        }
    }

    fn finish(&self) -> Result<(), Error> {
        let marker = self.dir.join(MARKER);
        fs::write(
            &marker,
            "This folder is written by hindsight; it is replaced on every build.\n",
        )
        .map_err(|source| Error::Output {
            path: marker,
            source,
        })
    }
}

/// Removes a folder and everything in it, sub-folders in parallel: removing the previous
/// output of a large site (one folder per postmortem) is otherwise a long serial tail
/// at the end of every build.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

/// Puts the staged site in place of the previous output, and removes the previous one.
///
/// On Linux the two folders trade places in one `renameat2(RENAME_EXCHANGE)`, so there is
/// no moment at which the output path holds nothing. Where that is not available (another
/// system, a file system without it) the previous output is first renamed aside as
/// `old-<pid>`; a build killed before the staged folder takes its place leaves it there
/// whole, and the next build puts it back ([`clean_up_interrupted`]).
fn swap(staging: &Path, out_dir: &Path) -> Result<(), Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Output { path, source }
    };
    if !out_dir.exists() {
        return fs::rename(staging, out_dir).map_err(io(out_dir));
    }
    if exchange(staging, out_dir).is_ok() {
        // The previous output is now where the staging folder was.
        return remove_tree(staging).map_err(io(staging));
    }
    let old = sibling(out_dir, &format!("old-{}", std::process::id()));
    if old.exists() {
        remove_tree(&old).map_err(io(&old))?;
    }
    fs::rename(out_dir, &old).map_err(io(out_dir))?;
    if let Err(source) = fs::rename(staging, out_dir) {
        // Put the previous site back before reporting.
        let _ = fs::rename(&old, out_dir);
        return Err(Error::Output {
            path: out_dir.to_path_buf(),
            source,
        });
    }
    // An `old-` folder is always a whole previous output (see above): it is deleted under
    // the staging name, which is free again.
    let doomed = if fs::rename(&old, staging).is_ok() {
        staging
    } else {
        &old
    };
    remove_tree(doomed).map_err(io(doomed))
}

/// Swaps two folders atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Clears what builds that were killed left beside the output; called under the lock, so
/// no running build owns any of it. A `staging-<pid>` folder is a half-written site or a
/// previous output being deleted: it is removed. An `old-<pid>` folder is a whole previous
/// output set aside by [`swap`]: it is put back when the output is missing (the build was
/// killed between the two renames), and removed otherwise.
fn clean_up_interrupted(out_dir: &Path) -> Result<(), Error> {
    let Some(prefix) = sibling(out_dir, "")
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return Ok(());
    };
    let parent = sibling(out_dir, "")
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(());
    };
    let mut leftovers: Vec<(bool, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let what = name.strip_prefix(&prefix)?;
            let is_old = what.starts_with("old-");
            (is_old || what.starts_with("staging-")).then(|| (is_old, entry.path()))
        })
        .collect();
    leftovers.sort();
    for (is_old, path) in leftovers {
        if is_old && !out_dir.exists() && path.join(MARKER).is_file() {
            fs::rename(&path, out_dir).map_err(|source| Error::Output {
                path: out_dir.to_path_buf(),
                source,
            })?;
            continue;
        }
        remove_tree(&path).map_err(|source| Error::Output { path, source })?;
    }
    Ok(())
}
