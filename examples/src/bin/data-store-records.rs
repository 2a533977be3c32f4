//! Writes one record into a Make data store, then reads every record of that
//! data store back, one line per record: `key<TAB>data as JSON`.
//!
//! ```text
//! MAKE_API_TOKEN=... MAKE_ZONE=eu1 MAKE_DATA_STORE_ID=12 \
//!   MAKE_RECORD_DATA='{"name": "Ada", "visits": 3}' cargo run -p make-examples --bin data-store-records
//! ```
//!
//! - `MAKE_API_TOKEN` (required): an API token with the `datastores:write`
//!   scope (to write the record) and the `datastores:read` scope (to list).
//! - `MAKE_DATA_STORE_ID` (required): the numeric ID of the data store.
//! - `MAKE_RECORD_DATA` (required): the record's data as a JSON object; its
//!   fields must fit the data store's data structure.
//! - `MAKE_RECORD_KEY` (optional): the record's key. With a key, the record
//!   under that key is replaced, or created if the key is new
//!   (`PUT /data-stores/{id}/data/{key}`); without one, a new record is added
//!   and Make chooses its key (`POST /data-stores/{id}/data`).
//! - `MAKE_ZONE`, `MAKE_ENVIRONMENT_URL`, `MAKE_BASE_URL`: where the API is,
//!   as for `list-connections` (default zone `eu1`).
//!
//! The key of the record written and the number of records are printed on
//! stderr. The list is read page by page, 100 records a page, until its end
//! (`client.data_stores().data().list_records(id).limit(100).stream()`).
//!
//! Exits with 0 on success, 1 when an API call fails, 2 when the settings
//! are missing or invalid.

use std::collections::BTreeMap;
use std::process::ExitCode;

use make_client::models::Record;
use make_client::serde_json::Value;
use make_client::{Client, Error, TryStreamExt};

const PROGRAM: &str = "data-store-records";

/// The records asked for per page.
const PAGE_SIZE: i64 = 100;

/// What the environment asks for.
struct Settings {
    client: Client,
    data_store_id: i64,
    key: Option<String>,
    data: BTreeMap<String, Value>,
}

/// Reads the settings; an error names the variable to fix.
fn settings() -> Result<Settings, String> {
    let token = make_examples::api_token(&["datastores:write", "datastores:read"])?;
    let data_store_id = make_examples::required_id("MAKE_DATA_STORE_ID", "data store", 12)?;
    let data = make_examples::json_object("MAKE_RECORD_DATA")?.ok_or(
        "MAKE_RECORD_DATA is not set: set it to the record's data as a JSON object, \
         e.g. {\"name\": \"Ada\"}",
    )?;
    let key = make_examples::var("MAKE_RECORD_KEY").map(|k| k.trim().to_owned());
    Ok(Settings {
        client: make_examples::client(token)?,
        data_store_id,
        key,
        data,
    })
}

/// Writes the record and returns its key, as Make reports it.
async fn write(settings: &Settings) -> Result<String, Error> {
    let records = settings.client.data_stores().data();
    let id = settings.data_store_id;
    let written = match &settings.key {
        Some(key) => records
            .update_entire_record(id, key.as_str(), settings.data.clone())
            .send()
            .await?
            .key
            .unwrap_or_else(|| key.clone()),
        None => {
            let body = make_client::models::CreateDataStoreRecordBody {
                key: None,
                data: Some(settings.data.clone()),
            };
            let response = records.create_record(id, body).send().await?;
            response.key.unwrap_or_else(|| "-".to_owned())
        }
    };
    Ok(written)
}

/// `key<TAB>data`, with `-` for a missing key and `null` for missing data.
fn line(record: &Record) -> String {
    let key = record.key.as_deref().unwrap_or("-");
    let data = record.data.clone().map_or(Value::Null, |data| {
        Value::Object(data.into_iter().collect())
    });
    format!("{key}\t{data}")
}

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match settings() {
        Ok(settings) => settings,
        Err(message) => return make_examples::settings_failed(PROGRAM, &message),
    };
    match write(&settings).await {
        Ok(key) => eprintln!(
            "{PROGRAM}: wrote record {key} to data store {}",
            settings.data_store_id
        ),
        Err(e) => return make_examples::api_failed(PROGRAM, e),
    }
    // Every record, page by page; the stream must be pinned to call `try_next`.
    let records = settings
        .client
        .data_stores()
        .data()
        .list_records(settings.data_store_id)
        .limit(PAGE_SIZE)
        .stream();
    let mut records = std::pin::pin!(records);
    let mut count = 0_u64;
    loop {
        match records.try_next().await {
            Ok(Some(record)) => {
                println!("{}", line(&record));
                count += 1;
            }
            Ok(None) => break,
            Err(e) => return make_examples::api_failed(PROGRAM, e),
        }
    }
    eprintln!(
        "{PROGRAM}: {count} records in data store {}",
        settings.data_store_id
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_one_line() {
        let data: BTreeMap<String, Value> = [
            ("name".to_owned(), Value::from("Ada")),
            ("visits".to_owned(), Value::from(3)),
        ]
        .into_iter()
        .collect();
        let record = Record {
            key: Some("k1".into()),
            data: Some(data),
        };
        assert_eq!(line(&record), "k1\t{\"name\":\"Ada\",\"visits\":3}");
        assert_eq!(line(&Record::default()), "-\tnull");
    }
}
