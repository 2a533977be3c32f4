//! `cargo xtask synth --ops N --out DIR`: writes a synthetic API in the form of Make's docs, for
//! the scaling benchmark.
//!
//! Each resource is one GitBook page with up to five operations (list, get, create, update,
//! delete), each a complete single-operation OpenAPI 3.0 document in a ```json block, with the
//! resource object repeated inline in every response as Make's pages do. The object has 17
//! fields: integers, strings, enums, date-times, booleans, nested objects (`owner` and `metadata`
//! identical across resources, `settings` varying with the noun), arrays of strings and of
//! objects. Lists carry `cols[]` (enum) and `pg[...]` parameters and a `pg` object in the
//! response, so they are paginated. Output is deterministic.

use std::fs;
use std::io;
use std::path::Path;

use serde_json::{json, Map, Value};

const ADJECTIVES: [&str; 44] = [
    "alpha", "amber", "azure", "bold", "brisk", "calm", "cedar", "coral", "crisp", "dusty", "early", "fancy", "frost", "gold",
    "grand", "green", "hazel", "ivory", "jade", "keen", "lemon", "lunar", "maple", "misty", "noble", "ocean", "olive", "pearl",
    "prime", "quiet", "rapid", "royal", "ruby", "sage", "silver", "solar", "stone", "swift", "tidal", "urban", "vivid", "warm",
    "wild", "zesty",
];

const NOUNS: [&str; 40] = [
    "hook", "widget", "folder", "token", "report", "channel", "device", "ticket", "invoice", "project", "bucket", "record",
    "template", "module", "package", "account", "webhook", "variable", "function", "key", "team", "member", "role", "note",
    "label", "queue", "cluster", "pipeline", "job", "event", "alert", "rule", "schedule", "backup", "domain", "mailbox",
    "segment", "survey", "order", "product",
];

/// How many operations one resource page holds.
pub const OPS_PER_RESOURCE: usize = 5;

/// The largest number of operations [`write()`] can produce (distinct resource names run out).
pub const MAX_OPS: usize = ADJECTIVES.len() * NOUNS.len() * OPS_PER_RESOURCE;

/// One synthetic resource: `alpha hook` → `/alpha-hooks`, tag `Alpha hooks`.
struct Resource {
    adj: &'static str,
    noun: &'static str,
}

impl Resource {
    fn new(i: usize) -> Self {
        Resource { adj: ADJECTIVES[i % ADJECTIVES.len()], noun: NOUNS[(i / ADJECTIVES.len()) % NOUNS.len()] }
    }
    fn singular(&self) -> String {
        format!("{} {}", self.adj, self.noun)
    }
    fn plural(&self) -> String {
        format!("{} {}s", self.adj, self.noun)
    }
    fn title_plural(&self) -> String {
        let mut s = self.plural();
        s[..1].make_ascii_uppercase();
        s
    }
    fn camel(&self) -> String {
        let mut noun = self.noun.to_string();
        noun[..1].make_ascii_uppercase();
        format!("{}{noun}", self.adj)
    }
    fn camel_plural(&self) -> String {
        self.camel() + "s"
    }
    fn kebab_plural(&self) -> String {
        format!("{}-{}s", self.adj, self.noun)
    }
    fn id_param(&self) -> String {
        self.camel() + "Id"
    }
    fn scope(&self, write: bool) -> String {
        format!("{}:{}", self.kebab_plural(), if write { "write" } else { "read" })
    }
    fn page_name(&self) -> String {
        format!("{}.md", self.kebab_plural())
    }
}

/// The object every response of a resource repeats inline.
fn object(r: &Resource) -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer", "description": format!("The ID of the {}.", r.singular())},
            "name": {"type": "string", "description": format!("The name of the {}. At most 128 characters.", r.singular())},
            "description": {"type": "string"},
            "teamId": {"type": "integer"},
            "organizationId": {"type": "integer"},
            "status": {"type": "string", "enum": ["active", "paused", "archived"]},
            "type": {"type": "string", "enum": [r.adj, r.noun, "custom"]},
            "createdAt": {"type": "string", "format": "date-time"},
            "updatedAt": {"type": "string", "format": "date-time"},
            "isActive": {"type": "boolean"},
            format!("{}Count", r.noun): {"type": "integer"},
            "owner": {"type": "object", "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "email": {"type": "string", "format": "email"}
            }},
            "metadata": {"type": "object", "properties": {
                "value": {"type": "string"},
                "type": {"type": "string", "enum": ["string", "email"]}
            }},
            "settings": {"type": "object", "properties": {
                "timezone": {"type": "string"},
                "locale": {"type": "string"},
                "retries": {"type": "integer"},
                "notify": {"type": "boolean"},
                "channel": {"type": "string", "enum": ["email", "sms", r.noun]}
            }},
            "tags": {"type": "array", "items": {"type": "string"}},
            "scopes": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "account": {"type": "string"}
            }}},
            "theme": {"type": "string", "format": "color"}
        }
    })
}

