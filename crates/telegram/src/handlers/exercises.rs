//! `/exercise` and `/topics` on the same exercise service as the Mini App (same batches,
//! grading, quota and history). An exercise shows its topic, question and material; multiple
//! choice is answered by its four buttons, free text by the next message in the chat. Results
//! say what was right, why, and offer the exercise's words as one-tap cards. A batch is
//! generated five at a time and the unused ones wait in the cache for "Next".

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::DailyQuota;
use frankenstein::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use serde::{Deserialize, Serialize};
use services::exercises::{
    EXERCISE_TTL, Exercise, ExerciseError, ExerciseKind, GenerateRequest, Grade, Graded, Submission, Topic,
};
use services::inbox::HandlerError;
use services::tutor::Channel;
use uuid::Uuid;

use super::topics::{show_topics, stats, suggest, topic_list};
use super::{Toast, button, keyboard, label, replace, send, while_typing};
use crate::bot::{Bot, Ctx, retry};
use crate::callback::Callback;
use crate::format::escape;
use crate::texts::fill;

/// Exercises generated at a time: "Next" takes the rest from the cache, not from the model.
const BATCH: u8 = 5;
/// An exercise with less time than this left is not shown: it could not be answered.
const MIN_TIME_LEFT: Duration = Duration::from_secs(120);
/// The longest answer the service grades (the API's `SubmitRequest.answer`).
const MAX_ANSWER_CHARS: usize = 1000;
/// A redelivered answer is recognised this long.
const ANSWERED_TTL: Duration = Duration::from_secs(2 * 24 * 3600);
/// Options this short fit two to a row.
const SHORT_OPTION_CHARS: usize = 16;

/// An exercise as the bot keeps it: what it shows, never the answer (that stays with the
/// service).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Shown {
    id: Uuid,
    topic_id: Uuid,
    topic: String,
    kind: ExerciseKind,
    question: String,
    prompt: String,
    options: Option<Vec<String>>,
    expires_at: DateTime<Utc>,
    #[serde(default)]
    shown_at: Option<DateTime<Utc>>,
}

impl Shown {
    fn new(exercise: Exercise, topic: &str) -> Self {
        Self {
            id: exercise.id,
            topic_id: exercise.topic_id,
            topic: topic.to_owned(),
            kind: exercise.kind,
            question: exercise.question,
            prompt: exercise.prompt,
            options: exercise.options,
            expires_at: exercise.expires_at,
            shown_at: None,
        }
    }

    /// The time it can still be answered in (`None`: none, or too little to bother).
    fn time_left(&self, now: DateTime<Utc>) -> Option<Duration> {
        (self.expires_at - now).to_std().ok().filter(|left| *left >= MIN_TIME_LEFT)
    }
}

/// The rest of the chat's batch, waiting for "Next".
fn queue_key(ctx: &Ctx) -> String {
    format!("bot:exercises:{}", ctx.chat_id)
}

fn shown_key(id: Uuid) -> String {
    format!("bot:exercise:{id}")
}

/// The free-text exercise whose answer the chat's next message is.
fn reply_key(ctx: &Ctx) -> String {
    format!("bot:exercise-reply:{}", ctx.chat_id)
}

async fn forget(bot: &Bot, key: &str) {
    if let Err(error) = bot.app.cache.delete(key).await {
        tracing::warn!(%error, "could not forget an exercise's state");
    }
}

/// The chat stops waiting for a typed answer (a command came, the exercise was answered).
pub async fn stop_waiting(bot: &Bot, ctx: &Ctx) {
    forget(bot, &reply_key(ctx)).await;
}

async fn load_shown(bot: &Bot, id: Uuid) -> Option<Shown> {
    let json = bot.app.cache.get(&shown_key(id)).await.ok().flatten()?;
    serde_json::from_str(&json).ok()
}

/// What the learner is told when the service refuses; `None` for a failure worth retrying.
pub(super) fn refusal(ctx: &Ctx, error: &ExerciseError) -> Option<String> {
    Some(match error {
        ExerciseError::NotConfigured => ctx.t.tutor_unavailable.to_owned(),
        ExerciseError::Quota(services::quota::QuotaError::Exceeded { retry_after_seconds, .. }) => {
            super::quota_refusal(ctx.t.exercise_quota_exhausted, *retry_after_seconds)
        }
        _ => return None,
    })
}

