//! Uploading a file in chunks with the four upload operations.
//!
//! The Academy uploads a file in four steps, each a generated call of
//! [`client.uploads()`](crate::Client::uploads):
//!
//! 1. [`open_slot`](crate::uploads::Uploads::open_slot) with the folder path
//!    and the file name, which answers the `session_id`;
//! 2. [`start`](crate::uploads::Uploads::start) with the first chunk;
//! 3. [`append_chunk`](crate::uploads::Uploads::append_chunk) with each middle
//!    chunk and its `offset`;
//! 4. [`finish`](crate::uploads::Uploads::finish) with the last chunk, which
//!    closes the session and answers the `file_id`.
//!
//! Steps 2 to 4 carry the session ID in the `session-id` header.
//! [`Uploader`] runs them in order.
//!
//! # How a file is cut
//!
//! A file of `size` bytes is cut into `n = ceil(size / chunk_size)` chunks,
//! every one `chunk_size` bytes long except the last, which holds the rest:
//!
//! - `n >= 2`: chunk 0 goes with Start, chunks `1..n-1` with Append (so a
//!   2-chunk file has no Append), chunk `n-1` with Finish: `n` data requests;
//! - `n == 1` (the file fits in one chunk): the whole file goes with Start,
//!   then Finish is sent with an **empty body** to close the session: 2 data
//!   requests. Every byte is sent exactly once and every session is started
//!   and finished the same way.
//!
//! With the Academy's limits ([`UploadLimits::academy`]: 1-byte chunks, at
//! most 4 bytes per file) a 4-byte file `abcd` is sent as Open slot, Start
//! `a`, Append `b` (offset 1), Append `c` (offset 2), Finish `d`; a 1-byte file
//! as Open slot, Start, Finish (empty). [`Uploader::plan`] lists the data
//! requests of a size without sending anything.
//!
//! # The `offset` header
//!
//! Append's `offset` header is read as the **byte offset of the chunk within
//! the file**, starting at 0 (the chunk sent by Start is at offset 0), as the
//! spec pages say: "Start upload (offset 0), Append upload chunk (offset 1,
//! offset 2) and Finish upload (the last byte)". With chunks of `c` bytes the
//! Append of chunk `i` carries `offset: i * c`; with the Academy's 1-byte
//! chunks the byte offset and the chunk index are the same number. Start and
//! Finish carry no offset (their operations have no such header).
//!
//! # Refusals before any request
//!
//! An empty file ([`UploadError::EmptyFile`]) and a file larger than the
//! configured maximum ([`UploadError::TooLarge`]) are refused before anything
//! is sent. A chunk size of 0 or a maximum of 0 is refused by
//! [`Uploader::new`] ([`UploadError::InvalidConfig`]).
//!
//! A failed step ends the upload with [`UploadError::Request`] naming the step;
//! nothing is retried beyond the client's [`RetryPolicy`](crate::RetryPolicy),
//! and no cleanup call exists: the Academy drops the session by itself (on an
//! error, or when it is not finished within a minute).
//!
//! ```no_run
//! use app_academy::upload::{UploadLimits, Uploader};
//!
//! # async fn run(client: app_academy::Client) -> Result<(), app_academy::upload::UploadError> {
//! // The Academy's limits: 1-byte requests, 4 bytes per file.
//! let done = Uploader::academy()
//!     .upload(&client, "/8c6e22b7f1a0/e4673b2dff5e/1dca6a93fcf1", "test.txt", &b"abcd"[..])
//!     .await?;
//! println!("file id: {:?}", done.file_id);
//!
//! // Another server with larger limits: 1 KiB requests, no maximum.
//! let uploader = Uploader::new(UploadLimits::new(1024))?;
//! let done = uploader.upload(&client, "/folder", "big.bin", vec![0u8; 4096]).await?;
//! # let _ = done; Ok(()) }
//! ```

use std::fmt;
use std::ops::Range;

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};

