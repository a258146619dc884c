//! `hindsight check`: lint rules over a loaded site, and the check report.
//!
//! The build's own validation (config, front matter, milestone order, links to missing
//! `.md` files, near-miss keys) happens in the earlier stages; this module adds what a
//! build tolerates but a reviewer would not: timeline events out of order or outside
//! `started..resolved`, a resolved incident without a root cause, action items without an
//! owner or past their due date, undeclared services, and internal links to pages or
//! anchors the rendered site does not have. One function per rule, each pushing
//! warnings (or errors) with the file, line and column into [`Diagnostics`].
//!
//! Input: the [`Site`] (drafts included), its rendered [`Output`] when the content is
//! valid, and today's date (the only place hindsight reads the clock is the CLI, for
//! `check`; the build never does). Output: diagnostics and a [`Report`] that formats the
//! summary line and the JSON document. This module never prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use pulldown_cmark::{Event, Options, Parser, Tag};
use serde::Serialize;

use crate::config::BaseUrl;
use crate::content::CONTENT_DIR;
use crate::content::front_matter::{self, KeyLines};
use crate::content::postmortem::{EventKind, Postmortem, Status, TimelineEntry};
use crate::diagnostics::{
    Diagnostic, Diagnostics, Level, LineCol, LineCursor, did_you_mean, suggestion,
};
use crate::keys::RootCauseKey;
use crate::markdown::percent_decode;
use crate::output::Output;
use crate::site::Site;

/// What `check` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every problem, errors and warnings.
    pub diagnostics: Diagnostics,
    /// How many postmortem files were checked (drafts and invalid files included).
    pub postmortems: usize,
}

impl Report {
    /// True when the check fails: any error, or any warning when `deny_warnings`.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.diagnostics.has_errors() || (deny_warnings && self.diagnostics.warning_count() > 0)
    }

    /// `2 errors, 3 warnings in 14 postmortems`.
    pub fn summary(&self) -> String {
        let errors = self.diagnostics.error_count();
        let warnings = self.diagnostics.warning_count();
        format!(
            "{errors} error{}, {warnings} warning{} in {} postmortem{}",
            plural(errors),
            plural(warnings),
            self.postmortems,
            plural(self.postmortems)
        )
    }

    /// The report as one JSON document, for editors and CI:
    /// `{"diagnostics": [{level, file, line, col, message, help}], "errors", "warnings", "postmortems"}`.
    /// Diagnostics are sorted like the text report; `line`, `col` and `help` may be null.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct JsonReport<'a> {
            diagnostics: Vec<JsonDiagnostic<'a>>,
            errors: usize,
            warnings: usize,
            postmortems: usize,
        }
        #[derive(Serialize)]
        struct JsonDiagnostic<'a> {
            level: Level,
            file: String,
            line: Option<usize>,
            col: Option<usize>,
            message: &'a str,
            help: Option<&'a str>,
        }
        let report = JsonReport {
            diagnostics: self
                .diagnostics
                .sorted()
                .into_iter()
                .map(|d| JsonDiagnostic {
                    level: d.level,
                    file: d.file.to_string_lossy().replace('\\', "/"),
                    line: d.pos.map(|p| p.line),
                    col: d.pos.map(|p| p.col),
                    message: &d.message,
                    help: d.help.as_deref(),
                })
                .collect(),
            errors: self.diagnostics.error_count(),
            warnings: self.diagnostics.warning_count(),
            postmortems: self.postmortems,
        };
        serde_json::to_string_pretty(&report).unwrap_or_default()
    }

    /// The report as GitHub Actions workflow commands, one line per diagnostic
    /// (`::error file=content/db.md,line=7,col=14,title=hindsight check::message`), so
    /// each appears on its line of a pull request. `prefix` is the site folder as seen
    /// from the repository root (the current directory), joined to every file.
    pub fn to_github(&self, prefix: &Path) -> String {
        let mut out = String::new();
        for d in self.diagnostics.sorted() {
            let command = match d.level {
                Level::Error => "error",
                Level::Warning => "warning",
            };
            let file = github_path(prefix, &d.file);
            let mut properties = format!("file={}", escape_property(&file));
            if let Some(pos) = d.pos {
                properties.push_str(&format!(",line={},col={}", pos.line, pos.col));
            }
            properties.push_str(&format!(",title={}", escape_property("hindsight check")));
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            out.push_str(&format!(
                "::{command} {properties}::{}\n",
                escape_data(&message)
            ));
        }
        out
    }
}

