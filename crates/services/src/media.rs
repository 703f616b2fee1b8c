//! Voice and photos for the tutor: a recording becomes text through the provider's speech to
//! text (the plan's daily `voice` quota); a photo becomes its text and the words worth learning
//! through the vision model (one tutor `messages` unit). Nothing is stored: the bytes live only
//! as long as the call.

use std::sync::Arc;

use domain::{DailyQuota, UserId};
use repositories::Database;
use serde::Deserialize;
use serde_json::json;

use crate::llm::{
    CallContext, ChatMessage, ImageInput, JsonSchema, LlmError, LlmGateway, Operation, Role, Structured, Transcript,
};
use crate::profiles::{ProfileError, ProfileService};
use crate::prompts::{LearnerContext, PromptError, Prompts};
use crate::quota::{QuotaError, QuotaService};
use crate::tutor::WordSuggestion;

/// The longest voice message taken (bot.md, llm.md).
pub const MAX_VOICE_SECONDS: u32 = 120;
/// The largest recording taken.
pub const MAX_VOICE_BYTES: usize = 3 * 1024 * 1024;
/// The largest picture taken (api.md), and how many go together.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_PHOTOS: usize = 3;
/// Words suggested from one reading (llm.md).
pub const MAX_PHOTO_WORDS: usize = 10;

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
    #[error("a picture is empty or not JPEG, PNG or WebP")]
    NotImage,
    #[error("1 to {max} pictures are read at a time")]
    PictureCount { max: usize },
    #[error(transparent)]
    Prompt(#[from] PromptError),
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

/// A picture format, told by its first bytes.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if at(0, &[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some("image/webp")
    } else {
        None
    }
}

/// What a photo says: its text and the words worth a card, none already in the learner's cards.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PhotoReading {
    pub text: String,
    pub words: Vec<WordSuggestion>,
}

impl Structured for PhotoReading {
    fn schema() -> JsonSchema {
        let word = json!({"type": "object", "additionalProperties": false, "required": ["word", "translation"],
            "properties": {"word": {"type": "string"}, "translation": {"type": "string"}}});
        JsonSchema {
            name: "photo_reading".into(),
            schema: json!({"type": "object", "additionalProperties": false, "required": ["text", "words"],
                "properties": {"text": {"type": "string"}, "words": {"type": "array", "items": word}}}),
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.words.len() > MAX_PHOTO_WORDS {
            return Err(format!("at most {MAX_PHOTO_WORDS} words, got {}", self.words.len()));
        }
        if self.words.iter().any(|w| crate::tutor::words::clean(w.clone()).is_none()) {
            return Err("every word needs a word and a translation of sensible length".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct MediaService {
    llm: Option<LlmGateway>,
    quotas: QuotaService,
    profiles: ProfileService,
    prompts: Arc<Prompts>,
    db: Database,
}

impl MediaService {
    pub fn new(
        llm: Option<LlmGateway>,
        quotas: QuotaService,
        profiles: ProfileService,
        prompts: Arc<Prompts>,
        db: Database,
    ) -> Self {
        Self { llm, quotas, profiles, prompts, db }
    }

    /// Whether voice can be turned into text on this server (the Mini App hides the microphone
    /// otherwise).
    pub fn speech_available(&self) -> bool {
        self.llm.as_ref().is_some_and(LlmGateway::transcribes)
    }

    /// The text of 1–3 pictures and up to ten words from it that the learner has no card for.
    /// Counted as one tutor message; a failed call charges nothing.
    pub async fn read_photo(&self, user_id: UserId, pictures: Vec<Vec<u8>>) -> Result<PhotoReading, MediaError> {
        let llm = self.llm.as_ref().ok_or(MediaError::NotConfigured)?;
        if pictures.is_empty() || pictures.len() > MAX_PHOTOS {
            return Err(MediaError::PictureCount { max: MAX_PHOTOS });
        }
        let mut images = Vec::with_capacity(pictures.len());
        for bytes in pictures {
            if bytes.len() > MAX_PHOTO_BYTES {
                return Err(MediaError::TooLarge { max_bytes: MAX_PHOTO_BYTES });
            }
            let mime = image_type(&bytes).ok_or(MediaError::NotImage)?;
            images.push(ImageInput { mime: mime.to_owned(), bytes });
        }
        let profile = self.profiles.resolve(user_id, None).await?;
        let reservation = self.quotas.reserve(user_id, DailyQuota::Messages, 1).await?;
        let system = self.prompts.photo_system(&LearnerContext::from(&profile))?;
        let messages = vec![
            ChatMessage { role: Role::System, content: system },
            ChatMessage { role: Role::User, content: "Read the picture.".into() },
        ];
        let context = CallContext { user_id, profile_id: Some(profile.id), operation: Operation::Photo };
        let reading: PhotoReading = llm
            .structured_seeing(context, messages, &images, |_: &PhotoReading| Ok(()))
            .await
            .map_err(MediaError::Llm)?;
        reservation.settle(1).await;
        let mut seen = std::collections::HashSet::new();
        let words: Vec<WordSuggestion> = reading
            .words
            .into_iter()
            .filter_map(crate::tutor::words::clean)
            .filter(|w| seen.insert(domain::text::normalized_key(&w.word)))
            .collect();
        let keys: Vec<String> = words.iter().map(|w| domain::text::normalized_key(&w.word)).collect();
        let known = repositories::cards::find_by_lemma_keys(self.db.conn(), profile.id, &keys)
            .await
            .map(|rows| rows.into_iter().map(|r| r.lemma_key).collect::<std::collections::HashSet<_>>())
            .unwrap_or_default();
        let words = words.into_iter().filter(|w| !known.contains(&domain::text::normalized_key(&w.word))).collect();
        Ok(PhotoReading { text: reading.text.trim().to_owned(), words })
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
