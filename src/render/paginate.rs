//! The pages of a list: which entries page `n` shows, and the `paginator` value its
//! template gets (previous, next and numbered links, plain links that work without
//! JavaScript).

use std::ops::Range;

use serde::Serialize;

use super::page::{List, Page};
use crate::site::Site;

/// Page `index` (from 0) of a list of `total` entries, `per_page` to a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// The page, from 0.
    pub index: usize,
    /// Entries to a page (`paginate_by`).
    pub per_page: usize,
    /// Entries in the whole list.
    pub total: usize,
}

impl Pagination {
    /// Page `index` of a list of `total` entries of `site`.
    pub fn new(site: &Site, index: usize, total: usize) -> Self {
        Self {
            index,
            per_page: site.config.paginate_by.max(1),
            total,
        }
    }

    /// How many pages the list has (one when it is empty).
    pub fn count(&self) -> usize {
        self.total.div_ceil(self.per_page).max(1)
    }

    /// The positions in the list of this page's entries.
    pub fn range(&self) -> Range<usize> {
        let start = self.index.saturating_mul(self.per_page).min(self.total);
        start..start.saturating_add(self.per_page).min(self.total)
    }

    /// This page's entries of `entries`, the whole list.
    pub fn slice<'a, T>(&self, entries: &'a [T]) -> &'a [T] {
        entries.get(self.range()).unwrap_or_default()
    }

    /// The page (from 0) that shows the entry at `position`.
    pub fn page_of(&self, position: usize) -> usize {
        position / self.per_page
    }
}

/// `paginator` in a list page's template.
#[derive(Debug, Clone, Serialize)]
pub struct Paginator {
    /// This page's number, from 1.
    pub current: usize,
    /// How many pages the list has.
    pub count: usize,
    /// Entries to a page.
    pub per_page: usize,
    /// Entries in the whole list.
    pub total: usize,
    /// The position, from 1, of this page's first entry (0 when the list is empty).
    pub first: usize,
    /// The position, from 1, of this page's last entry (0 when the list is empty).
    pub last: usize,
    /// The previous page, or empty on the first.
    pub prev_url: String,
    /// The next page, or empty on the last.
    pub next_url: String,
    /// Numbered links: the first and last pages and two on each side of this one, with a
    /// gap where pages are left out, so a page of a long list stays small.
    pub links: Vec<PagerLink>,
}

/// One numbered link of a [`Paginator`], or the gap between two.
#[derive(Debug, Clone, Serialize)]
pub struct PagerLink {
    /// The page's number, from 1 (0 for a gap).
    pub number: usize,
    /// Its URL (empty for a gap).
    pub url: String,
    /// True for the page being rendered.
    pub current: bool,
    /// True for a gap: pages left out between the links before and after it.
    pub gap: bool,
}

impl Paginator {
    /// The paginator of page `pagination.index` of `list`.
    pub fn new(site: &Site, list: List, pagination: Pagination) -> Self {
        let count = pagination.count();
        let current = pagination.index + 1;
        let url = |number: usize| Page::List(list, number - 1).url(site);
        let range = pagination.range();
        Self {
            current,
            count,
            per_page: pagination.per_page,
            total: pagination.total,
            first: if range.is_empty() { 0 } else { range.start + 1 },
            last: range.end,
            prev_url: if current > 1 {
                url(current - 1)
            } else {
                String::new()
            },
            next_url: if current < count {
                url(current + 1)
            } else {
                String::new()
            },
            links: shown_numbers(current, count)
                .into_iter()
                .map(|number| match number {
                    Some(number) => PagerLink {
                        number,
                        url: url(number),
                        current: number == current,
                        gap: false,
                    },
                    None => PagerLink {
                        number: 0,
                        url: String::new(),
                        current: false,
                        gap: true,
                    },
                })
                .collect(),
        }
    }
}

/// The page numbers a pager links (`None` for a gap): 1, `count`, and two on each side
/// of `current`; a gap of a single page shows that page instead.
fn shown_numbers(current: usize, count: usize) -> Vec<Option<usize>> {
    let wanted = |n: usize| n == 1 || n == count || n.abs_diff(current) <= 2;
    let mut shown: Vec<Option<usize>> = Vec::new();
    let mut last = 0;
    for n in (1..=count).filter(|n| wanted(*n)) {
        match n - last {
            1 => {}
            2 => shown.push(Some(n - 1)),
            _ => shown.push(None),
        }
        shown.push(Some(n));
        last = n;
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(current: usize, count: usize) -> String {
        shown_numbers(current, count)
            .into_iter()
            .map(|n| n.map_or("…".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_pager_links_the_ends_and_the_neighbours() {
        assert_eq!(pages(1, 1), "1");
        assert_eq!(pages(1, 2), "1 2");
        assert_eq!(pages(4, 7), "1 2 3 4 5 6 7");
        assert_eq!(pages(1, 10), "1 2 3 … 10");
        assert_eq!(pages(5, 10), "1 2 3 4 5 6 7 … 10");
        assert_eq!(pages(6, 10), "1 … 4 5 6 7 8 9 10");
        assert_eq!(pages(50, 200), "1 … 48 49 50 51 52 … 200");
        assert_eq!(pages(200, 200), "1 … 198 199 200");
    }

    #[test]
    fn ranges_cover_the_list_once() {
        for total in [0, 1, 9, 10, 11, 95] {
            let mut seen = Vec::new();
            let first = Pagination {
                index: 0,
                per_page: 10,
                total,
            };
            for index in 0..first.count() {
                let pagination = Pagination { index, ..first };
                let range = pagination.range();
                assert!(total == 0 || !range.is_empty(), "page {index} of {total}");
                for position in range {
                    assert_eq!(pagination.page_of(position), index);
                    seen.push(position);
                }
            }
            assert_eq!(seen, (0..total).collect::<Vec<_>>());
        }
    }
}
