//! The structured answers the model gives for topics, exercises and grading, and the checks
//! that decide whether one can be used. A failed check is re-asked once by the gateway and
//! never reaches the learner.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::json;

use super::grade::normalise;
use super::model::{ExerciseKind, Grade, Mistake, TopicKind, TopicSuggestion};
use crate::llm::{JsonSchema, Structured};
use crate::tutor::WordSuggestion;

const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 500;
/// Bounds on every text the model writes into an exercise.
const MAX_TEXT_CHARS: usize = 600;
const MAX_WORDS: usize = 3;

fn fits(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.trim().chars().count())
}

fn string_enum(values: &[&str]) -> serde_json::Value {
    json!({"type": "string", "enum": values})
}

#[derive(Debug, Deserialize)]
pub struct SuggestedTopics {
    pub topics: Vec<TopicSuggestion>,
}

impl Structured for SuggestedTopics {
    fn schema() -> JsonSchema {
        let kinds: Vec<&str> = TopicKind::ALL.iter().map(|k| k.as_str()).collect();
        let topic = json!({"type": "object", "additionalProperties": false, "required": ["name", "description", "kind"],
            "properties": {"name": {"type": "string"}, "description": {"type": "string"}, "kind": string_enum(&kinds)}});
        JsonSchema {
            name: "topic_suggestions".into(),
            schema: json!({"type": "object", "additionalProperties": false, "required": ["topics"],
                "properties": {"topics": {"type": "array", "items": topic}}}),
        }
    }

    fn check(&self) -> Result<(), String> {
        if !(5..=7).contains(&self.topics.len()) {
            return Err(format!("5 to 7 topics are needed, got {}", self.topics.len()));
        }
        if self.topics.iter().any(|t| !fits(&t.name, MAX_NAME_CHARS) || !fits(&t.description, MAX_DESCRIPTION_CHARS)) {
            return Err("every topic needs a name (at most 100 characters) and a description".into());
        }
        Ok(())
    }
}

/// One exercise as the model writes it, answer included.
#[derive(Debug, Clone, Deserialize)]
pub struct WrittenExercise {
    pub kind: ExerciseKind,
    pub question: String,
    pub prompt: String,
    pub options: Option<Vec<String>>,
    pub correct_index: Option<i64>,
    pub answer: String,
    #[serde(default)]
    pub alternatives: Vec<String>,
    pub hint: String,
    pub explanation: String,
    #[serde(default)]
    pub words: Vec<WordSuggestion>,
}

#[derive(Debug, Deserialize)]
pub struct WrittenExercises {
    pub exercises: Vec<WrittenExercise>,
}

impl Structured for WrittenExercises {
    fn schema() -> JsonSchema {
        let kinds: Vec<&str> = ExerciseKind::ALL.iter().map(|k| k.as_str()).collect();
        let word = json!({"type": "object", "additionalProperties": false, "required": ["word", "translation"],
            "properties": {"word": {"type": "string"}, "translation": {"type": "string"}}});
        let strings = json!({"type": "array", "items": {"type": "string"}});
        let exercise = json!({"type": "object", "additionalProperties": false,
            "required": ["kind", "question", "prompt", "options", "correct_index", "answer", "alternatives", "hint",
                         "explanation", "words"],
            "properties": {
                "kind": string_enum(&kinds), "question": {"type": "string"}, "prompt": {"type": "string"},
                "options": {"anyOf": [strings, {"type": "null"}]},
                "correct_index": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                "answer": {"type": "string"}, "alternatives": strings, "hint": {"type": "string"},
                "explanation": {"type": "string"}, "words": {"type": "array", "items": word}}});
        JsonSchema {
            name: "exercises".into(),
            schema: json!({"type": "object", "additionalProperties": false, "required": ["exercises"],
                "properties": {"exercises": {"type": "array", "items": exercise}}}),
        }
    }

    fn check(&self) -> Result<(), String> {
        self.exercises
            .iter()
            .enumerate()
            .try_for_each(|(i, e)| e.check().map_err(|problem| format!("exercise {}: {problem}", i + 1)))
    }
}

impl WrittenExercise {
    fn check(&self) -> Result<(), String> {
        for (field, text) in [
            ("question", &self.question),
            ("prompt", &self.prompt),
            ("answer", &self.answer),
            ("hint", &self.hint),
            ("explanation", &self.explanation),
        ] {
            if !fits(text, MAX_TEXT_CHARS) {
                return Err(format!("\"{field}\" must not be empty (at most {MAX_TEXT_CHARS} characters)"));
            }
        }
        if self.alternatives.iter().any(|a| !fits(a, MAX_TEXT_CHARS)) {
            return Err("an alternative answer is empty or too long".into());
        }
        if self.kind.is_choice() {
            self.check_choices()
        } else if self.options.as_ref().is_some_and(|o| !o.is_empty()) || self.correct_index.is_some() {
            Err(format!("a {} exercise has no options and no correct_index", self.kind.as_str()))
        } else {
            Ok(())
        }
    }

