//! The closed sets of values the API takes, as OpenAPI string enums built from the domain's own
//! lists, so the document names exactly what the server accepts. Used as `value_type`s.

use std::borrow::Cow;

use domain::{CardState, CefrLevel, Goal, InterfaceLanguage, LanguageCode, TimeZone};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, schema::SchemaType};

fn string_enum<'a>(description: &str, values: impl IntoIterator<Item = &'a str>) -> RefOr<Schema> {
    let values: Vec<&str> = values.into_iter().collect();
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

/// Text of 1 to `max` characters with at least one that is not white space (and no NUL).
fn non_blank_text(max: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(NON_BLANK))
}

/// A named schema type, `$schema` its OpenAPI schema: a closed set of strings given as
/// (description, values), or any expression giving the schema.
macro_rules! value_schema {
    ($name:ident, $description:literal, $values:expr) => {
        value_schema!($name, string_enum($description, $values));
    };
    ($name:ident, $schema:expr) => {
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $schema
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

value_schema!(LanguageCodeValue, "An ISO 639-1 language code, lower case.", LanguageCode::all());
value_schema!(CefrLevelValue, "A CEFR level.", CefrLevel::ALL.map(CefrLevel::as_str));
value_schema!(GoalValue, "Why the learner studies.", Goal::ALL.map(Goal::as_str));
value_schema!(
    InterfaceLanguageValue,
    "The language of the interface.",
    InterfaceLanguage::ALL.map(InterfaceLanguage::as_str)
);
value_schema!(CardStateValue, "Where a card is in the FSRS state machine.", CardState::ALL.map(CardState::as_str));
value_schema!(TimeZoneValue, "An IANA time-zone name.", TimeZone::all());

/// Text with at least one character that is not white space (and no NUL).
pub const NON_BLANK: &str = "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$";

// A card's key forms: `{"plural": "Hunde"}`, at most 12, names 1–50 and values 1–200
// characters, neither blank.
value_schema!(
    FormsValue,
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::Object))
        .description(Some("Key forms, e.g. {\"plural\": \"Hunde\"}"))
        .additional_properties(Some(non_blank_text(200)))
        .property_names(Some(non_blank_text(50).build()))
        .max_properties(Some(MAX_FORMS))
        .into()
);

pub const MAX_FORMS: usize = 12;

/// The server side of [`FormsValue`].
pub fn check_forms(forms: &std::collections::BTreeMap<String, String>) -> Result<(), validator::ValidationError> {
    let fits = |text: &str, max: usize| !text.trim().is_empty() && text.chars().count() <= max;
    if forms.len() <= MAX_FORMS && forms.iter().all(|(name, value)| fits(name, 50) && fits(value, 200)) {
        return Ok(());
    }
    Err(validator::ValidationError::new("forms")
        .with_message("at most 12 forms, each name 1–50 and each value 1–200 characters, not blank".into()))
}

// A word or phrase to make a card of: 1–100 characters, not blank.
value_schema!(WordValue, non_blank_text(100).into());
// A topic's name: 1–100 characters, not blank.
value_schema!(TopicNameValue, non_blank_text(100).into());
// A learner's answer to a free-text exercise: 1–1000 characters, not blank.
value_schema!(AnswerValue, non_blank_text(1000).into());

use services::exercises::{Difficulty, ExerciseKind, Grade, TopicKind};
value_schema!(TopicKindValue, "What a topic practises.", TopicKind::ALL.iter().map(|k| k.as_str()));
value_schema!(
    ExerciseKindValue,
    "How an exercise is answered: multiple_choice by an option, the rest by free text.",
    ExerciseKind::ALL.iter().map(|k| k.as_str())
);
value_schema!(GradeValue, "How an answer was graded.", Grade::ALL.iter().map(|g| g.as_str()));
value_schema!(PeriodValue, "A stats period.", ["week", "month", "3months", "year", "all"]);
value_schema!(ActivityLevelValue, "How busy a day was.", ["none", "low", "medium", "high"]);
value_schema!(DifficultyValue, "How hard a batch of exercises is.", Difficulty::ALL.iter().map(|d| d.as_str()));

/// The server side of a `no NUL` pattern, for text that does not come in a JSON body (query
/// strings); JSON bodies are checked whole by `ValidatedJson`.
pub fn no_nul(text: &str) -> Result<(), validator::ValidationError> {
    if text.contains('\0') {
        return Err(validator::ValidationError::new("nul").with_message(NUL_REFUSED.into()));
    }
    Ok(())
}

/// The server side of [`NON_BLANK`]: at least one character that is not white space.
pub fn non_blank(text: &str) -> Result<(), validator::ValidationError> {
    if text.trim().is_empty() {
        return Err(validator::ValidationError::new("blank").with_message("must not be blank".into()));
    }
    Ok(())
}

/// Why text with a NUL character is refused, wherever it comes.
pub const NUL_REFUSED: &str = "must not contain the NUL character";
