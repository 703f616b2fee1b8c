//! Grading without the model where it can be done exactly: multiple choice by the index, free
//! text by a normalised match against the expected answer and its accepted alternatives.

use super::model::{Grade, PendingExercise};

/// The form answers are compared in: case, surrounding and repeated spaces, typographic
/// quotes and apostrophes, and sentence-final punctuation do not count; accents do (they are
/// part of the language being learnt).
pub fn normalise(text: &str) -> String {
    let unified: String = text
        .chars()
        .map(|c| match c {
            '’' | '‘' | '`' | '´' => '\'',
            '“' | '”' | '„' | '«' | '»' => '"',
            other => other,
        })
        .collect();
    let words = unified.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    words.trim_end_matches(['.', '!', '?', '…', '¡', '¿', ';']).trim_start_matches(['¡', '¿']).trim().to_owned()
}

/// The grade of a multiple-choice answer; the explanation written with the exercise says why.
pub fn grade_choice(exercise: &PendingExercise, choice: usize) -> Grade {
    if exercise.correct_index == Some(choice) { Grade::Correct } else { Grade::Incorrect }
}

/// `Some(Correct)` when the text is the answer or an accepted alternative as normalised;
/// `None` when only the model can tell.
pub fn grade_exactly(exercise: &PendingExercise, answer: &str) -> Option<Grade> {
    let given = normalise(answer);
    std::iter::once(&exercise.answer)
        .chain(&exercise.alternatives)
        .any(|right| normalise(right) == given)
        .then_some(Grade::Correct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_ignores_case_spacing_quotes_and_final_punctuation_but_not_accents() {
        assert_eq!(normalise("  Ich  bin MÜDE. "), "ich bin müde");
        assert_eq!(normalise("¿Dónde está?"), "dónde está");
        assert_eq!(normalise("I’m «fine»!"), "i'm \"fine\"");
        assert_ne!(normalise("esta"), normalise("está"));
    }
}
