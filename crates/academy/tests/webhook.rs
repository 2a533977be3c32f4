//! Webhook signature verification: good and bad signatures, garbage headers,
//! payload decoding and the 400 answer.

use app_academy::models::WebhookEventEventType;
use app_academy::webhook::{self, Verifier, WebhookError};
use serde_json::json;

const SECRET: &[u8] = b"yourSecretKey";

fn body(event_type: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "eventType": event_type,
        "data": {"id": "1dca6a93fcf1", "name": "Robert Downey Jr."}
    }))
    .unwrap()
}

#[test]
fn known_hmac_sha256_vector() {
    // RFC 4231-style check with the well-known "quick brown fox" vector.
    assert_eq!(
        webhook::sign(b"key", b"The quick brown fox jumps over the lazy dog"),
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    );
}

#[test]
fn good_signatures_verify_and_decode_the_event_type() {
    for (name, expected) in [
        ("verification", WebhookEventEventType::Verification),
        ("create", WebhookEventEventType::Create),
        ("update", WebhookEventEventType::Update),
    ] {
        let body = body(name);
        let hex = webhook::sign(SECRET, &body);
        for header in [
            hex.clone(),
            format!("sha256={hex}"),
            format!("SHA256={}", hex.to_uppercase()),
            format!("  sha256={hex}\t"),
        ] {
            let event = webhook::verify(SECRET, &body, Some(&header))
                .unwrap_or_else(|e| panic!("{header}: {e}"));
            assert_eq!(event.event_type, Some(expected.clone()));
            let data = event.data.expect("data");
            assert_eq!(data["name"], json!("Robert Downey Jr."));
        }
    }
}

#[test]
fn verifier_keeps_the_key() {
    let verifier = Verifier::new("yourSecretKey");
    let body = body("create");
    let signature = verifier.sign(&body);
    assert_eq!(signature, webhook::sign(SECRET, &body));
    assert!(verifier.verify_signature(&body, Some(&signature)).is_ok());
    let event = verifier.verify(&body, Some(&signature)).unwrap();
    assert_eq!(event.event_type, Some(WebhookEventEventType::Create));
}

#[test]
fn unknown_event_type_is_kept() {
    let body = body("delete");
    let signature = webhook::sign(SECRET, &body);
    let event = webhook::verify(SECRET, &body, Some(&signature)).unwrap();
    assert_eq!(
        event.event_type,
        Some(WebhookEventEventType::Other("delete".into()))
    );
}

#[test]
fn tampered_body_fails() {
    let body = body("create");
    let signature = webhook::sign(SECRET, &body);
    let mut tampered = body.clone();
    let last = tampered.len() - 2;
    tampered[last] ^= 0x01;
    assert_eq!(
        webhook::verify(SECRET, &tampered, Some(&signature)),
        Err(WebhookError::InvalidSignature)
    );
    let mut longer = body.clone();
    longer.push(b' ');
    assert_eq!(
        webhook::verify(SECRET, &longer, Some(&signature)),
        Err(WebhookError::InvalidSignature)
    );
}

#[test]
fn tampered_signature_or_wrong_key_fails() {
    let body = body("update");
    let signature = webhook::sign(SECRET, &body);
    // Flip one hex digit at the start, middle and end.
    for i in [0, 31, 63] {
        let mut chars: Vec<char> = signature.chars().collect();
        chars[i] = if chars[i] == '0' { '1' } else { '0' };
        let bad: String = chars.into_iter().collect();
        assert_eq!(
            webhook::verify(SECRET, &body, Some(&bad)),
            Err(WebhookError::InvalidSignature),
            "{bad}"
        );
    }
    assert_eq!(
        webhook::verify(b"otherKey", &body, Some(&signature)),
        Err(WebhookError::InvalidSignature)
    );
}

#[test]
fn missing_header_fails() {
    let body = body("create");
    assert_eq!(
        webhook::verify(SECRET, &body, None),
        Err(WebhookError::MissingSignature)
    );
    assert_eq!(
        webhook::verify(SECRET, &body, Some("")),
        Err(WebhookError::MissingSignature)
    );
    assert_eq!(
        webhook::verify(SECRET, &body, Some(" \t ")),
        Err(WebhookError::MissingSignature)
    );
}

