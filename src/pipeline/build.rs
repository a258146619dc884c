//! `hindsight build`: the assembly written atomically into the output folder, with the
//! build cache (see [`crate::cache`]).

use std::path::Path;
use std::time::Instant;

use super::{BuildFailure, BuildOptions, Built, Sink, assemble, load};
use crate::cache;
use crate::config;
use crate::content;
use crate::diagnostics::Diagnostics;
use crate::error::Error;
use crate::output;
use crate::render;

/// Builds the site and writes it atomically, streaming each page to disk as soon as it
/// is rendered (the whole site is never held in memory), and using the cache of the last
/// build into the same output folder (see [`crate::cache`]): with no input changed and
/// the output as that build left it, nothing is rendered or written; otherwise each page
/// whose inputs did not change is hard-linked from the previous output.
pub fn build(options: &BuildOptions) -> Result<Built, BuildFailure> {
    let start = Instant::now();
    let output_dir = options.output_dir();
    // Held to the end: no other build writes this output, or its cache, meanwhile.
    let lock = output::OutputLock::acquire(&output_dir)?;
    let previous = cache::Manifest::load(&output_dir).unwrap_or_default();
    let inputs = input_fingerprint(options);
    if inputs.is_some() && previous.inputs == inputs && previous.output_is_intact(&output_dir) {
        return Ok(Built {
            postmortems: previous.postmortems,
            pages: previous.pages,
            files: previous.files.len(),
            indexed: previous.indexed,
            output_dir,
            warnings: Diagnostics::new(),
            elapsed: start.elapsed(),
        });
    }

    let loaded = load(options)?;
    let mut manifest = cache::Manifest {
        inputs: inputs.filter(|_| loaded.warnings.is_empty()),
        postmortems: loaded.site.postmortems.len(),
        ..cache::Manifest::default()
    };
    let templates = template_fingerprint(options, &loaded.site.config.theme);
    output::write_atomically_with(&lock, &options.root, |staging| {
        let sink = Staged {
            staging,
            previous: &previous,
            output_dir: &output_dir,
            templates,
        };
        let assembled = assemble(&loaded, &sink, true)?;
        manifest.indexed = assembled.indexed;
        manifest.pages = assembled
            .files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .count();
        manifest.files = assembled
            .files
            .into_iter()
            .map(|(path, record)| record.map(|r| (path, r)))
            .collect::<Option<_>>()
            .unwrap_or_default();
        Ok(())
    })?;
    // Only a manifest that lists every file may let the next build skip.
    if manifest.files.is_empty() {
        manifest.inputs = None;
    }
    manifest.save(&output_dir);
    Ok(Built {
        postmortems: manifest.postmortems,
        pages: manifest.pages,
        files: manifest.files.len(),
        indexed: manifest.indexed,
        output_dir,
        warnings: loaded.warnings,
        elapsed: start.elapsed(),
    })
}

/// The staging folder of a build, reusing unchanged pages of the previous output.
struct Staged<'a> {
    staging: &'a output::Staging,
    previous: &'a cache::Manifest,
    output_dir: &'a Path,
    /// Fingerprint of everything a page depends on besides its context.
    templates: Option<u128>,
}

impl Sink for Staged<'_> {
    /// What the manifest records of a file (`None`: it could not be read back).
    type Record = Option<cache::FileRecord>;

    fn fingerprints(&self) -> bool {
        self.templates.is_some()
    }

    /// The previous build's record of `path`, when it was rendered from the same inputs,
    /// is still on disk as written, and could be linked into the staging folder.
    fn reuse(&self, path: &str, context: u128) -> Option<Self::Record> {
        let record = self.previous.files.get(path)?;
        let existing = self.output_dir.join(path);
        let key = self.key(path, Some(context));
        (key.is_some()
            && record.key == key
            && record.matches(&existing)
            && self.staging.link(path, &existing))
        .then_some(Some(*record))
    }

    fn put(&self, path: &str, data: Vec<u8>, context: Option<u128>) -> Result<Self::Record, Error> {
        self.staging.write(path, &data)?;
        Ok(cache::FileRecord::of(
            &self.staging.path(path),
            self.key(path, context),
        ))
    }
}

impl Staged<'_> {
    /// The cache key of the page at `path` rendered from a context of fingerprint
    /// `context`: that, the path and everything else a page depends on.
    fn key(&self, path: &str, context: Option<u128>) -> Option<u128> {
        let (templates, context) = self.templates.zip(context)?;
        let mut key = cache::Fingerprint::new();
        key.add_bytes(&templates.to_le_bytes());
        key.add_str(path);
        key.add_bytes(&context.to_le_bytes());
        key.finish()
    }
}

/// Everything a build reads, fingerprinted: the binary, the options, `site.toml` and
/// every entry under `content/`, `templates/`, `static/` and `themes/` (hidden ones too:
/// a superset of what is read is safe). A regular file counts by its path and bytes;
/// anything else (a folder, a symbolic link and where it points, a device, a pipe) by
/// its path and kind, so adding a link to `/dev/zero` changes the fingerprint as adding
/// a file does, and the build that follows reports it as a cold build would. `None` when
/// something cannot be read or walked; the build then reports it.
fn input_fingerprint(options: &BuildOptions) -> Option<u128> {
    use rayon::prelude::*;
    let root = &options.root;
    // (path, what it is besides its bytes, whether its bytes are read)
    let mut entries = vec![(root.join(config::CONFIG_FILE), String::new(), true)];
    for dir in [content::CONTENT_DIR, "templates", "static", "themes"] {
        for entry in walkdir::WalkDir::new(root.join(dir))
            .follow_links(true)
            .sort_by_file_name()
        {
            match entry {
                Ok(entry) => {
                    let file_type = entry.file_type();
                    let mut kind = format!("{file_type:?}");
                    if entry.path_is_symlink() {
                        let target = std::fs::read_link(entry.path()).ok()?;
                        kind.push_str(&format!(" through a link to {}", target.display()));
                    }
                    // Only regular files are read: a device or a pipe may never end.
                    entries.push((entry.into_path(), kind, file_type.is_file()));
                }
                Err(err)
                    if err.io_error().map(|e| e.kind()) == Some(std::io::ErrorKind::NotFound) => {}
                Err(_) => return None,
            }
        }
    }
    let files: Vec<Option<u128>> = entries
        .par_iter()
        .map(|(path, kind, read)| {
            let mut file = cache::Fingerprint::new();
            file.add_str(&path.to_string_lossy());
            file.add_str(kind);
            if *read {
                file.add_bytes(&std::fs::read(path).ok()?);
            }
            file.finish()
        })
        .collect();
    let mut all = option_fingerprint(options);
    for file in files {
        all.add_bytes(&file?.to_le_bytes());
    }
    all.finish()
}

/// The binary and the options of a build.
fn option_fingerprint(options: &BuildOptions) -> cache::Fingerprint {
    let mut fingerprint = cache::Fingerprint::new();
    cache::binary_identity(&mut fingerprint);
    fingerprint.add_value(&(&options.base_url, options.drafts, options.search));
    fingerprint
}

/// What every page depends on besides its context: the binary, the options,
/// `site.toml` and the templates.
fn template_fingerprint(options: &BuildOptions, theme: &str) -> Option<u128> {
    let mut fingerprint = option_fingerprint(options);
    fingerprint.add_bytes(&std::fs::read(options.root.join(config::CONFIG_FILE)).ok()?);
    fingerprint.add_value(&render::theme::template_sources(&options.root, theme).ok()?);
    fingerprint.finish()
}