/// `prefix/file` with `/` separators and no `./` segments.
fn github_path(prefix: &Path, file: &Path) -> String {
    let joined = prefix.join(file);
    let parts: Vec<String> = joined
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let path = parts.join("/");
    // An absolute path keeps its root (`/` joined as its first part).
    path.strip_prefix("//")
        .map(|rest| format!("/{rest}"))
        .unwrap_or(path)
}

/// A workflow command's message: `%`, CR and LF escaped (GitHub's toolkit `escapeData`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`escape_data`], and `:` and `,` too
/// (GitHub's toolkit `escapeProperty`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Runs every rule over `site`. Links are checked only when `output` is given (it is
/// rendered only when the content has no errors).
pub fn lint(site: &Site, output: Option<&Output>, today: Date, diagnostics: &mut Diagnostics) {
    for postmortem in &site.postmortems {
        let keys = key_lines(postmortem);
        timeline_order(postmortem, diagnostics);
        timeline_bounds(postmortem, diagnostics);
        resolved_without_root_cause(postmortem, &keys, site, diagnostics);
        action_items_without_owner(postmortem, diagnostics);
        overdue_action_items(postmortem, today, diagnostics);
        unknown_services(postmortem, &keys, site, diagnostics);
    }
    if let Some(output) = output {
        internal_links(site, output, diagnostics);
        duplicate_ids(site, output, diagnostics);
    }
}

/// The front matter's key positions, rebuilt from the file text.
fn key_lines(postmortem: &Postmortem) -> KeyLines {
    front_matter::split(&postmortem.file_text)
        .map(|split| KeyLines::index(split.yaml, split.yaml_first_line))
        .unwrap_or_default()
}

