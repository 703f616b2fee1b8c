//! `/card`: the front, "Show answer", rating buttons that show their intervals, then the next
//! card, on the same study service (and FSRS scheduler) as the Mini App.

use domain::Rating;
use services::inbox::HandlerError;
use services::study::{QueueItem, ReviewRequest, StudyError};
use uuid::Uuid;

use super::{Toast, button, keyboard, replace, send};
use crate::bot::{Bot, Ctx, retry};
use crate::callback::Callback;
use crate::format::escape;
use crate::texts::fill;

/// How far into today's queue "Show answer" looks for its card.
const QUEUE_WINDOW: u64 = 50;

/// The front of a card (and, once shown, its back), as the message shows it.
fn card_html(card: &services::cards::Card, with_answer: bool) -> String {
    let content = &card.content;
    let mut html = format!("<b>{}</b>", escape(&content.front));
    if let Some(transcription) = content.transcription.as_deref().filter(|t| !t.is_empty()) {
        html.push_str(&format!("\n<i>{}</i>", escape(transcription)));
    }
    if with_answer {
        html.push_str(&format!("\n\n{}", escape(&content.back)));
        if let Some(example) = content.example.as_deref().filter(|e| !e.is_empty()) {
            html.push_str(&format!("\n\n<i>{}</i>", escape(example)));
            if let Some(translation) = content.example_translation.as_deref().filter(|t| !t.is_empty()) {
                html.push_str(&format!("\n{}", escape(translation)));
            }
        }
        if let Some(notes) = content.notes.as_deref().filter(|n| !n.is_empty()) {
            html.push_str(&format!("\n\n{}", escape(notes)));
        }
    }
    html
}

async fn queue(bot: &Bot, ctx: &Ctx, limit: u64) -> Result<services::study::Queue, HandlerError> {
    let deck = super::cards::chosen_deck(bot, ctx).await;
    match bot.app.study.queue(ctx.user_id(), None, deck, limit).await {
        Err(StudyError::DeckNotFound) => {
            // The picked deck was deleted (or belongs to another language): study them all.
            super::cards::forget_deck(bot, ctx).await;
            bot.app.study.queue(ctx.user_id(), None, None, limit).await.map_err(retry)
        }
        other => other.map_err(retry),
    }
}

pub async fn next_card(bot: &Bot, ctx: &Ctx) -> Result<(), HandlerError> {
    let queue = queue(bot, ctx, 1).await?;
    let Some(item) = queue.items.first() else {
        let text = if queue.counts.waiting > 0 {
            fill(ctx.t.nothing_due_waiting, &[("waiting", &queue.counts.waiting.to_string())])
        } else {
            ctx.t.nothing_due.to_owned()
        };
        return send(bot, ctx, &text, None).await;
    };
    let counts = queue.counts;
    let footer = fill(
        ctx.t.card_counts,
        &[
            ("new", &counts.new.to_string()),
            ("learning", &counts.learning.to_string()),
            ("due", &counts.due.to_string()),
        ],
    );
    let html = format!("{}\n\n<i>{footer}</i>", card_html(&item.card, false));
    let card = item.card.id;
    let markup = keyboard(vec![vec![
        button(ctx.t.show_answer, &Callback::ShowAnswer { card }),
        button(ctx.t.hint, &Callback::Hint { card }),
    ]]);
    send(bot, ctx, &html, Some(markup)).await
}

/// The card if it is still in today's queue.
async fn find(bot: &Bot, ctx: &Ctx, card: Uuid) -> Result<Option<QueueItem>, HandlerError> {
    let queue = queue(bot, ctx, QUEUE_WINDOW).await?;
    Ok(queue.items.into_iter().find(|item| item.card.id == card))
}

fn rating_buttons(ctx: &Ctx, item: &QueueItem) -> Vec<Vec<frankenstein::types::InlineKeyboardButton>> {
    let shown: &[Rating] = if ctx.me.user.rating_buttons == 2 { &[Rating::Again, Rating::Good] } else { &Rating::ALL };
    let buttons = shown
        .iter()
        .map(|rating| {
            let index = usize::from(rating.value() - 1);
            let name = ctx.t.ratings.get(index).copied().unwrap_or_default();
            let interval = item.intervals.get(index).copied().unwrap_or_default();
            let label = format!("{name} · {}", ctx.t.interval(interval));
            button(label, &Callback::Rate { card: item.card.id, rating: rating.value() })
        })
        .collect::<Vec<_>>();
    buttons.chunks(2).map(<[_]>::to_vec).collect()
}

