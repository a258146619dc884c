//! The values handed to templates: plain, serialisable, pre-formatted.
//!
//! The shapes are documented for theme authors in `themes/default/CONTEXT.md`; keep the
//! two in step. Views are built from the [`Site`] once and borrowed by every page that
//! lists them, so no page clones the whole site into its context.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::sync::OnceLock;

use serde::Serialize;

use super::page::{List, Page};
use crate::content::postmortem::{ActionItem, Postmortem, TimelineEntry};
use crate::content::time::{format_duration, format_offset, iso_duration};
use crate::keys::{RootCauseKey, ServiceKey};
use crate::site::{DurationStats, PostmortemId, Site, Term};
use crate::urls;

/// Number of colour slots in the theme (`rc-0` … `rc-7`).
pub const COLOR_SLOTS: usize = 8;

/// Site-wide values, in every template as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Absolute base URL with trailing slash.
    pub base_url: String,
    /// Path part of the base URL.
    pub base_path: String,
    /// True when the site has a search index (`search` in `site.toml`, no `--no-search`).
    pub search: bool,
    /// Root-relative URLs of the site's pages and assets.
    pub urls: SiteUrls,
}

/// Root-relative URLs used in the layout.
#[derive(Debug, Clone, Serialize)]
pub struct SiteUrls {
    /// Home.
    pub home: String,
    /// Root-cause index.
    pub root_causes: String,
    /// Service index.
    pub services: String,
    /// Global timeline.
    pub timeline: String,
    /// Insights (charts and figures).
    pub insights: String,
    /// Every action item.
    pub action_items: String,
    /// The search page.
    pub search: String,
    /// The search page's script (Pagefind's browser API, results, filters).
    pub search_script: String,
    /// Pagefind's bundle folder (`pagefind.js`, the index chunks).
    pub pagefind: String,
    /// The script that marks overdue action items (in the reader's browser).
    pub action_items_script: String,
    /// Atom feed.
    pub atom: String,
    /// JSON export.
    pub json: String,
    /// Theme stylesheet.
    pub style: String,
    /// Light code stylesheet.
    pub syntax_light: String,
    /// Dark code stylesheet.
    pub syntax_dark: String,
    /// Favicon.
    pub favicon: String,
}

impl SiteView {
    /// From the site's config.
    pub fn new(site: &Site) -> Self {
        let base = site.config.base_url.path.clone();
        let url = |path: &str| urls::url(&base, path);
        let page = |page: Page| page.url(site);
        Self {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            base_url: site.config.base_url.absolute.clone(),
            urls: SiteUrls {
                home: List::Home.url(site),
                root_causes: page(Page::RootCauses),
                services: page(Page::Services),
                timeline: page(Page::Timeline),
                insights: page(Page::Insights),
                action_items: List::ActionItems.url(site),
                search: page(Page::Search),
                search_script: url(&urls::asset("search.js")),
                pagefind: url(urls::PAGEFIND),
                action_items_script: url(&urls::asset("action-items.js")),
                atom: page(Page::Atom),
                json: page(Page::Json),
                style: url(&urls::asset("style.css")),
                syntax_light: url(urls::SYNTAX_LIGHT),
                syntax_dark: url(urls::SYNTAX_DARK),
                favicon: url(&urls::asset("favicon.svg")),
            },
            base_path: base,
            search: site.config.search,
        }
    }
}

/// A root cause or service reference.
#[derive(Debug, Clone, Serialize)]
pub struct TermRef {
    /// Key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Page URL.
    pub url: String,
    /// Colour class (`rc-3`) for root causes, empty for services.
    pub color: String,
}

/// A duration, three ways.
#[derive(Debug, Clone, Serialize)]
pub struct DurationView {
    /// Whole seconds.
    pub seconds: i64,
    /// `2h 30m`.
    pub display: String,
    /// `PT2H30M`.
    pub iso: String,
}

impl DurationView {
    /// Formats `duration`.
    pub fn new(duration: SignedDuration) -> Self {
        Self {
            seconds: duration.as_secs(),
            display: format_duration(duration),
            iso: iso_duration(duration),
        }
    }
}

/// An instant, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct MomentView {
    /// RFC 3339 with offset.
    pub iso: String,
    /// `14 Aug 2024 14:30 BST`.
    pub display: String,
    /// `14:30`.
    pub time: String,
}

