//! Browse filters by severity and by year, as plain links (no script).
//!
//! The design keeps the page count linear: one page per severity (`/severities/sev1/`),
//! one per year with incidents (`/years/2024/`), and, for each root cause and service,
//! one page per severity it actually has (`/root-causes/configuration/sev1/`). Years are
//! never multiplied: every list is grouped by year under `id="y2024"` headings, so "this
//! root cause in 2024" is an anchor (`/root-causes/configuration/#y2024`) and "SEV1 in
//! 2024" is `/severities/sev1/#y2024`. There is no root cause × severity × year page.

use std::collections::BTreeMap;

use serde::Serialize;

use super::page::Page;
use super::view::{SummaryRef, Views};
use crate::keys::slugify;
use crate::site::{PostmortemId, Site};

/// The filter links of a list page.
#[derive(Debug, Clone, Serialize)]
pub struct Filters {
    /// The unfiltered list.
    pub all_url: String,
    /// True on the unfiltered list.
    pub all_current: bool,
    /// Every configured severity with its count in this list; `url` is empty when 0.
    pub severities: Vec<FilterLink>,
    /// The years of this list, most recent first.
    pub years: Vec<FilterLink>,
}

/// One filter link.
#[derive(Debug, Clone, Serialize)]
pub struct FilterLink {
    /// `SEV1`, `2024`.
    pub label: String,
    /// Postmortems it leads to.
    pub count: usize,
    /// False where the count is left out: a severity or year page does not show its
    /// siblings' counts, so that it depends only on its own postmortems (an edit then
    /// re-renders only the pages the postmortem is on).
    pub show_count: bool,
    /// Where it leads (a page or an in-page `#y2024` anchor); empty when `count` is 0.
    pub url: String,
    /// True for the filter the page shows.
    pub current: bool,
    /// Severity rank (1 = most severe), 0 for years.
    pub rank: usize,
}

/// Postmortems of one year, in a list grouped by year.
#[derive(Debug, Clone, Serialize)]
pub struct YearGroup<'a> {
    /// The year, or "Undated" for the postmortems without a date.
    pub year: String,
    /// Anchor id, `y2024` (`undated`).
    pub id: String,
    /// How many.
    pub count: usize,
    /// Most recent first.
    pub postmortems: Vec<SummaryRef<'a>>,
}

/// The URL segment of every configured severity (`SEV1` → `sev1`); a name that slugifies
/// to nothing or to another's segment gets `severity-<rank>`.
pub fn severity_slugs(site: &Site) -> Vec<String> {
    let mut slugs: Vec<String> = Vec::with_capacity(site.config.severities.len());
    for (i, name) in site.config.severities.iter().enumerate() {
        let slug = slugify(name);
        if slug.is_empty() || slugs.contains(&slug) {
            slugs.push(format!("severity-{}", i + 1));
        } else {
            slugs.push(slug);
        }
    }
    slugs
}

/// How many of `ids` have each configured severity, indexed like `site.severities`.
pub fn severity_counts(site: &Site, ids: &[PostmortemId]) -> Vec<usize> {
    let mut counts = vec![0; site.severities.len()];
    for id in ids {
        let rank = site.postmortem(*id).severity_rank;
        if let Some(count) = rank.checked_sub(1).and_then(|i| counts.get_mut(i)) {
            *count += 1;
        }
    }
    counts
}

/// `ids` with severity index `severity`.
pub fn with_severity(site: &Site, ids: &[PostmortemId], severity: usize) -> Vec<PostmortemId> {
    ids.iter()
        .copied()
        .filter(|id| site.postmortem(*id).severity_rank == severity + 1)
        .collect()
}

