//! The site model: validated postmortems → everything pages need, derived once.
//!
//! [`Site::new`] sorts the postmortems, groups them into taxonomies (root causes,
//! services), severities, years and the global timeline, and computes duration
//! statistics, every action item in reading order, each postmortem's related incidents
//! ([`related`]) and the library-wide figures ([`insights`]). The model is immutable
//! afterwards and only read by rendering; pages refer to postmortems by [`PostmortemId`],
//! an index, so nothing is shared by reference count.

pub mod insights;
pub mod related;
pub mod stats;

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::config::Config;
use crate::content::Postmortem;
use crate::keys::{RootCauseKey, ServiceKey, Slug};
pub use insights::Insights;
pub use related::Related;
pub use stats::DurationStats;

/// Index into [`Site::postmortems`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PostmortemId(pub u32);

impl PostmortemId {
    /// As a vector index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One root cause or service, with its postmortems.
#[derive(Debug, Clone)]
pub struct Term<K> {
    /// The key.
    pub key: K,
    /// Display name.
    pub name: String,
    /// May be empty.
    pub description: String,
    /// Owning team (services); may be empty.
    pub owner: String,
    /// Colour slot for root causes (its position in `site.toml`).
    pub color: Option<usize>,
    /// Its postmortems, most recent first.
    pub postmortems: Vec<PostmortemId>,
    /// Time-to-resolve statistics of those postmortems.
    pub ttr: DurationStats,
}

/// Terms in display order.
#[derive(Debug, Clone)]
pub struct Taxonomy<K> {
    /// The terms.
    pub terms: Vec<Term<K>>,
}

impl<K: PartialEq> Taxonomy<K> {
    /// The term of `key`.
    pub fn get(&self, key: &K) -> Option<&Term<K>> {
        self.terms.iter().find(|t| t.key == *key)
    }
}

/// A month of the global timeline.
#[derive(Debug, Clone)]
pub struct MonthGroup {
    /// 1..=12.
    pub month: i8,
    /// Its postmortems, most recent first.
    pub postmortems: Vec<PostmortemId>,
}

/// A year of the global timeline.
#[derive(Debug, Clone)]
pub struct YearGroup {
    /// The year.
    pub year: i16,
    /// Months with incidents, most recent first.
    pub months: Vec<MonthGroup>,
}

/// Every incident on one axis, grouped by year and month.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Years with incidents, most recent first.
    pub years: Vec<YearGroup>,
}

/// The read-only model of the whole site.
#[derive(Debug)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// Postmortems, most recent first (by start, then slug).
    pub postmortems: Vec<Postmortem>,
    /// Slug → id.
    pub by_slug: BTreeMap<Slug, PostmortemId>,
    /// Root causes in `site.toml` order.
    pub root_causes: Taxonomy<RootCauseKey>,
    /// Services: declared ones in `site.toml` order, then the rest by key.
    pub services: Taxonomy<ServiceKey>,
    /// Severity name → postmortems, in configured order.
    pub severities: Vec<(String, Vec<PostmortemId>)>,
    /// The URL segment of each configured severity, indexed like `severities`.
    pub severity_slugs: Vec<String>,
    /// Year → postmortems, most recent first.
    pub years: Vec<(i16, Vec<PostmortemId>)>,
    /// The global timeline.
    pub timeline: Timeline,
    /// Time to resolve over the whole library.
    pub ttr: DurationStats,
    /// Time to detect over the whole library.
    pub ttd: DurationStats,
    /// Every action item: open ones (open, in progress) first, by due date (earliest
    /// first, undated last), then the closed ones; ties in postmortem order.
    pub action_items: Vec<ActionItemRef>,
    /// Owners of action items, by name, "no owner" last; each with its items in the order
    /// of `action_items`.
    pub owners: Vec<Owner>,
    /// Related incidents of each postmortem, indexed like `postmortems`.
    pub related: Vec<Vec<Related>>,
    /// What `related` is computed from, kept for edits ([`Site::replace_postmortem`]).
    related_index: related::RelatedIndex,
    /// Library-wide figures for `/insights/` and `hindsight stats`.
    pub insights: Insights,
}