impl MomentView {
    /// Formats `at` in `zone`.
    pub fn new(at: Timestamp, zone: &TimeZone) -> Self {
        let zoned = at.to_zoned(zone.clone());
        // HTML's `datetime` takes an offset in hours and minutes only; a zone's local
        // mean time before standard time (London's -00:01:15 in year 0) has seconds, so
        // such an instant is written in UTC instead, which is the same instant.
        let iso = if zoned.offset().seconds() % 60 == 0 {
            zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
        } else {
            at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
        };
        Self {
            iso,
            display: zoned.strftime("%-d %b %Y %H:%M %Z").to_string(),
            time: zoned.strftime("%H:%M").to_string(),
        }
    }
}

#[cfg(test)]
mod moment_tests {
    use super::*;

    #[test]
    fn a_datetime_never_has_an_offset_with_seconds() {
        let london = TimeZone::get("Europe/London").unwrap();
        let at: Timestamp = "0000-06-01T12:00:00Z".parse().unwrap();
        let view = MomentView::new(at, &london);
        assert_eq!(view.iso, "0000-06-01T12:00:00Z");
        let at: Timestamp = "2024-06-01T12:00:00Z".parse().unwrap();
        assert_eq!(
            MomentView::new(at, &london).iso,
            "2024-06-01T13:00:00+01:00"
        );
    }
}

impl MomentView {
    /// A day alone: `2022-09-05`, `Monday 5 September 2022`, `5 Sep 2022`.
    pub fn day(date: Date) -> Self {
        Self {
            iso: date.to_string(),
            display: date.strftime("%A %-d %B %Y").to_string(),
            time: date.strftime("%-d %b %Y").to_string(),
        }
    }
}

/// `Day 1` for the day impact began, `Day 3` two days later, `Day 0` the day before.
fn day_offset(date: Date, started_day: Date) -> Option<String> {
    let days = started_day.until(date).ok()?.get_days();
    Some(format!("Day {}", i64::from(days) + 1))
}

/// A postmortem in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// URL segment.
    pub slug: String,
    /// Page URL.
    pub url: String,
    /// Title.
    pub title: String,
    /// ISO date; empty when the postmortem is undated.
    pub date: String,
    /// `14 Aug 2024`; `Undated` when it is.
    pub date_display: String,
    /// Year; `None` when undated.
    pub year: Option<i16>,
    /// Severity name.
    pub severity: String,
    /// 1 = most severe.
    pub severity_rank: usize,
    /// Status word.
    pub status: &'static str,
    /// True for drafts.
    pub is_draft: bool,
    /// Primary root cause.
    pub root_cause: Option<TermRef>,
    /// Root causes, primary first, the first [`LISTED_TERMS`].
    pub root_causes: Vec<TermRef>,
    /// Services, the first [`LISTED_TERMS`].
    pub services: Vec<TermRef>,
    /// How many root causes are left out of `root_causes`.
    pub more_root_causes: usize,
    /// How many services are left out of `services`.
    pub more_services: usize,
    /// Started → resolved.
    pub duration: Option<DurationView>,
    /// Impact summary.
    pub impact_summary: String,
    /// Share of users affected.
    pub users_affected_pct: Option<f64>,
    /// Start, formatted, or empty.
    pub started_display: String,
    /// Bar width for the timeline, log scale, 2..=100 (0 when unknown).
    pub bar_pct: u32,
}

/// How many root causes and how many services a postmortem's entry in a list shows (the
/// rest are counted, and its own page shows them all). Each term page lists the
/// postmortem, so showing every term there would make the output grow with the square of
/// a postmortem's terms: 10,000 services in one postmortem wrote 16 GB.
pub const LISTED_TERMS: usize = 8;