use crate::models::OpenUploadSlotBody;
use crate::{Client, Error};

pub use crate::models::FinishUploadResponse;

/// The largest file size this crate can describe in an `offset` header
/// (the generated header is an `i64`).
const MAX_REPRESENTABLE: u64 = i64::MAX as u64;

/// The size limits an [`Uploader`] works with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UploadLimits {
    chunk_size: usize,
    max_file_size: Option<u64>,
}

impl UploadLimits {
    /// The Academy's chunk size: a single request cannot exceed 1 byte.
    pub const ACADEMY_CHUNK_SIZE: usize = 1;

    /// The Academy's maximum file size: 4 bytes per upload session.
    pub const ACADEMY_MAX_FILE_SIZE: u64 = 4;

    /// The limits the Academy documents: 1-byte chunks and at most 4 bytes
    /// per file.
    pub const fn academy() -> Self {
        UploadLimits {
            chunk_size: Self::ACADEMY_CHUNK_SIZE,
            max_file_size: Some(Self::ACADEMY_MAX_FILE_SIZE),
        }
    }

    /// Chunks of `chunk_size` bytes and no maximum file size.
    ///
    /// A `chunk_size` of 0 is refused by [`Uploader::new`].
    pub const fn new(chunk_size: usize) -> Self {
        UploadLimits {
            chunk_size,
            max_file_size: None,
        }
    }

    /// Refuses files larger than `max` bytes (before sending anything).
    ///
    /// A `max` of 0 is refused by [`Uploader::new`].
    pub const fn with_max_file_size(mut self, max: u64) -> Self {
        self.max_file_size = Some(max);
        self
    }

    /// Removes the maximum file size.
    pub const fn without_max_file_size(mut self) -> Self {
        self.max_file_size = None;
        self
    }

    /// The number of bytes sent per request (the last chunk may be shorter).
    pub const fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// The largest file accepted, if limited.
    pub const fn max_file_size(&self) -> Option<u64> {
        self.max_file_size
    }
}

impl Default for UploadLimits {
    /// [`UploadLimits::academy`].
    fn default() -> Self {
        Self::academy()
    }
}

/// One step of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UploadStep {
    /// `POST /files/upload/openSlot`.
    OpenSlot,
    /// `POST /files/upload/start`: the first chunk (offset 0).
    Start,
    /// `POST /files/upload/append`: a middle chunk at this byte offset.
    Append {
        /// The byte offset of the chunk within the file, sent as the `offset` header.
        offset: u64,
    },
    /// `POST /files/upload/finish`: the last chunk.
    Finish,
}

impl fmt::Display for UploadStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UploadStep::OpenSlot => f.write_str("open slot (POST /files/upload/openSlot)"),
            UploadStep::Start => f.write_str("start (POST /files/upload/start)"),
            UploadStep::Append { offset } => {
                write!(f, "append at offset {offset} (POST /files/upload/append)")
            }
            UploadStep::Finish => f.write_str("finish (POST /files/upload/finish)"),
        }
    }
}

/// One data request of an upload: its step and the bytes of the file it carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlannedRequest {
    /// Start, Append or Finish.
    pub step: UploadStep,
    /// The bytes of the file sent in the body (empty for the Finish of a
    /// one-chunk file).
    pub range: Range<u64>,
}

/// The data requests of an upload, in order; see [`Uploader::plan`].
#[derive(Debug, Clone)]
pub struct Plan {
    size: u64,
    chunk: u64,
    chunks: u64,
    next: u64,
    total: u64,
}

impl Iterator for Plan {
    type Item = PlannedRequest;

