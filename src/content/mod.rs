//! Content loading: `content/` → validated [`Postmortem`]s with rendered bodies.
//!
//! Walks the folder in sorted order, reads each `.md` file, splits and validates its
//! front matter, then renders every body with links between postmortems resolved. Every
//! mistake is a diagnostic; loading carries on so one run reports them all. This stage
//! knows nothing of pages or templates.

pub mod front_matter;
pub mod postmortem;
pub mod time;
mod yaml_budget;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::audience::{self, Audience};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, LineCol};
use crate::highlight::Highlighter;
use crate::keys::RootCauseKey;
use crate::markdown::{self, LinkResolver, Resolved};
use crate::personal_data;
use crate::secrets;
use crate::text;
pub use postmortem::Postmortem;

/// The content folder's name in the site root.
pub const CONTENT_DIR: &str = "content";

/// What to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep `status: draft` postmortems.
    pub include_drafts: bool,
}

/// One file found by the walk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, with `/` separators (`content/2024/db.md`).
    pub rel_path: PathBuf,
    /// Absolute path.
    pub abs_path: PathBuf,
}

/// Lists the postmortem files under `<root>/content`, sorted; walk problems (loops,
/// links out of the site, unreadable folders) are diagnostics.
pub fn discover(root: &Path, diagnostics: &mut Diagnostics) -> Vec<SourceFile> {
    let content_dir = root.join(CONTENT_DIR);
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(CONTENT_DIR, None, "no content/ folder").with_help(
                "create content/ and put postmortems in it, or run `hindsight new \"Title\"`",
            ),
        );
        return Vec::new();
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    let mut walker = walkdir::WalkDir::new(&content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| relative_to(p, root))
                    .unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loop; not followed".to_string()
                } else {
                    format!("cannot read: {err}")
                };
                diagnostics.push(
                    Diagnostic::error(path, None, message)
                        .with_help("remove the link or fix the folder's permissions"),
                );
                continue;
            }
        };
        let rel_path = relative_to(entry.path(), root);
        if entry.path_is_symlink() {
            // A link may lead out of the site: resolve it and refuse what escapes.
            match entry.path().canonicalize() {
                Ok(real) if !real.starts_with(&canonical_root) => {
                    diagnostics.push(
                        Diagnostic::error(
                            &rel_path,
                            None,
                            format!(
                                "symbolic link points outside the site, to {}; not followed",
                                real.display()
                            ),
                        )
                        .with_help("copy the files into content/ instead of linking to them"),
                    );
                    if entry.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                    continue;
                }
                Ok(_) => {}
                Err(err) => {
                    diagnostics.push(Diagnostic::error(
                        &rel_path,
                        None,
                        format!("cannot resolve symbolic link: {err}"),
                    ));
                    continue;
                }
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if entry.path().extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        files.push(SourceFile {
            rel_path,
            abs_path: entry.path().to_path_buf(),
        });
    }
    files
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// `path` relative to `root`, with `/` separators whatever the platform.
pub fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// The postmortems of a load.
#[derive(Debug)]
pub struct Loaded {
    /// The postmortems the build publishes, bodies rendered.
    pub postmortems: Vec<Postmortem>,
    /// Root causes that only the internal postmortems a public build left out have: the
    /// public site must not show them either.
    pub internal_root_causes: BTreeSet<RootCauseKey>,
    /// In a public build, the source files of the internal postmortems left out.
    pub internal_sources: BTreeSet<PathBuf>,
}

/// Reads, validates and renders every postmortem of the site.
pub fn load(
    root: &Path,
    config: &Config,
    highlighter: &Highlighter,
    options: LoadOptions,
    diagnostics: &mut Diagnostics,
) -> Loaded {
    let files = discover(root, diagnostics);
    let parsed: Vec<(Option<Postmortem>, Diagnostics)> = files
        .par_iter()
        .map(|file| {
            let mut local = Diagnostics::new();
            let postmortem = parse_file(file, config, &mut local);
            (postmortem, local)
        })
        .collect();
    let mut postmortems = Vec::new();
    let every_file_parsed = parsed.iter().all(|(p, _)| p.is_some());
    for (postmortem, local) in parsed {
        diagnostics.extend(local);
        postmortems.extend(postmortem);
    }
    // A file that did not parse may hold the finding a fingerprint is for.
    if every_file_parsed {
        unused_allowed_secrets(config, &postmortems, diagnostics);
    }
    if !options.include_drafts {
        postmortems.retain(|p| p.status != postmortem::Status::Draft);
    }
    // A public build leaves internal postmortems out here, before anything is derived
    // from them: every later stage sees only public data.
    let mut internal = BTreeSet::new();
    let mut internal_root_causes = BTreeSet::new();
    if config.build_audience == Audience::Public {
        postmortems.retain(|p| {
            let public = p.audience == Audience::Public;
            if !public {
                internal.insert(p.source.clone());
                internal_root_causes.extend(p.root_causes.iter().cloned());
            }
            public
        });
        for p in &postmortems {
            for cause in &p.root_causes {
                internal_root_causes.remove(cause);
            }
        }
    }
    check_unique_slugs(&postmortems, diagnostics);

    let mut resolver = SourceResolver::new(&postmortems, &config.base_url.path);
    resolver.internal = internal.clone();
    let rendered: Vec<Diagnostics> = postmortems
        .par_iter_mut()
        .map(|postmortem| {
            let mut local = Diagnostics::new();
            render_body(postmortem, config, highlighter, &resolver, &mut local);
            local
        })
        .collect();
    for local in rendered {
        diagnostics.extend(local);
    }
    Loaded {
        postmortems,
        internal_root_causes,
        internal_sources: internal,
    }
}

/// Warns about each fingerprint of `[secrets] allow` that no postmortem's finding has:
/// the secret it allowed is gone, and a stale entry hides nothing but confuses.
fn unused_allowed_secrets(
    config: &Config,
    postmortems: &[Postmortem],
    diagnostics: &mut Diagnostics,
) {
    let used: std::collections::BTreeSet<&secrets::Fingerprint> = postmortems
        .iter()
        .flat_map(|p| &p.allowed_secrets)
        .collect();
    for allowed in &config.allowed_secrets {
        if !used.contains(&allowed.fingerprint) {
            diagnostics.push(
                Diagnostic::warning(
                    crate::config::CONFIG_FILE,
                    allowed.pos,
                    format!(
                        "[secrets] allow lists {}, which matches no finding in any postmortem",
                        allowed.fingerprint
                    ),
                )
                .with_help(
                    "remove it from the list: the value it allowed is no longer in the content",
                ),
            );
        }
    }
}

/// Reads and validates one file; the body is not rendered yet.
pub fn parse_file(
    file: &SourceFile,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Option<Postmortem> {
    let bytes = match std::fs::read(&file.abs_path) {
        Ok(bytes) => bytes,
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                &file.rel_path,
                None,
                format!("cannot read: {err}"),
            ));
            return None;
        }
    };
    parse_source(&file.rel_path, bytes, config, diagnostics)
}

