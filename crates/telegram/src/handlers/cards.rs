//! `/decks` (five a page; the picked deck is what `/card` studies and `/add` fills) and
//! `/add <words>` (LLM cards with a result per word).

use std::time::Duration;

use domain::DeckId;
use services::generation::{GenerateError, GenerateRequest, GenerationStart, MAX_WORDS, WordStatus};
use services::inbox::HandlerError;
use uuid::Uuid;

use super::{Toast, button, keyboard, label, replace, send};
use crate::bot::{Bot, Ctx, retry};
use crate::callback::Callback;
use crate::texts::fill;

const PAGE: usize = 5;
/// The longest word `/add` takes, as the API's `POST /api/cards/generate`.
const MAX_WORD_CHARS: usize = 100;
/// The deck picked in the bot is remembered this long after it was last picked.
const DECK_CHOICE_TTL: Duration = Duration::from_secs(180 * 24 * 3600);

/// One choice per language profile: a deck of another language is never studied or filled.
fn deck_key(ctx: &Ctx) -> String {
    let profile = ctx.me.active_profile_id.map(|p| p.to_string()).unwrap_or_default();
    format!("bot:deck:{}:{profile}", ctx.user_id())
}

/// The deck picked with `/decks`, if any (a cache miss or outage means "all decks").
pub async fn chosen_deck(bot: &Bot, ctx: &Ctx) -> Option<DeckId> {
    let stored = bot.app.cache.get(&deck_key(ctx)).await.ok().flatten()?;
    Uuid::parse_str(&stored).ok().map(DeckId::from_uuid)
}

pub async fn forget_deck(bot: &Bot, ctx: &Ctx) {
    if let Err(error) = bot.app.cache.delete(&deck_key(ctx)).await {
        tracing::warn!(%error, "could not forget the picked deck");
    }
}

/// The learner's own decks, then the decks teachers shared with their groups (👥).
pub async fn decks(bot: &Bot, ctx: &Ctx, page: u16, message_id: Option<i32>) -> Result<(), HandlerError> {
    let own = bot.app.cards.list_decks(ctx.user_id(), None, false).await.map_err(retry)?;
    let shared = bot.app.groups.decks_shared_with(ctx.user_id()).await.map_err(retry)?;
    if own.is_empty() && shared.is_empty() {
        return send(bot, ctx, ctx.t.no_decks, None).await;
    }
    let chosen = chosen_deck(bot, ctx).await;
    let mark = |id: DeckId| if chosen == Some(id) { "✓ " } else { "" };
    let entries: Vec<(DeckId, String)> = own
        .iter()
        .map(|deck| {
            let due = deck.counts.due + deck.counts.learning + deck.counts.new;
            (deck.id, format!("{}{} · {due}", mark(deck.id), label(&deck.name)))
        })
        .chain(shared.iter().map(|deck| {
            let id = DeckId::from_uuid(deck.deck_id);
            (id, format!("{}👥 {} · {}", mark(id), label(&deck.name), label(&deck.group_name)))
        }))
        .collect();
    let pages = entries.len().div_ceil(PAGE);
    let page = usize::from(page).min(pages.saturating_sub(1));
    let mut rows: Vec<_> = entries
        .into_iter()
        .skip(page * PAGE)
        .take(PAGE)
        .map(|(id, label)| vec![button(label, &Callback::PickDeck { deck: id.as_uuid() })])
        .collect();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(ctx.t.previous, &Callback::Decks { page: u16::try_from(page - 1).unwrap_or_default() }));
    }
    if page + 1 < pages {
        nav.push(button(ctx.t.next, &Callback::Decks { page: u16::try_from(page + 1).unwrap_or(u16::MAX) }));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    let all = if chosen.is_none() { format!("✓ {}", ctx.t.all_decks) } else { ctx.t.all_decks.to_owned() };
    rows.push(vec![button(all, &Callback::AllDecks)]);
    let title = fill(ctx.t.decks_title, &[("page", &(page + 1).to_string()), ("pages", &pages.to_string())]);
    match message_id {
        Some(id) => replace(bot, ctx, id, &title, Some(keyboard(rows))).await,
        None => send(bot, ctx, &title, Some(keyboard(rows))).await,
    }
}

