//! Front matter → [`Postmortem`]: types, keys, milestone order.
//!
//! The YAML is first read as a generic mapping (so every key is looked at, and unknown
//! ones are kept for templates instead of being dropped), then each known key is read
//! into its type. Every mistake becomes a diagnostic with the key's line; validation
//! carries on so one run reports them all.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_yaml::{Mapping, Value};

use super::front_matter::KeyLines;
use super::time::{self, Anchor, Moment};
use crate::audience::Audience;
use crate::config::{Config, root_cause_suggestion};
use crate::diagnostics::{Diagnostic, Diagnostics, LineCol, suggestion};
use crate::keys::{RootCauseKey, ServiceKey, Slug, is_url_safe_key, segment_too_long, slugify};

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the value is called in error messages.
            pub const WHAT: &'static str = $what;

            /// The value as written in front matter.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// A human label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Reads the value as written.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

word_enum!(
    /// Where a postmortem is in its life.
    Status, "status" {
        /// Being written; left out of builds unless `--drafts`.
        Draft = "draft" / "Draft",
        /// Written, awaiting review.
        Review = "review" / "In review",
        /// Final.
        Published = "published" / "Published",
    }
);

word_enum!(
    /// How the incident was noticed.
    Detection, "detection" {
        /// An alert.
        Monitoring = "monitoring" / "Monitoring",
        /// A customer report.
        Customer = "customer" / "Customer report",
        /// An engineer noticed.
        Engineer = "engineer" / "Engineer",
        /// An automated check.
        Automation = "automation" / "Automation",
    }
);

word_enum!(
    /// What a timeline event is.
    EventKind, "timeline kind" {
        /// What set it off.
        Trigger = "trigger" / "Trigger",
        /// Someone or something noticed.
        Detection = "detection" / "Detection",
        /// A responder took it.
        Acknowledgement = "acknowledgement" / "Acknowledged",
        /// Looking for the cause.
        Investigation = "investigation" / "Investigation",
        /// A wrong track.
        Misleading = "misleading" / "Misleading path",
        /// More people called in.
        Escalation = "escalation" / "Escalation",
        /// Impact reduced.
        Mitigation = "mitigation" / "Mitigation",
        /// Status page, customers, stakeholders.
        Communication = "communication" / "Communication",
        /// Impact ended.
        Resolution = "resolution" / "Resolution",
        /// Anything else.
        Other = "other" / "Other",
    }
);

word_enum!(
    /// Where a follow-up stands.
    ActionStatus, "action item status" {
        /// Not started.
        Open = "open" / "Open",
        /// Being worked on.
        InProgress = "in-progress" / "In progress",
        /// Finished.
        Done = "done" / "Done",
        /// Decided against.
        WontDo = "wont-do" / "Won't do",
    }
);

impl ActionStatus {
    /// Still needs doing.
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }
}

/// The incident's milestones, all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Milestones {
    /// Impact began.
    pub started: Option<Timestamp>,
    /// Someone or something noticed.
    pub detected: Option<Timestamp>,
    /// A responder took it.
    pub acknowledged: Option<Timestamp>,
    /// Impact reduced.
    pub mitigated: Option<Timestamp>,
    /// Impact ended.
    pub resolved: Option<Timestamp>,
    /// How long impact lasted, as the front matter's `duration` states it: for a
    /// postmortem that says how long but not when.
    pub duration: Option<SignedDuration>,
}

/// Durations measured from `started`, the incident platforms' convention.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Metrics {
    /// Time to detect.
    pub ttd: Option<SignedDuration>,
    /// Time to acknowledge.
    pub tta: Option<SignedDuration>,
    /// Time to mitigate.
    pub ttm: Option<SignedDuration>,
    /// Time to resolve (the incident's duration).
    pub ttr: Option<SignedDuration>,
}

impl Milestones {
    /// TTD, TTA, TTM and TTR where the timestamps allow; TTR is the stated `duration`
    /// when `started` or `resolved` is missing.
    pub fn metrics(&self) -> Metrics {
        let since_start = |t: Option<Timestamp>| Some(t?.duration_since(self.started?));
        Metrics {
            ttd: since_start(self.detected),
            tta: since_start(self.acknowledged),
            ttm: since_start(self.mitigated),
            ttr: since_start(self.resolved).or(self.duration),
        }
    }

