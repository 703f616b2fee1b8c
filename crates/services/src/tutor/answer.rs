//! The tutor's answer is structured output: `{"answer": "…", "words": [...]}` (a JSON schema
//! for OpenAI-compatible servers, a forced tool for Anthropic). The learner sees only the
//! answer text; while it streams, [`AnswerStream`] decodes that one string out of the JSON
//! as it arrives, and [`parse`] reads the saved text with that same decoder, so what was shown
//! is what is kept. A Markdown fence around the JSON is skipped. A model that ignores the
//! schema and writes prose is still shown (its text is the answer, with no words), and that is
//! reported.

use serde_json::{Value, json};

use super::words::{self, Rejection, WordSuggestion};
use crate::llm::JsonSchema;

pub fn schema() -> JsonSchema {
    let text = json!({"type": "string"});
    JsonSchema {
        name: "tutor_answer".into(),
        schema: json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["answer", "words"],
            "properties": {
                "answer": text,
                "words": {"type": "array", "items": {
                    "type": "object", "additionalProperties": false,
                    "required": ["word", "translation", "note"],
                    "properties": {"word": text, "translation": text, "note": {"type": ["string", "null"]}},
                }},
            },
        }),
    }
}

/// An answer as the learner gets it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub text: String,
    pub words: Vec<WordSuggestion>,
    /// What was wrong with the structure, for logs and metrics.
    pub rejections: Vec<Rejection>,
    /// The model wrote prose instead of the JSON object.
    pub unstructured: bool,
}

/// Reads the whole answer: the text exactly as [`AnswerStream`] showed it, and the words from
/// the first JSON value (anything after it is ignored).
pub fn parse(content: &str) -> Answer {
    let mut stream = AnswerStream::default();
    let text = stream.push(content);
    if stream.mode == Mode::Prose {
        return Answer { text, words: Vec::new(), rejections: Vec::new(), unstructured: true };
    }
    let json = content
        .trim_start()
        .strip_prefix("```")
        .map_or(content, |fenced| fenced.split_once('\n').map_or("", |(_, rest)| rest));
    let (words, rejections) = match serde_json::Deserializer::from_str(json).into_iter::<Value>().next() {
        Some(Ok(value)) => words::read(value.get("words").cloned().unwrap_or(Value::Null)),
        _ => (Vec::new(), vec![Rejection::Unreadable]),
    };
    Answer { text, words, rejections, unstructured: false }
}

/// Decodes the `answer` string out of streamed JSON, piece by piece, so what it passes on adds
/// up exactly to [`parse`]'s text: leading whitespace is dropped and trailing whitespace is
/// held back until more text follows.
#[derive(Debug, Default)]
pub struct AnswerStream {
    mode: Mode,
    scan: Scan,
    /// Whitespace waiting for more text.
    held: String,
    started: bool,
}

#[derive(Debug, Default, PartialEq, Eq)]
enum Mode {
    #[default]
    Undecided,
    /// Inside the opening line of a Markdown fence (` ```json `), which is skipped.
    Fence,
    Json,
    Prose,
}

/// Just enough of a JSON tokenizer to find the top-level `answer` string.
#[derive(Debug, Default)]
struct Scan {
    depth: u32,
    in_string: bool,
    escaped: bool,
    unicode: Option<String>,
    high_surrogate: Option<u32>,
    expecting_key: bool,
    string_is_key: bool,
    key: String,
    last_key: String,
    in_answer: bool,
}

impl AnswerStream {
    /// The text of `piece` that is safe to show now.
    pub fn push(&mut self, piece: &str) -> String {
        let mut out = String::new();
        for c in piece.chars() {
            if self.mode == Mode::Fence {
                if c == '\n' {
                    self.mode = Mode::Undecided;
                }
                continue;
            }
            if self.mode == Mode::Undecided {
                if c.is_whitespace() {
                    continue;
                }
                self.mode = match c {
                    '{' => Mode::Json,
                    '`' => {
                        self.mode = Mode::Fence;
                        continue;
                    }
                    _ => Mode::Prose,
                };
            }
            let decoded = match self.mode {
                Mode::Prose => Some(c),
                _ => self.scan.next(c),
            };
            if let Some(c) = decoded {
                self.show(c, &mut out);
            }
        }
        out
    }

    fn show(&mut self, c: char, out: &mut String) {
        if c.is_whitespace() {
            if self.started {
                self.held.push(c);
            }
            return;
        }
        self.started = true;
        out.push_str(&std::mem::take(&mut self.held));
        out.push(c);
    }
}