/// `/exercise`, "Next" and "Skip": one exercise on the active topic, from the chat's batch
/// while it lasts.
pub async fn next(bot: &Bot, ctx: &Ctx) -> Result<(), HandlerError> {
    let Some(topics) = topic_list(bot, ctx).await? else { return Ok(()) };
    let Some(topic) = topics.iter().find(|t| t.is_active) else {
        stop_waiting(bot, ctx).await;
        if topics.is_empty() {
            return suggest(bot, ctx, Some(ctx.t.no_topics)).await;
        }
        return show_topics(bot, ctx, ctx.t.no_active_topic, &topics, None).await;
    };
    let exercise = match queued(bot, ctx, topic.id).await {
        Some(exercise) => exercise,
        None => match generate(bot, ctx, topic).await? {
            Ok(exercise) => exercise,
            Err((text, markup)) => {
                stop_waiting(bot, ctx).await;
                return send(bot, ctx, &text, markup).await;
            }
        },
    };
    show(bot, ctx, exercise).await
}

/// The next unused exercise of the chat's batch on `topic`; expired ones (and a batch of
/// another topic) are dropped silently.
async fn queued(bot: &Bot, ctx: &Ctx, topic: Uuid) -> Option<Shown> {
    let key = queue_key(ctx);
    let json = bot.app.cache.get(&key).await.ok().flatten()?;
    let now = bot.app.clock.now();
    let mut waiting: Vec<Shown> = serde_json::from_str::<Vec<Shown>>(&json)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.topic_id == topic && e.time_left(now).is_some())
        .collect();
    if waiting.is_empty() {
        forget(bot, &key).await;
        return None;
    }
    let first = waiting.remove(0);
    keep_queue(bot, ctx, &waiting).await;
    Some(first)
}

async fn keep_queue(bot: &Bot, ctx: &Ctx, waiting: &[Shown]) {
    let key = queue_key(ctx);
    let now = bot.app.clock.now();
    let Some(left) = waiting.iter().filter_map(|e| e.time_left(now)).max() else {
        forget(bot, &key).await;
        return;
    };
    let Ok(json) = serde_json::to_string(waiting) else { return };
    if let Err(error) = bot.app.cache.set_ex(&key, &json, left).await {
        tracing::warn!(%error, "could not keep the rest of an exercise batch");
    }
}

/// As many as today's quota still allows, up to a batch (at least one, so that a used-up
/// quota is said by the service).
async fn batch_size(bot: &Bot, ctx: &Ctx) -> u8 {
    match bot.app.quotas.status(ctx.user_id(), DailyQuota::Exercises).await {
        Ok(status) => match status.max {
            Some(max) => u8::try_from(max.saturating_sub(status.used)).unwrap_or(BATCH).clamp(1, BATCH),
            None => BATCH,
        },
        Err(_) => BATCH,
    }
}

type Refused = (String, Option<InlineKeyboardMarkup>);

/// A new batch on `topic`: the first exercise, the rest kept for "Next".
async fn generate(bot: &Bot, ctx: &Ctx, topic: &Topic) -> Result<Result<Shown, Refused>, HandlerError> {
    let request = GenerateRequest {
        profile_id: Some(topic.profile_id),
        topic_id: Some(topic.id),
        kind: None,
        count: Some(batch_size(bot, ctx).await),
    };
    let batch = match while_typing(bot, ctx, bot.app.exercises.generate(ctx.user_id(), request)).await {
        Ok(batch) => batch,
        Err(ExerciseError::Llm(error)) => {
            tracing::warn!(%error, "exercises could not be written for the bot");
            let again = keyboard(vec![vec![button(ctx.t.retry, &Callback::NextExercise)]]);
            return Ok(Err((ctx.t.exercise_failed.to_owned(), Some(again))));
        }
        Err(ExerciseError::TopicNotFound | ExerciseError::NoActiveTopic) => {
            // Switched or deleted in the Mini App meanwhile.
            let topics = keyboard(vec![vec![button(ctx.t.topics_button, &Callback::Topics)]]);
            return Ok(Err((ctx.t.no_active_topic.to_owned(), Some(topics))));
        }
        Err(e) => return refusal(ctx, &e).map(|text| Err((text, None))).ok_or_else(|| retry(e)),
    };
    let mut exercises: Vec<Shown> = batch.exercises.into_iter().map(|e| Shown::new(e, &batch.topic.name)).collect();
    if exercises.is_empty() {
        return Ok(Err((ctx.t.exercise_failed.to_owned(), None)));
    }
    let first = exercises.remove(0);
    keep_queue(bot, ctx, &exercises).await;
    Ok(Ok(first))
}