/// Validates the bytes of one postmortem file.
pub fn parse_source(
    rel_path: &Path,
    bytes: Vec<u8>,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Option<Postmortem> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            diagnostics.push(
                Diagnostic::error(
                    rel_path,
                    Some(LineCol::of_offset(&prefix, prefix.len())),
                    "the file is not UTF-8 text",
                )
                .with_help("save the file as UTF-8 in your editor"),
            );
            return None;
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let text = remove_control_characters(rel_path, text, diagnostics);
    // Before anything can stop at a mistake: a credential is reported wherever it is.
    let allowed_secrets =
        secrets::check_file(rel_path, &text, &config.allowed_fingerprints(), diagnostics);
    if text.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(rel_path, Some(LineCol::line(1)), "the file is empty").with_help(
                "write a postmortem (`hindsight new \"Title\"` makes one) or delete the file",
            ),
        );
        return None;
    }
    let split = match front_matter::split(&text) {
        Ok(split) => split,
        Err(front_matter::SplitError::NoFrontMatter) => {
            diagnostics.push(
                Diagnostic::error(rel_path, Some(LineCol::line(1)), "no front matter: the file must start with a `---` line")
                    .with_help("add YAML front matter between `---` lines, or convert a freeform postmortem with `hindsight import`"),
            );
            return None;
        }
        Err(front_matter::SplitError::Unclosed) => {
            diagnostics.push(
                Diagnostic::error(
                    rel_path,
                    Some(LineCol::line(1)),
                    "front matter is not closed",
                )
                .with_help("end the front matter with a line holding only `---`"),
            );
            return None;
        }
    };
    if let Err(err) = yaml_budget::check(split.yaml) {
        let pos = err.location().map(|loc| LineCol {
            line: loc.line() + split.yaml_first_line - 1,
            col: loc.column(),
        });
        diagnostics.push(
            Diagnostic::error(
                rel_path,
                pos,
                format!(
                    "{} (aliases may expand it to at most {} bytes; this anchor is copied too often)",
                    yaml_message(&err),
                    yaml_budget::expansion_budget(split.yaml.len())
                ),
            )
            .with_help("repeat a large anchored value (`&name`) through fewer aliases (`*name`), or write the values out"),
        );
        return None;
    }
    let mapping = match serde_yaml::from_str::<serde_yaml::Value>(split.yaml) {
        Ok(serde_yaml::Value::Mapping(mapping)) => mapping,
        Ok(serde_yaml::Value::Null) => serde_yaml::Mapping::new(),
        Ok(_) => {
            diagnostics.push(
                Diagnostic::error(
                    rel_path,
                    Some(LineCol::line(split.yaml_first_line)),
                    "front matter must be a mapping of keys to values",
                )
                .with_help("write `key: value` lines, e.g. `title: Database outage`"),
            );
            return None;
        }
        Err(err) => {
            let (pos, message, help) =
                front_matter::describe_yaml_error(&err, split.yaml, split.yaml_first_line);
            diagnostics.push(
                Diagnostic::error(rel_path, pos, format!("invalid YAML: {message}"))
                    .with_help(help),
            );
            return None;
        }
    };
    warn_bidi_controls(rel_path, split.yaml, split.yaml_first_line, diagnostics);
    let keys = front_matter::KeyLines::index(split.yaml, split.yaml_first_line);
    let body_offset = split.body_offset;
    let body = split.body.to_string();
    let mut postmortem = postmortem::validate(&mapping, &keys, rel_path, config, diagnostics)?;
    let (body, text) = for_audience(rel_path, body, text, body_offset, config, diagnostics);
    if config.build_audience == Audience::Public && postmortem.audience == Audience::Public {
        personal_data::scan(rel_path, &text, &config.public_allow, diagnostics);
    }
    postmortem.body_markdown = body;
    postmortem.body_offset = body_offset;
    postmortem.file_text = text;
    postmortem.allowed_secrets = allowed_secrets;
    Some(postmortem)
}

