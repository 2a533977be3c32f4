//! Downloading a file returns its exact bytes.

mod common;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn download_returns_the_exact_bytes() {
    // Not UTF-8: a lone 0xFF, a NUL, a truncated multi-byte sequence, CR LF.
    let content: Vec<u8> = vec![0xFF, 0x00, 0xFE, 0xE2, 0x82, b'a', b'\r', b'\n', 0x80];
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/dj789jdj344i"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(content.clone(), "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);

    let bytes = client
        .files()
        .download("dj789jdj344i")
        .send()
        .await
        .unwrap();
    assert_eq!(&bytes[..], &content[..]);

    let requests = common::received(&server).await;
    assert_eq!(requests.len(), 1);
    common::assert_token(&requests);
}

#[tokio::test]
async fn download_of_a_missing_file_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/nope"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "message": "File not found"
        })))
        .mount(&server)
        .await;
    let err = common::client(&server)
        .files()
        .download("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(app_academy::StatusCode::NOT_FOUND));
    assert!(err.to_string().contains("File not found"), "{err}");
}
