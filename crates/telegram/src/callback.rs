//! Button data: one typed, versioned codec. Telegram allows 64 bytes, so ids are 22
//! characters of base64url and anything longer (a word with its translation) lives in the
//! cache behind a short id. A button from an older version reads as [`Callback::Stale`].

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::CefrLevel;
use uuid::Uuid;

/// Bumped when the meaning of existing data changes; old buttons then say they are outdated.
const VERSION: &str = "c1";
pub const MAX_BYTES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    ShowAnswer {
        card: Uuid,
    },
    Hint {
        card: Uuid,
    },
    Rate {
        card: Uuid,
        rating: u8,
    },
    NextCard,
    Decks {
        page: u16,
    },
    PickDeck {
        deck: Uuid,
    },
    AllDecks,
    Profile {
        profile: Uuid,
    },
    NewProfile,
    OnboardLanguage {
        language: String,
    },
    OnboardLevel {
        language: String,
        level: CefrLevel,
    },
    OnboardGoal {
        language: String,
        level: CefrLevel,
        goal: u8,
    },
    /// A word the tutor suggested, stored in the cache under `id`.
    AddWord {
        id: String,
    },
    RetryTutor {
        message: Uuid,
    },
    Settings(SettingsAction),
    ClearHistory {
        profile: Uuid,
        confirmed: bool,
    },
    /// An option (0–3) of a multiple-choice exercise.
    ExerciseChoice {
        exercise: Uuid,
        choice: u8,
    },
    ExerciseHint {
        exercise: Uuid,
    },
    /// "Skip": the shown exercise is left unanswered and the next one comes.
    SkipExercise {
        exercise: Uuid,
    },
    /// The next exercise (after a result, a new topic, a failure).
    NextExercise,
    Topics,
    ActivateTopic {
        topic: Uuid,
    },
    SuggestTopics,
    /// A suggested topic: the suggestions stored in the cache under `id`, and which one.
    AddTopic {
        id: String,
        index: u8,
    },
    /// "Join" under a group invite: the invite's code (8–32 characters of `[A-Za-z0-9_-]`).
    JoinGroup {
        code: String,
    },
    /// "Cancel" under a group invite.
    CancelJoin,
    /// Data this version does not understand (an old button, or forged data).
    Stale,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsAction {
    Show,
    Reminders(bool),
    PickHour,
    Hour(u8),
    PickZone,
    Zone(u8),
    Language(domain::InterfaceLanguage),
}

fn id(uuid: &Uuid) -> String {
    URL_SAFE_NO_PAD.encode(uuid.as_bytes())
}

fn parse_id(text: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    Uuid::from_slice(&bytes).ok()
}

