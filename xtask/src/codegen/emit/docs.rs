//! Doc comments from the docs' markdown. Descriptions are written for GitBook, not rustdoc:
//! relative page links (`./get--connections.md`) become intra-doc links to the generated method,
//! unknown HTML-looking words (`<connectionType>`) are escaped, bare URLs become autolinks, stray
//! brackets (`pg[limit]`) are escaped so rustdoc does not read them as links, and code blocks
//! without a language are marked `text` so they never run as doctests. The rewrite works on
//! pulldown-cmark's source ranges, so everything else stays as written.

use proc_macro2::TokenStream;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use quote::quote;

/// HTML tags rustdoc renders and that are kept as written.
const HTML_TAGS: &[&str] = &[
    "a", "b", "br", "code", "del", "details", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "img", "kbd", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
];

/// The sentence naming the documented values of a number or integer (see
/// [`crate::codegen::ir::Field::allowed`]); empty when the docs list none.
pub fn allowed(values: &[String]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    format!("\n\nOne of {}.", list.join(", "))
}

/// Rewrites GitBook markdown for rustdoc. `link` maps a page name (`get--connections`) to an
/// intra-doc path, or `None` to keep the link's text only.
pub fn sanitize(md: &str, link: &dyn Fn(&str) -> Option<String>) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut link_depth = 0usize;
    let mut code_depth = 0usize;
    let mut indented: Option<(std::ops::Range<usize>, String)> = None;
    for (event, range) in Parser::new(md).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                link_depth += 1;
                if link_depth == 1 {
                    if let Some(new) = rewrite_link(&md[range.clone()], &dest_url, link) {
                        edits.push((range.start, range.end, new));
                    }
                }
            }
            Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
            Event::Start(Tag::Image { .. }) => link_depth += 1,
            Event::End(TagEnd::Image) => link_depth = link_depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(kind)) => {
                code_depth += 1;
                match kind {
                    CodeBlockKind::Indented => {
                        let line_start = md[..range.start].rfind('\n').map_or(0, |i| i + 1);
                        indented = Some((line_start..range.end, String::new()));
                    }
                    CodeBlockKind::Fenced(info) if info.trim().is_empty() || info.trim() == "rust" => {
                        let src = &md[range.clone()];
                        let lead = src.len() - src.trim_start().len();
                        let fence_len = src[lead..].chars().take_while(|c| *c == '`' || *c == '~').count();
                        let line_end = src.find('\n').unwrap_or(src.len());
                        let fence = &src[lead..lead + fence_len];
                        edits.push((range.start + lead, range.start + line_end, format!("{fence}text")));
                    }
                    CodeBlockKind::Fenced(_) => {}
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                code_depth = code_depth.saturating_sub(1);
                if let Some((r, body)) = indented.take() {
                    let nl = if md[r.clone()].ends_with('\n') { "\n" } else { "" };
                    edits.push((r.start, r.end, format!("```text\n{body}```{nl}")));
                }
            }
            Event::Text(t) if code_depth > 0 => {
                if let Some((_, body)) = &mut indented {
                    body.push_str(&t);
                }
            }
            Event::Text(_) if link_depth == 0 => {
                let src = &md[range.clone()];
                let escaped = escape_text(src);
                if escaped != src {
                    edits.push((range.start, range.end, escaped));
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                let tag = h.trim_start_matches('<').trim_start_matches('/');
                let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                if !HTML_TAGS.contains(&name.to_ascii_lowercase().as_str()) || h.trim_start().starts_with("<!") {
                    edits.push((range.start, range.end, md[range.clone()].replace('<', "&lt;").replace('>', "&gt;")));
                }
            }
            _ => {}
        }
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(md.len() + 16);
    let mut pos = 0;
    for (start, end, text) in edits {
        if start < pos || end > md.len() {
            continue; // overlapping edit: keep the first
        }
        out.push_str(&md[pos..start]);
        out.push_str(&text);
        pos = end;
    }
    out.push_str(&md[pos..]);
    out
}

fn rewrite_link(src: &str, dest: &str, link: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if dest.starts_with("http://") || dest.starts_with("https://") || dest.starts_with("mailto:") || dest.starts_with('#') {
        return None;
    }
    let text = src.strip_prefix('[').and_then(|s| s.rsplit_once("](")).map(|(t, _)| t)?;
    let page = dest.split(['#', '?']).next().unwrap_or(dest);
    let page = page.rsplit('/').next().unwrap_or(page);
    let slug = page.strip_suffix(".md").unwrap_or(page);
    match link(slug) {
        Some(target) => Some(format!("[{text}]({target})")),
        None => Some(text.to_string()),
    }
}

fn escape_text(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut prev = '\0';
    let mut rest = src;
    while let Some(c) = rest.chars().next() {
        if (rest.starts_with("https://") || rest.starts_with("http://")) && prev != '<' && prev != '(' {
            let end = rest.find(|c: char| c.is_whitespace() || "<>\"'`)".contains(c)).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            prev = '>';
            continue;
        }
        if (c == '[' || c == ']') && prev != '\\' {
            out.push('\\');
        }
        out.push(c);
        prev = c;
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `#![doc = "..."]` attributes (module or crate docs), one per line of `text`.
pub fn inner_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}

fn doc_lines(text: &str) -> Vec<String> {
    let text = text.trim_end();
    if text.trim().is_empty() {
        return Vec::new();
    }
    text.lines()
        .map(|l| {
            let l = l.trim_end();
            if l.is_empty() { String::new() } else { format!(" {l}") }
        })
        .collect()
}

/// `#[doc = "..."]` attributes, one per line of `text`.
pub fn attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(md: &str) -> String {
        sanitize(md, &|slug| (slug == "get--connections").then(|| "crate::connections::Connections::list".to_string()))
    }

    #[test]
    fn relative_links_become_intra_doc_links() {
        assert_eq!(s("See [List connections](./get--connections.md) first."), "See [List connections](crate::connections::Connections::list) first.");
        assert_eq!(s("See [x](./unknown.md)."), "See x.");
        assert_eq!(s("See [x](/api-documentation/authentication)."), "See x.");
        assert_eq!(s("See [x](https://make.com)."), "See [x](https://make.com).");
    }

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(s("The type (`<connectionType>`) and <connectionType>."), "The type (`<connectionType>`) and &lt;connectionType&gt;.");
        assert_eq!(s("Line<br>next"), "Line<br>next");
        assert_eq!(s("Use pg[limit] here"), "Use pg\\[limit\\] here");
        assert_eq!(s("Go to https://www.make.com/en/help."), "Go to <https://www.make.com/en/help>.");
        assert_eq!(s("```\ncode\n```"), "```text\ncode\n```");
        assert_eq!(s("```json\n{}\n```"), "```json\n{}\n```");
        assert_eq!(s("Text:\n\n    let x = 1;\n\nafter"), "Text:\n\n```text\nlet x = 1;\n```\n\nafter");
    }

    #[test]
    fn attrs_are_one_per_line() {
        assert_eq!(attrs("a\n\nb").to_string(), quote!(#[doc = " a"] #[doc = ""] #[doc = " b"]).to_string());
        assert!(attrs("  ").is_empty());
    }
}