/// `ids` grouped by the year of their date, most recent year first, undated last.
pub fn by_year<'a>(site: &Site, views: &'a Views<'_>, ids: &[PostmortemId]) -> Vec<YearGroup<'a>> {
    let mut groups: BTreeMap<Option<i16>, Vec<SummaryRef<'a>>> = BTreeMap::new();
    for id in ids {
        groups
            .entry(site.postmortem(*id).year())
            .or_default()
            .push(views.summary_ref(*id));
    }
    // `None` sorts first, so after the reversal the undated come last.
    groups
        .into_iter()
        .rev()
        .map(|(year, postmortems)| YearGroup {
            year: year.map_or_else(|| "Undated".to_string(), |y| y.to_string()),
            id: year.map_or_else(|| "undated".to_string(), |y| format!("y{y}")),
            count: postmortems.len(),
            postmortems,
        })
        .collect()
}

/// Year links that jump within the page.
fn year_anchors(groups: &[YearGroup<'_>], page_url: &str) -> Vec<FilterLink> {
    groups
        .iter()
        .map(|g| FilterLink {
            label: g.year.clone(),
            count: g.count,
            url: format!("{page_url}#{}", g.id),
            show_count: true,
            current: false,
            rank: 0,
        })
        .collect()
}

/// Filters of a root-cause or service page, unfiltered (`severity` is `None`) or for one
/// severity. `page` makes the term × severity page of a severity index.
pub fn term_filters(
    site: &Site,
    term_page: Page,
    members: &[PostmortemId],
    severity: Option<usize>,
    groups: &[YearGroup<'_>],
    page: impl Fn(usize) -> Page,
) -> Filters {
    let counts = severity_counts(site, members);
    let here = severity.map_or_else(|| term_page.url(site), |s| page(s).url(site));
    Filters {
        all_url: term_page.url(site),
        all_current: severity.is_none(),
        severities: site
            .severities
            .iter()
            .zip(counts)
            .enumerate()
            .map(|(i, ((name, _), count))| FilterLink {
                label: name.clone(),
                count,
                show_count: true,
                url: if count > 0 {
                    page(i).url(site)
                } else {
                    String::new()
                },
                current: severity == Some(i),
                rank: i + 1,
            })
            .collect(),
        years: year_anchors(groups, &here),
    }
}

/// Filters of a severity page: the other severities, and its years as anchors.
pub fn severity_filters(site: &Site, current: usize, groups: &[YearGroup<'_>]) -> Filters {
    Filters {
        all_url: Page::Home.url(site),
        all_current: false,
        severities: global_severities(site, Some(current), None),
        years: year_anchors(groups, &Page::Severity(current).url(site)),
    }
}

/// Filters of a year page: this year's severities (as anchors on the severity pages,
/// which are grouped by year). Other years are not listed, so a year page depends only on
/// its own postmortems (a new year would otherwise change every year page); the home page
/// and the timeline list the years.
pub fn year_filters(site: &Site, current: usize) -> Filters {
    let year = site.years.get(current).map(|(y, _)| *y);
    Filters {
        all_url: Page::Home.url(site),
        all_current: false,
        severities: global_severities(site, None, year),
        years: Vec::new(),
    }
}

/// Every severity with its page, or, for a year page, with its count in that year and a
/// link to that year on its page (none when the count is 0).
pub fn global_severities(
    site: &Site,
    current: Option<usize>,
    year: Option<i16>,
) -> Vec<FilterLink> {
    site.severities
        .iter()
        .enumerate()
        .map(|(i, (name, ids))| {
            let count = match year {
                Some(year) => ids
                    .iter()
                    .filter(|id| site.postmortem(**id).year() == Some(year))
                    .count(),
                None => ids.len(),
            };
            let url = Page::Severity(i).url(site);
            FilterLink {
                label: name.clone(),
                count,
                show_count: year.is_some(),
                url: match (count, year) {
                    (_, None) => url,
                    (0, Some(_)) => String::new(),
                    (_, Some(year)) => format!("{url}#y{year}"),
                },
                current: current == Some(i),
                rank: i + 1,
            }
        })
        .collect()
}
