//! `/start`, `/app`, the onboarding in chat (language, level, goal) and `/profile`.

use domain::{CefrLevel, Goal, LanguageCode, ProfileId};
use services::inbox::HandlerError;
use services::profiles::{NewProfile, ProfileError};
use uuid::Uuid;

use super::{Toast, app_button, button, keyboard, replace, send};
use crate::bot::{Bot, Ctx, retry};
use crate::callback::Callback;
use crate::handlers::study;
use crate::texts::{POPULAR_LANGUAGES, Texts, fill, texts};

pub async fn start(bot: &Bot, ctx: &Ctx, payload: &str) -> Result<(), HandlerError> {
    let name = ctx.me.user.first_name.as_str();
    // A group invite works before onboarding: joining needs no profile of one's own.
    if payload.starts_with(domain::group::INVITE_PAYLOAD_PREFIX) {
        return super::groups::invite(bot, ctx, payload).await;
    }
    if !ctx.has_profile() {
        return ask_language(bot, ctx, &fill(ctx.t.greeting_new, &[("name", name)])).await;
    }
    match payload {
        "study" => {
            send(bot, ctx, ctx.t.study_deep_link, None).await?;
            return study::next_card(bot, ctx).await;
        }
        "exercise" => {
            send(bot, ctx, ctx.t.exercise_deep_link, None).await?;
            return super::exercises::next(bot, ctx).await;
        }
        _ => {}
    }
    let profile = bot.app.profiles.resolve(ctx.user_id(), None).await.map_err(retry)?;
    let language = ctx.t.language_in_sentence(profile.language.as_str());
    let text = fill(ctx.t.greeting_back, &[("name", name), ("language", &language)]);
    let markup = app_button(bot, ctx.t.open_app, "").map(|b| keyboard(vec![vec![b]]));
    send(bot, ctx, &text, markup).await
}

pub async fn open_app(bot: &Bot, ctx: &Ctx) -> Result<(), HandlerError> {
    match app_button(bot, ctx.t.open_app, "") {
        Some(b) => send(bot, ctx, ctx.t.app_text, Some(keyboard(vec![vec![b]]))).await,
        None => send(bot, ctx, ctx.t.app_unconfigured, None).await,
    }
}

/// How often a group is told where the bot works (commands in a busy group come often).
const GROUP_POINTER_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

pub async fn group_pointer(bot: &Bot, chat_id: i64, t: &'static Texts) -> Result<(), HandlerError> {
    let first = bot.app.cache.set_nx_ex(&format!("bot:group-pointer:{chat_id}"), "1", GROUP_POINTER_EVERY).await;
    if matches!(first, Ok(false)) {
        return Ok(());
    }
    // A private chat with the bot, where the Mini App opens signed in; web-app buttons work
    // in private chats only.
    let link = match bot.username.get() {
        Some(name) => Some(format!("https://t.me/{name}")),
        None => bot.options.mini_app_url.as_ref().map(ToString::to_string),
    };
    let markup = link.map(|url| {
        let button = frankenstein::types::InlineKeyboardButton::builder().text(t.open_app).url(url).build();
        keyboard(vec![vec![button]])
    });
    bot.send.send_html(chat_id, t.group_pointer, markup).await.map(|_| ()).map_err(super::delivery)
}

/// The first step of onboarding: popular languages as buttons, the rest in the Mini App.
pub async fn ask_language(bot: &Bot, ctx: &Ctx, intro: &str) -> Result<(), HandlerError> {
    let mut rows: Vec<_> = POPULAR_LANGUAGES
        .chunks(3)
        .map(|row| {
            row.iter()
                .map(|code| {
                    button(ctx.t.language_name(code), &Callback::OnboardLanguage { language: (*code).to_owned() })
                })
                .collect()
        })
        .collect();
    let mut text = intro.to_owned();
    let route = if ctx.has_profile() { "profile/new" } else { "onboarding" };
    if let Some(app) = app_button(bot, ctx.t.open_app, route) {
        text = format!("{text}\n\n{}", ctx.t.more_languages);
        rows.push(vec![app]);
    }
    send(bot, ctx, &text, Some(keyboard(rows))).await
}

pub async fn ask_level(bot: &Bot, ctx: &Ctx, message_id: i32, language: &str) -> Result<Toast, HandlerError> {
    let rows = CefrLevel::ALL
        .chunks(2)
        .map(|row| {
            row.iter()
                .map(|level| {
                    button(
                        ctx.t.level(*level),
                        &Callback::OnboardLevel { language: language.to_owned(), level: *level },
                    )
                })
                .collect()
        })
        .collect();
    let text = fill(ctx.t.ask_level, &[("language", &ctx.t.language_name(language))]);
    replace(bot, ctx, message_id, &text, Some(keyboard(rows))).await?;
    Ok(None)
}