    fn in_order(&self) -> [(&'static str, Option<Timestamp>); 5] {
        [
            ("started", self.started),
            ("detected", self.detected),
            ("acknowledged", self.acknowledged),
            ("mitigated", self.mitigated),
            ("resolved", self.resolved),
        ]
    }
}

/// One event of the incident's own timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// When; for a day alone, the start of that day in [`Postmortem::timeline_zone`],
    /// so that entries order by one instant.
    pub at: Timestamp,
    /// The day, when `at` was written as a day alone (`2022-09-05`): the event happened
    /// some time that day, so it is shown, exported and compared as a day.
    pub day: Option<Date>,
    /// What kind of event, if the author said.
    pub kind: Option<EventKind>,
    /// What happened (plain text).
    pub text: String,
    /// Where it is in the source file.
    pub pos: Option<LineCol>,
}

/// A follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    /// What to do.
    pub task: String,
    /// Who owns it.
    pub owner: Option<String>,
    /// Where it stands.
    pub status: ActionStatus,
    /// When it is due.
    pub due: Option<Date>,
    /// A tracker link.
    pub link: Option<String>,
    /// Where it is in the source file.
    pub pos: Option<LineCol>,
}

/// What the incident did to users.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impact {
    /// One or two sentences.
    pub summary: Option<String>,
    /// Share of users affected, 0..=100.
    pub users_affected_pct: Option<f64>,
}

/// A validated postmortem. Nothing after `content` sees an unchecked value.
#[derive(Debug, Clone)]
pub struct Postmortem {
    /// URL segment.
    pub slug: Slug,
    /// The file, relative to the site root (`content/2024/db.md`).
    pub source: std::path::PathBuf,
    /// Title.
    pub title: String,
    /// Incident date; `None` when the document does not state one (an import of an
    /// undated report), which a warning says and which leaves it off the year pages.
    pub date: Option<Date>,
    /// Life-cycle status.
    pub status: Status,
    /// Who it is for (`audience:`, else the site's `default_audience`).
    pub audience: crate::audience::Audience,
    /// Severity name, one of the site's.
    pub severity: String,
    /// 1-based rank of the severity (1 = most severe).
    pub severity_rank: usize,
    /// Affected services.
    pub services: Vec<ServiceKey>,
    /// Root causes, primary first; may be empty (`check` flags it).
    pub root_causes: Vec<RootCauseKey>,
    /// Free-form contributing factors.
    pub contributing_factors: Vec<String>,
    /// What set it off.
    pub trigger: Option<String>,
    /// How it was noticed.
    pub detection: Option<Detection>,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// User impact.
    pub impact: Impact,
    /// Who wrote it.
    pub authors: Vec<String>,
    /// Milestones.
    pub milestones: Milestones,
    /// The zone times are shown in: the site's, else the offset `started` was written in,
    /// else UTC.
    pub zone: TimeZone,
    /// Where the timeline's `HH:MM` times and days alone are placed: the offset `started`
    /// was written in, else the site's zone, else UTC.
    pub timeline_zone: TimeZone,
    /// The incident's own timeline, in the order written.
    pub timeline: Vec<TimelineEntry>,
    /// Follow-ups.
    pub action_items: Vec<ActionItem>,
    /// Unknown front-matter keys, kept for templates.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The Markdown body.
    pub body_markdown: String,
    /// Byte offset of the body in the file, for line numbers.
    pub body_offset: usize,
    /// The whole file text (for positions in later stages).
    pub file_text: String,
    /// The fingerprints of `[secrets] allow` that matched a finding in this file.
    pub allowed_secrets: Vec<crate::secrets::Fingerprint>,
    /// Rendered body (filled in by the markdown stage).
    pub body_html: String,
    /// Headings of the body.
    pub toc: Vec<crate::markdown::Heading>,
    /// The body's plain text for the search index, collected by the markdown stage when
    /// search is on (`None`: not collected).
    pub body_text: Option<String>,
}

impl Postmortem {
    /// The primary root cause.
    pub fn primary_root_cause(&self) -> Option<&RootCauseKey> {
        self.root_causes.first()
    }

    /// When to sort and place the incident: `started`, else midnight of `date` in its zone;
    /// an undated postmortem sorts as the oldest.
    pub fn sort_instant(&self) -> Timestamp {
        self.milestones.started.unwrap_or_else(|| {
            self.date
                .and_then(|date| {
                    self.zone
                        .to_ambiguous_zoned(date.to_datetime(jiff::civil::Time::midnight()))
                        .compatible()
                        .ok()
                })
                .map(|z| z.timestamp())
                .unwrap_or(Timestamp::UNIX_EPOCH)
        })
    }

    /// The incident's year, if it is dated.
    pub fn year(&self) -> Option<i16> {
        self.date.map(|date| date.year())
    }
}

/// The front-matter keys hindsight reads; anything else goes to `extra`.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "slug",
    "date",
    "started",
    "detected",
    "acknowledged",
    "mitigated",
    "resolved",
    "duration",
    "severity",
    "status",
    "audience",
    "services",
    "root_cause",
    "contributing_factors",
    "trigger",
    "detection",
    "tags",
    "impact",
    "authors",
    "timeline",
    "action_items",
];

