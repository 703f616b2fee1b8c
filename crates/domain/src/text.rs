//! Text keys for case-insensitive uniqueness (deck names, lemmas). Computed here rather than
//! with SQL `lower()`, which SQLite applies to ASCII only: `МОИ СЛОВА` must clash with
//! `Мои слова` on every engine.

use unicode_normalization::UnicodeNormalization;

/// Trimmed, inner whitespace collapsed, NFC, lower case.
pub fn normalized_key(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.nfc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_space_and_composition() {
        assert_eq!(normalized_key("  МОИ   Слова "), "мои слова");
        assert_eq!(normalized_key("Straße"), "straße");
        // "é" as e + combining acute equals the precomposed form.
        assert_eq!(normalized_key("Cafe\u{301}"), normalized_key("Café"));
    }
}
