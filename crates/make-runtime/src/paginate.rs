//! Offset pagination over Make's list endpoints.
//!
//! Make lists take `pg[offset]`, `pg[limit]`, `pg[sortBy]` and `pg[sortDir]`.
//! [`paginate`] turns a page-fetching closure into a [`Stream`] of items, and
//! [`SortDir`] is the `pg[sortDir]` value.

use std::fmt;
use std::future::Future;

use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use crate::error::Error;

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

/// Walks pages starting at `offset` with `page_size` items per page.
///
/// `fetch(offset, limit)` fetches one page. Items are yielded in order; the
/// stream ends after a page with fewer than `page_size` items (or an empty
/// one). An error is yielded once and ends the stream. A `page_size` of 0
/// fetches a single page.
pub fn paginate<T, F, Fut>(
    offset: u64,
    page_size: u64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    F: FnMut(u64, u64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>, Error>> + Send + 'static,
    T: Send + 'static,
{
    futures::stream::unfold(Some((fetch, offset)), move |state| async move {
        let (mut fetch, offset) = state?;
        match fetch(offset, page_size).await {
            Ok(items) => {
                let len = items.len() as u64;
                let next = (page_size > 0 && len >= page_size).then(|| (fetch, offset + len));
                let items: Vec<Result<T, Error>> = items.into_iter().map(Ok).collect();
                Some((futures::stream::iter(items), next))
            }
            Err(e) => Some((futures::stream::iter(vec![Err(e)]), None)),
        }
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
        let items: Vec<u64> = paginate(0, 3, move |offset, limit| {
            c.lock().unwrap().push((offset, limit));
            async move { Ok((offset..(offset + limit).min(7)).collect()) }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, (0..7).collect::<Vec<_>>());
        assert_eq!(*calls.lock().unwrap(), vec![(0, 3), (3, 3), (6, 3)]);
    }

    #[tokio::test]
    async fn exact_multiple_ends_on_empty_page_and_zero_page_size_fetches_once() {
        let calls = Arc::new(Mutex::new(0));
        let c = calls.clone();
        let items: Vec<u64> = paginate(0, 2, move |offset, _| {
            *c.lock().unwrap() += 1;
            async move { Ok((offset..4.max(offset)).take(2).collect()) }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, vec![0, 1, 2, 3]);
        assert_eq!(*calls.lock().unwrap(), 3);

        let calls = Arc::new(Mutex::new(0));
        let c = calls.clone();
        let items: Vec<u64> = paginate(5, 0, move |_, _| {
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
        let results: Vec<Result<u64, Error>> = paginate(0, 2, |offset, _| async move {
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

    #[test]
    fn sort_dir_wire() {
        assert_eq!(SortDir::Desc.to_string(), "desc");
        assert_eq!(serde_json::to_string(&SortDir::Asc).unwrap(), "\"asc\"");
    }
}