/// A time as the postmortem's readers see it: `14:30` on the incident's date, else
/// `2024-08-15 00:10`.
fn show_time(postmortem: &Postmortem, at: Timestamp) -> String {
    let zoned = at.to_zoned(postmortem.zone.clone());
    if Some(zoned.date()) == postmortem.date {
        zoned.strftime("%H:%M").to_string()
    } else {
        zoned.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

/// An entry as its readers see it: its day alone (`2022-09-05`), else its time.
fn show_entry(postmortem: &Postmortem, entry: &TimelineEntry) -> String {
    match entry.day {
        Some(day) => day.to_string(),
        None => show_time(postmortem, entry.at),
    }
}

/// The day an instant falls on where the timeline's days are placed.
fn day_of(postmortem: &Postmortem, at: Timestamp) -> Date {
    at.to_zoned(postmortem.timeline_zone.clone()).date()
}

/// The day an entry is on: its day alone, else the day of its time.
fn entry_day(postmortem: &Postmortem, entry: &TimelineEntry) -> Date {
    entry.day.unwrap_or_else(|| day_of(postmortem, entry.at))
}

/// The `at` values of the timeline as written, when they can be read back.
fn raw_timeline_times(postmortem: &Postmortem) -> Vec<Option<String>> {
    let Ok(split) = front_matter::split(&postmortem.file_text) else {
        return Vec::new();
    };
    let Ok(serde_yaml::Value::Mapping(mapping)) = serde_yaml::from_str(split.yaml) else {
        return Vec::new();
    };
    let Some(serde_yaml::Value::Sequence(items)) = mapping.get("timeline") else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| match item.get("at") {
            Some(serde_yaml::Value::String(s)) => Some(s.trim().to_string()),
            _ => None,
        })
        .collect()
}

/// Rule: timeline events run forward. A full timestamp earlier than the entry above it is
/// out of order. An `HH:MM` earlier than the entry above is read as the next day (an
/// incident crossing midnight); when that makes a gap of more than 12 hours it is far
/// more likely a mistake than a night, so it is reported too. A day alone (`2022-09-05`)
/// is some time that day, so beside it entries compare by day: a time on the same day,
/// after or before it, is in order.
fn timeline_order(postmortem: &Postmortem, diagnostics: &mut Diagnostics) {
    let raw = raw_timeline_times(postmortem);
    let raw_matches = raw.len() == postmortem.timeline.len();
    for (i, pair) in postmortem.timeline.windows(2).enumerate() {
        let [previous, current] = pair else {
            continue;
        };
        let n = i + 2;
        let out_of_order = if previous.day.is_some() || current.day.is_some() {
            entry_day(postmortem, current) < entry_day(postmortem, previous)
        } else {
            current.at < previous.at
        };
        if out_of_order {
            diagnostics.push(
                Diagnostic::warning(
                    &postmortem.source,
                    current.pos,
                    format!(
                        "timeline entry {n} ({}) is before entry {} ({}): events out of order",
                        show_entry(postmortem, current),
                        n - 1,
                        show_entry(postmortem, previous)
                    ),
                )
                .with_help("list timeline events in the order they happened"),
            );
            continue;
        }
        // An `HH:MM` after a day alone is on that day, never rolled over from it.
        if previous.day.is_some() {
            continue;
        }
        let written = raw_matches
            .then(|| raw.get(i + 1).cloned().flatten())
            .flatten();
        let Some(written) = written.filter(|w| crate::content::time::parse_clock(w).is_some())
        else {
            continue;
        };
        let wall = |at: Timestamp| at.to_zoned(postmortem.zone.clone()).time();
        let gap = current.at.duration_since(previous.at);
        if wall(current.at) < wall(previous.at) && gap > SignedDuration::from_hours(12) {
            diagnostics.push(
                Diagnostic::warning(
                    &postmortem.source,
                    current.pos,
                    format!(
                        "timeline entry {n} (\"{written}\") is earlier than entry {} ({}), so it was read as the next day, {} later: events out of order?",
                        n - 1,
                        show_time(postmortem, previous.at),
                        crate::content::time::format_duration(gap)
                    ),
                )
                .with_help("put the events in order; if it really was the next day, write the full timestamp (RFC 3339)"),
            );
        }
    }
}

/// Rule: timeline events happen between `started` and `resolved`; only a `trigger` may
/// come before the impact began. A day alone is compared by day: the day `started` is on
/// is not before it, nor the day of `resolved` after it.
fn timeline_bounds(postmortem: &Postmortem, diagnostics: &mut Diagnostics) {
    let (started, resolved) = (
        postmortem.milestones.started,
        postmortem.milestones.resolved,
    );
    let before = |entry: &TimelineEntry, at: Timestamp| match entry.day {
        Some(day) => day < day_of(postmortem, at),
        None => entry.at < at,
    };
    let after = |entry: &TimelineEntry, at: Timestamp| match entry.day {
        Some(day) => day > day_of(postmortem, at),
        None => entry.at > at,
    };
    // Beside a day, the milestone is shown as the day it was compared by.
    let show_bound = |entry: &TimelineEntry, at: Timestamp| match entry.day {
        Some(_) => day_of(postmortem, at).to_string(),
        None => show_time(postmortem, at),
    };
    for (i, entry) in postmortem.timeline.iter().enumerate() {
        let n = i + 1;
        if let Some(started) = started
            && before(entry, started)
            && entry.kind != Some(EventKind::Trigger)
        {
            diagnostics.push(
                Diagnostic::warning(
                    &postmortem.source,
                    entry.pos,
                    format!(
                        "timeline entry {n} ({}) is before started ({})",
                        show_entry(postmortem, entry),
                        show_bound(entry, started)
                    ),
                )
                .with_help("correct the time or `started`; an event that set the incident off may come first as `kind: trigger`"),
            );
        }
        if let Some(resolved) = resolved
            && after(entry, resolved)
        {
            diagnostics.push(
                Diagnostic::warning(
                    &postmortem.source,
                    entry.pos,
                    format!(
                        "timeline entry {n} ({}) is after resolved ({})",
                        show_entry(postmortem, entry),
                        show_bound(entry, resolved)
                    ),
                )
                .with_help("correct the time or `resolved` (when the impact ended)"),
            );
        }
    }
}

/// Rule: an incident that is over (`resolved` is set) names its root cause.
fn resolved_without_root_cause(
    postmortem: &Postmortem,
    keys: &KeyLines,
    site: &Site,
    diagnostics: &mut Diagnostics,
) {
    if postmortem.milestones.resolved.is_none() || !postmortem.root_causes.is_empty() {
        return;
    }
    let known: Vec<&str> = site
        .config
        .root_causes
        .keys()
        .map(RootCauseKey::as_str)
        .collect();
    diagnostics.push(
        Diagnostic::warning(
            &postmortem.source,
            keys.key("resolved").or(Some(LineCol::line(1))),
            "resolved, but no root cause",
        )
        .with_help(format!(
            "add `root_cause:` with a key of [root_causes] ({})",
            known.join(", ")
        )),
    );
}

/// Rule: every action item has an owner.
fn action_items_without_owner(postmortem: &Postmortem, diagnostics: &mut Diagnostics) {
    for (i, item) in postmortem.action_items.iter().enumerate() {
        if item.owner.is_none() {
            diagnostics.push(
                Diagnostic::warning(
                    &postmortem.source,
                    item.pos,
                    format!("action item {} has no owner: \"{}\"", i + 1, item.task),
                )
                .with_help("add `owner:` with a team or a person; a follow-up nobody owns rarely gets done"),
            );
        }
    }
}

/// Rule: an open action item is not past its due date.
fn overdue_action_items(postmortem: &Postmortem, today: Date, diagnostics: &mut Diagnostics) {
    for (i, item) in postmortem.action_items.iter().enumerate() {
        let Some(due) = item.due else {
            continue;
        };
        if !item.status.is_open() || due >= today {
            continue;
        }
        let days = today.since(due).map(|span| span.get_days()).unwrap_or(0);
        diagnostics.push(
            Diagnostic::warning(
                &postmortem.source,
                item.pos,
                format!(
                    "action item {} is overdue: due {due} ({days} day{} ago) and still {}: \"{}\"",
                    i + 1,
                    plural(days.unsigned_abs() as usize),
                    item.status.as_str(),
                    item.task
                ),
            )
            .with_help("finish it and set `status: done`, move `due:`, or set `status: wont-do` with a reason"),
        );
    }
}

/// Rule: when `site.toml` declares `[services]`, every service of a postmortem is one of them.
fn unknown_services(
    postmortem: &Postmortem,
    keys: &KeyLines,
    site: &Site,
    diagnostics: &mut Diagnostics,
) {
    let declared = &site.config.services;
    if declared.is_empty() {
        return;
    }
    for (i, service) in postmortem.services.iter().enumerate() {
        if declared.contains_key(service) {
            continue;
        }
        let hint = suggestion(service.as_str(), declared.keys().map(|k| k.as_str()));
        let names: Vec<&str> = declared.keys().map(|k| k.as_str()).collect();
        diagnostics.push(
            Diagnostic::warning(
                &postmortem.source,
                word_pos(postmortem, keys.item("services", i), service.as_str()),
                format!("unknown service \"{service}\"{hint}"),
            )
            .with_help(format!(
                "site.toml declares [services] ({}); use one of them or declare it there",
                names.join(", ")
            )),
        );
    }
}

/// Narrows a key's position to where `word` is written on that line (`services: [a, b]`).
fn word_pos(postmortem: &Postmortem, pos: Option<LineCol>, word: &str) -> Option<LineCol> {
    let pos = pos?;
    let line = postmortem.file_text.lines().nth(pos.line.checked_sub(1)?)?;
    let start = line
        .char_indices()
        .skip(pos.col.saturating_sub(1))
        .map(|(i, _)| i)
        .find(|&i| {
            line.get(i..).is_some_and(|rest| rest.starts_with(word))
                && !line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_')
                && !line[i + word.len()..]
                    .starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_')
        });
    Some(match start {
        Some(i) => LineCol {
            line: pos.line,
            col: line[..i].chars().count() + 1,
        },
        None => pos,
    })
}

/// A link found in a body, with its position in the file.
struct BodyLink {
    dest: String,
    pos: LineCol,
}

/// The links of a body as written: Markdown links and `href`s of raw HTML. Images are
/// not links.
fn body_links(postmortem: &Postmortem) -> Vec<BodyLink> {
    // The same options as the renderer, so the same text is a link in both.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut cursor = LineCursor::new(&postmortem.file_text);
    let mut at = |offset: usize| cursor.at(postmortem.body_offset + offset);
    let mut links = Vec::new();
    for (event, range) in Parser::new_ext(&postmortem.body_markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => links.push(BodyLink {
                dest: dest_url.to_string(),
                pos: at(range.start),
            }),
            Event::Html(html) | Event::InlineHtml(html) => {
                for (offset, dest) in html_hrefs(&html) {
                    links.push(BodyLink {
                        dest,
                        pos: at(range.start + offset),
                    });
                }
            }
            _ => {}
        }
    }
    links
}