/// Checks the body's internal-block markers and, in a public build, blanks the blocks'
/// lines in the body and in the file text (so nothing after this sees them, and every
/// line keeps its number).
fn for_audience(
    rel_path: &Path,
    body: String,
    text: String,
    body_offset: usize,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> (String, String) {
    let first_line = LineCol::of_offset(&text, body_offset).line;
    let blocks = audience::internal_blocks(rel_path, &body, first_line, diagnostics);
    if config.build_audience == Audience::Internal || blocks.is_empty() {
        return (body, text);
    }
    let body = audience::without_blocks(&body, &blocks);
    let text = format!("{}{body}", text.get(..body_offset).unwrap_or_default());
    (body, text)
}

/// At most this many warnings about invisible characters per file; a file full of them
/// gets a count instead of one line each.
const MAX_CHARACTER_WARNINGS: usize = 5;

/// Removes the control characters no page may carry (see [`crate::text`]), with a
/// warning for each line that had one. Line breaks are kept, so line numbers hold.
fn remove_control_characters(
    rel_path: &Path,
    text: String,
    diagnostics: &mut Diagnostics,
) -> String {
    if !text.chars().any(text::is_forbidden_control) {
        return text;
    }
    let mut lines = 0;
    for (index, line) in text.split('\n').enumerate() {
        let Some((col, c)) = line
            .chars()
            .enumerate()
            .find(|&(_, c)| text::is_forbidden_control(c))
        else {
            continue;
        };
        lines += 1;
        if lines <= MAX_CHARACTER_WARNINGS {
            diagnostics.push(
                Diagnostic::warning(
                    rel_path,
                    Some(LineCol { line: index + 1, col: col + 1 }),
                    format!("control character {} removed", text::code_point(c)),
                )
                .with_help("delete it: control characters are invisible and make pages invalid HTML and the feed invalid XML"),
            );
        }
    }
    if lines > MAX_CHARACTER_WARNINGS {
        diagnostics.push(Diagnostic::warning(
            rel_path,
            None,
            format!(
                "control characters removed from {} more lines",
                lines - MAX_CHARACTER_WARNINGS
            ),
        ));
    }
    text::without(&text, text::is_forbidden_control).into_owned()
}

/// Front-matter values lose their text-direction controls (see [`crate::text`]) as
/// they are read; this says where they were.
fn warn_bidi_controls(
    rel_path: &Path,
    yaml: &str,
    first_line: usize,
    diagnostics: &mut Diagnostics,
) {
    if !yaml.chars().any(text::is_bidi_control) {
        return;
    }
    let found = yaml.split('\n').enumerate().filter_map(|(index, line)| {
        line.chars()
            .enumerate()
            .find(|&(_, c)| text::is_bidi_control(c))
            .map(|(col, c)| (index, col, c))
    });
    for (index, col, c) in found.take(MAX_CHARACTER_WARNINGS) {
        diagnostics.push(
            Diagnostic::warning(
                rel_path,
                Some(LineCol { line: first_line + index, col: col + 1 }),
                format!("invisible text-direction control {} removed", text::code_point(c)),
            )
            .with_help("delete it: it makes the text after it read in another order than it is written (U+200E and U+200F marks are kept)"),
        );
    }
}

/// A YAML error's message without serde_yaml's " at line L column C" (the diagnostic
/// carries the position, counted in the file rather than in the front matter).
fn yaml_message(err: &serde_yaml::Error) -> String {
    let message = err.to_string();
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    }
}