/// The exercise as a message: topic, question, material (and the hint, once asked).
fn exercise_html(ctx: &Ctx, exercise: &Shown, hint: Option<&str>, open: bool) -> String {
    let mut html = format!(
        "{}\n{}\n\n<b>{}</b>",
        fill(ctx.t.exercise_header, &[("topic", &exercise.topic)]),
        escape(&exercise.question),
        escape(&exercise.prompt)
    );
    if let Some(hint) = hint {
        html = format!("{html}\n\n{}", fill(ctx.t.exercise_hint, &[("hint", hint)]));
    }
    if open && !exercise.kind.is_choice() {
        html = format!("{html}\n\n{}", ctx.t.answer_by_message);
    }
    html
}

fn exercise_keyboard(ctx: &Ctx, exercise: &Shown, with_hint: bool) -> InlineKeyboardMarkup {
    let options: Vec<InlineKeyboardButton> = exercise
        .options
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(index, option)| {
            let choice = u8::try_from(index).ok()?;
            Some(button(label(option), &Callback::ExerciseChoice { exercise: exercise.id, choice }))
        })
        .collect();
    let short = exercise.options.iter().flatten().all(|o| o.chars().count() <= SHORT_OPTION_CHARS);
    let mut rows: Vec<Vec<InlineKeyboardButton>> =
        options.chunks(if short { 2 } else { 1 }).map(<[_]>::to_vec).collect();
    let mut last = Vec::new();
    if with_hint {
        last.push(button(ctx.t.hint, &Callback::ExerciseHint { exercise: exercise.id }));
    }
    last.push(button(ctx.t.skip, &Callback::SkipExercise { exercise: exercise.id }));
    rows.push(last);
    keyboard(rows)
}

async fn show(bot: &Bot, ctx: &Ctx, mut exercise: Shown) -> Result<(), HandlerError> {
    let now = bot.app.clock.now();
    exercise.shown_at = Some(now);
    let left = exercise.time_left(now).unwrap_or(MIN_TIME_LEFT);
    match serde_json::to_string(&exercise) {
        Ok(json) => {
            if let Err(error) = bot.app.cache.set_ex(&shown_key(exercise.id), &json, left).await {
                tracing::warn!(%error, "could not keep a shown exercise");
            }
        }
        Err(error) => tracing::warn!(%error, "could not keep a shown exercise"),
    }
    if exercise.kind.is_choice() {
        stop_waiting(bot, ctx).await;
    } else {
        // The chat's next message is the answer (until the exercise expires).
        bot.app.cache.set_ex(&reply_key(ctx), &exercise.id.to_string(), left).await.map_err(retry)?;
    }
    let html = exercise_html(ctx, &exercise, None, true);
    send(bot, ctx, &html, Some(exercise_keyboard(ctx, &exercise, true))).await
}

/// "Next" or "Skip" under `message_id`: one new exercise per message, however often pressed.
pub async fn next_pressed(bot: &Bot, ctx: &Ctx, message_id: i32, skipped: Option<Uuid>) -> Result<Toast, HandlerError> {
    let key = format!("bot:exercise-next:{}:{message_id}", ctx.chat_id);
    if matches!(bot.app.cache.set_nx_ex(&key, "1", EXERCISE_TTL).await, Ok(false)) {
        return Ok(Some(ctx.t.already_next.to_owned()));
    }
    if let Some(id) = skipped
        && let Some(shown) = load_shown(bot, id).await
    {
        // The skipped exercise stays in the chat, without its buttons.
        let html = format!("{}\n\n{}", exercise_html(ctx, &shown, None, false), ctx.t.skipped);
        replace(bot, ctx, message_id, &html, None).await?;
        forget(bot, &shown_key(id)).await;
    }
    if let Err(e) = next(bot, ctx).await {
        // The press did nothing: it may be pressed again.
        forget(bot, &key).await;
        return Err(e);
    }
    Ok(None)
}