pub async fn ask_goal(
    bot: &Bot,
    ctx: &Ctx,
    message_id: i32,
    language: &str,
    level: CefrLevel,
) -> Result<Toast, HandlerError> {
    let goals: Vec<(usize, Goal)> = Goal::ALL.into_iter().enumerate().collect();
    let rows = goals
        .chunks(2)
        .map(|row| {
            row.iter()
                .map(|(index, goal)| {
                    let goal_index = u8::try_from(*index).unwrap_or_default();
                    let data = Callback::OnboardGoal { language: language.to_owned(), level, goal: goal_index };
                    button(ctx.t.goal(*goal), &data)
                })
                .collect()
        })
        .collect();
    replace(bot, ctx, message_id, ctx.t.ask_goal, Some(keyboard(rows))).await?;
    Ok(None)
}

/// The level to aim for: one step up (C2 stays C2).
fn next_level(level: CefrLevel) -> CefrLevel {
    let index = CefrLevel::ALL.iter().position(|l| *l == level).unwrap_or(0);
    CefrLevel::ALL.get(index + 1).copied().unwrap_or(level)
}

pub async fn create_profile(
    bot: &Bot,
    ctx: &Ctx,
    message_id: i32,
    language: &str,
    level: CefrLevel,
    goal: u8,
) -> Result<Toast, HandlerError> {
    let Ok(code) = LanguageCode::parse(language) else {
        return Ok(Some(ctx.t.stale_button.to_owned()));
    };
    let goals = Goal::ALL.get(usize::from(goal)).map(|g| vec![*g]).unwrap_or_default();
    let new = NewProfile {
        language: code.clone(),
        current_level: level,
        target_level: next_level(level),
        goals,
        interface_language: ctx.me.interface_language,
    };
    let user_id = ctx.user_id();
    let name = ctx.t.language_in_sentence(language);
    let profile = match bot.app.profiles.create(user_id, new).await {
        Ok(profile) => profile,
        Err(ProfileError::DuplicateLanguage) => {
            // A second tap on the last step, or a language they already learn: switch to it.
            let profiles = bot.app.profiles.list(user_id).await.map_err(retry)?;
            let Some(existing) = profiles.into_iter().find(|p| p.language == code) else {
                return Ok(Some(ctx.t.something_failed.to_owned()));
            };
            bot.app.profiles.activate(user_id, existing.id).await.map_err(retry)?;
            let text = fill(ctx.t.profile_switched, &[("language", &name)]);
            replace(bot, ctx, message_id, &text, None).await?;
            return Ok(Some(ctx.t.profile_exists.to_owned()));
        }
        Err(ProfileError::LimitReached(limit)) => {
            let text = fill(ctx.t.profile_limit, &[("limit", &limit.max.to_string())]);
            replace(bot, ctx, message_id, &text, None).await?;
            return Ok(None);
        }
        Err(e) => return Err(retry(e)),
    };
    if !profile.is_active {
        bot.app.profiles.activate(user_id, profile.id).await.map_err(retry)?;
    }
    let text = fill(ctx.t.profile_created, &[("language", &name), ("level", ctx.t.level(level))]);
    replace(bot, ctx, message_id, &text, None).await?;
    Ok(None)
}

/// `/profile`: every language with the active one ticked, and a way to add one.
pub async fn profiles(bot: &Bot, ctx: &Ctx, message_id: Option<i32>) -> Result<(), HandlerError> {
    let profiles = bot.app.profiles.list(ctx.user_id()).await.map_err(retry)?;
    let mut rows: Vec<_> = profiles
        .iter()
        .map(|p| {
            let name = ctx.t.language_name(p.language.as_str());
            let label = if p.is_active { format!("✓ {name}") } else { name };
            vec![button(label, &Callback::Profile { profile: p.id.as_uuid() })]
        })
        .collect();
    rows.push(vec![button(ctx.t.new_language, &Callback::NewProfile)]);
    match message_id {
        Some(id) => replace(bot, ctx, id, ctx.t.profiles_title, Some(keyboard(rows))).await,
        None => send(bot, ctx, ctx.t.profiles_title, Some(keyboard(rows))).await,
    }
}

pub async fn switch_profile(bot: &Bot, ctx: &Ctx, message_id: i32, profile: Uuid) -> Result<Toast, HandlerError> {
    let profile = match bot.app.profiles.activate(ctx.user_id(), ProfileId::from_uuid(profile)).await {
        Ok(profile) => profile,
        Err(ProfileError::NotFound) => return Ok(Some(ctx.t.stale_button.to_owned())),
        Err(e) => return Err(retry(e)),
    };
    // Said in the new profile's interface language, which is the bot's language from now on.
    let t = texts(profile.interface_language);
    let name = t.language_in_sentence(profile.language.as_str());
    replace(bot, ctx, message_id, &fill(t.profile_switched, &[("language", &name)]), None).await?;
    Ok(None)
}