pub async fn pick(bot: &Bot, ctx: &Ctx, message_id: i32, deck: Option<Uuid>) -> Result<Toast, HandlerError> {
    let text = match deck {
        Some(id) => {
            let name = match bot.app.cards.get_deck(ctx.user_id(), DeckId::from_uuid(id)).await {
                // A deck list from before a language switch: not this language's deck.
                Ok(deck) if Some(deck.profile_id) != ctx.me.active_profile_id => {
                    return Ok(Some(ctx.t.stale_button.to_owned()));
                }
                Ok(deck) => deck.name,
                Err(services::cards::CardError::DeckNotFound) => match shared_deck_name(bot, ctx, id).await? {
                    Some(name) => name,
                    None => return Ok(Some(ctx.t.stale_button.to_owned())),
                },
                Err(e) => return Err(retry(e)),
            };
            bot.app.cache.set_ex(&deck_key(ctx), &id.to_string(), DECK_CHOICE_TTL).await.map_err(retry)?;
            fill(ctx.t.deck_chosen, &[("deck", &name)])
        }
        None => {
            forget_deck(bot, ctx).await;
            ctx.t.all_decks_chosen.to_owned()
        }
    };
    let markup = keyboard(vec![vec![button(ctx.t.study_now, &Callback::NextCard)]]);
    replace(bot, ctx, message_id, &text, Some(markup)).await?;
    Ok(None)
}

/// The name of a deck shared with one of the learner's live groups; `None` when it is not
/// (any more).
async fn shared_deck_name(bot: &Bot, ctx: &Ctx, id: Uuid) -> Result<Option<String>, HandlerError> {
    let shared = bot.app.groups.decks_shared_with(ctx.user_id()).await.map_err(retry)?;
    Ok(shared.into_iter().find(|deck| deck.deck_id == id).map(|deck| deck.name))
}

/// "der Hund, die Katze\ndas Haus" → three words.
fn words_of(args: &str) -> Vec<String> {
    args.split([',', ';', '\n']).map(str::trim).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

pub async fn add(bot: &Bot, ctx: &Ctx, args: &str) -> Result<(), HandlerError> {
    let words = words_of(args);
    if words.is_empty() {
        return send(bot, ctx, ctx.t.add_usage, None).await;
    }
    if words.len() > MAX_WORDS {
        return send(bot, ctx, &fill(ctx.t.add_too_many, &[("max", &MAX_WORDS.to_string())]), None).await;
    }
    if let Some(long) = words.iter().find(|w| w.chars().count() > MAX_WORD_CHARS) {
        let shown: String = long.chars().take(30).collect();
        let text = fill(ctx.t.add_word_too_long, &[("word", &shown), ("max", &MAX_WORD_CHARS.to_string())]);
        return send(bot, ctx, &text, None).await;
    }
    let listed = words.join(", ");
    let progress = bot
        .send
        .send_html(ctx.chat_id, &fill(ctx.t.add_working, &[("words", &listed)]), None)
        .await
        .map_err(super::delivery)?;
    let request = GenerateRequest { profile_id: None, deck_id: chosen_deck(bot, ctx).await, words };
    let key = format!("tg:{}", ctx.update_id);
    let started = bot.app.generation.start(ctx.user_id(), request.clone(), Some(&key)).await;
    let started = match started {
        // The picked deck is gone: the words go to the default deck instead.
        Err(GenerateError::Card(services::cards::CardError::DeckNotFound)) => {
            forget_deck(bot, ctx).await;
            let request = GenerateRequest { deck_id: None, ..request };
            bot.app.generation.start(ctx.user_id(), request, Some(&format!("{key}:default"))).await
        }
        other => other,
    };
    let report = match started {
        Ok(GenerationStart::Replay(report)) => Ok(report),
        Ok(GenerationStart::Running(run)) => super::while_typing(bot, ctx, run.report.outcome()).await,
        Err(e) => Err(e),
    };
    let text = match report {
        Ok(report) => report_html(ctx, &report.results, report.count(WordStatus::Created)),
        Err(GenerateError::AllFailed(results)) => report_html(ctx, &results, 0),
        Err(e) => super::tutor::generation_refusal(ctx, &e).unwrap_or_else(|| {
            // Said to the learner rather than retried: a retry would repeat the progress
            // message, and a run that got this far has settled its own quota.
            tracing::error!(error = %e, "card generation from the bot failed");
            ctx.t.something_failed.to_owned()
        }),
    };
    replace(bot, ctx, progress, &text, None).await
}

fn report_html(ctx: &Ctx, results: &[services::generation::WordResult], created: usize) -> String {
    let mut lines: Vec<String> = results
        .iter()
        .map(|result| match result.status {
            WordStatus::Created => {
                let back = result.card.as_ref().map(|c| c.content.back.as_str()).unwrap_or_default();
                fill(ctx.t.add_created, &[("word", &result.word), ("back", back)])
            }
            WordStatus::Duplicate => fill(ctx.t.add_duplicate, &[("word", &result.word)]),
            WordStatus::Failed => fill(ctx.t.add_failed, &[("word", &result.word)]),
        })
        .collect();
    lines.push(String::new());
    lines.push(fill(ctx.t.add_summary, &[("created", &ctx.t.cards(u64::try_from(created).unwrap_or_default()))]));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_commas_semicolons_and_lines() {
        assert_eq!(words_of(" der Hund, die Katze;\ndas Haus ,, "), vec!["der Hund", "die Katze", "das Haus"]);
        assert!(words_of("  , ").is_empty());
    }
}
