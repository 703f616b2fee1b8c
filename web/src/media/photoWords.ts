import { isApiError } from '../api/errors';
import type { Card, NewCard, PhotoWord } from '../api/types';

/** What became of a ticked word: a new card, one already there, the plan's limit, a failure. */
export type WordOutcome = 'added' | 'exists' | 'limit' | 'failed';

/** The card `POST /api/cards` makes of a word read in a photo. */
export function cardOfPhotoWord(word: PhotoWord, deckId: string): NewCard {
  return { deck_id: deckId, front: word.word, back: word.translation, source: 'ocr' };
}

/**
 * Adds the words one by one (at most ten, so no bulk call is needed) and reports each
 * outcome as it comes. Once the plan's card limit is met the rest would meet it too: they
 * are reported as such without asking.
 */
export async function addPhotoWords(
  words: PhotoWord[],
  create: (card: NewCard) => Promise<Card>,
  deckId: string,
  report: (index: number, outcome: WordOutcome) => void,
): Promise<void> {
  let limited = false;
  for (const [index, word] of words.entries()) {
    if (limited) {
      report(index, 'limit');
      continue;
    }
    try {
      await create(cardOfPhotoWord(word, deckId));
      report(index, 'added');
    } catch (error) {
      const code = isApiError(error) ? error.code : null;
      limited = code === 'LIMIT_REACHED';
      report(index, code === 'DUPLICATE_CARD' ? 'exists' : limited ? 'limit' : 'failed');
    }
  }
}