fn check_unique_slugs(postmortems: &[Postmortem], diagnostics: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &Postmortem> = BTreeMap::new();
    for postmortem in postmortems {
        if let Some(first) = seen.insert(postmortem.slug.as_str(), postmortem) {
            diagnostics.push(
                Diagnostic::error(
                    &postmortem.source,
                    Some(slug_pos(postmortem)),
                    format!(
                        "{} and {} both give the URL /postmortems/{}/",
                        first.source.display(),
                        postmortem.source.display(),
                        postmortem.slug
                    ),
                )
                .with_help("rename one file, or give one of them a different `slug:`"),
            );
            // Keep the first so the message names the pair once.
            seen.insert(first.slug.as_str(), first);
        }
    }
}

/// Where a postmortem's URL comes from: its `slug:` value, else the top of the file.
fn slug_pos(postmortem: &Postmortem) -> LineCol {
    front_matter::split(&postmortem.file_text)
        .ok()
        .and_then(|split| {
            front_matter::KeyLines::index(split.yaml, split.yaml_first_line).key("slug")
        })
        .unwrap_or(LineCol::line(1))
}

/// Resolves `../2023/db.md` links from one postmortem to another.
struct SourceResolver<'a> {
    urls: Urls<'a>,
    /// The internal postmortems a public build left out, by source file.
    internal: BTreeSet<PathBuf>,
}

