//! A voice message: limits checked from what Telegram says before anything is downloaded,
//! the recording fetched (`getFile`), turned into text by the media service, the transcript
//! shown back, then answered by the tutor as if typed.

use frankenstein::types::Voice;
use services::inbox::HandlerError;
use services::media::{MAX_VOICE_BYTES, MAX_VOICE_SECONDS, MediaError};

use super::{send, while_typing};
use crate::bot::{Bot, Ctx};
use crate::texts::fill;

fn megabytes(bytes: usize) -> String {
    (bytes / (1024 * 1024)).to_string()
}

pub async fn voice(bot: &Bot, ctx: &Ctx, voice: &Voice) -> Result<(), HandlerError> {
    let too_large = || fill(ctx.t.voice_too_large, &[("max", &megabytes(MAX_VOICE_BYTES))]);
    if voice.duration > MAX_VOICE_SECONDS {
        let text = fill(ctx.t.voice_too_long, &[("max", &MAX_VOICE_SECONDS.to_string())]);
        return send(bot, ctx, &text, None).await;
    }
    if voice.file_size.is_some_and(|size| size > MAX_VOICE_BYTES as u64) {
        return send(bot, ctx, &too_large(), None).await;
    }
    let heard = while_typing(bot, ctx, async {
        let Some(audio) = super::fetch_file(bot, &voice.file_id, MAX_VOICE_BYTES).await? else {
            return Ok(Err(MediaError::TooLarge { max_bytes: MAX_VOICE_BYTES }));
        };
        Ok::<_, HandlerError>(bot.app.media.transcribe(ctx.user_id(), audio).await)
    })
    .await?;
    let text = match heard {
        Ok(transcript) => transcript.text,
        Err(error) => {
            let said = match error {
                MediaError::NotConfigured => ctx.t.tutor_unavailable.to_owned(),
                MediaError::SpeechUnavailable => ctx.t.voice_unavailable.to_owned(),
                MediaError::TooLarge { .. } => too_large(),
                MediaError::NotAudio => ctx.t.voice_unreadable.to_owned(),
                MediaError::Silent => ctx.t.voice_silent.to_owned(),
                MediaError::Quota(services::quota::QuotaError::Exceeded { retry_after_seconds, .. }) => {
                    super::quota_refusal(ctx.t.voice_quota_exhausted, retry_after_seconds)
                }
                other => {
                    tracing::warn!(error = %other, "a voice message could not be transcribed");
                    ctx.t.voice_failed.to_owned()
                }
            };
            return send(bot, ctx, &said, None).await;
        }
    };
    send(bot, ctx, &fill(ctx.t.voice_heard, &[("text", &text)]), None).await?;
    super::tutor::ask(bot, ctx, &text).await
}