/// `href="…"` values of raw HTML, with their byte offsets.
fn html_hrefs(html: &str) -> Vec<(usize, String)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = lower.get(from..).and_then(|rest| rest.find("href")) {
        let start = from + found;
        from = start + 4;
        let preceded_ok = lower[..start].ends_with(|c: char| c.is_whitespace());
        let rest = lower[from..].trim_start();
        if !preceded_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = lower.len() - rest[1..].trim_start().len();
        let Some(quote) = html[value_start..]
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
        else {
            continue;
        };
        let inner = value_start + 1;
        if let Some(end) = html[inner..].find(quote) {
            out.push((start, html[inner..inner + end].to_string()));
            from = inner + end;
        }
    }
    out
}

/// Every `id="…"` of an HTML page.
fn element_ids(html: &str) -> BTreeSet<String> {
    each_element_id(html).map(str::to_string).collect()
}

/// Every `id="…"` of an HTML page, as often as it is there.
fn each_element_id(html: &str) -> impl Iterator<Item = &str> {
    ['"', '\''].into_iter().flat_map(move |quote| {
        let needle = format!(" id={quote}");
        let mut rest = html;
        std::iter::from_fn(move || {
            let i = rest.find(&needle)?;
            rest = &rest[i + needle.len()..];
            let end = rest.find(quote)?;
            let id = &rest[..end];
            rest = &rest[end..];
            Some(id)
        })
    })
}

