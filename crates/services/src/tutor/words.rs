//! The "words you can add" side channel of a tutor answer. The prompt asks the model to end
//! its answer with a `[[WORDS]]` line followed by a JSON array; the marker and what follows
//! are cut from the text the learner sees (also while streaming) and parsed with serde.

use serde::{Deserialize, Serialize};

pub const MARKER: &str = "[[WORDS]]";
const MAX_WORDS: usize = 8;
const MAX_WORD_CHARS: usize = 100;
const MAX_TRANSLATION_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordSuggestion {
    pub word: String,
    pub translation: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The answer without the side channel, and the words it offered (invalid items dropped).
pub fn split(answer: &str) -> (String, Vec<WordSuggestion>) {
    let Some(at) = answer.find(MARKER) else { return (answer.trim().to_owned(), Vec::new()) };
    let text = answer.get(..at).unwrap_or_default().trim().to_owned();
    let tail = answer.get(at + MARKER.len()..).unwrap_or_default().trim();
    let json = tail.trim_start_matches("```json").trim_start_matches("```").trim_end_matches("```").trim();
    let words = match serde_json::from_str::<Vec<WordSuggestion>>(json) {
        Ok(words) => words,
        Err(error) => {
            tracing::warn!(%error, "the tutor's word list is not valid JSON; dropping it");
            Vec::new()
        }
    };
    (text, clean(words))
}

fn clean(words: Vec<WordSuggestion>) -> Vec<WordSuggestion> {
    let mut seen = std::collections::HashSet::new();
    words
        .into_iter()
        .map(|w| WordSuggestion {
            word: w.word.trim().to_owned(),
            translation: w.translation.trim().to_owned(),
            note: w.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        })
        .filter(|w| {
            let word_chars = w.word.chars().count();
            let translation_chars = w.translation.chars().count();
            (1..=MAX_WORD_CHARS).contains(&word_chars) && (1..=MAX_TRANSLATION_CHARS).contains(&translation_chars)
        })
        .filter(|w| seen.insert(domain::text::normalized_key(&w.word)))
        .take(MAX_WORDS)
        .collect()
}

/// Passes streamed text on, holding back anything that may be the start of the marker and
/// swallowing everything from the marker on.
#[derive(Debug, Default)]
pub struct StreamFilter {
    held: String,
    in_trailer: bool,
}

impl StreamFilter {
    /// The part of `piece` (plus what was held back) that is safe to show now.
    pub fn push(&mut self, piece: &str) -> String {
        if self.in_trailer {
            return String::new();
        }
        self.held.push_str(piece);
        if let Some(at) = self.held.find(MARKER) {
            self.in_trailer = true;
            let visible = self.held.get(..at).unwrap_or_default().trim_end().to_owned();
            self.held.clear();
            return visible;
        }
        // The marker is ASCII and starts with '[', so any suffix that could begin it starts on a
        // char boundary.
        let keep = (1..MARKER.len())
            .rev()
            .find(|&n| {
                self.held.len() >= n && MARKER.starts_with(self.held.get(self.held.len() - n..).unwrap_or("\u{0}"))
            })
            .unwrap_or(0);
        // Trailing whitespace waits too: it is only shown if more text follows (not the marker).
        let before_marker = self.held.len() - keep;
        let cut = self.held.get(..before_marker).map_or(before_marker, |visible| visible.trim_end().len());
        let visible = self.held.get(..cut).unwrap_or_default().to_owned();
        self.held = self.held.get(cut..).unwrap_or_default().to_owned();
        visible
    }

    /// What is still held back once the stream ended without a marker.
    pub fn finish(&mut self) -> String {
        if self.in_trailer { String::new() } else { std::mem::take(&mut self.held).trim_end().to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_answer_from_its_words() {
        let (text, words) = split(
            "«Casa» значит «дом».\n[[WORDS]]\n[{\"word\":\"la casa\",\"translation\":\"дом\",\"note\":\"f.\"},\
             {\"word\":\" \",\"translation\":\"x\"},{\"word\":\"La Casa\",\"translation\":\"дом\"}]",
        );
        assert_eq!(text, "«Casa» значит «дом».");
        assert_eq!(
            words,
            vec![WordSuggestion { word: "la casa".into(), translation: "дом".into(), note: Some("f.".into()) }]
        );
        assert_eq!(split("no words here\n"), ("no words here".into(), vec![]));
        assert_eq!(split("text [[WORDS]] not json").1, vec![]);
    }

    #[test]
    fn the_stream_never_shows_the_marker_even_when_split_across_pieces() {
        let answer = "Привет! [ок] Hola.\n[[WORDS]]\n[{\"word\":\"hola\",\"translation\":\"привет\"}]";
        for size in 1..12 {
            let mut filter = StreamFilter::default();
            let mut shown = String::new();
            let chars: Vec<char> = answer.chars().collect();
            for piece in chars.chunks(size) {
                shown.push_str(&filter.push(&piece.iter().collect::<String>()));
            }
            shown.push_str(&filter.finish());
            assert_eq!(shown, "Привет! [ок] Hola.", "piece size {size}");
        }
        let mut filter = StreamFilter::default();
        assert_eq!(filter.push("ends with [["), "ends with");
        assert_eq!(filter.push(" no marker\n"), " [[ no marker");
        assert_eq!(filter.finish(), "");
    }
}