    fn next(&mut self) -> Option<PlannedRequest> {
        if self.next >= self.total {
            return None;
        }
        let i = self.next;
        self.next += 1;
        let start = i.saturating_mul(self.chunk).min(self.size);
        let end = start.saturating_add(self.chunk).min(self.size);
        Some(if i == 0 {
            PlannedRequest {
                step: UploadStep::Start,
                range: start..end,
            }
        } else if i + 1 == self.total {
            // The last chunk; for a one-chunk file, the empty rest.
            PlannedRequest {
                step: UploadStep::Finish,
                range: if self.chunks == 1 {
                    end..end
                } else {
                    start..end
                },
            }
        } else {
            PlannedRequest {
                step: UploadStep::Append { offset: start },
                range: start..end,
            }
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.total - self.next).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Plan {}

/// Why an upload failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// The [`UploadLimits`] are unusable (a chunk size or maximum of 0).
    #[error("invalid upload configuration: {0}")]
    InvalidConfig(String),

    /// The file is empty; nothing was sent.
    #[error("the file to upload is empty; an upload needs at least 1 byte")]
    EmptyFile,

    /// The file is larger than the configured maximum; nothing was sent
    /// (except by [`Uploader::upload_stream`], see there).
    #[error(
        "the file to upload is too large: {size} bytes, over the maximum of {max} bytes \
         per upload session"
    )]
    TooLarge {
        /// The size of the file; for a stream, the bytes read when the limit was crossed.
        size: u64,
        /// The maximum file size.
        max: u64,
    },

    /// The open-slot response had no `session_id`, so nothing more was sent.
    #[error("the open-slot response carries no session_id; the upload cannot go on")]
    MissingSessionId,

    /// An upload request failed; the Academy drops the session.
    #[error("upload step {step} failed: {source}")]
    Request {
        /// The step that failed.
        step: UploadStep,
        /// The client's error (boxed: it is large).
        #[source]
        source: Box<Error>,
    },