/// At most this many keys that are not words get their own located error.
const MAX_LOCATED_KEYS: usize = 5;

/// Reads a parsed front-matter mapping into a [`Postmortem`] (body not yet rendered).
/// Returns `None` when an error makes the postmortem unusable; errors are in `diagnostics`.
pub(crate) fn validate(
    mapping: &Mapping,
    keys: &KeyLines,
    file: &Path,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Option<Postmortem> {
    let errors_before = diagnostics.error_count();
    let mut reader = Reader {
        mapping,
        keys,
        file,
        diagnostics,
    };

    let title = reader.string("title");
    // Zero-width and other format characters are not whitespace to `trim`, but a title of
    // only those shows nothing.
    let blank = |t: &str| {
        t.chars().all(|c| {
            c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}')
        })
    };
    if title.as_deref().is_none_or(blank) {
        let diagnostic = Diagnostic::error(
            file,
            keys.key("title").or(Some(LineCol::line(1))),
            "missing title",
        )
        .with_help("add `title: What broke, in one line` to the front matter");
        reader.diagnostics.push(diagnostic);
    }

    let slug = match reader.string("slug") {
        Some(slug) => {
            if !is_url_safe_key(&slug) {
                let diagnostic = Diagnostic::error(
                    file,
                    keys.key("slug"),
                    format!("slug \"{slug}\" cannot be used in a URL"),
                )
                .with_help(format!(
                    "use lowercase letters, digits and dashes, e.g. \"{}\"",
                    slugify(&slug)
                ));
                reader.diagnostics.push(diagnostic);
            }
            slug
        }
        None => {
            let stem = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let slug = slugify(&stem);
            if slug.is_empty() {
                reader.diagnostics.push(
                    Diagnostic::error(file, None, "the file name gives an empty URL")
                        .with_help("rename the file, or set `slug:` in the front matter"),
                );
            }
            slug
        }
    };

    let from_file = reader.get("slug").is_none();
    if let Some(message) = segment_too_long(
        if from_file {
            "the file name"
        } else {
            "the slug"
        },
        &slug,
    ) {
        let help = if from_file {
            "rename the file, or set a shorter `slug:` in the front matter"
        } else {
            "write a shorter slug"
        };
        reader.diagnostics.push(
            Diagnostic::error(file, keys.key("slug").or(Some(LineCol::line(1))), message)
                .with_help(help),
        );
    }

    let site_zone = config.timezone.as_ref();
    let moments = [
        "started",
        "detected",
        "acknowledged",
        "mitigated",
        "resolved",
    ]
    .map(|key| reader.moment(key, site_zone));
    let [started, detected, acknowledged, mitigated, resolved] = moments;
    // A bare number (`duration: 30`) is read as its digits, which have no unit: the
    // duration's own error says what to write, better than "must be text".
    let duration = match reader.get("duration") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => reader.string("duration"),
    };
    let duration = duration.and_then(|text| match time::parse_duration(&text) {
        Ok(d) => Some(d),
        Err(err) => {
            reader.push_error("duration", err.message, err.help);
            None
        }
    });
    let milestones = Milestones {
        started: started.map(|m| m.at),
        detected: detected.map(|m| m.at),
        acknowledged: acknowledged.map(|m| m.at),
        mitigated: mitigated.map(|m| m.at),
        resolved: resolved.map(|m| m.at),
        duration,
    };
    check_milestone_order(&milestones, keys, file, reader.diagnostics);
    check_duration(&milestones, keys, file, reader.diagnostics);

    let zone = match (started, site_zone) {
        (Some(started), None) => TimeZone::fixed(started.offset),
        (_, Some(zone)) => zone.clone(),
        (None, None) => TimeZone::UTC,
    };

    let date = match reader.string("date") {
        Some(text) => match time::parse_date(&text) {
            Ok(date) => Some(date),
            Err(err) => {
                reader.push_error("date", err.message, err.help);
                None
            }
        },
        None => match started {
            Some(started) => Some(started.at.to_zoned(zone.clone()).date()),
            // `started` is there but unreadable; its own error says why.
            None if reader.get("started").is_some() => None,
            // Allowed (an imported report may not say when it happened, and the importer
            // never invents a date) but never silent: the warning says what it costs.
            None => {
                reader.diagnostics.push(
                    Diagnostic::warning(
                        file,
                        keys.end(),
                        "no date: this postmortem is left out of the year pages, the timeline and the figures by month",
                    )
                    .with_help("add `date: YYYY-MM-DD` or `started:` with the time impact began"),
                );
                None
            }
        },
    };

    let severity = reader.string("severity");
    let (severity, severity_rank) = match severity {
        // Unrated is allowed (an imported postmortem may not state one, and the importer
        // never invents a value) but never silent: the warning says what it costs.
        None => {
            reader.diagnostics.push(
                Diagnostic::warning(
                    file,
                    keys.end(),
                    "no severity: this postmortem is left out of the severity pages and figures",
                )
                .with_help(format!(
                    "add `severity:` with one of {}",
                    config.severities.join(", ")
                )),
            );
            (String::new(), 0)
        }
        Some(sev) => match config.severities.iter().position(|s| *s == sev) {
            Some(i) => (sev, i + 1),
            None => {
                let hint = suggestion(&sev, config.severities.iter().map(String::as_str));
                reader.push_error(
                    "severity",
                    format!("unknown severity \"{sev}\"{hint}"),
                    format!("severities are {}", config.severities.join(", ")),
                );
                (sev, 0)
            }
        },
    };

    let status = reader
        .word::<Status>("status", Status::parse, Status::ALL, Status::as_str)
        .unwrap_or(Status::Published);
    let audience = reader
        .word("audience", Audience::parse, Audience::ALL, Audience::as_str)
        .unwrap_or(config.default_audience);
    let detection = reader.word(
        "detection",
        Detection::parse,
        Detection::ALL,
        Detection::as_str,
    );

    let services: Vec<ServiceKey> = reader
        .string_list("services")
        .into_iter()
        .filter_map(|s| {
            let key = if is_url_safe_key(&s) { s } else { slugify(&s) };
            if key.is_empty() {
                reader.push_error(
                    "services",
                    "a service name is empty".to_string(),
                    "name each service, e.g. services: [web-app, mysql]".to_string(),
                );
                None
            } else if let Some(message) = segment_too_long("a service name", &key) {
                reader.push_error(
                    "services",
                    message,
                    "write a shorter service name".to_string(),
                );
                None
            } else {
                Some(ServiceKey::new(key))
            }
        })
        .collect();

    let mut root_causes = Vec::new();
    for cause in reader.string_list("root_cause") {
        let key = RootCauseKey::new(cause.clone());
        if config.root_causes.contains_key(&key) {
            if !root_causes.contains(&key) {
                root_causes.push(key);
            }
        } else {
            let hint = root_cause_suggestion(config, &cause);
            let known: Vec<&str> = config.root_causes.keys().map(|k| k.as_str()).collect();
            reader.push_error(
                "root_cause",
                format!("unknown root cause \"{cause}\"{hint}"),
                format!(
                    "use a key of [root_causes] in site.toml ({}), or add it there",
                    known.join(", ")
                ),
            );
        }
    }

    let impact = reader.impact();
    let anchor = Anchor {
        date,
        zone: match (started, site_zone) {
            (Some(started), _) => Some(TimeZone::fixed(started.offset)),
            (None, Some(zone)) => Some(zone.clone()),
            (None, None) => None,
        },
    };
    let mut clock = time::TimelineClock::new(anchor);
    let timeline_zone = clock.day_zone();
    let timeline = reader.timeline(&mut clock, site_zone);
    let action_items = reader.action_items();

    let mut extra = BTreeMap::new();
    let mut not_words = 0;
    for (key, value) in mapping {
        let Some(key) = key.as_str() else {
            // Locating a key reads the keys before it: the first few are located, the
            // rest counted, so 100,000 of them are not a quadratic search.
            not_words += 1;
            if not_words <= MAX_LOCATED_KEYS {
                let diagnostic = Diagnostic::error(
                    file,
                    keys.raw_key(key).or(Some(LineCol::line(1))),
                    format!("a front-matter key is {}, not a word", value_kind(key)),
                )
                .with_help("write keys as plain words, e.g. `title:`");
                reader.diagnostics.push(diagnostic);
            }
            continue;
        };
        if KNOWN_KEYS.contains(&key) {
            continue;
        }
        if let Some(near) = crate::diagnostics::did_you_mean(key, KNOWN_KEYS.iter().copied()) {
            reader.diagnostics.push(
                Diagnostic::warning(
                    file,
                    keys.key(key),
                    format!("unknown key \"{key}\" (did you mean \"{near}\"?)"),
                )
                .with_help("unknown keys are kept for templates as page.extra; fix the spelling if it was meant to be a known key"),
            );
        }
        extra.insert(key.to_string(), yaml_to_json(value));
    }

    if not_words > MAX_LOCATED_KEYS {
        reader.diagnostics.push(
            Diagnostic::error(
                file,
                None,
                format!(
                    "{} more front-matter keys are not words",
                    not_words - MAX_LOCATED_KEYS
                ),
            )
            .with_help("write keys as plain words, e.g. `title:`"),
        );
    }

    let contributing_factors = reader.string_list("contributing_factors");
    let trigger = reader.string("trigger");
    let tags = reader.string_list("tags");
    let authors = reader.string_list("authors");

    if diagnostics.error_count() > errors_before {
        return None;
    }
    Some(Postmortem {
        slug: Slug::new(slug),
        source: file.to_path_buf(),
        title: title.unwrap_or_default().trim().to_string(),
        date,
        status,
        audience,
        severity,
        severity_rank,
        services,
        root_causes,
        contributing_factors,
        trigger,
        detection,
        tags,
        impact,
        authors,
        milestones,
        zone,
        timeline_zone,
        timeline,
        action_items,
        extra,
        body_markdown: String::new(),
        body_offset: 0,
        file_text: String::new(),
        allowed_secrets: Vec::new(),
        body_html: String::new(),
        toc: Vec::new(),
        body_text: None,
    })
}

