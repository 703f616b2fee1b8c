import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { streamError } from '../api/sse';
import { translator } from '../i18n/i18n';
import { errorText } from './errorText';

describe('errorText', () => {
  const t = translator('en');

  it('explains known codes in the interface language', () => {
    expect(errorText(t, new ApiError(402, 'LIMIT_REACHED', 'x', { max: 3 }))).toBe(
      'Your plan limit is reached: at most 3 languages.',
    );
    expect(errorText(t, new ApiError(400, 'LAST_PROFILE', 'x'))).toMatch(/only language/);
    expect(errorText(t, new ApiError(0, 'NETWORK_ERROR', 'Failed to fetch'))).toMatch(/Cannot reach/);
  });

  it('names the invalid fields of a 422', () => {
    const error = new ApiError(422, 'VALIDATION_ERROR', 'Проверьте', { timezone: ['bad'] });
    expect(errorText(t, error)).toBe('Please check these fields: timezone.');
  });

  it('explains the LLM errors and a generation still running', () => {
    expect(errorText(t, new ApiError(503, 'LLM_NOT_CONFIGURED', 'x'))).toBe(
      'The AI features are not configured on this server.',
    );
    expect(errorText(t, new ApiError(502, 'LLM_SERVICE_ERROR', 'x'))).toMatch(/did not answer/);
    expect(errorText(t, new ApiError(400, 'CONTENT_REJECTED', 'x'))).toMatch(/moderation/);
    expect(errorText(t, new ApiError(429, 'QUOTA_EXCEEDED', 'x', { max: 50 }))).toBe(
      'The daily limit is used up (50 a day).',
    );
    expect(errorText(t, new ApiError(409, 'CONFLICT', 'x', { reason: 'in_progress' }))).toMatch(/still running/);
  });

  it('falls back to a generic sentence in the interface language for other codes', () => {
    expect(errorText(t, new ApiError(500, 'INTERNAL_ERROR', 'Server broke'))).toBe(
      'Something went wrong on the server. Try again a little later.',
    );
    expect(errorText(t, new ApiError(418, 'HTTP_418', "I'm a teapot"))).toBe('The request failed. Try again.');
    const ru = translator('ru');
    expect(errorText(ru, new ApiError(500, 'INTERNAL_ERROR', 'Server broke'))).toBe(
      'На сервере произошла ошибка. Попробуйте ещё раз чуть позже.',
    );
    expect(errorText(ru, new ApiError(400, 'SOMETHING_NEW', 'Some English text'))).toBe(
      'Не удалось выполнить запрос. Попробуйте ещё раз.',
    );
  });

  it('says an `event: error` frame without the error body in the interface language', () => {
    expect(errorText(translator('ru'), streamError(null))).toBe('Ответ сервера прервался из-за ошибки. Попробуйте ещё раз.');
    expect(errorText(translator('ru'), streamError('boom'))).toBe('Ответ сервера прервался из-за ошибки. Попробуйте ещё раз.');
    expect(errorText(t, streamError(null))).toBe('The server reported an error while answering. Try again.');
  });
});

describe('errorText for decks, cards and study', () => {
  const t = translator('en');

  it('tells the card limit from the profile limit', () => {
    expect(errorText(t, new ApiError(402, 'LIMIT_REACHED', 'x', { limit: 'cards', used: 200, max: 200 }))).toBe(
      'Your plan limit is reached: at most 200 cards.',
    );
  });

  it('explains the CONFLICT cases by their details', () => {
    expect(errorText(t, new ApiError(409, 'CONFLICT', 'x', { field: 'name' }))).toBe(
      'A deck with this name already exists.',
    );
    expect(errorText(t, new ApiError(409, 'CONFLICT', 'x', { reason: 'default_deck' }))).toMatch(/default deck/);
    expect(errorText(t, new ApiError(409, 'CONFLICT', 'x', { reason: 'nothing_to_undo' }))).toBe(
      'There is nothing to undo.',
    );
  });
});