/// A postmortem page with two elements of one id: the theme's own elements and the
/// content's never share one when raw HTML is sanitised (the markdown stage renames),
/// but with `unsafe_html = true` raw HTML keeps its ids as written.
fn duplicate_ids(site: &Site, output: &Output, diagnostics: &mut Diagnostics) {
    for postmortem in &site.postmortems {
        let file = format!("postmortems/{}/index.html", postmortem.slug);
        let Some(bytes) = output.get(&file) else {
            continue;
        };
        let html = String::from_utf8_lossy(bytes);
        let mut seen = BTreeSet::new();
        let mut reported = BTreeSet::new();
        for id in each_element_id(&html) {
            if !seen.insert(id) && reported.insert(id) {
                let written = ['"', '\'']
                    .iter()
                    .find_map(|q| postmortem.file_text.find(&format!("id={q}{id}{q}")));
                diagnostics.push(
                    Diagnostic::warning(
                        &postmortem.source,
                        written.map(|offset| LineCol::of_offset(&postmortem.file_text, offset)),
                        format!("the page has two elements with the id \"{id}\""),
                    )
                    .with_help("rename the id in the raw HTML of the body: the theme, or another element of the page, uses it"),
                );
            }
        }
    }
}

/// Where a link leads inside the site, once resolved against the page it is on.
enum Target {
    /// Not a page of this site (another host, `mailto:`, nothing).
    Elsewhere,
    /// A `.md` link to another postmortem's file.
    Source { path: PathBuf, fragment: String },
    /// A URL path under the site (`/postmortems/db/`), with an optional fragment.
    Url { path: String, fragment: String },
}