/// Builds references and summaries for one site.
///
/// Summaries and their template values are made on first use, once each: a full build
/// uses them all, while the dev server re-rendering one edited page needs only a handful
/// of a library of thousands, and must not pay for the rest.
pub struct Views<'a> {
    site: &'a Site,
    zone: TimeZone,
    /// The site view.
    pub site_view: SiteView,
    /// The longest time to resolve, the scale of every summary's bar.
    longest: SignedDuration,
    /// One summary per postmortem, indexed like `Site::postmortems`.
    summaries: Vec<OnceLock<Summary>>,
    /// The same summaries as template values, converted once: a summary appears in a
    /// dozen lists (home, timeline, its root causes, services, severity, year…), and
    /// converting it again for each was a tenth of a build. tera shares these values
    /// (reference-counted), so listing one costs a pointer copy.
    summary_values: Vec<OnceLock<tera::Value>>,
    /// The fingerprint of each summary (see [`SummaryRef`]'s `Serialize`).
    summary_keys: Vec<OnceLock<Option<u128>>>,
    /// What the pages of each list share, made once per list.
    pub lists: super::lists::ListCaches,
}

/// A [`Summary`] as lists hand it to templates: it serialises as its ready-made template
/// value (see [`Views::summary_ref`]) and reads like the summary itself.
#[derive(Debug, Clone, Copy)]
pub struct SummaryRef<'a> {
    summary: &'a Summary,
    value: &'a tera::Value,
    key: &'a OnceLock<Option<u128>>,
}

impl std::ops::Deref for SummaryRef<'_> {
    type Target = Summary;

    fn deref(&self) -> &Summary {
        self.summary
    }
}

impl Serialize for SummaryRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            self.value.serialize(serializer)
        } else {
            // In the compact form a page fingerprint is made of (see
            // `cache::Fingerprint::add_value`), the summary's own fingerprint stands for
            // it, so each summary is hashed once, not once per list. Without one, the
            // page gets no fingerprint and is always rendered.
            match *self.key.get_or_init(|| summary_fingerprint(self.summary)) {
                Some(key) => serializer.serialize_u128(key),
                None => Err(serde::ser::Error::custom("summary without a fingerprint")),
            }
        }
    }
}

impl<'a> Views<'a> {
    /// Prepares the shared views; summaries are made as they are asked for.
    pub fn new(site: &'a Site) -> Self {
        let count = site.postmortems.len();
        Self {
            site,
            zone: site.config.display_zone(),
            site_view: SiteView::new(site),
            longest: site
                .postmortems
                .iter()
                .filter_map(|p| p.milestones.metrics().ttr)
                .max()
                .unwrap_or(SignedDuration::ZERO),
            summaries: (0..count).map(|_| OnceLock::new()).collect(),
            summary_values: (0..count).map(|_| OnceLock::new()).collect(),
            summary_keys: (0..count).map(|_| OnceLock::new()).collect(),
            lists: super::lists::ListCaches::default(),
        }
    }

    /// The summary of postmortem `id`.
    pub fn summary(&self, id: PostmortemId) -> &Summary {
        self.summaries[id.index()]
            .get_or_init(|| self.make_summary(&self.site.postmortems[id.index()], self.longest))
    }

