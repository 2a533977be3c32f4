//! The Make App Academy API v3 for Rust applications.
//!
//! This crate re-exports the generated client ([`Client`], [`models`], the
//! operation modules such as [`records`] and [`uploads`], [`Error`]...) and adds
//! three hand-written helpers built on top of the generated calls:
//!
//! - [`filter`]: a builder for the chained record filters of
//!   [`records::Records::query`], e.g.
//!   `Filter::or([Filter::and([name.starts_with("R"), name.contains("o")]), ...])`;
//! - [`upload`]: an [`Uploader`](upload::Uploader) that runs the four upload steps
//!   (open slot, start, append, finish), cutting a file into chunks and
//!   refusing files over the configured maximum before sending anything;
//! - [`webhook`]: verification of the `Signature` header of a webhook request
//!   (HMAC-SHA256 of the raw body) and decoding of its [`models::WebhookEvent`].
//!
//! ```no_run
//! use app_academy::filter::{Filter, FilterExt, Property};
//! use app_academy::upload::Uploader;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = app_academy::Client::new(std::env::var("ACADEMY_TOKEN")?)?;
//!
//! // Records whose name starts with "R" and contains "o".
//! let name = Property::new("name");
//! let filter = Filter::and([name.starts_with("R"), name.contains("o")]);
//! let found = client.records().query("movie", filter).send().await?;
//! println!("{} records", found.records.len());
//!
//! // A 4-byte file, sent one byte per request as the Academy requires.
//! let uploaded = Uploader::academy()
//!     .upload(&client, "/8c6e22b7f1a0/e4673b2dff5e/1dca6a93fcf1", "test.txt", &b"abcd"[..])
//!     .await?;
//! println!("uploaded as {:?}", uploaded.file_id);
//! # Ok(())
//! # }
//! ```

pub use academy_client::*;

pub mod filter;
pub mod upload;
pub mod webhook;