fn cols_param(r: &Resource, obj: &Value) -> Value {
    let names: Vec<&String> = obj["properties"].as_object().map(|m| m.keys().collect()).unwrap_or_default();
    json!({
        "name": "cols[]", "in": "query",
        "schema": {"type": "array", "items": {"type": "string", "enum": names}},
        "description": format!("Specifies the columns of the {} to return.", r.singular())
    })
}

fn id_path_param(r: &Resource) -> Value {
    json!({
        "name": r.id_param(), "in": "path", "required": true, "schema": {"type": "integer"},
        "description": format!("The ID of the {}. You can get it with the [List {}](./get--{}.md) endpoint.", r.singular(), r.plural(), r.kebab_plural())
    })
}

fn team_param(r: &Resource) -> Value {
    json!({"name": "teamId", "in": "query", "required": true, "schema": {"type": "integer"},
        "description": format!("The unique ID of the team whose {} will be retrieved.", r.plural())})
}

fn ok(schema: Value) -> Value {
    json!({"200": {"description": "Successful response", "content": {"application/json": {"schema": schema}}}})
}

/// One single-operation document, wrapped the way Make's pages carry it.
fn document(r: &Resource, method: &str, path: &str, write: bool, op: Value) -> Value {
    let tag = r.title_plural();
    let mut op = op;
    if let Some(m) = op.as_object_mut() {
        let mut head = Map::new();
        head.insert("tags".into(), json!([tag.clone()]));
        for (k, v) in std::mem::take(m) {
            head.insert(k, v);
        }
        *m = head;
    }
    let servers: Vec<Value> = [("eu1.make.com", "EU1"), ("eu2.make.com", "EU2"), ("us1.make.com", "US1"), ("us2.make.com", "US2")]
        .iter()
        .map(|(host, zone)| json!({"url": format!("https://{host}/api/v2"), "description": format!("{zone} production zone")}))
        .collect();
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Synthetic API v2", "version": "1.0.0"},
        "tags": [{"name": tag, "description": format!("The following endpoints allow you to create and manage {}.", r.plural())}],
        "servers": servers,
        "security": [{"token": [r.scope(write)]}],
        "components": {"securitySchemes": {"token": {"type": "apiKey", "name": "Authorization", "in": "header",
            "description": "Authorize the API call with your API token in the `Authorization` header with the value: `Token your-api-token`."}}},
        "paths": {path: {method: op}}
    })
}

