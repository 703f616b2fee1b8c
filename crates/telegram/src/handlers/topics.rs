//! `/topics`: the learner's topics with their accuracy, the active one ticked, a button to
//! switch, and suggestions from the model turned into topics with one tap.

use std::time::Duration;

use domain::ProfileId;
use frankenstein::types::InlineKeyboardButton;
use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use services::exercises::{ExerciseError, NewTopic, Topic, TopicSuggestion};
use services::inbox::HandlerError;
use services::profiles::ProfileError;
use uuid::Uuid;

use super::exercises::{refusal, stop_waiting};
use super::{Toast, app_button, button, keyboard, label, replace, send, while_typing};
use crate::bot::{Bot, Ctx, retry};
use crate::callback::Callback;
use crate::texts::fill;

/// How long the buttons of a list of suggested topics work.
const SUGGESTIONS_TTL: Duration = Duration::from_secs(24 * 3600);
/// Topics listed with a button each (the rest are in the Mini App).
const MAX_TOPIC_BUTTONS: usize = 20;

#[derive(Serialize, Deserialize)]
struct StoredSuggestions {
    profile: Uuid,
    topics: Vec<TopicSuggestion>,
}

/// The learner's topics of the active language (`None`: no language yet, and they were asked).
pub(super) async fn topic_list(bot: &Bot, ctx: &Ctx) -> Result<Option<Vec<Topic>>, HandlerError> {
    match bot.app.exercises.topics(ctx.user_id(), None, false).await {
        Ok(topics) => Ok(Some(topics)),
        Err(ExerciseError::Profile(ProfileError::NoActiveProfile)) => {
            super::start::ask_language(bot, ctx, ctx.t.needs_profile).await?;
            Ok(None)
        }
        Err(e) => Err(retry(e)),
    }
}

/// Accuracy (0–1) as a whole percent, halves rounded up.
fn percent(accuracy: f64) -> String {
    format!("{:.0}%", (accuracy * 100.0).round().clamp(0.0, 100.0))
}

/// "67% · 3 попытки", or "not practised yet".
pub(super) fn stats(ctx: &Ctx, topic: &Topic) -> String {
    match topic.stats.accuracy {
        Some(accuracy) if topic.stats.attempts > 0 => {
            format!("{} · {}", percent(accuracy), ctx.t.attempts(topic.stats.attempts))
        }
        _ => ctx.t.not_practised.to_owned(),
    }
}

/// `/topics`: every topic with its accuracy, the active one ticked; suggestions when none.
pub async fn topics(bot: &Bot, ctx: &Ctx, message_id: Option<i32>) -> Result<(), HandlerError> {
    let Some(topics) = topic_list(bot, ctx).await? else { return Ok(()) };
    if topics.is_empty() {
        return suggest(bot, ctx, Some(ctx.t.no_topics)).await;
    }
    show_topics(bot, ctx, ctx.t.topics_title, &topics, message_id).await
}

pub(super) async fn show_topics(
    bot: &Bot,
    ctx: &Ctx,
    intro: &str,
    topics: &[Topic],
    message_id: Option<i32>,
) -> Result<(), HandlerError> {
    let shown: Vec<&Topic> = topics.iter().take(MAX_TOPIC_BUTTONS).collect();
    let lines: Vec<String> = shown
        .iter()
        .map(|topic| {
            fill(
                ctx.t.topic_line,
                &[
                    ("mark", if topic.is_active { "✓ " } else { "" }),
                    ("name", &topic.name),
                    ("kind", ctx.t.topic_kind(topic.kind)),
                    ("stats", &stats(ctx, topic)),
                ],
            )
        })
        .collect();
    let html = format!("{intro}\n\n{}", lines.join("\n"));
    let mut rows: Vec<Vec<InlineKeyboardButton>> = shown
        .iter()
        .map(|topic| {
            let name = label(&topic.name);
            let text = if topic.is_active { format!("✓ {name}") } else { name };
            vec![button(text, &Callback::ActivateTopic { topic: topic.id })]
        })
        .collect();
    let mut last = vec![button(ctx.t.suggest_topics, &Callback::SuggestTopics)];
    if topics.iter().any(|t| t.is_active) {
        last.push(button(ctx.t.start_exercise, &Callback::NextExercise));
    }
    rows.push(last);
    match message_id {
        Some(id) => replace(bot, ctx, id, &html, Some(keyboard(rows))).await,
        None => send(bot, ctx, &html, Some(keyboard(rows))).await,
    }
}

/// A topic button: it becomes the active one, and the list shows it ticked.
pub async fn activate(bot: &Bot, ctx: &Ctx, message_id: i32, topic: Uuid) -> Result<Toast, HandlerError> {
    let topic = match bot.app.exercises.topic(ctx.user_id(), topic).await {
        // A list from before a language switch: not this language's topic.
        Ok(topic) if Some(topic.profile_id) != ctx.me.active_profile_id => {
            return Ok(Some(ctx.t.stale_button.to_owned()));
        }
        Ok(topic) => topic,
        Err(ExerciseError::TopicNotFound) => return Ok(Some(ctx.t.stale_button.to_owned())),
        Err(e) => return Err(retry(e)),
    };
    if !topic.is_active {
        match bot.app.exercises.activate_topic(ctx.user_id(), topic.id).await {
            Ok(_) => {}
            Err(ExerciseError::TopicNotFound) => return Ok(Some(ctx.t.stale_button.to_owned())),
            Err(e) => return Err(retry(e)),
        }
        stop_waiting(bot, ctx).await;
    }
    if let Some(topics) = topic_list(bot, ctx).await? {
        show_topics(bot, ctx, ctx.t.topics_title, &topics, Some(message_id)).await?;
    }
    Ok(Some(ctx.t.topic_activated.replace("{topic}", &topic.name)))
}

