//! Pagination over Make's list endpoints.
//!
//! Make lists take `pg[offset]`, `pg[limit]`, `pg[sortBy]` and `pg[sortDir]`, and echo the
//! offset and limit they applied in a `pg` object. [`paginate`] turns a page-fetching closure
//! into a [`Stream`] of items that ends only when the list is complete ([`Page`] carries the
//! echo), and [`SortDir`] is the `pg[sortDir]` value. Lists that also page by key (`pg[last]`,
//! Make's logs) are walked by [`paginate_cursor`] instead.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::{DefaultHasher, Hasher};

use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use crate::error::Error;

mod cursor;
mod total;
pub use cursor::{cursor_key, paginate_cursor, CursorPage};
pub use total::total_count;

/// Sort direction of a list (`pg[sortDir]`): `asc` or `desc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortDir {
    /// Ascending (`asc`).
    Asc,
    /// Descending (`desc`).
    Desc,
}

impl SortDir {
    /// The wire value, `asc` or `desc`.
    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }
}

impl fmt::Display for SortDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One page of an offset-paginated list, as the `fetch` closure of [`paginate`] returns it:
/// the items and what the server echoed in its `pg` object.
///
/// Make answers a list call with `"pg": {"offset": .., "limit": ..}`: the offset it started at
/// and the page size it applied, which is lower than the one asked for when the request asked for
/// more than the endpoint allows. A `Vec<T>` converts into a page that echoed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    items: Vec<T>,
    limit: Option<u64>,
    offset: Option<u64>,
}

impl<T> Page<T> {
    /// A page holding `items`, with no echo.
    pub fn new(items: Vec<T>) -> Self {
        Page {
            items,
            limit: None,
            offset: None,
        }
    }

    /// Records the `pg.limit` the server echoed: the page size it applied. `None`, a negative
    /// value or 0 records nothing.
    pub fn echoed_limit<L: TryInto<u64>>(mut self, limit: Option<L>) -> Self {
        self.limit = limit.and_then(|l| l.try_into().ok()).filter(|l| *l > 0);
        self
    }

    /// Records the `pg.offset` the server echoed: where it says the page starts. `None` or a
    /// negative value records nothing.
    pub fn echoed_offset<O: TryInto<u64>>(mut self, offset: Option<O>) -> Self {
        self.offset = offset.and_then(|o| o.try_into().ok());
        self
    }

    /// The page's items.
    pub fn items(&self) -> &[T] {
        &self.items
    }
}

impl<T> From<Vec<T>> for Page<T> {
    fn from(items: Vec<T>) -> Self {
        Page::new(items)
    }
}

/// Where an offset walk stands between two pages.
struct OffsetWalk {
    operation: &'static str,
    /// The `pg[offset]` of the next request.
    offset: u64,
    /// The `pg[limit]` every request asks for.
    page_size: u64,
    /// A fingerprint of every page so far whose items are not all alike, with the offset it
    /// was asked for: a server that answers a new offset with a page it already sent (the same
    /// page every time, or two pages in turn) does not honour `pg[offset]`.
    seen: HashMap<u64, u64>,
}

/// What to do after one page.
enum Next {
    /// Ask for the page at this offset.
    Fetch,
    /// The list is complete.
    End,
}

impl OffsetWalk {
    /// Checks a fetched page against the request, and decides whether another page follows.
    ///
    /// The walk ends on an empty page, or on a page shorter than the page size the server
    /// applied: its echoed `pg.limit` when it sent one (capped at the size asked for). A page
    /// without an echoed limit is never taken as the last because it is short (the server may
    /// have capped it without saying so): the walk then ends on the first empty page, one
    /// request later. A server that does not honour `pg[offset]` makes the walk fail instead of
    /// yielding the same items again and again: it echoes another offset than the one asked
    /// for, or answers with the very items of a page it sent for an earlier offset (whatever
    /// offset it echoes). That comparison is skipped for a page whose items are all alike:
    /// partial objects selected with `cols[]`, such as only `teamId`, can repeat legitimately.
    fn advance<T: PartialEq + Serialize>(&mut self, page: &Page<T>) -> Result<Next, Error> {
        let requested = self.offset;
        if let Some(echoed) = page.offset {
            if echoed != requested {
                return Err(self.offset_ignored(format!(
                    "asked for pg[offset]={requested}, the response says pg.offset={echoed}"
                )));
            }
        }
        let len = page.items.len() as u64;
        if len == 0 {
            return Ok(Next::End);
        }
        if page.items.windows(2).any(|w| w[0] != w[1]) {
            if let Some(fingerprint) = fingerprint(&page.items) {
                if let Some(earlier) = self.seen.insert(fingerprint, requested) {
                    return Err(self.offset_ignored(format!(
                        "the page at pg[offset]={requested} holds the same {len} items as the page at \
                         pg[offset]={earlier}"
                    )));
                }
            }
        }
        if self.page_size == 0 {
            return Ok(Next::End);
        }
        if let Some(granted) = page.limit {
            if len < granted.min(self.page_size) {
                return Ok(Next::End);
            }
        }
        self.offset = requested.saturating_add(len);
        Ok(Next::Fetch)
    }

