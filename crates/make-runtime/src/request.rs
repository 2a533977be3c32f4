//! Building and sending one request.
//!
//! [`RequestBuilder`] collects path parameters (percent-encoded as one path
//! segment each), query pairs (form-urlencoded, in call order, so `type[]`
//! goes out as `type%5B%5D`), headers and a body. Problems found while
//! building (an unserializable body, an invalid header) are kept and returned
//! by the `send_*` methods as [`Error::InvalidRequest`] before anything is
//! sent. Sending checks scopes, waits for the rate limiter, retries according
//! to the [`RetryPolicy`](crate::RetryPolicy) and decodes the response or
//! Make's error body, inside one `tracing` span per call.

use std::fmt::Display;
use std::pin::Pin;
use std::time::Duration;

use futures::{Stream, StreamExt};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use http::StatusCode;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::field::Empty;
use tracing::Instrument;
use url::Url;

use crate::client::{Client, Operation};
use crate::multipart::Multipart;
use crate::style::{self, Style};
use url::form_urlencoded::byte_serialize;
use crate::error::{body_start, ApiError, Error};
use crate::retry::{retry_after, Failure, RetryPolicy};
use crate::token::{AuthHeader, Credentials};

/// Characters left as is in a path segment: RFC 3986 "unreserved".
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

enum Body {
    Empty,
    Buffered {
        bytes: Bytes,
        content_type: &'static str,
    },
    Stream {
        body: Option<reqwest::Body>,
        content_type: &'static str,
    },
    Multipart(Multipart),
}

/// One piece of the query string, in call order.
enum QueryPart {
    /// Form-urlencoded on the wire.
    Pair(String, String),
    /// Already encoded by a [`Style`] (`name` is kept for `Debug`).
    Encoded { name: String, text: String },
}

impl QueryPart {
    fn name(&self) -> &str {
        match self {
            QueryPart::Pair(n, _) | QueryPart::Encoded { name: n, .. } => n,
        }
    }
}

/// The body of a response as it arrives, chunk by chunk.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send + 'static>>;

/// Reads a streamed response body to its end (for callers that want it whole after all).
pub async fn read_stream(stream: Result<ByteStream, Error>) -> Result<Bytes, Error> {
    let mut stream = stream?;
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(Bytes::from(out))
}

/// One request for one [`Operation`], created by [`Client::request`].
///
/// Setters take and return `self`; finish with one of the `send_*` methods.
#[must_use = "a request does nothing until one of the send_* methods is awaited"]
pub struct RequestBuilder {
    client: Client,
    op: &'static Operation,
    path_params: Vec<(String, String)>,
    query: Vec<QueryPart>,
    headers: HeaderMap,
    body: Body,
    error: Option<String>,
}

impl std::fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be personal data: show names only.
        f.debug_struct("RequestBuilder")
            .field("operation", &self.op.name)
            .field(
                "path_params",
                &self.path_params.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field(
                "query",
                &self.query.iter().map(QueryPart::name).collect::<Vec<_>>(),
            )
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A response, body read; or, for [`RequestBuilder::send_stream`], a 2xx response whose body
/// is left in `unread` for the caller (`body` is then empty).
pub(crate) struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    unread: Option<reqwest::Response>,
}

/// How the body of a 2xx response is taken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Take {
    /// Read whole before the call returns.
    Whole,
    /// Left unread, to be streamed by the caller. Error responses are still read whole.
    Stream,
}

#[cfg(feature = "catalogue")]
impl Raw {
    /// A response given as parts (the catalogue decodes bodies it did not receive itself).
    pub(crate) fn from_parts(status: StatusCode, body: &[u8]) -> Raw {
        Raw {
            unread: None,
            status,
            headers: HeaderMap::new(),
            body: Bytes::copy_from_slice(body),
        }
    }
}