/// 5–7 topics for the learner's language, level and goals, a button each (after `intro`).
pub async fn suggest(bot: &Bot, ctx: &Ctx, intro: Option<&str>) -> Result<(), HandlerError> {
    let said = |text: &str| intro.map_or_else(|| text.to_owned(), |intro| format!("{intro} {text}"));
    let suggested = while_typing(bot, ctx, bot.app.exercises.suggest_topics(ctx.user_id(), None)).await;
    let suggestions = match suggested {
        Ok(suggestions) => suggestions,
        Err(ExerciseError::Profile(ProfileError::NoActiveProfile)) => {
            return super::start::ask_language(bot, ctx, ctx.t.needs_profile).await;
        }
        Err(ExerciseError::Llm(error)) => {
            tracing::warn!(%error, "topics could not be suggested in the bot");
            let again = keyboard(vec![vec![button(ctx.t.retry, &Callback::SuggestTopics)]]);
            return send(bot, ctx, &said(ctx.t.suggestions_failed), Some(again)).await;
        }
        Err(e) => {
            let text = refusal(ctx, &e).ok_or_else(|| retry(&e))?;
            return send(bot, ctx, &said(&text), None).await;
        }
    };
    let profile = ctx.me.active_profile_id.map(|p| p.as_uuid()).unwrap_or_default();
    if suggestions.is_empty() {
        let markup = app_button(bot, ctx.t.open_app, "exercises").map(|b| keyboard(vec![vec![b]]));
        return send(bot, ctx, &said(ctx.t.no_suggestions), markup).await;
    }
    let lines: Vec<String> = suggestions
        .iter()
        .enumerate()
        .map(|(index, s)| {
            fill(
                ctx.t.suggestion_line,
                &[
                    ("number", &(index + 1).to_string()),
                    ("name", &s.name),
                    ("kind", ctx.t.topic_kind(s.kind)),
                    ("description", &s.description),
                ],
            )
        })
        .collect();
    let id = Alphanumeric.sample_string(&mut rand::rng(), 12);
    let stored = StoredSuggestions { profile, topics: suggestions };
    let json = serde_json::to_string(&stored).map_err(retry)?;
    bot.app.cache.set_ex(&format!("bot:topics:{id}"), &json, SUGGESTIONS_TTL).await.map_err(retry)?;
    let rows = stored
        .topics
        .iter()
        .enumerate()
        .filter_map(|(index, s)| {
            let index = u8::try_from(index).ok().filter(|i| *i < 10)?;
            Some(vec![button(format!("➕ {}", label(&s.name)), &Callback::AddTopic { id: id.clone(), index })])
        })
        .collect();
    let html = format!("{}\n\n{}", said(ctx.t.suggestions_title), lines.join("\n"));
    send(bot, ctx, &html, Some(keyboard(rows))).await
}

/// A suggested topic's button: the topic is created (once) and becomes the active one.
pub async fn add_topic(bot: &Bot, ctx: &Ctx, id: &str, index: u8) -> Result<Toast, HandlerError> {
    let stored = bot.app.cache.get(&format!("bot:topics:{id}")).await.map_err(retry)?;
    let Some(stored) = stored.and_then(|json| serde_json::from_str::<StoredSuggestions>(&json).ok()) else {
        return Ok(Some(ctx.t.stale_button.to_owned()));
    };
    let profile = ProfileId::from_uuid(stored.profile);
    if ctx.me.active_profile_id != Some(profile) {
        return Ok(Some(ctx.t.stale_button.to_owned()));
    }
    let Some(suggestion) = stored.topics.into_iter().nth(usize::from(index)) else {
        return Ok(Some(ctx.t.stale_button.to_owned()));
    };
    let name = suggestion.name.clone();
    let new = NewTopic { name: suggestion.name, description: Some(suggestion.description), kind: suggestion.kind };
    let (topic, created) = match bot.app.exercises.create_topic(ctx.user_id(), Some(profile), new).await {
        Ok(topic) => (topic, true),
        Err(ExerciseError::NameTaken) => {
            // A second tap, or added in the Mini App meanwhile: that topic is practised.
            let all = bot.app.exercises.topics(ctx.user_id(), Some(profile), true).await.map_err(retry)?;
            let key = domain::text::normalized_key(&name);
            let Some(topic) = all.into_iter().find(|t| domain::text::normalized_key(&t.name) == key) else {
                return Ok(Some(ctx.t.stale_button.to_owned()));
            };
            (topic, false)
        }
        Err(e) => return Err(retry(e)),
    };
    if !topic.is_active {
        bot.app.exercises.activate_topic(ctx.user_id(), topic.id).await.map_err(retry)?;
        stop_waiting(bot, ctx).await;
    }
    if !created {
        return Ok(Some(ctx.t.topic_exists.replace("{topic}", &topic.name)));
    }
    let start = keyboard(vec![vec![button(ctx.t.start_exercise, &Callback::NextExercise)]]);
    send(bot, ctx, &fill(ctx.t.topic_added, &[("topic", &topic.name)]), Some(start)).await?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_reads_as_a_whole_percent() {
        assert_eq!(percent(1.0 / 3.0), "33%");
        assert_eq!(percent(0.625), "63%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(1.0), "100%");
    }
}
