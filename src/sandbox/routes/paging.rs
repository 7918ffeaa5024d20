//! Pagination of listings (`?limit=&cursor=` → `{items, next_cursor}`). Cursors are
//! opaque to clients: for keyed listings the last key served, so pages stay stable while
//! items are added elsewhere.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::model::{FieldError, Page, PageQuery};
use crate::sandbox::error::ApiError;

/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: usize = 500;
/// The most items one page may hold.
pub const MAX_LIMIT: usize = 5000;

/// A validated `limit` and `cursor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    pub limit: usize,
    pub cursor: Option<String>,
}

impl Paging {
    /// Checks `limit` (1 to [`MAX_LIMIT`]).
    pub fn new(limit: Option<u32>, cursor: Option<String>) -> Result<Self, ApiError> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=MAX_LIMIT as u32).contains(&n) => n as usize,
            Some(n) => {
                return Err(ApiError::invalid(
                    "invalid",
                    format!("limit must be between 1 and {MAX_LIMIT}, got {n}"),
                    vec![FieldError {
                        path: "limit".into(),
                        message: format!("must be between 1 and {MAX_LIMIT}"),
                    }],
                ));
            }
        };
        Ok(Paging {
            limit,
            cursor: cursor.filter(|c| !c.is_empty()),
        })
    }

    /// From the shared query parameters.
    pub fn from_query(q: &PageQuery) -> Result<Self, ApiError> {
        Self::new(q.limit, q.cursor.clone())
    }

    /// One page of a map in key order, keeping the entries `pick` maps to an item.
    pub fn page_of<V, T>(
        &self,
        map: &BTreeMap<String, V>,
        mut pick: impl FnMut(&V) -> Option<T>,
    ) -> Page<T> {
        let start = match &self.cursor {
            Some(c) => Bound::Excluded(c.as_str()),
            None => Bound::Unbounded,
        };
        let mut items = Vec::new();
        let mut last_key: Option<&str> = None;
        let mut more = false;
        for (key, value) in map.range::<str, _>((start, Bound::Unbounded)) {
            let Some(item) = pick(value) else { continue };
            if items.len() == self.limit {
                more = true;
                break;
            }
            items.push(item);
            last_key = Some(key);
        }
        Page {
            items,
            next_cursor: if more {
                last_key.map(str::to_string)
            } else {
                None
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(n: usize) -> BTreeMap<String, usize> {
        (0..n).map(|i| (format!("k{i:03}"), i)).collect()
    }

    #[test]
    fn pages_cover_every_item_once() {
        let m = map(25);
        let mut cursor = None;
        let mut seen = Vec::new();
        loop {
            let p = Paging::new(Some(10), cursor).unwrap();
            let page = p.page_of(&m, |v| Some(*v));
            seen.extend(page.items);
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(seen, (0..25).collect::<Vec<_>>());
    }

    #[test]
    fn a_full_last_page_has_no_next_cursor() {
        let m = map(10);
        let page = Paging::new(Some(10), None)
            .unwrap()
            .page_of(&m, |v| Some(*v));
        assert_eq!(page.items.len(), 10);
        assert_eq!(page.next_cursor, None);
    }

    #[test]
    fn filtered_items_do_not_count() {
        let m = map(30);
        let page = Paging::new(Some(5), None)
            .unwrap()
            .page_of(&m, |v| (v % 3 == 0).then_some(*v));
        assert_eq!(page.items, vec![0, 3, 6, 9, 12]);
        assert_eq!(page.next_cursor.as_deref(), Some("k012"));
    }

    #[test]
    fn limits_are_checked() {
        assert!(Paging::new(Some(0), None).is_err());
        assert!(Paging::new(Some(MAX_LIMIT as u32 + 1), None).is_err());
        assert_eq!(Paging::new(None, None).unwrap().limit, DEFAULT_LIMIT);
    }
}