/// A key of something kept in the cache for a button (a word, a list of suggested topics).
fn short_id_ok(id: &str) -> bool {
    !id.is_empty() && id.len() <= 16 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn language_ok(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}

impl Callback {
    pub fn encode(&self) -> String {
        let body = match self {
            Self::ShowAnswer { card } => format!("show:{}", id(card)),
            Self::Hint { card } => format!("hint:{}", id(card)),
            Self::Rate { card, rating } => format!("rate:{}:{rating}", id(card)),
            Self::NextCard => "next".to_owned(),
            Self::Decks { page } => format!("decks:{page}"),
            Self::PickDeck { deck } => format!("deck:{}", id(deck)),
            Self::AllDecks => "deck:all".to_owned(),
            Self::Profile { profile } => format!("prof:{}", id(profile)),
            Self::NewProfile => "prof:new".to_owned(),
            Self::OnboardLanguage { language } => format!("ob:{language}"),
            Self::OnboardLevel { language, level } => format!("ob:{language}:{}", level.as_str()),
            Self::OnboardGoal { language, level, goal } => format!("ob:{language}:{}:{goal}", level.as_str()),
            Self::AddWord { id } => format!("addw:{id}"),
            Self::RetryTutor { message } => format!("retry:{}", id(message)),
            Self::Settings(action) => format!("set:{}", settings_body(*action)),
            Self::ClearHistory { profile, confirmed } => format!("clear:{}:{}", id(profile), u8::from(*confirmed)),
            Self::ExerciseChoice { exercise, choice } => format!("exc:{}:{choice}", id(exercise)),
            Self::ExerciseHint { exercise } => format!("exh:{}", id(exercise)),
            Self::SkipExercise { exercise } => format!("exs:{}", id(exercise)),
            Self::NextExercise => "exn".to_owned(),
            Self::Topics => "top".to_owned(),
            Self::ActivateTopic { topic } => format!("tpa:{}", id(topic)),
            Self::SuggestTopics => "tps".to_owned(),
            Self::AddTopic { id, index } => format!("tpn:{id}:{index}"),
            Self::JoinGroup { code } => format!("gj:{code}"),
            Self::CancelJoin => "gx".to_owned(),
            Self::Stale => "stale".to_owned(),
        };
        format!("{VERSION}:{body}")
    }

    /// Never fails: anything unreadable is [`Callback::Stale`].
    pub fn decode(data: &str) -> Self {
        Self::parse(data).unwrap_or(Self::Stale)
    }

    fn parse(data: &str) -> Option<Self> {
        if data.len() > MAX_BYTES {
            return None;
        }
        let mut parts = data.split(':');
        if parts.next()? != VERSION {
            return None;
        }
        let kind = parts.next()?;
        let args: Vec<&str> = parts.collect();
        let parsed = match (kind, args.as_slice()) {
            ("show", [card]) => Self::ShowAnswer { card: parse_id(card)? },
            ("hint", [card]) => Self::Hint { card: parse_id(card)? },
            ("rate", [card, rating]) => {
                let rating: u8 = rating.parse().ok().filter(|r| (1..=4).contains(r))?;
                Self::Rate { card: parse_id(card)?, rating }
            }
            ("next", []) => Self::NextCard,
            ("decks", [page]) => Self::Decks { page: page.parse().ok()? },
            ("deck", ["all"]) => Self::AllDecks,
            ("deck", [deck]) => Self::PickDeck { deck: parse_id(deck)? },
            ("prof", ["new"]) => Self::NewProfile,
            ("prof", [profile]) => Self::Profile { profile: parse_id(profile)? },
            ("ob", [language]) if language_ok(language) => Self::OnboardLanguage { language: (*language).to_owned() },
            ("ob", [language, level]) if language_ok(language) => {
                Self::OnboardLevel { language: (*language).to_owned(), level: level.parse().ok()? }
            }
            ("ob", [language, level, goal]) if language_ok(language) => Self::OnboardGoal {
                language: (*language).to_owned(),
                level: level.parse().ok()?,
                goal: goal.parse().ok()?,
            },
            ("addw", [id]) if short_id_ok(id) => Self::AddWord { id: (*id).to_owned() },
            ("retry", [message]) => Self::RetryTutor { message: parse_id(message)? },
            ("set", rest) => Self::Settings(parse_settings(rest)?),
            ("clear", [profile, "1"]) => Self::ClearHistory { profile: parse_id(profile)?, confirmed: true },
            ("clear", [profile, "0"]) => Self::ClearHistory { profile: parse_id(profile)?, confirmed: false },
            ("exc", [exercise, choice]) => {
                Self::ExerciseChoice { exercise: parse_id(exercise)?, choice: choice.parse().ok().filter(|c| *c < 4)? }
            }
            ("exh", [exercise]) => Self::ExerciseHint { exercise: parse_id(exercise)? },
            ("exs", [exercise]) => Self::SkipExercise { exercise: parse_id(exercise)? },
            ("exn", []) => Self::NextExercise,
            ("top", []) => Self::Topics,
            ("tpa", [topic]) => Self::ActivateTopic { topic: parse_id(topic)? },
            ("tps", []) => Self::SuggestTopics,
            ("tpn", [id, index]) if short_id_ok(id) => {
                Self::AddTopic { id: (*id).to_owned(), index: index.parse().ok().filter(|i| *i < 10)? }
            }
            ("gj", [code]) => Self::JoinGroup { code: domain::InviteCode::bare(code)?.as_str().to_owned() },
            ("gx", []) => Self::CancelJoin,
            _ => return None,
        };
        Some(parsed)
    }
}

fn settings_body(action: SettingsAction) -> String {
    match action {
        SettingsAction::Show => "show".to_owned(),
        SettingsAction::Reminders(on) => format!("rem:{}", u8::from(on)),
        SettingsAction::PickHour => "hours".to_owned(),
        SettingsAction::Hour(hour) => format!("hour:{hour}"),
        SettingsAction::PickZone => "zones".to_owned(),
        SettingsAction::Zone(index) => format!("zone:{index}"),
        SettingsAction::Language(language) => format!("lang:{}", language.as_str()),
    }
}

fn parse_settings(args: &[&str]) -> Option<SettingsAction> {
    Some(match args {
        ["show"] => SettingsAction::Show,
        ["rem", "1"] => SettingsAction::Reminders(true),
        ["rem", "0"] => SettingsAction::Reminders(false),
        ["hours"] => SettingsAction::PickHour,
        ["hour", hour] => SettingsAction::Hour(hour.parse().ok().filter(|h| *h < 24)?),
        ["zones"] => SettingsAction::PickZone,
        ["zone", index] => SettingsAction::Zone(index.parse().ok()?),
        ["lang", language] => SettingsAction::Language(language.parse().ok()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::InterfaceLanguage;

    fn all_kinds() -> Vec<Callback> {
        let card = Uuid::now_v7();
        vec![
            Callback::ShowAnswer { card },
            Callback::Hint { card },
            Callback::Rate { card, rating: 4 },
            Callback::NextCard,
            Callback::Decks { page: 65_535 },
            Callback::PickDeck { deck: card },
            Callback::AllDecks,
            Callback::Profile { profile: card },
            Callback::NewProfile,
            Callback::OnboardLanguage { language: "de".into() },
            Callback::OnboardLevel { language: "zh".into(), level: CefrLevel::B2 },
            Callback::OnboardGoal { language: "pt".into(), level: CefrLevel::C1, goal: 7 },
            Callback::AddWord { id: "a1B2c3D4e5F6g7H8".into() },
            Callback::RetryTutor { message: card },
            Callback::Settings(SettingsAction::Show),
            Callback::Settings(SettingsAction::Reminders(false)),
            Callback::Settings(SettingsAction::PickHour),
            Callback::Settings(SettingsAction::Hour(23)),
            Callback::Settings(SettingsAction::PickZone),
            Callback::Settings(SettingsAction::Zone(17)),
            Callback::Settings(SettingsAction::Language(InterfaceLanguage::En)),
            Callback::ClearHistory { profile: card, confirmed: true },
            Callback::ClearHistory { profile: card, confirmed: false },
            Callback::ExerciseChoice { exercise: card, choice: 3 },
            Callback::ExerciseHint { exercise: card },
            Callback::SkipExercise { exercise: card },
            Callback::NextExercise,
            Callback::Topics,
            Callback::ActivateTopic { topic: card },
            Callback::SuggestTopics,
            Callback::AddTopic { id: "a1B2c3D4e5F6g7H8".into(), index: 9 },
            Callback::JoinGroup { code: "Ab3-x_9Qz1".into() },
            Callback::JoinGroup { code: "a".repeat(32) },
            // Found by the property test: a code that begins like a deep-link payload.
            Callback::JoinGroup { code: "g_0A_-Aa__".into() },
            Callback::CancelJoin,
        ]
    }

    #[test]
    fn every_kind_round_trips_within_64_bytes() {
        for callback in all_kinds() {
            let data = callback.encode();
            assert!(data.len() <= MAX_BYTES, "{data} is {} bytes", data.len());
            assert_eq!(Callback::decode(&data), callback, "{data}");
        }
    }

    #[test]
    fn old_versions_and_forgeries_are_stale() {
        let card = Uuid::now_v7();
        let old = Callback::Rate { card, rating: 3 }.encode().replacen("c1:", "c0:", 1);
        for data in [
            old.as_str(),
            "",
            "c1",
            "c1:rate:xyz:3",
            "c1:rate:AAAAAAAAAAAAAAAAAAAAAA:5",
            "c1:set:hour:24",
            "c1:ob:DE",
            "c1:addw:../../etc",
            "c1:clear:2",
            "c1:exc:AAAAAAAAAAAAAAAAAAAAAA:4",
            "c1:tpn:abc:10",
            "c1:tpn:a-b:1",
            "c1:gj:short",
            "c1:gj:has space1",
            &"c1:next:".repeat(20),
        ] {
            assert_eq!(Callback::decode(data), Callback::Stale, "{data}");
        }
    }
}
