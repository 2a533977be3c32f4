//! Key-based ("cursor") pagination: Make's `pg[last]`.
//!
//! Some Make lists (scenario and module logs, audit logs, analytics) also page by key: the
//! request's `pg[last]` is the key of the last item already received, and the response holds the
//! items after it, in the list's sort order (`pg[sortBy]`, for logs `imtId`, newest first).
//! Unlike an offset, a key stays right while new items arrive at the head of the list, which logs
//! do all the time.
//!
//! The key of the next page is the sort field (the `sortBy` the response echoes in `pg`, else the
//! one asked for) of the last item of the page; when no item carries it, the `pg.last` the
//! response echoes, if it moved. The walk ends after an empty page or a page shorter than the
//! page size the server applied (the echoed `pg.limit`, else the one asked for). A server that
//! answers a key with the same key again would loop forever: that ends in
//! [`Error::Pagination`](crate::Error::Pagination) (the repeated page is not yielded), as does a
//! full page whose next key cannot be found (after its items).

use std::future::Future;

use futures::{Stream, StreamExt};
use serde::Serialize;

use crate::error::Error;

/// One page of a list walked by key, with what the response's `pg` object echoes.
#[derive(Debug, Clone, PartialEq)]
pub struct CursorPage<T> {
    items: Vec<T>,
    last: Option<String>,
    sort_by: Option<String>,
    limit: Option<u64>,
}

impl<T> CursorPage<T> {
    /// A page holding `items`, with no echo.
    pub fn new(items: Vec<T>) -> Self {
        CursorPage { items, last: None, sort_by: None, limit: None }
    }

    /// Reads `last`, `sortBy` and `limit` from the response's `pg` object, whatever types the
    /// docs gave them (a key may arrive as a number or a string, a limit as a numeric string).
    pub fn echo<E: Serialize + ?Sized>(mut self, pg: Option<&E>) -> Self {
        let Some(value) = pg.and_then(|pg| serde_json::to_value(pg).ok()) else { return self };
        self.last = value.get("last").and_then(key_text);
        self.sort_by = value.get("sortBy").and_then(key_text);
        self.limit = value.get("limit").and_then(key_text).and_then(|l| l.parse().ok()).filter(|l| *l > 0);
        self
    }

    /// The page's items.
    pub fn items(&self) -> &[T] {
        &self.items
    }
}

impl<T> From<Vec<T>> for CursorPage<T> {
    fn from(items: Vec<T>) -> Self {
        CursorPage::new(items)
    }
}

/// The text of a key-like value: a string as it is, a number as its digits; `None` for
/// anything else (null, objects) and for an empty string.
pub fn cursor_key<V: Serialize + ?Sized>(value: &V) -> Option<String> {
    serde_json::to_value(value).ok().as_ref().and_then(key_text)
}

fn key_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

struct KeyWalk {
    operation: &'static str,
    cursor: Option<String>,
    /// Every key asked for so far: keys only move on in a walk, so a key met again means the
    /// server answers with pages it already sent (the same one, or a few in turn).
    asked: std::collections::HashSet<String>,
    sort_by: Option<String>,
    page_size: u64,
}

impl KeyWalk {
    /// The key to ask for next, `None` at the end of the list. An error says whether the page's
    /// items are still new (`true`) or a repeat of the page before (`false`, not yielded).
    fn advance<T: Serialize>(&mut self, page: &CursorPage<T>) -> Result<Option<String>, (Error, bool)> {
        let Some(last_item) = page.items.last() else { return Ok(None) };
        let len = page.items.len() as u64;
        let short = self.page_size == 0 || len < page.limit.unwrap_or(self.page_size).min(self.page_size);
        let field = page.sort_by.as_deref().or(self.sort_by.as_deref());
        let from_item = field.and_then(|f| serde_json::to_value(last_item).ok().and_then(|v| v.get(f).and_then(key_text)));
        let next = from_item.or_else(|| page.last.clone().filter(|l| Some(l) != self.cursor.as_ref()));
        match next {
            _ if short => Ok(None),
            None => Err((
                self.error(format!(
                    "a full page of {len} items carries no key to ask for the next one (no `{}` field in its last item, no new `pg.last`)",
                    field.unwrap_or("pg[sortBy]")
                )),
                true,
            )),
            Some(next) if Some(&next) == self.cursor.as_ref() => Err((
                self.error(format!(
                    "asked for the items after pg[last]={next}, the page ends with that key again; the server does not seem to honour pg[last]"
                )),
                false,
            )),
            Some(next) if self.asked.contains(&next) => Err((
                self.error(format!(
                    "the page after pg[last]={} ends with the key {next}, which an earlier page already ended with; the server does not seem to honour pg[last]",
                    self.cursor.as_deref().unwrap_or("(none)")
                )),
                false,
            )),
            Some(next) => {
                self.asked.insert(next.clone());
                Ok(Some(next))
            }
        }
    }

