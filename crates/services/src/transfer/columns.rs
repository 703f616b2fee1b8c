//! What each column of an imported file holds: recognised from header names (English and
//! Russian, any case and spacing), from the file's own description (Anki's text export), by
//! position when that is certain, or as the learner picked it.

use std::str::FromStr;

/// The card field a column fills, or `Ignore`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnRole {
    Front,
    Back,
    Lemma,
    PartOfSpeech,
    Gender,
    Transcription,
    Example,
    ExampleTranslation,
    Notes,
    Forms,
    Ignore,
}

impl ColumnRole {
    pub const ALL: [ColumnRole; 11] = [
        Self::Front,
        Self::Back,
        Self::Lemma,
        Self::PartOfSpeech,
        Self::Gender,
        Self::Transcription,
        Self::Example,
        Self::ExampleTranslation,
        Self::Notes,
        Self::Forms,
        Self::Ignore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Front => "front",
            Self::Back => "back",
            Self::Lemma => "lemma",
            Self::PartOfSpeech => "part_of_speech",
            Self::Gender => "gender",
            Self::Transcription => "transcription",
            Self::Example => "example",
            Self::ExampleTranslation => "example_translation",
            Self::Notes => "notes",
            Self::Forms => "forms",
            Self::Ignore => "ignore",
        }
    }
}

impl FromStr for ColumnRole {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|role| role.as_str() == s).ok_or(())
    }
}

/// The most columns an import reads; cells further right are ignored.
pub const MAX_COLUMNS: usize = 50;

/// Header names, normalised by [`normalise`]. Anki's and Quizlet's defaults are here
/// (Front/Back, Term/Definition), and so is what people type in Russian.
const NAMES: &[(ColumnRole, &[&str])] = &[
    (
        ColumnRole::Front,
        &[
            "front",
            "front side",
            "side 1",
            "side a",
            "word",
            "words",
            "term",
            "expression",
            "phrase",
            "vocabulary",
            "vocab",
            "question",
            "foreign",
            "foreign word",
            "target",
            "target word",
            "original",
            "слово",
            "слова",
            "термин",
            "фраза",
            "выражение",
            "лексема",
            "вопрос",
            "лицевая сторона",
            "сторона 1",
            "сторона а",
            "иностранное слово",
            "оригинал",
        ],
    ),
    (
        ColumnRole::Back,
        &[
            "back",
            "back side",
            "side 2",
            "side b",
            "translation",
            "translations",
            "meaning",
            "meanings",
            "definition",
            "definitions",
            "answer",
            "native",
            "russian",
            "russian translation",
            "in russian",
            "перевод",
            "переводы",
            "значение",
            "значения",
            "определение",
            "ответ",
            "оборот",
            "оборотная сторона",
            "обратная сторона",
            "сторона 2",
            "сторона б",
            "русский",
            "по русски",
            "на русском",
            "перевод на русский",
        ],
    ),
    (
        ColumnRole::Lemma,
        &[
            "lemma",
            "dictionary form",
            "base form",
            "headword",
            "лемма",
            "словарная форма",
            "начальная форма",
            "исходная форма",
        ],
    ),
    (ColumnRole::PartOfSpeech, &["part of speech", "pos", "word class", "часть речи"]),
    (ColumnRole::Gender, &["gender", "article", "род", "артикль"]),
    (
        ColumnRole::Transcription,
        &["transcription", "pronunciation", "ipa", "phonetic", "phonetics", "reading", "транскрипция", "произношение"],
    ),
    (
        ColumnRole::Example,
        &[
            "example",
            "examples",
            "sentence",
            "example sentence",
            "usage",
            "context",
            "пример",
            "примеры",
            "предложение",
            "пример предложения",
            "пример употребления",
            "контекст",
        ],
    ),
    (
        ColumnRole::ExampleTranslation,
        &[
            "example translation",
            "sentence translation",
            "translation of example",
            "перевод примера",
            "перевод предложения",
        ],
    ),
    (
        ColumnRole::Notes,
        &[
            "notes",
            "note",
            "comment",
            "comments",
            "remark",
            "remarks",
            "hint",
            "extra",
            "заметки",
            "заметка",
            "примечание",
            "примечания",
            "комментарий",
            "комментарии",
            "подсказка",
        ],
    ),
    (ColumnRole::Forms, &["forms", "word forms", "формы", "формы слова"]),
    (ColumnRole::Ignore, &["tags", "tag", "теги", "тег", "метки", "guid", "deck", "note type", "notetype", "колода"]),
];

