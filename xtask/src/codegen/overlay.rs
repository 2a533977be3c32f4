//! Stage between merge and lower: applies an [OpenAPI Overlay 1.0] document
//! (`specs/<api>/overlay.yaml` or `overlay.json`) to the merged document, so the docs' known
//! mistakes are corrected in one reviewed file instead of in generator special cases. The
//! corrected document is what lowering reads and what `generated/openapi/<api>.json` holds.
//!
//! JSONPath targets are evaluated by `serde_json_path` (RFC 9535); the applier is ours so that
//! every problem is reported at once with the overlay's file, line and action index. Beyond the
//! specification, this project requires each action to carry a `description` (what real
//! behaviour it corrects and where that was seen), and a target that matches nothing is an
//! error: a stale correction must not pass silently.
//!
//! [OpenAPI Overlay 1.0]: https://spec.openapis.org/overlay/v1.0.0.html

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use super::diagnostics::{json_kind as kind, Diagnostic, Diagnostics, Location};
use super::SourceFile;

/// File names of an API folder's overlay, in the order they are looked for.
pub const FILE_NAMES: [&str; 3] = ["overlay.yaml", "overlay.yml", "overlay.json"];

/// A parsed overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Display path of the overlay file.
    pub file: String,
    /// The actions, in the order they are applied.
    pub actions: Vec<Action>,
}

/// One action of an overlay.
#[derive(Debug, Clone)]
pub struct Action {
    /// Index in `actions` (0-based, as the specification's examples count).
    pub index: usize,
    /// Line of its `target` in the overlay file, when it could be found.
    pub line: usize,
    /// The JSONPath query, as written.
    pub target: String,
    /// The parsed query.
    path: JsonPath,
    /// What it does.
    pub change: Change,
}

/// What an action does to every node its target selects.
#[derive(Debug, Clone)]
pub enum Change {
    /// Merges an object into selected objects, or appends a value to selected arrays.
    Update(Value),
    /// Removes the selected nodes from their parents.
    Remove,
}

/// Parses an overlay file (YAML, or JSON when the name ends with `.json`).
pub fn parse(file: &SourceFile) -> Result<Overlay, Diagnostics> {
    let at = |line: usize| Location::new(file.path.clone(), line);
    let text = std::str::from_utf8(&file.bytes).map_err(|_| Diagnostic::at(&at(1), "the overlay is not valid UTF-8"))?;
    let doc: Value = if file.path.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let msg = msg.rsplit_once(" at line ").map_or(msg.as_str(), |(m, _)| m).to_string();
            Diagnostic::at(&Location { col: Some(e.column().max(1)), ..at(e.line().max(1)) }, format!("invalid JSON: {msg}"))
        })?
    } else {
        super::yaml::to_json(text).map_err(|e| {
            let loc = e.at.map_or_else(|| at(1), |(line, col)| Location { col: Some(col), ..at(line) });
            e.diagnostic(&loc)
        })?
    };
    let mut diags = Diagnostics::default();
    let Some(root) = doc.as_object() else {
        return Err(Diagnostic::at(&at(1), "an overlay must be an object with `overlay`, `info` and `actions`").with_pointer("#").into());
    };
    match root.get("overlay") {
        Some(Value::String(v)) if is_version_1_0(v) => {}
        Some(Value::String(v)) => diags.push(Diagnostic::at(&at(key_line(text, "overlay", 0).unwrap_or(1)), format!("unsupported overlay version `{v}`: the generator reads Overlay 1.0.x")).with_pointer("#/overlay")),
        _ => diags.push(Diagnostic::at(&at(1), "`overlay` must be the version string \"1.0.0\"").with_pointer("#/overlay")),
    }
    let info_ok = root.get("info").and_then(Value::as_object).is_some_and(|i| i.get("title").is_some_and(Value::is_string) && i.get("version").is_some_and(Value::is_string));
    if !info_ok {
        diags.push(Diagnostic::at(&at(key_line(text, "info", 0).unwrap_or(1)), "`info` must be an object with string `title` and `version`").with_pointer("#/info"));
    }
    for key in root.keys() {
        if !["overlay", "info", "extends", "actions"].contains(&key.as_str()) && !key.starts_with("x-") {
            diags.push(Diagnostic::at(&at(key_line(text, key, 0).unwrap_or(1)), format!("unknown overlay field `{key}`")).with_pointer(format!("#/{}", super::diagnostics::pointer_token(key))));
        }
    }
    let raw_actions = match root.get("actions") {
        Some(Value::Array(a)) if !a.is_empty() => a.as_slice(),
        _ => {
            diags.push(Diagnostic::at(&at(key_line(text, "actions", 0).unwrap_or(1)), "`actions` must be a non-empty list").with_pointer("#/actions"));
            &[]
        }
    };
    let mut actions = Vec::new();
    let mut search_from = 0;
    for (index, raw) in raw_actions.iter().enumerate() {
        let pointer = format!("#/actions/{index}");
        let target = raw.get("target").and_then(Value::as_str);
        let line = target.and_then(|t| target_line(text, t, search_from)).unwrap_or_else(|| key_line(text, "actions", 0).unwrap_or(1));
        search_from = line;
        let here = at(line);
        let Some(obj) = raw.as_object() else {
            diags.push(Diagnostic::at(&here, format!("actions[{index}] must be an object")).with_pointer(pointer));
            continue;
        };
        for key in obj.keys() {
            if !["target", "description", "update", "remove"].contains(&key.as_str()) && !key.starts_with("x-") {
                diags.push(Diagnostic::at(&here, format!("actions[{index}]: unknown field `{key}`")).with_pointer(format!("{pointer}/{}", super::diagnostics::pointer_token(key))));
            }
        }
        let Some(target) = target else {
            diags.push(Diagnostic::at(&here, format!("actions[{index}]: `target` (a JSONPath string) is required")).with_pointer(format!("{pointer}/target")));
            continue;
        };
        if obj.get("description").and_then(Value::as_str).is_none_or(|d| d.trim().is_empty()) {
            diags.push(Diagnostic::at(&here, format!("actions[{index}] (target `{target}`): a `description` is required, saying what real behaviour the action corrects and where that was seen")).with_pointer(format!("{pointer}/description")));
        }
        let path = match JsonPath::parse(target) {
            Ok(p) => p,
            Err(e) => {
                diags.push(Diagnostic::at(&here, format!("actions[{index}]: `{target}` is not a valid JSONPath: {e}")).with_pointer(format!("{pointer}/target")));
                continue;
            }
        };
        let remove = match obj.get("remove") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                diags.push(Diagnostic::at(&here, format!("actions[{index}] (target `{target}`): `remove` must be a boolean")).with_pointer(format!("{pointer}/remove")));
                continue;
            }
        };
        let change = match (obj.get("update"), remove) {
            (Some(_), true) => {
                diags.push(Diagnostic::at(&here, format!("actions[{index}] (target `{target}`): `update` and `remove: true` together; write two actions")).with_pointer(pointer));
                continue;
            }
            (Some(u), false) => Change::Update(u.clone()),
            (None, true) => Change::Remove,
            (None, false) => {
                diags.push(Diagnostic::at(&here, format!("actions[{index}] (target `{target}`): the action has neither `update` nor `remove: true`")).with_pointer(pointer));
                continue;
            }
        };
        actions.push(Action { index, line, target: target.to_string(), path, change });
    }
    diags.into_result(Overlay { file: file.path.clone(), actions })
}

