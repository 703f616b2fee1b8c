//! The card as the model fills it (structured output), what it must hold, and the check that
//! it is a card for the word that was asked.

use domain::CardContent;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::llm::{JsonSchema, Structured};

const PARTS_OF_SPEECH: [&str; 10] = [
    "noun",
    "verb",
    "adjective",
    "adverb",
    "pronoun",
    "preposition",
    "conjunction",
    "numeral",
    "interjection",
    "phrase",
];

/// The card as the model fills it (structured output).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct GeneratedCard {
    front: String,
    back: String,
    lemma: String,
    part_of_speech: String,
    gender: Option<String>,
    forms: Vec<Form>,
    transcription: Option<String>,
    example: String,
    example_translation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Form {
    name: String,
    value: String,
}

impl Structured for GeneratedCard {
    fn schema() -> JsonSchema {
        let text = json!({"type": "string"});
        let optional = json!({"type": ["string", "null"]});
        JsonSchema {
            name: "card".into(),
            schema: json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["front", "back", "lemma", "part_of_speech", "gender", "forms", "transcription",
                             "example", "example_translation"],
                "properties": {
                    "front": text, "back": text, "lemma": text,
                    "part_of_speech": {"type": "string", "enum": PARTS_OF_SPEECH},
                    "gender": optional,
                    "forms": {"type": "array", "items": {
                        "type": "object", "additionalProperties": false, "required": ["name", "value"],
                        "properties": {"name": text, "value": text}}},
                    "transcription": optional,
                    "example": text, "example_translation": text,
                },
            }),
        }
    }

    fn check(&self) -> Result<(), String> {
        let required = [
            ("front", &self.front, 500),
            ("back", &self.back, 1000),
            ("lemma", &self.lemma, 500),
            ("example", &self.example, 1000),
            ("example_translation", &self.example_translation, 1000),
        ];
        for (field, value, max) in required {
            let chars = value.trim().chars().count();
            if chars == 0 || chars > max {
                return Err(format!("\"{field}\" must be 1 to {max} characters"));
            }
        }
        if !PARTS_OF_SPEECH.contains(&self.part_of_speech.as_str()) {
            return Err(format!("\"part_of_speech\" must be one of {}", PARTS_OF_SPEECH.join(", ")));
        }
        if self.forms.len() > 12 || self.forms.iter().any(|f| f.name.trim().is_empty() || f.value.trim().is_empty()) {
            return Err("\"forms\" must hold at most 12 entries with a non-empty name and value".into());
        }
        Ok(())
    }
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl From<GeneratedCard> for CardContent {
    fn from(card: GeneratedCard) -> Self {
        let forms: serde_json::Map<String, serde_json::Value> =
            card.forms.into_iter().map(|f| (f.name.trim().to_owned(), json!(f.value.trim()))).collect();
        CardContent {
            front: card.front.trim().to_owned(),
            back: card.back.trim().to_owned(),
            lemma: blank_to_none(Some(card.lemma)),
            part_of_speech: Some(card.part_of_speech),
            gender: blank_to_none(card.gender),
            forms: (!forms.is_empty()).then_some(serde_json::Value::Object(forms)),
            transcription: blank_to_none(card.transcription),
            example: blank_to_none(Some(card.example)),
            example_translation: blank_to_none(Some(card.example_translation)),
            notes: None,
        }
    }
}

/// Leading words that only mark a form (articles, the English infinitive `to`), dropped before
/// a word is compared.
const MARKERS: [&str; 30] = [
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "le", "la", "les", "un", "une", "el",
    "los", "las", "il", "lo", "gli", "uno", "una", "the", "a", "an", "to", "het", "de", "sich",
];

/// Lower case, punctuation dropped, and a leading article or marker dropped from a phrase.
fn fold(text: &str) -> String {
    let lowered = domain::text::normalized_key(text);
    let cleaned: String =
        lowered.chars().map(|c| if c.is_alphanumeric() || c == ' ' || c == '-' { c } else { ' ' }).collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    match words.split_first() {
        Some((first, rest)) if !rest.is_empty() && MARKERS.contains(first) => rest.join(" "),
        _ => words.join(" "),
    }
}