impl Scan {
    /// Consumes one character of JSON text; returns it decoded when it belongs to the answer.
    fn next(&mut self, c: char) -> Option<char> {
        if self.in_string {
            return self.in_string_char(c);
        }
        match c {
            '"' => {
                self.in_string = true;
                self.string_is_key = self.depth == 1 && self.expecting_key;
                self.key.clear();
                self.in_answer = self.depth == 1 && !self.string_is_key && self.last_key == "answer";
            }
            '{' | '[' => {
                self.depth += 1;
                self.expecting_key = c == '{' && self.depth == 1;
            }
            '}' | ']' => self.depth = self.depth.saturating_sub(1),
            ':' if self.depth == 1 => self.expecting_key = false,
            ',' if self.depth == 1 => self.expecting_key = true,
            _ => {}
        }
        None
    }

    fn in_string_char(&mut self, c: char) -> Option<char> {
        if let Some(hex) = &mut self.unicode {
            hex.push(c);
            if hex.len() < 4 {
                return None;
            }
            let unit = u32::from_str_radix(hex, 16).unwrap_or(0xFFFD);
            self.unicode = None;
            return self.unit(unit);
        }
        if self.escaped {
            self.escaped = false;
            let decoded = match c {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'u' => {
                    self.unicode = Some(String::new());
                    return None;
                }
                other => other,
            };
            return self.content(decoded);
        }
        match c {
            '\\' => {
                self.escaped = true;
                None
            }
            '"' => {
                self.in_string = false;
                if self.string_is_key {
                    self.last_key = std::mem::take(&mut self.key);
                }
                self.in_answer = false;
                None
            }
            other => self.content(other),
        }
    }

    /// A `\uXXXX` code unit; surrogate pairs become one character.
    fn unit(&mut self, unit: u32) -> Option<char> {
        if (0xD800..0xDC00).contains(&unit) {
            self.high_surrogate = Some(unit);
            return None;
        }
        let code = match self.high_surrogate.take() {
            Some(high) if (0xDC00..0xE000).contains(&unit) => 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00),
            _ => unit,
        };
        self.content(char::from_u32(code).unwrap_or('\u{FFFD}'))
    }

    fn content(&mut self, c: char) -> Option<char> {
        if self.string_is_key {
            self.key.push(c);
            return None;
        }
        self.in_answer.then_some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(content: &str, size: usize) -> String {
        let mut stream = AnswerStream::default();
        let chars: Vec<char> = content.chars().collect();
        chars.chunks(size).map(|piece| stream.push(&piece.iter().collect::<String>())).collect()
    }

    #[test]
    fn the_stream_shows_exactly_the_answer_in_any_pieces() {
        let content = r#" {"words": [{"word": "la casa", "translation": "дом", "note": "\"f.\""}], "answer": "  «Casa» \u0437начит\n«дом» \ud83c\udfe0 \\ ok.  \n"} "#;
        let parsed = parse(content);
        assert_eq!(parsed.text, "«Casa» значит\n«дом» 🏠 \\ ok.");
        assert_eq!(parsed.words.len(), 1);
        assert!(!parsed.unstructured);
        for size in 1..20 {
            assert_eq!(streamed(content, size), parsed.text, "piece size {size}");
        }
    }

    #[test]
    fn prose_is_shown_as_it_is_and_reported() {
        let content = "\n Hola! [ок] {x}\n";
        let parsed = parse(content);
        assert_eq!((parsed.text.as_str(), parsed.unstructured), ("Hola! [ок] {x}", true));
        for size in 1..6 {
            assert_eq!(streamed(content, size), parsed.text);
        }
    }

    #[test]
    fn a_fenced_answer_with_text_after_it_is_read_the_same_way_it_was_shown() {
        let content = "```json\n{\"answer\": \"Hola\\nmundo\", \"words\": []}\n```\nHope this helps!";
        let parsed = parse(content);
        assert_eq!((parsed.text.as_str(), parsed.unstructured), ("Hola\nmundo", false));
        assert!(parsed.rejections.is_empty(), "{:?}", parsed.rejections);
        for size in 1..8 {
            assert_eq!(streamed(content, size), parsed.text);
        }
        // A broken object keeps the text the learner saw; only the words are lost, and said so.
        let broken = "{\"answer\": \"Hi\", \"words\": [{\"word\": ";
        let parsed = parse(broken);
        assert_eq!((parsed.text.as_str(), parsed.rejections.as_slice()), ("Hi", &[Rejection::Unreadable][..]));
        assert_eq!(streamed(broken, 3), "Hi");
    }

    #[test]
    fn a_bad_word_list_keeps_the_answer_and_is_reported() {
        let parsed = parse(r#"{"answer": "Hi", "words": "la casa"}"#);
        assert_eq!((parsed.text.as_str(), parsed.rejections.as_slice()), ("Hi", &[Rejection::NotAList][..]));
        let parsed = parse(r#"{"answer": "Hi"}"#);
        assert_eq!((parsed.text.as_str(), parsed.words.len(), parsed.rejections.len()), ("Hi", 0, 0));
        assert!(parse(r#"{"words": []}"#).text.is_empty());
    }
}