fn is_version_1_0(v: &str) -> bool {
    v.strip_prefix("1.0.").is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

/// The 1-based line of a top-level or action key, searching from line `from` (0-based index).
fn key_line(text: &str, key: &str, from: usize) -> Option<usize> {
    text.lines().enumerate().skip(from).find_map(|(i, l)| {
        let l = l.trim_start().trim_start_matches("- ").trim_start();
        (l.starts_with(&format!("{key}:")) || l.starts_with(&format!("\"{key}\""))).then_some(i + 1)
    })
}

/// The line of an action's `target`: the first `target` key at or after line `from` whose line
/// also holds the query's text (a query too long for one line falls back to the key alone).
fn target_line(text: &str, target: &str, from: usize) -> Option<usize> {
    let candidates: Vec<usize> = text
        .lines()
        .enumerate()
        .skip(from)
        .filter(|(_, l)| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            l.starts_with("target:") || l.starts_with("\"target\"")
        })
        .map(|(i, _)| i)
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    candidates.iter().find(|&&i| lines[i].contains(target)).or(candidates.first()).map(|i| i + 1)
}

/// Applies every action in order. Every action whose target matches nothing, and every update
/// that does not fit the node it selects, is reported; on any error the document is unchanged.
pub fn apply(overlay: &Overlay, doc: &Value) -> Result<Value, Diagnostics> {
    let mut doc = doc.clone();
    let mut diags = Diagnostics::default();
    for action in &overlay.actions {
        let here = Location::new(overlay.file.clone(), action.line);
        let who = format!("actions[{}] (target `{}`)", action.index, action.target);
        let pointers: Vec<String> = action.path.query_located(&doc).locations().map(|p| p.to_json_pointer()).collect();
        if pointers.is_empty() {
            diags.push(Diagnostic::at(&here, format!("{who} matches nothing in the merged document: the docs changed or the target is wrong; update or delete this correction")));
            continue;
        }
        match &action.change {
            Change::Update(update) => {
                for ptr in &pointers {
                    let Some(node) = doc.pointer_mut(ptr) else { continue };
                    match (node, update) {
                        (Value::Object(node), Value::Object(update)) => merge(node, update),
                        (Value::Array(items), u) => items.push(u.clone()),
                        (Value::Object(_), _) => {
                            diags.push(Diagnostic::at(&here, format!("{who}: selects the object at #{ptr}, so `update` must be an object")));
                        }
                        (other, _) => {
                            diags.push(Diagnostic::at(&here, format!("{who}: selects #{ptr}, which is {}; an update target must be an object or an array", kind(other))));
                        }
                    }
                }
            }
            Change::Remove => {
                // Deepest and last first, so removing one node does not move another.
                let mut ptrs = pointers.clone();
                ptrs.sort_by(|a, b| b.cmp(a));
                for ptr in ptrs {
                    if ptr.is_empty() {
                        diags.push(Diagnostic::at(&here, format!("{who}: cannot remove the whole document")));
                        continue;
                    }
                    let (parent, last) = ptr.rsplit_once('/').unwrap_or(("", ""));
                    let last = last.replace("~1", "/").replace("~0", "~");
                    match doc.pointer_mut(parent) {
                        Some(Value::Object(m)) => {
                            m.shift_remove(&last);
                        }
                        Some(Value::Array(a)) => {
                            if let Ok(i) = last.parse::<usize>() {
                                if i < a.len() {
                                    a.remove(i);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    diags.into_result(doc)
}

/// Overlay merge: members of `update` replace those of `node` with the same name, objects are
/// merged member by member, and new members are added at the end.
fn merge(node: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (k, v) in update {
        match (node.get_mut(k), v) {
            (Some(Value::Object(existing)), Value::Object(inner)) => merge(existing, inner),
            _ => {
                node.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlay(text: &str) -> Result<Overlay, Diagnostics> {
        parse(&SourceFile { path: "specs/api/overlay.yaml".into(), bytes: text.as_bytes().to_vec() })
    }

    const HEAD: &str = "overlay: 1.0.0\ninfo:\n  title: t\n  version: '1'\nactions:\n";

    #[test]
    fn update_merges_objects_and_remove_deletes() {
        let o = overlay(&format!(
            "{HEAD}  - target: $.a.b\n    description: widen b\n    update:\n      type: string\n      inner: {{ y: 2 }}\n  - target: $.list\n    description: one more\n    update: 3\n  - target: $.a.gone\n    description: drop it\n    remove: true\n"
        ))
        .unwrap();
        let doc = serde_json::json!({"a": {"b": {"type": "integer", "inner": {"x": 1}}, "gone": 1}, "list": [1]});
        let out = apply(&o, &doc).unwrap();
        assert_eq!(out, serde_json::json!({"a": {"b": {"type": "string", "inner": {"x": 1, "y": 2}}}, "list": [1, 3]}));
    }

    #[test]
    fn removes_several_array_items_without_shifting() {
        let o = overlay(&format!("{HEAD}  - target: $.l[?@ > 1]\n    description: d\n    remove: true\n")).unwrap();
        let out = apply(&o, &serde_json::json!({"l": [1, 2, 1, 3]})).unwrap();
        assert_eq!(out, serde_json::json!({"l": [1, 1]}));
    }

    #[test]
    fn a_target_matching_nothing_names_the_file_line_and_action() {
        let o = overlay(&format!("{HEAD}  - target: $.a\n    description: ok\n    update: {{}}\n  - target: $.nope\n    description: stale\n    remove: true\n")).unwrap();
        let err = apply(&o, &serde_json::json!({"a": {}})).unwrap_err().to_string();
        assert!(err.starts_with("error: specs/api/overlay.yaml:9: actions[1] (target `$.nope`) matches nothing"), "{err}");
    }

    #[test]
    fn malformed_overlays_are_located() {
        let err = overlay("overlay: 2.0.0\ninfo: {}\nactions: []\n").unwrap_err().to_string();
        assert!(err.contains("overlay.yaml:1 #/overlay: unsupported overlay version `2.0.0`"), "{err}");
        assert!(err.contains("overlay.yaml:2 #/info"), "{err}");
        assert!(err.contains("overlay.yaml:3 #/actions: `actions` must be a non-empty list"), "{err}");
        let err = overlay(&format!("{HEAD}  - target: $[\n    update: {{}}\n  - target: $.x\n    description: d\n")).unwrap_err().to_string();
        assert!(err.contains("overlay.yaml:6 #/actions/0/description: actions[0] (target `$[`): a `description` is required"), "{err}");
        assert!(err.contains("is not a valid JSONPath"), "{err}");
        assert!(err.contains("overlay.yaml:8 #/actions/1: actions[1] (target `$.x`): the action has neither"), "{err}");
        let err = overlay("actions: [\n").unwrap_err().to_string();
        assert!(err.contains("invalid YAML"), "{err}");
    }

    #[test]
    fn an_update_that_does_not_fit_is_an_error() {
        let o = overlay(&format!("{HEAD}  - target: $.a\n    description: d\n    update: 1\n  - target: $.s\n    description: d\n    update: {{}}\n")).unwrap();
        let err = apply(&o, &serde_json::json!({"a": {}, "s": "text"})).unwrap_err().to_string();
        assert!(err.contains("so `update` must be an object"), "{err}");
        assert!(err.contains("which is a string"), "{err}");
    }
}