/// Whoever owns some action items.
#[derive(Debug, Clone)]
pub struct Owner {
    /// The owner as written; `None` for items without one.
    pub name: Option<String>,
    /// URL segment: the name slugified (`unassigned` for none), made unique.
    pub slug: String,
    /// Their items, open ones first by due date, then closed ones.
    pub items: Vec<ActionItemRef>,
}

/// An action item: the postmortem and the item's position in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionItemRef {
    /// The postmortem.
    pub postmortem: PostmortemId,
    /// Index into its `action_items`.
    pub index: usize,
}

impl Site {
    /// Derives the model.
    pub fn new(config: Config, mut postmortems: Vec<Postmortem>) -> Self {
        postmortems.sort_by(site_order);
        let related_index = related::RelatedIndex::new(&postmortems);
        let related = related_index.find_all(&postmortems);
        Self::derive(config, postmortems, related_index, related)
    }

    /// Everything but the order of `postmortems` (sorted already), the index of their
    /// related incidents and the related incidents themselves.
    fn derive(
        config: Config,
        postmortems: Vec<Postmortem>,
        related_index: related::RelatedIndex,
        related: Vec<Vec<Related>>,
    ) -> Self {
        let ids = || (0..postmortems.len()).map(|i| PostmortemId(i as u32));
        let by_slug = ids()
            .map(|id| (postmortems[id.index()].slug.clone(), id))
            .collect();

        let ttr_of = |members: &[PostmortemId]| {
            DurationStats::of(
                members
                    .iter()
                    .filter_map(|id| postmortems[id.index()].milestones.metrics().ttr),
            )
        };

        let used = |key: &RootCauseKey| postmortems.iter().any(|p| p.root_causes.contains(key));
        let mut cause_members: IndexMap<RootCauseKey, Vec<PostmortemId>> = config
            .root_causes
            .keys()
            .filter(|k| !config.unlisted_root_causes.contains(*k) || used(k))
            .map(|k| (k.clone(), Vec::new()))
            .collect();
        let mut service_members: BTreeMap<ServiceKey, Vec<PostmortemId>> = BTreeMap::new();
        for id in ids() {
            let postmortem = &postmortems[id.index()];
            for cause in &postmortem.root_causes {
                cause_members.entry(cause.clone()).or_default().push(id);
            }
            for service in &postmortem.services {
                service_members.entry(service.clone()).or_default().push(id);
            }
        }

        let root_causes = Taxonomy {
            terms: cause_members
                .into_iter()
                .enumerate()
                .map(|(slot, (key, members))| {
                    let def = config.root_causes.get(&key);
                    Term {
                        name: def.map_or_else(|| key.to_string(), |d| d.name.clone()),
                        description: def.map(|d| d.description.clone()).unwrap_or_default(),
                        owner: String::new(),
                        color: Some(slot),
                        ttr: ttr_of(&members),
                        postmortems: members,
                        key,
                    }
                })
                .collect(),
        };

        let mut service_terms = Vec::new();
        for (key, def) in &config.services {
            let members = service_members.remove(key).unwrap_or_default();
            service_terms.push(Term {
                key: key.clone(),
                name: def.name.clone(),
                description: def.description.clone(),
                owner: def.owner.clone(),
                color: None,
                ttr: ttr_of(&members),
                postmortems: members,
            });
        }
        for (key, members) in service_members {
            service_terms.push(Term {
                name: key.to_string(),
                key,
                description: String::new(),
                owner: String::new(),
                color: None,
                ttr: ttr_of(&members),
                postmortems: members,
            });
        }

        let severities = config
            .severities
            .iter()
            .map(|name| {
                let members = ids()
                    .filter(|id| postmortems[id.index()].severity == *name)
                    .collect();
                (name.clone(), members)
            })
            .collect();

        let mut by_year: BTreeMap<i16, Vec<PostmortemId>> = BTreeMap::new();
        let mut by_month: BTreeMap<(i16, i8), Vec<PostmortemId>> = BTreeMap::new();
        for id in ids() {
            // An undated postmortem is on no year page and not on the timeline.
            let Some(date) = postmortems[id.index()].date else {
                continue;
            };
            by_year.entry(date.year()).or_default().push(id);
            by_month
                .entry((date.year(), date.month()))
                .or_default()
                .push(id);
        }
        let years: Vec<(i16, Vec<PostmortemId>)> = by_year.into_iter().rev().collect();
        let mut timeline = Timeline::default();
        for ((year, month), members) in by_month.into_iter().rev() {
            if timeline.years.last().is_none_or(|y| y.year != year) {
                timeline.years.push(YearGroup {
                    year,
                    months: Vec::new(),
                });
            }
            if let Some(group) = timeline.years.last_mut() {
                group.months.push(MonthGroup {
                    month,
                    postmortems: members,
                });
            }
        }

        let all: Vec<PostmortemId> = ids().collect();
        let ttr = ttr_of(&all);
        let ttd = DurationStats::of(
            postmortems
                .iter()
                .filter_map(|p| p.milestones.metrics().ttd),
        );
        let action_items = action_items(&postmortems);
        let owners = owners(&postmortems, &action_items);
        let severity_slugs = severity_slugs(&config.severities);
        let mut site = Self {
            config,
            by_slug,
            root_causes,
            services: Taxonomy {
                terms: service_terms,
            },
            severity_slugs,
            severities,
            years,
            timeline,
            ttr,
            ttd,
            action_items,
            owners,
            related,
            related_index,
            insights: Insights::default(),
            postmortems,
        };
        site.insights = Insights::of(&site);
        site
    }