fn check_milestone_order(
    milestones: &Milestones,
    keys: &KeyLines,
    file: &Path,
    diagnostics: &mut Diagnostics,
) {
    let present: Vec<(&str, Timestamp)> = milestones
        .in_order()
        .into_iter()
        .filter_map(|(name, t)| Some((name, t?)))
        .collect();
    for pair in present.windows(2) {
        let [(earlier_name, earlier), (later_name, later)] = pair else {
            continue;
        };
        if later < earlier {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    keys.key(later_name),
                    format!(
                        "{later_name} ({later}) is before {earlier_name} ({earlier})"
                    ),
                )
                .with_help(
                    "milestones must run started <= detected <= acknowledged <= mitigated <= resolved; check the date and the offset",
                ),
            );
        }
    }
}

/// A stated `duration` beside `started` and `resolved` must be their difference: two
/// statements of one length that disagree are a mistake, not a choice to make silently.
fn check_duration(
    milestones: &Milestones,
    keys: &KeyLines,
    file: &Path,
    diagnostics: &mut Diagnostics,
) {
    let (Some(stated), Some(started), Some(resolved)) =
        (milestones.duration, milestones.started, milestones.resolved)
    else {
        return;
    };
    let actual = resolved.duration_since(started);
    // Within a minute: `duration` is written in minutes.
    if (actual.as_secs() - stated.as_secs()).abs() >= 60 {
        diagnostics.push(
            Diagnostic::error(
                file,
                keys.key("duration"),
                format!(
                    "duration ({}) disagrees with started to resolved ({})",
                    time::format_duration(stated),
                    time::format_duration(actual)
                ),
            )
            .with_help("fix the one that is wrong, or remove `duration`: with both `started` and `resolved` it is their difference"),
        );
    }
}

