//! Rendering: the [`Site`] and a [`Theme`] → pages (path → bytes).
//!
//! Every page of the site is a [`Page`] value; [`page_context`] and [`render_context`]
//! render one (the whole output is assembled by `pipeline::assemble`), and
//! [`page_fingerprint`] says whether it would render differently. Templates receive the
//! views of [`view`], never the model itself.

pub mod action_items;
pub mod browse;
pub mod charts;
pub mod insights;
pub mod lists;
pub mod page;
pub mod paginate;
pub mod stats;
pub mod theme;
pub mod view;

use serde::Serialize;
use tera::Context;

use crate::cache::Fingerprint;
use crate::error::Error;
use crate::site::Site;
use crate::urls;
pub use page::{List, Page};
pub use theme::Theme;
use view::{Summary, SummaryRef, Views};

/// The files that are not pages: the theme's static files and the code stylesheets.
pub fn assets<'a>(
    theme: &'a Theme,
    syntax_css: &'a (String, String),
) -> impl Iterator<Item = (String, &'a [u8])> {
    theme
        .static_files
        .iter()
        .map(|(name, data)| (urls::asset(name), data.as_slice()))
        .chain([
            (urls::SYNTAX_LIGHT.to_string(), syntax_css.0.as_bytes()),
            (urls::SYNTAX_DARK.to_string(), syntax_css.1.as_bytes()),
        ])
}

/// A page's template context and, when asked for, the [`Fingerprint`] of everything put
/// into it: the page's bytes are a function of that and the templates, which is what
/// lets `build` reuse a page from its last build (see [`crate::cache`]).
pub struct PageContext {
    /// `None` when only the fingerprint was asked for (see [`page_fingerprint`]).
    context: Option<Context>,
    fingerprint: Option<Fingerprint>,
    kind: &'static str,
}

impl PageContext {
    fn new(page: &Page, rendered: bool, fingerprinted: bool) -> Self {
        Self {
            context: rendered.then(Context::new),
            fingerprint: fingerprinted.then(Fingerprint::new),
            kind: page.kind(),
        }
    }

    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Some(fingerprint) = &mut self.fingerprint {
            fingerprint.add_str(key);
            fingerprint.add_value(value);
        }
        if let Some(context) = &mut self.context {
            context.insert(key, value);
        }
    }

    /// The fingerprint of the context, if it was asked for and could be computed.
    pub fn fingerprint(&self) -> Option<u128> {
        self.fingerprint.as_ref().and_then(Fingerprint::finish)
    }
}

/// Renders a context built by [`page_context`] with the page's template.
pub fn render_context(theme: &Theme, page: &Page, context: &PageContext) -> Result<Vec<u8>, Error> {
    let name = page.template();
    let empty = Context::new();
    theme
        .tera
        .render(name, context.context.as_ref().unwrap_or(&empty))
        .map(String::into_bytes)
        .map_err(|err| theme::template_error(name, &err))
}

/// The template context of a page that has a template (not [`Page::Json`] or
/// [`Page::NoJekyll`]), with its fingerprint when `fingerprinted`.
pub fn page_context(
    site: &Site,
    views: &Views<'_>,
    page: &Page,
    fingerprinted: bool,
) -> PageContext {
    fill_context(
        site,
        views,
        page,
        PageContext::new(page, true, fingerprinted),
    )
}

/// The fingerprint of a page's render input (its whole template context) without
/// making the context: with the same templates, a page whose fingerprint is unchanged
/// renders to the same bytes. `None` for a page without a template ([`Page::Json`],
/// [`Page::NoJekyll`]) or a value that could not be fingerprinted: render it.
pub fn page_fingerprint(site: &Site, views: &Views<'_>, page: &Page) -> Option<u128> {
    if matches!(page, Page::Json | Page::NoJekyll) {
        return None;
    }
    fill_context(site, views, page, PageContext::new(page, false, true)).fingerprint()
}

