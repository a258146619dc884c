//! The build cache: what the last `hindsight build` into an output folder wrote, so the
//! next build can skip the work whose inputs did not change.
//!
//! It lives beside the output (`.public.hindsight-cache/manifest`) and holds no page
//! bytes: the previous output itself is the store. The manifest records
//!
//! - the fingerprint of every input of the build (the binary, the options, `site.toml`,
//!   the templates and static files, every content file): when it has not changed and
//!   the output folder still holds exactly the files the manifest lists, with the sizes
//!   and modification times it wrote, there is nothing to do;
//! - per output file, the fingerprint of the page's inputs (the templates, the options
//!   and the page's whole template context, see [`Fingerprint`]), its size and its
//!   modification time: a page whose fingerprint is unchanged is hard-linked from the
//!   previous output instead of being rendered and written again.
//!
//! The cache never changes the output: a page is reused only when everything it was
//! rendered from is the same, and only when the file on disk is still the one the last
//! build wrote. A missing, unreadable or foreign manifest is simply a cold build.
//! Nothing here renders or parses; `pipeline::build` decides what to ask.

use std::collections::BTreeMap;
use std::fs;
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::output::MARKER;

/// First line of a manifest; a manifest of another format is ignored.
const FORMAT: &str = "hindsight-cache 1";

/// A 128-bit fingerprint of a sequence of values (SipHash-1-3 with fixed keys, so it is
/// the same in every run). Each value is length-prefixed, so `("ab", "c")` and
/// `("a", "bc")` differ.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    hasher: SipHasher13,
    /// Set when a value could not be serialised: such a fingerprint matches nothing.
    poisoned: bool,
}

impl Default for Fingerprint {
    fn default() -> Self {
        Self::new()
    }
}

impl Fingerprint {
    /// An empty fingerprint.
    pub fn new() -> Self {
        Self {
            hasher: SipHasher13::new_with_keys(0x6869_6e64_7369_6768, 0x7420_6361_6368_6531),
            poisoned: false,
        }
    }

    /// Adds raw bytes.
    pub fn add_bytes(&mut self, bytes: &[u8]) {
        self.hasher.write_u64(bytes.len() as u64);
        self.hasher.write(bytes);
    }

    /// Adds a string.
    pub fn add_str(&mut self, text: &str) {
        self.add_bytes(text.as_bytes());
    }

    /// Adds a value as its CBOR serialisation, which is deterministic for hindsight's
    /// views (structs in field order, sorted maps). CBOR is serde's compact form (its
    /// serialiser is not human-readable): a value shared by many pages that has a
    /// fingerprint of its own (a postmortem's summary in a list) serialises as that
    /// fingerprint in this form, which identifies it as well and saves hashing the same
    /// summary for every list it is in, while templates get it in full.
    pub fn add_value<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        // A fifth of a cold build's instructions went into this when it was JSON written
        // straight into SipHash: CBOR needs no escaping of strings, and a buffer turns the
        // serialiser's many small pieces into a few large writes.
        let mut writer = HashWriter {
            hasher: &mut self.hasher,
            len: 0,
        };
        let failed = {
            let mut buffered = std::io::BufWriter::with_capacity(8192, &mut writer);
            ciborium::into_writer(value, &mut buffered).is_err() || buffered.flush().is_err()
        };
        let len = writer.len;
        self.hasher.write_u64(len);
        self.poisoned |= failed;
    }

    /// The fingerprint of everything added, or `None` when something could not be added.
    pub fn finish(&self) -> Option<u128> {
        (!self.poisoned).then(|| self.hasher.finish128().as_u128())
    }
}

/// Feeds a serialiser's output straight into the hasher, without building a buffer of the whole value.
struct HashWriter<'a> {
    hasher: &'a mut SipHasher13,
    len: u64,
}

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hasher.write(buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Identifies the running binary: a rebuilt hindsight may render differently even with
/// the same version number, so its size and modification time are part of every key.
pub fn binary_identity(fingerprint: &mut Fingerprint) {
    fingerprint.add_str(env!("CARGO_PKG_VERSION"));
    let exe = std::env::current_exe().ok();
    let meta = exe.as_deref().and_then(|p| fs::metadata(p).ok());
    match meta {
        Some(meta) => {
            fingerprint.add_str(&exe.unwrap_or_default().to_string_lossy());
            fingerprint.add_bytes(&meta.len().to_le_bytes());
            fingerprint.add_bytes(&mtime_ns(&meta).to_le_bytes());
        }
        // Without a way to tell binaries apart, never reuse anything.
        None => fingerprint.poisoned = true,
    }
}

/// One file of the output, as the last build wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRecord {
    /// Fingerprint of the page's inputs; `None` for files that are always rewritten.
    pub key: Option<u128>,
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i128,
}

impl FileRecord {
    /// The record of a file just written.
    pub fn of(path: &Path, key: Option<u128>) -> Option<Self> {
        let meta = fs::metadata(path).ok()?;
        Some(Self {
            key,
            len: meta.len(),
            mtime_ns: mtime_ns(&meta),
        })
    }

    /// True when `path` is still the file this record describes.
    pub fn matches(&self, path: &Path) -> bool {
        fs::symlink_metadata(path).is_ok_and(|meta| {
            meta.is_file() && meta.len() == self.len && mtime_ns(&meta) == self.mtime_ns
        })
    }
}

