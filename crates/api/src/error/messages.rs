//! What each error code says to a person, in Russian and English.

use super::ErrorCode;
use crate::i18n::Language;

pub(super) fn error_message(code: ErrorCode, lang: Language) -> &'static str {
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
