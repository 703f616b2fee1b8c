//! Test-only: an independent check that a string is HTML Telegram accepts — only its tags,
//! properly nested as Telegram allows, only its four named entities, nothing unescaped.

use super::html_to_plain;

const ALLOWED: [&str; 9] = ["b", "i", "u", "s", "tg-spoiler", "a", "code", "pre", "blockquote"];

pub(super) fn assert_valid(html: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(ch) = rest.chars().next() {
        match ch {
            '<' => {
                let end = rest.find('>').unwrap_or_else(|| panic!("unclosed '<' in {html:?}"));
                let tag = &rest[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    assert_eq!(stack.pop(), Some(name), "unbalanced </{name}> in {html:?}");
                } else {
                    let (name, attributes) = tag.split_once(' ').unwrap_or((tag, ""));
                    assert!(ALLOWED.contains(&name), "tag <{name}> not allowed in {html:?}");
                    check_attributes(name, attributes, &stack, html);
                    check_nesting(name, &stack, html);
                    stack.push(name);
                }
                rest = &rest[end + 1..];
            }
            '&' => {
                let entity = ["&lt;", "&gt;", "&amp;", "&quot;"].into_iter().find(|e| rest.starts_with(e));
                let entity = entity.unwrap_or_else(|| panic!("bare '&' in {html:?}"));
                rest = &rest[entity.len()..];
            }
            '>' | '"' => panic!("unescaped {ch:?} in {html:?}"),
            _ => rest = &rest[ch.len_utf8()..],
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?} in {html:?}");
}

fn check_attributes(name: &str, attributes: &str, stack: &[&str], html: &str) {
    match name {
        "a" => {
            let href = attributes.strip_prefix("href=\"").and_then(|a| a.strip_suffix('"'));
            let href = href.unwrap_or_else(|| panic!("bad <a {attributes}> in {html:?}"));
            assert!(!href.contains('"') && !href.contains('<'), "unescaped href in {html:?}");
            let scheme = href.split(':').next().unwrap_or_default();
            assert!(["http", "https", "tg"].contains(&scheme), "unsafe link in {html:?}");
        }
        "code" if !attributes.is_empty() => {
            let class = attributes.strip_prefix("class=\"language-").and_then(|a| a.strip_suffix('"'));
            let class = class.unwrap_or_else(|| panic!("bad <code {attributes}> in {html:?}"));
            assert!(!class.is_empty() && class.chars().all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c)));
            assert_eq!(stack.last(), Some(&"pre"), "a language outside <pre> in {html:?}");
        }
        _ => assert!(attributes.is_empty(), "<{name} {attributes}> in {html:?}"),
    }
}

/// Telegram's rules: nothing inside code, only code inside pre, no link in a link, no nested
/// block quotes.
fn check_nesting(name: &str, stack: &[&str], html: &str) {
    assert!(!stack.contains(&"code"), "<{name}> inside <code> in {html:?}");
    assert!(stack.last() != Some(&"pre") || name == "code", "<{name}> inside <pre> in {html:?}");
    assert!(!(stack.contains(&"a") && ["a", "code", "pre", "blockquote"].contains(&name)), "<{name}> in <a>: {html:?}");
    assert!(!(name == "blockquote" && stack.contains(&"blockquote")), "nested blockquote in {html:?}");
    assert!(name != "pre" || stack.iter().all(|t| *t == "blockquote"), "<pre> inside a span in {html:?}");
}

#[test]
fn the_checker_rejects_what_telegram_rejects() {
    for bad in ["<b>x", "x</b>", "<b><i>x</b></i>", "<div>x</div>", "a & b", "a > b", "<a href=\"javascript:x\">x</a>"]
    {
        assert!(std::panic::catch_unwind(|| assert_valid(bad)).is_err(), "{bad}");
    }
    assert_valid("<b>x <i>y</i></b> &amp; <a href=\"https://x.org/?a=1&amp;b=2\">z</a>");
    assert_valid("<blockquote><pre><code class=\"language-rust\">x</code></pre></blockquote>");
}

/// Splits and checks what must hold for every part.
pub(super) fn checked_split(html: &str, limit: usize) -> Vec<String> {
    let parts = super::split_html(html, limit);
    for part in &parts {
        assert_valid(part);
        let plain = html_to_plain(part);
        assert!(!plain.trim().is_empty(), "empty part in {parts:?}");
        assert_eq!(plain.trim(), plain, "untrimmed part in {parts:?}");
    }
    assert_same_text(html, &parts);
    parts
}

/// The parts' text is the whole text, less whitespace at the split points.
pub(super) fn assert_same_text(html: &str, parts: &[String]) {
    let whole = html_to_plain(html);
    let mut rest = whole.as_str();
    for part in parts {
        let plain = html_to_plain(part);
        rest = rest.trim_start();
        rest = rest.strip_prefix(plain.as_str()).unwrap_or_else(|| panic!("{plain:?} is not next in {rest:?}"));
    }
    assert_eq!(rest.trim(), "", "text lost after the last part");
}
