//! Stage 2, merge: combines the per-operation documents of one API into one OpenAPI document.
//! Paths and operations are united; identical servers, tags, security schemes and component
//! schemas are kept once; document-level `security` and path-level parameters are pushed down
//! into each operation (an operation's own parameter with the same name and location wins), and
//! path-level parameters stay at path level too so that references to them resolve. The same
//! operation or component defined twice with different content is an error naming both places.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Operation, PathItem, ReferenceOr};

use super::diagnostics::{pointer_token, Diagnostic, Diagnostics, Location};
use super::extract::Fragment;
use super::refs;

/// The HTTP methods OpenAPI 3.0 allows on a path item, in the order the emitters list them.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Where an operation came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The block that defined it.
    pub location: Location,
    /// The markdown heading above it.
    pub heading: Option<String>,
    /// The quoted description below that heading.
    pub quote: Option<String>,
}

/// The merged document, with where each operation came from.
#[derive(Debug, Clone)]
pub struct Merged {
    /// One OpenAPI document for the whole API.
    pub doc: OpenAPI,
    /// `(path, method)` -> origin.
    pub origins: BTreeMap<(String, String), Origin>,
    /// Component schema name -> the block that first defined it.
    pub schema_origins: BTreeMap<String, Location>,
}

impl Merged {
    /// The origin of an operation (falls back to the first fragment's file).
    pub fn origin(&self, path: &str, method: &str) -> Option<&Origin> {
        self.origins.get(&(path.to_string(), method.to_string()))
    }
}

/// Returns the operation of `item` for a lowercase method name.
pub fn operation_mut<'a>(item: &'a mut PathItem, method: &str) -> Option<&'a mut Option<Operation>> {
    Some(match method {
        "get" => &mut item.get,
        "put" => &mut item.put,
        "post" => &mut item.post,
        "delete" => &mut item.delete,
        "options" => &mut item.options,
        "head" => &mut item.head,
        "patch" => &mut item.patch,
        "trace" => &mut item.trace,
        _ => return None,
    })
}