#[test]
fn garbage_headers_fail_without_panicking() {
    let body = body("create");
    let good = webhook::sign(SECRET, &body);
    let malformed = [
        "sha256=".to_owned(),
        "sha256=zz".to_owned(),
        "sha256= ".to_owned(),
        "=".to_owned(),
        "==".to_owned(),
        format!("={good}"),
        good[..63].to_owned(),                     // odd length
        format!("sha256={}", &good[..62]),         // too short
        format!("{good}{good}"),                   // too long
        format!("sha256={good}="),                 // trailing '='
        format!("sha256={}", "g".repeat(64)),      // not hex
        format!("{}é", &good[..62]),               // non-ASCII
        "x".repeat(100_000),                       // very long, no '='
        format!("sha256={}", "ab".repeat(50_000)), // very long digest
        "\u{0}".repeat(64),
    ];
    for header in &malformed {
        assert_eq!(
            webhook::verify(SECRET, &body, Some(header)),
            Err(WebhookError::MalformedSignature),
            "{:.80}",
            header
        );
    }
    match webhook::verify(SECRET, &body, Some(&format!("md5={good}"))) {
        Err(WebhookError::UnsupportedAlgorithm(name)) => assert_eq!(name, "md5"),
        other => panic!("{other:?}"),
    }
    match webhook::verify(SECRET, &body, Some(&format!("sha1={}", &good[..40]))) {
        Err(e @ WebhookError::UnsupportedAlgorithm(_)) => {
            assert!(e.to_string().contains("`sha1`"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    // A very long algorithm name is cut in the error.
    let long = format!("{}={good}", "a".repeat(100_000));
    match webhook::verify(SECRET, &body, Some(&long)) {
        Err(WebhookError::UnsupportedAlgorithm(name)) => assert!(name.chars().count() <= 33),
        other => panic!("{other:?}"),
    }
    // Arbitrary bytes as the body with garbage signatures: errors, never panics.
    for header in &malformed {
        assert!(webhook::verify(SECRET, &[0xff, 0x00, 0xfe], Some(header)).is_err());
    }
}

#[test]
fn valid_signature_over_invalid_json_is_invalid_payload() {
    for bad in [
        &b"not json"[..],
        b"",
        b"{\"eventType\": \"create\"",
        b"[]",
        b"null",
        b"\"create\"",
        // (A number there is kept as its text under the decoding policy; an object is not.)
        b"{\"eventType\": {}}",
        b"{\"data\": [1, 2]}",
        &[0xff, 0xfe, 0x00],
    ] {
        let signature = webhook::sign(SECRET, bad);
        match webhook::verify(SECRET, bad, Some(&signature)) {
            Err(e @ WebhookError::InvalidPayload { .. }) => {
                assert!(!e.is_signature_error());
                assert_eq!(e.response_status(), 400);
                assert_eq!(e.response_body(), webhook::INVALID_PAYLOAD_BODY);
            }
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(bad)),
        }
    }
    // A signed empty object is a payload with nothing in it.
    let signature = webhook::sign(SECRET, b"{}");
    let event = webhook::verify(SECRET, b"{}", Some(&signature)).unwrap();
    assert_eq!((event.event_type, event.data), (None, None));
}

#[test]
fn the_400_answer_is_the_documented_one() {
    assert_eq!(webhook::SIGNATURE_HEADER, "Signature");
    assert_eq!(webhook::RESPONSE_CONTENT_TYPE, "application/json");
    let documented = json!({"message": "Invalid signature"});
    for err in [
        WebhookError::MissingSignature,
        WebhookError::MalformedSignature,
        WebhookError::UnsupportedAlgorithm("md5".into()),
        WebhookError::InvalidSignature,
    ] {
        assert!(err.is_signature_error());
        assert_eq!(err.response_status(), 400);
        assert_eq!(err.response_body(), webhook::INVALID_SIGNATURE_BODY);
        let body: serde_json::Value = serde_json::from_str(err.response_body()).unwrap();
        assert_eq!(body, documented);
    }
}
