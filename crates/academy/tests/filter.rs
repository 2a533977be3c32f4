//! The filter builder against the docs' examples, and the query it sends.

mod common;

use app_academy::filter::{Condition, Filter, FilterExt, FilterTerm, Property};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The chained filter of the docs ("Filtering records"), copied as printed.
const CHAINED: &str = r#"{
    "or":[
        {
            "and":[
                {
                    "property": "name",
                    "startsWith": "R"    
                },
                {
                    "property": "name",
                    "contains": "o"
                }
            ]
        },
        {
            "and":[
                {
                    "property": "name",
                    "startsWith": "G"
                },
                {
                    "property": "name",
                    "contains": "w"
                }
            ]
        }
    ]
}"#;

/// The single filter of the docs, copied as printed.
const SINGLE: &str = r#"{
    "and":[
        {
            "property": "name",
            "startsWith": "R"
        }
    ]
}"#;

fn chained() -> Filter {
    let name = Property::new("name");
    Filter::or([
        Filter::and([name.starts_with("R"), name.contains("o")]),
        Filter::and([name.starts_with("G"), name.contains("w")]),
    ])
}

fn doc(text: &str) -> Value {
    serde_json::from_str(text).expect("the docs' example is JSON")
}

#[test]
fn chained_filter_matches_the_docs() {
    assert_eq!(serde_json::to_value(chained()).unwrap(), doc(CHAINED));
}

#[test]
fn single_filter_matches_the_docs() {
    let name = Property::new("name");
    let filter = Filter::and([name.starts_with("R")]);
    assert_eq!(serde_json::to_value(&filter).unwrap(), doc(SINGLE));
}

#[test]
fn docs_examples_decode_back_to_the_builder_output() {
    let decoded: Filter = serde_json::from_str(CHAINED).unwrap();
    assert_eq!(decoded, chained());
}

#[test]
fn every_operator() {
    let p = Property::new("title");
    assert_eq!(p.name(), "title");
    let filter = Filter::and([
        p.starts_with("a"),
        p.ends_with("b"),
        p.contains("c"),
        p.equals_to("d"),
    ]);
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        json!({"and": [
            {"property": "title", "startsWith": "a"},
            {"property": "title", "endsWith": "b"},
            {"property": "title", "contains": "c"},
            {"property": "title", "equalsTo": "d"},
        ]})
    );
}

#[test]
fn mixed_items_and_generated_terms() {
    let name = Property::new("name");
    let generated = FilterTerm::Condition(Condition {
        property: "year".into(),
        equals_to: Some("1976".into()),
        ..Condition::default()
    });
    let filter = Filter::or([
        FilterTerm::from(name.equals_to("Rocky")),
        Filter::and([name.starts_with("G")]).into(),
        generated,
    ]);
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        json!({"or": [
            {"property": "name", "equalsTo": "Rocky"},
            {"and": [{"property": "name", "startsWith": "G"}]},
            {"property": "year", "equalsTo": "1976"},
        ]})
    );
    let term: FilterTerm = name.contains("x").into();
    assert_eq!(term, FilterTerm::Condition(name.contains("x")));
}

#[test]
fn empty_list_is_left_out() {
    let filter = Filter::and(Vec::<FilterTerm>::new());
    assert_eq!(serde_json::to_value(&filter).unwrap(), json!({}));
}

#[tokio::test]
async fn query_sends_the_filter_as_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/movie/query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalRecordsReturned": 1,
            "records": [{
                "id": "1dca6a93fcf1",
                "name": "Robert Downey Jr.",
                "createdAt": "2023-04-13T17:04:47+00:00",
                "updatedAt": "2023-04-13T17:04:47+00:00",
                "year": 2008
            }]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);

    let response = client
        .records()
        .query("movie", chained())
        .send()
        .await
        .unwrap();
    assert_eq!(response.total_records_returned, Some(1));
    assert_eq!(
        response.records[0].name.as_deref(),
        Some("Robert Downey Jr.")
    );
    assert_eq!(response.records[0].extra["year"], json!(2008));

    let requests = common::received(&server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/movie/query");
    assert_eq!(
        common::header(request, "content-type"),
        Some("application/json")
    );
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, doc(CHAINED));
    common::assert_token(&requests);
}