/// Merges fragments (in the order given, which is file order then block order).
pub fn merge(fragments: Vec<Fragment>) -> Result<Merged, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut doc = OpenAPI { openapi: "3.0.3".into(), ..OpenAPI::default() };
    let mut origins: BTreeMap<(String, String), Origin> = BTreeMap::new();
    let mut schema_origins: BTreeMap<String, Location> = BTreeMap::new();
    let mut scheme_origins: BTreeMap<String, Location> = BTreeMap::new();
    let mut other_component_origins: BTreeMap<String, Location> = BTreeMap::new();
    let mut first = true;
    let mut path_level: BTreeMap<String, Option<Vec<ReferenceOr<openapiv3::Parameter>>>> = BTreeMap::new();

    for frag in fragments {
        let Fragment { location, heading, quote, doc: mut part } = frag;
        // References are resolved in the block's own document (each Make page is a whole one).
        let has_refs = part.paths.paths.values().any(|item| match item {
            ReferenceOr::Reference { .. } => true,
            ReferenceOr::Item(item) => {
                item.iter().flat_map(|(_, op)| &op.parameters).chain(&item.parameters).any(|p| matches!(p, ReferenceOr::Reference { .. }))
            }
        });
        let part_json = if has_refs { serde_json::to_value(&part).unwrap_or_default() } else { serde_json::Value::Null };
        let part_json = || &part_json;
        if first {
            doc.info = part.info.clone();
            first = false;
        }
        for server in part.servers.drain(..) {
            if !doc.servers.iter().any(|s| s.url == server.url) {
                doc.servers.push(server);
            }
        }
        for tag in part.tags.drain(..) {
            match doc.tags.iter_mut().find(|t| t.name == tag.name) {
                Some(existing) => {
                    if existing.description.is_none() {
                        existing.description = tag.description;
                    }
                }
                None => doc.tags.push(tag),
            }
        }
        if let Some(components) = part.components.take() {
            let target = doc.components.get_or_insert_with(Components::default);
            merge_map(&mut target.security_schemes, components.security_schemes, "securitySchemes", &location, &mut scheme_origins, &mut diags);
            merge_map(&mut target.schemas, components.schemas, "schemas", &location, &mut schema_origins, &mut diags);
            merge_map(&mut target.parameters, components.parameters, "parameters", &location, &mut other_component_origins, &mut diags);
            merge_map(&mut target.request_bodies, components.request_bodies, "requestBodies", &location, &mut other_component_origins, &mut diags);
            merge_map(&mut target.responses, components.responses, "responses", &location, &mut other_component_origins, &mut diags);
            merge_map(&mut target.headers, components.headers, "headers", &location, &mut other_component_origins, &mut diags);
            merge_map(&mut target.examples, components.examples, "examples", &location, &mut other_component_origins, &mut diags);
        }
        let doc_security = part.security.take();
        for (path, item) in std::mem::take(&mut part.paths.paths) {
            let pointer = format!("#/paths/{}", pointer_token(&path));
            let mut item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => match refs::resolve::<PathItem>(part_json(), &reference) {
                    Ok((_, item)) => item,
                    Err(message) => {
                        diags.push(Diagnostic::at(&location, message).with_pointer(pointer));
                        continue;
                    }
                },
            };
            let path_params = std::mem::take(&mut item.parameters);
            let path_keys: Vec<_> = path_params.iter().map(|p| param_key(p, part_json())).collect();
            // Kept at path level too (so references to them resolve) while every block agrees.
            match path_level.entry(path.clone()) {
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(Some(path_params.clone()));
                }
                std::collections::btree_map::Entry::Occupied(mut e) => {
                    if e.get().as_ref() != Some(&path_params) {
                        e.insert(None);
                    }
                }
            }
            let target = match doc.paths.paths.entry(path.clone()).or_insert_with(|| ReferenceOr::Item(PathItem::default())) {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { .. } => unreachable!("merge only inserts items"),
            };
            if target.summary.is_none() {
                target.summary = item.summary.take();
            }
            if target.description.is_none() {
                target.description = item.description.take();
            }
            for method in METHODS {
                let Some(Some(mut op)) = operation_mut(&mut item, method).map(Option::take) else { continue };
                // OpenAPI identifies a parameter by name and location: a path-level parameter
                // applies unless the operation declares the same name in the same location.
                let own: Vec<_> = op.parameters.iter().map(|q| param_key(q, part_json())).collect();
                for (p, key) in path_params.iter().zip(&path_keys) {
                    if key.is_none() || !own.contains(key) {
                        op.parameters.push(p.clone());
                    }
                }
                if op.security.is_none() {
                    op.security.clone_from(&doc_security);
                }
                let slot = operation_mut(target, method).expect("known method");
                let key = (path.clone(), method.to_string());
                match slot {
                    Some(existing) if *existing == op => {}
                    Some(_) => {
                        let first = &origins[&key].location;
                        diags.push(
                            Diagnostic::at(
                                &location,
                                format!("conflicting definitions of {} {path}: also defined differently at {first}", method.to_uppercase()),
                            )
                            .with_pointer(format!("{pointer}/{method}")),
                        );
                    }
                    None => {
                        *slot = Some(op);
                        origins.insert(key, Origin { location: location.clone(), heading: heading.clone(), quote: quote.clone() });
                    }
                }
            }
        }
    }
    for (path, params) in path_level {
        if let (Some(params), Some(ReferenceOr::Item(item))) = (params, doc.paths.paths.get_mut(&path)) {
            item.parameters = params;
        }
    }
    diags.into_result(Merged { doc, origins, schema_origins })
}

/// A parameter's identity: its name and location (a reference is resolved in `doc`; one that
/// does not resolve has no identity here, and lower reports it).
fn param_key(p: &ReferenceOr<openapiv3::Parameter>, doc: &serde_json::Value) -> Option<(String, &'static str)> {
    let resolved;
    let p = match p {
        ReferenceOr::Item(p) => p,
        ReferenceOr::Reference { reference } => {
            resolved = refs::resolve::<openapiv3::Parameter>(doc, reference).ok()?.1;
            &resolved
        }
    };
    let kind = match p {
        openapiv3::Parameter::Query { .. } => "query",
        openapiv3::Parameter::Header { .. } => "header",
        openapiv3::Parameter::Path { .. } => "path",
        openapiv3::Parameter::Cookie { .. } => "cookie",
    };
    Some((p.parameter_data_ref().name.clone(), kind))
}