    fn error(&self, message: String) -> Error {
        Error::Pagination { operation: self.operation, message: format!("{message}; stopped instead of yielding the same items again") }
    }
}

/// Walks a list by key, starting after `start` (from the head of the list for `None`), with
/// `page_size` items per page. `sort_by` is the sort field asked for (`pg[sortBy]`), used when a
/// response does not echo one.
///
/// `fetch(cursor, limit)` fetches one page: the items after `cursor`. Items are yielded in
/// order; an error is yielded once and ends the stream. A `page_size` of 0 fetches one page.
pub fn paginate_cursor<T, F, Fut>(
    operation: &'static str,
    start: Option<String>,
    sort_by: Option<String>,
    page_size: u64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    F: FnMut(Option<String>, u64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<CursorPage<T>, Error>> + Send + 'static,
    T: Serialize + Send + 'static,
{
    let asked = start.iter().cloned().collect();
    let walk = KeyWalk { operation, cursor: start, asked, sort_by, page_size };
    futures::stream::unfold(Some((fetch, walk)), move |state| async move {
        let (mut fetch, mut walk) = state?;
        let page = match fetch(walk.cursor.clone(), walk.page_size).await {
            Ok(page) => page,
            Err(e) => return Some((futures::stream::iter(vec![Err(e)]), None)),
        };
        let next = match walk.advance(&page) {
            Ok(Some(cursor)) => {
                walk.cursor = Some(cursor);
                Some((fetch, walk))
            }
            Ok(None) => None,
            Err((e, new_items)) => {
                let mut items: Vec<Result<T, Error>> = if new_items { page.items.into_iter().map(Ok).collect() } else { Vec::new() };
                items.push(Err(e));
                return Some((futures::stream::iter(items), None));
            }
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
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    #[derive(Debug, Clone, PartialEq, Serialize)]
    struct Log {
        #[serde(rename = "imtId")]
        imt_id: String,
    }

    fn log(n: u32) -> Log {
        Log { imt_id: format!("{n:04}_scenario.1.auto") }
    }

    /// A server holding logs 20..1 (newest first) that answers `pg[last]` with the logs after it.
    fn server(capped_at: usize, calls: Arc<Mutex<Vec<Option<String>>>>) -> impl FnMut(Option<String>, u64) -> futures::future::Ready<Result<CursorPage<Log>, Error>> {
        move |cursor, limit| {
            calls.lock().unwrap().push(cursor.clone());
            let all: Vec<Log> = (1..=20).rev().map(log).collect();
            let start = cursor.map_or(0, |c| all.iter().position(|l| l.imt_id == c).map_or(all.len(), |i| i + 1));
            let granted = (limit as usize).min(capped_at);
            let items: Vec<Log> = all.into_iter().skip(start).take(granted).collect();
            let pg = json!({"sortBy": "imtId", "sortDir": "desc", "limit": granted.to_string(), "last": "9999_scenario.1.auto", "showLast": false});
            futures::future::ready(Ok(CursorPage::new(items).echo(Some(&pg))))
        }
    }

    #[tokio::test]
    async fn walks_by_the_last_items_key_and_honours_the_granted_limit() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let items: Vec<Log> = paginate_cursor("t.logs", None, None, 8, server(5, calls.clone())).try_collect().await.unwrap();
        assert_eq!(items, (1..=20).rev().map(log).collect::<Vec<_>>());
        // Capped at 5 per page although 8 were asked for: the walk goes on after 5-item pages.
        let calls = calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 5, "{calls:?}");
        assert_eq!(calls[0], None);
        assert_eq!(calls[1].as_deref(), Some("0016_scenario.1.auto"));
    }

    #[tokio::test]
    async fn starts_after_a_given_key() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let items: Vec<Log> =
            paginate_cursor("t.logs", Some(log(5).imt_id), None, 3, server(100, calls)).try_collect().await.unwrap();
        assert_eq!(items, (1..=4).rev().map(log).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_server_ignoring_the_key_ends_in_an_error_not_a_loop() {
        let results: Vec<Result<Log, Error>> = paginate_cursor("t.logs", None, None, 2, |_, _| {
            futures::future::ready(Ok(CursorPage::new(vec![log(9), log(8)]).echo(Some(&json!({"sortBy": "imtId"})))))
        })
        .collect()
        .await;
        // The first page, then the error: the repeated page is not yielded again.
        assert_eq!(results.len(), 3, "{results:?}");
        assert!(matches!(&results[2], Err(Error::Pagination { operation: "t.logs", message }) if message.contains("pg[last]")));
    }

    #[tokio::test]
    async fn two_pages_in_turn_end_in_an_error_not_a_loop() {
        // Pages A, B, A, B... whatever key is asked for: B's end key comes back on the third page.
        let calls = Arc::new(Mutex::new(0u32));
        let c = calls.clone();
        let results: Vec<Result<Log, Error>> = paginate_cursor("t.logs", None, None, 2, move |_, _| {
            let mut n = c.lock().unwrap();
            *n += 1;
            let items = if *n % 2 == 1 { vec![log(9), log(8)] } else { vec![log(7), log(6)] };
            futures::future::ready(Ok(CursorPage::new(items).echo(Some(&json!({"sortBy": "imtId"})))))
        })
        .take(100)
        .collect()
        .await;
        assert_eq!(results.len(), 5, "{results:?}");
        assert!(matches!(&results[4], Err(Error::Pagination { message, .. }) if message.contains("an earlier page already ended with")), "{:?}", results[4]);
        assert_eq!(*calls.lock().unwrap(), 3);
    }

    #[tokio::test]
    async fn without_a_key_field_the_moving_pg_last_is_used_and_a_stuck_one_is_an_error() {
        // Items without the sort field; the echo's `last` moves: it is the next key.
        let calls = Arc::new(Mutex::new(0u32));
        let c = calls.clone();
        let items: Vec<u32> = paginate_cursor("t.x", None, Some("imtId".into()), 2, move |cursor, _| {
            *c.lock().unwrap() += 1;
            let n: u32 = cursor.map_or(10, |c| c.parse().unwrap());
            let items: Vec<u32> = (1..n).rev().take(2).collect();
            let last = items.last().copied().unwrap_or(0);
            futures::future::ready(Ok(CursorPage::new(items).echo(Some(&json!({"last": last})))))
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, (1..10).rev().collect::<Vec<_>>());

        // Full pages that never say where they end.
        let results: Vec<Result<u32, Error>> =
            paginate_cursor("t.x", None, None, 2, |_, _| futures::future::ready(Ok(CursorPage::new(vec![1, 2])))).collect().await;
        assert_eq!(results.len(), 3);
        assert!(matches!(&results[2], Err(Error::Pagination { .. })));
    }

    #[tokio::test]
    async fn empty_and_short_pages_end_and_errors_are_yielded_once() {
        let items: Vec<Log> = paginate_cursor("t", None, None, 5, |_, _| futures::future::ready(Ok(CursorPage::new(vec![log(1)]))))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, vec![log(1)]);
        let results: Vec<Result<Log, Error>> =
            paginate_cursor("t", None, None, 5, |_, _| futures::future::ready(Err(Error::Config("boom".into())))).collect().await;
        assert_eq!(results.len(), 1);
        assert_eq!(cursor_key(&json!(12)), Some("12".into()));
        assert_eq!(cursor_key(&json!("")), None);
        assert_eq!(cursor_key(&json!(null)), None);
    }
}
