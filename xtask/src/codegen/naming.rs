//! All naming: turning wire names, summaries and schema contexts into Rust identifiers. heck does
//! the casing; this module handles what heck does not (brackets, placeholders, leading digits,
//! keywords, articles in summaries, plurals). Every result is a valid identifier, checked against
//! syn in the tests.

use heck::{ToPascalCase, ToSnakeCase};

/// Rust keywords (strict, reserved and edition-dependent) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Words dropped from summaries when naming operations.
const FILLER: &[&str] = &["a", "an", "the", "if", "is", "of", "for", "by", "with", "to"];

/// Mixed-case words that heck would split (`OAuth` -> `o_auth`) written as one word.
const MIXED_CASE_WORDS: &[(&str, &str)] = &[("OAuth", "Oauth"), ("GraphQL", "Graphql"), ("IPv4", "Ipv4"), ("IPv6", "Ipv6"), ("iOS", "Ios")];

/// Replaces everything that is not alphanumeric by a space, so heck sees word boundaries, and
/// writes acronyms the way a person reads them: a plural acronym is one word (`RPCs` -> `Rpcs`,
/// `userIDs` -> `userIds`; heck alone gives `rp_cs`, `user_i_ds`), and so are the few mixed-case
/// words of [`MIXED_CASE_WORDS`].
fn words(s: &str) -> String {
    let mut s: String = without_possessives(s).chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    for (from, to) in MIXED_CASE_WORDS {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        // An upper-case run of two or more letters, then a lone `s`: a plural acronym.
        let run = chars[i..].iter().take_while(|c| c.is_uppercase()).count();
        let plural_s = chars.get(i + run) == Some(&'s') && !chars.get(i + run + 1).is_some_and(|c| c.is_lowercase());
        if run >= 2 && plural_s {
            out.push(chars[i]);
            out.extend(chars[i + 1..i + run].iter().flat_map(|c| c.to_lowercase()));
            out.push('s');
            i += run + 1;
        } else if run > 0 {
            out.extend(&chars[i..i + run]);
            i += run;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The sections of a tag, outermost first. Make writes a nested section of its reference into
/// the tag, with whichever separator the page's author chose: `Scenarios > Logs`,
/// `Scenarios / Logs`, `SDK Apps - RPCs`, `Users: Me: API Tokens`, `Data stores.Data`. A hyphen is
/// a separator only with spaces around it (`On-prem agents` is one section) and a dot only
/// between words (`v2.1` is one).
pub fn tag_sections(tag: &str) -> Vec<String> {
    let chars: Vec<char> = tag.chars().collect();
    let mut sections = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let separator = match c {
            '>' | '/' | '\\' | '|' | ':' | '»' | '›' | '→' => true,
            '.' => !(before.is_some_and(|b| b.is_ascii_digit()) && after.is_some_and(|a| a.is_ascii_digit())),
            '-' | '–' | '—' => before.is_none_or(char::is_whitespace) && after.is_none_or(char::is_whitespace),
            _ => false,
        };
        if separator {
            sections.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    sections.push(current);
    let sections: Vec<String> =
        sections.iter().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| s.chars().any(char::is_alphanumeric)).collect();
    if sections.is_empty() { vec![tag.trim().to_string()] } else { sections }
}

/// The handle type of a (nested) section: the parents in singular, then the section itself:
/// `["Scenarios", "Logs"]` -> `ScenarioLogs`, `["SDK Apps", "RPCs"]` -> `SdkAppRpcs`.
pub fn handle_type(sections: &[String]) -> String {
    let mut words: Vec<String> = Vec::new();
    if let Some((last, parents)) = sections.split_last() {
        words.extend(parents.iter().map(|p| singular_name(p)));
        words.push(snake(last));
    }
    pascal(&words.join("_"))
}

fn ascii_only(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// A snake_case identifier for a field, parameter or method: `accountName` -> `account_name`,
/// `type` -> `type_`, `1st` -> `_1st`.
pub fn snake(s: &str) -> String {
    let mut out = ascii_only(&words(s).to_snake_case());
    if out.is_empty() {
        out = "value".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// A PascalCase identifier for a type or variant: `accountName` -> `AccountName`, `1` -> `V1`.
pub fn pascal(s: &str) -> String {
    let mut out = ascii_only(&words(s).to_pascal_case());
    if out.is_empty() {
        out = "Empty".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// A SCREAMING_SNAKE identifier for a constant.
pub fn screaming(s: &str) -> String {
    snake(s).trim_end_matches('_').to_uppercase()
}

/// English plural of a lowercase word (good enough for API nouns).
pub fn plural(word: &str) -> String {
    if word.ends_with('s') || word.ends_with("data") {
        word.to_string()
    } else if let Some(stem) = word.strip_suffix('y').filter(|s| !s.ends_with(['a', 'e', 'o', 'u'])) {
        format!("{stem}ies")
    } else if word.ends_with("sh") || word.ends_with("ch") || word.ends_with('x') {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// English singular of a word (good enough for API nouns).
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses") || word.ends_with("shes") || word.ends_with("ches") || word.ends_with("xes") {
        word[..word.len() - 2].to_string()
    } else if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        word.to_string()
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_string()
    } else {
        word.to_string()
    }
}

/// Singular of the last word of an identifier-ish name: `dataStores` -> `dataStore`.
pub fn singular_name(name: &str) -> String {
    let snake = words(name).to_snake_case();
    let mut parts: Vec<String> = snake.split('_').map(str::to_string).collect();
    if let Some(last) = parts.last_mut() {
        *last = singular(last);
    }
    parts.join("_")
}

/// The Rust name of a parameter from its wire name: `teamId` -> `team_id`, `type[]` -> `types`
/// (an array named by its singular gets the plural), `cols[]` -> `cols`, `pg[sortBy]` ->
/// `pg_sort_by`, `<connectionType>[]` -> `connection_type`.
pub fn param(wire: &str, is_array: bool) -> String {
    // Make's pagination object: `pg[limit]` is just `limit` on a request builder.
    if let Some(inner) = wire.strip_prefix("pg[").and_then(|w| w.strip_suffix(']')) {
        return snake(inner);
    }
    let base = wire.trim_end_matches("[]");
    let base: String = base.replace(['<', '>'], " ");
    let name = snake(&base);
    if is_array && wire.ends_with("[]") {
        let trimmed = name.trim_end_matches('_');
        let mut parts: Vec<&str> = trimmed.split('_').collect();
        let last = parts.pop().unwrap_or_default().to_string();
        let p = plural(&last);
        parts.push(&p);
        return snake(&parts.join("_"));
    }
    name
}

/// A Cargo package name from an API folder name: lowercase, words joined by `-`, never starting
/// with a digit (`13-path-parameter-override` -> `api-13-path-parameter-override`, `My API` ->
/// `my-api`).
pub fn crate_name(folder: &str) -> String {
    let kebab: Vec<String> = words(folder).split_whitespace().map(|w| ascii_only(&w.to_lowercase())).filter(|w| !w.is_empty()).collect();
    let name = kebab.join("-");
    if name.is_empty() {
        "api".into()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else {
        name
    }
}

/// Rust names for an operation's parameters from their base names (see [`param`]) and
/// locations. OpenAPI identifies a parameter by name *and* location, so `id` may be both a path
/// and a query parameter: the first location in the order path, query, header keeps the name,
/// the others are qualified by theirs (`query_id`, `header_id`). The result does not depend on
/// the order the docs list them in; names that still collide are made unique by the caller.
pub fn located_params(params: &[(String, crate::codegen::ir::ParamLocation)]) -> Vec<String> {
    use crate::codegen::ir::ParamLocation::{Header, Path, Query};
    let rank = |l| match l {
        Path => 0,
        Query => 1,
        Header => 2,
    };
    params
        .iter()
        .map(|(base, location)| {
            let first = params.iter().filter(|(b, _)| b == base).map(|(_, l)| rank(*l)).min().unwrap_or(0);
            if rank(*location) == first {
                base.clone()
            } else {
                let word = match location {
                    Path => "path",
                    Query => "query",
                    Header => "header",
                };
                snake(&format!("{word}_{}", base.trim_end_matches('_')))
            }
        })
        .collect()
}

/// The placeholder inside a parameter name chosen at run time: `<connectionType>[]` ->
/// `Some(("connectionType", "", "[]"))` (name, text before, text after).
pub fn placeholder(wire: &str) -> Option<(&str, &str, &str)> {
    let start = wire.find('<')?;
    let end = start + wire[start..].find('>')?;
    Some((&wire[start + 1..end], &wire[..start], &wire[end + 1..]))
}

/// True for names that hold an identifier (`id`, `teamId`, `team_id`, `userID`): a `number`
/// there is an integer.
pub fn is_id_like(name: &str) -> bool {
    let n = name.trim_end_matches("[]");
    n.eq_ignore_ascii_case("id") || n.ends_with("Id") || n.ends_with("ID") || n.ends_with("_id") || n.ends_with("Ids")
}

/// A possessive is its noun: `"the user's settings"` -> `"the user settings"`, never a word `s`.
fn without_possessives(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let apostrophe = matches!(chars[i], '\'' | '\u{2019}');
        let ends_word = !chars.get(i + 2).is_some_and(|c| c.is_alphanumeric());
        if apostrophe && chars.get(i + 1) == Some(&'s') && ends_word {
            i += 2;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Names of an operation from its summary, within its group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationNames {
    /// Method on the group: `list`, `get_details`.
    pub method: String,
    /// Request builder type: `ListConnections`.
    pub builder: String,
}

/// `"List connections"` under tag `Connections` -> method `list`, builder `ListConnections`;
/// `"Verify if connection is scoped"` -> `verify_scoped`, `VerifyConnectionScoped`. Articles and
/// filler words are dropped; the group's noun (singular or plural) is dropped from the method.
pub fn operation(summary: &str, group: &str) -> OperationNames {
    let summary = without_deprecation_mark(summary);
    let snake_words: Vec<String> = words(summary)
        .to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty() && !FILLER.contains(w))
        .map(str::to_string)
        .collect();
    let group_words: Vec<String> = words(group).to_snake_case().split('_').filter(|w| !w.is_empty()).map(str::to_string).collect();
    let group_forms: Vec<String> = group_words.iter().flat_map(|w| [singular(w), plural(w)]).collect();
    let method_words: Vec<&str> =
        snake_words.iter().filter(|w| !group_forms.contains(w)).map(String::as_str).collect();
    let method = if method_words.is_empty() { snake(&snake_words.join("_")) } else { snake(&method_words.join("_")) };
    let builder = pascal(&snake_words.join("_"));
    OperationNames { method, builder }
}

/// A summary without the mark some docs put on deprecated operations (`"Authorize
/// (deprecated)"`, `"Create request - deprecated"`): the `#[deprecated]` attribute says it.
fn without_deprecation_mark(summary: &str) -> &str {
    let trimmed = summary.trim_end();
    let lower = trimmed.to_ascii_lowercase();
    for mark in ["(deprecated)", "[deprecated]", "- deprecated", "– deprecated", "deprecated"] {
        if lower.ends_with(mark) && lower.len() > mark.len() {
            let rest = trimmed[..trimmed.len() - mark.len()].trim_end();
            // A bare trailing word only counts after a separator: "List deprecated" stays.
            if mark != "deprecated" || rest.ends_with([',', ':', '-']) {
                return rest.trim_end_matches([',', ':']).trim_end();
            }
        }
    }
    trimmed
}

/// A summary made from method and path when the docs have none: `GET /data-stores/{id}/records`
/// -> `"get data stores records"` (path parameters are left out).
pub fn summary_from_path(method: &str, path: &str) -> String {
    let mut s = method.to_lowercase();
    for seg in path.split('/').filter(|s| !s.is_empty() && !s.starts_with('{')) {
        s.push(' ');
        s.push_str(&words(seg));
    }
    s
}

/// Makes `name` unique against `taken` by appending 2, 3, ...
pub fn unique(name: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&name) {
        return name;
    }
    // `type_` + 2 is `type2`, and `Self_` + 2 is `Self2` (not `Self_2`, which is not camel case).
    let stem = match name.trim_end_matches('_') {
        "" => name.as_str(),
        s => s,
    };
    (2..).map(|i| format!("{stem}{i}")).find(|n| !taken(n)).expect("an unused name exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_ident(s: &str) {
        assert!(syn::parse_str::<syn::Ident>(s).is_ok(), "`{s}` is not a valid identifier");
    }

    #[test]
    fn snake_table() {
        for (input, want) in [
            ("teamId", "team_id"),
            ("accountName", "account_name"),
            ("type", "type_"),
            ("ref", "ref_"),
            ("async", "async_"),
            ("gen", "gen_"),
            ("self", "self_"),
            ("1st", "_1st"),
            ("", "value"),
            ("file_id", "file_id"),
            ("session-id", "session_id"),
            ("scopesCnt", "scopes_cnt"),
            ("héllo wörld", "hllo_wrld"),
        ] {
            assert_eq!(snake(input), want, "snake({input:?})");
            assert_ident(&snake(input));
        }
    }

    #[test]
    fn pascal_table() {
        for (input, want) in [
            ("connection", "Connection"),
            ("string", "String"),
            ("1", "V1"),
            ("", "Empty"),
            ("self", "Self_"),
            ("accountName", "AccountName"),
            ("EU1 production zone", "Eu1ProductionZone"),
        ] {
            assert_eq!(pascal(input), want, "pascal({input:?})");
            assert_ident(&pascal(input));
        }
    }

    #[test]
    fn param_table() {
        for (wire, array, want) in [
            ("teamId", false, "team_id"),
            ("type[]", true, "types"),
            ("cols[]", true, "cols"),
            ("usedApps[]", true, "used_apps"),
            ("pg[sortBy]", false, "sort_by"),
            ("pg[limit]", false, "limit"),
            ("filter[name]", false, "filter_name"),
            ("<connectionType>[]", true, "connection_types"),
            ("type", false, "type_"),
            ("session-id", false, "session_id"),
        ] {
            assert_eq!(param(wire, array), want, "param({wire:?})");
            assert_ident(&param(wire, array));
        }
        assert_eq!(placeholder("<connectionType>[]"), Some(("connectionType", "", "[]")));
        assert_eq!(placeholder("teamId"), None);
    }

    #[test]
    fn parameters_with_one_name_in_several_locations_table() {
        use crate::codegen::ir::ParamLocation::{Header, Path, Query};
        for (params, want) in [
            (vec![("id", Query), ("id", Path)], vec!["query_id", "id"]),
            (vec![("id", Header), ("id", Query)], vec!["header_id", "id"]),
            (vec![("id", Header), ("id", Query), ("id", Path), ("locale", Query)], vec!["header_id", "query_id", "id", "locale"]),
            (vec![("type_", Path), ("type_", Query)], vec!["type_", "query_type"]),
            (vec![("team_id", Query), ("team_id", Query)], vec!["team_id", "team_id"]),
        ] {
            let params: Vec<(String, _)> = params.into_iter().map(|(n, l)| (n.to_string(), l)).collect();
            let got = located_params(&params);
            assert_eq!(got, want, "{params:?}");
            got.iter().for_each(|n| assert_ident(n));
        }
    }

    #[test]
    fn crate_name_table() {
        for (folder, want) in [
            ("make-api-v2", "make-api-v2"),
            ("13-path-parameter-override", "api-13-path-parameter-override"),
            ("My API", "my-api"),
            ("googleapis.com_drive", "googleapis-com-drive"),
            ("---", "api"),
        ] {
            assert_eq!(crate_name(folder), want, "{folder}");
        }
    }

    #[test]
    fn unique_keeps_identifiers_idiomatic() {
        for (name, want) in [("Self_", "Self2"), ("type_", "type2"), ("Key", "Key2"), ("_", "_2")] {
            assert_eq!(unique(name.into(), |n| n == name), want);
            assert_ident(want);
        }
    }

    #[test]
    fn operation_table() {
        for (summary, group, method, builder) in [
            ("List connections", "Connections", "list", "ListConnections"),
            ("Create connection", "Connections", "create", "CreateConnection"),
            ("Rename a connection", "Connections", "rename", "RenameConnection"),
            ("Get connection details", "Connections", "get_details", "GetConnectionDetails"),
            ("Verify if connection is scoped", "Connections", "verify_scoped", "VerifyConnectionScoped"),
            ("List updatable connection parameters", "Connections", "list_updatable_parameters", "ListUpdatableConnectionParameters"),
            ("List data stores", "Data stores", "list", "ListDataStores"),
            ("Connections", "Connections", "connections", "Connections"),
            ("Delete type", "Things", "delete_type", "DeleteType"),
            // Nested sections: every section's noun is dropped from the method.
            ("List scenario logs", "Scenarios > Logs", "list", "ListScenarioLogs"),
            ("Get execution details", "Scenarios > Logs", "get_execution_details", "GetExecutionDetails"),
            ("List API tokens", "Users > Me > API Tokens", "list", "ListApiTokens"),
            ("Create API token", "Users / Me / API Tokens", "create", "CreateApiToken"),
            ("List RPCs", "SDK Apps > RPCs", "list", "ListRpcs"),
            ("Test RPC", "SDK Apps > RPCs", "test", "TestRpc"),
            ("Get current user", "Users > Me", "get_current", "GetCurrentUser"),
            ("List data store records", "Data stores > Records", "list", "ListDataStoreRecords"),
            // The docs' deprecation marks are not part of the name.
            ("Authorize (deprecated)", "OAuth", "authorize", "Authorize"),
            ("Create new Credential Request - deprecated", "Credential requests", "create_new", "CreateNewCredentialRequest"),
            ("Delete - deprecated", "Incomplete executions", "delete", "Delete"),
            ("List deprecated", "Things", "list_deprecated", "ListDeprecated"),
            // A possessive is its noun.
            ("Get the organization's private-spaces settings", "Organizations", "get_private_spaces_settings", "GetOrganizationPrivateSpacesSettings"),
            ("Check user\u{2019}s notification settings", "Users", "check_notification_settings", "CheckUserNotificationSettings"),
        ] {
            let n = operation(summary, group);
            assert_eq!((n.method.as_str(), n.builder.as_str()), (method, builder), "{summary}");
            assert_ident(&n.method);
            assert_ident(&n.builder);
        }
    }

    #[test]
    fn handle_table() {
        // (tag as a page writes it, accessor path, handle type)
        for (tag, path, handle) in [
            ("Connections", &["connections"][..], "Connections"),
            ("Data stores", &["data_stores"], "DataStores"),
            ("Scenarios > Logs", &["scenarios", "logs"], "ScenarioLogs"),
            ("Scenarios / Logs", &["scenarios", "logs"], "ScenarioLogs"),
            ("Users > Me > API Tokens", &["users", "me", "api_tokens"], "UserMeApiTokens"),
            ("Users / Me / API Tokens", &["users", "me", "api_tokens"], "UserMeApiTokens"),
            ("SDK Apps > RPCs", &["sdk_apps", "rpcs"], "SdkAppRpcs"),
            ("SDK Apps - RPCs", &["sdk_apps", "rpcs"], "SdkAppRpcs"),
            ("SDK Apps: Modules", &["sdk_apps", "modules"], "SdkAppModules"),
            ("Data stores.Data", &["data_stores", "data"], "DataStoreData"),
            ("Data stores » Data", &["data_stores", "data"], "DataStoreData"),
            ("Scenarios >> Custom properties", &["scenarios", "custom_properties"], "ScenarioCustomProperties"),
            ("On-prem agents", &["on_prem_agents"], "OnPremAgents"),
            ("API v2.1", &["api_v2_1"], "ApiV21"),
            ("OAuth clients", &["oauth_clients"], "OauthClients"),
            ("AI Agents", &["ai_agents"], "AiAgents"),
            ("  Hooks  >  ", &["hooks"], "Hooks"),
            ("IML functions", &["iml_functions"], "ImlFunctions"),
            (">", &["value"], "Value"),
        ] {
            let sections = tag_sections(tag);
            let got: Vec<String> = sections.iter().map(|s| snake(s)).collect();
            assert_eq!(got, path, "tag_sections({tag:?}) = {sections:?}");
            assert_eq!(handle_type(&sections), handle, "handle_type({tag:?})");
            got.iter().for_each(|a| assert_ident(a));
            assert_ident(&handle_type(&sections));
        }
    }

    #[test]
    fn acronyms_table() {
        for (input, snake_want, pascal_want) in [
            ("RPCs", "rpcs", "Rpcs"),
            ("API Tokens", "api_tokens", "ApiTokens"),
            ("SDK Apps", "sdk_apps", "SdkApps"),
            ("userIDs", "user_ids", "UserIds"),
            ("IDs", "ids", "Ids"),
            ("URLsList", "urls_list", "UrlsList"),
            ("HTTPSProxy", "https_proxy", "HttpsProxy"),
            ("teamId", "team_id", "TeamId"),
            ("OAuth 2.0 scopes", "oauth_2_0_scopes", "Oauth20Scopes"),
            ("GraphQL", "graphql", "Graphql"),
            ("status", "status", "Status"),
        ] {
            assert_eq!(snake(input), snake_want, "snake({input:?})");
            assert_eq!(pascal(input), pascal_want, "pascal({input:?})");
        }
    }

    #[test]
    fn id_like_table() {
        for (name, want) in [("id", true), ("teamId", true), ("team_id", true), ("userID", true), ("width", false), ("paid", false), ("valid", false)] {
            assert_eq!(is_id_like(name), want, "{name}");
        }
    }

    #[test]
    fn summary_from_path_skips_parameters() {
        assert_eq!(summary_from_path("DELETE", "/items/{item_id}/notes"), "delete items notes");
    }

    #[test]
    fn plural_singular() {
        for (s, p) in [("type", "types"), ("category", "categories"), ("box", "boxes"), ("key", "keys"), ("data", "data")] {
            assert_eq!(plural(s), p);
        }
        for (p, s) in [("connections", "connection"), ("categories", "category"), ("boxes", "box"), ("status", "status"), ("address", "address")] {
            assert_eq!(singular(p), s);
        }
        assert_eq!(singular_name("dataStores"), "data_store");
        assert_eq!(unique("A".into(), |n| n == "A" || n == "A2"), "A3");
    }
}