    /// First step of an edit to one postmortem that keeps its slug: puts `postmortem` in
    /// the place of the one at `id`, moving it to its place in site order (a new date),
    /// and finds its related incidents, and returns where it is now. Only what the
    /// edited postmortem's own page reads is brought up to date: the postmortems and their
    /// order, `by_slug`, and its related incidents (from the index, updated in place: a
    /// hundred times cheaper than deriving the model again, which is what lets the dev
    /// server show the edited page first). Everything else derived from the postmortems
    /// (taxonomies, severities, years, timeline, figures, action items, the related
    /// incidents of the others, which keep pointing at the same postmortems) is as before
    /// the edit until [`Site::rederive`], which must come before any other page is
    /// rendered.
    pub fn replace_postmortem(&mut self, id: PostmortemId, postmortem: Postmortem) -> PostmortemId {
        let from = id.index();
        self.postmortems.remove(from);
        let to = self
            .postmortems
            .partition_point(|p| site_order(p, &postmortem).is_lt());
        self.postmortems.insert(to, postmortem);
        self.related_index.replace(from, to, &self.postmortems[to]);
        let (low, high) = (from.min(to), from.max(to));
        for (i, p) in self.postmortems.iter().enumerate().take(high + 1).skip(low) {
            self.by_slug.insert(p.slug.clone(), PostmortemId(i as u32));
        }
        let list = self.related.remove(from);
        self.related.insert(to, list);
        if from != to {
            for related in self.related.iter_mut().flatten() {
                related.id = PostmortemId(related::moved(related.id.0, from as u32, to as u32));
            }
        }
        let id = PostmortemId(to as u32);
        self.related[to] = self.related_index.find(&self.postmortems, id);
        id
    }

    /// Derives everything again from the postmortems, after
    /// [`Site::replace_postmortem`]; the related index is reused as it is.
    pub fn rederive(&mut self) {
        self.rederive_but_related();
        self.find_related();
    }

    /// [`Site::rederive`] but for the related incidents of the postmortems other than the
    /// edited one, which stay as they were until [`Site::find_related`]. Only postmortem
    /// pages show related incidents, and finding them for every postmortem is most of the
    /// work of deriving the model (200 of 350 ms at 10,000), so the dev server renders the
    /// pages that list postmortems in between.
    pub fn rederive_but_related(&mut self) {
        let postmortems = std::mem::take(&mut self.postmortems);
        let related_index = std::mem::take(&mut self.related_index);
        let related = std::mem::take(&mut self.related);
        *self = Self::derive(self.config.clone(), postmortems, related_index, related);
    }

    /// Finds every postmortem's related incidents again (see [`Site::rederive_but_related`]).
    pub fn find_related(&mut self) {
        self.related = self.related_index.find_all(&self.postmortems);
    }

