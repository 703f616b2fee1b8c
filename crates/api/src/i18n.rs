//! The language of human-readable API text: Russian by default (our learners are
//! Russian speakers), English when the client prefers it.

use actix_web::HttpRequest;
use actix_web::http::header::ACCEPT_LANGUAGE;

use crate::error::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Ru,
    En,
}

impl Language {
    /// Picks the first of ru/en in the client's `Accept-Language` preference order.
    pub fn negotiate(req: &HttpRequest) -> Self {
        let Some(header) = req.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Self::Ru;
        };
        let mut ranked: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|item| {
                let mut parts = item.trim().split(';');
                let tag = parts.next()?.trim();
                let q =
                    parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        // Stable sort keeps the header's order among equal weights.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked
            .into_iter()
            .filter(|(q, _)| *q > 0.0)
            .find_map(|(_, tag)| {
                let primary = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
                match primary.as_str() {
                    "ru" => Some(Self::Ru),
                    "en" => Some(Self::En),
                    _ => None,
                }
            })
            .unwrap_or(Self::Ru)
    }
}

pub(crate) fn error_message(code: ErrorCode, lang: Language) -> &'static str {
    use ErrorCode::*;
    let (ru, en) = match code {
        InvalidInitData => {
            ("Данные входа из Telegram повреждены или устарели.", "Telegram sign-in data is malformed or stale.")
        }
        InvalidFieldValue => ("Некорректный запрос.", "The request is malformed."),
        TargetBelowCurrent => {
            ("Целевой уровень не может быть ниже текущего.", "The target level cannot be below the current level.")
        }
        LastProfile => ("Нельзя удалить последний языковой профиль.", "The last language profile cannot be deleted."),
        InviteExpired => ("Приглашение истекло или исчерпано.", "The invite has expired or been used up."),
        ContentRejected => ("Сообщение отклонено модерацией.", "The message was rejected by moderation."),
        AuthFailed => ("Требуется вход.", "Authentication required."),
        TokenExpired => ("Сессия истекла, войдите снова.", "The session has expired; sign in again."),
        LimitReached => ("Достигнут лимит вашего тарифа.", "Your plan's limit has been reached."),
        Forbidden => ("Недостаточно прав.", "You are not allowed to do this."),
        NotFound => ("Не найдено.", "Not found."),
        ProfileNotFound => ("Профиль не найден.", "Profile not found."),
        DeckNotFound => ("Колода не найдена.", "Deck not found."),
        CardNotFound => ("Карточка не найдена.", "Card not found."),
        TopicNotFound => ("Тема не найдена.", "Topic not found."),
        ExerciseNotFound => ("Упражнение не найдено или уже проверено.", "Exercise not found or already graded."),
        GroupNotFound => ("Группа не найдена.", "Group not found."),
        UserNotFound => ("Пользователь не найден.", "User not found."),
        MethodNotAllowed => ("Метод не поддерживается для этого адреса.", "This method is not allowed here."),
        PayloadTooLarge => ("Слишком большой запрос.", "The request body is too large."),
        UnsupportedMediaType => ("Неподдерживаемый тип содержимого.", "Unsupported content type."),
        Conflict => ("Конфликт с текущим состоянием.", "The request conflicts with the current state."),
        DuplicateLanguage => ("Профиль для этого языка уже есть.", "A profile for this language already exists."),
        DuplicateCard => ("Такая карточка уже есть.", "This card already exists."),
        AlreadyMember => ("Вы уже состоите в этой группе.", "You are already a member of this group."),
        ValidationError => ("Проверьте введённые данные.", "Some fields are invalid."),
        RateLimitExceeded => ("Слишком много запросов, попробуйте позже.", "Too many requests; try again later."),
        QuotaExceeded => {
            ("Дневной лимит исчерпан, он обновится в полночь.", "The daily quota is used up; it resets at midnight.")
        }
        InternalError => ("Внутренняя ошибка сервера.", "Internal server error."),
        LlmServiceError => {
            ("Языковая модель не ответила, попробуйте ещё раз.", "The language model failed; try again.")
        }
        LlmNotConfigured => {
            ("Языковая модель не настроена на этом сервере.", "No language model is configured on this server.")
        }
        ServiceUnavailable => ("Сервис временно недоступен.", "The service is temporarily unavailable."),
    };
    match lang {
        Language::Ru => ru,
        Language::En => en,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn pick(header: &str) -> Language {
        Language::negotiate(&TestRequest::default().insert_header((ACCEPT_LANGUAGE, header)).to_http_request())
    }

    #[test]
    fn follows_the_clients_preference_between_ru_and_en() {
        assert_eq!(pick("en-US,en;q=0.9"), Language::En);
        assert_eq!(pick("de-DE,en;q=0.5,ru;q=0.4"), Language::En);
        assert_eq!(pick("en;q=0.3,ru-RU;q=0.8"), Language::Ru);
        assert_eq!(pick("fr"), Language::Ru);
        assert_eq!(pick("en;q=0"), Language::Ru);
        assert_eq!(Language::negotiate(&TestRequest::default().to_http_request()), Language::Ru);
    }
}