/// Where each postmortem's page is, by source file.
enum Urls<'a> {
    /// A map, for the bodies of a whole site.
    Map(BTreeMap<PathBuf, String>),
    /// The postmortems themselves, searched link by link: for one body (an edit in
    /// `serve`), making the map of 10,000 paths took longer than rendering the page.
    Scan {
        postmortems: &'a [Postmortem],
        base_path: &'a str,
    },
}

impl<'a> SourceResolver<'a> {
    fn new(postmortems: &[Postmortem], base_path: &str) -> Self {
        let urls = postmortems
            .iter()
            .map(|p| (p.source.clone(), page_url(base_path, p)))
            .collect();
        Self {
            urls: Urls::Map(urls),
            internal: BTreeSet::new(),
        }
    }

    fn scanning(postmortems: &'a [Postmortem], base_path: &'a str) -> Self {
        Self {
            urls: Urls::Scan {
                postmortems,
                base_path,
            },
            internal: BTreeSet::new(),
        }
    }

    fn url(&self, source: &Path) -> Option<String> {
        match &self.urls {
            Urls::Map(urls) => urls.get(source).cloned(),
            Urls::Scan {
                postmortems,
                base_path,
            } => postmortems
                .iter()
                .find(|p| p.source == source)
                .map(|p| page_url(base_path, p)),
        }
    }
}

fn page_url(base_path: &str, p: &Postmortem) -> String {
    crate::urls::url(base_path, &crate::urls::postmortem(&p.slug))
}

impl LinkResolver for SourceResolver<'_> {
    fn resolve(&self, from: &Path, target: &str) -> Resolved {
        let normal = normal_target(from, target);
        let in_content = Path::new(CONTENT_DIR).join(&normal);
        if let Some(url) = self.url(&normal).or_else(|| self.url(&in_content)) {
            return Resolved::Page(url);
        }
        // `/2024/db.md` may be written relative to content/.
        [normal, in_content]
            .into_iter()
            .find(|path| self.internal.contains(path))
            .map_or(Resolved::Missing, Resolved::Internal)
    }
}

/// `target` of a link in `from`, as a path from the site root.
fn normal_target(from: &Path, target: &str) -> PathBuf {
    let dir = from.parent().unwrap_or(Path::new(""));
    let joined = if let Some(absolute) = target.strip_prefix('/') {
        PathBuf::from(absolute)
    } else {
        dir.join(target)
    };
    crate::urls::normalize_path(&joined)
}

/// Renders the body of one postmortem, resolving links against `all`.
pub fn render_one(
    postmortem: &mut Postmortem,
    all: &[Postmortem],
    config: &Config,
    highlighter: &Highlighter,
    diagnostics: &mut Diagnostics,
) {
    let mut resolver = SourceResolver::scanning(all, &config.base_url.path);
    resolver.internal = config.internal_sources.clone();
    render_body(postmortem, config, highlighter, &resolver, diagnostics);
}

fn render_body(
    postmortem: &mut Postmortem,
    config: &Config,
    highlighter: &Highlighter,
    resolver: &SourceResolver<'_>,
    diagnostics: &mut Diagnostics,
) {
    let rendered = markdown::render(
        &postmortem.body_markdown,
        &markdown::RenderContext {
            source: &postmortem.source,
            file_text: &postmortem.file_text,
            body_offset: postmortem.body_offset,
            unsafe_html: config.unsafe_html,
            highlighter,
            resolver,
            plain_text: config.search,
            reserved_ids: &config.reserved_ids,
        },
        diagnostics,
    );
    postmortem.body_html = rendered.html;
    postmortem.toc = rendered.toc;
    postmortem.body_text = rendered.text;
}