    /// After [`Site::replace_postmortem`] put the postmortem `id`: finds again the related
    /// incidents of every postmortem that lists it or listed it before the edit, and
    /// returns them. Their pages are the ones that show the edit (its title, severity or
    /// date in their related list); the dev server renders them before the others wait
    /// for [`Site::find_related`], which then gives them the same lists.
    pub fn find_related_of_referrers(&mut self, id: PostmortemId) -> Vec<PostmortemId> {
        let mut referrers = self.related_index.referrers(id);
        referrers.extend(
            self.ids()
                .filter(|other| self.related[other.index()].iter().any(|r| r.id == id)),
        );
        referrers.sort_unstable();
        referrers.dedup();
        referrers.retain(|other| {
            let list = self.related_index.find(&self.postmortems, *other);
            let showed = self.related[other.index()].iter().any(|r| r.id == id);
            let shows = list.iter().any(|r| r.id == id);
            self.related[other.index()] = list;
            showed || shows
        });
        referrers
    }

    /// Every postmortem's id, in site order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = PostmortemId> + use<> {
        (0..self.postmortems.len() as u32).map(PostmortemId)
    }

    /// The postmortem of `id`.
    pub fn postmortem(&self, id: PostmortemId) -> &Postmortem {
        &self.postmortems[id.index()]
    }

    /// The action item `item` refers to.
    pub fn action_item(&self, item: ActionItemRef) -> &crate::content::postmortem::ActionItem {
        &self.postmortem(item.postmortem).action_items[item.index]
    }
}

/// Site order: most recent first (by start), then by slug.
fn site_order(a: &Postmortem, b: &Postmortem) -> std::cmp::Ordering {
    b.sort_instant()
        .cmp(&a.sort_instant())
        .then_with(|| a.slug.cmp(&b.slug))
}

/// The owners of `items`, by name (no owner last), keeping the items' order.
fn owners(postmortems: &[Postmortem], items: &[ActionItemRef]) -> Vec<Owner> {
    let mut by_name: BTreeMap<(bool, String), Vec<ActionItemRef>> = BTreeMap::new();
    for item in items {
        let owner = postmortems[item.postmortem.index()].action_items[item.index]
            .owner
            .clone();
        by_name
            .entry((owner.is_none(), owner.unwrap_or_default()))
            .or_default()
            .push(*item);
    }
    let mut slugs: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    by_name
        .into_iter()
        .map(|((unassigned, name), items)| {
            let base = match crate::keys::slugify(&name) {
                _ if unassigned => "unassigned".to_string(),
                slug if slug.is_empty() => "owner".to_string(),
                slug => slug,
            };
            let mut slug = base.clone();
            let mut n = 2;
            while slugs.contains(&slug) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            slugs.insert(slug.clone());
            Owner {
                name: (!unassigned).then_some(name),
                slug,
                items,
            }
        })
        .collect()
}

/// Every action item, open ones first by due date, then closed ones.
fn action_items(postmortems: &[Postmortem]) -> Vec<ActionItemRef> {
    let mut items: Vec<ActionItemRef> = postmortems
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            (0..p.action_items.len()).map(move |index| ActionItemRef {
                postmortem: PostmortemId(i as u32),
                index,
            })
        })
        .collect();
    // A stable sort keeps postmortem order (most recent first) and list order for ties.
    items.sort_by_key(|item| {
        let action = &postmortems[item.postmortem.index()].action_items[item.index];
        let open = action.status.is_open();
        // Undated open items after dated ones; closed ones are not ordered by date.
        let due = if open { action.due } else { None };
        (!open, due.is_none(), due)
    });
    items
}

