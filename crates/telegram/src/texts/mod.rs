//! Everything the bot says, in Russian (the default) and English. Templates are Telegram HTML
//! written by us; every value filled in is escaped, so a learner's deck name or a word can
//! never break the markup.

mod billing;
mod en;
mod groups;
mod ru;

use domain::{CefrLevel, Goal, InterfaceLanguage};

use crate::format::escape;

pub use self::billing::{BillingTexts, billing_texts};
pub use self::groups::{GroupTexts, group_texts};

/// The languages offered as buttons during onboarding (the Mini App lists every language).
pub const POPULAR_LANGUAGES: [&str; 12] = ["en", "de", "fr", "es", "it", "pt", "zh", "ja", "ko", "tr", "pl", "uk"];

/// One language's strings. `{name}`-style placeholders are filled by [`fill`].
pub struct Texts {
    pub language: InterfaceLanguage,
    pub greeting_new: &'static str,
    pub greeting_back: &'static str,
    pub help: &'static str,
    pub open_app: &'static str,
    pub app_text: &'static str,
    pub app_unconfigured: &'static str,
    pub ask_language: &'static str,
    pub more_languages: &'static str,
    pub ask_level: &'static str,
    pub ask_goal: &'static str,
    pub profile_created: &'static str,
    pub profile_exists: &'static str,
    pub profile_limit: &'static str,
    pub needs_profile: &'static str,
    pub study_deep_link: &'static str,
    pub exercise_deep_link: &'static str,
    pub show_answer: &'static str,
    pub hint: &'static str,
    pub hint_text: &'static str,
    pub ratings: [&'static str; 4],
    pub rated: &'static str,
    pub next_card: &'static str,
    pub already_rated: &'static str,
    pub card_gone: &'static str,
    pub nothing_due: &'static str,
    pub nothing_due_waiting: &'static str,
    pub card_counts: &'static str,
    pub decks_title: &'static str,
    pub no_decks: &'static str,
    pub all_decks: &'static str,
    pub deck_chosen: &'static str,
    pub all_decks_chosen: &'static str,
    pub study_now: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub add_usage: &'static str,
    pub add_working: &'static str,
    pub add_created: &'static str,
    pub add_duplicate: &'static str,
    pub add_failed: &'static str,
    pub add_summary: &'static str,
    pub add_word_too_long: &'static str,
    pub add_too_many: &'static str,
    pub profiles_title: &'static str,
    pub new_language: &'static str,
    pub profile_switched: &'static str,
    pub settings_title: &'static str,
    pub reminders_on: &'static str,
    pub reminders_off: &'static str,
    pub turn_reminders_on: &'static str,
    pub turn_reminders_off: &'static str,
    pub change_hour: &'static str,
    pub change_zone: &'static str,
    pub pick_hour: &'static str,
    pub pick_zone: &'static str,
    pub saved: &'static str,
    pub clear_confirm: &'static str,
    pub clear_yes: &'static str,
    pub clear_no: &'static str,
    pub cleared: &'static str,
    pub clear_cancelled: &'static str,
    pub message_too_long: &'static str,
    pub tutor_failed: &'static str,
    pub tutor_unavailable: &'static str,
    pub tutor_rejected: &'static str,
    pub tutor_busy: &'static str,
    pub retry: &'static str,
    pub quota_exhausted: &'static str,
    pub limit_reached: &'static str,
    pub add_word: &'static str,
    pub word_added: &'static str,
    pub word_exists: &'static str,
    pub word_expired: &'static str,
    pub voice_heard: &'static str,
    pub voice_too_long: &'static str,
    pub voice_too_large: &'static str,
    pub voice_unavailable: &'static str,
    pub voice_unreadable: &'static str,
    pub voice_silent: &'static str,
    pub voice_failed: &'static str,
    pub voice_quota_exhausted: &'static str,
    pub photo_words: &'static str,
    pub photo_no_text: &'static str,
    pub photo_too_large: &'static str,
    pub photo_unreadable: &'static str,
    pub photo_failed: &'static str,
    pub group_pointer: &'static str,
    pub unsupported_message: &'static str,
    pub stale_button: &'static str,
    pub something_failed: &'static str,
    pub back: &'static str,
    pub exercise_header: &'static str,
    pub answer_by_message: &'static str,
    pub exercise_hint: &'static str,
    pub skip: &'static str,
    pub skipped: &'static str,
    pub next_exercise: &'static str,
    pub start_exercise: &'static str,
    pub already_next: &'static str,
    pub graded_correct: &'static str,
    pub graded_partial: &'static str,
    pub graded_incorrect: &'static str,
    pub your_answer: &'static str,
    pub right_answer: &'static str,
    pub also_right: &'static str,
    pub mistakes: &'static str,
    pub mistake: &'static str,
    pub topic_progress: &'static str,
    pub exercise_words: &'static str,
    pub exercise_gone: &'static str,
    pub exercise_failed: &'static str,
    pub grading_failed: &'static str,
    pub answer_too_long: &'static str,
    pub exercise_quota_exhausted: &'static str,
    pub topics_title: &'static str,
    pub topics_button: &'static str,
    pub no_active_topic: &'static str,
    pub no_topics: &'static str,
    pub topic_line: &'static str,
    pub not_practised: &'static str,
    pub suggest_topics: &'static str,
    pub suggestions_title: &'static str,
    pub suggestion_line: &'static str,
    pub suggestions_failed: &'static str,
    pub no_suggestions: &'static str,
    pub topic_added: &'static str,
    pub topic_exists: &'static str,
    pub topic_activated: &'static str,
    /// Grammar, vocabulary, situation.
    pub topic_kinds: [&'static str; 3],
    pub commands: [(&'static str, &'static str); 13],
    pub level_names: [&'static str; 6],
    pub goal_names: [&'static str; 8],
    /// The interval units: minutes, hours, days, months, years.
    pub units: [&'static str; 5],
    pub plural_cards: [&'static str; 3],
    pub plural_attempts: [&'static str; 3],
    pub plural_days: [&'static str; 3],
    /// The streak reminder: its notification title, its text (`{streak}`, `{time}`).
    pub reminder_title: &'static str,
    pub reminder_text: &'static str,
    /// `/stats`.
    pub stats_streak: &'static str,
    pub stats_no_streak: &'static str,
    pub stats_today_done: &'static str,
    pub stats_safe_until: &'static str,
    pub stats_today: &'static str,
    pub stats_open: &'static str,
}

pub fn texts(language: InterfaceLanguage) -> &'static Texts {
    match language {
        InterfaceLanguage::Ru => &ru::RU,
        InterfaceLanguage::En => &en::EN,
    }
}

/// Fills `{key}` placeholders with escaped values, in one pass: a value that itself looks
/// like a placeholder (a learner called "{name}") stays as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        text.push_str(before);
        let value = from_brace.find('}').and_then(|close| {
            let key = from_brace.get(1..close)?;
            values.iter().find(|(k, _)| *k == key).map(|(_, v)| (close, *v))
        });
        match value {
            Some((close, value)) => {
                text.push_str(&escape(value));
                rest = from_brace.get(close + 1..).unwrap_or_default();
            }
            None => {
                text.push('{');
                rest = from_brace.get(1..).unwrap_or_default();
            }
        }
    }
    text.push_str(rest);
    text
}

/// The interface languages by their own names, as the settings offer them.
pub fn interface_language_name(language: InterfaceLanguage) -> &'static str {
    match language {
        InterfaceLanguage::Ru => "Русский",
        InterfaceLanguage::En => "English",
    }
}

impl Texts {
    pub fn level(&self, level: CefrLevel) -> &'static str {
        let index = CefrLevel::ALL.iter().position(|l| *l == level).unwrap_or(0);
        self.level_names.get(index).copied().unwrap_or_default()
    }

    pub fn goal(&self, goal: Goal) -> &'static str {
        let index = Goal::ALL.iter().position(|g| *g == goal).unwrap_or(0);
        self.goal_names.get(index).copied().unwrap_or_default()
    }

    /// The language's name in this interface language (its code when we have no name).
    pub fn language_name(&self, code: &str) -> String {
        let names: &[(&str, &str)] = match self.language {
            InterfaceLanguage::Ru => &ru::LANGUAGE_NAMES,
            InterfaceLanguage::En => &en::LANGUAGE_NAMES,
        };
        names.iter().find(|(c, _)| *c == code).map(|(_, name)| (*name).to_owned()).unwrap_or_else(|| {
            domain::LanguageCode::parse(code).map(|c| c.english_name().to_owned()).unwrap_or_else(|_| code.to_owned())
        })
    }

    /// The language's name inside a sentence: Russian writes it in lower case ("учим немецкий").
    pub fn language_in_sentence(&self, code: &str) -> String {
        let name = self.language_name(code);
        match self.language {
            InterfaceLanguage::Ru => name.to_lowercase(),
            InterfaceLanguage::En => name,
        }
    }

    /// A time zone's city as this language names it.
    pub fn zone_name(&self, zone: &str) -> String {
        let names: &[(&str, &str)] = match self.language {
            InterfaceLanguage::Ru => &ru::ZONE_NAMES,
            InterfaceLanguage::En => &[],
        };
        names
            .iter()
            .find(|(z, _)| *z == zone)
            .map(|(_, name)| (*name).to_owned())
            .unwrap_or_else(|| zone.rsplit('/').next().unwrap_or(zone).replace('_', " "))
    }

    /// "5 карточек" / "1 card".
    pub fn cards(&self, count: u64) -> String {
        format!("{count} {}", self.plural(count, &self.plural_cards))
    }

    /// "3 попытки" / "1 attempt".
    /// "3 дня" / "3 days".
    pub fn days(&self, count: u64) -> String {
        format!("{count} {}", self.plural(count, &self.plural_days))
    }

    pub fn attempts(&self, count: u64) -> String {
        format!("{count} {}", self.plural(count, &self.plural_attempts))
    }

    pub fn topic_kind(&self, kind: services::exercises::TopicKind) -> &'static str {
        let index = services::exercises::TopicKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.topic_kinds.get(index).copied().unwrap_or_default()
    }

    fn plural<'a>(&self, count: u64, forms: &'a [&'a str; 3]) -> &'a str {
        let [one, few, many] = forms;
        match self.language {
            InterfaceLanguage::En => {
                if count == 1 {
                    one
                } else {
                    many
                }
            }
            InterfaceLanguage::Ru => match (count % 10, count % 100) {
                (1, n) if n != 11 => one,
                (2..=4, n) if !(12..=14).contains(&n) => few,
                _ => many,
            },
        }
    }

    /// An interval as a button shows it: "<1 мин", "10 мин", "3 ч", "4 дн", "2 мес", "1.5 г".
    pub fn interval(&self, seconds: i64) -> String {
        let [minute, hour, day, month, year] = self.units;
        let minutes = seconds / 60;
        if minutes < 1 {
            return format!("<1 {minute}");
        }
        if minutes < 60 {
            return format!("{minutes} {minute}");
        }
        let hours = minutes / 60;
        if hours < 24 {
            return format!("{hours} {hour}");
        }
        let days = hours / 24;
        if days < 30 {
            return format!("{days} {day}");
        }
        let precise = |value: f64| {
            let rounded = (value * 10.0).round() / 10.0;
            let text = if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") };
            // Russian writes a decimal comma.
            if self.language == InterfaceLanguage::Ru { text.replace('.', ",") } else { text }
        };
        #[allow(clippy::cast_precision_loss)]
        let days = days as f64;
        if days < 365.0 {
            format!("{} {month}", precise(days / 30.0))
        } else {
            format!("{} {year}", precise(days / 365.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_plurals_follow_each_language() {
        assert_eq!(fill("<b>{name}</b>", &[("name", "<i>&")]), "<b>&lt;i&gt;&amp;</b>");
        assert_eq!(fill("{name}: {language}", &[("name", "{language}"), ("language", "de")]), "{language}: de");
        assert_eq!(fill("{unknown} {", &[]), "{unknown} {");
        let ru = texts(InterfaceLanguage::Ru);
        assert_eq!(ru.language_in_sentence("de"), "немецкий");
        assert_eq!(ru.interval(45 * 86_400), "1,5 мес");
        assert_eq!(ru.zone_name("Asia/Yekaterinburg"), "Екатеринбург");
        let ru = texts(InterfaceLanguage::Ru);
        assert_eq!(ru.cards(1), "1 карточка");
        assert_eq!(ru.cards(3), "3 карточки");
        assert_eq!(ru.cards(11), "11 карточек");
        assert_eq!(ru.cards(22), "22 карточки");
        assert_eq!(texts(InterfaceLanguage::En).cards(1), "1 card");
        assert_eq!(texts(InterfaceLanguage::En).cards(0), "0 cards");
        assert_eq!(ru.attempts(1), "1 попытка");
        assert_eq!(ru.attempts(3), "3 попытки");
        assert_eq!(ru.attempts(12), "12 попыток");
        assert_eq!(ru.attempts(21), "21 попытка");
        assert_eq!(texts(InterfaceLanguage::En).attempts(2), "2 attempts");
        assert_eq!(ru.topic_kind(services::exercises::TopicKind::Situation), "ситуация");
    }

    #[test]
    fn intervals_read_like_a_flashcard_app() {
        let en = texts(InterfaceLanguage::En);
        assert_eq!(en.interval(30), "<1 min");
        assert_eq!(en.interval(600), "10 min");
        assert_eq!(en.interval(3 * 3600), "3 h");
        assert_eq!(en.interval(4 * 86_400), "4 d");
        assert_eq!(en.interval(45 * 86_400), "1.5 mo");
        assert_eq!(en.interval(730 * 86_400), "2 y");
    }

    #[test]
    fn both_languages_name_every_popular_language_and_command() {
        for language in InterfaceLanguage::ALL {
            let t = texts(language);
            for code in POPULAR_LANGUAGES {
                assert_ne!(t.language_name(code), code, "{code} has no name in {language:?}");
            }
            assert!(t.commands.iter().all(|(command, description)| !command.is_empty() && !description.is_empty()));
        }
    }
}
