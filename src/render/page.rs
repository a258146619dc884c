//! Every page of a site as a value: its URL, output path and template.

use super::browse::{severity_counts, severity_slugs};
use crate::site::{PostmortemId, Site};

/// One page (or generated file) of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Page {
    /// `/`.
    Home,
    /// `/postmortems/<slug>/`.
    Postmortem(PostmortemId),
    /// `/root-causes/`.
    RootCauses,
    /// `/root-causes/<key>/`, by index into the taxonomy.
    RootCause(usize),
    /// `/services/`.
    Services,
    /// `/services/<key>/`, by index into the taxonomy.
    Service(usize),
    /// `/root-causes/<key>/<severity>/`: a root cause's postmortems of one severity
    /// (taxonomy index, severity index); only combinations with postmortems exist.
    RootCauseSeverity(usize, usize),
    /// `/services/<key>/<severity>/`, the same for a service.
    ServiceSeverity(usize, usize),
    /// `/severities/<severity>/`, by index into the configured severities.
    Severity(usize),
    /// `/years/<year>/`, by index into `Site::years`.
    Year(usize),
    /// `/insights/`.
    Insights,
    /// `/action-items/`.
    ActionItems,
    /// `/action-items/<owner>/`: one owner's items, by postmortem, by index into
    /// `Site::owners`.
    Owner(usize),
    /// `/timeline/`.
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

impl Page {
    /// Every page of `site`, in a stable order.
    pub fn all(site: &Site) -> Vec<Page> {
        let mut pages = vec![Page::Home];
        pages.extend(site.ids().map(Page::Postmortem));
        pages.push(Page::RootCauses);
        for (i, term) in site.root_causes.terms.iter().enumerate() {
            pages.push(Page::RootCause(i));
            pages.extend(
                present_severities(site, &term.postmortems).map(|s| Page::RootCauseSeverity(i, s)),
            );
        }
        pages.push(Page::Services);
        for (i, term) in site.services.terms.iter().enumerate() {
            pages.push(Page::Service(i));
            pages.extend(
                present_severities(site, &term.postmortems).map(|s| Page::ServiceSeverity(i, s)),
            );
        }
        pages.extend((0..site.severities.len()).map(Page::Severity));
        pages.extend((0..site.years.len()).map(Page::Year));
        pages.extend([Page::Insights, Page::ActionItems]);
        pages.extend((0..site.owners.len()).map(Page::Owner));
        pages.extend([
            Page::Timeline,
            Page::Search,
            Page::NotFound,
            Page::Atom,
            Page::Sitemap,
            Page::Json,
            Page::NoJekyll,
        ]);
        pages
    }

    /// The pages whose content depends on postmortem `id`: its own page, its root causes
    /// and services (and their page for its severity), its severity and year pages, the
    /// postmortems that list it as related, the action items when it has some, and every
    /// page that lists or counts all postmortems.
    ///
    /// Related lists of *other* postmortems may also change when `id` changes (it can
    /// enter or leave them); `pipeline::Session` compares the lists before and after an
    /// edit for that, since it needs both sites.
    pub fn affected_by(site: &Site, id: PostmortemId) -> Vec<Page> {
        let postmortem = site.postmortem(id);
        let mut pages = vec![
            Page::Home,
            Page::Postmortem(id),
            Page::RootCauses,
            Page::Services,
            Page::Timeline,
            Page::Insights,
            Page::Atom,
            Page::Sitemap,
            Page::Json,
        ];
        if !postmortem.action_items.is_empty() {
            pages.push(Page::ActionItems);
            for (i, owner) in site.owners.iter().enumerate() {
                if owner.items.iter().any(|item| item.postmortem == id) {
                    pages.push(Page::Owner(i));
                }
            }
        }
        let severity = postmortem.severity_rank.checked_sub(1);
        if let Some(s) = severity.filter(|s| *s < site.severities.len()) {
            pages.push(Page::Severity(s));
        }
        if let Some(y) = site
            .years
            .iter()
            .position(|(year, _)| Some(*year) == postmortem.year())
        {
            pages.push(Page::Year(y));
        }
        for (i, term) in site.root_causes.terms.iter().enumerate() {
            if postmortem.root_causes.contains(&term.key) {
                pages.push(Page::RootCause(i));
                pages.extend(severity.map(|s| Page::RootCauseSeverity(i, s)));
            }
        }
        for (i, term) in site.services.terms.iter().enumerate() {
            if postmortem.services.contains(&term.key) {
                pages.push(Page::Service(i));
                pages.extend(severity.map(|s| Page::ServiceSeverity(i, s)));
            }
        }
        pages.extend(site.related_to(id).into_iter().map(Page::Postmortem));
        pages
    }

    /// Root-relative URL, with the site's base path.
    pub fn url(&self, site: &Site) -> String {
        let base = &site.config.base_url.path;
        let path = self.output_path(site);
        let path = path.strip_suffix("index.html").unwrap_or(&path);
        format!("{base}{path}")
    }

    /// Path of the file in the output folder.
    pub fn output_path(&self, site: &Site) -> String {
        match self {
            Page::Home => "index.html".to_string(),
            Page::Postmortem(id) => format!("postmortems/{}/index.html", site.postmortem(*id).slug),
            Page::RootCauses => "root-causes/index.html".to_string(),
            Page::RootCause(i) => {
                format!("root-causes/{}/index.html", site.root_causes.terms[*i].key)
            }
            Page::Services => "services/index.html".to_string(),
            Page::Service(i) => format!("services/{}/index.html", site.services.terms[*i].key),
            Page::RootCauseSeverity(i, s) => format!(
                "root-causes/{}/{}/index.html",
                site.root_causes.terms[*i].key,
                severity_slug(site, *s)
            ),
            Page::ServiceSeverity(i, s) => format!(
                "services/{}/{}/index.html",
                site.services.terms[*i].key,
                severity_slug(site, *s)
            ),
            Page::Severity(s) => format!("severities/{}/index.html", severity_slug(site, *s)),
            Page::Year(y) => format!(
                "years/{}/index.html",
                site.years
                    .get(*y)
                    .map(|(year, _)| *year)
                    .unwrap_or_default()
            ),
            Page::Insights => "insights/index.html".to_string(),
            Page::ActionItems => "action-items/index.html".to_string(),
            Page::Owner(i) => format!(
                "action-items/{}/index.html",
                site.owners.get(*i).map_or("unknown", |o| o.slug.as_str())
            ),
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
            Page::Home => "index.html",
            Page::Postmortem(_) => "postmortem.html",
            Page::RootCauses => "root_causes.html",
            Page::RootCause(_) | Page::RootCauseSeverity(..) => "root_cause.html",
            Page::Services => "services.html",
            Page::Service(_) | Page::ServiceSeverity(..) => "service.html",
            Page::Severity(_) => "severity.html",
            Page::Year(_) => "year.html",
            Page::Insights => "insights.html",
            Page::ActionItems => "action_items.html",
            Page::Owner(_) => "action_owner.html",
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
            Page::Home => "home",
            Page::Postmortem(_) => "postmortem",
            Page::RootCauses => "root_causes",
            Page::RootCause(_) | Page::RootCauseSeverity(..) => "root_cause",
            Page::Services => "services",
            Page::Service(_) | Page::ServiceSeverity(..) => "service",
            Page::Severity(_) => "severity",
            Page::Year(_) => "year",
            Page::Insights => "insights",
            Page::ActionItems => "action_items",
            Page::Owner(_) => "action_owner",
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
    severity_slugs(site)
        .into_iter()
        .nth(index)
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