    /// The summary of postmortem `id`, for a list.
    pub fn summary_ref(&self, id: PostmortemId) -> SummaryRef<'_> {
        let summary = self.summary(id);
        SummaryRef {
            summary,
            value: self.summary_values[id.index()]
                .get_or_init(|| tera::Value::from_serializable(summary)),
            key: &self.summary_keys[id.index()],
        }
    }

    /// The summaries of `ids`, for a list.
    pub fn summary_refs(&self, ids: &[PostmortemId]) -> Vec<SummaryRef<'_>> {
        ids.iter().map(|id| self.summary_ref(*id)).collect()
    }

    /// URL of an output path under the base.
    pub fn url(&self, path: &str) -> String {
        urls::url(&self.site_view.base_path, path)
    }

    /// Reference to a root cause.
    pub fn root_cause_ref(&self, key: &RootCauseKey) -> TermRef {
        let term = self.site.root_causes.get(key);
        TermRef {
            key: key.to_string(),
            name: term.map_or_else(|| key.to_string(), |t| t.name.clone()),
            url: self.url(&urls::term(urls::ROOT_CAUSES, key)),
            color: color_class(term.and_then(|t| t.color)),
        }
    }

    /// Reference to a service.
    pub fn service_ref(&self, key: &ServiceKey) -> TermRef {
        let term = self.site.services.get(key);
        TermRef {
            key: key.to_string(),
            name: term.map_or_else(|| key.to_string(), |t| t.name.clone()),
            url: self.url(&urls::term(urls::SERVICES, key)),
            color: String::new(),
        }
    }

    fn make_summary(&self, p: &Postmortem, longest: SignedDuration) -> Summary {
        let ttr = p.milestones.metrics().ttr;
        let root_causes: Vec<TermRef> = p
            .root_causes
            .iter()
            .take(LISTED_TERMS)
            .map(|k| self.root_cause_ref(k))
            .collect();
        let services: Vec<TermRef> = p
            .services
            .iter()
            .take(LISTED_TERMS)
            .map(|k| self.service_ref(k))
            .collect();
        Summary {
            slug: p.slug.to_string(),
            url: self.url(&urls::postmortem(&p.slug)),
            title: p.title.clone(),
            date: p.date.map(|d| d.to_string()).unwrap_or_default(),
            date_display: p.date.map_or_else(
                || "Undated".to_string(),
                |d| d.strftime("%-d %b %Y").to_string(),
            ),
            year: p.year(),
            severity: p.severity.clone(),
            severity_rank: p.severity_rank,
            status: p.status.as_str(),
            is_draft: p.status == crate::content::postmortem::Status::Draft,
            root_cause: root_causes.first().cloned(),
            more_root_causes: p.root_causes.len() - root_causes.len(),
            more_services: p.services.len() - services.len(),
            root_causes,
            services,
            duration: ttr.map(DurationView::new),
            impact_summary: p.impact.summary.clone().unwrap_or_default(),
            users_affected_pct: p.impact.users_affected_pct,
            started_display: p
                .milestones
                .started
                .map(|t| MomentView::new(t, &self.zone).display)
                .unwrap_or_default(),
            bar_pct: bar_pct(ttr, longest),
        }
    }

    /// The full view of one postmortem.
    pub fn postmortem(&self, index: usize) -> PostmortemView<'_> {
        let p = &self.site.postmortems[index];
        let moment = |t: Option<Timestamp>| t.map(|t| MomentView::new(t, &self.zone));
        let metrics = p.milestones.metrics();
        let started = p.milestones.started;
        PostmortemView {
            summary: self.summary(PostmortemId(index as u32)),
            all_root_causes: p
                .root_causes
                .iter()
                .map(|k| self.root_cause_ref(k))
                .collect(),
            all_services: p.services.iter().map(|k| self.service_ref(k)).collect(),
            started: moment(p.milestones.started),
            detected: moment(p.milestones.detected),
            acknowledged: moment(p.milestones.acknowledged),
            mitigated: moment(p.milestones.mitigated),
            resolved: moment(p.milestones.resolved),
            metrics: [
                ("TTD", "Time to detect", metrics.ttd),
                ("TTA", "Time to acknowledge", metrics.tta),
                ("TTM", "Time to mitigate", metrics.ttm),
                ("TTR", "Time to resolve", metrics.ttr),
            ]
            .into_iter()
            .map(|(abbr, label, value)| MetricView {
                abbr,
                label,
                value: value.map(DurationView::new),
            })
            .collect(),
            trigger: p.trigger.clone().unwrap_or_default(),
            detection: p.detection.map(|d| d.label()).unwrap_or_default(),
            tags: &p.tags,
            authors: &p.authors,
            contributing_factors: &p.contributing_factors,
            timeline: p
                .timeline
                .iter()
                .map(|entry| self.timeline_entry(entry, started, &p.timeline_zone))
                .collect(),
            body_html: &p.body_html,
            toc: &p.toc,
            action_items: p.action_items.iter().map(ActionItemView::new).collect(),
            related: self.site.related[index]
                .iter()
                .map(|r| self.related(r))
                .collect(),
            extra: &p.extra,
            source: p.source.to_string_lossy().replace('\\', "/"),
        }
    }

    /// One event; a day alone shows its date as written (in `zone`, the timeline's, where
    /// it was placed) and its day counted from the day impact began.
    fn timeline_entry(
        &self,
        entry: &TimelineEntry,
        started: Option<Timestamp>,
        zone: &TimeZone,
    ) -> TimelineEntryView {
        if let Some(date) = entry.day {
            return TimelineEntryView {
                at: MomentView::day(date),
                offset: started
                    .and_then(|s| day_offset(date, s.to_zoned(zone.clone()).date()))
                    .unwrap_or_default(),
                day: true,
                kind: entry.kind.map(|k| k.as_str()).unwrap_or_default(),
                kind_label: entry.kind.map(|k| k.label()).unwrap_or_default(),
                text: entry.text.clone(),
            };
        }
        TimelineEntryView {
            at: MomentView::new(entry.at, &self.zone),
            offset: started
                .map(|s| format_offset(entry.at.duration_since(s)))
                .unwrap_or_default(),
            day: false,
            kind: entry.kind.map(|k| k.as_str()).unwrap_or_default(),
            kind_label: entry.kind.map(|k| k.label()).unwrap_or_default(),
            text: entry.text.clone(),
        }
    }

    fn related(&self, related: &crate::site::Related) -> RelatedView<'_> {
        use crate::site::related::Reason;
        let summary = self.summary(related.id);
        let cause_names = |keys: &[RootCauseKey]| {
            join_names(keys.iter().map(|k| self.root_cause_ref(k).name).collect())
        };
        RelatedView {
            summary,
            reasons: related
                .reasons
                .iter()
                .map(|reason| match reason {
                    Reason::SameRootCause(key) => {
                        format!("same root cause: {}", self.root_cause_ref(key).name)
                    }
                    Reason::SharedRootCauses(keys) => {
                        format!("also caused by {}", cause_names(keys))
                    }
                    Reason::SharedServices(keys) => format!(
                        "shares {}",
                        join_names(keys.iter().map(|k| self.service_ref(k).name).collect())
                    ),
                    Reason::SharedTags(tags) => format!("shared tags: {}", tags.join(", ")),
                    Reason::SimilarWords(words) => format!("similar words: {}", words.join(", ")),
                })
                .collect(),
        }
    }

    /// The action items of one postmortem.
    pub fn postmortem_action_items(&self, p: &Postmortem) -> Vec<ActionItemView> {
        p.action_items.iter().map(ActionItemView::new).collect()
    }

    /// A root cause or service with its figures; `kind` is [`urls::ROOT_CAUSES`] or
    /// [`urls::SERVICES`].
    pub fn term_stats<K: std::fmt::Display>(&self, term: &Term<K>, kind: &str) -> TermStats {
        TermStats {
            key: term.key.to_string(),
            name: term.name.clone(),
            url: self.url(&urls::term(kind, &term.key)),
            color: color_class(term.color),
            description: term.description.clone(),
            owner: term.owner.clone(),
            count: term.postmortems.len(),
            median_ttr: term.ttr.median.map(DurationView::new),
            p90_ttr: term.ttr.p90.map(DurationView::new),
        }
    }

    /// The headline figures of the home page.
    pub fn headline(&self) -> Vec<Headline> {
        let figure = |label: &str, stats: &DurationStats| Headline {
            label: label.to_string(),
            value: stats
                .median
                .map(format_duration)
                .unwrap_or_else(|| "—".to_string()),
            note: format!("median of {} postmortems with the timestamps", stats.count),
        };
        vec![
            figure("Median time to resolve", &self.site.ttr),
            figure("Median time to detect", &self.site.ttd),
        ]
    }
}

