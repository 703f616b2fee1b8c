//! Escaping and a small tokenizer for Telegram HTML: tags, and visible characters (a character
//! or a whole entity), which is what the splitter and the plain-text fallback work on.

use std::borrow::Cow;

/// Escapes text for Telegram HTML (&, <, > and ").
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The visible text of Telegram HTML: tags dropped, entities unescaped — what is sent as plain
/// text when Telegram rejects the entities ("can't parse entities").
pub fn html_to_plain(html: &str) -> String {
    tokenize(html)
        .iter()
        .filter_map(|token| match token {
            Token::Text { raw, .. } => Some(visible(raw)),
            _ => None,
        })
        .collect()
}

/// Visible length in UTF-16 code units, as Telegram counts it.
pub fn visible_len(html: &str) -> usize {
    tokenize(html)
        .iter()
        .map(|token| match token {
            Token::Text { units, .. } => *units,
            _ => 0,
        })
        .sum()
}

/// One piece of Telegram HTML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token<'a> {
    Open {
        name: &'a str,
        raw: &'a str,
    },
    Close {
        name: &'a str,
    },
    /// `<br/>`-like tags: Telegram has none, but keeping them as tags keeps a stray one intact.
    Void {
        raw: &'a str,
    },
    /// One visible character: a char or a whole entity, so neither is ever cut.
    Text {
        raw: &'a str,
        ch: char,
        units: usize,
    },
}

impl Token<'_> {
    pub(super) fn is_space(&self) -> bool {
        matches!(self, Token::Text { ch, .. } if ch.is_whitespace())
    }
}

pub(super) fn tokenize(html: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = html;
    while let Some(ch) = rest.chars().next() {
        let (token, len) = match ch {
            '<' => tag(rest),
            '&' => entity(rest),
            _ => None,
        }
        .unwrap_or_else(|| {
            let raw = rest.get(..ch.len_utf8()).unwrap_or_default();
            (Token::Text { raw, ch, units: ch.len_utf16() }, raw.len())
        });
        tokens.push(token);
        rest = rest.get(len..).unwrap_or_default();
    }
    tokens
}

/// A tag at the start of `rest`; `None` for a `<` that opens no tag (shown literally).
fn tag(rest: &str) -> Option<(Token<'_>, usize)> {
    let end = rest.find('>')?;
    let raw = rest.get(..=end)?;
    let inner = raw.get(1..end)?;
    let (closing, body) = match inner.strip_prefix('/') {
        Some(body) => (true, body),
        None => (false, inner),
    };
    let name_len = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(body.len());
    let (name, after) = body.split_at_checked(name_len)?;
    let name_ends_well = after.chars().next().is_none_or(|c| c.is_ascii_whitespace() || c == '/');
    if name.is_empty() || !name_ends_well || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let token = if closing {
        Token::Close { name }
    } else if inner.ends_with('/') {
        Token::Void { raw }
    } else {
        Token::Open { name, raw }
    };
    Some((token, raw.len()))
}

/// An entity Telegram decodes at the start of `rest`; `None` for a bare `&` or an entity it
/// shows as written (`&nbsp;`, `&#99999999;`), which is then ordinary text, character by
/// character: one token for it would be a "character" up to 34 units wide, which the splitter
/// cannot cut and so could put over the limit (found by a property test: `&a;` at a limit of 2).
fn entity(rest: &str) -> Option<(Token<'_>, usize)> {
    // Entities are short; a `;` further away belongs to ordinary text.
    let end = rest.char_indices().take(34).find(|&(_, c)| c == ';')?.0;
    let raw = rest.get(..=end)?;
    let body = raw.get(1..end)?;
    let well_formed = match body.strip_prefix('#') {
        Some(number) => {
            let digits = number.strip_prefix(['x', 'X']).unwrap_or(number);
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit())
        }
        None => !body.is_empty() && body.chars().all(|c| c.is_ascii_alphanumeric()),
    };
    if !well_formed {
        return None;
    }
    let Cow::Owned(shown) = visible(raw) else { return None };
    let ch = shown.chars().next()?;
    Some((Token::Text { raw, ch, units: ch.len_utf16() }, raw.len()))
}

/// What Telegram shows for one text token. Telegram knows the four named entities below and
/// every numeric one; anything else stays as written.
fn visible(raw: &str) -> Cow<'_, str> {
    let decoded = match raw.strip_prefix('&').and_then(|r| r.strip_suffix(';')) {
        Some("lt") => Some('<'),
        Some("gt") => Some('>'),
        Some("amp") => Some('&'),
        Some("quot") => Some('"'),
        Some(body) => body.strip_prefix('#').and_then(|number| {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => number.parse(),
            };
            code.ok().and_then(char::from_u32)
        }),
        None => None,
    };
    decoded.map_or(Cow::Borrowed(raw), |c| Cow::Owned(c.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_escapes_the_four_characters() {
        assert_eq!(escape(r#"a < b && c > "d" 'e'"#), "a &lt; b &amp;&amp; c &gt; &quot;d&quot; 'e'");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn plain_text_drops_tags_and_unescapes() {
        let html =
            r#"<b>Жирный</b> &lt;i&gt; <a href="https://x.org/?a=1&amp;b=2">ссылка</a> &amp; &quot;&#33;&#x1F600;"#;
        assert_eq!(html_to_plain(html), "Жирный <i> ссылка & \"!😀");
        assert_eq!(html_to_plain(&escape("a < b && c > d")), "a < b && c > d");
    }

    #[test]
    fn malformed_markup_is_shown_as_written() {
        assert_eq!(html_to_plain("a < b & c &nbsp; &#xZZ; <>"), "a < b & c &nbsp; &#xZZ; <>");
        assert_eq!(html_to_plain("x <1> y"), "x <1> y");
    }

    #[test]
    fn entities_telegram_shows_as_written_are_ordinary_text() {
        let raw: Vec<&str> = tokenize("&nbsp;&#99999999;&lt;")
            .iter()
            .map(|t| match t {
                Token::Text { raw, .. } => *raw,
                _ => "",
            })
            .collect();
        assert_eq!(raw.len(), 6 + 11 + 1);
        assert_eq!(raw.last(), Some(&"&lt;"));
        assert_eq!(visible_len("&a;&nbsp;"), 9);
    }

    #[test]
    fn visible_len_counts_utf16_units_after_entities() {
        assert_eq!(visible_len("<b>abc</b>"), 3);
        assert_eq!(visible_len("&lt;&amp;&quot;"), 3);
        assert_eq!(visible_len("😀"), 2);
        assert_eq!(visible_len("<i>ё</i>"), 1);
        assert_eq!(visible_len(""), 0);
    }

    #[test]
    fn tokens_keep_attributes() {
        let tokens = tokenize(r#"<pre><code class="language-rust">x</code></pre><br/>"#);
        assert_eq!(tokens.first(), Some(&Token::Open { name: "pre", raw: "<pre>" }));
        assert_eq!(tokens.get(1), Some(&Token::Open { name: "code", raw: r#"<code class="language-rust">"# }));
        assert_eq!(tokens.get(3), Some(&Token::Close { name: "code" }));
        assert_eq!(tokens.get(5), Some(&Token::Void { raw: "<br/>" }));
    }
}
