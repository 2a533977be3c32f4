//! The upload helper against a mock Academy: the exact request sequence,
//! headers and bodies, and the refusals that send nothing.

mod common;

use app_academy::upload::{UploadError, UploadLimits, UploadStep, Uploader};
use app_academy::Bytes;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SESSION: &str = "e4677852dffe";
const FOLDER: &str = "/8c6e22b7f1a0/e4673b2dff5e/1dca6a93fcf1";

/// A mock Academy answering every upload step successfully.
async fn academy() -> MockServer {
    let server = MockServer::start().await;
    for (p, body) in [
        ("/files/upload/openSlot", json!({"session_id": SESSION})),
        ("/files/upload/start", json!({"session_id": SESSION})),
        ("/files/upload/append", json!({"session_id": SESSION})),
        ("/files/upload/finish", json!({"file_id": "file-7"})),
    ] {
        Mock::given(method("POST"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    server
}

/// One received request: path, `session-id`, `offset`, body.
#[derive(Debug, PartialEq)]
struct Seen {
    path: String,
    session: Option<String>,
    offset: Option<String>,
    body: Vec<u8>,
}

fn seen(r: &Request) -> Seen {
    assert_eq!(r.method.as_str(), "POST", "{}", r.url);
    Seen {
        path: r.url.path().to_owned(),
        session: common::header(r, "session-id").map(str::to_owned),
        offset: common::header(r, "offset").map(str::to_owned),
        body: r.body.clone(),
    }
}

fn data_request(p: &str, offset: Option<u64>, body: &[u8]) -> Seen {
    Seen {
        path: format!("/files/upload/{p}"),
        session: Some(SESSION.to_owned()),
        offset: offset.map(|o| o.to_string()),
        body: body.to_vec(),
    }
}

/// Checks the open-slot request and returns the data requests after it.
fn after_open_slot(requests: &[Request], file_name: &str) -> Vec<Seen> {
    common::assert_token(requests);
    let (open, rest) = requests
        .split_first()
        .expect("at least the open-slot request");
    let open_seen = seen(open);
    assert_eq!(open_seen.path, "/files/upload/openSlot");
    assert_eq!(open_seen.session, None, "open slot has no session yet");
    assert_eq!(
        common::header(open, "content-type"),
        Some("application/json")
    );
    let body: serde_json::Value = serde_json::from_slice(&open.body).unwrap();
    assert_eq!(body, json!({"path": FOLDER, "fileName": file_name}));
    for r in rest {
        assert_eq!(
            common::header(r, "content-type"),
            Some("application/octet-stream"),
            "{}",
            r.url
        );
    }
    rest.iter().map(seen).collect()
}

#[tokio::test]
async fn four_byte_file_with_academy_limits() {
    let server = academy().await;
    let client = common::client(&server);
    let done = Uploader::academy()
        .upload(&client, FOLDER, "test.txt", &b"abcd"[..])
        .await
        .unwrap();
    assert_eq!(done.file_id.as_deref(), Some("file-7"));

    let requests = common::received(&server).await;
    assert_eq!(
        after_open_slot(&requests, "test.txt"),
        [
            data_request("start", None, b"a"),
            data_request("append", Some(1), b"b"),
            data_request("append", Some(2), b"c"),
            data_request("finish", None, b"d"),
        ]
    );
}

#[tokio::test]
async fn five_byte_file_is_refused_before_any_request() {
    let server = academy().await;
    let client = common::client(&server);
    let err = Uploader::academy()
        .upload(&client, FOLDER, "test.txt", &b"abcde"[..])
        .await
        .unwrap_err();
    assert!(
        matches!(err, UploadError::TooLarge { size: 5, max: 4 }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("maximum of 4 bytes"), "{message}");
    assert!(common::received(&server).await.is_empty());
}

#[tokio::test]
async fn four_kib_file_in_one_kib_chunks_without_limit() {
    let server = academy().await;
    let client = common::client(&server);
    let file: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
    let uploader = Uploader::new(UploadLimits::new(1024)).unwrap();
    assert_eq!(uploader.limits().max_file_size(), None);
    uploader
        .upload(&client, FOLDER, "big.bin", file.clone())
        .await
        .unwrap();

    let requests = common::received(&server).await;
    let data = after_open_slot(&requests, "big.bin");
    let shape: Vec<_> = data
        .iter()
        .map(|s| (s.path.as_str(), s.offset.as_deref(), s.body.len()))
        .collect();
    assert_eq!(
        shape,
        [
            ("/files/upload/start", None, 1024),
            ("/files/upload/append", Some("1024"), 1024),
            ("/files/upload/append", Some("2048"), 1024),
            ("/files/upload/finish", None, 1024),
        ]
    );
    assert!(data.iter().all(|s| s.session.as_deref() == Some(SESSION)));
    let joined: Vec<u8> = data.into_iter().flat_map(|s| s.body).collect();
    assert_eq!(joined, file);
}

#[tokio::test]
async fn uneven_last_chunk() {
    let server = academy().await;
    let client = common::client(&server);
    Uploader::new(UploadLimits::new(4))
        .unwrap()
        .upload(&client, FOLDER, "ten.bin", &b"0123456789"[..])
        .await
        .unwrap();
    assert_eq!(
        after_open_slot(&common::received(&server).await, "ten.bin"),
        [
            data_request("start", None, b"0123"),
            data_request("append", Some(4), b"4567"),
            data_request("finish", None, b"89"),
        ]
    );
}

#[tokio::test]
async fn one_chunk_file_is_start_then_empty_finish() {
    let server = academy().await;
    let client = common::client(&server);
    Uploader::academy()
        .upload(&client, FOLDER, "one.txt", &b"z"[..])
        .await
        .unwrap();
    assert_eq!(
        after_open_slot(&common::received(&server).await, "one.txt"),
        [
            data_request("start", None, b"z"),
            data_request("finish", None, b"")
        ]
    );
}

#[tokio::test]
async fn two_chunk_file_has_no_append() {
    let server = academy().await;
    let client = common::client(&server);
    Uploader::academy()
        .upload(&client, FOLDER, "two.txt", &b"xy"[..])
        .await
        .unwrap();
    assert_eq!(
        after_open_slot(&common::received(&server).await, "two.txt"),
        [
            data_request("start", None, b"x"),
            data_request("finish", None, b"y")
        ]
    );
}

#[test]
fn plan_matches_the_rule() {
    let steps = |uploader: Uploader, size: u64| -> Vec<(UploadStep, std::ops::Range<u64>)> {
        uploader
            .plan(size)
            .unwrap()
            .map(|r| (r.step, r.range))
            .collect()
    };
    let academy = Uploader::academy();
    assert_eq!(
        steps(academy, 3),
        [
            (UploadStep::Start, 0..1),
            (UploadStep::Append { offset: 1 }, 1..2),
            (UploadStep::Finish, 2..3),
        ]
    );
    let kib = Uploader::new(UploadLimits::new(1024)).unwrap();
    assert_eq!(
        steps(kib, 1000),
        [
            (UploadStep::Start, 0..1000),
            (UploadStep::Finish, 1000..1000)
        ]
    );
    assert_eq!(
        steps(kib, 1025),
        [
            (UploadStep::Start, 0..1024),
            (UploadStep::Finish, 1024..1025)
        ]
    );
    assert_eq!(kib.plan(10 * 1024).unwrap().len(), 10);
    assert!(matches!(academy.plan(0), Err(UploadError::EmptyFile)));
    assert!(matches!(
        academy.plan(5),
        Err(UploadError::TooLarge { size: 5, max: 4 })
    ));
}

#[test]
fn zero_sizes_are_config_errors() {
    let err = Uploader::new(UploadLimits::new(0)).unwrap_err();
    assert!(matches!(err, UploadError::InvalidConfig(_)), "{err:?}");
    assert!(err.to_string().contains("chunk size"), "{err}");
    let err = Uploader::new(UploadLimits::new(1).with_max_file_size(0)).unwrap_err();
    assert!(matches!(err, UploadError::InvalidConfig(_)), "{err:?}");
    let limits = UploadLimits::academy();
    assert_eq!((limits.chunk_size(), limits.max_file_size()), (1, Some(4)));
    assert_eq!(limits.without_max_file_size().max_file_size(), None);
    assert_eq!(Uploader::new(limits).unwrap(), Uploader::academy());
}

#[tokio::test]
async fn empty_file_is_refused_before_any_request() {
    let server = academy().await;
    let client = common::client(&server);
    let err = Uploader::academy()
        .upload(&client, FOLDER, "empty", Bytes::new())
        .await
        .unwrap_err();
    assert!(matches!(err, UploadError::EmptyFile), "{err:?}");
    assert!(err.to_string().contains("empty"), "{err}");
    assert!(common::received(&server).await.is_empty());
}

#[tokio::test]
async fn missing_session_id_stops_after_open_slot() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files/upload/openSlot"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = common::client(&server);
    let err = Uploader::academy()
        .upload(&client, FOLDER, "a", &b"ab"[..])
        .await
        .unwrap_err();
    assert!(matches!(err, UploadError::MissingSessionId), "{err:?}");
    assert_eq!(common::received(&server).await.len(), 1);
}

#[tokio::test]
async fn failed_append_names_the_step_and_stops() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files/upload/append"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": "Wrong offset"})))
        .mount(&server)
        .await;
    for (p, body) in [
        ("/files/upload/openSlot", json!({"session_id": SESSION})),
        ("/files/upload/start", json!({"session_id": SESSION})),
        ("/files/upload/finish", json!({"file_id": "f"})),
    ] {
        Mock::given(method("POST"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let client = common::client(&server);
    let err = Uploader::academy()
        .upload(&client, FOLDER, "a", &b"abc"[..])
        .await
        .unwrap_err();
    assert_eq!(err.step(), Some(UploadStep::Append { offset: 1 }));
    assert_eq!(
        err.request_error().and_then(|e| e.status()),
        Some(app_academy::StatusCode::BAD_REQUEST)
    );
    let message = err.to_string();
    assert!(
        message.contains("append at offset 1") && message.contains("Wrong offset"),
        "{message}"
    );
    let paths: Vec<_> = common::received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/files/upload/openSlot",
            "/files/upload/start",
            "/files/upload/append"
        ]
    );
}