impl RequestBuilder {
    pub(crate) fn new(client: Client, op: &'static Operation) -> Self {
        RequestBuilder {
            client,
            op,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Body::Empty,
            error: None,
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    /// Fills the `{name}` placeholder of the path with `value`, percent-encoded
    /// on its own (a `/` in the value becomes `%2F`); literal text around the
    /// placeholder (`/reports/{year}-{month}.{format}`) is kept as written. A
    /// filled segment that ends up empty, `.` or `..` is refused when the URL is
    /// built, since it would change which resource is addressed.
    pub fn path_param(mut self, name: impl AsRef<str>, value: impl Display) -> Self {
        let name = name.as_ref();
        let value = value.to_string();
        let encoded = utf8_percent_encode(&value, SEGMENT).to_string();
        match self.path_params.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = encoded,
            None => self.path_params.push((name.to_owned(), encoded)),
        }
        self
    }

    /// Appends the query pair `name=value` (the name is used verbatim, e.g.
    /// `pg[offset]`; both are form-urlencoded on the wire).
    pub fn query(mut self, name: impl AsRef<str>, value: impl Display) -> Self {
        self.query
            .push(QueryPart::Pair(name.as_ref().to_owned(), value.to_string()));
        self
    }

    /// Appends `name=value` when `value` is `Some`.
    pub fn query_opt<V: Display>(self, name: impl AsRef<str>, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Appends one `name=value` pair per value, e.g. `type[]=a&type[]=b`; an
    /// empty iterator adds nothing.
    pub fn query_array<I>(mut self, name: impl AsRef<str>, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Display,
    {
        let name = name.as_ref();
        for v in values {
            self.query
                .push(QueryPart::Pair(name.to_owned(), v.to_string()));
        }
        self
    }

    /// Adds a query parameter laid out by its OpenAPI `style` and `explode` (see
    /// [`style::query`](crate::style::query)); `None` adds nothing.
    pub fn query_styled<T: Serialize + ?Sized>(
        mut self,
        name: impl AsRef<str>,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Self {
        let name = name.as_ref();
        match style::query(name, value, style, explode) {
            Ok(pieces) => self.query.extend(pieces.into_iter().map(|text| QueryPart::Encoded {
                name: name.to_owned(),
                text,
            })),
            Err(e) => self.fail(e.to_string()),
        }
        self
    }

    /// Fills the `{name}` placeholder of the path with a value laid out by its OpenAPI `style`
    /// (`simple`, `label`, `matrix`) and `explode` (see [`style::path`](crate::style::path)).
    pub fn path_styled<T: Serialize + ?Sized>(
        mut self,
        name: impl AsRef<str>,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Self {
        let name = name.as_ref();
        match style::path(name, value, style, explode) {
            Ok(text) if text.is_empty() => self.fail(format!("path parameter `{name}` must not be empty")),
            Ok(text) => match self.path_params.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = text,
                None => self.path_params.push((name.to_owned(), text)),
            },
            Err(e) => self.fail(e.to_string()),
        }
        self
    }

    /// Adds a header whose value is laid out in OpenAPI's `simple` style (lists and objects
    /// comma-separated, see [`style::header`](crate::style::header)).
    pub fn header_styled<T: Serialize + ?Sized>(self, name: impl AsRef<str>, value: &T, explode: bool) -> Self {
        match style::header(value, explode) {
            Ok(text) => self.header(name, text),
            Err(e) => {
                let mut this = self;
                this.fail(e.to_string());
                this
            }
        }
    }

    /// Adds a request header. An invalid name or value makes the send fail
    /// with [`Error::InvalidRequest`].
    pub fn header(mut self, name: impl AsRef<str>, value: impl Display) -> Self {
        let name = name.as_ref();
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.fail(format!("invalid header name `{name}`"));
            return self;
        };
        match HeaderValue::from_str(&value.to_string()) {
            Ok(v) => {
                self.headers.append(header_name, v);
            }
            Err(_) => self.fail(format!(
                "invalid value for header `{name}` (control characters or non-ASCII)"
            )),
        }
        self
    }

    /// Adds a request header when `value` is `Some`.
    pub fn header_opt<V: Display>(self, name: impl AsRef<str>, value: Option<V>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    /// Sends this request with other credentials than the client's (for a
    /// program acting for several users); see
    /// [`Client::with_credentials`](crate::Client::with_credentials).
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.client = self.client.with_credentials(credentials);
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`). A
    /// serialization error is returned by the `send_*` method.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(v) => {
                self.body = Body::Buffered {
                    bytes: Bytes::from(v),
                    content_type: "application/json",
                }
            }
            Err(e) => self.fail(format!("could not serialize the JSON body: {e}")),
        }
        self
    }

    /// Sends `body` as `application/x-www-form-urlencoded`: each property in `form` style,
    /// exploded, unless `encoding` (the docs' per-property `style`/`explode`) says otherwise;
    /// enum values go as their wire strings (see [`style::form_body`](crate::style::form_body)).
    pub fn form<B: Serialize + ?Sized>(mut self, body: &B, encoding: &[(&str, Style, bool)]) -> Self {
        match style::form_body(body, encoding) {
            Ok(text) => {
                self.body = Body::Buffered {
                    bytes: Bytes::from(text),
                    content_type: "application/x-www-form-urlencoded",
                }
            }
            Err(e) => self.fail(e.to_string()),
        }
        self
    }

    /// Sends a `multipart/form-data` body (re-sent as is on retries).
    pub fn multipart(mut self, mut form: Multipart) -> Self {
        if let Some(e) = form.take_error().or_else(|| form.to_form().err()) {
            self.fail(e);
        }
        self.body = Body::Multipart(form);
        self
    }

    /// Sends `bytes` as the body with the given content type (re-sent as is on retries).
    pub fn bytes(mut self, bytes: impl Into<Bytes>, content_type: &'static str) -> Self {
        self.body = Body::Buffered {
            bytes: bytes.into(),
            content_type,
        };
        self
    }

    /// Sends a streaming body. A request with a streaming body is never
    /// retried, since the stream cannot be replayed (a body that is in fact
    /// buffered is kept as bytes and can be).
    pub fn body_stream(mut self, body: reqwest::Body, content_type: &'static str) -> Self {
        self.body = match body.as_bytes() {
            Some(b) => Body::Buffered {
                bytes: Bytes::copy_from_slice(b),
                content_type,
            },
            None => Body::Stream {
                body: Some(body),
                content_type,
            },
        };
        self
    }

    /// Sends the request and decodes a 2xx JSON body into `T` (an empty body
    /// decodes as JSON `null`, so `()` and `Option<_>` accept it).
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send_json_holding(None).await
    }

    /// Sends the request for one page of a list and decodes it like
    /// [`send_json`](Self::send_json), after checking that the body is a JSON object that holds
    /// the list, under the name `list` (`null` counts: it is an empty list). Any other 2xx body
    /// (empty, `[]`, Make's error object, an object with other keys) is an [`Error::Decode`]:
    /// read as a page, it would decode as an empty one, and a walk through the pages would end
    /// there, dropping the rest of the list without a word.
    pub async fn send_page<T: DeserializeOwned>(self, list: &'static str) -> Result<T, Error> {
        self.send_json_holding(Some(list)).await
    }

    /// `send_json`, and with `list` set, `send_page`'s check that the body holds that member.
    async fn send_json_holding<T: DeserializeOwned>(mut self, list: Option<&'static str>) -> Result<T, Error> {
        if !self.headers.contains_key(ACCEPT) {
            self.headers
                .insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        let op = self.op.name;
        let raw = self.execute(Take::Whole).await?;
        if let Some(list) = list {
            let blank = raw.body.iter().all(u8::is_ascii_whitespace);
            // Blank, or JSON without the list: refused here. Not JSON at all: `decode_json`
            // below says where it breaks.
            if blank || has_member(&raw.body, list) == Some(false) {
                return Err(Error::Decode {
                    operation: op,
                    status: raw.status,
                    path: ".".into(),
                    message: format!(
                        "expected a page of the list: a JSON object with `{list}`; an empty body or \
                         another object would read as an empty page and end the list early"
                    ),
                    body_start: body_start(&raw.body),
                });
            }
        }
        decode_json(op, &raw)
    }

    /// Sends the request and returns the 2xx body as text.
    pub async fn send_text(self) -> Result<String, Error> {
        let op = self.op.name;
        let raw = self.execute(Take::Whole).await?;
        String::from_utf8(raw.body.to_vec()).map_err(|e| Error::Decode {
            operation: op,
            status: raw.status,
            path: ".".into(),
            message: format!("the body is not valid UTF-8: {e}"),
            body_start: body_start(&raw.body),
        })
    }

    /// Sends the request and returns the raw 2xx body.
    pub async fn send_bytes(self) -> Result<Bytes, Error> {
        Ok(self.execute(Take::Whole).await?.body)
    }

    /// Sends the request and returns the 2xx body as a stream of chunks, as they arrive
    /// (`text/event-stream`, large downloads). Scopes, the rate limit, retries and tracing are
    /// those of the other `send_*`: an attempt that fails before a 2xx response (a 429, a 503,
    /// a refused connection) is retried by the same policy. Once the 2xx response has arrived the
    /// call is not repeated: a stream that breaks off yields an [`Error::Transport`] item and
    /// ends. An error status is decoded like the other `send_*`.
    pub async fn send_stream(self) -> Result<ByteStream, Error> {
        let op = self.op.name;
        let raw = self.execute(Take::Stream).await?;
        Ok(match raw.unread {
            // A body that failed (broke off, or waited too long for a chunk) ends with that one
            // error: the transport's own stream may go on answering every poll with it.
            Some(response) => Box::pin(response.bytes_stream().scan(false, move |failed, chunk| {
                if *failed {
                    return std::future::ready(None);
                }
                *failed = chunk.is_err();
                std::future::ready(Some(chunk.map_err(|e| classify(e).1.with_operation(op))))
            })),
            // Only an error response is read whole, and that never gets here; a body that was
            // read anyway is still the body.
            None => Box::pin(futures::stream::once(std::future::ready(Ok(raw.body)))),
        })
    }

    /// Sends the request and ignores the 2xx body.
    pub async fn send_empty(self) -> Result<(), Error> {
        self.execute(Take::Whole).await.map(drop)
    }

    /// The full URL: base URL, filled path and query.
    fn url(&self) -> Result<Url, Error> {
        let op = self.op;
        let invalid = |message: String| Error::InvalidRequest {
            operation: op.name,
            message,
        };
        let mut path = String::with_capacity(op.path.len() + 16);
        if !op.path.starts_with('/') {
            path.push('/');
        }
        let mut used = vec![false; self.path_params.len()];
        let mut rest = op.path;
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                return Err(invalid(format!("malformed path template `{}`", op.path)));
            };
            let name = &rest[open + 1..open + close];
            match self.path_params.iter().position(|(n, _)| n == name) {
                Some(i) => {
                    used[i] = true;
                    path.push_str(&self.path_params[i].1);
                }
                None => return Err(invalid(format!("path parameter `{name}` was not set"))),
            }
            rest = &rest[open + close + 1..];
        }
        path.push_str(rest);
        // A segment made of parameters that is empty, `.` or `..` addresses another resource.
        for (template, filled) in op.path.split('/').zip(path.split('/').skip(usize::from(!op.path.starts_with('/')))) {
            if template.contains('{') && matches!(filled, "" | "." | "..") {
                return Err(invalid(format!(
                    "the path segment `{template}` must not be empty, `.` or `..` once filled in (it is `{filled}`)"
                )));
            }
        }
        if let Some(i) = used.iter().position(|u| !u) {
            return Err(invalid(format!(
                "path parameter `{}` is not in the path `{}`",
                self.path_params[i].0, op.path
            )));
        }
        let mut url = Url::parse(&format!("{}{}", self.client.base_url(), path))
            .map_err(|e| invalid(format!("invalid URL: {e}")))?;
        if !self.query.is_empty() {
            let mut query = url.query().unwrap_or_default().to_owned();
            for part in &self.query {
                if !query.is_empty() {
                    query.push('&');
                }
                match part {
                    QueryPart::Pair(name, value) => {
                        query.extend(byte_serialize(name.as_bytes()));
                        query.push('=');
                        query.extend(byte_serialize(value.as_bytes()));
                    }
                    QueryPart::Encoded { text, .. } => query.push_str(text),
                }
            }
            url.set_query(Some(&query));
        }
        Ok(url)
    }

    /// Refuses a call the token's scopes do not allow, or a request that could not be built.
    fn preflight(&mut self) -> Result<(), Error> {
        let op = self.op;
        if let Some(have) = &self.client.inner.scopes {
            let missing: Vec<String> = op
                .scopes
                .iter()
                .filter(|s| !have.contains(**s))
                .map(|s| (*s).to_owned())
                .collect();
            if !missing.is_empty() {
                return Err(Error::MissingScope {
                    operation: op.name,
                    missing,
                });
            }
        }
        if let Err(message) = &self.client.auth.header {
            return Err(Error::Config(message.clone()));
        }
        if let Some(message) = self.error.take() {
            return Err(Error::InvalidRequest {
                operation: op.name,
                message,
            });
        }
        Ok(())
    }

    /// Checks, sends with retries, and returns a 2xx response or the error.
    async fn execute(mut self, take: Take) -> Result<Raw, Error> {
        let op = self.op;
        self.preflight()?;
        let url = self.url()?;
        let span = tracing::info_span!(
            "make_request",
            operation = op.name,
            method = %op.method,
            path = op.path,
            status = Empty,
            attempt = Empty,
            elapsed_ms = Empty,
        );
        let result = self
            .send_with_retries(url, take, &span)
            .instrument(span.clone())
            .await;
        match &result {
            Ok(raw) => {
                tracing::debug!(parent: &span, status = raw.status.as_u16(), "Make API call succeeded")
            }
            // Only the kind and status: error messages may quote response bodies.
            Err(e) => tracing::debug!(
                parent: &span,
                error_kind = e.kind(),
                status = e.status().map(|s| s.as_u16()),
                "Make API call failed"
            ),
        }
        result
    }

    async fn send_with_retries(
        &mut self,
        url: Url,
        take: Take,
        span: &tracing::Span,
    ) -> Result<Raw, Error> {
        let client = self.client.clone();
        let inner = &client.inner;
        let op = self.op;
        let start = tokio::time::Instant::now();
        let streaming = matches!(self.body, Body::Stream { .. });
        let max_attempts = if streaming { 1 } else { inner.retry.attempts() };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            if let Some(limiter) = &inner.limiter {
                limiter.acquire().await;
            }
            let request = self.build_attempt(&url, take);
            let mut extensions = self.auth_extensions();
            let outcome =
                attempt_once(inner.http.execute_with_extensions(request, &mut extensions), take)
                    .await;
            let elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
            span.record("elapsed_ms", elapsed_ms);

            let failure = match &outcome {
                Ok(raw) => {
                    span.record("status", raw.status.as_u16());
                    tracing::debug!(
                        attempt,
                        status = raw.status.as_u16(),
                        elapsed_ms,
                        "response received"
                    );
                    Failure::Status(raw.status)
                }
                Err((failure, _)) => *failure,
            };
            if matches!(failure, Failure::Status(s) if s.is_success()) {
                break outcome.map_err(|(_, e)| e.with_operation(op.name));
            }
            let asked = outcome
                .as_ref()
                .ok()
                .and_then(|raw| retry_after(&raw.headers));
            let delay = (attempt < max_attempts && RetryPolicy::is_retryable(&op.method, failure))
                .then(|| inner.retry.delay(attempt, asked))
                .flatten();
            let Some(delay) = delay else {
                break match outcome {
                    Ok(raw) => Err(status_error(op, raw, asked)),
                    Err((_, e)) => Err(e.with_operation(op.name)),
                };
            };
            let reason = match failure {
                Failure::Status(s) => format!("HTTP {s}"),
                Failure::Connect => "connection failed".into(),
                Failure::Timeout => "timed out".into(),
                Failure::Transport => "transport error".into(),
                Failure::Fatal => "error".into(),
            };
            tracing::warn!(
                attempt,
                next_attempt = attempt + 1,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                reason = %reason,
                "retrying Make API request"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// The extensions every attempt is sent with: the request's credentials, which the
    /// innermost middleware ([`ApplyAuth`]) puts into the headers.
    fn auth_extensions(&self) -> http::Extensions {
        let mut extensions = http::Extensions::new();
        if let Ok(auth) = &self.client.auth.header {
            extensions.insert(auth.clone());
        }
        extensions
    }

    fn build_attempt(&mut self, url: &Url, take: Take) -> reqwest::Request {
        let mut request = reqwest::Request::new(self.op.method.clone(), url.clone());
        if take == Take::Whole {
            *request.timeout_mut() = self.client.inner.timeout;
        }
        *request.headers_mut() = self.headers.clone();
        let (body, content_type) = match &mut self.body {
            Body::Empty => (None, None),
            Body::Buffered {
                bytes,
                content_type,
            } => (
                Some(reqwest::Body::from(bytes.clone())),
                Some(*content_type),
            ),
            Body::Stream { body, content_type } => (body.take(), Some(*content_type)),
            Body::Multipart(form) => {
                // reqwest writes the body and its `multipart/form-data; boundary=...` header.
                let built = form.to_form().map_err(|e| e.to_string()).and_then(|form| {
                    self.client
                        .inner
                        .http
                        .request(self.op.method.clone(), url.clone())
                        .multipart(form)
                        .build()
                        .map_err(|e| e.to_string())
                });
                match built {
                    Ok(mut built) => {
                        if let Some(ct) = built.headers().get(CONTENT_TYPE).cloned() {
                            request.headers_mut().insert(CONTENT_TYPE, ct);
                        }
                        (built.body_mut().take(), None)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "could not build the multipart body");
                        (None, None)
                    }
                }
            }
        };
        if let Some(ct) = content_type {
            if !request.headers().contains_key(CONTENT_TYPE) {
                if let Ok(v) = HeaderValue::from_str(ct) {
                    request.headers_mut().insert(CONTENT_TYPE, v);
                }
            }
        }
        *request.body_mut() = body;
        request
    }
}

/// The innermost middleware: puts the request's credentials (an [`AuthHeader`] in its
/// extensions) into its headers, after every user middleware has run.
pub(crate) struct ApplyAuth;

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for ApplyAuth {
    async fn handle(
        &self,
        mut req: reqwest::Request,
        extensions: &mut http::Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        if let Some(auth) = extensions.remove::<AuthHeader>() {
            req.headers_mut().insert(auth.name, auth.value);
        }
        next.run(req, extensions).await
    }
}

/// A transport failure, before the operation name is attached.
enum PendingError {
    Timeout,
    Transport(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl PendingError {
    fn with_operation(self, operation: &'static str) -> Error {
        match self {
            PendingError::Timeout => Error::Timeout { operation },
            PendingError::Transport(source) => Error::Transport { operation, source },
        }
    }
}

async fn attempt_once(
    send: impl std::future::Future<Output = reqwest_middleware::Result<reqwest::Response>>,
    take: Take,
) -> Result<Raw, (Failure, PendingError)> {
    let response = send.await.map_err(|e| match e {
        reqwest_middleware::Error::Reqwest(e) => classify(e),
        reqwest_middleware::Error::Middleware(e) => {
            (Failure::Fatal, PendingError::Transport(e.into()))
        }
    })?;
    let status = response.status();
    let headers = response.headers().clone();
    if take == Take::Stream && status.is_success() {
        return Ok(Raw {
            status,
            headers,
            body: Bytes::new(),
            unread: Some(response),
        });
    }
    let body = response.bytes().await.map_err(classify)?;
    Ok(Raw {
        status,
        headers,
        body,
        unread: None,
    })
}

fn classify(e: reqwest::Error) -> (Failure, PendingError) {
    if e.is_connect() {
        let pending = if e.is_timeout() {
            PendingError::Timeout
        } else {
            PendingError::Transport(Box::new(e))
        };
        (Failure::Connect, pending)
    } else if e.is_timeout() {
        (Failure::Timeout, PendingError::Timeout)
    } else {
        (Failure::Transport, PendingError::Transport(Box::new(e)))
    }
}

fn status_error(op: &'static Operation, raw: Raw, retry_after: Option<Duration>) -> Error {
    let content_type = raw
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    response_error(op.name, op.scopes, raw.status, content_type, &raw.body, retry_after)
}

/// The error for a non-2xx response: [`Error::Api`] for Make's error body, else [`Error::Status`].
pub(crate) fn response_error(
    operation: &'static str,
    required_scopes: &'static [&'static str],
    status: StatusCode,
    content_type: Option<String>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Error {
    match ApiError::from_body(body) {
        Some(error) => Error::Api {
            operation,
            status,
            error: Box::new(error),
            required_scopes,
            retry_after,
        },
        None => Error::Status {
            operation,
            status,
            retry_after,
            content_type,
            body_start: body_start(body),
        },
    }
}

/// Whether `body`, valid JSON, is an object with a member named `name` (values are skipped
/// unread); `None` when it is not JSON at all.
fn has_member(body: &[u8], name: &str) -> Option<bool> {
    use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
    struct Probe<'n>(&'n str);
    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut found = false;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                found |= key == self.0;
                map.next_value::<IgnoredAny>()?;
            }
            Ok(found)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(false)
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    use serde::Deserializer as _;
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = de.deserialize_any(Probe(name)).and_then(|found| de.end().map(|()| found));
    found.ok()
}

pub(crate) fn decode_json<T: DeserializeOwned>(operation: &'static str, raw: &Raw) -> Result<T, Error> {
    // An empty body (APIs answer "200 OK, no content" where the docs show a schema) decodes as
    // `null` for `()` and `Option<_>`, and as `{}` for an object whose fields are all optional.
    let bytes: &[u8] = if raw.body.iter().all(u8::is_ascii_whitespace) {
        if let Ok(v) = serde_json::from_slice::<T>(b"null") {
            return Ok(v);
        }
        b"{}"
    } else {
        &raw.body
    };
    let decode_error = |path: String, message: String| Error::Decode {
        operation,
        status: raw.status,
        path,
        message,
        body_start: body_start(&raw.body),
    };
    // The happy path decodes with plain serde_json; only a failure is decoded again through
    // serde_path_to_error to name the JSON path (tracking the path costs ~20 % of a call).
    if let Ok(v) = serde_json::from_slice::<T>(bytes) {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => de
            .end()
            .map(|()| v)
            .map_err(|e| decode_error(".".into(), e.to_string())),
        Err(e) => Err(decode_error(e.path().to_string(), e.inner().to_string())),
    }
}
