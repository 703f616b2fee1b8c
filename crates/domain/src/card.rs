//! What a card holds, apart from its identity and place: shared by every layer, so the
//! repositories store and the services check one shape.

use serde::{Deserialize, Serialize};

use crate::text::{normalized_key, search_key};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CardContent {
    pub front: String,
    pub back: String,
    pub lemma: Option<String>,
    pub part_of_speech: Option<String>,
    pub gender: Option<String>,
    /// Key forms, e.g. `{"plural": "Hunde"}`.
    pub forms: Option<serde_json::Value>,
    pub transcription: Option<String>,
    pub example: Option<String>,
    pub example_translation: Option<String>,
    pub notes: Option<String>,
}

impl CardContent {
    /// The duplicate key: the lemma if given, else the front.
    pub fn lemma_key(&self) -> String {
        normalized_key(self.lemma.as_deref().filter(|l| !l.trim().is_empty()).unwrap_or(&self.front))
    }

    /// What card search matches on (folded by [`search_key`]: no case, no diacritics).
    pub fn search_key(&self) -> String {
        search_key(&format!("{} {} {}", self.front, self.back, self.lemma.as_deref().unwrap_or_default()))
    }
}