fn link_target(link: &str, page_url: &str, source: &Path, base: &BaseUrl) -> Target {
    let link = link.trim();
    // An absolute link to the site itself is an internal link.
    let local;
    let link = match link.strip_prefix(base.absolute.as_str()) {
        Some(rest) => {
            local = format!("{}{rest}", base.path);
            local.as_str()
        }
        None => link,
    };
    if link.is_empty() || link.starts_with("//") {
        return Target::Elsewhere;
    }
    let (path, fragment) = match link.split_once('#') {
        Some((path, fragment)) => (path, fragment.to_string()),
        None => (link, String::new()),
    };
    let path = path.split('?').next().unwrap_or_default();
    if let Some(colon) = path.find(':')
        && !path[..colon].contains('/')
    {
        return Target::Elsewhere; // another host, mailto:, tel:...
    }
    if path.ends_with(".md") {
        let dir = source.parent().unwrap_or(Path::new(""));
        let joined = match path.strip_prefix('/') {
            Some(absolute) => PathBuf::from(absolute),
            None => dir.join(percent_decode(path)),
        };
        return Target::Source {
            path: crate::urls::normalize_path(&joined),
            fragment,
        };
    }
    let joined = if path.is_empty() {
        page_url.to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{page_url}{path}")
    };
    Target::Url {
        path: normalize_url(&percent_decode(&joined)),
        fragment,
    }
}

/// Resolves `.` and `..` segments of a root-relative URL path, keeping a trailing `/`.
fn normalize_url(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The output file a URL path (without the base path) is served from.
fn output_file(output: &Output, path: &str) -> Option<String> {
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return output.contains(&index).then_some(index);
    }
    if output.contains(path) {
        return Some(path.to_string());
    }
    let index = format!("{path}/index.html");
    output.contains(&index).then_some(index)
}