fn merge_map<V: PartialEq>(
    target: &mut IndexMap<String, V>,
    source: IndexMap<String, V>,
    kind: &str,
    location: &Location,
    origins: &mut BTreeMap<String, Location>,
    diags: &mut Diagnostics,
) {
    for (name, value) in source {
        match target.get(&name) {
            Some(existing) if *existing == value => {}
            Some(_) => {
                let first = origins.get(&format!("{kind}/{name}")).or_else(|| origins.get(&name)).cloned();
                let first = first.map(|l| l.to_string()).unwrap_or_else(|| "an earlier block".into());
                diags.push(
                    Diagnostic::at(location, format!("conflicting definitions of {kind} `{name}`: also defined differently at {first}"))
                        .with_pointer(format!("#/components/{kind}/{}", pointer_token(&name))),
                );
            }
            None => {
                let key = if kind == "schemas" { name.clone() } else { format!("{kind}/{name}") };
                origins.insert(key, location.clone());
                target.insert(name, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::extract::{extract_file, Fragment};
    use crate::codegen::SourceFile;

    fn frags(file: &str, docs: &[&str]) -> Vec<Fragment> {
        let text: String = docs.iter().map(|d| format!("## Op\n\n```json\n{d}\n```\n\n")).collect();
        extract_file(&SourceFile { path: file.into(), bytes: text.into_bytes() }).unwrap()
    }

    fn op_doc(method: &str, path: &str, summary: &str, scope: &str) -> String {
        format!(
            r#"{{"openapi":"3.0.0","info":{{"title":"T","version":"1"}},"servers":[{{"url":"https://a.example/api"}}],"tags":[{{"name":"Things"}}],"security":[{{"token":["{scope}"]}}],"components":{{"securitySchemes":{{"token":{{"type":"apiKey","name":"Authorization","in":"header"}}}}}},"paths":{{"{path}":{{"{method}":{{"tags":["Things"],"summary":"{summary}","responses":{{"200":{{"description":"ok"}}}}}}}}}}}}"#
        )
    }

    #[test]
    fn unites_paths_dedups_servers_and_pushes_security_down() {
        let a = op_doc("get", "/things", "List things", "things:read");
        let b = op_doc("post", "/things", "Create thing", "things:write");
        let m = merge(frags("a.md", &[&a, &b])).unwrap();
        assert_eq!(m.doc.servers.len(), 1);
        assert_eq!(m.doc.tags.len(), 1);
        let ReferenceOr::Item(item) = &m.doc.paths.paths["/things"] else { panic!() };
        let get = item.get.as_ref().unwrap();
        assert_eq!(get.security.as_ref().unwrap()[0]["token"], vec!["things:read".to_string()]);
        assert_eq!(item.post.as_ref().unwrap().security.as_ref().unwrap()[0]["token"], vec!["things:write".to_string()]);
        assert_eq!(m.origin("/things", "post").unwrap().location.line, 9);
    }

    #[test]
    fn identical_duplicate_is_fine_conflict_names_both_places() {
        let a = op_doc("get", "/things", "List things", "things:read");
        let b = op_doc("get", "/things", "List all things", "things:read");
        assert!(merge(frags("a.md", &[&a, &a])).is_ok());
        let mut all = frags("a.md", &[&a]);
        all.extend(frags("b.md", &[&b]));
        let err = merge(all).unwrap_err();
        assert_eq!(
            err.0[0].to_string(),
            "b.md:3 #/paths/~1things/get: conflicting definitions of GET /things: also defined differently at a.md:3"
        );
    }

    #[test]
    fn conflicting_security_scheme() {
        let a = op_doc("get", "/a", "A", "s");
        let b = op_doc("get", "/b", "B", "s").replace("\"Authorization\"", "\"X-Key\"");
        let err = merge(frags("a.md", &[&a, &b])).unwrap_err();
        assert!(err.0[0].to_string().contains("conflicting definitions of securitySchemes `token`: also defined differently at a.md:3"), "{}", err);
    }
}
