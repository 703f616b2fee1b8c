//! Text keys for case-insensitive uniqueness (deck names, lemmas). Computed here rather than
//! with SQL `lower()`, which SQLite applies to ASCII only: `МОИ СЛОВА` must clash with
//! `Мои слова` on every engine.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Trimmed, inner whitespace collapsed, NFC, lower case.
pub fn normalized_key(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.nfc().collect::<String>().to_lowercase()
}

/// What card search compares: [`normalized_key`] without diacritics, so "bano" finds "baño"
/// and "cafe" finds "Café" on every engine (neither SQLite nor a plain PostgreSQL can be
/// asked to ignore accents). Stored per card and applied to the search term alike.
pub fn search_key(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.to_lowercase().nfd().filter(|c| !is_combining_mark(*c)).nfc().collect()
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

    #[test]
    fn search_key_ignores_diacritics() {
        assert_eq!(search_key(" El  Baño "), "el bano");
        assert_eq!(search_key("Crème BRÛLÉE"), search_key("creme brulee"));
        assert_eq!(search_key("Cafe\u{301}"), "cafe");
        assert_eq!(search_key("ёж"), "еж");
        assert_eq!(search_key("Straße"), "straße");
    }
}