/// Rule: internal links lead to pages and anchors the site has. A link to another
/// postmortem's page (by file or by URL) must name an existing slug and heading; any
/// other internal link must lead to a file of the output. A published postmortem that
/// links to a draft's file is an error, since `hindsight build` leaves drafts out.
fn internal_links(site: &Site, output: &Output, diagnostics: &mut Diagnostics) {
    let base = &site.config.base_url;
    let by_source: BTreeMap<&Path, &Postmortem> = site
        .postmortems
        .iter()
        .map(|p| (p.source.as_path(), p))
        .collect();
    let slugs: Vec<&str> = site.postmortems.iter().map(|p| p.slug.as_str()).collect();
    let mut ids_cache: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut ids_of = |file: &str| -> BTreeSet<String> {
        ids_cache
            .entry(file.to_string())
            .or_insert_with(|| {
                output
                    .get(file)
                    .map(|bytes| element_ids(&String::from_utf8_lossy(bytes)))
                    .unwrap_or_default()
            })
            .clone()
    };

    for postmortem in &site.postmortems {
        let page_url = format!("{}postmortems/{}/", base.path, postmortem.slug);
        for link in body_links(postmortem) {
            let warn = |message: String, help: &str| {
                Diagnostic::warning(&postmortem.source, Some(link.pos), message).with_help(help)
            };
            let (file, url, fragment) = match link_target(
                &link.dest,
                &page_url,
                &postmortem.source,
                base,
            ) {
                Target::Elsewhere => continue,
                Target::Source { path, fragment } => {
                    let target = by_source
                        .get(path.as_path())
                        .or_else(|| by_source.get(Path::new(CONTENT_DIR).join(&path).as_path()));
                    // A missing file is already an error of the build.
                    let Some(target) = target else {
                        continue;
                    };
                    if target.status == Status::Draft && postmortem.status != Status::Draft {
                        diagnostics.push(
                            Diagnostic::error(
                                &postmortem.source,
                                Some(link.pos),
                                format!(
                                    "link to {}, a draft: `hindsight build` leaves drafts out, so the link would break",
                                    target.source.display()
                                ),
                            )
                            .with_help("publish the linked postmortem (`status: review` or `published`), or remove the link"),
                        );
                        continue;
                    }
                    let url = format!("{}postmortems/{}/", base.path, target.slug);
                    let file = format!("postmortems/{}/index.html", target.slug);
                    (file, url, fragment)
                }
                Target::Url { path, fragment } => {
                    let Some(rest) = path.strip_prefix(base.path.as_str()) else {
                        diagnostics.push(warn(
                            format!(
                                "internal link \"{}\" is outside the site's base path {}",
                                link.dest, base.path
                            ),
                            "the site is published under base_url; link with a relative path or one starting with the base path",
                        ));
                        continue;
                    };
                    let Some(file) = output_file(output, rest) else {
                        let message = match rest
                            .strip_prefix("postmortems/")
                            .and_then(|s| s.split('/').next())
                            .filter(|s| !s.is_empty())
                        {
                            Some(slug) => format!(
                                "link to a missing postmortem: no postmortem has the URL {path}{}",
                                did_you_mean(slug, slugs.iter().copied())
                                    .map(|s| format!(
                                        " (did you mean {}postmortems/{s}/?)",
                                        base.path
                                    ))
                                    .unwrap_or_default()
                            ),
                            None => format!("link to a page the site does not have: {path}"),
                        };
                        diagnostics.push(warn(
                            message,
                            "fix the link; to link another postmortem, link its file (../2023/db-outage.md) and hindsight writes the URL",
                        ));
                        continue;
                    };
                    (file, path, fragment)
                }
            };
            if fragment.is_empty() || !file.ends_with(".html") {
                continue;
            }
            let ids = ids_of(&file);
            if !ids.contains(&fragment) {
                let hint = suggestion(&fragment, ids.iter().map(String::as_str));
                diagnostics.push(warn(
                    format!("link to a missing anchor: {url} has no heading \"#{fragment}\"{hint}"),
                    "heading anchors are the heading text in lowercase with dashes (## Root cause → #root-cause)",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_with_plurals() {
        let mut report = Report {
            postmortems: 1,
            ..Report::default()
        };
        assert_eq!(report.summary(), "0 errors, 0 warnings in 1 postmortem");
        report
            .diagnostics
            .push(Diagnostic::error("a.md", None, "x"));
        report
            .diagnostics
            .push(Diagnostic::warning("a.md", None, "y"));
        report.postmortems = 14;
        assert_eq!(report.summary(), "1 error, 1 warning in 14 postmortems");
        assert!(report.fails(false));
    }

    #[test]
    fn links_resolve_against_the_page() {
        let source = Path::new("content/2024/x.md");
        let page = "/pm/postmortems/x/";
        let base = &BaseUrl::parse("https://acme.io/pm/").unwrap();
        let Target::Url { path, fragment } = link_target("../y/#a", page, source, base) else {
            panic!("expected a URL");
        };
        assert_eq!(
            (path.as_str(), fragment.as_str()),
            ("/pm/postmortems/y/", "a")
        );
        let Target::Url { path, .. } =
            link_target("https://acme.io/pm/timeline/", page, source, base)
        else {
            panic!("expected a URL");
        };
        assert_eq!(path, "/pm/timeline/");
        assert!(matches!(
            link_target("https://other.io/", page, source, base),
            Target::Elsewhere
        ));
        assert!(matches!(
            link_target("mailto:x@y.z", page, source, base),
            Target::Elsewhere
        ));
        let Target::Source { path, .. } = link_target("../2023/db.md#s", page, source, base) else {
            panic!("expected a source");
        };
        assert_eq!(path, Path::new("content/2023/db.md"));
        let Target::Url { path, fragment } = link_target("#summary", page, source, base) else {
            panic!("expected a URL");
        };
        assert_eq!((path.as_str(), fragment.as_str()), (page, "summary"));
    }

    #[test]
    fn raw_html_hrefs_and_ids_are_found() {
        let hrefs = html_hrefs("<a class=\"x\" href=\"/a/\">a</a> <A HREF='/b/'>");
        assert_eq!(
            hrefs.iter().map(|(_, h)| h.as_str()).collect::<Vec<_>>(),
            ["/a/", "/b/"]
        );
        assert_eq!(hrefs[0].0, 13);
        let ids = element_ids("<h2 id=\"root-cause\">x</h2><div class='a' id='b'>");
        assert!(ids.contains("root-cause") && ids.contains("b"));
    }
}
