//! The `/action-items/` page value: every follow-up of the library.
//!
//! The page lists every open item (open, in progress), sorted by due date so the most
//! overdue are at the top without any script, and a table of owners; each owner has a page
//! (`/action-items/<owner>/`) with all of their items, open and closed, grouped by
//! postmortem. Every item is thus listed once among the open ones and once on its owner's
//! page, so no page repeats the whole library's follow-ups twice (at 10,000 postmortems
//! that would be tens of megabytes). Whether an item is *overdue* depends on
//! the day the page is read, not built, so the build never looks at the clock (output
//! stays byte-identical): open items carry `data-due="YYYY-MM-DD"` and the theme's
//! `static/action-items.js` marks the overdue ones in the reader's browser.
//!
//! Both lists are split into pages (the open items, and an owner's postmortems); only the
//! rows of the page being rendered are made, the counts are of the whole list.

use std::collections::HashMap;

use serde::Serialize;

use super::insights::PostmortemLink;
use super::page::List;
use super::paginate::Pagination;
use super::view::Views;
use crate::content::postmortem::{ActionItem, ActionStatus};
use crate::site::{ActionItemRef, Owner, PostmortemId, Site};

/// `action_items` in `action_items.html`.
#[derive(Debug, Clone, Serialize)]
pub struct ActionItemsView {
    /// Counts by status.
    pub counts: ActionCounts,
    /// This page's open and in-progress items, earliest due date first, undated last.
    pub open: Vec<ActionRow>,
    /// Every owner with counts and a link to their page; by name, unassigned last. On
    /// the first page only (empty on the others).
    pub owners: Vec<OwnerSummary>,
    /// The table of owners on the first page.
    pub owners_url: String,
    /// Which open items this page shows.
    #[serde(skip)]
    pub pagination: Pagination,
}

/// How many items have each status.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActionCounts {
    /// Every item.
    pub total: usize,
    /// Open or in progress.
    pub open: usize,
    /// In progress (included in `open`).
    pub in_progress: usize,
    /// Done.
    pub done: usize,
    /// Won't do.
    pub wont_do: usize,
    /// Open items with a due date (the ones that can be overdue).
    pub open_with_due: usize,
    /// Open items without an owner.
    pub open_unassigned: usize,
}

impl ActionCounts {
    /// The counts of `items`.
    fn of<'a>(items: impl Iterator<Item = &'a ActionItem>) -> Self {
        let mut counts = Self::default();
        for item in items {
            counts.total += 1;
            match item.status {
                ActionStatus::Done => counts.done += 1,
                ActionStatus::WontDo => counts.wont_do += 1,
                ActionStatus::InProgress => counts.in_progress += 1,
                ActionStatus::Open => {}
            }
            if item.status.is_open() {
                counts.open += 1;
                counts.open_with_due += usize::from(item.due.is_some());
                counts.open_unassigned += usize::from(item.owner.is_none());
            }
        }
        counts
    }
}

/// One action item with its postmortem.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    /// What to do.
    pub task: String,
    /// Who; empty when unassigned.
    pub owner: String,
    /// The owner's page.
    pub owner_url: String,
    /// `open`, `in-progress`, `done`, `wont-do`.
    pub status: &'static str,
    /// `In progress`.
    pub status_label: &'static str,
    /// True for open and in-progress items.
    pub is_open: bool,
    /// ISO due date, or empty.
    pub due: String,
    /// `1 Sep 2024`, or empty.
    pub due_display: String,
    /// Tracker link, or empty.
    pub link: String,
    /// Where it comes from.
    pub postmortem: PostmortemLink,
}

/// An owner in the table of the action-items page.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerSummary {
    /// The owner as written, or `Unassigned`.
    pub name: String,
    /// True for items without an owner.
    pub unassigned: bool,
    /// Their page.
    pub url: String,
    /// Open items (open or in progress).
    pub open: usize,
    /// Closed items (done or won't do).
    pub closed: usize,
}

/// `owner` in `action_owner.html`: one owner's items, grouped by postmortem.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerView {
    /// The owner as written, or `Unassigned`.
    pub name: String,
    /// True for items without an owner.
    pub unassigned: bool,
    /// Counts by status.
    pub counts: ActionCounts,
    /// This page's postmortems of the owner's: the ones with open items first, by their
    /// earliest due item; then the ones with only closed items, most recent first.
    pub postmortems: Vec<PostmortemItems>,
    /// How many postmortems the owner has items in, on every page.
    pub postmortem_count: usize,
    /// Which of the postmortems this page shows.
    #[serde(skip)]
    pub pagination: Pagination,
}

/// The items of one owner in one postmortem.
#[derive(Debug, Clone, Serialize)]
pub struct PostmortemItems {
    /// The postmortem.
    pub postmortem: PostmortemLink,
    /// Its items: open ones by due date, then closed ones.
    pub items: Vec<ActionRow>,
}

