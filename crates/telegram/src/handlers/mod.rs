//! Commands and buttons. Each handler calls the same services as the Mini App's API and only
//! turns their answers into messages.

pub mod cards;
pub mod exercises;
pub mod groups;
pub mod photo;
pub mod premium;
pub mod settings;
pub mod start;
pub mod stats;
pub mod study;
pub mod topics;
pub mod tutor;
pub mod voice;

use frankenstein::types::{InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo};
use services::inbox::HandlerError;

use crate::bot::{Bot, Ctx};
use crate::callback::{Callback, SettingsAction};
use crate::client::ApiError;
use crate::format::{MESSAGE_LIMIT, split_html};

/// What a button press answers in its toast (`None`: just stop the spinner).
pub type Toast = Option<String>;

pub fn button(text: impl Into<String>, callback: &Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::builder().text(text).callback_data(callback.encode()).build()
}

/// Characters of a button label before it is cut with "…" (Telegram shows about this many).
pub const LABEL_CHARS: usize = 40;

/// `text` as a button label: cut to [`LABEL_CHARS`] with "…" when longer.
pub fn label(text: &str) -> String {
    let cut: String = text.chars().take(LABEL_CHARS).collect();
    if text.chars().count() > LABEL_CHARS { format!("{cut}…") } else { cut }
}

pub fn keyboard(rows: Vec<Vec<InlineKeyboardButton>>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::builder().inline_keyboard(rows).build()
}

/// A button opening the Mini App at `route` (relative, e.g. `onboarding`; the app routes by
/// path and serves every route) — `None` without a configured app URL.
pub fn app_button(bot: &Bot, text: &str, route: &str) -> Option<InlineKeyboardButton> {
    app_button_at(bot.options.mini_app_url.clone(), text, route)
}

/// [`app_button`] for the Mini App at `base` (the notifier has no [`Bot`]).
pub fn app_button_at(base: Option<url::Url>, text: &str, route: &str) -> Option<InlineKeyboardButton> {
    let base = base?;
    let url = if route.is_empty() { base } else { base.join(route).unwrap_or(base) };
    // Telegram opens web apps over HTTPS only; a local http URL becomes a plain link.
    let button = InlineKeyboardButton::builder().text(text.to_owned());
    Some(if url.scheme() == "https" {
        button.web_app(WebAppInfo::builder().url(url.to_string()).build()).build()
    } else {
        button.url(url.to_string()).build()
    })
}

/// Sends our own HTML (a template already filled and escaped), in as many messages as it
/// takes; the keyboard goes under the last.
pub async fn send(
    bot: &Bot,
    ctx: &Ctx,
    html: &str,
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<(), HandlerError> {
    let parts = split_html(html, MESSAGE_LIMIT);
    bot.send.send_html_parts(ctx.chat_id, &parts, keyboard).await.map(|_| ()).map_err(delivery)
}

/// Awaits `work` with "typing…" shown above the chat (renewed before it fades after 5 s).
pub async fn while_typing<T>(bot: &Bot, ctx: &Ctx, work: impl std::future::Future<Output = T>) -> T {
    let mut work = std::pin::pin!(work);
    let mut typing = tokio::time::interval(std::time::Duration::from_millis(4500));
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = typing.tick() => bot.send.typing(ctx.chat_id).await,
        }
    }
}

/// "Today's limit is used up; it resets in N h" in `template` (`{hours}`, at least one).
pub fn quota_refusal(template: &str, retry_after_seconds: u64) -> String {
    let hours = retry_after_seconds.div_ceil(3600).max(1);
    crate::texts::fill(template, &[("hours", &hours.to_string())])
}

/// A file the learner sent, fetched through `getFile`, at most `max_bytes` of it (`Ok(None)`:
/// larger than that, whatever Telegram said its size was).
pub async fn fetch_file(bot: &Bot, file_id: &str, max_bytes: usize) -> Result<Option<Vec<u8>>, HandlerError> {
    use frankenstein::AsyncTelegramApi;
    let params = frankenstein::methods::GetFileParams::builder().file_id(file_id.to_owned()).build();
    let file = bot.send.api().get_file(&params).await.map_err(delivery)?;
    let path = file.result.file_path.ok_or_else(|| HandlerError::retry("getFile gave no file_path"))?;
    match bot.send.api().download(&path, max_bytes).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(crate::client::DownloadError::TooLarge) => Ok(None),
        Err(crate::client::DownloadError::Api(e)) => Err(delivery(e)),
    }
}

