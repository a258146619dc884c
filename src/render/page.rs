//! Every page of a site as a value: its URL, output path and template.
//!
//! A list (home's postmortems, a root cause's, a severity's, the open action items, one
//! year of the timeline...) is split into pages of `paginate_by` entries: page 1 at the
//! list's own URL, the others under it at `page/2/`, `page/3/`... No list page grows with
//! the library, only their number.

use super::browse::severity_counts;
use crate::site::{ActionItemRef, Owner, PostmortemId, Site};
use crate::urls;

/// A list of the site that is split into pages of `paginate_by` entries (see
/// [`Page::List`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum List {
    /// `/`: every postmortem, most recent first.
    Home,
    /// `/root-causes/<key>/`, by index into the taxonomy.
    RootCause(usize),
    /// `/root-causes/<key>/<severity>/`: a root cause's postmortems of one severity
    /// (taxonomy index, severity index); only combinations with postmortems exist.
    RootCauseSeverity(usize, usize),
    /// `/services/<key>/`, by index into the taxonomy.
    Service(usize),
    /// `/services/<key>/<severity>/`, the same for a service.
    ServiceSeverity(usize, usize),
    /// `/severities/<severity>/`, by index into the configured severities.
    Severity(usize),
    /// `/years/<year>/`, by index into `Site::years`.
    Year(usize),
    /// `/action-items/`: the open action items.
    ActionItems,
    /// `/action-items/<owner>/`: one owner's items, by postmortem (the entries of its
    /// pages are the postmortems), by index into `Site::owners`.
    Owner(usize),
    /// `/timeline/<year>/`: one year of the global timeline, by month, by index into
    /// `Site::timeline.years`.
    TimelineYear(usize),
}

/// How many of the most recent postmortems home's first page shows besides its entries.
pub const HOME_RECENT: usize = 10;

/// The open action items, which come first in `Site::action_items`: the entries of
/// `/action-items/`.
fn open_action_items(site: &Site) -> impl Iterator<Item = &ActionItemRef> {
    site.action_items
        .iter()
        .take_while(|item| site.action_item(**item).status.is_open())
}

/// An owner's postmortems in the order of their first item: the entries of its pages.
fn owner_postmortems(owner: &Owner) -> impl Iterator<Item = PostmortemId> + '_ {
    let mut seen = std::collections::HashSet::new();
    owner
        .items
        .iter()
        .map(|item| item.postmortem)
        .filter(move |p| seen.insert(*p))
}

/// The pages of which a site has one, whatever its size, that show postmortems or
/// figures of them (insights' recurring causes, the feed's most recent, the counts of the
/// root causes', services' and timeline's indexes): cheap to compare, so the dev server
/// compares them with an edit's list pages rather than work out which show the edit.
pub const SINGLE_PAGES_SHOWING_POSTMORTEMS: [Page; 5] = [
    Page::RootCauses,
    Page::Services,
    Page::Insights,
    Page::Timeline,
    Page::Atom,
];