/// Lower case, `ё` as `е`, `_ - . :` as spaces, a trailing `(…)` dropped, spaces collapsed:
/// `" Part_of_Speech "`, `"Перевод (RU):"` and `"part of speech"` all match.
fn normalise(name: &str) -> String {
    let lower = name.trim().trim_start_matches('#').trim_end_matches([':', ' ']).to_lowercase().replace('ё', "е");
    let without_note = match lower.find('(') {
        Some(at) if at > 0 && lower.trim_end().ends_with(')') => lower.get(..at).unwrap_or(&lower).to_owned(),
        _ => lower,
    };
    without_note
        .chars()
        .map(|c| if matches!(c, '_' | '-' | '.' | ':' | '"' | '\'') { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The role a header name stands for, if it is one we know.
pub fn role_for_name(name: &str) -> Option<ColumnRole> {
    let name = normalise(name);
    NAMES.iter().find(|(_, names)| names.contains(&name.as_str())).map(|(role, _)| *role)
}

/// Whether a first row is a header: at least one known name, and known names are at least
/// half of its non-empty cells (a data row seldom consists of words like "translation").
pub fn looks_like_header(cells: &[String]) -> bool {
    let filled = cells.iter().filter(|c| !c.trim().is_empty()).count();
    let known = cells.iter().filter(|c| role_for_name(c).is_some()).count();
    known >= 1 && known * 2 >= filled
}

/// How the columns were settled.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    /// One role per column.
    pub roles: Vec<ColumnRole>,
    /// The roles are a guess the learner should confirm (or change) before importing.
    pub needs_mapping: bool,
}

/// What a file says about its columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnHints {
    /// Header names, Anki's `#columns:` or the note type's fields.
    pub names: Option<Vec<String>>,
    /// The file's own format fixes the order (an Anki package or Anki's text export): the
    /// first free column is the front and the second the back, whatever the names say.
    pub positional: bool,
    /// Columns that hold no card field (Anki's `#tags column:` and the like).
    pub ignored: Vec<usize>,
}

/// The roles of `count` columns: named columns by their names (the first column of a role
/// wins); when that does not give both a front and a back, the free columns in order.
pub fn detect(hints: &ColumnHints, count: usize) -> Columns {
    let count = count.min(MAX_COLUMNS);
    let free = |index: &usize| !hints.ignored.contains(index);
    let mut roles = vec![ColumnRole::Ignore; count];
    if let Some(names) = &hints.names {
        for (index, name) in names.iter().enumerate().take(count).filter(|(index, _)| free(index)) {
            if let Some(role) = role_for_name(name)
                && !roles.contains(&role)
                && let Some(slot) = roles.get_mut(index)
            {
                *slot = role;
            }
        }
    }
    let complete = |roles: &[ColumnRole]| roles.contains(&ColumnRole::Front) && roles.contains(&ColumnRole::Back);
    if complete(&roles) {
        return Columns { roles, needs_mapping: false };
    }
    if hints.positional {
        roles = vec![ColumnRole::Ignore; count];
    }
    // The front and back that are missing go to the first unnamed free columns.
    for wanted in [ColumnRole::Front, ColumnRole::Back] {
        if roles.contains(&wanted) {
            continue;
        }
        let named = |index: &usize| {
            !hints.positional
                && hints.names.as_ref().and_then(|n| n.get(*index)).and_then(|n| role_for_name(n)).is_some()
        };
        let open =
            (0..count).find(|index| free(index) && roles.get(*index) == Some(&ColumnRole::Ignore) && !named(index));
        if let Some(slot) = open.and_then(|index| roles.get_mut(index)) {
            *slot = wanted;
        }
    }
    let needs_mapping = !hints.positional && (hints.names.is_some() || count > 2 || !complete(&roles)) && count > 1;
    Columns { roles, needs_mapping }
}

/// A mapping the learner picked, as `front,back,ignore,example`: one role per column from the
/// left (columns past the list are ignored), a front and a back exactly once, any other field
/// at most once.
pub fn parse_mapping(text: &str) -> Result<Vec<ColumnRole>, String> {
    let roles: Vec<ColumnRole> = text
        .split(',')
        .map(|part| {
            let part = part.trim().to_ascii_lowercase();
            part.parse().map_err(|()| format!("unknown column role {part:?}"))
        })
        .collect::<Result<_, _>>()?;
    if roles.len() > MAX_COLUMNS {
        return Err(format!("at most {MAX_COLUMNS} columns"));
    }
    for role in ColumnRole::ALL.into_iter().filter(|r| *r != ColumnRole::Ignore) {
        let times = roles.iter().filter(|r| **r == role).count();
        if times > 1 {
            return Err(format!("{} is given to more than one column", role.as_str()));
        }
        if times == 0 && matches!(role, ColumnRole::Front | ColumnRole::Back) {
            return Err(format!("no column is the {}", role.as_str()));
        }
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnRole::*;

    fn names(list: &[&str]) -> ColumnHints {
        ColumnHints { names: Some(list.iter().map(|s| (*s).to_owned()).collect()), ..ColumnHints::default() }
    }

    #[test]
    fn english_and_russian_headers_in_any_case_and_spacing() {
        for (header, expected) in [
            (vec!["word", "translation", "example"], vec![Front, Back, Example]),
            (vec![" Слово ", "ПЕРЕВОД", "Пример"], vec![Front, Back, Example]),
            (vec!["Term", "Definition"], vec![Front, Back]),
            (vec!["значение", "термин", "Заметки", "теги"], vec![Back, Front, Notes, Ignore]),
            (
                vec!["Front", "Back", "Part_of_Speech", "Example translation"],
                vec![Front, Back, PartOfSpeech, ExampleTranslation],
            ),
            (vec!["Перевод (RU):", "Слово"], vec![Back, Front]),
        ] {
            let cells: Vec<String> = header.iter().map(|s| (*s).to_owned()).collect();
            assert!(looks_like_header(&cells), "{header:?}");
            assert_eq!(
                detect(&names(&header), header.len()),
                Columns { roles: expected, needs_mapping: false },
                "{header:?}"
            );
        }
        assert!(!looks_like_header(&["der Hund".to_owned(), "собака".to_owned()]));
        assert!(!looks_like_header(&["Hund".to_owned(), "собака".to_owned(), "example".to_owned()]));
    }

    #[test]
    fn unclear_columns_are_a_guess_to_confirm() {
        // A header without a translation column.
        let columns = detect(&names(&["word", "Wortart", "Satz"]), 3);
        assert_eq!(columns, Columns { roles: vec![Front, Back, Ignore], needs_mapping: true });
        // No header: two columns are certain (Quizlet, Anki's plain text), more are not.
        assert_eq!(detect(&ColumnHints::default(), 2), Columns { roles: vec![Front, Back], needs_mapping: false });
        assert_eq!(
            detect(&ColumnHints::default(), 4),
            Columns { roles: vec![Front, Back, Ignore, Ignore], needs_mapping: true }
        );
    }

    #[test]
    fn a_package_or_anki_export_maps_by_position_unless_names_say_both() {
        let package = |list: &[&str], ignored: Vec<usize>| ColumnHints { positional: true, ignored, ..names(list) };
        assert_eq!(detect(&package(&["Text", "Extra", "Audio"], vec![]), 3).roles, vec![Front, Back, Ignore]);
        assert_eq!(detect(&package(&["Word", "Notes"], vec![]), 2).roles, vec![Front, Back]);
        assert_eq!(
            detect(&package(&["Expression", "Reading", "Meaning"], vec![]), 3).roles,
            vec![Front, Transcription, Back]
        );
        let anki_text = ColumnHints { positional: true, ignored: vec![0, 1], names: None };
        assert_eq!(
            detect(&anki_text, 5),
            Columns { roles: vec![Ignore, Ignore, Front, Back, Ignore], needs_mapping: false }
        );
    }

    #[test]
    fn mappings_are_checked() {
        assert_eq!(parse_mapping("back, FRONT,ignore,example").unwrap(), vec![Back, Front, Ignore, Example]);
        assert!(parse_mapping("front").unwrap_err().contains("back"));
        assert!(parse_mapping("front,back,back").unwrap_err().contains("more than one"));
        assert!(parse_mapping("front,back,word").unwrap_err().contains("unknown"));
        assert!(parse_mapping(&vec!["ignore"; 60].join(",")).is_err());
    }
}