impl ActionItemsView {
    /// Page `index` of the open action items of `site`.
    pub fn new(site: &Site, views: &Views<'_>, index: usize) -> Self {
        let counts = views
            .lists
            .action_counts
            .get_or_init(|| {
                ActionCounts::of(site.action_items.iter().map(|i| site.action_item(*i)))
            })
            .clone();
        // Open items come first in `site.action_items`.
        let pagination = Pagination::new(site, index, counts.open);
        let urls = views.lists.owner_urls.get_or_init(|| owner_urls(site));
        let open = pagination
            .slice(&site.action_items)
            .iter()
            .map(|item| action_row(site, views, urls, *item))
            .collect();
        let owners = if index > 0 {
            Vec::new()
        } else {
            site.owners
                .iter()
                .enumerate()
                .map(|(i, owner)| {
                    let open = owner
                        .items
                        .iter()
                        .filter(|item| site.action_item(**item).status.is_open())
                        .count();
                    OwnerSummary {
                        name: owner_name(owner),
                        unassigned: owner.name.is_none(),
                        url: List::Owner(i).url(site),
                        open,
                        closed: owner.items.len() - open,
                    }
                })
                .collect()
        };
        Self {
            counts,
            open,
            owners,
            owners_url: format!("{}#owners", List::ActionItems.url(site)),
            pagination,
        }
    }
}

impl OwnerView {
    /// Page `page` of the items of owner `index` of `site.owners`.
    pub fn new(site: &Site, views: &Views<'_>, index: usize, page: usize) -> Self {
        let Some(owner) = site.owners.get(index) else {
            return Self {
                name: String::new(),
                unassigned: true,
                counts: ActionCounts::default(),
                postmortems: Vec::new(),
                postmortem_count: 0,
                pagination: Pagination::new(site, page, 0),
            };
        };
        let shared = views
            .lists
            .owners
            .get(List::Owner(index), || OwnerItems::of(site, owner));
        let pagination = Pagination::new(site, page, shared.groups.len());
        let urls = views.lists.owner_urls.get_or_init(|| owner_urls(site));
        let postmortems = pagination
            .slice(&shared.groups)
            .iter()
            .map(|(id, items)| PostmortemItems {
                postmortem: postmortem_link(views, *id),
                items: items
                    .iter()
                    .map(|item| action_row(site, views, urls, *item))
                    .collect(),
            })
            .collect();
        Self {
            name: owner_name(owner),
            unassigned: owner.name.is_none(),
            counts: shared.counts.clone(),
            postmortems,
            postmortem_count: shared.groups.len(),
            pagination,
        }
    }
}

/// What every page of an owner's shares (see [`super::lists`]): their items by
/// postmortem, and the counts.
#[derive(Debug, Clone)]
pub struct OwnerItems {
    /// The postmortems with the owner's items in them, in the order of the first item of
    /// each, with those items.
    pub groups: Vec<(PostmortemId, Vec<ActionItemRef>)>,
    /// Counts by status of all of the owner's items.
    pub counts: ActionCounts,
}

impl OwnerItems {
    fn of(site: &Site, owner: &Owner) -> Self {
        let mut groups: Vec<(PostmortemId, Vec<ActionItemRef>)> = Vec::new();
        let mut group_of: HashMap<PostmortemId, usize> = HashMap::new();
        for item in &owner.items {
            let at = *group_of.entry(item.postmortem).or_insert_with(|| {
                groups.push((item.postmortem, Vec::new()));
                groups.len() - 1
            });
            if let Some((_, items)) = groups.get_mut(at) {
                items.push(*item);
            }
        }
        Self {
            groups,
            counts: ActionCounts::of(owner.items.iter().map(|i| site.action_item(*i))),
        }
    }
}

fn owner_name(owner: &Owner) -> String {
    owner
        .name
        .clone()
        .unwrap_or_else(|| "Unassigned".to_string())
}

/// Owner name → page URL.
/// Owner (none: unassigned) → the URL of their page.
pub type OwnerUrls = HashMap<Option<String>, String>;

fn owner_urls(site: &Site) -> OwnerUrls {
    site.owners
        .iter()
        .enumerate()
        .map(|(i, owner)| (owner.name.clone(), List::Owner(i).url(site)))
        .collect()
}

fn action_row(
    site: &Site,
    views: &Views<'_>,
    owner_urls: &OwnerUrls,
    item: ActionItemRef,
) -> ActionRow {
    let action = site.action_item(item);
    let owner_url = owner_urls.get(&action.owner).cloned().unwrap_or_default();
    ActionRow {
        task: action.task.clone(),
        owner: action.owner.clone().unwrap_or_default(),
        owner_url,
        status: action.status.as_str(),
        status_label: action.status.label(),
        is_open: action.status.is_open(),
        due: action.due.map(|d| d.to_string()).unwrap_or_default(),
        due_display: action
            .due
            .map(|d| d.strftime("%-d %b %Y").to_string())
            .unwrap_or_default(),
        link: action.link.clone().unwrap_or_default(),
        postmortem: postmortem_link(views, item.postmortem),
    }
}

fn postmortem_link(views: &Views<'_>, id: PostmortemId) -> PostmortemLink {
    let summary = views.summary(id);
    PostmortemLink {
        url: summary.url.clone(),
        title: summary.title.clone(),
        date_display: summary.date_display.clone(),
        date: summary.date.clone(),
    }
}