fn fill_context(
    site: &Site,
    views: &Views<'_>,
    page: &Page,
    mut context: PageContext,
) -> PageContext {
    context.insert("site", &views.site_view);
    context.insert("page_kind", page.kind());
    context.insert("page_url", &page.url(site));
    match page {
        Page::List(list, index) => list_context(&mut context, site, views, *list, *index),
        Page::Postmortem(id) => {
            context.insert("pm", &views.postmortem(id.index()));
        }
        Page::RootCauses | Page::Services => insert_terms(&mut context, site, views),
        Page::Insights => {
            context.insert("insights", &insights::InsightsView::new(site, views));
        }
        Page::Timeline => {
            let years: Vec<TimelineYearView> = site
                .timeline
                .years
                .iter()
                .enumerate()
                .map(|(y, year)| timeline_year(site, y, year))
                .collect();
            context.insert("years", &years);
            context.insert("legend", &timeline_legend(site, views));
        }
        Page::Atom => {
            let entries: Vec<FeedEntry<'_>> = site
                .postmortems
                .iter()
                .enumerate()
                .map(|(i, p)| (p, views.summary(crate::site::PostmortemId(i as u32))))
                .filter(|(p, _)| p.status != crate::content::postmortem::Status::Draft)
                .take(50)
                .map(|(p, summary)| FeedEntry {
                    absolute_url: absolute(site, &summary.url),
                    updated: p.sort_instant().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    summary_text: summary.impact_summary.clone(),
                    summary,
                })
                .collect();
            let updated = entries
                .first()
                .map(|e| e.updated.clone())
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
            context.insert("entries", &entries);
            context.insert("updated", &updated);
        }
        Page::Sitemap => {
            let urls: Vec<SitemapUrl> = Page::all(site)
                .iter()
                .filter(|p| p.is_html() && !matches!(p, Page::NotFound))
                .map(|p| SitemapUrl {
                    loc: absolute(site, &p.url(site)),
                })
                .collect();
            context.insert("urls", &urls);
        }
        Page::NotFound | Page::Search | Page::NoJekyll | Page::Json => {}
    }
    context
}

/// The context of page `index` of `list`: its entries, its `paginator`, and the figures
/// of the whole list.
fn list_context(
    context: &mut PageContext,
    site: &Site,
    views: &Views<'_>,
    list: List,
    index: usize,
) {
    let pagination = |total: usize| paginate::Pagination::new(site, index, total);
    let paginator = match list {
        List::Home => {
            let pagination = pagination(site.postmortems.len());
            let ids = |range: std::ops::Range<usize>| -> Vec<SummaryRef<'_>> {
                range
                    .map(|i| views.summary_ref(crate::site::PostmortemId(i as u32)))
                    .collect()
            };
            if index == 0 {
                insert_home_figures(context, site, views);
                context.insert(
                    "recent",
                    &ids(0..site.postmortems.len().min(page::HOME_RECENT)),
                );
            }
            context.insert("postmortems", &ids(pagination.range()));
            pagination
        }
        List::RootCause(i) | List::RootCauseSeverity(i, _) => insert_term_list(
            context,
            site,
            views,
            (&site.root_causes.terms[i], crate::urls::ROOT_CAUSES),
            (List::RootCause(i), list),
            index,
            |s| List::RootCauseSeverity(i, s),
        ),
        List::Service(i) | List::ServiceSeverity(i, _) => insert_term_list(
            context,
            site,
            views,
            (&site.services.terms[i], crate::urls::SERVICES),
            (List::Service(i), list),
            index,
            |s| List::ServiceSeverity(i, s),
        ),
        List::Severity(s) => {
            let ids: &[crate::site::PostmortemId] =
                site.severities.get(s).map_or(&[], |(_, ids)| ids);
            let shared = views.lists.browse.get(list, || {
                let by_year = browse::by_year(site, ids);
                browse::BrowseList {
                    filters: browse::severity_filters(site, s, &by_year),
                    by_year,
                }
            });
            let by_year = &shared.by_year;
            let pagination = pagination(by_year.ids.len());
            context.insert(
                "severity",
                &SeverityView {
                    name: site
                        .severities
                        .get(s)
                        .map(|(n, _)| n.clone())
                        .unwrap_or_default(),
                    rank: s + 1,
                    count: ids.len(),
                    url: list.url(site),
                },
            );
            context.insert("filters", &shared.filters);
            context.insert(
                "postmortems",
                &views.summary_refs(pagination.slice(&by_year.ids)),
            );
            context.insert("by_year", &by_year.groups(views, pagination.range()));
            pagination
        }
        List::Year(y) => {
            let (year, ids): (i16, &[crate::site::PostmortemId]) = site
                .years
                .get(y)
                .map_or((0, &[]), |(year, ids)| (*year, ids));
            let pagination = pagination(ids.len());
            context.insert(
                "year",
                &YearCount {
                    year,
                    count: ids.len(),
                    url: list.url(site),
                    timeline_url: site
                        .timeline
                        .years
                        .iter()
                        .position(|t| t.year == year)
                        .map(|t| List::TimelineYear(t).url(site))
                        .unwrap_or_default(),
                },
            );
            // The severities' counts in this year and where it begins on their pages.
            let shared = views.lists.browse.get(list, || browse::BrowseList {
                by_year: browse::by_year(site, ids),
                filters: browse::year_filters(site, y),
            });
            context.insert("filters", &shared.filters);
            context.insert(
                "postmortems",
                &views.summary_refs(pagination.slice(&shared.by_year.ids)),
            );
            pagination
        }
        List::ActionItems => {
            let view = action_items::ActionItemsView::new(site, views, index);
            let pagination = view.pagination;
            context.insert("action_items", &view);
            pagination
        }
        List::Owner(i) => {
            let view = action_items::OwnerView::new(site, views, i, index);
            let pagination = view.pagination;
            context.insert("owner", &view);
            pagination
        }
        List::TimelineYear(y) => {
            let Some(year) = site.timeline.years.get(y) else {
                return;
            };
            let pagination = pagination(year.months.iter().map(|m| m.postmortems.len()).sum());
            let range = pagination.range();
            let mut start = 0;
            let mut months = Vec::new();
            for month in &year.months {
                let run = start..start + month.postmortems.len();
                start = run.end;
                if run.start < range.end && range.start < run.end {
                    let shown =
                        run.start.max(range.start) - run.start..run.end.min(range.end) - run.start;
                    months.push(MonthView {
                        key: month_key(year.year, month.month),
                        name: month_name(month.month),
                        count: month.postmortems.len(),
                        continued: run.start < range.start,
                        postmortems: views.summary_refs(&month.postmortems[shown]),
                    });
                }
            }
            context.insert("year", &timeline_year(site, y, year));
            context.insert("months", &months);
            context.insert("legend", &timeline_legend(site, views));
            pagination
        }
    };
    context.insert(
        "paginator",
        &paginate::Paginator::new(site, list, paginator),
    );
}