/// Reads typed values out of the mapping, pushing a diagnostic for each mistake.
struct Reader<'a> {
    mapping: &'a Mapping,
    keys: &'a KeyLines,
    file: &'a Path,
    diagnostics: &'a mut Diagnostics,
}

impl<'a> Reader<'a> {
    fn push_error(&mut self, key: &str, message: String, help: String) {
        self.diagnostics
            .push(Diagnostic::error(self.file, self.keys.key(key), message).with_help(help));
    }

    /// An error about `child`, nested under `key`: at its own line when it has one.
    fn push_nested_error(&mut self, key: &str, child: &str, message: String, help: String) {
        let pos = self.keys.child(key, child).or(self.keys.key(key));
        self.diagnostics
            .push(Diagnostic::error(self.file, pos, message).with_help(help));
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        match self.mapping.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value),
        }
    }

    fn string(&mut self, key: &str) -> Option<String> {
        let value = self.get(key)?;
        match scalar_string(value) {
            Some(s) => Some(s),
            None => {
                let kind = value_kind(value);
                let example = match key {
                    "date" => "date: 2024-08-14 (YYYY-MM-DD)".to_string(),
                    _ => format!("{key}: \"some text\""),
                };
                self.push_error(
                    key,
                    format!("{key} must be text, not {kind}"),
                    not_text_help(value, &example),
                );
                None
            }
        }
    }

    /// A string or a list of strings.
    fn string_list(&mut self, key: &str) -> Vec<String> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        match value {
            Value::Sequence(items) => {
                let mut out = Vec::new();
                let mut bad = None;
                for item in items {
                    match scalar_string(item) {
                        Some(s) => out.push(s),
                        None => bad = bad.or(Some(item)),
                    }
                }
                if let Some(item) = bad {
                    self.push_error(
                        key,
                        format!(
                            "{key} must be a list of words, and one is {}",
                            value_kind(item)
                        ),
                        not_text_help(item, &format!("{key}: [a, \"b\"]")),
                    );
                }
                out
            }
            other => match scalar_string(other) {
                Some(s) => vec![s],
                None => {
                    self.push_error(
                        key,
                        format!(
                            "{key} must be a word or a list of words, not {}",
                            value_kind(other)
                        ),
                        not_text_help(other, &format!("{key}: [a, \"b\"]")),
                    );
                    Vec::new()
                }
            },
        }
    }

    fn word<T: Copy>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        all: &[T],
        as_str: fn(T) -> &'static str,
    ) -> Option<T> {
        let text = self.string(key)?;
        match parse(&text) {
            Some(value) => Some(value),
            None => {
                let names: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
                let hint = suggestion(&text, names.iter().copied());
                self.push_error(
                    key,
                    format!("unknown {key} \"{text}\"{hint}"),
                    format!("{key} is one of {}", names.join(", ")),
                );
                None
            }
        }
    }

    fn moment(&mut self, key: &str, site_zone: Option<&TimeZone>) -> Option<Moment> {
        let text = self.string(key)?;
        match time::parse_timestamp(&text, site_zone) {
            Ok(moment) => Some(moment),
            Err(err) => {
                self.push_error(key, format!("{key}: {}", err.message), err.help);
                None
            }
        }
    }

    fn impact(&mut self) -> Impact {
        let Some(value) = self.get("impact") else {
            return Impact::default();
        };
        let Value::Mapping(map) = value else {
            if let Some(summary) = scalar_string(value) {
                return Impact {
                    summary: Some(summary),
                    users_affected_pct: None,
                };
            }
            self.push_error(
                "impact",
                format!("impact must be a mapping, not {}", value_kind(value)),
                not_text_help(
                    value,
                    "impact: { users_affected_pct: 85, summary: \"...\" }",
                ),
            );
            return Impact::default();
        };
        let mut impact = Impact::default();
        for (key, value) in map {
            match key.as_str() {
                Some("summary") => {
                    match text_field(value, "impact summary", "summary: \"What users saw\"") {
                        Ok(summary) => impact.summary = summary,
                        Err((message, help)) => {
                            self.push_nested_error("impact", "summary", message, help)
                        }
                    }
                }
                Some("users_affected_pct") => match value.as_f64() {
                    Some(pct) if (0.0..=100.0).contains(&pct) => {
                        impact.users_affected_pct = Some(pct)
                    }
                    Some(pct) => self.push_nested_error(
                        "impact",
                        "users_affected_pct",
                        format!("users_affected_pct is {pct}, outside 0..100"),
                        "give the share of users affected as a percentage, e.g. 85".to_string(),
                    ),
                    None => self.push_nested_error(
                        "impact",
                        "users_affected_pct",
                        "users_affected_pct must be a number".to_string(),
                        "write it without a % sign, e.g. users_affected_pct: 85".to_string(),
                    ),
                },
                other => {
                    let name = other.unwrap_or("?");
                    let hint = suggestion(name, ["summary", "users_affected_pct"]);
                    self.push_nested_error(
                        "impact",
                        name,
                        format!("unknown impact key \"{name}\"{hint}"),
                        "impact has `summary` and `users_affected_pct`".to_string(),
                    );
                }
            }
        }
        impact
    }

    fn list_items(&mut self, key: &str) -> Vec<(usize, &'a Mapping)> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let Value::Sequence(items) = value else {
            self.push_error(
                key,
                format!("{key} must be a list"),
                "write each entry on its own line starting with `- `".to_string(),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::Mapping(map) => out.push((i, map)),
                _ => self.diagnostics.push(
                    Diagnostic::error(
                        self.file,
                        self.keys.item(key, i),
                        format!("{key} entry {} must be a mapping", i + 1),
                    )
                    .with_help(match key {
                        "timeline" => "write `- { at: \"14:30\", kind: detection, event: ... }`",
                        _ => "write `- { task: ..., owner: ..., status: open }`",
                    }),
                ),
            }
        }
        out
    }

    fn timeline(
        &mut self,
        clock: &mut time::TimelineClock,
        site_zone: Option<&TimeZone>,
    ) -> Vec<TimelineEntry> {
        const FIELDS: [&str; 3] = ["at", "kind", "event"];
        let mut entries = Vec::new();
        let items = self.list_items("timeline");
        for (i, map) in items {
            let pos = self.keys.item("timeline", i);
            let n = i + 1;
            let mut at_text = None;
            let mut kind = None;
            let mut text = None;
            for (key, value) in map {
                let field = |name: &str, example: &str| {
                    text_field(value, &format!("timeline entry {n}: {name}"), example)
                };
                let read = match key.as_str() {
                    Some("at") => field("at", "at: \"14:30\""),
                    Some("event") => field("event", "event: \"Alert fired\""),
                    Some("kind") => field("kind", "kind: detection"),
                    _ => Ok(None),
                };
                if let Err((message, help)) = read {
                    self.diagnostics
                        .push(Diagnostic::error(self.file, pos, message).with_help(help));
                    continue;
                }
                match key.as_str() {
                    Some("at") => at_text = scalar_string(value),
                    Some("event") => text = scalar_string(value),
                    Some("kind") => {
                        let word = scalar_string(value).unwrap_or_default();
                        kind = EventKind::parse(&word);
                        if kind.is_none() {
                            let names: Vec<&str> =
                                EventKind::ALL.iter().map(|k| k.as_str()).collect();
                            let hint = suggestion(&word, names.iter().copied());
                            self.diagnostics.push(
                                Diagnostic::error(
                                    self.file,
                                    pos,
                                    format!("timeline entry {n}: unknown kind \"{word}\"{hint}"),
                                )
                                .with_help(format!("kind is one of {}", names.join(", "))),
                            );
                        }
                    }
                    other => {
                        let name = other.unwrap_or("?");
                        let hint = suggestion(name, FIELDS);
                        self.diagnostics.push(
                            Diagnostic::error(
                                self.file,
                                pos,
                                format!("timeline entry {n}: unknown key \"{name}\"{hint}"),
                            )
                            .with_help("a timeline entry has `at`, `kind` and `event`"),
                        );
                    }
                }
            }
            let Some(at_text) = at_text else {
                self.diagnostics.push(
                    Diagnostic::error(
                        self.file,
                        pos,
                        format!("timeline entry {n} has no `at` time"),
                    )
                    .with_help("write `at: \"14:30\"`, a day alone (`at: 2024-08-14`) or a full RFC 3339 timestamp"),
                );
                continue;
            };
            let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
                self.diagnostics.push(
                    Diagnostic::error(
                        self.file,
                        pos,
                        format!("timeline entry {n} has no `event` text"),
                    )
                    .with_help("write what happened, e.g. `event: Alert on error rate`"),
                );
                continue;
            };
            match clock.resolve(&at_text, site_zone) {
                Ok(when) => {
                    entries.push(TimelineEntry {
                        at: when.at(),
                        day: match when {
                            time::EntryTime::Day { date, .. } => Some(date),
                            time::EntryTime::Instant(_) => None,
                        },
                        kind,
                        text: text.trim().to_string(),
                        pos,
                    });
                }
                Err(err) => self.diagnostics.push(
                    Diagnostic::error(
                        self.file,
                        pos,
                        format!("timeline entry {n}: {}", err.message),
                    )
                    .with_help(err.help),
                ),
            }
        }
        entries
    }

    fn action_items(&mut self) -> Vec<ActionItem> {
        const FIELDS: [&str; 5] = ["task", "owner", "status", "due", "link"];
        let items = self.list_items("action_items");
        let mut out = Vec::new();
        for (i, map) in items {
            let pos = self.keys.item("action_items", i);
            let n = i + 1;
            let mut item = ActionItem {
                task: String::new(),
                owner: None,
                status: ActionStatus::Open,
                due: None,
                link: None,
                pos,
            };
            for (key, value) in map {
                if let Some(name) = key.as_str().filter(|name| FIELDS.contains(name))
                    && let Err((message, help)) = text_field(
                        value,
                        &format!("action item {n}: {name}"),
                        &format!("{name}: \"...\""),
                    )
                {
                    self.diagnostics
                        .push(Diagnostic::error(self.file, pos, message).with_help(help));
                    continue;
                }
                let text = scalar_string(value);
                match key.as_str() {
                    Some("task") => item.task = text.unwrap_or_default(),
                    Some("owner") => item.owner = text.filter(|t| !t.trim().is_empty()),
                    Some("link") => match text.map(|link| check_link(&link).map(|()| link)) {
                        Some(Ok(link)) => item.link = Some(link),
                        Some(Err(message)) => self.diagnostics.push(
                            Diagnostic::error(
                                self.file,
                                pos,
                                format!("action item {n}: {message}"),
                            )
                            .with_help("link to the tracker with a full https:// URL; write a space as %20 and a quote as %22"),
                        ),
                        None => {}
                    },
                    Some("status") => {
                        let word = text.unwrap_or_default();
                        match ActionStatus::parse(&word) {
                            Some(status) => item.status = status,
                            None => {
                                let names: Vec<&str> =
                                    ActionStatus::ALL.iter().map(|s| s.as_str()).collect();
                                let hint = suggestion(&word, names.iter().copied());
                                self.diagnostics.push(
                                    Diagnostic::error(
                                        self.file,
                                        pos,
                                        format!("action item {n}: unknown status \"{word}\"{hint}"),
                                    )
                                    .with_help(format!("status is one of {}", names.join(", "))),
                                );
                            }
                        }
                    }
                    Some("due") => match text.as_deref().map(time::parse_date) {
                        Some(Ok(date)) => item.due = Some(date),
                        Some(Err(err)) => self.diagnostics.push(
                            Diagnostic::error(
                                self.file,
                                pos,
                                format!("action item {n}: due {}", err.message),
                            )
                            .with_help(err.help),
                        ),
                        None => {}
                    },
                    other => {
                        let name = other.unwrap_or("?");
                        let hint = suggestion(name, FIELDS);
                        self.diagnostics.push(
                            Diagnostic::error(
                                self.file,
                                pos,
                                format!("action item {n}: unknown key \"{name}\"{hint}"),
                            )
                            .with_help("an action item has task, owner, status, due and link"),
                        );
                    }
                }
            }
            if let Some(message) = item
                .owner
                .as_deref()
                .and_then(|owner| segment_too_long("the owner", &slugify(owner)))
            {
                self.diagnostics.push(
                    Diagnostic::error(self.file, pos, format!("action item {n}: {message}"))
                        .with_help(
                            "write a shorter owner: the owner's page is /action-items/<owner>/",
                        ),
                );
                continue;
            }
            if item.task.trim().is_empty() {
                self.diagnostics.push(
                    Diagnostic::error(self.file, pos, format!("action item {n} has no task"))
                        .with_help("write what needs doing, e.g. `task: Alert on auth failures`"),
                );
                continue;
            }
            out.push(item);
        }
        out
    }
}

