//! Button data over arbitrary input: every button round-trips and fits Telegram's 64 bytes;
//! any data, forged or damaged, decodes without panicking and never to two meanings. (The
//! Markdown renderer's fuzz harness and the splitter's properties are unit tests in
//! `src/format/properties.rs`, next to the independent HTML checker.)

use domain::{CefrLevel, InterfaceLanguage};
use proptest::prelude::*;
use telegram::callback::{Callback, MAX_BYTES, SettingsAction};
use uuid::Uuid;

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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn every_button_round_trips_and_fits_in_64_bytes(button in callback()) {
        let data = button.encode();
        prop_assert!(data.len() <= MAX_BYTES, "{} bytes: {data}", data.len());
        prop_assert_eq!(Callback::decode(&data), button);
    }

    /// Near-valid data reaches every parser arm: a real button's data with one character
    /// replaced, removed or added.
    #[test]
    fn damaged_button_data_is_stale_or_one_button(
        button in callback(),
        at in any::<prop::sample::Index>(),
        edit in 0_u8..3,
        ch in prop_oneof![Just(':'), Just('0'), Just('A'), Just('-'), Just('_'), any::<char>()],
    ) {
        let mut chars: Vec<char> = button.encode().chars().collect();
        let i = at.index(chars.len());
        match edit {
            0 => chars[i] = ch,
            1 => { chars.remove(i); }
            _ => chars.insert(i, ch),
        }
        let data: String = chars.into_iter().collect();
        let decoded = Callback::decode(&data);
        if decoded != Callback::Stale {
            let again = decoded.encode();
            prop_assert!(again.len() <= MAX_BYTES, "{again}");
            prop_assert_eq!(Callback::decode(&again), decoded);
        }
    }

    #[test]
    fn data_of_another_version_or_over_64_bytes_is_stale(button in callback(), version in "c[02-9]|c1[0-9]|C1|", padding in "[A-Za-z0-9]{1,80}") {
        let data = button.encode();
        let body = data.strip_prefix("c1:").unwrap_or(&data);
        prop_assert_eq!(Callback::decode(&format!("{version}:{body}")), Callback::Stale);
        // Longer than Telegram ever sends: refused before it is read.
        let long = format!("{data}{}", padding.repeat(MAX_BYTES));
        prop_assert_eq!(Callback::decode(&long), Callback::Stale);
    }

    #[test]
    fn any_button_data_decodes_without_panicking_and_reads_back_the_same(data in ".{0,80}") {
        let decoded = Callback::decode(&data);
        // Whatever it read, written again it reads the same (no two meanings for one button).
        if decoded != Callback::Stale {
            prop_assert_eq!(Callback::decode(&decoded.encode()), decoded);
        }
    }
}