// upload_stream

fn items(parts: &[&[u8]]) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    let parts: Vec<Result<Bytes, std::io::Error>> = parts
        .iter()
        .map(|p| Ok(Bytes::copy_from_slice(p)))
        .collect();
    futures::stream::iter(parts)
}

#[tokio::test]
async fn stream_is_rechunked_like_upload() {
    let cases: [(usize, &[&[u8]]); 5] = [
        (1, &[b"ab", b"", b"c", b"d"]),
        (1, &[b"z"]),
        (1, &[b"", b"x", b"y"]),
        (4, &[b"012345678", b"9"]),
        (4, &[b"0", b"1", b"2", b"3"]),
    ];
    for (chunk, parts) in cases {
        let uploader = Uploader::new(UploadLimits::new(chunk).with_max_file_size(16)).unwrap();
        let whole: Vec<u8> = parts.concat();

        let by_bytes = academy().await;
        uploader
            .upload(&common::client(&by_bytes), FOLDER, "f", whole.clone())
            .await
            .unwrap();
        let by_stream = academy().await;
        let done = uploader
            .upload_stream(&common::client(&by_stream), FOLDER, "f", items(parts))
            .await
            .unwrap();
        assert_eq!(done.file_id.as_deref(), Some("file-7"));

        let expected = after_open_slot(&common::received(&by_bytes).await, "f");
        let actual = after_open_slot(&common::received(&by_stream).await, "f");
        assert_eq!(actual, expected, "chunk {chunk}, parts {parts:?}");
        let joined: Vec<u8> = actual.into_iter().flat_map(|s| s.body).collect();
        assert_eq!(joined, whole);
    }
}

