//! Group invites in chat: `/start g_<code>` shows the group, its teacher and what the teacher
//! will see, with "Join" and "Cancel"; joining calls the same service as the Mini App, and
//! every refusal (expired, full, unknown, already a member) gets its own answer.

use services::groups::{GroupError, InvitePreview};
use services::inbox::HandlerError;

use super::{Toast, app_button, button, keyboard, replace, send};
use crate::bot::{Bot, Ctx, retry};
use crate::callback::Callback;
use crate::format::escape;
use crate::texts::{GroupTexts, fill, group_texts};

/// A button opening the Mini App at the group.
fn open_group(bot: &Bot, g: &GroupTexts, group_id: uuid::Uuid) -> Option<frankenstein::types::InlineKeyboardMarkup> {
    app_button(bot, g.open_group, &format!("groups/{group_id}")).map(|b| keyboard(vec![vec![b]]))
}

/// What a refusal says; `None` for a failure that is worth retrying.
fn refusal(g: &GroupTexts, error: &GroupError) -> Option<String> {
    Some(match error {
        GroupError::NotFound => g.unknown.to_owned(),
        GroupError::InviteExpired => g.expired.to_owned(),
        GroupError::LimitReached(limit) => fill(g.full, &[("max", &limit.max.to_string())]),
        _ => return None,
    })
}

fn invite_text(ctx: &Ctx, g: &GroupTexts, preview: &InvitePreview) -> String {
    let teacher = match &preview.teacher.username {
        Some(username) => format!("{} (@{username})", preview.teacher.first_name),
        None => preview.teacher.first_name.clone(),
    };
    let mut lines = vec![fill(g.invite, &[("group", &preview.name)])];
    lines.extend(preview.description.as_deref().filter(|d| !d.trim().is_empty()).map(escape));
    lines.push(fill(
        g.invite_details,
        &[
            ("teacher", &teacher),
            ("language", &ctx.t.language_name(&preview.language)),
            ("members", &preview.member_count.to_string()),
            ("max", &preview.max_members.to_string()),
        ],
    ));
    lines.push(format!("\n{}", g.teacher_sees));
    lines.extend(preview.teacher_sees.iter().map(|line| format!("• {}", escape(line))));
    lines.push(format!("\n{}", g.stays_private));
    lines.join("\n")
}

/// `/start g_<code>`: the invite, or why it cannot be used.
pub async fn invite(bot: &Bot, ctx: &Ctx, code: &str) -> Result<(), HandlerError> {
    let g = group_texts(ctx.t.language);
    let preview = match bot.app.groups.preview(ctx.user_id(), code).await {
        Ok(preview) => preview,
        Err(error) => return send(bot, ctx, &refusal(g, &error).ok_or_else(|| retry(&error))?, None).await,
    };
    if preview.already_member {
        let text = fill(g.already_member, &[("group", &preview.name)]);
        return send(bot, ctx, &text, open_group(bot, g, preview.group_id)).await;
    }
    let Some(code) = domain::InviteCode::parse(code) else {
        return send(bot, ctx, g.unknown, None).await;
    };
    let buttons = vec![
        button(g.join, &Callback::JoinGroup { code: code.as_str().to_owned() }),
        button(g.cancel, &Callback::CancelJoin),
    ];
    send(bot, ctx, &invite_text(ctx, g, &preview), Some(keyboard(vec![buttons]))).await
}

/// "Join": the same join as the Mini App's; the message becomes the outcome.
pub async fn join(bot: &Bot, ctx: &Ctx, message_id: i32, code: &str) -> Result<Toast, HandlerError> {
    let g = group_texts(ctx.t.language);
    let (text, markup) = match bot.app.groups.join(ctx.user_id(), code).await {
        Ok(group) => {
            let text = fill(g.joined, &[("group", &group.summary.name)]);
            (text, open_group(bot, g, group.summary.id))
        }
        Err(GroupError::AlreadyMember) => {
            // A second tap, or a join from the Mini App meanwhile: say where they are.
            let preview = bot.app.groups.preview(ctx.user_id(), code).await.map_err(retry)?;
            (fill(g.already_member, &[("group", &preview.name)]), open_group(bot, g, preview.group_id))
        }
        Err(error) => (refusal(g, &error).ok_or_else(|| retry(&error))?, None),
    };
    replace(bot, ctx, message_id, &text, markup).await?;
    Ok(None)
}

/// "Cancel": nothing joined; the buttons go.
pub async fn cancel(bot: &Bot, ctx: &Ctx, message_id: i32) -> Result<Toast, HandlerError> {
    let g = group_texts(ctx.t.language);
    replace(bot, ctx, message_id, g.cancelled, None).await?;
    Ok(None)
}
