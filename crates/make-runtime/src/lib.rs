//! Hand-written runtime shared by the generated Make.com API clients.
//!
//! The generated crates describe every operation as a constant [`Operation`]
//! and call into this crate to send it: [`Client::request`] returns a
//! [`RequestBuilder`] that fills path parameters, query pairs, headers and a
//! body, and then sends the request with authentication, rate limiting,
//! retries, tracing and error decoding handled here. This crate knows no
//! operation of its own.
//!
//! ```no_run
//! # async fn demo() -> Result<(), make_runtime::Error> {
//! use make_runtime::{ApiInfo, Client, ClientBuilder, Method, Operation, RateLimit, Plan};
//!
//! static API: ApiInfo = ApiInfo {
//!     name: "make-api-v2",
//!     auth_header: "Authorization",
//!     auth_prefix: "Token ",
//!     default_base_url: "https://eu1.make.com/api/v2",
//!     user_agent: "example/0.1",
//! };
//! static LIST: Operation = Operation {
//!     name: "connections.list",
//!     method: Method::GET,
//!     path: "/connections",
//!     scopes: &["connections:read"],
//! };
//!
//! let client: Client = ClientBuilder::new("my-token", &API)
//!     .rate_limit(RateLimit::plan(Plan::Core))
//!     .build()?;
//! let body: serde_json::Value = client
//!     .request(&LIST)
//!     .query("teamId", 35)
//!     .send_json()
//!     .await?;
//! # let _ = body; Ok(()) }
//! ```

pub mod base64;
#[cfg(feature = "catalogue")]
pub mod catalogue;
mod client;
mod error;
mod json_string;
pub mod multipart;
mod paginate;
mod rate_limit;
mod request;
mod retry;
pub mod style;
pub mod union;
mod token;

pub use bytes::Bytes;
pub use chrono;
pub use futures::{Stream, StreamExt, TryStreamExt};
pub use uuid;
pub use http::StatusCode;
pub use reqwest::Method;
pub use reqwest_middleware;
pub use serde_json;

/// Everything needed to write a middleware for [`ClientBuilder::with`]
/// without depending on `reqwest-middleware`, `http` or `async-trait` directly.
///
/// ```
/// use make_runtime::middleware::{async_trait, Extensions, Middleware, Next, Request, Response, Result};
///
/// /// Adds a correlation header to every attempt.
/// struct CorrelationId(String);
///
/// #[async_trait]
/// impl Middleware for CorrelationId {
///     async fn handle(&self, mut req: Request, ext: &mut Extensions, next: Next<'_>) -> Result<Response> {
///         req.headers_mut().insert("x-correlation-id", self.0.parse().expect("a valid header value"));
///         next.run(req, ext).await
///     }
/// }
/// ```
pub mod middleware {
    pub use async_trait::async_trait;
    pub use http::Extensions;
    pub use reqwest::{Request, Response};
    pub use reqwest_middleware::{Error, Middleware, Next, Result};
}

pub use client::{ApiInfo, Client, ClientBuilder, Operation};
pub use error::{ApiError, Error, ErrorCode, SubError};
pub use json_string::JsonString;
pub use paginate::{cursor_key, paginate, paginate_cursor, total_count, CursorPage, Page, SortDir};
pub use rate_limit::{Plan, RateLimit};
pub use base64::Base64;
pub use multipart::{FilePart, Multipart};
pub use request::{read_stream, ByteStream, RequestBuilder};
pub use style::Style;
pub use retry::RetryPolicy;
pub use token::{Credentials, CredentialsKind, Token};
