//! Values of a language profile: the language studied, CEFR levels, goals, interface language.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A CEFR level. The derived order is the order of proficiency (A1 < … < C2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CefrLevel {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
}

impl CefrLevel {
    pub const ALL: [Self; 6] = [Self::A1, Self::A2, Self::B1, Self::B2, Self::C1, Self::C2];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::A1 => "A1",
            Self::A2 => "A2",
            Self::B1 => "B1",
            Self::B2 => "B2",
            Self::C1 => "C1",
            Self::C2 => "C2",
        }
    }
}

impl FromStr for CefrLevel {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownValue(format!("{s:?} is not a CEFR level (A1–C2)")))
    }
}

impl fmt::Display for CefrLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value outside a closed set; the message says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownValue(pub String);

/// An ISO 639-1 language code, lower case (`en`, `de`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageCode(String);

impl LanguageCode {
    /// Exactly a lower-case ISO 639-1 code: the API documents this closed list, so nothing
    /// outside it (`EN`, ` en`) is taken either.
    pub fn parse(code: &str) -> Result<Self, UnknownValue> {
        let lower_case = code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase());
        if lower_case && isolang::Language::from_639_1(code).is_some() {
            Ok(Self(code.to_owned()))
        } else {
            Err(UnknownValue(format!("{code:?} is not an ISO 639-1 language code such as \"en\"")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Every code [`parse`](Self::parse) takes, sorted.
    pub fn all() -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = isolang::languages().filter_map(|l| l.to_639_1()).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    /// The English name ("German"), for prompts: models follow names better than codes.
    pub fn english_name(&self) -> &'static str {
        isolang::Language::from_639_1(&self.0).map_or("the target language", |l| l.to_name())
    }
}

impl TryFrom<String> for LanguageCode {
    type Error = UnknownValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LanguageCode> for String {
    fn from(value: LanguageCode) -> Self {
        value.0
    }
}

/// The language of the interface and of explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum InterfaceLanguage {
    #[default]
    Ru,
    En,
}

impl InterfaceLanguage {
    pub const ALL: [Self; 2] = [Self::Ru, Self::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// Russian unless Telegram says the person uses English.
    /// The English name ("Russian"), for prompts.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Ru => "Russian",
            Self::En => "English",
        }
    }

    pub fn from_telegram(language_code: Option<&str>) -> Self {
        match language_code {
            Some(code) if code.to_ascii_lowercase().starts_with("en") => Self::En,
            _ => Self::Ru,
        }
    }
}

impl FromStr for InterfaceLanguage {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ru" => Ok(Self::Ru),
            "en" => Ok(Self::En),
            other => Err(UnknownValue(format!("{other:?} is not an interface language (ru, en)"))),
        }
    }
}

/// Why the learner studies; drives exercise and example choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Goal {
    Travel,
    Work,
    Study,
    Exams,
    Conversation,
    Culture,
    Relocation,
    Hobby,
}

impl Goal {
    pub const ALL: [Self; 8] = [
        Self::Travel,
        Self::Work,
        Self::Study,
        Self::Exams,
        Self::Conversation,
        Self::Culture,
        Self::Relocation,
        Self::Hobby,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Travel => "travel",
            Self::Work => "work",
            Self::Study => "study",
            Self::Exams => "exams",
            Self::Conversation => "conversation",
            Self::Culture => "culture",
            Self::Relocation => "relocation",
            Self::Hobby => "hobby",
        }
    }

    /// How a prompt names the goal.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Relocation => "moving abroad",
            Self::Hobby => "a hobby",
            other => other.as_str(),
        }
    }
}

/// Target must not be below the current level.
pub fn levels_are_ordered(current: CefrLevel, target: CefrLevel) -> bool {
    target >= current
}

pub const NEW_CARDS_PER_DAY_MAX: i32 = 500;
pub const DESIRED_RETENTION_MIN: f64 = 0.70;
pub const DESIRED_RETENTION_MAX: f64 = 0.97;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_by_proficiency_and_parse_case_insensitively() {
        assert!(CefrLevel::A1 < CefrLevel::C2 && CefrLevel::B2 > CefrLevel::B1);
        assert_eq!("b2".parse::<CefrLevel>(), Ok(CefrLevel::B2));
        assert!("D1".parse::<CefrLevel>().is_err());
        assert!(levels_are_ordered(CefrLevel::A2, CefrLevel::A2));
        assert!(!levels_are_ordered(CefrLevel::B1, CefrLevel::A2));
    }

    #[test]
    fn language_codes_are_exactly_lower_case_iso_639_1() {
        assert_eq!(LanguageCode::parse("en").unwrap().as_str(), "en");
        for refused in ["EN", " en", "xx", "eng", ""] {
            assert!(LanguageCode::parse(refused).is_err(), "{refused:?}");
        }
        let all = LanguageCode::all();
        assert!(all.len() > 180 && all.contains(&"de") && all.iter().all(|c| LanguageCode::parse(c).is_ok()));
    }
}