/// The (summary, description, document) of operation `k` (0..5) of a resource.
fn operation(r: &Resource, k: usize) -> (String, String, Value) {
    let obj = object(r);
    let list_path = format!("/{}", r.kebab_plural());
    let item_path = format!("/{}/{{{}}}", r.kebab_plural(), r.id_param());
    let single = |v: Value| json!({"type": "object", "properties": {r.camel(): v}});
    match k {
        0 => {
            let summary = format!("List {}", r.plural());
            let desc = format!("Retrieves a collection of all {} for a team with a given ID. Returned {} are sorted by name in ascending order.", r.plural(), r.plural());
            let op = json!({
                "summary": summary, "description": desc,
                "parameters": [
                    team_param(r),
                    cols_param(r, &obj),
                    {"name": "pg[sortBy]", "in": "query", "schema": {"type": "string", "enum": ["id", "name", "createdAt"]}, "description": "The value that will be used to sort returned entities by."},
                    {"name": "pg[offset]", "in": "query", "schema": {"type": "integer"}, "description": "The value of entities you want to skip before getting entities you need."},
                    {"name": "pg[sortDir]", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}, "description": "The sorting order."},
                    {"name": "pg[limit]", "in": "query", "schema": {"type": "integer"}, "description": "Sets the maximum number of results per page in the API call response."}
                ],
                "responses": ok(json!({"type": "object", "properties": {
                    r.camel_plural(): {"type": "array", "items": obj},
                    "pg": {"type": "object", "properties": {
                        "sortBy": {"type": "string"}, "offset": {"type": "integer"}, "sortDir": {"type": "string"}, "limit": {"type": "integer"}
                    }}
                }}))
            });
            (summary, desc.clone(), document(r, "get", &list_path, false, op))
        }
        1 => {
            let summary = format!("Get {} details", r.singular());
            let desc = format!("Retrieves details of a {} with a given ID.", r.singular());
            let op = json!({
                "summary": summary, "description": desc,
                "parameters": [id_path_param(r), cols_param(r, &obj)],
                "responses": ok(single(obj))
            });
            (summary, desc.clone(), document(r, "get", &item_path, false, op))
        }
        2 => {
            let summary = format!("Create {}", r.singular());
            let desc = format!("Creates a new {} with data passed in the request body. In the response, it returns all details of the created {}.", r.singular(), r.singular());
            let body = json!({"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "description": format!("The name of the {}.", r.singular())},
                "description": {"type": "string"},
                "type": {"type": "string", "enum": [r.adj, r.noun, "custom"]},
                "settings": obj["properties"]["settings"].clone(),
                "tags": {"type": "array", "items": {"type": "string"}}
            }});
            let op = json!({
                "summary": summary, "description": desc,
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "parameters": [team_param(r)],
                "responses": ok(single(obj))
            });
            (summary, desc.clone(), document(r, "post", &list_path, true, op))
        }
        3 => {
            let summary = format!("Update {}", r.singular());
            let desc = format!("Updates the specified {}. The response contains all information about the updated {}.", r.singular(), r.singular());
            let body = json!({"type": "object", "properties": {
                "name": {"type": "string"}, "description": {"type": "string"}, "isActive": {"type": "boolean"}
            }, "additionalProperties": false});
            let op = json!({
                "summary": summary, "description": desc,
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "parameters": [id_path_param(r)],
                "responses": ok(single(obj))
            });
            (summary, desc.clone(), document(r, "patch", &item_path, true, op))
        }
        _ => {
            let summary = format!("Delete {}", r.singular());
            let desc = format!("Deletes a {} with a given ID and returns the ID in the response.", r.singular());
            let op = json!({
                "summary": summary, "description": desc,
                "parameters": [id_path_param(r), {"name": "confirmed", "in": "query", "schema": {"type": "boolean"}, "description": "Confirms the deletion."}],
                "responses": ok(single(json!({"type": "integer"})))
            });
            (summary, desc.clone(), document(r, "delete", &item_path, true, op))
        }
    }
}

/// The markdown page of resource `i` holding its first `ops` operations.
fn page(i: usize, ops: usize) -> (String, String) {
    let r = Resource::new(i);
    let mut md = format!(
        "# {}\n\nThe following endpoints allow you to create and manage {}.\n",
        r.title_plural(),
        r.plural()
    );
    for k in 0..ops {
        let (summary, desc, doc) = operation(&r, k);
        let json = serde_json::to_string(&doc).expect("a JSON value serializes");
        md.push_str(&format!("\n## {summary}\n\n> {desc}\n\n```json\n{json}\n```\n"));
    }
    (r.page_name(), md)
}

const API_TOML: &str = "# Written by `cargo xtask synth`.\n\n[client]\nservers_enum = \"Zone\"\n\n[auth]\nprefix = \"Token \"\n";

/// Writes `ops` operations as Make-style pages into `out/<api>/` (replacing that folder), plus an
/// `api.toml`. Returns the number of pages.
pub fn write(out: &Path, api: &str, ops: usize) -> io::Result<usize> {
    if ops == 0 || ops > MAX_OPS {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("--ops must be between 1 and {MAX_OPS}")));
    }
    let dir = out.join(api);
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("api.toml"), API_TOML)?;
    let pages = ops.div_ceil(OPS_PER_RESOURCE);
    for i in 0..pages {
        let n = (ops - i * OPS_PER_RESOURCE).min(OPS_PER_RESOURCE);
        let (name, md) = page(i, n);
        fs::write(dir.join(name), md)?;
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_the_requested_operations() {
        let (name, md) = page(45, 3);
        assert_eq!(name, "amber-widgets.md");
        assert_eq!(md.matches("```json").count(), 3);
        assert!(md.contains("\"pg[limit]\""));
        assert!(md.contains("\"cols[]\""));
        assert!(md.contains("## Create amber widget"));
    }
}
