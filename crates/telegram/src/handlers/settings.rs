//! `/settings` (reminders on/off and their hour, time zone, interface language) on the same
//! settings service as `PATCH /api/me`, and `/clear_history` with a confirmation.

use domain::{InterfaceLanguage, TimeZone};
use services::inbox::HandlerError;
use services::users::{Me, MeChanges};

use super::{Toast, button, keyboard, replace, send, settings_button};
use crate::bot::{Bot, Ctx, retry};
use crate::callback::{Callback, SettingsAction};
use crate::texts::{fill, interface_language_name, texts};

/// Zones offered as buttons: where most Russian-speaking learners live. Any other zone can be
/// picked in the Mini App.
pub const ZONES: [&str; 18] = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Europe/Minsk",
    "Europe/Kyiv",
    "Asia/Almaty",
    "Asia/Tbilisi",
    "Europe/Berlin",
    "Europe/London",
];

fn summary(me: &Me) -> (String, frankenstein::types::InlineKeyboardMarkup) {
    let t = texts(me.interface_language);
    let user = &me.user;
    let reminders = if user.reminders_enabled { t.reminders_on } else { t.reminders_off };
    let text = fill(
        t.settings_title,
        &[("reminders", reminders), ("hour", &format!("{:02}", user.reminder_hour)), ("zone", &user.timezone)],
    );
    let toggle = if user.reminders_enabled {
        button(t.turn_reminders_off, &Callback::Settings(SettingsAction::Reminders(false)))
    } else {
        button(t.turn_reminders_on, &Callback::Settings(SettingsAction::Reminders(true)))
    };
    let languages = InterfaceLanguage::ALL
        .iter()
        .map(|language| {
            let name = interface_language_name(*language);
            let label = if *language == me.interface_language { format!("✓ {name}") } else { name.to_owned() };
            button(label, &Callback::Settings(SettingsAction::Language(*language)))
        })
        .collect();
    let rows = vec![
        vec![toggle],
        vec![
            button(t.change_hour, &Callback::Settings(SettingsAction::PickHour)),
            button(t.change_zone, &Callback::Settings(SettingsAction::PickZone)),
        ],
        languages,
    ];
    (text, keyboard(rows))
}

pub async fn show(bot: &Bot, ctx: &Ctx, message_id: Option<i32>) -> Result<(), HandlerError> {
    let (text, markup) = summary(&ctx.me);
    match message_id {
        Some(id) => replace(bot, ctx, id, &text, Some(markup)).await,
        None => send(bot, ctx, &text, Some(markup)).await,
    }
}

fn hours_keyboard(ctx: &Ctx) -> frankenstein::types::InlineKeyboardMarkup {
    let hours: Vec<u8> = (6..=23).collect();
    let mut rows: Vec<_> = hours
        .chunks(6)
        .map(|row| {
            row.iter()
                .map(|hour| button(format!("{hour:02}:00"), &Callback::Settings(SettingsAction::Hour(*hour))))
                .collect()
        })
        .collect();
    rows.push(vec![settings_button(ctx)]);
    keyboard(rows)
}

fn zones_keyboard(ctx: &Ctx) -> frankenstein::types::InlineKeyboardMarkup {
    let zones: Vec<(usize, &str)> = ZONES.iter().copied().enumerate().collect();
    let mut rows: Vec<_> = zones
        .chunks(2)
        .map(|row| {
            row.iter()
                .map(|(index, zone)| {
                    let label = ctx.t.zone_name(zone);
                    let index = u8::try_from(*index).unwrap_or_default();
                    button(label, &Callback::Settings(SettingsAction::Zone(index)))
                })
                .collect()
        })
        .collect();
    rows.push(vec![settings_button(ctx)]);
    keyboard(rows)
}

pub async fn act(bot: &Bot, ctx: &Ctx, message_id: i32, action: SettingsAction) -> Result<Toast, HandlerError> {
    let changes = match action {
        SettingsAction::Show => {
            show(bot, ctx, Some(message_id)).await?;
            return Ok(None);
        }
        SettingsAction::PickHour => {
            replace(bot, ctx, message_id, ctx.t.pick_hour, Some(hours_keyboard(ctx))).await?;
            return Ok(None);
        }
        SettingsAction::PickZone => {
            replace(bot, ctx, message_id, ctx.t.pick_zone, Some(zones_keyboard(ctx))).await?;
            return Ok(None);
        }
        SettingsAction::Reminders(on) => MeChanges { reminders_enabled: Some(on), ..MeChanges::default() },
        SettingsAction::Hour(hour) => MeChanges { reminder_hour: Some(hour), ..MeChanges::default() },
        SettingsAction::Zone(index) => {
            let Some(zone) = ZONES.get(usize::from(index)).and_then(|z| TimeZone::parse(z).ok()) else {
                return Ok(Some(ctx.t.stale_button.to_owned()));
            };
            MeChanges { timezone: Some(zone), ..MeChanges::default() }
        }
        SettingsAction::Language(language) => MeChanges { interface_language: Some(language), ..MeChanges::default() },
    };
    let me = bot.app.users.update(ctx.user_id(), changes).await.map_err(retry)?;
    let (text, markup) = summary(&me);
    replace(bot, ctx, message_id, &text, Some(markup)).await?;
    Ok(Some(texts(me.interface_language).saved.to_owned()))
}

/// Asks first, naming the language: the buttons carry the profile, so switching language
/// before pressing "Yes" never clears another language's conversation.
pub async fn confirm_clear(bot: &Bot, ctx: &Ctx) -> Result<(), HandlerError> {
    let profile = bot.app.profiles.resolve(ctx.user_id(), None).await.map_err(retry)?;
    let id = profile.id.as_uuid();
    let markup = keyboard(vec![vec![
        button(ctx.t.clear_yes, &Callback::ClearHistory { profile: id, confirmed: true }),
        button(ctx.t.clear_no, &Callback::ClearHistory { profile: id, confirmed: false }),
    ]]);
    let language = ctx.t.language_in_sentence(profile.language.as_str());
    send(bot, ctx, &fill(ctx.t.clear_confirm, &[("language", &language)]), Some(markup)).await
}

pub async fn clear(
    bot: &Bot,
    ctx: &Ctx,
    message_id: i32,
    profile: uuid::Uuid,
    confirmed: bool,
) -> Result<Toast, HandlerError> {
    if !confirmed {
        replace(bot, ctx, message_id, ctx.t.clear_cancelled, None).await?;
        return Ok(None);
    }
    let profile = Some(domain::ProfileId::from_uuid(profile));
    match bot.app.tutor.clear(ctx.user_id(), profile).await {
        Ok(_) => {}
        Err(services::tutor::TutorError::Profile(services::profiles::ProfileError::NotFound)) => {
            return Ok(Some(ctx.t.stale_button.to_owned()));
        }
        Err(e) => return Err(retry(e)),
    }
    replace(bot, ctx, message_id, ctx.t.cleared, None).await?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_zone_is_a_real_zone() {
        for zone in ZONES {
            assert!(TimeZone::parse(zone).is_ok(), "{zone}");
        }
    }
}
