//! Voice (and, next, photos) for the tutor: a recording becomes text through the provider's
//! speech to text, within the plan's daily `voice` quota; nothing is stored, the bytes live
//! only as long as the call.

use domain::{DailyQuota, UserId};

use crate::llm::{CallContext, LlmError, LlmGateway, Operation, Transcript};
use crate::profiles::{ProfileError, ProfileService};
use crate::quota::{QuotaError, QuotaService};

/// The longest voice message taken (bot.md, llm.md).
pub const MAX_VOICE_SECONDS: u32 = 120;
/// The largest recording taken.
pub const MAX_VOICE_BYTES: usize = 3 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("no LLM provider is configured")]
    NotConfigured,
    /// The provider has no speech to text (Anthropic without `LLM_SPEECH_BASE_URL`).
    #[error("speech to text is not available")]
    SpeechUnavailable,
    #[error("the recording is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("the recording is empty or not in a known audio format")]
    NotAudio,
    #[error("nothing was said")]
    Silent,
    #[error(transparent)]
    Quota(#[from] QuotaError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("speech to text failed: {0}")]
    Llm(LlmError),
}

/// An audio format, told by its first bytes (a name or a declared type proves nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    Ogg,
    WebM,
    Mp4,
    Wav,
    Mp3,
    Flac,
}

impl AudioFormat {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
        Some(match bytes {
            _ if at(0, b"OggS") => Self::Ogg,
            _ if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) => Self::WebM,
            _ if at(4, b"ftyp") => Self::Mp4,
            _ if at(0, b"RIFF") && at(8, b"WAVE") => Self::Wav,
            _ if at(0, b"fLaC") => Self::Flac,
            _ if at(0, b"ID3") => Self::Mp3,
            [0xFF, second, ..] if second & 0xE0 == 0xE0 => Self::Mp3,
            _ => return None,
        })
    }

    /// The file name and type the speech server is told.
    pub fn file(self) -> (&'static str, &'static str) {
        match self {
            Self::Ogg => ("voice.ogg", "audio/ogg"),
            Self::WebM => ("voice.webm", "audio/webm"),
            Self::Mp4 => ("voice.m4a", "audio/mp4"),
            Self::Wav => ("voice.wav", "audio/wav"),
            Self::Mp3 => ("voice.mp3", "audio/mpeg"),
            Self::Flac => ("voice.flac", "audio/flac"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct MediaService {
    llm: Option<LlmGateway>,
    quotas: QuotaService,
    profiles: ProfileService,
}

impl MediaService {
    pub fn new(llm: Option<LlmGateway>, quotas: QuotaService, profiles: ProfileService) -> Self {
        Self { llm, quotas, profiles }
    }

    /// The words of a recording. Refusals come before any provider call; a failed call
    /// charges nothing.
    pub async fn transcribe(&self, user_id: UserId, audio: Vec<u8>) -> Result<Transcript, MediaError> {
        let llm = self.llm.as_ref().ok_or(MediaError::NotConfigured)?;
        if audio.len() > MAX_VOICE_BYTES {
            return Err(MediaError::TooLarge { max_bytes: MAX_VOICE_BYTES });
        }
        let format = AudioFormat::sniff(&audio).ok_or(MediaError::NotAudio)?;
        let profile = self.profiles.resolve(user_id, None).await?;
        let reservation = self.quotas.reserve(user_id, DailyQuota::Voice, 1).await?;
        let context = CallContext { user_id, profile_id: Some(profile.id), operation: Operation::Voice };
        let (file_name, mime) = format.file();
        // On an error the reservation is dropped unsettled, which gives the unit back.
        let transcript = llm.transcribe(context, audio, file_name, mime).await.map_err(|error| match error {
            LlmError::Unsupported(_) => MediaError::SpeechUnavailable,
            other => MediaError::Llm(other),
        })?;
        reservation.settle(1).await;
        if transcript.text.trim().is_empty() {
            return Err(MediaError::Silent);
        }
        Ok(transcript)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_bytes_not_their_names() {
        assert_eq!(AudioFormat::sniff(b"OggS\x00\x02rest"), Some(AudioFormat::Ogg));
        assert_eq!(AudioFormat::sniff(&[0x1A, 0x45, 0xDF, 0xA3, 1]), Some(AudioFormat::WebM));
        assert_eq!(AudioFormat::sniff(b"\x00\x00\x00\x20ftypM4A "), Some(AudioFormat::Mp4));
        assert_eq!(AudioFormat::sniff(b"RIFF\x24\x00\x00\x00WAVEfmt "), Some(AudioFormat::Wav));
        assert_eq!(AudioFormat::sniff(b"ID3\x04"), Some(AudioFormat::Mp3));
        assert_eq!(AudioFormat::sniff(&[0xFF, 0xFB, 0x90]), Some(AudioFormat::Mp3));
        assert_eq!(AudioFormat::sniff(b"fLaC\x00"), Some(AudioFormat::Flac));
        assert_eq!(AudioFormat::sniff(b"\x89PNG\r\n"), None);
        assert_eq!(AudioFormat::sniff(b""), None);
        assert_eq!(AudioFormat::sniff(b"Ogg"), None);
    }
}
