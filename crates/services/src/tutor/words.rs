//! The "words you can add" side channel of a tutor answer: a schema-checked `words` field of
//! the same structured answer (see `answer.rs`), validated item by item. What is dropped is
//! reported, so the caller can log and count it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const MAX_WORDS: usize = 8;
const MAX_WORD_CHARS: usize = 100;
const MAX_TRANSLATION_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordSuggestion {
    pub word: String,
    pub translation: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Why (part of) a word list was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// `words` is not a list.
    NotAList,
    /// An item is not `{word, translation, note}` or its fields are empty or too long.
    BadItem,
    /// More items than an answer may offer.
    TooMany,
    /// The structured answer is not valid JSON (its text is still shown).
    Unreadable,
}

impl Rejection {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAList => "not_a_list",
            Self::BadItem => "bad_item",
            Self::TooMany => "too_many",
            Self::Unreadable => "unreadable",
        }
    }
}

/// The usable words of `words` (trimmed, repeats merged) and what was rejected.
pub fn read(words: Value) -> (Vec<WordSuggestion>, Vec<Rejection>) {
    let items = match words {
        Value::Null => return (Vec::new(), Vec::new()),
        Value::Array(items) => items,
        _ => return (Vec::new(), vec![Rejection::NotAList]),
    };
    let mut rejections = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    for item in items {
        let Some(word) = serde_json::from_value::<WordSuggestion>(item).ok().and_then(clean) else {
            rejections.push(Rejection::BadItem);
            continue;
        };
        if !seen.insert(domain::text::normalized_key(&word.word)) {
            continue;
        }
        if kept.len() == MAX_WORDS {
            rejections.push(Rejection::TooMany);
            break;
        }
        kept.push(word);
    }
    (kept, rejections)
}

pub(crate) fn clean(w: WordSuggestion) -> Option<WordSuggestion> {
    let word = WordSuggestion {
        word: w.word.trim().to_owned(),
        translation: w.translation.trim().to_owned(),
        note: w.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
    };
    let fits = |text: &str, max: usize| (1..=max).contains(&text.chars().count());
    (fits(&word.word, MAX_WORD_CHARS) && fits(&word.translation, MAX_TRANSLATION_CHARS)).then_some(word)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keeps_good_items_and_reports_the_rest() {
        let (words, rejected) = read(json!([
            {"word": " la casa ", "translation": "дом", "note": "f."},
            {"word": " ", "translation": "x", "note": null},
            {"word": "La Casa", "translation": "дом", "note": null},
            {"translation": "no word"},
            "just a string",
        ]));
        assert_eq!(
            words,
            vec![WordSuggestion { word: "la casa".into(), translation: "дом".into(), note: Some("f.".into()) }]
        );
        assert_eq!(rejected, vec![Rejection::BadItem, Rejection::BadItem, Rejection::BadItem]);
        assert_eq!(read(json!({"word": "x"})), (vec![], vec![Rejection::NotAList]));
        assert_eq!(read(Value::Null), (vec![], vec![]));
        let many: Vec<Value> =
            (0..10).map(|i| json!({"word": format!("w{i}"), "translation": "t", "note": null})).collect();
        let (words, rejected) = read(Value::Array(many));
        assert_eq!((words.len(), rejected), (MAX_WORDS, vec![Rejection::TooMany]));
    }
}