fn mtime_ns(meta: &fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// What a build wrote, read back by the next build into the same output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Fingerprint of every input of the build; `None` when the build had warnings,
    /// which a skipped build could not repeat.
    pub inputs: Option<u128>,
    /// Postmortems built.
    pub postmortems: usize,
    /// HTML pages written.
    pub pages: usize,
    /// Postmortem pages in the search index.
    pub indexed: usize,
    /// Every file of the output but the marker, by `/`-separated path.
    pub files: BTreeMap<String, FileRecord>,
}

impl Manifest {
    /// The manifest of the last build into `out_dir`, if there is a readable one.
    pub fn load(out_dir: &Path) -> Option<Self> {
        let text = fs::read_to_string(manifest_path(out_dir)).ok()?;
        Self::parse(&text)
    }

    fn parse(text: &str) -> Option<Self> {
        let mut lines = text.lines();
        if lines.next()? != FORMAT {
            return None;
        }
        let mut header = lines.next()?.split(' ');
        let mut manifest = Manifest {
            inputs: parse_key(header.next()?)?,
            postmortems: header.next()?.parse().ok()?,
            pages: header.next()?.parse().ok()?,
            indexed: header.next()?.parse().ok()?,
            files: BTreeMap::new(),
        };
        for line in lines {
            // `key len mtime path`; the path is last because it may contain spaces.
            let mut fields = line.splitn(4, ' ');
            let key = parse_key(fields.next()?)?;
            let len = fields.next()?.parse().ok()?;
            let mtime_ns = fields.next()?.parse().ok()?;
            let path = fields.next()?.to_string();
            manifest
                .files
                .insert(path, FileRecord { key, len, mtime_ns });
        }
        Some(manifest)
    }

    fn render(&self) -> String {
        let mut text = format!(
            "{FORMAT}\n{} {} {} {}\n",
            render_key(self.inputs),
            self.postmortems,
            self.pages,
            self.indexed
        );
        for (path, record) in &self.files {
            text.push_str(&format!(
                "{} {} {} {path}\n",
                render_key(record.key),
                record.len,
                record.mtime_ns
            ));
        }
        text
    }

    /// Saves the manifest of the build just swapped into `out_dir`. Best effort: a cache
    /// that cannot be written only makes the next build cold, so errors are ignored,
    /// and a half-written manifest is never read (it is renamed into place).
    pub fn save(&self, out_dir: &Path) {
        let path = manifest_path(out_dir);
        let Some(dir) = path.parent() else { return };
        if fs::create_dir_all(dir).is_err() {
            return;
        }
        let temp = dir.join(format!("manifest.{}", std::process::id()));
        if fs::write(&temp, self.render()).is_ok() && fs::rename(&temp, &path).is_err() {
            let _ = fs::remove_file(&temp);
        }
    }

    /// Forgets the manifest, before a build replaces the output it describes.
    pub fn remove(out_dir: &Path) {
        let _ = fs::remove_file(manifest_path(out_dir));
    }

    /// True when `out_dir` holds exactly the files of this manifest, unchanged since the
    /// build wrote them (same sizes and modification times, nothing added or removed).
    pub fn output_is_intact(&self, out_dir: &Path) -> bool {
        if !out_dir.join(MARKER).is_file() {
            return false;
        }
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(out_dir).min_depth(1) {
            let Ok(entry) = entry else { return false };
            if entry.file_type().is_dir() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(out_dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            if rel == MARKER {
                continue;
            }
            match self.files.get(&rel) {
                Some(record) if record.matches(entry.path()) => seen += 1,
                _ => return false,
            }
        }
        seen == self.files.len()
    }
}

fn parse_key(text: &str) -> Option<Option<u128>> {
    match text {
        "-" => Some(None),
        hex => u128::from_str_radix(hex, 16).ok().map(Some),
    }
}

fn render_key(key: Option<u128>) -> String {
    key.map_or_else(|| "-".to_string(), |k| format!("{k:032x}"))
}

/// `<parent>/.<output name>.hindsight-cache/manifest`, beside the lock and staging
/// folders (and ignored by the same `.gitignore` line).
fn manifest_path(out_dir: &Path) -> PathBuf {
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    let parent = out_dir.parent().unwrap_or(Path::new("."));
    parent
        .join(format!(".{name}.hindsight-cache"))
        .join("manifest")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_separate_values_and_are_stable() {
        let of = |parts: &[&str]| {
            let mut f = Fingerprint::new();
            for p in parts {
                f.add_str(p);
            }
            f.finish()
        };
        assert_eq!(of(&["ab", "c"]), of(&["ab", "c"]));
        assert_ne!(of(&["ab", "c"]), of(&["a", "bc"]));
    }

    #[test]
    fn manifest_round_trips_paths_with_spaces() {
        let mut manifest = Manifest {
            inputs: Some(0xabc),
            postmortems: 3,
            pages: 7,
            indexed: 0,
            files: BTreeMap::new(),
        };
        manifest.files.insert(
            "static/a file.txt".to_string(),
            FileRecord {
                key: None,
                len: 5,
                mtime_ns: 42,
            },
        );
        manifest.files.insert(
            "index.html".to_string(),
            FileRecord {
                key: Some(u128::MAX),
                len: 10,
                mtime_ns: -1,
            },
        );
        assert_eq!(Manifest::parse(&manifest.render()), Some(manifest));
        assert_eq!(Manifest::parse("something else\n"), None);
    }
}
