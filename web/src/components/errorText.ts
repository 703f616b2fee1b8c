import { ApiError, NETWORK_ERROR } from '../api/errors';
import type { MessageKey, Translate } from '../i18n/i18n';

const KNOWN_CODES: Partial<Record<string, MessageKey>> = {
  DUPLICATE_LANGUAGE: 'error.DUPLICATE_LANGUAGE',
  LIMIT_REACHED: 'error.LIMIT_REACHED',
  TARGET_BELOW_CURRENT: 'error.TARGET_BELOW_CURRENT',
  LAST_PROFILE: 'error.LAST_PROFILE',
  VALIDATION_ERROR: 'error.VALIDATION_ERROR',
  PROFILE_NOT_FOUND: 'error.PROFILE_NOT_FOUND',
  DUPLICATE_CARD: 'error.DUPLICATE_CARD',
  CONFLICT: 'error.CONFLICT',
  DECK_NOT_FOUND: 'error.DECK_NOT_FOUND',
  CARD_NOT_FOUND: 'error.CARD_NOT_FOUND',
  QUOTA_EXCEEDED: 'error.QUOTA_EXCEEDED',
  LLM_NOT_CONFIGURED: 'error.LLM_NOT_CONFIGURED',
  LLM_SERVICE_ERROR: 'error.LLM_SERVICE_ERROR',
  CONTENT_REJECTED: 'error.CONTENT_REJECTED',
  STREAM_ERROR: 'error.STREAM_ERROR',
  NOT_FOUND: 'error.NOT_FOUND',
  RATE_LIMIT_EXCEEDED: 'error.RATE_LIMIT_EXCEEDED',
  TOPIC_NOT_FOUND: 'error.TOPIC_NOT_FOUND',
  EXERCISE_NOT_FOUND: 'error.EXERCISE_NOT_FOUND',
};

/** Codes shared by several situations, told apart by their details. */
function specificKey(error: ApiError): MessageKey | undefined {
  const details = error.details ?? {};
  if (error.code === 'LIMIT_REACHED' && details.limit === 'cards') return 'error.LIMIT_REACHED.cards';
  if (error.code === 'CONFLICT') {
    if (details.field === 'name') return 'error.DECK_NAME_TAKEN';
    if (details.reason === 'default_deck') return 'error.DEFAULT_DECK';
    if (details.reason === 'nothing_to_undo') return 'error.NOTHING_TO_UNDO';
    if (details.reason === 'in_progress') return 'error.IN_PROGRESS';
  }
  if (error.code === 'INVALID_FIELD_VALUE') {
    if (details.reason === 'not_an_image') return 'error.media.notAnImage';
    if (details.reason === 'picture_count') return 'error.media.pictureCount';
    if (details.reason === 'not_audio') return 'error.media.notAudio';
    if (details.reason === 'silent') return 'error.media.silent';
  }
  if (error.code === 'PAYLOAD_TOO_LARGE') return 'error.PAYLOAD_TOO_LARGE';
  if (error.code === 'LLM_NOT_CONFIGURED' && details.reason === 'speech_unavailable') return 'error.media.speechUnavailable';
  if (error.code === 'QUOTA_EXCEEDED' && details.kind === 'voice') return 'error.QUOTA_EXCEEDED.voice';
  if (error.code === 'QUOTA_EXCEEDED' && details.kind === 'exercises') return 'error.QUOTA_EXCEEDED.exercises';
  return undefined;
}

/**
 * A user-facing sentence for any thrown value, in the interface language. A code without a
 * sentence of its own gets a generic one (the server's message is English and technical);
 * its request id is still shown by the error components.
 */
export function errorText(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === NETWORK_ERROR) return t('common.error.network');
    if (error.code === 'VALIDATION_ERROR' && error.details) {
      // details maps field names to problems; the names tell the user where to look.
      return t('error.VALIDATION_ERROR.fields', { fields: Object.keys(error.details).join(', ') });
    }
    const key = specificKey(error) ?? KNOWN_CODES[error.code];
    if (key) {
      const maxBytes = error.detailNumber('max_bytes');
      return t(key, {
        max: error.detailNumber('max') ?? '?',
        mb: maxBytes === undefined ? '?' : Math.floor(maxBytes / (1024 * 1024)),
      });
    }
    return t(error.status >= 500 ? 'error.server' : 'error.unknown');
  }
  if (error instanceof Error) return error.message;
  return t('common.error.title');
}

export function requestIdOf(error: unknown): string | undefined {
  return error instanceof ApiError ? error.requestId : undefined;
}