/// The list pages that show `id`: home's, those of its root causes and services with their
/// per-severity lists, its severity's and its year's, the open action items', its
/// owners' and its timeline year's, each page found from the entry order the page is
/// rendered from ([`super::browse::by_year`], `Site::action_items`, an owner's items, the
/// timeline's months; and home's first page, which shows the ten most recent). The dev
/// server renders these first after an edit; every other page is still compared.
pub fn postmortem_list_pages(site: &Site, id: PostmortemId) -> Vec<Page> {
    use super::browse::{by_year, with_severity};
    let per_page = site.config.paginate_by.max(1);
    let page_of = |list: List, entries: &[PostmortemId]| {
        entries
            .iter()
            .position(|e| *e == id)
            .map(|at| Page::List(list, at / per_page))
    };
    let Some(severity) = site.postmortem(id).severity_rank.checked_sub(1) else {
        return Vec::new();
    };
    let mut pages = vec![Page::List(List::Home, id.index() / per_page)];
    // Home's first page also shows the most recent.
    if id.index() < HOME_RECENT {
        pages.push(Page::List(List::Home, 0));
    }
    let terms = |members: &[PostmortemId], whole: List, of_severity: List| {
        if !members.contains(&id) {
            return Vec::new();
        }
        let by_severity = with_severity(site, members, severity);
        [
            page_of(whole, &by_year(site, members).ids),
            page_of(of_severity, &by_year(site, &by_severity).ids),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    for (i, term) in site.root_causes.terms.iter().enumerate() {
        pages.extend(terms(
            &term.postmortems,
            List::RootCause(i),
            List::RootCauseSeverity(i, severity),
        ));
    }
    for (i, term) in site.services.terms.iter().enumerate() {
        pages.extend(terms(
            &term.postmortems,
            List::Service(i),
            List::ServiceSeverity(i, severity),
        ));
    }
    if let Some((_, ids)) = site.severities.get(severity) {
        pages.extend(page_of(List::Severity(severity), &by_year(site, ids).ids));
    }
    for (y, (_, ids)) in site.years.iter().enumerate() {
        if ids.contains(&id) {
            pages.extend(page_of(List::Year(y), &by_year(site, ids).ids));
        }
    }
    for (at, item) in open_action_items(site).enumerate() {
        if item.postmortem == id {
            pages.push(Page::List(List::ActionItems, at / per_page));
        }
    }
    for (i, owner) in site.owners.iter().enumerate() {
        if let Some(at) = owner_postmortems(owner).position(|p| p == id) {
            pages.push(Page::List(List::Owner(i), at / per_page));
        }
    }
    for (y, year) in site.timeline.years.iter().enumerate() {
        let mut entries = year.months.iter().flat_map(|m| &m.postmortems);
        if let Some(at) = entries.position(|e| *e == id) {
            pages.push(Page::List(List::TimelineYear(y), at / per_page));
        }
    }
    pages
}

/// One page (or generated file) of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Page {
    /// Page `n` of a list, counted from 0: the first at the list's own URL
    /// (`/root-causes/network/`), the others under it at `page/<n + 1>/`
    /// (`/root-causes/network/page/2/`), as Zola and Hugo do.
    List(List, usize),
    /// `/postmortems/<slug>/`.
    Postmortem(PostmortemId),
    /// `/root-causes/`.
    RootCauses,
    /// `/services/`.
    Services,
    /// `/insights/`.
    Insights,
    /// `/timeline/`: the years, with their months and counts.
    Timeline,
    /// `/search/`: the search form and results (Pagefind, in the reader's browser).
    Search,
    /// `/404.html`.
    NotFound,
    /// `/atom.xml`.
    Atom,
    /// `/sitemap.xml`.
    Sitemap,
    /// `/postmortems.json`.
    Json,
    /// `/.nojekyll`, so GitHub Pages serves the files as they are.
    NoJekyll,
}

impl List {
    /// The list's first page, at its own URL.
    pub fn first(self) -> Page {
        Page::List(self, 0)
    }

    /// The URL of its first page.
    pub fn url(self, site: &Site) -> String {
        self.first().url(site)
    }

    /// How many entries it has: postmortems, open action items (`ActionItems`) or
    /// postmortems with items of the owner (`Owner`).
    pub fn len(self, site: &Site) -> usize {
        match self {
            List::Home => site.postmortems.len(),
            List::RootCause(i) => site.root_causes.terms[i].postmortems.len(),
            List::Service(i) => site.services.terms[i].postmortems.len(),
            List::RootCauseSeverity(i, s) => {
                severity_counts(site, &site.root_causes.terms[i].postmortems)
                    .get(s)
                    .copied()
                    .unwrap_or(0)
            }
            List::ServiceSeverity(i, s) => {
                severity_counts(site, &site.services.terms[i].postmortems)
                    .get(s)
                    .copied()
                    .unwrap_or(0)
            }
            List::Severity(s) => site.severities.get(s).map_or(0, |(_, ids)| ids.len()),
            List::Year(y) => site.years.get(y).map_or(0, |(_, ids)| ids.len()),
            List::ActionItems => open_action_items(site).count(),
            List::Owner(i) => site
                .owners
                .get(i)
                .map_or(0, |owner| owner_postmortems(owner).count()),
            List::TimelineYear(y) => site.timeline.years.get(y).map_or(0, |year| {
                year.months.iter().map(|m| m.postmortems.len()).sum()
            }),
        }
    }

    /// How many pages it takes: one even when it is empty (an empty list still has its
    /// page, saying so).
    pub fn page_count(self, site: &Site) -> usize {
        self.len(site).div_ceil(site.config.paginate_by).max(1)
    }

    /// Every page of it.
    pub fn pages(self, site: &Site) -> impl Iterator<Item = Page> + use<> {
        (0..self.page_count(site)).map(move |n| Page::List(self, n))
    }

    /// The folder of its first page in the output, ending with `/` (empty for home).
    fn folder(self, site: &Site) -> String {
        match self {
            List::Home => String::new(),
            List::RootCause(i) => urls::term(urls::ROOT_CAUSES, &site.root_causes.terms[i].key),
            List::Service(i) => urls::term(urls::SERVICES, &site.services.terms[i].key),
            List::RootCauseSeverity(i, s) => format!(
                "{}{}/",
                List::RootCause(i).folder(site),
                severity_slug(site, s)
            ),
            List::ServiceSeverity(i, s) => {
                format!(
                    "{}{}/",
                    List::Service(i).folder(site),
                    severity_slug(site, s)
                )
            }
            List::Severity(s) => format!("severities/{}/", severity_slug(site, s)),
            List::Year(y) => format!(
                "years/{}/",
                site.years.get(y).map(|(year, _)| *year).unwrap_or_default()
            ),
            List::ActionItems => "action-items/".to_string(),
            List::Owner(i) => format!(
                "action-items/{}/",
                site.owners.get(i).map_or("unknown", |o| o.slug.as_str())
            ),
            List::TimelineYear(y) => format!(
                "timeline/{}/",
                site.timeline
                    .years
                    .get(y)
                    .map(|year| year.year)
                    .unwrap_or_default()
            ),
        }
    }

    fn template(self) -> &'static str {
        match self {
            List::Home => "index.html",
            List::RootCause(_) | List::RootCauseSeverity(..) => "root_cause.html",
            List::Service(_) | List::ServiceSeverity(..) => "service.html",
            List::Severity(_) => "severity.html",
            List::Year(_) => "year.html",
            List::ActionItems => "action_items.html",
            List::Owner(_) => "action_owner.html",
            List::TimelineYear(_) => "timeline_year.html",
        }
    }

    fn kind(self) -> &'static str {
        match self {
            List::Home => "home",
            List::RootCause(_) | List::RootCauseSeverity(..) => "root_cause",
            List::Service(_) | List::ServiceSeverity(..) => "service",
            List::Severity(_) => "severity",
            List::Year(_) => "year",
            List::ActionItems => "action_items",
            List::Owner(_) => "action_owner",
            List::TimelineYear(_) => "timeline_year",
        }
    }
}