pub async fn show_answer(bot: &Bot, ctx: &Ctx, message_id: i32, card: Uuid) -> Result<Toast, HandlerError> {
    let Some(item) = find(bot, ctx, card).await? else {
        let markup = keyboard(vec![vec![button(ctx.t.next_card, &Callback::NextCard)]]);
        replace(bot, ctx, message_id, ctx.t.card_gone, Some(markup)).await?;
        return Ok(None);
    };
    let markup = keyboard(rating_buttons(ctx, &item));
    replace(bot, ctx, message_id, &card_html(&item.card, true), Some(markup)).await?;
    Ok(None)
}

/// The first letters of the answer: enough to jog the memory.
fn hint_of(back: &str) -> String {
    back.split_whitespace()
        .map(|word| {
            let shown: String = word.chars().take(if word.chars().count() > 3 { 2 } else { 1 }).collect();
            format!("{shown}…")
        })
        .take(6)
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn hint(bot: &Bot, ctx: &Ctx, card: Uuid) -> Result<Toast, HandlerError> {
    let text = match bot.app.cards.get_card(ctx.user_id(), card).await {
        Ok(card) => fill(ctx.t.hint_text, &[("hint", &hint_of(&card.content.back))]),
        Err(services::cards::CardError::CardNotFound) => ctx.t.card_gone.to_owned(),
        Err(e) => return Err(retry(e)),
    };
    // A toast shows plain text: our template's markup is not wanted there.
    Ok(Some(crate::format::html_to_plain(&text)))
}

/// One review per shown card: a double tap, or a retried update, gives the same id, and the
/// study service records it once.
fn review_id(chat_id: i64, message_id: i32, card: Uuid) -> Uuid {
    let name = format!("tg:{chat_id}:{message_id}:{card}");
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes())
}

pub async fn rate(bot: &Bot, ctx: &Ctx, message_id: i32, card: Uuid, rating: u8) -> Result<Toast, HandlerError> {
    let Ok(rating) = Rating::try_from(rating) else {
        return Ok(Some(ctx.t.stale_button.to_owned()));
    };
    let request = ReviewRequest {
        card_id: card,
        rating,
        duration_ms: None,
        client_review_id: review_id(ctx.chat_id, message_id, card),
    };
    let result = match bot.app.study.review(ctx.user_id(), request).await {
        Ok(result) => result,
        Err(StudyError::CardNotFound) => {
            replace(bot, ctx, message_id, ctx.t.card_gone, None).await?;
            return Ok(None);
        }
        // The other button of the same card was pressed first: that answer stands.
        Err(StudyError::ReplayMismatch) => return Ok(Some(ctx.t.already_rated.to_owned())),
        Err(e) => return Err(retry(e)),
    };
    if result.replayed {
        // A double tap (or a repeated update): the review and the next card happened already.
        return Ok(Some(ctx.t.already_rated.to_owned()));
    }
    let name = ctx.t.ratings.get(usize::from(rating.value() - 1)).copied().unwrap_or_default();
    let verdict = fill(ctx.t.rated, &[("rating", name), ("interval", &ctx.t.interval(result.scheduled_seconds))]);
    let shown = match bot.app.cards.get_card(ctx.user_id(), card).await {
        Ok(card) => format!("{}\n\n", card_html(&card, true)),
        Err(_) => String::new(),
    };
    replace(bot, ctx, message_id, &format!("{shown}<i>{verdict}</i>"), None).await?;
    next_card(bot, ctx).await?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_shows_the_start_of_each_word() {
        assert_eq!(hint_of("собака"), "со…");
        assert_eq!(hint_of("кот и пёс"), "к… и… п…");
    }

    #[test]
    fn the_review_id_is_the_same_for_the_same_shown_card_only() {
        let card = Uuid::now_v7();
        assert_eq!(review_id(1, 10, card), review_id(1, 10, card));
        assert_ne!(review_id(1, 10, card), review_id(1, 11, card));
    }
}
