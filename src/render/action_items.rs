//! The `/action-items/` page value: every follow-up of the library.
//!
//! Open items (open, in progress) come first, sorted by due date so the most overdue are
//! at the top without any script; then the same open items grouped by owner and, within
//! an owner, by postmortem; then the closed ones. Whether an item is *overdue* depends on
//! the day the page is read, not built, so the build never looks at the clock (output
//! stays byte-identical): open items carry `data-due="YYYY-MM-DD"` and the theme's
//! `static/action-items.js` marks the overdue ones in the reader's browser.

use std::collections::BTreeMap;

use serde::Serialize;

use super::insights::PostmortemLink;
use super::view::Views;
use crate::keys::slugify;
use crate::site::{ActionItemRef, Site};

/// `action_items` in `action_items.html`.
#[derive(Debug, Clone, Serialize)]
pub struct ActionItemsView {
    /// Counts by status.
    pub counts: ActionCounts,
    /// Open and in-progress items, earliest due date first, undated last.
    pub open: Vec<ActionRow>,
    /// Owners with their counts and open items by postmortem; by name, unassigned last.
    pub owners: Vec<OwnerGroup>,
    /// Done and won't-do items, most recent postmortem first.
    pub closed: Vec<ActionRow>,
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

/// One action item with its postmortem.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    /// What to do.
    pub task: String,
    /// Who; empty when unassigned.
    pub owner: String,
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

/// An owner's follow-ups.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerGroup {
    /// The owner as written, or `Unassigned`.
    pub name: String,
    /// True for items without an owner.
    pub unassigned: bool,
    /// Anchor id (`owner-devops`).
    pub id: String,
    /// Open items (open or in progress).
    pub open: usize,
    /// Closed items (done or won't do).
    pub closed: usize,
    /// Open items by postmortem; postmortems ordered by their earliest due item.
    pub postmortems: Vec<PostmortemItems>,
}

/// The open items of one owner in one postmortem.
#[derive(Debug, Clone, Serialize)]
pub struct PostmortemItems {
    /// The postmortem.
    pub postmortem: PostmortemLink,
    /// Its items, earliest due first.
    pub items: Vec<ActionRow>,
}

impl ActionItemsView {
    /// Gathers every action item of `site`.
    pub fn new(site: &Site, views: &Views<'_>) -> Self {
        let mut counts = ActionCounts::default();
        let mut open = Vec::new();
        let mut closed = Vec::new();
        // Owner → (open, closed, postmortem → rows), in first-seen order of the sorted
        // items, so each owner's postmortems come by their earliest due item.
        let mut owners: BTreeMap<(bool, String), OwnerAcc> = BTreeMap::new();
        for item in &site.action_items {
            let row = action_row(site, views, *item);
            counts.total += 1;
            match row.status {
                "done" => counts.done += 1,
                "wont-do" => counts.wont_do += 1,
                "in-progress" => counts.in_progress += 1,
                _ => {}
            }
            let key = (row.owner.is_empty(), row.owner.clone());
            let acc = owners.entry(key).or_default();
            if row.is_open {
                counts.open += 1;
                counts.open_with_due += usize::from(!row.due.is_empty());
                counts.open_unassigned += usize::from(row.owner.is_empty());
                acc.open += 1;
                let at = *acc.index.entry(item.postmortem).or_insert_with(|| {
                    acc.by_postmortem.push(PostmortemItems {
                        postmortem: row.postmortem.clone(),
                        items: Vec::new(),
                    });
                    acc.by_postmortem.len() - 1
                });
                if let Some(group) = acc.by_postmortem.get_mut(at) {
                    group.items.push(row.clone());
                }
                open.push(row);
            } else {
                acc.closed += 1;
                closed.push(row);
            }
        }
        let mut ids: Vec<String> = Vec::new();
        let owners = owners
            .into_iter()
            .map(|((unassigned, name), acc)| {
                let base = if unassigned {
                    "owner-unassigned".to_string()
                } else {
                    format!("owner-{}", slugify(&name))
                };
                let mut id = base.clone();
                let mut n = 2;
                while ids.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                ids.push(id.clone());
                OwnerGroup {
                    name: if unassigned {
                        "Unassigned".to_string()
                    } else {
                        name
                    },
                    unassigned,
                    id,
                    open: acc.open,
                    closed: acc.closed,
                    postmortems: acc.by_postmortem,
                }
            })
            .collect();
        Self {
            counts,
            open,
            owners,
            closed,
        }
    }
}

#[derive(Default)]
struct OwnerAcc {
    open: usize,
    closed: usize,
    by_postmortem: Vec<PostmortemItems>,
    index: std::collections::HashMap<crate::site::PostmortemId, usize>,
}

fn action_row(site: &Site, views: &Views<'_>, item: ActionItemRef) -> ActionRow {
    let action = site.action_item(item);
    let summary = &views.summaries[item.postmortem.index()];
    ActionRow {
        task: action.task.clone(),
        owner: action.owner.clone().unwrap_or_default(),
        status: action.status.as_str(),
        status_label: action.status.label(),
        is_open: action.status.is_open(),
        due: action.due.map(|d| d.to_string()).unwrap_or_default(),
        due_display: action
            .due
            .map(|d| d.strftime("%-d %b %Y").to_string())
            .unwrap_or_default(),
        link: action.link.clone().unwrap_or_default(),
        postmortem: PostmortemLink {
            url: summary.url.clone(),
            title: summary.title.clone(),
            date_display: summary.date_display.clone(),
            date: summary.date.clone(),
        },
    }
}