/// Why handling stopped when the learner has blocked the bot: the update is done, not failed.
pub const BLOCKED: &str = "the user blocked the bot";

/// A send that failed for good (refused) is not worth retrying the update for; a transient
/// one that outlived the sender's own retries is; a blocked user ends the handling quietly.
pub fn delivery(error: ApiError) -> HandlerError {
    match error {
        ApiError::Forbidden(_) => HandlerError::park(BLOCKED),
        e if e.is_transient() || matches!(e, ApiError::TooManyRequests { .. }) => HandlerError::retry(e.to_string()),
        e => HandlerError::park(e.to_string()),
    }
}

/// `card@LangAgentBot extra words` → ("card", "extra words").
fn split_command(command: &str) -> (String, &str) {
    let (head, rest) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
    let name = head.split('@').next().unwrap_or_default().to_ascii_lowercase();
    (name, rest.trim())
}

pub async fn command(bot: &Bot, ctx: &Ctx, command: &str) -> Result<(), HandlerError> {
    let (name, args) = split_command(command);
    // A command moves on: the chat's next text is no longer an exercise's answer.
    exercises::stop_waiting(bot, ctx).await;
    match name.as_str() {
        "start" => return start::start(bot, ctx, args).await,
        "help" => return send(bot, ctx, ctx.t.help, None).await,
        "app" => return start::open_app(bot, ctx).await,
        "premium" => return premium::show(bot, ctx).await,
        _ => {}
    }
    if !ctx.has_profile() {
        return start::ask_language(bot, ctx, ctx.t.needs_profile).await;
    }
    match name.as_str() {
        "card" | "study" => study::next_card(bot, ctx).await,
        "exercise" => exercises::next(bot, ctx).await,
        "topics" => topics::topics(bot, ctx, None).await,
        "stats" => stats::show(bot, ctx).await,
        "decks" => cards::decks(bot, ctx, 0, None).await,
        "add" => cards::add(bot, ctx, args).await,
        "profile" => start::profiles(bot, ctx, None).await,
        "settings" => settings::show(bot, ctx, None).await,
        "clear_history" => settings::confirm_clear(bot, ctx).await,
        _ => send(bot, ctx, ctx.t.help, None).await,
    }
}