pub async fn hint(bot: &Bot, ctx: &Ctx, message_id: i32, exercise: Uuid) -> Result<Toast, HandlerError> {
    let Some(shown) = load_shown(bot, exercise).await else {
        return Ok(Some(ctx.t.exercise_gone.to_owned()));
    };
    let hint = match bot.app.exercises.hint(ctx.user_id(), exercise).await {
        Ok(hint) => hint,
        Err(ExerciseError::ExerciseNotFound) => return Ok(Some(ctx.t.exercise_gone.to_owned())),
        Err(e) => return Err(retry(e)),
    };
    let html = exercise_html(ctx, &shown, Some(&hint), true);
    replace(bot, ctx, message_id, &html, Some(exercise_keyboard(ctx, &shown, false))).await?;
    Ok(None)
}

fn duration_ms(shown: Option<&Shown>, now: DateTime<Utc>) -> Option<u32> {
    let taken = (now - shown?.shown_at?).to_std().ok()?.min(EXERCISE_TTL);
    u32::try_from(taken.as_millis()).ok()
}

/// An option pressed: graded at once (a second press finds the exercise answered).
pub async fn choose(bot: &Bot, ctx: &Ctx, message_id: i32, exercise: Uuid, choice: u8) -> Result<Toast, HandlerError> {
    let shown = load_shown(bot, exercise).await;
    let submission = Submission {
        answer: None,
        choice: Some(usize::from(choice)),
        duration_ms: duration_ms(shown.as_ref(), bot.app.clock.now()),
        channel: Channel::Bot,
    };
    let graded = match bot.app.exercises.submit(ctx.user_id(), exercise, submission).await {
        Ok(graded) => graded,
        Err(ExerciseError::ExerciseNotFound) => return Ok(Some(ctx.t.exercise_gone.to_owned())),
        Err(ExerciseError::WrongAnswerShape(_)) => return Ok(Some(ctx.t.stale_button.to_owned())),
        Err(e) => return Err(retry(e)),
    };
    forget(bot, &shown_key(exercise)).await;
    let result = result_html(ctx, &graded);
    let html = match &shown {
        Some(shown) => format!("{}\n\n{result}", exercise_html(ctx, shown, None, false)),
        None => result,
    };
    let markup = result_keyboard(bot, ctx, &graded).await;
    replace(bot, ctx, message_id, &html, Some(markup)).await?;
    Ok(None)
}

fn answered_key(ctx: &Ctx) -> String {
    format!("bot:exercise-answered:{}", ctx.update_id)
}

