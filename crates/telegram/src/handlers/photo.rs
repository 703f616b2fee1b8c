//! A photo (or a picture sent as a file): its text and up to ten words with one-tap "add"
//! buttons; a caption is then asked to the tutor about what the picture says.

use frankenstein::types::Message;
use services::inbox::HandlerError;
use services::media::{MAX_PHOTO_BYTES, MediaError};

use super::{send, while_typing};
use crate::bot::{Bot, Ctx};
use crate::format::escape;
use crate::texts::fill;

/// The picture a message carries: the largest size of a photo that fits, or an image file.
pub fn picture_of(message: &Message) -> Option<(String, Option<u64>)> {
    if let Some(sizes) = &message.photo {
        let fitting = sizes.iter().filter(|s| s.file_size.is_none_or(|size| size <= MAX_PHOTO_BYTES as u64));
        let best = fitting.max_by_key(|s| s.width * s.height).or_else(|| sizes.first())?;
        return Some((best.file_id.clone(), best.file_size));
    }
    let document = message.document.as_deref()?;
    document.mime_type.as_deref().filter(|m| m.starts_with("image/"))?;
    Some((document.file_id.clone(), document.file_size))
}

/// The most of a photo's text shown in the reply (the rest would only push the buttons away).
const SHOWN_TEXT_CHARS: usize = 1500;

pub async fn photo(
    bot: &Bot,
    ctx: &Ctx,
    file_id: &str,
    size: Option<u64>,
    caption: Option<&str>,
) -> Result<(), HandlerError> {
    let too_large = || fill(ctx.t.photo_too_large, &[("max", &(MAX_PHOTO_BYTES / (1024 * 1024)).to_string())]);
    if size.is_some_and(|s| s > MAX_PHOTO_BYTES as u64) {
        return send(bot, ctx, &too_large(), None).await;
    }
    let read = while_typing(bot, ctx, async {
        let Some(bytes) = super::fetch_file(bot, file_id, MAX_PHOTO_BYTES).await? else {
            return Ok(Err(MediaError::TooLarge { max_bytes: MAX_PHOTO_BYTES }));
        };
        Ok::<_, HandlerError>(bot.app.media.read_photo(ctx.user_id(), vec![bytes]).await)
    })
    .await?;
    let reading = match read {
        Ok(reading) => reading,
        Err(error) => {
            let said = match error {
                MediaError::NotConfigured => ctx.t.tutor_unavailable.to_owned(),
                MediaError::TooLarge { .. } => too_large(),
                MediaError::NotImage => ctx.t.photo_unreadable.to_owned(),
                MediaError::Quota(services::quota::QuotaError::Exceeded { retry_after_seconds, .. }) => {
                    super::quota_refusal(ctx.t.quota_exhausted, retry_after_seconds)
                }
                other => {
                    tracing::warn!(error = %other, "a photo could not be read");
                    ctx.t.photo_failed.to_owned()
                }
            };
            return send(bot, ctx, &said, None).await;
        }
    };
    if reading.text.is_empty() {
        send(bot, ctx, ctx.t.photo_no_text, None).await?;
    } else {
        let shown: String = reading.text.chars().take(SHOWN_TEXT_CHARS).collect();
        let cut = if reading.text.chars().count() > SHOWN_TEXT_CHARS { "…" } else { "" };
        let mut html = format!("📷 <i>{}{cut}</i>", escape(&shown));
        if !reading.words.is_empty() {
            html = format!("{html}\n\n{}", ctx.t.photo_words);
        }
        let buttons = super::tutor::word_buttons(bot, ctx, &reading.words).await;
        send(bot, ctx, &html, buttons).await?;
    }
    if let Some(question) = caption.map(str::trim).filter(|c| !c.is_empty()) {
        let asked =
            if reading.text.is_empty() { question.to_owned() } else { format!("{question}\n\n{}", reading.text) };
        return super::tutor::ask(bot, ctx, &asked).await;
    }
    Ok(())
}