/// An action item's `link`: an absolute http(s) URL as the `url` crate reads it, and
/// written with URL characters only. The crate would quietly percent-encode a space or a
/// quote; a link with one was most likely pasted wrong, so it is refused instead.
fn check_link(link: &str) -> Result<(), String> {
    if let Some(c) = link
        .chars()
        .find(|&c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(c))
    {
        return Err(format!(
            "link \"{link}\" has {} in it, which a URL cannot hold",
            match c {
                '"' => "a quote".to_string(),
                c if c.is_whitespace() => "a space".to_string(),
                c => format!("the character {}", crate::text::code_point(c)),
            }
        ));
    }
    match url::Url::parse(link) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(()),
        Ok(url) => Err(format!(
            "link \"{link}\" is a {}: URL, not an http(s) one",
            url.scheme()
        )),
        Err(err) => Err(format!("link \"{link}\" is not a valid http(s) URL: {err}")),
    }
}

/// A text value, without text-direction or control characters: `parse_source` warns
/// about those written as such, and removes them here when written as escapes
/// (`"\u202E"`). A number or a boolean is not text: YAML has already turned what was
/// written into a value (`0x1F` into 31, `1.50` into 1.5, `yes` stays a string but `true`
/// does not), and serde_yaml keeps no copy of the original, so it cannot be kept as
/// written; [`not_text_help`] says to quote it.
fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(
            crate::text::without(s, |c| {
                crate::text::is_bidi_control(c) || crate::text::is_forbidden_control(c)
            })
            .into_owned(),
        ),
        Value::Tagged(tagged) => scalar_string(&tagged.value),
        _ => None,
    }
}