#[tokio::test]
async fn stream_four_bytes_with_academy_limits() {
    let server = academy().await;
    Uploader::academy()
        .upload_stream(
            &common::client(&server),
            FOLDER,
            "test.txt",
            items(&[b"abcd"]),
        )
        .await
        .unwrap();
    assert_eq!(
        after_open_slot(&common::received(&server).await, "test.txt"),
        [
            data_request("start", None, b"a"),
            data_request("append", Some(1), b"b"),
            data_request("append", Some(2), b"c"),
            data_request("finish", None, b"d"),
        ]
    );
}

#[tokio::test]
async fn stream_refusals() {
    let server = academy().await;
    let client = common::client(&server);
    let uploader = Uploader::academy();

    // Over the maximum within the first item: nothing is sent.
    let err = uploader
        .upload_stream(&client, FOLDER, "f", items(&[b"abcde"]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, UploadError::TooLarge { size: 5, max: 4 }),
        "{err:?}"
    );
    // Empty stream.
    let err = uploader
        .upload_stream(&client, FOLDER, "f", items(&[b"", b""]))
        .await
        .unwrap_err();
    assert!(matches!(err, UploadError::EmptyFile), "{err:?}");
    // A failing stream before the first chunk is complete.
    let failing = futures::stream::iter([
        Ok(Bytes::from_static(b"a")),
        Err(std::io::Error::other("disk gone")),
    ]);
    let err = uploader
        .upload_stream(&client, FOLDER, "f", failing)
        .await
        .unwrap_err();
    assert!(
        matches!(err, UploadError::Source(_)) && err.to_string().contains("disk gone"),
        "{err}"
    );
    assert!(common::received(&server).await.is_empty());

    // Over the maximum only at the fifth 1-byte item: found mid-upload, no Finish.
    let err = uploader
        .upload_stream(&client, FOLDER, "f", items(&[b"a", b"b", b"c", b"d", b"e"]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, UploadError::TooLarge { size: 5, max: 4 }),
        "{err:?}"
    );
    let requests = common::received(&server).await;
    assert!(requests
        .iter()
        .all(|r| r.url.path() != "/files/upload/finish"));
}