/// A text message while a free-text exercise waits: graded as its answer (`true`). `false`
/// when nothing waits (or it expired): the text is for the tutor.
pub async fn answer(bot: &Bot, ctx: &Ctx, text: &str) -> Result<bool, HandlerError> {
    if text.trim_start().starts_with('/') {
        return Ok(false);
    }
    if let Some(result) = bot.app.cache.get(&answered_key(ctx)).await.ok().flatten() {
        // A redelivered update that was graded already: its result again (the first send may
        // be what failed), never a second grade.
        let next = keyboard(vec![vec![button(ctx.t.next_exercise, &Callback::NextExercise)]]);
        send(bot, ctx, &result, Some(next)).await?;
        return Ok(true);
    }
    let waiting = bot.app.cache.get(&reply_key(ctx)).await.ok().flatten();
    let Some(exercise) = waiting.and_then(|id| Uuid::parse_str(&id).ok()) else {
        return Ok(false);
    };
    let now = bot.app.clock.now();
    let shown = load_shown(bot, exercise).await;
    if shown.as_ref().is_some_and(|s| s.expires_at <= now) {
        stop_waiting(bot, ctx).await;
        return Ok(false);
    }
    if text.trim().chars().count() > MAX_ANSWER_CHARS {
        let said = fill(ctx.t.answer_too_long, &[("max", &MAX_ANSWER_CHARS.to_string())]);
        send(bot, ctx, &said, None).await?;
        return Ok(true);
    }
    let submission = Submission {
        answer: Some(text.trim().to_owned()),
        choice: None,
        duration_ms: duration_ms(shown.as_ref(), now),
        channel: Channel::Bot,
    };
    let graded = while_typing(bot, ctx, bot.app.exercises.submit(ctx.user_id(), exercise, submission)).await;
    let graded = match graded {
        Ok(graded) => graded,
        Err(ExerciseError::ExerciseNotFound) => {
            // Answered in the Mini App (or expired there first): never graded twice.
            stop_waiting(bot, ctx).await;
            let next = keyboard(vec![vec![button(ctx.t.next_exercise, &Callback::NextExercise)]]);
            send(bot, ctx, ctx.t.exercise_gone, Some(next)).await?;
            return Ok(true);
        }
        Err(ExerciseError::Llm(error)) => {
            // The service put the exercise back: the same answer can be sent again.
            tracing::warn!(%error, "an exercise answer could not be graded in the bot");
            send(bot, ctx, ctx.t.grading_failed, None).await?;
            return Ok(true);
        }
        Err(ExerciseError::NotConfigured) => {
            stop_waiting(bot, ctx).await;
            send(bot, ctx, ctx.t.tutor_unavailable, None).await?;
            return Ok(true);
        }
        Err(e) => return Err(retry(e)),
    };
    let html = result_html(ctx, &graded);
    if let Err(error) = bot.app.cache.set_ex(&answered_key(ctx), &html, ANSWERED_TTL).await {
        tracing::warn!(%error, "could not remember that an answer was graded");
    }
    stop_waiting(bot, ctx).await;
    forget(bot, &shown_key(exercise)).await;
    let markup = result_keyboard(bot, ctx, &graded).await;
    send(bot, ctx, &html, Some(markup)).await?;
    Ok(true)
}

fn result_html(ctx: &Ctx, graded: &Graded) -> String {
    let t = ctx.t;
    let mut lines = vec![
        match graded.result {
            Grade::Correct => t.graded_correct,
            Grade::Partial => t.graded_partial,
            Grade::Incorrect => t.graded_incorrect,
        }
        .to_owned(),
    ];
    if graded.result != Grade::Correct {
        lines.push(fill(t.your_answer, &[("answer", &graded.user_answer)]));
    }
    lines.push(fill(t.right_answer, &[("answer", &graded.correct_answer)]));
    let others: Vec<&str> =
        graded.alternatives.iter().map(String::as_str).filter(|a| *a != graded.correct_answer).collect();
    if !others.is_empty() {
        lines.push(fill(t.also_right, &[("answers", &others.join("; "))]));
    }
    if !graded.explanation.trim().is_empty() {
        lines.push(String::new());
        lines.push(escape(&graded.explanation));
    }
    if !graded.mistakes.is_empty() {
        lines.push(String::new());
        lines.push(t.mistakes.to_owned());
        lines.extend(
            graded.mistakes.iter().map(|m| fill(t.mistake, &[("text", &m.text), ("suggestion", &m.suggestion)])),
        );
    }
    if let Some(topic) = &graded.topic {
        lines.push(String::new());
        lines.push(fill(t.topic_progress, &[("topic", &topic.name), ("stats", &stats(ctx, topic))]));
    }
    if !graded.words.is_empty() {
        lines.push(String::new());
        lines.push(t.exercise_words.to_owned());
    }
    lines.join("\n")
}

/// A one-tap card per missed word (the tutor's "add" buttons), then "Next exercise".
async fn result_keyboard(bot: &Bot, ctx: &Ctx, graded: &Graded) -> InlineKeyboardMarkup {
    let mut rows =
        super::tutor::word_buttons(bot, ctx, &graded.words).await.map(|m| m.inline_keyboard).unwrap_or_default();
    rows.push(vec![button(ctx.t.next_exercise, &Callback::NextExercise)]);
    keyboard(rows)
}
