//! What every page of a list shares, made once per list and render (the first page of a
//! list to be rendered makes it, the others borrow it): a list's grouping by year and its
//! filters, the counts of the action items, an owner's items by postmortem. Made for each
//! page instead, a list of `n` entries would cost `n` for each of its `n / paginate_by`
//! pages: the build would grow with the square of the library.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::action_items::{ActionCounts, OwnerItems, OwnerUrls};
use super::browse::BrowseList;
use super::page::List;

/// Values of type `T` by list, made on first use.
#[derive(Debug)]
pub struct Cache<T> {
    made: Mutex<HashMap<List, Arc<T>>>,
}

impl<T> Default for Cache<T> {
    fn default() -> Self {
        Self {
            made: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> Cache<T> {
    /// The value of `list`, made by `make` if no page of it asked before. Two pages of a
    /// list rendered at once may both make it (the lock is not held meanwhile); the
    /// values are equal, and the first one stays.
    pub fn get(&self, list: List, make: impl FnOnce() -> T) -> Arc<T> {
        let lock = || self.made.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(value) = lock().get(&list) {
            return value.clone();
        }
        let value = Arc::new(make());
        lock().entry(list).or_insert(value).clone()
    }
}

/// The shared values of the lists of one render.
#[derive(Debug, Default)]
pub struct ListCaches {
    /// Postmortem lists (root causes, services, their severities, severities, years).
    pub browse: Cache<BrowseList>,
    /// The action items' counts.
    pub action_counts: OnceLock<ActionCounts>,
    /// Owners' items by postmortem.
    pub owners: Cache<OwnerItems>,
    /// Each owner's page, found once: every owner page shows rows that link an owner.
    pub owner_urls: OnceLock<OwnerUrls>,
}
