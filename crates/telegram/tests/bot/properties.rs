//! Properties of what the bot puts on the wire, over arbitrary input: button data round-trips
//! and fits Telegram's 64 bytes, any data decodes without panicking; the Markdown renderer (the
//! fuzz harness: many cases of hostile Markdown) always gives HTML Telegram accepts and keeps
//! the text; the splitter's parts fit the limit, stay valid and lose nothing.

use domain::{CefrLevel, InterfaceLanguage};
use proptest::prelude::*;
use telegram::callback::{Callback, MAX_BYTES, SettingsAction};
use telegram::format::{html_to_plain, markdown_to_html, split_html, visible_len};
use uuid::Uuid;

use crate::fake_telegram::html_is_valid;

fn uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

fn level() -> impl Strategy<Value = CefrLevel> {
    prop_oneof![
        Just(CefrLevel::A1),
        Just(CefrLevel::A2),
        Just(CefrLevel::B1),
        Just(CefrLevel::B2),
        Just(CefrLevel::C1),
        Just(CefrLevel::C2)
    ]
}

fn settings() -> impl Strategy<Value = SettingsAction> {
    prop_oneof![
        Just(SettingsAction::Show),
        any::<bool>().prop_map(SettingsAction::Reminders),
        Just(SettingsAction::PickHour),
        (0_u8..24).prop_map(SettingsAction::Hour),
        Just(SettingsAction::PickZone),
        any::<u8>().prop_map(SettingsAction::Zone),
        prop_oneof![Just(InterfaceLanguage::Ru), Just(InterfaceLanguage::En)].prop_map(SettingsAction::Language),
    ]
}

/// Every kind of button, with any value its fields can take.
fn callback() -> impl Strategy<Value = Callback> {
    let language = "[a-z]{2,3}";
    let short_id = "[A-Za-z0-9]{1,16}";
    prop_oneof![
        uuid().prop_map(|card| Callback::ShowAnswer { card }),
        uuid().prop_map(|card| Callback::Hint { card }),
        (uuid(), 1_u8..=4).prop_map(|(card, rating)| Callback::Rate { card, rating }),
        Just(Callback::NextCard),
        any::<u16>().prop_map(|page| Callback::Decks { page }),
        uuid().prop_map(|deck| Callback::PickDeck { deck }),
        Just(Callback::AllDecks),
        uuid().prop_map(|profile| Callback::Profile { profile }),
        Just(Callback::NewProfile),
        language.prop_map(|language| Callback::OnboardLanguage { language }),
        (language, level()).prop_map(|(language, level)| Callback::OnboardLevel { language, level }),
        (language, level(), any::<u8>()).prop_map(|(language, level, goal)| Callback::OnboardGoal {
            language,
            level,
            goal
        }),
        short_id.prop_map(|id| Callback::AddWord { id }),
        uuid().prop_map(|message| Callback::RetryTutor { message }),
        settings().prop_map(Callback::Settings),
        (uuid(), any::<bool>()).prop_map(|(profile, confirmed)| Callback::ClearHistory { profile, confirmed }),
        (uuid(), 0_u8..4).prop_map(|(exercise, choice)| Callback::ExerciseChoice { exercise, choice }),
        uuid().prop_map(|exercise| Callback::ExerciseHint { exercise }),
        uuid().prop_map(|exercise| Callback::SkipExercise { exercise }),
        Just(Callback::NextExercise),
        Just(Callback::Topics),
        uuid().prop_map(|topic| Callback::ActivateTopic { topic }),
        Just(Callback::SuggestTopics),
        (short_id, 0_u8..10).prop_map(|(id, index)| Callback::AddTopic { id, index }),
        "[A-Za-z0-9_-]{8,32}".prop_map(|code| Callback::JoinGroup { code }),
        Just(Callback::CancelJoin),
    ]
}

/// Markdown as a model writes it, and worse: emphasis of both kinds, unbalanced markers, code
/// spans and blocks, lists, headings, quotes, links, HTML-looking text, entities, Cyrillic,
/// emoji and line breaks. No `|`: a table row's cells past its header's are dropped, as GFM
/// says, which the "keeps every letter" property would have to model.
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Zа-яёА-ЯЁ0-9]{1,12}",
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("**".to_owned()),
        Just("*".to_owned()),
        Just("_".to_owned()),
        Just("__".to_owned()),
        Just("`".to_owned()),
        Just("```\n".to_owned()),
        // Whole: bare tildes make fences whose info strings are, rightly, not shown.
        Just("~~strike~~".to_owned()),
        Just("- ".to_owned()),
        Just("1. ".to_owned()),
        Just("# ".to_owned()),
        Just("> ".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("](https://example.org/a?b=1&c=2)".to_owned()),
        Just("<b>".to_owned()),
        Just("</i>".to_owned()),
        Just("<".to_owned()),
        Just(">".to_owned()),
        Just("&".to_owned()),
        Just("&amp;".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("\\".to_owned()),
        Just("😀".to_owned()),
        Just("---\n".to_owned()),
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

/// The letters of `text`, in order: what no rendering may drop or reorder (digits may be list
/// numbers, which the renderer counts itself).
fn letters(text: &str) -> String {
    text.chars().filter(|c| c.is_alphabetic()).collect()
}

/// `part` can be had from `whole` by leaving characters out.
fn is_subsequence(part: &str, whole: &str) -> bool {
    let mut rest = whole.chars();
    part.chars().all(|c| rest.any(|w| w == c))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn every_button_round_trips_and_fits_in_64_bytes(button in callback()) {
        let data = button.encode();
        prop_assert!(data.len() <= MAX_BYTES, "{} bytes: {data}", data.len());
        prop_assert_eq!(Callback::decode(&data), button);
    }

    #[test]
    fn any_button_data_decodes_without_panicking_and_reads_back_the_same(data in ".{0,80}") {
        let decoded = Callback::decode(&data);
        // Whatever it read, written again it reads the same (no two meanings for one button).
        if decoded != Callback::Stale {
            prop_assert_eq!(Callback::decode(&decoded.encode()), decoded);
        }
    }

    #[test]
    fn markdown_always_renders_to_html_telegram_accepts_keeping_every_letter(text in markdown()) {
        let html = markdown_to_html(&text);
        prop_assert!(html_is_valid(&html), "invalid HTML {html:?} from {text:?}");
        let shown = html_to_plain(&html);
        // Nothing appears that was not written, in the same order; and everything written is
        // shown but a link's target (when the brackets made a link) and `&amp;` (Markdown for
        // `&`).
        prop_assert!(is_subsequence(&letters(&shown), &letters(&text)), "{shown:?} from {text:?}");
        let at_least = text.replace("](https://example.org/a?b=1&c=2)", "]").replace("&amp;", "&");
        prop_assert!(is_subsequence(&letters(&at_least), &letters(&shown)), "{shown:?} from {text:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn split_parts_fit_stay_valid_and_lose_nothing(text in markdown(), limit in 16_usize..300) {
        let html = markdown_to_html(&text);
        let parts = split_html(&html, limit);
        for part in &parts {
            prop_assert!(visible_len(part) <= limit, "a part of {} > {limit}: {part:?}", visible_len(part));
            prop_assert!(html_is_valid(part), "invalid part {part:?} of {html:?}");
        }
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        let joined: String = parts.iter().map(|p| html_to_plain(p)).collect();
        prop_assert_eq!(squash(&joined), squash(&html_to_plain(&html)));
    }
}