/// The figures and browse links of the home page's first page.
fn insert_home_figures(context: &mut PageContext, site: &Site, views: &Views<'_>) {
    context.insert(
        "counts",
        &Counts {
            postmortems: site.postmortems.len(),
            root_causes: site
                .root_causes
                .terms
                .iter()
                .filter(|t| !t.postmortems.is_empty())
                .count(),
            services: site
                .services
                .terms
                .iter()
                .filter(|t| !t.postmortems.is_empty())
                .count(),
            action_items_open: site
                .postmortems
                .iter()
                .flat_map(|p| &p.action_items)
                .filter(|a| a.status.is_open())
                .count(),
        },
    );
    context.insert("headline", &views.headline());
    insert_terms(context, site, views);
    let severities: Vec<NameCount> = site
        .severities
        .iter()
        .enumerate()
        .map(|(i, (name, ids))| NameCount {
            name: name.clone(),
            count: ids.len(),
            url: List::Severity(i).url(site),
        })
        .collect();
    context.insert("severities", &severities);
    let years: Vec<YearCount> = site
        .years
        .iter()
        .enumerate()
        .map(|(i, (year, ids))| YearCount {
            year: *year,
            count: ids.len(),
            url: List::Year(i).url(site),
            timeline_url: site
                .timeline
                .years
                .iter()
                .position(|t| t.year == *year)
                .map(|t| List::TimelineYear(t).url(site))
                .unwrap_or_default(),
        })
        .collect();
    context.insert("years", &years);
}

/// A year of the global timeline with its months, their counts and where each begins.
fn timeline_year(site: &Site, index: usize, year: &crate::site::YearGroup) -> TimelineYearView {
    let list = List::TimelineYear(index);
    let count = year.months.iter().map(|m| m.postmortems.len()).sum();
    let pagination = paginate::Pagination::new(site, 0, count);
    let mut start = 0;
    let months = year
        .months
        .iter()
        .map(|month| {
            let key = month_key(year.year, month.month);
            let page = Page::List(list, pagination.page_of(start));
            start += month.postmortems.len();
            MonthLink {
                url: format!("{}#m{key}", page.url(site)),
                key,
                name: month_name(month.month),
                count: month.postmortems.len(),
            }
        })
        .collect();
    TimelineYearView {
        year: year.year,
        count,
        url: list.url(site),
        months,
    }
}