    /// Four distinct options, the index in range, exactly one option that is right.
    fn check_choices(&self) -> Result<(), String> {
        let options = self.options.as_deref().unwrap_or_default();
        if options.len() != 4 || options.iter().any(|o| !fits(o, MAX_TEXT_CHARS)) {
            return Err("multiple_choice needs exactly 4 non-empty options".into());
        }
        let keys: Vec<String> = options.iter().map(|o| normalise(o)).collect();
        if keys.iter().collect::<HashSet<_>>().len() != 4 {
            return Err("the 4 options must all differ".into());
        }
        let index = self
            .correct_index
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < 4)
            .ok_or("correct_index must be 0, 1, 2 or 3")?;
        let right: HashSet<String> =
            std::iter::once(&self.answer).chain(&self.alternatives).map(|a| normalise(a)).collect();
        if !keys.get(index).is_some_and(|key| right.contains(key)) {
            return Err("the option at correct_index must be the answer".into());
        }
        if keys.iter().enumerate().any(|(i, key)| i != index && right.contains(key)) {
            return Err("only one option may be right".into());
        }
        Ok(())
    }

    /// The words kept for cards: cleaned, at most three.
    pub fn words(&self) -> Vec<WordSuggestion> {
        self.words.iter().cloned().filter_map(crate::tutor::words::clean).take(MAX_WORDS).collect()
    }
}

#[derive(Debug, Deserialize)]
pub struct Grading {
    pub result: Grade,
    pub explanation: String,
    #[serde(default)]
    pub mistakes: Vec<Mistake>,
}

impl Structured for Grading {
    fn schema() -> JsonSchema {
        let grades: Vec<&str> = Grade::ALL.iter().map(|g| g.as_str()).collect();
        let mistake = json!({"type": "object", "additionalProperties": false, "required": ["type", "text", "suggestion"],
            "properties": {"type": {"type": "string"}, "text": {"type": "string"}, "suggestion": {"type": "string"}}});
        JsonSchema {
            name: "exercise_grading".into(),
            schema: json!({"type": "object", "additionalProperties": false, "required": ["result", "explanation", "mistakes"],
                "properties": {"result": string_enum(&grades), "explanation": {"type": "string"},
                               "mistakes": {"type": "array", "items": mistake}}}),
        }
    }

    fn check(&self) -> Result<(), String> {
        if !fits(&self.explanation, MAX_TEXT_CHARS * 2) {
            return Err("\"explanation\" must not be empty".into());
        }
        if self.result == Grade::Correct && !self.mistakes.is_empty() {
            return Err("a correct answer has no mistakes".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(options: &[&str], index: i64, answer: &str) -> WrittenExercise {
        WrittenExercise {
            kind: ExerciseKind::MultipleChoice,
            question: "Выберите форму".into(),
            prompt: "Ich ___ müde.".into(),
            options: Some(options.iter().map(|o| (*o).to_owned()).collect()),
            correct_index: Some(index),
            answer: answer.into(),
            alternatives: vec![],
            hint: "sein".into(),
            explanation: "1-е лицо".into(),
            words: vec![],
        }
    }

    #[test]
    fn multiple_choice_needs_one_right_option_in_range() {
        assert!(choice(&["bin", "bist", "ist", "sind"], 0, "bin").check().is_ok());
        assert!(choice(&["bin", "Bin ", "ist", "sind"], 0, "bin").check().unwrap_err().contains("differ"));
        assert!(choice(&["bin", "bist", "ist", "sind"], 4, "bin").check().unwrap_err().contains("correct_index"));
        assert!(choice(&["bin", "bist", "ist", "sind"], -1, "bin").check().is_err());
        assert!(choice(&["bin", "bist", "ist", "sind"], 1, "bin").check().unwrap_err().contains("must be the answer"));
        let mut two_right = choice(&["bin", "bist", "ist", "sind"], 0, "bin");
        two_right.alternatives = vec!["sind".into()];
        assert!(two_right.check().unwrap_err().contains("only one"));
        assert!(choice(&["bin", "bist", "ist"], 0, "bin").check().is_err());
    }

    #[test]
    fn free_text_has_no_options_and_no_empty_fields() {
        let mut free = choice(&[], 0, "Ich bin müde.");
        free.kind = ExerciseKind::Translate;
        free.options = None;
        assert!(free.check().unwrap_err().contains("no options"));
        free.correct_index = None;
        assert!(free.check().is_ok());
        free.hint = "  ".into();
        assert!(free.check().unwrap_err().contains("hint"));
    }
}