pub async fn callback(bot: &Bot, ctx: &Ctx, message_id: i32, callback: Callback) -> Result<Toast, HandlerError> {
    let onboarding = matches!(
        callback,
        Callback::OnboardLanguage { .. }
            | Callback::OnboardLevel { .. }
            | Callback::OnboardGoal { .. }
            | Callback::NewProfile
            // Joining a group needs no language profile of one's own.
            | Callback::JoinGroup { .. }
            | Callback::CancelJoin
    );
    if !ctx.has_profile() && !onboarding && callback != Callback::Stale {
        start::ask_language(bot, ctx, ctx.t.needs_profile).await?;
        return Ok(None);
    }
    match callback {
        Callback::ShowAnswer { card } => study::show_answer(bot, ctx, message_id, card).await,
        Callback::Hint { card } => study::hint(bot, ctx, card).await,
        Callback::Rate { card, rating } => study::rate(bot, ctx, message_id, card, rating).await,
        Callback::NextCard => study::next_card(bot, ctx).await.map(|()| None),
        Callback::Decks { page } => cards::decks(bot, ctx, page, Some(message_id)).await.map(|()| None),
        Callback::PickDeck { deck } => cards::pick(bot, ctx, message_id, Some(deck)).await,
        Callback::AllDecks => cards::pick(bot, ctx, message_id, None).await,
        Callback::Profile { profile } => start::switch_profile(bot, ctx, message_id, profile).await,
        Callback::NewProfile => start::ask_language(bot, ctx, ctx.t.ask_language).await.map(|()| None),
        Callback::OnboardLanguage { language } => start::ask_level(bot, ctx, message_id, &language).await,
        Callback::OnboardLevel { language, level } => start::ask_goal(bot, ctx, message_id, &language, level).await,
        Callback::OnboardGoal { language, level, goal } => {
            start::create_profile(bot, ctx, message_id, &language, level, goal).await
        }
        Callback::AddWord { id } => tutor::add_word(bot, ctx, &id).await,
        Callback::RetryTutor { message } => tutor::retry(bot, ctx, message_id, message).await,
        Callback::Settings(action) => settings::act(bot, ctx, message_id, action).await,
        Callback::ClearHistory { profile, confirmed } => {
            settings::clear(bot, ctx, message_id, profile, confirmed).await
        }
        Callback::ExerciseChoice { exercise, choice } => {
            exercises::choose(bot, ctx, message_id, exercise, choice).await
        }
        Callback::ExerciseHint { exercise } => exercises::hint(bot, ctx, message_id, exercise).await,
        Callback::SkipExercise { exercise } => exercises::next_pressed(bot, ctx, message_id, Some(exercise)).await,
        Callback::NextExercise => exercises::next_pressed(bot, ctx, message_id, None).await,
        Callback::Topics => topics::topics(bot, ctx, None).await.map(|()| None),
        Callback::ActivateTopic { topic } => topics::activate(bot, ctx, message_id, topic).await,
        Callback::SuggestTopics => topics::suggest(bot, ctx, None).await.map(|()| None),
        Callback::AddTopic { id, index } => topics::add_topic(bot, ctx, &id, index).await,
        Callback::JoinGroup { code } => groups::join(bot, ctx, message_id, &code).await,
        Callback::CancelJoin => groups::cancel(bot, ctx, message_id).await,
        Callback::Stale => Ok(Some(ctx.t.stale_button.to_owned())),
    }
}

/// Edits the message a button belongs to; a message Telegram no longer lets us edit (too
/// old, deleted) gets a new message instead.
pub async fn replace(
    bot: &Bot,
    ctx: &Ctx,
    message_id: i32,
    html: &str,
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<(), HandlerError> {
    replace_parts(bot, ctx, message_id, &split_html(html, MESSAGE_LIMIT), keyboard).await
}

/// The message becomes the first part and the others follow as new messages, the keyboard
/// under the last; when Telegram refuses the edit, every part goes out as a new message.
pub async fn replace_parts(
    bot: &Bot,
    ctx: &Ctx,
    message_id: i32,
    parts: &[String],
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<(), HandlerError> {
    let Some((first, rest)) = parts.split_first() else {
        return Ok(());
    };
    let first_keyboard = if rest.is_empty() { keyboard.clone() } else { None };
    let sent = match bot.send.edit_html(ctx.chat_id, message_id, first, first_keyboard).await {
        Ok(()) if rest.is_empty() => return Ok(()),
        Ok(()) => bot.send.send_html_parts(ctx.chat_id, rest, keyboard).await,
        Err(ApiError::Refused { .. }) => bot.send.send_html_parts(ctx.chat_id, parts, keyboard).await,
        Err(e) => return Err(delivery(e)),
    };
    sent.map(|_| ()).map_err(delivery)
}

/// Buttons for settings that several handlers show.
pub fn settings_button(ctx: &Ctx) -> InlineKeyboardButton {
    button(ctx.t.back, &Callback::Settings(SettingsAction::Show))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_cut() {
        assert_eq!(label("bist"), "bist");
        let long = "ein sehr langer Satz, der nicht auf einen Knopf passt";
        assert_eq!(label(long).chars().count(), LABEL_CHARS + 1);
        assert!(label(long).ends_with('…'));
    }

    #[test]
    fn commands_addressed_to_the_bot_by_name_are_read_the_same() {
        assert_eq!(split_command("card"), ("card".to_owned(), ""));
        assert_eq!(split_command("add@LangAgentBot  der Hund, die Katze "), ("add".to_owned(), "der Hund, die Katze"));
        assert_eq!(split_command("START study"), ("start".to_owned(), "study"));
    }
}