/// The fingerprint of a summary, for the build cache.
fn summary_fingerprint(summary: &Summary) -> Option<u128> {
    let mut key = crate::cache::Fingerprint::new();
    key.add_value(summary);
    key.finish()
}

/// `a`, `a and b`, `a, b and c`.
fn join_names(mut names: Vec<String>) -> String {
    match names.len() {
        0 | 1 => names.pop().unwrap_or_default(),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} and {last}", names.join(", "))
        }
    }
}

/// A related incident on a postmortem page: its `Summary` and why it is related.
#[derive(Debug, Clone, Serialize)]
pub struct RelatedView<'a> {
    /// The list fields (`url`, `title`, `date_display`, …).
    #[serde(flatten)]
    pub summary: &'a Summary,
    /// Why it is related (`same root cause: Configuration`, `shares MySQL primary`).
    pub reasons: Vec<String>,
}

/// `rc-N` for a colour slot.
pub fn color_class(slot: Option<usize>) -> String {
    slot.map(|s| format!("rc-{}", s % COLOR_SLOTS))
        .unwrap_or_default()
}

/// Log-scale bar width so a 10-minute blip and a 3-day outage both stay visible.
fn bar_pct(duration: Option<SignedDuration>, longest: SignedDuration) -> u32 {
    let Some(duration) = duration else { return 0 };
    let scale = |d: SignedDuration| (1.0 + d.as_secs().max(0) as f64 / 60.0).ln();
    let max = scale(longest);
    if max <= 0.0 {
        return 100;
    }
    (2.0 + 98.0 * scale(duration) / max)
        .round()
        .clamp(2.0, 100.0) as u32
}