/// The root causes in use, for the timeline's colours.
fn timeline_legend(site: &Site, views: &Views<'_>) -> Vec<view::TermRef> {
    site.root_causes
        .terms
        .iter()
        .filter(|t| !t.postmortems.is_empty())
        .map(|t| views.root_cause_ref(&t.key))
        .collect()
}

fn month_key(year: i16, month: i8) -> String {
    format!("{year}-{month:02}")
}

fn month_name(month: i8) -> &'static str {
    MONTHS[(month as usize).clamp(1, 12) - 1]
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn absolute(site: &Site, root_relative: &str) -> String {
    let base = &site.config.base_url;
    let path = root_relative
        .strip_prefix(&base.path)
        .unwrap_or(root_relative.trim_start_matches('/'));
    format!("{}{path}", base.absolute)
}

/// The list of a root-cause or service page, whole or for one severity, grouped by year,
/// with its filter links and the term's figures: `(term, folder)` is the root cause or
/// service and the folder of its kind, `(whole, list)` its whole list and the list shown,
/// `list_of(s)` its list for severity `s`. Returns the page's place in the list shown.
fn insert_term_list<K: std::fmt::Display>(
    context: &mut PageContext,
    site: &Site,
    views: &Views<'_>,
    (term, folder): (&crate::site::Term<K>, &str),
    (whole, list): (List, List),
    index: usize,
    list_of: impl Fn(usize) -> List,
) -> paginate::Pagination {
    let members = &term.postmortems;
    let severity = match list {
        List::RootCauseSeverity(_, s) | List::ServiceSeverity(_, s) => Some(s),
        _ => None,
    };
    context.insert("term", &views.term_stats(term, folder));
    let shared = views.lists.browse.get(list, || {
        let by_year = match severity {
            Some(s) => browse::by_year(site, &browse::with_severity(site, members, s)),
            None => browse::by_year(site, members),
        };
        browse::BrowseList {
            filters: browse::term_filters(site, whole, members, severity, &by_year, list_of),
            by_year,
        }
    });
    let pagination = paginate::Pagination::new(site, index, shared.by_year.ids.len());
    context.insert(
        "severity",
        &severity.and_then(|s| site.severities.get(s).map(|(name, _)| name)),
    );
    context.insert("filters", &shared.filters);
    context.insert(
        "postmortems",
        &views.summary_refs(pagination.slice(&shared.by_year.ids)),
    );
    context.insert("by_year", &shared.by_year.groups(views, pagination.range()));
    pagination
}

fn insert_terms(context: &mut PageContext, site: &Site, views: &Views<'_>) {
    let root_causes: Vec<view::TermStats> = site
        .root_causes
        .terms
        .iter()
        .map(|t| views.term_stats(t, crate::urls::ROOT_CAUSES))
        .collect();
    let services: Vec<view::TermStats> = site
        .services
        .terms
        .iter()
        .map(|t| views.term_stats(t, crate::urls::SERVICES))
        .collect();
    context.insert("root_causes", &root_causes);
    context.insert("services", &services);
    context.insert(
        "terms",
        &if context.kind == "services" {
            services
        } else {
            root_causes
        },
    );
}

#[derive(Serialize)]
struct Counts {
    postmortems: usize,
    root_causes: usize,
    services: usize,
    action_items_open: usize,
}

#[derive(Serialize)]
struct NameCount {
    name: String,
    count: usize,
    url: String,
}

#[derive(Serialize)]
struct YearCount {
    year: i16,
    count: usize,
    url: String,
    /// The year on the global timeline.
    timeline_url: String,
}

#[derive(Serialize)]
struct SeverityView {
    name: String,
    rank: usize,
    count: usize,
    url: String,
}

/// A year of the global timeline, for its index.
#[derive(Serialize)]
struct TimelineYearView {
    year: i16,
    count: usize,
    url: String,
    months: Vec<MonthLink>,
}

/// A month of the timeline's index: where it begins on its year's pages.
#[derive(Serialize)]
struct MonthLink {
    key: String,
    name: &'static str,
    count: usize,
    url: String,
}

/// A month on a page of a year of the timeline.
#[derive(Serialize)]
struct MonthView<'a> {
    key: String,
    name: &'static str,
    /// The whole month's count.
    count: usize,
    /// True when the month began on an earlier page.
    continued: bool,
    postmortems: Vec<SummaryRef<'a>>,
}