impl Page {
    /// Every page of `site`, in a stable order.
    pub fn all(site: &Site) -> Vec<Page> {
        let pages_of = |lists: Vec<List>| lists.into_iter().flat_map(|list| list.pages(site));
        let mut pages: Vec<Page> = List::Home.pages(site).collect();
        pages.extend(site.ids().map(Page::Postmortem));
        pages.push(Page::RootCauses);
        let mut lists = Vec::new();
        for (i, term) in site.root_causes.terms.iter().enumerate() {
            lists.push(List::RootCause(i));
            lists.extend(
                present_severities(site, &term.postmortems).map(|s| List::RootCauseSeverity(i, s)),
            );
        }
        pages.extend(pages_of(std::mem::take(&mut lists)));
        pages.push(Page::Services);
        for (i, term) in site.services.terms.iter().enumerate() {
            lists.push(List::Service(i));
            lists.extend(
                present_severities(site, &term.postmortems).map(|s| List::ServiceSeverity(i, s)),
            );
        }
        lists.extend((0..site.severities.len()).map(List::Severity));
        lists.extend((0..site.years.len()).map(List::Year));
        pages.extend(pages_of(std::mem::take(&mut lists)));
        pages.push(Page::Insights);
        lists.push(List::ActionItems);
        lists.extend((0..site.owners.len()).map(List::Owner));
        pages.extend(pages_of(std::mem::take(&mut lists)));
        pages.push(Page::Timeline);
        pages.extend(pages_of(
            (0..site.timeline.years.len())
                .map(List::TimelineYear)
                .collect(),
        ));
        pages.extend([
            Page::Search,
            Page::NotFound,
            Page::Atom,
            Page::Sitemap,
            Page::Json,
            Page::NoJekyll,
        ]);
        pages
    }

