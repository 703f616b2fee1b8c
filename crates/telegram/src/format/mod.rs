//! Markdown from the tutor into Telegram HTML, split into parts Telegram accepts.
//!
//! Telegram's HTML mode takes a few tags and four named entities; text is limited to
//! [`MESSAGE_LIMIT`] (captions to [`CAPTION_LIMIT`]) UTF-16 units of visible text. When Telegram
//! still rejects a part, [`html_to_plain`] gives the same text to send without entities.

#[cfg(test)]
mod checker;
mod html;
mod markdown;
#[cfg(test)]
mod properties;
mod split;

pub use html::{escape, html_to_plain, visible_len};
pub use markdown::markdown_to_html;
pub use split::split_html;

/// Telegram's limit on a message's text, in UTF-16 units of visible text.
pub const MESSAGE_LIMIT: usize = 4096;
/// Telegram's limit on a caption, in UTF-16 units of visible text.
pub const CAPTION_LIMIT: usize = 1024;

/// [`markdown_to_html`] then [`split_html`].
pub fn render_parts(markdown: &str, limit: usize) -> Vec<String> {
    split_html(&markdown_to_html(markdown), limit)
}

#[cfg(test)]
mod tests {
    use super::checker::{assert_valid, checked_split};
    use super::*;

    /// A long tutor answer: Russian words, stray `_*[<&`, bold and italic spans over many
    /// sentences, lists and a code block.
    fn tutor_answer() -> String {
        const WORDS: &str = "слово|глагол|перевод|грамматика|упражнение|ёлка|произношение|пример|snake_case|2 * 3|[скобка|a < b|R&D|&|x_y|<tag>|время|урок|😀|правило|вопрос|ответ|«кавычки»|повторение";
        let words: Vec<&str> = WORDS.split('|').collect();
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap() % n
        };
        let mut text = String::new();
        let mut paragraph = 0;
        while visible_len(&markdown_to_html(&text)) < 4300 {
            // The second paragraph, all bold, goes on past the 4096th character, so that a
            // split at either limit falls inside it.
            let target = if paragraph == 1 { 4000 } else { 100 + next(500) };
            let style = ["", "**", "_", ""][paragraph % 4];
            let start = text.len();
            text.push_str(style);
            loop {
                let sentence: Vec<&str> = (0..4 + next(10)).map(|_| words[next(words.len())]).collect();
                let sentence = if style.is_empty() {
                    sentence
                } else {
                    sentence.into_iter().filter(|w| w.chars().all(char::is_alphabetic)).collect()
                };
                text.push_str("Итак ");
                text.push_str(&sentence.join(" "));
                if text[start..].chars().count() >= target {
                    break;
                }
                text.push_str([". ", "! ", "? ", "… "][next(4)]);
            }
            text.push_str(style);
            text.push_str(".\n\n");
            if paragraph % 5 == 4 {
                text.push_str("- первый пункт\n- второй **пункт**\n  - вложенный\n\n```\nкод < 1\n```\n\n");
            }
            paragraph += 1;
        }
        text
    }

    #[test]
    fn a_long_answer_splits_at_both_limits() {
        let markdown = tutor_answer();
        let html = markdown_to_html(&markdown);
        assert_valid(&html);
        assert!(visible_len(&html) > MESSAGE_LIMIT);
        for limit in [CAPTION_LIMIT, MESSAGE_LIMIT] {
            let parts = render_parts(&markdown, limit);
            assert_eq!(parts, checked_split(&html, limit));
            assert!(parts.len() >= visible_len(&html).div_ceil(limit), "{} parts", parts.len());
            let whole = html_to_plain(&html);
            let mut offset = 0;
            for (index, part) in parts.iter().enumerate() {
                let length = visible_len(part);
                assert!(length <= limit, "part {index} is {length} long");
                assert!(length >= limit / 3 || index + 1 == parts.len(), "part {index} is only {length} long");
                // Every part but the last ends where the text has whitespace: no word is cut.
                let plain = html_to_plain(part);
                offset = whole[offset..].find(&plain).unwrap() + offset + plain.len();
                if index + 1 < parts.len() {
                    assert!(whole[offset..].starts_with(char::is_whitespace), "part {index} cuts a word");
                }
            }
            // A bold or italic span crossed a split point and was reopened.
            assert!(parts.iter().skip(1).any(|p| p.starts_with("<b>") || p.starts_with("<i>")), "{parts:#?}");
        }
    }
}