#[derive(Serialize)]
struct FeedEntry<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    absolute_url: String,
    updated: String,
    summary_text: String,
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
}

/// `postmortems.json`: every postmortem's front matter and derived values.
pub fn export_json(site: &Site, views: &Views<'_>) -> Vec<u8> {
    #[derive(Serialize)]
    struct Export<'a> {
        title: &'a str,
        base_url: &'a str,
        postmortems: Vec<ExportPostmortem<'a>>,
    }
    #[derive(Serialize)]
    struct ExportPostmortem<'a> {
        slug: &'a str,
        url: String,
        source: String,
        title: &'a str,
        date: Option<String>,
        status: &'static str,
        severity: &'a str,
        services: &'a [crate::keys::ServiceKey],
        root_causes: &'a [crate::keys::RootCauseKey],
        contributing_factors: &'a [String],
        trigger: Option<&'a str>,
        detection: Option<&'static str>,
        tags: &'a [String],
        impact: ExportImpact<'a>,
        authors: &'a [String],
        started: Option<String>,
        detected: Option<String>,
        acknowledged: Option<String>,
        mitigated: Option<String>,
        resolved: Option<String>,
        metrics_seconds: ExportMetrics,
        timeline: Vec<ExportEvent<'a>>,
        action_items: Vec<view::ActionItemView>,
        extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
    }
    #[derive(Serialize)]
    struct ExportImpact<'a> {
        summary: Option<&'a str>,
        users_affected_pct: Option<f64>,
    }
    #[derive(Serialize)]
    struct ExportMetrics {
        time_to_detect: Option<i64>,
        time_to_acknowledge: Option<i64>,
        time_to_mitigate: Option<i64>,
        time_to_resolve: Option<i64>,
    }
    #[derive(Serialize)]
    struct ExportEvent<'a> {
        at: String,
        kind: Option<&'static str>,
        event: &'a str,
    }
    let rfc = |t: Option<jiff::Timestamp>| t.map(|t| t.to_string());
    let postmortems = site
        .postmortems
        .iter()
        .enumerate()
        .map(|(i, p)| (p, views.summary(crate::site::PostmortemId(i as u32))))
        .map(|(p, summary)| {
            let metrics = p.milestones.metrics();
            ExportPostmortem {
                slug: p.slug.as_str(),
                url: absolute(site, &summary.url),
                source: p.source.to_string_lossy().replace('\\', "/"),
                title: &p.title,
                date: p.date.map(|d| d.to_string()),
                status: p.status.as_str(),
                severity: &p.severity,
                services: &p.services,
                root_causes: &p.root_causes,
                contributing_factors: &p.contributing_factors,
                trigger: p.trigger.as_deref(),
                detection: p.detection.map(|d| d.as_str()),
                tags: &p.tags,
                impact: ExportImpact {
                    summary: p.impact.summary.as_deref(),
                    users_affected_pct: p.impact.users_affected_pct,
                },
                authors: &p.authors,
                started: rfc(p.milestones.started),
                detected: rfc(p.milestones.detected),
                acknowledged: rfc(p.milestones.acknowledged),
                mitigated: rfc(p.milestones.mitigated),
                resolved: rfc(p.milestones.resolved),
                metrics_seconds: ExportMetrics {
                    time_to_detect: metrics.ttd.map(|d| d.as_secs()),
                    time_to_acknowledge: metrics.tta.map(|d| d.as_secs()),
                    time_to_mitigate: metrics.ttm.map(|d| d.as_secs()),
                    time_to_resolve: metrics.ttr.map(|d| d.as_secs()),
                },
                timeline: p
                    .timeline
                    .iter()
                    .map(|e| ExportEvent {
                        // A day alone is exported as the day, not as its midnight.
                        at: e
                            .day
                            .map_or_else(|| e.at.to_string(), |day| day.to_string()),
                        kind: e.kind.map(|k| k.as_str()),
                        event: &e.text,
                    })
                    .collect(),
                action_items: views.postmortem_action_items(p),
                extra: &p.extra,
            }
        })
        .collect();
    let export = Export {
        title: &site.config.title,
        base_url: &site.config.base_url.absolute,
        postmortems,
    };
    // Compact, not pretty-printed: for tools to read, and its indentation was a third of
    // its size (a kilobyte per postmortem of the output).
    let mut bytes = serde_json::to_vec(&export).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