/// A metric row.
#[derive(Debug, Clone, Serialize)]
pub struct MetricView {
    /// `TTD`.
    pub abbr: &'static str,
    /// `Time to detect`.
    pub label: &'static str,
    /// The figure, when the timestamps allow.
    pub value: Option<DurationView>,
}

/// A timeline event.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntryView {
    /// When.
    pub at: MomentView,
    /// `T+15m`, or empty without `started`; for a day alone, `Day 3` (`Day 1` is the
    /// day impact began).
    pub offset: String,
    /// True when the entry is a day alone: `at.iso` is then `2022-09-05` and `at.time`
    /// `5 Sep 2022`.
    pub day: bool,
    /// Kind word or empty.
    pub kind: &'static str,
    /// Kind label or empty.
    pub kind_label: &'static str,
    /// What happened.
    pub text: String,
}

/// An action item.
#[derive(Debug, Clone, Serialize)]
pub struct ActionItemView {
    /// What to do.
    pub task: String,
    /// Who.
    pub owner: String,
    /// Status word.
    pub status: &'static str,
    /// Status label.
    pub status_label: &'static str,
    /// Due date (ISO) or empty.
    pub due: String,
    /// Tracker link or empty.
    pub link: String,
}

impl ActionItemView {
    fn new(item: &ActionItem) -> Self {
        Self {
            task: item.task.clone(),
            owner: item.owner.clone().unwrap_or_default(),
            status: item.status.as_str(),
            status_label: item.status.label(),
            due: item.due.map(|d| d.to_string()).unwrap_or_default(),
            link: item.link.clone().unwrap_or_default(),
        }
    }
}

/// The full postmortem page value, `pm`. It borrows what it shows as it is: made for
/// every page after each edit in `serve` (to fingerprint it), copies cost more than the
/// rest.
#[derive(Debug, Clone, Serialize)]
pub struct PostmortemView<'a> {
    /// The list fields.
    #[serde(flatten)]
    pub summary: &'a Summary,
    /// Every root cause, primary first (the summary's `root_causes` are a list entry's few).
    pub all_root_causes: Vec<TermRef>,
    /// Every service.
    pub all_services: Vec<TermRef>,
    /// Impact began.
    pub started: Option<MomentView>,
    /// Detected.
    pub detected: Option<MomentView>,
    /// Acknowledged.
    pub acknowledged: Option<MomentView>,
    /// Mitigated.
    pub mitigated: Option<MomentView>,
    /// Resolved.
    pub resolved: Option<MomentView>,
    /// TTD, TTA, TTM, TTR.
    pub metrics: Vec<MetricView>,
    /// Trigger.
    pub trigger: String,
    /// Detection label.
    pub detection: &'static str,
    /// Tags.
    pub tags: &'a [String],
    /// Authors.
    pub authors: &'a [String],
    /// Contributing factors.
    pub contributing_factors: &'a [String],
    /// The incident's own timeline.
    pub timeline: Vec<TimelineEntryView>,
    /// Rendered body (safe HTML).
    pub body_html: &'a str,
    /// Headings of the body.
    pub toc: &'a [crate::markdown::Heading],
    /// Follow-ups.
    pub action_items: Vec<ActionItemView>,
    /// The most similar other postmortems, closest first.
    pub related: Vec<RelatedView<'a>>,
    /// Unknown front-matter keys.
    pub extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
    /// Source file.
    pub source: String,
}

/// A term with its figures.
#[derive(Debug, Clone, Serialize)]
pub struct TermStats {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Page URL.
    pub url: String,
    /// Colour class or empty.
    pub color: String,
    /// Description.
    pub description: String,
    /// Owner (services).
    pub owner: String,
    /// Number of postmortems.
    pub count: usize,
    /// Median time to resolve.
    pub median_ttr: Option<DurationView>,
    /// p90 time to resolve.
    pub p90_ttr: Option<DurationView>,
}

/// A headline figure.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// What it is.
    pub label: String,
    /// The figure.
    pub value: String,
    /// Where it comes from.
    pub note: String,
}
