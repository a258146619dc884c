//! Every page of a site as a value: its URL, output path and template.

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
    /// `/timeline/`.
    Timeline,
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
        pages.extend((0..site.postmortems.len()).map(|i| Page::Postmortem(PostmortemId(i as u32))));
        pages.push(Page::RootCauses);
        pages.extend((0..site.root_causes.terms.len()).map(Page::RootCause));
        pages.push(Page::Services);
        pages.extend((0..site.services.terms.len()).map(Page::Service));
        pages.extend([
            Page::Timeline,
            Page::NotFound,
            Page::Atom,
            Page::Sitemap,
            Page::Json,
            Page::NoJekyll,
        ]);
        pages
    }

    /// The pages whose content depends on postmortem `id`: its own page, its root causes
    /// and services, and every page that lists or counts all postmortems.
    pub fn affected_by(site: &Site, id: PostmortemId) -> Vec<Page> {
        let postmortem = site.postmortem(id);
        let mut pages = vec![
            Page::Home,
            Page::Postmortem(id),
            Page::RootCauses,
            Page::Services,
            Page::Timeline,
            Page::Atom,
            Page::Sitemap,
            Page::Json,
        ];
        for (i, term) in site.root_causes.terms.iter().enumerate() {
            if postmortem.root_causes.contains(&term.key) {
                pages.push(Page::RootCause(i));
            }
        }
        for (i, term) in site.services.terms.iter().enumerate() {
            if postmortem.services.contains(&term.key) {
                pages.push(Page::Service(i));
            }
        }
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
            Page::Timeline => "timeline/index.html".to_string(),
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
            Page::RootCause(_) => "root_cause.html",
            Page::Services => "services.html",
            Page::Service(_) => "service.html",
            Page::Timeline => "timeline.html",
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
            Page::RootCause(_) => "root_cause",
            Page::Services => "services",
            Page::Service(_) => "service",
            Page::Timeline => "timeline",
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