    /// Root-relative URL, with the site's base path.
    pub fn url(&self, site: &Site) -> String {
        urls::url(&site.config.base_url.path, &self.output_path(site))
    }

    /// Path of the file in the output folder.
    pub fn output_path(&self, site: &Site) -> String {
        match self {
            Page::List(list, 0) => format!("{}index.html", list.folder(site)),
            Page::List(list, n) => format!("{}page/{}/index.html", list.folder(site), n + 1),
            Page::Postmortem(id) => {
                format!("{}index.html", urls::postmortem(&site.postmortem(*id).slug))
            }
            Page::RootCauses => format!("{}index.html", urls::ROOT_CAUSES),
            Page::Services => format!("{}index.html", urls::SERVICES),
            Page::Insights => "insights/index.html".to_string(),
            Page::Timeline => "timeline/index.html".to_string(),
            Page::Search => "search/index.html".to_string(),
            Page::NotFound => "404.html".to_string(),
            Page::Atom => "atom.xml".to_string(),
            Page::Sitemap => "sitemap.xml".to_string(),
            Page::Json => "postmortems.json".to_string(),
            Page::NoJekyll => ".nojekyll".to_string(),
        }
    }

    /// The template that renders it.
    pub fn template(&self) -> &'static str {
        match self {
            Page::List(list, _) => list.template(),
            Page::Postmortem(_) => "postmortem.html",
            Page::RootCauses => "root_causes.html",
            Page::Services => "services.html",
            Page::Insights => "insights.html",
            Page::Timeline => "timeline.html",
            Page::Search => "search.html",
            Page::NotFound => "404.html",
            Page::Atom => "atom.xml",
            Page::Sitemap => "sitemap.xml",
            Page::Json | Page::NoJekyll => "",
        }
    }

    /// The `page_kind` templates see.
    pub fn kind(&self) -> &'static str {
        match self {
            Page::List(list, _) => list.kind(),
            Page::Postmortem(_) => "postmortem",
            Page::RootCauses => "root_causes",
            Page::Services => "services",
            Page::Insights => "insights",
            Page::Timeline => "timeline",
            Page::Search => "search",
            Page::NotFound => "not_found",
            Page::Atom => "atom",
            Page::Sitemap => "sitemap",
            Page::Json => "json",
            Page::NoJekyll => "nojekyll",
        }
    }

    /// True for HTML pages.
    pub fn is_html(&self) -> bool {
        self.template().ends_with(".html")
    }
}

/// The URL segment of severity `index` (`sev1`).
fn severity_slug(site: &Site, index: usize) -> String {
    site.severity_slugs
        .get(index)
        .cloned()
        .unwrap_or_else(|| format!("severity-{}", index + 1))
}

