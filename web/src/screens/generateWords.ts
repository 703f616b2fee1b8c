import type { MessageKey, Params } from '../i18n/i18n';

/** Limits of POST /api/cards/generate (docs/api.md). */
export const GENERATE_MAX_WORDS = 20;
export const GENERATE_WORD_MAX = 100;

/**
 * The words of the textarea: one per line or separated by commas, trimmed, empty ones
 * dropped, repeats (ignoring case and Unicode normalisation) merged as the server would,
 * so that every word sent gets exactly one row of results.
 */
export function parseWords(text: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const part of text.split(/[\n\r,]+/)) {
    const word = part.trim().replace(/\s+/g, ' ');
    if (!word) continue;
    const key = word.normalize('NFC').toLocaleLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    words.push(word);
  }
  return words;
}

/** Length in characters as the server counts them (code points, not UTF-16 units). */
function length(word: string): number {
  return [...word].length;
}

export interface WordsProblem {
  key: MessageKey;
  params?: Params;
}

/** Why the list cannot be sent as it is, or null. */
export function validateWords(words: string[]): WordsProblem | null {
  if (words.length === 0) return { key: 'generate.empty' };
  if (words.length > GENERATE_MAX_WORDS) return { key: 'generate.tooMany', params: { max: GENERATE_MAX_WORDS } };
  const long = words.find((word) => length(word) > GENERATE_WORD_MAX);
  if (long) return { key: 'generate.tooLong', params: { max: GENERATE_WORD_MAX, word: `${[...long].slice(0, 30).join('')}…` } };
  return null;
}