/// What to do about a value that is not text, given how to write the field (`title:
/// "..."`): a number or a boolean is quoted to keep what was written.
fn not_text_help(value: &Value, example: &str) -> String {
    match value {
        Value::Number(n) => format!(
            "YAML reads it as the number {n}, which may not be what you wrote (0x1F is 31, 1.50 is 1.5): put the value in quotes to keep it as text, e.g. {example}"
        ),
        Value::Bool(b) => format!(
            "YAML reads it as the boolean {b}: put the value in quotes to keep it as text, e.g. {example}"
        ),
        Value::Tagged(tagged) => not_text_help(&tagged.value, example),
        _ => format!("write {example}"),
    }
}

/// A field that must be text: its text, or an error message and help when the value is
/// something else. `None` values are absent.
fn text_field(
    value: &Value,
    what: &str,
    example: &str,
) -> Result<Option<String>, (String, String)> {
    if value.is_null() {
        return Ok(None);
    }
    match scalar_string(value) {
        Some(text) => Ok(Some(text)),
        None => Err((
            format!("{what} must be text, not {}", value_kind(value)),
            not_text_help(value, example),
        )),
    }
}

fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Unknown keys go to templates as JSON-like values.
fn yaml_to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                serde_json::Value::from(i)
            } else if let Some(u) = n.as_u64() {
                serde_json::Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
        }
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Sequence(items) => {
            serde_json::Value::Array(items.iter().map(yaml_to_json).collect())
        }
        Value::Mapping(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = scalar_string(k).unwrap_or_else(|| "?".to_string());
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Value::Tagged(tagged) => yaml_to_json(&tagged.value),
    }
}
