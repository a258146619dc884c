//! Browse filters by severity and by year, as plain links (no script).
//!
//! The design keeps the page count linear: one page per severity (`/severities/sev1/`),
//! one per year with incidents (`/years/2024/`), and, for each root cause and service,
//! one page per severity it actually has (`/root-causes/configuration/sev1/`). Years are
//! never multiplied: every list is grouped by year under `id="y2024"` headings, so "this
//! root cause in 2024" is an anchor (`/root-causes/configuration/#y2024`) and "SEV1 in
//! 2024" is `/severities/sev1/#y2024`. There is no root cause × severity × year page.
//!
//! Lists are split into pages ([`super::paginate`]); a year's anchor is then on the page
//! where its postmortems begin (`/severities/sev1/page/3/#y2022`), and a year group
//! keeps the count of the whole year.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use super::page::List;
use super::paginate::Pagination;
use super::view::{SummaryRef, Views};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// How many in the whole list (not only on this page).
    pub count: usize,
    /// True when the year's postmortems began on an earlier page.
    pub continued: bool,
    /// Those on this page, most recent first.
    pub postmortems: Vec<SummaryRef<'a>>,
}

/// What every page of a postmortem list shares (see [`super::lists`]): its postmortems
/// grouped by year and its filter links.
#[derive(Debug, Clone)]
pub struct BrowseList {
    /// The list, by year.
    pub by_year: ByYear,
    /// Its filters, the same on every page.
    pub filters: Filters,
}

/// A list grouped by year: its postmortems in list order (most recent year first, undated
/// last, each year's most recent first) and where each year's run of them is.
#[derive(Debug, Clone, Default)]
pub struct ByYear {
    /// The postmortems, in list order.
    pub ids: Vec<PostmortemId>,
    /// One run per year, in list order.
    pub runs: Vec<YearRun>,
}

/// The postmortems of one year in a [`ByYear`] list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearRun {
    /// The year; `None` for the undated.
    pub year: Option<i16>,
    /// Where its postmortems are in the list.
    pub start: usize,
    /// How many.
    pub len: usize,
}

impl YearRun {
    fn label(&self) -> String {
        self.year
            .map_or_else(|| "Undated".to_string(), |y| y.to_string())
    }

    fn id(&self) -> String {
        self.year
            .map_or_else(|| "undated".to_string(), |y| format!("y{y}"))
    }
}

impl ByYear {
    /// The year groups of the postmortems at `range` of the list (a page of it).
    pub fn groups<'a>(&self, views: &'a Views<'_>, range: Range<usize>) -> Vec<YearGroup<'a>> {
        self.runs
            .iter()
            .filter(|run| run.start < range.end && range.start < run.start + run.len)
            .map(|run| {
                let shown = run.start.max(range.start)..(run.start + run.len).min(range.end);
                YearGroup {
                    year: run.label(),
                    id: run.id(),
                    count: run.len,
                    continued: run.start < range.start,
                    postmortems: views.summary_refs(&self.ids[shown]),
                }
            })
            .collect()
    }
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

/// `ids` grouped by the year of their date, most recent year first, undated last (in
/// site order that is their order already, but for a date in another year than the
/// start in the site's zone).
pub fn by_year(site: &Site, ids: &[PostmortemId]) -> ByYear {
    let mut groups: BTreeMap<Option<i16>, Vec<PostmortemId>> = BTreeMap::new();
    for id in ids {
        groups
            .entry(site.postmortem(*id).year())
            .or_default()
            .push(*id);
    }
    let mut list = ByYear::default();
    // `None` sorts first, so after the reversal the undated come last.
    for (year, members) in groups.into_iter().rev() {
        list.runs.push(YearRun {
            year,
            start: list.ids.len(),
            len: members.len(),
        });
        list.ids.extend(members);
    }
    list
}

/// Year links that jump to each year's first postmortem: an anchor on the page of
/// `list` that shows it.
fn year_anchors(site: &Site, list: List, by_year: &ByYear) -> Vec<FilterLink> {
    let pagination = Pagination::new(site, 0, by_year.ids.len());
    by_year
        .runs
        .iter()
        .map(|run| FilterLink {
            label: run.label(),
            count: run.len,
            url: format!(
                "{}#{}",
                super::page::Page::List(list, pagination.page_of(run.start)).url(site),
                run.id()
            ),
            show_count: true,
            current: false,
            rank: 0,
        })
        .collect()
}

/// Filters of a root-cause or service page, unfiltered (`severity` is `None`) or for one
/// severity: `term` is the term's list, `list_of(s)` its list for severity `s`, and
/// `by_year` the list shown.
pub fn term_filters(
    site: &Site,
    term: List,
    members: &[PostmortemId],
    severity: Option<usize>,
    by_year: &ByYear,
    list_of: impl Fn(usize) -> List,
) -> Filters {
    let counts = severity_counts(site, members);
    let here = severity.map_or(term, &list_of);
    Filters {
        all_url: term.url(site),
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
                    list_of(i).url(site)
                } else {
                    String::new()
                },
                current: severity == Some(i),
                rank: i + 1,
            })
            .collect(),
        years: year_anchors(site, here, by_year),
    }
}

/// Filters of a severity page: the other severities, and its years as anchors.
pub fn severity_filters(site: &Site, current: usize, by_year: &ByYear) -> Filters {
    Filters {
        all_url: List::Home.url(site),
        all_current: false,
        severities: global_severities(site, Some(current), None),
        years: year_anchors(site, List::Severity(current), by_year),
    }
}

/// Filters of a year page: this year's severities (as anchors on the severity pages,
/// which are grouped by year). Other years are not listed, so a year page depends only on
/// its own postmortems (a new year would otherwise change every year page); the home page
/// and the timeline list the years. Where a year begins on a severity's pages depends on
/// the more recent postmortems of that severity too.
pub fn year_filters(site: &Site, current: usize) -> Filters {
    let year = site.years.get(current).map(|(y, _)| *y);
    Filters {
        all_url: List::Home.url(site),
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
            let list = List::Severity(i);
            FilterLink {
                label: name.clone(),
                count,
                show_count: year.is_some(),
                url: match (count, year) {
                    (_, None) => list.url(site),
                    (0, Some(_)) => String::new(),
                    (_, Some(year)) => {
                        // By year, the more recent years come first.
                        let before = ids
                            .iter()
                            .filter(|id| site.postmortem(**id).year() > Some(year))
                            .count();
                        let page = Pagination::new(site, 0, ids.len()).page_of(before);
                        format!("{}#y{year}", super::page::Page::List(list, page).url(site))
                    }
                },
                current: current == Some(i),
                rank: i + 1,
            }
        })
        .collect()
}