    fn offset_ignored(&self, detail: String) -> Error {
        Error::Pagination {
            operation: self.operation,
            message: format!(
                "the server does not seem to honour pg[offset] ({detail}); stopped instead of \
                 yielding the same items again"
            ),
        }
    }
}

/// A 64-bit hash of the items' JSON: equal pages give equal fingerprints, and two different
/// pages the same one with a chance of one in 2^64. `None` if an item does not serialize.
fn fingerprint<T: Serialize>(items: &[T]) -> Option<u64> {
    struct Feed(DefaultHasher);
    impl std::io::Write for Feed {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut feed = Feed(DefaultHasher::new());
    for item in items {
        serde_json::to_writer(&mut feed, item).ok()?;
        feed.0.write_u8(b'\n');
    }
    Some(feed.0.finish())
}

/// Walks the pages of an offset-paginated list, from `offset` on, asking for `page_size`
/// items per page, and yields every item in order.
///
/// `fetch(offset, limit)` sends one request with `pg[offset]` and `pg[limit]` and returns the
/// page ([`Page`], or a `Vec<T>` when the response echoes no `pg`). The next request starts
/// where the items received so far end, so a page the server cut short is never skipped over.
/// The stream ends:
/// - after an empty page;
/// - after a page shorter than the page size the server applied, as echoed in `pg.limit`
///   (a short page without that echo is followed by one more request);
/// - with [`Error::Pagination`] when the server ignores `pg[offset]` (it echoes another offset,
///   or sends a page it already sent for an earlier offset): the items already yielded stay
///   valid, no item is repeated;
/// - with the first error `fetch` returns, yielded once.
///
/// A `page_size` of 0 fetches a single page. `operation` names the list in errors.
pub fn paginate<T, P, F, Fut>(
    operation: &'static str,
    offset: u64,
    page_size: u64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    F: FnMut(u64, u64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
    P: Into<Page<T>>,
    T: PartialEq + Serialize + Send + 'static,
{
    let walk = OffsetWalk {
        operation,
        offset,
        page_size,
        seen: HashMap::new(),
    };
    futures::stream::unfold(Some((fetch, walk)), move |state| async move {
        let (mut fetch, mut walk) = state?;
        let page: Page<T> = match fetch(walk.offset, walk.page_size).await {
            Ok(page) => page.into(),
            Err(e) => return Some((futures::stream::iter(vec![Err(e)]), None)),
        };
        let next = match walk.advance(&page) {
            Ok(Next::Fetch) => Some((fetch, walk)),
            Ok(Next::End) => None,
            // A repeated page is not yielded: the error takes its place.
            Err(e) => return Some((futures::stream::iter(vec![Err(e)]), None)),
        };
        let items: Vec<Result<T, Error>> = page.items.into_iter().map(Ok).collect();
        Some((futures::stream::iter(items), next))
    })
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::TryStreamExt;
    use std::sync::{Arc, Mutex};

    #[tokio::test]
    async fn walks_pages() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let c = calls.clone();
        let items: Vec<u64> = paginate("test.list", 0, 3, move |offset, limit| {
            c.lock().unwrap().push((offset, limit));
            async move { Ok((offset..(offset + limit).min(7)).collect::<Vec<_>>()) }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, (0..7).collect::<Vec<_>>());
        // Without an echoed `pg.limit` the short page is not trusted to be the last one.
        assert_eq!(
            *calls.lock().unwrap(),
            vec![(0, 3), (3, 3), (6, 3), (7, 3)]
        );
    }

    #[tokio::test]
    async fn exact_multiple_ends_on_empty_page_and_zero_page_size_fetches_once() {
        let calls = Arc::new(Mutex::new(0));
        let c = calls.clone();
        let items: Vec<u64> = paginate("test.list", 0, 2, move |offset, _| {
            *c.lock().unwrap() += 1;
            async move { Ok((offset..4.max(offset)).take(2).collect::<Vec<_>>()) }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, vec![0, 1, 2, 3]);
        assert_eq!(*calls.lock().unwrap(), 3);

        let calls = Arc::new(Mutex::new(0));
        let c = calls.clone();
        let items: Vec<u64> = paginate("test.list", 5, 0, move |_, _| {
            *c.lock().unwrap() += 1;
            async move { Ok(vec![1, 2]) }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, vec![1, 2]);
        assert_eq!(*calls.lock().unwrap(), 1);
    }

    #[tokio::test]
    async fn error_is_yielded_once_and_ends() {
        let results: Vec<Result<u64, Error>> = paginate("test.list", 0, 2, |offset, _| async move {
            if offset == 0 {
                Ok(vec![1, 2])
            } else {
                Err(Error::Config("boom".into()))
            }
        })
        .collect()
        .await;
        assert_eq!(results.len(), 3);
        assert!(matches!(results[2], Err(Error::Config(_))));
    }

    fn walk(page_size: u64) -> OffsetWalk {
        OffsetWalk {
            operation: "test.list",
            offset: 0,
            page_size,
            seen: HashMap::new(),
        }
    }

    #[test]
    fn short_page_ends_only_against_the_granted_limit() {
        // Asked for 5000, granted 1000: a full page of 1000 is not the last.
        let mut w = walk(5000);
        let full = Page::new(vec![1; 1000]).echoed_limit(Some(1000_i64));
        assert!(matches!(w.advance(&full), Ok(Next::Fetch)));
        assert_eq!(w.offset, 1000);
        let short = Page::new(vec![2; 999]).echoed_limit(Some(1000_i64));
        assert!(matches!(w.advance(&short), Ok(Next::End)));
        // An echo above the size asked for does not make a short page look full.
        let mut w = walk(10);
        let p = Page::new(vec![1; 9]).echoed_limit(Some(100_i64));
        assert!(matches!(w.advance(&p), Ok(Next::End)));
        // A zero or negative echo is no echo.
        let p = Page::new(vec![1u32]).echoed_limit(Some(-1_i64));
        assert_eq!(p.limit, None);
        assert_eq!(Page::new(vec![1u32]).echoed_limit(Some(0_u64)).limit, None);
        assert!(matches!(walk(10).advance(&Page::<u32>::new(vec![])), Ok(Next::End)));
    }

    #[test]
    fn ignored_offset_is_an_error() {
        let mut w = walk(2);
        let first = Page::new(vec![1, 2]).echoed_offset(Some(0_i64));
        assert!(matches!(w.advance(&first), Ok(Next::Fetch)));
        // The server says it started at 0 again.
        let again = Page::new(vec![3, 4]).echoed_offset(Some(0_i64));
        let err = w.advance(&again).err().unwrap();
        assert!(matches!(err, Error::Pagination { .. }), "{err}");
        assert!(err.to_string().contains("pg[offset]=2"), "{err}");
        // No echo, but the same items as the page before.
        let mut w = walk(2);
        assert!(matches!(w.advance(&Page::new(vec![1, 2])), Ok(Next::Fetch)));
        let err = w.advance(&Page::new(vec![1, 2])).err().unwrap();
        assert!(err.to_string().contains("same 2 items as the page at pg[offset]=0"), "{err}");
        // Pages of identical partial objects may repeat.
        let mut w = walk(2);
        assert!(matches!(w.advance(&Page::new(vec![7, 7])), Ok(Next::Fetch)));
        assert!(matches!(w.advance(&Page::new(vec![7, 7])), Ok(Next::Fetch)));
        // An echo of the offset asked for does not make the same page a new one (Make builds
        // `pg` from the request, so a server ignoring the offset echoes it all the same).
        let mut w = walk(2);
        let at = |o: i64| Page::new(vec![1, 2]).echoed_offset(Some(o));
        assert!(matches!(w.advance(&at(0)), Ok(Next::Fetch)));
        assert!(w.advance(&at(2)).is_err());
        // Two pages in turn: the third is the first again.
        let mut w = walk(2);
        assert!(matches!(w.advance(&Page::new(vec![1, 2])), Ok(Next::Fetch)));
        assert!(matches!(w.advance(&Page::new(vec![3, 4])), Ok(Next::Fetch)));
        let err = w.advance(&Page::new(vec![1, 2])).err().unwrap();
        assert!(err.to_string().contains("pg[offset]=4 holds the same 2 items as the page at pg[offset]=0"), "{err}");
        // Distinct pages go on.
        let mut w = walk(2);
        for page in [vec![1, 2], vec![2, 1], vec![3, 4], vec![4, 3]] {
            assert!(matches!(w.advance(&Page::new(page)), Ok(Next::Fetch)));
        }
    }

    #[test]
    fn sort_dir_wire() {
        assert_eq!(SortDir::Desc.to_string(), "desc");
        assert_eq!(serde_json::to_string(&SortDir::Asc).unwrap(), "\"asc\"");
    }
}