/// Whether two folded words are the same word: equal, the one a run of the other's words (a
/// phrase, or a form written with its pronoun: "fängt an" in "er fängt an"), or a typo apart.
fn same_word(asked: &str, candidate: &str) -> bool {
    if asked.is_empty() || candidate.is_empty() {
        return false;
    }
    if asked == candidate {
        return true;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (asked.split(' ').collect(), candidate.split(' ').collect());
    let within = |short: &[&str], long: &[&str]| long.windows(short.len()).any(|run| run == short);
    if within(&a, &b) || within(&b, &a) {
        return true;
    }
    let shorter = asked.chars().count().min(candidate.chars().count());
    shorter >= 3 && strsim::levenshtein(asked, candidate) <= (shorter / 4).max(1)
}

impl GeneratedCard {
    /// The card must be about `word`: as the front or lemma, one of its forms, or (when the
    /// learner typed a word of their own language) one of the translations.
    pub(super) fn check_is_for(&self, word: &str) -> Result<(), String> {
        let asked = fold(word);
        let meanings = self.back.split([',', ';', '/']).map(|m| m.split('(').next().unwrap_or_default());
        let candidates = [self.front.as_str(), self.lemma.as_str()]
            .into_iter()
            .chain(self.forms.iter().map(|f| f.value.as_str()))
            .chain(meanings);
        if candidates.map(fold).any(|candidate| same_word(&asked, &candidate)) {
            return Ok(());
        }
        // The learner's word is not repeated here: it stays inside its tags in the first message.
        Err(format!(
            "the card is about \"{}\", not about the word between the <word> tags; make the card for that word: \
             as the front and lemma, or, for an inflected form, its dictionary form with the given form in \
             \"forms\", or, for a word of the learner's own language, its translation with the given word in \"back\"",
            self.front
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(front: &str, back: &str, lemma: &str, forms: &[&str]) -> GeneratedCard {
        GeneratedCard {
            front: front.into(),
            back: back.into(),
            lemma: lemma.into(),
            part_of_speech: "noun".into(),
            gender: None,
            forms: forms.iter().map(|v| Form { name: "form".into(), value: (*v).into() }).collect(),
            transcription: None,
            example: "x".into(),
            example_translation: "x".into(),
        }
    }

    #[test]
    fn a_card_about_another_word_is_refused() {
        assert!(card("die Katze", "кошка", "Wasser", &["Katzen"]).check_is_for("Haus").is_err());
        assert!(card("el agua", "вода", "agua", &[]).check_is_for("casa").is_err());
        assert!(card("die Hausaufgabe", "домашнее задание", "Hausaufgabe", &[]).check_is_for("Haus").is_err());
        assert!(card("der Schlüssel", "ключ", "Schlüssel", &[]).check_is_for("Schluss").is_err());
        let gehen = card("gehen", "идти", "gehen", &[]);
        let problem = gehen.check_is_for("ging").unwrap_err();
        assert!(problem.contains("\"forms\"") && !problem.contains("ging"), "{problem}");
    }

    #[test]
    fn articles_forms_typos_phrases_and_translations_count_as_the_word() {
        assert!(card("das Haus", "дом", "Haus", &["Häuser"]).check_is_for("Haus").is_ok());
        assert!(card("das Haus", "дом", "Haus", &["Häuser"]).check_is_for("häuser").is_ok());
        assert!(card("das Haus", "дом", "Haus", &[]).check_is_for("Hause").is_ok());
        assert!(card("to go", "идти, ехать", "go", &["went", "gone"]).check_is_for("went").is_ok());
        assert!(card("anfangen", "начинать", "anfangen", &["er fängt an"]).check_is_for("fängt an").is_ok());
        assert!(card("gehen", "идти", "gehen", &["ging", "gegangen"]).check_is_for("ging").is_ok());
        assert!(card("das Haus", "дом, здание (жилое)", "Haus", &[]).check_is_for("здание").is_ok());
        assert!(card("sich erinnern", "вспоминать", "erinnern", &[]).check_is_for("erinnern").is_ok());
        assert!(card("auf jeden Fall", "в любом случае", "auf jeden Fall", &[]).check_is_for("auf jeden Fall").is_ok());
    }
}