/// Indices of the severities that `members` include.
fn present_severities(site: &Site, members: &[PostmortemId]) -> impl Iterator<Item = usize> {
    severity_counts(site, members)
        .into_iter()
        .enumerate()
        .filter(|(_, count)| *count > 0)
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::view::Views;

    /// What a list page's context shows as entries, as JSON: its postmortems (and home's
    /// most recent), action items, owner's groups or timeline months.
    fn listed(site: &Site, views: &Views<'_>, page: Page) -> String {
        let context = crate::render::page_context(site, views, &page, false);
        let Some(context) = context.context else {
            return String::new();
        };
        ["postmortems", "recent", "action_items", "owner", "months"]
            .iter()
            .filter_map(|key| context.get(key))
            .filter_map(|value| serde_json::to_string(value).ok())
            .collect()
    }

    /// The oracle: on a site with small pages, a page is among a postmortem's list pages
    /// exactly when its rendered context lists it, for every postmortem and every page of
    /// the lists this covers.
    #[test]
    fn a_postmortems_list_pages_are_those_whose_context_lists_it() {
        let config = "title = \"T\"\nbase_url = \"https://example.org/\"\npaginate_by = 2\n[root_causes]\nconfiguration = { name = \"Configuration\" }\ndeployment = { name = \"Deployment\" }\ncapacity = { name = \"Capacity\" }\n";
        let causes = [
            "configuration",
            "deployment",
            "capacity",
            "[deployment, capacity]",
        ];
        let services = ["[mysql]", "[web, mysql]", "[]", "[queue]", "[web]"];
        let owners = ["ana", "bo", "ana", "cy"];
        let files: Vec<(String, String)> = (0..23)
            .map(|i| {
                let date = if i % 7 == 6 {
                    String::new()
                } else {
                    format!("date: {}-{:02}-{:02}\n", 2021 + i % 3, i % 12 + 1, i % 27 + 1)
                };
                (
                    format!("content/p{i}.md"),
                    format!(
                        "---\ntitle: P{i}\n{date}severity: SEV{}\nroot_cause: {}\nservices: {}\naction_items:\n  - {{ task: \"Fix {i}\", owner: {}, status: {} }}\n  - {{ task: \"Check {i}\", owner: {}, status: open }}\n---\n",
                        i % 3 + 1,
                        causes[i % causes.len()],
                        services[i % services.len()],
                        owners[i % owners.len()],
                        if i % 4 == 1 { "done" } else { "open" },
                        // Even ones give both items to one owner.
                        owners[(i + i % 2) % owners.len()],
                    ),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let site = crate::site::test_site(config, &refs);
        let views = Views::new(&site);
        let covered: Vec<Page> = Page::all(&site)
            .into_iter()
            .filter(|page| {
                matches!(
                    page,
                    Page::List(
                        List::Home
                            | List::RootCause(_)
                            | List::RootCauseSeverity(..)
                            | List::Service(_)
                            | List::ServiceSeverity(..)
                            | List::Severity(_)
                            | List::Year(_)
                            | List::ActionItems
                            | List::Owner(_)
                            | List::TimelineYear(_),
                        _
                    )
                )
            })
            .collect();
        let listed: Vec<(Page, String)> = covered
            .iter()
            .map(|page| (*page, listed(&site, &views, *page)))
            .collect();
        for kind in [
            "Home",
            "Owner",
            "ActionItems",
            "TimelineYear",
            "RootCauseSeverity",
        ] {
            assert!(
                listed
                    .iter()
                    .any(|(page, json)| format!("{page:?}").contains(kind)
                        && json.contains("/postmortems/")),
                "no {kind} page lists a postmortem"
            );
        }
        for id in site.ids() {
            let slug = site.postmortem(id).slug.to_string();
            let url = format!("/postmortems/{slug}/\"");
            let mut expected: Vec<Page> = listed
                .iter()
                .filter(|(_, json)| json.contains(&url))
                .map(|(page, _)| *page)
                .collect();
            let mut found = postmortem_list_pages(&site, id);
            expected.sort();
            found.sort();
            found.dedup();
            assert_eq!(found, expected, "{slug}");
        }
    }
}