/// Builds a [`Site`] from a `site.toml` text and `(path, file text)` postmortems, for unit
/// tests of the model; panics on any diagnostic error.
#[cfg(test)]
pub(crate) fn test_site(config: &str, files: &[(&str, &str)]) -> Site {
    let mut diagnostics = crate::diagnostics::Diagnostics::new();
    let config = crate::config::parse(config, &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    let Some(config) = config else {
        panic!("config did not parse");
    };
    let postmortems = files
        .iter()
        .filter_map(|(path, text)| {
            crate::content::parse_source(
                std::path::Path::new(path),
                text.as_bytes().to_vec(),
                &config,
                &mut diagnostics,
            )
        })
        .collect();
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    Site::new(config, postmortems)
}

/// The URL segment of every configured severity (`SEV1` → `sev1`); a name that slugifies
/// to nothing or to another's segment gets `severity-<rank>`. Computed once: every list
/// page links every severity.
fn severity_slugs(names: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let slug = crate::keys::slugify(name);
            if slug.is_empty() || !seen.insert(slug.clone()) {
                format!("severity-{}", i + 1)
            } else {
                slug
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Postmortem → its related incidents as (slug, score, reasons).
    type RelatedBySlug = BTreeMap<Slug, Vec<(Slug, u32, Vec<related::Reason>)>>;

    /// Each postmortem's related incidents (slug, score, reasons), by slug: comparable
    /// between two sites, whose ids differ when an edit changes the order of the
    /// postmortems.
    fn related_by_slug(site: &Site) -> RelatedBySlug {
        site.postmortems
            .iter()
            .zip(&site.related)
            .map(|(postmortem, related)| {
                let related = related
                    .iter()
                    .map(|r| {
                        (
                            site.postmortem(r.id).slug.clone(),
                            r.score,
                            r.reasons.clone(),
                        )
                    })
                    .collect();
                (postmortem.slug.clone(), related)
            })
            .collect()
    }

    /// The `site.toml`, title and body words and root causes of the edit tests below.
    const EDITED_SITE: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\n[root_causes]\nconfiguration = { name = \"C\" }\ndeployment = { name = \"D\" }\ncapacity = { name = \"K\" }\n";
    const WORDS: [&str; 6] = [
        "binlog",
        "replication",
        "certificate",
        "throttling",
        "failover",
        "dns",
    ];
    const CAUSES: [&str; 3] = ["configuration", "deployment", "capacity"];

    /// Replacing a postmortem in place gives its related list at once, and after
    /// `rederive` the model of a site built from scratch with the edited file: words that
    /// several postmortems share gained or lost (their weights change for everyone), a
    /// date that moves it across the library, a root cause, services, tags.
    #[test]
    fn an_edit_in_place_gives_the_model_of_a_new_site() {
        let (config, words, causes) = (EDITED_SITE, &WORDS[..5], CAUSES);
        let services = ["api", "mysql", "web", "queue"];
        let file = |i: usize, title: &str, day: usize, cause: &str, services: &str| {
            format!(
                "---\ntitle: {title}\ndate: 2024-{:02}-{:02}\nseverity: SEV2\nroot_cause: {cause}\nservices: {services}\ntags: [t{}]\n---\nThe {} was slow.\n",
                day % 12 + 1,
                day % 28 + 1,
                i % 4,
                words[i % 5],
            )
        };
        let library: Vec<(String, String)> = (0..30)
            .map(|i| {
                let title = format!("{} {} {i}", words[i % 5], words[(i * 3 + 1) % 5]);
                let services = format!("[{}, {}]", services[i % 4], services[(i + 1) % 4]);
                (
                    format!("content/p{i:02}.md"),
                    file(i, &title, i * 7, causes[i % 3], &services),
                )
            })
            .collect();
        let edits = [
            (4, file(4, "Quiet night 4", 28, "capacity", "[queue, api]")),
            (
                4,
                file(4, "binlog binlog 4", 28, "capacity", "[queue, api]"),
            ),
            (
                9,
                file(9, "binlog replication 9", 2, "configuration", "[web]"),
            ),
            (
                17,
                file(17, "certificate 17", 200, "deployment", "[mysql, api, web]"),
            ),
            (0, file(0, "throttling 0", 111, "deployment", "[api]")),
        ];
        let mut files = library;
        for (i, text) in edits {
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            let mut site = test_site(config, &refs);
            files[i].1 = text;
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            let fresh = test_site(config, &refs);
            let slug = crate::keys::Slug::new(format!("p{i:02}"));
            let edited = fresh.postmortem(fresh.by_slug[&slug]).clone();
            let id = site.replace_postmortem(site.by_slug[&slug], edited);
            assert_eq!(id, fresh.by_slug[&slug], "p{i:02} in site order");
            let expected = &related_by_slug(&fresh)[&slug];
            assert_eq!(&related_by_slug(&site)[&slug], expected, "p{i:02} at once");
            site.rederive();
            assert_eq!(related_by_slug(&site), related_by_slug(&fresh), "p{i:02}");
        }
    }

    /// After an edit in place, `find_related_of_referrers` names exactly the postmortems
    /// whose related incidents list the edited one in a site built from scratch, or
    /// listed it before the edit, and gives them their lists from scratch: 300 random
    /// edits (title words, body word, date, root cause, services, tags) of a library of 60.
    #[test]
    fn the_referrers_of_an_edit_are_every_page_that_shows_it() {
        let (config, words, causes) = (EDITED_SITE, WORDS, CAUSES);
        let services = ["api", "mysql", "web", "queue", "cdn"];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let file = |next: &mut dyn FnMut(usize) -> usize, i: usize| {
            format!(
                "---\ntitle: {} {} {i}\ndate: 2024-{:02}-{:02}\nseverity: SEV2\nroot_cause: {}\nservices: [{}, {}]\ntags: [t{}]\n---\nThe {} was slow.\n",
                words[next(6)],
                words[next(6)],
                next(12) + 1,
                next(28) + 1,
                causes[next(3)],
                services[next(5)],
                services[next(5)],
                next(4),
                words[next(6)],
            )
        };
        let mut files: Vec<(String, String)> = (0..60)
            .map(|i| (format!("content/p{i:02}.md"), file(&mut next, i)))
            .collect();
        for _ in 0..300 {
            let i = next(60);
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            let mut site = test_site(config, &refs);
            let slug = crate::keys::Slug::new(format!("p{i:02}"));
            let before = related_by_slug(&site);
            files[i].1 = file(&mut next, i);
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            let fresh = test_site(config, &refs);
            let after = related_by_slug(&fresh);
            let edited = fresh.postmortem(fresh.by_slug[&slug]).clone();
            let id = site.replace_postmortem(site.by_slug[&slug], edited);
            site.rederive_but_related();
            let found = site.find_related_of_referrers(id);
            let names = |lists: &RelatedBySlug| -> BTreeSet<Slug> {
                lists
                    .iter()
                    .filter(|(_, list)| list.iter().any(|(other, ..)| *other == slug))
                    .map(|(x, _)| x.clone())
                    .collect()
            };
            let expected: BTreeSet<Slug> = names(&before).union(&names(&after)).cloned().collect();
            let got: BTreeSet<Slug> = found
                .iter()
                .map(|x| site.postmortem(*x).slug.clone())
                .collect();
            assert_eq!(got, expected, "referrers of p{i:02}");
            let now = related_by_slug(&site);
            for x in &got {
                assert_eq!(now[x], after[x], "related of {x} after editing p{i:02}");
            }
        }
    }

    #[test]
    fn action_items_open_first_by_due_date_then_closed() {
        let config = "title = \"T\"\nbase_url = \"https://example.org/\"\n";
        let newer = "---\ntitle: Newer\ndate: 2024-08-01\nseverity: SEV2\naction_items:\n  - { task: n-done, status: done, due: 2024-01-01 }\n  - { task: n-undated, status: open }\n  - { task: n-late, status: in-progress, due: 2024-09-30 }\n---\n";
        let older = "---\ntitle: Older\ndate: 2023-08-01\nseverity: SEV2\naction_items:\n  - { task: o-early, status: open, due: 2023-09-01 }\n  - { task: o-wont, status: wont-do }\n  - { task: o-undated, status: open }\n---\n";
        let site = test_site(
            config,
            &[("content/newer.md", newer), ("content/older.md", older)],
        );
        let tasks: Vec<&str> = site
            .action_items
            .iter()
            .map(|item| site.action_item(*item).task.as_str())
            .collect();
        // Dated open items by due date; undated open ones in postmortem order (most
        // recent first); closed ones last, in postmortem order.
        assert_eq!(
            tasks,
            [
                "o-early",
                "n-late",
                "n-undated",
                "o-undated",
                "n-done",
                "o-wont"
            ]
        );
    }
}