    /// The stream given to [`Uploader::upload_stream`] yielded an error.
    #[error("reading the data to upload failed: {0}")]
    Source(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl UploadError {
    /// The step that failed, for [`UploadError::Request`].
    pub fn step(&self) -> Option<UploadStep> {
        match self {
            UploadError::Request { step, .. } => Some(*step),
            _ => None,
        }
    }

    /// The client's error (HTTP status, the Academy's message...), for
    /// [`UploadError::Request`].
    pub fn request_error(&self) -> Option<&Error> {
        match self {
            UploadError::Request { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Uploads files with the four upload operations; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Uploader {
    limits: UploadLimits,
}

impl Uploader {
    /// An uploader for `limits`; a chunk size of 0 or a maximum file size of
    /// 0 is an [`UploadError::InvalidConfig`].
    pub fn new(limits: UploadLimits) -> Result<Self, UploadError> {
        if limits.chunk_size == 0 {
            return Err(UploadError::InvalidConfig(
                "the chunk size must be at least 1 byte".into(),
            ));
        }
        if limits.max_file_size == Some(0) {
            return Err(UploadError::InvalidConfig(
                "the maximum file size must be at least 1 byte (use \
                 UploadLimits::without_max_file_size for no maximum)"
                    .into(),
            ));
        }
        Ok(Uploader { limits })
    }

    /// An uploader with the Academy's limits ([`UploadLimits::academy`]).
    pub const fn academy() -> Self {
        Uploader {
            limits: UploadLimits::academy(),
        }
    }

    /// The limits in use.
    pub const fn limits(&self) -> UploadLimits {
        self.limits
    }

    /// Checks a file size against the limits.
    fn check_size(&self, size: u64) -> Result<(), UploadError> {
        if size == 0 {
            return Err(UploadError::EmptyFile);
        }
        let max = self
            .limits
            .max_file_size
            .unwrap_or(MAX_REPRESENTABLE)
            .min(MAX_REPRESENTABLE);
        if size > max {
            return Err(UploadError::TooLarge { size, max });
        }
        Ok(())
    }

    /// The data requests (Start, Appends, Finish) that [`Uploader::upload`]
    /// sends for a file of `size` bytes, after Open slot; fails as `upload`
    /// would for an empty or too large file.
    ///
    /// ```
    /// use app_academy::upload::{UploadStep, Uploader};
    ///
    /// let steps: Vec<_> = Uploader::academy().plan(4)?.map(|r| (r.step, r.range)).collect();
    /// assert_eq!(steps, [
    ///     (UploadStep::Start, 0..1),
    ///     (UploadStep::Append { offset: 1 }, 1..2),
    ///     (UploadStep::Append { offset: 2 }, 2..3),
    ///     (UploadStep::Finish, 3..4),
    /// ]);
    /// let steps: Vec<_> = Uploader::academy().plan(1)?.map(|r| (r.step, r.range)).collect();
    /// assert_eq!(steps, [(UploadStep::Start, 0..1), (UploadStep::Finish, 1..1)]);
    /// # Ok::<(), app_academy::upload::UploadError>(())
    /// ```
    pub fn plan(&self, size: u64) -> Result<Plan, UploadError> {
        self.check_size(size)?;
        let chunk = u64::try_from(self.limits.chunk_size).unwrap_or(u64::MAX);
        let chunks = size.div_ceil(chunk);
        Ok(Plan {
            size,
            chunk,
            chunks,
            next: 0,
            total: chunks.max(2),
        })
    }

    /// Uploads `data` as `file_name` into the folder `path` (the full folder
    /// path, e.g. `/8c6e22b7f1a0/e4673b2dff5e/1dca6a93fcf1`) and returns the
    /// Finish response with the new file's ID.
    ///
    /// The requests are those of [`Uploader::plan`], after Open slot. An
    /// empty or too large file is refused before any request.
    pub async fn upload(
        &self,
        client: &Client,
        path: impl Into<String>,
        file_name: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Result<FinishUploadResponse, UploadError> {
        let data: Bytes = data.into();
        let plan = self.plan(u64::try_from(data.len()).unwrap_or(u64::MAX))?;
        let session = Session::open(client, path.into(), file_name.into()).await?;
        let mut finished = None;
        for request in plan {
            // The plan's ranges lie within `data`, whose length fits in usize.
            let range = usize::try_from(request.range.start).unwrap_or(usize::MAX)
                ..usize::try_from(request.range.end).unwrap_or(usize::MAX);
            finished = session.send(request.step, data.slice(range)).await?;
        }
        finished.ok_or_else(|| {
            // Unreachable: every plan ends with Finish.
            UploadError::InvalidConfig("the upload plan has no finish step".into())
        })
    }

    /// Uploads the bytes of `stream` as `file_name` into the folder `path`,
    /// cutting them into chunks of the configured size whatever the sizes of
    /// the stream's items; the requests are the same as [`Uploader::upload`]
    /// would send for the concatenated bytes.
    ///
    /// At most a chunk and one more item are held in memory: the next chunk
    /// is sent once the stream has shown whether it is the last one. Open slot
    /// is sent when the first chunk is ready.
    ///
    /// An empty stream is refused with [`UploadError::EmptyFile`] before any
    /// request. With a maximum file size, the stream is refused with
    /// [`UploadError::TooLarge`] as soon as more bytes than the maximum have
    /// been read. Nothing has been sent yet if that happens while the first
    /// `chunk_size + 1` bytes are read (the item that completes them
    /// included), e.g. a 5-byte first item with the Academy's limits;
    /// otherwise it happens in the middle of the upload, Finish is never sent
    /// and the Academy drops the session. To have
    /// every too large file refused before any request, collect the stream
    /// and call [`Uploader::upload`]. An error from the stream ends the upload
    /// with [`UploadError::Source`].
    pub async fn upload_stream<S, E>(
        &self,
        client: &Client,
        path: impl Into<String>,
        file_name: impl Into<String>,
        stream: S,
    ) -> Result<FinishUploadResponse, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>>,
        E: Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    {
        // At least 1: `Uploader::new` refuses 0.
        let chunk_size = self.limits.chunk_size.max(1);
        let mut stream = std::pin::pin!(stream);
        let mut path = Some(path.into());
        let mut file_name = Some(file_name.into());
        let mut buffer = BytesMut::new();
        let mut read: u64 = 0;
        let mut ended = false;
        let mut session: Option<Session<'_>> = None;
        let mut offset: u64 = 0;
        loop {
            // Read until the buffer holds more than a chunk (so the next chunk
            // is not the last) or the stream ends.
            while !ended && buffer.len() <= chunk_size {
                match stream.next().await {
                    None => ended = true,
                    Some(Err(e)) => return Err(UploadError::Source(e.into())),
                    Some(Ok(item)) => {
                        read = read.saturating_add(u64::try_from(item.len()).unwrap_or(u64::MAX));
                        if read > 0 {
                            self.check_size(read)?;
                        }
                        buffer.extend_from_slice(&item);
                    }
                }
            }
            if read == 0 {
                return Err(UploadError::EmptyFile);
            }
            let last = ended && buffer.len() <= chunk_size;
            let chunk = buffer.split_to(buffer.len().min(chunk_size)).freeze();
            let chunk_len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
            let session = match &mut session {
                Some(session) => &*session,
                None => {
                    let opened = Session::open(
                        client,
                        path.take().unwrap_or_default(),
                        file_name.take().unwrap_or_default(),
                    )
                    .await?;
                    &*session.insert(opened)
                }
            };
            let step = match (offset, last) {
                (0, _) => UploadStep::Start,
                (_, true) => UploadStep::Finish,
                (_, false) => UploadStep::Append { offset },
            };
            let finished = session.send(step, chunk).await?;
            if last {
                if step == UploadStep::Start {
                    // A one-chunk file: close the session with an empty Finish.
                    if let Some(done) = session.send(UploadStep::Finish, Bytes::new()).await? {
                        return Ok(done);
                    }
                } else if let Some(done) = finished {
                    return Ok(done);
                }
                // Unreachable: the last step is always a Finish.
                return Err(UploadError::InvalidConfig(
                    "the upload ended without a finish step".into(),
                ));
            }
            offset = offset.saturating_add(chunk_len);
        }
    }
}

impl Default for Uploader {
    /// [`Uploader::academy`].
    fn default() -> Self {
        Self::academy()
    }
}

/// An open upload session.
struct Session<'a> {
    client: &'a Client,
    id: String,
}

impl<'a> Session<'a> {
    async fn open(
        client: &'a Client,
        path: String,
        file_name: String,
    ) -> Result<Session<'a>, UploadError> {
        let response = client
            .uploads()
            .open_slot(OpenUploadSlotBody { path, file_name })
            .send()
            .await
            .map_err(|source| UploadError::Request {
                step: UploadStep::OpenSlot,
                source: Box::new(source),
            })?;
        match response.session_id {
            Some(id) if !id.is_empty() => Ok(Session { client, id }),
            _ => Err(UploadError::MissingSessionId),
        }
    }

    /// Sends one data request; returns the Finish response for [`UploadStep::Finish`].
    async fn send(
        &self,
        step: UploadStep,
        body: Bytes,
    ) -> Result<Option<FinishUploadResponse>, UploadError> {
        let uploads = self.client.uploads();
        let id = self.id.as_str();
        let result = match step {
            UploadStep::Start => uploads.start(id, body).send().await.map(|_| None),
            UploadStep::Append { offset } => uploads
                // Sizes are capped at i64::MAX by `check_size`.
                .append_chunk(id, i64::try_from(offset).unwrap_or(i64::MAX), body)
                .send()
                .await
                .map(|_| None),
            UploadStep::Finish => uploads.finish(id, body).send().await.map(Some),
            UploadStep::OpenSlot => Ok(None),
        };
        result.map_err(|source| UploadError::Request {
            step,
            source: Box::new(source),
        })
    }
}
